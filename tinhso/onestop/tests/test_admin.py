"""Admin of the one-stop shop: the pages the services write to render, read-only, with personal
data masked in the lists; deleting a notification is the one admin write, and it is ledgered
without the recipient or the text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import GOOD_FORM
from tinhso.onestop.dossiers import intake
from tinhso.onestop.models import (
    Dossier,
    DossierFile,
    FileKind,
    Notification,
    NotificationChannel,
    NotificationState,
    Payment,
    PaymentMethod,
    PaymentState,
    Rating,
)
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db

ADMIN = "/quan-tri/services/"
PHONE = "0912345678"
EMAIL = "an.nguyen@example.vn"
PERSONAL_ID = GOOD_FORM["personal_id"]
BODY = "Hồ sơ của ông Nguyễn Văn An đã được tiếp nhận."
PAGES = ("dossier", "dossierfile", "payment", "rating", "notification")


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(
        Person.objects.create_superuser(
            username="quantri", email="quantri@example.vn", password="x", full_name="Quản Trị"
        )
    )
    return client


@pytest.fixture
def rows(svc: Any) -> dict[str, Any]:
    dossier = intake.dossier_submit_online(
        applicant=svc.citizen,
        procedure=svc.procedure,
        agency=svc.centre,
        form_data=GOOD_FORM,
        idempotency_key="admin-1",
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_phone=PHONE, applicant_email=EMAIL, applicant_personal_id=PERSONAL_ID
    )
    sms = Notification.objects.create(
        dossier=dossier,
        channel=NotificationChannel.SMS,
        recipient=PHONE,
        subject="[Tỉnh số] Hồ sơ",
        body=BODY,
        state=NotificationState.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )
    email = Notification.objects.create(
        dossier=dossier,
        channel=NotificationChannel.EMAIL,
        recipient=EMAIL,
        subject="[Tỉnh số] Hồ sơ",
        body=BODY,
        state=NotificationState.FAILED,
        attempts=1,
        error="SMTPError",
    )
    file = DossierFile.objects.create(
        dossier=dossier,
        kind=FileKind.COMPONENT,
        file="dossiers/x/a.pdf",
        original_name=f"CCCD {PERSONAL_ID}.pdf",
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
        digitised=True,
        owner=svc.citizen,
    )
    payment = Payment.objects.create(
        dossier=dossier,
        amount_vnd=200_000,
        method=PaymentMethod.COUNTER,
        reference="PAY-ADMIN-1",
        state=PaymentState.PAID,
        receipt_number="BL-1",
    )
    rating = Rating.objects.create(dossier=dossier, score=5, comment=f"Gọi tôi {PHONE}", rated_by=svc.citizen)
    return {"dossier": dossier, "sms": sms, "email": email, "file": file, "payment": payment, "rating": rating}


def test_changelists_render_with_personal_data_masked(admin_client: Client, rows: dict[str, Any]) -> None:
    for page in PAGES:
        response = admin_client.get(f"{ADMIN}{page}/")
        assert response.status_code == 200, page
        html = response.content.decode()
        for secret in (PHONE, EMAIL, PERSONAL_ID, BODY, "Nguyễn Văn An"):
            assert secret not in html, (page, secret)
    notifications = admin_client.get(f"{ADMIN}notification/").content.decode()
    assert "******5678" in notifications
    assert "a***@example.vn" in notifications
    assert "PAY-ADMIN-1" in admin_client.get(f"{ADMIN}payment/").content.decode()
    assert "N. V. An" in admin_client.get(f"{ADMIN}dossier/").content.decode()


def test_detail_pages_render_read_only(admin_client: Client, rows: dict[str, Any]) -> None:
    for page, key in (("dossierfile", "file"), ("payment", "payment"), ("rating", "rating"), ("notification", "sms")):
        response = admin_client.get(f"{ADMIN}{page}/{rows[key].pk}/change/")
        assert response.status_code == 200, page
        assert 'name="_save"' not in response.content.decode(), page  # nothing to save
        assert admin_client.get(f"{ADMIN}{page}/add/").status_code == 403, page
    notification = admin_client.get(f"{ADMIN}notification/{rows['sms'].pk}/change/").content.decode()
    assert PHONE not in notification
    assert "******5678" in notification
    before = (Payment.objects.count(), Rating.objects.count(), DossierFile.objects.count())
    for page, key in (("dossierfile", "file"), ("payment", "payment"), ("rating", "rating")):
        assert admin_client.post(f"{ADMIN}{page}/{rows[key].pk}/delete/", {"post": "yes"}).status_code == 403
    assert (Payment.objects.count(), Rating.objects.count(), DossierFile.objects.count()) == before


def test_dossier_and_file_pages_show_personal_data_masked(admin_client: Client, rows: dict[str, Any]) -> None:
    """The system administrator reads a dossier as a leader does (``rules.may_read_personal_data``):
    masked contacts and e-form, no file name, no file, no applicant account."""
    dossier = admin_client.get(f"{ADMIN}dossier/{rows['dossier'].pk}/change/")
    assert dossier.status_code == 200
    html = dossier.content.decode()
    for secret in (PHONE, EMAIL, PERSONAL_ID, "Nguyễn Văn An", GOOD_FORM["purpose"]):
        assert secret not in html, secret
    for masked in ("N. V. An", "********1234", "******5678", "a***@example.vn"):
        assert masked in html, masked
    file = admin_client.get(f"{ADMIN}dossierfile/{rows['file'].pk}/change/").content.decode()
    for secret in (PERSONAL_ID, "Nguyễn Văn An", rows["file"].file.name):
        assert secret not in file, secret
    for page, key in (("payment", "payment"), ("rating", "rating")):
        assert "Nguyễn Văn An" not in admin_client.get(f"{ADMIN}{page}/{rows[key].pk}/change/").content.decode()


def test_deleting_a_notification_is_ledgered_without_recipient_or_text(
    admin_client: Client,
    rows: dict[str, Any],
) -> None:
    pk = rows["email"].pk
    response = admin_client.post(f"{ADMIN}notification/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Notification.objects.filter(pk=pk).exists()
    assert Notification.objects.filter(pk=rows["sms"].pk).exists()
    entry = Entry.objects.get(action="services.notification.delete", object_id=str(pk))
    text = json.dumps(entry.payload.data, ensure_ascii=False)
    assert entry.payload.data["values"]["state"] == NotificationState.FAILED
    for secret in (EMAIL, BODY, "[Tỉnh số]", "SMTPError"):
        assert secret not in text


def test_procedure_page_searches_agencies_instead_of_listing_them_all(admin_client: Client, svc: Any) -> None:
    """Every province's and commune's agencies are loaded (tens of thousands): the procedure
    page must not put each of them in a select box, or it takes seconds to load."""
    from tinhso.org.models import Agency

    marker = "Cơ quan thử danh sách dài"
    Agency.objects.bulk_create(
        [
            Agency(
                name=f"{marker} {number}",
                key=f"list-test-{number}",
                kind=svc.centre.kind,
                unit=svc.centre.unit,
                path=f"{svc.centre.path}x{number}/",
            )
            for number in range(200)
        ]
    )
    page = admin_client.get(f"{ADMIN}procedure/add/")
    assert page.status_code == 200
    body = page.content.decode()
    assert marker not in body
    assert "admin-autocomplete" in body
    change = admin_client.get(f"{ADMIN}procedure/{svc.procedure.pk}/change/").content.decode()
    assert marker not in change
    assert svc.centre.name in change  # the procedure's own agencies are shown as chosen
