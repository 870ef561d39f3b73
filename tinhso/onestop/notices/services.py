"""Status notifications to applicants and officers: an outbox written in the transition's
transaction and sent by a background task afterwards.

Decree 224/2026 asks for real-time status notifications that name the agency, the officer
and the times (FRAMEWORKS §2). Every transition of a dossier goes through
:func:`tinhso.onestop.dossiers.events.dossier_event_record`, which calls :func:`dossiers_notify`: it writes the :class:`Notification`
rows (an e-mail and, when a phone is known, one text per channel the text provider offers)
in the transition's transaction; the worker's loop sends them (see :func:`notifications_queue`).
A rolled-back transition leaves no row; a failed send marks its row FAILED, to be tried again
later, and never touches the transition. The channels themselves (mail, the text provider, delivery and
its retries) are core's (:mod:`tinhso.core.channels`); this module says what is sent, to whom.

Bodies and logs never carry the applicant's ID number or phone; logs mask recipients
(:mod:`tinhso.core.privacy`). Officers' names are not the citizen's personal data: the
decree asks for them, so the body names the officer who acted.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend

from tinhso.core import channels
from tinhso.core.channels import ConsoleSmsProvider, TextProvider  # noqa: F401  (their former home, in settings)
from tinhso.onestop.models import Dossier, DossierState, Notification, NotificationChannel
from tinhso.org.models import Person

from . import tasks
from .outbox import MAX_ATTEMPTS, RETRY_BACKOFF, notification_deliver, notifications_drain  # noqa: F401  (callers' names)
from .people import dossiers_people_notify

SMS_PROCEDURE_CHARS = 60
# The only notes an applicant is meant to read: reasons given to them. Other notes (e.g. the
# handler's note to the approver) are internal.
APPLICANT_NOTES = frozenset({"request_supplement", "refuse", "apologise", "stop", "cancel"})


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
    dossier: Dossier,
    action: str,
    officer: str,
    at: dt.datetime,
    note: str,
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
        lines.append(
            _(
                "Kết quả điện tử có chữ ký số của cơ quan đã được phát hành; mã QR trên văn bản "
                "dẫn tới trang xác minh kết quả."
            )
        )
    lines += [
        "",
        _("Tra cứu tình trạng hồ sơ tại %(url)s") % {"url": settings.TINHSO_PUBLIC_URL},
        _("Thư này được gửi tự động từ hệ thống Tỉnh số, vui lòng không trả lời."),
    ]
    text = _("Hồ sơ %(code)s (%(procedure)s): %(status)s lúc %(at)s. Đang xử lý: %(agency)s. Hẹn trả: %(due)s.") % {
        "code": dossier.code,
        "procedure": _short(procedure, SMS_PROCEDURE_CHARS),
        "status": headline,
        "at": _local(at),
        "agency": agency,
        "due": due,
    }
    return subject, "\n".join(lines), text


def dossier_notify(
    dossier: Dossier,
    action: str,
    *,
    actor: Person | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> list[Notification]:
    """Queue the applicant's notifications of a status change (call inside the transition's
    transaction). Returns the rows written: none when no e-mail address or phone is known."""
    return dossiers_notify([(dossier, actor)], action, at=at, note=note)


def dossiers_notify(
    changed: Sequence[tuple[Dossier, Person | None]],
    action: str,
    *,
    at: dt.datetime | None = None,
    note: str = "",
) -> list[Notification]:
    """:func:`dossier_notify` for several dossiers that took the same step (each with the
    person who acted): one insert for all their rows and one sending task.

    Every channel's row is sent and retried on its own, so a failing SMS never re-sends the
    e-mail.
    """
    at = at or timezone.now()
    dossiers_people_notify(changed, action)  # the in-app lines (org's notifications)
    rows = []
    texts_offered = channels.text_channels()
    with translation.override(settings.LANGUAGE_CODE):
        for dossier, actor in changed:
            email, phone = _applicant_contacts(dossier)
            texts = texts_offered if phone else ()
            if not email and not texts:
                continue
            subject, body, text = _applicant_messages(
                dossier,
                action,
                _officer_name(dossier, actor),
                at,
                (note or "").strip(),
            )
            if email:
                rows.append(
                    Notification(
                        dossier=dossier, channel=NotificationChannel.EMAIL, recipient=email, subject=subject, body=body
                    )
                )
            rows += [
                Notification(dossier=dossier, channel=channel, recipient=phone, subject=subject, body=text)
                for channel in texts
            ]
    return notifications_queue(rows)


def notifications_queue(rows: Sequence[Notification]) -> list[Notification]:
    """Write outbox rows in the surrounding transaction, for sending once it commits.

    With the database task backend, a worker runs: its loop
    (:func:`tinhso.onestop.notices.outbox.notifications_drain`) sends the rows within a second
    or so, so a transition writes nothing but its rows (no task row, no task per transition).
    A backend that runs or ships tasks at once (tests; a development server without a worker)
    gets the sending task once the transaction commits, so nothing is sent for a transition
    that rolls back.
    """
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    if ids and not isinstance(tasks.notifications_send.get_backend(), DatabaseBackend):
        transaction.on_commit(functools.partial(tasks.notifications_send.enqueue, ids), robust=True)
    return created
