"""Factories for the programme tracker: a programme (through ``programme_create``), its pillars,
tasks with sub-tasks and budgets, targets with milestones, a reporting round (through
``round_open``, so every lead and tracking agency gets its draft report) and reports taken to a
state through the report services.

``Factory.create(…)`` does what ``Factory(…)`` does and is typed as the model (mypy takes the
call of a factory class for an instance of the factory): use it where a test needs the model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from tinhso.org.models import AgencyKind, Person
from tinhso.org.tests.factories import AgencyFactory, hung_yen
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.models import (
    Budget,
    Milestone,
    Pillar,
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


class ProgrammeFactory(factory.Factory[Programme]):
    """ProgrammeFactory(owner=…, province=…) → a 2021–2030 programme made by ``programme_create``;
    by default owned by a new people's committee of Hưng Yên, for Hưng Yên."""

    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Đề án chuyển đổi số thử nghiệm {n}")
    owner = factory.SubFactory(AgencyFactory, kind=AgencyKind.PEOPLES_COMMITTEE, name="UBND tỉnh thử")
    province = factory.LazyFunction(hung_yen)
    period_start = 2021
    period_end = 2030
    decision_number = "54/QĐ-UBND"
    decision_date = dt.date(2022, 3, 17)
    issuer = "UBND tỉnh"

    @classmethod
    def _create(cls, model_class: type[Programme], *args: Any, **kwargs: Any) -> Programme:
        return services.programme_create(actor=None, **kwargs)


class PillarFactory(DjangoModelFactory[Pillar]):
    class Meta:
        model = Pillar

    programme = factory.SubFactory(ProgrammeFactory)
    code = PillarCode.DIGITAL_GOVERNMENT
    order = factory.Sequence(lambda n: n + 1)


def _subtasks_add(task: Task, create: bool, extracted: Any, **kwargs: Any) -> None:
    """TaskFactory's ``subtasks=N``: N sub-tasks ``<code>.1`` … led by the task's lead agency."""
    if create and extracted:
        for n in range(1, int(extracted) + 1):
            TaskFactory.create(
                programme=task.programme,
                pillar=task.pillar,
                parent=task,
                code=f"{task.code}.{n}",
                name=f"{task.name} – nội dung {n}",
                lead_agency=task.lead_agency,
                subtasks=0,
            )


def _budget_add(task: Task, create: bool, extracted: Any, **kwargs: Any) -> None:
    """TaskFactory's ``budget=…`` (million đồng, phase 2021-2025)."""
    if create and extracted is not None:
        Budget.objects.create(task=task, phase="2021-2025", amount_million_vnd=Decimal(str(extracted)))


class TaskFactory(DjangoModelFactory[Task]):
    """TaskFactory(pillar=…, lead_agency=…, subtasks=2, budget=1500) → a task of the pillar's
    programme, 2022–2025, with its sub-tasks and budget when asked."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    pillar = factory.SubFactory(PillarFactory)
    programme = factory.LazyAttribute(lambda task: task.pillar.programme)
    code = factory.Sequence(lambda n: f"NV{n + 1}")
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Nhiệm vụ thử nghiệm {n + 1}")
    lead_agency = None
    lead_agency_text = factory.LazyAttribute(lambda task: task.lead_agency.name if task.lead_agency else "")
    timeline_start = 2022
    timeline_end = 2025

    subtasks = factory.PostGeneration(_subtasks_add)
    budget = factory.PostGeneration(_budget_add)


class MilestoneFactory(DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    target = factory.SubFactory("tinhso.programme.tests.factories.TargetFactory", milestones=[])
    year = 2025
    comparator = ">="
    value = Decimal(90)
    unit = "%"


def _milestones_add(target: Target, create: bool, extracted: Any, **kwargs: Any) -> None:
    """TargetFactory's ``milestones=[(year, comparator, value), …]``; by default ≥ 90 in 2025."""
    if not create:
        return
    for year, comparator, value in [(2025, ">=", 90)] if extracted is None else extracted:
        MilestoneFactory.create(target=target, year=year, comparator=comparator, value=Decimal(str(value)))


class TargetFactory(DjangoModelFactory[Target]):
    """TargetFactory(pillar=…, tracking_agency=…, milestones=[(2025, ">=", 90)]) → a percentage
    target of the pillar's programme with its milestones."""

    class Meta:
        model = Target
        skip_postgeneration_save = True

    pillar = factory.SubFactory(PillarFactory)
    programme = factory.LazyAttribute(lambda target: target.pillar.programme)
    code = factory.Sequence(lambda n: f"MT{n + 1}")
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Tỷ lệ thử nghiệm {n + 1} đạt 90%")
    unit = "%"
    tracking_agency = None
    tracking_agency_text = factory.LazyAttribute(lambda t: t.tracking_agency.name if t.tracking_agency else "")

    milestones = factory.PostGeneration(_milestones_add)


