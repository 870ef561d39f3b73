from django.urls import path

from . import views
from .delegation import views as delegation_views
from .officers.urls import urlpatterns as officer_urlpatterns

app_name = "org"

urlpatterns = [
    path("xac-nhan/", views.agencies_confirm, name="agencies_confirm"),
    path("xac-nhan/mau.xlsx", views.agencies_template, name="agencies_template"),
    path("uy-quyen/", delegation_views.delegations, name="delegations"),
    path("uy-quyen/tao/", delegation_views.delegation_new, name="delegation_new"),
    path("uy-quyen/<int:delegation_id>/thu-hoi/", delegation_views.delegation_end, name="delegation_revoke"),
]

# Officers' accounts, roles, handover and activation (tinhso.org.officers).
urlpatterns += officer_urlpatterns
