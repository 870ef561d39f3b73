"""Public catalogue pages (no login), and the export/import pages kept to the DX office."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tinhso.ledger.models import Entry
from tinhso.onestop.catalogue.workbook import procedures_export_xlsx
from tinhso.onestop.demo.services import demo_load
from tinhso.onestop.models import Procedure
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

LLTP = "2.000488.000.00.00.H31"
MARRIAGE = "1.000894.000.00.00.H31"


@pytest.fixture
def demo(demo_agencies: dict[str, Any]) -> dict[str, Any]:
    demo_load()
    return demo_agencies


def _names(response: Any) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


@pytest.mark.parametrize(
    "query",
    [
        "ly lich tu phap",
        "Lý lịch tư pháp",
        "LÝ LỊCH",
        "2.000488",
        "phieu ly lich",
    ],
)
def test_search_finds_with_or_without_diacritics(client: Client, demo: Any, query: str) -> None:
    response = client.get(reverse("services:catalogue"), {"q": query})
    assert response.status_code == 200
    assert _names(response) == [Procedure.objects.get(code=LLTP).name]


def test_search_treats_old_and_new_tone_placement_alike(client: Client, demo: Any) -> None:
    # "hoá" (new placement) and "hóa" (old) both find "Lưu thông hàng hóa trong nước"
    for query in ("hàng hoá", "hàng hóa", "hang hoa"):
        response = client.get(reverse("services:catalogue"), {"q": query})
        assert _names(response) == ["Cấp Giấy phép bán lẻ sản phẩm rượu"], query


def test_search_by_field_and_filters(client: Client, demo: Any) -> None:
    url = reverse("services:catalogue")
    assert sorted(_names(client.get(url, {"q": "ho tich"}))) == ["Đăng ký khai sinh", "Đăng ký kết hôn"]
    assert len(_names(client.get(url, {"cap": "commune"}))) == 3
    assert _names(client.get(url, {"cap": "commune", "muc_do": "full"})) == ["Đăng ký khai sinh"]
    assert _names(client.get(url, {"linh_vuc": "Chứng thực"})) == ["Chứng thực bản sao từ bản chính giấy tờ, văn bản"]
    assert _names(client.get(url, {"q": "khong co thu tuc nay"})) == []


def test_htmx_request_gets_only_the_results(client: Client, demo: Any) -> None:
    response = client.get(reverse("services:catalogue"), {"q": "khai sinh"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Đăng ký khai sinh" in body
    assert "<html" not in body
    full = client.get(reverse("services:catalogue"), {"q": "khai sinh"}).content.decode()
    assert "<html" in full
    assert 'name="q"' in full
    assert 'hx-get="/dich-vu-cong/"' in full


def test_results_are_paginated(client: Client, demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tinhso.onestop.web.public import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    response = client.get(reverse("services:catalogue"), {"q": "", "trang": "3"})
    assert response.context["page"].number == 3
    assert len(_names(response)) == 1
    assert "Trang 3/3" in response.content.decode()


def test_detail_page_shows_the_procedure(client: Client, demo: Any) -> None:
    response = client.get(reverse("services:procedure", args=[LLTP]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Cấp Phiếu lý lịch tư pháp",
        "Sở Tư pháp",
        "Toàn trình",
        "10 ngày làm việc",
        "200.000 đồng",
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        "Luật Lý lịch tư pháp số 28/2009/QH12",
        "Tra cứu, xác minh thông tin lý lịch tư pháp",
        "7 ngày",
        "(70%)",
        "Số định danh cá nhân",
        "Chuyên viên thụ lý",
    ):
        assert text in body, text
    assert 'data-testid="not-full-reason"' not in body


def test_detail_page_publishes_the_reason_when_not_full(client: Client, demo: Any) -> None:
    body = client.get(reverse("services:procedure", args=[MARRIAGE])).content.decode()
    assert "Một phần" in body
    assert "Hai bên nam, nữ phải có mặt" in body
    assert "1 ngày làm việc" in body
    assert "Không thu phí, lệ phí" in body


def test_unknown_code_is_a_vietnamese_404(client: Client, demo: Any) -> None:
    response = client.get(reverse("services:procedure", args=["9.999999.000.00.00.H31"]))
    assert response.status_code == 404
    assert "Không tìm thấy thủ tục có mã “9.999999.000.00.00.H31”" in response.content.decode()


@pytest.fixture
def dx_client(client: Client, demo: Any, make_person: Any) -> Client:
    client.force_login(make_person("dx", Role.DX_OFFICE, demo["hy.skhcn"]))
    return client


@pytest.mark.parametrize("url_name", ["services:catalogue_export", "services:catalogue_import"])
def test_export_and_import_are_refused_to_a_citizen(client: Client, demo: Any, make_person: Any, url_name: str) -> None:
    client.force_login(make_person("citizen", Role.CITIZEN))
    response = client.get(reverse(url_name))
    assert response.status_code == 403
    assert "Chỉ cơ quan chuyên trách chuyển đổi số" in response.content.decode()


def test_import_post_is_refused_to_a_citizen_and_saves_nothing(client: Client, demo: Any, make_person: Any) -> None:
    client.force_login(make_person("citizen", Role.CITIZEN))
    data = procedures_export_xlsx(Procedure.objects.all())
    Procedure.objects.filter(code=LLTP).delete()
    entries = Entry.objects.count()
    upload = io.BytesIO(data)
    upload.name = "dm.xlsx"
    assert client.post(reverse("services:catalogue_import"), {"file": upload}).status_code == 403
    assert not Procedure.objects.filter(code=LLTP).exists()
    assert Entry.objects.count() == entries


def test_anonymous_is_sent_to_login(client: Client, demo: Any) -> None:
    response = client.get(reverse("services:catalogue_export"))
    assert response.status_code == 302
    assert "dang-nhap" in response["Location"]


def test_system_admin_may_export(client: Client, demo: Any, make_person: Any) -> None:
    client.force_login(make_person("admin", Role.SYSTEM_ADMIN))
    assert client.get(reverse("services:catalogue_export")).status_code == 200


def test_dx_office_exports_previews_and_imports(dx_client: Client) -> None:
    response = dx_client.get(reverse("services:catalogue_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="danh-muc-thu-tuc-')
    book = load_workbook(io.BytesIO(response.content))
    assert book["Thủ tục"].max_row == 8
    Procedure.objects.filter(code=LLTP).delete()

    upload = io.BytesIO(response.content)
    upload.name = "dm.xlsx"
    preview = dx_client.post(reverse("services:catalogue_import"), {"file": upload})
    assert preview.status_code == 200
    assert preview.context["outcome"].created == 1
    assert not Procedure.objects.filter(code=LLTP).exists()

    saved = dx_client.post(reverse("services:catalogue_import"), {"token": preview.context["token"]})
    assert saved.status_code == 200
    assert saved.context["saved"]
    assert Procedure.objects.filter(code=LLTP).exists()
    # the token is single-use
    again = dx_client.post(reverse("services:catalogue_import"), {"token": preview.context["token"]})
    assert again.status_code == 400
    assert "Phiên xem trước đã hết hạn" in again.content.decode()


def test_import_page_lists_the_rejected_rows(dx_client: Client) -> None:
    book = load_workbook(io.BytesIO(procedures_export_xlsx(Procedure.objects.all())))
    for row in book["Thủ tục"].iter_rows(min_row=2):
        if row[0].value == LLTP:
            row[4].value = "hy.khong_co"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "dm.xlsx"
    response = dx_client.post(reverse("services:catalogue_import"), {"file": out})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Không tìm thấy cơ quan “hy.khong_co”" in body
    assert 'name="token"' not in body


def test_admin_lists_procedures_and_dossiers(client: Client, demo: Any, make_person: Any) -> None:
    staff = make_person("root")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    procedure = Procedure.objects.get(code=LLTP)
    assert client.get(reverse("admin:services_procedure_changelist")).status_code == 200
    page = client.get(reverse("admin:services_procedure_change", args=[procedure.pk]))
    assert page.status_code == 200
    assert "Tra cứu, xác minh thông tin lý lịch tư pháp" in page.content.decode()
    assert client.get(reverse("admin:services_dossier_changelist")).status_code == 200
    assert client.get(reverse("admin:services_dossier_add")).status_code == 403
