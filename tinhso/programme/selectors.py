"""Reads of the programme tracker. :func:`programme_progress` is the one place the figures
behind "15/16 mục tiêu hoàn thành, 42/48 nhiệm vụ hoàn thành" come from: the overview, the task
list, the API and the province report (Word, Excel) all call it, so they cannot disagree.

What a task total counts (issue 14): each task family once. A task whose parent is not in the
list (a top-level task, or one whose parent the user may not see) is one unit of the totals;
its sub-tasks are listed but not counted again. A task's status is its own approved report
when it has one; a parent without one takes the status rolled up from its sub-tasks
(:func:`task_roll_up`). So the report of the agency leading a parent task counts, and a report
on a sub-task moves the totals through its parent as long as the parent's lead has not reported
on the whole. A scheme's task that derived plans implement (a task for "UBND các xã, phường"
fanned out to each commune, ADR 0006) rolls up the same way from its derived tasks' latest
approved reports, so the communes' work moves the province's totals. A family's budget for a phase is the parent's own figure when the scheme gives one,
else the sum of its sub-tasks' (never both).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
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


def _overdue(task: Task, status: str, round_: ReportingRound) -> str:
    """A task past its timeline and not done is late."""
    if (
        status in (TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED)
        and task.timeline_end
        and not task.recurring
        and task.timeline_end < round_.period_end.year
    ):
        return TaskStatus.LATE
    return status


def task_outcome(task: Task, report: TaskReport | None, round_: ReportingRound) -> str:
    """The task's status as approved in the round; a task past its timeline and not done is late."""
    if report is None:
        return NO_REPORT
    return _overdue(task, report.status, round_)


def task_roll_up(task: Task, outcomes: list[str], round_: ReportingRound) -> str:
    """The status of a parent task without an approved report of its own, from its sub-tasks'
    outcomes: nothing reported → no report; all dropped → dropped; all the others done → done;
    any late → late; some done or under way → in progress; else not started (late when the
    parent's own timeline has passed)."""
    if all(outcome == NO_REPORT for outcome in outcomes):
        return NO_REPORT
    live = [outcome for outcome in outcomes if outcome != TaskStatus.DROPPED]
    if not live:
        return TaskStatus.DROPPED
    if all(outcome == TaskStatus.DONE for outcome in live):
        return TaskStatus.DONE
    if TaskStatus.LATE in live:
        return TaskStatus.LATE
    under_way = any(outcome in (TaskStatus.DONE, TaskStatus.IN_PROGRESS) for outcome in live)
    return _overdue(task, TaskStatus.IN_PROGRESS if under_way else TaskStatus.NOT_STARTED, round_)


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
    """One task of the list. ``outcome`` is its own approved report's status, or, for a parent
    without one, the status rolled up from its sub-tasks (``rolled_up``). ``counted``: the task
    is a unit of the totals (no visible parent); ``depth``: 0 for a unit, 1 for its sub-tasks…;
    ``shared_code``: another task of the programme has the same code (in another appendix), so
    the code alone does not say which task this is."""

    task: Task
    outcome: str
    report: TaskReport | None
    counted: bool = True
    rolled_up: bool = False
    depth: int = 0
    shared_code: bool = False

    @property
    def code_label(self) -> str:
        """The code, with its appendix where the code alone is ambiguous ("CQS1 (Phụ lục 01)")."""
        if self.shared_code and self.task.appendix:
            return _("%(code)s (Phụ lục %(appendix)s)") % {"code": self.task.code, "appendix": self.task.appendix}
        return self.task.code


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
) -> ProgrammeProgress:
    """Progress of ``programme`` as approved in ``round_`` (None: no data yet), limited to what
    ``scope`` may see. Tasks are counted by family, once each (see the module's docstring)."""
    tasks_qs: QuerySet[Task] = tasks_visible(scope, programme) if scope else Task.objects.filter(programme=programme)
    targets_qs: QuerySet[Target] = (
        targets_visible(scope, programme) if scope else Target.objects.filter(programme=programme)
    )
    tasks = list(tasks_qs.select_related("pillar", "lead_agency", "parent").order_by("order", "pk"))
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
    target_rows: list[TargetRow] = []
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

    family = TaskFamily(tasks, task_reports, round_, derived_outcomes(tasks) if round_ is not None else {})
    shared = set(
        Task.objects.filter(programme=programme)
        .values("code")
        .annotate(times=Count("pk"))
        .filter(times__gt=1)
        .values_list("code", flat=True)
    )
    task_rows = [
        TaskRow(
            task,
            family.outcome(task),
            task_reports.get(task.pk),
            counted=task.pk in family.unit_ids,
            rolled_up=family.rolled_up(task),
            depth=family.depth(task),
            shared_code=task.code in shared,
        )
        for task in tasks
    ]
    for row in task_rows:
        if not row.counted:
            continue
        task = row.task
        pillar = task.pillar.code if task.pillar else PillarCode.FOUNDATION
        for tally in (overall, by_pillar[pillar]):
            tally.tasks[row.outcome] += 1
        if task.lead_agency is not None:  # selected with the task: no query
            by_agency[task.lead_agency.pk].tasks[row.outcome] += 1
            agency_names[task.lead_agency.pk] = task.lead_agency.name

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
        budget_by_phase=family.budget_by_phase(),
        target_rows=target_rows,
        task_rows=task_rows,
        expected_reports=expected,
        received_reports=received,
        on_time_reports=on_time,
    )


