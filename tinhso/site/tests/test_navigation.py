"""The navigation bar offers each person the one-stop shop pages that are theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db


def _nav(client: Client) -> str:
    html = client.get("/").content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


def test_anonymous_visitors_get_the_public_lookup_only() -> None:
    nav = _nav(Client())
    assert "Tra cứu hồ sơ" in nav
    assert "Hồ sơ của tôi" not in nav
    assert "Một cửa" not in nav


def test_a_citizen_gets_their_dossiers_and_a_desk_officer_the_queues(
    demo_agencies: dict[str, Any],
    make_person: Any,
) -> None:
    citizen = Client()
    citizen.force_login(make_person("nav.congdan", Role.CITIZEN, None))
    assert "Hồ sơ của tôi" in _nav(citizen)
    assert "Một cửa" not in _nav(citizen)
    desk = Client()
    desk.force_login(make_person("nav.motcua", Role.RECEIVER, demo_agencies["hy.ttpvhcc"]))
    assert "Một cửa" in _nav(desk)
    assert "Hồ sơ của tôi" not in _nav(desk)
