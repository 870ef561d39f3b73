"""Reads of the one-stop shop: work queues, a dossier's timeline, lateness."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from tinhso.org.access import agencies_where
from tinhso.org.roles import Perm

from .models import Dossier, DossierEvent, DossierState

if TYPE_CHECKING:
    from tinhso.org.models import Person

S = DossierState
Queue = Literal["receive", "assign", "review", "approve", "return"]


def dossier_queue(*, person: Person, queue: Queue, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    """The dossiers waiting for ``person`` in one work queue: overdue first, then by due date."""
    now = now or timezone.now()
    if queue == "receive":
        where = agencies_where(person, Perm.DOSSIER_RECEIVE).values("pk")
        qs = Dossier.objects.filter(state=S.SUBMITTED).filter(Q(agency__in=where) | Q(handling_agency__in=where))
    elif queue == "assign":
        where = agencies_where(person, Perm.DOSSIER_ASSIGN).values("pk")
        qs = Dossier.objects.filter(state__in=[S.FORWARDED, S.TRANSFERRED], handling_agency__in=where)
    elif queue == "review":
        where = agencies_where(person, Perm.DOSSIER_REVIEW).values("pk")
        qs = Dossier.objects.filter(state__in=[S.ASSIGNED, S.UNDER_REVIEW], handling_agency__in=where,
                                    assignee=person)
    elif queue == "approve":
        where = agencies_where(person, Perm.DOSSIER_APPROVE).values("pk")
        qs = Dossier.objects.filter(state=S.PENDING_APPROVAL, handling_agency__in=where)
    elif queue == "return":
        where = agencies_where(person, Perm.DOSSIER_RETURN).values("pk")
        qs = Dossier.objects.filter(state__in=[S.APPROVED, S.REFUSED]).filter(
            Q(agency__in=where) | Q(handling_agency__in=where),
        )
    else:
        raise ValueError(f"Unknown queue {queue!r}")
    return qs.annotate(
        overdue=Case(When(due_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField()),
    ).order_by(F("overdue").desc(), F("due_at").asc(nulls_last=True), "pk").select_related("procedure")


def dossier_timeline(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("actor", "agency").order_by("at", "pk"))


def dossier_is_overdue(dossier: Dossier, now: dt.datetime) -> bool:
    """Past the due date: at completion if completed, at the pause while the clock is stopped."""
    if dossier.due_at is None or dossier.state in (S.STOPPED, S.CANCELLED):
        return False
    if dossier.completed_at is not None:
        return dossier.completed_at > dossier.due_at
    if dossier.state == S.SUPPLEMENT_REQUESTED and dossier.paused_at is not None:
        return dossier.paused_at > dossier.due_at
    return now > dossier.due_at
