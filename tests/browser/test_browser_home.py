"""A person signs in with a real Chromium and sees their agencies and roles."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.org.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_sees_agencies_and_roles(
    page: Any, world: dict[str, Any], make_person: Any, test_password: str
) -> None:
    make_person("cds.hungyen", Role.DX_OFFICE, world["dost"], full_name="Nguyễn Thị Minh Hà")
    make_person("cds.hungyen2", Role.LEADER, world["ppc"])
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_label("Tên đăng nhập").fill("cds.hungyen")
    page.get_by_label("Mật khẩu").fill("wrong password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text().startswith("Vui lòng nhập chính xác")
    page.get_by_label("Tên đăng nhập").fill("cds.hungyen")
    page.get_by_label("Mật khẩu").fill(test_password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào, Nguyễn Thị Minh Hà").wait_for()
    roles = page.get_by_test_id("roles")
    assert "Sở Khoa học và Công nghệ" in roles.inner_text()
    assert "Cơ quan chuyên trách chuyển đổi số" in roles.inner_text()
    assert "Ủy ban nhân dân" not in roles.inner_text()  # only this person's roles
    # Bootstrap's CSS was served by the platform itself (no CDN): the navbar is styled.
    background = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
