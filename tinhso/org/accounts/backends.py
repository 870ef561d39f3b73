"""Sign-in with a citizen's confirmed phone or e-mail address instead of a username."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tinhso.core.errors import DomainError
from tinhso.org.backends import PersonBackend
from tinhso.org.models import Person

from .services import address_parse, citizen_account_by_address


class AddressBackend(PersonBackend):
    """What a person types as their username may be the phone or e-mail their citizen's account
    confirmed; the password is checked as for everyone (and django-axes counts the failures
    under what was typed, as for officers)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Person | None:
        if not username or password is None:
            return None
        try:
            address = address_parse(username)
        except DomainError:
            return None
        person = citizen_account_by_address(address)
        if person is None:
            Person().set_password(password)  # as long as a real check: no timing difference
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None
