"""Reads of plans that cascade: the roll-up of derived tasks into their source task, and the DX
office's table of communes and departments (plan, reported, late, progress).

The roll-up rule (one place, :func:`task_rollup`): a source task's progress is the **mean of the
reported progress of the tasks derived from it**, each counted at its latest approved report
(any round; 0 while none is approved), and it is done when every derived task is done. The mean
rather than the share of communes done, so that a commune at 80% moves the province's figure
before it finishes; approved reports only, as everywhere leaders see figures
(:func:`tinhso.programme.selectors.programme_progress`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from tinhso.core.text import fold
from tinhso.org.models import Agency

from ..models import Programme, ReportingRound, ReportState, RoundStatus, TargetReport, Task, TaskReport, TaskStatus
from .fanout import COMMUNES, territory_agencies


@dataclass(frozen=True)
class Rollup:
    derived: int  # tasks derived from the source task
    done: int  # of which done (latest approved report)
    reported: int  # of which with an approved report
    percent: Decimal  # mean progress, 0-100, one decimal

    @property
    def complete(self) -> bool:
        return self.derived > 0 and self.done == self.derived


def _latest_approved(task_filter: dict[str, object]) -> dict[int, tuple[int, str]]:
    """Task id → (percent, status) of its latest approved report: one query."""
    latest: dict[int, tuple[int, str]] = {}
    rows = (
        TaskReport.objects.filter(state=ReportState.APPROVED, **task_filter)
        .order_by("task_id", "round__period_end", "pk")
        .values_list("task_id", "percent_done", "status")
    )
    for task_id, percent, status in rows:
        latest[task_id] = (percent, status)
    return latest


def task_rollup(*, source_ids: list[int]) -> dict[int, Rollup]:
    """The roll-up of each source task (by id) that has derived tasks: two queries."""
    derived: dict[int, list[int]] = defaultdict(list)
    for pk, source_id in Task.objects.filter(source_task__in=source_ids).values_list("pk", "source_task_id"):
        derived[source_id].append(pk)
    latest = _latest_approved({"task__source_task__in": source_ids})
    out = {}
    for source_id, task_ids in derived.items():
        reports = [latest[pk] for pk in task_ids if pk in latest]
        total = sum(percent for percent, _status in reports)
        out[source_id] = Rollup(
            derived=len(task_ids),
            done=sum(1 for _percent, status in reports if status == TaskStatus.DONE),
            reported=len(reports),
            percent=(Decimal(total) / len(task_ids)).quantize(Decimal("0.1")),
        )
    return out


@dataclass(frozen=True)
class RollupRow:
    task: Task
    rollup: Rollup


def programme_rollup(*, programme: Programme) -> list[RollupRow]:
    """The scheme's tasks that plans implement, with their roll-up, in the scheme's order."""
    tasks = list(Task.objects.filter(programme=programme, derived_tasks__isnull=False).distinct().order_by("order"))
    rollups = task_rollup(source_ids=[task.pk for task in tasks])
    return [RollupRow(task, rollups[task.pk]) for task in tasks if task.pk in rollups]


# --- the DX office's table --------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStatus:
    agency: Agency
    plan_id: int | None
    reports: int  # the plan's reports in the round
    sent: int  # submitted or approved
    approved: int
    due_date: dt.date | None
    progress: Decimal  # mean of the plan's tasks' latest approved progress (0 without a plan)
    today: dt.date

    @property
    def has_plan(self) -> bool:
        return self.plan_id is not None

    @property
    def reported(self) -> bool:
        """Every report of the plan in the round has been sent (submitted or approved)."""
        return self.reports > 0 and self.sent == self.reports

    @property
    def late(self) -> bool:
        """The round's deadline has passed and the plan's reports are not all approved."""
        return (
            self.has_plan
            and self.due_date is not None
            and self.today > self.due_date
            and not (self.reports > 0 and self.approved == self.reports)
        )


@dataclass(frozen=True)
class CascadeStatus:
    parent: Programme
    year: int
    round: ReportingRound | None
    rows: list[PlanStatus]

    @property
    def with_plan(self) -> int:
        return sum(row.has_plan for row in self.rows)

    @property
    def reported(self) -> int:
        return sum(row.reported for row in self.rows)

    @property
    def late(self) -> int:
        return sum(row.late for row in self.rows)


def cascade_round(parent: Programme, year: int) -> ReportingRound | None:
    """The scheme's round of ``year`` the table follows: the latest open one, else the latest."""
    rounds = ReportingRound.objects.filter(programme=parent, period_end__year=year)
    return (
        rounds.filter(status=RoundStatus.OPEN).order_by("-period_end").first() or rounds.order_by("-period_end").first()
    )


