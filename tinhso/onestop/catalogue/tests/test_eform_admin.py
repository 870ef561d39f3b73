"""Issue 12, item 17: the e-form of a procedure is edited in the admin as one row per field
(name, label, type, required, options, maximum length, prefill), not as raw JSON; a bad row is
refused with its number and nothing is saved."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django.test import Client

from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import JUDICIAL_RECORD_FIELDS
from tinhso.onestop.models import Procedure
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(
        Person.objects.create_superuser(
            username="quantri", email="quantri@example.vn", password="x", full_name="Quản Trị"
        )
    )
    return client


def _url(procedure: Procedure) -> str:
    return f"/quan-tri/services/procedure/{procedure.pk}/change/"


def _form(admin_client: Client, procedure: Procedure) -> tuple[str, dict[str, Any]]:
    html = admin_client.get(_url(procedure)).content.decode()
    form = next(f for f in lxml.html.fromstring(html).forms if f.get("id") == "procedure_form")
    data: dict[str, Any] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return html, data


def test_the_e_form_is_shown_as_rows_not_json(admin_client: Client, svc: Any) -> None:
    html, data = _form(admin_client, svc.procedure)
    assert 'name="form_fields"' not in html  # no raw JSON textarea
    assert data["form_fields-TOTAL"] == [str(len(JUDICIAL_RECORD_FIELDS) + 2)]  # and two empty rows
    assert [data[f"form_fields-{i}-name"][0] for i in range(4)] == [f["name"] for f in JUDICIAL_RECORD_FIELDS]
    assert data["form_fields-0-label"] == ["Họ và tên"]
    assert data["form_fields-0-required"] == ["1"]
    assert "form_fields-2-required" not in data  # the phone is optional
    assert data["form_fields-3-type"] == ["select"]
    assert data["form_fields-3-options"] == ["Xin việc\nDu học\nKhác"]
    assert data["form_fields-0-max_length"] == ["100"]
    assert "Điền sẵn từ tài khoản" in html
    assert "<script>" not in html.split('id="procedure_form"')[1].split("</form>")[0]  # CSP: no inline code
    assert "js/eform_admin.js" in html


def test_rows_are_saved_as_the_e_form_and_ledgered(admin_client: Client, svc: Any) -> None:
    _html, data = _form(admin_client, svc.procedure)
    data["form_fields-0-label"] = ["Họ và tên người yêu cầu"]
    data["form_fields-0-prefill"] = ["full_name"]
    data["form_fields-2-delete"] = ["1"]  # the phone goes
    data.update(
        {
            "form_fields-4-name": ["ngay_sinh"],
            "form_fields-4-label": ["Ngày sinh"],
            "form_fields-4-type": ["date"],
            "form_fields-4-required": ["1"],
        }
    )
    data.update(
        {
            "form_fields-5-name": ["so_ban"],
            "form_fields-5-label": ["Số bản"],
            "form_fields-5-type": ["select"],
            "form_fields-5-options": ["1\n 2 \n\n3"],
        }
    )
    before = Entry.objects.filter(action="services.procedure.update").count()
    response = admin_client.post(_url(svc.procedure), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    svc.procedure.refresh_from_db()
    assert svc.procedure.form_fields == [
        {
            "name": "full_name",
            "label": "Họ và tên người yêu cầu",
            "type": "text",
            "required": True,
            "max_length": 100,
            "prefill": "full_name",
        },
        {"name": "personal_id", "label": "Số định danh cá nhân", "type": "personal_id", "required": True},
        {
            "name": "purpose",
            "label": "Mục đích",
            "type": "select",
            "required": False,
            "options": ["Xin việc", "Du học", "Khác"],
        },
        {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
        {"name": "so_ban", "label": "Số bản", "type": "select", "required": False, "options": ["1", "2", "3"]},
    ]
    assert Entry.objects.filter(action="services.procedure.update").count() == before + 1


def test_bad_rows_are_refused_by_number_and_nothing_is_saved(admin_client: Client, svc: Any) -> None:
    _html, data = _form(admin_client, svc.procedure)
    data.update({"form_fields-4-name": ["Họ tên"], "form_fields-4-label": ["Họ tên"]})
    data.update(
        {
            "form_fields-5-name": ["full_name"],
            "form_fields-5-label": ["Trùng"],
            "form_fields-5-type": ["select"],
            "form_fields-5-max_length": ["-3"],
        }
    )
    before = Entry.objects.count()
    response = admin_client.post(_url(svc.procedure), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dòng 5: tên trường “Họ tên” chỉ gồm chữ thường không dấu" in html
    assert "Dòng 6: tên trường “full_name” bị trùng với một dòng trên." in html
    assert "Dòng 6: trường chọn trong danh sách cần ít nhất một lựa chọn" in html
    assert "Dòng 6: độ dài tối đa phải là số nguyên dương." in html
    assert 'value="Họ tên"' in html  # what was typed is shown again
    assert Procedure.objects.get(pk=svc.procedure.pk).form_fields == JUDICIAL_RECORD_FIELDS
    assert Entry.objects.count() == before


def test_keys_without_a_column_are_kept(admin_client: Client, svc: Any) -> None:
    Procedure.objects.filter(pk=svc.procedure.pk).update(
        form_fields=[{"name": "ghi_chu", "label": "Ghi chú", "type": "text", "help": "Không bắt buộc"}]
    )
    _html, data = _form(admin_client, svc.procedure)
    assert admin_client.post(_url(svc.procedure), data).status_code == 302
    assert Procedure.objects.get(pk=svc.procedure.pk).form_fields == [
        {"name": "ghi_chu", "label": "Ghi chú", "type": "text", "required": False, "help": "Không bắt buộc"}
    ]
