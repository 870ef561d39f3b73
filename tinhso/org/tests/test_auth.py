"""Signing in: Argon2 hashes, lockout after repeated failures, the home page and /api/org/me."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2() -> None:
    assert make_password("Mật khẩu dài 2026").startswith("argon2$argon2id$")


def test_production_settings_prefer_argon2() -> None:
    from config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_login_shows_agencies_and_roles(world: dict[str, Any], make_person: Any, test_password: str) -> None:
    make_person("cds", Role.DX_OFFICE, world["dost"], full_name="Nguyễn Thị Hà")
    client = Client()
    response = _login(client, "cds", test_password)
    assert response.status_code == 302
    home = client.get(reverse("home"))
    body = home.content.decode()
    assert "Xin chào, Nguyễn Thị Hà" in body
    assert "Sở Khoa học và Công nghệ" in body
    assert "Cơ quan chuyên trách chuyển đổi số" in body


def test_wrong_password_gets_a_vietnamese_message(make_person: Any) -> None:
    make_person("cds")
    response = _login(Client(), "cds", "wrong")
    assert response.status_code == 200
    assert "Vui lòng nhập chính xác" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures_even_with_the_right_password(make_person: Any, test_password: str) -> None:
    make_person("cds")
    client = Client()
    for _ in range(2):
        assert _login(client, "cds", "wrong").status_code == 200
    locked = _login(client, "cds", "wrong")
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()
    again = _login(client, "cds", test_password)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_per_user_and_address(make_person: Any, test_password: str) -> None:
    make_person("cds")
    make_person("other")
    client = Client()
    for _ in range(3):
        _login(client, "cds", "wrong")
    assert _login(Client(), "other", test_password).status_code == 302


def test_api_me_lists_roles_and_needs_login(world: dict[str, Any], make_person: Any) -> None:
    person = make_person("cds", Role.DX_OFFICE, world["dost"])
    client = Client()
    anonymous = client.get("/api/org/me/")
    assert anonymous.status_code == 403
    assert anonymous.json() == {"detail": "Vui lòng đăng nhập.", "code": "not_authenticated"}
    client.force_login(person)
    data = client.get("/api/org/me/").json()
    assert data["username"] == "cds"
    assert data["roles"] == [
        {
            "role": "dx_office",
            "role_label": "Cơ quan chuyên trách chuyển đổi số",
            "agency_id": world["dost"].pk,
            "agency_name": "Sở Khoa học và Công nghệ",
        }
    ]


def test_admin_pages_speak_vietnamese(make_person: Any) -> None:
    admin = make_person("root", Role.SYSTEM_ADMIN, None)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    for url in ("/quan-tri/", "/quan-tri/org/agency/", "/quan-tri/org/person/", "/quan-tri/org/roleassignment/add/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Quản trị Tỉnh số" in client.get("/quan-tri/").content.decode()
