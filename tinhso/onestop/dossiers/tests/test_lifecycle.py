"""The dossier life cycle: every transition from every state, permissions, and whole paths."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import (
    GOOD_FORM,
    at,
    draft_upload,
    make_procedure,
    pay_at_counter,
    submit_online,
    to_approval,
    to_review,
)
from tinhso.onestop.dossiers import intake, states
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.dossiers.access import access_dossier, dossiers_visible
from tinhso.onestop.dossiers.selectors import dossier_is_overdue, dossier_queue, dossier_timeline
from tinhso.onestop.models import Dossier, DossierEvent, DossierState

pytestmark = pytest.mark.django_db

_n = iter(range(1, 100_000))


def _paper(svc: Any) -> Any:
    """A procedure with a paper result and no fee: the state machine alone, no draft or fee rule."""
    if not hasattr(svc, "paper"):
        svc.paper = make_procedure(
            code="1.000894.000.00.00.H31", agencies=[svc.centre, svc.stp], online_level="partial", fee_vnd=0
        )
    return svc.paper


def _dossier(svc: Any, state: str, **extra: Any) -> Dossier:
    """A dossier put straight into ``state`` (received at the desk, handled by Sở Tư pháp), of a
    procedure with a paper result and no fee (the draft and fee rules: test_workflow_rules)."""
    fields: dict[str, Any] = {
        "code": f"T-{next(_n):06d}",
        "procedure": _paper(svc),
        "receiving_agency": svc.centre,
        "handling_agency": svc.stp,
        "channel": "online",
        "state": state,
        "applicant": svc.citizen,
        "applicant_name": "Nguyễn Văn An",
        "form_data": dict(GOOD_FORM),
        "submitted_at": at("2026-03-02", 8),
    }
    if state != DossierState.SUBMITTED:
        fields.update(
            received_at=at("2026-03-02"),
            due_at=at("2026-04-30"),
            original_due_at=at("2026-04-30"),
            assignee=svc.handler,
        )
    if state == DossierState.SUPPLEMENT_REQUESTED:
        fields.update(
            state_before_pause=DossierState.UNDER_REVIEW, paused_at=at("2026-03-02", 8, 30), supplement_requests=1
        )
    fields.update(extra)
    return Dossier.objects.create(**fields)


def _call(svc: Any, transition: str, dossier: Dossier, actor: Any = None) -> Dossier:
    """Each transition with its rightful actor unless ``actor`` is given."""
    calls = {
        "receive": lambda a: S.dossier_receive(actor=a or svc.receiver, dossier=dossier),
        "forward": lambda a: S.dossier_forward(actor=a or svc.receiver, dossier=dossier),
        "assign": lambda a: S.dossier_assign(actor=a or svc.approver, dossier=dossier, assignee=svc.handler),
        "start_review": lambda a: S.dossier_start_review(actor=a or svc.handler, dossier=dossier),
        "submit_for_approval": lambda a: S.dossier_submit_for_approval(actor=a or svc.handler, dossier=dossier),
        "approve": lambda a: S.dossier_approve(actor=a or svc.approver, dossier=dossier),
        "refuse": lambda a: S.dossier_refuse(actor=a or svc.approver, dossier=dossier, reason="Không đủ điều kiện"),
        "return_result": lambda a: S.dossier_return_result(actor=a or svc.receiver, dossier=dossier),
        "request_supplement": lambda a: S.dossier_request_supplement(
            actor=a or svc.handler, dossier=dossier, reason="Thiếu bản sao căn cước"
        ),
        "supplement": lambda a: S.dossier_supplement(actor=a or svc.citizen, dossier=dossier, form_data={}),
        "transfer": lambda a: S.dossier_transfer(actor=a or svc.approver, dossier=dossier, to_agency=svc.sct, days=3),
        "stop": lambda a: S.dossier_stop(actor=a or svc.citizen, dossier=dossier, reason="Không còn nhu cầu"),
        "cancel": lambda a: S.dossier_cancel(actor=a or svc.receiver, dossier=dossier, reason="Nộp nhầm"),
        "apologise": lambda a: S.dossier_apologise(
            actor=a or svc.approver, dossier=dossier, new_due_at=at("2026-05-15"), reason="Cần xác minh thêm"
        ),
    }
    return calls[transition](actor)


def _snapshot(dossier: Dossier) -> tuple[Any, ...]:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.state,
        fresh.updated_at,
        fresh.due_at,
        fresh.handling_agency_id,
        fresh.assignee_id,
        DossierEvent.objects.count(),
        Entry.objects.count(),
    )


def test_the_transition_table_covers_every_service() -> None:
    assert set(states.ALLOWED_FROM) == set(states.VERBS)
    for allowed in states.ALLOWED_FROM.values():
        assert not allowed & states.FINAL_STATES


@pytest.mark.parametrize("state", list(DossierState.values))
def test_matrix_only_the_allowed_transitions_succeed(svc: Any, clock: Any, state: str) -> None:
    for transition, allowed in states.ALLOWED_FROM.items():
        dossier = _dossier(svc, state)
        before = _snapshot(dossier)
        if state in allowed:
            result = _call(svc, transition, dossier)
            event = DossierEvent.objects.filter(dossier=dossier).get()
            assert event.from_state == state
            assert event.to_state == result.state
            assert Entry.objects.count() == before[-1] + 1
            assert Entry.objects.order_by("-pk").first().action == f"services.dossier.{transition}"
        else:
            with pytest.raises(Conflict) as caught:
                _call(svc, transition, dossier)
            label = DossierState(state).label
            assert caught.value.message == f"Hồ sơ đang ở trạng thái “{label}”, không thể {states.VERBS[transition]}."
            assert caught.value.status_code == 409
            assert _snapshot(dossier) == before


WRONG_ACTORS = [
    ("receive", "submitted", "handler"),
    ("receive", "submitted", "sct_officer"),
    ("forward", "received", "citizen"),
    ("assign", "forwarded", "handler"),
    ("assign", "forwarded", "sct_approver"),
    ("start_review", "assigned", "handler2"),
    ("start_review", "assigned", "approver"),
    ("submit_for_approval", "under_review", "handler2"),
    ("approve", "pending_approval", "handler"),
    ("approve", "pending_approval", "sct_approver"),
    ("refuse", "pending_approval", "receiver"),
    ("return_result", "approved", "handler"),
    ("request_supplement", "under_review", "citizen"),
    ("request_supplement", "under_review", "sct_handler"),
    ("supplement", "supplement_requested", "other_citizen"),
    ("transfer", "under_review", "handler"),
    ("stop", "under_review", "other_citizen"),
    ("stop", "under_review", "handler"),
    ("cancel", "received", "citizen"),
    ("apologise", "under_review", "receiver"),
]


@pytest.mark.parametrize(("transition", "state", "who"), WRONG_ACTORS)
def test_wrong_actor_is_refused_and_nothing_changes(
    svc: Any, clock: Any, transition: str, state: str, who: str
) -> None:
    dossier = _dossier(svc, state)
    before = _snapshot(dossier)
    with pytest.raises(NotAllowed) as caught:
        _call(svc, transition, dossier, getattr(svc, who))
    assert caught.value.status_code == 403
    assert _snapshot(dossier) == before


def test_assignee_must_be_a_handler_of_the_handling_agency(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "forwarded")
    before = _snapshot(dossier)
    for wrong in (svc.sct_handler, svc.receiver, svc.approver):
        with pytest.raises(DomainError, match="không phải chuyên viên thụ lý"):
            S.dossier_assign(actor=svc.approver, dossier=dossier, assignee=wrong)
    assert _snapshot(dossier) == before


def test_refusal_needs_a_reason(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "pending_approval")
    before = _snapshot(dossier)
    with pytest.raises(DomainError, match="lý do từ chối"):
        S.dossier_refuse(actor=svc.approver, dossier=dossier, reason="  ")
    assert _snapshot(dossier) == before


# --- whole paths ------------------------------------------------------------------------------


def _finish(svc: Any, dossier: Dossier) -> Dossier:
    """Draft result, submission, approval (the draft signed), the fee paid at the desk, return."""
    dossier = to_approval(svc, dossier)
    dossier = S.dossier_approve(actor=svc.approver, dossier=dossier)
    pay_at_counter(svc, dossier)
    return S.dossier_return_result(actor=svc.receiver, dossier=dossier)


def test_on_time_path(svc: Any, clock: Any, media: Any) -> None:
    from tinhso.core.workdays import due_at

    entries = Entry.objects.count()
    dossier = submit_online(svc)
    assert dossier.state == "submitted"
    assert dossier.due_at is None
    assert dossier.code == "H31.01-260302-0001"
    assert dossier.fee_vnd == 200_000
    dossier = S.dossier_receive(actor=svc.receiver, dossier=dossier)
    assert dossier.received_at == at("2026-03-02")
    assert dossier.due_at == due_at(at("2026-03-02"), Decimal(10))
    assert dossier.original_due_at == dossier.due_at
    assert dossier_queue(person=svc.receiver, queue="receive").count() == 0
    dossier = S.dossier_forward(actor=svc.receiver, dossier=dossier, to_agency=svc.stp)
    assert list(dossier_queue(person=svc.approver, queue="assign")) == [dossier]
    dossier = S.dossier_assign(actor=svc.approver, dossier=dossier, assignee=svc.handler)
    assert list(dossier_queue(person=svc.handler, queue="review")) == [dossier]
    assert not dossier_queue(person=svc.handler2, queue="review").exists()
    dossier = S.dossier_start_review(actor=svc.handler, dossier=dossier)
    clock.set(at("2026-03-10"))
    draft_upload(svc, dossier)
    dossier = S.dossier_submit_for_approval(actor=svc.handler, dossier=dossier)
    assert list(dossier_queue(person=svc.approver, queue="approve")) == [dossier]
    dossier = S.dossier_approve(actor=svc.approver, dossier=dossier)
    assert list(dossier_queue(person=svc.receiver, queue="return")) == [dossier]
    pay_at_counter(svc, dossier)
    dossier = S.dossier_return_result(actor=svc.receiver, dossier=dossier)
    assert dossier.state == "result_returned"
    assert dossier.completed_at == at("2026-03-10")
    assert not dossier_is_overdue(dossier, at("2026-06-01"))
    timeline = dossier_timeline(dossier)
    assert [(e.action, e.from_state, e.to_state) for e in timeline] == [
        ("submit_online", "", "submitted"),
        ("receive", "submitted", "received"),
        ("forward", "received", "forwarded"),
        ("assign", "forwarded", "assigned"),
        ("start_review", "assigned", "under_review"),
        ("draft_result", "under_review", "under_review"),
        ("submit_for_approval", "under_review", "pending_approval"),
        ("approve", "pending_approval", "approved"),
        ("result_issued", "approved", "approved"),
        ("pay", "approved", "approved"),
        ("return_result", "approved", "result_returned"),
    ]
    assert [e.actor for e in timeline] == [
        svc.citizen,
        svc.receiver,
        svc.receiver,
        svc.approver,
        svc.handler,
        svc.handler,
        svc.handler,
        svc.approver,
        svc.approver,
        svc.receiver,
        svc.receiver,
    ]
    assert Entry.objects.count() == entries + 11
    for entry in Entry.objects.order_by("-pk")[:11]:
        text = str(entry.__dict__) + str(getattr(entry, "payload", ""))
        assert "Nguyễn Văn An" not in text
        assert "033095001234" not in text


def test_late_path_with_apology_once(svc: Any, clock: Any, media: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    original = dossier.due_at
    clock.set(original - dt.timedelta(days=7))
    dossier = S.dossier_apologise(
        actor=svc.handler,
        dossier=dossier,
        new_due_at=original + dt.timedelta(days=7),
        reason="Cần xác minh với cơ quan công an",
    )
    assert dossier.due_reset_count == 1
    assert dossier.due_at == original + dt.timedelta(days=7)
    assert dossier.original_due_at == original
    event = dossier_timeline(dossier)[-1]
    assert (event.action, event.note) == ("apologise", "Cần xác minh với cơ quan công an")
    before = _snapshot(dossier)
    with pytest.raises(Conflict) as caught:
        S.dossier_apologise(
            actor=svc.approver, dossier=dossier, new_due_at=original + dt.timedelta(days=20), reason="Lần nữa"
        )
    assert caught.value.message == "Chỉ được hẹn lại ngày trả kết quả một lần"
    assert _snapshot(dossier) == before
    clock.set(original + dt.timedelta(days=2))
    assert not dossier_is_overdue(dossier, clock.now)
    dossier = _finish(svc, dossier)
    assert dossier.completed_at is not None
    assert dossier.original_due_at is not None
    assert dossier.completed_at > dossier.original_due_at
    assert not dossier_is_overdue(dossier, clock.now)


def test_apology_not_later_than_one_working_day_before_the_deadline(svc: Any, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    for late in (dossier.due_at - dt.timedelta(hours=3), dossier.due_at + dt.timedelta(days=1)):
        clock.set(late)
        before = _snapshot(dossier)
        with pytest.raises(Conflict, match="chậm nhất 1 ngày làm việc trước hạn"):
            S.dossier_apologise(
                actor=svc.handler, dossier=dossier, new_due_at=dossier.due_at + dt.timedelta(days=9), reason="Chậm"
            )
        assert _snapshot(dossier) == before
    clock.set(dossier.due_at + dt.timedelta(days=1))
    assert dossier_is_overdue(dossier, clock.now)


def test_apology_needs_a_later_date(svc: Any, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    with pytest.raises(DomainError, match="phải sau ngày hẹn trả hiện tại"):
        S.dossier_apologise(actor=svc.handler, dossier=dossier, new_due_at=dossier.due_at, reason="Chậm")


def test_supplement_stops_the_clock_and_moves_the_due_date(svc: Any, clock: Any, media: Any) -> None:
    from tinhso.core.workdays import elapsed_working_days, extend_due

    dossier = to_review(svc, submit_online(svc))  # received Monday 2 March 2026, 09:00
    original = dossier.due_at
    clock.set(at("2026-03-04"))  # Wednesday
    dossier = S.dossier_request_supplement(actor=svc.handler, dossier=dossier, reason="Thiếu bản sao căn cước")
    assert (dossier.state, dossier.state_before_pause, dossier.paused_at) == (
        "supplement_requested",
        "under_review",
        at("2026-03-04"),
    )
    assert dossier.supplement_requests == 1
    clock.set(at("2026-03-09"))  # the next Monday: Wed, Thu, Fri = 3 working days paused
    dossier = S.dossier_supplement(actor=svc.citizen, dossier=dossier, form_data={"phone": "0987654321"})
    paused = elapsed_working_days(at("2026-03-04"), at("2026-03-09"))
    assert paused == Decimal(3)
    assert dossier.paused_working_days == paused
    assert dossier.due_at == extend_due(original, paused)
    assert dossier.due_at > original
    assert dossier.original_due_at == original
    assert (dossier.state, dossier.state_before_pause, dossier.paused_at) == ("under_review", "", None)
    assert dossier.form_data["phone"] == "0987654321"
    assert dossier.form_data["full_name"] == "Nguyễn Văn An"
    # A second request is recorded as such (it makes the dossier count as late for the 766 index).
    dossier = S.dossier_request_supplement(actor=svc.receiver, dossier=dossier, reason="Thiếu ảnh")
    assert dossier.supplement_requests == 2
    assert dossier_timeline(dossier)[-1].note == "Yêu cầu bổ sung lần thứ 2: Thiếu ảnh"
    clock.set(at("2026-03-10"))
    dossier = S.dossier_supplement(actor=svc.citizen, dossier=dossier, form_data={})
    assert dossier.paused_working_days == paused + elapsed_working_days(at("2026-03-09"), at("2026-03-10"))
    assert _finish(svc, dossier).state == "result_returned"


def test_supplement_is_validated(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "supplement_requested")
    before = _snapshot(dossier)
    with pytest.raises(DomainError, match="Số điện thoại"):
        S.dossier_supplement(actor=svc.citizen, dossier=dossier, form_data={"phone": "12345"})
    assert _snapshot(dossier) == before


def test_refusal_path(svc: Any, clock: Any, media: Any) -> None:
    dossier = to_approval(svc, to_review(svc, submit_online(svc)))
    dossier = S.dossier_refuse(actor=svc.approver, dossier=dossier, reason="Người nộp không thuộc đối tượng")
    assert (dossier.state, dossier.refusal_reason) == ("refused", "Người nộp không thuộc đối tượng")
    assert dossier.decided_at == clock.now
    assert dossier_timeline(dossier)[-1].note == "Người nộp không thuộc đối tượng"
    # Nothing is owed by a refused dossier, and its draft is never issued.
    dossier = S.dossier_return_result(actor=svc.receiver, dossier=dossier)
    assert dossier.state == "result_returned"
    assert list(dossier.files.values_list("kind", "signed")) == [("draft", False)]


def test_transfer_path(svc: Any, clock: Any, media: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    dossier = S.dossier_transfer(actor=svc.approver, dossier=dossier, to_agency=svc.sct, days="2.5")
    assert (dossier.state, dossier.handling_agency, dossier.assignee) == ("transferred", svc.sct, None)
    event = dossier_timeline(dossier)[-1]
    assert event.agency == svc.stp
    assert event.note == (
        "Chuyển liên thông từ Sở Tư pháp đến Sở Công Thương, thời gian 2.5 ngày làm việc."
        if svc.stp.name == "Sở Tư pháp" and svc.sct.name == "Sở Công Thương"
        else event.note
    )
    assert "2.5 ngày làm việc" in event.note
    assert Entry.objects.order_by("-pk").first().action == "services.dossier.transfer"
    # The other agency now owns it: its approver assigns its handler; Sở Tư pháp's approver no longer can.
    with pytest.raises(NotAllowed):
        S.dossier_assign(actor=svc.approver, dossier=dossier, assignee=svc.handler)
    dossier = S.dossier_assign(actor=svc.sct_approver, dossier=dossier, assignee=svc.sct_handler)
    dossier = S.dossier_start_review(actor=svc.sct_handler, dossier=dossier)
    draft_upload(svc, dossier, actor=svc.sct_handler)
    dossier = S.dossier_submit_for_approval(actor=svc.sct_handler, dossier=dossier)
    dossier = S.dossier_approve(actor=svc.sct_approver, dossier=dossier)
    pay_at_counter(svc, dossier)
    dossier = S.dossier_return_result(actor=svc.receiver, dossier=dossier)
    assert dossier.state == "result_returned"
    assert dossier.files.get(kind="result").signed


@pytest.mark.parametrize("days", [0, -1, 11, "abc"])
def test_transfer_share_must_be_within_the_time_limit(svc: Any, clock: Any, days: Any) -> None:
    dossier = _dossier(svc, "under_review")
    with pytest.raises(DomainError, match="Thời gian chuyển liên thông"):
        S.dossier_transfer(actor=svc.approver, dossier=dossier, to_agency=svc.sct, days=days)


def test_stop_by_the_applicant_and_cancel_by_the_desk(svc: Any, clock: Any) -> None:
    stopped = S.dossier_stop(actor=svc.citizen, dossier=to_review(svc, submit_online(svc)), reason="Không còn nhu cầu")
    assert (stopped.state, stopped.completed_at) == ("stopped", clock.now)
    assert dossier_timeline(stopped)[-1].note == "Không còn nhu cầu"
    by_desk = S.dossier_stop(actor=svc.receiver, dossier=_dossier(svc, "assigned"), reason="Công dân đề nghị")
    assert by_desk.state == "stopped"
    cancelled = S.dossier_cancel(actor=svc.receiver, dossier=submit_online(svc, "k-2"), reason="Nộp nhầm thủ tục")
    assert cancelled.state == "cancelled"
    assert dossier_timeline(cancelled)[-1].note == "Nộp nhầm thủ tục"


def test_receive_at_counter(svc: Any, clock: Any) -> None:
    from tinhso.core.workdays import due_at

    dossier = S.dossier_receive_at_counter(
        actor=svc.receiver,
        agency=svc.centre,
        procedure=svc.procedure,
        applicant_name="Trần Thị Bình",
        applicant_personal_id="001190000123",
        applicant_phone="0912000111",
        form_data=GOOD_FORM,
    )
    assert (dossier.state, dossier.channel, dossier.applicant) == ("received", "counter", None)
    assert dossier.due_at == due_at(at("2026-03-02"), Decimal(10))
    assert dossier.code == "H31.01-260302-0001"
    event = dossier_timeline(dossier)[0]
    assert (event.from_state, event.to_state, event.actor) == ("", "received", svc.receiver)
    with pytest.raises(NotAllowed):
        S.dossier_receive_at_counter(
            actor=svc.handler,
            agency=svc.centre,
            procedure=svc.procedure,
            applicant_name="A",
            applicant_personal_id="",
            applicant_phone="",
            form_data=GOOD_FORM,
        )
    with pytest.raises(DomainError, match="12 chữ số"):
        S.dossier_receive_at_counter(
            actor=svc.receiver,
            agency=svc.centre,
            procedure=svc.procedure,
            applicant_name="A",
            applicant_personal_id="123",
            applicant_phone="",
            form_data=GOOD_FORM,
        )
    assert Dossier.objects.count() == 1


# --- submission -----------------------------------------------------------------------------

FORM_ERRORS = [
    ({**GOOD_FORM, "full_name": ""}, "full_name", "Trường “Họ và tên” là bắt buộc."),
    (
        {k: v for k, v in GOOD_FORM.items() if k != "personal_id"},
        "personal_id",
        "Trường “Số định danh cá nhân” là bắt buộc.",
    ),
    (
        {**GOOD_FORM, "personal_id": "03309500123"},
        "personal_id",
        "Trường “Số định danh cá nhân” phải là số định danh cá nhân gồm 12 chữ số.",
    ),
    (
        {**GOOD_FORM, "phone": "912345678"},
        "phone",
        "Trường “Số điện thoại” phải là số điện thoại gồm 10 chữ số, bắt đầu bằng 0.",
    ),
    (
        {**GOOD_FORM, "phone": "1912345678"},
        "phone",
        "Trường “Số điện thoại” phải là số điện thoại gồm 10 chữ số, bắt đầu bằng 0.",
    ),
    (
        {**GOOD_FORM, "purpose": "Đi chơi"},
        "purpose",
        "Giá trị của trường “Mục đích” không nằm trong danh sách cho phép.",
    ),
    ({**GOOD_FORM, "full_name": "A" * 101}, "full_name", "Trường “Họ và tên” dài quá 100 ký tự."),
]


@pytest.mark.parametrize(("form", "field", "message"), FORM_ERRORS)
def test_form_errors_are_in_vietnamese_by_field(
    svc: Any, clock: Any, form: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(DomainError) as caught:
        intake.dossier_submit_online(
            applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=form, idempotency_key="k"
        )
    assert caught.value.errors == {field: message}
    assert caught.value.field == field
    assert not Dossier.objects.exists()


def test_number_date_and_email_fields(svc: Any) -> None:
    svc.procedure.form_fields = [
        {"name": "n", "label": "Số bản", "type": "number", "required": True},
        {"name": "d", "label": "Ngày sinh", "type": "date", "required": True},
        {"name": "e", "label": "Thư điện tử", "type": "email", "required": True},
    ]
    with pytest.raises(DomainError) as caught:
        S.form_data_validate(svc.procedure, {"n": "hai", "d": "31/02/2000", "e": "an@"})
    assert caught.value.errors == {
        "n": "Trường “Số bản” phải là một số.",
        "d": "Trường “Ngày sinh” phải là ngày hợp lệ, dạng ngày/tháng/năm (31/12/2026) hoặc năm-tháng-ngày "
        "(2026-12-31).",
        "e": "Trường “Thư điện tử” phải là địa chỉ thư điện tử hợp lệ.",
    }
    assert S.form_data_validate(svc.procedure, {"n": 2, "d": "2000-02-28", "e": "an@example.vn", "x": 1}) == {
        "n": 2,
        "d": "2000-02-28",
        "e": "an@example.vn",
    }
    assert S.form_data_validate(svc.procedure, {"n": 2, "d": "28/02/2000", "e": "an@example.vn"})["d"] == "2000-02-28"


def test_procedure_without_workflow_or_not_online(svc: Any, clock: Any) -> None:
    bare = make_procedure(code="1.000001.000.00.00.H31", agencies=[svc.centre], steps=False)
    with pytest.raises(DomainError) as caught:
        intake.dossier_submit_online(
            applicant=svc.citizen, procedure=bare, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="k"
        )
    assert caught.value.message == "Thủ tục chưa có quy trình xử lý"
    offline = make_procedure(code="1.000002.000.00.00.H31", agencies=[svc.centre], online_level="none")
    with pytest.raises(DomainError, match="không cung cấp dịch vụ công trực tuyến"):
        intake.dossier_submit_online(
            applicant=svc.citizen, procedure=offline, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="k"
        )
    assert not Dossier.objects.exists()


def test_submission_is_idempotent(svc: Any, clock: Any) -> None:
    first = submit_online(svc, "abc")
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), Entry.objects.count())
    again = submit_online(svc, "abc")
    assert again.pk == first.pk
    assert (Dossier.objects.count(), DossierEvent.objects.count(), Entry.objects.count()) == counts
    with pytest.raises(Conflict):
        intake.dossier_submit_online(
            applicant=svc.other_citizen,
            procedure=svc.procedure,
            agency=svc.centre,
            form_data=GOOD_FORM,
            idempotency_key="abc",
        )
    assert submit_online(svc, "abd").pk != first.pk


def test_officers_cannot_submit_online(svc: Any, clock: Any) -> None:
    with pytest.raises(NotAllowed):
        intake.dossier_submit_online(
            applicant=svc.handler, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="h"
        )


# --- access and queues ------------------------------------------------------------------------


def test_an_officer_elsewhere_gets_the_same_not_found_as_a_missing_id(svc: Any) -> None:
    dossier = _dossier(svc, "under_review")
    with pytest.raises(NotFound) as forbidden:
        access_dossier(svc.sct_officer, dossier.pk)
    with pytest.raises(NotFound) as missing:
        access_dossier(svc.sct_officer, 10**9)
    with pytest.raises(NotFound) as garbage:
        access_dossier(svc.sct_officer, "abc")
    assert (forbidden.value.message, forbidden.value.code, forbidden.value.status_code) == (
        missing.value.message,
        missing.value.code,
        missing.value.status_code,
    )
    assert garbage.value.message == missing.value.message
    for person in (svc.receiver, svc.approver, svc.handler, svc.handler2, svc.citizen):
        assert access_dossier(person, dossier.pk) == dossier
    transferred = _dossier(svc, "transferred", handling_agency=svc.sct)
    assert access_dossier(svc.sct_officer, transferred.pk) == transferred


def test_a_citizen_sees_only_their_own(svc: Any) -> None:
    mine = _dossier(svc, "received")
    theirs = _dossier(svc, "received", applicant=svc.other_citizen)
    assert list(dossiers_visible(svc.citizen)) == [mine]
    assert list(dossiers_visible(svc.other_citizen)) == [theirs]
    with pytest.raises(NotFound):
        access_dossier(svc.citizen, theirs.pk)
    assert set(dossiers_visible(svc.receiver)) == {mine, theirs}
    assert not dossiers_visible(svc.sct_officer).exists()


def test_queues_put_overdue_first_then_by_due_date(svc: Any) -> None:
    now = at("2026-04-01")
    later = _dossier(svc, "pending_approval", due_at=at("2026-04-20"))
    sooner = _dossier(svc, "pending_approval", due_at=at("2026-04-10"))
    overdue = _dossier(svc, "pending_approval", due_at=at("2026-03-25"))
    _dossier(svc, "pending_approval", handling_agency=svc.sct)
    assert list(dossier_queue(person=svc.approver, queue="approve", now=now)) == [overdue, sooner, later]
    assert not dossier_queue(person=svc.handler, queue="approve", now=now).exists()
    assert dossier_is_overdue(overdue, now)
    assert not dossier_is_overdue(sooner, now)
