"""The storage sweep (tinhso/core/storage_sweep.py, run by tinhso/site/jobs.py) on real stored files: a component whose
transaction rolled back after its file was written is deleted once its grace period is over,
a component that committed is kept, and so is everything still young."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tinhso.core.scheduler import periodic_jobs
from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import stored_files, submit_online
from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.files import services as F
from tinhso.onestop.models import Dossier
from tinhso.site.jobs import storage_sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


class _RolledBack(Exception):
    pass


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("giay-to.pdf", sample_pdf(), content_type="application/pdf")


def _orphan(svc: SimpleNamespace, dossier: Dossier) -> Path:
    """A component written to storage by a transaction that then rolled back: its file stays."""
    names = []

    def add_then_fail() -> None:
        with transaction.atomic():
            names.append(F.dossier_file_add(actor=svc.citizen, dossier=dossier, upload=_pdf()).file.name)
            raise _RolledBack

    with pytest.raises(_RolledBack):
        add_then_fail()
    return Path(default_storage.path(names[0]))


def test_a_rolled_back_component_goes_after_its_grace_and_a_committed_one_stays(
    svc: SimpleNamespace, media: Path
) -> None:
    dossier = submit_online(svc)
    kept = F.dossier_file_add(actor=svc.citizen, dossier=dossier, upload=_pdf())
    orphan = _orphan(svc, dossier)
    assert orphan.exists()
    assert len(stored_files(media)) == 2

    # Young: its row might still be on its way to a commit.
    assert storage_sweep(now=timezone.now() + dt.timedelta(hours=1))["dossier_files"] == 0
    assert orphan.exists()
    assert not Entry.objects.filter(action="core.storage.sweep").exists()  # nothing deleted, nothing to record

    deleted = storage_sweep(now=timezone.now() + dt.timedelta(hours=7))
    assert deleted["dossier_files"] == 1
    assert not orphan.exists()
    assert stored_files(media) == [Path(kept.file.path)]
    with kept.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF")
    entry = Entry.objects.get(action="core.storage.sweep")
    assert entry.actor_id is None
    assert entry.payload.data["deleted"]["dossier_files"] == 1
    assert "dossiers/" not in entry.payload.canonical_json  # counts only: no file names

    assert storage_sweep(now=timezone.now() + dt.timedelta(hours=8))["dossier_files"] == 0  # idempotent


def test_a_stale_import_preview_goes_and_a_fresh_one_stays(media: Path) -> None:
    stale = default_storage.save("programme/imports/stale.bin", ContentFile(b"PK old preview"))
    fresh = default_storage.save("programme/imports/fresh.bin", ContentFile(b"PK new preview"))
    now = timezone.now()
    stale_path, fresh_path = Path(default_storage.path(stale)), Path(default_storage.path(fresh))
    day_ago = (now - dt.timedelta(hours=25)).timestamp()
    os.utime(stale_path, (day_ago, day_ago))
    assert storage_sweep(now=now)["import_previews"] == 1
    assert not stale_path.exists()
    assert fresh_path.exists()


def test_evidence_no_report_refers_to_goes(media: Path) -> None:
    name = default_storage.save("programme/evidence/7/bien-ban.pdf", ContentFile(sample_pdf()))
    assert storage_sweep(now=timezone.now() + dt.timedelta(hours=7))["programme_evidence"] == 1
    assert not default_storage.exists(name)


def test_an_empty_storage_is_swept_without_error(media: Path) -> None:
    assert storage_sweep() == {"dossier_files": 0, "programme_evidence": 0, "import_previews": 0, "pending_uploads": 0}


def test_the_worker_sweeps_every_hour() -> None:
    spec = next(job for job in periodic_jobs() if job.name == "storage_sweep")
    assert (spec.task_path, spec.interval_seconds) == ("tinhso.site.tasks.storage_sweep_task", 3600)
