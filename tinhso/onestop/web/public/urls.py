from django.urls import path

from tinhso.onestop.web.public import views

app_name = "services"

urlpatterns = [
    path("", views.catalogue_search, name="catalogue"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("xuat.xlsx", views.catalogue_export, name="catalogue_export"),
    path("nhap/", views.catalogue_import, name="catalogue_import"),
]
