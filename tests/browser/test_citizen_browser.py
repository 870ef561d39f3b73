"""A citizen on a phone, in a real Chromium: signs in, files the e-form (one field wrong first,
then corrected), finds the dossier in "Hồ sơ của tôi", and looks it up publicly afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from tinhso.onestop.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_citizen_files_online_follows_and_looks_up(page: Any, log_in: Any, svc: Any) -> None:
    cache.clear()
    procedure = svc.procedure
    detail = f"/dich-vu-cong/thu-tuc/{procedure.code}/"

    log_in("congdan", detail)
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url("**/dich-vu-cong/nop/**")
    _fits_the_phone(page)

    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(label=svc.centre.name)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số định danh cá nhân").fill("0330950")  # too short
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Mục đích").select_option("Du học")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    error = page.get_by_test_id("error-tk_personal_id")
    error.wait_for()
    assert "12 chữ số" in error.inner_text()
    assert Dossier.objects.count() == 0
    assert page.get_by_label("Họ và tên").input_value() == "Nguyễn Văn An"  # kept for the correction
    _fits_the_phone(page)
    page.get_by_label("Số định danh cá nhân").fill("033095001234")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.get_by_text("Đã nộp hồ sơ").wait_for()
    code = page.get_by_test_id("dossier-code").inner_text().strip()
    dossier = Dossier.objects.get()
    assert code == dossier.code
    assert dossier.form_data["personal_id"] == "033095001234"
    assert page.get_by_test_id("state").inner_text() == "Đã nộp trực tuyến, chờ tiếp nhận"
    _fits_the_phone(page)

    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    page.wait_for_url("**/dich-vu-cong/ho-so/")
    page.get_by_test_id(f"dossier-{code}").wait_for()
    _fits_the_phone(page)

    # Signed out, anyone with the code and the last 4 digits of the phone sees the status only.
    page.context.clear_cookies()
    page.goto("/dich-vu-cong/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 số cuối").fill("0000")
    page.get_by_role("button", name="Tra cứu").click()
    page.get_by_test_id("lookup-not-found").wait_for()
    page.get_by_label("4 số cuối").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    result = page.get_by_test_id("lookup-result")
    result.wait_for()
    assert page.get_by_test_id("lookup-state").inner_text() == "Đã nộp trực tuyến, chờ tiếp nhận"
    text = page.content()
    for personal in ("Nguyễn Văn An", "0912345678", "033095001234"):
        assert personal not in text
    assert "/tra-cuu/" in page.url  # answered in place (HTMX), no reload
    _fits_the_phone(page)
