from django.urls import path

from . import verify_views

app_name = "verify"

urlpatterns = [
    path("<str:token>/", verify_views.result, name="result"),
]
