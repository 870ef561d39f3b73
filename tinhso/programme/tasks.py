"""Reminders and escalation for reporting rounds, run by the worker.

Every job works from ids and the database, so it is safe to retry and to run on several
workers: a :class:`Reminder` row (unique per round, agency, kind and day) is written with the
notifications (in the platform, and by e-mail as each person chose), and only the worker that
wrote it notifies.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from tinhso.org.models import Agency, Person
from tinhso.org.roles import Role

from .models import ReminderKind, ReportingRound, ReportState, RoundStatus, TargetReport, TaskReport
from .notices import ESCALATION, REMINDER, REPORT_RETURNED, agency_people, dx_office_people, emails, round_notify

NOTIFICATION_KINDS: dict[str, str] = {
    ReminderKind.BEFORE_DUE: REMINDER,
    ReminderKind.OVERDUE: ESCALATION,
    ReminderKind.RETURNED: REPORT_RETURNED,
}

log = logging.getLogger(__name__)

REMIND_DAYS_BEFORE = (7, 3, 1)
PENDING = (ReportState.DRAFT, ReportState.RETURNED)


def _pending_by_agency(round_: ReportingRound) -> dict[int, int]:
    counts: dict[int, int] = {}
    for model in (TaskReport, TargetReport):
        rows = model.objects.filter(round=round_, state__in=PENDING).values("agency_id").annotate(n=Count("pk"))
        for row in rows:
            counts[row["agency_id"]] = counts.get(row["agency_id"], 0) + row["n"]
    return counts


def _send_once(
    round_: ReportingRound,
    agency: Agency,
    kind: str,
    today: dt.date,
    pending: int,
    people: list[Person],
    *,
    verb: str,
    subject: str,
    body: str,
) -> bool:
    from .models import Reminder

    try:
        with transaction.atomic():
            Reminder.objects.create(
                round=round_, agency=agency, kind=kind, sent_on=today, recipients=emails(people), pending=pending
            )
            # In-app for each, the e-mail as each chose; sent after commit, so only once.
            with translation.override(settings.LANGUAGE_CODE):
                round_notify(
                    round_, agency, people, kind=NOTIFICATION_KINDS[kind], verb=verb, subject=subject, body=body
                )
    except IntegrityError:
        return False  # another worker (or an earlier try) already sent it today
    return True


def remind_round(round_id: int, today: dt.date | None = None) -> int:
    """Send today's reminders (before the due date) or escalations (after it) for one round."""
    today = today or timezone.localdate()
    round_ = ReportingRound.objects.select_related("programme__owner").get(pk=round_id)
    if round_.status != RoundStatus.OPEN:
        return 0
    days_left = (round_.due_date - today).days
    if days_left in REMIND_DAYS_BEFORE:
        kind = ReminderKind.BEFORE_DUE
    elif days_left < 0:
        kind = ReminderKind.OVERDUE
    else:
        return 0
    sent = 0
    pending_by_agency = _pending_by_agency(round_)
    agencies = Agency.objects.in_bulk(list(pending_by_agency))
    for agency_id, pending in sorted(pending_by_agency.items()):
        agency = agencies[agency_id]
        if kind == ReminderKind.BEFORE_DUE:
            people = agency_people(agency, (Role.FOCAL_POINT,))
            verb = _("Nhắc báo cáo kỳ %(period)s: còn %(days)s ngày") % {"period": round_.period, "days": days_left}
            subject = f"[Tỉnh số] {verb}"
            body = (
                f"{agency.name} còn {pending} báo cáo chưa gửi trong kỳ {round_.period} của "
                f"“{round_.programme.title}”. Hạn nộp: {round_.due_date:%d/%m/%Y}."
            )
        else:
            found = agency_people(agency, (Role.FOCAL_POINT, Role.LEADER)) + dx_office_people(round_)
            people = list({person.pk: person for person in found}.values())
            verb = _("Đôn đốc: chưa nộp báo cáo kỳ %(period)s, quá hạn") % {"period": round_.period}
            subject = f"[Tỉnh số] Đôn đốc: {agency.name} chưa nộp báo cáo kỳ {round_.period}"
            body = (
                f"Đã quá hạn {-days_left} ngày (hạn {round_.due_date:%d/%m/%Y}). {agency.name} còn "
                f"{pending} báo cáo chưa gửi trong kỳ {round_.period} của “{round_.programme.title}”."
            )
        sent += _send_once(round_, agency, kind, today, pending, people, verb=verb, subject=subject, body=body)
    return sent


@task()
def reminders_send() -> int:
    """Daily: reminders and escalations for every open round."""
    today = timezone.localdate()
    return sum(
        remind_round(pk, today)
        for pk in ReportingRound.objects.filter(status=RoundStatus.OPEN).values_list("pk", flat=True)
    )


@task()
def report_returned_notify(kind: str, report_id: int) -> bool:
    model = TaskReport if kind == "task" else TargetReport
    report = model.objects.select_related("round__programme", "agency").filter(pk=report_id).first()
    if report is None or report.state != ReportState.RETURNED:
        return False
    subject = f"[Tỉnh số] Báo cáo kỳ {report.round.period} được trả lại để bổ sung"
    body = f"{report}: {report.review_comment}"
    return _send_once(
        report.round,
        report.agency,
        ReminderKind.RETURNED,
        timezone.localdate(),
        1,
        agency_people(report.agency, (Role.FOCAL_POINT,)),
        verb=_("Báo cáo kỳ %(period)s được trả lại để bổ sung") % {"period": report.round.period},
        subject=subject,
        body=body,
    )
