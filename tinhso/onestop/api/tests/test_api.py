"""The one-stop shop API at its interface: a dossier's whole life through HTTP, the idempotent
submission, refusals that write nothing (400 per field, 403, 404 alike for missing and out of
reach, 409 for the wrong state), personal data masked in lists, the public endpoints and the
schema."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import include, path

from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import GOOD_FORM, at
from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.models import Dossier, DossierEvent, DossierFile, Payment, Rating
from tinhso.onestop.payments.services import FakeProvider
from tinhso.org.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

BASE = "/api/services/"

# The services API alone, for validating its part of the schema (see test_schema_has_no_warnings).
urlpatterns = [
    path("api/services/", include("tinhso.onestop.api.urls")),
    path("tep/", include("tinhso.onestop.files.urls")),
    path("xac-minh/", include("tinhso.onestop.results.urls")),
    path("thanh-toan/", include("tinhso.onestop.payments.urls")),
]

As = Callable[[Any], Client]


@pytest.fixture
def as_() -> As:
    """as_(person) → a client logged in as that person."""
    clients: dict[int, Client] = {}

    def client_for(person: Any) -> Client:
        if person.pk not in clients:
            clients[person.pk] = Client()
            clients[person.pk].force_login(person)
        return clients[person.pk]

    return client_for


def _post(client: Client, url: str, data: Any = None, **headers: str) -> Any:
    return client.post(
        BASE + url, json.dumps({} if data is None else data), content_type="application/json", headers=headers
    )


def _submit(client: Client, svc: SimpleNamespace, key: str = "k-1", form: dict | None = None, **body: Any) -> Any:
    payload = {
        "procedure": svc.procedure.code,
        "agency": svc.centre.pk,
        "form_data": GOOD_FORM if form is None else form,
        **body,
    }
    return _post(client, "dossiers/", payload, **{"Idempotency-Key": key})


def _act(client: Client, dossier_id: int, action: str, data: Any = None) -> Any:
    return _post(client, f"dossiers/{dossier_id}/{action}/", data)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()
    return response.json()


def _written() -> tuple[int, int, int]:
    return Dossier.objects.count(), DossierEvent.objects.count(), Entry.objects.count()


@pytest.fixture
def submitted(svc: SimpleNamespace, as_: As, clock: Any) -> int:
    return _ok(_submit(as_(svc.citizen), svc), 201)["id"]


def _to(svc: SimpleNamespace, as_: As, dossier_id: int, last: str) -> dict[str, Any]:
    """Walk a submitted dossier through the usual steps up to ``last`` (inclusive)."""
    steps = [
        ("receive", svc.receiver, None),
        ("forward", svc.receiver, {"to_agency": svc.stp.pk}),
        ("assign", svc.approver, {"assignee": svc.handler.pk}),
        ("start-review", svc.handler, None),
        ("submit-for-approval", svc.handler, {"note": "Đủ điều kiện"}),
        ("approve", svc.approver, None),
        ("return-result", svc.receiver, None),
    ]
    body: dict[str, Any] = {}
    for action, who, data in steps:
        if action == "submit-for-approval":
            _draft(as_(svc.handler), dossier_id)
        if action == "return-result":
            _ok(_post(as_(svc.receiver), f"dossiers/{dossier_id}/payments/counter/"), 201)
        body = _ok(_act(as_(who), dossier_id, action, data))
        if action == last:
            break
    return body


def _draft(client: Client, dossier_id: int, title: str = "Phieu LLTP") -> Any:
    """The handler's draft result (a real PDF) through the API."""
    upload = SimpleUploadedFile("du-thao.pdf", sample_pdf(title), content_type="application/pdf")
    return _ok(client.post(f"{BASE}dossiers/{dossier_id}/draft-result/", {"file": upload}), 201)


# --- submission -------------------------------------------------------------------------------


