"""Hostile and malformed input (issue 12, items 4, 8, 10): each answered with a 4xx and a
Vietnamese message, never a 500, and nothing written; every /api/ refusal is JSON with
``detail`` and ``code``; pages get the platform's Vietnamese error pages."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhso.core.errors import DomainError
from tinhso.ledger.models import Entry, EntryPayload
from tinhso.onestop.conftest import GOOD_FORM, JUDICIAL_RECORD_FIELDS, submit_online, to_review
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, DossierEvent, DossierState, Payment
from tinhso.onestop.web.citizen.forms import new_idempotency_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

BASE = "/api/services/"


def _client(person: Any = None) -> Client:
    client = Client(enforce_csrf_checks=False)
    if person is not None:
        client.force_login(person)
    return client


def _written() -> tuple[int, int, int, int, int]:
    return (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        Payment.objects.count(),
        Entry.objects.count(),
        EntryPayload.objects.count(),
    )


def _refused(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """A JSON refusal with a Vietnamese ``detail`` and a ``code``."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["code"], str)
    if code is not None:
        assert body["code"] == code, body
    return body


def _submit(client: Client, svc: SimpleNamespace, form: Any, key: str = "hostile-1", **extra: Any) -> Any:
    body = json.dumps({"procedure": svc.procedure.code, "agency": svc.centre.pk, "form_data": form})
    return client.post(BASE + "dossiers/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **extra)


NOT_A_DATE = (
    "Trường “Ngày sinh” phải là ngày hợp lệ, dạng ngày/tháng/năm (31/12/2026) hoặc năm-tháng-ngày (2026-12-31)."
)


# --- item 4: server errors on hostile input ------------------------------------------------------


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("path", ["dossiers/", "dossiers/counter/", "dossiers/bulk-assign/"])
def test_json_nested_5000_levels_is_a_400(svc: SimpleNamespace, path: str) -> None:
    before = _written()
    officer = svc.approver if path == "dossiers/bulk-assign/" else svc.receiver  # past the permission check
    response = _client(officer).post(
        BASE + path, '{"form_data": ' + _deep(5000) + "}", content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep"
    )
    assert _refused(response, 400, "too_deep")["detail"] == "Dữ liệu JSON lồng nhau quá 32 cấp."
    assert _written() == before


def test_json_nested_deeper_than_the_limit_in_a_transition_is_a_400(svc: SimpleNamespace, clock: Any) -> None:
    dossier = submit_online(svc)
    response = _client(svc.citizen).post(
        f"{BASE}dossiers/{dossier.pk}/stop/", '{"reason": ' + _deep(40) + "}", content_type="application/json"
    )
    _refused(response, 400, "too_deep")
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.SUBMITTED


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("get", "/api/services/procedures/1.001%00/", {}),
        ("get", "/api/services/procedures/?q=a%00b", {}),
        ("get", "/api/org/units/?q=Th%C3%A1i%00", {}),
        ("get", "/api/services/dossiers/?state=%00", {}),
        ("get", "/dich-vu-cong/?q=%00", {}),
        ("get", "/api/services/procedures/", {"HTTP_X_ANYTHING": "a\x00b"}),
    ],
)
def test_a_nul_in_the_path_query_or_a_header_is_a_400(
    svc: SimpleNamespace, method: str, path: str, extra: dict[str, str]
) -> None:
    response = getattr(_client(svc.citizen), method)(path, **extra)
    assert response.status_code == 400
    if path.startswith("/api/"):
        body = _refused(response, 400, "nul_character")
        assert body["detail"] == "Yêu cầu chứa ký tự NUL (\\0), không được chấp nhận."
    else:
        assert "ký tự NUL" in response.content.decode()


def test_a_nul_in_the_idempotency_key_is_a_400_and_files_nothing(svc: SimpleNamespace) -> None:
    before = _written()
    _refused(_submit(_client(svc.citizen), svc, GOOD_FORM, key="k\x00ey"), 400, "nul_character")
    assert _written() == before


