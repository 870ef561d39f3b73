"""A table the importer cannot classify: the DX office says what each column is ("Áp dụng"),
the preview is read again with it, and it is remembered for the province's next files."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.programme.models import ColumnMapping, Programme, Task

pytestmark = pytest.mark.django_db

HEADING = """Số: 12/QĐ-UBND

{place}, ngày 5 tháng 4 năm 2022

QUYẾT ĐỊNH

Phê duyệt Kế hoạch chuyển đổi số tỉnh {place} năm 2022

ỦY BAN NHÂN DÂN TỈNH {upper}

"""
TABLE = """TT\tCông việc\tBộ phận làm\tCùng làm\tNăm
1\tXây dựng kho dữ liệu dùng chung\tSở Tài chính\tSở Nội vụ\t2022
2\tSố hóa hồ sơ lưu trữ\tSở Nội vụ\tSở Tài chính\t2023
"""
OTHER_ROWS = """TT\tCông việc\tBộ phận làm\tCùng làm\tNăm
1\tCổng dữ liệu mở\tSở Tài chính\t\t2022
2\tTrợ lý ảo\tSở Nội vụ\t\t2022
3\tBản đồ số\tSở Tài chính\t\t2023
"""
MAPPING = {"col_0": "code", "col_1": "name", "col_2": "lead", "col_3": "partners", "col_4": "timeline"}


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _thai_binh(table: str = TABLE) -> str:
    return HEADING.format(place="Thái Bình", upper="THÁI BÌNH") + table


def _preview(client: Client, text: str) -> Any:
    response = client.post(reverse("programme:import"), {"text": text, "programme": ""})
    assert response.status_code == 200
    return response


def _apply(client: Client, preview: Any, data: dict[str, str]) -> Any:
    [table] = preview.context["outcome"].preview["unclassified"]
    return client.post(
        reverse("programme:import_columns"),
        {"token": preview.context["token"], "signature": table["signature"], **data},
    )


def test_a_table_of_unknown_headers_is_unclassified_with_a_form(scheme: dict[str, Any]) -> None:
    preview = _preview(_client(scheme["dx"]), _thai_binh())
    outcome = preview.context["outcome"]
    assert outcome.tasks == 0
    [table] = outcome.preview["unclassified"]
    assert table["header"] == ["TT", "Công việc", "Bộ phận làm", "Cùng làm", "Năm"]
    assert [column["role"] for column in table["suggested"]] == ["code", "ignore", "ignore", "ignore", "ignore"]
    page = preview.content.decode()
    assert 'data-testid="column-mapping"' in page
    assert "Áp dụng" in page
    assert "Đơn vị chủ trì (theo dõi)" in page


def test_a_saved_mapping_reads_the_same_preview_and_the_next_file_of_that_shape(scheme: dict[str, Any]) -> None:
    client = _client(scheme["dx"])
    preview = _preview(client, _thai_binh())
    applied = _apply(client, preview, MAPPING)
    assert applied.status_code == 200
    outcome = applied.context["outcome"]
    assert (outcome.tasks, outcome.rejected, outcome.preview["unclassified"]) == (2, [], [])
    task = outcome.preview["tasks"][0]
    assert (task["code"], task["name"], task["lead"]["text"], task["timeline"]["start"]) == (
        "1",
        "Xây dựng kho dữ liệu dùng chung",
        "Sở Tài chính",
        2022,
    )
    mapping = ColumnMapping.objects.get()
    assert (mapping.province.code, mapping.saved_by, mapping.header[1]) == ("33", scheme["dx"], "Công việc")
    assert mapping.columns[1] == {"role": "name", "phase": None, "year": None}
    entry = Entry.objects.filter(action="programme.column_mapping.save").get()
    assert entry.object_id == str(mapping.pk)
    assert Programme.objects.count() == 1  # still a preview
    # "Nhập" saves the same bytes, read with the saved mapping.
    saved = client.post(reverse("programme:import"), {"token": applied.context["token"]})
    assert saved.status_code == 302
    programme = Programme.objects.exclude(pk=scheme["programme"].pk).get()
    assert sorted(Task.objects.filter(programme=programme).values_list("code", flat=True)) == ["1", "2"]
    # The next file with a table of the same header shape (another Unicode form, other spacing)
    # is classified at once.
    decomposed = unicodedata.normalize("NFD", OTHER_ROWS).replace("Bộ phận làm", "Bộ  phận làm")
    second = _preview(client, _thai_binh(decomposed).replace("12/QĐ-UBND", "13/QĐ-UBND"))
    assert (second.context["outcome"].tasks, second.context["outcome"].preview["unclassified"]) == (3, [])


def test_another_province_neither_sees_nor_uses_the_mapping(scheme: dict[str, Any]) -> None:
    client = _client(scheme["dx"])
    _apply(client, _preview(client, _thai_binh()), MAPPING)
    assert ColumnMapping.objects.count() == 1
    other = _client(scheme["dx_thanh_hoa"])
    preview = _preview(other, HEADING.format(place="Thanh Hóa", upper="THANH HÓA") + TABLE)
    outcome = preview.context["outcome"]
    assert outcome.tasks == 0
    assert len(outcome.preview["unclassified"]) == 1
    assert "Xây dựng kho dữ liệu dùng chung" not in str(outcome.preview["tasks"])


def test_only_the_provinces_dx_office_saves_a_mapping(scheme: dict[str, Any]) -> None:
    client = _client(scheme["dx"])
    preview = _preview(client, _thai_binh())
    for who in ("leader", "focal_dost", "dx_thanh_hoa"):
        other = _client(scheme[who])
        session = other.session
        session.update({key: value for key, value in client.session.items() if key == "programme_imports"})
        session.save()
        response = _apply(other, preview, MAPPING)
        assert response.status_code == 403, who
    assert not ColumnMapping.objects.exists()
    assert not Entry.objects.filter(action="programme.column_mapping.save").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**MAPPING, "col_1": "chairman"}, "không có trong danh sách"),
        ({**MAPPING, "col_9": "note"}, "Bảng chỉ có 5 cột"),
        ({**MAPPING, "col_3": "name"}, "cùng là “Tên nhiệm vụ”"),
        ({"col_0": "code", "col_1": "name"}, "Bảng còn thiếu cột: Đơn vị chủ trì"),
        ({"col_0": "code", "col_1": "target", "col_4": "year"}, "Cột 5 là mục tiêu theo năm: ghi năm"),
        ({**MAPPING, "col_4": "budget", "extra_4": "sau này"}, "không đọc được"),
    ],
)
def test_bad_mappings_are_refused_and_nothing_saved(scheme: dict[str, Any], data: dict[str, str], message: str) -> None:
    client = _client(scheme["dx"])
    response = _apply(client, _preview(client, _thai_binh()), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ColumnMapping.objects.exists()


def test_an_expired_preview_is_refused(scheme: dict[str, Any]) -> None:
    response = _client(scheme["dx"]).post(reverse("programme:import_columns"), {"token": "x", **MAPPING})
    assert response.status_code == 400
    assert not ColumnMapping.objects.exists()
