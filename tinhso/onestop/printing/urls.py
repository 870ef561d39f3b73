"""Printable forms of a dossier: /phieu/<dossier id>/<kind>.<docx|pdf>."""

from django.urls import path

from tinhso.onestop.printing import views as print_views

app_name = "print"

urlpatterns = [
    path("<int:dossier_id>/<slug:kind>.<slug:fmt>", print_views.form_download, name="form"),
]
