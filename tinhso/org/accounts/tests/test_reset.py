"""Password reset by phone or e-mail with a one-time code; no enumeration; django-axes' lockout."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.org.accounts.tests.conftest import code_in
from tinhso.org.models import CITIZEN_USERNAME_PREFIX, OneTimeCode, Person
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
NEW_PASSWORD = "Sông Hồng mùa lũ 2026"
RESET = "/tai-khoan/quen-mat-khau/"
CONFIRM = "/tai-khoan/quen-mat-khau/xac-nhan/"
ADDRESS = "10.3.0.1"


@pytest.fixture
def citizen(make_person: Any) -> Any:
    return make_person(f"{CITIZEN_USERNAME_PREFIX}an", Role.CITIZEN, phone=PHONE)


def _confirm(client: Client, code: str, password: str = NEW_PASSWORD) -> Any:
    return client.post(CONFIRM, {"code": code, "password1": password, "password2": password}, REMOTE_ADDR=ADDRESS)


def test_a_citizen_resets_the_password_with_a_code(citizen: Any, texts: list[tuple[str, str]]) -> None:
    client = Client()
    response = client.post(RESET, {"address": PHONE}, REMOTE_ADDR=ADDRESS)
    assert (response.status_code, response["Location"]) == (302, CONFIRM)
    [(phone, body)] = texts
    assert phone == PHONE
    assert "lấy lại mật khẩu" in body
    response = _confirm(client, code_in(body))
    assert (response.status_code, response["Location"]) == (302, reverse("login"))
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    entry = Entry.objects.order_by("-pk").first()
    assert entry.action == "org.account.password_reset"
    assert entry.object_id == str(citizen.pk)
    assert PHONE not in entry.payload.canonical_json
    signed = Client().post(reverse("login"), {"username": PHONE, "password": NEW_PASSWORD}, REMOTE_ADDR=ADDRESS)
    assert signed.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(
    citizen: Any, texts: list[tuple[str, str]]
) -> None:
    known = Client().post(RESET, {"address": PHONE}, REMOTE_ADDR=ADDRESS)
    client = Client()
    unknown = client.post(RESET, {"address": "0987000111"}, REMOTE_ADDR=ADDRESS)
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    # The unknown phone gets a notice through the same gateway (no code), and nothing is written.
    [_, (phone, notice)] = texts
    assert phone == "0987000111"
    assert "chưa có tài khoản" in notice
    assert not any(ch.isdigit() for ch in notice)
    assert OneTimeCode.objects.filter(person__isnull=True).count() == 1  # the decoy: same work, names nobody
    page = client.get(CONFIRM).content.decode()
    assert "chúng tôi đã gửi đến đó một mã" in page
    entries = Entry.objects.count()
    refused = _confirm(client, "123456")
    assert refused.status_code == 400
    assert "Mã xác nhận không đúng" in refused.content.decode()
    assert Entry.objects.count() == entries


def test_a_weak_password_is_refused_before_the_code_costs_an_attempt(
    citizen: Any, texts: list[tuple[str, str]]
) -> None:
    client = Client()
    client.post(RESET, {"address": PHONE}, REMOTE_ADDR=ADDRESS)
    response = _confirm(client, code_in(texts[0][1]), password="12345678")
    assert response.status_code == 400
    assert "password1" in response.context["form"].errors
    assert OneTimeCode.objects.get().attempts == 0
    citizen.refresh_from_db()
    assert not citizen.check_password("12345678")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_lock_the_account_as_wrong_passwords_do(citizen: Any, texts: list[tuple[str, str]]) -> None:
    client = Client()
    client.post(RESET, {"address": PHONE}, REMOTE_ADDR=ADDRESS)
    code = code_in(texts[0][1])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        assert _confirm(client, wrong).status_code == 400
    locked = _confirm(client, wrong)
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()
    # The right code no longer helps, and the login page is locked for that phone too.
    assert _confirm(client, code).status_code == 429
    citizen.refresh_from_db()
    assert not citizen.check_password(NEW_PASSWORD)
    login = Client().post(reverse("login"), {"username": PHONE, "password": "x"}, REMOTE_ADDR=ADDRESS)
    assert login.status_code == 429


def test_an_officer_account_is_not_reset_through_the_citizens_page(
    make_person: Any, world: dict[str, Any], texts: list[tuple[str, str]]
) -> None:
    make_person("officer", Role.RECEIVER, world["centre"], phone=PHONE)
    Client().post(RESET, {"address": PHONE}, REMOTE_ADDR=ADDRESS)
    [(_, notice)] = texts
    assert "chưa có tài khoản" in notice
    assert not OneTimeCode.objects.filter(person__isnull=False).exists()
    assert Person.objects.get(username="officer").has_usable_password()
