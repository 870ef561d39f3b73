"""The platform's error pages (home and /healthz, which read other apps, are in :mod:`tinhso.site`)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import requires_csrf_token

from .http import TOO_LARGE, api_error, is_api, status_error

logger = logging.getLogger(__name__)


# --- error pages (config/urls.py: handler400 … handler500) ---------------------------------------

ERROR_TEMPLATE = "errors/error.html"
_TITLES = {
    400: gettext_lazy("Yêu cầu không hợp lệ"),
    403: gettext_lazy("Không có quyền truy cập"),
    404: gettext_lazy("Không tìm thấy trang"),
    413: gettext_lazy("Dữ liệu gửi lên quá lớn"),
    500: gettext_lazy("Hệ thống gặp sự cố"),
}


def error_page(
    request: HttpRequest, status: int, message: str | None = None, code: str | None = None, *, with_request: bool = True
) -> HttpResponse:
    """The refusal as JSON under ``/api/``, else the platform's Vietnamese error page.
    ``with_request=False`` renders without the request's context (the navigation, the session):
    a server error may come from them."""
    if is_api(request):
        return api_error(status, message, code)
    _code, default = status_error(status)
    context = {
        "status": status,
        "message": message or default,
        "title": _TITLES.get(status, _TITLES[500 if status >= 500 else 400]),
    }
    try:
        if with_request:
            return render(request, ERROR_TEMPLATE, context, status=status)
        return HttpResponse(loader.get_template(ERROR_TEMPLATE).render(context), status=status)
    except Exception:  # the page itself failed: still answer, in plain text
        logger.exception("error page %s could not be rendered", status)
        return HttpResponse(str(context["message"]), status=status, content_type="text/plain; charset=utf-8")


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        return error_page(request, 413)
    return error_page(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500, with_request=False)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent from a stale or foreign page."""
    return error_page(
        request,
        403,
        _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."),
        code="csrf_failed",
    )
