from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_page, name="list"),
    path("<int:notification_id>/da-doc/", views.notification_read, name="read"),
    path("da-doc-het/", views.notifications_read_all, name="read_all"),
    path("tuy-chon/", views.notification_preferences, name="preferences"),
]
