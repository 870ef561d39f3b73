"""Targets written as prose: "II. Mục tiêu … 2. Mục tiêu cơ bản/cụ thể", year by year.

The layout both seeds share (and that we read):

- a year heading, "2.1. Mục tiêu đến năm 2025" / "2.2. Định hướng đến năm 2030";
- under it, pillar headings "a) Phát triển Chính quyền số, …", "b) … kinh tế số", "c) … xã
  hội số" (a lettered paragraph with no bullets under it is itself a target, like Thái Bình's
  "d) … thuộc nhóm 20 tỉnh, thành phố dẫn đầu");
- bullets "- 80% dịch vụ công trực tuyến …"; Thanh Hóa also groups "+" bullets under a year
  line ("- Đến hết năm 2022:") inside the 2025 section, and writes several years in one
  sentence ("… đến hết năm 2022 chiếm 15% GRDP; đến hết năm 2025 chiếm 20% GRDP").

One sentence may hold several targets ("…đạt từ 60% trở lên; tối thiểu 90% người dân … hài
lòng"): each clause with its own number is a target, a clause that starts with a year
continues the target before it, a clause without a number elaborates it. The same indicator
stated again for a later year ("80% … mức độ 4" in 2025, "100% … mức độ 4" in 2030) becomes one
target with two milestones: sentences of the same pillar are merged when their words, numbers
and years aside, are alike, and they have no milestone for the same year and level.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from tinhso.core.text import clean, fold

from .amounts import LARGEST
from .report import Findings, Place
from .shapes import Origin, Paragraph
from .statements import (
    Clause,
    Quantity,
    clauses,
    explicit_year,
    fold_start,
    indicator_hint,
    infer_pillar,
    pair_levels,
    quantities,
    starts_with_time,
)
from .types import PILLAR_CODES, Level, Milestone, ParsedTarget, Pillar, milestone_order

_PART = re.compile(r"^phan\s+([ivxlc]+|\d+)\b")
_ROMAN = re.compile(r"^([IVXLC]+)\.\s+")
_NUM2 = re.compile(r"^(\d+)\.(\d+)\.?\s+")
_NUM1 = re.compile(r"^(\d+)\.\s+")
_LETTER = re.compile(r"^(?:[-–]\s*)?([a-zđ])\)\s+")
_BULLET = re.compile(r"^[-–—•·]\s*")
_SUB = re.compile(r"^\+\s*")
_TOC = re.compile(r"(\.{3,}|…|\t)\s*\d{0,3}\s*$")  # "2. Mục tiêu cơ bản.....33", "II. Mục tiêu⇥33"
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_GENERAL = re.compile(r"^(muc tieu|chi tieu) (tong quat|chung)\b")
_SPECIFIC = re.compile(r"^(muc tieu|chi tieu|cac chi tieu)( chu yeu| co ban| cu the| den nam| giai doan|$)")
_TARGET_WORDS = ("muc tieu", "chi tieu")
_SIMILAR = 0.6  # word-sequence similarity above which two years' sentences are one indicator


@dataclass(frozen=True)
class Line:
    """A paragraph with its numbering mark taken off and named: part ("PHẦN IV"), roman ("II."),
    num1 ("2."), num2 ("2.1."), letter ("a)"), bullet ("-", or a Word list item), sub ("+"), plain."""

    kind: str
    body: str
    ref: int


def classify(paragraph: Paragraph) -> Line:
    text = paragraph.text.strip()
    if _PART.match(fold_start(text)):
        return Line("part", text, paragraph.ref)
    for kind, pattern in (
        ("roman", _ROMAN),
        ("num2", _NUM2),
        ("num1", _NUM1),
        ("letter", _LETTER),
        ("sub", _SUB),
        ("bullet", _BULLET),
    ):
        match = pattern.match(text)
        if match:
            return Line(kind, text[match.end() :].strip(), paragraph.ref)
    return Line("bullet" if paragraph.list_item else "plain", text, paragraph.ref)


@dataclass
class Statement:
    """One bullet (or lettered paragraph) with the year and pillar of the headings above it."""

    text: str
    ref: int
    year: int | None
    pillar: Pillar | None


@dataclass
class _Draft:
    pillar: Pillar | None
    statement: Statement
    spans: list[tuple[int, int]]
    milestones: dict[tuple[int, Level | None], Milestone] = field(default_factory=dict)
    hint: str | None = None

    @property
    def text(self) -> str:
        return _join_spans(self.statement.text, self.spans)

    def numeric(self) -> bool:
        return any(m.value is not None for m in self.milestones.values())


@dataclass
class _Target:
    pillar: Pillar | None
    text: str
    signature: str
    hint: str | None
    milestones: dict[tuple[int, Level | None], Milestone]
    refs: list[int]


def target_section(lines: list[Line]) -> list[Line]:
    """The lines of the specific-targets part of the "Mục tiêu" section, or nothing.

    The first "II. Mục tiêu" (Roman-numbered) section that holds target sentences wins; failing
    that, a numbered "Mục tiêu cụ thể/cơ bản" heading. A table of contents repeats these
    headings, and a scheme may quote the national programme's targets in a "3.1. Mục tiêu cơ bản
    đến năm 2025" of its own, hence "the first that holds sentences" and the Roman level first.
    """
    for start in _starts(lines, _targets_heading):
        section = _section(lines, start, {"part", "roman"})
        if statements_of(section):
            return section
    for start in _starts(lines, _specific_heading):
        stops = {"part", "roman", "num1"} if lines[start].kind == "num1" else {"part", "roman", "num1", "num2"}
        section = _section(lines, start, stops)
        if statements_of(section):
            return section
    return []


def _targets_heading(line: Line) -> bool:
    return line.kind == "roman" and fold_start(line.body).startswith(_TARGET_WORDS)


def _specific_heading(line: Line) -> bool:
    return line.kind in ("num1", "num2") and bool(_SPECIFIC.match(fold_start(line.body)))


def _starts(lines: list[Line], test: Callable[[Line], bool]) -> list[int]:
    return [i for i, line in enumerate(lines) if not _TOC.search(line.body) and test(line)]


def _section(lines: list[Line], start: int, stop_kinds: set[str]) -> list[Line]:
    """From a heading to the next heading of its level, without "1. Mục tiêu tổng quát"."""
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].kind in stop_kinds or fold_start(lines[i].body).startswith("phu luc")
        ),
        len(lines),
    )
    section: list[Line] = []
    skipping = False
    for line in lines[start + 1 : end]:
        if line.kind == "num1":
            skipping = bool(_GENERAL.match(fold_start(line.body)))
        if not skipping:
            section.append(line)
    return section


def statements_of(section: list[Line]) -> list[Statement]:
    """Walk the section keeping the year and pillar in force; join lines broken by a page break."""
    found: list[Statement] = []
    year: int | None = None
    sub_year: int | None = None
    pillar: Pillar | None = None
    letter: Statement | None = None  # a lettered heading not yet followed by a bullet

    def flush_letter() -> None:
        nonlocal letter
        if letter is not None and quantities(letter.text):
            found.append(letter)
        letter = None

    for line in section:
        if line.kind in ("num1", "num2"):
            flush_letter()
            years = _YEAR.findall(line.body)
            year, sub_year, pillar = (int(years[-1]) if years else year), None, None
        elif line.kind == "letter":
            flush_letter()
            pillar, sub_year = infer_pillar(line.body), None
            letter = Statement(line.body, line.ref, year, pillar)
        elif line.kind == "bullet" and line.body.endswith(":"):
            letter = None
            sub_year = explicit_year(line.body) or _first_year(line.body)
        elif line.kind in ("bullet", "sub"):
            letter = None
            if line.kind == "bullet":
                sub_year = None
            found.append(Statement(line.body, line.ref, sub_year or year, pillar))
        elif line.body[:1].islower() and (found or letter):
            target = letter or found[-1]
            target.text = clean(f"{target.text} {line.body}")
        elif line.kind == "plain":
            flush_letter()
            found.append(Statement(line.body, line.ref, sub_year or year, pillar))
    flush_letter()
    return found


def _first_year(text: str) -> int | None:
    years = _YEAR.findall(text)
    return int(years[0]) if years else None


def read_targets(
    paragraphs: list[Paragraph],
    *,
    origin: Origin,
    findings: Findings,
    fallback_year: int | None,
) -> list[ParsedTarget]:
    lines = [classify(paragraph) for paragraph in paragraphs]
    drafts: list[_Draft] = []
    for statement in statements_of(target_section(lines)):
        drafts.extend(_drafts(statement, origin=origin, findings=findings, fallback_year=fallback_year))
    return _codes(_merge(drafts), origin)


# --- one statement -------------------------------------------------------------------------------


def _drafts(statement: Statement, *, origin: Origin, findings: Findings, fallback_year: int | None) -> list[_Draft]:
    place = Place(origin, statement.ref)
    text = statement.text
    found = quantities(text)
    negative = next((q for q in found if q.value < 0), None)
    if negative is not None:
        findings.reject(
            place, _("chỉ tiêu có giá trị âm “%(value)s”") % {"value": text[negative.number_start : negative.end]}, text
        )
        return []
    huge = next((q for q in found if q.value >= LARGEST), None)
    if huge is not None:
        findings.reject(place, _("giá trị “%(value)s” quá lớn") % {"value": text[huge.number_start : huge.end]}, text)
        return []
    year = statement.year
    if year is None and explicit_year(text) is None:
        if fallback_year is None:
            findings.reject(place, _("không xác định được năm của chỉ tiêu"), text)
            return []
        findings.warn(place, _("không rõ chỉ tiêu đặt cho năm nào, lấy năm %(year)s") % {"year": fallback_year})
        year = fallback_year
    split = pair_levels(text, found)
    if split is not None:
        return [_level_draft(statement, found, split.levels, split.written_after, year or 0)]
    return _clause_drafts(statement, found, year or 0)


def _level_draft(
    statement: Statement, found: list[Quantity], levels: list[Level], written_after: bool, year: int
) -> _Draft:
    text = statement.text
    draft = _Draft(statement.pillar, statement, [(0, len(text))], hint=indicator_hint(text, found, level_split=True))
    spans = clauses(text)
    for index, (quantity, level) in enumerate(zip(found, levels, strict=True)):
        clause = next((c for c in spans if c.start <= quantity.number_start < c.end), spans[-1])
        if written_after:
            low = max(clause.start, found[index - 1].end if index else 0, quantity.start)
            high = min(clause.end, found[index + 1].start if index + 1 < len(found) else clause.end)
        else:
            low = max(clause.start, found[index - 1].end if index else 0)
            high = quantity.end
        own_year = explicit_year(text[clause.start : clause.end]) or year
        draft.milestones[(own_year, level)] = _milestone(quantity, own_year, level, _piece(text, low, high))
    return draft


def _clause_drafts(statement: Statement, found: list[Quantity], year: int) -> list[_Draft]:
    """The targets of one sentence, clause by clause (rules in the module docstring)."""
    text = statement.text
    drafts: list[_Draft] = []
    for clause in clauses(text):
        year = explicit_year(text[clause.start : clause.end]) or year
        own = [q for q in found if clause.start <= q.number_start < clause.end]
        if not own:
            _elaborate(drafts, statement, clause, year)
            continue
        for index, quantity in enumerate(own):
            if index == 0 and _continue_earlier(drafts, statement, clause, quantity, year):
                continue
            if index == 0 or (year, None) in drafts[-1].milestones:
                drafts.append(_new_draft(drafts, statement, clause, own, index, year))
            else:
                drafts[-1].milestones[(year, None)] = _milestone(
                    quantity, year, None, _piece(text, clause.start, clause.end)
                )
    return drafts


def _elaborate(drafts: list[_Draft], statement: Statement, clause: Clause, year: int) -> None:
    """A clause without a number: more words for the target before it ("…; được cung cấp trên
    nhiều phương tiện"), or, opening the sentence, a target stated without a number."""
    span = (clause.start, clause.end)
    if drafts:
        drafts[-1].spans.append(span)
        return
    draft = _Draft(statement.pillar, statement, [span])
    draft.milestones[(year, None)] = Milestone(year, "=", None, "", None, _piece(statement.text, *span))
    drafts.append(draft)


def _continue_earlier(
    drafts: list[_Draft], statement: Statement, clause: Clause, quantity: Quantity, year: int
) -> bool:
    """ "…; đến hết năm 2025 chiếm 20% GRDP" gives an earlier target of the sentence a later year;
    a sentence after a target without a number gives it its number ("Thực hiện chương trình …
    Mục tiêu đưa tỉnh … thuộc nhóm 20 …")."""
    text, span = statement.text, (clause.start, clause.end)
    piece = text[clause.start : clause.end]
    draft = _best_for(drafts, text, quantity, year) if starts_with_time(piece) else None
    if draft is not None:
        draft.spans.append(span)
        draft.milestones[(year, None)] = _milestone(quantity, year, None, _piece(text, *span))
        return True
    if drafts and not drafts[-1].numeric() and clause.new_sentence:
        draft = drafts[-1]
        draft.spans.append(span)
        draft.milestones = {(year, None): _milestone(quantity, year, None, _piece(text, *span))}
        draft.hint = indicator_hint(piece, [_shift(quantity, -clause.start)])
        return True
    return False


def _new_draft(
    drafts: list[_Draft], statement: Statement, clause: Clause, own: list[Quantity], index: int, year: int
) -> _Draft:
    """A target starting at this clause or, for a second number of the same year inside it
    ("… phủ trên 50% hộ gia đình, 100% xã, phường, thị trấn"), at that number."""
    text = statement.text
    piece = text[clause.start : clause.end]
    quantity = own[index]
    start = clause.start if index == 0 else quantity.start
    if index:
        _cut_last_span(drafts[-1], quantity.start)
        if drafts[-1].hint is None:
            drafts[-1].hint = indicator_hint(piece, [_shift(q, -clause.start) for q in own])
    draft = _Draft(statement.pillar, statement, [(start, clause.end)])
    draft.hint = (
        _fragment_hint(text, own, index, clause.start, clause.end)
        if index
        else indicator_hint(piece, [_shift(q, -clause.start) for q in own])
    )
    draft.milestones[(year, None)] = _milestone(quantity, year, None, _piece(text, start, clause.end))
    return draft


def _best_for(drafts: list[_Draft], text: str, quantity: Quantity, year: int) -> _Draft | None:
    """The draft a "đến hết năm 2025 …" clause continues: the one counting the same thing
    ("… phủ trên 50% hộ gia đình, 100% xã …; đến hết năm 2025 phủ 80% hộ gia đình")."""
    candidates = [d for d in drafts if d.numeric() and (year, None) not in d.milestones]
    if not candidates:
        return None
    counted = " ".join(fold(text[quantity.end :]).split()[:3]).strip(" .,;")
    if counted:
        naming = [d for d in candidates if counted in fold(d.text)]
        if naming:
            return naming[0]
    return candidates[0]


def _fragment_hint(text: str, own: list[Quantity], index: int, clause_start: int, clause_end: int) -> str | None:
    """ "… phủ trên 50% hộ gia đình, 100% xã, phường, thị trấn": the second number shares the
    subject and verb written before the first one."""
    head = text[clause_start : own[0].start]
    quantity = own[index]
    sentence = f"{head}{text[quantity.number_start : clause_end]}"
    return indicator_hint(sentence, quantities(sentence))


def _cut_last_span(draft: _Draft, at: int) -> None:
    start, _end = draft.spans[-1]
    draft.spans[-1] = (start, at)


def _shift(quantity: Quantity, by: int) -> Quantity:
    return Quantity(
        quantity.start + by,
        quantity.number_start + by,
        quantity.end + by,
        quantity.value,
        quantity.comparator,
        quantity.unit,
    )


def _milestone(quantity: Quantity, year: int, level: Level | None, text: str) -> Milestone:
    return Milestone(year, quantity.comparator, quantity.value, quantity.unit, level, text)


def _piece(text: str, start: int, end: int) -> str:
    return clean(text[start:end]).strip(" ,;").removesuffix(" và").removesuffix(" hoặc").strip(" ,;")


def _join_spans(text: str, spans: list[tuple[int, int]]) -> str:
    ordered = sorted(spans)
    pieces: list[str] = []
    start, end = ordered[0]
    for low, high in ordered[1:]:
        if not text[end:low].strip(" ;,."):
            end = max(end, high)
        else:
            pieces.append(text[start:end])
            start, end = low, high
    pieces.append(text[start:end])
    return clean(" … ".join(piece.strip(" ;,") for piece in pieces))


# --- merging years -------------------------------------------------------------------------------

_NOISE = re.compile(
    r"\d+(?:[.,]\d+)?\s*%?(?:/nam)?|\b(nam|den het|den|tu|tro len|tro xuong|tren|duoi|toi thieu|toi da|it nhat|"
    r"khong duoi|khong qua|dat|bang|chiem|cac|tong so|o cac cap|cap tinh|cap huyen|cap xa|tai|va|cua|duoc|"
    r"khac nhau|bao gom ca|thiet bi di dong|tang|giam|phan dau|phan dau)\b|\([^)]*\)|[^\w\s]"
)


def signature(text: str) -> str:
    """The words that say what is measured, without numbers, years, comparators and levels."""
    return clean(_NOISE.sub(" ", fold(text)))


def _merge(drafts: list[_Draft]) -> list[_Target]:
    merged: list[_Target] = []
    for draft in drafts:
        sig = signature(_first_clause(draft))
        best: _Target | None = None
        best_score = _SIMILAR
        for target in merged:
            if target.pillar != draft.pillar or set(target.milestones) & set(draft.milestones):
                continue
            score = _similarity(target, sig, draft.hint)
            if score >= best_score:
                best, best_score = target, score
        if best is None:
            merged.append(
                _Target(draft.pillar, draft.text, sig, draft.hint, dict(draft.milestones), [draft.statement.ref])
            )
        else:
            best.milestones.update(draft.milestones)
            best.hint = best.hint or draft.hint
            best.refs.append(draft.statement.ref)
    return merged


def _first_clause(draft: _Draft) -> str:
    start, end = sorted(draft.spans)[0]
    return draft.statement.text[start:end]


def _similarity(target: _Target, sig: str, hint: str | None) -> float:
    if hint and target.hint and fold(hint) == fold(target.hint):
        return 1.0
    words_a, words_b = target.signature.split(), sig.split()
    if not words_a or not words_b:
        return 0.0
    return SequenceMatcher(None, words_a, words_b).ratio()


def _codes(targets: list[_Target], origin: Origin) -> list[ParsedTarget]:
    counters: dict[Pillar | None, int] = {}
    parsed: list[ParsedTarget] = []
    for target in targets:
        counters[target.pillar] = counters.get(target.pillar, 0) + 1
        milestones = tuple(sorted(target.milestones.values(), key=milestone_order))
        places = ", ".join(Place(origin, ref).label() for ref in dict.fromkeys(target.refs))
        parsed.append(
            ParsedTarget(
                pillar=target.pillar,
                code=f"MT-{PILLAR_CODES[target.pillar]}-{counters[target.pillar]:02d}",
                text=target.text,
                milestones=milestones,
                indicator_hint=target.hint,
                source=_("Mục tiêu: %(where)s") % {"where": places},
            )
        )
    return parsed
