"""REST framework's own messages in Vietnamese, for what reaches the API without passing through
our input classes (:class:`tinhso.core.api.Input`): a wrong method, a body it cannot parse, an
unsupported media type, throttling, a page number, a filter…

REST framework ships a ``vi`` catalogue with about twenty of its messages; the rest stay English.
Our own catalogue (``locale/``) is regenerated from our code, so the Vietnamese sentences live
here, in code, keyed by REST framework's error codes. A message that already reads Vietnamese
(one of ours) is left as it is: only plain-ASCII details are REST framework's English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail

# Whole-request errors, by the exception's default code. ``{method}``, ``{media_type}`` and
# ``{wait}`` are filled from the request.
REQUEST_MESSAGES: dict[str, Any] = {
    "error": _("Đã có lỗi xảy ra, vui lòng thử lại sau."),
    "invalid": _("Dữ liệu gửi lên không hợp lệ."),
    "parse_error": _("Không đọc được dữ liệu gửi lên: sai định dạng JSON hoặc biểu mẫu."),
    "authentication_failed": _("Vui lòng đăng nhập."),
    "not_authenticated": _("Vui lòng đăng nhập."),
    "permission_denied": _("Bạn không có quyền thực hiện thao tác này."),
    "not_found": _("Không tìm thấy."),
    "method_not_allowed": _("Phương thức “{method}” không được hỗ trợ tại địa chỉ này."),
    "not_acceptable": _("Không trả lời được theo định dạng yêu cầu trong tiêu đề Accept."),
    "unsupported_media_type": _("Định dạng dữ liệu “{media_type}” không được hỗ trợ."),
    "throttled": _("Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau {wait} giây."),
    "throttled_no_wait": _("Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."),
}

# A field's errors, by REST framework's error code (fields, relations, pagination, filters).
FIELD_MESSAGES: dict[str, Any] = {
    "required": _("Trường này là bắt buộc."),
    "null": _("Trường này không được để trống."),
    "blank": _("Trường này không được để trống."),
    "invalid": _("Giá trị không hợp lệ."),
    "max_length": _("Giá trị quá dài."),
    "min_length": _("Giá trị quá ngắn."),
    "max_value": _("Giá trị quá lớn."),
    "min_value": _("Giá trị quá nhỏ."),
    "max_digits": _("Số có quá nhiều chữ số."),
    "max_decimal_places": _("Số có quá nhiều chữ số sau dấu phẩy."),
    "max_whole_digits": _("Phần nguyên của số có quá nhiều chữ số."),
    "max_string_length": _("Giá trị quá dài."),
    "invalid_choice": _("Lựa chọn không hợp lệ."),
    "not_a_list": _("Giá trị phải là một danh sách."),
    "not_a_dict": _("Giá trị phải là một đối tượng JSON."),
    "empty": _("Danh sách không được để trống."),
    "does_not_exist": _("Không tìm thấy đối tượng được chỉ đến."),
    "incorrect_type": _("Kiểu dữ liệu không đúng."),
    "no_match": _("Đường dẫn không trỏ đến đối tượng nào."),
    "incorrect_match": _("Đường dẫn không khớp với đối tượng nào."),
    "datetime": _("Giá trị phải là một ngày, không kèm giờ."),
    "date": _("Giá trị phải là ngày giờ, không chỉ có ngày."),
    "make_aware": _("Thời điểm không hợp lệ theo múi giờ."),
    "overflow": _("Ngày giờ nằm ngoài khoảng cho phép."),
    "no_name": _("Không xác định được tên tệp."),
    "not_found": _("Không tìm thấy."),
    "unique": _("Giá trị này đã tồn tại."),
    "unique_for_date": _("Giá trị này đã tồn tại trong ngày đó."),
    "invalid_image": _("Tệp không phải là ảnh hợp lệ."),
    "invalid_unicode": _("Tên tệp chứa ký tự không hợp lệ."),
    "surrogate_characters_not_allowed": _("Chứa ký tự không hợp lệ."),
    "null_characters_not_allowed": _("Không được chứa ký tự NUL."),
}


def _english(text: str) -> bool:
    return text.isascii()


def _field_message(detail: ErrorDetail) -> str:
    if not _english(str(detail)):
        return str(detail)
    return str(FIELD_MESSAGES.get(str(detail.code), FIELD_MESSAGES["invalid"]))


def _first(errors: Any, path: str = "") -> tuple[str, ErrorDetail | str]:
    if isinstance(errors, Mapping) and errors:
        key, value = next(iter(errors.items()))
        name = "" if key == "non_field_errors" else str(key)
        return _first(value, f"{path}.{name}" if path and name else path or name)
    if isinstance(errors, list) and errors:
        return _first(errors[0], path)
    return path, errors


def _flat(errors: Any, path: str = "") -> dict[str, str]:
    if isinstance(errors, Mapping):
        out: dict[str, str] = {}
        for key, value in errors.items():
            name = "" if key == "non_field_errors" else str(key)
            out.update(_flat(value, f"{path}.{name}" if path and name else path or name))
        return out
    if isinstance(errors, list):
        out = {}
        for item in errors:
            for key, value in _flat(item, path).items():
                out.setdefault(key, value)
        return out
    return {path: _field_message(errors) if isinstance(errors, ErrorDetail) else str(errors)}


def validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    """``{"detail", "code", "field"?, "errors"?}`` for a REST framework validation error."""
    field, first = _first(exc.detail)
    code = str(getattr(first, "code", None) or "invalid")
    message = _field_message(first) if isinstance(first, ErrorDetail) else str(first)
    body: dict[str, Any] = {"detail": message, "code": code}
    if field:
        body["field"] = field
        errors = {name: text for name, text in _flat(exc.detail).items() if name}
        if len(errors) > 1:
            body["errors"] = errors
    return body


def request_body(exc: exceptions.APIException, request: Any) -> dict[str, Any]:
    """``{"detail", "code"}`` in Vietnamese for any other REST framework error."""
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else str(getattr(exc, "default_code", "error"))
    text = str(exc.detail) if isinstance(exc.detail, str) else ""
    if text and not _english(text):
        return {"detail": text, "code": code}
    if code == "throttled":
        wait = getattr(exc, "wait", None)
        message = (
            str(REQUEST_MESSAGES["throttled"]).format(wait=int(wait + 0.999))
            if wait is not None
            else str(REQUEST_MESSAGES["throttled_no_wait"])
        )
    else:
        template = str(REQUEST_MESSAGES.get(code, REQUEST_MESSAGES["error"]))
        message = template.format(
            method=getattr(request, "method", ""), media_type=getattr(request, "content_type", "") or ""
        )
    return {"detail": message, "code": code}