def cascade_status(*, parent: Programme, year: int, kind: str = COMMUNES) -> CascadeStatus:
    """One row per commune of the scheme's territory (or department of the province): its plan of
    ``year``, whether it reported in the scheme's current round of that year, whether it is late,
    its progress. A constant number of queries, whatever the number of communes."""
    today = timezone.localdate()
    communes, departments = territory_agencies(parent, today)
    agencies = sorted((communes if kind == COMMUNES else departments).values(), key=lambda a: a.name_folded)
    round_ = cascade_round(parent, year)
    plans = dict(
        Programme.objects.filter(parent=parent, period_start=year, owner__in=[a.pk for a in agencies]).values_list(
            "owner_id", "pk"
        )
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    due: dict[int, dt.date] = {}
    if round_ is not None:
        mirrored = ReportingRound.objects.filter(programme__in=plans.values(), period=round_.period)
        due = dict(mirrored.values_list("programme_id", "due_date"))
        for model in (TaskReport, TargetReport):
            per_state = (
                model.objects.filter(round__in=mirrored)
                .values("round__programme_id", "state")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for row in per_state:
                counts[row["round__programme_id"]][row["state"]] += row["n"]
    tasks_of: dict[int, list[int]] = defaultdict(list)
    for pk, programme_id in Task.objects.filter(programme__in=plans.values()).values_list("pk", "programme_id"):
        tasks_of[programme_id].append(pk)
    latest = _latest_approved({"task__programme__in": list(plans.values())})
    rows = []
    for agency in agencies:
        plan_id = plans.get(agency.pk)
        state = counts.get(plan_id, {}) if plan_id is not None else {}
        task_ids = tasks_of.get(plan_id, []) if plan_id is not None else []
        progress = (
            (Decimal(sum(latest.get(pk, (0, ""))[0] for pk in task_ids)) / len(task_ids)).quantize(Decimal("0.1"))
            if task_ids
            else Decimal(0)
        )
        rows.append(
            PlanStatus(
                agency=agency,
                plan_id=plan_id,
                reports=sum(state.values()),
                sent=state.get(ReportState.SUBMITTED, 0) + state.get(ReportState.APPROVED, 0),
                approved=state.get(ReportState.APPROVED, 0),
                due_date=due.get(plan_id) if plan_id is not None else (round_.due_date if round_ else None),
                progress=progress,
                today=today,
            )
        )
    return CascadeStatus(parent=parent, year=year, round=round_, rows=rows)


SORTS = ("ten", "tien-do", "-tien-do")
FILTERS = ("", "chua-co", "chua-bao-cao", "tre-han", "co-ke-hoach")


def status_rows(status: CascadeStatus, *, show: str = "", sort: str = "ten", query: str = "") -> list[PlanStatus]:
    """The table's rows filtered (no plan, not reported, late, with a plan; a name without
    diacritics) and sorted (by name, by progress either way)."""
    rows = status.rows
    keep = {
        "chua-co": lambda row: not row.has_plan,
        "co-ke-hoach": lambda row: row.has_plan,
        "chua-bao-cao": lambda row: row.has_plan and not row.reported,
        "tre-han": lambda row: row.late,
    }.get(show)
    if keep is not None:
        rows = [row for row in rows if keep(row)]
    if query:
        key = fold(query)
        rows = [row for row in rows if key in row.agency.name_folded]
    if sort == "tien-do":
        rows = sorted(rows, key=lambda row: (row.progress, row.agency.name_folded))
    elif sort == "-tien-do":
        rows = sorted(rows, key=lambda row: (-row.progress, row.agency.name_folded))
    return rows
