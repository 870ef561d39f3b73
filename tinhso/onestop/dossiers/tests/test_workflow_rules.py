"""Issue 12, items 13 and 14: no result handed over while a fee is due (unless the desk records
why it is not collected online), and the approver approves the draft result they saw, which is
what gets signed. Each rule through the service, the API and the pages, allowed and refused; a
refusal is shown to have changed nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.ledger.models import Entry
from tinhso.onestop import rules
from tinhso.onestop.conftest import draft_upload, make_procedure, pay_at_counter, submit_online, to_approval, to_review
from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.dossiers import intake
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, DossierEvent, DossierFile, DossierState, FeeWaiver, FileKind, Payment
from tinhso.onestop.payments import services as payments
from tinhso.onestop.payments.services import FakeProvider, payment_callback, payment_start
from tinhso.onestop.results import signing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

API = "/api/services/"
ST = DossierState


def _snapshot(dossier: Dossier) -> tuple[Any, ...]:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.state,
        fresh.updated_at,
        fresh.completed_at,
        fresh.decided_at,
        DossierEvent.objects.count(),
        Entry.objects.count(),
        Payment.objects.count(),
        FeeWaiver.objects.count(),
        DossierFile.objects.count(),
    )


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def approved(svc: Any, clock: Any) -> Dossier:
    """An online dossier approved with its signed result; its 200.000 đồng fee not paid."""
    dossier = to_approval(svc, to_review(svc, submit_online(svc)))
    return S.dossier_approve(actor=svc.approver, dossier=dossier)


# --- item 13: the fee --------------------------------------------------------------------------


def test_the_result_is_not_returned_while_the_fee_is_due(svc: Any, approved: Dossier) -> None:
    assert payments.fee_status(approved).state == "due"
    before = _snapshot(approved)
    with pytest.raises(Conflict) as caught:
        S.dossier_return_result(actor=svc.receiver, dossier=approved)
    assert (caught.value.status_code, caught.value.code) == (409, "fee_due")
    assert caught.value.message == (
        "Chưa thể trả kết quả: hồ sơ còn phí, lệ phí 200.000 đồng chưa thu. Người nộp cần thanh toán, hoặc bộ phận "
        "một cửa ghi nhận đã thu trực tiếp hay được miễn."
    )
    assert _snapshot(approved) == before


def test_paid_online_then_returned(svc: Any, approved: Dossier) -> None:
    payment, _url = payment_start(actor=svc.citizen, dossier=approved)
    body, signature = FakeProvider().callback_for(payment, "success")
    payment_callback(provider=FakeProvider.name, body=body, signature=signature)
    assert payments.fee_status(approved).state == "paid"
    assert S.dossier_return_result(actor=svc.receiver, dossier=approved).state == ST.RESULT_RETURNED


@pytest.mark.parametrize(
    ("reason", "receipt", "kept"),
    [
        ("exempt", "IGNORED-1", ""),  # an exemption has no receipt
        ("paid_elsewhere", "  KB   2026-77 ", "KB 2026-77"),
    ],
)
def test_the_desk_records_why_the_fee_is_not_collected_then_returns(
    svc: Any, approved: Dossier, clock: Any, reason: str, receipt: str, kept: str
) -> None:
    entries = Entry.objects.count()
    waiver = payments.fee_waive(
        actor=svc.receiver,
        dossier=approved,
        reason=reason,
        receipt_number=receipt,
        note="  Người có công với cách mạng ",
    )
    assert (waiver.reason, waiver.receipt_number, waiver.note, waiver.amount_vnd) == (
        reason,
        kept,
        "Người có công với cách mạng",
        200_000,
    )
    assert (waiver.recorded_by, waiver.recorded_at) == (svc.receiver, clock.now)
    event = approved.events.get(action="fee_waive")
    assert (event.actor, event.from_state, event.to_state) == (svc.receiver, ST.APPROVED, ST.APPROVED)
    assert "Người có công với cách mạng" in event.note
    entry = Entry.objects.get(action="services.dossier.fee_waive")
    assert Entry.objects.count() == entries + 1
    assert {key: entry.payload.data[key] for key in ("reason", "receipt_number", "amount_vnd", "fee_waiver")} == {
        "reason": reason,
        "receipt_number": kept,
        "amount_vnd": 200_000,
        "fee_waiver": waiver.pk,
    }
    assert "Nguyễn Văn An" not in entry.payload.canonical_json
    status = payments.fee_status(approved)
    assert (status.state, status.amount_due_vnd, status.waiver) == (reason, 0, waiver)
    assert S.dossier_return_result(actor=svc.receiver, dossier=approved).state == ST.RESULT_RETURNED


@pytest.mark.parametrize(
    ("reason", "receipt", "note", "field", "code"),
    [
        ("paid_elsewhere", "  ", "Nộp tại kho bạc", "receipt_number", "required"),
        ("paid_elsewhere", "X" * 41, "Nộp tại kho bạc", "receipt_number", "too_long"),
        ("exempt", "", "   ", "reason", "required"),
        ("forgiven", "", "Quen biết", "reason", "invalid_choice"),
    ],
)
def test_a_fee_waiver_needs_a_reason_and_a_receipt_when_paid_elsewhere(
    svc: Any,
    approved: Dossier,
    reason: str,
    receipt: str,
    note: str,
    field: str,
    code: str,
) -> None:
    before = _snapshot(approved)
    with pytest.raises(DomainError) as caught:
        payments.fee_waive(actor=svc.receiver, dossier=approved, reason=reason, receipt_number=receipt, note=note)
    assert (caught.value.status_code, caught.value.field, caught.value.code) == (400, field, code)
    assert _snapshot(approved) == before


def test_only_the_desk_records_a_fee_waiver(svc: Any, approved: Dossier) -> None:
    before = _snapshot(approved)
    for person in (svc.handler, svc.approver, svc.citizen, svc.sct_officer, svc.other_citizen):
        assert not rules.may_waive_fee(person, approved)
        with pytest.raises(NotAllowed):
            payments.fee_waive(actor=person, dossier=approved, reason="exempt", note="Miễn")
    assert _snapshot(approved) == before
    assert rules.may_waive_fee(svc.receiver, approved)


def test_a_fee_waiver_only_where_a_fee_can_be_paid(svc: Any, approved: Dossier, clock: Any) -> None:
    cases = []
    paid = to_review(svc, submit_online(svc, "k-paid"))
    pay_at_counter(svc, paid)
    cases.append((paid, "already_paid"))
    waived = to_review(svc, submit_online(svc, "k-waived"))
    payments.fee_waive(actor=svc.receiver, dossier=waived, reason="exempt", note="Miễn")
    cases.append((waived, "fee_waived"))
    free = make_procedure(code="1.000894.000.00.00.H31", agencies=[svc.centre, svc.stp], fee_vnd=0)
    cases.append(
        (
            intake.dossier_submit_online(
                applicant=svc.citizen,
                procedure=free,
                agency=svc.centre,
                form_data={"full_name": "An", "personal_id": "033095001234"},
                idempotency_key="k-free",
            ),
            "no_fee",
        )
    )
    stopped = S.dossier_stop(actor=svc.citizen, dossier=submit_online(svc, "k-stop"), reason="Thôi")
    cases.append((stopped, "wrong_state"))
    for dossier, code in cases:
        before = _snapshot(dossier)
        with pytest.raises(Conflict) as caught:
            payments.fee_waive(actor=svc.receiver, dossier=dossier, reason="exempt", note="Miễn")
        assert caught.value.code == code, dossier
        assert _snapshot(dossier) == before
    # Once recorded, the fee cannot be paid online nor at the desk either.
    for pay in (lambda: payment_start(actor=svc.citizen, dossier=waived), lambda: pay_at_counter(svc, waived)):
        with pytest.raises(Conflict) as caught:
            pay()
        assert caught.value.code == "fee_waived"
    assert not Payment.objects.filter(dossier=waived).exists()


def test_a_refused_dossier_owes_nothing_and_its_refusal_is_handed_over(svc: Any, clock: Any) -> None:
    dossier = to_approval(svc, to_review(svc, submit_online(svc)))
    dossier = S.dossier_refuse(actor=svc.approver, dossier=dossier, reason="Không đủ điều kiện")
    status = payments.fee_status(dossier)
    assert (status.state, status.amount_due_vnd) == ("not_owed", 0)
    assert payments.payment_refusal(dossier).code == "wrong_state"
    assert S.dossier_return_result(actor=svc.receiver, dossier=dossier).state == ST.RESULT_RETURNED


def test_the_desk_takes_the_fee_from_filing_and_the_applicant_pays_online_once_received(
    svc: Any,
    clock: Any,
) -> None:
    dossier = submit_online(svc)
    # Not yet received, it may still be turned away at the counter: no online payment (issue 12,
    # item 8), but the desk may take the fee with the filing.
    assert payments.payment_refusal(dossier).code == "wrong_state"
    assert payments.payment_refusal(dossier, online=False) is None
    for state in (ST.RECEIVED, ST.PENDING_APPROVAL, ST.APPROVED, ST.RESULT_RETURNED):
        Dossier.objects.filter(pk=dossier.pk).update(state=state)
        dossier.refresh_from_db()
        assert payments.payment_refusal(dossier) is None, state
        assert payments.payment_refusal(dossier, online=False) is None, state
    for state in (ST.REFUSED, ST.STOPPED, ST.CANCELLED):
        Dossier.objects.filter(pk=dossier.pk).update(state=state)
        dossier.refresh_from_db()
        assert payments.payment_refusal(dossier).code == "wrong_state", state
        assert payments.payment_refusal(dossier, online=False).code == "wrong_state", state


def test_api_refuses_the_return_with_the_reason_then_records_the_waiver(svc: Any, approved: Dossier) -> None:
    desk = _client(svc.receiver)
    before = _snapshot(approved)
    refused = desk.post(f"{API}dossiers/{approved.pk}/return-result/", "{}", content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "fee_due"
    assert "200.000 đồng chưa thu" in refused.json()["detail"]
    assert _snapshot(approved) == before
    detail = _client(svc.citizen).get(f"{API}dossiers/{approved.pk}/").json()
    assert detail["fee"] == {
        "status": "due",
        "fee_vnd": 200_000,
        "amount_due_vnd": 200_000,
        "payable": True,
        "receipt_number": "",
        "recorded_at": None,
    }

    url = f"{API}dossiers/{approved.pk}/fee-waiver/"
    body = {"reason": "paid_elsewhere", "receipt_number": "", "note": "Nộp tại kho bạc"}
    missing = desk.post(url, json.dumps(body), content_type="application/json")
    assert (missing.status_code, missing.json()["field"]) == (400, "receipt_number")
    assert _client(svc.handler).post(url, json.dumps(body), content_type="application/json").status_code == 403
    assert _client(svc.sct_officer).post(url, json.dumps(body), content_type="application/json").status_code == 404
    assert _client(svc.other_citizen).post(url, json.dumps(body), content_type="application/json").status_code == 404
    assert _snapshot(approved) == before
    done = desk.post(url, json.dumps({**body, "receipt_number": "KB-1"}), content_type="application/json")
    assert done.status_code == 201
    assert {key: done.json()[key] for key in ("reason", "receipt_number", "amount_vnd", "recorded_by")} == {
        "reason": "paid_elsewhere",
        "receipt_number": "KB-1",
        "amount_vnd": 200_000,
        "recorded_by": svc.receiver.get_full_name(),
    }
    again = desk.post(url, json.dumps({**body, "receipt_number": "KB-2"}), content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "fee_waived")
    fee = _client(svc.citizen).get(f"{API}dossiers/{approved.pk}/").json()["fee"]
    assert (fee["status"], fee["amount_due_vnd"], fee["payable"], fee["receipt_number"]) == (
        "paid_elsewhere",
        0,
        False,
        "KB-1",
    )
    returned = desk.post(f"{API}dossiers/{approved.pk}/return-result/", "{}", content_type="application/json")
    assert (returned.status_code, returned.json()["state"]) == (200, "result_returned")


def test_officer_page_disables_the_return_and_says_why(svc: Any, approved: Dossier) -> None:
    desk = _client(svc.receiver)
    url = reverse("officer:dossier", args=[approved.pk])
    page = desk.get(url)
    item = next(item for item in page.context["actions"] if item["action"].key == "return_result")
    assert item["blocked"].startswith("Chưa thể trả kết quả: hồ sơ còn phí, lệ phí 200.000 đồng chưa thu.")
    html = page.content.decode()
    form = html[html.index('data-testid="action-return_result"') :]
    form = form[: form.index("</form>")]
    assert "disabled" in form
    assert "200.000 đồng chưa thu" in form
    assert {"payment", "fee_waive"} <= {item["action"].key for item in page.context["actions"]}
    before = _snapshot(approved)
    posted = desk.post(reverse("officer:action", args=[approved.pk, "tra-ket-qua"]))
    assert posted.status_code == 409
    assert "200.000 đồng chưa thu" in posted.content.decode()
    assert _snapshot(approved) == before

    recorded = desk.post(
        reverse("officer:action", args=[approved.pk, "ghi-nhan-phi"]),
        {"reason": "exempt", "receipt_number": "", "note": "Thân nhân liệt sĩ"},
    )
    assert recorded.status_code == 302
    page = desk.get(url)
    keys = {item["action"].key: item for item in page.context["actions"]}
    assert keys["return_result"]["blocked"] == ""
    assert not {"payment", "fee_waive"} & set(keys)
    assert "được miễn" in page.content.decode()
    assert desk.post(reverse("officer:action", args=[approved.pk, "tra-ket-qua"])).status_code == 302


def test_the_waiver_form_is_refused_to_others_and_checked(svc: Any, approved: Dossier) -> None:
    url = reverse("officer:action", args=[approved.pk, "ghi-nhan-phi"])
    before = _snapshot(approved)
    assert _client(svc.approver).post(url, {"reason": "exempt", "note": "x"}).status_code == 403
    bad = _client(svc.receiver).post(url, {"reason": "paid_elsewhere", "note": "Kho bạc"})
    assert bad.status_code == 400
    assert "Vui lòng nhập số biên lai đã thu phí, lệ phí." in bad.content.decode()
    assert _snapshot(approved) == before


def test_citizen_sees_what_is_owed_and_can_pay_then_sees_it_settled(svc: Any, approved: Dossier) -> None:
    citizen = _client(svc.citizen)
    url = reverse("citizen:dossier", args=[approved.pk])
    html = citizen.get(url).content.decode()
    assert 'data-testid="fee-due"' in html
    assert "Phí, lệ phí cần nộp: 200.000 đồng" in html
    assert 'data-testid="pay"' in html
    mine = citizen.get(reverse("citizen:dossiers")).content.decode()
    assert "Cần nộp phí, lệ phí" in mine
    started = citizen.post(reverse("citizen:pay", args=[approved.pk]))
    assert started.status_code == 302
    payment = Payment.objects.get(dossier=approved)
    body, signature = FakeProvider().callback_for(payment, "success")
    payment_callback(provider=FakeProvider.name, body=body, signature=signature)
    html = citizen.get(url).content.decode()
    assert 'data-testid="pay"' not in html
    assert 'data-testid="fee-due"' not in html
    assert f"đã nộp, biên lai số {Payment.objects.get(dossier=approved).receipt_number}" in html
    assert "Cần nộp phí, lệ phí" not in citizen.get(reverse("citizen:dossiers")).content.decode()


def test_citizen_sees_an_exemption_and_no_pay_button(svc: Any, approved: Dossier) -> None:
    payments.fee_waive(actor=svc.receiver, dossier=approved, reason="exempt", note="Hộ nghèo")
    citizen = _client(svc.citizen)
    html = citizen.get(reverse("citizen:dossier", args=[approved.pk])).content.decode()
    assert "Được miễn phí, lệ phí" in html
    assert 'data-testid="pay"' not in html
    assert "Hộ nghèo" not in html  # the desk's grounds stay with the desk
    assert citizen.post(reverse("citizen:pay", args=[approved.pk])).status_code == 409


def test_a_result_returned_with_its_fee_unpaid_can_still_be_paid(svc: Any, approved: Dossier) -> None:
    """A dossier returned before this rule existed (as in the issue): the citizen sees and pays."""
    Dossier.objects.filter(pk=approved.pk).update(state=ST.RESULT_RETURNED)
    html = _client(svc.citizen).get(reverse("citizen:dossier", args=[approved.pk])).content.decode()
    assert "Phí, lệ phí cần nộp: 200.000 đồng" in html
    assert 'data-testid="pay"' in html


# --- item 14: the draft result ------------------------------------------------------------------


def test_no_submission_nor_approval_without_a_draft_where_the_result_is_electronic(svc: Any, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    assert S.result_file_required(dossier.procedure)
    before = _snapshot(dossier)
    with pytest.raises(Conflict) as caught:
        S.dossier_submit_for_approval(actor=svc.handler, dossier=dossier)
    assert (caught.value.code, caught.value.message) == (
        "draft_required",
        (
            "Thủ tục này trả kết quả điện tử: chuyên viên thụ lý cần tải lên dự thảo kết quả (PDF) trước khi "
            "trình phê duyệt."
        ),
    )
    assert _snapshot(dossier) == before
    Dossier.objects.filter(pk=dossier.pk).update(state=ST.PENDING_APPROVAL)  # e.g. submitted before this rule
    before = _snapshot(dossier)
    with pytest.raises(Conflict) as caught:
        S.dossier_approve(actor=svc.approver, dossier=dossier)
    assert caught.value.code == "draft_required"
    assert _snapshot(dossier) == before


def test_approval_signs_exactly_the_draft_the_approver_saw(svc: Any, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    draft = draft_upload(svc, dossier, title="Phieu LLTP so 1")
    with draft.file.open("rb") as handle:
        draft_bytes = handle.read()
    dossier = S.dossier_submit_for_approval(actor=svc.handler, dossier=dossier)
    dossier = S.dossier_approve(actor=svc.approver, dossier=dossier, draft_id=draft.pk)
    assert dossier.state == ST.APPROVED
    result = dossier.files.get(kind=FileKind.RESULT)
    with result.file.open("rb") as handle:
        signed = handle.read()
    assert signed.startswith(draft_bytes)  # PAdES adds an incremental update: the draft's bytes, then the signature
    assert len(signed) > len(draft_bytes)
    assert (result.signed, result.original_name, result.uploaded_by) == (True, "du-thao.pdf", svc.approver)
    assert signing.result_verify(result.verification_token, signed).valid
    approve = Entry.objects.get(action="services.dossier.approve")
    assert (approve.payload.data["draft"], approve.payload.data["draft_sha256"]) == (draft.pk, draft.sha256)
    assert [e.action for e in dossier.events.order_by("at", "pk")][-3:] == [
        "submit_for_approval",
        "approve",
        "result_issued",
    ]


def test_the_handler_replaces_the_draft_until_approval_and_a_stale_approval_is_refused(
    svc: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = to_approval(svc, to_review(svc, submit_online(svc)))
    first = dossier.files.get(kind=FileKind.DRAFT)
    first_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = draft_upload(svc, dossier, title="Phieu LLTP da sua")
    assert list(dossier.files.filter(kind=FileKind.DRAFT)) == [second]
    assert not first.file.storage.exists(first_name)  # the replaced draft's file is gone
    entry = Entry.objects.filter(action=signing.DRAFT_ACTION).latest("pk")
    assert entry.payload.data["replaced"] == {"file": first.pk, "sha256": first.sha256}
    before = _snapshot(dossier)
    with pytest.raises(Conflict) as caught:
        S.dossier_approve(actor=svc.approver, dossier=dossier, draft_id=first.pk)
    assert caught.value.code == "draft_changed"
    assert _snapshot(dossier) == before
    S.dossier_approve(actor=svc.approver, dossier=dossier, draft_id=second.pk)
    result = dossier.files.get(kind=FileKind.RESULT)
    with second.file.open("rb") as handle, result.file.open("rb") as signed:
        assert signed.read().startswith(handle.read())
    # After approval the draft is settled: no replacement.
    with pytest.raises(Conflict):
        draft_upload(svc, dossier)


def test_a_paper_result_needs_no_file_and_an_optional_draft_is_still_signed(svc: Any, clock: Any) -> None:
    paper = make_procedure(
        code="1.000894.000.00.00.H31", agencies=[svc.centre, svc.stp], online_level="partial", fee_vnd=0
    )
    assert not S.result_file_required(paper)

    def reviewed(key: str) -> Dossier:
        dossier = intake.dossier_submit_online(
            applicant=svc.citizen,
            procedure=paper,
            agency=svc.centre,
            form_data={"full_name": "An", "personal_id": "033095001234"},
            idempotency_key=key,
        )
        return to_review(svc, dossier)

    plain = S.dossier_submit_for_approval(actor=svc.handler, dossier=reviewed("p-1"))
    plain = S.dossier_approve(actor=svc.approver, dossier=plain, draft_id=0)
    assert not plain.files.exists()
    assert S.dossier_return_result(actor=svc.receiver, dossier=plain).state == ST.RESULT_RETURNED
    with_draft = to_approval(svc, reviewed("p-2"))
    # The approver opened it before the draft came (0: no draft seen): not approved blind.
    before = _snapshot(with_draft)
    with pytest.raises(Conflict) as caught:
        S.dossier_approve(actor=svc.approver, dossier=with_draft, draft_id=0)
    assert caught.value.code == "draft_changed"
    assert _snapshot(with_draft) == before
    S.dossier_approve(actor=svc.approver, dossier=with_draft)
    assert with_draft.files.get(kind=FileKind.RESULT).signed


def test_the_applicant_never_sees_the_draft(svc: Any, clock: Any) -> None:
    dossier = to_approval(svc, to_review(svc, submit_online(svc)))
    draft = dossier.files.get(kind=FileKind.DRAFT)
    download = reverse("file:download", args=[draft.pk])
    citizen = _client(svc.citizen)
    assert citizen.get(download).status_code == 404
    assert _client(svc.sct_officer).get(download).status_code == 404
    for officer in (svc.approver, svc.handler, svc.receiver):
        response = _client(officer).get(download)
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
        assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert citizen.get(f"{API}dossiers/{dossier.pk}/files/").json() == []
    assert citizen.get(f"{API}dossiers/{dossier.pk}/").json()["files"] == []
    assert citizen.get(f"{API}dossiers/{dossier.pk}/draft-result/").status_code == 404
    page = citizen.get(reverse("citizen:dossier", args=[dossier.pk])).content.decode()
    assert download not in page
    assert "Dự thảo kết quả" not in page
    officer = _client(svc.approver).get(f"{API}dossiers/{dossier.pk}/files/").json()
    assert [(f["id"], f["kind"]) for f in officer] == [(draft.pk, "draft")]


def test_approver_sees_the_draft_on_the_page_before_approving(svc: Any, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    url = reverse("officer:dossier", args=[dossier.pk])
    handler = _client(svc.handler)
    page = handler.get(url)
    keys = {item["action"].key: item for item in page.context["actions"]}
    assert keys["submit_for_approval"]["blocked"].startswith("Thủ tục này trả kết quả điện tử")
    upload = SimpleUploadedFile("phieu.pdf", sample_pdf("Phieu"), "application/pdf")
    bad = handler.post(
        reverse("officer:action", args=[dossier.pk, "du-thao-ket-qua"]),
        {"pdf": SimpleUploadedFile("phieu.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert bad.status_code == 400
    assert "Tệp không phải định dạng PDF." in bad.content.decode()
    assert not DossierFile.objects.exists()
    assert (
        _client(svc.approver)
        .post(reverse("officer:action", args=[dossier.pk, "du-thao-ket-qua"]), {"pdf": upload})
        .status_code
        == 403
    )
    upload.seek(0)
    assert (
        handler.post(reverse("officer:action", args=[dossier.pk, "du-thao-ket-qua"]), {"pdf": upload}).status_code
        == 302
    )
    draft = dossier.files.get(kind=FileKind.DRAFT)
    assert handler.post(reverse("officer:action", args=[dossier.pk, "trinh-duyet"]), {"note": ""}).status_code == 302

    leader = _client(svc.approver)
    page = leader.get(url)
    html = page.content.decode()
    assert 'data-testid="draft"' in html
    assert reverse("file:download", args=[draft.pk]) in html
    approve = next(item for item in page.context["actions"] if item["action"].key == "approve")
    assert approve["blocked"] == ""
    assert approve["form"]["draft"].value() == draft.pk
    assert f'name="draft" value="{draft.pk}"' in html
    stale = leader.post(reverse("officer:action", args=[dossier.pk, "phe-duyet"]), {"draft": draft.pk + 1000})
    assert stale.status_code == 409
    assert Dossier.objects.get(pk=dossier.pk).state == ST.PENDING_APPROVAL
    done = leader.post(reverse("officer:action", args=[dossier.pk, "phe-duyet"]), {"draft": draft.pk})
    assert done.status_code == 302
    assert dossier.files.get(kind=FileKind.RESULT).signed


def test_a_draft_added_after_the_page_was_opened_is_not_approved_blind(svc: Any, clock: Any) -> None:
    paper = make_procedure(code="1.000894.000.00.00.H31", agencies=[svc.centre, svc.stp], online_level="partial")
    dossier = intake.dossier_submit_online(
        applicant=svc.citizen,
        procedure=paper,
        agency=svc.centre,
        form_data={"full_name": "An", "personal_id": "033095001234"},
        idempotency_key="blind-1",
    )
    dossier = S.dossier_submit_for_approval(actor=svc.handler, dossier=to_review(svc, dossier))
    leader = _client(svc.approver)
    page = leader.get(reverse("officer:dossier", args=[dossier.pk]))
    approve = next(item for item in page.context["actions"] if item["action"].key == "approve")
    assert approve["blocked"] == ""  # a paper result: no draft needed
    assert 'name="draft" value="0"' in page.content.decode()
    draft_upload(svc, dossier)  # meanwhile
    before = _snapshot(dossier)
    stale = leader.post(reverse("officer:action", args=[dossier.pk, "phe-duyet"]), {"draft": "0"})
    assert stale.status_code == 409
    assert "Dự thảo kết quả đã được thay đổi" in stale.content.decode()
    assert _snapshot(dossier) == before
