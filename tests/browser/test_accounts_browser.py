"""A citizen on a phone, in a real Chromium: registers with a phone number, confirms with the
code the SMS gateway received, files a dossier, proves their personal id through the identity
provider (a real OpenID Connect provider on a thread), signs out, and later signs in through the
provider: "Hồ sơ của tôi" then holds their dossier and the one a desk received under their id."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from tinhso.onestop.dossiers import services as dossier_services
from tinhso.onestop.models import Dossier
from tinhso.org.accounts.tests.conftest import CITIZEN_PERSONAL_ID, CITIZEN_SUB, code_in
from tinhso.org.models import ExternalIdentity, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "0912345678"
PASSWORD = "Hoa sen nở 2026"
PROVIDER_BUTTON = "Đăng nhập qua VNeID (thử nghiệm)"


def _fits_the_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _at_the_provider_choose(page: Any, sub: str) -> None:
    page.get_by_role("button", name=sub, exact=True).click()


def test_a_citizen_registers_on_a_phone_files_and_later_signs_in_through_the_provider(
    page: Any, svc: Any, oidc: str, texts: list[tuple[str, str]]
) -> None:
    cache.clear()
    # The provider's page asks a CDN for its style sheet: nothing leaves this machine.
    page.route("https://**/*", lambda route: route.abort())
    desk = dossier_services.dossier_receive_at_counter(
        actor=svc.receiver,
        agency=svc.centre,
        procedure=svc.procedure,
        applicant_name="Nguyễn Văn An",
        applicant_personal_id=CITIZEN_PERSONAL_ID,
        applicant_phone="0987654321",
        form_data={"full_name": "Nguyễn Văn An", "personal_id": CITIZEN_PERSONAL_ID},
    )

    # Register with a phone number.
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng ký tài khoản công dân").click()
    page.wait_for_url("**/tai-khoan/dang-ky/")
    _fits_the_phone(page)
    page.get_by_label("Số điện thoại hoặc thư điện tử", exact=True).fill(PHONE)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Nhận mã xác nhận").click()
    page.wait_for_url("**/tai-khoan/dang-ky/xac-nhan/")
    _fits_the_phone(page)
    [body] = [text for phone, text in texts if phone == PHONE]  # the desk's dossier told its applicant too
    page.get_by_label("Mã xác nhận").fill("000000" if code_in(body) != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận và tạo tài khoản").click()
    page.get_by_test_id("error-code").wait_for()
    assert "Mã xác nhận không đúng" in page.get_by_test_id("error-code").inner_text()
    page.get_by_label("Mã xác nhận").fill(code_in(body))
    page.get_by_role("button", name="Xác nhận và tạo tài khoản").click()
    page.wait_for_url("**/tai-khoan/")
    assert page.get_by_test_id("proven-id").inner_text() == "Chưa xác minh"
    _fits_the_phone(page)
    citizen = Person.objects.get(phone=PHONE)

    # File a dossier online.
    page.goto(f"/dich-vu-cong/thu-tuc/{svc.procedure.code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url("**/dich-vu-cong/nop/**")
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(label=svc.centre.name)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số định danh cá nhân").fill(CITIZEN_PERSONAL_ID)
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.get_by_label("Mục đích").select_option("Du học")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.get_by_text("Đã nộp hồ sơ").wait_for()
    online = Dossier.objects.get(applicant=citizen)

    # Prove the personal id through the identity provider (links it to this account).
    page.goto("/tai-khoan/")
    page.get_by_test_id("oidc-link").click()
    _at_the_provider_choose(page, CITIZEN_SUB)
    page.wait_for_url("**/tai-khoan/")
    assert "Đã xác minh" in page.get_by_test_id("proven-id").inner_text()
    assert CITIZEN_PERSONAL_ID not in page.content()  # shown masked
    assert ExternalIdentity.objects.get(subject=CITIZEN_SUB).person_id == citizen.pk
    _fits_the_phone(page)

    # Sign out from the menu.
    page.get_by_role("button", name="Mở menu").click()
    sign_out = page.get_by_role("button", name="Đăng xuất")
    sign_out.wait_for()
    with page.expect_navigation():  # from /tai-khoan/ to the home page (a URL "**/" already matched)
        sign_out.click()
    page.get_by_test_id("oidc-sign-in").wait_for()  # the signed-out home page's sign-in form
    assert page.get_by_test_id("current-user").count() == 0

    # Later: sign in through the provider; "Hồ sơ của tôi" holds both dossiers.
    page.goto("/tai-khoan/dang-nhap/?next=/dich-vu-cong/ho-so/")
    page.get_by_role("link", name=PROVIDER_BUTTON).click()
    _at_the_provider_choose(page, CITIZEN_SUB)
    page.wait_for_url("**/dich-vu-cong/ho-so/")
    page.get_by_test_id(f"dossier-{online.code}").wait_for()
    page.get_by_test_id(f"dossier-{desk.code}").wait_for()
    _fits_the_phone(page)
    assert Person.objects.filter(phone=PHONE).count() == 1
