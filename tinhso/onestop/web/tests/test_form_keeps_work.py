"""Issue 12, item 15: a form that comes back with an error keeps the uploads that passed their
check (nobody attaches them again), the citizen sees on their dossier what they declared, and
e-form dates are typed and shown as dd/mm/yyyy while they are stored (and served) in ISO 8601."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.core.storage_sweep import storage_sweep
from tinhso.onestop.conftest import GOOD_FORM, JUDICIAL_RECORD_FIELDS, stored_files, submit_online, to_review
from tinhso.onestop.demo.samples import sample_pdf, sample_png
from tinhso.onestop.dossiers import intake
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import DocumentRequirement, Dossier, DossierFile, DossierState, Procedure
from tinhso.onestop.tests.factories import DocumentRequirementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _url(procedure: Procedure) -> str:
    return reverse("citizen:submit", args=[procedure.code])


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def _token(html: str, requirement: DocumentRequirement) -> str:
    match = re.search(rf'name="giu_{requirement.pk}" value="([^"]+)"', html)
    assert match, "the re-rendered form names the kept upload"
    return match.group(1)


def _data(key: str, agency: Any, **fields: str) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "agency": agency.pk,
        **{f"tk_{name}": value for name, value in {**GOOD_FORM, **fields}.items()},
    }


def _png(name: str = "cccd.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_png(), "image/png")


def _pending(media: Path) -> list[Path]:
    return [path for path in stored_files(media) if "pending" in path.parts]


@pytest.fixture
def photo(svc: Any) -> DocumentRequirement:
    return DocumentRequirementFactory.create(procedure=svc.procedure, name="Ảnh căn cước", order=1)


def test_a_valid_upload_is_kept_when_the_e_form_has_an_error(
    client: Client,
    svc: Any,
    clock: Any,
    media: Path,
    photo: DocumentRequirement,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(svc.citizen)
    key = _key(client.get(_url(svc.procedure)).content.decode())
    content = sample_png()

    failed = client.post(
        _url(svc.procedure),
        {
            **_data(key, svc.centre, personal_id="abc"),
            f"tep_{photo.pk}": SimpleUploadedFile("cccd.png", content, "image/png"),
        },
    )
    assert failed.status_code == 400
    html = failed.content.decode()
    assert 'data-testid="error-tk_personal_id"' in html
    assert re.search(r"Đã đính kèm: cccd\.png \([^)]*byte[^)]*\)", html)
    assert not Dossier.objects.exists()
    assert not DossierFile.objects.exists()
    assert len(_pending(media)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_url(svc.procedure), {**_data(key, svc.centre), f"giu_{photo.pk}": _token(html, photo)})
    assert done.status_code == 302
    row = DossierFile.objects.get()
    assert (row.requirement, row.original_name, row.content_type, row.size) == (
        photo,
        "cccd.png",
        "image/png",
        len(content),
    )
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.dossier == Dossier.objects.get()
    assert _pending(media) == []  # copied into the dossier, then removed
    assert [p.name for p in stored_files(media)] == [Path(row.file.name).name]


def test_a_kept_upload_is_replaced_by_a_new_one_or_dropped(
    client: Client, svc: Any, clock: Any, media: Path, photo: DocumentRequirement
) -> None:
    client.force_login(svc.citizen)
    key = _key(client.get(_url(svc.procedure)).content.decode())
    failed = client.post(
        _url(svc.procedure), {**_data(key, svc.centre, personal_id="abc"), f"tep_{photo.pk}": _png("old.png")}
    )
    token = _token(failed.content.decode(), photo)

    dropped = client.post(
        _url(svc.procedure), {**_data(key, svc.centre), f"giu_{photo.pk}": token, f"bo_{photo.pk}": "1"}
    )
    assert dropped.status_code == 400
    assert "Vui lòng đính kèm “Ảnh căn cước”." in dropped.content.decode()
    assert not Dossier.objects.exists()

    new = sample_pdf("moi")
    replaced = client.post(
        _url(svc.procedure),
        {**_data(key, svc.centre), f"giu_{photo.pk}": token, f"tep_{photo.pk}": SimpleUploadedFile("new.pdf", new)},
    )
    assert replaced.status_code == 302
    row = DossierFile.objects.get()
    assert (row.original_name, row.sha256) == ("new.pdf", hashlib.sha256(new).hexdigest())


def test_a_token_works_only_in_its_own_session_and_for_its_own_component(
    client: Client, svc: Any, clock: Any, media: Path, photo: DocumentRequirement
) -> None:
    other = DocumentRequirementFactory.create(procedure=svc.procedure, name="Giấy ủy quyền", order=2)
    client.force_login(svc.citizen)
    key = _key(client.get(_url(svc.procedure)).content.decode())
    failed = client.post(_url(svc.procedure), {**_data(key, svc.centre, personal_id="abc"), f"tep_{photo.pk}": _png()})
    token = _token(failed.content.decode(), photo)

    thief = Client()
    thief.force_login(svc.other_citizen)
    their_key = _key(thief.get(_url(svc.procedure)).content.decode())
    stolen = thief.post(
        _url(svc.procedure), {**_data(their_key, svc.centre), f"giu_{photo.pk}": token, f"giu_{other.pk}": token}
    )
    assert stolen.status_code == 400
    assert "Vui lòng đính kèm “Ảnh căn cước”." in stolen.content.decode()
    assert "cccd.png" not in stolen.content.decode()
    assert not Dossier.objects.exists()
    assert not DossierFile.objects.exists()

    # The owner cannot move it to another component either.
    moved = client.post(_url(svc.procedure), {**_data(key, svc.centre), f"giu_{other.pk}": token})
    assert moved.status_code == 400
    assert "Vui lòng đính kèm “Giấy ủy quyền”." in moved.content.decode()
    assert not Dossier.objects.exists()


def test_an_upload_that_failed_its_check_is_not_kept(
    client: Client, svc: Any, clock: Any, media: Path, photo: DocumentRequirement
) -> None:
    client.force_login(svc.citizen)
    key = _key(client.get(_url(svc.procedure)).content.decode())
    bad = client.post(
        _url(svc.procedure),
        {
            **_data(key, svc.centre, personal_id="abc"),
            f"tep_{photo.pk}": SimpleUploadedFile("x.png", b"<html>", "image/png"),
        },
    )
    assert bad.status_code == 400
    assert f'name="giu_{photo.pk}"' not in bad.content.decode()
    assert stored_files(media) == []


def test_kept_uploads_never_used_are_swept_after_a_day(
    client: Client, svc: Any, clock: Any, media: Path, photo: DocumentRequirement
) -> None:
    client.force_login(svc.citizen)
    key = _key(client.get(_url(svc.procedure)).content.decode())
    client.post(_url(svc.procedure), {**_data(key, svc.centre, personal_id="abc"), f"tep_{photo.pk}": _png()})
    [pending] = _pending(media)
    # the wall clock, which the stopped test clock does not move: the files' times are the disk's
    now = time_machine.escape_hatch.datetime.datetime.now(tz=dt.UTC)
    assert storage_sweep(now=now + dt.timedelta(hours=23))["pending_uploads"] == 0
    assert pending.exists()
    assert storage_sweep(now=now + dt.timedelta(hours=25))["pending_uploads"] == 1
    assert not pending.exists()


def test_a_supplement_keeps_its_valid_upload_too(
    client: Client,
    svc: Any,
    clock: Any,
    media: Path,
    photo: DocumentRequirement,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = to_review(svc, submit_online(svc, "page-key-0000000000001"))
    S.dossier_request_supplement(actor=svc.handler, dossier=dossier, reason="Thiếu ảnh căn cước")
    client.force_login(svc.citizen)
    url = reverse("citizen:supplement", args=[dossier.pk])
    form = {f"tk_{k}": v for k, v in GOOD_FORM.items()}
    failed = client.post(url, {**form, "tk_phone": "12", f"tep_{photo.pk}": _png()})
    assert failed.status_code == 400
    assert "Đã đính kèm: cccd.png" in failed.content.decode()
    assert not DossierFile.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**form, f"giu_{photo.pk}": _token(failed.content.decode(), photo)})
    assert done.status_code == 302
    assert DossierFile.objects.get().original_name == "cccd.png"
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.UNDER_REVIEW
    assert _pending(media) == []


# --- what was declared, and dates ------------------------------------------------------------

DATED_FIELDS = [*JUDICIAL_RECORD_FIELDS, {"name": "born", "label": "Ngày sinh", "type": "date", "required": True}]


def test_dates_are_typed_as_dd_mm_yyyy_stored_iso_and_shown_back(client: Client, svc: Any, clock: Any) -> None:
    Procedure.objects.filter(pk=svc.procedure.pk).update(form_fields=DATED_FIELDS)
    client.force_login(svc.citizen)
    html = client.get(_url(svc.procedure)).content.decode()
    born_input = re.search(r'<input[^>]*name="tk_born"[^>]*>', html).group(0)
    assert 'type="text"' in born_input
    assert 'placeholder="dd/mm/yyyy"' in born_input
    key = _key(html)

    wrong = client.post(_url(svc.procedure), _data(key, svc.centre, born="31/02/1990"))
    assert wrong.status_code == 400
    assert "ngày/tháng/năm" in wrong.content.decode()
    assert not Dossier.objects.exists()

    done = client.post(_url(svc.procedure), _data(key, svc.centre, born="05/09/1990"))
    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.form_data["born"] == "1990-09-05"  # ISO 8601 in storage and in the API

    page = client.get(reverse("citizen:dossier", args=[dossier.pk])).content.decode()
    declared = page[page.index('data-testid="declared"') :]
    declared = declared[: declared.index("</section>")]
    assert "Ngày sinh" in declared
    assert "05/09/1990" in declared
    assert "1990-09-05" not in declared
    # The applicant sees their own data in full.
    for value in ("Nguyễn Văn An", "033095001234", "0912345678", "Xin việc"):
        assert value in declared


def test_the_api_still_takes_and_gives_iso_dates(client: Client, svc: Any, clock: Any) -> None:
    Procedure.objects.filter(pk=svc.procedure.pk).update(form_fields=DATED_FIELDS)
    svc.procedure.refresh_from_db()
    dossier = intake.dossier_submit_online(
        applicant=svc.citizen,
        procedure=svc.procedure,
        agency=svc.centre,
        form_data={**GOOD_FORM, "born": "1990-09-05"},
        idempotency_key="api-key-00000000000001",
    )
    assert dossier.form_data["born"] == "1990-09-05"


def test_the_declared_e_form_is_for_the_applicant_only(client: Client, svc: Any, clock: Any) -> None:
    dossier = submit_online(svc, "page-key-0000000000001")
    client.force_login(svc.receiver)
    page = client.get(reverse("citizen:dossier", args=[dossier.pk]))
    assert page.status_code == 200
    assert 'data-testid="declared"' not in page.content.decode()
    assert "033095001234" not in page.content.decode()


def test_the_desk_reads_and_corrects_e_form_dates_as_dd_mm_yyyy(client: Client, svc: Any, clock: Any) -> None:
    Procedure.objects.filter(pk=svc.procedure.pk).update(form_fields=DATED_FIELDS)
    svc.procedure.refresh_from_db()
    dossier = intake.dossier_submit_online(
        applicant=svc.citizen,
        procedure=svc.procedure,
        agency=svc.centre,
        form_data={**GOOD_FORM, "born": "1990-09-05"},
        idempotency_key="desk-date-00000000001",
    )
    client.force_login(svc.receiver)
    page = client.get(reverse("officer:dossier", args=[dossier.pk])).content.decode()
    assert "05/09/1990" in page
    assert "1990-09-05" not in page
