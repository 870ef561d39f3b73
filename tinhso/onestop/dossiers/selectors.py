"""Reads of the one-stop shop: work queues, a dossier's timeline, lateness."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypedDict

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from tinhso.core.workdays import calendar
from tinhso.onestop.models import Dossier, DossierEvent, DossierState
from tinhso.org.access import agencies_where
from tinhso.org.roles import Perm

if TYPE_CHECKING:
    from tinhso.org.models import Person

S = DossierState
Queue = Literal["receive", "assign", "review", "approve", "return"]

# "Due soon": the deadline is at most this much working time away. The late-dossier job flags
# the same dossiers (tinhso.onestop.deadlines.services), so the queues and the warnings agree. The apology
# and new date must be issued at the latest 1 working day before the deadline, so the warning
# comes one working day before that: there is still a day to act on it.
DUE_SOON_WORKING_DAYS = Decimal(2)
# States with no running clock to warn about: awaiting receipt, paused, or finished.
_NO_WARNING_STATES = frozenset({S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.RESULT_RETURNED, S.STOPPED, S.CANCELLED})


class DossierFlags(TypedDict):
    overdue: bool
    due_soon: bool


def due_soon_cutoff(now: dt.datetime) -> dt.datetime:
    """The latest due moment that counts as due soon at ``now``: one working day of working
    time ahead (DUE_SOON_WORKING_DAYS) on the province's calendar (a Friday afternoon reaches into Monday, a day
    before a holiday past it). Compute it once per query or scan, not per dossier."""
    return calendar().shift(now, DUE_SOON_WORKING_DAYS)


def dossier_queue(*, person: Person, queue: Queue, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    """The dossiers waiting for ``person`` in one work queue, annotated ``overdue`` (past the
    due date) and ``due_soon`` (due within one working day): overdue first, then due soon,
    then by due date."""
    now = now or timezone.now()
    if queue == "receive":
        where = agencies_where(person, Perm.DOSSIER_RECEIVE).values("pk")
        qs = Dossier.objects.filter(state=S.SUBMITTED).filter(
            Q(receiving_agency__in=where) | Q(handling_agency__in=where)
        )
    elif queue == "assign":
        where = agencies_where(person, Perm.DOSSIER_ASSIGN).values("pk")
        qs = Dossier.objects.filter(state__in=[S.FORWARDED, S.TRANSFERRED], handling_agency__in=where)
    elif queue == "review":
        where = agencies_where(person, Perm.DOSSIER_REVIEW).values("pk")
        qs = Dossier.objects.filter(state__in=[S.ASSIGNED, S.UNDER_REVIEW], handling_agency__in=where, assignee=person)
    elif queue == "approve":
        where = agencies_where(person, Perm.DOSSIER_APPROVE).values("pk")
        qs = Dossier.objects.filter(state=S.PENDING_APPROVAL, handling_agency__in=where)
    elif queue == "return":
        where = agencies_where(person, Perm.DOSSIER_RETURN).values("pk")
        qs = Dossier.objects.filter(state__in=[S.APPROVED, S.REFUSED]).filter(
            Q(receiving_agency__in=where) | Q(handling_agency__in=where),
        )
    else:
        raise ValueError(f"Unknown queue {queue!r}")
    cutoff = due_soon_cutoff(now)
    return (
        qs.annotate(
            overdue=Case(When(due_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField()),
            due_soon=Case(
                When(due_at__gte=now, due_at__lte=cutoff, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by(
            F("overdue").desc(),
            F("due_soon").desc(),
            F("due_at").asc(nulls_last=True),
            "pk",
        )
        .select_related("procedure")
    )


# What each event of a dossier's timeline is called, for officers (pages and the process-control sheet).
EVENT_LABELS = {
    "submit_online": _lazy("Nộp trực tuyến"),
    "receive_at_counter": _lazy("Tiếp nhận tại quầy"),
    "receive": _lazy("Tiếp nhận"),
    "forward": _lazy("Chuyển xử lý"),
    "assign": _lazy("Phân công thụ lý"),
    "start_review": _lazy("Bắt đầu thẩm định"),
    "submit_for_approval": _lazy("Trình phê duyệt"),
    "approve": _lazy("Phê duyệt"),
    "refuse": _lazy("Từ chối giải quyết"),
    "return_result": _lazy("Trả kết quả"),
    "request_supplement": _lazy("Yêu cầu bổ sung"),
    "supplement": _lazy("Bổ sung hồ sơ"),
    "transfer": _lazy("Chuyển liên thông"),
    "stop": _lazy("Dừng xử lý"),
    "cancel": _lazy("Hủy hồ sơ"),
    "apologise": _lazy("Xin lỗi, hẹn lại ngày trả kết quả"),
    "draft_result": _lazy("Dự thảo kết quả"),
    "result_issued": _lazy("Phát hành kết quả điện tử (đã ký số)"),
    "pay": _lazy("Nộp phí, lệ phí"),
    "fee_waive": _lazy("Ghi nhận phí, lệ phí không thu trực tuyến"),
    "handover": _lazy("Bàn giao cho chuyên viên khác"),
}


def dossier_timeline(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("actor", "agency", "delegation__delegator").order_by("at", "pk"))


def dossier_is_overdue(dossier: Dossier, now: dt.datetime) -> bool:
    """Past the due date: at completion if completed, at the pause while the clock is stopped."""
    if dossier.due_at is None or dossier.state in (S.STOPPED, S.CANCELLED):
        return False
    if dossier.completed_at is not None:
        return dossier.completed_at > dossier.due_at
    if dossier.state == S.SUPPLEMENT_REQUESTED and dossier.paused_at is not None:
        return dossier.paused_at > dossier.due_at
    return now > dossier.due_at


def dossier_flags(dossier: Dossier, now: dt.datetime) -> DossierFlags:
    """For pages: ``overdue`` as :func:`dossier_is_overdue`; ``due_soon`` when the clock runs
    and the due date is within one working day but not yet past."""
    overdue = dossier_is_overdue(dossier, now)
    due_soon = (
        not overdue
        and dossier.due_at is not None
        and dossier.state not in _NO_WARNING_STATES
        and now <= dossier.due_at <= due_soon_cutoff(now)
    )
    return {"overdue": overdue, "due_soon": due_soon}
