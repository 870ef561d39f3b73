"""The pages work under the Content-Security-Policy in a real Chromium (the ``page`` fixture
fails a test on any CSP violation): the API docs render from the platform's own files, the
programme chart draws, shared behaviour (auto-submitting selects, confirmations, HTMX
indicators) runs from static files."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.programme import services
from tinhso.programme.access import programme_scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_pages_and_the_api_docs_run_under_the_policy(page: Any, live_server: Any, vn_units: None) -> None:
    external: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith((live_server.url + "/", "data:")) else external.append(request.url)
        ),
    )
    for path in ["/", "/dich-vu-cong/", "/dich-vu-cong/tra-cuu/", "/tai-khoan/dang-nhap/"]:
        response = page.goto(path)
        assert response.status == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]

    page.goto("/api/docs/")
    page.locator(".opblock").first.wait_for()  # Swagger UI loaded its bundle and the schema
    assert page.locator(".opblock").count() > 20
    assert page.locator(".info .title").inner_text().startswith("Tỉnh số API")
    assert external == []  # nothing from a CDN or the online validator

    # The language select submits its form by itself (static/js/tinhso.js, no onchange="").
    page.goto("/dich-vu-cong/")
    page.get_by_label("Ngôn ngữ").select_option("en")
    page.wait_for_function("document.documentElement.lang === 'en'")


def test_the_programme_overview_draws_its_chart_and_bars(page: Any, log_in: Any, scheme: dict[str, Any]) -> None:
    for period in ("2025-H1", "2025-H2"):
        services.round_open(
            actor=scheme["dx"],
            scope=programme_scope(scheme["dx"], scheme["programme"]),
            programme=scheme["programme"],
            period=period,
        )
    base = f"/de-an/{scheme['programme'].pk}/"
    log_in(scheme["dx"].username, base)
    page.locator("#trend-chart canvas").wait_for()  # static/js/programme_trend.js ran
    box = page.locator("#trend-chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)  # the tooltip, drawn in the canvas
    page.wait_for_timeout(300)
    bar = page.locator(".progress-bar").first
    assert bar.evaluate("el => el.className").split()[-1].startswith("pct-")
    # The round picker submits by itself.
    page.get_by_label("Chọn kỳ báo cáo").select_option("2025-H1")
    page.wait_for_url("**?ky=2025-H1")


def test_htmx_indicators_are_hidden_by_the_static_stylesheet(page: Any, log_in: Any, scheme: dict[str, Any]) -> None:
    log_in(scheme["dx"].username, f"/de-an/{scheme['programme'].pk}/nhiem-vu/")
    indicator = page.locator(".htmx-indicator").first
    assert indicator.evaluate("el => getComputedStyle(el).visibility") == "hidden"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("head style").count() == 0
