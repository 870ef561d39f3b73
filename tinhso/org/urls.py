from django.urls import path

from . import views
from .officers.urls import urlpatterns as officer_urlpatterns

app_name = "org"

urlpatterns = [
    path("xac-nhan/", views.agencies_confirm, name="agencies_confirm"),
    path("xac-nhan/mau.xlsx", views.agencies_template, name="agencies_template"),
]

# Officers' accounts, roles, handover and activation (tinhso.org.officers).
urlpatterns += officer_urlpatterns
