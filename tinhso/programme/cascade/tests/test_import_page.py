"""The page "Nhập kế hoạch của đơn vị": a commune's focal point (or the DX office for any
commune or department of the territory) uploads the plan the agency wrote, sees every row, and
saves it on "Nhập" from the kept file; refusals write nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.org.models import Person
from tinhso.org.roles import Role
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.cascade.selectors import task_rollup
from tinhso.programme.cascade.services import plan_derive
from tinhso.programme.models import Programme, Task, TaskReport
from tinhso.programme.stash import PLAN_IMPORTS_KEY

pytestmark = pytest.mark.django_db

HEADER = ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian")


def _plan_docx(*rows: tuple[str, str, str, str]) -> bytes:
    """A commune's plan as communes write it: a title and one table of tasks, numbered by the
    scheme's codes."""
    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN XÃ TIỀN HẢI")
    document.add_paragraph("KẾ HOẠCH Chuyển đổi số năm 2026")
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, title in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = title
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PLAN = _plan_docx(
    ("CQS2", "Số hóa hồ sơ tại bộ phận một cửa của xã", "UBND xã Tiền Hải", "2026"),
    ("CQS1", "Kết nối phần mềm một cửa của xã với nền tảng tích hợp", "UBND xã Tiền Hải", "2026"),
)


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _url(c: dict[str, Any]) -> str:
    return reverse("programme:plan_import", args=[c["scheme"].pk])


