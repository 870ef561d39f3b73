"""Appending, signing and erasing: what each write leaves in the ledger, and what it refuses."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from tinhso.ledger import merkle
from tinhso.ledger.canonical import GENESIS_HASH, canonical_json, entry_hash, payload_digest
from tinhso.ledger.models import Checkpoint, Entry, EntryPayload, LedgerHead, MerkleNode
from tinhso.ledger.selectors import ledger_head, ledger_verify, tree_root
from tinhso.ledger.services import (
    LedgerIntegrityError,
    Record,
    checkpoint_sign,
    ledger_append,
    ledger_append_many,
    ledger_payload_erase,
    ledger_seal,
)
from tinhso.ledger.tasks import checkpoint_sign_task
from tinhso.ledger.testing import merkle_leaves
from tinhso.org.models import Person

from .tamper import truncate

Fill = Callable[..., list[Entry]]


def _person(username: str = "chuyenvien") -> Person:
    return Person.objects.create_user(username=username, full_name="Nguyễn Văn A", password="x")


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused_and_writes_nothing() -> None:
    before = Entry.objects.count()
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        ledger_append(actor=None, action="test.thing.create", object_type="test.thing", object_id=1)
    assert Entry.objects.count() == before


def test_empty_ledger_head(empty_ledger: None) -> None:
    assert ledger_head().size == 0
    assert ledger_head().head_hash == GENESIS_HASH == "0" * 64
    assert ledger_head().root_hash == hashlib.sha256(b"").hexdigest()


def test_entries_chain_from_genesis_and_hash_what_they_say(fill: Fill) -> None:
    fill(3)
    entries = list(Entry.objects.order_by("sequence").select_related("payload"))
    assert [entry.sequence for entry in entries] == [1, 2, 3]
    assert [entry.prev_hash for entry in entries] == [GENESIS_HASH, entries[0].entry_hash, entries[1].entry_hash]
    for entry in entries:
        assert entry.sequence is not None  # sealed by fill
        assert entry.prev_hash is not None
        assert entry.recorded_at.tzinfo is not None
        assert entry.payload.canonical_json == canonical_json({"i": entry.sequence - 1, "tên": "Thanh Hoá"})
        assert entry.payload_digest == payload_digest(entry.payload.canonical_json)
        assert entry.entry_hash == entry_hash(
            sequence=entry.sequence,
            recorded_at=entry.recorded_at,
            actor_id=None,
            actor_label="",
            action="test.thing.create",
            object_type="test.thing",
            object_id=str(entry.sequence - 1),
            payload_digest=entry.payload_digest,
            prev_hash=entry.prev_hash,
        )
    head = ledger_head()
    assert (head.size, head.head_hash) == (3, entries[2].entry_hash)
    assert head.root_hash == merkle.merkle_root(merkle_leaves()).hex()


def test_object_and_actor_are_named_and_text_normalised(empty_ledger: None) -> None:
    person = _person()
    with transaction.atomic():
        entry = ledger_append(
            actor=person,
            action=unicodedata.normalize("NFD", " org.person.đổi_tên "),
            obj=person,
            payload={"tên": unicodedata.normalize("NFD", "Hoà"), "at": dt.datetime(2025, 7, 1, tzinfo=dt.UTC)},
        )
    entry.refresh_from_db()
    assert (entry.object_type, entry.object_id) == ("org.person", str(person.pk))
    assert (entry.actor_id, entry.actor_label) == (person.pk, "chuyenvien")
    assert entry.action == "org.person.đổi_tên"
    assert EntryPayload.objects.get(entry=entry).canonical_json == (
        '{"at":"2025-07-01T00:00:00.000000+00:00","tên":"Hoà"}'
    )
    assert EntryPayload.objects.get(entry=entry).data == {"at": "2025-07-01T00:00:00.000000+00:00", "tên": "Hoà"}


def test_explicit_object_fields_win_and_anonymous_is_the_system(empty_ledger: None) -> None:
    person = _person()
    with transaction.atomic():
        entry = ledger_append(
            actor=AnonymousUser(),
            action="x.y",
            obj=person,
            object_type="org.account",
            object_id="u-1",
        )
    assert (entry.object_type, entry.object_id, entry.actor_id, entry.actor_label) == ("org.account", "u-1", None, "")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"action": "  "}, ValueError),
        ({"action": "x" * 101}, ValueError),
        ({"action": "x.y", "payload": ["not", "a", "mapping"]}, TypeError),
        ({"action": "x.y", "payload": {"x": {1, 2}}}, TypeError),
        ({"action": "x.y", "obj": Person(username="unsaved")}, ValueError),
        ({"action": "x.y", "object_id": "9" * 65}, ValueError),
        ({"action": "x.y", "payload": {"x": "a" * 300_000}}, ValueError),
    ],
    ids=[
        "blank-action",
        "long-action",
        "list-payload",
        "set-in-payload",
        "unsaved-obj",
        "long-object-id",
        "huge-payload",
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(
    empty_ledger: None, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with transaction.atomic(), pytest.raises(error):
        ledger_append(actor=None, **kwargs)
    assert not Entry.objects.exists()
    assert not LedgerHead.objects.exists()


def test_entry_rolls_back_with_the_domain_write(fill: Fill) -> None:
    fill(2)
    head = ledger_head()

    def domain_write_that_fails() -> None:
        with transaction.atomic():
            ledger_append(actor=None, action="test.thing.create", object_type="test.thing", object_id=9)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        domain_write_that_fails()
    assert ledger_head() == head
    assert Entry.objects.count() == 2


def test_stored_subtrees_and_past_roots_agree_with_the_recursion(
    fill: Fill, django_assert_max_num_queries: Any
) -> None:
    fill(40)
    leaves = merkle_leaves()
    stored = {(node.level, node.index): node.hash for node in MerkleNode.objects.all()}
    # 40 leaves close the level-4 subtrees 0 and 1 (leaves 0-15, 16-31) and level-5 subtree 0.
    assert set(stored) == {(4, 0), (4, 1), (5, 0)}
    for (level, index), value in stored.items():
        width = 1 << level
        assert value == merkle.merkle_root(leaves[index * width : (index + 1) * width]).hex()
    for size in range(41):
        assert tree_root(size) == merkle.merkle_root(leaves[:size])
    with django_assert_max_num_queries(4):
        assert tree_root(40) == merkle.merkle_root(leaves)


def test_entries_refuse_to_be_changed_or_deleted_through_the_model(fill: Fill) -> None:
    entry = fill(1)[0]
    entry.action = "other"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()


def _zero_key_public() -> bytes:
    return Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_checkpoint_signs_the_head_once_and_again_when_it_grows(fill: Fill) -> None:
    assert checkpoint_sign() is None  # nothing to sign yet
    fill(5)
    checkpoint = checkpoint_sign()
    assert checkpoint is not None
    assert (checkpoint.tree_size, checkpoint.root_hash) == (5, merkle.merkle_root(merkle_leaves()).hex())
    assert checkpoint.key_id == hashlib.sha256(_zero_key_public()).hexdigest()[:16]
    stored = Checkpoint.objects.get()
    root = base64.b64encode(bytes.fromhex(stored.root_hash)).decode()
    message = f"tinhso.33.gov.vn/ledger\n5\n{root}\n"  # the C2SP tlog-checkpoint body
    assert stored.signed_message() == message.encode()
    Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key().verify(
        base64.b64decode(stored.signature), message.encode()
    )  # raises if the signature is wrong
    assert checkpoint_sign() is None
    assert Checkpoint.objects.count() == 1
    fill(1)
    again = checkpoint_sign()
    assert again is not None
    assert again.tree_size == 6
    assert Entry.objects.count() == 6  # signing wrote no ledger entry of its own


def test_checkpoint_refuses_to_sign_a_ledger_that_no_longer_extends_the_last_one(fill: Fill) -> None:
    fill(6)
    checkpoint_sign()
    truncate(keep=4)
    fill(3, action="test.thing.forged")  # the cut tail replaced: size 7, but not the signed 6
    with pytest.raises(LedgerIntegrityError):
        checkpoint_sign()
    assert Checkpoint.objects.count() == 1


def test_checkpoint_refuses_to_sign_a_shortened_ledger(fill: Fill) -> None:
    fill(6)
    checkpoint_sign()
    truncate(keep=4)
    with pytest.raises(LedgerIntegrityError):
        checkpoint_sign()


def test_checkpoint_task_signs_through_the_tasks_backend(fill: Fill) -> None:
    fill(3)
    result = checkpoint_sign_task.enqueue()
    assert result.return_value == 3
    assert Checkpoint.objects.get().tree_size == 3
    assert checkpoint_sign_task.enqueue().return_value is None


def test_payload_erasure_keeps_the_chain_valid_and_is_itself_recorded(fill: Fill) -> None:
    fill(3)
    person = _person("dpo")
    erasure = ledger_payload_erase(sequence=2, actor=person, reason="Yêu cầu số 12/2026")
    assert not EntryPayload.objects.filter(entry__sequence=2).exists()
    assert erasure.sequence is None  # appended; numbered by the sealer
    ledger_seal(sign=False)
    erasure = Entry.objects.get(pk=erasure.pk)
    assert (erasure.sequence, erasure.action, erasure.object_type, erasure.object_id) == (
        4,
        "ledger.payload.erase",
        "ledger.entry",
        "2",
    )
    assert EntryPayload.objects.get(entry=erasure).data == {"reason": "Yêu cầu số 12/2026", "sequence": 2}
    result = ledger_verify()
    assert (result.ok, result.checked) == (True, 4)
    with pytest.raises(ValueError, match="No sealed ledger entry 9"):
        ledger_payload_erase(sequence=9, actor=person, reason="x")


def test_appending_in_groups_makes_the_chain_and_tree_of_appending_one_by_one(empty_ledger: None) -> None:
    """ledger_append_many then the sealer: consecutive sequences in append order, each entry
    linked to the one before (across groups and seal batches too), the same Merkle subtrees
    stored as one-by-one appends would."""
    sizes = [1, 7, 16, 3, 13]  # 40 entries; groups that close level-4 subtrees in their middle
    appended: list[Entry] = []
    for group, size in enumerate(sizes):
        with transaction.atomic():
            appended += ledger_append_many(
                [
                    Record(
                        actor=None,
                        action="test.group",
                        object_type="test.item",
                        object_id=f"{group}-{i}",
                        payload={"group": group, "i": i},
                    )
                    for i in range(size)
                ]
            )
    assert [entry.sequence for entry in appended] == [None] * 40  # appended, not sealed yet
    while ledger_seal(max_batch=7, max_batches=1, sign=False):  # batches that cut across the groups
        pass
    stored = list(Entry.objects.order_by("sequence"))
    assert [entry.sequence for entry in stored] == list(range(1, 41))
    assert [entry.pk for entry in stored] == [entry.pk for entry in appended]
    previous: str | None = GENESIS_HASH
    for entry in stored:
        assert entry.prev_hash == previous
        assert EntryPayload.objects.get(entry=entry).canonical_json == canonical_json(
            {"group": int(entry.object_id.split("-")[0]), "i": int(entry.object_id.split("-")[1])}
        )
        previous = entry.entry_hash
    assert ledger_head().size == 40
    assert ledger_head().head_hash == previous
    leaves = merkle_leaves()
    stored_nodes = {(node.level, node.index): node.hash for node in MerkleNode.objects.all()}
    assert set(stored_nodes) == {(4, 0), (4, 1), (5, 0)}
    for (level, index), value in stored_nodes.items():
        assert value == merkle.merkle_root(leaves[index << level : (index + 1) << level]).hex()
    checkpoint_sign()
    assert ledger_verify().ok


def test_a_group_with_a_bad_record_appends_nothing(empty_ledger: None) -> None:
    with transaction.atomic():
        ledger_append(actor=None, action="test.first")
    head = ledger_head()
    with pytest.raises(ValueError, match="action"), transaction.atomic():
        ledger_append_many([Record(actor=None, action="test.ok"), Record(actor=None, action="  ")])
    assert ledger_head() == head
    assert Entry.objects.count() == 1
