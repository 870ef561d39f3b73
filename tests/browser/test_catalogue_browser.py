"""The public catalogue on a phone: the live search and a procedure's page fit 390 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tinhso.onestop.demo.services import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_search_live_and_detail_fit_390px(page: Any, demo_agencies: Any) -> None:
    demo_load()
    page.goto(reverse("services:catalogue"))
    page.get_by_label("Tên, mã thủ tục hoặc lĩnh vực").fill("ly lich tu phap")
    page.get_by_test_id("result-count").filter(has_text="1 thủ tục").wait_for()
    assert "q=ly%20lich%20tu%20phap" in page.url  # HTMX pushed the search into the address
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp", exact=False).click()
    page.get_by_test_id("fee").filter(has_text="200.000 đồng").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
