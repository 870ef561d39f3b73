"""The province report of a reporting round: a Word document in the layout of Decree
30/2020/NĐ-CP (Appendix I), the figures behind it as a workbook, and a PDF made from the Word
document by LibreOffice (the page, heading and PDF helpers are shared: ``tinhso.core.documents``).

Every figure comes from :func:`~tinhso.programme.selectors.programme_progress`, so the report
cannot disagree with the dashboard or the API. The Word document is an administrative document,
which is written in Vietnamese whatever language the person who asks for it uses: it is built
under ``translation.override("vi")``; its phrases still go through ``gettext`` so that the
catalogue knows them.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil  # noqa: F401  (docx_to_pdf looks LibreOffice up through it; tests patch documents.shutil)
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tinhso.core.documents import (
    DASH,
    SMALL_TABLE_PT,
    TEXT_WIDTH_MM,
    Column,
    DocumentConversionError,
    Issuer,
    add_data_row,
    add_group_row,
    body,
    cant_split,
    data_table,
    docx_to_pdf,
    keep_last_words,
    keep_together,
    new_document,
    no_borders,
    place_of,
    section_heading,
    set_widths,
    short_rule,
    table_caption,
    vn_date,
    vn_number,
    write,
    xlsx_cell,
)
from tinhso.core.documents import heading as document_heading
from tinhso.core.text import fold
from tinhso.org.models import AdministrativeUnit, Agency, AgencyKind

from .models import Comparator, Level, Milestone, PillarCode, Programme, ReportingRound, TaskStatus
from .selectors import (
    MET,
    NO_DATA,
    NO_REPORT,
    NOT_MET,
    ProgrammeProgress,
    Tally,
    TargetRow,
    TaskRow,
    milestones_in_force,
    programme_progress,
)

TARGET_OUTCOMES = (MET, NOT_MET, NO_DATA)
TASK_OUTCOMES = (
    TaskStatus.DONE,
    TaskStatus.IN_PROGRESS,
    TaskStatus.LATE,
    TaskStatus.NOT_STARTED,
    TaskStatus.DROPPED,
    NO_REPORT,
)
LEVEL_ORDER = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)


# --- words and numbers ------------------------------------------------------------------------


def target_outcome_label(outcome: str) -> str:
    return {MET: _("Đạt"), NOT_MET: _("Chưa đạt"), NO_DATA: _("Chưa có số liệu")}[outcome]


def task_outcome_label(outcome: str) -> str:
    return _("Chưa báo cáo") if outcome == NO_REPORT else str(TaskStatus(outcome).label)


def pillar_label(code: str) -> str:
    return str(PillarCode(code).label)


def with_unit(number: str, unit: str) -> str:
    return f"{number}{unit}" if unit in ("", "%") else f"{number} {unit}"


def period_label(period: str) -> str:
    """ "2025-H1" → "6 tháng đầu năm 2025"; an unusual code is shown as it is."""
    year, _sep, half = period.partition("-")
    if not year.isdigit():
        return period
    labels = {"H1": _("6 tháng đầu năm %(year)s"), "H2": _("6 tháng cuối năm %(year)s"), "": _("năm %(year)s")}
    return labels[half] % {"year": year} if half in labels else period


def report_summary(programme: Programme, round_: ReportingRound) -> str:
    return _("Kết quả thực hiện %(title)s kỳ %(period)s") % {
        "title": programme.title,
        "period": period_label(round_.period),
    }


def milestone_text(milestone: Milestone, target_unit: str) -> str:
    if milestone.value is None:
        return milestone.text or DASH
    value = with_unit(vn_number(milestone.value), milestone.unit or target_unit)
    qualifiers = [str(Level(milestone.level).label)] if milestone.level else []
    qualifiers.append(str(milestone.year))
    return f"{Comparator(milestone.comparator).label} {value} ({', '.join(qualifiers)})"


def milestone_lines(row: TargetRow, year: int) -> list[str]:
    """The milestones the round is judged against, province level first (the database orders
    levels alphabetically, which would put "cấp xã" before "cấp tỉnh")."""
    rank: dict[str, int] = {"": 0, **{level: index for index, level in enumerate(LEVEL_ORDER, start=1)}}
    milestones = sorted(milestones_in_force(row.target, year), key=lambda m: (m.year, rank.get(m.level, 9)))
    return [milestone_text(m, row.target.unit) for m in milestones] or [DASH]


def reported_lines(row: TargetRow) -> list[str]:
    """The approved value, and each level's value when the target is split by level."""
    report = row.report
    if report is None:
        return [DASH]
    lines = []
    if report.value is not None:
        lines.append(with_unit(vn_number(report.value), row.target.unit))
    for level in LEVEL_ORDER:
        raw = report.level_values.get(level)
        if raw is not None:
            lines.append(f"{with_unit(vn_number(raw), row.target.unit)} ({Level(level).label})")
    return lines or [DASH]


