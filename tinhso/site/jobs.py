"""Jobs that cut across apps: each works with what the apps registered in core."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tinhso.core import storage_sweep as sweep
from tinhso.ledger.services import ledger_append


def storage_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run the storage sweep (:mod:`tinhso.core.storage_sweep`) over every registered area; a
    sweep that deleted something appends one ledger event with the counts per area (no file
    names: they may tell which dossier had files). Returns how many files went per area."""
    deleted = sweep.storage_sweep(now=now)
    if any(deleted.values()):
        with transaction.atomic():
            ledger_append(
                actor=None,
                action="core.storage.sweep",
                object_type="storage",
                object_id="default",
                payload={"deleted": deleted},
            )
    return deleted
