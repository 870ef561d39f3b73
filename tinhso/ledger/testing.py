"""Helpers for tests that need the ledger sealed (entries numbered and chained).

``ledger_append`` leaves entries unsealed until the sealer runs; a test that reads
``sequence``, ``entry_hash``, the head or a proof calls :func:`seal` (or uses the ``sealed``
fixture of ``tinhso/ledger/tests/conftest.py``) first, as the worker would have done.
"""

from __future__ import annotations

from . import merkle
from .models import Entry
from .services import ledger_seal


def seal(*, sign: bool = False) -> int:
    """Seal everything appended and committed (or visible to this test's transaction); with
    ``sign``, also sign a checkpoint when one is due, as the worker does."""
    return ledger_seal(sign=sign)


def unsealed_count() -> int:
    return Entry.objects.filter(sequence__isnull=True).count()


def merkle_leaves(size: int | None = None) -> list[bytes]:
    """The Merkle tree's leaves, from the entry hashes in chain order (the first ``size``
    entries, or every entry); fails if an entry read is not sealed yet."""
    entries = Entry.objects.order_by("sequence")
    if size is not None:
        entries = entries.filter(sequence__lte=size)
    leaves = []
    for value in entries.values_list("entry_hash", flat=True):
        assert value is not None, "an unsealed entry: seal() first"
        leaves.append(merkle.leaf_hash(bytes.fromhex(value)))
    return leaves
