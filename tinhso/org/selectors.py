"""Reads of agencies and people. Unit lookups live in ``units.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from tinhso.core.text import fold

from .models import Agency, AgencyName, Person, RoleAssignment
from .roles import Role


@dataclass(frozen=True)
class RoleHeld:
    role: str
    role_label: str | Promise
    agency: Agency | None
    valid_from: dt.date
    valid_to: dt.date | None


def person_role_summary(*, person: Person) -> list[RoleHeld]:
    """The roles a person holds today, with their agencies, for the home page and /api/org/me."""
    assignments = (
        RoleAssignment.objects.active()
        .filter(person=person)
        .select_related("agency", "agency__unit")
        .order_by("agency__path", "role")
    )
    return [
        RoleHeld(
            role=item.role,
            role_label=Role(item.role).label,
            agency=item.agency,
            valid_from=item.valid_from,
            valid_to=item.valid_to,
        )
        for item in assignments
    ]


def agency_successor_on(*, agency: Agency, day: dt.date | None = None) -> Agency:
    """The agency carrying ``agency``'s functions on ``day`` (itself if still active).

    Follows mergers and renames recorded as successions, e.g. Thái Bình's Sở Thông tin và
    Truyền thông (2022) → Thái Bình's Sở Khoa học và Công nghệ (1/3/2025) → Hưng Yên's Sở
    Khoa học và Công nghệ (1/7/2025).
    """
    day = day or timezone.localdate()
    seen = {agency.pk}
    current = agency
    while not current.is_active_on(day):
        step = (
            current.successions_out.filter(effective_date__lte=day)
            .select_related("successor")
            .order_by("-effective_date")
            .first()
        )
        if step is None or step.successor_id in seen:
            break
        seen.add(step.successor_id)
        current = step.successor
    return current


def agency_search(*, query: str, day: dt.date | None = None) -> QuerySet[Agency]:
    """Agencies whose current or former name contains ``query``, diacritics-insensitive."""
    key = fold(query)
    qs = Agency.objects.all()
    if day is not None:
        qs = qs.valid_on(day)
    former = AgencyName.objects.filter(name_folded__contains=key).values("agency_id")
    return qs.filter(Q(name_folded__contains=key) | Q(short_name__icontains=query) | Q(pk__in=former)).select_related(
        "unit"
    )


def agency_tree(*, root: Agency | None = None, day: dt.date | None = None) -> QuerySet[Agency]:
    """Agencies in tree order (depth-first, by path), optionally one subtree, as of a day."""
    qs = Agency.objects.select_related("unit", "parent")
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    if day is not None:
        qs = qs.valid_on(day)
    return qs.order_by("path")
