"""The canonical bytes the ledger hashes: one spelling per value, or a refusal."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import unicodedata
import uuid
import zoneinfo

import pytest
from django.db import models
from django.utils.translation import gettext_lazy

from tinhso.ledger.canonical import (
    ENTRY_HASH_PREFIX,
    GENESIS_HASH,
    canonical_json,
    entry_hash,
    payload_digest,
)

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


class Colour(models.TextChoices):
    RED = "red", "Đỏ"


def test_keys_sorted_no_whitespace_non_ascii_kept() -> None:
    assert canonical_json({"b": 1, "a": [True, None, 1.5], "ơ": "Hà Nội"}) == (
        '{"a":[true,null,1.5],"b":1,"ơ":"Hà Nội"}'
    )


def test_strings_and_keys_are_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Thanh Hoá")
    assert decomposed != "Thanh Hoá"
    assert canonical_json({decomposed: decomposed}) == canonical_json({"Thanh Hoá": "Thanh Hoá"})
    assert canonical_json({decomposed: 1}) == '{"Thanh Hoá":1}'


def test_dates_times_decimals_uuids_have_one_spelling() -> None:
    moment = dt.datetime(2025, 7, 1, 10, 0, tzinfo=HCM)
    same_moment = dt.datetime(2025, 7, 1, 3, 0, tzinfo=dt.UTC)
    value = {
        "at": moment,
        "day": dt.date(2025, 7, 1),
        "time": dt.time(8, 30),
        "wait": dt.timedelta(days=1, hours=2),
        "fee": decimal.Decimal("150000.00"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "colour": Colour.RED,
        "label": gettext_lazy("Đỏ"),
        "pair": (1, 2),
    }
    assert canonical_json(value) == (
        '{"at":"2025-07-01T03:00:00.000000+00:00","colour":"red","day":"2025-07-01","fee":"150000",'
        '"id":"12345678-1234-5678-1234-567812345678","label":"Đỏ","pair":[1,2],"time":"08:30:00",'
        '"wait":"P1DT02H00M00S"}'
    )
    assert canonical_json({"at": moment}) == canonical_json({"at": same_moment})
    assert canonical_json(decimal.Decimal("1.50")) == canonical_json(decimal.Decimal("1.5")) == '"1.5"'


@pytest.mark.parametrize(
    "value",
    [
        {"at": dt.datetime(2025, 7, 1, 10, 0)},  # naive: which 10 o'clock?
        {"x": float("nan")},
        {"x": decimal.Decimal("Infinity")},
        {"x": {1, 2}},
        {"x": b"bytes"},
        {("a", "b"): 1},
        {"1": "a", 1: "b"},
        {"Hoá": 1, unicodedata.normalize("NFD", "Hoá"): 2},
    ],
    ids=["naive-datetime", "nan", "infinite-decimal", "set", "bytes", "tuple-key", "int-str-clash", "nfc-clash"],
)
def test_values_without_one_spelling_are_refused(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        canonical_json(value)


def test_payload_digest_is_sha256_of_the_utf8_text() -> None:
    text = canonical_json({"tên": "Đông"})
    assert payload_digest(text) == hashlib.sha256('{"tên":"Đông"}'.encode()).hexdigest()


def test_entry_hash_is_the_documented_preimage() -> None:
    recorded_at = dt.datetime(2025, 7, 1, 10, 0, 0, 123456, tzinfo=HCM)
    expected_body = (
        '{"action":"org.agency.create","actor_id":7,"actor_label":"chuyenvien","object_id":"42",'
        '"object_type":"org.agency","payload_digest":"' + "ab" * 32 + '","prev_hash":"' + GENESIS_HASH + '",'
        '"recorded_at":"2025-07-01T03:00:00.123456+00:00","sequence":1}'
    )
    assert ENTRY_HASH_PREFIX == b"tinhso-ledger-entry-v1\n"
    assert (
        entry_hash(
            sequence=1,
            recorded_at=recorded_at,
            actor_id=7,
            actor_label="chuyenvien",
            action="org.agency.create",
            object_type="org.agency",
            object_id="42",
            payload_digest="ab" * 32,
            prev_hash=GENESIS_HASH,
        )
        == hashlib.sha256(b"tinhso-ledger-entry-v1\n" + expected_body.encode()).hexdigest()
    )
