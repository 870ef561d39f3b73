"""Writes to the ledger: append an event, seal the appended events, sign a checkpoint, erase a payload.

Appending and sealing are apart, as in a Certificate Transparency log (Trillian's sequencer):

* :func:`ledger_append` inserts an *unsealed* entry in the writer's own transaction, with plain
  ORM inserts and no lock shared with other writers. What the entry says is fixed then
  (``recorded_at``, actor, action, object, payload digest), so its hash is reproducible; a
  rolled-back write takes its entry with it.
* :func:`ledger_seal`, run every second or so by each worker (``manage.py worker``), takes the
  sealer lock (the head row, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a second sealer
  returns at once; on SQLite the write transaction already serialises), numbers the committed
  unsealed entries, chains their hashes, extends the Merkle tree, moves the head and signs a
  checkpoint when one is due, all in one transaction: killed half way, it leaves nothing
  half-sealed, and the next run starts over.

Which order? The sealer takes *every* committed unsealed entry it can see (up to
``max_batch``), lowest id first. It keeps no "last sealed id" high-water mark, so an entry
whose transaction stayed open long (a low id committed late) is not skipped: it is simply
sealed in a later batch. Id order within a batch respects commit order wherever commit order
can be observed: if transaction A committed before transaction B began, A drew its id from the
sequence before B did (id(A) < id(B)), and A is visible to any sealer that sees B, so A gets
the lower sequence number. Transactions that overlapped have no observable order between them
(neither saw the other), and either order is a true history. A settle window or
``pg_snapshot_xmin`` would only delay sealing without adding a guarantee, so neither is used.
The bound is the maximum merge delay ``LEDGER_MAX_MERGE_DELAY_SECONDS`` (RFC 6962 §3), which
``/healthz`` and ``ledger_verify`` watch.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from . import merkle
from .canonical import canonical_json, entry_hash, payload_digest
from .keys import key_id_of, signing_key
from .models import Checkpoint, Entry, EntryPayload, LedgerHead, MerkleNode
from .selectors import ERASE_ACTION, ERASE_OBJECT_TYPE, LedgerIntegrityError, tree_root

__all__ = [
    "LedgerIntegrityError",
    "Record",
    "checkpoint_sign",
    "ledger_append",
    "ledger_append_many",
    "ledger_payload_erase",
    "ledger_seal",
]

# Who acted: a user of AUTH_USER_MODEL, recorded as data (its id and username); the ledger
# imports no app above core, so not org's Person.
Actor = AbstractBaseUser

logger = logging.getLogger(__name__)

# An event's payload says what changed, not the documents themselves: a bound keeps one
# careless caller from bloating a table that is never pruned.
MAX_PAYLOAD_BYTES = 256 * 1024
# Entries sealed per transaction of the sealer; it loops until none is left.
SEAL_BATCH = 500


def _short_text(value: str, field: str, max_length: int, *, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", str(value)).strip()
    if required and not text:
        raise ValueError(f"Ledger {field} must not be empty.")
    if len(text) > max_length:
        raise ValueError(f"Ledger {field} is longer than {max_length} characters: {text[:40]!r}…")
    return text


@dataclass(frozen=True)
class Record:
    """One event to append: the arguments of :func:`ledger_append`, for :func:`ledger_append_many`."""

    actor: Actor | AnonymousUser | None
    action: str
    obj: models.Model | None = None
    object_type: str | None = None
    object_id: str | int | None = None
    payload: Mapping[str, Any] | None = None


def ledger_append(
    *,
    actor: Actor | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    payload: Mapping[str, Any] | None = None,
) -> Entry:
    """Record that ``actor`` did ``action`` (e.g. ``"org.agency.create"``) to an object.

    Call it inside the ``transaction.atomic`` block of the domain write it records, so that
    both commit or neither does; it refuses to run outside one. The entry is returned
    *unsealed* (``sequence``, ``prev_hash`` and ``entry_hash`` are None): the sealer gives it its
    place in the chain within ``LEDGER_MAX_MERGE_DELAY_SECONDS`` after the commit.
    ``actor`` is None (or anonymous) for the system. With ``obj``, ``object_type`` defaults
    to its ``app_label.model`` and ``object_id`` to its primary key; call it before deleting
    ``obj``. ``payload`` must be reducible to canonical JSON (see
    :mod:`tinhso.ledger.canonical`): strings, numbers, booleans, None, dates, datetimes
    (aware), decimals, UUIDs, lists and mappings. Keep personal data in it to what the
    record needs: it can be erased later, but its digest stays.
    """
    return ledger_append_many(
        [Record(actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id, payload=payload)]
    )[0]


def _prepared(record: Record) -> dict[str, Any]:
    """The entry's fields that do not depend on the head, checked; and its canonical body."""
    actor, obj, object_type, object_id = record.actor, record.obj, record.object_type, record.object_id
    if obj is not None:
        if obj.pk is None:
            raise ValueError("ledger_append(obj=...) needs a saved object (call it before deleting).")
        object_type = object_type if object_type is not None else obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
    if actor is not None and not actor.is_authenticated:
        actor = None
    if actor is not None and actor.pk is None:
        raise ValueError("ledger_append(actor=...) needs a saved person.")
    if record.payload is not None and not isinstance(record.payload, Mapping):
        raise TypeError("ledger_append(payload=...) takes a mapping.")
    action = _short_text(record.action, "action", 100, required=True)
    body = canonical_json(dict(record.payload or {}))
    if len(body.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"Ledger payload of {action!r} exceeds {MAX_PAYLOAD_BYTES} bytes.")
    return {
        "actor": actor,
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": _short_text(actor.get_username(), "actor_label", 150) if actor is not None else "",
        "action": action,
        "object_type": _short_text(object_type or "", "object_type", 100),
        "object_id": _short_text("" if object_id is None else str(object_id), "object_id", 64),
        "payload_digest": payload_digest(body),
        "body": body,
    }


