"""Files go through Django's storage API only, so S3-compatible storage can replace the disk.

Shown with Django's in-memory storage as the default: its files exist nowhere on the disk, so
code that reached for a local path (``.path``, ``open()`` on a name) would find nothing. A component is
uploaded and downloaded, a result is signed, stored, verified and downloaded, and the
storage sweep cleans an orphan, all without a single file on the disk.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tinhso.core.storage_sweep import storage_sweep
from tinhso.onestop.conftest import stored_files
from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.dossiers import services
from tinhso.onestop.files import services as F
from tinhso.onestop.files.tests.test_files import make_dossier
from tinhso.onestop.models import DossierState
from tinhso.onestop.results import signing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture(autouse=True)
def in_memory_storage(settings: Any) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.TINHSO_PUBLIC_URL = "https://dichvucong.hungyen.gov.vn"


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_components_and_signed_results_live_in_object_storage(svc: Any, media: Path) -> None:
    dossier = make_dossier(svc)
    pdf = sample_pdf("To khai")
    component = F.dossier_file_add(
        actor=svc.citizen,
        dossier=dossier,
        upload=SimpleUploadedFile("to-khai.pdf", pdf, content_type="application/pdf"),
    )
    assert type(component.file.storage._wrapped).__name__ == "InMemoryStorage"

    download = _client(svc.citizen).get(reverse("file:download", args=[component.pk]))
    assert download.status_code == 200
    assert isinstance(download, StreamingHttpResponse)
    assert b"".join(download.streaming_content) == pdf

    reviewed = make_dossier(svc, DossierState.PENDING_APPROVAL, assignee=svc.handler)
    draft = signing.dossier_draft_upload(
        actor=svc.handler,
        dossier=reviewed,
        upload=SimpleUploadedFile("phieu-lltp.pdf", sample_pdf("Phieu LLTP"), content_type="application/pdf"),
    )
    assert type(draft.file.storage._wrapped).__name__ == "InMemoryStorage"
    services.dossier_approve(actor=svc.approver, dossier=reviewed, draft_id=draft.pk)
    result = reviewed.files.get(kind="result")
    verdict = signing.result_verify(result.verification_token)
    assert verdict.valid
    assert verdict.signature_valid
    assert verdict.unmodified

    # A component whose transaction rolled back leaves its object behind; the sweep removes it.
    names: list[str] = []

    class RolledBack(Exception):
        pass

    def add_then_fail() -> None:
        with transaction.atomic():
            names.append(
                F.dossier_file_add(
                    actor=svc.citizen,
                    dossier=dossier,
                    upload=SimpleUploadedFile("b.pdf", sample_pdf("B"), content_type="application/pdf"),
                ).file.name
            )
            raise RolledBack

    with pytest.raises(RolledBack):
        add_then_fail()
    assert default_storage.exists(names[0])
    assert storage_sweep(now=timezone.now() + dt.timedelta(hours=7))["dossier_files"] == 1
    assert not default_storage.exists(names[0])
    assert default_storage.exists(component.file.name)
    assert default_storage.exists(result.file.name)

    assert stored_files(media) == []  # nothing ever touched the disk
