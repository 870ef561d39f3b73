"""Dossier components: content-checked uploads, who may add them, the digitised mark, reuse."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.core.tests.test_uploads import docx as make_docx
from tinhso.core.tests.test_uploads import xlsx as make_xlsx
from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import GOOD_FORM, at, make_procedure, stored_files
from tinhso.onestop.demo.samples import sample_pdf, sample_png
from tinhso.onestop.files import services as F
from tinhso.onestop.models import DocumentRequirement, Dossier, DossierFile, DossierState, FileKind
from tinhso.onestop.tests.factories import DocumentRequirementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

_n = iter(range(1, 100_000))


# --- real files of each kind -----------------------------------------------------------------

# A 1×1 baseline JPEG (JFIF).
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////"
    "////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)


def make_zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + (b"\x00" * 64)
    + b"PE\x00\x00"
    + b"\x00" * 200
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def upload(data: bytes, name: str = "giay-to.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- fixtures ----------------------------------------------------------------------------------


def make_dossier(svc: Any, state: str = DossierState.SUBMITTED, **extra: Any) -> Dossier:
    fields: dict[str, Any] = {
        "code": f"H31.01-260302-{next(_n):04d}",
        "procedure": svc.procedure,
        "receiving_agency": svc.centre,
        "handling_agency": svc.stp,
        "channel": "online",
        "state": state,
        "applicant": svc.citizen,
        "applicant_name": "Nguyễn Văn An",
        "form_data": dict(GOOD_FORM),
        "submitted_at": at("2026-03-02", 8),
    }
    fields.update(extra)
    return Dossier.objects.create(**fields)


@pytest.fixture
def req(svc: Any) -> DocumentRequirement:
    return DocumentRequirementFactory.create(procedure=svc.procedure, name="Tờ khai yêu cầu cấp phiếu", order=1)


# --- good uploads ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maker", "name", "expected"),
    [
        (sample_pdf, "to-khai.pdf", F.PDF),
        (sample_png, "anh.png", F.PNG),
        (lambda: JPEG, "anh-chup.jpg", F.JPEG),
        (make_docx, "don.docx", F.DOCX),
        (make_xlsx, "bang-ke.xlsx", F.XLSX),
    ],
)
def test_applicant_uploads_each_allowed_type(
    svc: Any, req: Any, media: Path, maker: Any, name: str, expected: str
) -> None:
    import hashlib

    dossier = make_dossier(svc)
    data = maker()
    entries = Entry.objects.count()
    row = F.dossier_file_add(actor=svc.citizen, dossier=dossier, upload=upload(data, name), requirement=req)
    row.refresh_from_db()
    assert row.content_type == expected
    assert row.size == len(data)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.original_name == name
    assert row.digitised is True  # an electronic original submitted online
    assert row.owner == svc.citizen
    assert row.uploaded_by == svc.citizen
    assert row.kind == FileKind.COMPONENT
    # Stored through the storage under a random name with the extension of the detected type.
    assert row.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert name not in row.file.name
    assert row.file.name.endswith("." + F.ALLOWED_TYPES[expected])
    with default_storage.open(row.file.name, "rb") as handle:
        assert handle.read() == data
    assert Entry.objects.count() == entries + 1
    entry = Entry.objects.latest("pk")
    assert entry.action == "services.dossier_file.add"
    payload = entry.payload.data
    assert payload["code"] == dossier.code
    assert payload["file"] == row.pk
    assert payload["sha256"] == row.sha256
    assert payload["kind"] == "component"
    assert name not in entry.payload.canonical_json  # the original name may hold a person's name


def test_original_name_keeps_only_the_last_part(svc: Any) -> None:
    row = F.dossier_file_add(
        actor=svc.citizen,
        dossier=make_dossier(svc),
        upload=upload(sample_pdf(), 'C:\\Users\\An\\..\\Căn cước "An".pdf'),
    )
    assert row.original_name == "Căn cước An.pdf"
    assert F.clean_filename("../../etc/passwd", "pdf") == "passwd.pdf"
    assert F.clean_filename("  ", "pdf") == "tep.pdf"


# --- bad uploads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (EXE, "giay-to.pdf", "bad_type"),
        (HTML, "giay-to.pdf", "bad_type"),
        (b"", "rong.pdf", "empty"),
        (make_zip(["a.txt"]), "don.docx", "bad_type"),
        (make_zip(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]), "don.docx", "active_content"),
        (b"Just some text, not a document", "ghi-chu.pdf", "bad_type"),
    ],
)
def test_bad_content_is_refused_and_nothing_is_left(svc: Any, media: Path, data: bytes, name: str, code: str) -> None:
    dossier = make_dossier(svc)
    entries = Entry.objects.count()
    with pytest.raises(DomainError) as caught:
        F.dossier_file_add(actor=svc.citizen, dossier=dossier, upload=upload(data, name))
    assert caught.value.status_code == 400
    assert caught.value.field == "file"
    assert caught.value.code == code
    assert "PDF" in caught.value.message or code != "bad_type"
    assert DossierFile.objects.count() == 0
    assert Entry.objects.count() == entries
    assert stored_files(media) == []


def test_oversized_file_is_refused_with_the_limit_in_mb(svc: Any, settings: Any, media: Path) -> None:
    settings.TINHSO_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    big = sample_pdf() + b"%" + b"0" * (2 * 1024 * 1024)
    with pytest.raises(DomainError) as caught:
        F.dossier_file_add(actor=svc.citizen, dossier=make_dossier(svc), upload=upload(big))
    assert caught.value.status_code == 400
    assert caught.value.code == "too_large"
    assert "2 MB" in caught.value.message
    assert DossierFile.objects.count() == 0
    assert stored_files(media) == []


def test_a_failure_after_the_write_removes_the_stored_file(
    svc: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_kwargs: Any) -> None:
        raise RuntimeError("ledger down")

    monkeypatch.setattr(F, "ledger_append", broken)
    with pytest.raises(RuntimeError):
        F.dossier_file_add(actor=svc.citizen, dossier=make_dossier(svc), upload=upload(sample_pdf()))
    assert DossierFile.objects.count() == 0
    assert stored_files(media) == []


def test_requirement_of_another_procedure_is_refused(svc: Any, media: Path) -> None:
    other = make_procedure(code="1.000001.000.00.00.H31", agencies=[svc.centre])
    foreign = DocumentRequirementFactory.create(procedure=other, name="Giấy khác")
    with pytest.raises(DomainError) as caught:
        F.dossier_file_add(
            actor=svc.citizen, dossier=make_dossier(svc), upload=upload(sample_pdf()), requirement=foreign
        )
    assert caught.value.field == "requirement"
    assert caught.value.status_code == 400
    assert DossierFile.objects.count() == 0
    assert stored_files(media) == []


# --- who may add -------------------------------------------------------------------------------


def test_applicant_may_add_only_while_submitted_or_supplement_requested(svc: Any, media: Path) -> None:
    for state in (DossierState.SUBMITTED, DossierState.SUPPLEMENT_REQUESTED):
        F.dossier_file_add(actor=svc.citizen, dossier=make_dossier(svc, state), upload=upload(sample_pdf()))
    assert DossierFile.objects.count() == 2
    for state in (DossierState.RECEIVED, DossierState.UNDER_REVIEW, DossierState.APPROVED):
        with pytest.raises(Conflict):
            F.dossier_file_add(actor=svc.citizen, dossier=make_dossier(svc, state), upload=upload(sample_pdf()))
    assert DossierFile.objects.count() == 2
    assert len(stored_files(media)) == 2


def test_desk_adds_scans_while_open_and_says_whether_digitised(svc: Any, media: Path) -> None:
    dossier = make_dossier(svc, DossierState.UNDER_REVIEW)
    plain = F.dossier_file_add(actor=svc.receiver, dossier=dossier, upload=upload(JPEG, "scan.jpg"))
    certified = F.dossier_file_add(
        actor=svc.receiver, dossier=dossier, upload=upload(sample_pdf(), "scan.pdf"), digitised=True
    )
    assert (plain.digitised, certified.digitised) == (False, True)
    assert plain.owner == svc.citizen
    assert plain.uploaded_by == svc.receiver
    with pytest.raises(Conflict):
        F.dossier_file_add(
            actor=svc.receiver, dossier=make_dossier(svc, DossierState.RESULT_RETURNED), upload=upload(sample_pdf())
        )


def test_others_are_refused_and_nothing_is_written(svc: Any, media: Path) -> None:
    dossier = make_dossier(svc)
    entries = Entry.objects.count()
    # Cannot see the dossier at all: the same 404 as a missing one.
    for outsider in (svc.other_citizen, svc.sct_officer, svc.sct_approver):
        with pytest.raises(NotFound):
            F.dossier_file_add(actor=outsider, dossier=dossier, upload=upload(sample_pdf()))
    # Sees it (handling agency) but is not the desk: 403.
    for officer in (svc.approver, svc.handler):
        with pytest.raises(NotAllowed):
            F.dossier_file_add(actor=officer, dossier=dossier, upload=upload(sample_pdf()))
    assert DossierFile.objects.count() == 0
    assert Entry.objects.count() == entries
    assert stored_files(media) == []


# --- digitised mark ----------------------------------------------------------------------------


def test_desk_marks_a_scan_digitised_once(svc: Any, media: Path) -> None:
    dossier = make_dossier(svc, DossierState.RECEIVED)
    scan = F.dossier_file_add(actor=svc.receiver, dossier=dossier, upload=upload(JPEG, "scan.jpg"))
    entries = Entry.objects.count()
    for outsider, error in (
        (svc.approver, NotAllowed),
        (svc.citizen, NotAllowed),
        (svc.sct_officer, NotFound),
        (svc.other_citizen, NotFound),
    ):
        with pytest.raises(error):
            F.dossier_file_mark_digitised(actor=outsider, file=scan)
    scan.refresh_from_db()
    assert scan.digitised is False
    assert Entry.objects.count() == entries
    F.dossier_file_mark_digitised(actor=svc.receiver, file=scan)
    scan.refresh_from_db()
    assert scan.digitised is True
    entry = Entry.objects.latest("pk")
    assert entry.action == "services.dossier_file.mark_digitised"
    assert entry.payload.data["file"] == scan.pk
    F.dossier_file_mark_digitised(actor=svc.receiver, file=scan)  # already marked: nothing more written
    assert Entry.objects.count() == entries + 1


def test_dossier_is_digitised_needs_every_required_component_and_the_result(svc: Any, req: Any, media: Path) -> None:
    optional = DocumentRequirementFactory.create(procedure=svc.procedure, name="Giấy ủy quyền", required=False, order=2)
    second = DocumentRequirementFactory.create(procedure=svc.procedure, name="Bản sao căn cước", order=3)
    dossier = make_dossier(svc, DossierState.RECEIVED)
    F.dossier_file_add(
        actor=svc.receiver, dossier=dossier, upload=upload(sample_pdf()), requirement=req, digitised=True
    )
    scan = F.dossier_file_add(actor=svc.receiver, dossier=dossier, upload=upload(JPEG, "cc.jpg"), requirement=second)
    assert optional.required is False
    DossierFile.objects.create(
        dossier=dossier,
        kind=FileKind.RESULT,
        file="dossiers/x/result.pdf",
        original_name="kq.pdf",
        content_type=F.PDF,
        size=1,
        sha256="0" * 64,
        digitised=True,
    )
    assert F.dossier_is_digitised(dossier) is False  # the scan is not certified yet
    F.dossier_file_mark_digitised(actor=svc.receiver, file=scan)
    assert F.dossier_is_digitised(dossier) is True
    DossierFile.objects.filter(kind=FileKind.RESULT).delete()
    assert F.dossier_is_digitised(dossier) is False  # no digitised result


# --- reuse -------------------------------------------------------------------------------------


def test_owner_reuses_an_earlier_digitised_file_without_a_copy(svc: Any, req: Any, media: Path) -> None:
    earlier = make_dossier(svc, DossierState.SUBMITTED)
    original = F.dossier_file_add(
        actor=svc.citizen, dossier=earlier, upload=upload(sample_pdf(), "cccd.pdf"), requirement=req
    )
    undigitised = F.dossier_file_add(actor=svc.receiver, dossier=earlier, upload=upload(JPEG, "scan.jpg"))
    assert list(F.reusable_files(svc.citizen)) == [original]  # only digitised components
    assert undigitised.owner == svc.citizen
    files_before = stored_files(media)

    new = make_dossier(svc, DossierState.SUBMITTED)
    reused = F.dossier_file_reuse(actor=svc.citizen, dossier=new, source_id=original.pk, requirement=req)
    assert reused.dossier == new
    assert reused.reused_from == original
    assert reused.file.name == original.file.name
    assert reused.sha256 == original.sha256
    assert reused.digitised is True
    assert reused.owner == svc.citizen
    assert stored_files(media) == files_before  # no copy
    entry = Entry.objects.latest("pk")
    assert entry.action == "services.dossier_file.reuse"
    assert entry.payload.data["reused_from"] == original.pk
    assert list(F.reusable_files(svc.citizen)) == [original]  # the reused row is not listed twice


def test_reuse_by_anyone_else_is_refused(svc: Any, media: Path) -> None:
    original = F.dossier_file_add(actor=svc.citizen, dossier=make_dossier(svc), upload=upload(sample_pdf()))
    theirs = make_dossier(svc, applicant=svc.other_citizen)
    count, entries = DossierFile.objects.count(), Entry.objects.count()
    with pytest.raises(NotFound) as missing:
        F.dossier_file_reuse(actor=svc.other_citizen, dossier=theirs, source_id=original.pk)
    with pytest.raises(NotFound) as unknown:
        F.dossier_file_reuse(actor=svc.other_citizen, dossier=theirs, source_id=999_999)
    assert missing.value.message == unknown.value.message
    assert list(F.reusable_files(svc.other_citizen)) == []
    # The desk cannot reuse a citizen's file for them, and the owner cannot put it in another's dossier.
    with pytest.raises(NotFound):
        F.dossier_file_reuse(actor=svc.receiver, dossier=make_dossier(svc), source_id=original.pk)
    with pytest.raises(NotFound):
        F.dossier_file_reuse(actor=svc.citizen, dossier=theirs, source_id=original.pk)
    with pytest.raises(Conflict):
        F.dossier_file_reuse(actor=svc.citizen, dossier=make_dossier(svc, DossierState.RECEIVED), source_id=original.pk)
    assert DossierFile.objects.count() == count
    assert Entry.objects.count() == entries


# --- download --------------------------------------------------------------------------------


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_download_streams_the_file_to_those_who_may_see_the_dossier(svc: Any, media: Path) -> None:
    data = sample_pdf()
    row = F.dossier_file_add(actor=svc.citizen, dossier=make_dossier(svc), upload=upload(data, 'Đơn "An"; x.pdf'))
    url = reverse("file:download", args=[row.pk])
    assert url == f"/tep/{row.pk}/"
    for person in (svc.citizen, svc.receiver, svc.approver):
        response = _client(person).get(url)
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
        assert b"".join(response.streaming_content) == data
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert '"An"' not in disposition
        assert ";  x" not in disposition
    for outsider in (svc.other_citizen, svc.sct_officer):
        response = _client(outsider).get(url)
        missing = _client(outsider).get(reverse("file:download", args=[999_999]))
        assert response.status_code == missing.status_code == 404
        assert "Không tìm thấy tệp." in response.content.decode()
        assert "Không tìm thấy tệp." in missing.content.decode()
    assert Client().get(url).status_code == 302  # to the login page


# --- names from the detected type; active content refused on every path ---------------------------


def test_a_pdf_sent_as_payload_exe_is_kept_and_downloaded_as_a_pdf(svc: Any, media: Path) -> None:
    data = sample_pdf()
    row = F.dossier_file_add(
        actor=svc.citizen, dossier=make_dossier(svc), upload=upload(data, "payload.exe", "application/x-msdownload")
    )
    assert (row.original_name, row.content_type) == ("payload.pdf", "application/pdf")
    assert row.file.name.endswith(".pdf")
    assert "payload" not in row.file.name
    response = _client(svc.citizen).get(reverse("file:download", args=[row.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="payload.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content) == data


def test_a_name_stored_with_another_extension_downloads_with_the_detected_one(svc: Any, media: Path) -> None:
    """Files kept before names took the detected extension download as what they are."""
    row = F.dossier_file_add(actor=svc.citizen, dossier=make_dossier(svc), upload=upload(sample_pdf(), "a.pdf"))
    DossierFile.objects.filter(pk=row.pk).update(original_name="Giấy tờ.exe")
    response = _client(svc.receiver).get(reverse("file:download", args=[row.pk]))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Gi%E1%BA%A5y%20t%E1%BB%9D.pdf"
    assert response["Content-Type"] == "application/pdf"


def _active_files() -> list[Any]:
    from tinhso.core.tests.test_uploads import OLE, docx, pyhanko_pdf, with_members

    return [
        pytest.param(
            with_members(docx(), {"word/media/image9.png": EXE}),
            "don.docx",
            "Tệp Word/Excel có chứa chương trình hoặc đối tượng nhúng “word/media/image9.png”",
            id="docx-mz",
        ),
        pytest.param(
            with_members(docx(), {"word/vbaProject.bin": OLE}),
            "don.docx",
            "Tệp Word/Excel có chứa macro (mã VBA)",
            id="docx-macro",
        ),
        pytest.param(
            pyhanko_pdf(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"}, compressed=True),
            "to-khai.pdf",
            "Tệp PDF có mã JavaScript",
            id="pdf-javascript",
        ),
    ]


@pytest.mark.parametrize(("data", "name", "message"), _active_files())
def test_active_content_is_refused_on_every_path_and_nothing_is_left(
    svc: Any, media: Path, data: bytes, name: str, message: str
) -> None:
    dossier = make_dossier(svc)
    entries = Entry.objects.count()
    # The applicant through the API (filing, supplements), with a JSON answer.
    response = _client(svc.citizen).post(
        f"/api/services/dossiers/{dossier.pk}/files/", {"file": upload(data, name, "application/octet-stream")}
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("active_content", "file")
    assert body["detail"].startswith(message)
    # The desk adding a scan.
    with pytest.raises(DomainError) as caught:
        F.dossier_file_add(actor=svc.receiver, dossier=dossier, upload=upload(data, name), digitised=True)
    assert (caught.value.code, caught.value.status_code) == ("active_content", 400)
    assert caught.value.message.startswith(message)
    assert DossierFile.objects.count() == 0
    assert Entry.objects.count() == entries
    assert stored_files(media) == []


def test_a_draft_result_with_javascript_is_refused_and_a_pdf_named_exe_kept_as_pdf(svc: Any, media: Path) -> None:
    """The draft is what approval signs: a script in it would carry the agency's signature."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhso.core.tests.test_uploads import pyhanko_pdf
    from tinhso.onestop.results import signing

    dossier = make_dossier(svc, DossierState.UNDER_REVIEW, assignee=svc.handler)
    entries = Entry.objects.count()
    hostile = pyhanko_pdf(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"})
    with pytest.raises(DomainError) as caught:
        signing.dossier_draft_upload(
            actor=svc.handler, dossier=dossier, upload=SimpleUploadedFile("du-thao.pdf", hostile, "application/pdf")
        )
    assert (caught.value.code, caught.value.field) == ("active_content", "file")
    assert DossierFile.objects.count() == 0
    assert Entry.objects.count() == entries
    assert stored_files(media) == []
    row = signing.dossier_draft_upload(
        actor=svc.handler, dossier=dossier, upload=SimpleUploadedFile("kq.exe", sample_pdf(), "application/pdf")
    )
    assert row.original_name == "kq.pdf"