def test_submit_is_idempotent(svc: SimpleNamespace, as_: As, clock: Any) -> None:
    entries = Entry.objects.count()
    first = _ok(_submit(as_(svc.citizen), svc), 201)
    assert set(first) == {"id", "code", "state", "due_at", "submitted_at"}
    assert first["state"] == "submitted"
    assert first["code"] == "H31.01-260302-0001"
    again = _ok(_submit(as_(svc.citizen), svc, form={"full_name": ""}))  # a retry, whatever it carries
    assert again == first
    assert Dossier.objects.count() == 1
    assert DossierEvent.objects.count() == 1
    assert Entry.objects.count() == entries + 1
    # Another applicant cannot reuse (nor learn anything through) someone's key.
    taken = _submit(as_(svc.other_citizen), svc)
    assert taken.status_code == 409
    assert taken.json()["code"] == "idempotency_key_taken"
    assert first["code"] not in taken.content.decode()


def test_a_bad_form_gives_errors_per_field_and_no_dossier(svc: SimpleNamespace, as_: As, clock: Any) -> None:
    before = _written()
    bad = {**GOOD_FORM, "full_name": "", "phone": "12345", "purpose": "Đi chơi"}
    body = _ok(_submit(as_(svc.citizen), svc, form=bad), 400)
    assert set(body["errors"]) == {"full_name", "phone", "purpose"}
    assert body["errors"]["full_name"] == "Trường “Họ và tên” là bắt buộc."
    assert _written() == before


@pytest.mark.parametrize(
    ("body", "headers", "field"),
    [
        ({"procedure": "9.999"}, None, "procedure"),
        ({"agency": "sct"}, None, "agency"),
        ({"agency": -61833395823218766101207715455187288064}, None, "agency"),  # no database holds it
        ({"agency": 2**63}, None, "agency"),
        ({"form_data": "không phải đối tượng"}, None, "form_data"),
        ({}, {}, "Idempotency-Key"),
        ({}, {"Idempotency-Key": "x" * 81}, "Idempotency-Key"),
    ],
)
def test_submit_refuses_bad_input_in_vietnamese(
    svc: SimpleNamespace, as_: As, clock: Any, body: dict, headers: dict | None, field: str
) -> None:
    payload: dict[str, Any] = {"procedure": svc.procedure.code, "agency": svc.centre.pk, "form_data": GOOD_FORM}
    payload.update(body)
    if payload["agency"] == "sct":
        payload["agency"] = svc.sct.pk  # exists, but does not offer the procedure
    before = _written()
    response = _post(
        as_(svc.citizen), "dossiers/", payload, **({"Idempotency-Key": "k"} if headers is None else headers)
    )
    assert _ok(response, 400)["field"] == field
    assert _written() == before


def test_the_counter_refuses_an_agency_id_no_database_holds(svc: SimpleNamespace, as_: As, clock: Any) -> None:
    """Found by schemathesis: an id beyond a bigint reached the query and the database's
    overflow became a 500."""
    before = _written()
    body = {"procedure": svc.procedure.code, "agency": 2**70, "applicant_name": "Nguyễn Văn An"}
    response = _post(as_(svc.receiver), "dossiers/counter/", body, **{"Idempotency-Key": "huge-id"})
    assert _ok(response, 400)["field"] == "agency"
    assert _written() == before


def test_an_officer_cannot_submit_online_and_a_stranger_must_log_in(svc: SimpleNamespace, as_: As, clock: Any) -> None:
    before = _written()
    assert _submit(as_(svc.receiver), svc).status_code == 403
    anonymous = _submit(Client(), svc)
    assert anonymous.status_code == 403
    assert anonymous.json()["detail"] == "Vui lòng đăng nhập."
    assert _written() == before


# --- the life of a dossier --------------------------------------------------------------------


