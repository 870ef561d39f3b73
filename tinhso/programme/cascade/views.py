"""Pages of plans that cascade: the DX office's table of communes and departments (with its
export and the derive action) and an agency's own plan, light enough for a phone on a slow link
(one small table a page, no script of its own)."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import web
from tinhso.core.documents import XLSX
from tinhso.core.errors import DomainError, NotAllowed, NotFound
from tinhso.core.web import View, person_of
from tinhso.org.models import Agency

from .. import rules
from ..access import access_programme, tasks_visible
from ..models import Programme, ReportingRound, RoundStatus, TaskReport
from .fanout import COMMUNES, DEPARTMENTS
from .selectors import FILTERS, SORTS, CascadeStatus, cascade_status, programme_rollup, status_rows
from .services import plan_derive
from .tasks import plan_derive_all_enqueue

PLAN_PAGE_SIZE = 20


def _page(*methods: str) -> Callable[[View], View]:
    return web.page(*methods, template="programme/error.html", fragment="programme/_error.html")


def _year(data: QueryDict, programme: Programme) -> int:
    """The plan year asked for; this year (within the scheme's period) when none is."""
    raw = data.get("nam", "")
    if not raw:
        return min(max(timezone.localdate().year, programme.period_start), programme.period_end)
    try:
        return int(raw)
    except ValueError:
        raise DomainError(_("Năm kế hoạch không hợp lệ."), field="year") from None


def _kind(raw: str) -> str:
    return DEPARTMENTS if raw == "so-nganh" else COMMUNES


def _status(request: HttpRequest, programme_id: int) -> tuple[Programme, CascadeStatus, bool]:
    programme, scope = access_programme(person_of(request), programme_id)
    if not rules.may_follow_cascade(scope):
        raise NotAllowed(_("Chỉ cơ quan chuyên trách và lãnh đạo theo dõi kế hoạch các cấp."), code="forbidden")
    year = _year(request.GET, programme)
    status = cascade_status(parent=programme, year=year, kind=_kind(request.GET.get("loai", "")))
    return programme, status, rules.may_derive_plan(scope, programme)


@_page("GET")
def cascade(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, status, may_derive = _status(request, programme_id)
    show = request.GET.get("loc", "")
    sort = request.GET.get("sap-xep", "ten")
    query = request.GET.get("q", "")[:100]
    rows = status_rows(status, show=show if show in FILTERS else "", sort=sort if sort in SORTS else "ten", query=query)
    return render(
        request,
        "programme/cascade.html",
        {
            "programme": programme,
            "status": status,
            "rows": rows,
            "year": status.year,
            "years": range(programme.period_start, programme.period_end + 1),
            "kind": request.GET.get("loai", ""),
            "show": show,
            "sort": sort,
            "query": query,
            "may_derive": may_derive,
            "rollup": programme_rollup(programme=programme),
            "nav": "cascade",
        },
    )


@_page("GET")
def cascade_xlsx(request: HttpRequest, programme_id: int) -> HttpResponse:
    from openpyxl import Workbook

    programme, status, _may_derive = _status(request, programme_id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = str(status.year)
    sheet.append(
        [
            _("Đơn vị"),
            _("Có kế hoạch"),
            _("Đã báo cáo kỳ %(period)s") % {"period": status.round.period if status.round else "—"},
            _("Trễ hạn"),
            _("Tiến độ (%)"),
        ]
    )
    yes, no = _("Có"), _("Chưa")
    for row in status.rows:
        sheet.append(
            [
                row.agency.name,
                yes if row.has_plan else no,
                yes if row.reported else no,
                yes if row.late else no,
                float(row.progress),
            ]
        )
    sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-cac-cap-{programme.pk}-{status.year}.xlsx"'
    return response


@_page("POST")
def cascade_derive(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Derive one agency's plan now (``co-quan``), or every commune's (department's) in the
    background."""
    person = person_of(request)
    programme, scope = access_programme(person, programme_id)
    if not rules.may_derive_plan(scope, programme):
        raise NotAllowed(_("Chỉ cơ quan chuyên trách chuyển đổi số được giao kế hoạch."), code="forbidden")
    year = _year(request.POST, programme)
    kind = _kind(request.POST.get("loai", ""))
    back = (
        reverse("programme:cascade", args=[programme.pk])
        + f"?nam={year}"
        + ("&loai=so-nganh" if kind == DEPARTMENTS else "")
    )
    agency_id = request.POST.get("co-quan", "")
    if agency_id:
        try:
            owner = Agency.objects.select_related("unit__parent__parent").get(pk=int(agency_id))
        except (ValueError, Agency.DoesNotExist):
            raise NotFound(_("Không tìm thấy cơ quan, đơn vị."), code="not_found") from None
        outcome = plan_derive(actor=person, parent=programme, owner=owner, year=year)
        messages.success(
            request,
            _("Đã giao kế hoạch năm %(year)s cho %(agency)s: %(tasks)s nhiệm vụ, %(targets)s chỉ tiêu.")
            % {"year": year, "agency": owner.name, "tasks": outcome.tasks, "targets": outcome.targets},
        )
        return redirect(back)
    plan_derive_all_enqueue(actor=person, parent=programme, year=year, kind=kind)
    messages.success(
        request,
        _("Đang giao kế hoạch năm %(year)s cho tất cả các đơn vị; tải lại trang sau ít phút để xem kết quả.")
        % {"year": year},
    )
    return redirect(back)


@_page("GET")
def plan(request: HttpRequest, programme_id: int) -> HttpResponse:
    """An agency's plan, page by page: its tasks with the state of their report in the open round."""
    programme, scope = access_programme(person_of(request), programme_id)
    if not rules.may_read_plan(scope, programme):
        raise NotAllowed(_("Bạn không xem được toàn bộ kế hoạch này."), code="forbidden")
    tasks = tasks_visible(scope, programme).select_related("lead_agency").order_by("order", "pk")
    paginator = Paginator(tasks, PLAN_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    open_round = (
        ReportingRound.objects.filter(programme=programme, status=RoundStatus.OPEN).order_by("-period_end").first()
    )
    reports: dict[int, TaskReport] = {}
    if open_round is not None:
        reports = {
            report.task_id: report
            for report in TaskReport.objects.filter(round=open_round, task__in=[task.pk for task in page])
        }
    rows = [(task, reports.get(task.pk)) for task in page]
    parent = programme.parent if programme.parent_id else None
    return render(
        request,
        "programme/plan.html",
        {
            "programme": programme,
            "scope": scope,
            "page": page,
            "rows": rows,
            "round": open_round,
            "parent": parent,
            "nav": "plan",
        },
    )