def test_a_nul_in_a_page_form_field_is_a_400_before_the_login(svc: SimpleNamespace) -> None:
    response = Client().post("/tai-khoan/dang-nhap/", {"username": "congdan\x00", "password": "x"})
    assert response.status_code == 400
    assert "ký tự NUL" in response.content.decode()


def test_a_nul_in_a_json_key_is_a_400(svc: SimpleNamespace) -> None:
    before = _written()
    _refused(_submit(_client(svc.citizen), svc, {**GOOD_FORM, "x\x00": "1"}), 400, "nul_character")
    assert _written() == before


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("9999-12-31", "9999-12-31"),
        ("2026-03-01", "9999-12-31"),
        ("0001-01-01", "0001-01-02"),
        ("20260301", "20260331"),
    ],
)
def test_a_register_period_outside_the_calendar_is_a_400(svc: SimpleNamespace, first: str, last: str) -> None:
    api = _client(svc.receiver).get(BASE + "register.xlsx", {"agency": svc.centre.pk, "from": first, "to": last})
    _refused(api, 400, "invalid_date")
    page = _client(svc.receiver).get(
        "/mot-cua/so-theo-doi/", {"agency": svc.centre.pk, "from": first, "to": last, "tai": "1"}
    )
    assert page.status_code == 400


# --- item 8: one rule for numbers, dates, ids and text -------------------------------------------

FIELDS = [
    *JUDICIAL_RECORD_FIELDS,
    {"name": "copies", "label": "Số bản", "type": "number"},
    {"name": "born", "label": "Ngày sinh", "type": "date"},
    {"name": "note", "label": "Ghi chú", "type": "text"},
]

TOO_MANY_DIGITS = "Trường “Số bản” có quá nhiều chữ số (tối đa 15 chữ số phần nguyên và 4 chữ số thập phân)."
BAD_ID = "Trường “Số định danh cá nhân” phải là số định danh cá nhân gồm 12 chữ số."


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("copies", "NaN", "Trường “Số bản” phải là một số."),
        ("copies", "Infinity", "Trường “Số bản” phải là một số."),
        ("copies", "1e999", TOO_MANY_DIGITS),
        ("copies", 1e300, TOO_MANY_DIGITS),
        ("copies", -2, "Trường “Số bản” không được nhỏ hơn 0."),
        ("copies", "1" * 30, TOO_MANY_DIGITS),
        ("born", 20000101, NOT_A_DATE),
        ("born", "20000101", NOT_A_DATE),
        ("born", "9999-12-31", "Trường “Ngày sinh” phải trong khoảng từ năm 1900 đến năm 2100."),
        ("personal_id", "０３３０９５００１２３４", BAD_ID),
        ("personal_id", "٠٣٣٠٩٥٠٠١٢٣٤", BAD_ID),
        ("phone", "0９１２３４５６７８", "Trường “Số điện thoại” phải là số điện thoại gồm 10 chữ số, bắt đầu bằng 0."),
        ("full_name", "\u200b\u200c\u2060", "Trường “Họ và tên” không được để trống (chỉ có ký tự không nhìn thấy)."),
        (
            "full_name",
            "Nguyễn \u202eAn",
            "Trường “Họ và tên” chứa ký tự điều khiển hướng chữ (U+202E), không được chấp nhận.",
        ),
        ("full_name", "Nguyễn\x07An", "Trường “Họ và tên” chứa ký tự điều khiển (U+0007), không được chấp nhận."),
        ("full_name", {"first": "An"}, "Trường “Họ và tên” phải là một chuỗi ký tự."),
        ("note", ["a"], "Trường “Ghi chú” phải là một chuỗi ký tự."),
        ("note", 12, "Trường “Ghi chú” phải là một chuỗi ký tự."),
    ],
)
def test_the_eform_refuses_what_the_page_refuses_through_the_api(
    svc: SimpleNamespace, name: str, value: Any, message: str
) -> None:
    svc.procedure.form_fields = FIELDS
    svc.procedure.save()
    with pytest.raises(DomainError) as caught:
        S.form_data_validate(svc.procedure, {**GOOD_FORM, name: value})
    assert caught.value.errors == {name: message}
    before = _written()
    body = _refused(_submit(_client(svc.citizen), svc, {**GOOD_FORM, name: value}), 400, "invalid_form")
    assert body["errors"] == {name: message}
    assert _written() == before


