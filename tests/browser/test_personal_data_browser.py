"""The dossier page in a real Chromium at phone width, as a read-only leader reads it (personal
data masked, nothing to download) and as the handler it is assigned to reads it (in full)."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.onestop.conftest import submit_online, to_review
from tinhso.org.models import Agency, Person
from tinhso.org.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_reads_masked_the_handler_in_full(
    page: Any, log_in: Any, svc: Any, make_person: Any, media: Any
) -> None:
    Person.objects.filter(pk=svc.citizen.pk).update(
        personal_id="033095001234", phone="0912345678", email="an.nguyen@example.vn"
    )
    svc.citizen.refresh_from_db()
    dossier = to_review(svc, submit_online(svc, "pd-browser"))
    make_person("lanhdao.tinh", Role.LEADER, Agency.objects.get(pk=svc.centre.ancestor_ids[0]))
    path = f"/mot-cua/ho-so/{dossier.pk}/"

    log_in("lanhdao.tinh", path)
    assert page.get_by_test_id("applicant-name").inner_text() == "N. V. An"
    assert page.get_by_test_id("applicant-personal-id").inner_text() == "********1234"
    assert page.get_by_test_id("applicant-phone").inner_text() == "******5678"
    assert page.get_by_test_id("applicant-email").inner_text() == "a***@example.vn"
    assert page.get_by_test_id("personal-masked").is_visible()
    body = page.locator("body").inner_text()
    for secret in ("Nguyễn Văn An", "033095001234", "0912345678", "an.nguyen@example.vn", "Xin việc"):
        assert secret not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    log_in("chuyenvien.stp", path)
    assert page.get_by_test_id("applicant-name").inner_text() == "Nguyễn Văn An"
    assert page.get_by_test_id("applicant-personal-id").inner_text() == "033095001234"
    assert page.get_by_role("link", name="0912345678").get_attribute("href") == "tel:0912345678"
    assert page.get_by_test_id("personal-masked").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
