"""Reads of the ledger: its head, Merkle proofs, the latest checkpoint, and full verification."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import models
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import DomainError, NotFound

from . import merkle
from .canonical import GENESIS_HASH, entry_hash, payload_digest
from .keys import key_id_of, raw_public_key, trusted_public_keys
from .models import Checkpoint, Entry, LedgerHead, MerkleNode

VERIFY_CHUNK_SIZE = 2000

# The entry that records a payload erasure (``services.ledger_payload_erase``): its hashed
# ``object_type`` and ``object_id`` name the erased entry, so the record survives even if its
# own payload is erased later.
ERASE_ACTION = "ledger.payload.erase"
ERASE_OBJECT_TYPE = "ledger.entry"


class LedgerIntegrityError(RuntimeError):
    """The stored ledger contradicts itself (a proof or a root cannot be computed honestly)."""


@dataclass(frozen=True)
class HeadInfo:
    size: int
    head_hash: str
    root_hash: str


@dataclass(frozen=True)
class InclusionProof:
    sequence: int
    leaf_index: int
    tree_size: int
    entry_hash: str
    leaf_hash: str
    audit_path: list[str]
    root_hash: str


@dataclass(frozen=True)
class ConsistencyProof:
    first_size: int
    second_size: int
    first_root: str
    second_root: str
    path: list[str]


@dataclass(frozen=True)
class CheckpointInfo:
    tree_size: int
    root_hash: str
    signed_at: dt.datetime
    signature: str
    key_id: str
    public_key: str  # base64 of the raw 32-byte Ed25519 key; empty if the key is no longer trusted
    message: str  # the exact signed text (UTF-8/ASCII), so a verifier need not rebuild it
    origin: str = ""  # the log's name (C2SP tlog-checkpoint); empty for a legacy checkpoint
    note: str = ""  # the C2SP signed note; empty for a legacy checkpoint or an untrusted key


@dataclass(frozen=True)
class SealStatus:
    """How far the sealer lags: the entries appended but not yet in the chain."""

    unsealed: int
    oldest_unsealed_age_seconds: float | None
    max_merge_delay_seconds: int

    @property
    def ok(self) -> bool:
        age = self.oldest_unsealed_age_seconds
        return age is None or age <= self.max_merge_delay_seconds


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_sequence: int | None
    reason: str
    head_size: int = 0
    root_hash: str = merkle.EMPTY_ROOT.hex()
    checkpoints_checked: int = 0
    latest_checkpoint_size: int | None = None
    unsealed: int = 0
    oldest_unsealed_age_seconds: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _head_row() -> LedgerHead:
    return LedgerHead.objects.filter(pk=LedgerHead.SINGLETON_PK).first() or LedgerHead()


def ledger_head() -> HeadInfo:
    """Where the ledger ends, in O(log n): an empty ledger reads as size 0 over the genesis hash."""
    head = _head_row()
    frontier = [bytes.fromhex(item) for item in head.frontier]
    return HeadInfo(size=head.size, head_hash=head.head_hash, root_hash=merkle.frontier_root(frontier).hex())


def seal_status() -> SealStatus:
    """Entries waiting for the sealer, and the age of the oldest (by its ``recorded_at``)."""
    found = Entry.objects.filter(sequence__isnull=True).aggregate(count=models.Count("id"), oldest=Min("recorded_at"))
    age = (timezone.now() - found["oldest"]).total_seconds() if found["oldest"] is not None else None
    return SealStatus(
        unsealed=found["count"],
        oldest_unsealed_age_seconds=age,
        max_merge_delay_seconds=settings.LEDGER_MAX_MERGE_DELAY_SECONDS,
    )


def latest_checkpoint_note() -> str | None:
    """The latest checkpoint as a C2SP signed note, None if there is none in that format yet."""
    checkpoint = Checkpoint.objects.exclude(origin="").order_by("-tree_size", "-signed_at").first()
    if checkpoint is None:
        return None
    key = trusted_public_keys().get(checkpoint.key_id)
    return checkpoint.note(raw_public_key(key)) if key is not None else None


class _StoredTree:
    """``root_of(start, end)`` over the database: stored subtree roots where they exist,
    entry hashes for the small subtrees below ``MerkleNode.STORED_MIN_LEVEL``."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], bytes] = {}

    def _leaves(self, start: int, end: int) -> list[bytes]:
        rows = list(
            Entry.objects.filter(sequence__gt=start, sequence__lte=end)
            .order_by("sequence")
            .values_list("sequence", "entry_hash")
        )
        if [sequence for sequence, _ in rows] != list(range(start + 1, end + 1)):
            raise LedgerIntegrityError(f"Ledger entries {start + 1}..{end} are not all present.")
        hashes = [value for _, value in rows if value is not None]
        if len(hashes) != len(rows):  # numbered without a hash: the check constraint was got round
            raise LedgerIntegrityError(f"An entry hash in {start + 1}..{end} is missing.")
        try:
            return [merkle.leaf_hash(bytes.fromhex(value)) for value in hashes]
        except ValueError:
            raise LedgerIntegrityError(f"An entry hash in {start + 1}..{end} is not hex.") from None

    def root_of(self, start: int, end: int) -> bytes:
        if (start, end) not in self._cache:
            self._cache[start, end] = self._compute(start, end)
        return self._cache[start, end]

    def _compute(self, start: int, end: int) -> bytes:
        size = end - start
        if size == 0:
            return merkle.EMPTY_ROOT
        if size & (size - 1) == 0 and start % size == 0:
            level = size.bit_length() - 1
            if level >= MerkleNode.STORED_MIN_LEVEL:
                stored = (
                    MerkleNode.objects.filter(level=level, index=start >> level).values_list("hash", flat=True).first()
                )
                if stored is not None:
                    return bytes.fromhex(stored)
        if size <= 1 << MerkleNode.STORED_MIN_LEVEL:
            return merkle.merkle_root(self._leaves(start, end))
        k = merkle.split_point(size)
        return merkle.node_hash(self.root_of(start, start + k), self.root_of(start + k, end))


