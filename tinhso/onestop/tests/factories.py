"""Factories for the one-stop shop's catalogue: a procedure (by default the judicial record
certificate with its six workflow steps), its steps and its required documents."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from tinhso.onestop.models import DocumentRequirement, Procedure, StepAction, WorkflowStep
from tinhso.org.roles import Role

JUDICIAL_RECORD_FIELDS = [
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


class WorkflowStepFactory(DjangoModelFactory):
    class Meta:
        model = WorkflowStep

    procedure = factory.SubFactory("tinhso.onestop.tests.factories.ProcedureFactory", steps=False)
    order = factory.Sequence(lambda n: n + 1)
    action = StepAction.REVIEW
    name = factory.LazyAttribute(lambda step: StepAction(step.action).label)
    role = Role.HANDLER
    days = Decimal(1)


class ProcedureFactory(DjangoModelFactory):
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

    @factory.post_generation
    def agencies(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.agencies.set(extracted)

    @factory.post_generation
    def steps(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            for order, (action, role, days) in enumerate(JUDICIAL_RECORD_STEPS, start=1):
                WorkflowStepFactory(procedure=self, order=order, action=action, role=role, days=Decimal(days))


class DocumentRequirementFactory(DjangoModelFactory):
    """DocumentRequirementFactory(procedure=…, name=…) → a required paper, one copy."""

    class Meta:
        model = DocumentRequirement

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")
