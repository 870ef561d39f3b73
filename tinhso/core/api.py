"""REST framework glue shared by every app's API: the exception handler, Vietnamese input
parsing, and the pieces of the OpenAPI description every app repeats."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
)
from django.http import Http404, QueryDict
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.fields import SkipField, get_error_detail
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.validators import ProhibitSurrogateCharactersValidator
from rest_framework.views import exception_handler as drf_exception_handler

from . import validation
from .drf_messages import request_body, validation_body
from .errors import Busy, DomainError
from .http import NUL_CODE, TOO_LARGE, has_nul, nul_message, status_error


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every refusal of the API is ``{"detail": <Vietnamese>, "code": ..., ["field", "errors"]}``
    with its status: the services' :class:`DomainError`, REST framework's own (authentication,
    parsing, media type, method, throttling), a body too large (413)."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        if exc.errors:
            body["errors"] = exc.errors
        headers = {"Retry-After": "1"} if isinstance(exc, Busy) else None
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": " ".join(exc.messages), "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TOO_LARGE):
        code, message = status_error(413)
        return Response({"detail": message, "code": code}, status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    # REST framework's own messages are mostly English: say them in Vietnamese, with a code.
    if isinstance(exc, exceptions.PermissionDenied) and "CSRF" in str(exc.detail):
        response.data = {
            "detail": _("Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF). Vui lòng tải lại trang và thử lại."),
            "code": "csrf_failed",
        }
    elif isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc)
    else:
        response.data = request_body(exc, context.get("request"))
    return response


# --- reading input ----------------------------------------------------------------------------
#
# REST framework's own messages are English. Input serializers derive from :class:`Input`, whose
# fields answer in Vietnamese, named by their label; :func:`parse_input` turns the first bad field
# into a :class:`DomainError`, so every app's API refuses bad input the same way.


class UnsupportedMedia(DomainError):
    """The body is not in a format the endpoint reads (HTTP 415)."""

    status_code = 415


# REST framework's messages, per field class and error code. ``%(label)s`` is the field's label;
# ``{…}`` placeholders are filled by REST framework when the check fails. A field class of an app
# adds its own in a ``label_messages`` class attribute of the same form.
FIELD_MESSAGES: tuple[tuple[type[serializers.Field], dict[str, Any]], ...] = (
    (
        serializers.Field,
        {
            "required": gettext_lazy("Vui lòng nhập %(label)s."),
            "null": gettext_lazy("%(label)s không được để trống."),
        },
    ),
    (
        serializers.CharField,
        {
            "invalid": gettext_lazy("%(label)s phải là một chuỗi ký tự."),
            "blank": gettext_lazy("%(label)s không được để trống."),
            "max_length": gettext_lazy("%(label)s không được dài quá {max_length} ký tự."),
            "min_length": gettext_lazy("%(label)s phải có ít nhất {min_length} ký tự."),
        },
    ),
    (
        serializers.IntegerField,
        {
            "invalid": gettext_lazy("%(label)s phải là một số nguyên."),
            "max_value": gettext_lazy("%(label)s không được lớn hơn {max_value}."),
            "min_value": gettext_lazy("%(label)s không được nhỏ hơn {min_value}."),
            "max_string_length": gettext_lazy("%(label)s quá dài."),
        },
    ),
    (serializers.BooleanField, {"invalid": gettext_lazy("%(label)s phải là true hoặc false.")}),
    (
        serializers.DateField,
        {
            "invalid": gettext_lazy("%(label)s phải là một ngày theo định dạng YYYY-MM-DD."),
            "datetime": gettext_lazy("%(label)s phải là một ngày, không kèm giờ."),
        },
    ),
    (serializers.ChoiceField, {"invalid_choice": gettext_lazy("%(label)s “{input}” không hợp lệ.")}),
    (
        serializers.ListField,
        {
            "not_a_list": gettext_lazy("%(label)s phải là một danh sách."),
            "empty": gettext_lazy("%(label)s không được để trống."),
            "max_length": gettext_lazy("%(label)s có tối đa {max_length} mục."),
            "min_length": gettext_lazy("%(label)s phải có ít nhất {min_length} mục."),
        },
    ),
    (
        serializers.DictField,
        {
            "not_a_dict": gettext_lazy("%(label)s phải là một đối tượng JSON."),
            "empty": gettext_lazy("%(label)s không được để trống."),
        },
    ),
    (
        serializers.FileField,
        {
            "required": gettext_lazy("Vui lòng chọn %(label)s."),
            "invalid": gettext_lazy("%(label)s không phải là một tệp."),
            "no_name": gettext_lazy("Không xác định được tên của %(label)s."),
            "empty": gettext_lazy("%(label)s rỗng."),
            "max_length": gettext_lazy("Tên của %(label)s không được dài quá {max_length} ký tự."),
        },
    ),
)

# Limits are checked by validators that copied their message when the field was made.
_LIMIT_VALIDATORS: dict[type, str] = {
    MaxLengthValidator: "max_length",
    MinLengthValidator: "min_length",
    MaxValueValidator: "max_value",
    MinValueValidator: "min_value",
}
_CHARACTER_MESSAGES: dict[type, Any] = {
    ProhibitNullCharactersValidator: gettext_lazy("%(label)s không được chứa ký tự NUL."),
    ProhibitSurrogateCharactersValidator: gettext_lazy("%(label)s chứa ký tự không hợp lệ (U+{code_point:X})."),
}


def _sentence(message: Any, label: str) -> str:
    text = str(message) % {"label": label}
    return text[:1].upper() + text[1:]


def _localise(field: serializers.Field, label: str) -> None:
    messages: dict[str, Any] = {}
    for field_class, class_messages in FIELD_MESSAGES:
        if isinstance(field, field_class):
            messages.update(class_messages)
    messages.update(getattr(field, "label_messages", {}))
    for code, message in messages.items():
        field.error_messages[code] = _sentence(message, label)
    validator: Any  # Django's validator classes, whose message attribute the stubs do not declare
    for validator in field.validators:
        limit = _LIMIT_VALIDATORS.get(type(validator))
        if limit is not None and limit in field.error_messages:
            validator.message = field.error_messages[limit].format(**{limit: validator.limit_value})
        elif type(validator) in _CHARACTER_MESSAGES:
            validator.message = _sentence(_CHARACTER_MESSAGES[type(validator)], label)
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field):
        _localise(child, label)


# What _localise wrote on a field (its messages, its validators' messages, its child's), kept
# per input class and language: the sentences are built once, not on every request.
_Snapshot = tuple[dict[str, Any], tuple[Any, ...], Any]
_LOCALISED: dict[tuple[type, str | None, tuple[str, ...]], dict[str, _Snapshot]] = {}


def _snapshot(field: serializers.Field) -> _Snapshot:
    child = getattr(field, "child", None)
    return (
        dict(field.error_messages),
        tuple(getattr(v, "message", None) for v in field.validators),
        _snapshot(child) if isinstance(child, serializers.Field) else None,
    )


def _restore(field: serializers.Field, snapshot: _Snapshot) -> bool:
    """Write a snapshot back on a fresh copy of the same field; False if it does not fit."""
    messages, validator_messages, child_snapshot = snapshot
    child = getattr(field, "child", None)
    if len(field.validators) != len(validator_messages) or (child_snapshot is None) != (
        not isinstance(child, serializers.Field)
    ):
        return False
    field.error_messages = dict(messages)
    validator: Any  # Django's validator classes, whose message attribute the stubs do not declare
    for validator, message in zip(field.validators, validator_messages, strict=True):
        if message is not None:
            validator.message = message
    return child_snapshot is None or (isinstance(child, serializers.Field) and _restore(child, child_snapshot))


class Input(serializers.Serializer):
    """Base of the input serializers: every field answers in Vietnamese, named by its label."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        key = (type(self), translation.get_language(), tuple(fields))
        known = _LOCALISED.get(key)
        if known is not None and all(_restore(field, known[name]) for name, field in fields.items()):
            return fields
        for name, field in fields.items():
            _localise(field, str(field.label or name))
        _LOCALISED[key] = {name: _snapshot(field) for name, field in fields.items()}
        return fields


