"""What the programme importer reads out of a scheme, before anything touches the database.

Everything here is immutable and compares by value, so that a scheme read from Word, from
pasted text and from our Excel template can be checked for equality. ``source`` fields say
where a row came from (for the preview and for error messages) and are left out of equality on
purpose: the same task read from two formats has two different sources.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Pillar = Literal["digital_government", "digital_economy", "digital_society", "foundation"]
Comparator = Literal[">", ">=", "=", "<=", "<"]
Level = Literal["province", "district", "commune"]
TaskKind = Literal["task", "action"]

PILLARS: tuple[Pillar, ...] = ("digital_government", "digital_economy", "digital_society", "foundation")
COMPARATORS: tuple[Comparator, ...] = (">", ">=", "=", "<=", "<")
LEVELS: tuple[Level, ...] = ("province", "district", "commune")
# Generated target codes: "MT-CQS-03" is the third target of the digital-government pillar.
PILLAR_CODES: dict[Pillar | None, str] = {
    "digital_government": "CQS",
    "digital_economy": "KTS",
    "digital_society": "XHS",
    "foundation": "NT",
    None: "CHUNG",
}

_PARENT = re.compile(r"^(.+)\.[^.]+$")


def parent_code_of(code: str) -> str | None:
    """The code one level up: "CQS2.1" → "CQS2", "1.2.3" → "1.2"; a top-level code has none."""
    match = _PARENT.match(code)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Milestone:
    """The value a target must reach by ``year``; ``level`` is set when the scheme splits the
    target by level of government ("cấp tỉnh 90%, cấp huyện 80%, cấp xã 60%").

    ``value`` is None for a target stated without a number ("Phổ cập dịch vụ mạng di động 5G").
    ``text`` is the part of the sentence this milestone was read from, as written.
    """

    year: int
    comparator: Comparator
    value: Decimal | None
    unit: str
    level: Level | None
    text: str


def level_rank(level: Level | None) -> int:
    """The whole target first, then its levels from the province down."""
    return -1 if level is None else LEVELS.index(level)


def milestone_order(milestone: Milestone) -> tuple[int, int]:
    """Milestones are kept by year, then by level (see :func:`level_rank`)."""
    return milestone.year, level_rank(milestone.level)


@dataclass(frozen=True)
class ParsedTarget:
    """Chỉ tiêu: one indicator with its milestones (one per year and level)."""

    pillar: Pillar | None
    code: str
    text: str
    milestones: tuple[Milestone, ...]
    tracking_agency: str | None = None
    partner_agencies: tuple[str, ...] = ()
    indicator_hint: str | None = None
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class Budget:
    phase: str
    amount_million_vnd: Decimal


@dataclass(frozen=True)
class ParsedTask:
    """Nhiệm vụ (``kind="task"``, appendices "Danh mục nhiệm vụ") or hành động (``kind="action"``,
    appendices "Nhiệm vụ cụ thể", coded under a task: CQS2 → CQS2.1).

    Codes repeat across phases (appendix 01 and 02 both have a CQS1), so a code is unique only
    within its appendix; an action's parent is the task with ``parent_code`` in the same phase.
    ``parent_code`` is derived from ``code`` and cannot be passed in.
    """

    code: str
    name: str
    lead_agency: str
    content_items: tuple[str, ...] = ()
    partner_agencies: tuple[str, ...] = ()
    timeline_start: int | None = None
    timeline_end: int | None = None
    recurring: bool = False
    budgets: tuple[Budget, ...] = ()
    budget_note: str = ""
    funding_source: str = ""
    phase: str | None = None
    appendix: str | None = None
    kind: TaskKind = "task"
    pillar: Pillar | None = None
    deliverable: str = ""
    note: str = ""
    source: str = field(default="", compare=False)
    timeline_text: str = field(default="", compare=False)  # as written: "Quý II/2026"
    parent_code: str | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parent_code", parent_code_of(self.code))


@dataclass(frozen=True)
class Rejection:
    """A row (or a whole file) that was not read. ``reason`` is shown to the user as is."""

    source: str
    row: int | None
    reason: str
    raw: str


@dataclass(frozen=True)
class DocumentMeta:
    """What could be read of the issuing decision; every field is best effort."""

    number: str | None = None  # "54/QĐ-UBND"
    date: dt.date | None = None
    year: int | None = None  # known even when the day is left blank in a draft ("ngày tháng năm 2020")
    place: str | None = None
    issuer: str | None = None  # as written: "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH"
    title: str | None = None  # of the decision: "Phê duyệt Đề án Chuyển đổi số tỉnh Thái Bình ..."
    programme_title: str | None = None  # "Đề án Chuyển đổi số tỉnh Thái Bình đến năm 2025, ..."
    period_start: int | None = None
    period_end: int | None = None
    commune: str | None = None  # the commune issuing a commune plan, as written: "XÃ ANH SƠN"


@dataclass(frozen=True)
class UnclassifiedTable:
    """A table whose header says neither tasks nor targets: kept for the preview (its header
    and first rows) so the user sees what was left out, while the rest of the file imports."""

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    message: str
    signature: str = ""  # see ``headers.header_signature``: the key of a saved column mapping


@dataclass(frozen=True)
class ParseResult:
    targets: tuple[ParsedTarget, ...] = ()
    tasks: tuple[ParsedTask, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    warnings: tuple[str, ...] = ()
    document_meta: DocumentMeta = field(default_factory=DocumentMeta)
    unclassified: tuple[UnclassifiedTable, ...] = ()
