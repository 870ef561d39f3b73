"""A director delegates approval to their deputy on a phone: an end date forgotten is refused
with nothing written, then the delegation is made (KT.), listed, and revoked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tinhso.org.models import Delegation
from tinhso.org.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_director_delegates_approval_at_phone_width(
    page: Any, log_in: Any, demo_agencies: dict[str, Any], make_person: Any
) -> None:
    stp = demo_agencies["hy.stp"]
    make_person("giamdoc.stp", Role.APPROVER, stp, full_name="Trần Văn Giám", title="Giám đốc")
    deputy = make_person("phogiamdoc.stp", Role.HANDLER, stp, full_name="Lê Thị Phó", title="Phó Giám đốc")
    log_in("giamdoc.stp", "/")
    page.get_by_test_id("delegations-link").click()
    page.wait_for_url("**/co-quan/uy-quyen/")
    page.get_by_test_id("delegation-new").click()
    page.wait_for_url("**/co-quan/uy-quyen/tao/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Người được ủy quyền").select_option(label="Lê Thị Phó — Phó Giám đốc (KT.)")
    assert page.get_by_label("Lãnh đạo phê duyệt").is_checked()
    page.get_by_label("Đến hết ngày").evaluate("input => input.removeAttribute('required')")
    page.get_by_test_id("delegation-save").click()
    assert "ủy quyền phải có thời hạn" in page.get_by_test_id("delegation-error").inner_text()
    assert not Delegation.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    end = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Đến hết ngày").fill(end.strftime("%d/%m/%Y"))
    page.get_by_label("Lý do").fill("Đi công tác")
    page.get_by_test_id("delegation-save").click()
    page.wait_for_url("**/co-quan/uy-quyen/")
    given = page.get_by_test_id("delegations-given").inner_text()
    assert "Lê Thị Phó" in given
    assert "KT." in given
    assert "Đang hiệu lực" in given
    made = Delegation.objects.get()
    assert (made.delegate_id, made.kind, made.valid_to) == (deputy.pk, "KT", end)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_test_id("delegation-revoke").click()
    page.wait_for_url("**/co-quan/uy-quyen/")
    assert "Đã thu hồi" in page.get_by_test_id("delegations-given").inner_text()
    made.refresh_from_db()
    assert made.revoked_at is not None