def request_data(request: Request) -> Any:
    """The request body as parsed by the view's parsers, with a Vietnamese error when it cannot be."""
    try:
        return request.data
    except ParseError:
        raise DomainError(
            _("Không đọc được dữ liệu gửi lên: sai định dạng JSON hoặc biểu mẫu."), code="parse_error"
        ) from None
    except UnsupportedMediaType:
        expected = ", ".join(parser.media_type for parser in request.parsers or ())
        raise UnsupportedMedia(
            _("Định dạng dữ liệu “%(type)s” không được hỗ trợ; vui lòng gửi %(expected)s.")
            % {"type": request.content_type, "expected": expected},
            code="unsupported_media_type",
        ) from None


# --- parsing bodies ---------------------------------------------------------------------------
#
# REST framework's parsers, refusing before any view runs what would make one fail: JSON nested
# deeper than any request of ours (5,000 levels make Python's parser raise RecursionError), a NUL
# character in any string or key, a JSON body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (REST
# framework reads the stream itself, past Django's check), NaN and Infinity.

MAX_JSON_DEPTH = 32


class PayloadTooLarge(DomainError):
    """The body is larger than the platform reads (HTTP 413)."""

    status_code = 413


def _too_deep() -> DomainError:
    return DomainError(_("Dữ liệu JSON lồng nhau quá %(n)s cấp.") % {"n": MAX_JSON_DEPTH}, code="too_deep")


