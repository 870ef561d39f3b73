"""Fees and payments: the fake gateway end to end, signed callbacks, paying twice, the desk."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from tinhso.core.errors import Conflict, NotAllowed, NotFound
from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import GOOD_FORM, at, make_procedure
from tinhso.onestop.dossiers import intake
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, DossierEvent, DossierState, Payment, PaymentMethod, PaymentState
from tinhso.onestop.payments.services import (
    FakeProvider,
    PaymentProvider,
    dossier_amount_due,
    dossier_is_paid,
    payment_callback,
    payment_provider,
    payment_record_counter,
    payment_start,
)

pytestmark = pytest.mark.django_db

_keys = iter(range(1, 100_000))
SIGNATURE_HEADER = "HTTP_X_TINHSO_SIGNATURE"


def _submit(svc: Any, procedure: Any = None, applicant: Any = None) -> Dossier:
    """Filed online and received at the desk: an online payment opens once the dossier is received."""
    dossier = intake.dossier_submit_online(
        applicant=applicant or svc.citizen,
        procedure=procedure or svc.procedure,
        agency=svc.centre,
        form_data=dict(GOOD_FORM),
        idempotency_key=f"pay-{next(_keys)}",
    )
    return S.dossier_receive(actor=svc.receiver, dossier=dossier)


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _counts() -> tuple[int, int, int, int]:
    return (
        Payment.objects.count(),
        Payment.objects.filter(state=PaymentState.PAID).count(),
        DossierEvent.objects.count(),
        Entry.objects.count(),
    )


def _still_pending(payment: Payment, before: tuple[int, int, int, int]) -> None:
    """A refused attempt wrote nothing: the counts are as ``before`` and ``payment`` still waits."""
    assert _counts() == before
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def _payload(entry: Entry) -> dict[str, Any]:
    return json.loads(entry.payload.canonical_json)


def _post_callback(client: Client, body: bytes, signature: str, provider: str = "gia-lap") -> Any:
    environ: dict[str, Any] = {SIGNATURE_HEADER: signature}
    return client.post(
        reverse("payment:callback", args=[provider]), data=body, content_type="application/json", **environ
    )


# --- amounts ---------------------------------------------------------------------------------


def test_the_fee_is_copied_at_submission_and_is_due_until_paid(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    svc.procedure.fee_vnd = 500_000  # a later change of the catalogue changes nothing owed
    svc.procedure.save()
    dossier.refresh_from_db()
    assert dossier.fee_vnd == 200_000
    assert dossier_amount_due(dossier) == 200_000
    assert not dossier_is_paid(dossier)
    payment_record_counter(actor=svc.receiver, dossier=dossier)
    assert dossier_is_paid(dossier)
    assert dossier_amount_due(dossier) == 0


def test_a_procedure_without_fee_owes_nothing_and_cannot_be_paid(svc: Any, clock: Any) -> None:
    free = make_procedure(code="2.000001.000.00.00.H31", agencies=[svc.centre])
    free.fee_vnd = 0
    free.save()
    dossier = _submit(svc, procedure=free)
    assert dossier_amount_due(dossier) == 0
    before = _counts()
    with pytest.raises(Conflict, match="Hồ sơ không phải nộp phí"):
        payment_start(actor=svc.citizen, dossier=dossier)
    with pytest.raises(Conflict, match="Hồ sơ không phải nộp phí"):
        payment_record_counter(actor=svc.receiver, dossier=dossier)
    assert _counts() == before
    response = _client(svc.citizen).get(reverse("payment:start", args=[dossier.pk]))
    assert response.status_code == 200
    assert "Hồ sơ không phải nộp phí" in response.content.decode()


def test_the_configured_provider_is_the_fake_one() -> None:
    provider = payment_provider()
    assert isinstance(provider, FakeProvider)
    assert isinstance(provider, PaymentProvider)
    with pytest.raises(TypeError):
        PaymentProvider()  # type: ignore[abstract]


# --- the fake gateway end to end ---------------------------------------------------------------


def test_full_online_payment_through_the_fake_gateway(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    client = _client(svc.citizen)
    page = client.get(reverse("payment:start", args=[dossier.pk]))
    assert page.status_code == 200
    assert "200.000 đồng" in page.content.decode()

    entries = Entry.objects.count()
    started = client.post(reverse("payment:start", args=[dossier.pk]))
    payment = Payment.objects.get(dossier=dossier)
    assert started.status_code == 302
    assert started["Location"] == reverse("payment:checkout", args=[payment.reference])
    assert (payment.state, payment.method, payment.amount_vnd, payment.provider) == (
        PaymentState.PENDING,
        PaymentMethod.ONLINE,
        200_000,
        "gia-lap",
    )
    assert Entry.objects.count() == entries + 1
    assert Entry.objects.order_by("-pk").first().action == "services.payment.start"

    checkout = client.get(started["Location"])
    html = checkout.content.decode()
    assert checkout.status_code == 200
    assert "200.000 đồng" in html
    assert dossier.code in html
    assert "Thanh toán thành công" in html
    assert "Hủy giao dịch" in html

    clock.set(at("2026-03-02", 10, 15))
    events = DossierEvent.objects.count()
    paid = client.post(started["Location"], {"ket_qua": "thanh-cong"})
    assert paid.status_code == 302
    assert paid["Location"] == reverse("payment:done", args=[payment.reference])

    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert payment.paid_at == at("2026-03-02", 10, 15)
    assert payment.provider_transaction.startswith("GL")
    assert payment.receipt_number == "BL-2026-000001"
    assert DossierEvent.objects.count() == events + 1
    event = DossierEvent.objects.order_by("-pk").first()
    assert (event.action, event.from_state, event.to_state) == ("pay", DossierState.RECEIVED, DossierState.RECEIVED)
    assert "BL-2026-000001" in event.note
    assert "200.000 đồng" in event.note
    assert "Nguyễn Văn An" not in event.note
    entry = Entry.objects.order_by("-pk").first()
    assert entry is not None
    assert entry.action == "services.dossier.pay"
    payload = _payload(entry)
    assert payload["receipt_number"] == "BL-2026-000001"
    assert payload["amount_vnd"] == 200_000
    assert payload["method"] == "online"
    assert "Nguyễn Văn An" not in entry.payload.canonical_json
    assert GOOD_FORM["personal_id"] not in entry.payload.canonical_json

    done = client.get(paid["Location"])
    assert done.status_code == 200
    assert "Thanh toán thành công" in done.content.decode()
    assert "BL-2026-000001" in done.content.decode()
    # The gateway page of a finished payment offers no buttons any more.
    assert "Thanh toán thành công" not in client.get(started["Location"]).content.decode()


def test_cancelling_at_the_gateway_leaves_the_fee_due_and_allows_a_new_try(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    client = _client(svc.citizen)
    started = client.post(reverse("payment:start", args=[dossier.pk]))
    payment = Payment.objects.get(dossier=dossier)
    events = DossierEvent.objects.count()
    response = client.post(started["Location"], {"ket_qua": "huy"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    assert (payment.receipt_number, payment.paid_at) == ("", None)
    assert DossierEvent.objects.count() == events
    assert Entry.objects.order_by("-pk").first().action == "services.payment.cancelled"
    assert dossier_amount_due(dossier) == 200_000

    done = client.get(response["Location"]).content.decode()
    assert "không thành công hoặc đã bị hủy" in done
    assert reverse("payment:start", args=[dossier.pk]) in done  # "pay again"

    again = client.post(reverse("payment:start", args=[dossier.pk]))
    assert Payment.objects.filter(dossier=dossier).count() == 2
    assert again["Location"] != started["Location"]


def test_an_unknown_gateway_button_is_refused(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    payment, url = payment_start(actor=svc.citizen, dossier=dossier)
    response = _client(svc.citizen).post(url, {"ket_qua": "bogus"})
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_starting_twice_reuses_the_open_payment(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    first, url1 = payment_start(actor=svc.citizen, dossier=dossier)
    entries = Entry.objects.count()
    second, url2 = payment_start(actor=svc.citizen, dossier=dossier)
    assert first.pk == second.pk
    assert url1 == url2
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert Entry.objects.count() == entries


# --- the callback endpoint ---------------------------------------------------------------------


def test_forged_or_missing_signatures_are_refused_and_write_nothing(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    payment, _url = payment_start(actor=svc.citizen, dossier=dossier)
    body, signature = FakeProvider().callback_for(payment, "success")
    forger = FakeProvider(secret="not-the-secret")
    client = Client(enforce_csrf_checks=True)  # the gateway has no session nor CSRF token
    before = _counts()
    for sig in ["", "0" * 64, forger.sign(body), signature[:-1]]:
        response = _post_callback(client, body, sig)
        assert response.status_code == 403, sig
        assert response.json()["code"] == "bad_signature"
    # A signed body that was changed afterwards (a bigger amount, someone else's reference).
    tampered = body.replace(b"200000", b"1")
    assert _post_callback(client, tampered, signature).status_code == 403
    _still_pending(payment, before)
    with pytest.raises(NotAllowed):
        payment_callback(provider="gia-lap", body=body, signature="forged")


def test_malformed_or_mismatched_callbacks_are_refused(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    payment, _url = payment_start(actor=svc.citizen, dossier=dossier)
    provider = FakeProvider()
    client = Client(enforce_csrf_checks=True)
    before = _counts()

    def signed(data: Any) -> Any:
        body = json.dumps(data).encode()
        return _post_callback(client, body, provider.sign(body))

    assert signed(["not", "an", "object"]).status_code == 400
    assert signed({"reference": payment.reference, "outcome": "maybe", "amount_vnd": 200_000}).status_code == 400
    assert signed({"reference": payment.reference, "outcome": "success", "amount_vnd": 200_000}).status_code == 400
    bad_json = b"{not json"
    assert _post_callback(client, bad_json, provider.sign(bad_json)).status_code == 400
    wrong_amount = signed(
        {"reference": payment.reference, "outcome": "success", "amount_vnd": 1_000, "transaction_id": "X1"}
    )
    assert wrong_amount.status_code == 400
    assert wrong_amount.json()["code"] == "amount_mismatch"
    unknown = signed({"reference": "TT-NOPE", "outcome": "success", "amount_vnd": 200_000, "transaction_id": "X1"})
    assert unknown.status_code == 404
    body, signature = provider.callback_for(payment, "success")
    assert _post_callback(client, body, signature, provider="vnpay").status_code == 404
    assert client.get(reverse("payment:callback", args=["gia-lap"])).status_code == 405
    _still_pending(payment, before)


def test_a_replayed_success_returns_the_same_payment_and_records_once(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    payment, _url = payment_start(actor=svc.citizen, dossier=dossier)
    body, signature = FakeProvider().callback_for(payment, "success")
    client = Client(enforce_csrf_checks=True)
    first = _post_callback(client, body, signature)
    assert first.status_code == 200
    assert first.json() == {
        "ok": True,
        "reference": payment.reference,
        "state": "paid",
        "receipt_number": "BL-2026-000001",
    }
    after_first = _counts()
    again = _post_callback(client, body, signature)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert _counts() == after_first
    assert DossierEvent.objects.filter(dossier=dossier, action="pay").count() == 1
    assert Entry.objects.filter(action="services.dossier.pay").count() == 1
    # A late failure notice for a paid payment changes nothing either.
    late_body, late_sig = FakeProvider().callback_for(payment, "failed")
    assert payment_callback(provider="gia-lap", body=late_body, signature=late_sig).state == PaymentState.PAID
    assert _counts() == after_first


def test_a_success_after_the_payment_was_cancelled_is_refused(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    payment, _url = payment_start(actor=svc.citizen, dossier=dossier)
    provider = FakeProvider()
    cancel_body, cancel_signature = provider.callback_for(payment, "cancelled")
    payment_callback(provider="gia-lap", body=cancel_body, signature=cancel_signature)
    before = _counts()
    body, signature = provider.callback_for(payment, "success")
    response = _post_callback(Client(), body, signature)
    assert response.status_code == 409
    assert _counts() == before


# --- paying twice ----------------------------------------------------------------------------


def test_paying_twice_is_refused(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    client = _client(svc.citizen)
    started = client.post(reverse("payment:start", args=[dossier.pk]))
    client.post(started["Location"], {"ket_qua": "thanh-cong"})
    before = _counts()
    again = client.post(reverse("payment:start", args=[dossier.pk]))
    assert again.status_code == 409
    assert "Hồ sơ đã được thanh toán" in again.content.decode()
    with pytest.raises(Conflict, match="Hồ sơ đã được thanh toán"):
        payment_start(actor=svc.citizen, dossier=dossier)
    with pytest.raises(Conflict, match="Hồ sơ đã được thanh toán"):
        payment_record_counter(actor=svc.receiver, dossier=dossier)
    assert _counts() == before
    page = client.get(reverse("payment:start", args=[dossier.pk])).content.decode()
    assert "BL-2026-000001" in page
    assert "Thanh toán trực tuyến" not in page


def test_a_second_gateway_payment_of_a_paid_dossier_is_refused(svc: Any, clock: Any) -> None:
    """Two tabs: the payer opened a payment, the desk was paid in cash meanwhile."""
    dossier = _submit(svc)
    payment, url = payment_start(actor=svc.citizen, dossier=dossier)
    payment_record_counter(actor=svc.receiver, dossier=dossier)
    before = _counts()
    body, signature = FakeProvider().callback_for(payment, "success")
    response = _post_callback(Client(), body, signature)
    assert response.status_code == 409
    assert response.json()["code"] == "already_paid"
    _still_pending(payment, before)
    # The gateway page of that payment says it is over rather than offering to pay.
    assert "Thanh toán thành công" not in _client(svc.citizen).get(url).content.decode()


def test_the_database_allows_one_paid_payment_per_dossier(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    payment_record_counter(actor=svc.receiver, dossier=dossier)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            dossier=dossier,
            amount_vnd=200_000,
            method=PaymentMethod.COUNTER,
            reference="TT-DUP",
            state=PaymentState.PAID,
        )


# --- at the desk -----------------------------------------------------------------------------


def test_the_desk_records_a_cash_payment_with_a_receipt_number(svc: Any, clock: Any) -> None:
    first, second = _submit(svc), _submit(svc)
    # both were received by _submit
    payment = payment_record_counter(actor=svc.receiver, dossier=first)
    assert (payment.state, payment.method, payment.amount_vnd, payment.created_by) == (
        PaymentState.PAID,
        PaymentMethod.COUNTER,
        200_000,
        svc.receiver,
    )
    assert payment.receipt_number == "BL-2026-000001"
    assert payment.paid_at == clock.now
    event = DossierEvent.objects.filter(dossier=first).order_by("-pk").first()
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "pay",
        svc.receiver,
        DossierState.RECEIVED,
        DossierState.RECEIVED,
    )
    entry = Entry.objects.order_by("-pk").first()
    assert entry is not None
    assert entry.action == "services.dossier.pay"
    assert entry.actor == svc.receiver
    assert _payload(entry)["method"] == "counter"
    assert payment_record_counter(actor=svc.receiver, dossier=second).receipt_number == "BL-2026-000002"
    # Numbering restarts every year.
    clock.set(at("2027-01-04"))
    third = _submit(svc)
    assert payment_record_counter(actor=svc.receiver, dossier=third).receipt_number == "BL-2027-000001"


def test_only_the_desk_in_reach_records_cash_payments(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    before = _counts()
    for outsider in (svc.citizen, svc.sct_officer, svc.handler):
        with pytest.raises(NotAllowed):
            payment_record_counter(actor=outsider, dossier=dossier)
    assert _counts() == before


def test_no_payment_for_a_cancelled_dossier(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    S.dossier_cancel(actor=svc.receiver, dossier=dossier, reason="Nộp nhầm")
    before = _counts()
    with pytest.raises(Conflict):
        payment_start(actor=svc.citizen, dossier=dossier)
    with pytest.raises(Conflict):
        payment_record_counter(actor=svc.receiver, dossier=dossier)
    assert _counts() == before


# --- who may see what --------------------------------------------------------------------------


def test_another_citizen_can_neither_start_nor_see_a_payment(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    payment, url = payment_start(actor=svc.citizen, dossier=dossier)
    before = _counts()
    with pytest.raises(NotFound):
        payment_start(actor=svc.other_citizen, dossier=dossier)
    with pytest.raises(NotFound):
        payment_start(actor=svc.receiver, dossier=dossier)  # officers do not pay for applicants
    for person in (svc.other_citizen, svc.receiver):
        client = _client(person)
        assert client.get(reverse("payment:start", args=[dossier.pk])).status_code == 404
        assert client.post(reverse("payment:start", args=[dossier.pk])).status_code == 404
        assert client.get(url).status_code == 404
        assert client.post(url, {"ket_qua": "thanh-cong"}).status_code == 404
        done = client.get(reverse("payment:done", args=[payment.reference]))
        assert done.status_code == 404
        assert dossier.code not in done.content.decode()
    assert _client(svc.citizen).get(reverse("payment:done", args=["TT-NOPE"])).status_code == 404
    _still_pending(payment, before)


def test_payment_pages_need_a_login(svc: Any, clock: Any) -> None:
    dossier = _submit(svc)
    payment, url = payment_start(actor=svc.citizen, dossier=dossier)
    anonymous = Client()
    for address in (
        reverse("payment:start", args=[dossier.pk]),
        url,
        reverse("payment:done", args=[payment.reference]),
    ):
        response = anonymous.get(address)
        assert response.status_code == 302
        assert "dang-nhap" in response["Location"]
