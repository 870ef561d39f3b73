"""Signed results: issue (PAdES with a QR code to the verification page) and public verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.ledger.models import Entry
from tinhso.ledger.services import checkpoint_sign
from tinhso.ledger.testing import seal
from tinhso.onestop.conftest import GOOD_FORM, stored_files
from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.dossiers import services
from tinhso.onestop.files.tests.test_files import EXE, make_dossier
from tinhso.onestop.models import DossierEvent, DossierFile, DossierState, FileKind, Notification
from tinhso.onestop.results import signing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture(autouse=True)
def public_url(settings: Any) -> None:
    """The address the QR code and the verification links are made from."""
    settings.TINHSO_PUBLIC_URL = "https://dichvucong.hungyen.gov.vn"


def reviewed(svc: Any, **extra: Any) -> Any:
    """A dossier under review by the handler."""
    return make_dossier(svc, DossierState.UNDER_REVIEW, assignee=svc.handler, **extra)


def draft(svc: Any, dossier: Any, pdf: bytes | None = None, actor: Any = None) -> DossierFile:
    data = sample_pdf("Phieu LLTP") if pdf is None else pdf
    upload = SimpleUploadedFile("phieu-lltp.pdf", data, "application/pdf")
    return signing.dossier_draft_upload(actor=actor or svc.handler, dossier=dossier, upload=upload)


def issue(svc: Any, dossier: Any = None, pdf: bytes | None = None) -> DossierFile:
    """The handler's draft, submitted and approved: the signed result the draft became."""
    dossier = dossier or reviewed(svc)
    draft(svc, dossier, pdf)
    services.dossier_submit_for_approval(actor=svc.handler, dossier=dossier)
    services.dossier_approve(actor=svc.approver, dossier=dossier)
    return DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)


def stored(row: DossierFile) -> bytes:
    with default_storage.open(row.file.name, "rb") as handle:
        return handle.read()


def replace_stored(row: DossierFile, data: bytes) -> None:
    default_storage.delete(row.file.name)
    assert default_storage.save(row.file.name, ContentFile(data)) == row.file.name


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text a reader shows (poppler's pdftotext, the signature's appearance included)."""
    path = tmp_path / "extract.pdf"
    path.write_bytes(data)
    command = ["pdftotext", "-layout", str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def signature_status(data: bytes, roots: list[Any] | None = None) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    return validate_pdf_signature(
        signature, ValidationContext(trust_roots=roots or [signing.trust_root()], allow_fetching=False)
    )


def make_certificate(folder: Path, common_name: str, passphrase: bytes | None = None) -> tuple[Path, Path]:
    """A self-signed EC signing certificate and its key, as PEM files in ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


# --- issue -------------------------------------------------------------------------------------


