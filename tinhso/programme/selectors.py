"""Reads of the programme tracker. :func:`programme_progress` is the one place the figures
behind "15/16 mục tiêu hoàn thành, 42/48 nhiệm vụ hoàn thành" come from: pages, the API and
the province report all call it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.text import fold

from .access import ProgrammeScope, targets_visible, tasks_visible
from .models import (
    Budget,
    Comparator,
    Milestone,
    PillarCode,
    Programme,
    ReportingRound,
    ReportState,
    Target,
    TargetReport,
    Task,
    TaskReport,
    TaskStatus,
)

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
NO_REPORT = "no_report"


def compare(value: Decimal, comparator: str, goal: Decimal) -> bool:
    return {
        Comparator.GT: value > goal,
        Comparator.GTE: value >= goal,
        Comparator.EQ: value >= goal,  # "đạt 80%": reaching or passing the figure meets it
        Comparator.LTE: value <= goal,
        Comparator.LT: value < goal,
    }[Comparator(comparator)]


def milestones_in_force(target: Target, year: int) -> list[Milestone]:
    """The milestones a value of ``year`` is judged against: those of the first milestone year
    at or after ``year`` (2025 values against 2025 milestones, 2027 values against 2030)."""
    milestones = list(target.milestones.all())
    years = sorted({m.year for m in milestones if m.year >= year}) or sorted({m.year for m in milestones})[-1:]
    return [m for m in milestones if years and m.year == years[0]]


def target_outcome(target: Target, report: TargetReport | None, year: int) -> str:
    """met / not_met / no_data for one target, honouring comparators and the split by level."""
    if report is None:
        return NO_DATA
    milestones = [m for m in milestones_in_force(target, year) if m.value is not None]
    if not milestones:
        return NO_DATA
    verdicts = []
    for milestone in milestones:
        if milestone.level:
            raw = report.level_values.get(milestone.level)
            value = Decimal(raw) if raw is not None else report.value
        else:
            value = report.value
        if value is None:
            return NO_DATA
        verdicts.append(compare(value, milestone.comparator, milestone.value))  # type: ignore[arg-type]
    return MET if all(verdicts) else NOT_MET


def task_outcome(task: Task, report: TaskReport | None, round_: ReportingRound) -> str:
    """The task's status as approved in the round; a task past its timeline and not done is late."""
    if report is None:
        return NO_REPORT
    status = report.status
    if (
        status in (TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED)
        and task.timeline_end
        and not task.recurring
        and task.timeline_end < round_.period_end.year
    ):
        return TaskStatus.LATE
    return status


@dataclass
class Tally:
    targets: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    tasks: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def targets_total(self) -> int:
        return sum(self.targets.values())

    @property
    def tasks_total(self) -> int:
        return sum(self.tasks.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "targets": dict(self.targets),
            "targets_total": self.targets_total,
            "tasks": dict(self.tasks),
            "tasks_total": self.tasks_total,
        }


@dataclass(frozen=True)
class TargetRow:
    target: Target
    outcome: str
    report: TargetReport | None


@dataclass(frozen=True)
class TaskRow:
    task: Task
    outcome: str
    report: TaskReport | None


@dataclass
class ProgrammeProgress:
    programme: Programme
    round: ReportingRound | None
    overall: Tally
    by_pillar: dict[str, Tally]
    by_agency: dict[int, Tally]
    agency_names: dict[int, str]
    budget_by_phase: dict[str, Decimal]
    target_rows: list[TargetRow]
    task_rows: list[TaskRow]
    expected_reports: int
    received_reports: int
    on_time_reports: int

    def sentence(self) -> str:
        """The one-line summary leaders quote ("15/16 mục tiêu hoàn thành, 42/48 nhiệm vụ hoàn thành")."""
        return _("%(met)d/%(targets)d mục tiêu hoàn thành, %(done)d/%(tasks)d nhiệm vụ hoàn thành") % {
            "met": self.overall.targets.get(MET, 0),
            "targets": self.overall.targets_total,
            "done": self.overall.tasks.get(TaskStatus.DONE, 0),
            "tasks": self.overall.tasks_total,
        }


def _reports_by(model: type[TaskReport] | type[TargetReport], round_: ReportingRound | None, key: str) -> dict:
    if round_ is None:
        return {}
    reports = model.objects.filter(round=round_, state=ReportState.APPROVED)
    return {getattr(report, key): report for report in reports}


