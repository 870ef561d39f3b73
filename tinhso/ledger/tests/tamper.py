"""What an attacker with write access to the database could do, for the tests to catch.

Every helper goes around the services, straight at the rows, as such an attacker would.
"""

from __future__ import annotations

from tinhso.ledger import merkle
from tinhso.ledger.canonical import GENESIS_HASH, entry_hash
from tinhso.ledger.models import Checkpoint, Entry, EntryPayload, LedgerHead, MerkleNode
from tinhso.ledger.testing import merkle_leaves


def wipe_ledger() -> None:
    """Empty every ledger table (test setup: other fixtures write to the ledger too)."""
    EntryPayload.objects.all().delete()
    Entry.objects.all().delete()
    MerkleNode.objects.all().delete()
    Checkpoint.objects.all().delete()
    LedgerHead.objects.all().delete()


def _frontier_of_entries(size: int) -> list[str]:
    return [item.hex() for item in merkle.frontier_of(merkle_leaves(size))]


def rewind_head(size: int) -> None:
    """Make the head describe the first ``size`` entries, consistently (hash and frontier)."""
    last = Entry.objects.filter(sequence=size).values_list("entry_hash", flat=True).first()
    LedgerHead.objects.filter(pk=1).update(
        size=size, head_hash=last or GENESIS_HASH, frontier=_frontier_of_entries(size)
    )


def truncate(keep: int) -> None:
    """Cut the tail after entry ``keep`` and rewind the head: a shorter, valid-looking chain."""
    Entry.objects.filter(sequence__gt=keep).delete()
    MerkleNode.objects.all().delete()
    rewind_head(keep)


def rewrite(sequence: int, action: str) -> None:
    """Change entry ``sequence`` and recompute every hash from there on, and the head."""
    for entry in Entry.objects.filter(sequence__gte=sequence).order_by("sequence"):
        assert entry.sequence is not None  # the filter reads sealed entries only
        prev = Entry.objects.filter(sequence=entry.sequence - 1).values_list("entry_hash", flat=True).first()
        new_action = action if entry.sequence == sequence else entry.action
        new_prev = prev or GENESIS_HASH
        new_hash = entry_hash(
            sequence=entry.sequence,
            recorded_at=entry.recorded_at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=new_action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            payload_digest=entry.payload_digest,
            prev_hash=new_prev,
        )
        Entry.objects.filter(pk=entry.pk).update(action=new_action, prev_hash=new_prev, entry_hash=new_hash)
    MerkleNode.objects.all().delete()
    rewind_head(Entry.objects.count())


def rehash_one(sequence: int, action: str) -> None:
    """Change entry ``sequence`` and recompute its own hash only (the next link breaks)."""
    entry = Entry.objects.get(sequence=sequence)
    assert entry.prev_hash is not None  # sealed: it has a sequence
    new_hash = entry_hash(
        sequence=sequence,
        recorded_at=entry.recorded_at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        payload_digest=entry.payload_digest,
        prev_hash=entry.prev_hash,
    )
    Entry.objects.filter(pk=entry.pk).update(action=action, entry_hash=new_hash)


def swap(first: int, second: int) -> None:
    """Swap the sequence numbers of two entries (through a free number: sequence is unique)."""
    top = Entry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    Entry.objects.filter(sequence=first).update(sequence=top + 1)
    Entry.objects.filter(sequence=second).update(sequence=first)
    Entry.objects.filter(sequence=top + 1).update(sequence=second)