def _nul() -> DomainError:
    return DomainError(nul_message(), code=NUL_CODE)


def json_check(data: Any) -> None:
    """:class:`DomainError` if ``data`` nests deeper than :data:`MAX_JSON_DEPTH` or has a NUL in
    a key. A NUL in a value is refused by the field that reads it (every text field does), which
    names the field."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                if has_nul(value):
                    raise _nul()
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            code, message = status_error(413)
            raise PayloadTooLarge(message, code=code)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_json_constant)
        except RecursionError:
            raise _too_deep() from None
        except ValueError as exc:
            raise ParseError(str(exc)) from None
        json_check(data)
        return data


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _form_check(data: Any, files: Any) -> None:
    if (
        has_nul(data)
        or has_nul(v for key in data for v in data.getlist(key))
        or has_nul(files)
        or has_nul(getattr(f, "name", "") for key in files for f in files.getlist(key))
    ):
        raise _nul()


class FormParser(parsers.FormParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _form_check(data, MultiValueDict())
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        result = super().parse(stream, media_type, parser_context)
        _form_check(result.data, result.files)
        return result


# --- input fields -------------------------------------------------------------------------------
#
# The rules of tinhso.core.validation as REST framework fields: the API accepts what the pages
# accept. Their limits are stated in the OpenAPI schema (pattern, minimum, maximum).


class TextField(serializers.CharField):
    """Text: a JSON string only (a number, list or object is refused, not turned into text), NFC
    and trimmed, refused with control or bidirectional-override characters or when only
    invisible characters remain."""

    label_messages: ClassVar[dict[str, Any]] = {"invalid": gettext_lazy("%(label)s phải là một chuỗi ký tự.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Stated in the OpenAPI schema as the field's pattern; text_value has refused what it
        # does not match, with a message, by the time validators run.
        self.validators.append(RegexValidator(validation.TEXT_PATTERN))

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return validation.text_value(data, multiline=True)
        except validation.InvalidValue as error:
            if error.code == "blank" and self.allow_blank:
                return ""
            raise serializers.ValidationError(
                error.sentence(self.label or self.field_name or ""), code=error.code
            ) from None


# The largest key a database column holds (PostgreSQL bigint, SQLite INTEGER): a larger number
# names no row, and the database would refuse it with an error rather than find nothing.
ID_MAX = 2**63 - 1


class IdField(serializers.IntegerField):
    """The id of a row: a whole number from 1 to :data:`ID_MAX` (stated in the OpenAPI schema)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "format": "date", "pattern": validation.DATE_PATTERN})
class DateField(serializers.DateField):
    """A day written YYYY-MM-DD, in the range people mean (:data:`validation.DATE_MIN` … ``DATE_MAX``)."""

    def to_internal_value(self, value: Any) -> dt.date:
        if not isinstance(value, str | dt.date):
            self.fail("invalid", format="YYYY-MM-DD")
        day = super().to_internal_value(value)
        try:
            return validation.date_value(day)
        except validation.InvalidValue as error:
            raise serializers.ValidationError(
                error.sentence(self.label or self.field_name or ""), code=error.code
            ) from None