def agency_label(agency: Agency | None, text: str) -> str:
    return agency.name if agency else (text or DASH)


def pillar_order(programme: Programme, codes: Iterable[str]) -> list[str]:
    """The programme's pillars in their order, then any other code met (items without a pillar
    are counted under "Nền tảng")."""
    present = set(codes)
    ordered = [pillar.code for pillar in programme.pillars.order_by("order")]
    rest = [code for code in PillarCode.values if code in present and code not in ordered]
    return [code for code in ordered if code in present] + rest


def agencies_by_name(progress: ProgrammeProgress) -> list[int]:
    return sorted(progress.by_agency, key=lambda pk: fold(progress.agency_names.get(pk, "")))


def row_pillar(code: str | None) -> str:
    return code or PillarCode.FOUNDATION


def percent(part: int, whole: int) -> str:
    return f"{vn_number(round(Decimal(part) * 100 / whole, 1))}%" if whole else DASH


def place_name(unit: AdministrativeUnit) -> str:
    """ "Tỉnh Hưng Yên" → "Hưng Yên": Decree 30 writes the province's proper name only."""
    return place_of(unit.province.name)


def issuer_of(programme: Programme) -> Issuer:
    owner = programme.owner
    collective = owner.kind == AgencyKind.PEOPLES_COMMITTEE
    parent = owner.parent.name if owner.parent is not None and not collective else ""
    return Issuer(parent_name=parent, name=owner.name, place=place_name(owner.unit), collective=collective)


# --- Word: the parts of the report -------------------------------------------------------------


def heading(document: DocxDocument, issuer: Issuer, number: str, issued_on: dt.date) -> None:
    """Decree 30's heading with the report's number line; the number may stay blank until the
    clerk numbers the document ("Số:      /BC-UBND")."""
    number_text = number.strip() or " " * 5
    document_heading(document, issuer, _("Số: %(number)s/BC-UBND") % {"number": number_text}, issued_on)


def title_block(document: DocxDocument, programme: Programme, round_: ReportingRound) -> None:
    write(document, _("Báo cáo"), size=14, bold=True, caps=True, before=24)
    write(document, keep_last_words(report_summary(programme, round_)), size=14, bold=True)
    short_rule(document, TEXT_WIDTH_MM, 40)
    write(document, after=6)


def introduction(document: DocxDocument, progress: ProgrammeProgress, issuer: Issuer) -> None:
    programme, round_ = progress.programme, progress.round
    assert round_ is not None
    basis = programme.title
    if programme.decision_number:
        basis += " " + _("ban hành kèm theo Quyết định số %(number)s") % {"number": programme.decision_number}
        if programme.decision_date:
            basis += " " + _("ngày %(date)s") % {"date": vn_date(programme.decision_date)}
        if programme.issuer:
            basis += " " + _("của %(issuer)s") % {"issuer": programme.issuer}
    if programme.owner.unit.province.pk != programme.province_id:
        basis += _(" (sau sắp xếp đơn vị hành chính, %(owner)s tiếp tục tổ chức thực hiện)") % {
            "owner": programme.owner.name
        }
    body(document, _("Thực hiện %(basis)s;") % {"basis": basis})
    body(
        document,
        _(
            "%(owner)s báo cáo kết quả thực hiện kỳ %(period)s (từ ngày %(start)s đến ngày %(end)s; "
            "số liệu tính đến ngày %(cutoff)s) như sau:"
        )
        % {
            "owner": issuer.name,
            "period": period_label(round_.period),
            "start": vn_date(round_.period_start),
            "end": vn_date(round_.period_end),
            "cutoff": vn_date(round_.cutoff_date),
        },
    )


