"""Fetching one notification for a person: their own, else "not found" (missing or another's alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tinhso.core.errors import NotFound
from tinhso.org.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.org.models import Person


def access_notification(person: Person | AnonymousUser, notification_id: int) -> Notification:
    """``person``'s notification ``notification_id``; :class:`NotFound` for a missing one and for
    anybody else's, with the same message."""
    found = None
    if person.is_authenticated and 0 < notification_id < 2**63:
        found = Notification.objects.filter(pk=notification_id, recipient_id=person.pk).first()
    if found is None:
        raise NotFound(_("Không tìm thấy thông báo."), code="not_found")
    return found