@extend_schema_field({"type": "string", "format": "date-time", "pattern": r"^(19[0-9]{2}|20[0-9]{2}|2100)-"})
class DateTimeField(serializers.DateTimeField):
    """An instant with its time zone, its day in the range of :class:`DateField`."""

    label_messages: ClassVar[dict[str, Any]] = {
        "invalid": gettext_lazy("%(label)s phải là thời điểm hợp lệ, ví dụ 2026-03-20T16:00:00+07:00."),
        "overflow": gettext_lazy("%(label)s nằm ngoài khoảng thời gian cho phép."),
        "date": gettext_lazy("%(label)s phải là thời điểm (ngày và giờ), không phải chỉ ngày."),
        "make_aware": gettext_lazy("%(label)s không hợp lệ theo múi giờ."),
    }

    def to_internal_value(self, value: Any) -> dt.datetime:
        if not isinstance(value, str | dt.datetime):
            self.fail("invalid", format="ISO 8601")
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip()) if len(value) <= 40 else None
            except ValueError:  # well formed, not a real day or hour ("2026-13-01T00:00")
                parsed = None
            if parsed is None:
                self.fail("invalid", format="ISO 8601")
            try:
                validation.moment_value(parsed) if parsed.tzinfo is not None else validation.date_range_check(
                    parsed.date()
                )
            except validation.InvalidValue as error:
                raise serializers.ValidationError(
                    error.sentence(self.label or self.field_name or ""), code=error.code
                ) from None
        return super().to_internal_value(value)


def first_error(errors: Any, path: str = "") -> tuple[str | None, Any]:
    """The first error of a serializer's ``errors`` and the dotted path of its field."""
    if isinstance(errors, Mapping):
        key, value = next(iter(errors.items()))
        name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
        return first_error(value, f"{path}.{name}" if path and name else path or name)
    if isinstance(errors, list):
        return first_error(errors[0], path)
    return path or None, errors


# Flat input classes' fields, made, localised and bound once per class and language: None for
# a class that needs the serializer itself (its own validate methods or validators, nested
# serializers, renamed fields, defaults or validators that read the serializer's context).
_FLAT_INPUTS: dict[tuple[type[Input], str | None], tuple[serializers.Field, ...] | None] = {}


def flat_fields(input_class: type[Input]) -> tuple[serializers.Field, ...] | None:
    """``input_class``'s fields for the flat path of :func:`parse_input`, None if it needs its serializer."""
    key = (input_class, translation.get_language())
    if key not in _FLAT_INPUTS:
        serializer = input_class()
        fields = tuple(field for field in serializer.fields.values() if not field.read_only)
        flat = (
            input_class.validate is serializers.Serializer.validate
            and not serializer.get_validators()
            and not any(hasattr(serializer, f"validate_{field.field_name}") for field in fields)
            and all(
                not isinstance(field, serializers.BaseSerializer)
                and field.source == field.field_name
                and not getattr(field.default, "requires_context", False)
                and not any(getattr(check, "requires_context", False) for check in field.validators)
                for field in fields
            )
        )
        _FLAT_INPUTS[key] = fields if flat else None
    return _FLAT_INPUTS[key]


def _validated(fields: tuple[serializers.Field, ...], data: Mapping[str, Any]) -> tuple[dict[str, Any], dict]:
    """What ``Serializer.to_internal_value`` does with plain fields, up to the first error:
    (validated data, {field name: error detail} or {})."""
    validated: dict[str, Any] = {}
    for field in fields:
        name = field.field_name
        assert name is not None  # the fields come bound, from a serializer's .fields
        try:
            validated[name] = field.run_validation(field.get_value(data))
        except exceptions.ValidationError as error:
            return validated, {name: error.detail}
        except DjangoValidationError as error:
            return validated, {name: get_error_detail(error)}
        except SkipField:
            continue
    return validated, {}


def _single_values(input_class: type[Input], data: QueryDict) -> None:
    """A query or form parameter given twice (``?page=1&page=2``) is ambiguous: refused, unless
    the field is a list."""
    lists = {name for name, field in input_class().fields.items() if isinstance(field, serializers.ListField)}
    for name in data:
        if name not in lists and len(data.getlist(name)) > 1:
            raise DomainError(
                _("Tham số “%(name)s” chỉ được gửi một lần.") % {"name": name}, field=name, code="repeated_parameter"
            )