def test_full_path_from_submission_to_result(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    states = []
    for action, who, data in [
        ("receive", svc.receiver, None),
        ("forward", svc.receiver, {"to_agency": svc.stp.pk}),
        ("assign", svc.approver, {"assignee": svc.handler.pk}),
        ("start-review", svc.handler, None),
        ("draft-result", svc.handler, None),
        ("submit-for-approval", svc.handler, {}),
        ("approve", svc.approver, "draft"),
        ("payments/counter", svc.receiver, None),
        ("return-result", svc.receiver, None),
    ]:
        if action == "draft-result":
            draft = _draft(as_(who), submitted)
            continue
        if data == "draft":
            data = {"draft": draft["id"]}
        body = _act(as_(who), submitted, action, data)
        states.append(_ok(body, 201 if action.startswith("payments") else 200)["state"])
    assert states == [
        "received",
        "forwarded",
        "assigned",
        "under_review",
        "pending_approval",
        "approved",
        "paid",
        "result_returned",
    ]
    body = _ok(as_(svc.citizen).get(f"{BASE}dossiers/{submitted}/"))
    assert [e["action"] for e in body["events"]] == [
        "submit_online",
        "receive",
        "forward",
        "assign",
        "start_review",
        "draft_result",
        "submit_for_approval",
        "approve",
        "result_issued",
        "pay",
        "return_result",
    ]
    assert body["fee"]["status"] == "paid"
    assert body["fee"]["amount_due_vnd"] == 0
    (result,) = body["files"]  # the applicant sees the signed result, never the draft
    assert (result["kind"], result["signed"]) == ("result", True)
    assert body["handling_agency"]["id"] == svc.stp.pk
    assert body["assignee"]["id"] == svc.handler.pk
    assert body["due_at"] is not None
    assert body["completed_at"] is not None
    assert body["applicant"]["masked"] is False
    assert body["applicant_name"] == "Nguyễn Văn An"
    assert Entry.objects.filter(action__startswith="services.dossier.").count() == 11


def test_refuse_path(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    _to(svc, as_, submitted, "start-review")
    before = _written()
    assert _ok(_act(as_(svc.approver), submitted, "refuse", {"reason": "  "}), 400)["field"] == "reason"
    assert _ok(_act(as_(svc.approver), submitted, "refuse", {}), 400)["field"] == "reason"
    assert _written() == before
    body = _ok(_act(as_(svc.approver), submitted, "refuse", {"reason": "Không đủ điều kiện cấp phiếu"}))
    assert body["state"] == "refused"
    assert body["refusal_reason"] == "Không đủ điều kiện cấp phiếu"
    assert _ok(_act(as_(svc.receiver), submitted, "return-result"))["state"] == "result_returned"


def test_supplement_path_pauses_and_resumes(svc: SimpleNamespace, as_: As, submitted: int, clock: Any) -> None:
    _to(svc, as_, submitted, "receive")
    body = _ok(_act(as_(svc.receiver), submitted, "request-supplement", {"reason": "Thiếu bản sao CCCD"}))
    assert body["state"] == "supplement_requested"
    assert body["supplement_requests"] == 1
    due = body["due_at"]
    clock.set(at("2026-03-04"))  # two working days later, in a new session
    citizen = Client()
    citizen.force_login(svc.citizen)
    bad = _ok(_act(citizen, submitted, "supplement", {"form_data": {"phone": "abc"}}), 400)
    assert set(bad["errors"]) == {"phone"}
    body = _ok(_act(citizen, submitted, "supplement", {"form_data": {"purpose": "Du học"}}))
    assert body["state"] == "received"
    assert body["form_data"]["purpose"] == "Du học"
    assert body["due_at"] > due


def test_transfer_path_hands_the_dossier_to_another_agency(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    _to(svc, as_, submitted, "assign")
    assert (
        _ok(_act(as_(svc.approver), submitted, "transfer", {"to_agency": svc.sct.pk, "days": "99"}), 400)["field"]
        == "days"
    )
    body = _ok(_act(as_(svc.approver), submitted, "transfer", {"to_agency": svc.sct.pk, "days": "3"}))
    assert body["state"] == "transferred"
    assert body["handling_agency"]["id"] == svc.sct.pk
    # The new agency picks it up; the one that handed it over no longer reaches it.
    assert _ok(_act(as_(svc.sct_approver), submitted, "assign", {"assignee": svc.sct_handler.pk}))["state"] == (
        "assigned"
    )
    assert as_(svc.approver).get(f"{BASE}dossiers/{submitted}/").status_code == 404


def test_stop_and_cancel_paths(svc: SimpleNamespace, as_: As, clock: Any) -> None:
    first = _ok(_submit(as_(svc.citizen), svc, key="a"), 201)["id"]
    second = _ok(_submit(as_(svc.citizen), svc, key="b"), 201)["id"]
    assert _ok(_act(as_(svc.citizen), first, "stop", {"reason": "Không còn nhu cầu"}))["state"] == "stopped"
    assert _ok(_act(as_(svc.receiver), first, "cancel", {"reason": "Nộp nhầm"}), 409)["code"] == "wrong_state"
    before = _written()
    assert _act(as_(svc.citizen), second, "cancel", {"reason": "Nộp nhầm"}).status_code == 403
    assert _written() == before
    assert _ok(_act(as_(svc.receiver), second, "cancel", {"reason": "Nộp nhầm"}))["state"] == "cancelled"


def test_apology_sets_a_new_return_date_once(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    body = _to(svc, as_, submitted, "forward")
    new_due = (dt.datetime.fromisoformat(body["due_at"]) + dt.timedelta(days=3)).isoformat()
    assert _ok(_act(as_(svc.approver), submitted, "apologise", {"new_due_at": "mai", "reason": "x"}), 400)[
        "detail"
    ].startswith("Ngày hẹn trả mới phải là thời điểm hợp lệ")
    body = _ok(_act(as_(svc.approver), submitted, "apologise", {"new_due_at": new_due, "reason": "Chờ xác minh"}))
    assert body["due_reset_count"] == 1
    again = _act(as_(svc.approver), submitted, "apologise", {"new_due_at": new_due, "reason": "Lần nữa"})
    assert _ok(again, 409)["code"] == "due_already_reset"


def test_wrong_state_is_409_and_writes_nothing(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    before = _written()
    body = _ok(_act(as_(svc.receiver), submitted, "forward"), 409)
    assert body["code"] == "wrong_state"
    assert "không thể chuyển xử lý" in body["detail"]
    assert _ok(_act(as_(svc.receiver), submitted, "return-result"), 409)["code"] == "wrong_state"
    assert _written() == before


def test_wrong_role_is_refused_and_writes_nothing(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    before = _written()
    assert _ok(_act(as_(svc.citizen), submitted, "receive"), 403)["code"] == "forbidden"
    assert _written() == before
    _to(svc, as_, submitted, "submit-for-approval")
    before = _written()
    assert _act(as_(svc.handler), submitted, "approve").status_code == 403
    assert _act(as_(svc.handler2), submitted, "refuse", {"reason": "x"}).status_code == 403
    assert _act(as_(svc.other_citizen), submitted, "approve").status_code == 404
    assert _written() == before
    assert Dossier.objects.get(pk=submitted).state == "pending_approval"


def test_an_unrelated_agency_sees_nothing(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    client = as_(svc.sct_officer)
    assert _ok(client.get(f"{BASE}dossiers/")) == {"count": 0, "page": 1, "pages": 1, "results": []}
    missing = client.get(f"{BASE}dossiers/999999/")
    forbidden = client.get(f"{BASE}dossiers/{submitted}/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert client.get(f"{BASE}dossiers/abc/").status_code == 404
    before = _written()
    assert _act(client, submitted, "receive").status_code == 404
    assert _written() == before


# --- lists and personal data ------------------------------------------------------------------


def test_lists_mask_names_and_never_carry_ids_or_phones(
    svc: SimpleNamespace, as_: As, submitted: int, make_person: Any
) -> None:
    counter = _ok(
        _post(
            as_(svc.receiver),
            "dossiers/counter/",
            {
                "procedure": svc.procedure.code,
                "agency": svc.centre.pk,
                "applicant_name": "Trần Thị Bình",
                "applicant_personal_id": "001190004321",
                "applicant_phone": "0987654321",
                "form_data": GOOD_FORM,
            },
        ),
        201,
    )
    assert counter["state"] == "received"
    assert counter["channel"] == "counter"
    assert counter["applicant"]["phone"] == "0987654321"  # the desk that took it in
    rows = _ok(as_(svc.receiver).get(f"{BASE}dossiers/"))["results"]
    assert {row["applicant_name"] for row in rows} == {"N. V. An", "T. T. Bình"}
    raw = json.dumps(rows, ensure_ascii=False)
    for secret in ("001190004321", "0987654321", "033095001234", "0912345678", "Nguyễn Văn An"):
        assert secret not in raw
    assert not {"applicant", "applicant_personal_id", "applicant_phone", "form_data"} & set(rows[0])
    own = _ok(as_(svc.citizen).get(f"{BASE}dossiers/"))["results"]
    assert [row["applicant_name"] for row in own] == ["Nguyễn Văn An"]
    # A read-only leader of the centre reads the dossier, with the contacts masked.
    leader = make_person("lanhdao.ttpvhcc", Role.LEADER, svc.centre)
    body = _ok(as_(leader).get(f"{BASE}dossiers/{counter['id']}/"))
    assert body["applicant"] == {
        "name": "T. T. Bình",
        "personal_id": "********4321",
        "phone": "******4321",
        "email": "",
        "masked": True,
    }
    assert body["form_data"]["personal_id"] == "********1234"
    assert body["form_data"]["phone"] == "******5678"


def test_queues_states_and_pages(svc: SimpleNamespace, as_: As, clock: Any) -> None:
    ids = [_ok(_submit(as_(svc.citizen), svc, key=f"q{n}"), 201)["id"] for n in range(22)]
    _ok(_act(as_(svc.receiver), ids[0], "receive"))
    client = as_(svc.receiver)
    queue = _ok(client.get(f"{BASE}dossiers/", {"queue": "receive"}))
    assert queue["count"] == 21
    assert queue["pages"] == 2
    assert len(queue["results"]) == 20
    assert len(_ok(client.get(f"{BASE}dossiers/", {"queue": "receive", "page": "2"}))["results"]) == 1
    assert _ok(client.get(f"{BASE}dossiers/", {"queue": "receive", "page": "9"}))["results"] == []
    received = _ok(client.get(f"{BASE}dossiers/", {"state": "received"}))
    assert [row["id"] for row in received["results"]] == [ids[0]]
    assert _ok(as_(svc.approver).get(f"{BASE}dossiers/", {"queue": "approve"}))["count"] == 0
    assert _ok(client.get(f"{BASE}dossiers/", {"queue": "khac"}), 400)["field"] == "queue"
    assert _ok(client.get(f"{BASE}dossiers/", {"page": "0"}), 400)["field"] == "page"


def test_bulk_assign_all_or_nothing(svc: SimpleNamespace, as_: As, clock: Any) -> None:
    ids = [_ok(_submit(as_(svc.citizen), svc, key=f"b{n}"), 201)["id"] for n in range(3)]
    for pk in ids:
        _to(svc, as_, pk, "forward")
    _ok(_act(as_(svc.approver), ids[2], "assign", {"assignee": svc.handler2.pk}))
    before = _written()
    refused = _post(as_(svc.approver), "dossiers/bulk-assign/", {"ids": ids, "assignee": svc.handler.pk})
    body = _ok(refused, 400)
    assert body["code"] == "bulk_refused"
    assert list(body["errors"]) == [Dossier.objects.get(pk=ids[2]).code]
    assert _written() == before
    assert list(Dossier.objects.filter(pk__in=ids[:2]).values_list("state", flat=True)) == ["forwarded"] * 2
    assert (
        _post(as_(svc.sct_approver), "dossiers/bulk-assign/", {"ids": ids[:2], "assignee": svc.handler.pk}).status_code
        == 404
    )
    assert (
        _ok(_post(as_(svc.approver), "dossiers/bulk-assign/", {"ids": [], "assignee": svc.handler.pk}), 400)["field"]
        == "ids"
    )
    body = _ok(_post(as_(svc.approver), "dossiers/bulk-assign/", {"ids": ids[:2], "assignee": svc.handler.pk}))
    assert sorted(row["id"] for row in body["assigned"]) == ids[:2]
    assert set(Dossier.objects.values_list("assignee", flat=True)) == {svc.handler.pk, svc.handler2.pk}


# --- catalogue --------------------------------------------------------------------------------


def test_procedures_are_public_and_searchable_without_diacritics(svc: SimpleNamespace) -> None:
    client = Client()
    for query in ("lý lịch tư pháp", "ly lich tu phap", "LY LICH"):
        body = _ok(client.get(f"{BASE}procedures/", {"q": query}))
        assert [row["code"] for row in body["results"]] == [svc.procedure.code]
    assert _ok(client.get(f"{BASE}procedures/", {"q": "giay phep lai xe"}))["count"] == 0
    detail = _ok(client.get(f"{BASE}procedures/{svc.procedure.code}/"))
    assert [f["name"] for f in detail["form_fields"]] == ["full_name", "personal_id", "phone", "purpose"]
    assert len(detail["steps"]) == 6
    assert {a["id"] for a in detail["agencies"]} == {svc.centre.pk, svc.stp.pk}
    assert client.get(f"{BASE}procedures/9.999/").status_code == 404


# --- files, result, fees, rating, forms, lookup -------------------------------------------------


def test_files_result_fees_and_rating(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    citizen, receiver = as_(svc.citizen), as_(svc.receiver)
    upload = SimpleUploadedFile("cccd.pdf", sample_pdf("CCCD"), content_type="application/pdf")
    added = _ok(citizen.post(f"{BASE}dossiers/{submitted}/files/", {"file": upload}), 201)
    assert added["digitised"] is True
    assert added["content_type"] == "application/pdf"
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert _ok(citizen.post(f"{BASE}dossiers/{submitted}/files/", {"file": fake}), 400)["code"] == "bad_type"
    assert DossierFile.objects.count() == 1
    assert [f["id"] for f in _ok(receiver.get(f"{BASE}dossiers/{submitted}/files/"))] == [added["id"]]
    assert as_(svc.sct_officer).get(f"{BASE}dossiers/{submitted}/files/").status_code == 404
    assert [f["id"] for f in _ok(citizen.get(f"{BASE}files/reusable/"))] == [added["id"]]
    assert _ok(receiver.post(f"{BASE}files/{added['id']}/mark-digitised/"))["digitised"] is True
    assert as_(svc.sct_officer).post(f"{BASE}files/{added['id']}/mark-digitised/").status_code == 404

    _to(svc, as_, submitted, "start-review")
    pdf = SimpleUploadedFile("phieu.pdf", sample_pdf("Phieu LLTP"), content_type="application/pdf")
    assert as_(svc.receiver).post(f"{BASE}dossiers/{submitted}/draft-result/", {"file": pdf}).status_code == 403
    pdf.seek(0)
    draft = _ok(as_(svc.handler).post(f"{BASE}dossiers/{submitted}/draft-result/", {"file": pdf}), 201)
    assert (draft["kind"], draft["signed"]) == ("draft", False)
    assert _ok(as_(svc.approver).get(f"{BASE}dossiers/{submitted}/draft-result/"))["id"] == draft["id"]
    assert citizen.get(f"{BASE}dossiers/{submitted}/draft-result/").status_code == 404
    _ok(_act(as_(svc.handler), submitted, "submit-for-approval"))
    _ok(_act(as_(svc.approver), submitted, "approve", {"draft": draft["id"]}))
    (result,) = [f for f in _ok(citizen.get(f"{BASE}dossiers/{submitted}/files/")) if f["kind"] != "component"]
    assert result["kind"] == "result"
    assert result["signed"] is True

    paid = _ok(_post(receiver, f"dossiers/{submitted}/payments/counter/"), 201)
    assert paid["state"] == "paid"
    assert paid["receipt_number"].startswith("BL-")
    assert paid["amount_vnd"] == 200_000
    assert _ok(_post(citizen, f"dossiers/{submitted}/payments/"), 409)["code"] == "already_paid"
    assert _ok(_post(citizen, f"dossiers/{submitted}/rating/", {"score": 5}), 409)["code"] == "not_returned"
    _ok(_act(receiver, submitted, "return-result"))
    assert _ok(_post(citizen, f"dossiers/{submitted}/rating/", {"score": 9}), 400)["field"] == "score"
    rating = _ok(_post(citizen, f"dossiers/{submitted}/rating/", {"score": 4, "comment": "Nhanh"}), 201)
    assert rating["score"] == 4
    assert Rating.objects.count() == 1


def test_online_payment_and_its_public_callback(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    _ok(_act(as_(svc.receiver), submitted, "receive"))  # a dossier awaiting receipt is not paid yet
    started = _ok(_post(as_(svc.citizen), f"dossiers/{submitted}/payments/"), 201)
    assert started["state"] == "pending"
    assert started["checkout_url"].endswith(f"/{started['reference']}/")
    assert _post(as_(svc.receiver), f"dossiers/{submitted}/payments/").status_code == 404  # only the payer
    payment = Payment.objects.get(reference=started["reference"])
    provider = FakeProvider()
    body, signature = provider.callback_for(payment, "success")
    url = f"{BASE}payments/callback/{provider.name}/"
    gateway = Client(enforce_csrf_checks=True)
    forged = gateway.post(url, body, content_type="application/json", headers={"X-Signature": "0" * 64})
    assert forged.status_code == 403
    assert Payment.objects.get(pk=payment.pk).state == "pending"
    for _ in range(2):  # a repeated notice is answered alike
        taken = _ok(gateway.post(url, body, content_type="application/json", headers={"X-Signature": signature}))
        assert taken["state"] == "paid"
        assert taken["receipt_number"]
    assert Payment.objects.filter(state="paid").count() == 1


def test_printable_forms(svc: SimpleNamespace, as_: As, submitted: int) -> None:
    client = as_(svc.citizen)
    assert _ok(client.get(f"{BASE}dossiers/{submitted}/forms/receipt.docx"), 409)["code"] == "form_unavailable"
    _to(svc, as_, submitted, "receive")
    response = client.get(f"{BASE}dossiers/{submitted}/forms/receipt.docx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"{BASE}dossiers/{submitted}/forms/receipt.exe").status_code == 404
    assert as_(svc.sct_officer).get(f"{BASE}dossiers/{submitted}/forms/receipt.docx").status_code == 404


def test_public_lookup_reveals_nothing_personal_and_is_rate_limited(
    svc: SimpleNamespace, as_: As, submitted: int
) -> None:
    code = Dossier.objects.get(pk=submitted).code
    anonymous = Client()
    body = _ok(anonymous.get(f"{BASE}lookup/", {"code": code.lower(), "digits": "5678"}))
    assert body["code"] == code
    assert body["state"] == "submitted"
    raw = json.dumps(body, ensure_ascii=False)
    assert "Nguyễn" not in raw
    assert "5678" not in raw
    wrong = anonymous.get(f"{BASE}lookup/", {"code": code, "digits": "0000"})
    unknown = anonymous.get(f"{BASE}lookup/", {"code": "H31.01-260302-9999", "digits": "5678"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert _ok(anonymous.get(f"{BASE}lookup/", {"code": code, "digits": "12"}), 400)["field"] == "digits"
    statuses = [anonymous.get(f"{BASE}lookup/", {"code": code, "digits": "5678"}).status_code for _ in range(10)]
    assert statuses[:6] == [200] * 6
    assert statuses[-1] == 429
    assert anonymous.get(f"{BASE}lookup/", {"code": code, "digits": "5678"}).json()["code"] == "rate_limited"


# --- schema -----------------------------------------------------------------------------------


def test_schema_has_no_warnings(tmp_path: Path) -> None:
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), "--urlconf", __name__
    )
