"""API views get the signed-in person itself, not Django's lazy proxy; CSRF still applies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tinhso.org.models import Person

pytestmark = pytest.mark.django_db


class _Who(APIView):
    def get(self, request: Request) -> Response:
        return Response({"type": type(request.user).__name__, "pk": request.user.pk})

    def post(self, request: Request) -> Response:
        return Response({"ok": True})


def _request(method: str, person: Any, *, csrf_exempt: bool = True) -> Any:
    request = getattr(RequestFactory(), method)("/")
    request.user = SimpleLazyObject(lambda: Person.objects.get(pk=person.pk))
    request._dont_enforce_csrf_checks = csrf_exempt
    return request


def test_views_get_the_person_not_the_lazy_proxy(make_person: Any) -> None:
    person = make_person("nguoi.that")
    response = _Who.as_view()(_request("get", person))
    assert response.data == {"type": "Person", "pk": person.pk}


def test_unsafe_requests_still_need_the_csrf_token(make_person: Any) -> None:
    person = make_person("can.token")
    response = _Who.as_view()(_request("post", person, csrf_exempt=False))
    assert response.status_code == 403
