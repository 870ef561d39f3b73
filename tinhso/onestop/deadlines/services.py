"""The late-dossier job: warn the handling agency before a dossier misses its return date.

Rule (Decree 118/2025/NĐ-CP on the one-stop shop, FRAMEWORKS §2): at the latest one working
day before the deadline, the handling body must tell the one-stop desk and send the applicant
an apology with the reason and a new date (phiếu xin lỗi); the date may be reset only once.
The job runs every 30 minutes (``tinhso.core.scheduler.periodic_jobs``); each dossier whose
clock runs and whose due date is within one working day, or past, is flagged once
(``at_risk_since``) and its handler and the agency's approvers are notified once (in the
platform, and by e-mail unless they chose otherwise: :mod:`tinhso.org.notifications`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tinhso.core.workdays import WorkCalendar, calendar
from tinhso.ledger.services import ledger_append
from tinhso.onestop.dossiers.selectors import due_soon_cutoff
from tinhso.onestop.dossiers.states import FINAL_STATES
from tinhso.onestop.models import Dossier, DossierState
from tinhso.onestop.notices.people import dossier_at_risk_notify
from tinhso.org.models import Agency, Person, RoleAssignment
from tinhso.org.roles import Role

S = DossierState
# The clock runs: received and not paused, decided or not, and the result not yet returned.
WATCHED_STATES = frozenset(set(S) - {S.SUBMITTED, S.SUPPLEMENT_REQUESTED} - FINAL_STATES)
_BATCH = 200


def dossiers_late_scan(now: dt.datetime | None = None) -> int:
    """Flag the dossiers newly at risk and notify their officers; returns how many were flagged.

    Idempotent: a flagged dossier is not notified again. When its due date moves out of the
    window (an apology's new date, time added back after a supplement), the flag is cleared,
    so the officers are warned again when the new date comes near.
    """
    now = now or timezone.now()
    cutoff = due_soon_cutoff(now)
    Dossier.objects.filter(at_risk_since__isnull=False, state__in=WATCHED_STATES, due_at__gt=cutoff).update(
        at_risk_since=None,
        updated_at=now,
    )
    pks = list(
        Dossier.objects.filter(state__in=WATCHED_STATES, at_risk_since__isnull=True, due_at__lte=cutoff)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    cal = calendar()
    approvers: dict[int, list[Person]] = {}
    flagged = 0
    for start in range(0, len(pks), _BATCH):
        batch = Dossier.objects.select_related("procedure", "handling_agency", "assignee").in_bulk(
            pks[start : start + _BATCH],
        )
        for pk in pks[start : start + _BATCH]:
            flagged += _flag(batch[pk], now, cal, approvers)
    return flagged


@transaction.atomic
def _flag(dossier: Dossier, now: dt.datetime, cal: WorkCalendar, approvers: dict[int, list[Person]]) -> bool:
    # The conditional update claims the dossier: a concurrent scan flags (and notifies) it once.
    claimed = Dossier.objects.filter(pk=dossier.pk, at_risk_since__isnull=True, state__in=WATCHED_STATES).update(
        at_risk_since=now,
        updated_at=now,
    )
    if not claimed:
        return False
    agency = dossier.handling_agency
    if agency.pk not in approvers:
        approvers[agency.pk] = _approvers(agency)
    recipients = list(approvers[agency.pk])
    assignee = dossier.assignee
    if assignee is not None and assignee.is_active and assignee not in recipients:
        recipients.insert(0, assignee)
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _officer_message(dossier, now, cal)
            verb = (
                _("Hồ sơ đã quá hạn trả kết quả")
                if dossier.due_at and dossier.due_at < now
                else _("Hồ sơ sắp đến hạn trả kết quả")
            )
        # In-app for each, the e-mail as each chose (tinhso.org.notifications).
        dossier_at_risk_notify(dossier, recipients, verb=verb, subject=subject, body=body)
    overdue = dossier.due_at is not None and dossier.due_at < now
    ledger_append(
        actor=None,
        action="services.dossier.at_risk",
        obj=dossier,
        payload={
            "code": dossier.code,
            "due_at": dossier.due_at,
            "overdue": overdue,
            "handling_agency": agency.pk,
            "notified": len(recipients),
        },
    )
    return True


def _approvers(agency: Agency) -> list[Person]:
    """The approvers nearest to the agency: on the agency itself, else on the closest agency
    above it that has any (roles cascade down; the province's leaders are not asked about every
    department's dossiers)."""
    ancestors = agency.ancestor_ids or [agency.pk]
    rows = (
        RoleAssignment.objects.active()
        .filter(role=Role.APPROVER, agency_id__in=ancestors, person__is_active=True)
        .select_related("person")
        .order_by("person__username")
    )
    by_agency: dict[int, dict[int, Person]] = {}
    for row in rows:
        if row.agency_id is not None:  # always: filtered on agency_id
            by_agency.setdefault(row.agency_id, {})[row.person_id] = row.person
    for agency_id in _nearest_first(ancestors, agency.pk):
        if by_agency.get(agency_id):
            return list(by_agency[agency_id].values())
    return []


def _nearest_first(ancestors: Iterable[int], own: int) -> list[int]:
    ordered = list(reversed(list(ancestors)))
    return ordered if own in ordered else [own, *ordered]


def apology_deadline(due: dt.datetime, cal: WorkCalendar) -> dt.datetime:
    """The last moment the apology can be issued: one working day of working time before
    ``due`` (the check of ``services.dossier_apologise``). On a working day the same clock time
    of the previous working day is exactly that; a due moment on a day off counts from the end
    of the last working day before it."""
    local = timezone.localtime(due, cal.tz)
    if cal.is_working_day(local):
        day, clock = cal.previous_working_day(local), local.timetz()
    else:
        day, clock = cal.previous_working_day(cal.previous_working_day(local)), cal.periods[-1][1]
    return dt.datetime.combine(day, clock.replace(tzinfo=None), tzinfo=cal.tz)


def _officer_message(dossier: Dossier, now: dt.datetime, cal: WorkCalendar) -> tuple[str, str]:
    due = dossier.due_at
    assert due is not None  # selected by due_at <= cut-off
    values = {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "agency": dossier.handling_agency.name,
        "state": str(DossierState(dossier.state).label),
        "due": _local(due),
    }
    if due < now:
        subject = _("[Tỉnh số] Hồ sơ %(code)s đã quá hạn trả kết quả") % values
        days = cal.working_days_between(due, now)
        lines = [_("Hồ sơ %(code)s – %(procedure)s đã quá hạn %(days)s ngày làm việc.") % {**values, "days": days}]
    else:
        subject = _("[Tỉnh số] Hồ sơ %(code)s sắp đến hạn trả kết quả") % values
        lines = [_("Hồ sơ %(code)s – %(procedure)s sẽ đến hạn trả kết quả trong vòng 01 ngày làm việc.") % values]
    lines += [
        _("Trạng thái: %(state)s") % values,
        _("Cơ quan đang xử lý: %(agency)s") % values,
        _("Hẹn trả kết quả: %(due)s") % values,
        "",
    ]
    deadline = apology_deadline(due, cal)
    if dossier.due_reset_count >= 1:
        lines.append(
            _(
                "Hồ sơ đã được hẹn lại ngày trả kết quả một lần và không được hẹn lại lần nữa: "
                "đề nghị giải quyết, trả kết quả ngay."
            )
        )
    elif now <= deadline:
        lines.append(
            _(
                "Nếu không thể trả kết quả đúng hạn, cơ quan giải quyết phải thông báo cho Bộ phận Một cửa và gửi "
                "người nộp Phiếu xin lỗi và hẹn lại ngày trả kết quả, nêu rõ lý do, chậm nhất 01 ngày làm việc "
                "trước hạn trả kết quả (hạn cuối: %(deadline)s; chỉ được hẹn lại một lần)."
            )
            % {"deadline": _local(deadline)}
        )
    else:
        lines.append(
            _(
                "Đã qua thời điểm gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả (chậm nhất 01 ngày làm việc trước "
                "hạn, tức %(deadline)s): đề nghị giải quyết, trả kết quả sớm nhất và báo cáo lý do chậm cho Bộ phận "
                "Một cửa."
            )
            % {"deadline": _local(deadline)}
        )
    lines.append(_("Thư này được gửi tự động từ hệ thống Tỉnh số."))
    return subject, "\n".join(lines)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
