"""Factories for the one-stop shop: a procedure (by default the judicial record certificate with
its six workflow steps), its steps and its required documents; and dossiers in any state, taken
there through the real transitions (:class:`DossierFactory`).

``Factory.create(…)`` does what ``Factory(…)`` does and is typed as the model (mypy takes the
call of a factory class for an instance of the factory): use it where a test needs the model."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Protocol

import factory
import time_machine
from django.utils import timezone
from factory.django import DjangoModelFactory

from tinhso.onestop.models import DocumentRequirement, Dossier, DossierState, Procedure, StepAction, WorkflowStep
from tinhso.org.models import Agency, Person
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


# --- dossiers ----------------------------------------------------------------------------------

GOOD_FORM: dict[str, Any] = {
    "full_name": "Nguyễn Văn An",
    "personal_id": "033095001234",
    "phone": "0912345678",
    "purpose": "Xin việc",
}

S = DossierState

# The path of a dossier to each state, as the transitions it takes after being filed online
# (``refused`` leaves the main path under review; the supplement and the stop leave it once received).
DOSSIER_PATHS: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (),
    S.RECEIVED: ("receive",),
    S.FORWARDED: ("receive", "forward"),
    S.ASSIGNED: ("receive", "forward", "assign"),
    S.UNDER_REVIEW: ("receive", "forward", "assign", "start_review"),
    S.PENDING_APPROVAL: ("receive", "forward", "assign", "start_review", "submit_for_approval"),
    S.APPROVED: ("receive", "forward", "assign", "start_review", "submit_for_approval", "approve"),
    S.RESULT_RETURNED: ("receive", "forward", "assign", "start_review", "submit_for_approval", "approve", "return"),
    S.REFUSED: ("receive", "forward", "assign", "start_review", "refuse"),
    S.SUPPLEMENT_REQUESTED: ("receive", "request_supplement"),
    S.TRANSFERRED: ("receive", "forward", "assign", "transfer"),
    S.STOPPED: ("receive", "stop"),
    S.CANCELLED: ("cancel",),
}


class DossierCast(Protocol):
    """Who and what a dossier goes through: the ``svc`` fixture of the one-stop shop's tests, or
    :func:`dossier_cast`. ``sct`` (a third agency with an approver) is needed for ``transferred`` only."""

    centre: Agency  # the receiving agency (the one-stop desk)
    stp: Agency  # the handling department
    procedure: Procedure
    receiver: Person  # the desk, on ``centre``
    approver: Person  # on ``stp``
    handler: Person  # on ``stp``
    citizen: Person  # the applicant


def dossier_cast() -> SimpleNamespace:
    """A fresh cast (needs the reference units, e.g. the ``vn_units`` fixture): a desk (H99.01) and a
    department (H99.02) of Hưng Yên with their receiver, approver and handler, a citizen, and the
    judicial record certificate done by both."""
    from tinhso.org.tests.factories import AgencyFactory, PersonFactory

    centre = AgencyFactory.create(name="Trung tâm Phục vụ hành chính công thử", kind="service_centre", code="H99.01")
    stp = AgencyFactory.create(name="Sở Tư pháp thử", code="H99.02")
    return SimpleNamespace(
        centre=centre,
        stp=stp,
        procedure=ProcedureFactory.create(agencies=[centre, stp]),
        receiver=PersonFactory.create(role=Role.RECEIVER, agency=centre),
        approver=PersonFactory.create(role=Role.APPROVER, agency=stp),
        handler=PersonFactory.create(role=Role.HANDLER, agency=stp),
        citizen=PersonFactory.create(role=Role.CITIZEN, full_name="Nguyễn Văn An"),
    )


PAPER_PROCEDURE_CODE = "1.000894.000.00.00.H31"


def paper_procedure(cast: DossierCast) -> Procedure:
    """A procedure with a paper result and no fee done by the cast's two agencies (made once): the
    state machine alone, no draft, no signature, no fee to collect before the return."""
    return Procedure.objects.filter(code=PAPER_PROCEDURE_CODE).first() or ProcedureFactory.create(
        code=PAPER_PROCEDURE_CODE, agencies=[cast.centre, cast.stp], online_level="partial", fee_vnd=0
    )


def _draft_upload(cast: DossierCast, dossier: Dossier) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhso.onestop.demo.samples import sample_pdf
    from tinhso.onestop.results.signing import dossier_draft_upload

    upload = SimpleUploadedFile("du-thao.pdf", sample_pdf("Du thao ket qua"), "application/pdf")
    dossier_draft_upload(actor=cast.handler, dossier=dossier, upload=upload)


def _step(cast: DossierCast, dossier: Dossier, step: str) -> Dossier:
    """One transition of :data:`DOSSIER_PATHS`, by whom the rules expect to take it."""
    from tinhso.onestop.dossiers import services
    from tinhso.onestop.payments.services import fee_status, payment_record_counter

    if step == "receive":
        return services.dossier_receive(actor=cast.receiver, dossier=dossier)
    if step == "forward":
        return services.dossier_forward(actor=cast.receiver, dossier=dossier, to_agency=cast.stp)
    if step == "assign":
        return services.dossier_assign(actor=cast.approver, dossier=dossier, assignee=cast.handler)
    if step == "start_review":
        return services.dossier_start_review(actor=cast.handler, dossier=dossier)
    if step == "submit_for_approval":
        if services.result_file_required(dossier.procedure):
            _draft_upload(cast, dossier)
        return services.dossier_submit_for_approval(actor=cast.handler, dossier=dossier)
    if step == "approve":
        return services.dossier_approve(actor=cast.approver, dossier=dossier)
    if step == "return":
        if fee_status(dossier).due:
            payment_record_counter(actor=cast.receiver, dossier=dossier)
        return services.dossier_return_result(actor=cast.receiver, dossier=dossier)
    if step == "refuse":
        return services.dossier_refuse(actor=cast.approver, dossier=dossier, reason="Không đủ điều kiện cấp.")
    if step == "request_supplement":
        reason = "Bổ sung bản chụp căn cước."
        return services.dossier_request_supplement(actor=cast.receiver, dossier=dossier, reason=reason)
    if step == "transfer":
        third: Agency = cast.sct  # type: ignore[attr-defined]  # a cast with a third agency (svc has one)
        return services.dossier_transfer(actor=cast.approver, dossier=dossier, to_agency=third, days=2)
    if step == "stop":
        return services.dossier_stop(actor=cast.citizen, dossier=dossier, reason="Không còn nhu cầu.")
    if step == "cancel":
        return services.dossier_cancel(actor=cast.receiver, dossier=dossier, reason="Nộp nhầm thủ tục.")
    raise ValueError(f"Unknown step {step!r}")


class DossierFactory(factory.Factory[Dossier]):
    """DossierFactory.create(cast=svc, state=DossierState.APPROVED) → a dossier filed online by
    ``cast.citizen`` at ``cast.centre`` and taken to ``state`` through the real transitions
    (:data:`DOSSIER_PATHS`), so it has its code, events, notifications and ledger entries as the
    application would leave them. The state field is never written.

    - ``procedure`` (default ``cast.procedure``): from ``pending_approval`` on, a fully online
      procedure needs the ``media`` fixture (the handler's draft, the signed result);
    - ``paper=True``: of :func:`paper_procedure` (no file, no fee: fast, no ``media`` needed);
    - ``filed_at``: the instant it is filed and received (default: now, i.e. the test's clock); the
      later steps happen now;
    - ``late=True``: filed and received 30 days before now, so that it is past its return date
      (overdue while open, returned late once returned).
    """

    class Meta:
        model = Dossier

    cast: Any = None
    state = S.SUBMITTED
    procedure = factory.LazyAttribute(lambda o: o.cast.procedure)
    form_data = factory.LazyFunction(lambda: dict(GOOD_FORM))
    idempotency_key = factory.Sequence(lambda n: f"dossier-factory-{n}")
    filed_at: dt.datetime | None = None

    class Params:
        paper = factory.Trait(procedure=factory.LazyAttribute(lambda o: paper_procedure(o.cast)))
        late = factory.Trait(filed_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30)))

    @classmethod
    def _build(cls, model_class: type[Dossier], *args: Any, **kwargs: Any) -> Dossier:
        raise TypeError("A dossier exists only through its services: use DossierFactory.create(…).")

    @classmethod
    def _create(cls, model_class: type[Dossier], *args: Any, **kwargs: Any) -> Dossier:
        cast, state, filed_at = kwargs.pop("cast"), kwargs.pop("state"), kwargs.pop("filed_at")
        if cast is None:
            raise TypeError("DossierFactory needs cast=… (the svc fixture, or dossier_cast()).")
        if state not in DOSSIER_PATHS:
            raise ValueError(f"No path to state {state!r}")
        path = DOSSIER_PATHS[state]
        first = 1 if path[:1] == ("receive",) else 0  # the steps taken at ``filed_at``
        with time_machine.travel(filed_at, tick=False) if filed_at is not None else contextlib.nullcontext():
            dossier = cls._file(cast, **kwargs)
            for step in path[:first]:
                dossier = _step(cast, dossier, step)
        for step in path[first:]:
            dossier = _step(cast, dossier, step)
        dossier.refresh_from_db()
        return dossier

    @classmethod
    def _file(
        cls, cast: DossierCast, *, procedure: Procedure, form_data: dict[str, Any], idempotency_key: str
    ) -> Dossier:
        from tinhso.onestop.dossiers import intake

        return intake.dossier_submit_online(
            applicant=cast.citizen,
            procedure=procedure,
            agency=cast.centre,
            form_data=form_data,
            idempotency_key=idempotency_key,
        )
