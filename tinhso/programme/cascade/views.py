"""Pages of plans that cascade: the DX office's table of communes and departments (with its
export and the derive action), an agency's own plan, and the import of a plan an agency wrote
itself, light enough for a phone on a slow link (one small table a page, no script of its own)."""

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
from tinhso.core.text import fold
from tinhso.core.web import View, form_error, person_of
from tinhso.org.models import Agency, Person

from .. import rules
from ..access import ProgrammeScope, access_programme, programme_scope, tasks_visible
from ..forms import PlanImportForm
from ..importing.pipeline import ImportOutcome
from ..importing.preview import target_lines, task_lines
from ..models import Programme, ReportingRound, RoundStatus, TaskReport
from ..stash import PLAN_IMPORTS_KEY, stash_drop, stash_get, stash_keep, stash_read
from .fanout import COMMUNES, DEPARTMENTS, territory_agencies
from .selectors import FILTERS, SORTS, CascadeStatus, cascade_status, programme_rollup, status_rows
from .services import plan_derive, plan_import
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


def _status(request: HttpRequest, programme_id: int) -> tuple[Programme, CascadeStatus, ProgrammeScope]:
    programme, scope = access_programme(person_of(request), programme_id)
    if not rules.may_follow_cascade(scope):
        raise NotAllowed(_("Chỉ cơ quan chuyên trách và lãnh đạo theo dõi kế hoạch các cấp."), code="forbidden")
    year = _year(request.GET, programme)
    status = cascade_status(parent=programme, year=year, kind=_kind(request.GET.get("loai", "")))
    return programme, status, scope


@_page("GET")
def cascade(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, status, scope = _status(request, programme_id)
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
            "may_derive": rules.may_derive_plan(scope, programme),
            "importable": {row.agency.pk for row in rows if rules.may_import_plan(scope, row.agency)},
            "rollup": programme_rollup(programme=programme),
            "nav": "cascade",
        },
    )


@_page("GET")
def cascade_xlsx(request: HttpRequest, programme_id: int) -> HttpResponse:
    from openpyxl import Workbook

    programme, status, _scope = _status(request, programme_id)
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


def _may_import_into(person: Person, scope: ProgrammeScope, plan: Programme, parent: Programme) -> bool:
    """Whether the plan's page offers to import its agency's plan. Whom one reports for does not
    depend on the programme, so the plan's scope answers for the agency's own people; the
    scheme's (a dozen queries) is asked only of a DX office, which must manage the scheme."""
    if not scope.manage:
        return rules.may_import_plan(scope, plan.owner)
    return rules.may_import_plan(programme_scope(person, parent), plan.owner)


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
    may_import = parent is not None and _may_import_into(person_of(request), scope, programme, parent)
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
            "may_import": may_import,
            "nav": "plan",
        },
    )


# --- a plan the agency wrote itself ----------------------------------------------------------


def _import_access(person: Person, programme_id: int) -> tuple[Programme, dict[int, Agency]]:
    """The scheme and the agencies of its territory ``person`` may import a plan for (every one
    for its DX office, their own for a commune's or department's people). A commune cannot open
    the scheme itself, so this is its access check: none of them is "not found", as a missing
    scheme is."""
    try:
        parent = Programme.objects.select_related("owner__unit__parent", "province").get(pk=int(programme_id))
    except (ValueError, Programme.DoesNotExist):
        raise NotFound(_("Không tìm thấy đề án."), code="not_found") from None
    scope = programme_scope(person, parent)
    communes, departments = territory_agencies(parent, timezone.localdate())
    owners = [agency for agency in (communes | departments).values() if rules.may_import_plan(scope, agency)]
    if not owners:
        raise NotFound(_("Không tìm thấy đề án."), code="not_found")
    owners.sort(key=lambda agency: fold(agency.name))
    return parent, {agency.pk: agency for agency in owners}


def _owner_in(raw: str, owners: dict[int, Agency]) -> Agency | None:
    """The agency asked for (None when none is); one the user may not import for is "not found"."""
    if not raw:
        return None
    try:
        return owners[int(raw)]
    except (ValueError, KeyError):
        raise NotFound(_("Không tìm thấy cơ quan, đơn vị."), code="not_found") from None


