from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_vietnamese_by_default_even_for_an_english_browser() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_english_when_the_user_chooses_it() -> None:
    client = Client()
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert chosen.status_code == 302
    response = client.get("/")
    assert response["Content-Language"] == "en"
    body = response.content.decode()
    assert "Sign in" in body
    assert "Đăng nhập" not in body
