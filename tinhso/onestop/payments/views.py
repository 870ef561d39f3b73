"""Pages of online fee payment: start, the fake gateway's checkout, its callback, the outcome.

The callback endpoint is public and answers the gateway in JSON; every other page is for the
applicant who pays, and answers "not found" to anyone else alike.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tinhso.core import web
from tinhso.core.errors import DomainError, NotFound
from tinhso.core.web import View
from tinhso.onestop.dossiers.access import access_dossier
from tinhso.onestop.models import DossierState, Payment, PaymentState
from tinhso.onestop.payments.services import (
    OUTCOME_CANCELLED,
    OUTCOME_SUCCESS,
    FakeProvider,
    dossier_amount_due,
    dossier_is_paid,
    payment_callback,
    payment_for_payer,
    payment_provider,
    payment_start,
    vnd,
)

# The buttons of the fake gateway page and what each reports.
_OUTCOMES = {"thanh-cong": OUTCOME_SUCCESS, "huy": OUTCOME_CANCELLED}


def page(*methods: str) -> Callable[[View], View]:
    """Login required, only ``methods``, a :class:`DomainError` shown as a message with its status."""
    return web.page(*methods, template="services/payments/error.html")


@page("GET", "POST")
def start(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """GET: the fee and a "pay online" button; POST: open the payment and go to the gateway."""
    dossier = access_dossier(request.user, dossier_id)
    if dossier.applicant_id != request.user.pk:
        raise NotFound(_("Không tìm thấy hồ sơ."), code="not_found")
    if request.method == "POST":
        _payment, url = payment_start(actor=request.user, dossier=dossier)  # type: ignore[arg-type]
        return redirect(url)
    paid = dossier.payments.filter(state=PaymentState.PAID).first()
    return render(
        request,
        "services/payments/start.html",
        {
            "dossier": dossier,
            "fee": vnd(dossier.fee_vnd) if dossier.fee_vnd else "",
            "amount_due": dossier_amount_due(dossier),
            "paid": paid,
            "closed": dossier.state in (DossierState.CANCELLED, DossierState.STOPPED),
        },
    )


def _fake_payment(request: HttpRequest, reference: str) -> tuple[Payment, FakeProvider]:
    payment = payment_for_payer(request.user, reference)
    provider = payment_provider()
    if not isinstance(provider, FakeProvider) or payment.provider != provider.name:
        raise NotFound(_("Không tìm thấy giao dịch thanh toán."), code="not_found")
    return payment, provider


@page("GET", "POST")
def checkout(request: HttpRequest, reference: str) -> HttpResponse:
    """The fake gateway's page. Pressing a button makes the gateway call us back (server side,
    signed, through the same code as the public callback), then sends the payer back to us."""
    payment, provider = _fake_payment(request, reference)
    if request.method == "POST":
        outcome = _OUTCOMES.get(request.POST.get("ket_qua", ""))
        if outcome is None:
            raise DomainError(_("Vui lòng chọn kết quả giao dịch."), code="invalid_outcome")
        if payment.state == PaymentState.PENDING:
            body, signature = provider.callback_for(payment, outcome)
            payment_callback(provider=provider.name, body=body, signature=signature)
        return redirect("payment:done", reference=payment.reference)
    return render(
        request,
        "services/payments/checkout.html",
        {
            "payment": payment,
            "dossier": payment.dossier,
            "amount": vnd(payment.amount_vnd),
            "open": payment.state == PaymentState.PENDING and not dossier_is_paid(payment.dossier),
        },
    )


@csrf_exempt
@require_POST
def callback(request: HttpRequest, provider: str) -> JsonResponse:
    """Server-to-server notice from the gateway: JSON 200 when taken, 4xx with a code otherwise."""
    gateway = payment_provider()
    signature = request.headers.get(gateway.signature_header, "")
    try:
        payment = payment_callback(provider=provider, body=request.body, signature=signature)
    except DomainError as exc:
        return JsonResponse({"ok": False, "code": exc.code, "message": exc.message}, status=exc.status_code)
    return JsonResponse(
        {"ok": True, "reference": payment.reference, "state": payment.state, "receipt_number": payment.receipt_number}
    )


@page("GET")
def done(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the payer lands after the gateway: the outcome and, when paid, the receipt number."""
    payment = payment_for_payer(request.user, reference)
    return render(
        request,
        "services/payments/done.html",
        {
            "payment": payment,
            "dossier": payment.dossier,
            "amount": vnd(payment.amount_vnd),
            "can_retry": payment.state == PaymentState.FAILED
            and dossier_amount_due(payment.dossier) > 0
            and payment.dossier.state not in (DossierState.CANCELLED, DossierState.STOPPED),
        },
    )