def test_good_values_are_kept_normalised(svc: SimpleNamespace) -> None:
    svc.procedure.form_fields = FIELDS
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"  # NFD, as some keyboards send it
    cleaned = S.form_data_validate(
        svc.procedure, {**GOOD_FORM, "full_name": decomposed, "copies": "2,5", "born": "2000-02-29"}
    )
    assert cleaned["full_name"] == "Nguyễn Văn An"
    assert (cleaned["copies"], cleaned["born"]) == ("2,5", "2000-02-29")


def test_the_citizen_page_uses_the_same_rule(svc: SimpleNamespace) -> None:
    svc.procedure.form_fields = FIELDS
    svc.procedure.save()
    before = _written()
    form = {
        f"tk_{key}": value
        for key, value in {**GOOD_FORM, "personal_id": "０３３０９５００１２３４", "born": "9999-01-01"}.items()
    }
    url = f"/dich-vu-cong/nop/{svc.procedure.code}/"
    response = _client(svc.citizen).post(
        url, {"agency": svc.centre.pk, "idempotency_key": new_idempotency_key(), **form}
    )
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    assert "phải là số định danh cá nhân gồm 12 chữ số" in page
    assert "phải trong khoảng từ năm 1900 đến năm 2100" in page
    assert _written() == before


def test_counter_applicant_id_in_full_width_digits_is_refused(svc: SimpleNamespace) -> None:
    before = _written()
    body = json.dumps(
        {
            "procedure": svc.procedure.code,
            "agency": svc.centre.pk,
            "form_data": GOOD_FORM,
            "applicant_name": "Nguyễn Văn An",
            "applicant_personal_id": "٠٣٣٠٩٥٠٠١٢٣٤",
        }
    )
    response = _client(svc.receiver).post(BASE + "dossiers/counter/", body, content_type="application/json")
    assert _refused(response, 400)["field"] == "applicant_personal_id"
    assert _written() == before


@pytest.mark.parametrize("reason", [0, 1.5, "\u200b\u2060", "\u202ehủy", "Hủy\x1b[2J"])
def test_a_stop_with_a_reason_that_is_not_text_is_refused(svc: SimpleNamespace, clock: Any, reason: Any) -> None:
    dossier = submit_online(svc)
    before = _written()
    response = _client(svc.citizen).post(
        f"{BASE}dossiers/{dossier.pk}/stop/", json.dumps({"reason": reason}), content_type="application/json"
    )
    assert _refused(response, 400)["field"] == "reason"
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.SUBMITTED
    assert _written() == before


