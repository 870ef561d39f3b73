"""Schemathesis over the whole OpenAPI schema with all its checks, as an anonymous caller, a
signed-in officer and a signed-in citizen: every answer is one the schema states (status, body,
content type, headers), schema-valid input is accepted and invalid input refused with a 4xx.

Bounded: a few examples per operation and mode (TINHSO_FUZZ_EXAMPLES, default 3), derandomised
so a run is reproducible; the three identities run as three tests (``-n 2`` spreads them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

MAX_EXAMPLES = int(os.environ.get("TINHSO_FUZZ_EXAMPLES", "3"))
CSRF = "fuzz" * 8  # a CSRF secret sent as cookie and header alike, as the platform's pages do


@pytest.fixture
def wsgi_app(settings: Any) -> Iterator[Any]:
    """The project's WSGI application, answering inside the test's transaction: as Django's
    test client does, the connection is not closed before or after each request (inside the
    test's atomic block it would be, for real on PostgreSQL, and every later query would fail)."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _credentials(person: Any) -> dict[str, Any]:
    """What a browser of ``person`` sends: the session and CSRF cookies, the CSRF header."""
    cookies = {"csrftoken": CSRF}
    if person is not None:
        client = Client()
        client.force_login(person)
        cookies["sessionid"] = client.cookies["sessionid"].value
    return {"headers": {"X-CSRFToken": CSRF}, "cookies": cookies}


# Operations whose schema-valid requests may still be refused with a 400, and why; every other
# check still runs on them.
POSITIVE_400 = {
    # Rules that live in data, not in the schema: the body names a procedure and an agency (which
    # must exist and offer it) and carries the procedure's e-form (its fields are the procedure's).
    "POST /api/services/dossiers/": "data",
    "POST /api/services/dossiers/counter/": "data",
    "POST /api/services/dossiers/{dossier_id}/supplement/": "data",
    # Schemathesis sends a binary multipart property as a part without a file name, which Django
    # (as browsers' forms expect) reads as a text field, not a file.
    "POST /api/programme/programmes/import/": "client",
}


def _cookies_negated(case: Any) -> bool:
    """The case sends a missing or malformed session cookie on purpose: send it as it is."""
    meta = case.meta
    return meta is not None and any(
        location.value == "cookie" and info.mode.is_negative for location, info in meta.components.items()
    )


def _runner(operation: Any, mode: GenerationMode, credentials: dict[str, Any], skip: list[Any]) -> Any:
    """A Hypothesis test sending ``operation``'s cases of ``mode`` with ``credentials``."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        sent = {"headers": credentials["headers"]} if _cookies_negated(case) else credentials
        case.call_and_validate(excluded_checks=skip, **sent)

    return run


def _unsatisfiable(exc: BaseException) -> bool:
    """Hypothesis could make no case at all (a negative case of an operation without input)."""
    return "Unable to satisfy assumptions" in str(exc)


@pytest.mark.parametrize("who", ["anonymous", "officer", "citizen"])
def test_the_api_answers_as_its_schema_says(who: str, world: dict[str, Any], make_person: Any, wsgi_app: Any) -> None:
    from tinhso.org.roles import Role

    person = {
        "anonymous": lambda: None,
        "officer": lambda: make_person("fuzz.officer", Role.RECEIVER, world["centre"]),
        "citizen": lambda: make_person("fuzz.citizen", Role.CITIZEN, None),
    }[who]()
    credentials = _credentials(person)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60  # the whole API, not a part of it
    # Signed in, the session is sent by the test, not generated: whether an operation ignores a
    # missing or wrong session is what the anonymous run checks (ignored_auth) for every operation.
    excluded = [ignored_auth] if person is not None else []
    for operation in operations:
        skip = [*excluded, *([positive_data_acceptance] if operation.label in POSITIVE_400 else [])]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run = _runner(operation, mode, credentials, skip)
            try:
                run()
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # schemathesis reports its findings as an exception group
                if not _unsatisfiable(exc):
                    failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
