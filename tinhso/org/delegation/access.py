"""Fetching one delegation for a person: its delegator, its delegate and whoever recorded it
see it; anyone else is told it does not exist, as for a missing one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from tinhso.core.errors import NotFound
from tinhso.org.models import Delegation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.org.models import Person


def access_delegation(person: Person | AnonymousUser, delegation_id: int | str) -> Delegation:
    missing = NotFound(_("Không tìm thấy ủy quyền."), code="not_found")
    try:
        pk = int(delegation_id)
    except (TypeError, ValueError):
        raise missing from None
    if not person.is_authenticated:
        raise missing
    found = (
        Delegation.objects.filter(Q(delegator=person) | Q(delegate=person) | Q(created_by=person), pk=pk)
        .select_related("delegator", "delegate", "agency")
        .first()
    )
    if found is None:
        raise missing
    return found
