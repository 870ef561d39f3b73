"""Public pages of the procedure catalogue, and its Excel export/import for the DX office.

Searching and reading the catalogue needs no account. Export and import are for system
administrators and the DX office (:func:`rules.may_manage_procedure`), each over the
procedures within their reach (:func:`catalogue.procedures_manageable`).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tinhso.core.documents import XLSX
from tinhso.core.errors import DomainError, NotAllowed, NotFound
from tinhso.core.text import fold
from tinhso.core.web import import_step, is_htmx, person_of, render_error
from tinhso.onestop import rules
from tinhso.onestop.catalogue.workbook import (
    procedures_export_xlsx,
    procedures_import_xlsx,
    procedures_manageable,
)
from tinhso.onestop.models import AuthorityLevel, OnlineLevel, Procedure

PAGE_SIZE = 20
_SESSION_KEY = "services.catalogue_import"


def vnd(amount: int) -> str:
    """200000 → "200.000 đồng"."""
    return _("%(amount)s đồng") % {"amount": f"{amount:,}".replace(",", ".")}


def days_text(value: Decimal) -> str:
    normal = value.normalize()
    text = f"{normal:f}" if normal != normal.to_integral_value() else str(int(normal))
    return text.replace(".", ",")


def procedures_search(*, query: str = "", field: str = "", level: str = "", online: str = "") -> QuerySet[Procedure]:
    procedures = Procedure.objects.filter(active=True)
    for word in fold(query).split():
        procedures = procedures.filter(name_folded__contains=word)
    if field:
        procedures = procedures.filter(field=field)
    if level in AuthorityLevel.values:
        procedures = procedures.filter(authority_level=level)
    if online in OnlineLevel.values:
        procedures = procedures.filter(online_level=online)
    return procedures.order_by("field", "name")


def catalogue_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    field = request.GET.get("linh_vuc", "").strip()
    level = request.GET.get("cap", "").strip()
    online = request.GET.get("muc_do", "").strip()
    results = procedures_search(query=query, field=field, level=level, online=online)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "query": query,
        "field": field,
        "level": level,
        "online": online,
        "page": page,
        "fields": Procedure.objects.filter(active=True).order_by("field").values_list("field", flat=True).distinct(),
        "levels": AuthorityLevel.choices,
        "online_levels": OnlineLevel.choices,
        "querystring": params.urlencode(),
        "can_manage": rules.may_manage_procedure(request.user),
    }
    template = "services/_results.html" if is_htmx(request) else "services/catalogue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = (
        Procedure.objects.filter(code=code, active=True).prefetch_related("agencies", "documents", "steps").first()
    )
    if procedure is None:
        return render_error(request, NotFound(_("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": code}))
    steps = list(procedure.steps.all())
    total = procedure.processing_days
    shares = [
        {
            "step": step,
            "days": days_text(step.days),
            "percent": round(step.days / total * 100) if total else 0,
        }
        for step in steps
    ]
    return render(
        request,
        "services/procedure_detail.html",
        {
            "procedure": procedure,
            "steps": shares,
            "processing_days": days_text(procedure.processing_days),
            "fee": vnd(procedure.fee_vnd) if procedure.fee_vnd else _("Không thu phí, lệ phí"),
            "is_full": procedure.online_level == OnlineLevel.FULL,
            "form_fields": procedure.form_fields or [],
        },
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render_error(
        request,
        NotAllowed(_("Chỉ cơ quan chuyên trách chuyển đổi số và quản trị hệ thống được xuất, nhập danh mục thủ tục.")),
    )


@login_required
def catalogue_export(request: HttpRequest) -> HttpResponse:
    if not rules.may_manage_procedure(request.user):
        return _forbidden(request)
    procedures = procedures_manageable(request.user).order_by("code").prefetch_related("agencies", "documents", "steps")
    response = HttpResponse(
        procedures_export_xlsx(procedures),
        content_type=XLSX,
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-thu-tuc-{stamp}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing saved) → confirm (the same bytes, kept in the session)."""
    if not rules.may_manage_procedure(request.user):
        return _forbidden(request)
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        try:
            outcome, token = import_step(
                request,
                session_key=_SESSION_KEY,
                run=lambda data, dry_run: procedures_import_xlsx(actor=person_of(request), data=data, dry_run=dry_run),
            )
            if token:
                context["token"] = token
            if "token" in request.POST:  # the preview confirmed
                context["saved"] = outcome.saved
            context["outcome"] = outcome
            if outcome.rejected:
                status = 400
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status_code
    return render(request, "services/import.html", context, status=status)
