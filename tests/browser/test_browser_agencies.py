"""A province's DX office confirms its agency list on a phone: download the list, fill in an
electronic id, see a rejected row, correct it, save."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tinhso.org.models import Agency
from tinhso.org.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dx_office_confirms_its_agencies_at_phone_width(
    page: Any,
    log_in: Any,
    demo_agencies: dict[str, Any],
    make_person: Any,
    tmp_path: Path,
) -> None:
    make_person("cds.xacnhan", Role.DX_OFFICE, demo_agencies["hy.skhcn"])
    log_in("cds.xacnhan", "/")
    page.get_by_test_id("agencies-confirm-link").click()
    page.wait_for_url("**/co-quan/xac-nhan/")
    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["Cơ quan"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    rows["hy.ttpvhcc"][5].value = "H33.01"
    rows["hy.stp"][5].value = "H33.01"  # the same id twice: rejected
    bad = tmp_path / "co-quan.xlsx"
    book.save(bad)
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Xem trước").click()
    rejected = page.get_by_test_id("rejected")
    assert "Mã định danh “H33.01” lặp lại" in rejected.inner_text()
    assert page.get_by_role("button", name="Lưu và xác nhận").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    rows["hy.stp"][5].value = "H33.02"
    good = tmp_path / "co-quan-2.xlsx"
    book.save(good)
    page.set_input_files("#file", str(good))
    page.get_by_role("button", name="Xem trước").click()
    page.get_by_role("button", name="Lưu và xác nhận").click()
    assert "Đã lưu" in page.get_by_test_id("confirm-saved").inner_text()
    assert Agency.objects.get(key="hy.ttpvhcc").code == "H33.01"
    assert Agency.objects.get(key="hy.stp").code == "H33.02"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
