"""Who reads an applicant's personal data in full: one rule (``rules.may_read_personal_data``) for
the officer's dossier page, the printable forms (.docx read back), the API's dossier detail and
file list (``form_data`` included), the file downloads and the citizen page an officer may open.

Identities around one online dossier received at the Hưng Yên centre, forwarded to Sở Tư pháp
and assigned there: in full — the applicant, the centre's desk, Sở Tư pháp's desk (it handles the
dossier now), the handler it is assigned to, Sở Tư pháp's approver; masked — another handler of
Sở Tư pháp, the centre's approver (the dossier went elsewhere), a read-only leader of the
province; nothing at all — the DX office (no dossier in its reach) and another citizen.
"""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from docx import Document

from tinhso.onestop.conftest import GOOD_FORM, submit_online, to_review
from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.dossiers import services
from tinhso.onestop.files import services as files
from tinhso.onestop.models import Dossier, Procedure
from tinhso.onestop.rules import may_read_personal_data as reads
from tinhso.org.models import Agency, Person
from tinhso.org.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

NAME = "Nguyễn Văn An"
PERSONAL_ID = "033095001234"
PHONE = "0912345678"
EMAIL = "an.nguyen@example.vn"
PURPOSE = GOOD_FORM["purpose"]
UPLOAD_NAME = f"CCCD {NAME}.pdf"
# Everything personal the dossier holds, as the masked views show it.
MASKED = {"name": "N. V. An", "personal_id": "********1234", "phone": "******5678", "email": "a***@example.vn"}
SECRETS = (NAME, PERSONAL_ID, PHONE, EMAIL, PURPOSE, UPLOAD_NAME)

FULL = ("applicant", "desk", "handling_desk", "assignee", "approver")
MASKED_VIEWERS = ("other_handler", "desk_approver", "leader")
NO_ACCESS = ("dx_office", "other_citizen")


@pytest.fixture
def world(svc: SimpleNamespace, make_person: Any, clock: Any) -> SimpleNamespace:
    """The dossier under review at Sở Tư pháp, with a component the applicant uploaded, and every
    identity by name."""
    Person.objects.filter(pk=svc.citizen.pk).update(personal_id=PERSONAL_ID, phone=PHONE, email=EMAIL)
    svc.citizen.refresh_from_db()
    dossier = submit_online(svc, "pd-1")
    component = files.dossier_file_add(
        actor=svc.citizen,
        dossier=dossier,
        upload=SimpleUploadedFile(UPLOAD_NAME, sample_pdf(), "application/pdf"),
        requirement=None,
        digitised=False,
    )
    dossier = to_review(svc, dossier)
    province = Agency.objects.get(pk=svc.centre.ancestor_ids[0])
    people = {
        "applicant": svc.citizen,
        "desk": svc.receiver,
        "assignee": svc.handler,
        "approver": svc.approver,
        "handling_desk": make_person("motcua.stp", Role.RECEIVER, svc.stp),
        "other_handler": svc.handler2,
        "desk_approver": make_person("pheduyet.ttpvhcc", Role.APPROVER, svc.centre),
        "leader": make_person("lanhdao.tinh", Role.LEADER, province),
        "dx_office": make_person("cds.tinh", Role.DX_OFFICE, province),
        "other_citizen": svc.other_citizen,
    }
    return SimpleNamespace(dossier=Dossier.objects.get(pk=dossier.pk), file=component, people=people, svc=svc)


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(lines).split())


def _api_detail(client: Client, dossier: Dossier) -> dict[str, Any]:
    response = client.get(f"/api/services/dossiers/{dossier.pk}/")
    assert response.status_code == 200, response.content.decode()
    return response.json()


# --- the rule ----------------------------------------------------------------------------------


def test_the_rule_for_each_identity(world: SimpleNamespace) -> None:
    verdicts = {who: reads(person, world.dossier) for who, person in world.people.items()}
    assert verdicts == {**dict.fromkeys(FULL, True), **dict.fromkeys(MASKED_VIEWERS + NO_ACCESS, False)}


