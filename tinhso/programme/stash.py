"""Files kept between an import's preview and its confirmation ("Nhập"), per session.

The bytes go to storage, not the session (a decision may be several megabytes); the session
keeps, under one key per import page, the path with what the page needs to import again. The
hourly storage sweep removes a file never confirmed (the ``import_previews`` area)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest

IMPORTS_KEY = "programme_imports"  # the province-level import page
PLAN_IMPORTS_KEY = "programme_plan_imports"  # an agency's own plan under a scheme
KEPT = 4  # previews kept per page: a user comparing a few files, not a store


def stash_keep(request: HttpRequest, key: str, *, filename: str, data: bytes, **fields: Any) -> str:
    """Keep ``data`` and ``fields`` (JSON-serialisable) under a new token, dropping the oldest
    previews beyond the last few."""
    token = secrets.token_urlsafe(16)
    path = default_storage.save(f"programme/imports/{token}.bin", ContentFile(data))
    stashes = request.session.get(key, {})
    for old in list(stashes)[:-KEPT]:
        default_storage.delete(stashes.pop(old)["path"])
    stashes[token] = {"path": path, "filename": filename, **fields}
    request.session[key] = stashes
    return token


def stash_get(request: HttpRequest, key: str, token: str) -> dict[str, Any] | None:
    """The kept preview of ``token`` on that page, or None (expired, confirmed, or not this session's)."""
    stash: dict[str, Any] | None = request.session.get(key, {}).get(token)
    return stash


def stash_read(stash: dict[str, Any]) -> bytes:
    with default_storage.open(stash["path"], "rb") as stored:
        data: bytes = stored.read()
    return data


def stash_drop(request: HttpRequest, key: str, token: str) -> None:
    """Forget the preview once imported (its file too)."""
    stashes = request.session.get(key, {})
    stash = stashes.pop(token, None)
    if stash:
        default_storage.delete(stash["path"])
        request.session[key] = stashes
