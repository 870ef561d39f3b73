"""The late-dossier job and the due-soon ordering of the work queues."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from tinhso.core.scheduler import periodic_jobs
from tinhso.ledger.models import Entry
from tinhso.onestop import tasks
from tinhso.onestop.conftest import GOOD_FORM, at
from tinhso.onestop.deadlines.services import dossiers_late_scan
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.dossiers.selectors import dossier_flags, dossier_queue
from tinhso.onestop.models import Dossier, DossierState
from tinhso.org.models import Notification, NotificationMessage, Person

pytestmark = pytest.mark.django_db

St = DossierState
# Tuesday 28 April 2026, 10:00. Thursday 30/4 and Friday 1/5 are public holidays and 2–3/5
# a weekend, so "within two working days" (DUE_SOON_WORKING_DAYS: one day to act before the
# apology deadline, which is one working day before the due date) reaches Monday 4 May 10:00
# (a count in calendar days would stop on Thursday).
NOW = at("2026-04-28", 10)


@pytest.fixture
def officers(svc: Any) -> Any:
    for person, email in [
        (svc.handler, "chuyenvien@stp.example.vn"),
        (svc.handler2, "chuyenvien2@stp.example.vn"),
        (svc.approver, "lanhdao@stp.example.vn"),
        (svc.sct_approver, "lanhdao@sct.example.vn"),
        (svc.citizen, "an.nguyen@example.vn"),
    ]:
        Person.objects.filter(pk=person.pk).update(email=email)
        person.refresh_from_db()
    return svc


def _dossier(svc: Any, code: str, state: str, due: Any, **extra: Any) -> Dossier:
    fields: dict[str, Any] = {
        "code": code,
        "procedure": svc.procedure,
        "receiving_agency": svc.centre,
        "handling_agency": svc.stp,
        "channel": "online",
        "state": state,
        "applicant": svc.citizen,
        "applicant_name": "Nguyễn Văn An",
        "applicant_email": "an.nguyen@example.vn",
        "form_data": dict(GOOD_FORM),
        "submitted_at": at("2026-04-15", 8),
        "received_at": at("2026-04-15"),
        "due_at": due,
        "original_due_at": due,
        "assignee": svc.handler,
    }
    fields.update(extra)
    return Dossier.objects.create(**fields)


@pytest.fixture
def dossiers(officers: Any) -> dict[str, Dossier]:
    svc = officers
    made = [
        _dossier(svc, "L-past", St.UNDER_REVIEW, at("2026-04-24", 16)),
        _dossier(svc, "L-today", St.APPROVED, at("2026-04-28", 15)),
        _dossier(svc, "L-monday", St.ASSIGNED, at("2026-05-04", 9)),
        _dossier(svc, "L-edge", St.PENDING_APPROVAL, at("2026-05-04", 10)),
        _dossier(svc, "L-later", St.UNDER_REVIEW, at("2026-05-04", 11)),
        _dossier(svc, "L-next-week", St.FORWARDED, at("2026-05-07", 9), assignee=None),
        _dossier(
            svc,
            "L-paused",
            St.SUPPLEMENT_REQUESTED,
            at("2026-04-28", 9),
            paused_at=at("2026-04-20"),
            state_before_pause=St.UNDER_REVIEW,
        ),
        _dossier(svc, "L-returned", St.RESULT_RETURNED, at("2026-04-28", 9), completed_at=at("2026-04-29", 8)),
        _dossier(svc, "L-stopped", St.STOPPED, at("2026-04-28", 9)),
        _dossier(svc, "L-submitted", St.SUBMITTED, None, received_at=None, original_due_at=None, assignee=None),
        _dossier(svc, "L-sct", St.TRANSFERRED, at("2026-04-30", 9), handling_agency=svc.sct, assignee=None),
    ]
    return {d.code: d for d in made}


def _flagged() -> set[str]:
    return set(Dossier.objects.filter(at_risk_since__isnull=False).values_list("code", flat=True))


def test_scan_flags_due_within_one_working_day_across_holidays_and_notifies_once(
    dossiers: dict[str, Dossier],
    officers: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clock.set(NOW)
    entries = Entry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert dossiers_late_scan() == 5
    assert _flagged() == {"L-past", "L-today", "L-monday", "L-edge", "L-sct"}
    assert set(Dossier.objects.filter(at_risk_since=NOW).values_list("code", flat=True)) == _flagged()
    assert Entry.objects.filter(action="services.dossier.at_risk").count() == 5
    assert Entry.objects.count() == entries + 5

    # The handler assigned and the handling agency's approvers; another agency's only for its own.
    sent = {(m.subject, tuple(m.to)) for m in mail.outbox}
    stp = ("lanhdao@stp.example.vn",)
    assert {to for subject, to in sent if "L-monday" in subject} == {("chuyenvien@stp.example.vn",), stp}
    assert {to for subject, to in sent if "L-sct" in subject} == {("lanhdao@sct.example.vn",)}
    assert len(mail.outbox) == 9  # 4 Sở Tư pháp dossiers × (handler + approver) + 1 Sở Công Thương
    assert not any("chuyenvien2" in m.to[0] or "an.nguyen" in m.to[0] for m in mail.outbox)
    # Each officer's e-mail went through the platform's notifications, with its line in their list.
    assert NotificationMessage.objects.filter(state="sent").count() == 9
    assert Notification.objects.filter(kind="services.dossier_at_risk", read_at__isnull=True).count() == 9

    monday = next(m for m in mail.outbox if "L-monday" in m.subject)
    assert monday.subject == "[Tỉnh số] Hồ sơ L-monday sắp đến hạn trả kết quả"
    assert "Hẹn trả kết quả: 04/05/2026 09:00" in monday.body
    # Its apology is due by Wednesday 09:00 (one working day before Monday 09:00): a day to act.
    assert "(hạn cuối: 29/04/2026 09:00" in monday.body
    assert f"/mot-cua/ho-so/{dossiers['L-monday'].pk}/" in monday.body  # the e-mail links to the dossier's page
    edge = next(m for m in mail.outbox if "L-edge" in m.subject)  # exactly two working days left
    assert "chậm nhất 01 ngày làm việc trước hạn trả kết quả (hạn cuối: 29/04/2026 10:00" in edge.body
    assert "Nguyễn Văn An" not in monday.body
    assert "033095001234" not in monday.body
    past = next(m for m in mail.outbox if "L-past" in m.subject)
    assert past.subject == "[Tỉnh số] Hồ sơ L-past đã quá hạn trả kết quả"
    # Fri 16:00 → Tue 10:00 (Mon 27/4 is the Hùng Kings day off): 3 h 30 of 7 h 30.
    assert "đã quá hạn 0.466667 ngày làm việc" in past.body

    # Later the same day: nobody is notified again.
    clock.set(at("2026-04-28", 10, 30))
    with django_capture_on_commit_callbacks(execute=True):
        assert dossiers_late_scan() == 0
    assert len(mail.outbox) == 9
    assert Entry.objects.count() == entries + 5

    # A day later the window reaches Tuesday 5/5 10:00: L-later joins, nothing else moves.
    clock.set(at("2026-04-29", 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert dossiers_late_scan() == 1
    assert _flagged() == {"L-past", "L-today", "L-monday", "L-edge", "L-sct", "L-later"}
    assert len(mail.outbox) == 11
    assert Dossier.objects.get(code="L-past").at_risk_since == NOW  # set once


def test_an_apology_moves_the_date_and_the_warning_comes_again_near_the_new_one(
    dossiers: dict[str, Dossier],
    officers: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clock.set(NOW)
    with django_capture_on_commit_callbacks(execute=True):
        dossiers_late_scan()
    # L-edge is two working days away: the apology is still allowed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        S.dossier_apologise(
            actor=officers.approver,
            dossier=dossiers["L-edge"],
            new_due_at=at("2026-05-08", 10),
            reason="Cần xác minh thêm tại cơ quan công an",
        )
    [apology] = mail.outbox
    assert apology.to == ["an.nguyen@example.vn"]
    assert apology.subject == "[Tỉnh số] Hồ sơ L-edge: hẹn lại ngày trả kết quả"
    assert "Hẹn trả kết quả: 08/05/2026 10:00" in apology.body
    assert "Nội dung: Cần xác minh thêm tại cơ quan công an" in apology.body

    clock.set(at("2026-04-28", 10, 30))
    assert dossiers_late_scan() == 0
    assert "L-edge" not in _flagged()  # out of the window again

    mail.outbox.clear()
    clock.set(at("2026-05-07", 11))
    with django_capture_on_commit_callbacks(execute=True):
        dossiers_late_scan()
    [warning] = [m for m in mail.outbox if "L-edge" in m.subject and m.to == ["lanhdao@stp.example.vn"]]
    assert "không được hẹn lại lần nữa" in warning.body
    assert "Phiếu xin lỗi" not in warning.body
    assert Dossier.objects.get(code="L-edge").at_risk_since == at("2026-05-07", 11)


def test_the_scan_is_a_periodic_task(dossiers: dict[str, Dossier], clock: Any) -> None:
    clock.set(NOW)
    assert any(
        spec.task_path == "tinhso.onestop.tasks.dossiers_late_scan" and spec.interval_seconds == 1800
        for spec in periodic_jobs()
    )
    result = tasks.dossiers_late_scan.enqueue()  # the test settings run tasks at once
    assert result.return_value == 5


def test_queue_puts_overdue_then_due_soon_first(officers: Any, clock: Any) -> None:
    svc = officers
    clock.set(NOW)
    for code, due in [
        ("Q-later", at("2026-05-05", 9)),
        ("Q-soon-2", at("2026-05-04", 9)),
        ("Q-none", None),
        ("Q-over-2", at("2026-04-28", 9)),
        ("Q-soon-1", at("2026-04-29", 16)),
        ("Q-over-1", at("2026-04-27", 9)),
        ("Q-after-edge", at("2026-05-04", 10, 1)),
    ]:
        _dossier(svc, code, St.UNDER_REVIEW, due)
    _dossier(svc, "Q-other", St.UNDER_REVIEW, at("2026-04-20"), assignee=svc.handler2)
    queue = list(dossier_queue(person=svc.handler, queue="review"))
    # overdue and due_soon are annotations of the queue's queryset, unknown to the model's type
    assert [(d.code, d.overdue, d.due_soon) for d in queue] == [  # type: ignore[attr-defined]
        ("Q-over-1", True, False),
        ("Q-over-2", True, False),
        ("Q-soon-1", False, True),
        ("Q-soon-2", False, True),
        ("Q-after-edge", False, False),
        ("Q-later", False, False),
        ("Q-none", False, False),
    ]
    by_code = {d.code: d for d in queue}
    assert dossier_flags(by_code["Q-over-1"], NOW) == {"overdue": True, "due_soon": False}
    assert dossier_flags(by_code["Q-soon-2"], NOW) == {"overdue": False, "due_soon": True}
    assert dossier_flags(by_code["Q-later"], NOW) == {"overdue": False, "due_soon": False}
    assert dossier_flags(by_code["Q-none"], NOW) == {"overdue": False, "due_soon": False}
    paused = _dossier(svc, "Q-paused", St.SUPPLEMENT_REQUESTED, at("2026-04-29", 16), paused_at=at("2026-04-20"))
    assert dossier_flags(paused, NOW) == {"overdue": False, "due_soon": False}  # the clock is stopped
