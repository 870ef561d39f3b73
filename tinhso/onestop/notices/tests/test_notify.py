"""Status notifications: written with the transition, sent after commit, masked in logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from tinhso.onestop.conftest import GATEWAYS, GOOD_FORM, at, draft_upload
from tinhso.onestop.dossiers import intake
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, DossierState, Notification, NotificationState
from tinhso.onestop.notices import services as notify
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
PERSONAL_ID = "033095001234"


@pytest.fixture
def citizen(svc: Any) -> Person:
    Person.objects.filter(pk=svc.citizen.pk).update(email="an.nguyen@example.vn", phone=PHONE)
    return Person.objects.get(pk=svc.citizen.pk)


def _submit(svc: Any, applicant: Person, key: str = "k-1", phone: str = "") -> Dossier:
    dossier = intake.dossier_submit_online(
        applicant=applicant, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key=key
    )
    if phone:
        Dossier.objects.filter(pk=dossier.pk).update(applicant_phone=phone)
        dossier.refresh_from_db()
    return dossier


def test_a_transition_sends_the_applicant_an_email_and_a_masked_sms(
    svc: Any,
    citizen: Person,
    clock: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    caplog.set_level(logging.INFO)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _submit(svc, citizen)
    assert dossier.applicant_phone == PHONE  # copied from the account at submission
    clock.set(at("2026-03-02", 10, 15))
    with django_capture_on_commit_callbacks(execute=True):
        S.dossier_receive(actor=svc.receiver, dossier=dossier)

    rows = Notification.objects.filter(dossier=dossier).order_by("pk")
    assert [(n.channel, n.recipient, n.state, n.attempts) for n in rows] == [
        ("email", "an.nguyen@example.vn", "sent", 1),
        ("sms", PHONE, "sent", 1),
        ("email", "an.nguyen@example.vn", "sent", 1),
        ("sms", PHONE, "sent", 1),
    ]
    assert len(mail.outbox) == 2
    submitted, received = mail.outbox
    assert submitted.to == ["an.nguyen@example.vn"]
    assert "Đã nộp trực tuyến, chờ tiếp nhận" in submitted.body
    assert "Cán bộ thực hiện" not in submitted.body  # the applicant acted, no officer to name
    assert received.subject == f"[Tỉnh số] Hồ sơ {dossier.code}: Đã tiếp nhận"
    body = str(received.body)
    assert f"Hồ sơ {dossier.code} – {svc.procedure.name}" in body
    assert "Trạng thái: Đã tiếp nhận" in body
    assert f"Cơ quan đang xử lý: {svc.centre.name}" in body
    assert f"Cán bộ thực hiện: {svc.receiver.get_full_name()}" in body
    assert "Thời gian: 02/03/2026 10:15" in body
    dossier.refresh_from_db()
    assert f"Hẹn trả kết quả: {dossier.due_at.astimezone(at('2026-03-02').tzinfo):%d/%m/%Y %H:%M}" in body
    for message in mail.outbox:
        assert PHONE not in message.body
        assert PERSONAL_ID not in message.body
    sms = rows.filter(channel="sms").last()
    assert dossier.code in sms.body
    assert "Đã tiếp nhận" in sms.body
    assert PERSONAL_ID not in sms.body
    # The console provider logged both texts, the phone masked; no log line carries the number.
    assert caplog.text.count("sms to ******5678:") == 2
    assert PHONE not in caplog.text
    assert sms.body not in caplog.text  # the body stays in the outbox row, out of the log
    assert f"{len(sms.body)} characters, not sent (console provider), body not logged" in caplog.text
    assert PERSONAL_ID not in caplog.text


def test_no_email_address_means_no_email_row(svc: Any, clock: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = S.dossier_receive_at_counter(
            actor=svc.receiver,
            agency=svc.centre,
            procedure=svc.procedure,
            applicant_name="Trần Thị Bình",
            applicant_personal_id=PERSONAL_ID,
            applicant_phone=PHONE,
            form_data=GOOD_FORM,
        )
        silent = S.dossier_receive_at_counter(
            actor=svc.receiver,
            agency=svc.centre,
            procedure=svc.procedure,
            applicant_name="Lê Văn Cường",
            applicant_personal_id="",
            applicant_phone="",
            form_data=GOOD_FORM,
        )
    assert list(Notification.objects.filter(dossier=dossier).values_list("channel", "state")) == [("sms", "sent")]
    assert not Notification.objects.filter(dossier=silent).exists()
    assert mail.outbox == []
    # The applicant's name, ID number and phone stay out of the text.
    body = Notification.objects.get(dossier=dossier).body
    assert "Trần Thị Bình" not in body
    assert PERSONAL_ID not in body
    assert PHONE not in body


def test_the_account_email_is_used_when_the_dossier_has_none(
    svc: Any,
    citizen: Person,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = _submit(svc, citizen)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email="")
    with django_capture_on_commit_callbacks(execute=True):
        S.dossier_receive(actor=svc.receiver, dossier=dossier)
    assert [m.to for m in mail.outbox] == [["an.nguyen@example.vn"]]


@override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.FailingTextProvider")
def test_a_failing_provider_marks_failed_and_the_transition_stands(
    svc: Any,
    citizen: Person,
    clock: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = _submit(svc, citizen, phone=PHONE)
    Notification.objects.all().delete()
    caplog.set_level(logging.INFO)
    with django_capture_on_commit_callbacks(execute=True):
        received = S.dossier_receive(actor=svc.receiver, dossier=dossier)
    assert received.state == DossierState.RECEIVED
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.RECEIVED
    email = Notification.objects.get(dossier=dossier, channel="email")
    sms = Notification.objects.get(dossier=dossier, channel="sms")
    assert (email.state, email.attempts) == (NotificationState.SENT, 1)
    assert (sms.state, sms.attempts) == (NotificationState.FAILED, 1)
    assert sms.error == "RuntimeError: gateway refused ******5678"
    assert PHONE not in caplog.text
    assert "failed" in caplog.text

    # A retry tries again (counted); a sent row is never sent twice; attempts are capped.
    assert notify.notification_deliver(sms.pk) == NotificationState.FAILED
    with override_settings(TINHSO_SMS_PROVIDER="tinhso.core.channels.ConsoleSmsProvider"):
        assert notify.notification_deliver(sms.pk) == NotificationState.SENT
        assert notify.notification_deliver(sms.pk) == NotificationState.SENT
        assert notify.notification_deliver(email.pk) == NotificationState.SENT
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.error) == (NotificationState.SENT, 3, "")
    assert len(mail.outbox) == 1
    Notification.objects.filter(pk=sms.pk).update(state=NotificationState.FAILED)
    assert notify.notification_deliver(sms.pk) == NotificationState.FAILED  # MAX_ATTEMPTS reached
    assert Notification.objects.get(pk=sms.pk).attempts == notify.MAX_ATTEMPTS


def test_a_refused_transition_leaves_no_notification(
    svc: Any,
    citizen: Person,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = _submit(svc, citizen)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(S.Conflict):
        S.dossier_approve(actor=svc.approver, dossier=dossier)  # not pending approval
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_bulk_assign_refused_rolls_back_every_notification(
    svc: Any,
    citizen: Person,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def forwarded(code: str, state: str = DossierState.FORWARDED) -> Dossier:
        return Dossier.objects.create(
            code=code,
            procedure=svc.procedure,
            receiving_agency=svc.centre,
            handling_agency=svc.stp,
            channel="online",
            state=state,
            applicant=citizen,
            applicant_name="Nguyễn Văn An",
            applicant_email=citizen.email,
            form_data=dict(GOOD_FORM),
            received_at=at("2026-03-02"),
            due_at=at("2026-03-16"),
        )

    good, bad = forwarded("N-good"), forwarded("N-bad", DossierState.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(S.DomainError):
        S.dossier_assign_bulk(actor=svc.approver, dossiers=[good, bad], assignee=svc.handler)
    assert not Notification.objects.exists()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        S.dossier_assign_bulk(actor=svc.approver, dossiers=[good], assignee=svc.handler)
    assert Notification.objects.filter(dossier=good, channel="email", state="sent").count() == 1
    assert [m.subject for m in mail.outbox] == ["[Tỉnh số] Hồ sơ N-good: Đã phân công"]


def test_reasons_for_the_applicant_are_sent_internal_notes_are_not(
    svc: Any,
    citizen: Person,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
    media: Any,
) -> None:
    dossier = Dossier.objects.create(
        code="N-review",
        procedure=svc.procedure,
        receiving_agency=svc.centre,
        handling_agency=svc.stp,
        channel="online",
        state=DossierState.UNDER_REVIEW,
        applicant=citizen,
        applicant_name="Nguyễn Văn An",
        applicant_email=citizen.email,
        form_data=dict(GOOD_FORM),
        received_at=at("2026-03-02"),
        due_at=at("2026-03-16"),
        assignee=svc.handler,
    )
    draft_upload(svc, dossier)  # internal: notifies nobody
    with django_capture_on_commit_callbacks(execute=True):
        S.dossier_submit_for_approval(actor=svc.handler, dossier=dossier, note="Ý kiến nội bộ: đề nghị ký")
        S.dossier_refuse(actor=svc.approver, dossier=dossier, reason="Không đủ điều kiện cấp phiếu")
    to_approval, refused = mail.outbox
    assert "Ý kiến nội bộ" not in to_approval.body
    assert "Nội dung: Không đủ điều kiện cấp phiếu" in refused.body
    assert f"Cán bộ thực hiện: {svc.approver.get_full_name()}" in refused.body
    assert f"Cơ quan đang xử lý: {svc.stp.name}" in refused.body


@override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.RecordingSmsZaloProvider")
def test_zalo_goes_through_the_same_text_interface(
    svc: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
    texts_sent: list[tuple[str, str, str]],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = S.dossier_receive_at_counter(
            actor=svc.receiver,
            agency=svc.centre,
            procedure=svc.procedure,
            applicant_name="Trần Thị Bình",
            applicant_personal_id="",
            applicant_phone=PHONE,
            form_data=GOOD_FORM,
        )
    assert sorted(Notification.objects.filter(dossier=dossier).values_list("channel", "state")) == [
        ("sms", "sent"),
        ("zalo", "sent"),
    ]
    assert sorted(channel for channel, phone, _ in texts_sent) == ["sms", "zalo"]
    assert {phone for _, phone, _ in texts_sent} == {PHONE}


def test_writing_the_outbox_costs_one_query(
    svc: Any, citizen: Person, clock: Any, django_assert_num_queries: Any
) -> None:
    dossier = _submit(svc, citizen, phone=PHONE)
    dossier = Dossier.objects.select_related("procedure", "handling_agency").get(pk=dossier.pk)
    with django_assert_num_queries(1):
        rows = notify.dossier_notify(dossier, "receive", actor=svc.receiver)
    assert [row.channel for row in rows] == ["email", "sms"]
    assert all(row.pk for row in rows)


def test_without_contacts_a_submission_pays_nothing(svc: Any, clock: Any, django_assert_num_queries: Any) -> None:
    dossier = _submit(svc, svc.citizen)  # an account without e-mail, no phone on the dossier
    with django_assert_num_queries(0):
        assert notify.dossier_notify(dossier, "submit_online", actor=svc.citizen) == []
    assert not Notification.objects.exists()
