"""Writes of the one-stop shop: the life cycle of a dossier, one function per transition.

Every transition is atomic: it re-reads the dossier under a row lock, checks the state and
the actor's permission, changes the dossier, writes a :class:`DossierEvent` and appends the
ledger event last. A refused transition raises before anything is written.

Who acts where: the one-stop desk (receiver) acts on the receiving agency or the handling
agency; approvers and handlers act on the handling agency. Ledger payloads carry codes,
states and ids only — never names, ID numbers or phones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tinhso.core import validation
from tinhso.core.db import rows_insert
from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.core.validation import InvalidValue
from tinhso.ledger.services import Record, ledger_append_many
from tinhso.onestop.models import Channel, Dossier, DossierEvent, DossierSequence, DossierState, OnlineLevel, Procedure
from tinhso.onestop.notices.services import dossiers_notify  # the applicant's status notifications
from tinhso.org.access import can
from tinhso.org.models import Agency
from tinhso.org.roles import Perm, Role

if TYPE_CHECKING:
    from tinhso.org.models import Person

S = DossierState

# States in which the dossier is still being worked on (no decision yet).
OPEN_STATES = frozenset({
    S.SUBMITTED, S.RECEIVED, S.FORWARDED, S.ASSIGNED, S.UNDER_REVIEW, S.PENDING_APPROVAL,
    S.SUPPLEMENT_REQUESTED, S.TRANSFERRED,
})
FINAL_STATES = frozenset({S.RESULT_RETURNED, S.STOPPED, S.CANCELLED})

# Which states each transition starts from: the one table the services and tests share.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "receive": frozenset({S.SUBMITTED}),
    "forward": frozenset({S.RECEIVED}),
    "assign": frozenset({S.FORWARDED, S.TRANSFERRED}),
    "start_review": frozenset({S.ASSIGNED}),
    "submit_for_approval": frozenset({S.UNDER_REVIEW}),
    "approve": frozenset({S.PENDING_APPROVAL}),
    "refuse": frozenset({S.UNDER_REVIEW, S.PENDING_APPROVAL}),
    "return_result": frozenset({S.APPROVED, S.REFUSED}),
    "request_supplement": frozenset({S.RECEIVED, S.FORWARDED, S.ASSIGNED, S.UNDER_REVIEW}),
    "supplement": frozenset({S.SUPPLEMENT_REQUESTED}),
    "transfer": frozenset({S.FORWARDED, S.ASSIGNED, S.UNDER_REVIEW}),
    "stop": OPEN_STATES,
    "cancel": OPEN_STATES,
    "apologise": OPEN_STATES - {S.SUBMITTED},
}

_VERBS = {
    "receive": _lazy("tiếp nhận"), "forward": _lazy("chuyển xử lý"), "assign": _lazy("phân công"),
    "start_review": _lazy("bắt đầu thẩm định"), "submit_for_approval": _lazy("trình phê duyệt"),
    "approve": _lazy("phê duyệt"), "refuse": _lazy("từ chối giải quyết"), "return_result": _lazy("trả kết quả"),
    "request_supplement": _lazy("yêu cầu bổ sung"), "supplement": _lazy("bổ sung hồ sơ"),
    "transfer": _lazy("chuyển liên thông"), "stop": _lazy("dừng xử lý"), "cancel": _lazy("hủy"),
    "apologise": _lazy("hẹn lại ngày trả kết quả"),
}

PHONE_RE = re.compile(validation.PHONE_PATTERN)
PERSONAL_ID_RE = re.compile(validation.PERSONAL_ID_PATTERN)


# --- helpers ---------------------------------------------------------------------------------

def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().select_related(
        "procedure", "agency", "handling_agency",
    ).get(pk=dossier.pk)


def _check_state(dossier: Dossier, transition: str) -> None:
    if dossier.state not in ALLOWED_FROM[transition]:
        raise Conflict(
            _("Hồ sơ đang ở trạng thái “%(state)s”, không thể %(verb)s.")
            % {"state": DossierState(dossier.state).label, "verb": _VERBS[transition]},
            code="wrong_state",
        )


def _forbidden() -> NotAllowed:
    return NotAllowed(_("Bạn không có quyền thực hiện thao tác này đối với hồ sơ."), code="forbidden")


def _require_on(actor: Person, perms: Iterable[str], agencies: Iterable[Agency]) -> None:
    for agency in agencies:
        for perm in perms:
            if can(actor, perm, agency):
                return
    raise _forbidden()


def _require_desk(actor: Person, dossier: Dossier, perm: str) -> None:
    """The one-stop desk acts for the receiving agency as well as the handling one."""
    _require_on(actor, [perm], [dossier.agency, dossier.handling_agency])


def _require_handling(actor: Person, dossier: Dossier, *perms: str) -> None:
    _require_on(actor, perms, [dossier.handling_agency])


def _require_assignee(actor: Person, dossier: Dossier) -> None:
    _require_handling(actor, dossier, Perm.DOSSIER_REVIEW)
    if dossier.assignee_id != actor.pk:
        raise NotAllowed(_("Hồ sơ không được phân công cho bạn."), code="not_assignee")


def _is_applicant(actor: Person, dossier: Dossier) -> bool:
    return dossier.applicant_id is not None and dossier.applicant_id == actor.pk


def _text(value: Any, field: str, label: str, *, max_length: int | None = None) -> str:
    """A text input as :func:`validation.text_value` has it ("" when none was given), or the
    :class:`DomainError` naming ``field``."""
    if value is None:
        return ""
    try:
        return validation.text_value(value, max_length=max_length, multiline=True)
    except InvalidValue as error:
        raise DomainError(error.sentence(label), field=field, code=error.code) from None


def _reason(reason: Any, what: str) -> str:
    """A reason the applicant or the record will read: text (never a number or an object), not
    only invisible characters."""
    text = _text(reason, "reason", what[:1].upper() + what[1:])
    if not text:
        raise DomainError(_("Vui lòng nêu %(what)s.") % {"what": what}, field="reason", code="required")
    return text


def _record(
    dossier: Dossier, *, action: str, from_state: str, actor: Person | None, agency: Agency | None,
    note: str = "", at: dt.datetime | None = None, extra: Mapping[str, Any] | None = None,
) -> Dossier:
    """The event row, then the ledger entry: the last write of every transition."""
    _record_many([(dossier, actor, agency)], action=action, from_state=from_state, note=note, at=at, extra=extra)
    return dossier


def _record_many(
    steps: Sequence[tuple[Dossier, Person | None, Agency | None]], *, action: str, from_state: str,
    note: str = "", at: dt.datetime | None = None, extra: Mapping[str, Any] | None = None,
) -> None:
    """:func:`_record` for dossiers that took the same step, each (dossier, actor, agency):
    one insert of the events, one of the notifications, one ledger append."""
    at = at or timezone.now()
    rows_insert([
        DossierEvent(dossier=dossier, action=action, from_state=from_state, to_state=dossier.state, actor=actor,
                     agency=agency, note=note, at=at)
        for dossier, actor, agency in steps
    ])
    dossiers_notify([(dossier, actor) for dossier, actor, _agency in steps], action, at=at, note=note)
    ledger_append_many([
        Record(actor=actor, action=f"services.dossier.{action}", obj=dossier, payload={
            "code": dossier.code, "procedure": dossier.procedure.code, "from": from_state, "to": dossier.state,
            "handling_agency": dossier.handling_agency_id, **(extra or {}),
        })
        for dossier, actor, _agency in steps
    ])


# --- dossier code ----------------------------------------------------------------------------

# The table name comes from the model; every value is a parameter. Upsert + RETURNING works on
# PostgreSQL and SQLite ≥ 3.35 alike.
_NEXT_SEQUENCE_SQL = (
    f'INSERT INTO "{DossierSequence._meta.db_table}" ("agency_code", "day", "last") VALUES (%s, %s, %s) '  # noqa: S608
    f'ON CONFLICT ("agency_code", "day") DO UPDATE SET "last" = "{DossierSequence._meta.db_table}"."last" + %s '
    'RETURNING "last"'
)


def _agency_code(agency: Agency) -> str:
    code = (agency.code or "").strip()
    if not code:
        raise DomainError(
            _("Cơ quan “%(name)s” chưa có mã định danh điện tử, không thể cấp mã hồ sơ.") % {"name": agency.name},
            code="agency_without_code",
        )
    return code


def dossier_code_next(*, agency: Agency, day: dt.date) -> str:
    """``<agency code>-YYMMDD-<sequence>`` (Circular 4/2025/TT-VPCP), sequence ≥ 4 digits.

    One statement creates the day's counter row or bumps it (an upsert ``RETURNING`` the new
    value). The row stays locked until the caller's transaction ends, so two desks never get
    the same number and a rolled-back dossier gives its number back.
    """
    return dossier_codes_next(agencies=[agency], day=day)[0]


def dossier_codes_next(*, agencies: Sequence[Agency], day: dt.date) -> list[str]:
    """:func:`dossier_code_next` for several dossiers at once, one per agency given, in order:
    one upsert per agency however many dossiers it receives. Counters are taken in the order of
    their codes, so two such calls never wait for each other's rows crosswise (no deadlock)."""
    codes = [_agency_code(agency) for agency in agencies]
    counts = Counter(codes)
    following = {code: sequence_next(key=code, day=day, count=counts[code]) - counts[code] + 1
                 for code in sorted(counts)}
    numbered = []
    for code in codes:
        numbered.append(f"{code}-{day:%y%m%d}-{following[code]:04d}")
        following[code] += 1
    return numbered


