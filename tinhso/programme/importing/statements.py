"""Read the numbers out of a target sentence: value, comparator, unit, level and year.

Comparators, from the words right before the number (or "trở lên"/"trở xuống" after it):

==========================================================  ====
"trên", "hơn", "vượt (quá)", "cao hơn", ">"                  >
"tối thiểu", "ít nhất", "không dưới", "không ít hơn",         >=
"từ … trở lên", "≥", ">="
"đạt", "bằng", "là", "chiếm", "khoảng", or a bare number      =
"dưới", "không quá", "tối đa", "không vượt quá", "ít hơn",    <=
"không cao hơn", "từ … trở xuống", "≤", "<="
"thuộc nhóm N" / "top N" (a rank)                             <=
"<" (the symbol only)                                         <
==========================================================  ====

"dưới" is "<=" by the product owner's table; strictly it reads "<" (see ``_LESS_THAN_WORDS``).

A number counts only with a unit after it — "%" ("%/năm") or a countable noun from
``_UNIT_NOUNS`` — so that "mức độ 4", "15 tuổi", "4G/5G", "Công nghệ 4.0" and years are not
read as targets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from tinhso.core.text import clean, fold

from .amounts import parse_number
from .types import Comparator, Level, Pillar


def fold_aligned(text: str) -> str:
    """Like :func:`fold` but one output character per input character, so that positions found
    in the folded text slice the original."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0].lower()
        out.append("d" if base == "đ" else base if len(base) == 1 else char)
    return "".join(out)


def fold_start(text: str, length: int = 80) -> str:
    """The folded beginning of a paragraph: enough to recognise a heading, without folding a
    whole page of prose."""
    return fold(text[:length])


# --- pillars -----------------------------------------------------------------------------------

_PILLAR_WORDS: tuple[tuple[str, Pillar], ...] = (
    ("chinh quyen so", "digital_government"),
    ("chinh phu so", "digital_government"),
    ("chinh quyen dien tu", "digital_government"),
    ("chinh phu dien tu", "digital_government"),
    ("kinh te so", "digital_economy"),
    ("xa hoi so", "digital_society"),
    ("nen tang", "foundation"),
    ("du lieu so", "foundation"),
    ("ha tang so", "foundation"),
    ("nen mong", "foundation"),
)
_CODE_PILLARS: tuple[tuple[str, Pillar], ...] = (
    ("CQS", "digital_government"),
    ("CPS", "digital_government"),
    ("KTS", "digital_economy"),
    ("XHS", "digital_society"),
    ("NT", "foundation"),
)


def infer_pillar(text: str) -> Pillar | None:
    """The pillar a heading names first: "b) Phát triển kinh tế số, …" → digital_economy."""
    folded = fold(text)
    found = [(folded.find(word), pillar) for word, pillar in _PILLAR_WORDS if word in folded]
    return min(found)[1] if found else None


def pillar_of_code(code: str) -> Pillar | None:
    """CQS → digital government, KTS → digital economy, XHS → digital society (GLOSSARY)."""
    letters = re.match(r"^[A-Za-z]+", code)
    if not letters:
        return None
    prefix = letters.group(0).upper()
    return next((pillar for start, pillar in _CODE_PILLARS if prefix == start), None)


# --- quantities --------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w/.,\-–−])([-−–](?=\d))?(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)(?![\w])(?![.,]\d)")
_PERCENT = re.compile(r"\s?%(\s?/\s?nam)?")
_UNIT_NOUNS = (
    "trieu dong",
    "ty dong",
    "nghin dong",
    "trieu usd",
    "ty usd",
    "usd",
    "doanh nghiep",
    "hop tac xa",
    "ho gia dinh",
    "ho kinh doanh",
    "ho",
    "nguoi",
    "luot",
    "tai khoan",
    "thue bao",
    "co so du lieu",
    "csdl",
    "co so",
    "san pham",
    "dich vu",
    "he thong",
    "nen tang",
    "ung dung",
    "mo hinh",
    "hoc sinh",
    "sinh vien",
    "giao vien",
    "can bo",
    "cong chuc",
    "chuyen gia",
    "benh vien",
    "truong",
    "tram",
    "diem",
    "camera",
    "km",
    "mbps",
    "gbps",
    "gb",
    "ha",
    "giay",
    "gio",
    "ngay",
    "thu tuc",
    "ho so",
    "trieu",
    "ty",
)
_UNIT = re.compile(r"\s+(" + "|".join(sorted(_UNIT_NOUNS, key=len, reverse=True)) + r")(?![\w])")
_RANK = re.compile(r"(?:nhom|top|top dau|trong nhom)\s*$")
_YEAR_BEFORE = re.compile(r"(?:nam|giai doan|muc do|cap do|lan thu|so|phien ban|ver)\s*$")

