"""The account pages under /tai-khoan/ (namespace "accounts")."""

from django.urls import path

from . import oidc, views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("dang-ky/", views.register, name="register"),
    path("dang-ky/xac-nhan/", views.register_confirm, name="register-confirm"),
    path("quen-mat-khau/", views.reset, name="reset"),
    path("quen-mat-khau/xac-nhan/", views.reset_confirm, name="reset-confirm"),
    path("dinh-danh/", oidc.SignInStart.as_view(), name="oidc-start"),
    path("dinh-danh/ve/", oidc.SignInCallback.as_view(), name="oidc-callback"),
]