def sequence_next(*, key: str, day: dt.date, count: int = 1) -> int:
    """Take ``count`` numbers of the counter ``key`` for ``day`` (from 1): one upsert
    ``RETURNING`` the last one taken; the numbers are the ``count`` up to it.

    The counter row stays locked until the caller's transaction ends: numbers never repeat,
    and a rolled-back caller gives its numbers back, so the sequence has no gaps.
    """
    if count < 1:
        raise ValueError("sequence_next() takes at least one number.")
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SEQUENCE_SQL, [key, connection.ops.adapt_datefield_value(day), count, count])
        (last,) = cursor.fetchone()
    return int(last)


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
        validation.number_value(value, min_value=_spec_bound(spec, "min", validation.NUMBER_MIN),
                                max_value=_spec_bound(spec, "max", validation.NUMBER_MAX))
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


def _check_procedure(procedure: Procedure, *, online: bool) -> None:
    """A ``procedure.has_steps`` annotation, when the caller made one, spares the query on the steps."""
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


# --- submission and receipt ------------------------------------------------------------------

@dataclass(frozen=True)
class Filing:
    """An online filing that passed every check that needs no write (:func:`filing_check`)."""

    applicant: Person
    procedure: Procedure
    agency: Agency
    form_data: dict[str, Any]
    key: str


