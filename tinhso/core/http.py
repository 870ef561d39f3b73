"""Refusals at the HTTP level, answered alike everywhere: under ``/api/`` a JSON body
``{"detail": <Vietnamese>, "code": <machine code>}``, elsewhere the platform's own Vietnamese
error page (:func:`tinhso.core.views.error_page`).

What is refused here never reaches a view or the database: a NUL character anywhere in the
request (PostgreSQL cannot store it in text and answers with an error), a body too large or with
too many fields or files.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

API_PREFIX = "/api/"

# What each refusal says when nothing more precise is known: (code, message).
STATUS_ERRORS: dict[int, tuple[str, Any]] = {
    400: ("bad_request", gettext_lazy("Yêu cầu không hợp lệ.")),
    401: ("not_authenticated", gettext_lazy("Vui lòng đăng nhập.")),
    403: ("permission_denied", gettext_lazy("Bạn không có quyền thực hiện thao tác này.")),
    404: ("not_found", gettext_lazy("Không tìm thấy trang hoặc đối tượng được yêu cầu.")),
    405: ("method_not_allowed", gettext_lazy("Phương thức này không được hỗ trợ tại địa chỉ này.")),
    406: ("not_acceptable", gettext_lazy("Không trả được dữ liệu theo định dạng yêu cầu.")),
    409: ("conflict", gettext_lazy("Yêu cầu xung đột với trạng thái hiện tại.")),
    413: ("too_large", gettext_lazy("Dữ liệu gửi lên quá lớn, hoặc có quá nhiều trường hay tệp.")),
    415: ("unsupported_media_type", gettext_lazy("Định dạng dữ liệu gửi lên không được hỗ trợ.")),
    429: ("throttled", gettext_lazy("Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.")),
    500: ("server_error", gettext_lazy("Hệ thống gặp sự cố. Vui lòng thử lại sau.")),
    503: ("unavailable", gettext_lazy("Hệ thống đang bận. Vui lòng thử lại sau.")),
}
# The body is too large, or has too many fields or files: Django raises these while reading it.
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
NUL_CODE = "nul_character"


def nul_message() -> str:
    return _("Yêu cầu chứa ký tự NUL (\\0), không được chấp nhận.")


def status_error(status: int) -> tuple[str, str]:
    """(code, message) of a refusal with this status."""
    code, message = STATUS_ERRORS.get(status, STATUS_ERRORS[500 if status >= 500 else 400])
    return code, str(message)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(status: int, detail: str | None = None, code: str | None = None) -> JsonResponse:
    default_code, default_detail = status_error(status)
    return JsonResponse(
        {"detail": detail or default_detail, "code": code or default_code},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def has_nul(values: Iterable[Any]) -> bool:
    return any(isinstance(value, str) and "\x00" in value for value in values)


def request_has_nul(request: HttpRequest) -> bool:
    """A NUL in the path, the query string, a header or a cookie (form fields: :func:`form_has_nul`)."""
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if has_nul(key for key in request.GET) or has_nul(v for key in request.GET for v in request.GET.getlist(key)):
        return True
    headers = (value for key, value in request.META.items() if key.startswith("HTTP_") or key == "CONTENT_TYPE")
    return has_nul(headers) or has_nul(request.COOKIES) or has_nul(request.COOKIES.values())


def form_has_nul(request: HttpRequest) -> bool:
    """A NUL in a form field's name or value, or in an uploaded file's name (reads the form)."""
    form = request.POST
    if has_nul(form) or has_nul(v for key in form for v in form.getlist(key)):
        return True
    return has_nul(f.name for key in request.FILES for f in request.FILES.getlist(key))
