from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("xac-nhan/", views.agencies_confirm, name="agencies_confirm"),
    path("xac-nhan/mau.xlsx", views.agencies_template, name="agencies_template"),
]
