"""An agency's administrator, on a phone, imports officers from the template: a rejected row first,
then the corrected sheet, previewed and confirmed; then hands a leaving officer's work over."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tinhso.org.models import Person, RoleAssignment
from tinhso.org.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agency_administrator_imports_officers_at_phone_width(
    page: Any, log_in: Any, demo_agencies: dict[str, Any], make_person: Any, tmp_path: Path
) -> None:
    centre = demo_agencies["hy.ttpvhcc"]
    make_person("qt.trungtam", Role.AGENCY_ADMIN, centre)
    log_in("qt.trungtam", "/")
    page.get_by_test_id("officers-link").click()
    page.wait_for_url("**/co-quan/can-bo/")
    page.get_by_test_id("officers-import-link").click()
    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["Cán bộ"]
    rows = (
        ("Phạm Thị Dung", "dung@hungyen.gov.vn", "0912000111", centre.name, "Công chức một cửa"),
        ("Hoàng Văn Em", "em@hungyen.gov.vn", "", "Sở Tài chính", "Chuyên viên thụ lý"),
    )
    for number, row in enumerate(rows, start=2):  # the template's rows are formatted as text already
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    bad = tmp_path / "can-bo.xlsx"
    book.save(bad)
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Xem trước").click()
    assert "nằm ngoài phạm vi bạn quản lý" in page.get_by_test_id("rejected").inner_text()
    assert page.get_by_test_id("import-confirm").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert not Person.objects.filter(email__in=["dung@hungyen.gov.vn", "em@hungyen.gov.vn"]).exists()

    sheet.cell(row=3, column=4, value=centre.name)
    good = tmp_path / "can-bo-2.xlsx"
    book.save(good)
    page.set_input_files("#file", str(good))
    page.get_by_role("button", name="Xem trước").click()
    preview = page.get_by_test_id("preview-rows").inner_text()
    assert "d***@hungyen.gov.vn" in preview  # contacts masked in the preview
    assert "dung@hungyen.gov.vn" not in preview
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("import-confirm").click()
    assert "Đã tạo 2 tài khoản" in page.get_by_test_id("import-saved").inner_text()
    assert RoleAssignment.objects.filter(person__email="em@hungyen.gov.vn", role=Role.HANDLER, agency=centre).exists()

    # The new handler leaves before starting: the handover page counts their work and hands it on.
    page.goto("/co-quan/can-bo/?q=hoang")
    page.get_by_role("link", name="Hoàng Văn Em").click()
    page.get_by_test_id("handover-link").click()
    assert "Hồ sơ thủ tục hành chính đang thụ lý: 0" in page.get_by_test_id("handover-counts").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