def ledger_append_many(records: Sequence[Record]) -> list[Entry]:
    """Append several events, in order: what :func:`ledger_append` does for one (same rules,
    same checks), for a write that records many objects at once. The entries share one
    ``recorded_at`` and, inserted together, get increasing ids, so the sealer keeps their order."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("ledger_append() must run inside transaction.atomic(), together with the write it records.")
    prepared = [_prepared(record) for record in records]
    if not prepared:
        return []
    recorded_at = timezone.now()
    entries = [
        Entry(
            recorded_at=recorded_at,
            actor_id=item["actor_id"],
            actor_label=item["actor_label"],
            action=item["action"],
            object_type=item["object_type"],
            object_id=item["object_id"],
            payload_digest=item["payload_digest"],
        )
        for item in prepared
    ]
    Entry.objects.bulk_create(entries)  # PostgreSQL and SQLite ≥ 3.35 return the ids
    EntryPayload.objects.bulk_create(
        [EntryPayload(entry=entry, canonical_json=item["body"]) for entry, item in zip(entries, prepared, strict=True)]
    )
    for entry, item in zip(entries, prepared, strict=True):
        if item["actor"] is not None:
            entry.actor = item["actor"]
    return entries


def _sealer_head() -> LedgerHead | None:
    """The head row locked for this transaction, or None if another sealer holds it."""
    LedgerHead.objects.get_or_create(pk=LedgerHead.SINGLETON_PK)
    heads = LedgerHead.objects.filter(pk=LedgerHead.SINGLETON_PK)
    if transaction.get_connection().features.has_select_for_update_skip_locked:
        heads = heads.select_for_update(skip_locked=True)
    return heads.first()


def _checkpoint_due(head_size: int, now: dt.datetime) -> bool:
    last = Checkpoint.objects.order_by("-tree_size", "-signed_at").values_list("tree_size", "signed_at").first()
    if last is None:
        return head_size > 0
    size, signed_at = last
    return head_size > size and now - signed_at >= dt.timedelta(seconds=settings.LEDGER_CHECKPOINT_SECONDS)


def _seal_batch(head: LedgerHead, max_batch: int) -> int:
    """Seal up to ``max_batch`` committed unsealed entries, lowest id first (see the module
    docstring for why that is commit order); returns how many."""
    rows = list(
        Entry.objects.filter(sequence__isnull=True)
        .order_by("id")
        .values_list(
            "id",
            "recorded_at",
            "actor_id",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "payload_digest",
        )[:max_batch]
    )
    if not rows:
        return 0
    size, prev_hash = head.size, head.head_hash
    frontier = [bytes.fromhex(item) for item in head.frontier]
    sealed: list[tuple[int, int, str, str]] = []  # (id, sequence, prev_hash, entry_hash)
    nodes: list[merkle.CompletedNode] = []
    for entry_id, recorded_at, actor_id, actor_label, action, object_type, object_id, digest in rows:
        sequence = size + 1
        digest_of_entry = entry_hash(
            sequence=sequence,
            recorded_at=recorded_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            payload_digest=digest,
            prev_hash=prev_hash,
        )
        frontier, completed = merkle.frontier_append(frontier, size, merkle.leaf_hash(bytes.fromhex(digest_of_entry)))
        nodes += [node for node in completed if node.level >= MerkleNode.STORED_MIN_LEVEL]
        sealed.append((entry_id, sequence, prev_hash, digest_of_entry))
        size, prev_hash = sequence, digest_of_entry
    ids = [row[0] for row in sealed]
    # One UPDATE for the batch; the ``sequence IS NULL`` guard and the count make sure that no
    # entry is ever sealed twice (the transaction rolls back instead).
    updated = Entry.objects.filter(pk__in=ids, sequence__isnull=True).update(
        sequence=Case(*[When(pk=pk, then=Value(sequence)) for pk, sequence, _, _ in sealed]),
        prev_hash=Case(*[When(pk=pk, then=Value(prev)) for pk, _, prev, _ in sealed]),
        entry_hash=Case(*[When(pk=pk, then=Value(digest)) for pk, _, _, digest in sealed]),
    )
    if updated != len(sealed):
        raise LedgerIntegrityError(f"Sealing {len(sealed)} entries updated {updated}: another sealer ran.")
    MerkleNode.objects.bulk_create(
        [MerkleNode(level=node.level, index=node.index, hash=node.hash.hex()) for node in nodes]
    )
    head.size, head.head_hash, head.frontier = size, prev_hash, [item.hex() for item in frontier]
    head.save(update_fields=["size", "head_hash", "frontier"])
    return len(sealed)


def ledger_seal(*, max_batch: int = SEAL_BATCH, max_batches: int | None = None, sign: bool = True) -> int:
    """Seal what was appended and committed, then sign a checkpoint if one is due.

    Each batch of up to ``max_batch`` entries is one transaction holding the sealer lock; it
    loops until nothing is left (or ``max_batches`` batches). Safe to run from any number of
    workers: while one seals, the others return 0 at once. Returns the number sealed.
    ``sign=False`` leaves checkpoints alone (tests that sign them themselves).
    """
    total = batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            head = _sealer_head()
            if head is None:
                return total  # another sealer is at work
            count = _seal_batch(head, max_batch)
            total += count
            batches += 1
            if sign and count < max_batch and _checkpoint_due(head.size, timezone.now()):
                checkpoint_sign()
        if count < max_batch:
            break
    return total


def checkpoint_sign() -> Checkpoint | None:
    """Sign the Merkle root of the sealed ledger, if it grew since the last checkpoint, as a
    C2SP tlog-checkpoint (origin ``settings.LEDGER_ORIGIN``; see :class:`Checkpoint`).

    Returns None when there is nothing new to sign. It does not append a ledger entry about
    itself: a checkpoint is a statement *about* the ledger, an entry for it would make the
    ledger grow again and call for another checkpoint, forever.

    Before signing it checks that the current tree extends the last checkpoint (the root at
    that size is unchanged). If not, the tail was cut or rewritten, and signing would bless
    the forged history: it raises :class:`LedgerIntegrityError` instead.
    """
    with transaction.atomic():
        head = LedgerHead.objects.filter(pk=LedgerHead.SINGLETON_PK).first()
        if head is None or head.size == 0:
            return None
        last = Checkpoint.objects.order_by("-tree_size", "-signed_at").first()
        if last is not None:
            if last.tree_size > head.size or tree_root(last.tree_size).hex() != last.root_hash:
                logger.error(
                    "Ledger no longer extends checkpoint %s (size %s); refusing to sign.",
                    last.pk,
                    last.tree_size,
                )
                raise LedgerIntegrityError(f"The ledger does not extend checkpoint {last.pk} of size {last.tree_size}.")
            if last.tree_size == head.size:
                return None
        root_hex = merkle.frontier_root([bytes.fromhex(item) for item in head.frontier]).hex()
        key = signing_key()
        origin = settings.LEDGER_ORIGIN
        signature = key.sign(Checkpoint.note_body(origin, head.size, root_hex))
        return Checkpoint.objects.create(
            tree_size=head.size,
            root_hash=root_hex,
            signed_at=timezone.now(),
            signature=base64.b64encode(signature).decode("ascii"),
            key_id=key_id_of(key.public_key()),
            origin=origin,
        )


def ledger_payload_erase(*, sequence: int, actor: Actor | None, reason: str) -> Entry:
    """Erase the payload of entry ``sequence`` (personal-data erasure) and record the erasure.

    The entry and its digest stay, so the chain still verifies; the erasure itself becomes a
    new entry ``ledger.payload.erase`` naming it, which ``ledger_verify`` requires for every
    missing payload (one deleted any other way fails verification). ``reason`` is kept in the
    ledger: cite the request or decision, never the personal data.
    """
    with transaction.atomic():
        entry = Entry.objects.filter(sequence=sequence).first()
        if entry is None:
            raise ValueError(f"No sealed ledger entry {sequence}.")
        EntryPayload.objects.filter(entry=entry).delete()
        return ledger_append(
            actor=actor,
            action=ERASE_ACTION,
            obj=entry,
            object_type=ERASE_OBJECT_TYPE,
            object_id=str(entry.sequence),
            payload={"sequence": entry.sequence, "reason": reason},
        )
