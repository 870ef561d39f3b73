"""The officers' pages (/mot-cua/): work queues, counter receipt, the dossier page and its actions,
driven through the test client as the desk, the department's leader and its handler."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import GOOD_FORM, at
from tinhso.onestop.demo.samples import sample_pdf
from tinhso.onestop.dossiers import intake, states
from tinhso.onestop.models import Dossier, DossierEvent, DossierFile, DossierState, Payment
from tinhso.org.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
ST = DossierState


def _dossier(
    svc: Any,
    code: str,
    *,
    state: str = ST.FORWARDED,
    due: dt.datetime | None = None,
    handling: Any = None,
    name: str = "Nguyễn Văn An",
    assignee: Any = None,
) -> Dossier:
    return Dossier.objects.create(
        code=code,
        procedure=svc.procedure,
        receiving_agency=svc.centre,
        handling_agency=handling or svc.stp,
        channel="online",
        state=state,
        applicant=svc.citizen,
        applicant_name=name,
        form_data=dict(GOOD_FORM),
        applicant_personal_id="033095001234",
        applicant_phone="0912345678",
        submitted_at=at("2026-03-02", 8),
        received_at=at("2026-03-02"),
        due_at=due or at("2026-03-16"),
        original_due_at=due or at("2026-03-16"),
        assignee=assignee,
        fee_vnd=200_000,
    )


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _act(client: Client, dossier: Dossier, slug: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(reverse("officer:action", args=[dossier.pk, slug]), data or {})


# --- queues -----------------------------------------------------------------------------------


def test_each_role_sees_only_its_queues(svc: Any, clock: Any) -> None:
    tabs = {
        person.username: [tab["key"] for tab in _client(person).get(reverse("officer:queues")).context["tabs"]]
        for person in (svc.receiver, svc.approver, svc.handler, svc.citizen)
    }
    assert tabs == {
        "motcua": ["receive", "return"],
        "lanhdao.stp": ["assign", "approve"],
        "chuyenvien.stp": ["review"],
        "congdan": [],
    }
    page = _client(svc.receiver).get(reverse("officer:queues")).content.decode()
    assert "Chờ tiếp nhận" in page
    assert "Chờ trả kết quả" in page
    assert "Chờ phân công" not in page


def test_queue_shows_own_agency_only_and_counts(svc: Any, clock: Any) -> None:
    _dossier(svc, "H31.01-260302-0001")
    _dossier(svc, "H31.01-260302-0002")
    _dossier(svc, "H31.01-260302-0003", handling=svc.sct)
    response = _client(svc.approver).get(reverse("officer:queues"), {"hang": "assign"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "H31.01-260302-0001" in page
    assert "H31.01-260302-0002" in page
    assert "H31.01-260302-0003" not in page
    assert [tab["count"] for tab in response.context["tabs"]] == [2, 0]
    sct = _client(svc.sct_approver).get(reverse("officer:queues"), {"hang": "assign"}).content.decode()
    assert "H31.01-260302-0003" in sct
    assert "H31.01-260302-0001" not in sct


def test_overdue_first_then_due_soon_flagged_and_names_masked(svc: Any, clock: Any) -> None:
    _dossier(svc, "LATER", due=at("2026-03-16"), name="Trần Thị Bình")
    _dossier(svc, "SOON", due=at("2026-03-02", 16), name="Lê Văn Cường")
    _dossier(svc, "LATE", due=at("2026-02-27", 16), name="Phạm Minh Đức")
    response = _client(svc.approver).get(reverse("officer:queues"), {"hang": "assign"})
    rows = response.context["rows"]
    assert [row.dossier.code for row in rows] == ["LATE", "SOON", "LATER"]
    assert [(row.overdue, row.due_soon) for row in rows] == [(True, False), (False, True), (False, False)]
    page = response.content.decode()
    assert page.count("Quá hạn") == 1
    assert page.count("Sắp đến hạn") == 1
    assert page.index("LATE") < page.index("Quá hạn") < page.index("SOON") < page.index("Sắp đến hạn")
    for full, masked in (
        ("Trần Thị Bình", "T. T. Bình"),
        ("Lê Văn Cường", "L. V. Cường"),
        ("Phạm Minh Đức", "P. M. Đức"),
    ):
        assert full not in page
        assert masked in page
    assert "033095001234" not in page
    assert "0912345678" not in page


def test_queue_is_paginated(svc: Any, clock: Any) -> None:
    for n in range(23):
        _dossier(svc, f"P-{n:02d}", due=at("2026-03-16") + dt.timedelta(minutes=n))
    client = _client(svc.approver)
    first = client.get(reverse("officer:queues"), {"hang": "assign"})
    second = client.get(reverse("officer:queues"), {"hang": "assign", "trang": "2"})
    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 3
    assert "Trang 2/2" in second.content.decode()
    fragment = client.get(reverse("officer:queues"), {"hang": "assign"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert "P-00" in fragment.content.decode()


# --- counter receipt --------------------------------------------------------------------------


def _receipt(svc: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "procedure": svc.procedure.pk,
        "applicant_name": "Nguyễn Văn An",
        "applicant_personal_id": "033095001234",
        "applicant_phone": "0912345678",
    }
    data.update({f"tk_{name}": value for name, value in GOOD_FORM.items()})
    data.update(overrides)
    return data


def test_counter_receipt_form_shows_the_procedures_e_form(svc: Any, clock: Any) -> None:
    client = _client(svc.receiver)
    empty = client.get(reverse("officer:receive"))
    assert empty.status_code == 200
    assert "Chọn thủ tục để hiện tờ khai." in empty.content.decode()
    chosen = client.get(reverse("officer:receive"), {"procedure": svc.procedure.pk}).content.decode()
    assert 'name="tk_personal_id"' in chosen
    assert 'name="tk_purpose"' in chosen
    assert "Du học" in chosen
    fragment = client.get(reverse("officer:receive"), {"procedure": svc.procedure.pk}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert 'name="tk_full_name"' in fragment.content.decode()
    assert _client(svc.handler).get(reverse("officer:receive")).status_code == 403


def test_counter_receipt_creates_a_received_dossier(svc: Any, clock: Any) -> None:
    desk = _client(svc.receiver)
    response = desk.post(reverse("officer:receive"), _receipt(svc))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("officer:dossier", args=[dossier.pk]))
    assert dossier.state == ST.RECEIVED
    assert dossier.channel == "counter"
    assert dossier.receiving_agency == svc.centre
    assert dossier.code.startswith("H31.01-260302-")
    assert (dossier.applicant_name, dossier.applicant_personal_id) == ("Nguyễn Văn An", "033095001234")
    assert dossier.form_data == GOOD_FORM
    assert dossier.due_at is not None
    page = desk.get(response["Location"]).content.decode()
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in page
    receipt = reverse("print:form", args=[dossier.pk, "receipt", "pdf"])
    assert f'href="{receipt}"' in page  # the receipt and appointment slip, ready to print
    assert desk.get(receipt)["Content-Type"] == "application/pdf"
    assert "033095001234" in page
    assert "0912345678" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"tk_personal_id": "12345"}, "tk_personal_id", "phải là số định danh cá nhân gồm 12 chữ số"),
        ({"tk_full_name": ""}, "tk_full_name", "là bắt buộc"),
        ({"tk_purpose": "Đi chơi"}, "tk_purpose", "không nằm trong danh sách cho phép"),
        ({"applicant_name": ""}, "applicant_name", "Vui lòng nhập thông tin này."),
        ({"applicant_phone": "12345"}, "applicant_phone", "Số điện thoại phải gồm 10 chữ số"),
        ({"procedure": "999999"}, "procedure", "Lựa chọn không hợp lệ."),
    ],
)
def test_bad_counter_receipt_re_renders_with_400_and_creates_nothing(
    svc: Any,
    clock: Any,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    entries = Entry.objects.count()
    response = _client(svc.receiver).post(reverse("officer:receive"), _receipt(svc, **overrides))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()
    assert Entry.objects.count() == entries


def test_counter_receipt_refuses_another_agencys_procedure(svc: Any, clock: Any) -> None:
    # Sở Công Thương's desk cannot pick a procedure only the centre and Sở Tư pháp perform.
    response = _client(svc.sct_officer).post(reverse("officer:receive"), _receipt(svc))
    assert response.status_code in (400, 403)
    assert not Dossier.objects.exists()


# --- the dossier page and its actions ---------------------------------------------------------


def test_full_path_from_online_submission_to_return(svc: Any, clock: Any) -> None:
    dossier = intake.dossier_submit_online(
        applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="k-1"
    )
    desk, leader, handler = _client(svc.receiver), _client(svc.approver), _client(svc.handler)
    url = reverse("officer:dossier", args=[dossier.pk])

    assert _client(svc.receiver).get(reverse("officer:queues")).context["rows"][0].dossier == dossier
    page = desk.get(url)
    assert [item["action"].key for item in page.context["actions"]][:1] == ["receive"]
    steps = [
        (desk, "tiep-nhan", {}, ST.RECEIVED, "Đã tiếp nhận hồ sơ."),
        (desk, "thu-phi", {}, ST.RECEIVED, "Đã ghi nhận thu phí, lệ phí tại quầy."),
        (desk, "chuyen-xu-ly", {"to_agency": svc.stp.pk}, ST.FORWARDED, "Đã chuyển hồ sơ đến cơ quan xử lý."),
        (leader, "phan-cong", {"assignee": svc.handler.pk}, ST.ASSIGNED, "Đã phân công hồ sơ."),
        (handler, "tham-dinh", {}, ST.UNDER_REVIEW, "Đã bắt đầu thẩm định hồ sơ."),
        (
            handler,
            "du-thao-ket-qua",
            {"pdf": SimpleUploadedFile("ket-qua.pdf", sample_pdf(), "application/pdf")},
            ST.UNDER_REVIEW,
            "Đã lưu dự thảo kết quả.",
        ),
        (
            handler,
            "trinh-duyet",
            {"note": "Đủ điều kiện cấp phiếu."},
            ST.PENDING_APPROVAL,
            "Đã trình lãnh đạo phê duyệt.",
        ),
        (leader, "phe-duyet", {}, ST.APPROVED, "Đã phê duyệt hồ sơ. Dự thảo kết quả đã được ký số và phát hành."),
        (desk, "tra-ket-qua", {}, ST.RESULT_RETURNED, "Đã trả kết quả cho người nộp."),
    ]
    for client, slug, data, state, message in steps:
        response = _act(client, dossier, slug, data)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
        assert response["Location"] == url
        dossier.refresh_from_db()
        assert dossier.state == state, slug
        assert message in client.get(url).content.decode()
    assert dossier.handling_agency == svc.stp
    assert dossier.assignee == svc.handler
    assert Payment.objects.get(dossier=dossier).state == "paid"
    assert list(DossierFile.objects.filter(dossier=dossier).values_list("kind", "signed", "original_name")) == [
        ("draft", False, "ket-qua.pdf"),
        ("result", True, "ket-qua.pdf"),
    ]
    transitions = set(states.ALLOWED_FROM) | {"submit_online"}
    assert [action for action in dossier.events.values_list("action", flat=True) if action in transitions] == [
        "submit_online",
        "receive",
        "forward",
        "assign",
        "start_review",
        "submit_for_approval",
        "approve",
        "return_result",
    ]
    timeline = desk.get(url)
    html = timeline.content.decode()
    assert "Đủ điều kiện cấp phiếu." in html
    assert svc.handler.get_full_name() in html
    assert timeline.context["actions"] == []


def test_action_forms_follow_state_and_role(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "R-1", state=ST.FORWARDED)
    url = reverse("officer:dossier", args=[dossier.pk])

    def keys(person: Any) -> list[str]:
        return [item["action"].key for item in _client(person).get(url).context["actions"]]

    assert "assign" in keys(svc.approver)
    assert "transfer" in keys(svc.approver)
    assert "approve" not in keys(svc.approver)
    assert not {"assign", "start_review", "approve"} & set(keys(svc.handler))  # not assigned to them yet
    assert "assign" not in keys(svc.receiver)
    assert "stop" in keys(svc.receiver)
    assign = next(item for item in _client(svc.approver).get(url).context["actions"] if item["action"].key == "assign")
    assert set(assign["form"].fields["assignee"].queryset) == {svc.handler, svc.handler2}  # this agency's handlers


def test_refuse_needs_a_reason(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "R-2", state=ST.PENDING_APPROVAL, assignee=svc.handler)
    leader = _client(svc.approver)
    response = _act(leader, dossier, "tu-choi", {"reason": "  "})
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == ST.PENDING_APPROVAL
    assert not DossierEvent.objects.exists()
    assert _act(leader, dossier, "tu-choi", {"reason": "Không đủ điều kiện"}).status_code == 302
    dossier.refresh_from_db()
    assert (dossier.state, dossier.refusal_reason) == (ST.REFUSED, "Không đủ điều kiện")
    assert _act(_client(svc.receiver), dossier, "tra-ket-qua").status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == ST.RESULT_RETURNED


def test_supplement_requested_then_recorded_at_the_desk(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "R-3", state=ST.UNDER_REVIEW, assignee=svc.handler)
    response = _act(_client(svc.handler), dossier, "yeu-cau-bo-sung", {"reason": "Thiếu bản sao CCCD"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == ST.SUPPLEMENT_REQUESTED
    assert dossier.supplement_requests == 1
    clock.set(at("2026-03-04"))
    data = {f"tk_{name}": value for name, value in GOOD_FORM.items()} | {"tk_purpose": "Du học"}
    bad = _act(_client(svc.receiver), dossier, "bo-sung", data | {"tk_personal_id": "1"})
    assert bad.status_code == 400
    assert "12 chữ số" in bad.content.decode()
    assert _act(_client(svc.receiver), dossier, "bo-sung", data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == ST.UNDER_REVIEW
    assert dossier.form_data["purpose"] == "Du học"
    assert dossier.due_at is not None
    assert dossier.due_at > at("2026-03-16")


def test_transfer_to_another_agency(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "R-4", state=ST.ASSIGNED, assignee=svc.handler)
    leader = _client(svc.approver)
    bad = _act(leader, dossier, "lien-thong", {"to_agency": svc.sct.pk, "days": "50"})
    assert bad.status_code == 400
    assert "không quá thời hạn giải quyết" in bad.content.decode()
    assert _act(leader, dossier, "lien-thong", {"to_agency": svc.sct.pk, "days": "2,5"}).status_code == 302
    dossier.refresh_from_db()
    assert (dossier.state, dossier.handling_agency, dossier.assignee) == (ST.TRANSFERRED, svc.sct, None)
    assert dossier in [
        row.dossier
        for row in _client(svc.sct_approver).get(reverse("officer:queues"), {"hang": "assign"}).context["rows"]
    ]


@pytest.mark.parametrize(("slug", "state"), [("dung-xu-ly", ST.STOPPED), ("huy", ST.CANCELLED)])
def test_stop_and_cancel_need_a_reason(svc: Any, clock: Any, slug: str, state: str) -> None:
    dossier = _dossier(svc, "R-5", state=ST.RECEIVED, handling=svc.centre)
    desk = _client(svc.receiver)
    assert _act(desk, dossier, slug, {"reason": ""}).status_code == 400
    assert _act(desk, dossier, slug, {"reason": "Công dân rút hồ sơ"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == state
    assert dossier.events.get().note == "Công dân rút hồ sơ"


def test_apology_sets_a_new_date_once(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "R-6", state=ST.UNDER_REVIEW, assignee=svc.handler)
    handler = _client(svc.handler)
    data = {"new_date": "2026-03-20", "new_time": "16:00", "reason": "Chờ kết quả xác minh"}
    early = _act(handler, dossier, "xin-loi", data | {"new_date": "2026-03-10"})
    assert early.status_code == 400
    assert "phải sau ngày hẹn trả hiện tại" in early.content.decode()
    assert _act(handler, dossier, "xin-loi", data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.due_at == at("2026-03-20", 16)
    assert dossier.due_reset_count == 1
    again = _act(handler, dossier, "xin-loi", data | {"new_date": "2026-03-25"})
    assert again.status_code == 409
    assert "một lần" in again.content.decode()
    dossier.refresh_from_db()
    assert dossier.due_at == at("2026-03-20", 16)


def test_wrong_state_is_a_409_page_and_changes_nothing(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "R-7", state=ST.FORWARDED)
    entries = Entry.objects.count()
    response = _act(_client(svc.approver), dossier, "phe-duyet")
    assert response.status_code == 409
    assert "không thể phê duyệt" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == ST.FORWARDED
    assert not DossierEvent.objects.exists()
    assert Entry.objects.count() == entries


def test_a_role_the_service_refuses_is_a_403_page(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "R-8", state=ST.PENDING_APPROVAL, assignee=svc.handler)
    response = _act(_client(svc.handler), dossier, "phe-duyet")
    assert response.status_code == 403
    assert "không có quyền" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == ST.PENDING_APPROVAL


def test_other_agencys_officer_and_the_applicant_get_404(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "H31.01-260302-0999", state=ST.FORWARDED, name="Hoàng Thị Mai")
    missing = _client(svc.sct_officer).get(reverse("officer:dossier", args=[999_999]))
    for person in (svc.sct_officer, svc.sct_approver, svc.citizen, svc.other_citizen):
        client = _client(person)
        response = client.get(reverse("officer:dossier", args=[dossier.pk]))
        assert response.status_code == 404
        assert response.content.decode().count("Không tìm thấy hồ sơ.") == missing.content.decode().count(
            "Không tìm thấy hồ sơ."
        )
        assert "0999" not in response.content.decode()
        assert "Hoàng Thị Mai" not in response.content.decode()
        assert _act(client, dossier, "phan-cong", {"assignee": svc.sct_handler.pk}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == ST.FORWARDED
    assert Client().get(reverse("officer:dossier", args=[dossier.pk])).status_code == 302  # to the login page


def test_desk_uploads_a_scan_and_marks_it_digitised(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc, "R-10", state=ST.RECEIVED, handling=svc.centre)
    desk = _client(svc.receiver)
    bad = _act(desk, dossier, "tep", {"file": SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf")})
    assert bad.status_code == 400
    assert not DossierFile.objects.exists()
    good = _act(desk, dossier, "tep", {"file": SimpleUploadedFile("to-khai.pdf", sample_pdf(), "application/pdf")})
    assert good.status_code == 302
    row = DossierFile.objects.get()
    assert not row.digitised
    assert "to-khai.pdf" in desk.get(reverse("officer:dossier", args=[dossier.pk])).content.decode()
    assert _act(desk, dossier, "so-hoa", {"file_id": row.pk}).status_code == 302
    row.refresh_from_db()
    assert row.digitised
    row.file.storage.delete(row.file.name)


# --- bulk assignment --------------------------------------------------------------------------


def test_bulk_assignment_through_the_page(svc: Any, clock: Any) -> None:
    first, second = _dossier(svc, "BA-1"), _dossier(svc, "BA-2")
    leader = _client(svc.approver)
    page = leader.get(reverse("officer:queues"), {"hang": "assign"}).content.decode()
    assert 'name="dossiers"' in page
    assert f'value="{svc.handler2.pk}"' in page
    response = leader.post(
        reverse("officer:assign_bulk"), {"dossiers": [first.pk, second.pk], "assignee": svc.handler2.pk}
    )
    assert response.status_code == 302
    assert set(Dossier.objects.filter(assignee=svc.handler2, state=ST.ASSIGNED).values_list("code", flat=True)) == {
        "BA-1",
        "BA-2",
    }
    assert "Đã phân công 2 hồ sơ" in leader.get(response["Location"]).content.decode()


def test_bulk_assignment_is_all_or_nothing_and_names_the_refused(svc: Any, clock: Any, make_person: Any) -> None:
    # A leader with assignment rights in both departments ticks one dossier of each; the chosen
    # handler belongs to Sở Tư pháp only, so the Sở Công Thương dossier is refused — and so is the batch.
    from tinhso.org import services as org

    both = make_person("lanhdao.hai.so", Role.APPROVER, svc.stp)
    org.role_grant(actor=None, person=both, role=Role.APPROVER, agency=svc.sct, valid_from=dt.date(2025, 1, 1))
    stp_dossier, sct_dossier = _dossier(svc, "BA-STP"), _dossier(svc, "BA-SCT", handling=svc.sct)
    entries = Entry.objects.count()
    response = _client(both).post(
        reverse("officer:assign_bulk"), {"dossiers": [stp_dossier.pk, sct_dossier.pk], "assignee": svc.handler.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "chưa hồ sơ nào được giao" in page
    assert "BA-SCT" in page
    assert response.context["bulk_form"].non_field_errors()
    assert f'value="{stp_dossier.pk}" id="chon-{stp_dossier.pk}" checked' in page  # the ticks are kept
    assert not Dossier.objects.filter(assignee__isnull=False).exists()
    assert not DossierEvent.objects.exists()
    assert Entry.objects.count() == entries


def test_bulk_assignment_refuses_dossiers_out_of_reach_and_empty_choice(svc: Any, clock: Any) -> None:
    foreign = _dossier(svc, "BA-X", handling=svc.sct)
    leader = _client(svc.approver)
    response = leader.post(reverse("officer:assign_bulk"), {"dossiers": [foreign.pk], "assignee": svc.handler.pk})
    assert response.status_code == 400
    assert "BA-X" not in response.content.decode()
    empty = leader.post(reverse("officer:assign_bulk"), {"assignee": svc.handler.pk})
    assert empty.status_code == 400
    assert "Chưa chọn hồ sơ nào để phân công." in empty.content.decode()
    foreign.refresh_from_db()
    assert foreign.assignee_id is None
