"""The worker's loop that sends the outbox: a filing's notifications go without a task of their
own, failed ones are tried again once their backoff has passed, a sent one never is, no row
passes MAX_ATTEMPTS, and two workers never send one row twice."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tinhso.core.channels import TextProvider
from tinhso.core.scheduler import periodic_jobs, worker_loops
from tinhso.onestop.conftest import GATEWAYS, GOOD_FORM
from tinhso.onestop.dossiers import intake
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, Notification, NotificationChannel, NotificationState
from tinhso.onestop.notices import services as notify
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _submit_with_contacts(svc: Any, callbacks: Any) -> Dossier:
    Person.objects.filter(pk=svc.citizen.pk).update(email="an.nguyen@example.vn")
    applicant = Person.objects.get(pk=svc.citizen.pk)
    with callbacks(execute=True):
        dossier = intake.dossier_submit_online(
            applicant=applicant,
            procedure=svc.procedure,
            agency=svc.centre,
            form_data=GOOD_FORM,
            idempotency_key="retry-1",
        )
    with callbacks(execute=True):
        Dossier.objects.filter(pk=dossier.pk).update(applicant_phone=PHONE)
        dossier.refresh_from_db()
        S.dossier_receive(actor=svc.receiver, dossier=dossier)
    return dossier


@override_settings(TASKS=DB_TASKS)
def test_a_filings_notification_is_sent_by_the_loop_without_a_task(svc: Any, clock: Any) -> None:
    Person.objects.filter(pk=svc.citizen.pk).update(email="an.nguyen@example.vn")
    tasks_before = DBTaskResult.objects.count()
    dossier = intake.dossier_submit_online(
        applicant=Person.objects.get(pk=svc.citizen.pk),
        procedure=svc.procedure,
        agency=svc.centre,
        form_data=GOOD_FORM,
        idempotency_key="loop-1",
    )
    row = Notification.objects.get(dossier=dossier)
    assert (row.state, row.attempts) == (NotificationState.PENDING, 0)
    assert DBTaskResult.objects.count() == tasks_before  # no task row written with the filing
    assert mail.outbox == []

    assert notify.notifications_drain() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at, row.error) == (NotificationState.SENT, 1, clock.now, "")
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["an.nguyen@example.vn"], f"[Tỉnh số] Hồ sơ {dossier.code}: Đã nộp trực tuyến, chờ tiếp nhận")
    ]
    assert notify.notifications_drain() == 0  # sent: never again
    assert len(mail.outbox) == 1


def test_a_failed_text_is_retried_after_its_backoff_and_the_sent_email_is_not_sent_again(
    svc: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
    texts_sent: list[tuple[str, str, str]],
) -> None:
    with override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.FailingTextProvider"):
        dossier = _submit_with_contacts(svc, django_capture_on_commit_callbacks)
    rows = Notification.objects.filter(dossier=dossier)
    sms = rows.get(channel=NotificationChannel.SMS)
    assert (sms.state, sms.attempts) == (NotificationState.FAILED, 1)
    emails_before = len(mail.outbox)
    sent_emails = set(rows.filter(channel=NotificationChannel.EMAIL).values_list("pk", "sent_at"))
    assert sent_emails
    assert all(sent_at is not None for _, sent_at in sent_emails)

    with override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.RecordingTextProvider"):
        clock.set(clock.now + notify.RETRY_BACKOFF - dt.timedelta(seconds=1))
        assert notify.notifications_drain() == 0  # its backoff has not passed yet
        clock.set(clock.now + dt.timedelta(seconds=1))
        assert notify.notifications_drain() == 1

    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.error, sms.sent_at) == (NotificationState.SENT, 2, "", clock.now)
    assert [(channel, phone) for channel, phone, _ in texts_sent] == [(NotificationChannel.SMS, PHONE)]
    assert len(mail.outbox) == emails_before  # the e-mail went out the first time and stays sent
    assert set(rows.filter(channel=NotificationChannel.EMAIL).values_list("pk", "sent_at")) == sent_emails

    clock.set(clock.now + dt.timedelta(hours=1))
    with override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.RecordingTextProvider"):
        assert notify.notifications_drain() == 0  # nothing left: a sent row is never re-sent
    assert [(channel, phone) for channel, phone, _ in texts_sent] == [(NotificationChannel.SMS, PHONE)]


@override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.FailingTextProvider")
def test_a_failing_row_is_tried_at_most_max_attempts_times_with_a_growing_backoff(
    svc: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
    texts_sent: list[tuple[str, str, str]],
) -> None:
    dossier = _submit_with_contacts(svc, django_capture_on_commit_callbacks)  # the first attempt failed
    sms = Notification.objects.get(dossier=dossier, channel=NotificationChannel.SMS)
    start = clock.now
    tried = []
    for minutes in (0, 1, 2, 3, 4, 10, 60):
        clock.set(start + dt.timedelta(minutes=minutes))
        tried.append(notify.notifications_drain())
    # 2nd attempt 1 minute after the row was written, 3rd after 4 minutes, then none.
    assert tried == [0, 1, 0, 0, 1, 0, 0]
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.sent_at) == (NotificationState.FAILED, notify.MAX_ATTEMPTS, None)
    assert PHONE not in sms.error  # the gateway's echo of the number is masked
    with override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.RecordingTextProvider"):
        assert notify.notifications_drain() == 0  # the cap holds even when the gateway is back
    assert texts_sent == []


def test_a_pending_row_left_by_a_dead_sender_is_tried_again_after_its_backoff(clock: Any) -> None:
    # Claimed (one attempt counted), then its sender died before marking it.
    row = Notification.objects.create(
        channel=NotificationChannel.EMAIL,
        recipient="an.nguyen@example.vn",
        subject="[Tỉnh số] Hồ sơ",
        body="Nội dung",
        attempts=1,
    )
    assert notify.notifications_drain() == 0  # maybe still being sent: left alone
    clock.set(clock.now + notify.RETRY_BACKOFF)
    assert notify.notifications_drain() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.SENT, 2)
    assert [message.to for message in mail.outbox] == [["an.nguyen@example.vn"]]


def test_the_outbox_is_sent_by_a_worker_loop_not_a_periodic_job() -> None:
    loop = next(spec for spec in worker_loops() if spec.name == "notifications_send")
    assert (loop.function_path, loop.interval_setting) == (
        "tinhso.onestop.notices.outbox.notifications_drain",
        "NOTIFICATIONS_SEND_INTERVAL_SECONDS",
    )
    assert "notifications_retry" not in {job.name for job in periodic_jobs()}


class BlockingTextProvider(TextProvider):
    """A gateway that holds its first message until released, and records what it sent."""

    entered: ClassVar[threading.Event] = threading.Event()
    release: ClassVar[threading.Event] = threading.Event()
    sent: ClassVar[list[str]] = []

    def send(self, *, channel: str, phone: str, body: str) -> None:
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(timeout=20)
        self.sent.append(phone)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TINHSO_SMS_PROVIDER=f"{__name__}.BlockingTextProvider")
def test_two_workers_loops_never_send_a_row_twice() -> None:
    phones = [f"09000000{n:02d}" for n in range(3)]
    Notification.objects.bulk_create(
        [Notification(channel=NotificationChannel.SMS, recipient=phone, body="Hồ sơ đã nộp") for phone in phones]
    )
    BlockingTextProvider.entered.clear()
    BlockingTextProvider.release.clear()
    BlockingTextProvider.sent.clear()
    first: list[int] = []

    def worker() -> None:
        try:
            first.append(notify.notifications_drain())
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert BlockingTextProvider.entered.wait(timeout=20)  # the first worker holds its batch
        assert notify.notifications_drain() == 0  # the second passes the locked rows by
    finally:
        BlockingTextProvider.release.set()
        thread.join(timeout=30)
    assert first == [3]
    assert sorted(BlockingTextProvider.sent) == phones
    assert set(Notification.objects.values_list("state", "attempts")) == {(NotificationState.SENT, 1)}
