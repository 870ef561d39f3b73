"""Officers from a sheet: 300 officers for Hưng Yên's communes import at once and can work at
once; a sheet with any bad row writes nothing and names every bad row."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tinhso.core.errors import DomainError, NotAllowed
from tinhso.ledger.models import Entry
from tinhso.onestop.models import Dossier, DossierState
from tinhso.onestop.tests.factories import ProcedureFactory
from tinhso.org import services as org_services
from tinhso.org.models import AgencyName, Person, RoleAssignment
from tinhso.org.officers.xlsx import HEADERS, LISTS_SHEET, SHEET, officers_import_xlsx, officers_template_xlsx
from tinhso.org.roles import Role
from tinhso.org.tests.factories import AgencyFactory

from .conftest import sheet

pytestmark = pytest.mark.django_db

ROLE_CYCLE = ("Công chức một cửa", "Chuyên viên thụ lý", "Lãnh đạo phê duyệt")


def _three_hundred(communes: list[Any]) -> list[list[Any]]:
    rows = []
    for n in range(300):
        commune = communes[n % len(communes)]
        rows.append(
            [
                f"Nguyễn Văn Cán Bộ {n}",
                f"canbo{n}@hungyen.gov.vn",
                f"09{n:08d}",
                commune.name,
                ROLE_CYCLE[n % 3],
                "01/01/2026",
                None,
            ]
        )
    return rows


def test_three_hundred_officers_for_the_communes_import_and_work_at_once(
    hy_communes: list[Any], admins: dict[str, Any], clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clock.set(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    data = sheet(_three_hundred(hy_communes))
    people, entries = Person.objects.count(), Entry.objects.count()

    preview = officers_import_xlsx(actor=admins["dx"], data=data, dry_run=True)
    assert (preview.rows, preview.created, preview.roles, preview.rejected) == (300, 300, 300, [])
    assert (Person.objects.count(), Entry.objects.count()) == (people, entries)  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        outcome = officers_import_xlsx(actor=admins["dx"], data=data)
    assert outcome.saved
    assert Person.objects.count() == people + 300
    created = RoleAssignment.objects.filter(person__email__endswith="@hungyen.gov.vn", granted_by=admins["dx"])
    assert created.count() == 300
    assert created.filter(valid_from=dt.date(2026, 1, 1), valid_to__isnull=True).count() == 300
    # An entry per account, per role, and one for the import; no personal data in any of them.
    new = Entry.objects.filter(pk__gt=Entry.objects.order_by("pk").values_list("pk", flat=True)[entries - 1])
    actions = list(new.values_list("action", flat=True))
    assert (
        actions.count("org.person.create"),
        actions.count("org.role.grant"),
        actions.count("org.officers.import"),
    ) == (
        300,
        300,
        1,
    )
    assert not any(
        "hungyen.gov.vn" in str(payload) for payload in new.values_list("payload__canonical_json", flat=True)
    )
    # No password in the sheet: every account waits for its owner's activation link.
    assert not any(person.has_usable_password() for person in Person.objects.filter(email__startswith="canbo"))
    assert len(mail.outbox) == 300

    # The first officer, a one-stop desk officer of a commune, activates and finds the dossier
    # waiting at that commune's desk in their queue.
    commune = hy_communes[0]
    procedure = ProcedureFactory.create(agencies=[commune])
    Dossier.objects.create(
        code="XA-0001",
        procedure=procedure,
        receiving_agency=commune,
        handling_agency=commune,
        channel="online",
        state=DossierState.SUBMITTED,
        applicant_name="Nguyễn Văn An",
        submitted_at=dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC),
    )
    officer = Person.objects.get(email="canbo0@hungyen.gov.vn")
    message = next(m for m in mail.outbox if m.to == ["canbo0@hungyen.gov.vn"])
    link = re.search(r"https?://\S+(/co-quan/kich-hoat/\S+/)", str(message.body))
    assert link is not None
    client = Client()
    assert client.get(link.group(1)).status_code == 200
    answer = client.post(link.group(1), {"password": "Mat-khau-moi-2026", "password_again": "Mat-khau-moi-2026"})
    assert answer.status_code == 302
    queue = client.get(reverse("officer:queues"))
    assert queue.status_code == 200
    assert "XA-0001" in queue.content.decode()
    officer.refresh_from_db()
    assert officer.has_usable_password()
    # The link is spent.
    assert client.get(link.group(1)).status_code == 404


def test_a_sheet_with_bad_rows_writes_nothing_and_reports_every_row(
    hy_communes: list[Any], admins: dict[str, Any], demo_agencies: dict[str, Any], make_person: Any
) -> None:
    twin_a = AgencyFactory.create(name="Ban Quản lý dự án thử", parent=demo_agencies["hy.ubnd"])
    AgencyFactory.create(name="Ban Quản lý dự án thử", parent=demo_agencies["hy.ubnd"])
    make_person("dangco", Role.CITIZEN, None, email="daco@example.vn")
    commune = hy_communes[0].name
    rows = [
        ["Người Hợp Lệ", "hople@hungyen.gov.vn", "", commune, "Chuyên viên thụ lý", "", ""],  # 2: good
        ["Không Cơ Quan", "a1@hungyen.gov.vn", "", "Sở Không Tồn Tại", "Chuyên viên thụ lý", "", ""],  # 3
        ["Hai Cơ Quan", "a2@hungyen.gov.vn", "", twin_a.name, "Chuyên viên thụ lý", "", ""],  # 4
        ["Sai Vai Trò", "a3@hungyen.gov.vn", "", commune, "Thủ kho", "", ""],  # 5
        ["Ngoài Phạm Vi", "a4@hungyen.gov.vn", "", "Ủy ban nhân dân tỉnh Thanh Hóa", "Chuyên viên thụ lý", "", ""],  # 6
        ["Trùng Thư", "hople@hungyen.gov.vn", "", commune, "Chuyên viên thụ lý", "", ""],  # 7
        ["Đã Có", "DaCo@example.vn", "", commune, "Chuyên viên thụ lý", "", ""],  # 8
        ["Sai Ngày", "a5@hungyen.gov.vn", "", commune, "Chuyên viên thụ lý", "32/13/2026", ""],  # 9
        ["Ngược Ngày", "a6@hungyen.gov.vn", "", commune, "Chuyên viên thụ lý", "01/02/2026", "01/01/2026"],  # 10
        ["Không Liên Lạc", "", "", commune, "Chuyên viên thụ lý", "", ""],  # 11
        ["Sai Số", "", "12345", commune, "Chuyên viên thụ lý", "", ""],  # 12
        ["Trùng Số", "a7@hungyen.gov.vn", "0912000001", commune, "Chuyên viên thụ lý", "", ""],  # 13
        ["Trùng Số Hai", "a8@hungyen.gov.vn", "0912000001", commune, "Chuyên viên thụ lý", "", ""],  # 14
    ]
    people, entries, roles = Person.objects.count(), Entry.objects.count(), RoleAssignment.objects.count()
    outcome = officers_import_xlsx(actor=admins["dx"], data=sheet(rows))
    reasons: dict[int, list[str]] = {}
    for item in outcome.rejected:
        reasons.setdefault(item["row"], []).append(item["reason"])
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]
    assert reasons[3] == ["Không tìm thấy cơ quan “Sở Không Tồn Tại”."]
    assert reasons[4][0].startswith("Tên cơ quan “Ban Quản lý dự án thử” trùng với nhiều cơ quan")
    assert reasons[5] == ["Vai trò “Thủ kho” không có trong danh sách."]
    assert reasons[6] == ["Cơ quan “Ủy ban nhân dân tỉnh Thanh Hóa” nằm ngoài phạm vi bạn quản lý."]
    assert reasons[7] == ["Thư điện tử trùng với dòng 2."]
    assert reasons[8] == ["Đã có tài khoản với thư điện tử hoặc số điện thoại này: thêm vai trò ở trang của cán bộ đó."]
    assert reasons[9] == ["Ngày “32/13/2026” (cột Từ ngày) không đúng dạng dd/mm/yyyy."]
    assert reasons[10] == ["“Đến ngày” không được trước “Từ ngày”."]
    assert reasons[11] == ["Cần thư điện tử hoặc số điện thoại để gửi liên kết kích hoạt."]
    assert reasons[12] == ["Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."]
    assert reasons[14] == ["Số điện thoại trùng với dòng 13."]
    assert not outcome.saved
    assert (Person.objects.count(), Entry.objects.count(), RoleAssignment.objects.count()) == (people, entries, roles)
    assert mail.outbox == []
    # Nothing personal in the report: contacts are masked.
    assert all("hungyen.gov.vn" not in item["who"] or "***" in item["who"] for item in outcome.rejected)


def test_agencies_are_matched_by_electronic_id_short_and_former_names(
    hy_communes: list[Any], admins: dict[str, Any], demo_agencies: dict[str, Any]
) -> None:
    centre = org_services.agency_update(actor=None, agency=demo_agencies["hy.ttpvhcc"], code="H33.99")
    AgencyName.objects.create(agency=centre, name="Bộ phận Một cửa tỉnh cũ", valid_to=dt.date(2024, 12, 31))
    commune = hy_communes[1]
    rows = [
        ["Theo Mã", "m1@hungyen.gov.vn", "", centre.code, "Công chức một cửa", "", ""],
        ["Tên Cũ", "m2@hungyen.gov.vn", "", "Bo phan mot cua tinh cu", "Công chức một cửa", "", ""],
        [
            "Viết Tắt",
            "m3@hungyen.gov.vn",
            "",
            commune.name.replace("Ủy ban nhân dân", "UBND"),
            "Chuyên viên thụ lý",
            "",
            "",
        ],
        ["Hai Vai", "m4@hungyen.gov.vn", "", commune.name, "Chuyên viên thụ lý; Lãnh đạo phê duyệt", "", "31/12/2026"],
    ]
    outcome = officers_import_xlsx(actor=admins["dx"], data=sheet(rows))
    assert outcome.rejected == []
    held = dict(
        RoleAssignment.objects.filter(person__email__in=["m1@hungyen.gov.vn", "m2@hungyen.gov.vn"]).values_list(
            "person__email", "agency"
        )
    )
    assert held == {"m1@hungyen.gov.vn": centre.pk, "m2@hungyen.gov.vn": centre.pk}
    assert RoleAssignment.objects.get(person__email="m3@hungyen.gov.vn").agency == commune
    two = RoleAssignment.objects.filter(person__email="m4@hungyen.gov.vn")
    assert sorted(two.values_list("role", flat=True)) == [Role.APPROVER, Role.HANDLER]
    assert set(two.values_list("valid_to", flat=True)) == {dt.date(2026, 12, 31)}


def test_an_agency_administrator_imports_for_its_subtree_only(
    hy_communes: list[Any], admins: dict[str, Any], demo_agencies: dict[str, Any]
) -> None:
    rows = [
        ["Một Cửa", "mc@hungyen.gov.vn", "", demo_agencies["hy.ttpvhcc"].name, "Công chức một cửa", "", ""],
        ["Ở Sở Khác", "sk@hungyen.gov.vn", "", demo_agencies["hy.stc"].name, "Cán bộ đầu mối", "", ""],
        [
            "Lên Cao",
            "lc@hungyen.gov.vn",
            "",
            demo_agencies["hy.ttpvhcc"].name,
            "Cơ quan chuyên trách chuyển đổi số",
            "",
            "",
        ],
    ]
    outcome = officers_import_xlsx(actor=admins["centre_admin"], data=sheet(rows), dry_run=True)
    assert [(item["row"], item["reason"]) for item in outcome.rejected] == [
        (3, f"Cơ quan “{demo_agencies['hy.stc'].name}” nằm ngoài phạm vi bạn quản lý."),
        (
            4,
            "Bạn không được cấp vai trò “Cơ quan chuyên trách chuyển đổi số” trên "
            f"“{demo_agencies['hy.ttpvhcc'].name}”.",
        ),
    ]
    with pytest.raises(NotAllowed):
        officers_import_xlsx(actor=admins["handler"], data=sheet(rows), dry_run=True)


def test_a_file_that_is_no_sheet_of_officers_is_refused(admins: dict[str, Any]) -> None:
    with pytest.raises(DomainError, match="Không đọc được tệp Excel"):
        officers_import_xlsx(actor=admins["dx"], data=b"not a workbook")
    with pytest.raises(DomainError, match="Dòng tiêu đề"):
        officers_import_xlsx(actor=admins["dx"], data=sheet([["x"]], headers=["Tên", "Mật khẩu"]))
    with pytest.raises(DomainError, match="không có dòng nào"):
        officers_import_xlsx(actor=admins["dx"], data=sheet([]))


def test_the_template_has_the_headers_a_role_list_and_instructions(admins: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(officers_template_xlsx(admins["centre_admin"])))
    assert book.sheetnames == [SHEET, LISTS_SHEET, "Hướng dẫn"]
    assert [cell.value for cell in book[SHEET][1]] == HEADERS
    validations = book[SHEET].data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].type == "list"
    assert "E2" in str(validations[0].sqref)
    roles = [row[0] for row in book[LISTS_SHEET].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "Công chức một cửa" in roles
    assert "Quản trị hệ thống" not in roles
    assert "Công dân, tổ chức" not in roles
    agencies = [row[1] for row in book[LISTS_SHEET].iter_rows(min_row=2, values_only=True) if row[1]]
    assert agencies == ["Trung tâm Phục vụ hành chính công tỉnh Hưng Yên"]  # the administrator's subtree
    assert any("mật khẩu" in str(row[0]) for row in book["Hướng dẫn"].iter_rows(values_only=True))


def test_the_import_page_previews_then_saves_the_same_file(hy_communes: list[Any], admins: dict[str, Any]) -> None:
    client = Client()
    client.force_login(admins["dx"])
    url = reverse("org:officers_import")
    data = sheet([["Trang Nhập", "trang@hungyen.gov.vn", "", hy_communes[0].name, "Công chức một cửa", "", ""]])
    upload = io.BytesIO(data)
    upload.name = "can-bo.xlsx"
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    assert not Person.objects.filter(email="trang@hungyen.gov.vn").exists()
    token = preview.context["token"]
    saved = client.post(url, {"token": token})
    assert saved.status_code == 200
    assert saved.context["outcome"].saved
    assert Person.objects.filter(email="trang@hungyen.gov.vn").exists()
    template = client.get(reverse("org:officers_template"))
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxml")