def _upload(data: bytes = PLAN, name: str = "ke-hoach-2026.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _written() -> tuple[int, int, int, int]:
    return (Programme.objects.count(), Task.objects.count(), TaskReport.objects.count(), Entry.objects.count())


def test_a_commune_focal_point_imports_its_plan_file_and_a_report_moves_the_scheme(cascade: dict[str, Any]) -> None:
    c = cascade
    owner = c["agencies"]["hy.ubndx.tien_hai"]
    client = _client(c["focal_tien_hai"])
    form = client.get(_url(c))
    assert form.status_code == 200
    assert form.context["form"].fixed_owner == owner  # their own commune, not a choice
    assert f'type="hidden" name="owner" value="{owner.pk}"' in form.content.decode()

    before = _written()
    preview = client.post(_url(c), {"owner": owner.pk, "year": 2026, "file": _upload()})
    assert preview.status_code == 200, preview.context["form"].errors
    assert [line.code for line in preview.context["task_lines"]] == ["CQS2", "CQS1"]
    assert not preview.context["outcome"].rejected
    assert _written() == before  # a preview writes nothing
    token = preview.context["token"]
    assert token in client.session[PLAN_IMPORTS_KEY]

    saved = client.post(_url(c), {"token": token})
    plan = Programme.objects.get(parent=c["scheme"], owner=owner, period_start=2026)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("programme:plan", args=[plan.pk])
    assert token not in client.session[PLAN_IMPORTS_KEY]
    tasks = {task.code: task for task in Task.objects.filter(programme=plan)}
    assert {code: task.source_task for code, task in tasks.items()} == {
        "CQS2": c["communes_task"],
        "CQS1": c["dost_task"],
    }
    assert Entry.objects.filter(action="programme.plan.import").count() == 1
    page = client.get(saved["Location"])
    assert "Đã nhập kế hoạch năm 2026 của" in page.content.decode()

    focal = c["focal_tien_hai"]
    report = TaskReport.objects.get(task=tasks["CQS2"], round__period="2026-H1")
    scope = programme_scope(focal, plan)
    services.task_report_save(actor=focal, scope=scope, report=report, status="done", percent_done=100)
    services.report_submit(actor=focal, scope=scope, report=report)
    services.report_approve(actor=c["dx"], scope=programme_scope(c["dx"], plan), report=report)
    rollup = task_rollup(source_ids=[c["communes_task"].pk])[c["communes_task"].pk]
    assert (rollup.derived, rollup.done, rollup.percent) == (1, 1, Decimal(100))


def test_the_plan_page_and_the_cascade_table_link_to_the_import(cascade: dict[str, Any]) -> None:
    c = cascade
    owner = c["agencies"]["hy.ubndx.tien_hai"]
    plan = plan_derive(actor=c["dx"], parent=c["scheme"], owner=owner, year=2026).plan
    link = f"{_url(c)}?co-quan={owner.pk}&amp;nam=2026"
    assert link in _client(c["focal_tien_hai"]).get(reverse("programme:plan", args=[plan.pk])).content.decode()
    table = _client(c["dx"]).get(reverse("programme:cascade", args=[c["scheme"].pk]) + "?nam=2026")
    assert link in table.content.decode()
    leader_table = _client(c["leader"]).get(reverse("programme:cascade", args=[c["scheme"].pk]) + "?nam=2026")
    assert _url(c) not in leader_table.content.decode()  # leaders follow, they do not import


def test_the_dx_office_chooses_the_agency_and_imports_into_its_derived_plan(cascade: dict[str, Any]) -> None:
    c = cascade
    owner = c["agencies"]["hy.ubndx.tien_hai"]
    derived = plan_derive(actor=c["dx"], parent=c["scheme"], owner=owner, year=2026).plan
    client = _client(c["dx"])
    form = client.get(f"{_url(c)}?co-quan={owner.pk}&nam=2026")
    choices = dict(form.context["form"].fields["owner"].choices)
    assert owner.pk in choices  # a commune of the territory
    assert c["agencies"]["hy.stc"].pk in choices  # a department of the province
    assert c["agencies"]["hy.ubndx.pho_hien"].pk not in choices  # not the territory of former Thái Bình
    assert form.context["form"].initial == {"owner": owner.pk, "year": 2026}
    data = _plan_docx(("CQS9", "Tập huấn kỹ năng số cho người dân", "UBND xã Tiền Hải", "2026"))
    preview = client.post(_url(c), {"owner": owner.pk, "year": 2026, "file": _upload(data)})
    saved = client.post(_url(c), {"token": preview.context["token"]})
    assert saved["Location"] == reverse("programme:plan", args=[derived.pk])
    assert "CQS9" in Task.objects.filter(programme=derived).values_list("code", flat=True)


def test_a_person_of_another_commune_gets_404_and_nothing_is_written(cascade: dict[str, Any], make_person: Any) -> None:
    c = cascade
    tien_hai = c["agencies"]["hy.ubndx.tien_hai"]
    neighbour = _client(make_person("dm.thaibinh", Role.FOCAL_POINT, c["agencies"]["hy.ubndx.thai_binh"]))
    before = _written()
    outside = _client(c["focal_pho_hien"])  # a commune outside the scheme's territory
    assert outside.get(_url(c)).status_code == 404
    assert outside.post(_url(c), {"owner": tien_hai.pk, "year": 2026, "file": _upload()}).status_code == 404
    assert neighbour.get(f"{_url(c)}?co-quan={tien_hai.pk}").status_code == 404
    assert neighbour.post(_url(c), {"owner": tien_hai.pk, "year": 2026, "file": _upload()}).status_code == 404
    assert _client(c["dx_thanh_hoa"]).get(_url(c)).status_code == 404
    assert _client(c["focal_tien_hai"]).get(reverse("programme:plan_import", args=[999999])).status_code == 404
    assert _written() == before


def test_a_file_with_a_rejected_row_saves_nothing(cascade: dict[str, Any]) -> None:
    c = cascade
    owner = c["agencies"]["hy.ubndx.tien_hai"]
    client = _client(c["focal_tien_hai"])
    before = _written()
    data = _plan_docx(
        ("CQS2", "Số hóa hồ sơ tại bộ phận một cửa của xã", "UBND xã Tiền Hải", "2026"),
        ("CQS8", "", "UBND xã Tiền Hải", "2026"),
    )
    preview = client.post(_url(c), {"owner": owner.pk, "year": 2026, "file": _upload(data)})
    assert preview.status_code == 200
    assert [row["reason"] for row in preview.context["outcome"].rejected] == [
        "Bảng 1, hàng 3: nhiệm vụ “CQS8” không có tên"
    ]
    body = preview.content.decode()
    assert 'data-testid="preview-rejected"' in body
    assert 'name="token"' not in body  # no "Nhập" while a row is refused
    refused = client.post(_url(c), {"token": preview.context["token"]})  # pressed anyway
    assert refused.status_code == 400
    assert "chưa nhập gì" in refused.content.decode()
    assert _written() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": 2031}, "Năm kế hoạch phải trong giai đoạn của kế hoạch cấp trên."),
        ({"year": "hai"}, "Năm kế hoạch phải trong giai đoạn của kế hoạch cấp trên."),
        ({"file": SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.7")}, "Chỉ nhận tệp .docx, .xlsx hoặc .txt."),
        ({"file": None}, "Vui lòng chọn tệp kế hoạch."),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(
    cascade: dict[str, Any], fields: dict[str, Any], message: str
) -> None:
    c = cascade
    data = {"owner": c["agencies"]["hy.ubndx.tien_hai"].pk, "year": 2026, "file": _upload(), **fields}
    before = _written()
    answer = _client(c["focal_tien_hai"]).post(_url(c), {k: v for k, v in data.items() if v is not None})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert _written() == before


def test_an_unknown_or_expired_preview_is_refused(cascade: dict[str, Any]) -> None:
    c = cascade
    before = _written()
    answer = _client(c["focal_tien_hai"]).post(_url(c), {"token": "khong-co"})
    assert answer.status_code == 400
    assert "Bản xem trước đã hết hạn" in answer.content.decode()
    assert _written() == before


def test_a_plan_preview_cannot_be_confirmed_on_the_scheme_import_page(cascade: dict[str, Any]) -> None:
    c = cascade
    client = _client(c["dx"])
    owner = c["agencies"]["hy.ubndx.tien_hai"]
    token = client.post(_url(c), {"owner": owner.pk, "year": 2026, "file": _upload()}).context["token"]
    before = _written()
    answer = client.post(reverse("programme:import"), {"token": token})
    assert answer.status_code == 400
    assert _written() == before