def tree_root(size: int) -> bytes:
    """Merkle root of the first ``size`` entries (a past state of the ledger), O(log² n) reads."""
    return _StoredTree().root_of(0, size)


def _tree_size_or_error(tree_size: int | None, head_size: int, *, field_name: str) -> int:
    if tree_size is None:
        tree_size = head_size
    if tree_size < 1 or tree_size > head_size:
        # Below 1 is malformed (400); a tree larger than the ledger does not exist yet (404).
        raise (DomainError if tree_size < 1 else NotFound)(
            _("Kích thước cây phải từ 1 đến %(size)s (số mục hiện có của sổ cái).") % {"size": head_size},
            field=field_name,
            code="invalid_tree_size",
        )
    return tree_size


def entry_inclusion_proof(sequence: int, tree_size: int | None = None) -> InclusionProof:
    """Audit path proving entry ``sequence`` is leaf ``sequence - 1`` of the tree of ``tree_size``
    (default: the whole ledger now). Verify with :func:`merkle.verify_inclusion`."""
    head = _head_row()
    if head.size == 0:
        raise NotFound(_("Sổ cái chưa có mục nào."), code="empty_ledger")
    tree_size = _tree_size_or_error(tree_size, head.size, field_name="tree_size")
    if sequence < 1 or sequence > tree_size:
        raise (DomainError if sequence < 1 else NotFound)(
            _("Số thứ tự mục phải từ 1 đến %(size)s.") % {"size": tree_size},
            field="sequence",
            code="invalid_sequence",
        )
    entry_hex = Entry.objects.filter(sequence=sequence).values_list("entry_hash", flat=True).first()
    if entry_hex is None:
        raise LedgerIntegrityError(f"Ledger entry {sequence} is missing.")
    tree = _StoredTree()
    path = merkle.inclusion_path(sequence - 1, tree_size, tree.root_of)
    return InclusionProof(
        sequence=sequence,
        leaf_index=sequence - 1,
        tree_size=tree_size,
        entry_hash=entry_hex,
        leaf_hash=merkle.leaf_hash(bytes.fromhex(entry_hex)).hex(),
        audit_path=[item.hex() for item in path],
        root_hash=tree.root_of(0, tree_size).hex(),
    )


