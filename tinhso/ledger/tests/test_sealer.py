"""The sealer: appends without a global lock, one sealer numbers and chains them.

Every committed event is sealed exactly once, in commit order; a sealer that dies half way
leaves nothing half-sealed; a rolled-back write leaves no event; the checkpoints are C2SP
tlog-checkpoint signed notes that an independent verifier (written here from the spec text,
https://c2sp.org/signed-note and https://c2sp.org/tlog-checkpoint, not from our code) accepts.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from tinhso.ledger import merkle
from tinhso.ledger.canonical import GENESIS_HASH
from tinhso.ledger.models import Checkpoint, Entry, EntryPayload, LedgerHead
from tinhso.ledger.selectors import consistency_proof, entry_inclusion_proof, ledger_head, ledger_verify
from tinhso.ledger.services import checkpoint_sign, ledger_append, ledger_seal

from .tamper import wipe_ledger

ORIGIN = "tinhso.33.gov.vn/ledger"


def _append(name: str) -> Entry:
    with transaction.atomic():
        return ledger_append(actor=None, action="test.sealer.write", object_type="test.thing", object_id=name)


def _chain() -> list[tuple[int, str, str, str]]:
    """(sequence, object id, previous hash, hash) of the sealed entries, in chain order."""
    rows = (
        Entry.objects.filter(sequence__isnull=False)
        .order_by("sequence")
        .values_list(
            "sequence",
            "object_id",
            "prev_hash",
            "entry_hash",
        )
    )
    chain = []
    for sequence, object_id, prev_hash, digest in rows:
        assert sequence is not None  # sealed (the filter), so the check constraint set all three
        assert prev_hash is not None
        assert digest is not None
        chain.append((sequence, object_id, prev_hash, digest))
    return chain


def _assert_gapless_chain() -> list[tuple[int, str, str, str]]:
    chain = _chain()
    assert [row[0] for row in chain] == list(range(1, len(chain) + 1))
    assert [row[2] for row in chain] == [GENESIS_HASH] + [row[3] for row in chain[:-1]]
    head = ledger_head()
    assert (head.size, head.head_hash) == (len(chain), chain[-1][3] if chain else GENESIS_HASH)
    return chain


# --- appending and sealing -------------------------------------------------------------------


def test_append_leaves_the_entry_unsealed_and_takes_no_head(empty_ledger: None) -> None:
    entry = _append("a")
    assert (entry.sequence, entry.prev_hash, entry.entry_hash) == (None, None, None)
    assert EntryPayload.objects.filter(entry=entry).exists()
    assert not LedgerHead.objects.exists()  # writers never touch the head
    assert ledger_verify().ok  # a fresh unsealed entry is not a problem


def test_every_committed_event_is_sealed_once_in_commit_order(empty_ledger: None) -> None:
    for name in "abc":
        _append(name)
    assert ledger_seal(sign=False) == 3
    _append("d")
    assert ledger_seal(sign=False) == 1
    assert ledger_seal(sign=False) == 0  # nothing left: sealing again changes nothing
    chain = _assert_gapless_chain()
    assert [row[1] for row in chain] == ["a", "b", "c", "d"]
    assert not Entry.objects.filter(sequence__isnull=True).exists()
    assert ledger_verify().ok


def test_a_rolled_back_write_leaves_no_event(empty_ledger: None) -> None:
    def failing_write() -> None:
        with transaction.atomic():
            ledger_append(actor=None, action="test.sealer.write", object_id="lost")
            raise RuntimeError("the domain write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert not Entry.objects.exists()
    assert not EntryPayload.objects.exists()
    assert ledger_seal(sign=False) == 0


def test_a_sealer_killed_mid_batch_leaves_nothing_half_sealed(empty_ledger: None, monkeypatch: Any) -> None:
    for name in "abcdefgh":
        _append(name)
    real_append = merkle.frontier_append
    calls = {"n": 0}

    def dies_on_the_fifth(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise SystemExit("worker killed")  # four entries were already numbered in memory
        return real_append(*args, **kwargs)

    monkeypatch.setattr(merkle, "frontier_append", dies_on_the_fifth)
    with pytest.raises(SystemExit):
        ledger_seal(sign=False)
    assert Entry.objects.filter(sequence__isnull=True).count() == 8
    assert ledger_head().size == 0

    # Killed after the rows were written, before the transaction ended: all rolled back too.
    monkeypatch.setattr(merkle, "frontier_append", real_append)
    real_save = LedgerHead.save

    def dies_at_the_head(self: LedgerHead, *args: Any, **kwargs: Any) -> None:
        raise SystemExit("worker killed")

    monkeypatch.setattr(LedgerHead, "save", dies_at_the_head)
    with pytest.raises(SystemExit):
        ledger_seal(sign=False)
    assert Entry.objects.filter(sequence__isnull=True).count() == 8
    monkeypatch.setattr(LedgerHead, "save", real_save)

    assert ledger_seal(sign=False) == 8
    assert [row[1] for row in _assert_gapless_chain()] == list("abcdefgh")
    assert ledger_verify().ok


def test_sealing_in_small_batches_gives_the_same_chain(empty_ledger: None) -> None:
    for i in range(20):
        _append(f"{i:02}")
    assert ledger_seal(max_batch=3, sign=False) == 20  # loops until nothing is left
    assert [row[1] for row in _assert_gapless_chain()] == [f"{i:02}" for i in range(20)]
    checkpoint_sign()
    assert ledger_verify().ok


def test_a_half_sealed_row_is_refused_by_the_database(empty_ledger: None) -> None:
    from django.db import IntegrityError

    entry = _append("a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(sequence=1)


def test_proofs_of_sealed_entries_are_rfc9162_proofs(empty_ledger: None) -> None:
    for i in range(21):
        _append(str(i))
    ledger_seal(max_batch=8, sign=False)
    leaves = [merkle.leaf_hash(bytes.fromhex(row[3])) for row in _chain()]
    proof = entry_inclusion_proof(13, 21)
    assert proof.root_hash == merkle.merkle_root(leaves).hex()
    assert merkle.verify_inclusion(
        leaves[12],
        12,
        21,
        [bytes.fromhex(item) for item in proof.audit_path],
        bytes.fromhex(proof.root_hash),
    )
    consistency = consistency_proof(7, 21)
    assert merkle.verify_consistency(
        7,
        21,
        bytes.fromhex(consistency.first_root),
        bytes.fromhex(consistency.second_root),
        [bytes.fromhex(item) for item in consistency.path],
    )


def test_the_sealer_signs_a_checkpoint_when_due(empty_ledger: None, settings: Any) -> None:
    settings.LEDGER_CHECKPOINT_SECONDS = 300
    _append("a")
    ledger_seal()
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [1]  # the first one at once
    _append("b")
    ledger_seal()
    assert Checkpoint.objects.count() == 1  # not due yet
    Checkpoint.objects.update(signed_at=timezone.now() - dt.timedelta(seconds=301))
    ledger_seal()
    assert list(Checkpoint.objects.order_by("tree_size").values_list("tree_size", flat=True)) == [1, 2]
    assert ledger_verify().ok


def test_verify_reports_entries_waiting_longer_than_the_merge_delay(empty_ledger: None, settings: Any) -> None:
    _append("a")
    ledger_seal(sign=False)
    _append("late")
    Entry.objects.filter(sequence__isnull=True).update(
        recorded_at=timezone.now() - dt.timedelta(seconds=settings.LEDGER_MAX_MERGE_DELAY_SECONDS + 60)
    )
    result = ledger_verify()
    assert (result.ok, result.checked, result.unsealed) == (False, 1, 1)
    assert result.oldest_unsealed_age_seconds is not None
    assert "chưa được niêm phong" in result.reason
    ledger_seal(sign=False)
    result = ledger_verify()
    assert (result.ok, result.checked, result.unsealed) == (True, 2, 0)


def test_tampering_with_a_sealed_entry_is_still_caught(empty_ledger: None) -> None:
    for name in "abcd":
        _append(name)
    ledger_seal(sign=False)
    Entry.objects.filter(sequence=3).update(object_id="forged")
    result = ledger_verify()
    assert (result.ok, result.first_bad_sequence) == (False, 3)


# --- C2SP checkpoints, checked by an independent verifier -----------------------------------


class NoteError(Exception):
    pass


def _vkey(name: str, public: bytes) -> str:
    """A verifier key as Go's sumdb/note writes it: name+hex(key hash)+base64(0x01 || key)."""
    key_hash = hashlib.sha256(name.encode() + b"\n" + b"\x01" + public).digest()[:4]
    encoded = base64.b64encode(b"\x01" + public).decode()
    return f"{name}+{key_hash.hex()}+{encoded}"


