"""The citizen's pages under /dich-vu-cong/ (beside the public catalogue, namespace "services")."""

from django.urls import path

from tinhso.onestop.web.citizen import views as views

app_name = "citizen"

urlpatterns = [
    path("nop/<str:code>/", views.submit, name="submit"),
    path("ho-so/", views.my_dossiers, name="dossiers"),
    path("ho-so/<int:dossier_id>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:dossier_id>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<int:dossier_id>/dung-xu-ly/", views.stop, name="stop"),
    path("ho-so/<int:dossier_id>/thanh-toan/", views.pay, name="pay"),
    path("ho-so/<int:dossier_id>/danh-gia/", views.rate, name="rate"),
    path("tra-cuu/", views.lookup, name="lookup"),
]