class ReportingRoundFactory(factory.Factory[ReportingRound]):
    """ReportingRoundFactory(programme=…, actor=<a DX officer of its province>, period="2025-H1")
    → the round opened by ``round_open``: a draft report from each lead and tracking agency."""

    class Meta:
        model = ReportingRound

    programme = factory.SubFactory(ProgrammeFactory)
    actor: Person | None = None
    period = "2025-H1"

    @classmethod
    def _create(cls, model_class: type[ReportingRound], *args: Any, **kwargs: Any) -> ReportingRound:
        actor, programme = kwargs.pop("actor"), kwargs["programme"]
        if actor is None:
            raise TypeError("ReportingRoundFactory needs actor=… (a DX officer of the programme's province).")
        return services.round_open(actor=actor, scope=programme_scope(actor, programme), **kwargs)


class TaskReportFactory(factory.Factory[TaskReport]):
    """TaskReportFactory(round=…, task=…, reporter=<focal point>, state=…, reviewer=<DX officer>)
    → the round's report on the task, filled in (``status``, ``percent_done``) and taken to
    ``state`` by the services: ``submitted``; ``returned`` or ``approved`` by ``reviewer``."""

    class Meta:
        model = TaskReport

    round: Any = None
    task: Any = None
    reporter: Person | None = None
    reviewer: Person | None = None
    state = ReportState.SUBMITTED
    status = TaskStatus.IN_PROGRESS
    percent_done = 50
    narrative = "Đã triển khai theo kế hoạch."

    @classmethod
    def _create(cls, model_class: type[TaskReport], *args: Any, **kwargs: Any) -> TaskReport:
        round_, task, reporter = kwargs["round"], kwargs["task"], kwargs["reporter"]
        report = TaskReport.objects.get(round=round_, task=task)
        if kwargs["state"] == ReportState.DRAFT:
            return report
        scope = programme_scope(reporter, round_.programme)
        report = services.task_report_save(
            actor=reporter,
            scope=scope,
            report=report,
            status=kwargs["status"],
            percent_done=kwargs["percent_done"],
            narrative=kwargs["narrative"],
        )
        submitted = services.report_submit(actor=reporter, scope=scope, report=report)
        return _reviewed(submitted, kwargs["state"], kwargs["reviewer"], round_.programme)


class TargetReportFactory(factory.Factory[TargetReport]):
    """TargetReportFactory(round=…, target=…, reporter=…, value=…, state=…, reviewer=…) → the
    round's report on the target, with its value (or ``level_values``), taken to ``state`` as
    :class:`TaskReportFactory`."""

    class Meta:
        model = TargetReport

    round: Any = None
    target: Any = None
    reporter: Person | None = None
    reviewer: Person | None = None
    state = ReportState.SUBMITTED
    value: Decimal | None = Decimal(80)
    level_values: dict[str, Any] | None = None
    as_of = dt.date(2025, 6, 14)
    source = "Hệ thống thông tin giải quyết TTHC"

    @classmethod
    def _create(cls, model_class: type[TargetReport], *args: Any, **kwargs: Any) -> TargetReport:
        round_, target, reporter = kwargs["round"], kwargs["target"], kwargs["reporter"]
        report = TargetReport.objects.get(round=round_, target=target)
        if kwargs["state"] == ReportState.DRAFT:
            return report
        scope = programme_scope(reporter, round_.programme)
        report = services.target_report_save(
            actor=reporter,
            scope=scope,
            report=report,
            value=kwargs["value"],
            level_values=kwargs["level_values"],
            as_of=kwargs["as_of"],
            source=kwargs["source"],
        )
        submitted = services.report_submit(actor=reporter, scope=scope, report=report)
        return _reviewed(submitted, kwargs["state"], kwargs["reviewer"], round_.programme)


def _reviewed(report: Any, state: str, reviewer: Person | None, programme: Programme) -> Any:
    if state == ReportState.SUBMITTED:
        return report
    if reviewer is None:
        raise TypeError(f"A {state} report needs reviewer=… (a DX officer).")
    scope = programme_scope(reviewer, programme)
    if state == ReportState.RETURNED:
        return services.report_return(actor=reviewer, scope=scope, report=report, comment="Bổ sung minh chứng.")
    if state == ReportState.APPROVED:
        return services.report_approve(actor=reviewer, scope=scope, report=report)
    raise ValueError(f"Unknown report state {state!r}")
