from django.urls import path

from tinhso.onestop.files import views as file_views

app_name = "file"

urlpatterns = [
    path("<int:file_id>/", file_views.download, name="download"),
]
