from django.urls import path

from tinhso.onestop.web.officer import views as views

app_name = "officer"

urlpatterns = [
    path("", views.queues, name="queues"),
    path("phan-cong/", views.assign_bulk, name="assign_bulk"),
    path("tiep-nhan/", views.receive, name="receive"),
    path("so-theo-doi/", views.register, name="register"),
    path("ho-so/<int:dossier_id>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:dossier_id>/thao-tac/<slug:slug>/", views.dossier_action, name="action"),
]
