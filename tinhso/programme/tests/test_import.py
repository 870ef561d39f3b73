"""The importer at its interface: seed counts, all-or-nothing, agency names through history."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tinhso.ledger.models import Entry
from tinhso.org.roles import Role
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.demo import SEEDS, demo_load
from tinhso.programme.importing.pipeline import programme_import
from tinhso.programme.models import Budget, Milestone, Programme, Target, Task

pytestmark = pytest.mark.django_db

THAI_BINH = SEEDS / "thai-binh-2022-de-an-chuyen-doi-so.txt"
THANH_HOA = SEEDS / "thanh-hoa-2020-ke-hoach-chuyen-doi-so.txt"


@pytest.fixture
def imported(demo_agencies: dict[str, Any]) -> dict[str, Programme]:
    demo_load()
    return {
        "thai_binh": Programme.objects.get(decision_number="54/QĐ-UBND"),
        "thanh_hoa": Programme.objects.exclude(decision_number="54/QĐ-UBND").get(),
    }


def test_seed_schemes_give_the_expected_counts(imported: dict[str, Programme], demo_agencies: dict[str, Any]) -> None:
    thai_binh = imported["thai_binh"]
    counts = {
        appendix: Task.objects.filter(programme=thai_binh, appendix=appendix).count()
        for appendix in ("01", "02", "3", "4")
    }
    assert counts == {"01": 19, "02": 18, "3": 32, "4": 26}
    kinds = {
        appendix: set(Task.objects.filter(programme=thai_binh, appendix=appendix).values_list("kind", flat=True))
        for appendix in ("01", "3")
    }
    assert kinds == {"01": {"task"}, "3": {"action"}}
    action = Task.objects.get(programme=thai_binh, appendix="3", code="CQS2.1")
    assert (action.parent.appendix, action.parent.code) == ("01", "CQS2")
    assert Target.objects.filter(programme=thai_binh).count() == 16
    years = set(Milestone.objects.filter(target__programme=thai_binh).values_list("year", flat=True))
    assert years == {2025, 2030}
    thanh_hoa = imported["thanh_hoa"]
    assert Target.objects.filter(programme=thanh_hoa).count() == 20
    # The plan also has one target "by the end of 2020" besides its 2022, 2025 and 2030 ones.
    assert set(Milestone.objects.filter(target__programme=thanh_hoa).values_list("year", flat=True)) == {
        2020,
        2022,
        2025,
        2030,
    }
    # Carried on by Hưng Yên: the programme belongs to today's UBND tỉnh Hưng Yên.
    assert thai_binh.owner == demo_agencies["hy.ubnd"]
    assert (thai_binh.province.code, str(thai_binh.decision_date)) == ("34", "2022-03-17")


def test_agencies_are_matched_to_todays_agency_and_the_text_is_kept(
    imported: dict[str, Programme], demo_agencies: dict[str, Any]
) -> None:
    written_ict = Task.objects.filter(programme=imported["thai_binh"], lead_agency_text="Sở Thông tin và Truyền thông")
    assert written_ict.exists()
    assert set(written_ict.values_list("lead_agency", flat=True)) == {demo_agencies["hy.skhcn"].pk}
    unmatched = Task.objects.filter(programme=imported["thai_binh"], lead_agency__isnull=True)
    assert set(unmatched.values_list("lead_agency_text", flat=True)) == {"Xã/phường được chọn triển khai thí điểm"}


def test_a_pasted_table_with_budgets_into_an_existing_programme(
    imported: dict[str, Programme], demo_agencies: dict[str, Any]
) -> None:
    pasted = (
        "PHỤ LỤC 5: DANH MỤC NHIỆM VỤ BỔ SUNG GIAI ĐOẠN 2026-2030\n"
        "Mã nhiệm vụ\tNhiệm vụ\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tLộ trình\tKinh phí (triệu đồng)\tNguồn vốn\n"
        "CQS90\tNền tảng LGSP\t- Nâng cấp\n- Kết nối NDXP\tSở TT&TT\tSở KH&ĐT, Sở Văn hóa, Thể thao và Du lịch\t"
        "2026-2027\t1.500,5\tNgân sách tỉnh\n"
    ).encode()
    outcome = programme_import(actor=None, filename="paste.txt", data=pasted, programme=imported["thai_binh"])
    assert (outcome.saved, outcome.tasks, outcome.rejected) == (True, 1, [])
    task = Task.objects.get(programme=imported["thai_binh"], code="CQS90")
    assert task.lead_agency == demo_agencies["hy.skhcn"]
    assert set(task.partner_agencies.values_list("key", flat=True)) == {"hy.stc", "hy.svhttdl"}
    assert [(b.phase, str(b.amount_million_vnd)) for b in Budget.objects.filter(task=task)] == [
        ("2026-2030", "1500.500")
    ]


def test_a_mapping_is_remembered_and_applied(
    imported: dict[str, Programme], demo_agencies: dict[str, Any], make_person: Any
) -> None:
    programme = imported["thai_binh"]
    dx = make_person("cds", Role.DX_OFFICE, demo_agencies["hy.skhcn"])
    services.agency_mapping_set(
        actor=dx,
        scope=programme_scope(dx, programme),
        programme=programme,
        text="Xã/phường được chọn triển khai thí điểm",
        agency=demo_agencies["hy.ubnd"],
    )
    assert not Task.objects.filter(programme=programme, lead_agency__isnull=True).exists()
    again = programme_import(actor=dx, filename="x.txt", data=THAI_BINH.read_bytes(), dry_run=True)
    assert again.unmatched_agencies == []


def test_demo_load_is_idempotent(imported: dict[str, Programme]) -> None:
    tasks = Task.objects.count()
    report = demo_load()
    assert len(report.skipped) == 2
    assert Task.objects.count() == tasks


def test_dry_run_saves_nothing(demo_agencies: dict[str, Any]) -> None:
    entries = Entry.objects.count()
    outcome = programme_import(actor=None, filename=THAI_BINH.name, data=THAI_BINH.read_bytes(), dry_run=True)
    assert (outcome.targets, outcome.tasks, outcome.saved) == (16, 95, False)
    assert not Programme.objects.exists()
    assert Entry.objects.count() == entries


BAD_INPUTS = [
    ("not-a-scheme.txt", "Hôm nay trời đẹp.\nKhông có bảng nào ở đây.\n".encode()),
    ("missing-columns.txt", "PHỤ LỤC 01: DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021-2025\nTT\tNhiệm vụ\n1\tLàm gì đó\n".encode()),
    (
        "duplicate-codes.txt",
        (
            "PHỤ LỤC 01: DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021-2025\n"
            "Mã nhiệm vụ\tNhiệm vụ\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tLộ trình\tKinh phí (triệu đồng)\tNguồn vốn\n"
            "CQS1\tNền tảng LGSP\tXây dựng\tSở TT&TT\tSở Tài chính\t2022-2023\t1.500\tNgân sách tỉnh\n"
            "CQS1\tNền tảng khác\tXây dựng\tSở TT&TT\tSở Tài chính\t2022-2023\t200\tNgân sách tỉnh\n"
        ).encode(),
    ),
    (
        "budget-not-a-number.txt",
        (
            "PHỤ LỤC 01: DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021-2025\n"
            "Mã nhiệm vụ\tNhiệm vụ\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tLộ trình\tKinh phí (triệu đồng)\tNguồn vốn\n"
            "CQS1\tNền tảng LGSP\tXây dựng\tSở TT&TT\tSở Tài chính\t2022-2023\tmười tỷ\tNgân sách tỉnh\n"
        ).encode(),
    ),
    ("binary.txt", b"\x00\x01\x02\xff\xfe\x00garbage"),
]


@pytest.mark.parametrize(("name", "data"), BAD_INPUTS, ids=[name for name, _ in BAD_INPUTS])
def test_bad_files_are_refused_whole_with_vietnamese_reasons(
    demo_agencies: dict[str, Any], name: str, data: bytes
) -> None:
    entries = Entry.objects.count()
    outcome = programme_import(actor=None, filename=name, data=data)
    assert outcome.saved is False
    assert outcome.rejected
    assert all(row["reason"] and row["reason"][0].isupper() for row in outcome.rejected)
    assert not Programme.objects.exists()
    assert not Task.objects.exists()
    assert Entry.objects.count() == entries


def test_command_prints_json_counts(demo_agencies: dict[str, Any]) -> None:
    out = StringIO()
    call_command("programme_import", str(THAI_BINH), "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["targets"], data["tasks"], data["rejected"]) == (16, 95, [])
    assert data["indicators"] == 16
    assert [item["text"] for item in data["unmatched_agencies"]] == ["Xã/phường được chọn triển khai thí điểm"]


def test_command_refuses_a_bad_file_and_saves_nothing(demo_agencies: dict[str, Any], tmp_path: Any) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(BAD_INPUTS[3][1])
    with pytest.raises(CommandError, match="không lưu gì"):
        call_command("programme_import", str(bad), stdout=StringIO())
    assert not Programme.objects.exists()
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("programme_import", str(tmp_path / "missing.txt"))


def test_command_prints_one_json_object_with_the_province_and_the_preview(vn_units: None, tmp_path: Any) -> None:
    """Issue 14 item 3: counts, today's province carrying the scheme on, and every row it
    would create, in the shapes the issue lists (null where the document says nothing)."""
    from tinhso.org.agencies import agencies_load
    from tinhso.programme.importing.tests.corpus.build import CORPUS, render

    agencies_load(actor=None, province="44")
    name, data = render(CORPUS / "quang-binh-2022-de-an.layout")
    path = tmp_path / name
    path.write_bytes(data)
    out = StringIO()
    call_command("programme_import", str(path), "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())  # one object, nothing else printed
    assert (result["tasks"], result["targets"], result["rejected"], result["saved"]) == (8, 5, [], False)
    assert result["province"] == {"code": "44", "name": "Quảng Trị"}  # Quảng Bình merged into it
    tasks = {task["code"]: task for task in result["preview"]["tasks"]}
    assert {"code", "name", "content", "pillar", "lead", "partners", "timeline", "budget", "funding"} <= set(tasks["1"])
    first = tasks["1"]
    assert (first["name"], first["content"], first["pillar"]) == (
        "Nâng cấp Cổng dịch vụ công tỉnh",
        ["Tích hợp thanh toán trực tuyến"],
        "digital_government",
    )
    assert first["lead"]["text"] == "Văn phòng UBND tỉnh"
    assert first["lead"]["agency_name"] == "Văn phòng Ủy ban nhân dân tỉnh Quảng Trị"
    assert isinstance(first["lead"]["agency_id"], int)
    assert first["partners"]["text"] == "Sở Thông tin và Truyền thông"
    assert [a["name"] for a in first["partners"]["agencies"]] == ["Sở Khoa học và Công nghệ tỉnh Quảng Trị"]
    assert first["timeline"] == {"start": 2022, "end": 2023, "text": "2022-2023"}
    assert first["budget"] == {"2022-2025": 3500}
    assert first["funding"] == "Ngân sách tỉnh"
    assert tasks["2"]["budget"] == {"2022-2025": 12000, "2026-2030": 8000}
    target = result["preview"]["targets"][0]
    assert {"code", "name", "pillar", "milestones", "lead", "partners"} <= set(target)
    assert target["milestones"][0] == {
        "year": 2025,
        "text": "80%",
        "value": 80,
        "unit": "%",
        "comparator": "=",
        "level": None,
    }
    assert target["lead"]["agency_name"] == "Văn phòng Ủy ban nhân dân tỉnh Quảng Trị"
    assert not Programme.objects.exists()


def test_an_unclassified_table_is_previewed_and_the_rest_imports(vn_units: None) -> None:
    from tinhso.org.agencies import agencies_load
    from tinhso.programme.importing.tests.corpus.build import CORPUS, render

    agencies_load(actor=None, province="40")
    name, data = render(CORPUS / "nghe-an-2021-ke-hoach.layout")
    outcome = programme_import(actor=None, filename=name, data=data, dry_run=True)
    assert (outcome.tasks, outcome.rejected) == (4, [])
    [table] = outcome.preview["unclassified"]
    assert table["header"] == ["Hạng mục", "Số lượng năm 2020", "Ghi nhận"]
    assert table["rows"][0] == ["Máy chủ", "120", "Trung tâm dữ liệu"]
    assert table["message"].startswith("Không nhận ra bảng này")
