"""Each agency signs its results with its own certificate when it has one (by electronic id in
TINHSO_SIGNING_AGENCY_DIR); the platform's certificate signs for the others; both verify."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tinhso.onestop.results import signing
from tinhso.onestop.results.tests.test_signing import issue, make_certificate, stored
from tinhso.org import services as org_services
from tinhso.org.models import AgencyKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture(autouse=True)
def public_url(settings: Any) -> None:
    settings.TINHSO_PUBLIC_URL = "https://dichvucong.hungyen.gov.vn"


def _signer_name(data: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    return signature.signer_cert.subject.native["common_name"]


def _agency_certificate(folder: Path, code: str, name: str) -> None:
    key, cert = make_certificate(folder / "tmp" / code, name)
    key.rename(folder / f"{code}.key.pem")
    cert.rename(folder / f"{code}.cert.pem")


def test_an_agency_with_its_own_certificate_signs_with_it(svc: Any, settings: Any, tmp_path: Path) -> None:
    folder = tmp_path / "agency-certs"
    folder.mkdir()
    settings.TINHSO_SIGNING_AGENCY_DIR = str(folder)
    _agency_certificate(folder, svc.stp.code, "So Tu phap Hung Yen")
    row = issue(svc)  # drafted under review at Sở Tư pháp (H31.02), then approved
    assert _signer_name(stored(row)) == "So Tu phap Hung Yen"
    result = signing.result_verify(row.verification_token)
    assert result.signature_valid
    assert result.valid
    assert "So Tu phap Hung Yen" in result.signer_subject


def test_a_division_signs_with_its_department_and_others_with_the_platform(
    svc: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "agency-certs"
    folder.mkdir()
    settings.TINHSO_SIGNING_AGENCY_DIR = str(folder)
    _agency_certificate(folder, svc.stp.code, "So Tu phap Hung Yen")
    division = org_services.agency_create(
        actor=None, name="Phòng Hành chính tư pháp", kind=AgencyKind.DIVISION, unit=svc.stp.unit, parent=svc.stp
    )
    assert signing.signing_material(division)[1] == folder / f"{svc.stp.code}.cert.pem"
    platform = signing.signing_material()
    assert signing.signing_material(svc.sct) == platform  # Sở Công Thương has no certificate of its own
    settings.TINHSO_SIGNING_AGENCY_DIR = ""
    assert signing.signing_material(svc.stp) == platform  # nothing configured: as before


def test_an_electronic_id_that_is_not_a_file_name_is_never_read_as_a_path(
    svc: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "agency-certs"
    folder.mkdir()
    settings.TINHSO_SIGNING_AGENCY_DIR = str(folder)
    _agency_certificate(tmp_path, "x", "outside")  # x.key.pem beside the folder, reached by "../x"
    assert (folder / "../x.key.pem").is_file()
    type(svc.sct).objects.filter(pk=svc.sct.pk).update(code="../x")
    svc.sct.refresh_from_db()
    assert signing.signing_material(svc.sct) == signing.signing_material()
