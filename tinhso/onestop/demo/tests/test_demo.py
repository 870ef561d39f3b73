"""The one-stop shop's demo data: dossiers in every state, made through the real services, once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from tinhso.core.errors import DomainError
from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import stored_files
from tinhso.onestop.demo import services as demo
from tinhso.onestop.demo.services import demo_load
from tinhso.onestop.models import (
    Channel,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierState,
    FileKind,
    Notification,
    Payment,
    PaymentMethod,
    PaymentState,
    Rating,
)
from tinhso.onestop.results.signing import result_verify
from tinhso.org.demo import people_load
from tinhso.org.models import Agency, Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

S = DossierState
EXPECTED_STATES = sorted(
    [
        S.SUBMITTED,
        S.RECEIVED,
        S.FORWARDED,
        S.ASSIGNED,
        S.UNDER_REVIEW,
        S.PENDING_APPROVAL,
        S.SUPPLEMENT_REQUESTED,
        S.APPROVED,
        S.RESULT_RETURNED,
        S.REFUSED,
        S.STOPPED,
        S.APPROVED,
        S.RESULT_RETURNED,  # demo-12: approved, its fee still due; demo-13: fee recorded as paid elsewhere
    ]
)
DEMO_DOSSIERS = 13


@pytest.fixture(autouse=True)
def fake_gateway(settings: Any) -> None:
    """Online demo payments complete through the fake gateway's callback."""
    settings.TINHSO_PAYMENT_PROVIDER = "tinhso.onestop.payments.services.FakeProvider"


@pytest.fixture
def accounts(demo_agencies: dict[str, Any]) -> dict[str, Any]:
    """The demo accounts of tinhso.org.demo (its units and agencies are already loaded)."""
    people_load(actor=None)
    return demo_agencies


@pytest.fixture
def loaded(accounts: dict[str, Any]) -> demo.ProcedureDemoReport:
    return demo_load()


def _by_state() -> dict[str, Dossier]:
    """The first demo dossier in each state (demo-07 approved, demo-08 returned)."""
    found: dict[str, Dossier] = {}
    for dossier in Dossier.objects.select_related("handling_agency", "assignee", "applicant").order_by("pk"):
        found.setdefault(dossier.state, dossier)
    return found


def _demo(number: int) -> Dossier:
    """demo-NN of dossiers_demo.json (made in the file's order)."""
    return Dossier.objects.order_by("pk")[number - 1]


def _counts() -> dict[str, int]:
    return {
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "files": DossierFile.objects.count(),
        "payments": Payment.objects.count(),
        "ratings": Rating.objects.count(),
        "notifications": Notification.objects.count(),
        "entries": Entry.objects.exclude(action="services.procedure.import").count(),
        "coded": Agency.objects.exclude(code="").count(),
    }


# --- the dossiers ------------------------------------------------------------------------------


def test_demo_dossiers_cover_every_state_at_the_centre(loaded: demo.ProcedureDemoReport) -> None:
    assert loaded.dossiers_created == DEMO_DOSSIERS
    assert loaded.dossiers_skipped == ""
    assert sorted(Dossier.objects.values_list("state", flat=True)) == EXPECTED_STATES
    centre = Agency.objects.get(key="hy.ttpvhcc")
    assert centre.code == "H33.01"
    for dossier in Dossier.objects.all():
        assert (dossier.receiving_agency_id, dossier.handling_agency_id) == (centre.pk, centre.pk)
        assert dossier.code.startswith("H33.01-")
    states = _by_state()
    citizen = Person.objects.get(username="congdan")
    handler = Person.objects.get(username="thuly.hungyen")
    assert set(Dossier.objects.filter(applicant=citizen).values_list("state", flat=True)) == {
        S.SUBMITTED,
        S.RECEIVED,
        S.SUPPLEMENT_REQUESTED,
        S.APPROVED,
        S.RESULT_RETURNED,
    }
    everyone = list(Dossier.objects.all())
    assert all(d.channel == Channel.ONLINE for d in everyone if d.applicant_id == citizen.pk)
    assert all(
        d.channel == Channel.COUNTER and d.applicant_id is None for d in everyone if d.applicant_id != citizen.pk
    )
    for state in (S.ASSIGNED, S.UNDER_REVIEW, S.PENDING_APPROVAL):
        assert states[state].assignee == handler
    assert states[S.SUBMITTED].received_at is None
    assert states[S.RECEIVED].due_at is not None
    assert states[S.SUPPLEMENT_REQUESTED].supplement_requests == 1
    assert states[S.SUPPLEMENT_REQUESTED].paused_at is not None
    assert "minh họa" in states[S.REFUSED].refusal_reason
    assert states[S.STOPPED].completed_at is not None


