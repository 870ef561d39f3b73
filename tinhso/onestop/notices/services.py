"""Status notifications to applicants and officers: an outbox written in the transition's
transaction and sent by a background task afterwards.

Decree 224/2026 asks for real-time status notifications that name the agency, the officer
and the times (FRAMEWORKS §2). Every transition of a dossier goes through
``services._record``, which calls :func:`dossier_notify`: it writes the :class:`Notification`
rows (an e-mail and, when a phone is known, one text per channel the text provider offers)
and enqueues :func:`tinhso.onestop.tasks.notifications_send` for them (in the same
transaction with the database task queue, else on commit, see :func:`notifications_queue`). A
rolled-back transition leaves neither rows nor tasks; a failed send marks its row FAILED and
never touches the transition.

Bodies and logs never carry the applicant's ID number or phone; logs mask recipients
(:mod:`tinhso.core.privacy`). Officers' names are not the citizen's personal data: the
decree asks for them, so the body names the officer who acted.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tinhso.core.db import rows_insert
from tinhso.core.privacy import mask_digits, mask_email
from tinhso.onestop.models import Dossier, DossierState, Notification, NotificationChannel, NotificationState

if TYPE_CHECKING:
    from tinhso.org.models import Person

log = logging.getLogger(__name__)

# A row is tried at most this many times (a retried task, or a later re-enqueue of FAILED rows).
MAX_ATTEMPTS = 3
# A PENDING row older than this lost its task (enqueue failed after commit, or a worker died).
RETRY_PENDING_AFTER = dt.timedelta(minutes=5)
RETRY_BATCH = 500
SMS_PROCEDURE_CHARS = 60
# The only notes an applicant is meant to read: reasons given to them. Other notes (e.g. the
# handler's note to the approver) are internal.
APPLICANT_NOTES = frozenset({"request_supplement", "refuse", "apologise", "stop", "cancel"})
_LONG_DIGITS = re.compile(r"\d{9,}")


# --- text providers ----------------------------------------------------------------------------

class TextProvider:
    """Sends a short text to a phone. One interface for SMS and Zalo (ZNS): a provider lists
    the channels it offers in ``channels`` and gets the channel with every message.

    Configured by class path in ``settings.TINHSO_SMS_PROVIDER``. ``send`` raises on failure
    (any exception); the message is then marked FAILED with a masked error text.
    """

    channels: tuple[str, ...] = (NotificationChannel.SMS,)

    def send(self, *, channel: str, phone: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSmsProvider(TextProvider):
    """Development provider: logs that a message would go, the phone masked, the body left out
    (it stays in the outbox row)."""

    def send(self, *, channel: str, phone: str, body: str) -> None:
        log.info("%s to %s: %s characters, not sent (console provider), body not logged",
                 channel, mask_digits(phone), len(body))


@functools.lru_cache(maxsize=8)
def _provider_class(path: str) -> type[TextProvider]:
    return import_string(path)


def text_provider() -> TextProvider:
    return _provider_class(settings.TINHSO_SMS_PROVIDER)()


def _text_channels() -> tuple[str, ...]:
    offered = _provider_class(settings.TINHSO_SMS_PROVIDER).channels
    return tuple(channel for channel in offered if channel in (NotificationChannel.SMS, NotificationChannel.ZALO))


# --- writing the outbox ------------------------------------------------------------------------

def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _officer_name(dossier: Dossier, actor: Person | None) -> str:
    """The officer who acted; nobody when the applicant (or the system) did."""
    if actor is None or (dossier.applicant_id is not None and actor.pk == dossier.applicant_id):
        return ""
    return actor.get_full_name()


def _applicant_contacts(dossier: Dossier) -> tuple[str, str]:
    """The dossier's e-mail (else the applicant account's) and the dossier's phone."""
    email = dossier.applicant_email
    if not email and dossier.applicant is not None:
        email = dossier.applicant.email
    return (email or "").strip(), (dossier.applicant_phone or "").strip()


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _applicant_messages(
    dossier: Dossier, action: str, officer: str, at: dt.datetime, note: str,
) -> tuple[str, str, str]:
    """(subject, e-mail body, text body) in Vietnamese."""
    status = str(DossierState(dossier.state).label)
    agency = dossier.handling_agency.name
    procedure = dossier.procedure.name
    due = _local(dossier.due_at) if dossier.due_at else _("chưa có (tính từ khi hồ sơ được tiếp nhận)")
    if action == "apologise":
        headline = _("hẹn lại ngày trả kết quả")
    elif action == "result_issued":
        headline = _("Đã có kết quả")
    else:
        headline = status
    subject = _("[Tỉnh số] Hồ sơ %(code)s: %(headline)s") % {"code": dossier.code, "headline": headline}
    lines = [
        _("Hồ sơ %(code)s – %(procedure)s") % {"code": dossier.code, "procedure": procedure},
        _("Trạng thái: %(status)s") % {"status": status},
        _("Cơ quan đang xử lý: %(agency)s") % {"agency": agency},
    ]
    if officer:
        lines.append(_("Cán bộ thực hiện: %(officer)s") % {"officer": officer})
    lines += [
        _("Thời gian: %(at)s") % {"at": _local(at)},
        _("Hẹn trả kết quả: %(due)s") % {"due": due},
    ]
    if note and action in APPLICANT_NOTES:
        lines.append(_("Nội dung: %(note)s") % {"note": note})
    if action == "result_issued":
        lines.append(_("Kết quả điện tử có chữ ký số của cơ quan đã được phát hành; mã QR trên văn bản "
                       "dẫn tới trang xác minh kết quả."))
    lines += [
        "",
        _("Tra cứu tình trạng hồ sơ tại %(url)s") % {"url": settings.TINHSO_PUBLIC_URL},
        _("Thư này được gửi tự động từ hệ thống Tỉnh số, vui lòng không trả lời."),
    ]
    text = _("Hồ sơ %(code)s (%(procedure)s): %(status)s lúc %(at)s. Đang xử lý: %(agency)s. Hẹn trả: %(due)s.") % {
        "code": dossier.code, "procedure": _short(procedure, SMS_PROCEDURE_CHARS), "status": headline,
        "at": _local(at), "agency": agency, "due": due,
    }
    return subject, "\n".join(lines), text


