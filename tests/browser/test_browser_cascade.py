"""Plans that cascade in a real Chromium at phone width (390 px): the DX office gives every
commune its plan from the table, opens one, and the commune's focal point reads its plan."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390


def _width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_dx_office_derives_and_a_commune_reads_its_plan_on_a_phone(
    page: Any, log_in: Any, cascade: dict[str, Any]
) -> None:
    from tinhso.programme.models import Programme

    table = f"/de-an/{cascade['scheme'].pk}/phan-cap/"
    log_in("cds", table)
    assert _width(page) <= PHONE
    assert "0/3 đơn vị có kế hoạch" in page.get_by_test_id("cascade-summary").inner_text()
    page.get_by_role("button", name="Giao cho mọi xã, phường").click()
    page.get_by_text("Đang giao kế hoạch năm 2026").wait_for()
    page.goto(table + "?nam=2026")
    assert "3/3 đơn vị có kế hoạch" in page.get_by_test_id("cascade-summary").inner_text()
    assert _width(page) <= PHONE

    plan = Programme.objects.get(parent=cascade["scheme"], owner__key="hy.ubndx.tien_hai")
    log_in("dm.tienhai", f"/de-an/{plan.pk}/ke-hoach/")
    tasks = page.get_by_test_id("plan-tasks")
    assert "Số hóa hồ sơ" in tasks.inner_text()
    assert _width(page) <= PHONE
