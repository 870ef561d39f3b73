"""Sign-in through an OpenID Connect provider (the national identity and public-service
portals), as a relying party with mozilla-django-oidc: authorization code flow with PKCE and a
nonce, the ID token's signature checked against the provider's keys.

Off unless configured (``OIDC_RP_CLIENT_ID`` and the provider's endpoints, see
config/settings.py): the pages then answer 404 and the login page shows no button. The account
is found by the provider's subject (:class:`ExternalIdentity`), never by e-mail; a personal id
the provider asserts (claim ``OIDC_PERSONAL_ID_CLAIM``) counts as proof of it.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from tinhso.core.errors import DomainError
from tinhso.org.models import Person

from .services import ProviderClaims, person_from_provider

_REQUIRED = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


def oidc_enabled() -> bool:
    return all(getattr(settings, name, "") for name in _REQUIRED)


def provider_name() -> str:
    return str(getattr(settings, "OIDC_PROVIDER_NAME", "") or _("Tài khoản định danh điện tử"))


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching accounts by (issuer, subject)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every sign-in: without a provider, stay inert
        # instead of refusing to start for lack of endpoints.
        self.enabled = oidc_enabled()
        if self.enabled:
            super().__init__(*args, **kwargs)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Person | None:
        if not self.enabled or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token: str) -> Any:
        """The provider's key for ``token``: by its ``kid`` (the library's way), or, for a token
        without one (allowed by RFC 7515), the provider's only signing key; with several keys
        and no ``kid`` the token is refused."""
        header = jwt.get_unverified_header(token)
        if "kid" in header:
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT", None))
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig" and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("no single signing key for an ID token without kid")
        return jwt.PyJWK(keys[0])

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Person | None:
        # The library checks the signature, expiry and nonce; the audience and issuer here.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token not issued to this client")
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from another issuer")
        user_info = self.get_userinfo(access_token, id_token, payload)
        subject = str(payload.get("sub") or "")
        if not subject or str(user_info.get("sub") or "") != subject:
            raise SuspiciousOperation("userinfo subject differs from the ID token's")
        claim = getattr(settings, "OIDC_PERSONAL_ID_CLAIM", "personal_id")
        claims = ProviderClaims(
            issuer=str(payload.get("iss") or settings.OIDC_OP_TOKEN_ENDPOINT),
            subject=subject,
            full_name=str(user_info.get("name") or ""),
            email=str(user_info.get("email") or "") if user_info.get("email_verified", True) else "",
            personal_id=str(user_info.get(claim) or payload.get(claim) or ""),
        )
        signed_in = getattr(self.request, "user", None)
        try:
            return person_from_provider(
                claims=claims, signed_in=signed_in if signed_in is not None and signed_in.is_authenticated else None
            )
        except DomainError as exc:
            raise SuspiciousOperation(exc.message) from exc

    def get_user(self, user_id: Any) -> Person | None:
        try:
            return Person.objects.get(pk=user_id)
        except (Person.DoesNotExist, TypeError, ValueError):
            return None


class SignInStart(OIDCAuthenticationRequestView):
    """Send the browser to the provider (GET, with ``next``)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignInCallback(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with the code."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _("Không đăng nhập được qua %(provider)s. Vui lòng thử lại.") % {"provider": provider_name()},
        )
        return super().login_failure()

    def login_success(self) -> HttpResponse:
        messages.success(self.request, _("Đã đăng nhập qua %(provider)s.") % {"provider": provider_name()})
        return super().login_success()
