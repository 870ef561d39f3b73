"""A commune's focal point imports its plan on a phone: form, preview as cards, "Nhập", plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tinhso.programme.models import Programme

from .test_import_page import PLAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_focal_point_imports_the_plan_on_a_phone(
    page: Any, log_in: Any, cascade: dict[str, Any], tmp_path: Any
) -> None:
    c = cascade
    path = reverse("programme:plan_import", args=[c["scheme"].pk])
    log_in(c["focal_tien_hai"].username, path)
    assert page.get_by_test_id("plan-import-owner").inner_text() == c["agencies"]["hy.ubndx.tien_hai"].name
    upload = tmp_path / "ke-hoach-2026.docx"
    upload.write_bytes(PLAN)
    page.get_by_label("Năm kế hoạch").select_option("2026")
    page.get_by_label("Tệp kế hoạch").set_input_files(str(upload))
    page.get_by_role("button", name="Xem trước").click()
    page.get_by_test_id("preview-tasks").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Nhập", exact=True).click()
    page.get_by_text("Đã nhập kế hoạch năm 2026").wait_for()
    plan = Programme.objects.get(parent=c["scheme"], owner=c["agencies"]["hy.ubndx.tien_hai"])
    assert page.url.endswith(reverse("programme:plan", args=[plan.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
