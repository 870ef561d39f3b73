from django.urls import path

app_name = "programme-api"

urlpatterns: list = []