def dossier_notify(
    dossier: Dossier, action: str, *, actor: Person | None = None, at: dt.datetime | None = None, note: str = "",
) -> list[Notification]:
    """Queue the applicant's notifications of a status change (call inside the transition's
    transaction). Returns the rows written: none when no e-mail address or phone is known."""
    return dossiers_notify([(dossier, actor)], action, at=at, note=note)


def dossiers_notify(
    changed: Sequence[tuple[Dossier, Person | None]], action: str, *, at: dt.datetime | None = None, note: str = "",
) -> list[Notification]:
    """:func:`dossier_notify` for several dossiers that took the same step (each with the
    person who acted): one insert for all their rows and one sending task.

    Every channel's row is sent and retried on its own, so a failing SMS never re-sends the
    e-mail.
    """
    at = at or timezone.now()
    rows = []
    channels = _text_channels()
    with translation.override(settings.LANGUAGE_CODE):
        for dossier, actor in changed:
            email, phone = _applicant_contacts(dossier)
            texts = channels if phone else ()
            if not email and not texts:
                continue
            subject, body, text = _applicant_messages(
                dossier, action, _officer_name(dossier, actor), at, (note or "").strip(),
            )
            if email:
                rows.append(Notification(dossier=dossier, channel=NotificationChannel.EMAIL, recipient=email,
                                         subject=subject, body=body))
            rows += [Notification(dossier=dossier, channel=channel, recipient=phone, subject=subject, body=text)
                     for channel in texts]
    return notifications_queue(rows)