def test_the_rule_follows_the_dossier(world: SimpleNamespace) -> None:
    """While the centre handles a dossier its approver reads it in full; once forwarded, Sở Tư
    pháp's approver does and the centre's does not; the handler it is assigned to does, the
    other handler does not; someone whose account is disabled never does."""
    svc = world.svc
    desk_approver = world.people["desk_approver"]
    dossier = services.dossier_receive(actor=svc.receiver, dossier=submit_online(svc, "pd-2"))
    assert (reads(desk_approver, dossier), reads(svc.approver, dossier)) == (True, False)
    dossier = services.dossier_forward(actor=svc.receiver, dossier=dossier, to_agency=svc.stp)
    assert (reads(desk_approver, dossier), reads(svc.approver, dossier)) == (False, True)
    assert reads(svc.handler2, dossier) is False
    dossier = services.dossier_assign(actor=svc.approver, dossier=dossier, assignee=svc.handler2)
    assert (reads(svc.handler2, dossier), reads(svc.handler, dossier)) == (True, False)
    assert reads(svc.receiver, dossier) is True  # the desk that took it in
    Person.objects.filter(pk=svc.receiver.pk).update(is_active=False)
    svc.receiver.refresh_from_db()
    assert reads(svc.receiver, dossier) is False


# --- the officer's dossier page ---------------------------------------------------------------


