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
from .roles import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import AdministrativeUnit, Agency, Notification, Person


def may_view_agency(person: Person | AnonymousUser, agency: Agency) -> bool:
    """Read an agency's record: its officers and those above it, leaders and the DX office."""
    return can(person, Perm.AGENCY_VIEW, agency)


def may_confirm_agency_list(person: Person | AnonymousUser, province: AdministrativeUnit | None = None) -> bool:
    """Confirm or correct a province's agency list from Excel: the DX office of that province,
    a system administrator for any (without ``province``: for some province)."""
    provinces = confirm_provinces(person)
    return provinces.exists() if province is None else provinces.filter(pk=province.pk).exists()


def may_read_notification(person: Person | AnonymousUser, notification: Notification) -> bool:
    """See or mark read a notification: its recipient only (anybody else is told it does not exist)."""
    return person.is_authenticated and notification.recipient_id == person.pk
