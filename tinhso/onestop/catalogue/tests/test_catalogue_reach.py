"""Who manages which part of the catalogue: a DX office its province's procedures, a system
administrator the whole install; anything else is "not found" and changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tinhso.ledger.models import Entry
from tinhso.onestop.catalogue.tests.snapshots import LLTP, catalogue_snapshot
from tinhso.onestop.catalogue.workbook import procedures_export_xlsx, procedures_import_xlsx, procedures_manageable
from tinhso.onestop.demo.services import demo_load
from tinhso.onestop.models import Procedure
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

TH_CODE = "1.000001.000.00.00.H56"


@pytest.fixture
def demo(demo_agencies: dict[str, Any]) -> dict[str, Any]:
    """The demo catalogue (Hưng Yên's seven procedures) and one Thanh Hóa procedure."""
    demo_load()
    th = Procedure.objects.create(
        code=TH_CODE,
        name="Thủ tục của Thanh Hóa",
        field="Tư pháp",
        authority_level="province",
        online_level="full",
        processing_days=5,
        result_type="Giấy xác nhận",
    )
    th.agencies.set([demo_agencies["th.ttpvhcc"]])
    return demo_agencies


@pytest.fixture
def people(demo: dict[str, Any], make_person: Any) -> dict[str, Any]:
    return {
        "cds.hungyen": make_person("cds.hungyen", Role.DX_OFFICE, demo["hy.skhcn"]),
        "cds.thanhhoa": make_person("cds.thanhhoa", Role.DX_OFFICE, demo["th.skhcn"]),
        "admin": make_person("admin", Role.SYSTEM_ADMIN, None),
        "motcua.hungyen": make_person("motcua.hungyen", Role.RECEIVER, demo["hy.ttpvhcc"]),
    }


def _book(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def _save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _codes(data: bytes) -> list[str]:
    return [row[0] for row in _book(data)["Thủ tục"].iter_rows(min_row=2, values_only=True)]


def _everything_exported() -> Any:
    return _book(procedures_export_xlsx(Procedure.objects.order_by("code")))


def _set_fee(book: Any, code: str, fee: int) -> None:
    for row in book["Thủ tục"].iter_rows(min_row=2):
        if row[0].value == code:
            row[8].value = fee


def _only(book: Any, code: str) -> Any:
    """The workbook cut down to one procedure's rows."""
    for sheet in book.worksheets:
        for number in range(sheet.max_row, 1, -1):
            if sheet.cell(row=number, column=1).value != code:
                sheet.delete_rows(number)
    return book


def test_manageable_procedures_are_those_of_the_persons_province(people: dict[str, Any]) -> None:
    hy = set(Procedure.objects.exclude(code=TH_CODE).values_list("code", flat=True))
    assert len(hy) == 7
    assert set(procedures_manageable(people["cds.hungyen"]).values_list("code", flat=True)) == hy
    assert list(procedures_manageable(people["cds.thanhhoa"]).values_list("code", flat=True)) == [TH_CODE]
    assert procedures_manageable(people["admin"]).count() == 8
    assert not procedures_manageable(people["motcua.hungyen"]).exists()


def test_a_procedure_shared_with_another_province_is_the_system_administrators(
    people: dict[str, Any], demo: dict[str, Any]
) -> None:
    Procedure.objects.get(code=LLTP).agencies.add(demo["th.ttpvhcc"])
    assert not procedures_manageable(people["cds.hungyen"]).filter(code=LLTP).exists()
    assert not procedures_manageable(people["cds.thanhhoa"]).filter(code=LLTP).exists()
    assert procedures_manageable(people["admin"]).filter(code=LLTP).exists()


def test_another_provinces_dx_office_cannot_rewrite_this_provinces_fee(people: dict[str, Any]) -> None:
    book = _everything_exported()
    _set_fee(book, LLTP, 1)
    before, entries = catalogue_snapshot(), Entry.objects.count()
    outcome = procedures_import_xlsx(actor=people["cds.thanhhoa"], data=_save(book))
    assert not outcome.saved
    # every Hưng Yên row is refused, each as "not found"; its own row alone would pass
    assert sorted(r["code"] for r in outcome.rejected) == sorted(
        Procedure.objects.exclude(code=TH_CODE).values_list("code", flat=True)
    )
    lltp = next(r for r in outcome.rejected if r["code"] == LLTP)
    assert lltp["reason"] == f"Không tìm thấy thủ tục có mã “{LLTP}” trong phạm vi bạn quản lý."
    assert lltp["sheet"] == "Thủ tục"
    assert catalogue_snapshot() == before
    assert Procedure.objects.get(code=LLTP).fee_vnd == 200000
    assert Entry.objects.count() == entries


def test_the_same_change_by_the_provinces_own_dx_office_is_saved(people: dict[str, Any]) -> None:
    book = _only(_everything_exported(), LLTP)
    _set_fee(book, LLTP, 250000)
    outcome = procedures_import_xlsx(actor=people["cds.hungyen"], data=_save(book))
    assert outcome.saved, outcome.rejected
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 0)
    assert Procedure.objects.get(code=LLTP).fee_vnd == 250000


def test_a_system_administrator_manages_every_province(people: dict[str, Any]) -> None:
    book = _everything_exported()
    _set_fee(book, LLTP, 1000)
    _set_fee(book, TH_CODE, 2000)
    outcome = procedures_import_xlsx(actor=people["admin"], data=_save(book))
    assert outcome.saved, outcome.rejected
    assert (Procedure.objects.get(code=LLTP).fee_vnd, Procedure.objects.get(code=TH_CODE).fee_vnd) == (1000, 2000)


@pytest.mark.parametrize("agencies", ["hy.stp; th.ttpvhcc", "hy.stp; Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa"])
def test_naming_an_agency_of_another_province_reads_as_a_missing_agency(
    people: dict[str, Any], agencies: str, demo: dict[str, Any]
) -> None:
    book = _only(_everything_exported(), LLTP)
    for row in book["Thủ tục"].iter_rows(min_row=2):
        row[4].value = agencies
    before = catalogue_snapshot()
    outcome = procedures_import_xlsx(actor=people["cds.hungyen"], data=_save(book))
    assert not outcome.saved
    other = agencies.split("; ")[1]
    assert [r["reason"] for r in outcome.rejected] == [f"Không tìm thấy cơ quan “{other}”."]
    assert catalogue_snapshot() == before


def test_a_new_procedure_for_another_provinces_agency_is_refused(people: dict[str, Any]) -> None:
    book = _only(_everything_exported(), LLTP)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            row[0].value = "9.999999.000.00.00.H31"
    outcome = procedures_import_xlsx(actor=people["cds.thanhhoa"], data=_save(book))
    assert not outcome.saved
    assert [r["reason"] for r in outcome.rejected] == ["Không tìm thấy cơ quan “hy.stp”."]
    assert not Procedure.objects.filter(code="9.999999.000.00.00.H31").exists()


# --- the pages ------------------------------------------------------------------------------


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_export_page_gives_each_dx_office_its_own_provinces_procedures(people: dict[str, Any]) -> None:
    th = _client(people["cds.thanhhoa"]).get("/dich-vu-cong/xuat.xlsx")
    assert th.status_code == 200
    assert _codes(th.content) == [TH_CODE]
    hy = _client(people["cds.hungyen"]).get("/dich-vu-cong/xuat.xlsx")
    assert sorted(_codes(hy.content)) == sorted(Procedure.objects.exclude(code=TH_CODE).values_list("code", flat=True))
    assert len(_codes(_client(people["admin"]).get("/dich-vu-cong/xuat.xlsx").content)) == 8
    assert _client(people["motcua.hungyen"]).get("/dich-vu-cong/xuat.xlsx").status_code == 403


def test_the_import_page_refuses_another_provinces_rows_and_saves_nothing(people: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    book = _everything_exported()
    _set_fee(book, LLTP, 1)
    client = _client(people["cds.thanhhoa"])
    entries = Entry.objects.count()
    upload = SimpleUploadedFile("danh-muc.xlsx", _save(book))
    response = client.post("/dich-vu-cong/nhap/", {"file": upload})
    assert response.status_code == 400
    assert f"Không tìm thấy thủ tục có mã “{LLTP}” trong phạm vi bạn quản lý." in response.content.decode()
    assert 'name="token"' not in response.content.decode()  # nothing to confirm
    assert Procedure.objects.get(code=LLTP).fee_vnd == 200000
    assert Entry.objects.count() == entries
