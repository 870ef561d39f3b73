"""Shared data of the officers' tests: Hưng Yên's communes (the shipped agency list) and the people
who administer officers, and a way to write a sheet."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from tinhso.org.agencies import agencies_load
from tinhso.org.models import Agency, AgencyKind
from tinhso.org.officers.xlsx import HEADERS, SHEET
from tinhso.org.roles import Role


def sheet(rows: list[list[Any]], *, headers: list[str] | None = None) -> bytes:
    """An .xlsx with the officers' sheet: the header, then ``rows``."""
    book = Workbook()
    page = book.active
    page.title = SHEET
    page.append(headers or HEADERS)
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def hy_communes(demo_agencies: dict[str, Any]) -> list[Agency]:
    """Today's commune people's committees of Hưng Yên, from the shipped agency list."""
    agencies_load(actor=None, province="33")
    return list(
        Agency.objects.active()
        .filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level="commune", unit__parent__code="33")
        .order_by("name")
    )


@pytest.fixture
def admins(demo_agencies: dict[str, Any], make_person: Any) -> dict[str, Any]:
    a = demo_agencies
    return {
        "dx": make_person("cds.hy", Role.DX_OFFICE, a["hy.skhcn"], email="cds@hungyen.gov.vn"),
        "dx_th": make_person("cds.th", Role.DX_OFFICE, a["th.skhcn"]),
        "centre_admin": make_person("qt.ttpvhcc", Role.AGENCY_ADMIN, a["hy.ttpvhcc"]),
        "handler": make_person("thuly.ttpvhcc", Role.HANDLER, a["hy.ttpvhcc"]),
    }