@dataclass(frozen=True)
class Filed:
    """What a filing made: its dossier, and False in ``created`` when its key had been used
    already by the same applicant (a retry), the dossier being the one made then."""

    dossier: Dossier
    created: bool


def dossier_submit_online(
    *, applicant: Person, procedure: Procedure, agency: Agency, form_data: Mapping[str, Any], idempotency_key: str,
) -> Dossier:
    """A citizen files a dossier online. The same ``idempotency_key`` returns the same dossier.

    The key is unique in the database: a retry is recognised when its insert fails on it (the
    attempt rolls back whole, its dossier number too), then the first dossier is read and
    returned — to its applicant only (:class:`Conflict` for anyone else). A first submission
    thus costs no look-up of the key.
    """
    filing = filing_check(applicant=applicant, procedure=procedure, agency=agency, form_data=form_data,
                          idempotency_key=idempotency_key)
    return filing_submit(filing).dossier


def filing_check(
    *, applicant: Person, procedure: Procedure, agency: Agency, form_data: Mapping[str, Any], idempotency_key: str,
) -> Filing:
    """The checks of an online filing that write nothing: the key, the applicant's right to
    file, the procedure (in force, with a workflow, offered online) and the e-form. Raises
    what :func:`dossier_submit_online` raises; returns the filing with the cleaned e-form."""
    key = (idempotency_key or "").strip()
    if not key:
        raise DomainError(_("Thiếu mã chống gửi trùng."), code="idempotency_key_required")
    if not can(applicant, Perm.DOSSIER_SUBMIT):
        raise _forbidden()
    _check_procedure(procedure, online=True)
    _agency_code(agency)  # an agency without an electronic id cannot number the dossier: refused first
    return Filing(applicant=applicant, procedure=procedure, agency=agency,
                  form_data=form_data_validate(procedure, form_data), key=key)


