"""Fixtures of the account tests: a text gateway that keeps what it sent, and a real OpenID
Connect provider (oidc-provider-mock: authlib and Flask) on a thread of the test process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

import pytest
from django.core.cache import cache
from django.test import override_settings

from tinhso.core.channels import TextProvider

CITIZEN_SUB = "vneid-0001"
CITIZEN_PERSONAL_ID = "033095001234"


class RecordingGateway(TextProvider):
    """Keeps (phone, body) of every text, in ``sent``."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, channel: str, phone: str, body: str) -> None:
        self.sent.append((phone, body))


@pytest.fixture
def texts() -> Iterator[list[tuple[str, str]]]:
    """Texts sent during the test, (phone, body); the rate-limit counters start empty."""
    cache.clear()
    RecordingGateway.sent.clear()
    with override_settings(TINHSO_SMS_PROVIDER=f"{__name__}.RecordingGateway"):
        yield RecordingGateway.sent


def code_in(body: str) -> str:
    """The 6-digit code in a message."""
    found = re.search(r"\b(\d{6})\b", body)
    assert found is not None, body
    return found.group(1)


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[str]:
    """The provider's base URL. It knows one citizen (subject CITIZEN_SUB) whose personal id it
    asserts; any other subject typed on its form signs in with an e-mail claim only."""
    import oidc_provider_mock

    citizen = oidc_provider_mock.User(
        sub=CITIZEN_SUB,
        claims={"name": "Nguyễn Văn An", "personal_id": CITIZEN_PERSONAL_ID, "email": "an.nguyen@example.vn"},
    )
    with oidc_provider_mock.run_server_in_thread(user_claims=[citizen]) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc(oidc_server: str) -> Iterator[str]:
    """Sign-in through the test provider configured (as OIDC_* would configure it in production)."""
    with override_settings(
        OIDC_RP_CLIENT_ID="tinhso-test",
        OIDC_RP_CLIENT_SECRET="test-secret",
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{oidc_server}/oauth2/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{oidc_server}/oauth2/token",
        OIDC_OP_USER_ENDPOINT=f"{oidc_server}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{oidc_server}/jwks",
        OIDC_OP_ISSUER=oidc_server,
        OIDC_PROVIDER_NAME="VNeID (thử nghiệm)",
    ):
        yield oidc_server


def provider_authorize(location: str, sub: str) -> str:
    """What a person does on the provider's page: choose who signs in; returns where the provider
    sends the browser back (the callback with the code)."""
    import httpx

    response = httpx.post(location, data={"sub": sub}, follow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return str(response.headers["location"])
