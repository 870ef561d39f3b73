"""Writes to the ledger: append an event, sign a checkpoint, erase a payload."""

from __future__ import annotations

import base64
import json
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from . import merkle
from .canonical import canonical_json, canonical_value, entry_hash, payload_digest
from .keys import key_id_of, signing_key
from .models import Checkpoint, Entry, EntryPayload, LedgerHead, MerkleNode
from .selectors import ERASE_ACTION, ERASE_OBJECT_TYPE, LedgerIntegrityError, tree_root

__all__ = [
    "LedgerIntegrityError", "Record", "checkpoint_sign", "ledger_append", "ledger_append_many", "ledger_payload_erase",
]

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.org.models import Person

logger = logging.getLogger(__name__)

# An event's payload says what changed, not the documents themselves: a bound keeps one
# careless caller from bloating a table that is never pruned.
MAX_PAYLOAD_BYTES = 256 * 1024


def _short_text(value: str, field: str, max_length: int, *, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", str(value)).strip()
    if required and not text:
        raise ValueError(f"Ledger {field} must not be empty.")
    if len(text) > max_length:
        raise ValueError(f"Ledger {field} is longer than {max_length} characters: {text[:40]!r}…")
    return text


# The append's SQL, written once. Table and column names come from the models, never from
# input; every value is a query parameter.
_HEAD, _ENTRY, _PAYLOAD, _NODE = (model._meta.db_table for model in (LedgerHead, Entry, EntryPayload, MerkleNode))
_ENTRY_COLUMNS = ("sequence", "recorded_at", "actor_id", "actor_label", "action", "object_type", "object_id",
                  "payload_digest", "prev_hash", "entry_hash")
_SELECT_HEAD = f'SELECT "size", "head_hash", "frontier" FROM "{_HEAD}" WHERE "id" = %s'  # noqa: S608
_QUOTED_COLUMNS = ", ".join(f'"{name}"' for name in _ENTRY_COLUMNS)
_INSERT_ENTRIES = f'INSERT INTO "{_ENTRY}" ({_QUOTED_COLUMNS}) VALUES '  # noqa: S608
_ENTRY_ROW = f'({", ".join(["%s"] * len(_ENTRY_COLUMNS))})'
_INSERT_PAYLOAD = f'INSERT INTO "{_PAYLOAD}" ("entry_id", "canonical_json") VALUES (%s, %s)'  # noqa: S608
_INSERT_PAYLOADS_OF_ENTRIES = (  # PostgreSQL: the entries' ids from the "entry" CTE below, matched by sequence
    f'INSERT INTO "{_PAYLOAD}" ("entry_id", "canonical_json") SELECT "entry"."id", "body"."json" '  # noqa: S608
    'FROM "entry" INNER JOIN (VALUES {rows}) AS "body" ("sequence", "json") ON "body"."sequence" = "entry"."sequence"'
)
_INSERT_NODES = f'INSERT INTO "{_NODE}" ("level", "index", "hash") VALUES '  # noqa: S608
_UPDATE_HEAD = f'UPDATE "{_HEAD}" SET "size" = %s, "head_hash" = %s, "frontier" = %s WHERE "id" = %s'  # noqa: S608


def _locked_head(cursor: Any, connection: Any) -> tuple[int, str, list[str]]:
    """Lock the head row (``SELECT … FOR UPDATE``; SQLite's IMMEDIATE transactions already
    serialise writers) and return (size, head hash, frontier), creating the row if needed."""
    select = _SELECT_HEAD + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    cursor.execute(select, [LedgerHead.SINGLETON_PK])
    row = cursor.fetchone()
    if row is None:
        LedgerHead.objects.get_or_create(pk=LedgerHead.SINGLETON_PK)
        cursor.execute(select, [LedgerHead.SINGLETON_PK])
        row = cursor.fetchone()
    size, head_hash, frontier = row
    if isinstance(frontier, str | bytes):
        frontier = json.loads(frontier)
    return int(size), head_hash, list(frontier or [])


def _prep(model: type[models.Model], name: str, value: Any, connection: Any) -> Any:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a concrete column, not a relation's reverse side
    return field.get_db_prep_value(value, connection, prepared=False)


def _append_write(
    cursor: Any, connection: Any, entries: list[dict[str, Any]], bodies: list[str],
    nodes: list[merkle.CompletedNode], head: dict[str, Any],
) -> list[int]:
    """Write appends (entries, their payloads, completed subtrees, head); returns the entries' ids.

    Raw SQL, not the ORM: it runs while the head is locked, where every statement delays every
    other writer. On PostgreSQL the writes go as one statement (data-modifying CTEs), i.e. one
    round trip however many entries. Values go through the fields' own ``get_db_prep_value``,
    so the rows read back exactly as the ORM would have written them (the hash covers
    ``recorded_at``).
    """
    entry_params = [[_prep(Entry, name, entry[name], connection) for name in _ENTRY_COLUMNS] for entry in entries]
    writes = []
    if nodes:
        writes.append((
            _INSERT_NODES + ", ".join(["(%s, %s, %s)"] * len(nodes)),
            [value for node in nodes for value in (node.level, node.index, node.hash.hex())],
        ))
    writes.append((_UPDATE_HEAD, [
        head["size"], head["head_hash"], _prep(LedgerHead, "frontier", head["frontier"], connection),
        LedgerHead.SINGLETON_PK,
    ]))
    if connection.vendor == "postgresql":
        insert_entries = _INSERT_ENTRIES + ", ".join([_ENTRY_ROW] * len(entries)) + ' RETURNING "id", "sequence"'
        insert_payloads = _INSERT_PAYLOADS_OF_ENTRIES.format(rows=", ".join(["(%s::bigint, %s::text)"] * len(entries)))
        parts = [f'"entry" AS ({insert_entries})', f'"payload" AS ({insert_payloads})']
        params = [value for row in entry_params for value in row]
        params += [value for entry, body in zip(entries, bodies, strict=True) for value in (entry["sequence"], body)]
        for number, (sql, values) in enumerate(writes):
            parts.append(f'"write{number}" AS ({sql})')
            params += values
        cursor.execute("WITH " + ", ".join(parts) + ' SELECT "id" FROM "entry" ORDER BY "sequence"', params)  # noqa: S608
        return [row[0] for row in cursor.fetchall()]
    ids = []
    for row, body in zip(entry_params, bodies, strict=True):
        cursor.execute(_INSERT_ENTRIES + _ENTRY_ROW + ' RETURNING "id"', row)
        ids.append(cursor.fetchone()[0])
        cursor.execute(_INSERT_PAYLOAD, [ids[-1], body])
    for sql, values in writes:
        cursor.execute(sql, values)
    return ids


@dataclass(frozen=True)
class Record:
    """One event to append: the arguments of :func:`ledger_append`, for :func:`ledger_append_many`."""

    actor: Person | AnonymousUser | None
    action: str
    obj: models.Model | None = None
    object_type: str | None = None
    object_id: str | int | None = None
    payload: Mapping[str, Any] | None = None


def ledger_append(
    *,
    actor: Person | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    payload: Mapping[str, Any] | None = None,
) -> Entry:
    """Record that ``actor`` did ``action`` (e.g. ``"org.agency.create"``) to an object.

    Call it inside the ``transaction.atomic`` block of the domain write it records, so that
    both commit or neither does; it refuses to run outside one. It locks the ledger head, so
    concurrent writers are queued for the rest of their transaction: keep the work after it
    short. ``actor`` is None (or anonymous) for the system. With ``obj``, ``object_type``
    defaults to its ``app_label.model`` and ``object_id`` to its primary key; call it before
    deleting ``obj``. ``payload`` must be reducible to canonical JSON (see
    :mod:`tinhso.ledger.canonical`): strings, numbers, booleans, None, dates, datetimes
    (aware), decimals, UUIDs, lists and mappings. Keep personal data in it to what the
    record needs: it can be erased later, but its digest stays.

    Everything that does not depend on the head is done before locking it; while it is
    locked, one read and (on PostgreSQL) one write statement.
    """
    return ledger_append_many([Record(actor=actor, action=action, obj=obj, object_type=object_type,
                                      object_id=object_id, payload=payload)])[0]


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
        "actor": actor, "actor_id": actor.pk if actor is not None else None,
        "actor_label": _short_text(actor.get_username(), "actor_label", 150) if actor is not None else "",
        "action": action, "object_type": _short_text(object_type or "", "object_type", 100),
        "object_id": _short_text("" if object_id is None else str(object_id), "object_id", 64),
        "payload_digest": payload_digest(body), "body": body,
    }


