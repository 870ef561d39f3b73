"""Pages of the org app: a province confirms or corrects its list of agencies from Excel.

Upload → preview (every row checked, nothing saved) → confirm (the same bytes, kept in the
session). The DX office of a province works on that province only; a system administrator on
any. A province outside the user's reach is answered as not found.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.documents import XLSX
from tinhso.core.errors import DomainError, NotAllowed
from tinhso.core.web import import_step, page, person_of, render_error

from . import rules
from .confirm import agencies_confirm_xlsx, agencies_template_xlsx, confirm_province, confirm_provinces

_SESSION_KEY = "org.agencies_confirm"


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render_error(
        request,
        NotAllowed(
            _("Chỉ cơ quan chuyên trách chuyển đổi số của tỉnh và quản trị hệ thống được xác nhận danh mục cơ quan.")
        ),
    )


@page("GET")
def agencies_template(request: HttpRequest) -> HttpResponse:
    province = confirm_province(person_of(request), request.GET.get("tinh"))
    response = HttpResponse(agencies_template_xlsx(province), content_type=XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-co-quan-{province.code}-{stamp}.xlsx"'
    return response


@page("GET", "POST")
def agencies_confirm(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    if not rules.may_confirm_agency_list(person):
        return _forbidden(request)
    provinces = list(confirm_provinces(person))
    chosen = request.POST.get("tinh") or request.GET.get("tinh") or provinces[0].code
    context: dict[str, object] = {"provinces": provinces, "chosen": chosen}
    status = 200
    if request.method == "POST":
        try:
            province = confirm_province(person, chosen)
            context["province"] = province
            outcome, token = import_step(
                request,
                session_key=_SESSION_KEY,
                scope=province.code,
                run=lambda data, dry_run: agencies_confirm_xlsx(
                    actor=person, province=province, data=data, dry_run=dry_run
                ),
            )
            if token:
                context["token"] = token
            context["outcome"] = outcome
            if outcome.rejected:
                status = 400
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status_code
    return render(request, "org/agencies_confirm.html", context, status=status)
