from django.urls import path

from . import api
from .notifications import api as notifications_api

app_name = "org-api"

urlpatterns = [
    path("me/", api.MeApi.as_view(), name="me"),
    path("agencies/", api.AgencyListApi.as_view(), name="agency-list"),
    path("agencies/<int:agency_id>/", api.AgencyDetailApi.as_view(), name="agency-detail"),
    path("units/", api.UnitSearchApi.as_view(), name="unit-search"),
    path("units/<int:unit_id>/successors/", api.UnitSuccessorsApi.as_view(), name="unit-successors"),
    path("notifications/", notifications_api.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read-all/", notifications_api.NotificationReadAllApi.as_view(), name="notification-read-all"),
    path(
        "notifications/<int:notification_id>/read/",
        notifications_api.NotificationReadApi.as_view(),
        name="notification-read",
    ),
]
