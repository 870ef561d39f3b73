"""Who may do what in the org app: one named rule per operation decided here.

Agencies, people and roles are written by system administrators through the admin (Django's
own staff permissions) and by trusted commands; the rules here are those the org pages and
API decide for officers. Which objects a person reaches at all (404 alike) is
:mod:`tinhso.org.access`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.timezone import localdate

from .access import agencies_managed_by, agencies_where, can
from .confirm import confirm_provinces
from .models import RoleAssignment
from .roles import DELEGABLE_ROLES, GLOBAL_ROLES, Perm, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import AdministrativeUnit, Agency, Delegation, Notification, Person


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


# --- officers' accounts (tinhso.org.officers) ----------------------------------------------------


def may_manage_officers(person: Person | AnonymousUser, agency: Agency | None = None) -> bool:
    """Create, import and list officers' accounts: a system administrator anywhere, the DX office
    over its province, an agency's administrator over its subtree (without ``agency``: somewhere)."""
    managed = agencies_managed_by(person)
    return managed.exists() if agency is None else managed.filter(pk=agency.pk).exists()


@dataclass(frozen=True)
class GrantScope:
    """The agencies (ids) where a person administers officers, and where with the province-wide
    permission: computed once for a sheet of rows, instead of once per row."""

    managed: frozenset[int]
    province_wide: frozenset[int]


def grant_scope(person: Person | AnonymousUser) -> GrantScope:
    return GrantScope(
        managed=frozenset(agencies_managed_by(person).values_list("pk", flat=True)),
        province_wide=frozenset(agencies_where(person, Perm.OFFICER_MANAGE_PROVINCE).values_list("pk", flat=True)),
    )


def may_grant_role(
    person: Person | AnonymousUser, role: str, agency: Agency | None, scope: GrantScope | None = None
) -> bool:
    """Grant ``role`` on ``agency`` from the officers' pages: an agency-bound role on an agency the
    person administers; the DX office's role (province-wide powers) only by those who hold the
    province-wide permission there, so that an agency's administrator cannot raise anyone above
    itself. Global roles (system administrator, citizen) are never granted here. ``scope``: the
    person's :func:`grant_scope`, when the caller checks many grants."""
    if agency is None or role in GLOBAL_ROLES or role not in Role.values:
        return False
    if scope is not None:
        return agency.pk in (scope.province_wide if role == Role.DX_OFFICE else scope.managed)
    if role == Role.DX_OFFICE:
        return can(person, Perm.OFFICER_MANAGE_PROVINCE, agency)
    return may_manage_officers(person, agency)


def may_manage_person(person: Person | AnonymousUser, officer: Person) -> bool:
    """Change another officer's account (roles, deactivation, activation link, handover): every
    role they hold now or later sits on an agency ``person`` administers, and they hold no global
    role (a system administrator's or a citizen's account is not an officer's to manage). Nobody
    manages their own account here."""
    if not person.is_authenticated or person.pk == officer.pk:
        return False
    held = RoleAssignment.objects.filter(person=officer).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=localdate()))
    if held.filter(Q(agency__isnull=True) | Q(role__in=GLOBAL_ROLES)).exists():
        return False
    agencies = set(held.values_list("agency_id", flat=True))
    if not agencies:
        return False
    return agencies_managed_by(person).filter(pk__in=agencies).count() == len(agencies)


def may_hand_over(person: Person | AnonymousUser, leaving: Person, successor: Person) -> bool:
    """Hand ``leaving``'s open work to ``successor``: ``leaving``'s account is ``person``'s to
    manage, and ``successor`` holds a role today on an agency ``person`` administers (whether
    they hold the role each piece of work needs is the handover's own check)."""
    if not may_manage_person(person, leaving):
        return False
    held = RoleAssignment.objects.active().filter(person=successor, agency__in=agencies_managed_by(person))
    return held.exists()


def may_read_notification(person: Person | AnonymousUser, notification: Notification) -> bool:
    """See or mark read a notification: its recipient only (anybody else is told it does not exist)."""
    return person.is_authenticated and notification.recipient_id == person.pk