def filing_submit(filing: Filing) -> Filed:
    """Write one checked filing; a key used before by the same applicant gives back its dossier."""
    try:
        # filings_write is atomic: outermost, the transaction itself (no savepoint); inside a
        # caller's transaction, a savepoint that the failed insert rolls back to.
        return Filed(filings_write([filing])[0], created=True)
    except IntegrityError:
        existing = dossier_by_key(filing.applicant, filing.key)
        if existing is None:
            raise
        return Filed(existing, created=False)


@transaction.atomic
def filings_write(filings: Sequence[Filing]) -> list[Dossier]:
    """Write checked filings together, all or none: their numbers (one upsert per agency),
    one insert each of dossiers, events and notifications, one ledger append, one commit.

    A key used before raises :class:`IntegrityError` and writes nothing; write such a batch
    again one filing at a time with :func:`filing_submit` (see :mod:`.intake`).
    """
    if not filings:
        return []
    now = timezone.now()
    codes = dossier_codes_next(agencies=[filing.agency for filing in filings], day=timezone.localdate(now))
    dossiers = rows_insert([
        Dossier(
            code=code, procedure=filing.procedure, agency=filing.agency, handling_agency=filing.agency,
            channel=Channel.ONLINE, state=S.SUBMITTED, applicant=filing.applicant,
            applicant_name=filing.applicant.get_full_name() or filing.applicant.get_username(),
            applicant_email=getattr(filing.applicant, "email", "") or "",
            applicant_phone=getattr(filing.applicant, "phone", "") or "",
            applicant_personal_id=getattr(filing.applicant, "personal_id", "") or "",
            form_data=filing.form_data, idempotency_key=filing.key, submitted_at=now, fee_vnd=filing.procedure.fee_vnd,
        )
        for code, filing in zip(codes, filings, strict=True)
    ])
    steps = [(dossier, filing.applicant, filing.agency) for dossier, filing in zip(dossiers, filings, strict=True)]
    _record_many(steps, action="submit_online", from_state="", at=now)
    return dossiers


def dossier_by_key(applicant: Person, key: str, *, fields: Iterable[str] = ()) -> Dossier | None:
    """The dossier filed with ``key`` (with ``fields`` only loaded, if given), None if there is
    none; :class:`Conflict` if someone else filed it, without saying anything about it."""
    found = Dossier.objects.filter(idempotency_key=key)
    if fields:
        found = found.only(*fields, "applicant_id")
    existing = found.first()
    if existing is not None and existing.applicant_id != applicant.pk:
        raise Conflict(_("Mã chống gửi trùng đã được dùng cho hồ sơ khác."), code="idempotency_key_taken")
    return existing


def _start_clock(dossier: Dossier, now: dt.datetime) -> None:
    dossier.received_at = now
    dossier.due_at = _due(now, dossier.procedure)
    dossier.original_due_at = dossier.due_at


@transaction.atomic
def dossier_receive(*, actor: Person, dossier: Dossier) -> Dossier:
    """The desk accepts an online dossier: the clock starts, the due date is set."""
    dossier = _locked(dossier)
    _check_state(dossier, "receive")
    _require_desk(actor, dossier, Perm.DOSSIER_RECEIVE)
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.RECEIVED
    _start_clock(dossier, now)
    dossier.save()
    return _record(dossier, action="receive", from_state=from_state, actor=actor, agency=dossier.agency, at=now,
                   extra={"due_at": dossier.due_at})


@transaction.atomic
def dossier_receive_at_counter(
    *, actor: Person, agency: Agency, procedure: Procedure, applicant_name: str, applicant_personal_id: str,
    applicant_phone: str, form_data: Mapping[str, Any], channel: str = Channel.COUNTER,
) -> Dossier:
    """A dossier handed in at the desk (or by post): created and received in one step."""
    if not can(actor, Perm.DOSSIER_RECEIVE, agency):
        raise _forbidden()
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise DomainError(_("Kênh nộp không hợp lệ."), field="channel", code="invalid_channel")
    _check_procedure(procedure, online=False)
    name = _text(applicant_name, "applicant_name", _("Tên người nộp"), max_length=200)
    if not name:
        raise DomainError(_("Vui lòng nhập tên người nộp."), field="applicant_name", code="required")
    personal_id = _text(applicant_personal_id, "applicant_personal_id", _("Số định danh cá nhân"))
    if personal_id and not PERSONAL_ID_RE.fullmatch(personal_id):
        raise DomainError(_("Số định danh cá nhân phải gồm 12 chữ số 0–9."), field="applicant_personal_id")
    phone = _text(applicant_phone, "applicant_phone", _("Số điện thoại"))
    if phone and not PHONE_RE.fullmatch(phone):
        raise DomainError(_("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."), field="applicant_phone")
    cleaned = form_data_validate(procedure, form_data)
    now = timezone.now()
    dossier = Dossier(
        code=dossier_code_next(agency=agency, day=timezone.localdate(now)), procedure=procedure, agency=agency,
        handling_agency=agency, channel=channel, state=S.RECEIVED, applicant_name=name,
        applicant_personal_id=personal_id, applicant_phone=phone, form_data=cleaned, submitted_at=now,
        fee_vnd=procedure.fee_vnd,
    )
    _start_clock(dossier, now)
    dossier.save()
    return _record(dossier, action="receive_at_counter", from_state="", actor=actor, agency=agency, at=now,
                   extra={"channel": channel, "due_at": dossier.due_at})