def derived_outcomes(tasks: list[Task]) -> dict[int, list[str]]:
    """For each of ``tasks`` that plans implement (derived plans' tasks with ``source_task``), the
    status of each derived task's latest approved report, or no report: two queries. Derived
    plans report in their own rounds, so the latest approved report is what the commune or the
    department last said, whatever the round."""
    derived: defaultdict[int, dict[int, str]] = defaultdict(dict)
    ids = [task.pk for task in tasks]
    for pk, source_id in Task.objects.filter(source_task__in=ids).values_list("pk", "source_task_id"):
        derived[source_id][pk] = NO_REPORT
    if not derived:
        return {}
    approved = (
        TaskReport.objects.filter(task__source_task__in=ids, state=ReportState.APPROVED)
        .order_by("task_id", "round__period_end", "pk")
        .values_list("task__source_task_id", "task_id", "status")
    )
    for source, task_id, status in approved:  # the latest approved report comes last
        if source is not None:  # always: the filter asks for a source task
            derived[source][task_id] = status
    return {source_id: list(by_task.values()) for source_id, by_task in derived.items()}


class TaskFamily:
    """The visible tasks as trees: the units counted (tasks without a visible parent), each
    task's outcome (own report, else rolled up from its sub-tasks and from the tasks that
    derived plans made of it, ``derived``: source task id → their outcomes) and the families'
    budgets."""

    def __init__(
        self,
        tasks: list[Task],
        reports: dict[int, TaskReport],
        round_: ReportingRound | None,
        derived: dict[int, list[str]] | None = None,
    ) -> None:
        ids = {task.pk for task in tasks}
        self.children: defaultdict[int, list[Task]] = defaultdict(list)
        for task in tasks:
            if task.parent_id in ids:
                self.children[task.parent_id].append(task)
        self.units = [task for task in tasks if task.parent_id not in ids]
        self.tasks, self.reports, self.round = tasks, reports, round_
        self.derived = derived or {}
        self._outcomes: dict[int, tuple[str, bool]] = {}
        self._depths: dict[int, int] = {}
        for unit in self.units:
            self._walk(unit, 0)
        for task in tasks:  # a loop of parents (no top to start from): each counts on its own
            if task.pk not in self._depths:
                self.units.append(task)
                self._walk(task, 0)
        self.unit_ids = {task.pk for task in self.units}

    def _walk(self, task: Task, depth: int) -> tuple[str, bool]:
        if task.pk in self._depths:  # met again through a loop of parents
            return self._outcomes.get(task.pk, (NO_REPORT, False))
        self._depths[task.pk] = depth
        below = [self._walk(child, depth + 1)[0] for child in self.children.get(task.pk, [])]
        below += self.derived.get(task.pk, [])
        report = self.reports.get(task.pk)
        if self.round is None:
            found = (NO_REPORT, False)
        elif report is not None or not below:
            found = (task_outcome(task, report, self.round), False)
        else:
            found = (task_roll_up(task, below, self.round), True)
        self._outcomes[task.pk] = found
        return found

    def outcome(self, task: Task) -> str:
        return self._outcomes[task.pk][0]

    def rolled_up(self, task: Task) -> bool:
        return self._outcomes[task.pk][1]

    def depth(self, task: Task) -> int:
        return self._depths[task.pk]

    def budget_by_phase(self) -> dict[str, Decimal]:
        own: defaultdict[int, dict[str, Decimal]] = defaultdict(dict)
        for budget in Budget.objects.filter(task__in=self.tasks).only("task_id", "phase", "amount_million_vnd"):
            own[budget.task_id][budget.phase] = budget.amount_million_vnd

        def below(task: Task) -> list[Task]:
            return [child for child in self.children.get(task.pk, []) if child.pk not in self.unit_ids]

        def phases(task: Task) -> set[str]:
            return set(own[task.pk]).union(*(phases(child) for child in below(task)))

        def amount(task: Task, phase: str) -> Decimal:
            if phase in own[task.pk]:
                return own[task.pk][phase]
            return sum((amount(child, phase) for child in below(task)), Decimal(0))

        totals: defaultdict[str, Decimal] = defaultdict(Decimal)
        for unit in self.units:
            for phase in phases(unit):
                totals[phase] += amount(unit, phase)
        return {phase: totals[phase] for phase in sorted(totals)}


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
    progress = programme_progress(programme=programme, round_=round_, scope=scope)
    return task_rows_filter(
        progress.task_rows, pillar=pillar, agency_id=agency_id, status=status, late=late, query=query
    )


def task_rows_filter(
    rows: list[TaskRow],
    *,
    pillar: str | None = None,
    agency_id: int | None = None,
    status: str | None = None,
    late: bool = False,
    query: str = "",
) -> list[TaskRow]:
    """The rows of :func:`programme_progress` that pass the task list's filters."""
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