@pytest.mark.parametrize("who", FULL[1:] + MASKED_VIEWERS)
def test_officer_page(world: SimpleNamespace, who: str) -> None:
    response = _client(world.people[who]).get(reverse("officer:dossier", args=[world.dossier.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    download = reverse("file:download", args=[world.file.pk])
    if who in FULL:
        for value in (NAME, PERSONAL_ID, PHONE, EMAIL, PURPOSE, UPLOAD_NAME, download, f'href="tel:{PHONE}"'):
            assert value in page
        assert 'data-testid="personal-masked"' not in page
    else:
        for secret in (*SECRETS, download, "tel:"):
            assert secret not in page, secret
        assert f'data-testid="applicant-name">{MASKED["name"]}<' in page
        assert f'data-testid="applicant-personal-id">{MASKED["personal_id"]}<' in page
        assert f'data-testid="applicant-phone">{MASKED["phone"]}<' in page
        assert f'data-testid="applicant-email">{MASKED["email"]}<' in page
        assert 'data-testid="personal-masked"' in page
        assert 'data-testid="file-closed">Tệp thành phần hồ sơ<' in page


@pytest.mark.parametrize("who", ["applicant", *NO_ACCESS])
def test_officer_page_is_not_for_others(world: SimpleNamespace, who: str) -> None:
    assert _client(world.people[who]).get(reverse("officer:dossier", args=[world.dossier.pk])).status_code == 404


# --- printable forms --------------------------------------------------------------------------


@pytest.mark.parametrize("who", FULL + MASKED_VIEWERS)
def test_receipt_docx(world: SimpleNamespace, who: str) -> None:
    url = reverse("print:form", args=[world.dossier.pk, "receipt", "docx"])
    response = _client(world.people[who]).get(url)
    assert response.status_code == 200
    text = _docx_text(response.content)
    if who in FULL:
        assert f"tiếp nhận hồ sơ của: {NAME}" in text
        assert f"Số điện thoại: {PHONE}" in text
        assert f"Thư điện tử: {EMAIL}" in text
    else:
        assert f"tiếp nhận hồ sơ của: {MASKED['name']}" in text
        assert f"Số điện thoại: {MASKED['phone']}" in text
        assert f"Thư điện tử: {MASKED['email']}" in text
        for secret in SECRETS:
            assert secret not in text


@pytest.mark.parametrize(("who", "status"), [("leader", 200), ("assignee", 200), ("dx_office", 404)])
def test_receipt_docx_through_the_api(world: SimpleNamespace, who: str, status: int) -> None:
    response = _client(world.people[who]).get(f"/api/services/dossiers/{world.dossier.pk}/forms/receipt.docx")
    assert response.status_code == status
    if status == 200:
        text = _docx_text(response.content)
        assert (NAME in text) is (who in FULL)
        assert (PHONE in text) is (who in FULL)


def test_process_control_sheet_masks_the_applicant_for_a_leader(world: SimpleNamespace) -> None:
    services.dossier_request_supplement(actor=world.svc.handler, dossier=world.dossier, reason="Thiếu ảnh")
    services.dossier_supplement(actor=world.svc.citizen, dossier=world.dossier, form_data={})
    url = reverse("print:form", args=[world.dossier.pk, "process_control", "docx"])
    leader = _docx_text(_client(world.people["leader"]).get(url).content)
    desk = _docx_text(_client(world.people["desk"]).get(url).content)
    assert f"Người nộp hồ sơ: {MASKED['name']}" in leader
    assert NAME not in leader
    assert f"Người nộp hồ sơ: {NAME}" in desk
    assert f"Giao: {NAME} (tổ chức, cá nhân)" in desk


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", FULL + MASKED_VIEWERS)
def test_api_detail(world: SimpleNamespace, who: str) -> None:
    body = _api_detail(_client(world.people[who]), world.dossier)
    submitted = next(event for event in body["events"] if event["action"] == "submit_online")
    [component] = body["files"]
    if who in FULL:
        assert body["applicant"] == {
            "name": NAME,
            "personal_id": PERSONAL_ID,
            "phone": PHONE,
            "email": EMAIL,
            "masked": False,
        }
        assert body["applicant_name"] == NAME
        assert body["form_data"] == GOOD_FORM
        assert submitted["actor"] == NAME
        assert component["original_name"] == UPLOAD_NAME
        assert component["download_url"] == reverse("file:download", args=[world.file.pk])
    else:
        assert body["applicant"] == {**MASKED, "masked": True}
        assert body["applicant_name"] == MASKED["name"]
        assert body["form_data"] == {
            "full_name": "***",
            "personal_id": "********1234",
            "phone": "******5678",
            "purpose": "***",
        }
        assert submitted["actor"] == MASKED["name"]
        assert component["original_name"] == "Tệp thành phần hồ sơ"
        assert component["download_url"] is None
        raw = json.dumps(body, ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in raw


def test_api_masks_a_name_field_by_its_prefill(world: SimpleNamespace) -> None:
    """A field prefilled with the applicant's full name keeps its initials, as the name does."""
    fields = [
        {**spec, "prefill": "full_name"} if spec["name"] == "full_name" else spec
        for spec in world.dossier.procedure.form_fields
    ]
    Procedure.objects.filter(pk=world.dossier.procedure_id).update(form_fields=fields)
    body = _api_detail(_client(world.people["leader"]), world.dossier)
    assert body["form_data"]["full_name"] == MASKED["name"]


@pytest.mark.parametrize("who", ["leader", "approver"])
def test_api_file_list(world: SimpleNamespace, who: str) -> None:
    response = _client(world.people[who]).get(f"/api/services/dossiers/{world.dossier.pk}/files/")
    assert response.status_code == 200
    [row] = response.json()
    if who in FULL:
        assert (row["original_name"], row["download_url"]) == (
            UPLOAD_NAME,
            reverse("file:download", args=[world.file.pk]),
        )
    else:
        assert (row["original_name"], row["download_url"]) == ("Tệp thành phần hồ sơ", None)


@pytest.mark.parametrize("who", NO_ACCESS)
def test_api_detail_is_not_for_others(world: SimpleNamespace, who: str) -> None:
    response = _client(world.people[who]).get(f"/api/services/dossiers/{world.dossier.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_lists_stay_masked_for_every_officer(world: SimpleNamespace) -> None:
    for who in ("desk", "assignee", "approver", "leader"):
        rows = _client(world.people[who]).get("/api/services/dossiers/").json()["results"]
        assert [row["applicant_name"] for row in rows] == [MASKED["name"]], who
    own = _client(world.people["applicant"]).get("/api/services/dossiers/").json()["results"]
    assert [row["applicant_name"] for row in own] == [NAME]


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", FULL + MASKED_VIEWERS + NO_ACCESS)
def test_file_download(world: SimpleNamespace, who: str) -> None:
    response = _client(world.people[who]).get(reverse("file:download", args=[world.file.pk]))
    if who in FULL:
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    else:
        assert response.status_code == 404  # as for a file that does not exist
        assert UPLOAD_NAME not in response.content.decode()


def test_citizen_page_opened_by_a_leader_lists_files_masked(world: SimpleNamespace) -> None:
    url = reverse("citizen:dossier", args=[world.dossier.pk])
    leader = _client(world.people["leader"]).get(url)
    assert leader.status_code == 200
    page = leader.content.decode()
    assert UPLOAD_NAME not in page
    assert reverse("file:download", args=[world.file.pk]) not in page
    own = _client(world.people["applicant"]).get(url).content.decode()
    assert UPLOAD_NAME in own
    assert reverse("file:download", args=[world.file.pk]) in own
