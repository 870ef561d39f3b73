"""Fixtures shared by the whole suite."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tinhso.org.tests.factories import TEST_PASSWORD  # the password of every person make_person makes

if TYPE_CHECKING:
    from django.db import models


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


def _load_reference_data() -> None:
    """Vietnam's units and the demo agencies: what every test may count on."""
    import json

    from tinhso.org.demo import AGENCIES_FILE, agencies_load
    from tinhso.org.models import AdministrativeUnit, Agency
    from tinhso.org.units import units_load

    if not AdministrativeUnit.objects.exists():
        units_load(actor=None)
    if not Agency.objects.filter(key="hy.ubnd").exists():
        agencies_load(actor=None, data=json.loads(AGENCIES_FILE.read_text(encoding="utf-8")))
    # Sealed, as the worker would have left them: loaded once per session, these entries
    # would otherwise wait longer than the ledger's maximum merge delay.
    from tinhso.ledger.services import ledger_seal

    ledger_seal(sign=False)


# The rows of every table once the reference data is loaded, kept for the session: a
# transactional test flushes the database when it ends, and loading the units again through
# their services (validation, successions, one ledger entry each) took ~5 s a test; putting
# these rows back with one bulk insert per table takes a fraction of that.
_REFERENCE_ROWS: list[tuple[type[models.Model], str, list[tuple[Any, ...]]]] = []


def _reference_snapshot() -> None:
    from django.apps import apps
    from django.db import connection

    _REFERENCE_ROWS.clear()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)}")  # noqa: S608 - a model's table
            rows = cursor.fetchall()
            if rows:
                columns = ", ".join(quote(column[0]) for column in cursor.description)
                marks = ", ".join(["%s"] * len(cursor.description))
                insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
                _REFERENCE_ROWS.append((model, insert, rows))


def _reference_restore() -> None:
    """Put the session's reference rows back, as the database stored them, in the tables a flush
    emptied (the content types and permissions a flush recreates are left alone), then move the
    primary key sequences past them (PostgreSQL; SQLite's follow the inserted keys)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    restored = []
    with transaction.atomic(), connection.cursor() as cursor:
        for model, insert, rows in _REFERENCE_ROWS:
            if not model._base_manager.exists():
                cursor.executemany(insert, rows)
                restored.append(model)
        for statement in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(statement)


@pytest.fixture(scope="session", autouse=True)
def _media_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Files stored by tests go to a temporary folder, never to the checkout's data/media that
    the demo server uses (the hourly storage sweep, run by a test, would clean that one)."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database starts with the reference data, loaded once per session."""
    with django_db_blocker.unblock():
        _load_reference_data()
        _reference_snapshot()


@pytest.fixture
def vn_units(db: None) -> None:
    """Reference data present even after a transactional test flushed the database."""
    from tinhso.org.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        _reference_restore()
    _load_reference_data()  # nothing to do unless the snapshot missed something


@pytest.fixture
def world(vn_units: None) -> dict[str, Any]:
    """A small agency tree in Hưng Yên, with a former Thái Bình department merged into it."""
    from tinhso.org import services
    from tinhso.org.models import AdministrativeUnit, AgencyKind
    from tinhso.org.tests.factories import AgencyFactory

    create = AgencyFactory.create  # an Agency to mypy too (calling the factory class gives its own type)

    hung_yen = AdministrativeUnit.objects.get(level="province", code="33", valid_to__isnull=True)
    thai_binh = AdministrativeUnit.objects.get(level="province", code="34", valid_to=dt.date(2025, 6, 30))
    thanh_hoa = AdministrativeUnit.objects.get(level="province", code="38", valid_to__isnull=True)
    ppc = create(key="t.ubnd", name="Ủy ban nhân dân tỉnh Hưng Yên", kind=AgencyKind.PEOPLES_COMMITTEE, unit=hung_yen)
    dost = create(
        key="t.skhcn",
        name="Sở Khoa học và Công nghệ",
        kind=AgencyKind.DEPARTMENT,
        unit=hung_yen,
        parent=ppc,
        short_name="Sở KH&CN",
    )
    dx_division = create(key="t.pcds", name="Phòng Chuyển đổi số", kind=AgencyKind.DIVISION, unit=hung_yen, parent=dost)
    finance = create(key="t.stc", name="Sở Tài chính", kind=AgencyKind.DEPARTMENT, unit=hung_yen, parent=ppc)
    centre = create(
        key="t.ttpvhcc",
        name="Trung tâm Phục vụ hành chính công tỉnh Hưng Yên",
        kind=AgencyKind.SERVICE_CENTRE,
        unit=hung_yen,
        parent=ppc,
    )
    tb_ppc = create(
        key="t.tb.ubnd",
        name="Ủy ban nhân dân tỉnh Thái Bình",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        unit=thai_binh,
        valid_to=dt.date(2025, 6, 30),
    )
    tb_ict = create(
        key="t.tb.stttt",
        name="Sở Thông tin và Truyền thông tỉnh Thái Bình",
        kind=AgencyKind.DEPARTMENT,
        unit=thai_binh,
        parent=tb_ppc,
        short_name="Sở TT&TT",
    )
    tb_dost = create(
        key="t.tb.skhcn",
        name="Sở Khoa học và Công nghệ tỉnh Thái Bình",
        kind=AgencyKind.DEPARTMENT,
        unit=thai_binh,
        parent=tb_ppc,
    )
    services.agency_merge(actor=None, predecessor=tb_ict, successor=tb_dost, effective_date=dt.date(2025, 3, 1))
    services.agency_merge(actor=None, predecessor=tb_dost, successor=dost, effective_date=dt.date(2025, 7, 1))
    th_ppc = create(
        key="t.th.ubnd", name="Ủy ban nhân dân tỉnh Thanh Hóa", kind=AgencyKind.PEOPLES_COMMITTEE, unit=thanh_hoa
    )
    return {
        "hung_yen": hung_yen,
        "thai_binh": thai_binh,
        "ppc": ppc,
        "dost": dost,
        "dx_division": dx_division,
        "finance": finance,
        "centre": centre,
        "tb_ppc": tb_ppc,
        "tb_ict": tb_ict,
        "tb_dost": tb_dost,
        "th_ppc": th_ppc,
    }


