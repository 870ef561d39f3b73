"""Who may do what, where: every permission check and every scoped lookup goes through here.

A role held on an agency grants its permissions (``roles.ROLE_PERMISSIONS``) on that agency
and every agency below it. A person's powers are their own roles in force plus the roles lent
to them by a delegation in force (:mod:`tinhso.org.delegation`), while the delegator still holds
them: every check below counts both, so no rule needs to know about delegations; the service
that must record on whose behalf an act was done asks :func:`acting_under`.

The ``access_*`` helpers fetch one object for a person and raise the same :class:`NotFound`
whether the object is missing or outside the person's reach, so a user of one agency can never
learn what exists in another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import NotAllowed, NotFound

from .models import AdministrativeUnit, Agency, AgencyQuerySet, Delegation, DelegationRole, Person, RoleAssignment
from .roles import GLOBAL_ROLES, PROVINCE_WIDE_PERMISSIONS, Perm, Role, roles_with

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _active_assignments(person: Person, day: dt.date | None = None) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.active(day).filter(person=person).select_related("agency")


def lent_roles(person: Person, roles: list[str], day: dt.date | None = None) -> QuerySet[DelegationRole]:
    """The roles among ``roles`` lent to ``person`` by delegations in force on ``day`` (today),
    while the delegator's account is active and the delegator still holds the role on the
    delegation's agency: a delegation never reaches further than its delegator."""
    day = day or timezone.localdate()
    delegator_holds = RoleAssignment.objects.active(day).filter(
        person=OuterRef("delegation__delegator"), role=OuterRef("role"), agency=OuterRef("delegation__agency")
    )
    return DelegationRole.objects.filter(
        Exists(delegator_holds),
        role__in=roles,
        delegation__delegate=person,
        delegation__revoked_at__isnull=True,
        delegation__valid_from__lte=day,
        delegation__valid_to__gte=day,
        delegation__delegator__is_active=True,
    )


@dataclass(frozen=True)
class HeldRole:
    """A role a person may use today: their own (``delegation`` None) or lent to them."""

    role: str
    agency: Agency | None
    delegation: Delegation | None = None


def roles_in_force(person: Person | AnonymousUser, roles: list[str] | tuple[str, ...]) -> list[HeldRole]:
    """The effective roles among ``roles`` of ``person`` today: own roles in force, then those
    lent to them (:func:`lent_roles`), agencies with their unit up to the province (two queries).
    For a caller that needs the roles themselves (a province-wide reach) rather than
    :func:`can`'s yes or no."""
    if not person.is_authenticated or not person.is_active:
        return []
    own = _active_assignments(person).filter(role__in=roles).select_related("agency__unit__parent__parent")
    lent = lent_roles(person, list(roles)).select_related(
        "delegation__agency__unit__parent__parent", "delegation__delegator"
    )
    return [HeldRole(item.role, item.agency) for item in own] + [
        HeldRole(item.role, item.delegation.agency, item.delegation) for item in lent.order_by("delegation__pk")
    ]


def is_system_admin(person: Person | AnonymousUser) -> bool:
    if not person.is_authenticated:
        return False
    return _active_assignments(person).filter(role=Role.SYSTEM_ADMIN).exists()


def reaches_everywhere(person: Person | AnonymousUser, perm: str) -> bool:
    """Does ``person`` hold ``perm`` through a global role (system administrator), install-wide?"""
    if not person.is_authenticated or not person.is_active:
        return False
    global_roles = [role for role in roles_with(perm) if role in GLOBAL_ROLES]
    return (
        bool(global_roles) and _active_assignments(person).filter(role__in=global_roles, agency__isnull=True).exists()
    )


def agencies_in_provinces(provinces: list[AdministrativeUnit]) -> AgencyQuerySet:
    """The agencies sitting in these provinces: in the province itself or in one of its units
    (a commune, or a district and its communes for pre-2025 units)."""
    return Agency.objects.filter(
        Q(unit__in=provinces) | Q(unit__parent__in=provinces) | Q(unit__parent__parent__in=provinces)
    )


def agencies_where(person: Person | AnonymousUser, perm: str) -> AgencyQuerySet:
    """Every agency on which ``person`` holds ``perm``, cascading down the tree.

    A global role that grants ``perm`` (system administrator) reaches every agency. A
    province-wide permission (``roles.PROVINCE_WIDE_PERMISSIONS``) held on an agency reaches
    every agency of that agency's province.
    """
    if not person.is_authenticated or not person.is_active:
        return Agency.objects.none()
    roles = roles_with(perm)
    granting = _active_assignments(person).filter(role__in=roles)
    if granting.filter(agency__isnull=True, role__in=GLOBAL_ROLES).exists():
        return Agency.objects.all()
    roots = [
        assignment.agency
        for assignment in granting.select_related("agency__unit__parent__parent")
        if assignment.agency is not None
    ]
    roots += [
        lent.delegation.agency
        for lent in lent_roles(person, roles).select_related("delegation__agency__unit__parent__parent")
    ]
    if not roots:
        return Agency.objects.none()
    if perm in PROVINCE_WIDE_PERMISSIONS:
        return agencies_in_provinces(list({root.unit.province.pk: root.unit.province for root in roots}.values()))
    return Agency.objects.subtree_of(roots)


