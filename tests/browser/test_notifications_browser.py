"""In-app notifications in a real Chromium at phone width: a handler is assigned two dossiers,
sees the count under the bell, opens the list, marks one read then all, and the count drops."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.onestop.conftest import submit_online
from tinhso.onestop.dossiers import services as S
from tinhso.org.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assign(svc: Any, key: str) -> Any:
    dossier = S.dossier_receive(actor=svc.receiver, dossier=submit_online(svc, key=key))
    dossier = S.dossier_forward(actor=svc.receiver, dossier=dossier, to_agency=svc.stp)
    return S.dossier_assign(actor=svc.approver, dossier=dossier, assignee=svc.handler)


def _unread(page: Any) -> str:
    """The number under the bell (its hidden words "chưa đọc:" are for screen readers)."""
    return page.get_by_test_id("unread-count").inner_text().split()[-1]


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_assigned_handler_sees_the_count_opens_the_list_and_marks_read(page: Any, log_in: Any, svc: Any) -> None:
    first = _assign(svc, "k-1")
    second = _assign(svc, "k-2")

    log_in(svc.handler.username, "/mot-cua/")
    bell = page.get_by_test_id("notifications-bell")
    assert bell.is_visible()  # outside the collapsed menu: seen at phone width
    assert _unread(page) == "2"
    bell.click()
    page.wait_for_url("**/thong-bao/")
    items = page.get_by_test_id("notification")
    assert items.count() == 2
    assert items.first.get_by_role("link").inner_text() == f"Hồ sơ {second.code} – {svc.procedure.name}"  # newest first
    assert page.locator("[data-unread]").count() == 2
    _fits(page)

    # Mark the newest read: the list highlights one, the header counts one.
    items.first.get_by_test_id("read-one").click()
    page.wait_for_url("**/thong-bao/")
    assert _unread(page) == "1"
    assert page.locator("[data-unread]").count() == 1
    assert Notification.objects.filter(recipient=svc.handler, read_at__isnull=True).count() == 1

    # Mark all read: no count any more; the link still leads to the dossier.
    page.get_by_test_id("read-all").click()
    page.wait_for_url("**/thong-bao/")
    assert page.get_by_test_id("unread-count").count() == 0
    assert page.locator("[data-unread]").count() == 0
    _fits(page)
    page.get_by_role("link", name=f"Hồ sơ {first.code} – {svc.procedure.name}").click()
    page.wait_for_url(f"**/mot-cua/ho-so/{first.pk}/")

    # The choices of channels fit the phone too.
    page.goto("/thong-bao/tuy-chon/")
    page.get_by_test_id("preferences").wait_for()
    _fits(page)
