"""The org API at its interface: scoping, 404 alike for missing and forbidden, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tinhso.org.models import AdministrativeUnit
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_agency_list_is_scoped_to_the_roles_subtree(world: dict[str, Any], make_person: Any) -> None:
    client = _client(make_person("cds", Role.DX_OFFICE, world["dost"]))
    names = [item["name"] for item in client.get("/api/org/agencies/").json()]
    assert names == ["Sở Khoa học và Công nghệ", "Phòng Chuyển đổi số"]


def test_agency_list_has_the_serializers_shape(demo_agencies: dict[str, Any], make_person: Any) -> None:
    import json

    from tinhso.org.api import AgencyOutput
    from tinhso.org.models import Agency

    client = _client(make_person("lanhdao", Role.LEADER, demo_agencies["hy.ubnd"]))
    listed = client.get("/api/org/agencies/").json()
    expected = AgencyOutput(Agency.objects.subtree_of([demo_agencies["hy.ubnd"]]).order_by("path"), many=True).data
    assert listed == json.loads(json.dumps(expected, default=str))
    assert list(listed[0]) == AgencyOutput.Meta.fields
    assert len(listed) == 26  # the UBND tỉnh and what is below it


def test_agency_detail_answers_404_alike(world: dict[str, Any], make_person: Any) -> None:
    client = _client(make_person("cds", Role.DX_OFFICE, world["dost"]))
    mine = client.get(f"/api/org/agencies/{world['dx_division'].pk}/")
    assert mine.status_code == 200
    other = client.get(f"/api/org/agencies/{world['finance'].pk}/")
    missing = client.get("/api/org/agencies/999999/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json() == {"detail": "Không tìm thấy cơ quan, đơn vị.", "code": "not_found"}


def test_agency_detail_names_its_successor_today(world: dict[str, Any], make_person: Any) -> None:
    client = _client(make_person("root", Role.SYSTEM_ADMIN, None))
    data = client.get(f"/api/org/agencies/{world['tb_ict'].pk}/").json()
    assert data["valid_to"] == "2025-02-28"
    assert data["successor_today"] == world["dost"].pk


def test_an_agency_says_where_it_comes_from_and_whether_the_province_confirmed_it(
    demo_agencies: dict[str, Any],
    make_person: Any,
) -> None:
    client = _client(make_person("root", Role.SYSTEM_ADMIN, None))
    data = client.get(f"/api/org/agencies/{demo_agencies['hy.skhcn'].pk}/").json()
    assert (data["source"], data["confirmed_on"]) == (
        "Danh mục nhập tay, đối chiếu văn bản (tinhso/org/data/AGENCIES_SOURCES.md)",
        None,
    )


def test_unit_search_is_public_and_diacritics_insensitive(vn_units: None) -> None:
    data = Client().get("/api/org/units/", {"q": "thai binh", "level": "province"}).json()
    assert [(item["code"], item["name"], item["valid_to"]) for item in data] == [("34", "Tỉnh Thái Bình", "2025-06-30")]


def test_unit_successors_thai_binh_is_hung_yen(vn_units: None) -> None:
    thai_binh = AdministrativeUnit.objects.get(level="province", code="34")
    data = Client().get(f"/api/org/units/{thai_binh.pk}/successors/").json()
    assert [(item["unit"]["code"], item["unit"]["name"], item["effective_date"]) for item in data] == [
        ("33", "Hưng Yên", "2025-07-01")
    ]


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        ("/api/org/units/", {}, 400, "Vui lòng nhập tên hoặc mã đơn vị hành chính."),
        ("/api/org/units/", {"q": "x", "level": "huyen"}, 400, "Cấp “huyen” không hợp lệ."),
        ("/api/org/units/", {"q": "x", "on": "31/12/2024"}, 400, "Ngày “31/12/2024” không đúng định dạng YYYY-MM-DD."),
        ("/api/org/units/0/successors/", {}, 404, "Không tìm thấy đơn vị hành chính."),
    ],
)
def test_bad_unit_queries_get_vietnamese_4xx(
    vn_units: None, url: str, params: dict[str, str], status: int, message: str
) -> None:
    response = Client().get(url, params)
    assert response.status_code == status
    assert response.json()["detail"] == message


def test_openapi_schema_documents_the_org_api() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"/api/org/me/", "/api/org/agencies/", "/api/org/agencies/{agency_id}/", "/api/org/units/"} <= set(
        schema["paths"]
    )
