"""Factories for the one-stop shop's catalogue: a procedure (by default the judicial record
certificate with its six workflow steps), its steps and its required documents.

``Factory.create(…)`` does what ``Factory(…)`` does and is typed as the model (mypy takes the
call of a factory class for an instance of the factory): use it where a test needs the model."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from tinhso.onestop.models import DocumentRequirement, Procedure, StepAction, WorkflowStep
from tinhso.org.roles import Role

JUDICIAL_RECORD_FIELDS: list[dict[str, Any]] = [
    {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True, "max_length": 100},
    {"name": "personal_id", "label": "Số định danh cá nhân", "type": "personal_id", "required": True},
    {"name": "phone", "label": "Số điện thoại", "type": "phone"},
    {"name": "purpose", "label": "Mục đích", "type": "select", "options": ["Xin việc", "Du học", "Khác"]},
]

# (action, role, working days) of the judicial record certificate's steps, in order
JUDICIAL_RECORD_STEPS = [
    (StepAction.RECEIVE, Role.RECEIVER, "0.5"),
    (StepAction.FORWARD, Role.RECEIVER, "0.5"),
    (StepAction.ASSIGN, Role.APPROVER, "0.5"),
    (StepAction.REVIEW, Role.HANDLER, "6"),
    (StepAction.APPROVE, Role.APPROVER, "2"),
    (StepAction.RETURN_RESULT, Role.RECEIVER, "0.5"),
]


class WorkflowStepFactory(DjangoModelFactory[WorkflowStep]):
    class Meta:
        model = WorkflowStep

    procedure = factory.SubFactory("tinhso.onestop.tests.factories.ProcedureFactory", steps=False)
    order = factory.Sequence(lambda n: n + 1)
    action = StepAction.REVIEW
    name = factory.LazyAttribute(lambda step: StepAction(step.action).label)
    role = Role.HANDLER
    days = Decimal(1)


def _agencies_set(procedure: Procedure, create: bool, extracted: Any, **kwargs: Any) -> None:
    """ProcedureFactory's ``agencies=[…]``: the agencies that do the procedure."""
    if create and extracted:
        procedure.agencies.set(extracted)


def _steps_add(procedure: Procedure, create: bool, extracted: Any, **kwargs: Any) -> None:
    """ProcedureFactory's steps: the judicial record certificate's six, unless ``steps=False``."""
    if create and extracted is not False:
        for order, (action, role, days) in enumerate(JUDICIAL_RECORD_STEPS, start=1):
            WorkflowStepFactory(procedure=procedure, order=order, action=action, role=role, days=Decimal(days))


class ProcedureFactory(DjangoModelFactory[Procedure]):
    """ProcedureFactory(agencies=[…]) → the judicial record certificate (fully online, 10 working
    days, 200,000 đồng) done by ``agencies``, with its six steps unless ``steps=False``."""

    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = "1.001193.000.00.00.H31"
    name = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"
    field = "Lý lịch tư pháp"
    authority_level = "province"
    online_level = "full"
    not_full_reason = factory.LazyAttribute(
        lambda procedure: "" if procedure.online_level == "full" else "Cần đối chiếu bản gốc"
    )
    processing_days = Decimal(10)
    fee_vnd = 200_000
    result_type = "Phiếu lý lịch tư pháp"
    form_fields = factory.LazyFunction(lambda: [dict(field) for field in JUDICIAL_RECORD_FIELDS])

    # Hooks called with the saved procedure: functions of a Procedure, not decorated methods,
    # whose "self" would be the procedure though mypy takes it for the factory.
    agencies = factory.PostGeneration(_agencies_set)
    steps = factory.PostGeneration(_steps_add)


class DocumentRequirementFactory(DjangoModelFactory[DocumentRequirement]):
    """DocumentRequirementFactory(procedure=…, name=…) → a required paper, one copy."""

    class Meta:
        model = DocumentRequirement

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")