def programme_progress(
    *,
    programme: Programme,
    round_: ReportingRound | None,
    scope: ProgrammeScope | None = None,
    leaf_tasks_only: bool = True,
) -> ProgrammeProgress:
    """Progress of ``programme`` as approved in ``round_`` (None: no data yet), limited to what
    ``scope`` may see. Parent tasks with sub-tasks are counted through their sub-tasks."""
    tasks_qs: QuerySet[Task] = tasks_visible(scope, programme) if scope else Task.objects.filter(programme=programme)
    targets_qs: QuerySet[Target] = (
        targets_visible(scope, programme) if scope else Target.objects.filter(programme=programme)
    )
    tasks = list(tasks_qs.select_related("pillar", "lead_agency").order_by("order"))
    if leaf_tasks_only:
        parents = {task.parent_id for task in tasks if task.parent_id}
        tasks = [task for task in tasks if task.pk not in parents]
    targets = list(
        targets_qs.select_related("pillar", "tracking_agency")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("year", "level")))
        .order_by("order")
    )
    task_reports = _reports_by(TaskReport, round_, "task_id")
    target_reports = _reports_by(TargetReport, round_, "target_id")
    year = round_.period_end.year if round_ else programme.period_start

    overall = Tally()
    by_pillar: defaultdict[str, Tally] = defaultdict(Tally)
    by_agency: defaultdict[int, Tally] = defaultdict(Tally)
    agency_names: dict[int, str] = {}
    target_rows, task_rows = [], []
    for target in targets:
        report = target_reports.get(target.pk)
        outcome = target_outcome(target, report, year)
        target_rows.append(TargetRow(target, outcome, report))
        pillar = target.pillar.code if target.pillar else PillarCode.FOUNDATION
        for tally in (overall, by_pillar[pillar]):
            tally.targets[outcome] += 1
        if target.tracking_agency is not None:  # selected with the target: no query
            by_agency[target.tracking_agency.pk].targets[outcome] += 1
            agency_names[target.tracking_agency.pk] = target.tracking_agency.name
    for task in tasks:
        report = task_reports.get(task.pk)
        outcome = task_outcome(task, report, round_) if round_ else NO_REPORT
        task_rows.append(TaskRow(task, outcome, report))
        pillar = task.pillar.code if task.pillar else PillarCode.FOUNDATION
        for tally in (overall, by_pillar[pillar]):
            tally.tasks[outcome] += 1
        if task.lead_agency is not None:  # selected with the task: no query
            by_agency[task.lead_agency.pk].tasks[outcome] += 1
            agency_names[task.lead_agency.pk] = task.lead_agency.name

    budgets = (
        Budget.objects.filter(task__in=[row.task for row in task_rows])
        .values("phase")
        .annotate(total=Sum("amount_million_vnd"))
        .order_by("phase")
    )
    expected = received = on_time = 0
    if round_ is not None:
        for model in (TaskReport, TargetReport):
            reports = model.objects.filter(round=round_)
            expected += reports.count()
            sent = reports.exclude(state=ReportState.DRAFT).exclude(submitted_at__isnull=True)
            received += sent.count()
            on_time += sent.filter(late=False).count()
    return ProgrammeProgress(
        programme=programme,
        round=round_,
        overall=overall,
        by_pillar=dict(by_pillar),
        by_agency=dict(by_agency),
        agency_names=agency_names,
        budget_by_phase={row["phase"]: row["total"] for row in budgets},
        target_rows=target_rows,
        task_rows=task_rows,
        expected_reports=expected,
        received_reports=received,
        on_time_reports=on_time,
    )


@dataclass(frozen=True)
class TrendPoint:
    period: str
    targets_met: int
    targets_total: int
    tasks_done: int
    tasks_total: int


def programme_trend(*, programme: Programme, scope: ProgrammeScope | None = None) -> list[TrendPoint]:
    points = []
    for round_ in ReportingRound.objects.filter(programme=programme).order_by("period_end"):
        progress = programme_progress(programme=programme, round_=round_, scope=scope)
        points.append(
            TrendPoint(
                round_.period,
                progress.overall.targets.get(MET, 0),
                progress.overall.targets_total,
                progress.overall.tasks.get(TaskStatus.DONE, 0),
                progress.overall.tasks_total,
            )
        )
    return points


def task_list(
    *,
    scope: ProgrammeScope,
    programme: Programme,
    pillar: str | None = None,
    agency_id: int | None = None,
    status: str | None = None,
    late: bool = False,
    query: str = "",
    round_: ReportingRound | None = None,
) -> list[TaskRow]:
    """Tasks filtered as on the task list page; ``query`` matches code and name without diacritics."""
    progress = programme_progress(programme=programme, round_=round_, scope=scope, leaf_tasks_only=False)
    rows = progress.task_rows
    if pillar:
        rows = [row for row in rows if row.task.pillar and row.task.pillar.code == pillar]
    if agency_id:
        rows = [row for row in rows if row.task.lead_agency_id == agency_id]
    if status:
        rows = [row for row in rows if row.outcome == status]
    if late:
        rows = [row for row in rows if row.outcome == TaskStatus.LATE]
    if query:
        key = fold(query)
        rows = [row for row in rows if key in row.task.name_folded]
    return rows


def agency_inbox(*, scope: ProgrammeScope, programme: Programme, agency_ids: set[int] | None = None) -> dict:
    """What an agency must report: its tasks and targets and the open round's reports due."""
    agencies = agency_ids if agency_ids is not None else set(scope.report_agencies)
    open_round = ReportingRound.objects.filter(programme=programme, status="open").order_by("-period_end").first()
    tasks = Task.objects.filter(programme=programme, lead_agency__in=agencies).select_related("pillar")
    targets = Target.objects.filter(programme=programme, tracking_agency__in=agencies)
    pending_task_reports = pending_target_reports = []
    if open_round is not None:
        pending = Q(state__in=(ReportState.DRAFT, ReportState.RETURNED))
        pending_task_reports = list(
            TaskReport.objects.filter(pending, round=open_round, agency__in=agencies).select_related("task")
        )
        pending_target_reports = list(
            TargetReport.objects.filter(pending, round=open_round, agency__in=agencies).select_related("target")
        )
    return {
        "round": open_round,
        "tasks": list(tasks),
        "targets": list(targets),
        "pending_task_reports": pending_task_reports,
        "pending_target_reports": pending_target_reports,
        "today": timezone.localdate(),
    }