# --- processing ------------------------------------------------------------------------------

@transaction.atomic
def dossier_forward(*, actor: Person, dossier: Dossier, to_agency: Agency | None = None) -> Dossier:
    """The desk forwards the dossier to the unit that handles it (by default: where it is)."""
    dossier = _locked(dossier)
    _check_state(dossier, "forward")
    _require_desk(actor, dossier, Perm.DOSSIER_RECEIVE)
    from_state, from_agency = dossier.state, dossier.handling_agency
    if to_agency is not None:
        dossier.handling_agency = to_agency
    dossier.state = S.FORWARDED
    dossier.save()
    return _record(dossier, action="forward", from_state=from_state, actor=actor, agency=from_agency,
                   note=_("Chuyển đến %(agency)s.") % {"agency": dossier.handling_agency.name})


@transaction.atomic
def dossier_assign(*, actor: Person, dossier: Dossier, assignee: Person) -> Dossier:
    dossier = _locked(dossier)
    _check_state(dossier, "assign")
    _require_handling(actor, dossier, Perm.DOSSIER_ASSIGN)
    if not _holds_role(assignee, Role.HANDLER, dossier.handling_agency):
        raise DomainError(_("Người được phân công không phải chuyên viên thụ lý của cơ quan xử lý hồ sơ."),
                          field="assignee", code="not_handler")
    from_state = dossier.state
    dossier.assignee = assignee
    dossier.state = S.ASSIGNED
    dossier.save()
    return _record(dossier, action="assign", from_state=from_state, actor=actor, agency=dossier.handling_agency,
                   extra={"assignee": assignee.pk})


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
        raise DomainError(_("Không phân công được, chưa hồ sơ nào được giao. %(lines)s") % {"lines": lines},
                          field="dossiers", code="bulk_refused", errors=errors)
    return done


def _holds_role(person: Person, role: str, agency: Agency) -> bool:
    from tinhso.org.models import RoleAssignment

    return RoleAssignment.objects.active().filter(
        person=person, role=role, agency_id__in=agency.ancestor_ids,
    ).exists() and person.is_active


@transaction.atomic
def dossier_start_review(*, actor: Person, dossier: Dossier) -> Dossier:
    dossier = _locked(dossier)
    _check_state(dossier, "start_review")
    _require_assignee(actor, dossier)
    from_state = dossier.state
    dossier.state = S.UNDER_REVIEW
    dossier.save()
    return _record(dossier, action="start_review", from_state=from_state, actor=actor,
                   agency=dossier.handling_agency)


def result_file_required(procedure: Procedure) -> bool:
    """Whether the procedure's result is an electronic file, signed at approval: a procedure
    offered fully online (toàn trình, Decree 42/2022) returns its result online. The handler then
    prepares the draft result (PDF) before submitting, and the approver approves that draft;
    other procedures may still attach one, or return a paper result."""
    return procedure.online_level == OnlineLevel.FULL


def _draft_missing(dossier: Dossier, verb: str) -> Conflict:
    return Conflict(
        _("Thủ tục này trả kết quả điện tử: chuyên viên thụ lý cần tải lên dự thảo kết quả (PDF) trước khi %(verb)s.")
        % {"verb": verb}, code="draft_required",
    )