def consistency_proof(first: int, second: int) -> ConsistencyProof:
    """Proof that the ledger of ``second`` entries extends the one of ``first`` entries
    unchanged. Verify with :func:`merkle.verify_consistency`."""
    head = _head_row()
    if head.size == 0:
        raise NotFound(_("Sổ cái chưa có mục nào."), code="empty_ledger")
    second = _tree_size_or_error(second, head.size, field_name="second")
    if first < 1 or first > second:
        raise (DomainError if first < 1 else NotFound)(
            _("Kích thước đầu phải từ 1 đến kích thước sau (%(second)s).") % {"second": second},
            field="first",
            code="invalid_tree_size",
        )
    tree = _StoredTree()
    path = merkle.consistency_path(first, second, tree.root_of)
    return ConsistencyProof(
        first_size=first,
        second_size=second,
        first_root=tree.root_of(0, first).hex(),
        second_root=tree.root_of(0, second).hex(),
        path=[item.hex() for item in path],
    )


def latest_checkpoint() -> CheckpointInfo | None:
    checkpoint = Checkpoint.objects.order_by("-tree_size", "-signed_at").first()
    if checkpoint is None:
        return None
    keys = trusted_public_keys()
    key = keys.get(checkpoint.key_id)
    return CheckpointInfo(
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash,
        signed_at=checkpoint.signed_at,
        signature=checkpoint.signature,
        key_id=checkpoint.key_id,
        public_key=base64.b64encode(raw_public_key(key)).decode() if key is not None else "",
        message=checkpoint.signed_message().decode("utf-8"),
        origin=checkpoint.origin,
        note=checkpoint.note(raw_public_key(key)) if key is not None and checkpoint.origin else "",
    )


def checkpoint_signature_valid(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey] | None = None) -> bool:
    """Is the checkpoint signed by a trusted key (the configured one, or a listed old one)?"""
    keys = trusted_public_keys() if keys is None else keys
    key = keys.get(checkpoint.key_id)
    if key is None or key_id_of(key) != checkpoint.key_id:
        return False
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.signed_message())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _erased_sequence(object_id: str) -> int | None:
    return int(object_id) if object_id.isascii() and object_id.isdigit() else None