def verify_checkpoint_note(text: str, vkey: str) -> tuple[str, int, bytes]:
    """Verify a signed note against one verifier key, then parse its checkpoint body.

    From the specs: the note is UTF-8 text ending in a newline; the body is everything up to
    and including the newline before the last blank line; each signature line is
    "\u2014 <name> <base64(4-byte key hash || signature)>"; the key hash is the first 4 bytes of
    SHA-256(name || "\\n" || 0x01 || public key); the Ed25519 signature is over the body bytes.
    The checkpoint body is origin, decimal tree size, base64 root hash, one per line.
    """
    name, key_hash_hex, encoded = vkey.split("+")
    raw = base64.b64decode(encoded)
    if raw[0] != 1 or len(raw) != 33:
        raise NoteError("not an Ed25519 verifier key")
    public = Ed25519PublicKey.from_public_bytes(raw[1:])
    if hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4] != bytes.fromhex(key_hash_hex):
        raise NoteError("verifier key hash does not match")
    if not text.endswith("\n"):
        raise NoteError("a note ends with a newline")
    split = text.rfind("\n\n")
    if split < 0:
        raise NoteError("no blank line before the signatures")
    body, signatures = text[: split + 1], text[split + 2 :]
    verified = False
    for line in signatures.splitlines():
        if not line.startswith("\u2014 "):
            raise NoteError(f"malformed signature line {line!r}")
        signer, _, blob = line[2:].rpartition(" ")
        data = base64.b64decode(blob, validate=True)
        if signer != name or data[:4] != bytes.fromhex(key_hash_hex):
            continue  # a signature by another key (a witness, say)
        try:
            public.verify(data[4:], body.encode())
        except InvalidSignature:
            raise NoteError("bad signature") from None
        verified = True
    if not verified:
        raise NoteError("no signature by the verifier key")
    lines = body.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise NoteError("not a checkpoint body")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise NoteError("root hash is not 32 bytes")
    return lines[0], int(lines[1]), root


