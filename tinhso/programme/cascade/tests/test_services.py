"""Deriving plans from a scheme: fan-out, levels, rounds, refusals, idempotence, roll-up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.ledger.models import Entry as LedgerEntry
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.cascade.selectors import programme_rollup, task_rollup
from tinhso.programme.cascade.services import plan_derive, plan_derive_all
from tinhso.programme.models import Programme, ReportingRound, Target, Task, TaskReport

from .conftest import HY_COMMUNES, TB_COMMUNES

pytestmark = pytest.mark.django_db


def _derive(c: dict[str, Any], key: str, year: int = 2026) -> Programme:
    return plan_derive(actor=c["dx"], parent=c["scheme"], owner=c["agencies"][key], year=year).plan


def _state() -> tuple[int, int, int, int]:
    return (Programme.objects.count(), Task.objects.count(), TaskReport.objects.count(), LedgerEntry.objects.count())


def test_a_commune_plan_gets_its_share_of_the_scheme(cascade: dict[str, Any]) -> None:
    c = cascade
    before = LedgerEntry.objects.count()
    plan = _derive(c, "hy.ubndx.tien_hai")
    assert plan.parent == c["scheme"]
    assert plan.owner == c["agencies"]["hy.ubndx.tien_hai"]
    assert (plan.period_start, plan.period_end) == (2026, 2026)
    tasks = {task.code: task for task in Task.objects.filter(programme=plan)}
    # the group task and the task of the old district Tiền Hải, not the one that ended in 2023
    assert set(tasks) == {"CQS2", "XHS1"}
    assert tasks["CQS2"].source_task == c["communes_task"]
    assert tasks["XHS1"].source_task == c["district_task"]
    assert {task.lead_agency_id for task in tasks.values()} == {plan.owner_id}
    targets = {target.code: target for target in Target.objects.filter(programme=plan)}
    assert set(targets) == {"MT1", "MT2"}
    # the district-level milestone of the province's target lands in the successor commune
    assert [(m.level, m.value) for m in targets["MT1"].milestones.all()] == [("district", Decimal(80))]
    assert [(m.level, m.value) for m in targets["MT2"].milestones.all()] == [("commune", Decimal(70))]
    # the scheme's open round is open in the plan, with a draft report per task and target
    round_ = ReportingRound.objects.get(programme=plan)
    assert (round_.period, round_.due_date) == ("2026-H1", c["round"].due_date)
    assert TaskReport.objects.filter(round=round_).count() == 2
    entry = LedgerEntry.objects.filter(action="programme.plan.derive").get()
    assert entry.payload.data["tasks"] == 2
    assert entry.payload.data["targets"] == 2
    assert entry.payload.data["created"]
    assert LedgerEntry.objects.count() == before + 1


def test_the_group_task_fans_out_to_one_task_per_commune_of_the_territory(cascade: dict[str, Any]) -> None:
    c = cascade
    outcome = plan_derive_all(actor=c["dx"], parent=c["scheme"], year=2026)
    assert (outcome.created, outcome.skipped) == (3, 0)
    derived = Task.objects.filter(source_task=c["communes_task"])
    assert sorted(str(task.lead_agency.key) for task in derived) == sorted(TB_COMMUNES)
    # the district's task: only the commune that succeeded Tiền Hải's communes
    assert [task.lead_agency.key for task in Task.objects.filter(source_task=c["district_task"])] == [
        "hy.ubndx.tien_hai"
    ]
    # the district-level milestone went to every successor of Thái Bình's districts, none elsewhere
    owners = Target.objects.filter(source_target=c["online"]).values_list("tracking_agency__key", flat=True)
    assert sorted(str(owner) for owner in owners) == sorted(TB_COMMUNES)
    assert not Programme.objects.filter(owner__key__in=HY_COMMUNES).exists()


def test_departments_get_the_task_of_the_sở_ban_ngành_and_the_province_level_milestone(
    cascade: dict[str, Any],
) -> None:
    c = cascade
    outcome = plan_derive_all(actor=c["dx"], parent=c["scheme"], year=2026, kind="departments")
    assert outcome.created == Task.objects.filter(source_task=c["dost_task"]).count() > 5
    dost_plan = Programme.objects.get(parent=c["scheme"], owner=c["agencies"]["hy.skhcn"])
    target = Target.objects.get(programme=dost_plan)
    assert target.code == "MT1"  # not the commune-level MT2
    assert [m.level for m in target.milestones.all()] == ["province"]


def test_deriving_twice_is_refused_and_writes_nothing(cascade: dict[str, Any]) -> None:
    c = cascade
    _derive(c, "hy.ubndx.tien_hai")
    before = _state()
    with pytest.raises(Conflict) as raised:
        _derive(c, "hy.ubndx.tien_hai")
    assert raised.value.code == "already_derived"
    assert _state() == before
    again = plan_derive_all(actor=c["dx"], parent=c["scheme"], year=2026)
    assert (again.created, again.unchanged) == (2, 1)


def test_deriving_again_adds_what_the_scheme_gained(cascade: dict[str, Any]) -> None:
    c = cascade
    plan = _derive(c, "hy.ubndx.tien_hai")
    Task.objects.create(
        programme=c["scheme"], code="CQS9", order=9, name="Nhiệm vụ mới", lead_agency_text="UBND cấp xã"
    )
    outcome = plan_derive(actor=c["dx"], parent=c["scheme"], owner=c["agencies"]["hy.ubndx.tien_hai"], year=2026)
    assert (outcome.plan, outcome.created, outcome.tasks, outcome.targets) == (plan, False, 1, 0)
    assert TaskReport.objects.filter(task__programme=plan).count() == 3  # its report in the open round too


@pytest.mark.parametrize(
    ("who", "owner", "year", "error"),
    [
        ("focal_tien_hai", "hy.ubndx.tien_hai", 2026, NotAllowed),  # a commune does not derive for itself
        ("leader", "hy.ubndx.tien_hai", 2026, NotAllowed),  # leaders read
        ("dx_thanh_hoa", "hy.ubndx.tien_hai", 2026, NotAllowed),  # another province's DX office
        ("dx", "th.ubndx.hac_thanh", 2026, DomainError),  # a commune of another province
        ("dx", "hy.ubndx.pho_hien", 2026, DomainError),  # outside the scheme's territory: nothing for it
        ("dx", "hy.ubndx.tien_hai", 2031, DomainError),  # after the scheme's period
    ],
)
def test_refusals_write_nothing(cascade: dict[str, Any], who: str, owner: str, year: int, error: type) -> None:
    c = cascade
    before = _state()
    with pytest.raises(error):
        plan_derive(actor=c[who], parent=c["scheme"], owner=c["agencies"][owner], year=year)
    assert _state() == before


def test_the_bulk_derivation_is_refused_to_another_province(cascade: dict[str, Any]) -> None:
    before = _state()
    with pytest.raises(NotAllowed):
        plan_derive_all(actor=cascade["dx_thanh_hoa"], parent=cascade["scheme"], year=2026)
    assert _state() == before


def _report(c: dict[str, Any], key: str, percent: int, status: str = "in_progress") -> None:
    focal = c["focal_tien_hai"] if key == "hy.ubndx.tien_hai" else None
    plan = Programme.objects.get(parent=c["scheme"], owner__key=key)
    report = TaskReport.objects.get(task__programme=plan, task__source_task=c["communes_task"])
    if focal is None:
        from tinhso.org.roles import Role

        focal = c["make_person"](f"dm.{report.agency_id}", Role.FOCAL_POINT, report.agency)
    services.task_report_save(
        actor=focal, scope=programme_scope(focal, plan), report=report, status=status, percent_done=percent
    )
    services.report_submit(actor=focal, scope=programme_scope(focal, plan), report=report)
    services.report_approve(actor=c["dx"], scope=programme_scope(c["dx"], plan), report=report)


def test_a_commune_report_moves_the_province_rollup(cascade: dict[str, Any], make_person: Any) -> None:
    c = {**cascade, "make_person": make_person}
    plan_derive_all(actor=c["dx"], parent=c["scheme"], year=2026)
    source = c["communes_task"]
    assert task_rollup(source_ids=[source.pk])[source.pk].percent == 0
    _report(c, "hy.ubndx.tien_hai", 60)
    rollup = task_rollup(source_ids=[source.pk])[source.pk]
    assert (rollup.derived, rollup.reported, rollup.done, rollup.percent) == (3, 1, 0, Decimal(20))
    _report(c, "hy.ubndx.thai_binh", 100, "done")
    rollup = task_rollup(source_ids=[source.pk])[source.pk]
    assert (rollup.reported, rollup.done, str(rollup.percent)) == (2, 1, "53.3")
    rows = {row.task.code: row.rollup for row in programme_rollup(programme=c["scheme"])}
    assert set(rows) == {"CQS2", "XHS1"}
    assert rows["CQS2"] == rollup


def test_a_submitted_report_not_yet_approved_does_not_move_the_rollup(
    cascade: dict[str, Any],
) -> None:
    c = cascade
    plan = _derive(c, "hy.ubndx.tien_hai")
    report = TaskReport.objects.get(task__programme=plan, task__source_task=c["communes_task"])
    focal = c["focal_tien_hai"]
    scope = programme_scope(focal, plan)
    services.task_report_save(actor=focal, scope=scope, report=report, status="in_progress", percent_done=50)
    services.report_submit(actor=focal, scope=scope, report=report)
    assert task_rollup(source_ids=[c["communes_task"].pk])[c["communes_task"].pk].percent == 0


def test_the_demo_derives_the_commune_plans_of_the_seed_scheme(demo_agencies: dict[str, Any]) -> None:
    from tinhso.programme.cascade.demo import demo_load as cascade_demo
    from tinhso.programme.demo import demo_load

    demo_load()
    report = cascade_demo()
    thai_binh = Programme.objects.get(decision_number="54/QĐ-UBND")
    plans = Programme.objects.filter(parent=thai_binh)
    # the former Thái Bình's communes of the demo (its partners "UBND huyện, thành phố")
    assert sorted(str(key) for key in plans.values_list("owner__key", flat=True)) == sorted(TB_COMMUNES)
    assert report.outcomes[thai_binh.title].created == 3
    again = cascade_demo()
    assert again.outcomes[thai_binh.title].created == 0
    assert plans.count() == 3


def test_the_communes_reports_move_the_schemes_own_totals(cascade: dict[str, Any], make_person: Any) -> None:
    """The province's overview counts a task fanned out to the communes by what they reported:
    under way once one commune is, done once every commune is done."""
    from tinhso.programme.selectors import programme_progress

    c = {**cascade, "make_person": make_person}
    plan_derive_all(actor=c["dx"], parent=c["scheme"], year=2026)

    def outcome() -> str:
        progress = programme_progress(programme=c["scheme"], round_=c["round"])
        return {row.task.code: row.outcome for row in progress.task_rows}["CQS2"]

    assert outcome() == "no_report"
    _report(c, "hy.ubndx.tien_hai", 100, "done")
    assert outcome() == "in_progress"  # one commune of three is done
    for key in TB_COMMUNES[:2]:
        _report(c, key, 100, "done")
    assert outcome() == "done"
    progress = programme_progress(programme=c["scheme"], round_=c["round"])
    row = next(row for row in progress.task_rows if row.task.code == "CQS2")
    assert row.rolled_up
    assert row.counted
    assert progress.overall.tasks["done"] >= 1
