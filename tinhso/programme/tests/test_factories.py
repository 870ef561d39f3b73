"""The programme factories build what the import and the report services would: a programme
through its service, tasks with sub-tasks and budgets, targets with milestones, a round with a
draft report per agency, and reports taken to each state with their ledger entries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tinhso.ledger.models import Entry
from tinhso.org.roles import Role
from tinhso.org.tests.factories import AgencyFactory, PersonFactory
from tinhso.programme.models import ReportState, TargetReport, TaskReport

from .factories import (
    PillarFactory,
    ProgrammeFactory,
    ReportingRoundFactory,
    TargetFactory,
    TargetReportFactory,
    TaskFactory,
    TaskReportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(vn_units: None) -> dict[str, Any]:
    """A programme with one task (two sub-tasks) led by a department and one target it tracks,
    a DX officer and the department's focal point."""
    programme = ProgrammeFactory.create()
    department = AgencyFactory.create(name="Sở Khoa học và Công nghệ thử")
    pillar = PillarFactory.create(programme=programme)
    return {
        "programme": programme,
        "task": TaskFactory.create(pillar=pillar, lead_agency=department, subtasks=2, budget="1500.5"),
        "target": TargetFactory.create(pillar=pillar, tracking_agency=department, milestones=[(2025, ">=", 90)]),
        "dx": PersonFactory.create(role=Role.DX_OFFICE, agency=programme.owner),
        "focal": PersonFactory.create(role=Role.FOCAL_POINT, agency=department),
    }


def test_tasks_have_their_sub_tasks_and_budget_and_targets_their_milestones(plan: dict[str, Any]) -> None:
    task, target = plan["task"], plan["target"]
    assert task.programme == plan["programme"]
    assert [(sub.code, sub.lead_agency) for sub in task.children.order_by("code")] == [
        (f"{task.code}.1", task.lead_agency),
        (f"{task.code}.2", task.lead_agency),
    ]
    assert [budget.amount_million_vnd for budget in task.budgets.all()] == [Decimal("1500.5")]
    assert [(m.year, m.comparator, m.value) for m in target.milestones.all()] == [(2025, ">=", Decimal(90))]
    assert Entry.objects.filter(action="programme.create", object_id=str(plan["programme"].pk)).exists()


def test_a_round_expects_a_draft_report_from_each_lead_and_tracking_agency(plan: dict[str, Any]) -> None:
    round_ = ReportingRoundFactory.create(programme=plan["programme"], actor=plan["dx"])
    # the task and its two sub-tasks are led by the department, and so is the target tracked
    assert TaskReport.objects.filter(round=round_, state=ReportState.DRAFT).count() == 3
    assert TargetReport.objects.filter(round=round_, state=ReportState.DRAFT).count() == 1
    assert Entry.objects.filter(action="programme.round.open", object_id=str(round_.pk)).count() == 1


@pytest.mark.parametrize(
    "state", [ReportState.DRAFT, ReportState.SUBMITTED, ReportState.RETURNED, ReportState.APPROVED]
)
def test_reports_reach_each_state_through_the_services(plan: dict[str, Any], state: str) -> None:
    round_ = ReportingRoundFactory.create(programme=plan["programme"], actor=plan["dx"])
    people = {"reporter": plan["focal"], "reviewer": plan["dx"], "state": state}
    task_report = TaskReportFactory.create(round=round_, task=plan["task"], percent_done=40, **people)
    target_report = TargetReportFactory.create(round=round_, target=plan["target"], value=Decimal(85), **people)

    for report, kind in ((task_report, "task"), (target_report, "target")):
        report.refresh_from_db()
        assert report.state == state
        submitted = Entry.objects.filter(action=f"programme.{kind}_report.submit", object_id=str(report.pk))
        assert submitted.exists() == (state != ReportState.DRAFT)
    if state != ReportState.DRAFT:
        assert (task_report.percent_done, target_report.value) == (40, Decimal(85))