# --- the clock ------------------------------------------------------------------------------
#
# The one way a test moves time: ask for the ``clock`` fixture. It stops every clock of the
# process (``timezone.now()``, ``datetime.now()``, ``date.today()``, ``time.time()``) at 09:00 on
# Monday 2 March 2026 in Hanoi time, and ``clock.set(at("2026-03-09", 14))`` moves it; time does
# not pass by itself, so ``clock.now`` is exactly what the code under test stored. It is built on
# time-machine (no mock of Django's functions, so code that imports ``now`` directly sees it too).

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    """``day`` (ISO) at ``hour``:``minute`` in Hanoi time: the instants tests put the clock at."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=VN)


class Clock:
    """The stopped clock of a test: ``now`` is the instant every clock reads, ``set`` moves it."""

    def __init__(self, traveller: time_machine.Traveller, now: dt.datetime) -> None:
        self._traveller = traveller
        self.now = now

    def set(self, now: dt.datetime) -> None:
        self._traveller.move_to(now, tick=False)
        self.now = now


@pytest.fixture
def clock() -> Iterator[Clock]:
    """The process's clocks stopped at 09:00 on Monday 2 March 2026 (Hanoi); see :class:`Clock`."""
    start = at("2026-03-02")  # a Monday
    with time_machine.travel(start, tick=False) as traveller:
        yield Clock(traveller, start)


@pytest.fixture
def test_password() -> str:
    """The password of every person :func:`make_person` makes (to sign in as them)."""
    return TEST_PASSWORD


@pytest.fixture
def make_person(db: None) -> Any:
    """make_person("user", role, agency) → a Person holding that role (password TEST_PASSWORD);
    a shortcut to :class:`tinhso.org.tests.factories.PersonFactory`, numbering ``userN`` from 1."""
    from tinhso.org.tests.factories import PersonFactory

    PersonFactory.reset_sequence(1)

    def make(username: str | None = None, role: str | None = None, agency: Any = None, **extra: Any) -> Any:
        if username is not None:
            extra["username"] = username
        return PersonFactory(role=role, agency=agency, **extra)

    return make


# --- browser -------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


def csp_violations(page: Any) -> list[str]:
    """The list Chromium's Content-Security-Policy refusals on ``page`` are added to (it logs
    each one to the console as an error)."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    return found


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-width page on the live server. Any CSP violation on it fails the test: every
    browser test checks that the pages work under the platform's Content-Security-Policy."""
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = csp_violations(page)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations"


@pytest.fixture
def log_in(page: Any) -> Callable[[str, str], None]:
    """log_in("username", "/path/") → the browser signs out, signs in as that test person through the
    login page and lands on ``path``."""

    def sign_in(username: str, path: str) -> None:
        page.context.clear_cookies()
        page.goto(f"/tai-khoan/dang-nhap/?next={path}")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"**{path}")

    return sign_in


@pytest.fixture
def demo_agencies(vn_units: None) -> dict[str, Any]:
    """The demo agencies of Hưng Yên (with former Thái Bình ones) and Thanh Hóa, by key."""
    from tinhso.org.models import Agency

    return {agency.key: agency for agency in Agency.objects.exclude(key__isnull=True).exclude(key__startswith="t.")}