def overview(document: DocxDocument, progress: ProgrammeProgress) -> None:
    section_heading(document, _("I. KẾT QUẢ CHUNG"))
    body(document, _("1. Tổng hợp từ các báo cáo đã được phê duyệt: %(sentence)s.") % {"sentence": progress.sentence()})
    expected, received, on_time = progress.expected_reports, progress.received_reports, progress.on_time_reports
    if expected:
        text = _(
            "2. Về việc báo cáo của các cơ quan, đơn vị: đã gửi %(received)s/%(expected)s báo cáo được giao "
            "(%(share)s), trong đó %(on_time)s báo cáo đúng hạn, %(late)s báo cáo gửi sau hạn; "
            "%(missing)s báo cáo chưa gửi."
        ) % {
            "received": received,
            "expected": expected,
            "share": percent(received, expected),
            "on_time": on_time,
            "late": received - on_time,
            "missing": expected - received,
        }
    else:
        text = _("2. Kỳ báo cáo này chưa giao báo cáo nào cho các cơ quan, đơn vị.")
    body(document, text)


def targets_section(document: DocxDocument, progress: ProgrammeProgress, year: int) -> None:
    section_heading(document, _("II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU"))
    table_caption(document, _("Bảng 1. Kết quả thực hiện các mục tiêu, chỉ tiêu"))
    center = WD_ALIGN_PARAGRAPH.CENTER
    columns = (
        Column(_("Mã"), 13, center),
        Column(_("Mục tiêu, chỉ tiêu"), 55),
        Column(_("Mốc phải đạt"), 44),
        Column(_("Giá trị báo cáo"), 32),
        Column(_("Kết quả"), 21, center),
    )
    table = data_table(document, columns)
    for row in progress.target_rows:
        add_data_row(
            table,
            columns,
            (
                row.target.code,
                row.target.text,
                milestone_lines(row, year),
                reported_lines(row),
                target_outcome_label(row.outcome),
            ),
        )
    if not progress.target_rows:
        add_group_row(table, columns, _("Không có mục tiêu, chỉ tiêu."))


def tasks_section(document: DocxDocument, progress: ProgrammeProgress) -> None:
    section_heading(document, _("III. TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ"))
    table_caption(document, _("Bảng 2. Tiến độ thực hiện nhiệm vụ theo trụ cột"))
    center = WD_ALIGN_PARAGRAPH.CENTER
    columns = (
        Column(_("Mã"), 17, center),
        Column(_("Nhiệm vụ"), 64),
        Column(_("Đơn vị chủ trì"), 40),
        Column(_("Tình trạng"), 26, center),
        Column(_("% hoàn thành"), 18, center),
    )
    table = data_table(document, columns)
    groups: dict[str, list[TaskRow]] = {}
    for row in progress.task_rows:
        groups.setdefault(row_pillar(row.task.pillar.code if row.task.pillar else None), []).append(row)
    for code in pillar_order(progress.programme, groups):
        add_group_row(table, columns, pillar_label(code))
        for row in groups[code]:
            done = f"{row.report.percent_done}%" if row.report is not None and not row.rolled_up else DASH
            add_data_row(
                table,
                columns,
                (
                    row.code_label,
                    task_name_lines(row),
                    agency_label(row.task.lead_agency, row.task.lead_agency_text),
                    task_status_lines(row),
                    done,
                ),
            )
    if not progress.task_rows:
        add_group_row(table, columns, _("Không có nhiệm vụ."))
    if any(not row.counted for row in progress.task_rows):
        write(document, size=SMALL_TABLE_PT)
        body(document, task_count_note(), italic=True)


def task_count_note() -> str:
    return _(
        "Ghi chú: mỗi nhiệm vụ cùng các nhiệm vụ con của nó được tính một lần trong tổng số: tình trạng theo "
        "báo cáo đã duyệt của đơn vị chủ trì nhiệm vụ; nếu chưa có thì tổng hợp từ các nhiệm vụ con."
    )


def task_name_lines(row: TaskRow) -> list[str]:
    """A sub-task says whose part it is: it is counted through that task."""
    if row.counted or row.task.parent is None:
        return [row.task.name]
    return [_("(Nhiệm vụ con của %(parent)s)") % {"parent": row.task.parent.code}, row.task.name]


