"""A full reporting cycle and its rules: open → report → return → correct → approve → progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.ledger.models import Entry
from tinhso.org.models import Notification
from tinhso.programme import services
from tinhso.programme.access import access_target, access_task, programme_scope, programmes_visible
from tinhso.programme.models import Reminder, ReportState, TargetReport, TaskReport
from tinhso.programme.selectors import MET, NO_DATA, NOT_MET, programme_progress, programme_trend
from tinhso.programme.tasks import remind_round

from .conftest import evidence_pdf
from .factories import TaskReportFactory

pytestmark = pytest.mark.django_db


def _scope(scheme: dict[str, Any], who: str) -> Any:
    return programme_scope(scheme[who], scheme["programme"])


def _open(scheme: dict[str, Any], period: str = "2025-H1") -> Any:
    return services.round_open(
        actor=scheme["dx"], scope=_scope(scheme, "dx"), programme=scheme["programme"], period=period
    )


def test_round_defaults_follow_the_schemes_deadlines(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    assert (round_.period_start, round_.cutoff_date, round_.due_date) == (
        dt.date(2024, 12, 15),
        dt.date(2025, 6, 14),
        dt.date(2025, 6, 30),
    )
    assert TaskReport.objects.filter(round=round_).count() == 2
    assert TargetReport.objects.filter(round=round_).count() == 2
    h2 = _open(scheme, "2025-H2")
    assert h2.due_date == dt.date(2025, 12, 15)


def test_only_the_dx_office_of_the_province_opens_rounds(scheme: dict[str, Any]) -> None:
    for who in ("focal_dost", "leader", "dx_thanh_hoa"):
        with pytest.raises(NotAllowed):
            services.round_open(
                actor=scheme[who], scope=_scope(scheme, who), programme=scheme["programme"], period="2025-H1"
            )
    with pytest.raises(DomainError, match="không hợp lệ"):
        services.round_open(
            actor=scheme["dx"], scope=_scope(scheme, "dx"), programme=scheme["programme"], period="giua-nam"
        )
    _open(scheme)
    with pytest.raises(Conflict, match="đã được mở"):
        _open(scheme)


def test_full_cycle_with_a_returned_report(scheme: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    round_ = _open(scheme)
    dx, dost, finance = (_scope(scheme, who) for who in ("dx", "focal_dost", "focal_finance"))
    platform_report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    finance_report = TaskReport.objects.get(round=round_, task=scheme["finance_task"])
    online_report = TargetReport.objects.get(round=round_, target=scheme["online"])
    share_report = TargetReport.objects.get(round=round_, target=scheme["economy_share"])

    services.task_report_save(
        actor=scheme["focal_dost"],
        scope=dost,
        report=platform_report,
        status="done",
        percent_done=100,
        narrative="Đã vận hành LGSP",
        links=["https://hungyen.gov.vn/lgsp"],
    )
    services.evidence_add(
        actor=scheme["focal_dost"],
        scope=dost,
        report=platform_report,
        upload=SimpleUploadedFile("bien-ban.pdf", evidence_pdf(), "application/pdf"),
    )
    services.report_submit(actor=scheme["focal_dost"], scope=dost, report=platform_report)
    services.target_report_save(
        actor=scheme["focal_dost"],
        scope=dost,
        report=online_report,
        value=None,
        level_values={"province": "92", "commune": "58,5"},
        as_of=dt.date(2025, 6, 14),
        source="Cổng DVC tỉnh",
    )
    services.report_submit(actor=scheme["focal_dost"], scope=dost, report=online_report)
    services.task_report_save(
        actor=scheme["focal_finance"], scope=finance, report=finance_report, status="in_progress", percent_done=70
    )
    services.report_submit(actor=scheme["focal_finance"], scope=finance, report=finance_report)
    services.target_report_save(
        actor=scheme["focal_finance"], scope=finance, report=share_report, value="18", as_of=dt.date(2025, 6, 14)
    )
    services.report_submit(actor=scheme["focal_finance"], scope=finance, report=share_report)

    # The DX office returns one report; the agency corrects it and resubmits.
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(actor=scheme["dx"], scope=dx, report=share_report, comment="Thiếu nguồn số liệu")
    share_report.refresh_from_db()
    assert share_report.state == ReportState.RETURNED
    assert [m.to for m in mail.outbox] == [["tc@hungyen.gov.vn"]]
    services.target_report_save(
        actor=scheme["focal_finance"],
        scope=finance,
        report=share_report,
        value="21.5",
        as_of=dt.date(2025, 6, 14),
        source="Cục Thống kê",
    )
    services.report_submit(actor=scheme["focal_finance"], scope=finance, report=share_report)
    for report in (platform_report, online_report, finance_report, share_report):
        services.report_approve(actor=scheme["dx"], scope=dx, report=report)

    progress = programme_progress(programme=scheme["programme"], round_=round_)
    # online: commune 58.5 < 60 → not met; economy share 21.5 > 20 → met.
    assert {row.target.code: row.outcome for row in progress.target_rows} == {"MT1": NOT_MET, "MT2": MET}
    assert {row.task.code: row.outcome for row in progress.task_rows} == {"CQS1": "done", "KTS1": "in_progress"}
    assert progress.sentence() == "1/2 mục tiêu hoàn thành, 1/2 nhiệm vụ hoàn thành"
    assert progress.by_pillar["digital_economy"].as_dict()["targets"] == {MET: 1}
    assert progress.budget_by_phase == {"2021-2025": Decimal("17500.500")}
    assert (progress.expected_reports, progress.received_reports, progress.on_time_reports) == (4, 4, 0)
    assert [point.period for point in programme_trend(programme=scheme["programme"])] == ["2025-H1"]
    actions = set(Entry.objects.values_list("action", flat=True))
    assert {
        "programme.round.open",
        "programme.target_report.return",
        "programme.task_report.approve",
        "programme.evidence.add",
    } <= actions


def test_no_approved_report_means_no_data(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    progress = programme_progress(programme=scheme["programme"], round_=round_)
    assert progress.overall.targets == {NO_DATA: 2}
    assert progress.sentence() == "0/2 mục tiêu hoàn thành, 0/2 nhiệm vụ hoàn thành"


def test_an_agency_cannot_read_or_report_another_agencys_task(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    health = _scope(scheme, "focal_health")
    for task in (scheme["platform"], scheme["finance_task"]):
        with pytest.raises(NotFound):
            access_task(scheme["focal_health"], task.pk)
    with pytest.raises(NotFound):
        access_target(scheme["focal_health"], scheme["online"].pk)
    assert scheme["programme"] not in programmes_visible(scheme["focal_health"])
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    with pytest.raises(NotAllowed):
        services.task_report_save(
            actor=scheme["focal_health"], scope=health, report=report, status="done", percent_done=100
        )
    report.refresh_from_db()
    assert (report.state, report.status) == (ReportState.DRAFT, "not_started")


def test_a_partner_reads_and_comments_but_does_not_report(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    finance = _scope(scheme, "focal_finance")
    task, _ = access_task(scheme["focal_finance"], scheme["platform"].pk)  # partner on CQS1
    comment = services.comment_add(actor=scheme["focal_finance"], scope=finance, task=task, text="Đề nghị bổ sung")
    assert comment.agency.key == "hy.stc"
    report = TaskReport.objects.get(round=round_, task=task)
    with pytest.raises(NotAllowed, match="Chỉ đơn vị chủ trì"):
        services.report_submit(actor=scheme["focal_finance"], scope=finance, report=report)
    with pytest.raises(NotAllowed):
        services.comment_add(actor=scheme["focal_health"], scope=_scope(scheme, "focal_health"), task=task, text="x")


def test_leaders_read_everything_and_change_nothing(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    leader = _scope(scheme, "leader")
    assert leader.read_all
    assert not leader.manage
    access_task(scheme["leader"], scheme["finance_task"].pk)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    with pytest.raises(NotAllowed):
        services.report_approve(actor=scheme["leader"], scope=leader, report=report)


def test_state_rules_and_bad_values(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    dost, dx = _scope(scheme, "focal_dost"), _scope(scheme, "dx")
    report = TargetReport.objects.get(round=round_, target=scheme["online"])
    with pytest.raises(DomainError, match="nhập giá trị"):
        services.report_submit(actor=scheme["focal_dost"], scope=dost, report=report)
    for value, message in (("abc", "không phải là số"), ("-5", "không được âm"), ("NaN", "không phải là số")):
        with pytest.raises(DomainError, match=message):
            services.target_report_save(actor=scheme["focal_dost"], scope=dost, report=report, value=value, as_of=None)
    with pytest.raises(Conflict, match="Chỉ duyệt"):
        services.report_approve(actor=scheme["dx"], scope=dx, report=report)
    task_report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    with pytest.raises(DomainError, match="100%"):
        services.task_report_save(
            actor=scheme["focal_dost"], scope=dost, report=task_report, status="done", percent_done=80
        )
    with pytest.raises(DomainError, match="từ 0 đến 100"):
        services.task_report_save(
            actor=scheme["focal_dost"], scope=dost, report=task_report, status="in_progress", percent_done=140
        )
    with pytest.raises(DomainError, match="PDF, Word"):
        services.evidence_add(
            actor=scheme["focal_dost"],
            scope=dost,
            report=task_report,
            upload=SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/pdf"),
        )
    with pytest.raises(DomainError, match="lý do"):
        services.report_return(actor=scheme["dx"], scope=dx, report=task_report, comment="  ")


def test_a_report_on_a_closed_round_is_refused(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    services.round_close(actor=scheme["dx"], scope=_scope(scheme, "dx"), round_=round_)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    entries = Entry.objects.count()
    with pytest.raises(Conflict, match="đã đóng"):
        services.task_report_save(
            actor=scheme["focal_dost"],
            scope=_scope(scheme, "focal_dost"),
            report=report,
            status="done",
            percent_done=100,
        )
    assert Entry.objects.count() == entries


def test_reminders_before_the_due_date_then_escalation_once_a_day(
    scheme: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    round_ = _open(scheme)
    assert remind_round(round_.pk, dt.date(2025, 6, 10)) == 0  # 20 days left: no reminder
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails go once the reminders commit
        assert remind_round(round_.pk, dt.date(2025, 6, 23)) == 2  # 7 days before: both agencies
    assert sorted(m.to[0] for m in mail.outbox) == ["khcn@hungyen.gov.vn", "tc@hungyen.gov.vn"]
    assert Notification.objects.filter(kind="programme.reminder").count() == 2  # and in the platform
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_round(round_.pk, dt.date(2025, 6, 23)) == 0  # retried: nothing sent twice
    assert Notification.objects.filter(kind="programme.reminder").count() == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_round(round_.pk, dt.date(2025, 7, 2)) == 2  # overdue: escalation
    # One e-mail to each person told: the agency's focal point and leader, the DX office.
    escalation = [m for m in mail.outbox if "Đôn đốc" in m.subject and "Sở Tài chính" in m.subject]
    assert {"tc@hungyen.gov.vn", "cds@hungyen.gov.vn", "ld@hungyen.gov.vn"} <= {m.to[0] for m in escalation}
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert Reminder.objects.filter(round=round_, kind="overdue").count() == 2


def test_late_submission_is_flagged(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)  # due 30/6/2025, long past today
    report = TaskReportFactory.create(round=round_, task=scheme["platform"], reporter=scheme["focal_dost"])
    report.refresh_from_db()
    assert report.late is True
