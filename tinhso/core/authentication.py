"""How the REST API knows who calls it (a module of its own: REST framework imports it while
loading its settings, before its views exist)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import SimpleLazyObject
from drf_spectacular import authentication as spectacular_authentication
from rest_framework import authentication
from rest_framework.request import Request


class SessionAuthentication(authentication.SessionAuthentication):
    """REST framework's session authentication (CSRF checked on unsafe methods), giving the
    views the person itself rather than Django's lazy proxy of them: every attribute read on
    the proxy (``actor.pk``, ``actor.is_authenticated``, about a hundred per online filing)
    goes through its ``__getattribute__``."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        user, auth = found
        if isinstance(user, SimpleLazyObject):  # evaluated by the check of is_active above
            user = user._wrapped  # type: ignore[attr-defined]  # LazyObject's slot, absent from the stubs
        return user, auth


class SessionScheme(spectacular_authentication.SessionScheme):
    """Described in the OpenAPI schema as REST framework's own: the session cookie."""

    target_class = "tinhso.core.authentication.SessionAuthentication"
    priority = 0