def _zero_key_public() -> bytes:
    # config/settings_test.py signs with the all-zero seed.
    return Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_the_checkpoint_is_a_signed_note_standard_tools_verify(empty_ledger: None) -> None:
    client = Client()
    assert client.get("/api/ledger/checkpoint").status_code == 404
    for i in range(9):
        _append(str(i))
    ledger_seal()  # signs the first checkpoint
    response = client.get("/api/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    origin, size, root = verify_checkpoint_note(text, _vkey(ORIGIN, _zero_key_public()))
    leaves = [merkle.leaf_hash(bytes.fromhex(row[3])) for row in _chain()]
    assert (origin, size, root) == (ORIGIN, 9, merkle.merkle_root(leaves))
    # The JSON API carries the same note.
    assert client.get("/api/ledger/checkpoints/latest/").json()["note"] == text


@pytest.mark.parametrize("where", ["origin", "size", "root", "signature", "key hash"])
def test_a_checkpoint_changed_by_one_byte_fails_verification(empty_ledger: None, where: str) -> None:
    for i in range(3):
        _append(str(i))
    ledger_seal()
    text = Client().get("/api/ledger/checkpoint").content.decode()
    body, signature_line = text.split("\n\n")
    lines = body.split("\n")
    if where == "origin":
        lines[0] = lines[0].replace("tinhso", "tinhsa")
    elif where == "size":
        lines[1] = "4"
    elif where == "root":
        raw = bytearray(base64.b64decode(lines[2]))
        raw[0] ^= 1
        lines[2] = base64.b64encode(bytes(raw)).decode()
    prefix, blob = signature_line.rstrip("\n").rsplit(" ", 1)
    data = bytearray(base64.b64decode(blob))
    if where == "signature":
        data[10] ^= 1
    elif where == "key hash":
        data[0] ^= 1
    forged = "\n".join(lines) + "\n\n" + prefix + " " + base64.b64encode(bytes(data)).decode() + "\n"
    assert forged != text
    with pytest.raises(NoteError):
        verify_checkpoint_note(forged, _vkey(ORIGIN, _zero_key_public()))


def test_a_legacy_checkpoint_still_verifies(fill: Any) -> None:
    """Checkpoints signed before the C2SP format (empty origin) keep their own message."""
    fill(4)
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    signed_at = timezone.now()
    root = ledger_head().root_hash
    message = Checkpoint.message(4, root, signed_at.astimezone(dt.UTC).isoformat(timespec="microseconds"))
    Checkpoint.objects.create(
        tree_size=4,
        root_hash=root,
        signed_at=signed_at,
        key_id=hashlib.sha256(_zero_key_public()).hexdigest()[:16],
        signature=base64.b64encode(key.sign(message)).decode(),
    )
    result = ledger_verify()
    assert (result.ok, result.checkpoints_checked) == (True, 1)


# --- PostgreSQL: real concurrency ----------------------------------------------------------


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and real concurrent connections")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_sealer_returns_at_once_while_one_seals() -> None:
    _postgres_only()
    wipe_ledger()
    _append("a")
    assert ledger_seal(sign=False) == 1  # the head row exists from the first run on
    _append("b")
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first_sealer() -> None:
        try:
            with transaction.atomic():
                LedgerHead.objects.select_for_update().get(pk=LedgerHead.SINGLETON_PK)  # the sealer lock
                holding.set()
                release.wait(30)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=first_sealer)
    thread.start()
    assert holding.wait(30)
    started = timezone.now()
    assert ledger_seal(sign=False) == 0  # skip_locked: no waiting
    assert timezone.now() - started < dt.timedelta(seconds=5)
    release.set()
    thread.join(30)
    assert not errors, errors
    assert ledger_seal(sign=False) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_long_transaction_with_a_lower_id_is_sealed_later_not_skipped() -> None:
    """Ids are drawn at insert, not commit: an early insert that commits late must still be
    sealed (after what committed before it), never skipped by a high-water mark."""
    _postgres_only()
    wipe_ledger()
    inserted, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    long_id: list[int] = []

    def long_writer() -> None:
        try:
            with transaction.atomic():
                long_id.append(ledger_append(actor=None, action="test.sealer.write", object_id="long").pk)
                inserted.set()
                release.wait(30)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=long_writer)
    thread.start()
    assert inserted.wait(30)
    short = _append("short")
    assert short.pk > long_id[0]
    assert ledger_seal(sign=False) == 1  # only what is committed
    release.set()
    thread.join(30)
    assert not errors, errors
    assert ledger_seal(sign=False) == 1
    assert [row[1] for row in _assert_gapless_chain()] == ["short", "long"]  # commit order
    assert ledger_verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_and_several_sealers_at_once_make_one_gapless_chain() -> None:
    _postgres_only()
    wipe_ledger()
    writers, sealers, per_writer = 6, 3, 30
    barrier = threading.Barrier(writers + sealers)
    done = threading.Event()
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                _append(f"{number}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def sealer() -> None:
        try:
            barrier.wait()
            while not done.is_set():
                ledger_seal(max_batch=7)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    seal_threads = [threading.Thread(target=sealer) for _ in range(sealers)]
    for thread in threads + seal_threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    for thread in seal_threads:
        thread.join(120)
    assert not errors, errors
    ledger_seal()
    chain = _assert_gapless_chain()
    assert len(chain) == writers * per_writer
    assert len({row[1] for row in chain}) == writers * per_writer  # each event sealed exactly once
    for number in range(writers):  # each writer's events in its own (commit) order
        mine = [row[1] for row in chain if row[1].startswith(f"{number}-")]
        assert mine == [f"{number}-{i}" for i in range(per_writer)]
    checkpoint_sign()
    result = ledger_verify()
    assert (result.ok, result.checked) == (True, writers * per_writer), result.reason


def test_commands_tell_a_late_seal_from_tampering_and_seal_on_demand(empty_ledger: None, settings: Any) -> None:
    """With no worker running, ``ledger_verify`` says the events wait to be sealed (not that the
    ledger was altered) and names the way out; ``ledger_seal`` seals them and verify passes."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    _append("late")
    Entry.objects.update(
        recorded_at=timezone.now() - dt.timedelta(seconds=settings.LEDGER_MAX_MERGE_DELAY_SECONDS + 60)
    )
    with pytest.raises(CommandError) as refused:
        call_command("ledger_verify", stdout=StringIO())
    assert "CHƯA ĐƯỢC NIÊM PHONG KỊP" in str(refused.value)
    assert "SAI LỆCH" not in str(refused.value)
    assert "ledger_seal" in str(refused.value)
    out = StringIO()
    call_command("ledger_seal", stdout=out)
    assert "Đã niêm phong 1 mục sổ cái." in out.getvalue()
    assert Entry.objects.filter(sequence__isnull=True).count() == 0
    call_command("ledger_verify", stdout=StringIO())  # exits 0 now
