"""The citizen's pages: filing online (idempotent, validated on the server), "my dossiers", one's
own dossier with its public timeline, answering a supplement request, stopping, paying, rating."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import (
    GOOD_FORM,
    at,
    draft_upload,
    make_procedure,
    pay_at_counter,
    stored_files,
    submit_online,
    to_approval,
    to_review,
)
from tinhso.onestop.demo.samples import sample_png
from tinhso.onestop.dossiers import intake
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, DossierFile, DossierState, Procedure, Rating
from tinhso.onestop.tests.factories import DocumentRequirementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def login(client: Client, person: Any) -> Client:
    client.force_login(person)
    return client


def submit_url(procedure: Procedure) -> str:
    return reverse("citizen:submit", args=[procedure.code])


def form_key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert match, "the form carries a hidden idempotency key"
    return match.group(1)


def post_data(key: str, agency: Any, **fields: str) -> dict[str, Any]:
    data: dict[str, Any] = {"idempotency_key": key, "agency": agency.pk}
    data.update({f"tk_{name}": value for name, value in {**GOOD_FORM, **fields}.items()})
    return data


# --- filing online --------------------------------------------------------------------------------


def test_form_is_built_from_the_procedure_for_phones(client: Client, svc: Any, clock: Any) -> None:
    html = login(client, svc.citizen).get(submit_url(svc.procedure)).content.decode()
    assert 'name="tk_full_name"' in html
    assert re.search(r'<input[^>]*type="tel"[^>]*name="tk_phone"|<input[^>]*name="tk_phone"[^>]*type="tel"', html)
    assert re.search(
        r'name="tk_personal_id"[^>]*inputmode="numeric"|inputmode="numeric"[^>]*name="tk_personal_id"', html
    )
    assert '<option value="Du học">Du học</option>' in html
    assert html.count('aria-required="true"') == 2  # full name and ID number
    assert svc.centre.name in html
    assert svc.stp.name in html
    assert form_key(html) != form_key(client.get(submit_url(svc.procedure)).content.decode())  # one per render


def test_the_form_is_filled_in_from_the_account_where_the_field_asks_for_it(
    client: Client,
    svc: Any,
    clock: Any,
) -> None:
    from tinhso.org.models import Person

    Person.objects.filter(pk=svc.citizen.pk).update(personal_id="033095001234", phone="0987654321")
    fields = [dict(spec) for spec in svc.procedure.form_fields]
    for spec in fields:
        if spec["name"] in ("full_name", "personal_id"):
            spec["prefill"] = spec["name"]
    svc.procedure.form_fields = fields  # the phone field does not ask: it stays empty
    svc.procedure.save()
    html = login(client, svc.citizen).get(submit_url(svc.procedure)).content.decode()
    assert re.search(
        r'name="tk_full_name"[^>]*value="Nguyễn Văn An"|value="Nguyễn Văn An"[^>]*name="tk_full_name"', html
    )
    assert re.search(
        r'name="tk_personal_id"[^>]*value="033095001234"|value="033095001234"[^>]*name="tk_personal_id"', html
    )
    assert "0987654321" not in html
    # What the citizen typed wins over the account when the form comes back with errors.
    again = client.post(
        submit_url(svc.procedure), post_data(form_key(html), svc.centre, full_name="Trần Thị Bình", purpose="Không có")
    )
    assert again.status_code == 400
    assert "Trần Thị Bình" in again.content.decode()


def test_submit_creates_one_dossier_with_the_data_and_a_ledger_entry(client: Client, svc: Any, clock: Any) -> None:
    login(client, svc.citizen)
    key = form_key(client.get(submit_url(svc.procedure)).content.decode())
    entries = Entry.objects.count()
    response = client.post(submit_url(svc.procedure), post_data(key, svc.stp, phone=" 0912345678 "))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("citizen:dossier", args=[dossier.pk])
    assert dossier.applicant == svc.citizen
    assert dossier.receiving_agency == svc.stp
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.channel == "online"
    assert dossier.form_data == GOOD_FORM
    assert dossier.code.startswith("H31.02-260302-")
    assert dossier.idempotency_key == key
    entry = Entry.objects.get(action="services.dossier.submit_online")
    assert entry.object_id == str(dossier.pk)
    assert Entry.objects.count() == entries + 1
    page = client.get(response["Location"]).content.decode()
    assert f"Đã nộp hồ sơ {dossier.code}" in page


def test_a_repeated_post_with_the_same_key_files_one_dossier(client: Client, svc: Any, clock: Any) -> None:
    login(client, svc.citizen)
    key = form_key(client.get(submit_url(svc.procedure)).content.decode())
    first = client.post(submit_url(svc.procedure), post_data(key, svc.centre))
    again = client.post(submit_url(svc.procedure), post_data(key, svc.centre))
    changed = client.post(submit_url(svc.procedure), post_data(key, svc.stp, purpose="Khác"))  # a stale retry
    assert Dossier.objects.count() == 1
    assert first["Location"] == again["Location"] == changed["Location"]
    assert Entry.objects.filter(action="services.dossier.submit_online").count() == 1
    assert Dossier.objects.get().receiving_agency == svc.centre


def test_a_key_of_another_applicant_is_refused(client: Client, svc: Any, clock: Any) -> None:
    theirs = submit_online(svc, "someone-elses-key-000001")
    login(client, svc.other_citizen)
    response = client.post(submit_url(svc.procedure), post_data(theirs.idempotency_key, svc.centre))
    assert response.status_code == 409
    assert Dossier.objects.count() == 1
    assert theirs.code not in response.content.decode()


def test_invalid_fields_give_400_with_messages_per_field_and_nothing_created(
    client: Client,
    svc: Any,
    clock: Any,
    media: Path,
) -> None:
    login(client, svc.citizen)
    key = form_key(client.get(submit_url(svc.procedure)).content.decode())
    entries = Entry.objects.count()
    response = client.post(
        submit_url(svc.procedure),
        post_data(key, svc.centre, full_name="", personal_id="12345", phone="12", purpose="Lạ"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    errors = {name: re.search(rf'data-testid="error-tk_{name}">([^<]*)<', html) for name in GOOD_FORM}
    assert "Trường “Họ và tên” là bắt buộc." in errors["full_name"].group(1)
    assert "số định danh cá nhân gồm 12 chữ số" in errors["personal_id"].group(1)
    assert "10 chữ số, bắt đầu bằng 0" in errors["phone"].group(1)
    assert "không nằm trong danh sách cho phép" in errors["purpose"].group(1)
    assert 'value="12345"' in html  # what was typed stays, to be corrected
    assert form_key(html) == key  # the same key: correcting and sending again still files one dossier
    assert Dossier.objects.count() == 0
    assert Entry.objects.count() == entries
    assert stored_files(media) == []
    corrected = client.post(submit_url(svc.procedure), post_data(key, svc.centre))
    assert corrected.status_code == 302
    assert Dossier.objects.count() == 1


def test_agency_must_be_one_of_the_procedures(client: Client, svc: Any, clock: Any) -> None:
    login(client, svc.citizen)
    response = client.post(submit_url(svc.procedure), post_data("k" * 32, svc.sct, full_name=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-agency"' in html
    assert 'data-testid="error-tk_full_name"' in html  # the e-form's errors come in the same answer
    assert Dossier.objects.count() == 0


def test_procedure_not_online_shows_a_message_and_no_form(client: Client, svc: Any, clock: Any) -> None:
    offline = make_procedure(code="1.000001.000.00.00.H31", agencies=[svc.centre], online_level="none")
    login(client, svc.citizen)
    response = client.get(submit_url(offline))
    html = response.content.decode()
    assert response.status_code == 200
    assert "không cung cấp dịch vụ công trực tuyến" in html
    assert 'data-testid="submit-form"' not in html
    posted = client.post(submit_url(offline), post_data("k" * 32, svc.centre))
    assert posted.status_code == 400
    assert Dossier.objects.count() == 0
    detail = client.get(reverse("services:procedure", args=[offline.code])).content.decode()
    assert "Nộp hồ sơ trực tuyến" not in detail
    online_detail = client.get(reverse("services:procedure", args=[svc.procedure.code])).content.decode()
    assert f'href="{submit_url(svc.procedure)}"' in online_detail


def test_only_signed_in_citizens_may_file(client: Client, svc: Any, clock: Any) -> None:
    anonymous = client.get(submit_url(svc.procedure))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    login(client, svc.receiver)
    assert client.get(submit_url(svc.procedure)).status_code == 403
    assert client.post(submit_url(svc.procedure), post_data("k" * 32, svc.centre)).status_code == 403
    assert Dossier.objects.count() == 0
    assert client.get(reverse("citizen:submit", args=["0.000000.H99"])).status_code == 404


def test_components_are_uploaded_with_the_dossier(client: Client, svc: Any, clock: Any, media: Path) -> None:
    pytest.importorskip("tinhso.onestop.files.services")
    required = DocumentRequirementFactory.create(procedure=svc.procedure, name="Ảnh căn cước", order=1)
    optional = DocumentRequirementFactory.create(procedure=svc.procedure, name="Giấy ủy quyền", order=2, required=False)
    login(client, svc.citizen)
    key = form_key(client.get(submit_url(svc.procedure)).content.decode())

    missing = client.post(submit_url(svc.procedure), post_data(key, svc.centre))
    assert missing.status_code == 400
    assert "Vui lòng đính kèm “Ảnh căn cước”." in missing.content.decode()
    bad = client.post(
        submit_url(svc.procedure),
        {
            **post_data(key, svc.centre),
            f"tep_{required.pk}": SimpleUploadedFile("cccd.png", b"<html>not an image</html>", "image/png"),
        },
    )
    assert bad.status_code == 400
    assert "Định dạng tệp không được chấp nhận" in bad.content.decode()
    assert Dossier.objects.count() == 0
    assert stored_files(media) == []

    good = client.post(
        submit_url(svc.procedure),
        {
            **post_data(key, svc.centre),
            f"tep_{required.pk}": SimpleUploadedFile("cccd.png", sample_png(), "image/png"),
        },
    )
    assert good.status_code == 302
    dossier = Dossier.objects.get()
    row = DossierFile.objects.get()
    assert (row.dossier, row.requirement, row.content_type, row.digitised) == (dossier, required, "image/png", True)
    assert len(stored_files(media)) == 1
    assert optional.pk not in DossierFile.objects.values_list("requirement", flat=True)

    # The next dossier may reuse the digitised photo instead of uploading it again.
    html = client.get(submit_url(svc.procedure)).content.decode()
    assert f'name="dung_lai_{required.pk}"' in html
    second = client.post(
        submit_url(svc.procedure),
        {
            **post_data(form_key(html), svc.centre),
            f"dung_lai_{required.pk}": str(row.pk),
        },
    )
    assert second.status_code == 302
    reused = DossierFile.objects.exclude(pk=row.pk).get()
    assert reused.reused_from == row
    assert reused.dossier != dossier
    assert len(stored_files(media)) == 1  # no copy


def test_a_component_with_active_content_is_refused_with_the_reason_and_nothing_is_filed(
    client: Client, svc: Any, clock: Any, media: Path
) -> None:
    from tinhso.core.tests.test_uploads import EXE, docx, with_members

    required = DocumentRequirementFactory.create(procedure=svc.procedure, name="Đơn đề nghị", order=1)
    login(client, svc.citizen)
    key = form_key(client.get(submit_url(svc.procedure)).content.decode())
    entries = Entry.objects.count()
    response = client.post(
        submit_url(svc.procedure),
        {
            **post_data(key, svc.centre),
            f"tep_{required.pk}": SimpleUploadedFile("don.docx", with_members(docx(), {"word/media/image1.png": EXE})),
        },
    )
    assert response.status_code == 400
    assert (
        "Tệp Word/Excel có chứa chương trình hoặc đối tượng nhúng “word/media/image1.png”" in response.content.decode()
    )
    assert (Dossier.objects.count(), DossierFile.objects.count(), Entry.objects.count()) == (0, 0, entries)
    assert stored_files(media) == []


# --- my dossiers ----------------------------------------------------------------------------------


def test_my_dossiers_lists_only_my_own(client: Client, svc: Any, clock: Any) -> None:
    mine = submit_online(svc, "page-key-0000000000001")
    theirs = intake.dossier_submit_online(
        applicant=svc.other_citizen,
        procedure=svc.procedure,
        agency=svc.centre,
        form_data=GOOD_FORM,
        idempotency_key="their-key-000000000001",
    )
    counter = S.dossier_receive_at_counter(
        actor=svc.receiver,
        agency=svc.centre,
        procedure=svc.procedure,
        applicant_name="Nguyễn Văn An",
        applicant_personal_id="",
        applicant_phone="",
        form_data=GOOD_FORM,
    )
    login(client, svc.citizen)
    response = client.get(reverse("citizen:dossiers"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [row.dossier for row in response.context["rows"]] == [mine]
    assert mine.code in html
    assert theirs.code not in html
    assert counter.code not in html
    assert "Đã nộp trực tuyến, chờ tiếp nhận" in html
    login(client, svc.other_citizen)
    assert [row.dossier for row in client.get(reverse("citizen:dossiers")).context["rows"]] == [theirs]


def test_my_dossiers_says_what_is_expected(client: Client, svc: Any, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc, "page-key-0000000000001"))
    S.dossier_request_supplement(actor=svc.handler, dossier=dossier, reason="Thiếu ảnh căn cước mặt sau")
    login(client, svc.citizen)
    html = client.get(reverse("citizen:dossiers")).content.decode()
    assert "Cần bổ sung hồ sơ" in html
    assert reverse("citizen:supplement", args=[dossier.pk]) in html
    assert "Hẹn trả" in html


# --- one dossier ----------------------------------------------------------------------------------


def test_another_citizen_gets_404_everywhere(client: Client, svc: Any, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc, "page-key-0000000000001"))
    S.dossier_request_supplement(actor=svc.handler, dossier=dossier, reason="Thiếu giấy tờ")
    login(client, svc.other_citizen)
    missing = client.get(reverse("citizen:dossier", args=[999_999]))
    for url, method in [
        (reverse("citizen:dossier", args=[dossier.pk]), "get"),
        (reverse("citizen:supplement", args=[dossier.pk]), "get"),
        (reverse("citizen:supplement", args=[dossier.pk]), "post"),
        (reverse("citizen:stop", args=[dossier.pk]), "post"),
        (reverse("citizen:rate", args=[dossier.pk]), "post"),
        (reverse("citizen:pay", args=[dossier.pk]), "post"),
    ]:
        response = getattr(client, method)(url, {"reason": "x", "tk_full_name": "Kẻ lạ"})
        assert response.status_code == 404, url
        assert dossier.code not in response.content.decode()
    assert missing.status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUPPLEMENT_REQUESTED
    assert dossier.form_data == GOOD_FORM


def test_dossier_page_shows_a_public_timeline(client: Client, svc: Any, clock: Any, media: Any) -> None:
    dossier = to_review(svc, submit_online(svc, "page-key-0000000000001"))
    draft_upload(svc, dossier)
    S.dossier_submit_for_approval(actor=svc.handler, dossier=dossier, note="Ý kiến nội bộ: đủ điều kiện")
    S.dossier_refuse(actor=svc.approver, dossier=dossier, reason="Không thuộc thẩm quyền cấp phiếu")
    login(client, svc.citizen)
    response = client.get(reverse("citizen:dossier", args=[dossier.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    timeline = html[html.index('data-testid="timeline"') :]
    for label in ("Nộp hồ sơ trực tuyến", "Tiếp nhận hồ sơ", "Trình lãnh đạo phê duyệt", "Từ chối giải quyết"):
        assert label in timeline
    assert "Không thuộc thẩm quyền cấp phiếu" in timeline
    assert svc.stp.name in timeline
    assert "Ý kiến nội bộ" not in html
    for officer in (svc.handler, svc.approver, svc.receiver):
        assert officer.get_full_name() not in timeline
    assert "Từ chối giải quyết" in html[html.index('data-testid="state"') :]


def test_an_officer_may_look_but_not_act(client: Client, svc: Any, clock: Any) -> None:
    dossier = submit_online(svc, "page-key-0000000000001")
    login(client, svc.receiver)
    html = client.get(reverse("citizen:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="stop"' not in html
    response = client.post(reverse("citizen:stop", args=[dossier.pk]), {"reason": "Thay người nộp"})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_answering_a_supplement_request_resumes_the_clock(client: Client, svc: Any, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc, "page-key-0000000000001"))
    due = Dossier.objects.get(pk=dossier.pk).due_at
    clock.set(at("2026-03-03"))  # Tuesday
    S.dossier_request_supplement(actor=svc.handler, dossier=dossier, reason="Ghi rõ mục đích: du học")
    clock.set(at("2026-03-05"))  # Thursday: two working days later
    login(client, svc.citizen)
    url = reverse("citizen:supplement", args=[dossier.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Ghi rõ mục đích: du học" in page.content.decode()
    assert 'value="033095001234"' in page.content.decode()  # prefilled with what was filed

    bad = client.post(url, {**{f"tk_{k}": v for k, v in GOOD_FORM.items()}, "tk_personal_id": "abc"})
    assert bad.status_code == 400
    assert 'data-testid="error-tk_personal_id"' in bad.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.SUPPLEMENT_REQUESTED

    response = client.post(url, {**{f"tk_{k}": v for k, v in GOOD_FORM.items()}, "tk_purpose": "Du học"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.UNDER_REVIEW
    assert dossier.paused_at is None
    assert dossier.form_data["purpose"] == "Du học"
    assert dossier.paused_working_days == 2
    assert dossier.due_at > due
    assert Entry.objects.filter(action="services.dossier.supplement", object_id=str(dossier.pk)).count() == 1
    assert client.get(url).status_code == 409  # nothing to supplement any more


def test_stop_at_the_applicants_request(client: Client, svc: Any, clock: Any) -> None:
    dossier = submit_online(svc, "page-key-0000000000001")
    login(client, svc.citizen)
    url = reverse("citizen:stop", args=[dossier.pk])
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert 'data-testid="error-reason"' in empty.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.SUBMITTED
    assert client.post(url, {"reason": "Không còn nhu cầu"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.STOPPED
    assert client.post(url, {"reason": "Lần nữa"}).status_code == 409


def test_rating_only_after_the_result(client: Client, svc: Any, clock: Any, media: Any) -> None:
    pytest.importorskip("tinhso.onestop.ratings.services")
    dossier = to_review(svc, submit_online(svc, "page-key-0000000000001"))
    login(client, svc.citizen)
    url = reverse("citizen:rate", args=[dossier.pk])
    early = client.post(url, {"score": "5"})
    assert early.status_code == 409
    assert "Chỉ đánh giá sau khi nhận kết quả" in early.content.decode()
    assert Rating.objects.count() == 0
    to_approval(svc, dossier)
    S.dossier_approve(actor=svc.approver, dossier=dossier)
    pay_at_counter(svc, dossier)
    S.dossier_return_result(actor=svc.receiver, dossier=dossier)
    assert 'data-testid="rate-link"' in client.get(reverse("citizen:dossier", args=[dossier.pk])).content.decode()
    assert client.post(url, {"score": "9"}).status_code == 400
    assert client.post(url, {"score": "4", "comment": "Nhanh gọn"}).status_code == 302
    rating = Rating.objects.get()
    assert (rating.dossier, rating.score, rating.comment) == (dossier, 4, "Nhanh gọn")
    assert client.post(url, {"score": "5"}).status_code == 409


def test_pay_online_sends_the_applicant_to_the_gateway(client: Client, svc: Any, clock: Any) -> None:
    payments = pytest.importorskip("tinhso.onestop.payments.services")
    dossier = submit_online(svc, "page-key-0000000000001")
    S.dossier_receive(actor=svc.receiver, dossier=dossier)
    login(client, svc.citizen)
    html = client.get(reverse("citizen:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="pay"' in html
    assert "200.000 đồng" in html
    response = client.post(reverse("citizen:pay", args=[dossier.pk]))
    assert response.status_code == 302
    payment = dossier.payments.get()
    assert payment.state == "pending"
    assert response["Location"] == payments.payment_provider().checkout_url(payment)


def test_printable_forms_and_the_result_are_offered(client: Client, svc: Any, clock: Any, media: Path) -> None:
    pytest.importorskip("tinhso.onestop.printing.documents")
    from django.core.files.base import ContentFile

    from tinhso.onestop.models import FileKind

    dossier = submit_online(svc, "page-key-0000000000001")
    login(client, svc.citizen)
    url = reverse("citizen:dossier", args=[dossier.pk])
    receipt = reverse("print:form", kwargs={"dossier_id": dossier.pk, "kind": "receipt", "fmt": "pdf"})
    assert receipt not in client.get(url).content.decode()  # not received yet
    S.dossier_receive(actor=svc.receiver, dossier=dossier)
    assert receipt in client.get(url).content.decode()

    result = DossierFile(
        dossier=dossier,
        kind=FileKind.RESULT,
        original_name="phieu-lltp.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        signed=True,
    )
    result.file.save("r.pdf", ContentFile(b"%PDF-1.7"), save=True)
    html = client.get(url).content.decode()
    download = reverse("file:download", args=[result.pk])
    assert f'href="{download}"' in html
    assert "Tải kết quả" in html
    got = client.get(download)
    assert got.status_code == 200
    assert isinstance(got, StreamingHttpResponse)
    assert b"".join(got.streaming_content) == b"%PDF-1.7"
    login(client, svc.other_citizen)
    assert client.get(download).status_code == 404