def test_issued_result_is_signed_with_a_qr_link_to_the_verification_page(svc: Any, media: Path, tmp_path: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    dossier = reviewed(svc)
    row = issue(svc, dossier)
    row.refresh_from_db()
    assert (row.kind, row.digitised, row.signed, row.content_type) == (FileKind.RESULT, True, True, "application/pdf")
    assert row.verification_token is not None
    assert len(row.verification_token) >= 32
    assert row.original_name == "phieu-lltp.pdf"
    data = stored(row)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.size == len(data)

    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    status = signature_status(data)
    assert status.bottom_line
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "Tỉnh số – chứng thư thử nghiệm" in status.signing_cert.subject.human_friendly
    assert signature.sig_object["/Reason"] == "Kết quả giải quyết thủ tục hành chính"
    assert signature.sig_object["/Location"] == "Việt Nam"

    url = f"https://dichvucong.hungyen.gov.vn/xac-minh/{row.verification_token}/"
    assert signing.verification_url(row.verification_token) == url
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    annots = [annot.get_object() for annot in page["/Annots"]]
    widget = next(annot for annot in annots if annot.get("/FT") == "/Sig")
    appearance = widget["/AP"]["/N"].get_object()
    assert "/QR" in appearance["/Resources"]["/XObject"]  # the QR code is drawn in the signature
    # The stamp's font is embedded (a subset of DejaVu Sans), so the text keeps its diacritics.
    (font,) = appearance["/Resources"]["/Font"].values()
    descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert "DejaVuSans" in str(descriptor["/FontName"])
    assert "/FontFile2" in descriptor
    text = pdf_text(data, tmp_path)
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Cơ quan: Sở Tư pháp tỉnh Hưng Yên" in text
    assert f"Cơ quan: {svc.stp.name}" in text
    assert "Quét mã QR hoặc truy cập:" in text
    assert "https://dichvucong.hungyen.gov.vn/xac-minh/" in text
    assert f"{row.verification_token}/" in text
    links = [annot["/A"]["/URI"] for annot in annots if annot.get("/Subtype") == "/Link"]
    assert links == [url]

    entry = Entry.objects.latest("pk")
    assert entry.action == "services.dossier.result_issued"
    assert entry.payload.data["sha256"] == row.sha256
    the_draft = DossierFile.objects.get(dossier=dossier, kind=FileKind.DRAFT)
    assert (entry.payload.data["draft"], entry.payload.data["draft_sha256"]) == (the_draft.pk, the_draft.sha256)
    assert entry.payload.data["code"] == dossier.code
    assert "Nguyễn Văn An" not in entry.payload.canonical_json
    assert DossierEvent.objects.filter(dossier=dossier, action="result_issued").count() == 1


def test_issuing_notifies_the_applicant(svc: Any, media: Path, django_capture_on_commit_callbacks: Any) -> None:
    dossier = reviewed(svc, applicant_email="an.nguyen@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        issue(svc, dossier)
    (row,) = Notification.objects.filter(dossier=dossier, subject__endswith="Đã có kết quả")
    assert (row.channel, row.recipient, row.state) == ("email", "an.nguyen@example.vn", "sent")
    (message,) = [message for message in mail.outbox if message.subject.endswith("Đã có kết quả")]
    assert message.to == ["an.nguyen@example.vn"]
    assert message.subject == f"[Tỉnh số] Hồ sơ {dossier.code}: Đã có kết quả"
    assert f"Cơ quan đang xử lý: {svc.stp.name}" in message.body
    assert f"Cán bộ thực hiện: {svc.approver.get_full_name()}" in message.body
    assert "Kết quả điện tử có chữ ký số" in message.body
    assert GOOD_FORM["personal_id"] not in message.body


def test_a_refused_issue_notifies_nobody(svc: Any, media: Path) -> None:
    dossier = reviewed(svc, applicant_email="an.nguyen@example.vn")
    issue(svc, dossier)
    dossier.refresh_from_db()
    notifications = Notification.objects.filter(dossier=dossier).count()
    with pytest.raises(Conflict, match="không thể phát hành lần thứ hai"):
        signing.result_issue_from_draft(
            actor=svc.approver, dossier=dossier, draft=DossierFile.objects.get(dossier=dossier, kind=FileKind.DRAFT)
        )
    assert Notification.objects.filter(dossier=dossier).count() == notifications


@pytest.mark.parametrize("font", ["", "/khong-co/phong-chu.ttf"])
def test_without_a_usable_font_the_stamp_falls_back_to_plain_ascii(
    svc: Any, settings: Any, media: Path, tmp_path: Path, font: str
) -> None:
    settings.TINHSO_STAMP_FONT = font
    row = issue(svc)
    data = stored(row)
    text = pdf_text(data, tmp_path)
    assert "Co quan: So Tu phap tinh Hung Yen" in text
    assert f"Ma ho so: {row.dossier.code}" in text
    assert signature_status(data).bottom_line
    assert signing.result_verify(row.verification_token).valid


def test_a_draft_only_while_reviewed_or_awaiting_approval(svc: Any, media: Path) -> None:
    for state in (
        DossierState.ASSIGNED,
        DossierState.SUPPLEMENT_REQUESTED,
        DossierState.APPROVED,
        DossierState.REFUSED,
        DossierState.RESULT_RETURNED,
    ):
        dossier = make_dossier(svc, state, assignee=svc.handler)
        entries = Entry.objects.count()
        with pytest.raises(Conflict) as caught:
            draft(svc, dossier)
        assert (caught.value.status_code, caught.value.code) == (409, "wrong_state")
        assert Entry.objects.count() == entries
    assert DossierFile.objects.count() == 0
    assert stored_files(media) == []


def test_a_second_result_is_refused(svc: Any, media: Path) -> None:
    dossier = reviewed(svc)
    first = issue(svc, dossier)
    dossier.refresh_from_db()
    entries = Entry.objects.count()
    with pytest.raises(Conflict) as caught:
        signing.result_issue_from_draft(
            actor=svc.approver, dossier=dossier, draft=DossierFile.objects.get(dossier=dossier, kind=FileKind.DRAFT)
        )
    assert caught.value.code == "result_exists"
    assert list(DossierFile.objects.filter(kind=FileKind.RESULT)) == [first]
    assert Entry.objects.count() == entries
    assert len(stored_files(media)) == 2  # the draft and the signed result


def test_who_may_upload_the_draft(svc: Any, media: Path) -> None:
    dossier = reviewed(svc)
    for outsider in (svc.other_citizen, svc.sct_approver, svc.sct_handler):
        with pytest.raises(NotFound):
            draft(svc, dossier, actor=outsider)
    for person in (svc.citizen, svc.receiver, svc.approver, svc.handler2):  # they see it, but it is not theirs
        with pytest.raises(NotAllowed):
            draft(svc, dossier, actor=person)
    assert DossierFile.objects.count() == 0
    assert stored_files(media) == []
    row = draft(svc, dossier)
    assert (row.kind, row.uploaded_by, row.signed, row.owner) == (FileKind.DRAFT, svc.handler, False, None)


@pytest.mark.parametrize("data", [EXE, b"", b"<html><body>not a pdf</body></html>", b"%PDF-1.7\ngarbage"])
def test_the_draft_must_be_a_pdf(svc: Any, media: Path, data: bytes) -> None:
    dossier = reviewed(svc)
    entries = Entry.objects.count()
    with pytest.raises(DomainError) as caught:
        draft(svc, dossier, data)
    assert caught.value.status_code == 400
    assert caught.value.field == "file"
    assert DossierFile.objects.count() == 0
    assert Entry.objects.count() == entries
    assert stored_files(media) == []


# --- verify (service) ----------------------------------------------------------------------------


def test_verify_says_valid_and_carries_no_personal_data(svc: Any, media: Path) -> None:
    row = issue(svc)
    pending = signing.result_verify(row.verification_token)
    # Seconds after issue the entry is recorded but not sealed: "being recorded", no proof yet.
    assert (pending.ledger_pending, pending.ledger_match, pending.ledger_sequence) == (True, False, None)
    assert pending.valid
    seal()
    result = signing.result_verify(row.verification_token)
    assert result.valid
    assert result.signature_valid
    assert result.unmodified
    assert result.ledger_match
    assert result.ledger_pending is False
    assert result.ledger_sequence is not None
    assert result.ledger_checkpointed is False
    assert result.upload_matches is None
    assert result.dossier_code == row.dossier.code
    assert result.agency_name == svc.stp.name
    assert "chứng thư thử nghiệm" in result.signer_subject
    values = " ".join(str(value) for value in vars(result).values())
    for personal in ("Nguyễn Văn An", GOOD_FORM["personal_id"], GOOD_FORM["phone"]):
        assert personal not in values
    checkpoint_sign()
    assert signing.result_verify(row.verification_token).ledger_checkpointed is True


def test_verify_compares_an_uploaded_pdf(svc: Any, media: Path) -> None:
    row = issue(svc)
    assert signing.result_verify(row.verification_token, pdf=stored(row)).upload_matches is True
    assert signing.result_verify(row.verification_token, pdf=sample_pdf("Khac")).upload_matches is False
    with pytest.raises(DomainError) as caught:
        signing.result_verify(row.verification_token, pdf=EXE)
    assert caught.value.status_code == 400
    assert caught.value.field == "file"


def test_unknown_token_is_not_found(svc: Any) -> None:
    for token in ("khong-co", ""):
        with pytest.raises(NotFound):
            signing.result_verify(token)


def test_forging_file_and_recorded_digest_together_still_fails_the_ledger(svc: Any, media: Path) -> None:
    row = issue(svc)
    forged = sample_pdf("Gia mao")
    replace_stored(row, forged)
    DossierFile.objects.filter(pk=row.pk).update(sha256=hashlib.sha256(forged).hexdigest())
    result = signing.result_verify(row.verification_token)
    assert result.unmodified is True  # consistent with the row…
    assert result.ledger_match is False
    assert result.signature_valid is False
    assert not result.valid


# --- key material --------------------------------------------------------------------------------


def test_demo_certificate_is_generated_once_and_reused(svc: Any, media: Path, signing_data_dir: Path) -> None:
    key, cert, passphrase = signing.signing_material()
    assert (key, cert) == signing.demo_material_paths()
    assert passphrase is None
    assert key.parent == signing_data_dir / "signing"
    before = cert.read_bytes()
    signing.signing_material()
    assert cert.read_bytes() == before


@pytest.mark.parametrize("debug", [False, True])
def test_no_demo_certificate_unless_the_setting_allows_it(settings: Any, debug: bool) -> None:
    settings.DEBUG = debug  # the setting decides (its default is DEBUG), not DEBUG nor a test runner
    settings.TINHSO_SIGNING_DEMO = False
    with pytest.raises(ImproperlyConfigured) as caught:
        signing.signing_material()
    for name in ("TINHSO_SIGNING_KEY_FILE", "TINHSO_SIGNING_CERT_FILE", "TINHSO_SIGNING_DEMO"):
        assert name in str(caught.value)


def test_demo_setting_alone_allows_the_demo_certificate(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DEBUG = False
    settings.TINHSO_SIGNING_DEMO = True
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    key, cert, _passphrase = signing.signing_material()
    assert (key, cert) == signing.demo_material_paths()


def test_approving_without_key_material_leaves_nothing_behind(svc: Any, settings: Any, media: Path) -> None:
    dossier = reviewed(svc, applicant_email="an.nguyen@example.vn")
    the_draft = draft(svc, dossier)
    services.dossier_submit_for_approval(actor=svc.handler, dossier=dossier)
    settings.TINHSO_SIGNING_DEMO = False
    entries, notifications = Entry.objects.count(), Notification.objects.filter(dossier=dossier).count()
    with pytest.raises(ImproperlyConfigured):
        services.dossier_approve(actor=svc.approver, dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.decided_at) == (DossierState.PENDING_APPROVAL, None)
    assert list(DossierFile.objects.all()) == [the_draft]
    assert Entry.objects.count() == entries
    assert not DossierEvent.objects.filter(dossier=dossier, action__in=["approve", "result_issued"]).exists()
    assert Notification.objects.filter(dossier=dossier).count() == notifications
    assert stored_files(media) == [media / the_draft.file.name]


def test_configured_certificate_with_passphrase_signs_and_verifies(
    svc: Any, settings: Any, tmp_path: Path, media: Path
) -> None:
    key, cert = make_certificate(tmp_path, "Sở Tư pháp tỉnh Hưng Yên", passphrase=b"mat-khau")
    settings.TINHSO_SIGNING_KEY_FILE = str(key)
    settings.TINHSO_SIGNING_CERT_FILE = str(cert)
    settings.TINHSO_SIGNING_KEY_PASSPHRASE = "mat-khau"
    row = issue(svc)
    result = signing.result_verify(row.verification_token)
    assert result.valid
    assert "Sở Tư pháp tỉnh Hưng Yên" in result.signer_subject


def test_results_signed_before_a_rotation_verify_while_the_old_certificate_is_trusted(
    svc: Any, settings: Any, tmp_path: Path, media: Path
) -> None:
    old_key, old_cert = make_certificate(tmp_path / "2025", "Sở Tư pháp – chứng thư 2025")
    new_key, new_cert = make_certificate(tmp_path / "2026", "Sở Tư pháp – chứng thư 2026")
    settings.TINHSO_SIGNING_KEY_FILE, settings.TINHSO_SIGNING_CERT_FILE = str(old_key), str(old_cert)
    before = issue(svc)
    assert signing.result_verify(before.verification_token).valid

    # Rotation: the new certificate signs from now on.
    settings.TINHSO_SIGNING_KEY_FILE, settings.TINHSO_SIGNING_CERT_FILE = str(new_key), str(new_cert)
    after = issue(svc)
    seal()
    settings.TINHSO_SIGNING_TRUSTED_CERTS = []
    untrusted = signing.result_verify(before.verification_token)
    assert untrusted.signature_valid is False
    assert untrusted.unmodified
    assert untrusted.ledger_match
    assert not untrusted.valid
    assert signing.result_verify(after.verification_token).valid

    settings.TINHSO_SIGNING_TRUSTED_CERTS = [str(old_cert)]
    trusted = signing.result_verify(before.verification_token)
    assert trusted.valid
    assert "chứng thư 2025" in trusted.signer_subject
    assert "chứng thư 2026" in signing.result_verify(after.verification_token).signer_subject
    assert len(signing.trust_roots()) == 2


def test_an_unreadable_trusted_certificate_is_a_configuration_error(
    svc: Any, settings: Any, tmp_path: Path, media: Path
) -> None:
    row = issue(svc)
    (tmp_path / "hong.pem").write_text("not a certificate")
    for path in (tmp_path / "khong-co.pem", tmp_path / "hong.pem"):
        settings.TINHSO_SIGNING_TRUSTED_CERTS = [str(path)]
        with pytest.raises(ImproperlyConfigured) as caught:
            signing.result_verify(row.verification_token)
        assert "TINHSO_SIGNING_TRUSTED_CERTS" in str(caught.value)
        assert str(path) in str(caught.value)


# --- the public page -----------------------------------------------------------------------------


def test_page_shows_a_valid_result(svc: Any, media: Path) -> None:
    row = issue(svc)
    url = reverse("verify:result", args=[row.verification_token])
    assert url == f"/xac-minh/{row.verification_token}/"
    assert "đang ghi sổ cái" in Client().get(url).content.decode()  # not sealed yet
    seal()
    response = Client().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-valid="true"' in html
    for text in ("Chữ ký số hợp lệ", "Tài liệu chưa bị sửa đổi", "Khớp với sổ cái", row.dossier.code, svc.stp.name):
        assert text in html
    assert "Nguyễn Văn An" not in html
    assert GOOD_FORM["personal_id"] not in html
    assert response["Referrer-Policy"] == "no-referrer"


def test_page_shows_a_tampered_result_as_invalid(svc: Any, media: Path) -> None:
    row = issue(svc)
    data = bytearray(stored(row))
    position = data.find(b"Phieu LLTP")
    data[position : position + 5] = b"Phiez"
    replace_stored(row, bytes(data))
    html = Client().get(reverse("verify:result", args=[row.verification_token])).content.decode()
    assert 'data-valid="false"' in html
    assert "Chữ ký số không hợp lệ" in html
    assert "Tài liệu đã bị sửa đổi" in html
    assert "Không khớp với sổ cái" in html


def test_page_compares_an_uploaded_pdf(svc: Any, media: Path) -> None:
    row = issue(svc)
    url = reverse("verify:result", args=[row.verification_token])
    client = Client(enforce_csrf_checks=True)
    token = client.get(url).cookies["csrftoken"].value

    def post(data: bytes, name: str = "ket-qua.pdf") -> Any:
        return client.post(url, {"file": ContentFile(data, name=name), "csrfmiddlewaretoken": token})

    same = post(stored(row))
    assert same.status_code == 200
    assert "Tệp của bạn khớp với kết quả đã phát hành." in same.content.decode()
    other = post(sample_pdf("Khac"))
    assert other.status_code == 200
    assert "không khớp" in other.content.decode()
    exe = post(EXE, "ket-qua.pdf")
    assert exe.status_code == 400
    assert "Tệp không phải định dạng PDF." in exe.content.decode()
    assert (
        Client(enforce_csrf_checks=True).post(url, {"file": ContentFile(stored(row), name="a.pdf")}).status_code == 403
    )  # no CSRF token
    the_draft = DossierFile.objects.get(dossier=row.dossier, kind=FileKind.DRAFT)
    assert sorted(stored_files(media)) == sorted([media / row.file.name, media / the_draft.file.name])  # nothing
    # the visitor sent is kept


def test_page_refuses_an_oversized_upload(svc: Any, settings: Any, media: Path) -> None:
    row = issue(svc)
    settings.TINHSO_UPLOAD_MAX_BYTES = 1024 * 1024
    response = Client().post(
        reverse("verify:result", args=[row.verification_token]),
        {"file": ContentFile(sample_pdf() + b"%" + b"0" * (1024 * 1024), name="to.pdf")},
    )
    assert response.status_code == 400
    assert "tối đa 1 MB" in response.content.decode()


def test_unknown_token_page_is_404(svc: Any) -> None:
    response = Client().get(reverse("verify:result", args=["khong-ton-tai"]))
    assert response.status_code == 404
    assert "Không tìm thấy kết quả" in response.content.decode()