@pytest.mark.parametrize("new_due_at", ["9999-12-31T16:00:00+07:00", "2101-01-01T08:00:00+07:00"])
def test_an_apology_date_outside_the_calendar_is_refused(svc: SimpleNamespace, clock: Any, new_due_at: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    before, due = _written(), Dossier.objects.get(pk=dossier.pk).due_at
    response = _client(svc.handler).post(
        f"{BASE}dossiers/{dossier.pk}/apologise/",
        json.dumps({"new_due_at": new_due_at, "reason": "Chờ xác minh"}),
        content_type="application/json",
    )
    assert _refused(response, 400)["field"] == "new_due_at"
    assert (Dossier.objects.get(pk=dossier.pk).due_at, _written()) == (due, before)


def test_the_apology_service_refuses_year_9999_too(svc: SimpleNamespace, clock: Any) -> None:
    dossier = to_review(svc, submit_online(svc))
    with pytest.raises(DomainError) as caught:
        S.dossier_apologise(
            actor=svc.handler,
            dossier=dossier,
            reason="Chờ xác minh",
            new_due_at=dt.datetime(9999, 12, 31, 16, tzinfo=dt.UTC),
        )
    assert (caught.value.field, caught.value.code) == ("new_due_at", "date_out_of_range")
    assert Dossier.objects.get(pk=dossier.pk).due_reset_count == 0


def test_no_payment_opens_for_a_dossier_awaiting_receipt(svc: SimpleNamespace, clock: Any) -> None:
    dossier = submit_online(svc)
    before = _written()
    api = _client(svc.citizen).post(f"{BASE}dossiers/{dossier.pk}/payments/")
    _refused(api, 409, "wrong_state")
    page = _client(svc.citizen).post(f"/thanh-toan/ho-so/{dossier.pk}/")
    assert page.status_code == 409
    detail = _client(svc.citizen).get(f"/dich-vu-cong/ho-so/{dossier.pk}/")
    assert 'id="thanh-toan"' not in detail.content.decode()
    assert _written() == before
    S.dossier_receive(actor=svc.receiver, dossier=dossier)
    assert _client(svc.citizen).post(f"{BASE}dossiers/{dossier.pk}/payments/").status_code == 201


# --- item 10: every /api/ refusal is JSON; pages are the platform's own ----------------------------


def test_unknown_api_routes_and_methods_answer_json(svc: SimpleNamespace) -> None:
    client = _client(svc.citizen)
    assert _refused(client.get("/api/khong-co/"), 404, "not_found")["detail"] == (
        "Không tìm thấy trang hoặc đối tượng được yêu cầu."
    )
    _refused(client.get("/api/services/khong-co/"), 404, "not_found")
    _refused(client.delete(BASE + "procedures/"), 405, "method_not_allowed")
    _refused(client.put(BASE + "dossiers/", "{}", content_type="application/json"), 405, "method_not_allowed")


def test_malformed_json_and_wrong_media_types_answer_json(svc: SimpleNamespace) -> None:
    client = _client(svc.citizen)
    _refused(
        client.post(BASE + "dossiers/", "{nope", content_type="application/json", HTTP_IDEMPOTENCY_KEY="m"),
        400,
        "parse_error",
    )
    _refused(
        client.post(BASE + "dossiers/", "NaN", content_type="application/json", HTTP_IDEMPOTENCY_KEY="m"),
        400,
        "parse_error",
    )
    _refused(
        client.post(BASE + "dossiers/", "a=1", content_type="text/plain", HTTP_IDEMPOTENCY_KEY="m"),
        415,
        "unsupported_media_type",
    )


def test_anonymous_and_csrf_refusals_answer_json(svc: SimpleNamespace) -> None:
    assert _refused(Client().get(BASE + "dossiers/"), 403, "not_authenticated")["detail"] == "Vui lòng đăng nhập."
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(svc.citizen)
    before = _written()
    _refused(_submit(strict, svc, GOOD_FORM), 403, "csrf_failed")
    assert _written() == before


def test_oversized_bodies_and_too_many_files_are_413_json(svc: SimpleNamespace, settings: Any, clock: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    before = _written()
    big = _submit(_client(svc.citizen), svc, {**GOOD_FORM, "full_name": "A" * 20_000})
    _refused(big, 413, "too_large")
    dossier = submit_online(svc)
    files = {f"file{i}": SimpleUploadedFile(f"a{i}.pdf", b"%PDF-1.4\n", "application/pdf") for i in range(5)}
    response = _client(svc.citizen).post(f"{BASE}dossiers/{dossier.pk}/files/", files)
    _refused(response, 413, "too_large")
    assert dossier.files.count() == 0
    assert Dossier.objects.count() == before[0] + 1


def test_pages_show_the_platforms_vietnamese_error_pages(svc: SimpleNamespace, settings: Any) -> None:
    assert settings.DEBUG is False
    response = _client(svc.citizen).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="error-page"' in page
    assert "Không tìm thấy trang" in page
    assert "Về trang chủ" in page
    strict = Client(enforce_csrf_checks=True)
    csrf = strict.post("/tai-khoan/dang-nhap/", {"username": "congdan", "password": "x"})
    assert csrf.status_code == 403
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in csrf.content.decode()


def test_a_server_error_page_is_the_platforms_own(rf: Any) -> None:
    from tinhso.core.views import server_error

    page = server_error(rf.get("/dich-vu-cong/"))
    assert page.status_code == 500
    assert "Hệ thống gặp sự cố" in page.content.decode()
    api = server_error(rf.get("/api/services/dossiers/"))
    assert (api.status_code, json.loads(api.content)["code"]) == (500, "server_error")
