"""In-app notifications: notify() and its channels, the choice of channels (a required one stays
on), marking read, and a person's reach (their own only, another's is "not found")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tinhso.core.errors import DomainError, NotFound
from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import GATEWAYS
from tinhso.onestop.notices.people import ASSIGNED, AT_RISK, RESULT_READY
from tinhso.org import services as org_services
from tinhso.org.models import Notification, NotificationMessage, NotificationPreference, Person
from tinhso.org.notifications import services, tasks
from tinhso.org.notifications.access import access_notification
from tinhso.org.notifications.kinds import EMAIL, IN_APP, SMS, kind_get
from tinhso.org.notifications.selectors import notification_preference_table, notification_unread_count
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_person: Any, world: dict[str, Any]) -> Person:
    """A handler of the service centre who also files dossiers as a citizen (both kinds reach them)."""
    person = make_person("chuyenvien", Role.HANDLER, world["centre"], email="cv@example.vn", phone="0912345678")
    org_services.role_grant(actor=None, person=person, role=Role.CITIZEN, agency=None, valid_from=dt.date(2025, 1, 1))
    return person


@pytest.fixture
def other(make_person: Any) -> Person:
    return make_person("nguoikhac", email="nk@example.vn")


def _notify(person: Person, kind: str = ASSIGNED, **extra: Any) -> Notification:
    with transaction.atomic():
        made = services.notify(
            person,
            kind,
            verb="Bạn được phân công thụ lý hồ sơ",
            object_label="Hồ sơ H-1 – Thủ tục",
            link="/x/1/",
            **extra,
        )
    assert made is not None
    return made


def test_notify_writes_the_line_and_the_default_email_after_commit_without_a_ledger_entry(
    officer: Person, django_capture_on_commit_callbacks: Any
) -> None:
    entries = Entry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify(officer)
    row = Notification.objects.get()
    assert (row.pk, row.recipient_id, row.kind, row.verb, row.object_label, row.link, row.read_at) == (
        made.pk,
        officer.pk,
        ASSIGNED,
        "Bạn được phân công thụ lý hồ sơ",
        "Hồ sơ H-1 – Thủ tục",
        "/x/1/",
        None,
    )
    # The default of "assigned" is the e-mail, not the SMS.
    assert list(NotificationMessage.objects.values_list("channel", "recipient", "state")) == [
        ("email", "cv@example.vn", "sent")
    ]
    [message] = mail.outbox
    assert message.to == ["cv@example.vn"]
    assert message.subject == "[Tỉnh số] Bạn được phân công thụ lý hồ sơ: Hồ sơ H-1 – Thủ tục"
    assert f"Xem tại: {settings.TINHSO_PUBLIC_URL}/x/1/" in message.body
    assert Entry.objects.count() == entries  # the event it announces is the one ledgered
    assert notification_unread_count(person=officer) == 1


def test_a_rolled_back_change_leaves_no_notification(officer: Person, django_capture_on_commit_callbacks: Any) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            services.notify(officer, ASSIGNED, verb="x")
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert not Notification.objects.exists()
    assert not NotificationMessage.objects.exists()
    assert mail.outbox == []


def test_an_inactive_person_is_not_notified(officer: Person) -> None:
    Person.objects.filter(pk=officer.pk).update(is_active=False)
    officer.refresh_from_db()
    with transaction.atomic():
        assert services.notify(officer, ASSIGNED, verb="x") is None
    assert not Notification.objects.exists()


def test_chosen_channels_decide_what_is_sent(officer: Person, django_capture_on_commit_callbacks: Any) -> None:
    changed = services.notification_preferences_set(actor=officer, choices={ASSIGNED: {EMAIL: False, SMS: True}})
    assert changed == 2
    with django_capture_on_commit_callbacks(execute=True):
        _notify(officer)
    assert list(NotificationMessage.objects.values_list("channel", "recipient", "state")) == [
        ("sms", "0912345678", "sent")
    ]
    assert mail.outbox == []
    assert Notification.objects.count() == 1  # the list always has it


def test_channels_need_an_address(other: Person) -> None:
    Person.objects.filter(pk=other.pk).update(email="")
    other.refresh_from_db()
    services.notification_preferences_set(actor=other, choices={ASSIGNED: {SMS: True}})  # no phone either
    _notify(other)
    assert Notification.objects.count() == 1
    assert not NotificationMessage.objects.exists()


def test_a_channel_the_app_carries_itself_is_not_sent_twice(officer: Person) -> None:
    kind = kind_get(RESULT_READY)
    assert kind.required == kind.carried_by_app == {EMAIL, SMS}
    _notify(officer, RESULT_READY)
    assert Notification.objects.filter(kind=RESULT_READY).count() == 1
    assert not NotificationMessage.objects.exists()  # the one-stop shop's own notices send them


def test_preferences_are_ledgered_once_per_change(officer: Person) -> None:
    entries = Entry.objects.count()
    assert services.notification_preferences_set(actor=officer, choices={AT_RISK: {EMAIL: False}}) == 1
    entry = Entry.objects.filter(action="org.notification_preference.set").get()
    assert entry.object_id == str(officer.pk)
    assert NotificationPreference.objects.get(person=officer).enabled is False
    # The same choice again changes nothing and records nothing; the default again is a change back.
    assert services.notification_preferences_set(actor=officer, choices={AT_RISK: {EMAIL: False}}) == 0
    assert services.notification_preferences_set(actor=officer, choices={AT_RISK: {EMAIL: True}}) == 1
    assert Entry.objects.count() == entries + 2
    table = {
        row.kind.code: {c.channel: c.on for c in row.channels} for row in notification_preference_table(person=officer)
    }
    assert table[AT_RISK] == {EMAIL: True, SMS: False}
    assert table[ASSIGNED] == {EMAIL: True, SMS: False}  # the default


def test_a_required_channel_cannot_be_turned_off(officer: Person) -> None:
    entries = Entry.objects.count()
    with pytest.raises(DomainError) as refused:
        services.notification_preferences_set(
            actor=officer, choices={ASSIGNED: {SMS: True}, RESULT_READY: {EMAIL: False}}
        )
    assert refused.value.code == "required_channel"
    assert "Nghị định 224/2026" in refused.value.message
    assert not NotificationPreference.objects.exists()  # not even the allowed part
    assert Entry.objects.count() == entries
    table = {row.kind.code: row.channels for row in notification_preference_table(person=officer)}
    assert [(c.channel, c.on, c.required) for c in table[RESULT_READY]] == [(EMAIL, True, True), (SMS, True, True)]


@pytest.mark.parametrize(
    ("choices", "code"),
    [({"nobody.kind": {EMAIL: True}}, "unknown_kind"), ({ASSIGNED: {IN_APP: False}}, "unknown_channel")],
)
def test_unknown_kinds_and_channels_are_refused(officer: Person, choices: Any, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        services.notification_preferences_set(actor=officer, choices=choices)
    assert refused.value.code == code
    assert not NotificationPreference.objects.exists()


def test_mark_read_once_and_ledgered(officer: Person) -> None:
    row = _notify(officer)
    entries = Entry.objects.count()
    done = services.notification_read(actor=officer, notification=access_notification(officer, row.pk))
    assert done.read_at is not None
    assert notification_unread_count(person=officer) == 0
    entry = Entry.objects.get(action="org.notification.read")
    assert (entry.object_id, entry.actor_id) == (str(row.pk), officer.pk)
    again = services.notification_read(actor=officer, notification=access_notification(officer, row.pk))
    assert again.read_at == done.read_at
    assert Entry.objects.count() == entries + 1


def test_mark_all_read_touches_only_ones_own(officer: Person, other: Person) -> None:
    _notify(officer)
    _notify(officer)
    theirs = _notify(other)
    assert services.notifications_read_all(actor=officer) == 2
    assert services.notifications_read_all(actor=officer) == 0
    assert notification_unread_count(person=officer) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert Entry.objects.filter(action="org.notification.read_all").count() == 1


def test_another_persons_notification_is_not_found_like_a_missing_one(officer: Person, other: Person) -> None:
    theirs = _notify(other)
    with pytest.raises(NotFound) as foreign:
        access_notification(officer, theirs.pk)
    with pytest.raises(NotFound) as missing:
        access_notification(officer, theirs.pk + 1000)
    assert foreign.value.message == missing.value.message
    with pytest.raises(NotFound):
        services.notification_read(actor=officer, notification=theirs)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert not Entry.objects.filter(action="org.notification.read").exists()


def test_the_choices_offer_each_person_the_kinds_that_can_reach_them(make_person: Any, world: dict[str, Any]) -> None:
    handler = make_person("thuly", Role.HANDLER, world["centre"])
    citizen = make_person("congdan", Role.CITIZEN, None)
    nobody = make_person("khongvaitro")
    handler_kinds = {row.kind.code for row in notification_preference_table(person=handler)}
    citizen_kinds = {row.kind.code for row in notification_preference_table(person=citizen)}
    assert {ASSIGNED, AT_RISK} <= handler_kinds
    assert RESULT_READY not in handler_kinds
    assert RESULT_READY in citizen_kinds
    assert ASSIGNED not in citizen_kinds
    assert notification_preference_table(person=nobody) == []


def test_a_failed_text_is_marked_masked_and_sent_again_by_the_loop(
    officer: Person, django_capture_on_commit_callbacks: Any
) -> None:
    services.notification_preferences_set(actor=officer, choices={ASSIGNED: {EMAIL: False, SMS: True}})
    with (
        override_settings(TINHSO_SMS_PROVIDER=f"{GATEWAYS}.FailingTextProvider"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _notify(officer)
    message = NotificationMessage.objects.get()
    assert (message.state, message.attempts) == ("failed", 1)
    assert "0912345678" not in message.error  # the gateway's echo of the number is masked
    assert tasks.messages_drain() == 0  # not due again before its backoff
    later = timezone.now() + tasks.RETRY_BACKOFF
    assert tasks.messages_drain(later) == 1  # the worker's loop tries it again
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)
    assert tasks.messages_drain(later) == 0


def test_the_worker_runs_the_outbox_loop_and_no_retry_job() -> None:
    from django.utils.module_loading import import_string

    from tinhso.core.scheduler import periodic_jobs, worker_loops

    loop = next(spec for spec in worker_loops() if spec.name == "notification_messages_send")
    assert import_string(loop.function_path) is tasks.messages_drain
    assert "notification_messages_retry" not in {job.name for job in periodic_jobs()}
