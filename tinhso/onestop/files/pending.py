"""Uploads kept while a form comes back with an error, so that nobody attaches them again.

When the e-form of a filing (or a supplement) is refused for a typo, the files that passed
their content check are stored through the storage API under ``pending/`` and described in
the user's session under a random token; the re-rendered form carries the token in a hidden
input and shows "đã đính kèm: name (size)". The next post uses the kept file unless a new
one replaces it. Only the session that kept a file can use its token (another user's token is
simply unknown), and only for the same document requirement.

A kept file that is never used is removed by the storage sweep (the ``pending`` area of
:mod:`tinhso.core.storage_sweep`) once a day old; a used one is deleted after the dossier's
transaction commits (it was copied into the dossier's own file).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest

SESSION_KEY = "pending_uploads"
PREFIX = "pending"
MAX_KEPT = 50  # per session: a bound on what one session can make the platform hold


@dataclass(frozen=True)
class PendingUpload:
    token: str
    name: str  # the stored name
    original_name: str
    size: int
    requirement_id: int


def _entries(request: HttpRequest) -> dict[str, dict[str, Any]]:
    entries = request.session.get(SESSION_KEY)
    return entries if isinstance(entries, dict) else {}


def pending_keep(request: HttpRequest, upload: Any, *, extension: str, requirement_id: int) -> PendingUpload:
    """Store ``upload`` (already checked) and remember it in the session."""
    upload.seek(0)
    name = default_storage.save(f"{PREFIX}/{secrets.token_hex(16)}.{extension}", upload)
    upload.seek(0)
    kept = PendingUpload(
        token=secrets.token_urlsafe(24),
        name=name,
        original_name=str(getattr(upload, "name", "") or f"tep.{extension}"),
        size=int(upload.size or 0),
        requirement_id=requirement_id,
    )
    entries = _entries(request)
    while len(entries) >= MAX_KEPT:  # the oldest goes first (dicts keep insertion order)
        oldest = next(iter(entries))
        default_storage.delete(entries.pop(oldest)["name"])
    entries[kept.token] = {
        "name": kept.name,
        "original_name": kept.original_name,
        "size": kept.size,
        "requirement": requirement_id,
    }
    request.session[SESSION_KEY] = entries
    return kept


def pending_get(request: HttpRequest, token: str | None, *, requirement_id: int) -> PendingUpload | None:
    """The kept upload of this session under ``token`` for this requirement, if it is still there."""
    if not token:
        return None
    entry = _entries(request).get(str(token))
    if not isinstance(entry, dict) or entry.get("requirement") != requirement_id:
        return None
    if not default_storage.exists(entry["name"]):  # swept meanwhile
        return None
    return PendingUpload(
        token=str(token),
        name=entry["name"],
        original_name=entry["original_name"],
        size=int(entry["size"]),
        requirement_id=requirement_id,
    )


def pending_open(kept: PendingUpload) -> File:
    """The kept file, named as the user's upload was, to be attached like a fresh upload."""
    handle = default_storage.open(kept.name, "rb")
    return File(handle, name=kept.original_name)


def pending_forget(request: HttpRequest, kept: list[PendingUpload]) -> None:
    """Drop ``kept`` from the session now and delete the stored files once the current
    transaction commits (if it rolls back, they are gone from the session only, and the sweep
    removes them)."""
    if not kept:
        return
    entries = _entries(request)
    for item in kept:
        entries.pop(item.token, None)
    request.session[SESSION_KEY] = entries
    names = [item.name for item in kept]

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)
