"""Page routes of officers' accounts, under the org namespace (included by ``tinhso.org.urls``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("can-bo/", views.officers, name="officers"),
    path("can-bo/them/", views.officer_create, name="officer_create"),
    path("can-bo/nhap/", views.officers_import, name="officers_import"),
    path("can-bo/nhap/mau.xlsx", views.officers_template, name="officers_template"),
    path("can-bo/<int:person_id>/", views.officer_detail, name="officer_detail"),
    path("can-bo/<int:person_id>/ban-giao/", views.officer_handover, name="officer_handover"),
    path("kich-hoat/<str:uidb64>/<str:token>/", views.officer_activate, name="officer_activate"),
]
