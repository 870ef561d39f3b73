"""The header's unread count: lazy (a page that never shows the header pays nothing) and
counted once per request (one indexed COUNT, however often the template asks)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import notification_unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    def count() -> dict[str, int]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"unread": 0}
        return {"unread": notification_unread_count(person=user)}

    return {"site_notifications": SimpleLazyObject(count)}
