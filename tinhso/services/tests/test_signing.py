"""Signed results: issue (PAdES with a QR code to the verification page) and public verification."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.ledger.models import Entry
from tinhso.ledger.services import checkpoint_sign
from tinhso.services import signing
from tinhso.services.models import DossierEvent, DossierFile, DossierState, FileKind

from .conftest import GOOD_FORM
from .test_files import EXE, make_dossier, make_pdf, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def signing_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One DATA_DIR for the session, so the demo certificate is generated once."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path, signing_data_dir: Path) -> Iterator[Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = signing_data_dir
    settings.TINHSO_SIGNING_KEY_FILE = ""
    settings.TINHSO_SIGNING_CERT_FILE = ""
    settings.TINHSO_PUBLIC_URL = "https://dichvucong.hungyen.gov.vn"
    return settings.MEDIA_ROOT


def issue(svc: Any, dossier: Any = None, pdf: bytes | None = None) -> DossierFile:
    dossier = dossier or make_dossier(svc, DossierState.APPROVED)
    data = make_pdf("Phieu LLTP") if pdf is None else pdf
    return signing.dossier_result_issue(actor=svc.approver, dossier=dossier, pdf=data, filename="phieu-lltp.pdf")


def stored(row: DossierFile) -> bytes:
    with default_storage.open(row.file.name, "rb") as handle:
        return handle.read()


def replace_stored(row: DossierFile, data: bytes) -> None:
    default_storage.delete(row.file.name)
    assert default_storage.save(row.file.name, ContentFile(data)) == row.file.name


# --- issue -------------------------------------------------------------------------------------

def test_issued_result_is_signed_with_a_qr_link_to_the_verification_page(svc: Any, media: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    dossier = make_dossier(svc, DossierState.APPROVED)
    row = issue(svc, dossier)
    row.refresh_from_db()
    assert (row.kind, row.digitised, row.signed, row.content_type) == (FileKind.RESULT, True, True, "application/pdf")
    assert len(row.verification_token) >= 32
    assert row.original_name == "phieu-lltp.pdf"
    data = stored(row)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.size == len(data)

    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[signing.trust_root()], allow_fetching=False))
    assert status.bottom_line
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "Tỉnh số – chứng thư thử nghiệm" in status.signing_cert.subject.human_friendly

    url = f"https://dichvucong.hungyen.gov.vn/xac-minh/{row.verification_token}/"
    assert signing.verification_url(row.verification_token) == url
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    annots = [annot.get_object() for annot in page["/Annots"]]
    widget = next(annot for annot in annots if annot.get("/FT") == "/Sig")
    appearance = widget["/AP"]["/N"].get_object()
    assert "/QR" in appearance["/Resources"]["/XObject"]  # the QR code is drawn in the signature
    text = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), appearance.data.decode("latin-1"))
    assert dossier.code in text
    assert "So Tu phap" in text
    assert "https://dichvucong.hungyen.gov.vn/xac-minh/" in text
    assert f"{row.verification_token}/" in text
    links = [annot["/A"]["/URI"] for annot in annots if annot.get("/Subtype") == "/Link"]
    assert links == [url]

    entry = Entry.objects.latest("sequence")
    assert entry.action == "services.dossier.result_issued"
    assert entry.payload.data["sha256"] == row.sha256
    assert entry.payload.data["code"] == dossier.code
    assert "Nguyễn Văn An" not in entry.payload.canonical_json
    assert DossierEvent.objects.filter(dossier=dossier, action="result_issued").count() == 1


def test_result_only_in_state_approved(svc: Any, media: Path) -> None:
    for state in (DossierState.PENDING_APPROVAL, DossierState.REFUSED, DossierState.RESULT_RETURNED):
        with pytest.raises(Conflict) as caught:
            issue(svc, make_dossier(svc, state))
        assert caught.value.status_code == 409
    assert DossierFile.objects.count() == 0
    assert stored_files(media) == []


def test_a_second_result_is_refused(svc: Any, media: Path) -> None:
    dossier = make_dossier(svc, DossierState.APPROVED)
    first = issue(svc, dossier)
    entries = Entry.objects.count()
    with pytest.raises(Conflict):
        issue(svc, dossier)
    assert list(DossierFile.objects.filter(kind=FileKind.RESULT)) == [first]
    assert Entry.objects.count() == entries
    assert len(stored_files(media)) == 1


def test_who_may_issue(svc: Any, media: Path) -> None:
    dossier = make_dossier(svc, DossierState.APPROVED)
    for outsider in (svc.other_citizen, svc.sct_approver, svc.sct_handler):
        with pytest.raises(NotFound):
            signing.dossier_result_issue(actor=outsider, dossier=dossier, pdf=make_pdf(), filename="kq.pdf")
    for person in (svc.citizen, svc.receiver):  # they see it, but may not sign for the agency
        with pytest.raises(NotAllowed):
            signing.dossier_result_issue(actor=person, dossier=dossier, pdf=make_pdf(), filename="kq.pdf")
    assert DossierFile.objects.count() == 0
    assert stored_files(media) == []
    row = signing.dossier_result_issue(actor=svc.handler, dossier=dossier, pdf=make_pdf(), filename="kq.pdf")
    assert row.uploaded_by == svc.handler


@pytest.mark.parametrize("data", [EXE, b"", b"<html><body>not a pdf</body></html>", b"%PDF-1.7\ngarbage"])
def test_result_must_be_a_pdf(svc: Any, media: Path, data: bytes) -> None:
    entries = Entry.objects.count()
    with pytest.raises(DomainError) as caught:
        issue(svc, pdf=data)
    assert caught.value.status_code == 400
    assert DossierFile.objects.count() == 0
    assert Entry.objects.count() == entries
    assert stored_files(media) == []


# --- verify (service) ----------------------------------------------------------------------------

def test_verify_says_valid_and_carries_no_personal_data(svc: Any, media: Path) -> None:
    row = issue(svc)
    result = signing.result_verify(row.verification_token)
    assert result.valid
    assert result.signature_valid
    assert result.unmodified
    assert result.ledger_match
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
    assert signing.result_verify(row.verification_token, pdf=make_pdf("Khac")).upload_matches is False
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
    forged = make_pdf("Gia mao")
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


def test_no_demo_certificate_in_production(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DEBUG = False
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    with pytest.raises(ImproperlyConfigured):
        signing.signing_material()


def test_configured_certificate_with_passphrase_signs_and_verifies(svc: Any, settings: Any, tmp_path: Path,
                                                                   media: Path) -> None:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sở Tư pháp tỉnh Hưng Yên")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"mat-khau")))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    settings.TINHSO_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    settings.TINHSO_SIGNING_CERT_FILE = str(tmp_path / "cert.pem")
    settings.TINHSO_SIGNING_KEY_PASSPHRASE = "mat-khau"
    row = issue(svc)
    result = signing.result_verify(row.verification_token)
    assert result.valid
    assert "Sở Tư pháp tỉnh Hưng Yên" in result.signer_subject


# --- the public page -----------------------------------------------------------------------------

def test_page_shows_a_valid_result(svc: Any, media: Path) -> None:
    row = issue(svc)
    url = reverse("verify:result", args=[row.verification_token])
    assert url == f"/xac-minh/{row.verification_token}/"
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
    data[position:position + 5] = b"Phiez"
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
    other = post(make_pdf("Khac"))
    assert other.status_code == 200
    assert "không khớp" in other.content.decode()
    exe = post(EXE, "ket-qua.pdf")
    assert exe.status_code == 400
    assert "Tệp không phải định dạng PDF." in exe.content.decode()
    assert Client(enforce_csrf_checks=True).post(url, {"file": ContentFile(stored(row), name="a.pdf")}).status_code \
        == 403  # no CSRF token
    assert stored_files(media) == [media / row.file.name]  # nothing the visitor sent is kept


def test_page_refuses_an_oversized_upload(svc: Any, settings: Any, media: Path) -> None:
    row = issue(svc)
    settings.TINHSO_UPLOAD_MAX_BYTES = 1024 * 1024
    response = Client().post(reverse("verify:result", args=[row.verification_token]),
                             {"file": ContentFile(make_pdf() + b"%" + b"0" * (1024 * 1024), name="to.pdf")})
    assert response.status_code == 400
    assert "tối đa 1 MB" in response.content.decode()


def test_unknown_token_page_is_404(svc: Any) -> None:
    response = Client().get(reverse("verify:result", args=["khong-ton-tai"]))
    assert response.status_code == 404
    assert "Không tìm thấy kết quả" in response.content.decode()
