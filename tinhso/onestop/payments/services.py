"""Fees of dossiers and their payment: online through a payment gateway, or cash at the desk.

The fee is the procedure's (``Procedure.fee_vnd``), copied to ``Dossier.fee_vnd`` when the
dossier is filed, so a later change of the catalogue never changes what an applicant owes.
Decree 224/2026 asks for online payment; the 766 index counts dossiers paid online.

A gateway is a :class:`PaymentProvider`: it gives the page to send the payer to and checks the
signature of the callback it makes to us. The callback, not the payer's browser coming back,
is what marks a payment paid; it may arrive more than once and is answered idempotently.
:class:`FakeProvider` is the gateway of the demo and the tests: its checkout page lives on our
own site and signs its callbacks with HMAC-SHA256 like real Vietnamese gateways do.

At most one payment of a dossier is paid (the database constraint ``payment_one_paid``);
paying twice is refused with a :class:`Conflict`.

The fee rules live here, once, for the pages, the API and the services alike:
:func:`fee_status` says what a dossier owes; :func:`payment_refusal` whether it can be paid
now (from receipt on, until the result is returned, never once refused, stopped or cancelled);
:func:`return_refusal` why its result cannot be handed over yet (a fee is due). Who may pay,
take a fee at the counter or record that it is not collected online (:func:`fee_waive`: exempt,
or paid at the counter or elsewhere with a receipt number) is :mod:`tinhso.onestop.rules`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.ledger.services import ledger_append
from tinhso.onestop import rules
from tinhso.onestop.dossiers.codes import sequence_next
from tinhso.onestop.dossiers.events import dossier_event_record
from tinhso.onestop.dossiers.inputs import reason_input
from tinhso.onestop.dossiers.locks import dossier_lock
from tinhso.onestop.models import (
    Dossier,
    DossierState,
    FeeWaiver,
    FeeWaiverReason,
    Payment,
    PaymentMethod,
    PaymentState,
)

if TYPE_CHECKING:
    from tinhso.org.models import Person

S = DossierState
# The desk takes the fee from filing until the result is returned (a fee left unpaid by a result
# returned before this rule existed can still be paid afterwards); never once the dossier is
# refused, stopped or cancelled.
PAYABLE_STATES = frozenset(
    {
        S.SUBMITTED,
        S.RECEIVED,
        S.FORWARDED,
        S.ASSIGNED,
        S.UNDER_REVIEW,
        S.PENDING_APPROVAL,
        S.SUPPLEMENT_REQUESTED,
        S.TRANSFERRED,
        S.APPROVED,
        S.RESULT_RETURNED,
    }
)
# Online, the applicant pays once the desk has received the dossier: one not yet received may
# still be turned away at the counter, and nothing would be owed.
ONLINE_PAYABLE_STATES = PAYABLE_STATES - {S.SUBMITTED}
# Nothing is owed by a dossier that ended without a result issued to the applicant.
NOTHING_OWED_STATES = frozenset({S.REFUSED, S.STOPPED, S.CANCELLED})

OUTCOME_SUCCESS = "success"
OUTCOME_CANCELLED = "cancelled"
OUTCOME_FAILED = "failed"
OUTCOMES = frozenset({OUTCOME_SUCCESS, OUTCOME_CANCELLED, OUTCOME_FAILED})

RECEIPT_PREFIX = "BL"
RECEIPT_COUNTER = "receipt:BL"  # a DossierSequence key; agency codes have no colon


# --- amounts ---------------------------------------------------------------------------------

FEE_NONE = "none"
FEE_DUE = "due"
FEE_PAID = "paid"
FEE_EXEMPT = FeeWaiverReason.EXEMPT.value
FEE_PAID_ELSEWHERE = FeeWaiverReason.PAID_ELSEWHERE.value
FEE_NOT_OWED = "not_owed"


@dataclass(frozen=True)
class FeeStatus:
    """What a dossier's fee stands at: ``state`` is one of none (no fee), due, paid, exempt,
    paid_elsewhere (the last two recorded by the desk) or not_owed (refused, stopped, cancelled)."""

    fee_vnd: int
    state: str
    amount_due_vnd: int
    payment: Payment | None = None
    waiver: FeeWaiver | None = None

    @property
    def due(self) -> bool:
        return self.amount_due_vnd > 0


def fee_status(dossier: Dossier) -> FeeStatus:
    fee = int(dossier.fee_vnd or 0)
    if fee <= 0:
        return FeeStatus(fee, FEE_NONE, 0)
    paid = Payment.objects.filter(dossier_id=dossier.pk, state=PaymentState.PAID).first()
    if paid is not None:
        return FeeStatus(fee, FEE_PAID, 0, payment=paid)
    waiver = FeeWaiver.objects.filter(dossier_id=dossier.pk).first()
    if waiver is not None:
        return FeeStatus(fee, waiver.reason, 0, waiver=waiver)
    if dossier.state in NOTHING_OWED_STATES:
        return FeeStatus(fee, FEE_NOT_OWED, 0)
    return FeeStatus(fee, FEE_DUE, fee)


def dossier_is_paid(dossier: Dossier) -> bool:
    return Payment.objects.filter(dossier_id=dossier.pk, state=PaymentState.PAID).exists()


def dossier_amount_due(dossier: Dossier) -> int:
    """What the applicant still owes, in VND: 0 when there is no fee, it has been paid, the desk
    recorded it as exempt or paid elsewhere, or the dossier ended without a result."""
    return fee_status(dossier).amount_due_vnd


def payment_refusal(dossier: Dossier, *, online: bool = True) -> Conflict | None:
    """Why the fee of ``dossier`` cannot be paid now, or None: the one rule the pages (whether to
    offer "pay"), the API and the services (whether to open or record a payment) all read.

    ``online``: the applicant through the gateway (:data:`ONLINE_PAYABLE_STATES`), else the desk
    at the counter (:data:`PAYABLE_STATES`)."""
    status = fee_status(dossier)
    if status.state == FEE_NONE:
        return Conflict(_("Hồ sơ không phải nộp phí"), code="no_fee")
    if status.state == FEE_PAID:
        return Conflict(_("Hồ sơ đã được thanh toán"), code="already_paid")
    if status.waiver is not None:
        return Conflict(
            _("Phí, lệ phí của hồ sơ đã được ghi nhận: %(reason)s.")
            % {"reason": FeeWaiverReason(status.waiver.reason).label},
            code="fee_waived",
        )
    if dossier.state not in (ONLINE_PAYABLE_STATES if online else PAYABLE_STATES):
        return Conflict(
            _("Hồ sơ đang ở trạng thái “%(state)s”, không thể thanh toán.") % {"state": S(dossier.state).label},
            code="wrong_state",
        )
    return None


def return_refusal(dossier: Dossier) -> Conflict | None:
    """Why the result of ``dossier`` cannot be handed over yet because of its fee, or None."""
    status = fee_status(dossier)
    if not status.due:
        return None
    return Conflict(
        _(
            "Chưa thể trả kết quả: hồ sơ còn phí, lệ phí %(amount)s chưa thu. Người nộp cần thanh toán, hoặc bộ phận "
            "một cửa ghi nhận đã thu trực tiếp hay được miễn."
        )
        % {"amount": vnd(status.amount_due_vnd)},
        code="fee_due",
    )


def vnd(amount: int) -> str:
    """200000 → "200.000 đồng"."""
    return _("%(amount)s đồng") % {"amount": f"{amount:,}".replace(",", ".")}


# --- gateways --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackData:
    """What a gateway's callback says, once its signature has been checked."""

    reference: str
    outcome: str  # one of OUTCOMES
    amount_vnd: int
    transaction_id: str = ""


