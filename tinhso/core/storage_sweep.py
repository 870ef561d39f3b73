"""Clean-up of the file storage: files that no row points to any more, and stale previews.

Files are written through Django's storage API before the row that refers to them commits
(a dossier component, a report's evidence). When that transaction rolls back after the
write, or the process dies in between, the file stays with nothing pointing to it. An
import previewed and never confirmed leaves its stashed upload behind the same way. Nobody
can reach such files, but they take space and may hold personal data, so they must go.

The sweep walks each storage area with the storage API only (``listdir``,
``get_modified_time``, ``delete``), so it works the same on the disk and on S3-compatible
storage. A file younger than its area's grace period is never touched: its row may still be
on its way to a commit. For areas with rows, the names found are checked against the
database a directory at a time.

Core knows no app's files: each app registers its areas (:func:`area_register`, from its
AppConfig.ready()). The site's hourly job (:mod:`tinhso.site.jobs`) runs the sweep and records
what it deleted in the ledger.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.utils import timezone

log = logging.getLogger(__name__)

# Names checked against the database per query (a directory may hold more).
_CHUNK = 500


@dataclass(frozen=True)
class Area:
    """A top folder of the storage and what keeps a file in it alive.

    ``field`` is ``"app_label.Model.field"``, the FileField whose rows refer to the files;
    empty for a folder of temporary files, which all go once older than ``grace``.
    """

    name: str
    prefix: str
    field: str
    grace: dt.timedelta


_AREAS: dict[str, Area] = {}


def area_register(area: Area) -> None:
    """Add a storage area to the sweep (call from an AppConfig.ready()); a name again replaces it."""
    _AREAS[area.name] = area


def areas() -> tuple[Area, ...]:
    """The registered areas, in the order they were registered."""
    return tuple(_AREAS.values())


def _files_by_directory(storage: Storage, prefix: str) -> Iterator[list[str]]:
    """The names of the files in ``prefix`` and in every folder below it, a folder at a time."""
    pending = [prefix]
    while pending:
        directory = pending.pop()
        try:
            folders, files = storage.listdir(directory)
        except FileNotFoundError:  # the area was never written to
            continue
        pending += [posixpath.join(directory, folder) for folder in folders]
        if files:
            yield [posixpath.join(directory, name) for name in files]


def _referenced(field: str, names: list[str]) -> set[str]:
    app_label, model_name, field_name = field.split(".")
    model = apps.get_model(app_label, model_name)
    found: set[str] = set()
    for start in range(0, len(names), _CHUNK):
        chunk = names[start : start + _CHUNK]
        found.update(model._default_manager.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    return found


def storage_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete the unreferenced and stale files of every area; returns how many per area."""
    now = now or timezone.now()
    storage = default_storage
    swept = areas()
    deleted = {area.name: 0 for area in swept}
    for area in swept:
        cutoff = now - area.grace
        for names in _files_by_directory(storage, area.prefix):
            old = [name for name in names if storage.get_modified_time(name) < cutoff]
            if not old:
                continue
            keep = _referenced(area.field, old) if area.field else set()
            for name in old:
                if name not in keep:
                    storage.delete(name)
                    deleted[area.name] += 1
    if any(deleted.values()):
        log.info("storage sweep deleted %s", deleted)
    return deleted