def parse_input(input_class: type[Input], data: Any, *, partial: bool = False) -> dict[str, Any]:
    """Validated input, or a :class:`DomainError` naming the first bad field.

    A flat input class (plain fields, no validate methods of its own: most of them) is read
    by its fields made once per language (:func:`flat_fields`), not by a serializer made and
    its fields copied on every request; the answer and the errors are the same."""
    if not isinstance(data, Mapping):
        raise DomainError(_("Dữ liệu gửi lên phải là một đối tượng JSON."), code="invalid")
    if isinstance(data, QueryDict):
        _single_values(input_class, data)
    fields = None if partial else flat_fields(input_class)
    if fields is not None:
        validated, errors = _validated(fields, data)
    else:
        serializer = input_class(data=data, partial=partial)
        errors = {} if serializer.is_valid() else serializer.errors
        validated = serializer.validated_data if not errors else {}
    if errors:
        field, detail = first_error(errors)
        raise DomainError(str(detail), field=field, code=str(getattr(detail, "code", None) or "invalid"))
    return dict(validated)


# --- describing output ------------------------------------------------------------------------


def flat_output(output_class: type[serializers.Serializer]) -> Callable[[Any], dict[str, Any]]:
    """``output_class(obj).data`` without making the serializer and copying its fields on every
    call, for the hot paths (an online filing's answer). Only for flat outputs: plain fields
    that read an attribute of the same name; their ``to_representation`` keeps no state, so the
    fields are made and bound once and shared by every thread."""
    fields = output_class().fields
    for name, field in fields.items():
        if isinstance(field, serializers.BaseSerializer | serializers.SerializerMethodField) or field.source != name:
            raise TypeError(f"{output_class.__name__}.{name} is not a plain field: use the serializer itself.")
    plain = tuple(fields.items())

    def represent(obj: Any) -> dict[str, Any]:
        data = {}
        for name, field in plain:
            value = getattr(obj, name)
            data[name] = None if value is None else field.to_representation(value)
        return data

    return represent


class ErrorOutput(serializers.Serializer):
    """What :func:`exception_handler` answers for a refused request."""

    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(required=False)
    # A declared field (the metaclass moves it off the class), not Serializer.errors.
    errors = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text=gettext_lazy(  # type: ignore[assignment]
            "Lỗi theo từng trường khi một yêu cầu có nhiều trường sai (ví dụ các trường của tờ khai)."
        ),
    )


READ_ERRORS = (404,)
WRITE_ERRORS = (400, 403, 404, 409)


def error_responses(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """``responses=`` of ``extend_schema``: ``ok`` under ``status``, :class:`ErrorOutput` under each error."""
    return {status: ok, **{code: ErrorOutput for code in errors}}


def path_param(name: str, description: Any, kind: type = int) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.PATH, description=description)


# The refusals any operation may answer, whatever its own description says: bad input anywhere
# in the request (a NUL, malformed JSON), an unknown object, a method the path does not take.
_EVERY_OPERATION = ("400", "404", "405")
NO_NUL_PATTERN = r"^[^\u0000]*$"
_WITH_BODY = ("413", "415")


def error_responses_hook(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation states the refusals the platform
    answers, with the error schema: 400, 404 and 405 everywhere; 403 where a session is needed
    or a form is sent (CSRF); 413 and 415 where a body is read."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOutput"}}}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            security = operation.get("security")
            codes = list(_EVERY_OPERATION)
            if security is None or any(scheme for scheme in security) or method not in ("get", "head"):
                codes.append("403")
            if "requestBody" in operation:
                codes.extend(_WITH_BODY)
            for code in codes:
                operation["responses"].setdefault(code, {"content": error, "description": ""})
            for parameter in operation.get("parameters", []):
                _no_nul(parameter.get("schema", {}))
    return result


def _no_nul(schema: dict[str, Any]) -> None:
    """A string parameter states what RequestGuardMiddleware refuses: a NUL (400)."""
    for branch in schema.get("oneOf", []):
        _no_nul(branch)
    if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
        schema["pattern"] = NO_NUL_PATTERN
