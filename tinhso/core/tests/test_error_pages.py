"""Django's own error pages (an address that does not exist, a server error) speak Vietnamese."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unknown_address_answers_in_vietnamese() -> None:
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "Not Found" not in html
    assert "The requested resource" not in html


def test_the_server_error_page_is_vietnamese_without_a_request() -> None:
    html = render_to_string("500.html")
    assert "Lỗi hệ thống" in html
    assert "Server Error" not in html
