"""The periodic retry of notifications: failed ones with attempts left and pending ones whose
task was lost are sent again; a sent one never is, and no row passes MAX_ATTEMPTS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from tinhso.core.scheduler import periodic_jobs
from tinhso.onestop.conftest import GATEWAYS, GOOD_FORM
from tinhso.onestop.dossiers import intake
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, Notification, NotificationChannel, NotificationState
from tinhso.onestop.notices import services as notify
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db

PHONE = "0912345678"


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


def test_a_failed_text_is_retried_and_sent_and_the_sent_email_is_not_sent_again(
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

    clock.set(clock.now + dt.timedelta(minutes=5))
    with override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.RecordingTextProvider"):
        assert notify.notifications_retry() == 1

    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.error, sms.sent_at) == (NotificationState.SENT, 2, "", clock.now)
    assert [(channel, phone) for channel, phone, _ in texts_sent] == [(NotificationChannel.SMS, PHONE)]
    assert len(mail.outbox) == emails_before  # the e-mail went out the first time and stays sent
    assert set(rows.filter(channel=NotificationChannel.EMAIL).values_list("pk", "sent_at")) == sent_emails

    with override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.RecordingTextProvider"):
        assert notify.notifications_retry() == 0  # nothing left: a sent row is never re-sent
    assert [(channel, phone) for channel, phone, _ in texts_sent] == [(NotificationChannel.SMS, PHONE)]


@override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.FailingTextProvider")
def test_a_failing_row_is_tried_at_most_max_attempts_times(
    svc: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
    texts_sent: list[tuple[str, str, str]],
) -> None:
    dossier = _submit_with_contacts(svc, django_capture_on_commit_callbacks)
    sms = Notification.objects.get(dossier=dossier, channel=NotificationChannel.SMS)
    retried = [notify.notifications_retry() for _ in range(notify.MAX_ATTEMPTS + 2)]
    assert retried == [1] * (notify.MAX_ATTEMPTS - 1) + [0, 0, 0]
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.sent_at) == (NotificationState.FAILED, notify.MAX_ATTEMPTS, None)
    assert PHONE not in sms.error  # the gateway's echo of the number is masked
    with override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.RecordingTextProvider"):
        assert notify.notifications_retry() == 0  # the cap holds even when the gateway is back
    assert texts_sent == []


def test_a_pending_row_is_retried_only_once_its_task_is_clearly_lost(clock: Any) -> None:
    # Written, but its task never enqueued (e.g. the worker's queue was down at commit).
    row = Notification.objects.create(
        channel=NotificationChannel.EMAIL, recipient="an.nguyen@example.vn", subject="[Tỉnh số] Hồ sơ", body="Nội dung"
    )
    clock.set(clock.now + notify.RETRY_PENDING_AFTER - dt.timedelta(seconds=1))
    assert notify.notifications_retry() == 0  # young: its own task may still be on the way
    assert len(mail.outbox) == 0

    clock.set(clock.now + dt.timedelta(seconds=2))
    assert notify.notifications_retry() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.SENT, 1)
    assert [message.to for message in mail.outbox] == [["an.nguyen@example.vn"]]


def test_the_retry_runs_every_five_minutes() -> None:
    spec = next(job for job in periodic_jobs() if job.name == "notifications_retry")
    assert (spec.task_path, spec.interval_seconds) == ("tinhso.onestop.notices.tasks.notifications_retry", 300)
