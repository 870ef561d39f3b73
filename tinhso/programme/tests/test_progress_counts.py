"""Issue 14, item 5: progress counts what was reported. A report on a parent task (its
sub-tasks led by another department) moves the totals, each task family is counted once, and
the overview, the task list, the API and the documents (Word, Excel) show the same figures."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tinhso.programme import documents, services
from tinhso.programme.access import programme_scope
from tinhso.programme.models import Budget, ReportingRound, Task, TaskReport
from tinhso.programme.selectors import NO_REPORT, programme_progress

pytestmark = pytest.mark.django_db


def _scope(scheme: dict[str, Any], who: str) -> Any:
    return programme_scope(scheme[who], scheme["programme"])


@pytest.fixture
def family(scheme: dict[str, Any], demo_agencies: dict[str, Any]) -> dict[str, Task]:
    """CQS2, led by the Department of Science and Technology, with two sub-tasks led by the
    Department of Finance; and a phase-2 appendix that reuses the code CQS1."""
    programme, government = scheme["programme"], scheme["platform"].pillar
    parent = Task.objects.create(
        programme=programme,
        pillar=government,
        code="CQS2",
        order=3,
        appendix="01",
        name="Hệ thống thông tin báo cáo của tỉnh",
        lead_agency=demo_agencies["hy.skhcn"],
        lead_agency_text="Sở TT&TT",
        timeline_start=2022,
        timeline_end=2025,
    )
    children = {
        code: Task.objects.create(
            programme=programme,
            pillar=government,
            code=code,
            parent=parent,
            kind="action",
            order=order,
            appendix="01",
            name=name,
            lead_agency=demo_agencies["hy.stc"],
            lead_agency_text="Sở Tài chính",
            timeline_start=2022,
            timeline_end=2025,
        )
        for code, order, name in (
            ("CQS2.1", 4, "Kết nối báo cáo ngân sách"),
            ("CQS2.2", 5, "Số hóa chế độ báo cáo tài chính"),
        )
    }
    # The scheme gives the parent's budget and its sub-tasks' for 2021-2025: counted once.
    Budget.objects.create(task=parent, phase="2021-2025", amount_million_vnd=Decimal(3000))
    Budget.objects.create(task=children["CQS2.1"], phase="2021-2025", amount_million_vnd=Decimal(1000))
    Budget.objects.create(task=children["CQS2.1"], phase="2026-2030", amount_million_vnd=Decimal(400))
    phase_two = Task.objects.create(
        programme=programme,
        pillar=government,
        code="CQS1",
        order=6,
        appendix="02",
        name="Nâng cấp nền tảng tích hợp, chia sẻ dữ liệu",
        lead_agency=demo_agencies["hy.skhcn"],
        timeline_start=2026,
        timeline_end=2030,
    )
    return {"parent": parent, **children, "phase_two": phase_two}


@pytest.fixture
def round_(scheme: dict[str, Any], family: dict[str, Task]) -> ReportingRound:
    return services.round_open(
        actor=scheme["dx"], scope=_scope(scheme, "dx"), programme=scheme["programme"], period="2025-H1"
    )


def _report(scheme: dict[str, Any], round_: ReportingRound, task: Task, who: str, status: str, percent: int) -> None:
    report = TaskReport.objects.get(round=round_, task=task)
    scope = _scope(scheme, who)
    services.task_report_save(actor=scheme[who], scope=scope, report=report, status=status, percent_done=percent)
    services.report_submit(actor=scheme[who], scope=scope, report=report)
    services.report_approve(actor=scheme["dx"], scope=_scope(scheme, "dx"), report=report)


def _figures(scheme: dict[str, Any], round_: ReportingRound) -> dict[str, Any]:
    """The task totals as each place shows them, for the DX office."""
    client = Client()
    client.force_login(scheme["dx"])
    programme = scheme["programme"]
    overview = client.get(reverse("programme:overview", args=[programme.pk]), {"ky": round_.period})
    tasks_page = client.get(reverse("programme:tasks", args=[programme.pk]))
    api = client.get(f"/api/programme/programmes/{programme.pk}/progress/", {"round": round_.pk}).json()
    docx = Document(io.BytesIO(documents.round_report_docx(round_)))
    workbook = load_workbook(io.BytesIO(documents.round_report_xlsx(round_)))
    summary = {row[0]: row[1] for row in workbook["Tổng hợp"].iter_rows(min_row=5, max_row=13, values_only=True)}
    overall = overview.context["progress"].overall
    body = "\n".join(paragraph.text for paragraph in docx.paragraphs)
    return {
        "overview": (overall.tasks.get("done", 0), overall.tasks_total),
        "task list": (tasks_page.context["tasks_done"], tasks_page.context["tasks_total"]),
        "api": (api["overall"]["tasks"].get("done", 0), api["overall"]["tasks_total"]),
        "xlsx": (summary["Nhiệm vụ hoàn thành"], summary["Tổng số nhiệm vụ"]),
        "docx": overview.context["sentence"] in body,
        "sentence": overview.context["sentence"],
        "task list text": tasks_page.content.decode(),
        "overview text": overview.content.decode(),
    }


def test_an_approved_report_on_a_parent_task_moves_every_total(
    scheme: dict[str, Any], family: dict[str, Task], round_: ReportingRound
) -> None:
    before = _figures(scheme, round_)
    # CQS1 (01), CQS1 (02), KTS1 and the CQS2 family: four units, the sub-tasks not counted again.
    assert {where: before[where] for where in ("overview", "task list", "api", "xlsx")} == dict.fromkeys(
        ("overview", "task list", "api", "xlsx"), (0, 4)
    )
    assert before["docx"]
    assert before["sentence"] == "0/2 mục tiêu hoàn thành, 0/4 nhiệm vụ hoàn thành"

    _report(scheme, round_, family["parent"], "focal_dost", "done", 100)

    after = _figures(scheme, round_)
    assert {where: after[where] for where in ("overview", "task list", "api", "xlsx")} == dict.fromkeys(
        ("overview", "task list", "api", "xlsx"), (1, 4)
    )
    assert after["docx"]
    assert after["sentence"] == "0/2 mục tiêu hoàn thành, 1/4 nhiệm vụ hoàn thành"
    assert "Tính vào tổng tiến độ: 1/4 nhiệm vụ hoàn thành." in after["task list text"]
    assert "Mỗi nhiệm vụ cùng các nhiệm vụ con được tính một lần" in after["overview text"]


def test_sub_tasks_roll_up_into_a_parent_without_its_own_report(
    scheme: dict[str, Any], family: dict[str, Task], round_: ReportingRound
) -> None:
    programme = scheme["programme"]

    def parent_row() -> Any:
        progress = programme_progress(programme=programme, round_=round_)
        return next(row for row in progress.task_rows if row.task == family["parent"]), progress

    row, progress = parent_row()
    assert (row.outcome, row.rolled_up, progress.overall.tasks_total) == (NO_REPORT, True, 4)

    _report(scheme, round_, family["CQS2.1"], "focal_finance", "done", 100)
    row, progress = parent_row()
    assert (row.outcome, row.rolled_up) == ("in_progress", True)
    assert dict(progress.overall.tasks) == {NO_REPORT: 3, "in_progress": 1}

    _report(scheme, round_, family["CQS2.2"], "focal_finance", "done", 100)
    row, progress = parent_row()
    assert (row.outcome, row.rolled_up) == ("done", True)
    assert dict(progress.overall.tasks) == {NO_REPORT: 3, "done": 1}
    # The family is counted under the parent's lead agency, once.
    assert progress.by_agency[scheme["platform"].lead_agency_id].tasks == {NO_REPORT: 2, "done": 1}
    assert {(r.task.code, r.task.appendix): (r.counted, r.depth) for r in progress.task_rows} == {
        ("CQS1", "01"): (True, 0),
        ("KTS1", "01"): (True, 0),
        ("CQS2", "01"): (True, 0),
        ("CQS2.1", "01"): (False, 1),
        ("CQS2.2", "01"): (False, 1),
        ("CQS1", "02"): (True, 0),
    }


def test_the_parents_own_report_wins_over_its_sub_tasks(
    scheme: dict[str, Any], family: dict[str, Task], round_: ReportingRound
) -> None:
    _report(scheme, round_, family["CQS2.1"], "focal_finance", "done", 100)
    _report(scheme, round_, family["CQS2.2"], "focal_finance", "done", 100)
    _report(scheme, round_, family["parent"], "focal_dost", "in_progress", 80)
    progress = programme_progress(programme=scheme["programme"], round_=round_)
    row = next(row for row in progress.task_rows if row.task == family["parent"])
    assert (row.outcome, row.rolled_up, row.report.percent_done) == ("in_progress", False, 80)
    assert progress.overall.tasks == {NO_REPORT: 3, "in_progress": 1}


def test_a_family_budget_is_counted_once(scheme: dict[str, Any], family: dict[str, Task]) -> None:
    progress = programme_progress(programme=scheme["programme"], round_=None)
    # 15 000 (CQS1) + 2 500,5 (KTS1) + 3 000 (CQS2's own figure, not its sub-task's 1 000 again);
    # 2026-2030: the parent gives none, so its sub-task's 400.
    assert progress.budget_by_phase == {"2021-2025": Decimal("20500.5"), "2026-2030": Decimal(400)}


def test_the_sub_tasks_lead_sees_them_as_its_own_units(
    scheme: dict[str, Any], family: dict[str, Task], round_: ReportingRound
) -> None:
    """The Department of Finance does not see CQS2: its sub-tasks count on their own for it."""
    _report(scheme, round_, family["CQS2.1"], "focal_finance", "done", 100)
    progress = programme_progress(programme=scheme["programme"], round_=round_, scope=_scope(scheme, "focal_finance"))
    assert {row.task.code: row.counted for row in progress.task_rows} == {
        "CQS1": True,  # a partner
        "KTS1": True,
        "CQS2.1": True,
        "CQS2.2": True,
    }
    assert progress.overall.tasks == {NO_REPORT: 3, "done": 1}


def test_the_appendix_tells_apart_two_tasks_with_one_code(
    scheme: dict[str, Any], family: dict[str, Task], round_: ReportingRound
) -> None:
    progress = programme_progress(programme=scheme["programme"], round_=round_)
    labels = [row.code_label for row in progress.task_rows]
    assert labels == ["CQS1 (Phụ lục 01)", "KTS1", "CQS2", "CQS2.1", "CQS2.2", "CQS1 (Phụ lục 02)"]

    client = Client()
    client.force_login(scheme["dx"])
    page = client.get(reverse("programme:tasks", args=[scheme["programme"].pk])).content.decode()
    assert (page.count("Phụ lục 01"), page.count("Phụ lục 02")) == (1, 1)
    assert "Nhiệm vụ con của CQS2" in page

    docx = Document(io.BytesIO(documents.round_report_docx(round_)))
    task_table = [[cell.text for cell in row.cells] for row in docx.tables[2].rows]
    assert [row[0] for row in task_table[1:]] == [
        "Chính quyền số",
        "CQS1 (Phụ lục 01)",
        "CQS2",
        "CQS2.1",
        "CQS2.2",
        "CQS1 (Phụ lục 02)",
        "Kinh tế số",
        "KTS1",
    ]
    sub_task = next(row for row in task_table if row[0] == "CQS2.1")
    assert sub_task[1] == "(Nhiệm vụ con của CQS2)\nKết nối báo cáo ngân sách"
    parent = next(row for row in task_table if row[0] == "CQS2")
    assert parent[3:] == ["Chưa báo cáo\n(tổng hợp từ nhiệm vụ con)", "—"]
    notes = [paragraph.text for paragraph in docx.paragraphs if paragraph.text.startswith("Ghi chú")]
    assert notes == [
        "Ghi chú: mỗi nhiệm vụ cùng các nhiệm vụ con của nó được tính một lần trong tổng số: tình trạng theo "
        "báo cáo đã duyệt của đơn vị chủ trì nhiệm vụ; nếu chưa có thì tổng hợp từ các nhiệm vụ con.",
        "Ghi chú: cơ quan, đơn vị được tổng hợp theo mục tiêu mình theo dõi và nhiệm vụ mình chủ trì; "
        "số liệu theo các báo cáo đã được phê duyệt. Nhiệm vụ có nhiệm vụ con được tính một lần, cho đơn vị "
        "chủ trì nhiệm vụ đó.",
    ]

    workbook = load_workbook(io.BytesIO(documents.round_report_xlsx(round_)))
    rows = list(workbook["Nhiệm vụ"].iter_rows(values_only=True))
    assert rows[0][10:] == ("Phụ lục", "Nhiệm vụ cha", "Tính vào tổng số", "Tình trạng theo")
    assert [(row[0], row[10], row[11], row[12]) for row in rows[1:]] == [
        ("CQS1", "01", None, "Có"),
        ("KTS1", "01", None, "Có"),
        ("CQS2", "01", None, "Có"),
        ("CQS2.1", "01", "CQS2", "Không (tính qua nhiệm vụ cha)"),
        ("CQS2.2", "01", "CQS2", "Không (tính qua nhiệm vụ cha)"),
        ("CQS1", "02", None, "Có"),
    ]


def test_the_api_task_list_says_which_rows_count(
    scheme: dict[str, Any], family: dict[str, Task], round_: ReportingRound
) -> None:
    _report(scheme, round_, family["CQS2.1"], "focal_finance", "in_progress", 40)
    client = Client()
    client.force_login(scheme["dx"])
    rows = client.get(f"/api/programme/programmes/{scheme['programme'].pk}/tasks/").json()
    assert [
        (row["task"]["code"], row["task"]["appendix"], row["outcome"], row["counted"], row["rolled_up"]) for row in rows
    ] == [
        ("CQS1", "01", NO_REPORT, True, False),
        ("KTS1", "01", NO_REPORT, True, False),
        ("CQS2", "01", "in_progress", True, True),
        ("CQS2.1", "01", "in_progress", False, False),
        ("CQS2.2", "01", NO_REPORT, False, False),
        ("CQS1", "02", NO_REPORT, True, False),
    ]
