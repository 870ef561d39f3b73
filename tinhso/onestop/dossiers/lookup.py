"""Public lookup of a dossier's progress by its code and the last 4 digits of the applicant's
phone number or personal ID number (Decree 118/2025: applicants follow their dossier online).

Nobody signs in, so the answer carries nothing personal: no name, no ID number, no phone, no
form data; only where the dossier stands, with which agencies, and its dates. A wrong code and
wrong digits are answered with the same :class:`NotFound`, so the page cannot be used to find
out which codes exist, and the digits are compared in constant time. Guessing 4 digits is cheap,
so every caller (the page and the API) asks :func:`lookup_limited` first and reports a miss
with :func:`lookup_failed`: attempts are limited per client address, and misses per dossier
code, so that many addresses together cannot try the 10,000 combinations of one code either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from tinhso.core.errors import DomainError, NotFound
from tinhso.onestop.dossiers.selectors import dossier_is_overdue
from tinhso.onestop.models import Dossier, DossierState

DIGITS_RE = re.compile(r"^[0-9]{4}$")
CODE_MAX = 60
_NO_MATCH = "\x00" * 4  # compared against when a dossier has nothing to compare, so timing stays alike
_IDENTITY_TYPES = frozenset({"phone", "personal_id"})


@dataclass(frozen=True)
class LookupResult:
    """What anyone holding the code and the 4 digits may learn about a dossier."""

    code: str
    state: str
    state_label: str
    procedure_code: str
    procedure_name: str
    agency_name: str
    handling_agency_name: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    overdue: bool

    @property
    def waiting_for_applicant(self) -> bool:
        return self.state == DossierState.SUPPLEMENT_REQUESTED


def _not_found() -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ với mã và 4 số cuối đã nhập. Vui lòng kiểm tra lại."), code="not_found")


def normalise_code(code: str) -> str:
    return unicodedata.normalize("NFC", str(code or "")).strip().upper()


def _last_four(value: Any) -> str | None:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else None


def _identity_tails(dossier: Dossier) -> list[str]:
    """The last 4 digits of every phone number and ID number the applicant gave: on the
    dossier, on their account, and in the e-form's phone and ID fields."""
    values: list[Any] = [dossier.applicant_phone, dossier.applicant_personal_id]
    if dossier.applicant is not None:
        values += [dossier.applicant.phone, dossier.applicant.personal_id]
    form_data = dossier.form_data if isinstance(dossier.form_data, dict) else {}
    for spec in dossier.procedure.form_fields or []:
        if isinstance(spec, dict) and spec.get("type") in _IDENTITY_TYPES:
            values.append(form_data.get(spec.get("name")))
    return [tail for tail in map(_last_four, values) if tail]


def digits_match(expected: list[str], given: str) -> bool:
    """Constant-time comparison against every candidate (no early exit on a match)."""
    given_bytes = given.encode()
    matched = False
    for tail in expected or [_NO_MATCH]:
        matched |= hmac.compare_digest(tail.encode(), given_bytes)
    return matched


def dossier_lookup(*, code: str, digits: str, now: dt.datetime | None = None) -> LookupResult:
    """The public status of the dossier ``code`` if ``digits`` are the last 4 digits of its
    applicant's phone or personal ID; :class:`NotFound` alike for an unknown code and wrong digits.

    Malformed input (an empty code, digits that are not exactly 4 digits) is a
    :class:`DomainError` on its field, which says nothing about any dossier.
    """
    code = normalise_code(code)
    digits = str(digits or "").strip()
    errors: dict[str, str] = {}
    if not code or len(code) > CODE_MAX:
        errors["code"] = _("Vui lòng nhập mã hồ sơ (in trên giấy tiếp nhận và hẹn trả kết quả).")
    if not DIGITS_RE.fullmatch(digits):
        errors["digits"] = _("Vui lòng nhập đúng 4 chữ số cuối của số điện thoại hoặc số định danh cá nhân.")
    if errors:
        raise DomainError(" ".join(errors.values()), field=next(iter(errors)), code="invalid", errors=errors)
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency", "handling_agency", "applicant")
        .filter(code__iexact=code)
        .first()
    )
    tails = _identity_tails(dossier) if dossier is not None else []
    if not digits_match(tails, digits) or dossier is None:
        raise _not_found()
    now = now or timezone.now()
    return LookupResult(
        code=dossier.code,
        state=dossier.state,
        state_label=str(DossierState(dossier.state).label),
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        agency_name=dossier.receiving_agency.name,
        handling_agency_name=dossier.handling_agency.name,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        completed_at=dossier.completed_at,
        overdue=dossier_is_overdue(dossier, now),
    )


# --- rate limits -------------------------------------------------------------------------------

LOOKUP_RATE = "10/15m"  # attempts per client address (settings.TINHSO_LOOKUP_RATE overrides)
LOOKUP_CODE_FAILURE_RATE = "30/h"  # misses per dossier code (settings.TINHSO_LOOKUP_CODE_FAILURE_RATE)
_GROUP_ADDRESS = "services.lookup.address"
_GROUP_CODE = "services.lookup.code"


def client_ip(group: str, request: HttpRequest) -> str:
    """The client's address as django-axes sees it (it knows about the reverse proxy)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def _address_rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "TINHSO_LOOKUP_RATE", LOOKUP_RATE)


def _code_rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "TINHSO_LOOKUP_CODE_FAILURE_RATE", LOOKUP_CODE_FAILURE_RATE)


def _code_key(code: str) -> Any:
    digest = hashlib.sha256(normalise_code(code).encode()).hexdigest()
    return lambda group, request: digest


def lookup_limited(request: HttpRequest, code: str) -> bool:
    """Count this attempt for the client's address; True if the address is over its limit or
    ``code`` has had too many misses. Call once per lookup, before :func:`dossier_lookup`."""
    address = get_usage(request, group=_GROUP_ADDRESS, key=client_ip, rate=_address_rate, method=ALL, increment=True)
    if address is not None and address["should_limit"]:
        return True
    misses = get_usage(request, group=_GROUP_CODE, key=_code_key(code), rate=_code_rate, method=ALL, increment=False)
    return misses is not None and (misses["should_limit"] or misses["count"] >= misses["limit"])


def lookup_failed(request: HttpRequest, code: str) -> None:
    """Count a miss (unknown code or wrong digits, alike) against ``code``."""
    get_usage(request, group=_GROUP_CODE, key=_code_key(code), rate=_code_rate, method=ALL, increment=True)