def ledger_append_many(records: Sequence[Record]) -> list[Entry]:
    """Append several events, in order, under one lock of the head: what :func:`ledger_append`
    does for one (same rules, same checks), for a write that records many objects at once.
    The entries get consecutive sequence numbers and the same ``recorded_at``."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError(
            "ledger_append() must run inside transaction.atomic(), together with the write it records."
        )
    prepared = [_prepared(record) for record in records]
    if not prepared:
        return []
    with connection.cursor() as cursor:
        size, prev_hash, frontier_hex = _locked_head(cursor, connection)
        frontier = [bytes.fromhex(item) for item in frontier_hex]
        recorded_at = timezone.now()
        rows: list[dict[str, Any]] = []
        nodes: list[merkle.CompletedNode] = []
        for item in prepared:
            sequence = size + 1
            fields = {
                "sequence": sequence, "recorded_at": recorded_at, "actor_id": item["actor_id"],
                "actor_label": item["actor_label"], "action": item["action"], "object_type": item["object_type"],
                "object_id": item["object_id"], "payload_digest": item["payload_digest"], "prev_hash": prev_hash,
            }
            fields["entry_hash"] = entry_hash(**fields)
            frontier, completed = merkle.frontier_append(
                frontier, size, merkle.leaf_hash(bytes.fromhex(fields["entry_hash"])),
            )
            nodes += [node for node in completed if node.level >= MerkleNode.STORED_MIN_LEVEL]
            rows.append(fields)
            size, prev_hash = sequence, fields["entry_hash"]
        ids = _append_write(
            cursor, connection, rows, [item["body"] for item in prepared], nodes,
            {"size": size, "head_hash": prev_hash, "frontier": [item.hex() for item in frontier]},
        )
    entries = []
    for entry_id, fields, item in zip(ids, rows, prepared, strict=True):
        entry = Entry(id=entry_id, **fields)
        entry._state.adding = False
        entry._state.db = connection.alias
        if item["actor"] is not None:
            entry.actor = item["actor"]
        entries.append(entry)
    return entries


def checkpoint_sign() -> Checkpoint | None:
    """Sign the Merkle root of the ledger as it stands, if it grew since the last checkpoint.

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
                    last.pk, last.tree_size,
                )
                raise LedgerIntegrityError(
                    f"The ledger does not extend checkpoint {last.pk} of size {last.tree_size}."
                )
            if last.tree_size == head.size:
                return None
        root_hex = merkle.frontier_root([bytes.fromhex(item) for item in head.frontier]).hex()
        signed_at = timezone.now()
        key = signing_key()
        signature = key.sign(Checkpoint.message(head.size, root_hex, canonical_value(signed_at)))
        return Checkpoint.objects.create(
            tree_size=head.size,
            root_hash=root_hex,
            signed_at=signed_at,
            signature=base64.b64encode(signature).decode("ascii"),
            key_id=key_id_of(key.public_key()),
        )


def ledger_payload_erase(*, sequence: int, actor: Person | None, reason: str) -> Entry:
    """Erase the payload of entry ``sequence`` (personal-data erasure) and record the erasure.

    The entry and its digest stay, so the chain still verifies; the erasure itself becomes a
    new entry ``ledger.payload.erase`` naming it, which ``ledger_verify`` requires for every
    missing payload (one deleted any other way fails verification). ``reason`` is kept in the
    ledger: cite the request or decision, never the personal data.
    """
    with transaction.atomic():
        entry = Entry.objects.filter(sequence=sequence).first()
        if entry is None:
            raise ValueError(f"No ledger entry {sequence}.")
        EntryPayload.objects.filter(entry=entry).delete()
        return ledger_append(
            actor=actor,
            action=ERASE_ACTION,
            obj=entry,
            object_type=ERASE_OBJECT_TYPE,
            object_id=str(entry.sequence),
            payload={"sequence": entry.sequence, "reason": reason},
        )
