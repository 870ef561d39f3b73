"""Pages of the programme tracker (server-rendered, HTMX for partial refreshes).

Views parse input, call the services and selectors, and render. Every object is fetched
through the ``access_*`` helpers, so another agency's task answers exactly like a missing one;
a :class:`DomainError` becomes a Vietnamese message with its own status (400/403/404/409),
either on the form that caused it or on an error page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from tinhso.core import web
from tinhso.core.documents import DOCX, XLSX
from tinhso.core.errors import DomainError, NotAllowed, NotFound
from tinhso.core.uploads import ALLOWED_TYPES, attachment, clean_filename, sniff_type
from tinhso.core.web import View, form_error, is_htmx, person_of
from tinhso.org.access import agencies_where
from tinhso.org.models import Agency, Person
from tinhso.org.roles import Perm
from tinhso.org.selectors import agency_successor_on

from . import rules, services
from .access import (
    ProgrammeScope,
    access_programme,
    access_target,
    access_task,
    programme_scope,
    programmes_visible,
    tasks_visible,
)
from .documents import LEVEL_ORDER, milestone_text, reported_lines, vn_number
from .forms import (
    AgencyMappingForm,
    CommentForm,
    ImportForm,
    ReturnForm,
    RoundOpenForm,
    TargetReportForm,
    TaskFilterForm,
    TaskReportForm,
    number_text,
)
from .importing.mappings import column_mapping_save, columns_from_form, role_choices
from .importing.pipeline import ImportOutcome, programme_import
from .importing.preview import target_lines, task_lines
from .models import (
    Evidence,
    Milestone,
    PillarCode,
    Programme,
    ReportingRound,
    ReportState,
    RoundStatus,
    Target,
    TargetReport,
    Task,
    TaskReport,
    TaskStatus,
)
from .selectors import (
    MET,
    NO_REPORT,
    NOT_MET,
    TargetRow,
    TaskRow,
    agency_inbox,
    milestones_in_force,
    programme_progress,
    programme_trend,
    task_rows_filter,
)
from .stash import IMPORTS_KEY, stash_drop, stash_get, stash_keep, stash_read

AnyReport = TaskReport | TargetReport

# --- plumbing ---------------------------------------------------------------------------------


def page(*methods: str) -> Callable[[View], View]:
    """Login required, only ``methods``, and a :class:`DomainError` escaping the view rendered as
    a Vietnamese message with its status (a fragment for HTMX, a page otherwise)."""
    return web.page(*methods, template="programme/error.html", fragment="programme/_error.html")


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _same_programme(obj: Task | Target | ReportingRound, programme: Programme, message: str) -> None:
    if obj.programme_id != programme.pk:
        raise NotFound(message, code="not_found")


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str  # a Bootstrap colour: success, warning, danger, secondary...


def _task_badge(outcome: str) -> Badge:
    tones = {
        TaskStatus.DONE: "success",
        TaskStatus.IN_PROGRESS: "primary",
        TaskStatus.NOT_STARTED: "secondary",
        TaskStatus.LATE: "danger",
        TaskStatus.DROPPED: "dark",
    }
    if outcome in TaskStatus.values:
        return Badge(str(TaskStatus(outcome).label), tones[TaskStatus(outcome)])
    return Badge(_("Chưa có báo cáo được duyệt"), "light border")


def _target_badge(outcome: str) -> Badge:
    return {MET: Badge(_("Đạt"), "success"), NOT_MET: Badge(_("Chưa đạt"), "warning")}.get(
        outcome, Badge(_("Chưa có số liệu"), "light border")
    )


def _state_badge(state: str) -> Badge:
    tones = {
        ReportState.DRAFT: "secondary",
        ReportState.SUBMITTED: "info",
        ReportState.RETURNED: "warning",
        ReportState.APPROVED: "success",
    }
    return Badge(str(ReportState(state).label), tones[ReportState(state)])


# --- programmes and their overview ----------------------------------------------------------


@page("GET")
def index(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    programmes = list(programmes_visible(person).select_related("owner"))
    can_import = rules.may_import_programme(person)
    return render(request, "programme/index.html", {"programmes": programmes, "can_import": can_import})


def _rounds_of(programme: Programme) -> list[ReportingRound]:
    return list(ReportingRound.objects.filter(programme=programme).order_by("period_end"))


def _chosen_round(rounds: list[ReportingRound], period: str | None) -> ReportingRound | None:
    """The round asked for by its period (``?ky=2025-H1``), else the latest one."""
    chosen = next((round_ for round_ in rounds if period and round_.period == period.upper()), None)
    return chosen or (rounds[-1] if rounds else None)


@dataclass(frozen=True)
class PillarBar:
    code: str
    label: str
    targets_met: int
    targets_total: int
    tasks_done: int
    tasks_total: int

    @property
    def targets_percent(self) -> int:
        return _percent(self.targets_met, self.targets_total)

    @property
    def tasks_percent(self) -> int:
        return _percent(self.tasks_done, self.tasks_total)


@page("GET")
def overview(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, scope = access_programme(person_of(request), programme_id)
    rounds = _rounds_of(programme)
    round_ = _chosen_round(rounds, request.GET.get("ky"))
    progress = programme_progress(programme=programme, round_=round_, scope=scope)
    codes = list(programme.pillars.values_list("code", flat=True))
    codes += [code for code in progress.by_pillar if code not in codes]
    bars = [
        PillarBar(
            code,
            str(PillarCode(code).label),
            tally.targets.get(MET, 0),
            tally.targets_total,
            tally.tasks.get(TaskStatus.DONE, 0),
            tally.tasks_total,
        )
        for code in codes
        if (tally := progress.by_pillar.get(code)) is not None
    ]
    trend = programme_trend(programme=programme, scope=scope)
    chart = {
        "periods": [point.period for point in trend],
        "targets": [_percent(point.targets_met, point.targets_total) for point in trend],
        "tasks": [_percent(point.tasks_done, point.tasks_total) for point in trend],
        "labels": {"targets": _("Mục tiêu hoàn thành (%)"), "tasks": _("Nhiệm vụ hoàn thành (%)")},
    }
    return render(
        request,
        "programme/overview.html",
        {
            "programme": programme,
            "scope": scope,
            "nav": "overview",
            "rounds": rounds,
            "round": round_,
            "progress": progress,
            "sentence": progress.sentence(),
            "sub_tasks": any(not row.counted for row in progress.task_rows),
            "bars": bars,
            "trend": trend,
            "chart": chart,
            "completeness": _percent(progress.received_reports, progress.expected_reports),
            "timeliness": _percent(progress.on_time_reports, progress.expected_reports),
            "budget": [(phase, vn_number(total)) for phase, total in sorted(progress.budget_by_phase.items())],
        },
    )


# --- task and target lists ------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    row: TaskRow
    badge: Badge


@page("GET")
def task_list_page(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, scope = access_programme(person_of(request), programme_id)
    rounds = _rounds_of(programme)
    round_ = rounds[-1] if rounds else None
    agencies = (
        tasks_visible(scope, programme)
        .filter(lead_agency__isnull=False)
        .values_list("lead_agency_id", "lead_agency__name")
        .distinct()
        .order_by("lead_agency__name")
    )
    form = TaskFilterForm(
        request.GET or None,
        pillars=[(pillar.code, pillar.get_code_display()) for pillar in programme.pillars.all()],
        agencies=list(agencies),
        statuses=[*TaskStatus.choices, (NO_REPORT, _("Chưa có báo cáo được duyệt"))],
    )
    form.is_valid()
    # The same figures as the overview and the documents: one call, then the filters.
    progress = programme_progress(programme=programme, round_=round_, scope=scope)
    rows = task_rows_filter(progress.task_rows, **form.filters())
    context = {
        "programme": programme,
        "scope": scope,
        "nav": "tasks",
        "round": round_,
        "form": form,
        "lines": [TaskLine(row, _task_badge(row.outcome)) for row in rows],
        "tasks_done": progress.overall.tasks.get(TaskStatus.DONE, 0),
        "tasks_total": progress.overall.tasks_total,
        "sub_tasks": sum(not line.counted for line in progress.task_rows),
    }
    template = "programme/_task_results.html" if is_htmx(request) else "programme/task_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class TargetLine:
    row: TargetRow
    badge: Badge
    goals: list[str]


@page("GET")
def target_list_page(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, scope = access_programme(person_of(request), programme_id)
    rounds = _rounds_of(programme)
    round_ = rounds[-1] if rounds else None
    progress = programme_progress(programme=programme, round_=round_, scope=scope)
    lines = [
        TargetLine(row, _target_badge(row.outcome), _goals(row.target.milestones.all(), row.target.unit))
        for row in progress.target_rows
    ]
    return render(
        request,
        "programme/target_list.html",
        {
            "programme": programme,
            "scope": scope,
            "nav": "targets",
            "round": round_,
            "lines": lines,
        },
    )


# --- task and target detail, comments -------------------------------------------------------


@dataclass(frozen=True)
class AgencyNow:
    """An agency as the scheme named it, and the agency carrying its work today."""

    agency: Agency
    today: Agency

    @property
    def moved(self) -> bool:
        return self.agency.pk != self.today.pk


def _now(agencies: Iterable[Agency | None]) -> list[AgencyNow]:
    return [AgencyNow(agency, agency_successor_on(agency=agency)) for agency in agencies if agency is not None]


def _history(reports: QuerySet[Any], scope: ProgrammeScope, reporter_id: int | None) -> list[Any]:
    """Reports across rounds, newest first; drafts only for the agency writing them and the DX office."""
    if not rules.may_read_drafts(scope, reporter_id):
        reports = reports.exclude(state=ReportState.DRAFT)
    return list(reports.select_related("round", "agency").prefetch_related("files").order_by("-round__period_end"))


def _task_in(request: HttpRequest, programme_id: int, task_id: int) -> tuple[Programme, Task, ProgrammeScope]:
    programme, _scope = access_programme(person_of(request), programme_id)
    task, scope = access_task(person_of(request), task_id)
    _same_programme(task, programme, _("Không tìm thấy nhiệm vụ."))
    return programme, task, scope


def _target_in(request: HttpRequest, programme_id: int, target_id: int) -> tuple[Programme, Target, ProgrammeScope]:
    programme, _scope = access_programme(person_of(request), programme_id)
    target, scope = access_target(person_of(request), target_id)
    _same_programme(target, programme, _("Không tìm thấy chỉ tiêu."))
    return programme, target, scope


def _task_detail(
    request: HttpRequest,
    programme: Programme,
    task: Task,
    scope: ProgrammeScope,
    form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    partners = list(task.partner_agencies.all())
    return render(
        request,
        "programme/task_detail.html",
        {
            "programme": programme,
            "scope": scope,
            "nav": "tasks",
            "task": task,
            "lead": _now([task.lead_agency]),
            "partners": _now(partners),
            "budgets": [
                (budget.phase, vn_number(budget.amount_million_vnd)) for budget in task.budgets.order_by("phase")
            ],
            "children": task.children.order_by("order"),
            "reports": [
                (report, _state_badge(report.state), _task_badge(report.status))
                for report in _history(task.reports.all(), scope, task.lead_agency_id)
            ],
            "comments": task.comments.select_related("author", "agency"),
            "can_comment": rules.may_comment(scope, task.lead_agency_id, (agency.pk for agency in partners)),
            "comment_form": form or CommentForm(),
            "comment_url": reverse("programme:task_comment", args=[programme.pk, task.pk]),
        },
        status=status,
    )


@page("GET")
def task_detail(request: HttpRequest, programme_id: int, task_id: int) -> HttpResponse:
    programme, task, scope = _task_in(request, programme_id, task_id)
    return _task_detail(request, programme, task, scope)


@page("POST")
def task_comment(request: HttpRequest, programme_id: int, task_id: int) -> HttpResponse:
    programme, task, scope = _task_in(request, programme_id, task_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _task_detail(request, programme, task, scope, form, status=400)
    try:
        services.comment_add(actor=person_of(request), scope=scope, task=task, text=form.cleaned_data["text"])
    except DomainError as exc:
        form_error(form, exc)
        return _task_detail(request, programme, task, scope, form, status=exc.status_code)
    messages.success(request, _("Đã gửi ý kiến."))
    return redirect(reverse("programme:task_detail", args=[programme.pk, task.pk]) + "#y-kien")


def _target_detail(
    request: HttpRequest,
    programme: Programme,
    target: Target,
    scope: ProgrammeScope,
    form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    partners = list(target.partner_agencies.all())
    reports = _history(target.reports.all(), scope, target.tracking_agency_id)
    return render(
        request,
        "programme/target_detail.html",
        {
            "programme": programme,
            "scope": scope,
            "nav": "targets",
            "target": target,
            "tracking": _now([target.tracking_agency]),
            "partners": _now(partners),
            "goals": _goals(target.milestones.all(), target.unit),
            "baseline": vn_number(target.baseline_value) if target.baseline_value is not None else "",
            "reports": [(report, _state_badge(report.state), _reported(report)) for report in reports],
            "comments": target.comments.select_related("author", "agency"),
            "can_comment": rules.may_comment(scope, target.tracking_agency_id, (agency.pk for agency in partners)),
            "comment_form": form or CommentForm(),
            "comment_url": reverse("programme:target_comment", args=[programme.pk, target.pk]),
        },
        status=status,
    )


def _goals(milestones: Iterable[Milestone], unit: str) -> list[str]:
    """Milestones as the scheme states them ("tối thiểu 90% (cấp tỉnh, 2025)"), province level first."""
    rank: dict[str, int] = {"": 0, **{level: index for index, level in enumerate(LEVEL_ORDER, start=1)}}
    return [milestone_text(m, unit) for m in sorted(milestones, key=lambda m: (m.year, rank.get(m.level, 9)))]


def _reported(report: TargetReport) -> list[str]:
    """The value(s) a target report gives ("92% (cấp tỉnh)", "58,5% (cấp xã)")."""
    return reported_lines(TargetRow(report.target, "", report))


@page("GET")
def target_detail(request: HttpRequest, programme_id: int, target_id: int) -> HttpResponse:
    programme, target, scope = _target_in(request, programme_id, target_id)
    return _target_detail(request, programme, target, scope)


@page("POST")
def target_comment(request: HttpRequest, programme_id: int, target_id: int) -> HttpResponse:
    programme, target, scope = _target_in(request, programme_id, target_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _target_detail(request, programme, target, scope, form, status=400)
    try:
        services.comment_add(actor=person_of(request), scope=scope, target=target, text=form.cleaned_data["text"])
    except DomainError as exc:
        form_error(form, exc)
        return _target_detail(request, programme, target, scope, form, status=exc.status_code)
    messages.success(request, _("Đã gửi ý kiến."))
    return redirect(reverse("programme:target_detail", args=[programme.pk, target.pk]) + "#y-kien")


# --- reports, fetched through their task or target -------------------------------------------

REPORT_KINDS: dict[str, type[TaskReport] | type[TargetReport]] = {"nhiem-vu": TaskReport, "chi-tieu": TargetReport}


def _report(person: Person, programme: Programme, kind: str, report_id: int) -> tuple[AnyReport, ProgrammeScope]:
    """A report of ``programme`` whose task or target ``person`` may read. Missing and out of
    reach answer with the same message."""
    missing = NotFound(_("Không tìm thấy báo cáo."), code="not_found")
    model = REPORT_KINDS.get(kind)
    if model is None:
        raise missing
    report = model.objects.select_related("round", "agency").filter(pk=report_id, round__programme=programme).first()
    if report is None:
        raise missing
    try:
        if isinstance(report, TaskReport):
            _task, scope = access_task(person, report.task_id)
        else:
            _target, scope = access_target(person, report.target_id)
    except NotFound:
        raise missing from None
    return report, scope


@page("GET")
def evidence_download(request: HttpRequest, programme_id: int, evidence_id: int) -> FileResponse:
    programme, _scope = access_programme(person_of(request), programme_id)
    evidence = Evidence.objects.filter(pk=evidence_id, round__programme=programme).first()
    if evidence is None:
        raise NotFound(_("Không tìm thấy minh chứng."), code="not_found")
    try:
        if evidence.task_report_id:
            _report(person_of(request), programme, "nhiem-vu", evidence.task_report_id)
        else:
            _report(person_of(request), programme, "chi-tieu", cast(int, evidence.target_report_id))
    except NotFound:
        raise NotFound(_("Không tìm thấy minh chứng."), code="not_found") from None
    handle = evidence.file.open("rb")
    content_type = evidence.content_type
    if content_type not in ALLOWED_TYPES:  # kept before the type was recorded: judged from its first bytes
        content_type = sniff_type(handle.read(8192))
        handle.seek(0)
    return attachment(
        handle,
        filename=clean_filename(evidence.original_name, ALLOWED_TYPES.get(content_type, "bin")),
        content_type=content_type,
    )


# --- the agency's inbox ---------------------------------------------------------------------


@dataclass
class InboxItem:
    """One report the agency still has to send, with its form."""

    kind: str  # "nhiem-vu" / "chi-tieu"
    report: AnyReport
    form: TaskReportForm | TargetReportForm
    files: list[Evidence]
    goals: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"bao-cao-{self.kind}-{self.report.pk}"

    @property
    def returned(self) -> bool:
        return self.report.state == ReportState.RETURNED


def _task_form(report: TaskReport, data: Any = None, files: Any = None) -> TaskReportForm:
    return TaskReportForm(
        data,
        files,
        prefix=f"nhiem-vu-{report.pk}",
        initial={
            "status": report.status,
            "percent_done": report.percent_done,
            "narrative": report.narrative,
            "links": report.links,
        },
    )


def _target_levels(report: TargetReport) -> list[str]:
    return sorted({milestone.level for milestone in report.target.milestones.all() if milestone.level})


def _target_form(report: TargetReport, data: Any = None, files: Any = None) -> TargetReportForm:
    initial = {
        "value": number_text(report.value),
        "as_of": report.as_of or report.round.cutoff_date,
        "source": report.source,
        "narrative": report.narrative,
        "links": report.links,
    }
    initial.update({f"level_{level}": number_text(value) for level, value in report.level_values.items()})
    return TargetReportForm(data, files, prefix=f"chi-tieu-{report.pk}", initial=initial, levels=_target_levels(report))


def _inbox(
    request: HttpRequest,
    programme: Programme,
    scope: ProgrammeScope,
    *,
    bound: TaskReportForm | TargetReportForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    inbox = agency_inbox(scope=scope, programme=programme)
    round_: ReportingRound | None = inbox["round"]
    task_reports: list[TaskReport] = inbox["pending_task_reports"]
    target_reports: list[TargetReport] = inbox["pending_target_reports"]
    prefetch_related_objects(task_reports, "files")
    prefetch_related_objects(target_reports, "files", "target__milestones")
    year = round_.period_end.year if round_ else timezone.localdate().year

    items = [InboxItem("nhiem-vu", report, _task_form(report), list(report.files.all())) for report in task_reports]
    items += [
        InboxItem(
            "chi-tieu",
            report,
            _target_form(report),
            list(report.files.all()),
            _goals(milestones_in_force(report.target, year), report.target.unit),
        )
        for report in target_reports
    ]
    for item in items:
        if bound is not None and item.form.prefix == bound.prefix:
            item.form = bound  # the form just posted, with its errors
    items.sort(key=lambda item: not item.returned)  # what came back with a comment first
    sent: list[tuple[AnyReport, Badge]] = []
    if round_ is not None:
        agencies = scope.report_agencies
        done = ~Q(state__in=(ReportState.DRAFT, ReportState.RETURNED))
        reports: list[AnyReport] = [
            *TaskReport.objects.filter(done, round=round_, agency__in=agencies).select_related("task"),
            *TargetReport.objects.filter(done, round=round_, agency__in=agencies).select_related("target"),
        ]
        sent = [(report, _state_badge(report.state)) for report in reports]
    return render(
        request,
        "programme/inbox.html",
        {
            "programme": programme,
            "scope": scope,
            "nav": "inbox",
            "round": round_,
            "items": items,
            "sent": sent,
            "overdue": bool(round_ and inbox["today"] > round_.due_date),
            "tasks": inbox["tasks"],
            "targets": inbox["targets"],
            "error": error,
        },
        status=status,
    )


@page("GET")
def inbox(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, scope = access_programme(person_of(request), programme_id)
    return _inbox(request, programme, scope)


@page("POST")
def report_save(request: HttpRequest, programme_id: int, kind: str, report_id: int) -> HttpResponse:
    """Save a report as a draft, with an evidence file if one is attached, and send it when the
    "Gửi báo cáo" button was pressed: all of it or nothing."""
    person = person_of(request)
    programme, _viewer_scope = access_programme(person, programme_id)
    report, scope = _report(person, programme, kind, report_id)
    if isinstance(report, TaskReport):
        form: TaskReportForm | TargetReportForm = _task_form(report, request.POST, request.FILES)
    else:
        form = _target_form(report, request.POST, request.FILES)
    if not form.is_valid():
        return _inbox(
            request,
            programme,
            scope,
            bound=form,
            error=_("Báo cáo chưa được lưu: vui lòng sửa các ô được đánh dấu."),
            status=400,
        )
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if isinstance(form, TaskReportForm):
                services.task_report_save(
                    actor=person,
                    scope=scope,
                    report=cast(TaskReport, report),
                    status=data["status"],
                    percent_done=data["percent_done"],
                    narrative=data["narrative"],
                    links=data["links"],
                )
            else:
                services.target_report_save(
                    actor=person,
                    scope=scope,
                    report=cast(TargetReport, report),
                    value=data["value"],
                    level_values=form.level_values(),
                    as_of=data["as_of"],
                    source=data["source"],
                    narrative=data["narrative"],
                    links=data["links"],
                )
            if data["evidence"]:
                services.evidence_add(actor=person, scope=scope, report=report, upload=data["evidence"])
            if form.submitting:
                services.report_submit(actor=person, scope=scope, report=report)
    except DomainError as exc:
        form_error(form, exc)
        return _inbox(request, programme, scope, bound=form, error=exc.message, status=exc.status_code)
    messages.success(request, _("Đã gửi báo cáo.") if form.submitting else _("Đã lưu dự thảo."))
    return redirect(reverse("programme:inbox", args=[programme.pk]) + f"#bao-cao-{kind}-{report.pk}")


# --- reporting rounds and review (DX office; leaders read) -----------------------------------


def _read_all(scope: ProgrammeScope) -> None:
    if not rules.may_read_programme(scope):
        raise NotAllowed(
            _("Chỉ cơ quan chuyên trách chuyển đổi số và lãnh đạo được xem các kỳ báo cáo."), code="forbidden"
        )


def _suggested_period(taken: set[str], today: dt.date) -> str:
    """The half-year of ``today``, or the first later one not yet opened."""
    year, half = today.year, 1 if today.month <= 6 else 2
    while f"{year}-H{half}" in taken:
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return f"{year}-H{half}"


def _round_form(period: str) -> RoundOpenForm:
    try:
        dates = services.round_default_dates(period)
    except DomainError:
        return RoundOpenForm(initial={"period": period})
    return RoundOpenForm(initial={"period": period, "cutoff_date": dates.cutoff_date, "due_date": dates.due_date})


@dataclass(frozen=True)
class RoundLine:
    round: ReportingRound
    expected: int
    received: int
    on_time: int

    @property
    def completeness(self) -> int:
        return _percent(self.received, self.expected)

    @property
    def timeliness(self) -> int:
        return _percent(self.on_time, self.expected)


@dataclass
class ReviewItem:
    """A report sent to the DX office, with its approve / return controls."""

    kind: str
    report: AnyReport
    files: list[Evidence]
    badge: Badge
    form: ReturnForm = field(default_factory=ReturnForm)
    error: str = ""

    @property
    def anchor(self) -> str:
        return f"duyet-{self.kind}-{self.report.pk}"

    @property
    def pending(self) -> bool:
        return self.report.state == ReportState.SUBMITTED

    @property
    def reported(self) -> list[str]:
        return _reported(self.report) if isinstance(self.report, TargetReport) else []


def _review_item(kind: str, report: AnyReport, **extra: Any) -> ReviewItem:
    return ReviewItem(kind, report, list(report.files.all()), _state_badge(report.state), **extra)


def _rounds(
    request: HttpRequest,
    programme: Programme,
    scope: ProgrammeScope,
    *,
    form: RoundOpenForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    rounds = _rounds_of(programme)
    lines = []
    for round_ in reversed(rounds):
        progress = programme_progress(programme=programme, round_=round_, scope=scope)
        lines.append(RoundLine(round_, progress.expected_reports, progress.received_reports, progress.on_time_reports))
    waiting = {"round__programme": programme, "round__status": RoundStatus.OPEN, "state": ReportState.SUBMITTED}
    reviews = [
        *(
            _review_item("nhiem-vu", report)
            for report in TaskReport.objects.filter(**waiting)
            .select_related("round", "agency", "task")
            .prefetch_related("files")
            .order_by("submitted_at")
        ),
        *(
            _review_item("chi-tieu", report)
            for report in TargetReport.objects.filter(**waiting)
            .select_related("round", "agency", "target")
            .prefetch_related("files")
            .order_by("submitted_at")
        ),
    ]
    period = _suggested_period({round_.period for round_ in rounds}, timezone.localdate())
    return render(
        request,
        "programme/rounds.html",
        {
            "programme": programme,
            "scope": scope,
            "nav": "rounds",
            "lines": lines,
            "reviews": reviews,
            "form": form or _round_form(period),
            "error": error,
            "has_open": any(round_.status == RoundStatus.OPEN for round_ in rounds),
        },
        status=status,
    )


@page("GET", "POST")
def rounds(request: HttpRequest, programme_id: int) -> HttpResponse:
    person = person_of(request)
    programme, scope = access_programme(person, programme_id)
    _read_all(scope)
    if request.method == "GET":
        return _rounds(request, programme, scope)
    form = RoundOpenForm(request.POST)
    if not form.is_valid():
        return _rounds(request, programme, scope, form=form, status=400)
    try:
        round_ = services.round_open(
            actor=person,
            scope=scope,
            programme=programme,
            period=form.cleaned_data["period"],
            due_date=form.cleaned_data["due_date"],
            cutoff_date=form.cleaned_data["cutoff_date"],
        )
    except DomainError as exc:
        form_error(form, exc)
        return _rounds(request, programme, scope, form=form, status=exc.status_code)
    messages.success(request, _("Đã mở kỳ báo cáo %(period)s.") % {"period": round_.period})
    return redirect("programme:rounds", programme.pk)


@page("GET")
def round_dates(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The default dates of the period being typed (HTMX fragment of the "open a round" form)."""
    _programme, scope = access_programme(person_of(request), programme_id)
    _read_all(scope)
    return render(
        request, "programme/_round_dates.html", {"form": _round_form((request.GET.get("period") or "").strip().upper())}
    )