def task_status_lines(row: TaskRow) -> list[str]:
    label = task_outcome_label(row.outcome)
    return [label, _("(tổng hợp từ nhiệm vụ con)")] if row.rolled_up else [label]


def task_columns_shown(progress: ProgrammeProgress) -> list[str]:
    """The task statuses after "Hoàn thành"; "Dừng thực hiện" only when some task was dropped,
    to keep the table within an A4 page."""
    return [
        outcome
        for outcome in TASK_OUTCOMES[1:]
        if outcome != TaskStatus.DROPPED or progress.overall.tasks.get(outcome, 0)
    ]


def tally_cells(tally: Tally, task_outcomes: Sequence[str]) -> list[str]:
    """ "met/total", the other target outcomes, "done/total", the other task outcomes."""
    return (
        [f"{tally.targets.get(MET, 0)}/{tally.targets_total}"]
        + [str(tally.targets.get(o, 0)) for o in TARGET_OUTCOMES[1:]]
        + [f"{tally.tasks.get(TaskStatus.DONE, 0)}/{tally.tasks_total}"]
        + [str(tally.tasks.get(o, 0)) for o in task_outcomes]
    )


def tally_table(
    document: DocxDocument, progress: ProgrammeProgress, first_title: str, rows: Sequence[tuple[str, Tally]]
) -> Table:
    """Targets and tasks by outcome for each pillar or agency, with the programme's total."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    task_outcomes = task_columns_shown(progress)
    count_columns = len(TARGET_OUTCOMES) + 1 + len(task_outcomes)
    number_width = 15.5
    columns = [
        Column(first_title, TEXT_WIDTH_MM - number_width * count_columns),
        Column(_("Đạt / tổng số"), number_width, center),
    ]
    columns += [Column(target_outcome_label(o), number_width, center) for o in TARGET_OUTCOMES[1:]]
    columns += [Column(_("Hoàn thành / tổng số"), number_width, center)]
    columns += [Column(task_outcome_label(o), number_width, center) for o in task_outcomes]
    groups = [("", 1), (_("Mục tiêu, chỉ tiêu"), len(TARGET_OUTCOMES)), (_("Nhiệm vụ"), 1 + len(task_outcomes))]
    table = data_table(document, columns, size=SMALL_TABLE_PT, groups=groups)
    for title, tally in rows:
        add_data_row(table, columns, [title, *tally_cells(tally, task_outcomes)], size=SMALL_TABLE_PT)
    add_data_row(
        table, columns, [_("Cộng"), *tally_cells(progress.overall, task_outcomes)], size=SMALL_TABLE_PT, bold=True
    )
    return table


def tallies_section(document: DocxDocument, progress: ProgrammeProgress) -> None:
    section_heading(document, _("IV. TỔNG HỢP THEO TRỤ CỘT VÀ THEO CƠ QUAN, ĐƠN VỊ"))
    table_caption(document, _("Bảng 3. Tổng hợp theo trụ cột"))
    pillars = pillar_order(progress.programme, progress.by_pillar)
    keep_together(
        tally_table(
            document, progress, _("Trụ cột"), [(pillar_label(code), progress.by_pillar[code]) for code in pillars]
        )
    )
    table_caption(document, _("Bảng 4. Tổng hợp theo cơ quan, đơn vị chủ trì, theo dõi"))
    agencies = [(progress.agency_names.get(pk, DASH), progress.by_agency[pk]) for pk in agencies_by_name(progress)]
    tally_table(document, progress, _("Cơ quan, đơn vị"), agencies)
    write(document, size=SMALL_TABLE_PT)
    note = _(
        "Ghi chú: cơ quan, đơn vị được tổng hợp theo mục tiêu mình theo dõi và nhiệm vụ mình chủ trì; "
        "số liệu theo các báo cáo đã được phê duyệt."
    )
    if any(not row.counted for row in progress.task_rows):
        note += " " + _("Nhiệm vụ có nhiệm vụ con được tính một lần, cho đơn vị chủ trì nhiệm vụ đó.")
    body(document, note, italic=True)


def budget_section(document: DocxDocument, progress: ProgrammeProgress) -> None:
    section_heading(document, _("V. KINH PHÍ THỰC HIỆN THEO KẾ HOẠCH"))
    table_caption(document, _("Bảng 5. Kinh phí dự kiến theo giai đoạn (triệu đồng)"))
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    columns = (Column(_("Giai đoạn"), 50, center), Column(_("Kinh phí (triệu đồng)"), 50, right))
    table = data_table(document, columns)
    for phase, amount in progress.budget_by_phase.items():
        add_data_row(table, columns, (phase or DASH, vn_number(amount)))
    add_data_row(
        table, columns, (_("Tổng cộng"), vn_number(sum(progress.budget_by_phase.values(), Decimal(0)))), bold=True
    )
    keep_together(table)


def closing(document: DocxDocument, progress: ProgrammeProgress, issuer: Issuer) -> None:
    assert progress.round is not None
    summary = report_summary(progress.programme, progress.round)
    closing_text = _("Trên đây là báo cáo %(summary)s của %(owner)s./.") % {
        "summary": summary[:1].lower() + summary[1:],
        "owner": issuer.name,
    }
    write(document, closing_text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=12.7, before=12, after=6)


def signature_block(
    document: DocxDocument, issuer: Issuer, signer_name: str, signer_title: str, recipients: Sequence[str]
) -> None:
    """Recipients bottom-left, the signer bottom-right, side by side as in the templates; the
    blank lines under the title are the room for the handwritten or digital signature and seal."""
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (75, TEXT_WIDTH_MM - 75))
    left, right = table.rows[0].cells
    cant_split(table.rows[0])
    write(
        left, _("Nơi nhận:"), size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, reuse_first=True, before=6
    )
    for line in recipient_lines(recipients):
        write(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = True
    if issuer.collective:
        write(right, _("TM. ỦY BAN NHÂN DÂN"), size=14, bold=True, reuse_first=True, before=6)
        first = False
    if signer_title.strip():
        write(right, signer_title.strip(), size=14, bold=True, caps=True, reuse_first=first, before=6 if first else 0)
        first = False
    for _index in range(4):
        write(right, size=14, reuse_first=first)
        first = False
    write(right, signer_name.strip(), size=14, bold=True)


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """ "- Name;" each, the last ending with "." and the archive line added as Decree 30's
    templates end the list ("- Lưu: VT.") unless the caller wrote one."""
    names = [name.strip().lstrip("-").strip().rstrip(";.") for name in recipients if name.strip()]
    if not any(fold(name).startswith("luu") for name in names):
        names.append(_("Lưu: VT"))
    return [f"- {name}{'.' if index == len(names) - 1 else ';'}" for index, name in enumerate(names)]


# --- public API ----------------------------------------------------------------------------------


def round_progress(round_: ReportingRound) -> ProgrammeProgress:
    return programme_progress(programme=round_.programme, round_=round_)


def round_report_docx(
    round_: ReportingRound,
    *,
    number: str = "",
    signer_name: str = "",
    signer_title: str = "",
    recipients: Sequence[str] = (),
    issued_on: dt.date | None = None,
) -> bytes:
    """The province's BÁO CÁO on ``round_`` as a .docx, ready to be numbered, signed and sent.

    ``issued_on`` (default: today) is the date on the place-date line; ``number`` may stay blank
    until the clerk numbers the document ("Số:      /BC-UBND").
    """
    progress = round_progress(round_)
    programme = progress.programme
    with translation.override("vi"):
        issuer = issuer_of(programme)
        document = new_document()
        heading(document, issuer, number, issued_on or timezone.localdate())
        title_block(document, programme, round_)
        introduction(document, progress, issuer)
        overview(document, progress)
        targets_section(document, progress, round_.period_end.year)
        tasks_section(document, progress)
        tallies_section(document, progress)
        budget_section(document, progress)
        closing(document, progress, issuer)
        signature_block(document, issuer, signer_name, signer_title, recipients)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Excel -------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, horizontal="center", vertical="center")
DATE_FORMAT = "dd/mm/yyyy"


def decimal_format(value: Decimal) -> str:
    """Whole amounts without a decimal point, others with the digits they have (Excel shows
    the separators of the reader's locale: "17.500,5" in a Vietnamese Excel)."""
    return "#,##0" if value == value.to_integral_value() else "#,##0.0##"


def write_header(sheet: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = xlsx_cell(sheet, row, column, title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT


def set_column_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def write_rows(sheet: Worksheet, first_row: int, rows: Iterable[Sequence[object]]) -> int:
    """Writes ``rows`` from ``first_row``; returns the next free row."""
    row_number = first_row
    for values in rows:
        for column, value in enumerate(values, start=1):
            cell = xlsx_cell(sheet, row_number, column, value)
            cell.alignment = WRAP_TOP
            if isinstance(value, Decimal):
                cell.number_format = decimal_format(value)
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
        row_number += 1
    return row_number


def tally_titles(first: str) -> list[str]:
    return (
        [first, _("Tổng số mục tiêu")]
        + [target_outcome_label(o) for o in TARGET_OUTCOMES]
        + [_("Tổng số nhiệm vụ")]
        + [task_outcome_label(o) for o in TASK_OUTCOMES]
    )


def tally_values(name: str, tally: Tally) -> list[object]:
    return (
        [name, tally.targets_total]
        + [tally.targets.get(o, 0) for o in TARGET_OUTCOMES]
        + [tally.tasks_total]
        + [tally.tasks.get(o, 0) for o in TASK_OUTCOMES]
    )


def summary_sheet(sheet: Worksheet, progress: ProgrammeProgress) -> None:
    """Three blocks under a title: the headline figures, by pillar, by agency, each with its
    own header row; the title and the first header stay frozen."""
    round_ = progress.round
    assert round_ is not None
    sheet.title = _("Tổng hợp")
    xlsx_cell(sheet, 1, 1, report_summary(progress.programme, round_)).font = Font(bold=True, size=13)
    xlsx_cell(
        sheet,
        2,
        1,
        _("Số liệu tính đến ngày %(cutoff)s; %(sentence)s")
        % {"cutoff": vn_date(round_.cutoff_date), "sentence": progress.sentence()},
    )
    write_header(sheet, 4, (_("Chỉ số"), _("Giá trị")))
    sheet.freeze_panes = "A5"
    overall = progress.overall
    figures: list[tuple[str, object]] = [
        (_("Kỳ báo cáo"), round_.period),
        (_("Mục tiêu hoàn thành"), overall.targets.get(MET, 0)),
        (_("Tổng số mục tiêu"), overall.targets_total),
        (_("Nhiệm vụ hoàn thành"), overall.tasks.get(TaskStatus.DONE, 0)),
        (_("Tổng số nhiệm vụ"), overall.tasks_total),
        (_("Số báo cáo được giao"), progress.expected_reports),
        (_("Số báo cáo đã gửi"), progress.received_reports),
        (_("Số báo cáo đúng hạn"), progress.on_time_reports),
        (_("Tóm tắt"), progress.sentence()),
    ]
    row = write_rows(sheet, 5, figures) + 1
    xlsx_cell(sheet, row, 1, _("Theo trụ cột")).font = HEADER_FONT
    write_header(sheet, row + 1, tally_titles(_("Trụ cột")))
    pillars = pillar_order(progress.programme, progress.by_pillar)
    row = write_rows(sheet, row + 2, [tally_values(pillar_label(code), progress.by_pillar[code]) for code in pillars])
    row = write_rows(sheet, row, [tally_values(_("Cộng"), overall)]) + 1
    xlsx_cell(sheet, row, 1, _("Theo cơ quan, đơn vị")).font = HEADER_FONT
    write_header(sheet, row + 1, tally_titles(_("Cơ quan, đơn vị")))
    write_rows(
        sheet,
        row + 2,
        [
            tally_values(progress.agency_names.get(pk, DASH), progress.by_agency[pk])
            for pk in agencies_by_name(progress)
        ],
    )
    set_column_widths(sheet, [44] + [13] * (len(tally_titles("")) - 1))


def capitalised(text: object) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def level_value(row: TargetRow, level: str) -> Decimal | None:
    raw = row.report.level_values.get(level) if row.report is not None else None
    return Decimal(str(raw)) if raw is not None else None


def targets_sheet(sheet: Worksheet, progress: ProgrammeProgress, year: int) -> None:
    sheet.title = _("Chỉ tiêu")
    titles = (
        [
            _("Mã"),
            _("Mục tiêu, chỉ tiêu"),
            _("Trụ cột"),
            _("Cơ quan theo dõi"),
            _("Đơn vị tính"),
            _("Mốc phải đạt"),
            _("Giá trị đạt được"),
        ]
        + [capitalised(Level(level).label) for level in LEVEL_ORDER]
        + [_("Kết quả"), _("Số liệu tính đến ngày"), _("Nguồn số liệu")]
    )
    write_header(sheet, 1, titles)
    rows = []
    for row in progress.target_rows:
        target, report = row.target, row.report
        rows.append(
            [
                target.code,
                target.text,
                pillar_label(row_pillar(target.pillar.code if target.pillar else None)),
                agency_label(target.tracking_agency, target.tracking_agency_text),
                target.unit,
                "; ".join(milestone_lines(row, year)),
                report.value if report is not None else None,
                *(level_value(row, level) for level in LEVEL_ORDER),
                target_outcome_label(row.outcome),
                report.as_of if report is not None else None,
                report.source if report is not None else "",
            ]
        )
    write_rows(sheet, 2, rows)
    sheet.freeze_panes = "B2"
    set_column_widths(sheet, (9, 60, 16, 32, 10, 34, 14, 11, 11, 11, 16, 14, 28))


def tasks_sheet(sheet: Worksheet, progress: ProgrammeProgress) -> None:
    sheet.title = _("Nhiệm vụ")
    write_header(
        sheet,
        1,
        (
            _("Mã"),
            _("Nhiệm vụ"),
            _("Trụ cột"),
            _("Đơn vị chủ trì"),
            _("Bắt đầu"),
            _("Kết thúc"),
            _("Tình trạng"),
            _("% hoàn thành"),
            _("Gửi sau hạn"),
            _("Thuyết minh"),
            _("Phụ lục"),
            _("Nhiệm vụ cha"),
            _("Tính vào tổng số"),
            _("Tình trạng theo"),
        ),
    )
    rows = []
    for row in progress.task_rows:
        task, report = row.task, row.report
        rows.append(
            [
                task.code,
                task.name,
                pillar_label(row_pillar(task.pillar.code if task.pillar else None)),
                agency_label(task.lead_agency, task.lead_agency_text),
                task.timeline_start,
                task.timeline_end,
                task_outcome_label(row.outcome),
                report.percent_done if report is not None else None,
                (_("Có") if report.late else _("Không")) if report is not None else "",
                report.narrative if report is not None else "",
                task.appendix,
                task.parent.code if task.parent is not None else "",
                _("Có") if row.counted else _("Không (tính qua nhiệm vụ cha)"),
                status_basis(row),
            ]
        )
    write_rows(sheet, 2, rows)
    sheet.freeze_panes = "B2"
    set_column_widths(sheet, (10, 60, 16, 32, 10, 10, 18, 14, 12, 48, 9, 12, 14, 24))


def status_basis(row: TaskRow) -> str:
    if row.rolled_up:
        return _("Tổng hợp từ nhiệm vụ con")
    return _("Báo cáo của nhiệm vụ") if row.report is not None else ""


def budget_sheet(sheet: Worksheet, progress: ProgrammeProgress) -> None:
    sheet.title = _("Kinh phí")
    write_header(sheet, 1, (_("Giai đoạn"), _("Kinh phí (triệu đồng)")))
    total = sum(progress.budget_by_phase.values(), Decimal(0))
    next_row = write_rows(sheet, 2, list(progress.budget_by_phase.items()))
    write_rows(sheet, next_row, [(_("Tổng cộng"), total)])
    sheet.cell(row=next_row, column=1).font = HEADER_FONT
    sheet.freeze_panes = "A2"
    set_column_widths(sheet, (20, 24))


def round_report_xlsx(round_: ReportingRound) -> bytes:
    """The figures of the report, one sheet per table, numbers stored as numbers so that the
    DX office can sort, filter and chart them."""
    progress = round_progress(round_)
    workbook = Workbook()
    summary_sheet(workbook.active, progress)
    targets_sheet(workbook.create_sheet(), progress, round_.period_end.year)
    tasks_sheet(workbook.create_sheet(), progress)
    budget_sheet(workbook.create_sheet(), progress)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["DocumentConversionError", "docx_to_pdf", "round_report_docx", "round_report_xlsx"]
