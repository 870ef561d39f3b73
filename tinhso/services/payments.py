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
from tinhso.org.roles import Perm

from .models import Dossier, DossierState, Payment, PaymentMethod, PaymentState
from .services import OPEN_STATES, _is_applicant, _locked, _record, _require_desk, sequence_next

if TYPE_CHECKING:
    from tinhso.org.models import Person

# A payment cannot be started or recorded for a dossier that ended without being handled.
CLOSED_STATES = frozenset({DossierState.CANCELLED, DossierState.STOPPED})
# An online payment is opened once the desk has received the dossier, until its result is out.
ONLINE_PAYABLE_STATES = frozenset((OPEN_STATES | {DossierState.APPROVED}) - {DossierState.SUBMITTED})

OUTCOME_SUCCESS = "success"
OUTCOME_CANCELLED = "cancelled"
OUTCOME_FAILED = "failed"
OUTCOMES = frozenset({OUTCOME_SUCCESS, OUTCOME_CANCELLED, OUTCOME_FAILED})

RECEIPT_PREFIX = "BL"
RECEIPT_COUNTER = "receipt:BL"  # a DossierSequence key; agency codes have no colon


# --- amounts ---------------------------------------------------------------------------------

def dossier_is_paid(dossier: Dossier) -> bool:
    return Payment.objects.filter(dossier_id=dossier.pk, state=PaymentState.PAID).exists()


def dossier_amount_due(dossier: Dossier) -> int:
    """What the applicant still owes, in VND: 0 when there is no fee or it has been paid."""
    fee = int(dossier.fee_vnd or 0)
    if fee <= 0 or dossier_is_paid(dossier):
        return 0
    return fee


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
        body = json.dumps({
            "reference": payment.reference, "outcome": outcome, "amount_vnd": payment.amount_vnd,
            "transaction_id": f"GL{secrets.token_hex(6).upper()}" if outcome == OUTCOME_SUCCESS else "",
        }, separators=(",", ":")).encode()
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
        if (not isinstance(reference, str) or not reference or outcome not in OUTCOMES
                or not isinstance(amount, int) or isinstance(amount, bool) or not isinstance(transaction_id, str)):
            raise malformed
        if outcome == OUTCOME_SUCCESS and not transaction_id:
            raise malformed
        return CallbackData(reference=reference, outcome=outcome, amount_vnd=amount,
                            transaction_id=transaction_id[:100])


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

def payment_refusal(dossier: Dossier, *, online: bool, paid: bool | None = None) -> Conflict | None:
    """Why the dossier's fee cannot be paid now, or None: the one rule the pages (whether to
    offer "pay") and the services behind the API (whether to open a payment) both read.

    Online, the applicant pays once the desk has received the dossier and until the result is
    returned (:data:`ONLINE_PAYABLE_STATES`); at the counter, the desk takes the fee at any time
    before the dossier is stopped or cancelled. ``paid``: whether it is paid, when the caller
    knows (a list), else read."""
    if dossier.state in CLOSED_STATES or (online and dossier.state not in ONLINE_PAYABLE_STATES):
        return Conflict(
            _("Hồ sơ đang ở trạng thái “%(state)s”, không thể thanh toán.")
            % {"state": DossierState(dossier.state).label}, code="wrong_state",
        )
    if int(dossier.fee_vnd or 0) <= 0:
        return Conflict(_("Hồ sơ không phải nộp phí"), code="no_fee")
    if dossier_is_paid(dossier) if paid is None else paid:
        return Conflict(_("Hồ sơ đã được thanh toán"), code="already_paid")
    return None


def _check_payable(dossier: Dossier, *, online: bool) -> int:
    """The amount due, or the reason nothing can be paid."""
    refusal = payment_refusal(dossier, online=online)
    if refusal is not None:
        raise refusal
    return int(dossier.fee_vnd)


