from django.urls import path

from tinhso.onestop.results import views as verify_views

app_name = "verify"

urlpatterns = [
    path("<str:token>/", verify_views.result, name="result"),
]