def can(person: Person | AnonymousUser, perm: str, agency: Agency | None = None) -> bool:
    """Does ``person`` hold ``perm`` on ``agency`` (or anywhere, for a global permission)?

    One query: a role held without an agency answers anywhere; otherwise, without an agency
    asked for, any granting role answers, and with one, a role on it or above it (the roles
    active today, as :meth:`RoleAssignmentQuerySet.active`), held or lent (:func:`lent_roles`).
    """
    if not person.is_authenticated or not person.is_active:
        return False
    roles = roles_with(perm)
    if not roles:
        return False
    if agency is not None and perm in PROVINCE_WIDE_PERMISSIONS:
        return agencies_where(person, perm).filter(pk=agency.pk).exists()
    day = timezone.localdate()
    own = RoleAssignment.objects.active(day).filter(person=person, role__in=roles)
    lent = lent_roles(person, roles, day)
    if agency is not None:  # the agency itself and those above it
        own = own.filter(Q(agency__isnull=True) | Q(agency_id__in=agency.ancestor_ids))
        lent = lent.filter(delegation__agency_id__in=agency.ancestor_ids)
    return Person.objects.filter(pk=person.pk).filter(Exists(own) | Exists(lent)).exists()


def acting_under(person: Person | AnonymousUser, perm: str, agency: Agency) -> Delegation | None:
    """The delegation ``person`` holds ``perm`` on ``agency`` through, when their own roles do
    not grant it (None when they do, or when nothing does): what an act records as done on
    someone's behalf (KT., TUQ.). The oldest delegation in force wins when several would."""
    if not person.is_authenticated or not person.is_active:
        return None
    roles = roles_with(perm)
    day = timezone.localdate()
    own = RoleAssignment.objects.active(day).filter(person=person, role__in=roles)
    if own.filter(Q(agency__isnull=True) | Q(agency_id__in=agency.ancestor_ids)).exists():
        return None
    lent = lent_roles(person, roles, day).filter(delegation__agency_id__in=agency.ancestor_ids)
    found = lent.select_related("delegation__delegator", "delegation__agency").order_by("delegation__pk").first()
    return found.delegation if found is not None else None


def require(person: Person | AnonymousUser, perm: str, agency: Agency | None = None) -> None:
    if not can(person, perm, agency):
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."), code="forbidden")


def access_agency_by_id(person: Person | AnonymousUser, agency_id: int | str, perm: str) -> Agency:
    """The agency if ``person`` holds ``perm`` on it; :class:`NotFound` otherwise, alike."""
    try:
        pk = int(agency_id)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy cơ quan, đơn vị."), code="not_found") from None
    agency = agencies_where(person, perm).filter(pk=pk).first()
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan, đơn vị."), code="not_found")
    return agency


def people_visible_to(person: Person | AnonymousUser, perm: str) -> QuerySet[Person]:
    """People holding a role on an agency within ``person``'s reach for ``perm``."""
    if is_system_admin(person):
        return Person.objects.all()
    agencies = agencies_where(person, perm)
    today = timezone.localdate()
    return Person.objects.filter(
        Q(role_assignments__agency__in=agencies),
        Q(role_assignments__valid_to__isnull=True) | Q(role_assignments__valid_to__gte=today),
    ).distinct()


def access_person_by_id(person: Person | AnonymousUser, person_id: int | str, perm: str) -> Person:
    """Another person's record if it is within reach; :class:`NotFound` otherwise, alike."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy người dùng."), code="not_found") from None
    if person.is_authenticated and person.pk == pk:
        return person
    found = people_visible_to(person, perm).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Không tìm thấy người dùng."), code="not_found")
    return found


def agencies_managed_by(person: Person | AnonymousUser) -> AgencyQuerySet:
    """The agencies whose officers ``person`` administers (accounts, roles, handover): the
    subtree of an agency administrator's agency, the whole province of a DX office, every agency
    for a system administrator."""
    return agencies_where(person, Perm.OFFICER_MANAGE) | agencies_where(person, Perm.OFFICER_MANAGE_PROVINCE)