def notifications_queue(rows: Sequence[Notification]) -> list[Notification]:
    """Write outbox rows and enqueue their sending with the surrounding transaction.

    With the database task backend the task rows are written in that transaction: they commit
    or roll back with the rows they send (no second commit, no task for a rolled-back row, no
    row left without its task). A backend that runs or ships tasks at once gets them once the
    transaction commits, so nothing is sent for a transition that rolls back.
    """
    created = rows_insert(rows)
    ids = [row.pk for row in created]
    if not ids:
        return created
    if _enqueues_in_transaction():
        _enqueue(ids)
    else:
        transaction.on_commit(functools.partial(_enqueue, ids), robust=True)
    return created


def _enqueues_in_transaction() -> bool:
    """Is the sending task stored in this database, inside the current transaction?"""
    from django_tasks_db import DatabaseBackend

    from tinhso.onestop.tasks import notification_send

    connection = transaction.get_connection()
    return connection.in_atomic_block and isinstance(notification_send.get_backend(), DatabaseBackend)


def _enqueue(ids: list[int]) -> None:
    """One task sends the rows of one transaction (one task row to write, whatever their number)."""
    from tinhso.onestop.tasks import notifications_send

    if ids:
        notifications_send.enqueue(ids)


# --- sending -----------------------------------------------------------------------------------

def _masked_recipient(notification: Notification) -> str:
    if notification.channel == NotificationChannel.EMAIL:
        return mask_email(notification.recipient)
    return mask_digits(notification.recipient)


def _scrub(text: str) -> str:
    """An error text fit for logs and the row: long digit runs (phones, ID numbers) masked."""
    return _LONG_DIGITS.sub(lambda match: mask_digits(match.group()), text)[:1000]


def notification_deliver(notification_id: int) -> str:
    """Send one outbox row; returns its state afterwards. Never raises for a failed send.

    Safe to run twice or on several workers: an attempt is claimed by a compare-and-set on
    ``attempts``, a SENT row is never sent again, and a row is tried at most MAX_ATTEMPTS times.
    """
    current = Notification.objects.filter(pk=notification_id).values("state", "attempts").first()
    if current is None:
        return "missing"
    if current["state"] == NotificationState.SENT or current["attempts"] >= MAX_ATTEMPTS:
        return current["state"]
    retryable = [NotificationState.PENDING, NotificationState.FAILED]
    claimed = Notification.objects.filter(
        pk=notification_id, attempts=current["attempts"], state__in=retryable,
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return current["state"]  # another worker is on it
    notification = Notification.objects.get(pk=notification_id)
    try:
        if notification.channel == NotificationChannel.EMAIL:
            send_mail(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.recipient])
        else:
            text_provider().send(channel=notification.channel, phone=notification.recipient, body=notification.body)
    except Exception as error:  # any provider failure is recorded, never raised into the caller
        message = _scrub(f"{type(error).__name__}: {error}")
        Notification.objects.filter(pk=notification_id).update(state=NotificationState.FAILED, error=message)
        log.warning("notification %s (%s to %s, attempt %s) failed: %s", notification_id, notification.channel,
                    _masked_recipient(notification), notification.attempts, message)
        return NotificationState.FAILED
    Notification.objects.filter(pk=notification_id).update(
        state=NotificationState.SENT, sent_at=timezone.now(), error="",
    )
    log.info("notification %s sent (%s to %s)", notification_id, notification.channel,
             _masked_recipient(notification))
    return NotificationState.SENT


def notifications_retry(now: dt.datetime | None = None) -> int:
    """Enqueue again the rows nobody will send otherwise: FAILED ones with attempts left, and
    PENDING ones older than RETRY_PENDING_AFTER whose task was lost. Returns how many.

    Run every few minutes (``tasks.notifications_retry``). A row the first task is still
    sending is not double-sent in practice (it is young), and never past MAX_ATTEMPTS;
    :func:`notification_deliver` skips SENT rows.
    """
    now = now or timezone.now()
    lost = Q(state=NotificationState.PENDING, created_at__lt=now - RETRY_PENDING_AFTER)
    due = Notification.objects.filter(lost | Q(state=NotificationState.FAILED), attempts__lt=MAX_ATTEMPTS)
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:RETRY_BATCH])
    _enqueue(ids)
    if ids:
        log.info("notifications retried: %s", len(ids))
    return len(ids)
