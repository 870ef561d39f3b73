"""Reads of officers' accounts, always scoped to the agencies the reader administers."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import NotFound
from tinhso.core.text import fold

from ..access import agencies_managed_by
from ..models import Person, RoleAssignment

SEARCH_LIMIT = 5000


def officer_list(*, actor: Person, query: str = "") -> QuerySet[Person]:
    """Everyone who holds or held a role on an agency ``actor`` administers, by name; ``query``
    matches the name (with or without diacritics), the user name or the e-mail address."""
    agencies = agencies_managed_by(actor)
    people = Person.objects.filter(role_assignments__agency__in=agencies).distinct()
    key = fold(query)
    if key:
        # Names have no folded column: fold the scope's names here (a province has a few thousand officers).
        rows = people.values_list("pk", "full_name", "username", "email")[:SEARCH_LIMIT]
        found = [
            pk for pk, name, username, email in rows if key in fold(name) or key in fold(username) or key in fold(email)
        ]
        people = Person.objects.filter(pk__in=found)
    return people.order_by("full_name", "pk")


def access_officer(actor: Person, person_id: int | str) -> Person:
    """An officer within ``actor``'s reach (a role, current or past, on an agency they administer);
    NotFound alike for a missing account and one out of reach."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise NotFound(_not_found(), code="not_found") from None
    found = Person.objects.filter(pk=pk, role_assignments__agency__in=agencies_managed_by(actor)).distinct().first()
    if found is None:
        raise NotFound(_not_found(), code="not_found")
    return found


def _not_found() -> str:
    return _("Không tìm thấy cán bộ.")


def officer_roles(*, officer: Person) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(person=officer).select_related("agency").order_by("-valid_from", "pk")


def officer_successors(*, actor: Person, leaving: Person) -> QuerySet[Person]:
    """Who may take over ``leaving``'s work: active accounts holding a role today on an agency
    ``actor`` administers (whether they hold the role each piece of work needs is checked then)."""
    today = timezone.localdate()
    holders = RoleAssignment.objects.active(today).filter(agency__in=agencies_managed_by(actor)).values("person_id")
    return Person.objects.filter(Q(pk__in=holders), is_active=True).exclude(pk=leaving.pk).order_by("full_name", "pk")
