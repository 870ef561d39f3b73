"""Issue 12, item 17: REST framework's own refusals (a wrong method, a body it cannot read, an
unsupported media type, a missing login, throttling, a serializer outside our Input classes)
answer in Vietnamese, as ``{"detail", "code"}``, like every other refusal of the API."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.test import Client
from rest_framework import exceptions, fields, relations, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from tinhso.core.drf_messages import FIELD_MESSAGES, REQUEST_MESSAGES

pytestmark = pytest.mark.django_db


def _english(text: str) -> bool:
    return text.isascii()


@pytest.fixture
def citizen_client(make_person: Any) -> Client:
    from tinhso.org.roles import Role

    client = Client(enforce_csrf_checks=False)
    client.force_login(make_person("congdan", Role.CITIZEN, None))
    return client


def test_a_wrong_method_is_refused_in_vietnamese(citizen_client: Client) -> None:
    response = citizen_client.delete("/api/services/procedures/")
    assert response.status_code == 405
    assert response.json() == {
        "detail": "Phương thức “DELETE” không được chấp nhận.",  # REST framework's vi
        "code": "method_not_allowed",
    }


def test_a_missing_login_is_refused_in_vietnamese() -> None:
    response = Client().get("/api/services/dossiers/")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Vui lòng đăng nhập.", "code": "not_authenticated"}


class _Echo(APIView):
    """A view reading ``request.data`` itself, with a plain REST framework serializer."""

    throttle_classes = ()
    permission_classes = ()
    authentication_classes = ()

    class Body(serializers.Serializer):
        count = serializers.IntegerField(max_value=10)
        name = serializers.CharField()

    def post(self, request: Request) -> Response:
        body = self.Body(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(body.validated_data)


def test_rest_frameworks_own_errors_are_vietnamese_with_a_code() -> None:
    factory = APIRequestFactory()
    view = _Echo.as_view()
    bad_json = view(factory.post("/", b"{nope", content_type="application/json"))
    assert bad_json.status_code == 400
    assert bad_json.data == {
        "detail": "Không đọc được dữ liệu gửi lên: sai định dạng JSON hoặc biểu mẫu.",
        "code": "parse_error",
    }
    unsupported = view(factory.post("/", b"x", content_type="text/plain"))
    assert unsupported.status_code == 415
    assert unsupported.data == {
        "detail": "Định dạng dữ liệu “text/plain” không được hỗ trợ.",
        "code": "unsupported_media_type",
    }
    invalid = view(factory.post("/", {"count": 99}, format="json"))
    assert invalid.status_code == 400
    assert invalid.data == {
        "detail": "Giá trị quá lớn.",
        "code": "max_value",
        "field": "count",
        "errors": {"count": "Giá trị quá lớn.", "name": "Trường này là bắt buộc."},
    }


def test_throttling_says_when_to_come_back() -> None:
    from tinhso.core.api import exception_handler

    response = exception_handler(exceptions.Throttled(wait=41.2), {"request": None})
    assert response is not None
    assert response.status_code == 429
    assert response.data == {"detail": "Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau 42 giây.", "code": "throttled"}


def test_every_code_of_rest_framework_has_vietnamese() -> None:
    """Every error code any REST framework field, relation or exception can raise is covered."""
    field_codes: set[str] = set()
    for module in (fields, relations, serializers):
        for _name, klass in inspect.getmembers(module, inspect.isclass):
            field_codes |= set(getattr(klass, "default_error_messages", {}))
    assert field_codes - set(FIELD_MESSAGES) == set()
    exception_codes = {
        klass.default_code
        for _name, klass in inspect.getmembers(exceptions, inspect.isclass)
        if issubclass(klass, exceptions.APIException)
    }
    assert exception_codes - set(REQUEST_MESSAGES) == set()
    for message in [*FIELD_MESSAGES.values(), *REQUEST_MESSAGES.values()]:
        assert not _english(str(message)), message