def _round_of(programme: Programme, round_id: int) -> ReportingRound:
    round_ = ReportingRound.objects.filter(pk=round_id, programme=programme).first()
    if round_ is None:
        raise NotFound(_("Không tìm thấy kỳ báo cáo."), code="not_found")
    return round_


@page("POST")
def round_close(request: HttpRequest, programme_id: int, round_id: int) -> HttpResponse:
    person = person_of(request)
    programme, scope = access_programme(person, programme_id)
    _read_all(scope)
    round_ = _round_of(programme, round_id)
    try:
        services.round_close(actor=person, scope=scope, round_=round_)
    except DomainError as exc:
        return _rounds(request, programme, scope, error=exc.message, status=exc.status_code)
    messages.success(request, _("Đã đóng kỳ báo cáo %(period)s.") % {"period": round_.period})
    return redirect("programme:rounds", programme.pk)


@page("POST")
def report_review(request: HttpRequest, programme_id: int, kind: str, report_id: int, decision: str) -> HttpResponse:
    """Approve or return a report; answers with the report's card for HTMX, else the rounds page."""
    person = person_of(request)
    programme, viewer_scope = access_programme(person, programme_id)
    report, scope = _report(person, programme, kind, report_id)
    form = ReturnForm(request.POST if decision == "tra-lai" else None)
    try:
        if decision == "duyet":
            services.report_approve(actor=person, scope=scope, report=report)
            done = _("Đã duyệt báo cáo.")
        else:
            form.is_valid()  # a free text: always valid; the service refuses a blank reason
            services.report_return(actor=person, scope=scope, report=report, comment=form.cleaned_data["comment"])
            done = _("Đã trả lại báo cáo để đơn vị bổ sung.")
    except DomainError as exc:
        if form.is_bound:
            form_error(form, exc)
        if not is_htmx(request):
            return _rounds(request, programme, viewer_scope, error=exc.message, status=exc.status_code)
        report.refresh_from_db()
        item = _review_item(kind, report, form=form, error="" if form.has_error("comment") else exc.message)
        return render(
            request,
            "programme/_review_item.html",
            {"item": item, "programme": programme, "scope": viewer_scope},
            status=exc.status_code,
        )
    if not is_htmx(request):
        messages.success(request, done)
        return redirect(reverse("programme:rounds", args=[programme.pk]) + "#cho-duyet")
    report.refresh_from_db()
    return render(
        request,
        "programme/_review_item.html",
        {"item": _review_item(kind, report), "done": done, "programme": programme, "scope": viewer_scope},
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@page("GET")
def round_report_docx(request: HttpRequest, programme_id: int, round_id: int) -> HttpResponse:
    from .documents import round_report_docx as build

    programme, scope = access_programme(person_of(request), programme_id)
    _read_all(scope)
    round_ = _round_of(programme, round_id)
    return _download(build(round_), f"bao-cao-chuyen-doi-so-{round_.period}.docx", DOCX)


@page("GET")
def round_report_xlsx(request: HttpRequest, programme_id: int, round_id: int) -> HttpResponse:
    from .documents import round_report_xlsx as build

    programme, scope = access_programme(person_of(request), programme_id)
    _read_all(scope)
    round_ = _round_of(programme, round_id)
    return _download(build(round_), f"bao-cao-chuyen-doi-so-{round_.period}.xlsx", XLSX)


# --- import (DX office) ---------------------------------------------------------------------


def _require_dx_office(person: Person) -> None:
    """The import pages are the DX office's; the importer checks each programme itself."""
    if not rules.may_import_programme(person):
        raise NotAllowed(_("Chỉ cơ quan chuyên trách chuyển đổi số được nhập đề án."), code="forbidden")


def _managed(person: Person) -> QuerySet[Programme]:
    ids = [
        programme.pk
        for programme in programmes_visible(person).select_related("owner__unit__parent")
        if rules.may_manage_programme(programme_scope(person, programme))
    ]
    return Programme.objects.filter(pk__in=ids)


def _mapping_agencies(person: Person, programme: Programme | None) -> QuerySet[Agency]:
    """Agencies active today in the province of the programme (or of the user's DX office)."""
    units = (
        [programme.owner.unit]
        if programme
        else [agency.unit for agency in agencies_where(person, Perm.PROGRAMME_MANAGE).select_related("unit__parent")]
    )
    provinces = {unit.province.pk for unit in units}
    in_province = Q(unit__in=provinces) | Q(unit__parent__in=provinces) | Q(unit__parent__parent__in=provinces)
    return Agency.objects.active().filter(in_province).order_by("path")


def _import_page(
    request: HttpRequest,
    form: ImportForm,
    *,
    outcome: ImportOutcome | None = None,
    mapping: AgencyMappingForm | None = None,
    token: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "programme/import.html",
        {
            "form": form,
            "outcome": outcome,
            "mapping": mapping,
            "token": token,
            "error": error,
            "column_roles": role_choices(),
            "task_lines": task_lines(outcome.preview) if outcome else [],
            "target_lines": target_lines(outcome.preview) if outcome else [],
            "unmatched": list(zip(outcome.unmatched_agencies, mapping.rows(), strict=False))
            if outcome and mapping
            else [],
        },
        status=status,
    )


@page("GET", "POST")
def import_page(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    _require_dx_office(person)
    managed = _managed(person)
    if request.method == "GET":
        return _import_page(request, ImportForm(programmes=managed, initial={"programme": request.GET.get("de_an")}))
    if request.POST.get("token"):
        return _import_save(request, person, managed)
    form = ImportForm(request.POST, request.FILES, programmes=managed)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    filename, data = form.payload()
    programme: Programme | None = form.cleaned_data["programme"]
    try:
        outcome = programme_import(actor=person, filename=filename, data=data, programme=programme, dry_run=True)
    except DomainError as exc:
        form_error(form, exc)
        return _import_page(request, form, status=exc.status_code)
    texts = [unmatched.text for unmatched in outcome.unmatched_agencies]
    token = stash_keep(
        request, IMPORTS_KEY, filename=filename, data=data, programme=programme.pk if programme else None, texts=texts
    )
    mapping = AgencyMappingForm(texts=texts, agencies=_mapping_agencies(person, programme))
    return _import_page(request, form, outcome=outcome, mapping=mapping, token=token)


def _import_save(request: HttpRequest, person: Person, managed: QuerySet[Programme]) -> HttpResponse:
    token = request.POST["token"]
    stash = stash_get(request, IMPORTS_KEY, token)
    form = ImportForm(programmes=managed)
    if stash is None:
        return _import_page(request, form, error=_("Bản xem trước đã hết hạn: vui lòng tải tệp lên lại."), status=400)
    programme = managed.filter(pk=stash["programme"]).first() if stash["programme"] else None
    if stash["programme"] and programme is None:
        raise NotFound(_("Không tìm thấy đề án."), code="not_found")
    form = ImportForm(programmes=managed, initial={"programme": programme})
    data = stash_read(stash)
    mapping = AgencyMappingForm(request.POST, texts=stash["texts"], agencies=_mapping_agencies(person, programme))
    try:
        if not mapping.is_valid():
            raise DomainError(_("Lựa chọn cơ quan không hợp lệ."), field="mapping")
        with transaction.atomic():
            outcome = programme_import(
                actor=person, filename=stash["filename"], data=data, programme=programme, dry_run=False
            )
            if outcome.saved:
                saved = Programme.objects.select_related("owner__unit__parent", "province").get(pk=outcome.programme_id)  # type: ignore[misc]  # set when saved
                saved_scope = programme_scope(person, saved)
                for text, agency in mapping.chosen():
                    services.agency_mapping_set(
                        actor=person, scope=saved_scope, programme=saved, text=text, agency=agency
                    )
    except DomainError as exc:
        return _import_page(request, form, error=exc.message, status=exc.status_code)
    if not outcome.saved:
        return _import_page(
            request,
            form,
            outcome=outcome,
            mapping=mapping,
            token=token,
            status=400,
            error=_("Tệp còn dòng bị từ chối nên chưa nhập gì. Vui lòng sửa tệp rồi tải lên lại."),
        )
    stash_drop(request, IMPORTS_KEY, token)
    messages.success(
        request,
        _("Đã nhập %(tasks)d nhiệm vụ và %(targets)d chỉ tiêu.") % {"tasks": outcome.tasks, "targets": outcome.targets},
    )
    return redirect("programme:overview", outcome.programme_id)


@page("POST")
def import_columns(request: HttpRequest) -> HttpResponse:
    """ "Áp dụng" under a table the importer could not classify: read the kept file again with
    the columns as the user named them, and remember them for the province's next files of
    that header shape (only the DX office of the province the file belongs to may)."""
    person = person_of(request)
    _require_dx_office(person)
    managed = _managed(person)
    token = request.POST.get("token", "")
    stash = stash_get(request, IMPORTS_KEY, token)
    if stash is None:
        return _import_page(
            request,
            ImportForm(programmes=managed),
            error=_("Bản xem trước đã hết hạn: vui lòng tải tệp lên lại."),
            status=400,
        )
    programme = managed.filter(pk=stash["programme"]).first() if stash["programme"] else None
    if stash["programme"] and programme is None:
        raise NotFound(_("Không tìm thấy đề án."), code="not_found")
    form = ImportForm(programmes=managed, initial={"programme": programme})
    data = stash_read(stash)

    def preview(outcome: ImportOutcome, *, error: str = "", status: int = 200) -> HttpResponse:
        texts = [unmatched.text for unmatched in outcome.unmatched_agencies]
        stash["texts"] = texts
        request.session[IMPORTS_KEY] = {**request.session.get(IMPORTS_KEY, {}), token: stash}
        mapping = AgencyMappingForm(texts=texts, agencies=_mapping_agencies(person, programme))
        return _import_page(request, form, outcome=outcome, mapping=mapping, token=token, error=error, status=status)

    signature = request.POST.get("signature", "")
    before = programme_import(actor=person, filename=stash["filename"], data=data, programme=programme, dry_run=True)
    table = next((t for t in before.preview["unclassified"] if t["signature"] == signature), None)
    try:
        if table is None:
            raise DomainError(_("Không tìm thấy bảng cần khai báo cột trong tệp: hãy xem trước lại."), field="columns")
        columns = columns_from_form(request.POST, table["header"])
        outcome = programme_import(
            actor=person,
            filename=stash["filename"],
            data=data,
            programme=programme,
            dry_run=True,
            columns={signature: columns},
        )
        if outcome.province_unit is None:
            raise DomainError(
                _("Chưa xác định được tỉnh của đề án nên chưa lưu được khai báo cột: hãy chọn đề án để nhập vào."),
                field="columns",
            )
        column_mapping_save(actor=person, province=outcome.province_unit, header=table["header"], columns=columns)
    except DomainError as exc:
        return preview(before, error=exc.message, status=exc.status_code)
    messages.success(request, _("Đã áp dụng và ghi nhớ khai báo cột cho các tệp sau của tỉnh."))
    return preview(outcome)


@page("GET")
def import_template(request: HttpRequest) -> HttpResponse:
    from .importing.template import build_template

    person = person_of(request)
    _require_dx_office(person)
    names = [agency.name for agency in _mapping_agencies(person, None)]
    return _download(build_template(agencies=names), "mau-nhap-de-an.xlsx", XLSX)