def _plan_import_page(
    request: HttpRequest,
    parent: Programme,
    form: PlanImportForm,
    *,
    outcome: ImportOutcome | None = None,
    token: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "programme/plan_import.html",
        {
            "parent": parent,
            "form": form,
            "outcome": outcome,
            "token": token,
            "error": error,
            "may_follow": rules.may_follow_cascade(programme_scope(person_of(request), parent)),
            "task_lines": task_lines(outcome.preview) if outcome else [],
            "target_lines": target_lines(outcome.preview) if outcome else [],
        },
        status=status,
    )


@_page("GET", "POST")
def plan_import_page(request: HttpRequest, programme_id: int) -> HttpResponse:
    """ "Nhập kế hoạch của đơn vị": a commune's (department's) own yearly plan under the scheme,
    previewed in full, saved from the kept file on "Nhập" (all or nothing)."""
    person = person_of(request)
    parent, owners = _import_access(person, programme_id)
    choices = list(owners.values())
    if request.method == "GET":
        owner = _owner_in(request.GET.get("co-quan", ""), owners)
        initial = {"owner": owner.pk if owner else None, "year": _year(request.GET, parent)}
        return _plan_import_page(request, parent, PlanImportForm(owners=choices, parent=parent, initial=initial))
    if request.POST.get("token"):
        return _plan_import_save(request, person, parent, owners)
    _owner_in(request.POST.get("owner", ""), owners)
    form = PlanImportForm(request.POST, request.FILES, owners=choices, parent=parent)
    if not form.is_valid():
        return _plan_import_page(request, parent, form, status=400)
    owner, year = owners[form.cleaned_data["owner"]], form.cleaned_data["year"]
    upload = form.cleaned_data["file"]
    filename, data = upload.name, upload.read()
    try:
        outcome = plan_import(
            actor=person, parent=parent, owner=owner, year=year, filename=filename, data=data, dry_run=True
        )
    except DomainError as exc:
        form_error(form, exc)
        return _plan_import_page(request, parent, form, status=exc.status_code)
    token = stash_keep(
        request, PLAN_IMPORTS_KEY, filename=filename, data=data, parent=parent.pk, owner=owner.pk, year=year
    )
    return _plan_import_page(request, parent, form, outcome=outcome, token=token)


def _plan_import_save(
    request: HttpRequest, person: Person, parent: Programme, owners: dict[int, Agency]
) -> HttpResponse:
    token = request.POST["token"]
    stash = stash_get(request, PLAN_IMPORTS_KEY, token)
    choices = list(owners.values())
    if stash is None or stash["parent"] != parent.pk:
        form = PlanImportForm(owners=choices, parent=parent)
        return _plan_import_page(
            request, parent, form, error=_("Bản xem trước đã hết hạn: vui lòng tải tệp lên lại."), status=400
        )
    owner = _owner_in(str(stash["owner"]), owners)
    assert owner is not None  # a kept preview always names its agency
    year = stash["year"]
    form = PlanImportForm(owners=choices, parent=parent, initial={"owner": owner.pk, "year": year})
    try:
        outcome = plan_import(
            actor=person,
            parent=parent,
            owner=owner,
            year=year,
            filename=stash["filename"],
            data=stash_read(stash),
            dry_run=False,
        )
    except DomainError as exc:
        return _plan_import_page(request, parent, form, error=exc.message, status=exc.status_code)
    if not outcome.saved:
        return _plan_import_page(
            request,
            parent,
            form,
            outcome=outcome,
            token=token,
            status=400,
            error=_("Tệp còn dòng bị từ chối nên chưa nhập gì. Vui lòng sửa tệp rồi tải lên lại."),
        )
    stash_drop(request, PLAN_IMPORTS_KEY, token)
    messages.success(
        request,
        _("Đã nhập kế hoạch năm %(year)s của %(agency)s: %(tasks)d nhiệm vụ, %(targets)d chỉ tiêu.")
        % {"year": year, "agency": owner.name, "tasks": outcome.tasks, "targets": outcome.targets},
    )
    return redirect("programme:plan", outcome.programme_id)