class _Verifier:
    """One pass over the ledger; stops at the first problem, which it names.

    Checkpoints are read before the head, and the head before the entries: heads only grow
    and a checkpoint never exceeds the head it was signed from, so concurrent appends and
    signings cannot be mistaken for tampering, while a signed size beyond the head can only
    mean the tail was cut.
    """

    def __init__(self, chunk_size: int) -> None:
        self.chunk_size = chunk_size
        self.keys = trusted_public_keys()
        self.frontier: list[bytes] = []
        self.checked = 0
        self.checkpoints_checked = 0
        self.last_good_checkpoint_size = 0
        self.latest_checkpoint_size: int | None = None
        # Entries whose payload is missing, and entries an erasure recorded later in the chain.
        self.missing_payloads: list[int] = []
        self.erased: set[int] = set()
        self.checkpoints: Iterator[Checkpoint] = Checkpoint.objects.order_by("tree_size", "signed_at", "pk").iterator(
            chunk_size=chunk_size
        )
        # Runs the checkpoint query now, before the head is read (see the class docstring).
        self.pending: Checkpoint | None = next(self.checkpoints, None)
        self.head = _head_row()
        self.seal_status: SealStatus | None = None

    def result(self, *, bad: int | None = None, reason: str | None = None, ok: bool = False) -> VerifyResult:
        status = self.seal_status or seal_status()
        return VerifyResult(
            unsealed=status.unsealed,
            oldest_unsealed_age_seconds=status.oldest_unsealed_age_seconds,
            ok=ok,
            checked=self.checked,
            first_bad_sequence=bad,
            reason=reason or "",
            head_size=self.head.size,
            root_hash=merkle.frontier_root(self.frontier).hex(),
            checkpoints_checked=self.checkpoints_checked,
            latest_checkpoint_size=self.latest_checkpoint_size,
        )

    def _checkpoint_problem(self, checkpoint: Checkpoint) -> VerifyResult | None:
        """Check ``checkpoint`` against the tree as verified so far (of its size)."""
        self.latest_checkpoint_size = checkpoint.tree_size
        when = checkpoint.signed_at.isoformat()
        if not checkpoint_signature_valid(checkpoint, self.keys):
            return self.result(
                reason=_("Điểm kiểm tra %(size)s mục ký lúc %(when)s: chữ ký không hợp lệ.")
                % {"size": checkpoint.tree_size, "when": when},
            )
        root = merkle.frontier_root(self.frontier).hex()
        if root != checkpoint.root_hash:
            first = self.last_good_checkpoint_size + 1
            return self.result(
                bad=first,
                reason=_(
                    "Gốc Merkle của %(size)s mục đầu không khớp điểm kiểm tra đã ký lúc %(when)s: "
                    "các mục từ số %(first)s đến số %(size)s đã bị thay đổi."
                )
                % {"size": checkpoint.tree_size, "when": when, "first": first},
            )
        self.checkpoints_checked += 1
        self.last_good_checkpoint_size = checkpoint.tree_size
        return None

    def _due_checkpoints(self) -> VerifyResult | None:
        while self.pending is not None and self.pending.tree_size <= self.checked:
            problem = self._checkpoint_problem(self.pending)
            if problem is not None:
                return problem
            self.pending = next(self.checkpoints, None)
        return None

    def _unrecorded_erasure(self) -> int | None:
        """The first entry whose payload is missing with no erasure recorded after it.

        An erasure that committed after the head was read (its entry lies beyond the head
        verified here) still counts when the head now includes it, and so does one appended
        but not sealed yet.
        """
        missing = [item for item in self.missing_payloads if item not in self.erased]
        if not missing:
            return None
        later = Entry.objects.filter(
            models.Q(sequence__gt=self.head.size, sequence__lte=_head_row().size) | models.Q(sequence__isnull=True),
            action=ERASE_ACTION,
            object_type=ERASE_OBJECT_TYPE,
            object_id__in=[str(item) for item in missing],
        ).values_list("object_id", flat=True)
        erased_later = {_erased_sequence(object_id) for object_id in later}
        return next((item for item in missing if item not in erased_later), None)

    def run(self) -> VerifyResult:
        problem = self._due_checkpoints()  # a checkpoint of size 0, if anyone made one
        if problem is not None:
            return problem
        expected_prev = GENESIS_HASH
        rows = (
            Entry.objects.filter(sequence__lte=self.head.size)
            .order_by("sequence")
            .values_list(
                "sequence",
                "recorded_at",
                "actor_id",
                "actor_label",
                "action",
                "object_type",
                "object_id",
                "payload_digest",
                "prev_hash",
                "entry_hash",
                "payload__canonical_json",
            )
            .iterator(chunk_size=self.chunk_size)
        )
        for (
            sequence,
            recorded_at,
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            digest,
            prev_hash,
            stored_hash,
            payload_text,
        ) in rows:
            expected = self.checked + 1
            if sequence != expected:
                return self.result(
                    bad=expected,
                    reason=_("Mục số %(sequence)s bị thiếu (đã bị xoá hoặc đánh lại số thứ tự).")
                    % {"sequence": expected},
                )
            # A numbered entry without a previous hash (written round the check constraint) is
            # one no sealer hashed: it matches nothing, as a rewritten entry would not.
            recomputed = None
            if prev_hash is not None:
                recomputed = entry_hash(
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
            if recomputed is None or recomputed != stored_hash:
                return self.result(
                    bad=sequence,
                    reason=_("Mục số %(sequence)s: mã băm không khớp nội dung của mục.") % {"sequence": sequence},
                )
            if prev_hash != expected_prev:
                # Both entries hash correctly on their own, so one of them was rewritten
                # whole; the earlier one is the one whose recorded hash the chain no longer has.
                bad = max(sequence - 1, 1)
                return self.result(
                    bad=bad,
                    reason=_("Mục số %(bad)s: mã băm không khớp với mã băm mục trước mà mục số %(next)s ghi nhận.")
                    % {"bad": bad, "next": sequence},
                )
            if payload_text is None:
                self.missing_payloads.append(sequence)
            elif payload_digest(payload_text) != digest:
                return self.result(
                    bad=sequence,
                    reason=_("Mục số %(sequence)s: nội dung không khớp mã băm đã ghi.") % {"sequence": sequence},
                )
            if action == ERASE_ACTION and object_type == ERASE_OBJECT_TYPE:
                erased = _erased_sequence(object_id)
                if erased is not None and erased < sequence:
                    self.erased.add(erased)
            self.frontier, _completed = merkle.frontier_append(
                self.frontier, self.checked, merkle.leaf_hash(bytes.fromhex(stored_hash))
            )
            self.checked = sequence
            expected_prev = stored_hash
            problem = self._due_checkpoints()
            if problem is not None:
                return problem

        if self.pending is not None:
            # A signed checkpoint claims more entries than there are.
            if not checkpoint_signature_valid(self.pending, self.keys):
                problem = self._checkpoint_problem(self.pending)
                assert problem is not None  # an invalid signature is always one
                return problem
            self.latest_checkpoint_size = self.pending.tree_size
            return self.result(
                bad=self.checked + 1,
                reason=_(
                    "Điểm kiểm tra đã ký lúc %(when)s ghi nhận %(claimed)s mục nhưng sổ cái chỉ còn %(size)s "
                    "mục: các mục từ số %(first)s đã bị cắt bỏ."
                )
                % {
                    "when": self.pending.signed_at.isoformat(),
                    "claimed": self.pending.tree_size,
                    "size": self.checked,
                    "first": self.checked + 1,
                },
            )
        if self.checked < self.head.size:
            return self.result(
                bad=self.checked + 1,
                reason=_("Đầu sổ cái ghi nhận %(head)s mục nhưng chỉ còn %(size)s: mục số %(first)s bị mất.")
                % {"head": self.head.size, "size": self.checked, "first": self.checked + 1},
            )
        if self.head.head_hash != expected_prev:
            return self.result(
                bad=self.checked or None,
                reason=_("Mã băm ở đầu sổ cái không khớp mục cuối (mục số %(size)s).") % {"size": self.checked},
            )
        try:
            head_root = merkle.frontier_root([bytes.fromhex(item) for item in self.head.frontier])
        except (TypeError, ValueError):
            head_root = b""
        if len(self.head.frontier) != self.checked.bit_count() or head_root != merkle.frontier_root(self.frontier):
            return self.result(reason=_("Biên cây Merkle lưu ở đầu sổ cái không khớp các mục."))
        beyond = Entry.objects.filter(sequence__gt=self.head.size).aggregate(top=Max("sequence"))["top"]
        if beyond is not None:
            fresh = _head_row()  # a concurrent append commits its entry and the head together
            if beyond > fresh.size:
                return self.result(
                    bad=fresh.size + 1,
                    reason=_("Có mục từ số %(first)s nằm ngoài đầu sổ cái (đầu sổ cái đã bị lùi lại).")
                    % {"first": fresh.size + 1},
                )
        unrecorded = self._unrecorded_erasure()
        if unrecorded is not None:
            return self.result(
                bad=unrecorded,
                reason=_(
                    "Mục số %(sequence)s: nội dung đã bị xoá nhưng sổ cái không có mục ghi nhận việc xoá "
                    "(ledger.payload.erase)."
                )
                % {"sequence": unrecorded},
            )
        self.seal_status = seal_status()
        if not self.seal_status.ok:
            # Not tampering, but the log broke its promise (RFC 6962's maximum merge delay):
            # the sealer is down or stuck, and those events are not yet covered by any proof.
            return self.result(
                reason=_(
                    "Có %(count)s mục chưa được niêm phong (ghi sổ) sau quá %(delay)s giây: mục cũ nhất đã chờ "
                    "%(age)s giây. Tiến trình niêm phong sổ cái có thể đã ngừng."
                )
                % {
                    "count": self.seal_status.unsealed,
                    "delay": self.seal_status.max_merge_delay_seconds,
                    "age": int(self.seal_status.oldest_unsealed_age_seconds or 0),
                },
            )
        return self.result(
            ok=True,
            reason=_("Sổ cái toàn vẹn: đã kiểm tra %(size)s mục và %(checkpoints)s điểm kiểm tra đã ký.")
            % {"size": self.checked, "checkpoints": self.checkpoints_checked},
        )


def ledger_verify(*, chunk_size: int = VERIFY_CHUNK_SIZE) -> VerifyResult:
    """Check the whole ledger from the entries up, trusting nothing stored but the signatures.

    Streams the entries in order (memory stays flat), recomputes every hash and link, checks
    sequences run 1..n without a gap (catches deletion and reordering), checks each present
    payload against its digest, checks that every missing payload was erased on the record (a
    later ``ledger.payload.erase`` entry names it; a payload deleted any other way is damage),
    checks the head row, and checks every checkpoint: trusted signature, and the Merkle root recomputed at
    its size. The checkpoints are what catch a cut tail, which leaves a valid shorter chain.
    The result names the first entry that cannot be trusted. Entries not sealed yet are not
    part of the chain and are only counted, but one waiting longer than the maximum merge
    delay (``LEDGER_MAX_MERGE_DELAY_SECONDS``) fails the verification.
    """
    return _Verifier(chunk_size).run()