_MORE_THAN_OR_EQUAL = re.compile(
    r"(?:toi thieu|it nhat|khong duoi|khong it hon|khong thap hon)\s*(?:la\s*)?$|(?:≥|>=)\s*$"
)
_LESS_THAN_WORDS = re.compile(
    r"(?:khong vuot qua|khong qua|khong cao hon|khong lon hon|toi da|it hon|duoi)\s*(?:la\s*)?$|(?:≤|<=)\s*$"
)
_MORE_THAN = re.compile(r"(?:tren|nhieu hon|cao hon|hon|vuot qua|vuot)\s*$|>\s*$")
_LESS_THAN_SYMBOL = re.compile(r"<\s*$")
_EQUAL = re.compile(r"(?:dat|bang|la|chiem|khoang|o muc|=)\s*$")
_FROM = re.compile(r"(?:dat\s+)?tu\s*$")
# In this order: "không dưới" (>=) before "dưới" (<=), "không vượt quá" (<=) before "vượt" (>).
_WORDING: tuple[tuple[re.Pattern[str], Comparator], ...] = (
    (_MORE_THAN_OR_EQUAL, ">="),
    (_LESS_THAN_WORDS, "<="),
    (_MORE_THAN, ">"),
    (_LESS_THAN_SYMBOL, "<"),
    (_EQUAL, "="),
)
_OR_MORE = re.compile(r"^[^0-9;]{0,40}?\btro len\b")
_OR_LESS = re.compile(r"^[^0-9;]{0,40}?\btro xuong\b")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and comparator, and where it sits in the sentence: ``start`` is
    where its comparator words begin, ``end`` is after its unit."""

    start: int
    number_start: int
    end: int
    value: Decimal
    comparator: Comparator
    unit: str


def quantities(text: str) -> list[Quantity]:
    """Every targeted number in ``text``, in order. Negative values are returned as such; the
    caller rejects them."""
    folded = fold_aligned(text)
    found: list[Quantity] = []
    for match in _NUMBER.finditer(folded):
        quantity = _quantity(text, folded, match, found[-1].end if found else 0)
        if quantity is not None:
            found.append(quantity)
    return found


def _quantity(text: str, folded: str, match: re.Match[str], floor: int) -> Quantity | None:
    sign, digits = match.group(1), match.group(2)
    value = parse_number(digits)
    if value is None:
        return None
    before = folded[floor : match.start()]
    after_at = match.end()
    unit, end = _unit_after(text, folded, after_at)
    if unit is None:
        rank = _RANK.search(before)  # "thuộc nhóm 20 tỉnh dẫn đầu": a rank, at most 20
        return None if rank is None else Quantity(floor + rank.start(), match.start(), after_at, value, "<=", "hạng")
    if re.fullmatch(r"(19|20)\d{2}", digits) and _YEAR_BEFORE.search(before):
        return None
    comparator, prefix = comparator_of(before, folded[end:])
    start = floor + prefix if prefix is not None else match.start()
    if sign:
        value = -value
    return Quantity(start, match.start(), end, value, comparator, unit)


def _unit_after(text: str, folded: str, at: int) -> tuple[str | None, int]:
    percent = _PERCENT.match(folded, at)
    if percent:
        return ("%/năm" if percent.group(1) else "%"), percent.end()
    noun = _UNIT.match(folded, at)
    if noun:
        return text[noun.start(1) : noun.end(1)], noun.end()
    return None, at


def comparator_of(before: str, after: str) -> tuple[Comparator, int | None]:
    """Comparator and where its words start (an index into ``before``)."""
    if _OR_MORE.match(after):
        found = _FROM.search(before)
        return ">=", found.start() if found else None
    if _OR_LESS.match(after):
        found = _FROM.search(before)
        return "<=", found.start() if found else None
    for pattern, comparator in _WORDING:
        found = pattern.search(before)
        if found:
            return comparator, found.start()
    return "=", None


# --- levels, years, clauses --------------------------------------------------------------------

_LEVEL = re.compile(r"\bcap (tinh|huyen|xa)\b")
_LEVELS: dict[str, Level] = {"tinh": "province", "huyen": "district", "xa": "commune"}


@dataclass(frozen=True)
class LevelMention:
    start: int
    end: int
    level: Level


def level_mentions(text: str) -> list[LevelMention]:
    return [LevelMention(m.start(), m.end(), _LEVELS[m.group(1)]) for m in _LEVEL.finditer(fold_aligned(text))]


@dataclass(frozen=True)
class LevelSplit:
    levels: list[Level]
    written_after: bool  # "90% … cấp tỉnh" (True) or "cấp tỉnh 90%" (False)


def pair_levels(text: str, found: list[Quantity]) -> LevelSplit | None:
    """One distinct level per number when the sentence splits a target by level — written after
    the numbers ("90% … tại cấp tỉnh; 80% … cấp huyện") or before them ("cấp tỉnh 90%, …")."""
    mentions = level_mentions(text)
    if len(found) < 2 or len({m.level for m in mentions}) < 2:
        return None
    for after in (True, False):
        levels: list[Level] = []
        for index, quantity in enumerate(found):
            if after:
                low, high = quantity.end, found[index + 1].start if index + 1 < len(found) else len(text)
            else:
                low, high = found[index - 1].end if index else 0, quantity.start
            inside = [m.level for m in mentions if low <= m.start < high]
            if len(inside) != 1:
                break
            levels.append(inside[0])
        else:
            if len(set(levels)) == len(levels):
                return LevelSplit(levels, after)
    return None


_YEAR_PHRASE = re.compile(r"\b(?:nam|den(?: het)?|truoc|cuoi) (20\d{2})\b")
_LEADING_TIME = re.compile(
    r"^\s*(?:[-+•]\s*)?(?:(?:den|toi|vao|trong|truoc|cuoi|het|giai doan)\s+)*(?:nam\s+)?20\d{2}\b[\s,:]*"
)


def explicit_year(text: str) -> int | None:
    """The year a clause sets for itself ("đến hết năm 2022 …"); not a baseline ("so với năm 2020")."""
    folded = fold_aligned(text)
    for match in _YEAR_PHRASE.finditer(folded):
        if not re.search(r"so voi\s*$", folded[max(0, match.start() - 10) : match.start()]):
            return int(match.group(1))
    return None


def starts_with_time(text: str) -> bool:
    """ "đến hết năm 2025 chiếm 20% GRDP": a clause that only moves the same target to a later year."""
    return bool(_LEADING_TIME.match(fold_aligned(text)))


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    new_sentence: bool  # begins after ". " rather than after ";"


def clauses(text: str) -> list[Clause]:
    """The clauses of a sentence: split at ";" and at ". " before a capital, never inside brackets."""
    found: list[Clause] = []
    depth, start, new_sentence = 0, 0, False
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and (
            char == ";"
            or (char == "." and index + 2 < len(text) and text[index + 1] == " " and text[index + 2].isupper())
        ):
            found.append(Clause(*_trim(text, start, index + (1 if char == "." else 0)), new_sentence))
            start, new_sentence = index + 1, char == "."
    found.append(Clause(*_trim(text, start, len(text)), new_sentence))
    return [clause for clause in found if clause.end > clause.start]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ;,":
        start += 1
    while end > start and text[end - 1] in " ;,":
        end -= 1
    return start, end


# --- indicator hints ---------------------------------------------------------------------------

# "Phấn đấu …" (Thái Bình's text has the typo "Phần đầu"), "Mục tiêu …": not part of the indicator.
_NOISE_START = re.compile(r"^(?:(?:phan dau|muc tieu|dam bao|bao dam)\s+)+")
_RATE_START = re.compile(r"^(ty le|ty trong|so luong|chi so|toc do|muc do|nang suat)\b")
_VERB = re.compile(r"\s(đạt|chiếm|tăng|giảm|là)(?!\w)")
_STOP = re.compile(r"(?:,(?!\s(?:phuong|thi tran|thi xa|thanh pho)\b)|[;.(:]|\s-\s)")
_TIME_ANYWHERE = re.compile(r"\s*\b(?:den het|den|trong|vao|truoc|cuoi)? ?nam 20\d{2}\b,?")
_LEADING_FILLERS = re.compile(r"^(?:(?:cac|tong so|toan bo|so)\s+)+")
_MAX_HINT_WORDS = 24


def indicator_hint(text: str, found: list[Quantity], level_split: bool = False) -> str | None:
    """A short noun phrase for what a target measures ("Tỷ lệ dịch vụ công trực tuyến mức độ 4");
    best effort, None for a target without a number."""
    if not found:
        return None
    first = found[0]
    folded = fold_aligned(text)
    if first.unit == "hạng":
        about = re.search(r"\bve (.+)$", folded[first.end :])
        topic = clean(text[first.end + about.start(1) : first.end + about.end(1)]) if about else ""
        return _finish(f"Thứ hạng về {topic}" if topic else "Thứ hạng")
    lead = _without_time(text, folded, 0, first.number_start)  # subject, verb and comparator words
    head = _without_time(text, folded, 0, first.start)  # without the comparator words
    verb = _VERB.search(f" {lead.lower()}")
    subject = _strip_brackets(lead[: verb.start()] if verb else head)
    word = verb.group(1) if verb else ""
    after = _phrase_after(text, folded, first.end, level_split)
    if _RATE_START.match(fold_aligned(head)):
        if word in ("tăng", "giảm") and not fold(subject).startswith(("ty le", "toc do")):
            return _finish(f"Tốc độ {word} {_lower(subject)}")
        return _finish(subject)
    if word == "chiếm":
        return _finish(f"Tỷ trọng {_lower(subject)}" + (f" trong {after}" if after else ""))
    if not subject:
        if word in ("tăng", "giảm"):
            return _finish(f"Tỷ lệ {word} {after}")
        if level_split:
            after = f"{after} {_predicate_after_levels(text)}".strip()
        noun = "Tỷ lệ" if first.unit.startswith("%") else f"Số {first.unit}"
        return _finish(f"{noun} {after}" if after else noun)
    if word in ("tăng", "giảm"):
        if not after:
            return _finish(f"Tốc độ {word} {_lower(subject)}")
        if fold(head).endswith(fold(word)):
            return _finish(f"Tỷ lệ {word} {after}")
    return _finish(f"{head} {after}")


def _without_time(text: str, folded: str, start: int, end: int) -> str:
    piece, piece_folded = text[start:end], folded[start:end]
    kept = []
    last = 0
    for match in _TIME_ANYWHERE.finditer(piece_folded):
        kept.append(piece[last : match.start()])
        last = match.end()
    kept.append(piece[last:])
    result = clean(" ".join(kept))
    result = result.lstrip("-+•–, ")
    noise = _NOISE_START.match(fold(result))
    return result[noise.end() :] if noise else result


def _phrase_after(text: str, folded: str, at: int, level_split: bool) -> str:
    rest, rest_folded = text[at:], folded[at:]
    stop = _STOP.search(rest_folded)
    cut = stop.start() if stop else len(rest)
    if level_split:
        level = _LEVEL.search(rest_folded)
        if level and level.start() < cut:
            cut = level.start()
            rest = re.sub(r"\s+(tại|ở|của)\s*$", "", rest[:cut])
    phrase = re.sub(r"\s*\btrở (lên|xuống)\b", "", clean(rest[:cut]), flags=re.IGNORECASE)
    filler = _LEADING_FILLERS.match(fold(phrase))
    return clean(phrase[filler.end() :] if filler else phrase)


def _predicate_after_levels(text: str) -> str:
    folded = fold_aligned(text)
    mentions = list(_LEVEL.finditer(folded))
    if not mentions:
        return ""
    tail = text[mentions[-1].end() :]
    stop = _STOP.search(fold_aligned(tail))
    return clean(tail[: stop.start()] if stop else tail)


def _strip_brackets(text: str) -> str:
    return clean(re.sub(r"\([^)]*\)", " ", text))


def _lower(text: str) -> str:
    """Lower-case the first word unless it is an acronym ("GRDP", "CNTT")."""
    words = clean(text).split(" ")
    if words and words[0] and not words[0].isupper():
        words[0] = words[0].lower()
    return " ".join(words)


def _finish(text: str) -> str | None:
    words = clean(text).strip(" ,;:.-").split(" ")[:_MAX_HINT_WORDS]
    phrase = " ".join(words).strip(" ,;:.-")
    if not phrase:
        return None
    return phrase[0].upper() + phrase[1:]
