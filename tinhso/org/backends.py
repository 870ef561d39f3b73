"""How a signed-in person is loaded on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .models import Person


class PersonBackend(ModelBackend):
    """Django's model backend (passwords, ``is_active``, permissions). Sessions record this
    backend's path, so it stays named here; a session key that is no key at all (a tampered
    session, say) signs nobody in rather than failing the request."""

    def get_user(self, user_id: Any) -> Person | None:
        try:
            return super().get_user(user_id)
        except (TypeError, ValueError, ValidationError):
            return None