def test_each_demo_account_finds_work_in_its_queues(loaded: Any) -> None:
    from tinhso.onestop.dossiers.selectors import Queue, dossier_queue

    def queue(username: str, name: Queue) -> list[str]:
        person = Person.objects.get(username=username)
        return sorted(d.state for d in dossier_queue(person=person, queue=name))

    assert queue("motcua.hungyen", "receive") == [S.SUBMITTED]
    assert queue("motcua.hungyen", "return") == [S.APPROVED, S.APPROVED, S.REFUSED]
    assert queue("pheduyet.hungyen", "assign") == [S.FORWARDED]
    assert queue("pheduyet.hungyen", "approve") == [S.PENDING_APPROVAL]
    assert queue("thuly.hungyen", "review") == [S.ASSIGNED, S.UNDER_REVIEW]


def test_every_demo_dossier_has_its_events_and_the_matching_ledger_entries(loaded: Any) -> None:
    for dossier in Dossier.objects.all():
        # The signed result's and the draft's ledger entries are about their files.
        events = Counter(
            dossier.events.exclude(action__in=["result_issued", "draft_result"]).values_list("action", flat=True)
        )
        entries = Counter(
            action.removeprefix("services.dossier.")
            for action in Entry.objects.filter(object_type="services.dossier", object_id=str(dossier.pk)).values_list(
                "action", flat=True
            )
            if action != "services.dossier.rate"
        )
        assert events, dossier.code
        assert events == entries, dossier.code
        first = dossier.events.order_by("at", "pk").first()
        assert first.action == ("submit_online" if dossier.channel == Channel.ONLINE else "receive_at_counter")
        file_ids = [str(pk) for pk in dossier.files.values_list("pk", flat=True)]
        file_entries = Entry.objects.filter(object_type="services.dossierfile", object_id__in=file_ids)
        assert file_entries.count() == dossier.files.count() >= 1


def test_demo_files_are_real_and_stored(loaded: Any, media: Path) -> None:
    components = DossierFile.objects.filter(kind=FileKind.COMPONENT)
    assert components.count() == 18
    assert set(components.values_list("content_type", flat=True)) == {"application/pdf", "image/png"}
    assert all(f.digitised for f in components)
    for row in DossierFile.objects.all():
        with default_storage.open(row.file.name, "rb") as handle:
            head = handle.read(8)
        assert head.startswith(b"%PDF-" if row.content_type == "application/pdf" else b"\x89PNG")
        assert row.requirement is None or row.requirement.procedure_id == row.dossier.procedure_id
    assert len(stored_files(media)) == DossierFile.objects.count()


def test_the_signed_results_verify(loaded: Any) -> None:
    states = _by_state()
    results = DossierFile.objects.filter(kind=FileKind.RESULT).select_related("dossier")
    assert sorted(r.dossier.state for r in results) == sorted(
        [S.APPROVED, S.APPROVED, S.RESULT_RETURNED, S.RESULT_RETURNED]
    )
    for row in results:
        with default_storage.open(row.file.name, "rb") as handle:
            data = handle.read()
        check = result_verify(row.verification_token, data)
        assert check.valid
        assert check.upload_matches
        assert check.dossier_code == row.dossier.code
    assert states[S.APPROVED].events.filter(action="result_issued").exists()
    # Every result is the handler's draft, signed on approval.
    for row in results:
        draft = row.dossier.files.get(kind=FileKind.DRAFT)
        entry = Entry.objects.get(action="services.dossier.result_issued", object_id=str(row.pk))
        assert entry.payload.data["draft_sha256"] == draft.sha256


def test_a_draft_awaits_approval_and_a_refused_draft_is_not_issued(loaded: Any) -> None:
    from tinhso.onestop.results.signing import dossier_draft

    pending, refused = _demo(5), _demo(9)
    assert (pending.state, refused.state) == (S.PENDING_APPROVAL, S.REFUSED)
    for dossier in (pending, refused):
        draft = dossier_draft(dossier)
        assert draft is not None
        assert not draft.signed
        assert not dossier.files.filter(kind=FileKind.RESULT).exists()
    assert not dossier_draft(_demo(4))  # still under review, the draft not made yet


def test_payments_and_the_rating(loaded: Any) -> None:
    returned, approved = _demo(8), _demo(7)
    online = Payment.objects.get(dossier=returned)
    assert (online.method, online.provider, online.state, online.amount_vnd) == (
        PaymentMethod.ONLINE,
        "gia-lap",
        PaymentState.PAID,
        200_000,
    )
    assert online.receipt_number.startswith("BL-")
    assert online.provider_transaction.startswith("GL")
    counter = Payment.objects.get(dossier=approved)
    assert (counter.method, counter.state) == (PaymentMethod.COUNTER, PaymentState.PAID)
    assert Payment.objects.count() == 2
    rating = Rating.objects.get()
    assert (rating.dossier_id, rating.score, rating.rated_by.username) == (returned.pk, 5, "congdan")
    assert returned.events.filter(action="pay").exists()
    assert approved.events.filter(action="pay").exists()


