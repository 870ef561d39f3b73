"""The rows of a task table ("Danh mục nhiệm vụ", "Nhiệm vụ cụ thể"), from any input.

Once the header is known (:mod:`.headers`), rows are read as:

- a row with a code (or number) starts a task; a row without one continues the task above
  (a merged cell, or a cell broken over lines): its content items, partners and text are
  appended;
- a row with a Roman numeral or a single title ("I. CHÍNH QUYỀN SỐ") is a group: it sets the
  pillar of the tasks under it;
- the header repeated (a table continued on the next page) and column-number rows are skipped.

Word shows a vertically merged cell in every row it spans. A merged code cell means the task
goes on (it is not read twice); a merged lead agency applies to each task it spans; a merged
budget is one amount for several tasks, so it is counted once, for the first, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from tinhso.core.text import clean, fold

from .agencies import split_agencies
from .amounts import LARGEST, parse_amount, parse_timeline, tidy_decimal
from .headers import CODE, SUB_ITEM, TOTAL, Column, Header, Role, Row, column_numbers, group_title, mend_rows
from .report import Findings, Place
from .statements import infer_pillar, pillar_of_code
from .types import Budget, ParsedTask, Pillar, TaskKind


@dataclass(frozen=True)
class Context:
    """What the headings before a table say about it."""

    appendix: str | None = None
    phase: str | None = None
    title: str = ""
    scale: Decimal | None = None


@dataclass
class _Draft:
    code: str
    place: Place
    raw: list[str]
    pillar: Pillar | None
    name: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    lead: str = ""
    partners: list[str] = field(default_factory=list)
    timeline: list[str] = field(default_factory=list)
    budgets: dict[int, str] = field(default_factory=dict)
    funding: list[str] = field(default_factory=list)
    deliverable: list[str] = field(default_factory=list)
    note: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReadTask:
    """A task row as read; ``task`` is None when the row was rejected (its code still counts
    for duplicates: the second "2" is a duplicate even if the first "2" had a bad budget)."""

    code: str
    appendix: str | None
    task: ParsedTask | None
    place: Place
    raw: str


def read_task_rows(
    rows: Sequence[Row], header: Header, context: Context, findings: Findings, *, plan_phase: str | None = None
) -> list[ReadTask]:
    kind: TaskKind = "action" if ("hanh dong" in " ".join(header.titles) or "cu the" in fold(context.title)) else "task"
    code_col, number_col = header.first("code"), header.first("number")
    name_col = header.first("name") or header.first("content")
    content_col = header.first("content") if header.first("name") else None
    drafts: list[_Draft] = []
    group_pillar: Pillar | None = None
    for position, row in enumerate(mend_rows(rows, len(header.titles))):
        if header.same_as(row) or (position == 0 and column_numbers(row)):
            continue
        texts = [cell.text for cell in row.cells if cell.text and not cell.span_repeat]
        if not texts:
            continue
        code_cell = row.cell(code_col.index if code_col else None)
        number_cell = row.cell(number_col.index if number_col else None)
        key_cell = code_cell if code_cell.text else number_cell
        code_text = clean(key_cell.text)
        group = group_title(row, code_text, texts)
        if group is not None:
            group_pillar = infer_pillar(group) or group_pillar
            continue
        if TOTAL.match(fold(texts[0])) and not CODE.match(code_text):
            continue
        starts = bool(code_text) and not key_cell.merged_above
        if starts and SUB_ITEM.match(code_text):
            starts = False
        if starts and not CODE.match(code_text):
            findings.reject(
                row.place,
                _("mã nhiệm vụ “%(code)s” không hợp lệ") % {"code": code_text},
                row.raw(),
                source=_source(context, row.place),
            )
            continue
        if starts:
            code = (clean(code_cell.text) if code_cell.text else clean(number_cell.text)).rstrip(".")
            if code_col and not code_cell.text:
                findings.warn(row.place, _("không có mã nhiệm vụ, dùng số thứ tự “%(code)s”") % {"code": code})
            draft = _Draft(code=code, place=row.place, raw=[row.raw()], pillar=group_pillar)
            _fill(draft, row, header, name_col, content_col, new=True, findings=findings, previous=drafts)
            drafts.append(draft)
        elif drafts:
            draft = drafts[-1]
            draft.raw.append(row.raw())
            _fill(
                draft,
                row,
                header,
                name_col,
                content_col,
                new=False,
                findings=findings,
                previous=drafts,
                as_item=bool(code_text),
            )
        else:
            findings.reject(
                row.place,
                _("dòng không có mã nhiệm vụ và không tiếp nối nhiệm vụ nào"),
                row.raw(),
                source=_source(context, row.place),
            )
    read = [
        ReadTask(
            draft.code,
            context.appendix,
            _finish(draft, header, context, kind, findings, plan_phase),
            draft.place,
            "\n".join(draft.raw),
        )
        for draft in drafts
    ]
    table_scale = next((c.scale for c in header.all("budget") if c.scale not in (None, Decimal(1))), context.scale)
    if table_scale is not None and table_scale != 1 and any(item.task and item.task.budgets for item in read):
        findings.warn(None, _scale_warning(table_scale))
    return read


def _fill(
    draft: _Draft,
    row: Row,
    header: Header,
    name_col: Column | None,
    content_col: Column | None,
    *,
    new: bool,
    findings: Findings,
    previous: list[_Draft],
    as_item: bool = False,
) -> None:
    """Copy a row's cells into the task; on a continuation row, skip Word's merged repeats."""

    def value(column: Column | None) -> str:
        if column is None:
            return ""
        cell = row.cell(column.index)
        if cell.span_repeat or (cell.merged_above and not new):
            return ""
        return cell.text

    name = value(name_col)
    if name:
        if new or (not as_item and _continues_text(draft.name, name)):
            draft.name.append(name)
        else:  # "- a sub-item" under the task, in the name column
            draft.content.append(name)
    if content_col is not None and value(content_col):
        draft.content.append(value(content_col))
    lead = value(header.first("lead"))
    if new:
        if not lead and previous and row.place.origin == "text":
            carried = previous[-1].lead
            if carried:
                lead = carried
                findings.warn(
                    row.place, _("không ghi đơn vị chủ trì, lấy theo dòng trên (ô gộp): “%(lead)s”") % {"lead": carried}
                )
        draft.lead = clean(lead)
    elif lead:
        if not draft.lead:
            draft.lead = clean(lead)
        elif _continues_text([draft.lead], lead):
            draft.lead = clean(f"{draft.lead} {lead}")
        elif fold(lead) != fold(draft.lead):
            findings.warn(
                row.place,
                _("nhiệm vụ %(code)s có thêm đơn vị chủ trì “%(lead)s”, đưa vào đơn vị phối hợp")
                % {"code": draft.code, "lead": clean(lead)},
            )
            draft.partners.append(lead)
    buckets: tuple[tuple[Role, list[str]], ...] = (
        ("partners", draft.partners),
        ("timeline", draft.timeline),
        ("funding", draft.funding),
        ("deliverable", draft.deliverable),
        ("note", draft.note),
    )
    for role, bucket in buckets:
        text = value(header.first(role))
        if text:
            bucket.append(text)
    pillar_text = value(header.first("pillar"))
    if pillar_text:
        draft.pillar = infer_pillar(pillar_text) or draft.pillar
    for column in header.all("budget"):
        cell = row.cell(column.index)
        if not cell.text or cell.span_repeat:
            continue
        if cell.merged_above:
            if new and previous:
                findings.warn(
                    row.place,
                    _("kinh phí của %(code)s là ô gộp với nhiệm vụ %(other)s: chỉ tính một lần, cho %(other)s")
                    % {"code": draft.code, "other": previous[-1].code},
                )
            continue
        if column.index in draft.budgets:
            findings.warn(
                row.place,
                _("nhiệm vụ %(code)s có hai giá trị kinh phí cùng cột, giữ “%(kept)s”")
                % {"code": draft.code, "kept": draft.budgets[column.index]},
            )
            continue
        draft.budgets[column.index] = cell.text


def _continues_text(parts: list[str], text: str) -> bool:
    """A cell broken over two lines: the first part does not end a sentence, the second starts
    in lower case."""
    return bool(parts) and text[:1].islower() and not parts[-1].rstrip().endswith((".", ";", ":"))


_ITEM_MARK = re.compile(r"^\s*(?:[-+•*–—]|\d+[.)]|[a-zđ]\))\s*")
_INLINE_ITEMS = re.compile(r"\s[-–•+]\s(?=[A-ZĐÀ-Ỹ])")


def split_items(parts: list[str]) -> tuple[str, ...]:
    """The bullet or dash items of a "Nội dung" cell; a line without a mark that starts in lower
    case continues the item above."""
    items: list[str] = []
    for part in parts:
        lines = part.split("\n")
        if len(lines) == 1 and _ITEM_MARK.match(part) and _INLINE_ITEMS.search(part):
            lines = _INLINE_ITEMS.split(part)
        for line in lines:
            text = clean(line)
            if not text:
                continue
            marked = bool(_ITEM_MARK.match(text))
            body = clean(_ITEM_MARK.sub("", text, count=1)) if marked else text
            if not body:
                continue
            if items and not marked and body[:1].islower():
                items[-1] = f"{items[-1]} {body}"
            else:
                items.append(body)
    return tuple(items)


def _finish(
    draft: _Draft, header: Header, context: Context, kind: TaskKind, findings: Findings, plan_phase: str | None = None
) -> ParsedTask | None:
    raw = "\n".join(draft.raw)
    name = clean(" ".join(draft.name))
    if not name:
        findings.reject(
            draft.place,
            _("nhiệm vụ “%(code)s” không có tên") % {"code": draft.code},
            raw,
            source=_source(context, draft.place),
        )
        return None
    timeline_text = clean(" ".join(draft.timeline))
    timeline = parse_timeline(timeline_text)
    if not timeline.understood:
        findings.warn(draft.place, _("lộ trình “%(text)s” không đọc được") % {"text": timeline_text})
    start, end = (timeline.start, timeline.end) if timeline.understood else (None, None)
    budgets = _budgets(draft, header, context, findings, default_phase=plan_phase or _range(start, end))
    if budgets is None:
        return None
    amounts, notes = budgets
    if not draft.lead:
        findings.warn(draft.place, _("nhiệm vụ %(code)s không có đơn vị chủ trì") % {"code": draft.code})
    return ParsedTask(
        code=draft.code,
        name=name,
        lead_agency=draft.lead,
        content_items=split_items(draft.content),
        partner_agencies=split_agencies("\n".join(draft.partners)),
        timeline_start=start,
        timeline_end=end,
        recurring=timeline.recurring,
        budgets=amounts,
        budget_note="; ".join(notes),
        funding_source=clean(" ".join(draft.funding)),
        phase=context.phase,
        appendix=context.appendix,
        kind=kind,
        pillar=draft.pillar or pillar_of_code(draft.code),
        deliverable=clean(" ".join(draft.deliverable)),
        note=clean(" ".join(draft.note)),
        source=_source(context, draft.place),
        timeline_text=timeline_text,
    )


def _range(start: int | None, end: int | None) -> str | None:
    return f"{start}-{end}" if start and end and start != end else None


def _source(context: Context, place: Place) -> str:
    if context.appendix:
        return _("Phụ lục %(appendix)s, %(where)s") % {"appendix": context.appendix, "where": place.label().lower()}
    return place.label()


def _budgets(
    draft: _Draft, header: Header, context: Context, findings: Findings, *, default_phase: str | None
) -> tuple[tuple[Budget, ...], list[str]] | None:
    """Per-phase amounts in million VND (a table or cell in "tỷ đồng" is converted), and the
    words written instead of a number ("Lồng ghép"); None when the row must be rejected."""
    columns = header.all("budget")
    phased = [column for column in columns if column.phase]
    used = phased or columns[:1]
    amounts: dict[str, Decimal] = {}
    notes: list[str] = []
    for column in used:
        text = draft.budgets.get(column.index, "")
        amount = parse_amount(text)
        if amount.invalid:
            findings.reject(
                draft.place,
                _("kinh phí “%(value)s” không phải là số") % {"value": clean(text)},
                "\n".join(draft.raw),
                source=_source(context, draft.place),
            )
            return None
        if amount.note:
            notes.append(amount.note)
        if amount.value is None:
            continue
        if amount.value < 0:
            findings.reject(
                draft.place,
                _("kinh phí “%(value)s” là số âm") % {"value": clean(text)},
                "\n".join(draft.raw),
                source=_source(context, draft.place),
            )
            return None
        if amount.value >= LARGEST:
            findings.reject(
                draft.place,
                _("kinh phí “%(value)s” quá lớn") % {"value": clean(text)},
                "\n".join(draft.raw),
                source=_source(context, draft.place),
            )
            return None
        scale = amount.cell_scale or column.scale or context.scale or Decimal(1)
        if amount.cell_scale not in (None, Decimal(1)):
            findings.warn(draft.place, _scale_warning(scale))
        phase = column.phase or context.phase or default_phase
        if phase is None:
            findings.warn(
                draft.place, _("không xác định được giai đoạn của kinh phí nhiệm vụ %(code)s") % {"code": draft.code}
            )
            phase = ""
        amounts[phase] = amounts.get(phase, Decimal(0)) + tidy_decimal(amount.value * scale)
    return tuple(Budget(phase, value) for phase, value in sorted(amounts.items())), notes


def _scale_warning(scale: Decimal) -> str:
    if scale == 1000:
        return _("kinh phí ghi bằng tỷ đồng: đã đổi sang triệu đồng (× 1.000)")
    return _("kinh phí không ghi bằng triệu đồng: đã đổi sang triệu đồng (× %(scale)s)") % {"scale": scale}
