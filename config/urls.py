from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tinhso.org.forms import LoginForm
from tinhso.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path("tai-khoan/dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("tai-khoan/dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/", include("tinhso.org.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from /api/docs/?script (no inline script).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/ledger/", include("tinhso.ledger.api_urls")),
    path("api/org/", include("tinhso.org.api_urls")),
    path("co-quan/", include("tinhso.org.urls")),
    path("thong-bao/", include("tinhso.org.notifications.urls")),
    path("api/programme/", include("tinhso.programme.api_urls")),
    path("de-an/", include("tinhso.programme.urls")),
    path("api/services/", include("tinhso.onestop.api.urls")),
    path("dich-vu-cong/", include("tinhso.onestop.web.public.urls")),
    path("dich-vu-cong/", include("tinhso.onestop.web.citizen.urls")),
    path("mot-cua/", include("tinhso.onestop.web.officer.urls")),
    path("xac-minh/", include("tinhso.onestop.results.urls")),
    path("tep/", include("tinhso.onestop.files.urls")),
    path("phieu/", include("tinhso.onestop.printing.urls")),
    path("thanh-toan/", include("tinhso.onestop.payments.urls")),
]

# The platform's own Vietnamese error pages; JSON {"detail", "code"} under /api/.
handler400 = "tinhso.core.views.bad_request"
handler403 = "tinhso.core.views.permission_denied"
handler404 = "tinhso.core.views.page_not_found"
handler500 = "tinhso.core.views.server_error"