class PaymentProvider(ABC):
    """A payment gateway: where the payer goes, and how its callbacks are authenticated."""

    #: Short name, stored in ``Payment.provider`` and used in the callback address.
    name: str = ""
    #: The HTTP header carrying the callback's signature.
    signature_header: str = "X-Signature"

    @abstractmethod
    def checkout_url(self, payment: Payment) -> str:
        """The address to send the payer to for ``payment``."""

    @abstractmethod
    def verify_callback(self, body: bytes, signature: str) -> CallbackData:
        """The callback's content; :class:`NotAllowed` if the signature is wrong or missing,
        :class:`DomainError` if the signed body is malformed."""


class FakeProvider(PaymentProvider):
    """A stand-in gateway for the demo and the tests (checkout page under ``payment:checkout``).

    Callbacks are a JSON body ``{"reference", "outcome", "amount_vnd", "transaction_id"}``
    signed with HMAC-SHA256 (hex) under ``settings.TINHSO_PAYMENT_SECRET``.
    """

    name = "gia-lap"
    signature_header = "X-Tinhso-Signature"

    def __init__(self, secret: str | None = None) -> None:
        self._secret = (secret if secret is not None else settings.TINHSO_PAYMENT_SECRET).encode()

    def sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def checkout_url(self, payment: Payment) -> str:
        return reverse("payment:checkout", args=[payment.reference])

    def callback_for(self, payment: Payment, outcome: str) -> tuple[bytes, str]:
        """The body and signature the gateway sends us when the payer presses a button."""
        if outcome not in OUTCOMES:
            raise ValueError(f"Unknown outcome {outcome!r}")
        body = json.dumps(
            {
                "reference": payment.reference,
                "outcome": outcome,
                "amount_vnd": payment.amount_vnd,
                "transaction_id": f"GL{secrets.token_hex(6).upper()}" if outcome == OUTCOME_SUCCESS else "",
            },
            separators=(",", ":"),
        ).encode()
        return body, self.sign(body)

    def verify_callback(self, body: bytes, signature: str) -> CallbackData:
        if not signature or not hmac.compare_digest(self.sign(body), signature.strip().lower()):
            raise NotAllowed(_("Chữ ký của thông báo thanh toán không hợp lệ."), code="bad_signature")
        malformed = DomainError(_("Thông báo thanh toán không đúng định dạng."), code="malformed_callback")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise malformed from None
        if not isinstance(data, dict):
            raise malformed
        reference, outcome, amount = data.get("reference"), data.get("outcome"), data.get("amount_vnd")
        transaction_id = data.get("transaction_id") or ""
        if (
            not isinstance(reference, str)
            or not reference
            or outcome not in OUTCOMES
            or not isinstance(amount, int)
            or isinstance(amount, bool)
            or not isinstance(transaction_id, str)
        ):
            raise malformed
        if outcome == OUTCOME_SUCCESS and not transaction_id:
            raise malformed
        return CallbackData(
            reference=reference, outcome=outcome, amount_vnd=amount, transaction_id=transaction_id[:100]
        )


