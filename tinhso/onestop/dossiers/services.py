"""Writes of the one-stop shop: the life cycle of a dossier, one function per transition.

Every transition is atomic: it re-reads the dossier under its lock (:mod:`.locks`), checks the
state (:mod:`.states`) and the actor's rule (:mod:`tinhso.onestop.rules`), changes the dossier,
and records its event and ledger entry last (:mod:`.events`). A refused transition raises
before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tinhso.core import validation
from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.core.validation import InvalidValue
from tinhso.onestop import rules
from tinhso.onestop.dossiers.codes import dossier_code_next
from tinhso.onestop.dossiers.events import dossier_event_record
from tinhso.onestop.dossiers.inputs import reason_input, text_input
from tinhso.onestop.dossiers.locks import dossier_lock
from tinhso.onestop.dossiers.states import VERBS, state_check
from tinhso.onestop.models import Channel, Dossier, DossierState, OnlineLevel, Procedure
from tinhso.org.access import acting_under
from tinhso.org.models import Agency
from tinhso.org.roles import Perm, Role

if TYPE_CHECKING:
    from tinhso.org.models import Delegation, Person

S = DossierState


def _require(allowed: bool) -> None:
    if not allowed:
        raise rules.refused()


def _require_assignee(allowed: bool, actor: Person, dossier: Dossier) -> None:
    """An assignee's rule (``allowed``), telling a handler of the agency that it is not theirs."""
    if not allowed:
        if rules.on_handling(actor, dossier, Perm.DOSSIER_REVIEW):
            raise NotAllowed(_("Hồ sơ không được phân công cho bạn."), code="not_assignee")
        raise rules.refused()


def _delegation(actor: Person, dossier: Dossier, perm: str) -> Delegation | None:
    """The delegation ``actor`` acts under at the handling agency (KT., TUQ.), recorded with the
    act; None when their own role allows it. Asked once the rule has allowed the act."""
    return acting_under(actor, perm, dossier.handling_agency)


PHONE_RE = re.compile(validation.PHONE_PATTERN)
PERSONAL_ID_RE = re.compile(validation.PERSONAL_ID_PATTERN)


