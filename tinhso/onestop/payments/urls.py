from django.urls import path

from tinhso.onestop.payments import views as views

app_name = "payment"

urlpatterns = [
    path("ho-so/<int:dossier_id>/", views.start, name="start"),
    path("gia-lap/<str:reference>/", views.checkout, name="checkout"),
    path("callback/<str:provider>/", views.callback, name="callback"),
    path("ket-qua/<str:reference>/", views.done, name="done"),
]