def approval_refusal(dossier: Dossier, transition: str) -> Conflict | None:
    """Why ``dossier`` cannot be submitted for approval or approved for want of a draft result."""
    from tinhso.onestop.results.signing import dossier_draft

    if result_file_required(dossier.procedure) and dossier_draft(dossier) is None:
        return _draft_missing(dossier, str(_VERBS[transition]))
    return None


@transaction.atomic
def dossier_submit_for_approval(*, actor: Person, dossier: Dossier, note: str = "") -> Dossier:
    dossier = _locked(dossier)
    _check_state(dossier, "submit_for_approval")
    _require_assignee(actor, dossier)
    refusal = approval_refusal(dossier, "submit_for_approval")
    if refusal is not None:
        raise refusal
    from_state = dossier.state
    dossier.state = S.PENDING_APPROVAL
    dossier.save()
    return _record(dossier, action="submit_for_approval", from_state=from_state, actor=actor,
                   agency=dossier.handling_agency, note=_text(note, "note", _("Ý kiến"), max_length=5000))


@transaction.atomic
def dossier_approve(*, actor: Person, dossier: Dossier, draft_id: int | None = None) -> Dossier:
    """Approve, and issue the draft result the approver saw: signed (PAdES, QR) and stored as
    the dossier's result. ``draft_id``, when given (the pages always give it), is the draft the
    approver looked at, 0 for none: if the handler replaced or added one meanwhile, nothing is
    approved (409)."""
    from tinhso.onestop.results.signing import dossier_draft, result_issue_from_draft

    dossier = _locked(dossier)
    _check_state(dossier, "approve")
    _require_handling(actor, dossier, Perm.DOSSIER_APPROVE)
    refusal = approval_refusal(dossier, "approve")
    if refusal is not None:
        raise refusal
    draft = dossier_draft(dossier)
    if draft_id is not None and (draft.pk if draft is not None else 0) != draft_id:
        raise Conflict(_("Dự thảo kết quả đã được thay đổi sau khi bạn mở hồ sơ. Vui lòng xem lại dự thảo mới "
                         "trước khi phê duyệt."), code="draft_changed")
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.APPROVED
    dossier.decided_at = now
    dossier.save()
    _record(dossier, action="approve", from_state=from_state, actor=actor, agency=dossier.handling_agency, at=now,
            extra={"draft": draft.pk if draft else None, "draft_sha256": draft.sha256 if draft else None})
    if draft is not None:
        result_issue_from_draft(actor=actor, dossier=dossier, draft=draft)
    return dossier


@transaction.atomic
def dossier_refuse(*, actor: Person, dossier: Dossier, reason: str) -> Dossier:
    dossier = _locked(dossier)
    _check_state(dossier, "refuse")
    _require_handling(actor, dossier, Perm.DOSSIER_APPROVE)
    text = _reason(reason, _("lý do từ chối"))
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.REFUSED
    dossier.decided_at = now
    dossier.refusal_reason = text
    dossier.save()
    return _record(dossier, action="refuse", from_state=from_state, actor=actor, agency=dossier.handling_agency,
                   note=text, at=now)


@transaction.atomic
def dossier_return_result(*, actor: Person, dossier: Dossier) -> Dossier:
    dossier = _locked(dossier)
    _check_state(dossier, "return_result")
    _require_desk(actor, dossier, Perm.DOSSIER_RETURN)
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
    return _record(dossier, action="return_result", from_state=from_state, actor=actor, agency=dossier.agency,
                   at=now, extra={"late": late})


# --- supplements, transfer, apology ------------------------------------------------------------

@transaction.atomic
def dossier_request_supplement(*, actor: Person, dossier: Dossier, reason: str) -> Dossier:
    """Ask the applicant for more documents; the processing clock stops until they supplement."""
    dossier = _locked(dossier)
    _check_state(dossier, "request_supplement")
    _require_on(actor, [Perm.DOSSIER_REVIEW, Perm.DOSSIER_RECEIVE], [dossier.handling_agency, dossier.agency])
    text = _reason(reason, _("nội dung cần bổ sung"))
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
    return _record(dossier, action="request_supplement", from_state=from_state, actor=actor,
                   agency=dossier.handling_agency, note=note, at=now,
                   extra={"supplement_requests": dossier.supplement_requests})