def form_data_validate(procedure: Procedure, form_data: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``form_data`` against the procedure's e-form; every error in Vietnamese, by field.

    What a valid number, date, personal id, phone and text are is decided in one place,
    :mod:`tinhso.core.validation`, for the citizen's page, the desk's and the API alike.
    Returns the cleaned data (known fields only, text NFC and stripped). Raises one
    :class:`DomainError` listing every error; ``.errors`` maps field name → message.
    """
    if not isinstance(form_data, Mapping):
        raise DomainError(_("Tờ khai không hợp lệ."), code="invalid_form")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for spec in procedure.form_fields or []:
        name = spec["name"]
        label = spec.get("label") or name
        raw = form_data.get(name)
        value = raw.strip() if isinstance(raw, str) else raw
        if value in (None, "", [], {}):
            if spec.get("required"):
                errors[name] = _("Trường “%(label)s” là bắt buộc.") % {"label": label}
            continue
        try:
            value = form_value(spec, value)
        except InvalidValue as error:
            errors[name] = error.sentence(_("trường “%(label)s”") % {"label": label})
            continue
        if value == "":
            if spec.get("required"):
                errors[name] = _("Trường “%(label)s” là bắt buộc.") % {"label": label}
            continue
        cleaned[name] = value
    if errors:
        raise DomainError(" ".join(errors.values()), field=next(iter(errors)), code="invalid_form", errors=errors)
    return cleaned


def _spec_bound(spec: Mapping[str, Any], key: str, default: Decimal) -> Decimal | None:
    bound = spec.get(key)
    if bound is None:
        return default
    try:
        return Decimal(str(bound))
    except InvalidOperation:
        return default


def form_value(spec: Mapping[str, Any], value: Any) -> Any:
    """One e-form answer as stored, or :class:`InvalidValue`: numbers stay as sent (a JSON
    number or its text), dates as YYYY-MM-DD, text NFC and stripped."""
    kind = spec.get("type", "text")
    if kind == "number":
        validation.number_value(
            value,
            min_value=_spec_bound(spec, "min", validation.NUMBER_MIN),
            max_value=_spec_bound(spec, "max", validation.NUMBER_MAX),
        )
        return value.strip() if isinstance(value, str) else value
    if kind == "date":
        return validation.date_value(value, typed=True).isoformat()
    if kind == "personal_id":
        return validation.personal_id_value(value)
    if kind == "phone":
        return validation.phone_value(value)
    max_length = spec.get("max_length")
    text = validation.text_value(value, max_length=int(max_length) if max_length else None)
    if kind == "email":
        try:
            EmailValidator()(text)
        except ValidationError:
            raise InvalidValue("invalid_email", _lazy("%(label)s phải là địa chỉ thư điện tử hợp lệ.")) from None
    elif kind == "select" and text not in [str(option) for option in spec.get("options", [])]:
        raise InvalidValue("invalid_choice", _lazy("Giá trị của %(label)s không nằm trong danh sách cho phép."))
    return text


def procedure_check(procedure: Procedure, *, online: bool) -> None:
    """A dossier may be filed under ``procedure``: in force, with a workflow, offered online when
    ``online``. A ``procedure.has_steps`` annotation, when the caller made one, spares the query on the steps."""
    if not procedure.active:
        raise DomainError(_("Thủ tục không còn áp dụng."), code="procedure_inactive")
    has_steps = getattr(procedure, "has_steps", None)
    if not (procedure.steps.exists() if has_steps is None else has_steps):
        raise DomainError(_("Thủ tục chưa có quy trình xử lý"), code="no_workflow")
    if online and procedure.online_level == OnlineLevel.NONE:
        raise DomainError(_("Thủ tục này không cung cấp dịch vụ công trực tuyến."), code="not_online")


def _due(received_at: dt.datetime, procedure: Procedure) -> dt.datetime:
    from tinhso.core.workdays import due_at

    return due_at(received_at, procedure.processing_days, cutoff_hour=procedure.receipt_cutoff_hour)


def _working_days(start: dt.datetime, end: dt.datetime) -> Decimal:
    from tinhso.core.workdays import elapsed_working_days

    return Decimal(elapsed_working_days(start, end))


# --- receipt ---------------------------------------------------------------------------------


def _start_clock(dossier: Dossier, now: dt.datetime) -> None:
    dossier.received_at = now
    dossier.due_at = _due(now, dossier.procedure)
    dossier.original_due_at = dossier.due_at


@transaction.atomic
def dossier_receive(*, actor: Person, dossier: Dossier) -> Dossier:
    """The desk accepts an online dossier: the clock starts, the due date is set."""
    dossier = dossier_lock(dossier)
    state_check(dossier, "receive")
    _require(rules.may_receive(actor, dossier))
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.RECEIVED
    _start_clock(dossier, now)
    dossier.save()
    return dossier_event_record(
        dossier,
        action="receive",
        from_state=from_state,
        actor=actor,
        agency=dossier.receiving_agency,
        at=now,
        extra={"due_at": dossier.due_at},
    )


@transaction.atomic
def dossier_receive_at_counter(
    *,
    actor: Person,
    agency: Agency,
    procedure: Procedure,
    applicant_name: str,
    applicant_personal_id: str,
    applicant_phone: str,
    form_data: Mapping[str, Any],
    channel: str = Channel.COUNTER,
) -> Dossier:
    """A dossier handed in at the desk (or by post): created and received in one step."""
    _require(rules.may_receive_at_counter(actor, agency))
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise DomainError(_("Kênh nộp không hợp lệ."), field="channel", code="invalid_channel")
    procedure_check(procedure, online=False)
    name = text_input(applicant_name, "applicant_name", _("Tên người nộp"), max_length=200)
    if not name:
        raise DomainError(_("Vui lòng nhập tên người nộp."), field="applicant_name", code="required")
    personal_id = text_input(applicant_personal_id, "applicant_personal_id", _("Số định danh cá nhân"))
    if personal_id and not PERSONAL_ID_RE.fullmatch(personal_id):
        raise DomainError(_("Số định danh cá nhân phải gồm 12 chữ số 0–9."), field="applicant_personal_id")
    phone = text_input(applicant_phone, "applicant_phone", _("Số điện thoại"))
    if phone and not PHONE_RE.fullmatch(phone):
        raise DomainError(_("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."), field="applicant_phone")
    cleaned = form_data_validate(procedure, form_data)
    now = timezone.now()
    dossier = Dossier(
        code=dossier_code_next(agency=agency, day=timezone.localdate(now)),
        procedure=procedure,
        receiving_agency=agency,
        handling_agency=agency,
        channel=channel,
        state=S.RECEIVED,
        applicant_name=name,
        applicant_personal_id=personal_id,
        applicant_phone=phone,
        form_data=cleaned,
        submitted_at=now,
        fee_vnd=procedure.fee_vnd,
    )
    _start_clock(dossier, now)
    dossier.save()
    return dossier_event_record(
        dossier,
        action="receive_at_counter",
        from_state="",
        actor=actor,
        agency=agency,
        at=now,
        extra={"channel": channel, "due_at": dossier.due_at},
    )


# --- processing ------------------------------------------------------------------------------


@transaction.atomic
def dossier_forward(*, actor: Person, dossier: Dossier, to_agency: Agency | None = None) -> Dossier:
    """The desk forwards the dossier to the unit that handles it (by default: where it is)."""
    dossier = dossier_lock(dossier)
    state_check(dossier, "forward")
    _require(rules.may_forward(actor, dossier))
    from_state, from_agency = dossier.state, dossier.handling_agency
    if to_agency is not None:
        dossier.handling_agency = to_agency
    dossier.state = S.FORWARDED
    dossier.save()
    return dossier_event_record(
        dossier,
        action="forward",
        from_state=from_state,
        actor=actor,
        agency=from_agency,
        note=_("Chuyển đến %(agency)s.") % {"agency": dossier.handling_agency.name},
    )


@transaction.atomic
def dossier_assign(*, actor: Person, dossier: Dossier, assignee: Person) -> Dossier:
    dossier = dossier_lock(dossier)
    state_check(dossier, "assign")
    _require(rules.may_assign(actor, dossier))
    delegation = _delegation(actor, dossier, Perm.DOSSIER_ASSIGN)
    if not _holds_role(assignee, Role.HANDLER, dossier.handling_agency):
        raise DomainError(
            _("Người được phân công không phải chuyên viên thụ lý của cơ quan xử lý hồ sơ."),
            field="assignee",
            code="not_handler",
        )
    from_state = dossier.state
    dossier.assignee = assignee
    dossier.state = S.ASSIGNED
    dossier.save()
    return dossier_event_record(
        dossier,
        action="assign",
        from_state=from_state,
        actor=actor,
        agency=dossier.handling_agency,
        extra={"assignee": assignee.pk},
        delegation=delegation,
    )


@transaction.atomic
def dossier_assign_bulk(*, actor: Person, dossiers: Iterable[Dossier], assignee: Person) -> list[Dossier]:
    """Assign several dossiers to one handler: all of them or none.

    Each dossier goes through :func:`dossier_assign` (same checks, own event and ledger
    entry); if any is refused, nothing is assigned and the error lists every refused code.
    """
    done: list[Dossier] = []
    errors: dict[str, str] = {}
    for dossier in dossiers:
        try:
            with transaction.atomic():
                done.append(dossier_assign(actor=actor, dossier=dossier, assignee=assignee))
        except DomainError as error:
            errors[dossier.code] = error.message
    if not done and not errors:
        raise DomainError(_("Chưa chọn hồ sơ nào để phân công."), field="dossiers", code="required")
    if errors:
        lines = "; ".join(f"{code}: {message}" for code, message in errors.items())
        raise DomainError(
            _("Không phân công được, chưa hồ sơ nào được giao. %(lines)s") % {"lines": lines},
            field="dossiers",
            code="bulk_refused",
            errors=errors,
        )
    return done


def _holds_role(person: Person, role: str, agency: Agency) -> bool:
    from tinhso.org.models import RoleAssignment

    return (
        RoleAssignment.objects.active()
        .filter(
            person=person,
            role=role,
            agency_id__in=agency.ancestor_ids,
        )
        .exists()
        and person.is_active
    )


@transaction.atomic
def dossier_start_review(*, actor: Person, dossier: Dossier) -> Dossier:
    dossier = dossier_lock(dossier)
    state_check(dossier, "start_review")
    _require_assignee(rules.may_start_review(actor, dossier), actor, dossier)
    from_state = dossier.state
    dossier.state = S.UNDER_REVIEW
    dossier.save()
    return dossier_event_record(
        dossier, action="start_review", from_state=from_state, actor=actor, agency=dossier.handling_agency
    )


def result_file_required(procedure: Procedure) -> bool:
    """Whether the procedure's result is an electronic file, signed at approval: a procedure
    offered fully online (toàn trình, Decree 42/2022) returns its result online. The handler then
    prepares the draft result (PDF) before submitting, and the approver approves that draft;
    other procedures may still attach one, or return a paper result."""
    return procedure.online_level == OnlineLevel.FULL


def _draft_missing(dossier: Dossier, verb: str) -> Conflict:
    return Conflict(
        _("Thủ tục này trả kết quả điện tử: chuyên viên thụ lý cần tải lên dự thảo kết quả (PDF) trước khi %(verb)s.")
        % {"verb": verb},
        code="draft_required",
    )


def approval_refusal(dossier: Dossier, transition: str) -> Conflict | None:
    """Why ``dossier`` cannot be submitted for approval or approved for want of a draft result."""
    from tinhso.onestop.results.signing import dossier_draft

    if result_file_required(dossier.procedure) and dossier_draft(dossier) is None:
        return _draft_missing(dossier, str(VERBS[transition]))
    return None


@transaction.atomic
def dossier_submit_for_approval(*, actor: Person, dossier: Dossier, note: str = "") -> Dossier:
    dossier = dossier_lock(dossier)
    state_check(dossier, "submit_for_approval")
    _require_assignee(rules.may_submit_for_approval(actor, dossier), actor, dossier)
    refusal = approval_refusal(dossier, "submit_for_approval")
    if refusal is not None:
        raise refusal
    from_state = dossier.state
    dossier.state = S.PENDING_APPROVAL
    dossier.save()
    return dossier_event_record(
        dossier,
        action="submit_for_approval",
        from_state=from_state,
        actor=actor,
        agency=dossier.handling_agency,
        note=text_input(note, "note", _("Ý kiến"), max_length=5000),
    )


@transaction.atomic
def dossier_approve(*, actor: Person, dossier: Dossier, draft_id: int | None = None) -> Dossier:
    """Approve, and issue the draft result the approver saw: signed (PAdES, QR) and stored as
    the dossier's result. ``draft_id``, when given (the pages always give it), is the draft the
    approver looked at, 0 for none: if the handler replaced or added one meanwhile, nothing is
    approved (409)."""
    from tinhso.onestop.results.signing import dossier_draft, result_issue_from_draft

    dossier = dossier_lock(dossier)
    state_check(dossier, "approve")
    _require(rules.may_approve(actor, dossier))
    delegation = _delegation(actor, dossier, Perm.DOSSIER_APPROVE)
    refusal = approval_refusal(dossier, "approve")
    if refusal is not None:
        raise refusal
    draft = dossier_draft(dossier)
    if draft_id is not None and (draft.pk if draft is not None else 0) != draft_id:
        raise Conflict(
            _(
                "Dự thảo kết quả đã được thay đổi sau khi bạn mở hồ sơ. Vui lòng xem lại dự thảo mới "
                "trước khi phê duyệt."
            ),
            code="draft_changed",
        )
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.APPROVED
    dossier.decided_at = now
    dossier.save()
    dossier_event_record(
        dossier,
        action="approve",
        from_state=from_state,
        actor=actor,
        agency=dossier.handling_agency,
        at=now,
        extra={"draft": draft.pk if draft else None, "draft_sha256": draft.sha256 if draft else None},
        delegation=delegation,
    )
    if draft is not None:
        result_issue_from_draft(actor=actor, dossier=dossier, draft=draft, delegation=delegation)
    return dossier


@transaction.atomic
def dossier_refuse(*, actor: Person, dossier: Dossier, reason: str) -> Dossier:
    dossier = dossier_lock(dossier)
    state_check(dossier, "refuse")
    _require(rules.may_refuse(actor, dossier))
    delegation = _delegation(actor, dossier, Perm.DOSSIER_APPROVE)
    text = reason_input(reason, _("lý do từ chối"))
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.REFUSED
    dossier.decided_at = now
    dossier.refusal_reason = text
    dossier.save()
    return dossier_event_record(
        dossier,
        action="refuse",
        from_state=from_state,
        actor=actor,
        agency=dossier.handling_agency,
        note=text,
        at=now,
        delegation=delegation,
    )


@transaction.atomic
def dossier_return_result(*, actor: Person, dossier: Dossier) -> Dossier:
    dossier = dossier_lock(dossier)
    state_check(dossier, "return_result")
    _require(rules.may_return_result(actor, dossier))
    from tinhso.onestop.payments.services import return_refusal

    refusal = return_refusal(dossier)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.RESULT_RETURNED
    dossier.completed_at = now
    dossier.save()
    late = dossier.due_at is not None and now > dossier.due_at
    return dossier_event_record(
        dossier,
        action="return_result",
        from_state=from_state,
        actor=actor,
        agency=dossier.receiving_agency,
        at=now,
        extra={"late": late},
    )


# --- supplements, transfer, apology ------------------------------------------------------------


@transaction.atomic
def dossier_request_supplement(*, actor: Person, dossier: Dossier, reason: str) -> Dossier:
    """Ask the applicant for more documents; the processing clock stops until they supplement."""
    dossier = dossier_lock(dossier)
    state_check(dossier, "request_supplement")
    _require(rules.may_request_supplement(actor, dossier))
    text = reason_input(reason, _("nội dung cần bổ sung"))
    now = timezone.now()
    from_state = dossier.state
    dossier.state_before_pause = from_state
    dossier.paused_at = now
    dossier.supplement_requests += 1
    dossier.state = S.SUPPLEMENT_REQUESTED
    dossier.save()
    note = text
    if dossier.supplement_requests > 1:
        note = _("Yêu cầu bổ sung lần thứ %(n)s: %(reason)s") % {"n": dossier.supplement_requests, "reason": text}
    return dossier_event_record(
        dossier,
        action="request_supplement",
        from_state=from_state,
        actor=actor,
        agency=dossier.handling_agency,
        note=note,
        at=now,
        extra={"supplement_requests": dossier.supplement_requests},
    )


@transaction.atomic
def dossier_supplement(*, actor: Person, dossier: Dossier, form_data: Mapping[str, Any]) -> Dossier:
    """The applicant supplements: the paused working days are added and the due date moves."""
    dossier = dossier_lock(dossier)
    state_check(dossier, "supplement")
    _require(rules.may_supplement(actor, dossier))
    merged = {**(dossier.form_data or {}), **dict(form_data or {})}
    cleaned = form_data_validate(dossier.procedure, merged)
    now = timezone.now()
    paused = _working_days(dossier.paused_at, now) if dossier.paused_at and dossier.paused_at < now else Decimal(0)
    from_state = dossier.state
    dossier.form_data = cleaned
    dossier.paused_working_days = (dossier.paused_working_days or Decimal(0)) + paused
    if dossier.due_at is not None and paused > 0:
        from tinhso.core.workdays import extend_due

        dossier.due_at = extend_due(dossier.due_at, paused)
    dossier.state = dossier.state_before_pause or S.RECEIVED
    dossier.state_before_pause = ""
    dossier.paused_at = None
    dossier.save()
    return dossier_event_record(
        dossier,
        action="supplement",
        from_state=from_state,
        actor=actor,
        agency=dossier.handling_agency,
        note=_("Thời gian chờ bổ sung: %(days)s ngày làm việc.") % {"days": paused},
        at=now,
        extra={"paused_working_days": paused, "due_at": dossier.due_at},
    )


@transaction.atomic
def dossier_transfer(*, actor: Person, dossier: Dossier, to_agency: Agency, days: Decimal | int | str) -> Dossier:
    """Liên thông: the dossier goes to another agency for its share of the processing time."""
    dossier = dossier_lock(dossier)
    state_check(dossier, "transfer")
    _require(rules.may_transfer(actor, dossier))
    delegation = _delegation(actor, dossier, Perm.DOSSIER_ASSIGN)
    try:
        share = Decimal(str(days))
    except InvalidOperation:
        share = Decimal(-1)
    if share <= 0 or share > dossier.procedure.processing_days:
        raise DomainError(
            _("Thời gian chuyển liên thông phải lớn hơn 0 và không quá thời hạn giải quyết."),
            field="days",
            code="invalid_days",
        )
    if to_agency.pk == dossier.handling_agency_id:
        raise DomainError(_("Hồ sơ đang được xử lý tại cơ quan này."), field="to_agency", code="same_agency")
    from_state, from_agency = dossier.state, dossier.handling_agency
    dossier.handling_agency = to_agency
    dossier.assignee = None
    dossier.state = S.TRANSFERRED
    dossier.save()
    return dossier_event_record(
        dossier,
        action="transfer",
        from_state=from_state,
        actor=actor,
        agency=from_agency,
        note=_("Chuyển liên thông từ %(src)s đến %(dst)s, thời gian %(days)s ngày làm việc.")
        % {"src": from_agency.name, "dst": to_agency.name, "days": share},
        extra={"from_agency": from_agency.pk, "to_agency": to_agency.pk, "days": share},
        delegation=delegation,
    )


@transaction.atomic
def dossier_stop(*, actor: Person, dossier: Dossier, reason: str) -> Dossier:
    """Stop processing at the applicant's request (the applicant, or the desk on their behalf)."""
    dossier = dossier_lock(dossier)
    state_check(dossier, "stop")
    _require(rules.may_stop(actor, dossier))
    text = reason_input(reason, _("lý do dừng xử lý"))
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.STOPPED
    dossier.completed_at = now
    dossier.save()
    return dossier_event_record(
        dossier, action="stop", from_state=from_state, actor=actor, agency=dossier.handling_agency, note=text, at=now
    )


@transaction.atomic
def dossier_cancel(*, actor: Person, dossier: Dossier, reason: str) -> Dossier:
    """Cancel a dossier filed in error (the desk)."""
    dossier = dossier_lock(dossier)
    state_check(dossier, "cancel")
    _require(rules.may_cancel(actor, dossier))
    text = reason_input(reason, _("lý do hủy"))
    from_state = dossier.state
    dossier.state = S.CANCELLED
    dossier.save()
    return dossier_event_record(
        dossier, action="cancel", from_state=from_state, actor=actor, agency=dossier.handling_agency, note=text
    )


@transaction.atomic
def dossier_apologise(*, actor: Person, dossier: Dossier, new_due_at: dt.datetime, reason: str) -> Dossier:
    """Phiếu xin lỗi: a new return date, at the latest 1 working day before the deadline, once."""
    dossier = dossier_lock(dossier)
    state_check(dossier, "apologise")
    _require(rules.may_apologise(actor, dossier))
    text = reason_input(reason, _("lý do chậm trả kết quả"))
    if dossier.due_reset_count >= 1:
        raise Conflict(_("Chỉ được hẹn lại ngày trả kết quả một lần"), code="due_already_reset")
    now = timezone.now()
    if dossier.due_at is None or now >= dossier.due_at or _working_days(now, dossier.due_at) < 1:
        raise Conflict(
            _("Đã quá thời điểm xin lỗi và hẹn lại: phải thực hiện chậm nhất 1 ngày làm việc trước hạn trả kết quả."),
            code="apology_too_late",
        )
    try:
        validation.moment_value(new_due_at)
    except InvalidValue as error:
        raise DomainError(error.sentence(_("Ngày hẹn trả mới")), field="new_due_at", code=error.code) from None
    if new_due_at <= dossier.due_at:
        raise DomainError(_("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại."), field="new_due_at", code="invalid_due")
    old_due = dossier.due_at
    dossier.due_at = new_due_at
    dossier.due_reset_count += 1
    dossier.save()
    return dossier_event_record(
        dossier,
        action="apologise",
        from_state=dossier.state,
        actor=actor,
        agency=dossier.handling_agency,
        note=text,
        at=now,
        extra={"old_due_at": old_due, "new_due_at": new_due_at},
    )
