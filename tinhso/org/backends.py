"""How a signed-in person is loaded on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from tinhso.core.db import row_by_pk

from .models import Person


class PersonBackend(ModelBackend):
    """Django's model backend (passwords, ``is_active``, permissions), with the person of a
    session loaded by one statement built once (:func:`tinhso.core.db.row_by_pk`) rather than
    by an ORM query compiled on every request."""

    def get_user(self, user_id: Any) -> Person | None:
        person = row_by_pk(Person, user_id)
        return person if person is not None and self.user_can_authenticate(person) else None