@transaction.atomic
def dossier_supplement(*, actor: Person, dossier: Dossier, form_data: Mapping[str, Any]) -> Dossier:
    """The applicant supplements: the paused working days are added and the due date moves."""
    dossier = _locked(dossier)
    _check_state(dossier, "supplement")
    if not _is_applicant(actor, dossier):
        _require_desk(actor, dossier, Perm.DOSSIER_RECEIVE)  # the desk may record a paper supplement
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
    return _record(dossier, action="supplement", from_state=from_state, actor=actor, agency=dossier.handling_agency,
                   note=_("Thời gian chờ bổ sung: %(days)s ngày làm việc.") % {"days": paused}, at=now,
                   extra={"paused_working_days": paused, "due_at": dossier.due_at})


@transaction.atomic
def dossier_transfer(*, actor: Person, dossier: Dossier, to_agency: Agency, days: Decimal | int | str) -> Dossier:
    """Liên thông: the dossier goes to another agency for its share of the processing time."""
    dossier = _locked(dossier)
    _check_state(dossier, "transfer")
    _require_handling(actor, dossier, Perm.DOSSIER_ASSIGN)
    try:
        share = Decimal(str(days))
    except InvalidOperation:
        share = Decimal(-1)
    if share <= 0 or share > dossier.procedure.processing_days:
        raise DomainError(_("Thời gian chuyển liên thông phải lớn hơn 0 và không quá thời hạn giải quyết."),
                          field="days", code="invalid_days")
    if to_agency.pk == dossier.handling_agency_id:
        raise DomainError(_("Hồ sơ đang được xử lý tại cơ quan này."), field="to_agency", code="same_agency")
    from_state, from_agency = dossier.state, dossier.handling_agency
    dossier.handling_agency = to_agency
    dossier.assignee = None
    dossier.state = S.TRANSFERRED
    dossier.save()
    return _record(
        dossier, action="transfer", from_state=from_state, actor=actor, agency=from_agency,
        note=_("Chuyển liên thông từ %(src)s đến %(dst)s, thời gian %(days)s ngày làm việc.")
        % {"src": from_agency.name, "dst": to_agency.name, "days": share},
        extra={"from_agency": from_agency.pk, "to_agency": to_agency.pk, "days": share},
    )


@transaction.atomic
def dossier_stop(*, actor: Person, dossier: Dossier, reason: str) -> Dossier:
    """Stop processing at the applicant's request (the applicant, or the desk on their behalf)."""
    dossier = _locked(dossier)
    _check_state(dossier, "stop")
    if not _is_applicant(actor, dossier):
        _require_desk(actor, dossier, Perm.DOSSIER_RECEIVE)
    text = _reason(reason, _("lý do dừng xử lý"))
    now = timezone.now()
    from_state = dossier.state
    dossier.state = S.STOPPED
    dossier.completed_at = now
    dossier.save()
    return _record(dossier, action="stop", from_state=from_state, actor=actor, agency=dossier.handling_agency,
                   note=text, at=now)


@transaction.atomic
def dossier_cancel(*, actor: Person, dossier: Dossier, reason: str) -> Dossier:
    """Cancel a dossier filed in error (the desk)."""
    dossier = _locked(dossier)
    _check_state(dossier, "cancel")
    _require_desk(actor, dossier, Perm.DOSSIER_RECEIVE)
    text = _reason(reason, _("lý do hủy"))
    from_state = dossier.state
    dossier.state = S.CANCELLED
    dossier.save()
    return _record(dossier, action="cancel", from_state=from_state, actor=actor, agency=dossier.handling_agency,
                   note=text)


@transaction.atomic
def dossier_apologise(*, actor: Person, dossier: Dossier, new_due_at: dt.datetime, reason: str) -> Dossier:
    """Phiếu xin lỗi: a new return date, at the latest 1 working day before the deadline, once."""
    dossier = _locked(dossier)
    _check_state(dossier, "apologise")
    _require_handling(actor, dossier, Perm.DOSSIER_REVIEW, Perm.DOSSIER_APPROVE)
    text = _reason(reason, _("lý do chậm trả kết quả"))
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
        raise DomainError(_("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại."), field="new_due_at",
                          code="invalid_due")
    old_due = dossier.due_at
    dossier.due_at = new_due_at
    dossier.due_reset_count += 1
    dossier.save()
    return _record(dossier, action="apologise", from_state=dossier.state, actor=actor,
                   agency=dossier.handling_agency, note=text, at=now,
                   extra={"old_due_at": old_due, "new_due_at": new_due_at})