def test_a_fee_due_blocks_the_return_and_a_fee_paid_elsewhere_is_recorded(loaded: Any) -> None:
    from tinhso.onestop.models import FeeWaiver
    from tinhso.onestop.payments.services import fee_status, return_refusal

    due = _demo(12)
    assert (due.state, due.applicant.username, due.fee_vnd) == (S.APPROVED, "congdan", 200_000)
    assert (fee_status(due).state, fee_status(due).amount_due_vnd) == ("due", 200_000)
    assert return_refusal(due).code == "fee_due"
    waived = _demo(13)
    assert waived.state == S.RESULT_RETURNED
    waiver = FeeWaiver.objects.get(dossier=waived)
    assert (waiver.reason, waiver.receipt_number, waiver.amount_vnd, waiver.recorded_by.username) == (
        "paid_elsewhere",
        "KB-2026-000123",
        1_200_000,
        "motcua.hungyen",
    )
    assert fee_status(waived).state == "paid_elsewhere"
    assert waived.events.filter(action="fee_waive").exists()


def test_a_second_demo_load_creates_nothing(loaded: Any, media: Path) -> None:
    before, files = _counts(), len(stored_files(media))
    report = demo_load()
    assert (report.dossiers_created, report.codes_given) == (0, {})
    assert _counts() == before
    assert len(stored_files(media)) == files
    assert "0 mới" in report.describe()


def test_a_failure_part_way_leaves_no_dossier_and_no_file(accounts: Any, media: Path) -> None:
    Person.objects.filter(username="thuly.hungyen").update(is_active=False)  # the 3rd dossier cannot be assigned
    entries = Entry.objects.filter(action__startswith="services.dossier").count()
    with pytest.raises(DomainError, match="chuyên viên thụ lý"):
        demo_load()
    assert (Dossier.objects.count(), DossierFile.objects.count(), Payment.objects.count()) == (0, 0, 0)
    assert Entry.objects.filter(action__startswith="services.dossier").count() == entries
    assert stored_files(media) == []
    Person.objects.filter(username="thuly.hungyen").update(is_active=True)
    assert demo_load().dossiers_created == DEMO_DOSSIERS


def test_without_the_demo_accounts_only_procedures_and_codes_are_loaded(demo_agencies: Any) -> None:
    report = demo_load()
    assert report.outcome.created == 7
    assert Dossier.objects.count() == 0
    assert "tài khoản mẫu" in report.dossiers_skipped
    assert Agency.objects.get(key="hy.ttpvhcc").code == "H33.01"


def test_no_demo_dossiers_where_demo_signing_is_not_allowed(
    accounts: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = False
    settings.TINHSO_SIGNING_DEMO = False
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    report = demo_load()
    assert Dossier.objects.count() == 0
    assert "DEBUG" in report.dossiers_skipped


# --- agency codes ------------------------------------------------------------------------------


def test_codes_are_given_only_where_empty_and_never_overwritten(demo_agencies: Any) -> None:
    Agency.objects.filter(key="hy.stp").update(code="H33.99")
    Agency.objects.filter(key="hy.ubnd").update(code="H33.03")  # the code meant for hy.sct is taken
    report = demo_load()
    keys = ["hy.stp", "hy.ubnd", "hy.sct", "hy.ttpvhcc"]
    codes = dict(Agency.objects.filter(key__in=keys).values_list("key", "code"))
    assert codes == {"hy.stp": "H33.99", "hy.ubnd": "H33.03", "hy.sct": "", "hy.ttpvhcc": "H33.01"}
    assert "hy.stp" not in report.codes_given
    assert report.codes_taken == ["hy.sct"]
    assert Entry.objects.filter(action="org.agency.update").count() == len(report.codes_given)


def test_demo_data_files_say_they_are_illustrative_and_cover_the_procedures() -> None:
    codes = json.loads(demo.AGENCY_CODES_FILE.read_text(encoding="utf-8"))
    assert "minh họa" in codes["_note"].lower()
    assert "illustrative" in codes["_note"]
    procedures = json.loads(demo.PROCEDURES_FILE.read_text(encoding="utf-8"))["procedures"]
    used = {key for p in procedures for key in p["agencies"] if key.startswith("hy.")}
    assert used == set(codes["codes"])
    assert len(set(codes["codes"].values())) == len(codes["codes"])
    dossiers = json.loads(demo.DOSSIERS_FILE.read_text(encoding="utf-8"))
    assert "hư cấu" in dossiers["_note"].lower()
    for spec in dossiers["dossiers"]:  # obviously fake numbers only
        for value in [
            *spec.get("applicant", {}).values(),
            spec["form"].get("so_dinh_danh", ""),
            spec["form"].get("dien_thoai", ""),
        ]:
            if value and value.isdigit():
                assert value.startswith(("0000000000", "09000000")), value
