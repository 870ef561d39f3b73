"""Who may do what in the org app: one named rule per operation decided here.

Agencies, people and roles are written by system administrators through the admin (Django's
own staff permissions) and by trusted commands; the rules here are those the org pages and
API decide for officers. Which objects a person reaches at all (404 alike) is
:mod:`tinhso.org.access`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .access import can
from .confirm import confirm_provinces
from .models import RoleAssignment
from .roles import DELEGABLE_ROLES, Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import AdministrativeUnit, Agency, Delegation, Person


def may_view_agency(person: Person | AnonymousUser, agency: Agency) -> bool:
    """Read an agency's record: its officers and those above it, leaders and the DX office."""
    return can(person, Perm.AGENCY_VIEW, agency)


def may_confirm_agency_list(person: Person | AnonymousUser, province: AdministrativeUnit | None = None) -> bool:
    """Confirm or correct a province's agency list from Excel: the DX office of that province,
    a system administrator for any (without ``province``: for some province)."""
    provinces = confirm_provinces(person)
    return provinces.exists() if province is None else provinces.filter(pk=province.pk).exists()


def may_delegate(person: Person | AnonymousUser, agency: Agency | None = None) -> bool:
    """Lend one's powers on ``agency`` (without it: on some agency) for a period: whoever holds a
    role that may be lent (``roles.DELEGABLE_ROLES``) on it themselves; a lent role is never lent
    again (Decree 30/2020: no re-delegation)."""
    if not person.is_authenticated or not person.is_active:
        return False
    held = RoleAssignment.objects.active().filter(person=person, role__in=DELEGABLE_ROLES, agency__isnull=False)
    return (held if agency is None else held.filter(agency=agency)).exists()


def may_revoke_delegation(person: Person | AnonymousUser, delegation: Delegation) -> bool:
    """End a delegation early: its delegator, or whoever recorded it."""
    return person.is_authenticated and person.pk in (delegation.delegator_id, delegation.created_by_id)
