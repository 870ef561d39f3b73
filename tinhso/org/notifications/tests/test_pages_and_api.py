"""The notifications' pages and API: one's own list, the header's count, marking read (POST),
the channel choices, and another person's notification answered as missing (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.onestop.notices.people import ASSIGNED, RESULT_READY
from tinhso.org import services as org_services
from tinhso.org.models import Notification, NotificationPreference, Person
from tinhso.org.notifications import services
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_person: Any, world: dict[str, Any]) -> Person:
    """A handler of the service centre who also files dossiers as a citizen (both kinds reach them)."""
    person = make_person("chuyenvien", Role.HANDLER, world["centre"], email="cv@example.vn")
    org_services.role_grant(actor=None, person=person, role=Role.CITIZEN, agency=None, valid_from=dt.date(2025, 1, 1))
    return person


@pytest.fixture
def other(make_person: Any) -> Person:
    return make_person("nguoikhac", email="nk@example.vn")


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _notify(person: Person, label: str) -> Notification:
    with transaction.atomic():
        made = services.notify(person, ASSIGNED, verb="Bạn được phân công thụ lý hồ sơ", object_label=label, link="/x/")
    assert made is not None
    return made


def test_the_list_shows_ones_own_newest_first_with_the_unread_count_in_the_header(
    officer: Person, other: Person
) -> None:
    first = _notify(officer, "Hồ sơ CU-1")
    _notify(officer, "Hồ sơ MOI-2")
    _notify(other, "Hồ sơ CUA-NGUOI-KHAC")
    services.notification_read(actor=officer, notification=first)
    response = _client(officer).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Hồ sơ MOI-2") < html.index("Hồ sơ CU-1")
    assert "CUA-NGUOI-KHAC" not in html
    assert html.count("data-unread") == 1
    assert 'data-testid="unread-count"><span class="visually-hidden">chưa đọc: </span>1</span>' in html


def test_mark_one_then_all_read_by_post(officer: Person) -> None:
    one = _notify(officer, "Hồ sơ A")
    _notify(officer, "Hồ sơ B")
    client = _client(officer)
    assert client.get(reverse("notifications:read", args=[one.pk])).status_code == 405
    response = client.post(reverse("notifications:read", args=[one.pk]), {"next": "/thong-bao/?trang=1"})
    assert response.status_code == 302
    assert response["Location"] == "/thong-bao/?trang=1"
    one.refresh_from_db()
    assert one.read_at is not None
    response = client.post(reverse("notifications:read_all"), {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("notifications:list")  # never off the site
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()


def test_post_without_csrf_is_refused(officer: Person) -> None:
    one = _notify(officer, "Hồ sơ A")
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(reverse("notifications:read", args=[one.pk])).status_code == 403
    one.refresh_from_db()
    assert one.read_at is None


def test_another_persons_notification_is_a_404_on_the_page_and_the_api(officer: Person, other: Person) -> None:
    theirs = _notify(other, "Hồ sơ B")
    entries = Entry.objects.count()
    client = _client(officer)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("org-api:notification-read", args=[theirs.pk]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy thông báo.", "code": "not_found"}
    missing = client.post(reverse("org-api:notification-read", args=[theirs.pk + 1000]))
    assert missing.json() == response.json()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert Entry.objects.count() == entries


def test_the_api_lists_and_marks_read(officer: Person, other: Person) -> None:
    one = _notify(officer, "Hồ sơ A")
    _notify(officer, "Hồ sơ B")
    _notify(other, "Hồ sơ C")
    client = _client(officer)
    body = client.get(reverse("org-api:notification-list")).json()
    assert (body["count"], body["unread"], body["page"], body["pages"]) == (2, 2, 1, 1)
    assert [row["object_label"] for row in body["results"]] == ["Hồ sơ B", "Hồ sơ A"]
    assert body["results"][0]["read_at"] is None
    read = client.post(reverse("org-api:notification-read", args=[one.pk]))
    assert read.status_code == 200
    assert read.json()["id"] == one.pk
    assert read.json()["read_at"] is not None
    assert client.post(reverse("org-api:notification-read-all")).json() == {"marked": 1}
    assert client.get(reverse("org-api:notification-list")).json()["unread"] == 0
    bad = client.get(reverse("org-api:notification-list"), {"page": "0"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "page"
    assert bad.json()["detail"]


def test_the_api_needs_a_login() -> None:
    response = Client().get(reverse("org-api:notification-list"))
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_preferences_page_shows_required_channels_disabled_and_saves_the_others(officer: Person) -> None:
    client = _client(officer)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert f'name="{RESULT_READY}:email"' in html
    required = html[html.index(f'name="{RESULT_READY}:email"') :].split(">", 1)[0]
    assert "disabled" in required
    assert "checked" in required
    assert "Nghị định 224/2026" in html
    # Untick the assigned e-mail, tick its SMS; the required one is not sent (disabled) and stays on.
    response = client.post(reverse("notifications:preferences"), {f"{ASSIGNED}:sms": "on"})
    assert response.status_code == 200
    assert 'data-testid="preferences-saved"' in response.content.decode()
    chosen = dict(
        NotificationPreference.objects.filter(person=officer, kind=ASSIGNED).values_list("channel", "enabled")
    )
    assert chosen == {"email": False, "sms": True}
    assert not NotificationPreference.objects.filter(person=officer, kind=RESULT_READY).exists()