@cache
def _provider_class(path: str) -> type[PaymentProvider]:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, PaymentProvider)):
        raise TypeError(f"{path} is not a PaymentProvider")
    return cls


def payment_provider() -> PaymentProvider:
    """The gateway configured by ``settings.TINHSO_PAYMENT_PROVIDER``."""
    return _provider_class(settings.TINHSO_PAYMENT_PROVIDER)()


# --- numbers ---------------------------------------------------------------------------------


def _new_reference() -> str:
    return f"TT{timezone.localdate():%y%m%d}{secrets.token_hex(6).upper()}"


def _receipt_number_next(now: dt.datetime) -> str:
    """``BL-<year>-<6 digits>``, numbered from 1 every year, without gaps (the year's counter,
    dated 1 January, under a key no agency code can take)."""
    year_start = dt.date(timezone.localtime(now).year, 1, 1)
    number = sequence_next(key=RECEIPT_COUNTER, day=year_start)
    return f"{RECEIPT_PREFIX}-{year_start.year}-{number:06d}"


# --- checks ----------------------------------------------------------------------------------


def _check_payable(dossier: Dossier, *, online: bool) -> int:
    """The amount due, or the reason nothing can be paid."""
    refusal = payment_refusal(dossier, online=online)
    if refusal is not None:
        raise refusal
    return int(dossier.fee_vnd)


