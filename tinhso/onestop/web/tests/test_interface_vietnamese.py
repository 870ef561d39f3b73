"""Issue 12, item 17: the verification page names a certificate's fields in Vietnamese, and
every page of an online payment leads back to the dossier."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tinhso.onestop.conftest import GOOD_FORM
from tinhso.onestop.models import Dossier, Payment
from tinhso.onestop.results.signing import subject_text
from tinhso.onestop.results.tests.test_signing import issue, public_url  # noqa: F401 - the fixture sets the address QR codes use

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_the_verification_page_names_the_certificate_in_vietnamese(svc: Any, client: Client) -> None:
    row = issue(svc)
    html = client.get(reverse("verify:result", args=[row.verification_token])).content.decode()
    assert "Tên: " in html
    for english in ("Common Name", "Organization", "Country", "Organizational Unit", "Locality"):
        assert english not in html


def test_every_subject_attribute_has_a_vietnamese_name() -> None:
    from asn1crypto import x509

    name = x509.Name.build(
        {
            "country_name": "VN",
            "state_or_province_name": "Hưng Yên",
            "locality_name": "Phố Hiến",
            "organization_name": "UBND tỉnh Hưng Yên",
            "organizational_unit_name": "Sở Tư pháp",
            "common_name": "Sở Tư pháp tỉnh Hưng Yên",
            "email_address": "stp@hungyen.gov.vn",
            "serial_number": "MST:0101234567",
            "title": "Giám đốc",
        }
    )
    with translation.override("vi"):
        text = subject_text(name)
    assert sorted(text.split("; ")) == sorted(
        [
            "Quốc gia: VN",
            "Tỉnh/thành phố: Hưng Yên",
            "Địa phương: Phố Hiến",
            "Tổ chức: UBND tỉnh Hưng Yên",
            "Đơn vị: Sở Tư pháp",
            "Tên: Sở Tư pháp tỉnh Hưng Yên",
            "Thư điện tử: stp@hungyen.gov.vn",
            "Số hiệu: MST:0101234567",
            "Chức danh: Giám đốc",
        ]
    )


def test_each_payment_page_links_back_to_the_dossier(svc: Any, clock: Any) -> None:
    from tinhso.onestop.dossiers import intake
    from tinhso.onestop.dossiers import services as S

    dossier: Dossier = intake.dossier_submit_online(
        applicant=svc.citizen,
        procedure=svc.procedure,
        agency=svc.centre,
        form_data=GOOD_FORM,
        idempotency_key="pay-back-000000000001",
    )
    dossier = S.dossier_receive(actor=svc.receiver, dossier=dossier)  # paid online once received
    client = Client()
    client.force_login(svc.citizen)
    back = reverse("citizen:dossier", args=[dossier.pk])
    start = client.get(reverse("payment:start", args=[dossier.pk]))
    assert f'href="{back}"' in start.content.decode()
    checkout = client.get(client.post(reverse("payment:start", args=[dossier.pk]))["Location"])
    assert f'href="{back}"' in checkout.content.decode()
    payment = Payment.objects.get(dossier=dossier)
    paid = client.post(reverse("payment:checkout", args=[payment.reference]), {"ket_qua": "thanh-cong"})
    done = client.get(paid["Location"])
    html = done.content.decode()
    assert "Thanh toán thành công" in html
    assert f'href="{back}"' in html
    assert "Quay lại hồ sơ" in html
