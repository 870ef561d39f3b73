"""Issue 12, item 16: every page fits a 390 px phone (no horizontal scroll) for every role, and
the header stays on one line at 1366 px.

The walk starts from the demo data (dossiers in every state, two programmes) and, for each demo
account and for a visitor, follows every link of every page it reaches (one page per URL
pattern and role is enough: the same template), plus the pages only a form leads to (the
payment gateway and its return, the verification of a signed result). It then checks that the
walk reached every page of the URL list that renders HTML, so a new page cannot escape it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390
# Pages that answer a file or only a POST, never HTML to a GET from a link.
NOT_PAGES = {
    "logout",
    "notifications:read",  # POST only (mark read)
    "notifications:read_all",
    "set_language",
    "healthz",
    "file:download",
    "print:form",
    "services:catalogue_export",
    "programme:import_template",
    "programme:import_columns",
    "programme:round_report_docx",
    "programme:round_report_xlsx",
    "programme:evidence",
    "payment:callback",
    "citizen:pay",
    "citizen:stop",
    "officer:assign_bulk",
    "programme:task_comment",
    "programme:target_comment",
    "programme:report_save",
    "programme:report_approve",
    "programme:report_return",
    "programme:round_close",
    "programme:round_dates",
    "officer:action",
    "admin:logout",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:autocomplete",
    "org:agencies_template",
    "accounts:oidc-start",  # redirects to the identity provider (404 while none is configured)
    "accounts:oidc-callback",
    "programme:cascade_xlsx",
    "programme:cascade_derive",
    "org:delegation_revoke",
    "org:officers_template",
    "org:officer_activate",  # reached only from the link mailed to a new officer
}
ACCOUNTS = (
    "congdan",
    "motcua.hungyen",
    "thuly.hungyen",
    "pheduyet.hungyen",
    "lanhdao.hungyen",
    "cds.hungyen",
    "daumoi.taichinh",
    "cds.thanhhoa",
    "admin",
)
STARTS = (
    "/",
    "/dich-vu-cong/",
    "/dich-vu-cong/tra-cuu/",
    "/dich-vu-cong/ho-so/",
    "/mot-cua/",
    "/mot-cua/tiep-nhan/",
    "/mot-cua/so-theo-doi/",
    "/de-an/",
    "/tai-khoan/dang-nhap/",
    "/tai-khoan/dang-ky/xac-nhan/",  # reached after a form; without one, back to it
    "/tai-khoan/quen-mat-khau/xac-nhan/",
)
MAX_PAGES_PER_ROLE = 80


@pytest.fixture
def demo(vn_units: None, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.TINHSO_SIGNING_KEY_FILE = ""
    settings.TINHSO_SIGNING_CERT_FILE = ""
    settings.TINHSO_PAYMENT_PROVIDER = "tinhso.onestop.payments.services.FakeProvider"

    # In a thread of its own: signing the demo results runs an asyncio loop, and Playwright's
    # already runs in this one.
    def load() -> None:
        try:
            call_command("demo_load", stdout=io.StringIO())
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(load).result()


def _sign_in(page: Any, origin: str, username: str | None) -> None:
    """The browser gets the session of ``username`` (none: a visitor), without the login form."""
    from django.conf import settings

    from tinhso.org.models import Person

    page.context.clear_cookies()
    if username is None:
        return
    client = Client()
    client.force_login(Person.objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": origin}])


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def _overflow(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _wide_elements(page: Any) -> list[str]:
    """The elements reaching past the right edge, to say what is too wide."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                     && getComputedStyle(e).position !== 'fixed' && e.offsetParent !== null)
        .slice(0, 5)
        .map(e => e.tagName + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right))""")


def _links(page: Any, origin: str, *, admin: bool) -> Iterator[str]:
    skipped = ("/api/", "/static/", "/media/") if admin else ("/api/", "/static/", "/media/", "/quan-tri/")
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
        url = urljoin(page.url, href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == origin and not parts.path.startswith(skipped):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def _walk(page: Any, origin: str, who: str, seen_patterns: set[str], failures: list[str]) -> None:
    visited: set[str] = set()
    admin = who == "admin"  # the admin pages too (Django's own, with our e-form editor)
    queue = [*STARTS, "/quan-tri/", "/quan-tri/services/procedure/add/"] if admin else list(STARTS)
    limit = MAX_PAGES_PER_ROLE * 2 if admin else MAX_PAGES_PER_ROLE
    done_patterns: set[tuple[str, str]] = set()
    while queue and len(visited) < limit:
        path = queue.pop(0)
        pattern = _pattern(path.split("?")[0])
        if pattern is None or pattern in NOT_PAGES or path in visited:
            continue
        key = (pattern, path.partition("?")[2].partition("=")[0])
        if key in done_patterns:
            continue
        done_patterns.add(key)
        visited.add(path)
        response = page.goto(path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status < 400:
            seen_patterns.add(pattern)
        width = _overflow(page)
        if width > PHONE:
            failures.append(f"{who} {path}: {width} px wide ({_wide_elements(page)})")
        queue += [link for link in _links(page, origin, admin=admin) if link not in visited]


def test_every_page_fits_a_phone_for_every_role(page: Any, live_server: Any, demo: None) -> None:
    from tinhso.onestop.models import DossierFile, FileKind, Rating

    # A returned result not rated yet, so that the citizen is offered the rating page too.
    Rating.objects.filter(dossier__applicant__username="congdan").delete()
    origin = live_server.url
    seen: set[str] = set()
    failures: list[str] = []
    for who in (None, *ACCOUNTS):
        _sign_in(page, origin, who)
        _walk(page, origin, who or "visitor", seen, failures)

    # The pages only a form leads to: the payment gateway and its return, and the verification
    # page a result's QR code opens.
    _sign_in(page, origin, "congdan")
    page.goto("/dich-vu-cong/ho-so/")
    hrefs = page.eval_on_selector_all("a[href*='#thanh-toan']", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs, "the demo has a dossier waiting for its fee"
    for href in hrefs[:1]:
        dossier_id = href.split("/")[-2]
        page.goto(f"/thanh-toan/ho-so/{dossier_id}/")
        seen.add("payment:start")
        assert _overflow(page) <= PHONE, _wide_elements(page)
        assert page.get_by_test_id("back-to-dossier").is_visible()
        page.goto(href)
        page.get_by_test_id("pay").click()
        page.wait_for_url("**/thanh-toan/gia-lap/**")
        seen.add("payment:checkout")
        assert _overflow(page) <= PHONE, _wide_elements(page)
        assert page.get_by_test_id("back-to-dossier").is_visible()
        page.get_by_role("button", name="Thanh toán thành công").click()
        page.wait_for_url("**/thanh-toan/ket-qua/**")
        seen.add("payment:done")
        assert _overflow(page) <= PHONE, _wide_elements(page)
        page.get_by_test_id("back-to-dossier").click()
        page.wait_for_url("**/dich-vu-cong/ho-so/*/")
    result = DossierFile.objects.filter(kind=FileKind.RESULT, signed=True).exclude(verification_token="").first()
    assert result is not None, "the demo has a signed result"
    _sign_in(page, origin, None)
    page.goto(f"/xac-minh/{result.verification_token}/")
    seen.add("verify:result")
    if _overflow(page) > PHONE:
        failures.append(f"verify: {_overflow(page)} px ({_wide_elements(page)})")

    assert failures == []
    # Every page of the URL list that answers HTML to a GET was walked.
    from django.urls import get_resolver
    from django.urls.resolvers import URLResolver

    def names(patterns: Any, namespace: str | None = None) -> Iterator[str]:
        for item in patterns:
            if isinstance(item, URLResolver):
                if item.namespace != "admin" and not str(item.pattern).startswith("api"):
                    yield from names(item.url_patterns, item.namespace or namespace)
            elif item.name and not str(item.pattern).startswith("api"):
                yield f"{namespace}:{item.name}" if namespace else item.name

    expected = set(names(get_resolver().url_patterns)) - NOT_PAGES
    assert expected - seen == set()


def test_the_header_is_one_line_at_1366_px_and_keeps_every_link(
    page: Any, live_server: Any, world: dict[str, Any], make_person: Any
) -> None:
    from tinhso.org.roles import Role

    origin = live_server.url
    long_name = "Nguyễn Thị Phương Thảo Hoàng Minh Khuê"
    make_person("congdan", Role.CITIZEN, None, full_name=long_name)
    make_person("motcua", Role.RECEIVER, world["centre"], full_name=long_name)
    admin = make_person("quantri", Role.DX_OFFICE, world["dost"], full_name=long_name)
    type(admin).objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    for who, links in (
        ("congdan", ("Dịch vụ công", "Tra cứu hồ sơ", "Hồ sơ của tôi", "Đề án chuyển đổi số", "Đăng xuất")),
        ("motcua", ("Dịch vụ công", "Tra cứu hồ sơ", "Một cửa", "Đề án chuyển đổi số", "Đăng xuất")),
        ("quantri", ("Dịch vụ công", "Tra cứu hồ sơ", "Quản trị", "Đề án chuyển đổi số", "Đăng xuất")),
    ):
        _sign_in(page, origin, who)
        for path in ("/", "/dich-vu-cong/", "/dich-vu-cong/ho-so/", "/dich-vu-cong/tra-cuu/", "/mot-cua/", "/de-an/"):
            page.goto(path)
            header = page.locator("nav.navbar").first
            height = header.evaluate("el => el.getBoundingClientRect().height")
            assert height < 70, f"{who} {path}: the header is {height} px high"
            for name in links:
                control = header.get_by_role("link", name=name, exact=True).or_(
                    header.get_by_role("button", name=name, exact=True)
                )
                assert control.first.is_visible(), f"{who} {path}: {name} missing"
    # On a phone the same links are behind the menu button, and the page does not scroll sideways.
    page.set_viewport_size({"width": PHONE, "height": 844})
    _sign_in(page, origin, "congdan")
    page.goto("/dich-vu-cong/")
    menu = page.locator("#nav")
    assert not menu.get_by_role("link", name="Hồ sơ của tôi", exact=True).is_visible()
    page.get_by_role("button", name="Mở menu").click()
    for name in ("Dịch vụ công", "Tra cứu hồ sơ", "Hồ sơ của tôi", "Đề án chuyển đổi số"):
        menu.get_by_role("link", name=name, exact=True).wait_for()
    assert _overflow(page) <= PHONE
