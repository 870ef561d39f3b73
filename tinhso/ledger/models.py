"""The audit ledger: one append-only, hash-chained list of every write on the platform.

Each :class:`Entry` carries the hash of the one before it (``prev_hash``) and its own hash
over all its fields (``entry_hash``, see :mod:`tinhso.ledger.canonical` for the exact bytes),
so changing, removing or reordering any entry breaks the chain from there on. The entry
hashes are also the leaves of an RFC 6962 Merkle tree; :class:`Checkpoint` rows sign its root
at a given size, which is what catches a cut-off tail (a chain that was simply shortened is
still a valid chain), and lets anyone check with a short proof that an entry is in the log
or that today's log extends yesterday's.

Only the *digest* of an event's payload is chained; the payload itself lives in
:class:`EntryPayload` so that personal data can be erased on request (Law 91/2025/QH15 on
personal data protection) without breaking any hash. An erasure is itself an entry
(``ledger.payload.erase``) naming the erased one; a payload missing without it is damage.

An entry is written in two steps. :func:`tinhso.ledger.services.ledger_append` inserts it
*unsealed* in the writer's own transaction: everything it says (who, what, when, the payload
digest) is fixed then, but it has no ``sequence``, ``prev_hash`` or ``entry_hash`` yet. The one
sealer (:func:`tinhso.ledger.services.ledger_seal`) later gives it its place in the chain, all
three at once (a check constraint refuses half-sealed rows), and never again. The models refuse
``save()`` on an existing entry and ``delete()``, which guards honest code, not an attacker
with database access (the chain and the signed checkpoints are there for that).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .canonical import GENESIS_HASH, canonical_value


class Entry(models.Model):
    # The three chain fields are None until the sealer fills them (see the module docstring).
    sequence = models.PositiveBigIntegerField(_("số thứ tự"), unique=True, null=True, blank=True)
    recorded_at = models.DateTimeField(_("thời điểm ghi"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    actor_label = models.CharField(_("tên đăng nhập người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=100)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    payload_digest = models.CharField(_("mã băm nội dung"), max_length=64)
    prev_hash = models.CharField(_("mã băm mục trước"), max_length=64, null=True, blank=True)
    entry_hash = models.CharField(_("mã băm"), max_length=64, null=True, blank=True)  # unique: see Meta.constraints

    class Meta:
        verbose_name = _("mục sổ cái")
        verbose_name_plural = _("mục sổ cái")
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="ledger_entry_object"),
            # What the sealer and /healthz look for (the unsealed rows, their oldest): small, since
            # entries stay unsealed for seconds; the sealer sorts the few it finds by id.
            models.Index(
                fields=["recorded_at"],
                condition=models.Q(sequence__isnull=True),
                name="ledger_entry_unsealed",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="ledger_entry_sequence_positive"),
            # A constraint, not unique=True: no second "LIKE prefix" index on PostgreSQL.
            models.UniqueConstraint(fields=["entry_hash"], name="ledger_entry_hash_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(sequence__isnull=True, prev_hash__isnull=True, entry_hash__isnull=True)
                    | models.Q(sequence__isnull=False, prev_hash__isnull=False, entry_hash__isnull=False)
                ),
                name="ledger_entry_sealed_whole",
            ),
        ]

    def __str__(self) -> str:
        place = f"#{self.sequence}" if self.sequence is not None else "#-"
        return f"{place} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("Ledger entries are append-only; an entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Ledger entries are append-only; an entry cannot be deleted.")

    @property
    def sealed(self) -> bool:
        return self.sequence is not None


class EntryPayload(models.Model):
    """The payload of an entry, as the exact canonical JSON text that was digested.

    Kept as text rather than a JSONField on purpose: PostgreSQL's jsonb re-spells numbers and
    reorders keys, and re-serialising what comes back would not always give the digested
    bytes. Deleting this row is how a payload is erased (``ledger_payload_erase``).
    """

    entry = models.OneToOneField(
        Entry,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="payload",
        verbose_name=_("mục"),
    )
    canonical_json = models.TextField(_("nội dung (JSON chuẩn hoá)"))

    class Meta:
        verbose_name = _("nội dung mục sổ cái")
        verbose_name_plural = _("nội dung mục sổ cái")

    def __str__(self) -> str:
        return f"#{self.entry_id}"

    @property
    def data(self) -> Any:
        return json.loads(self.canonical_json)


class LedgerHead(models.Model):
    """The single row (pk=1) that says where the ledger ends.

    Only the sealer writes it, under its lock (``SELECT … FOR UPDATE SKIP LOCKED``), so there is
    one sealer at a time and the chain can never fork; writers never touch it. ``frontier``
    holds the roots of the complete subtrees on the right edge of the Merkle tree (hex,
    biggest first), enough to get the root in O(log n).
    """

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK)
    size = models.PositiveBigIntegerField(_("số mục"), default=0)
    head_hash = models.CharField(_("mã băm mục cuối"), max_length=64, default=GENESIS_HASH)
    frontier = models.JSONField(_("biên phải cây Merkle"), default=list, blank=True)

    class Meta:
        verbose_name = _("đầu sổ cái")
        verbose_name_plural = _("đầu sổ cái")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="ledger_head_singleton")]

    def __str__(self) -> str:
        return f"{self.size} {self.head_hash[:12]}"


class MerkleNode(models.Model):
    """Stored roots of complete subtrees (``2**level`` leaves from ``index * 2**level``).

    They make proofs and roots at any past size cost O(log² n) small reads instead of a scan
    of the whole ledger. Only levels from ``STORED_MIN_LEVEL`` up are kept (about one row per
    16 entries); lower subtrees are recomputed from at most 16 entry hashes. These rows are a
    cache, not evidence: ``ledger_verify`` recomputes everything from the entries, and a client
    checks any proof against a signed root, so a wrong node yields a proof that fails.
    """

    STORED_MIN_LEVEL = 4

    level = models.PositiveSmallIntegerField(_("tầng"))
    index = models.PositiveBigIntegerField(_("vị trí"))
    hash = models.CharField(_("mã băm"), max_length=64)

    class Meta:
        verbose_name = _("nút cây Merkle")
        verbose_name_plural = _("nút cây Merkle")
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="ledger_merkle_node_unique")]

    def __str__(self) -> str:
        return f"{self.level}/{self.index}"


class Checkpoint(models.Model):
    """A signed statement "the ledger had ``tree_size`` entries and this Merkle root".

    The signature is Ed25519 over the bytes of :meth:`signed_message`. Checkpoints with an
    ``origin`` are C2SP tlog-checkpoint signed notes (https://c2sp.org/tlog-checkpoint): the
    signed body is ``origin\nsize\nbase64(root)\n`` and :meth:`note` is the text standard
    tooling (``golang.org/x/mod/sumdb/note``, witnesses) verifies, with the origin as the key
    name. Older ones (empty ``origin``) signed the legacy ``tinhso-ledger-v1`` message; both
    stay verifiable from the stored fields. Publishing checkpoints outside the platform (a
    gazette, a partner agency, a witness) is what makes them evidence against whoever controls
    the database.
    """

    tree_size = models.PositiveBigIntegerField(_("số mục"))
    root_hash = models.CharField(_("gốc Merkle"), max_length=64)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    signature = models.TextField(_("chữ ký (base64)"))
    key_id = models.CharField(_("mã khoá ký"), max_length=16)
    origin = models.CharField(_("tên nhật ký (origin)"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("điểm kiểm tra đã ký")
        verbose_name_plural = _("điểm kiểm tra đã ký")
        ordering = ["tree_size", "signed_at"]
        indexes = [models.Index(fields=["tree_size"], name="ledger_checkpoint_size")]

    def __str__(self) -> str:
        return f"{self.tree_size} {self.root_hash[:12]}"

    @staticmethod
    def message(tree_size: int, root_hash: str, signed_at_iso: str) -> bytes:
        """``tinhso-ledger-v1\\n{size}\\n{root hex}\\n{signed_at ISO 8601 UTC, microseconds}``."""
        return f"tinhso-ledger-v1\n{tree_size}\n{root_hash}\n{signed_at_iso}".encode("ascii")

    @staticmethod
    def note_body(origin: str, tree_size: int, root_hash: str) -> bytes:
        """The C2SP tlog-checkpoint body: ``{origin}\n{size}\n{base64 root}\n``."""
        root = base64.b64encode(bytes.fromhex(root_hash)).decode("ascii")
        return f"{origin}\n{tree_size}\n{root}\n".encode()

    def signed_message(self) -> bytes:
        if self.origin:
            return self.note_body(self.origin, self.tree_size, self.root_hash)
        return self.message(self.tree_size, self.root_hash, canonical_value(self.signed_at))

    def note(self, public_key: bytes) -> str:
        """The checkpoint as a signed note (C2SP signed-note), signed by ``public_key`` (raw 32
        bytes) under the key name ``origin``. Only for checkpoints with an origin."""
        if not self.origin:
            raise ValueError("A legacy checkpoint is not a signed note.")
        key_hash = note_key_hash(self.origin, public_key)
        signature = base64.b64encode(key_hash + base64.b64decode(self.signature)).decode("ascii")
        return self.signed_message().decode() + f"\n\u2014 {self.origin} {signature}\n"


def note_key_hash(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]