def _mark_paid(payment: Payment, *, dossier: Dossier, now: dt.datetime, actor: Person | None,
               transaction_id: str = "") -> Payment:
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
        "amount": vnd(payment.amount_vnd), "method": PaymentMethod(payment.method).label,
        "receipt": payment.receipt_number,
    }
    _record(dossier, action="pay", from_state=dossier.state, actor=actor, agency=dossier.agency, note=note, at=now,
            extra={"payment": payment.pk, "reference": payment.reference, "method": payment.method,
                   "provider": payment.provider, "amount_vnd": payment.amount_vnd,
                   "receipt_number": payment.receipt_number})
    return payment


def _ledger_payment(actor: Person | None, action: str, payment: Payment, dossier: Dossier) -> None:
    ledger_append(actor=actor, action=f"services.payment.{action}", obj=payment, payload={
        "code": dossier.code, "reference": payment.reference, "provider": payment.provider,
        "amount_vnd": payment.amount_vnd, "state": payment.state,
    })


# --- services --------------------------------------------------------------------------------

@transaction.atomic
def payment_start(*, actor: Person, dossier: Dossier) -> tuple[Payment, str]:
    """The applicant starts paying their dossier's fee online.

    Returns the pending payment and the gateway address to send them to. An open pending
    payment of the same amount is reused, so pressing "pay" twice makes one payment.
    """
    dossier = _locked(dossier)
    if not _is_applicant(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="not_found")
    amount = _check_payable(dossier, online=True)
    provider = payment_provider()
    payment = Payment.objects.filter(
        dossier=dossier, state=PaymentState.PENDING, method=PaymentMethod.ONLINE, provider=provider.name,
        amount_vnd=amount,
    ).order_by("-created_at", "-pk").first()
    if payment is None:
        payment = Payment.objects.create(
            dossier=dossier, amount_vnd=amount, method=PaymentMethod.ONLINE, provider=provider.name,
            reference=_new_reference(), state=PaymentState.PENDING, created_by=actor,
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
    found = Payment.objects.filter(reference=data.reference, provider=gateway.name,
                                   method=PaymentMethod.ONLINE).first()
    if found is None:
        raise NotFound(_("Không tìm thấy giao dịch thanh toán."), code="unknown_payment")
    dossier = _locked(found.dossier)  # dossier first, as payment_start does: no deadlock
    payment = Payment.objects.select_for_update().get(pk=found.pk)
    if data.amount_vnd != payment.amount_vnd:
        raise DomainError(_("Số tiền thanh toán không khớp với giao dịch."), code="amount_mismatch")
    if data.outcome == OUTCOME_SUCCESS:
        if payment.state == PaymentState.PAID:
            return payment  # a repeated notice of the same success
        if payment.state == PaymentState.FAILED:
            raise Conflict(_("Giao dịch đã kết thúc không thành công."), code="payment_closed")
        return _mark_paid(payment, dossier=dossier, now=timezone.now(), actor=None,
                          transaction_id=data.transaction_id)
    if payment.state != PaymentState.PENDING:
        return payment  # a late or repeated failure notice changes nothing
    payment.state = PaymentState.FAILED
    payment.save(update_fields=["state"])
    _ledger_payment(None, data.outcome, payment, dossier)
    return payment


@transaction.atomic
def payment_record_counter(*, actor: Person, dossier: Dossier) -> Payment:
    """The one-stop desk records a fee paid in cash and issues the receipt number."""
    dossier = _locked(dossier)
    _require_desk(actor, dossier, Perm.DOSSIER_RECEIVE)
    amount = _check_payable(dossier, online=False)
    payment = Payment.objects.create(
        dossier=dossier, amount_vnd=amount, method=PaymentMethod.COUNTER, reference=_new_reference(),
        state=PaymentState.PENDING, created_by=actor,
    )
    return _mark_paid(payment, dossier=dossier, now=timezone.now(), actor=actor)


def payment_for_payer(person: Any, reference: str) -> Payment:
    """The payment ``person`` started (or that belongs to their dossier); NotFound otherwise."""
    payment = None
    if getattr(person, "is_authenticated", False) and person.is_active:
        payment = (Payment.objects.select_related("dossier", "dossier__procedure")
                   .filter(reference=reference, dossier__applicant=person).first())
    if payment is None:
        raise NotFound(_("Không tìm thấy giao dịch thanh toán."), code="not_found")
    return payment
