"""Canonical bytes of what the ledger hashes: payloads and entries.

Two machines (or one machine years later, on another database) must turn the same event into
the same bytes, or verification would cry tampering where there is none. The rules, version 1:

* JSON with keys sorted, separators ``,`` and ``:``, no whitespace, UTF-8, non-ASCII kept
  as is (``ensure_ascii=False``); NaN and infinities refused.
* Every string (keys too) in Unicode NFC, so "Thanh Hoá" typed decomposed or composed hashes
  alike.
* ``datetime``: timezone-aware only, converted to UTC, ISO 8601 with microseconds
  (``2025-07-01T03:00:00.000000+00:00``); ``date`` and ``time``: ISO 8601; ``timedelta``:
  ISO 8601 duration; ``Decimal``: plain notation without exponent or trailing zeros
  (``Decimal("1.50")`` → ``"1.5"``, so equal amounts hash alike); ``UUID``: canonical
  hyphenated lower case; lazy translation strings: their text. Tuples become lists.
* Anything else (sets, bytes, model instances, naive datetimes) is refused: a value without
  one obvious spelling has no place in a hash.

The entry hash is SHA-256 over ``b"tinhso-ledger-entry-v1\\n"`` followed by the canonical JSON
of the object ``{"action", "actor_id", "actor_label", "object_id", "object_type",
"payload_digest", "prev_hash", "recorded_at", "sequence"}`` (``actor_id`` an integer or null,
``sequence`` an integer, the rest strings). The prefix names the format, so a later version
cannot be confused with this one.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

ENTRY_HASH_PREFIX = b"tinhso-ledger-entry-v1\n"
GENESIS_HASH = "0" * 64


def _nfc(text: str) -> str:
    # str.__str__ drops str subclasses (TextChoices members) down to their plain value.
    return unicodedata.normalize("NFC", str.__str__(text))


def _utc_iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TypeError("The ledger only accepts timezone-aware datetimes.")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_value(value: Any) -> Any:
    """``value`` reduced to plain JSON types following the rules of this module."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and infinities have no canonical JSON form.")
        return float(value)
    if isinstance(value, str):
        return _nfc(value)
    if isinstance(value, Promise):
        return _nfc(str(value))
    if isinstance(value, dt.datetime):
        return _utc_iso(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError("NaN and infinite decimals have no canonical JSON form.")
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, bool) or not isinstance(key, str | int):
                raise TypeError(f"Payload keys must be strings or integers, not {type(key).__name__}.")
            name = _nfc(key) if isinstance(key, str) else str(int(key))
            if name in out:
                raise ValueError(f"Payload key {name!r} appears twice once normalised.")
            out[name] = canonical_value(item)
        return out
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    raise TypeError(f"{type(value).__name__} has no canonical JSON form in the ledger.")


def canonical_json(value: Any) -> str:
    """The one JSON text of ``value`` that the ledger hashes and stores."""
    return json.dumps(
        canonical_value(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload_digest(canonical_text: str) -> str:
    """Digest of a payload already in canonical JSON (what :class:`EntryPayload` stores)."""
    return sha256_hex(canonical_text.encode("utf-8"))


def entry_hash(
    *,
    sequence: int,
    recorded_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    payload_digest: str,
    prev_hash: str,
) -> str:
    """The chained hash of one entry; see the module docstring for the exact preimage."""
    body = canonical_json(
        {
            "sequence": sequence,
            "recorded_at": recorded_at,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "payload_digest": payload_digest,
            "prev_hash": prev_hash,
        }
    )
    return sha256_hex(ENTRY_HASH_PREFIX + body.encode("utf-8"))
