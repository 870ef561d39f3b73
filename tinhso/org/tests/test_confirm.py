"""A province confirms or corrects its own agency list from Excel: all or nothing, every rejected
row reported, scoped to the province of the DX office."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tinhso.ledger.models import Entry
from tinhso.org.confirm import HEADERS, SHEET
from tinhso.org.models import Agency, AgencyName
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

PAGE = "/co-quan/xac-nhan/"
TEMPLATE = "/co-quan/xac-nhan/mau.xlsx"


@pytest.fixture
def dx_office(demo_agencies: dict[str, Any], make_person: Any) -> Client:
    client = Client()
    client.force_login(make_person("cds.hy", Role.DX_OFFICE, demo_agencies["hy.skhcn"]))
    return client


def _template(client: Client, province: str = "33") -> list[list[Any]]:
    response = client.get(TEMPLATE, {"tinh": province})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content))[SHEET]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "co-quan.xlsx"
    return out


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Agency.objects.order_by("pk").values_list(
            "pk", "key", "name", "code", "parent_id", "kind", "valid_from", "valid_to", "source", "confirmed_on", "path"
        )
    )


def test_the_template_lists_the_province_agencies_with_their_keys(dx_office: Client) -> None:
    rows = _template(dx_office)
    assert rows[0] == HEADERS
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["hy.skhcn"][1] == "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    assert by_key["hy.ttpvhcc"][3] == "Trung tâm Phục vụ hành chính công"
    assert by_key["hy.ttpvhcc"][4] == "hy.vpubnd"
    assert "hy.ubndx.pho_hien" in by_key  # its communes too
    assert not any(key.startswith(("tb.", "th.")) for key in by_key)  # not another province, not the old ones


def test_text_in_the_template_never_becomes_a_formula(dx_office: Client, demo_agencies: dict[str, Any]) -> None:
    Agency.objects.filter(pk=demo_agencies["hy.stp"].pk).update(short_name='=HYPERLINK("http://x","y")')
    response = dx_office.get(TEMPLATE, {"tinh": "33"})
    sheet = load_workbook(io.BytesIO(response.content))[SHEET]
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[0].value == "hy.stp")
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")


def test_corrections_are_saved_after_the_preview(dx_office: Client, demo_agencies: dict[str, Any]) -> None:
    rows = _template(dx_office)
    for row in rows[1:]:
        if row[0] == "hy.ttpvhcc":
            row[5] = "h33.01"
        if row[0] == "hy.bqlkcn":
            row[1] = "Ban Quản lý Khu kinh tế và các khu công nghiệp tỉnh Hưng Yên"
            row[8] = "Quyết định 1/QĐ-UBND (thử)"
    rows.append(["", "Phòng Kiểm soát thủ tục hành chính", "", "Phòng, đơn vị trực thuộc", "hy.vpubnd", "", "", "", ""])
    preview = dx_office.post(PAGE, {"tinh": "33", "file": _xlsx(rows)})
    assert preview.status_code == 200
    outcome = preview.context["outcome"]
    assert (outcome.created, outcome.updated, outcome.rejected, outcome.saved) == (1, 2, [], False)
    assert Agency.objects.get(key="hy.ttpvhcc").code == ""  # nothing saved by the preview
    saved = dx_office.post(PAGE, {"tinh": "33", "token": preview.context["token"]})
    assert saved.status_code == 200
    assert saved.context["outcome"].saved
    centre = Agency.objects.get(key="hy.ttpvhcc")
    assert centre.code == "H33.01"
    board = Agency.objects.get(key="hy.bqlkcn")
    assert board.name == "Ban Quản lý Khu kinh tế và các khu công nghiệp tỉnh Hưng Yên"
    assert board.source == "Quyết định 1/QĐ-UBND (thử)"
    assert AgencyName.objects.filter(agency=board, name="Ban Quản lý các khu công nghiệp tỉnh Hưng Yên").exists()
    new = Agency.objects.get(name="Phòng Kiểm soát thủ tục hành chính")
    assert new.parent == demo_agencies["hy.vpubnd"]
    assert new.path.startswith(demo_agencies["hy.vpubnd"].path)
    assert new.key.startswith("hy.n")
    listed = [row[0] for row in rows[1:] if row[0]]
    assert set(Agency.objects.filter(key__in=listed).values_list("confirmed_on", flat=True)) == {timezone.localdate()}
    assert not Agency.objects.filter(key__startswith="th.", confirmed_on__isnull=False).exists()
    event = Entry.objects.filter(action="org.agencies.confirm").latest("pk")
    payload = json.loads(event.payload.canonical_json)
    assert (payload["province"], payload["created"], payload["updated"]) == ("33", 1, 2)
    # The confirmed file, uploaded again, changes nothing but the confirmation.
    again = dx_office.post(PAGE, {"tinh": "33", "file": _xlsx(_template(dx_office))})
    assert (again.context["outcome"].created, again.context["outcome"].updated) == (0, 0)


def test_every_rejected_row_is_reported_and_nothing_is_written(
    dx_office: Client,
    demo_agencies: dict[str, Any],
) -> None:
    demo_agencies["th.skhcn"].code = "H38.01"
    demo_agencies["th.skhcn"].save(update_fields=["code"])
    rows = _template(dx_office)
    keys = [row[0] for row in rows]
    bad = {
        "hy.snv": (3, "Sở, ban"),  # kind
        "hy.stc": (5, "H38.01"),  # id already another province's agency's
        "hy.sct": (4, "hy.khong-co"),  # unknown parent
        "hy.sxd": (6, "31/02/2025"),  # no such day
        "hy.ubnd": (4, "hy.skhcn"),  # cycle: the UBND under one of its departments
    }
    for key, (column, value) in bad.items():
        rows[keys.index(key)][column] = value
    rows.append(["hy.stp", "Sở Tư pháp (lặp)", "", "Sở, ban, ngành", "hy.ubnd", "", "", "", ""])
    rows[keys.index("hy.syt")][5] = "H33.99"
    rows[keys.index("hy.sgddt")][5] = "H33.99"
    before, entries = _snapshot(), Entry.objects.count()
    response = dx_office.post(PAGE, {"tinh": "33", "file": _xlsx(rows)})
    assert response.status_code == 400
    rejected = response.context["outcome"].rejected
    reasons = {(item["key"], item["reason"]) for item in rejected}
    assert ("hy.snv", "Loại cơ quan “Sở, ban” không hợp lệ.") in reasons
    assert ("hy.stc", "Mã định danh “H38.01” đã được dùng cho “Sở Khoa học và Công nghệ tỉnh Thanh Hóa”.") in reasons
    assert ("hy.sct", "Không có cơ quan cấp trên có khóa “hy.khong-co” trong tỉnh.") in reasons
    assert ("hy.sxd", "Ngày “31/02/2025” (cột Hoạt động từ) không đúng dạng dd/mm/yyyy.") in reasons
    assert ("hy.ubnd", "Cơ quan cấp trên “hy.skhcn” tạo vòng lặp trong cây cơ quan.") in reasons
    assert any(key == "hy.stp" and reason.startswith("Khóa “hy.stp” lặp lại") for key, reason in reasons)
    assert any(key == "hy.sgddt" and reason.startswith("Mã định danh “H33.99” lặp lại") for key, reason in reasons)
    assert "token" not in response.context
    assert "Dòng bị từ chối" in response.content.decode()
    assert (_snapshot(), Entry.objects.count()) == (before, entries)


def test_a_dx_office_corrects_only_its_own_province(dx_office: Client, make_person: Any) -> None:
    before, entries = _snapshot(), Entry.objects.count()
    other = dx_office.get(TEMPLATE, {"tinh": "38"})
    missing = dx_office.get(TEMPLATE, {"tinh": "99"})
    assert other.status_code == missing.status_code == 404
    assert other.context["message"] == missing.context["message"] == "Không tìm thấy tỉnh, thành phố."
    rows = _template(dx_office)
    posted = dx_office.post(PAGE, {"tinh": "38", "file": _xlsx(rows)})
    assert posted.status_code == 404
    assert posted.context["error"] == "Không tìm thấy tỉnh, thành phố."
    assert (_snapshot(), Entry.objects.count()) == (before, entries)
    page = dx_office.get(PAGE)
    assert [province.code for province in page.context["provinces"]] == ["33"]


def test_only_the_dx_office_and_the_system_administrator_may_confirm(
    demo_agencies: dict[str, Any],
    make_person: Any,
) -> None:
    receiver = Client()
    receiver.force_login(make_person("motcua.t", Role.RECEIVER, demo_agencies["hy.ttpvhcc"]))
    assert receiver.get(PAGE).status_code == 403
    assert receiver.get(TEMPLATE, {"tinh": "33"}).status_code == 404
    assert Client().get(PAGE).status_code == 302  # to the login page
    admin = Client()
    admin.force_login(make_person("quantri.t", Role.SYSTEM_ADMIN))
    assert len(admin.get(PAGE).context["provinces"]) == 34
    rows = _template(admin, "38")
    assert any(row[0] == "th.skhcn" for row in rows)


def test_a_file_that_is_not_a_workbook_is_refused(dx_office: Client) -> None:
    upload = io.BytesIO(b"%PDF-1.4 not a workbook")
    upload.name = "co-quan.xlsx"
    response = dx_office.post(PAGE, {"tinh": "33", "file": upload})
    assert response.status_code == 400
    assert response.context["error"] == "Không đọc được tệp Excel (.xlsx)."
    wrong_header = dx_office.post(PAGE, {"tinh": "33", "file": _xlsx([["Tên", "Mã"], ["Sở Y tế", "H33.1"]])})
    assert wrong_header.status_code == 400
    assert wrong_header.context["error"].startswith("Dòng tiêu đề của trang “Cơ quan” phải là: Khóa, Tên cơ quan")


def test_the_admin_sets_the_electronic_id_and_marks_the_agency_confirmed(
    demo_agencies: dict[str, Any],
    make_person: Any,
) -> None:
    person = make_person("quantri.a", Role.SYSTEM_ADMIN)
    person.is_staff = person.is_superuser = True
    person.save()
    client = Client()
    client.force_login(person)
    centre = demo_agencies["hy.ttpvhcc"]
    url = f"/quan-tri/org/agency/{centre.pk}/change/"
    response = client.post(
        url,
        {
            "name": centre.name,
            "short_name": centre.short_name,
            "code": "H33.02",
            "kind": centre.kind,
            "parent": centre.parent_id,
            "unit": centre.unit_id,
            "valid_from": "",
            "valid_to": "",
            "source": "Quyết định 2/QĐ-UBND (thử)",
            "names-TOTAL_FORMS": "0",
            "names-INITIAL_FORMS": "0",
            "names-MIN_NUM_FORMS": "0",
            "names-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    centre.refresh_from_db()
    assert (centre.code, centre.source, centre.confirmed_on) == (
        "H33.02",
        "Quyết định 2/QĐ-UBND (thử)",
        timezone.localdate(),
    )


def test_the_administrator_chooses_the_province_and_gets_its_template(
    demo_agencies: dict[str, Any],
    make_person: Any,
) -> None:
    admin = Client()
    admin.force_login(make_person("quantri.c", Role.SYSTEM_ADMIN))
    page = admin.get(PAGE, {"tinh": "38"}).content.decode()
    assert 'href="/co-quan/xac-nhan/mau.xlsx?tinh=38"' in page
    assert '<input type="hidden" name="tinh" value="38">' in page
