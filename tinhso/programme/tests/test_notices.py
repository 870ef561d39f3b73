"""The programme's in-app notifications: a report returned or approved reaches the reporting
agency's focal points (and nobody else), in the transaction of the review."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from tinhso.org.models import Notification
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.models import TaskReport
from tinhso.programme.notices import REPORT_APPROVED, REPORT_RETURNED

pytestmark = pytest.mark.django_db


def _submitted(scheme: dict[str, Any]) -> TaskReport:
    dx = programme_scope(scheme["dx"], scheme["programme"])
    round_ = services.round_open(actor=scheme["dx"], scope=dx, programme=scheme["programme"], period="2025-H1")
    finance = programme_scope(scheme["focal_finance"], scheme["programme"])
    report = TaskReport.objects.get(round=round_, agency=scheme["focal_finance"].role_assignments.get().agency)
    services.task_report_save(
        actor=scheme["focal_finance"], scope=finance, report=report, status="in_progress", percent_done=50
    )
    services.report_submit(actor=scheme["focal_finance"], scope=finance, report=report)
    return TaskReport.objects.get(pk=report.pk)


def test_a_returned_report_reaches_the_focal_point_in_the_platform_and_by_mail(
    scheme: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    report = _submitted(scheme)
    dx = programme_scope(scheme["dx"], scheme["programme"])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(actor=scheme["dx"], scope=dx, report=report, comment="Thiếu số liệu")
    [row] = Notification.objects.filter(kind=REPORT_RETURNED)
    assert row.recipient_id == scheme["focal_finance"].pk
    assert row.verb == "Báo cáo kỳ 2025-H1 được trả lại để bổ sung"
    assert row.link == f"/de-an/{scheme['programme'].pk}/don-vi/"
    assert [m.to for m in mail.outbox] == [["tc@hungyen.gov.vn"]]


def test_an_approved_report_is_told_in_the_platform_only_by_default(
    scheme: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    report = _submitted(scheme)
    dx = programme_scope(scheme["dx"], scheme["programme"])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(actor=scheme["dx"], scope=dx, report=report)
    [row] = Notification.objects.filter(kind=REPORT_APPROVED)
    assert row.recipient_id == scheme["focal_finance"].pk
    assert row.verb == "Báo cáo kỳ 2025-H1 được duyệt"
    assert mail.outbox == []
