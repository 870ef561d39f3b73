"""The pages that belong to no domain: home and /healthz."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tinhso.core.web import person_of
from tinhso.org.selectors import person_role_summary

from .health import health_report


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        context["roles"] = person_role_summary(person=person_of(request))
    return render(request, "home.html", context)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