def _mark_paid(
    payment: Payment, *, dossier: Dossier, now: dt.datetime, actor: Person | None, transaction_id: str = ""
) -> Payment:
    """Paid, receipt number, event and ledger entry: refused if the dossier is already paid."""
    if Payment.objects.filter(dossier_id=dossier.pk, state=PaymentState.PAID).exclude(pk=payment.pk).exists():
        raise Conflict(_("Hồ sơ đã được thanh toán"), code="already_paid")
    payment.state = PaymentState.PAID
    payment.paid_at = now
    payment.provider_transaction = transaction_id
    payment.receipt_number = _receipt_number_next(now)
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:  # payment_one_paid: another payment won the race
        raise Conflict(_("Hồ sơ đã được thanh toán"), code="already_paid") from None
    note = _("Đã nộp phí, lệ phí %(amount)s (%(method)s), biên lai số %(receipt)s.") % {
        "amount": vnd(payment.amount_vnd),
        "method": PaymentMethod(payment.method).label,
        "receipt": payment.receipt_number,
    }
    dossier_event_record(
        dossier,
        action="pay",
        from_state=dossier.state,
        actor=actor,
        agency=dossier.receiving_agency,
        note=note,
        at=now,
        extra={
            "payment": payment.pk,
            "reference": payment.reference,
            "method": payment.method,
            "provider": payment.provider,
            "amount_vnd": payment.amount_vnd,
            "receipt_number": payment.receipt_number,
        },
    )
    return payment


def _ledger_payment(actor: Person | None, action: str, payment: Payment, dossier: Dossier) -> None:
    ledger_append(
        actor=actor,
        action=f"services.payment.{action}",
        obj=payment,
        payload={
            "code": dossier.code,
            "reference": payment.reference,
            "provider": payment.provider,
            "amount_vnd": payment.amount_vnd,
            "state": payment.state,
        },
    )


# --- services --------------------------------------------------------------------------------


