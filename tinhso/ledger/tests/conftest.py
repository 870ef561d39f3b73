"""Fixtures of the ledger tests: a ledger known to start empty, and a quick way to fill it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from tinhso.ledger.models import Entry
from tinhso.ledger.services import ledger_append, ledger_seal

from .tamper import wipe_ledger


@pytest.fixture
def empty_ledger(db: None) -> None:
    """Other fixtures (units, agencies, people) write to the ledger; these tests count from 1.

    Inside the test's transaction, so the wipe is rolled back with it.
    """
    wipe_ledger()


@pytest.fixture
def fill(empty_ledger: None) -> Callable[..., list[Entry]]:
    """fill(n) appends n entries, each in its own transaction as a service would, then seals
    them as the worker would (``fill(n, seal=False)`` leaves them unsealed); returns them."""

    def append_many(count: int, **extra: Any) -> list[Entry]:
        entries = []
        for i in range(count):
            with transaction.atomic():
                entries.append(
                    ledger_append(
                        actor=extra.get("actor"),
                        action=extra.get("action", "test.thing.create"),
                        object_type="test.thing",
                        object_id=i,
                        payload={"i": i, "tên": "Thanh Hoá"},
                    )
                )
        if not extra.get("seal", True):
            return entries
        ledger_seal(sign=False)  # the tests sign checkpoints themselves
        return list(Entry.objects.filter(pk__in=[entry.pk for entry in entries]).order_by("sequence"))

    return append_many