@transaction.atomic
def payment_start(*, actor: Person, dossier: Dossier) -> tuple[Payment, str]:
    """The applicant starts paying their dossier's fee online.

    Returns the pending payment and the gateway address to send them to. An open pending
    payment of the same amount is reused, so pressing "pay" twice makes one payment.
    """
    dossier = dossier_lock(dossier)
    if not rules.may_pay_online(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="not_found")
    amount = _check_payable(dossier, online=True)
    provider = payment_provider()
    payment = (
        Payment.objects.filter(
            dossier=dossier,
            state=PaymentState.PENDING,
            method=PaymentMethod.ONLINE,
            provider=provider.name,
            amount_vnd=amount,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if payment is None:
        payment = Payment.objects.create(
            dossier=dossier,
            amount_vnd=amount,
            method=PaymentMethod.ONLINE,
            provider=provider.name,
            reference=_new_reference(),
            state=PaymentState.PENDING,
            created_by=actor,
        )
        _ledger_payment(actor, "start", payment, dossier)
    return payment, provider.checkout_url(payment)


@transaction.atomic
def payment_callback(*, provider: str, body: bytes, signature: str) -> Payment:
    """A gateway tells us how a payment ended. Safe to receive more than once.

    The signature is checked before anything is read; a success marks the payment paid with a
    receipt number and records it on the dossier; a cancellation or failure closes the pending
    payment. A success for a dossier already paid through another payment is refused.
    """
    gateway = payment_provider()
    if provider != gateway.name:
        raise NotFound(_("Không tìm thấy cổng thanh toán."), code="unknown_provider")
    data = gateway.verify_callback(body, signature)
    found = Payment.objects.filter(reference=data.reference, provider=gateway.name, method=PaymentMethod.ONLINE).first()
    if found is None:
        raise NotFound(_("Không tìm thấy giao dịch thanh toán."), code="unknown_payment")
    dossier = dossier_lock(found.dossier_id)  # dossier first, as payment_start does: no deadlock
    payment = Payment.objects.select_for_update().get(pk=found.pk)
    if data.amount_vnd != payment.amount_vnd:
        raise DomainError(_("Số tiền thanh toán không khớp với giao dịch."), code="amount_mismatch")
    if data.outcome == OUTCOME_SUCCESS:
        if payment.state == PaymentState.PAID:
            return payment  # a repeated notice of the same success
        if payment.state == PaymentState.FAILED:
            raise Conflict(_("Giao dịch đã kết thúc không thành công."), code="payment_closed")
        return _mark_paid(payment, dossier=dossier, now=timezone.now(), actor=None, transaction_id=data.transaction_id)
    if payment.state != PaymentState.PENDING:
        return payment  # a late or repeated failure notice changes nothing
    payment.state = PaymentState.FAILED
    payment.save(update_fields=["state"])
    _ledger_payment(None, data.outcome, payment, dossier)
    return payment


@transaction.atomic
def payment_record_counter(*, actor: Person, dossier: Dossier) -> Payment:
    """The one-stop desk records a fee paid in cash and issues the receipt number."""
    dossier = dossier_lock(dossier)
    if not rules.may_record_payment(actor, dossier):
        raise rules.refused()
    amount = _check_payable(dossier, online=False)
    payment = Payment.objects.create(
        dossier=dossier,
        amount_vnd=amount,
        method=PaymentMethod.COUNTER,
        reference=_new_reference(),
        state=PaymentState.PENDING,
        created_by=actor,
    )
    return _mark_paid(payment, dossier=dossier, now=timezone.now(), actor=actor)


@transaction.atomic
def fee_waive(*, actor: Person, dossier: Dossier, reason: str, note: str, receipt_number: str = "") -> FeeWaiver:
    """The desk records why the fee is not collected online: ``exempt``, or ``paid_elsewhere``
    (at the counter or another office, ``receipt_number`` required). Who and when are kept;
    the fee is no longer due and the result may be returned."""
    dossier = dossier_lock(dossier)
    if not rules.may_waive_fee(actor, dossier):
        raise NotAllowed(_("Chỉ bộ phận một cửa được ghi nhận miễn hoặc đã thu phí, lệ phí."), code="forbidden")
    refusal = payment_refusal(dossier, online=False)
    if refusal is not None:
        raise refusal
    if reason not in FeeWaiverReason.values:
        raise DomainError(
            _("Vui lòng chọn lý do: được miễn, hoặc đã thu trực tiếp."), field="reason", code="invalid_choice"
        )
    text = reason_input(note, _("lý do, căn cứ không thu phí trực tuyến"))
    receipt = " ".join((receipt_number or "").split())
    if reason == FeeWaiverReason.PAID_ELSEWHERE and not receipt:
        raise DomainError(_("Vui lòng nhập số biên lai đã thu phí, lệ phí."), field="receipt_number", code="required")
    limit = FeeWaiver._meta.get_field("receipt_number").max_length
    if limit is not None and len(receipt) > limit:
        raise DomainError(_("Số biên lai dài quá 40 ký tự."), field="receipt_number", code="too_long")
    if reason == FeeWaiverReason.EXEMPT:
        receipt = ""
    now = timezone.now()
    waiver = FeeWaiver.objects.create(
        dossier=dossier,
        reason=reason,
        receipt_number=receipt,
        note=text,
        amount_vnd=int(dossier.fee_vnd),
        recorded_by=actor,
        recorded_at=now,
    )
    label = FeeWaiverReason(reason).label
    event_note = _("%(label)s: %(amount)s.") % {"label": label, "amount": vnd(waiver.amount_vnd)}
    if receipt:
        event_note += " " + _("Biên lai số %(receipt)s.") % {"receipt": receipt}
    dossier_event_record(
        dossier,
        action="fee_waive",
        from_state=dossier.state,
        actor=actor,
        agency=dossier.receiving_agency,
        note=f"{event_note} {text}",
        at=now,
        extra={"fee_waiver": waiver.pk, "reason": reason, "receipt_number": receipt, "amount_vnd": waiver.amount_vnd},
    )
    return waiver


def payment_for_payer(person: Any, reference: str) -> Payment:
    """The payment ``person`` started (or that belongs to their dossier); NotFound otherwise."""
    payment = None
    if getattr(person, "is_authenticated", False) and person.is_active:
        payment = (
            Payment.objects.select_related("dossier", "dossier__procedure")
            .filter(reference=reference, dossier__applicant=person)
            .first()
        )
    if payment is None:
        raise NotFound(_("Không tìm thấy giao dịch thanh toán."), code="not_found")
    return payment
