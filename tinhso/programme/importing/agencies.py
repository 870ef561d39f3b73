"""Split an agency cell ("Đơn vị phối hợp") into the names it lists, as written.

Commas separate agencies, but also sit inside names ("Sở Văn hóa, Thể thao và Du lịch") and
inside collective phrases that stand for a group ("Các sở, ban, ngành", "UBND huyện, thành
phố"), which the agency matcher reads as one item. So semicolons and line breaks always split,
and a comma splits unless what follows it continues the name before it:

1. a known comma-containing name ("Văn hóa, Thể thao…", "Lao động, Thương binh…"), or the
   same shape in general: head word + one field, then a capitalised "X và Y" ("Sở Văn hóa,
   Thể thao và Du lịch");
2. a collective list: the part before the comma is a bare group noun ("Các sở", "ban",
   "UBND huyện") and the part after starts with one ("ngành liên quan", "thành phố");
3. after "Sở TT&TT", bare abbreviations ("TNMT, XD") are further departments: they get the
   head word ("Sở TNMT") so that the matcher can find them.

"…", "..." and "v.v." (the list goes on) are dropped.
"""

from __future__ import annotations

import re

from tinhso.core.text import clean, fold

_HARD_SPLIT = re.compile(r"\s*(?:;|\n|\r)\s*")
_BULLET = re.compile(r"^[-–—•+*]\s*")
_ELLIPSIS = re.compile(r"^(\.{2,}|…|v\.?\s?v\.?|vv)$")

# (end of the part before the comma, start of the part after) of names that contain a comma.
_KNOWN_COMMA_NAMES: tuple[tuple[str, str], ...] = (
    ("van hoa", "the thao"),
    ("van hoa", "thong tin"),
    ("van hoa", "khoa hoc"),
    ("lao dong", "thuong binh"),
    ("kinh te", "ha tang"),
    ("nong nghiep", "tai nguyen"),
)
_HEADS = ("so ", "bo ", "phong ", "ban ", "uy ban ", "cuc ", "chi cuc ", "trung tam ", "vien ", "hoi ")
_NOT_A_FIELD_START = (
    "so ",
    "bo ",
    "ubnd",
    "uy ban",
    "ban ",
    "phong ",
    "trung tam",
    "cac ",
    "cong an",
    "bao ",
    "dai ",
    "ngan hang",
    "cuc ",
    "chi cuc",
    "vien ",
    "truong ",
    "benh vien",
    "hoi ",
    "lien minh",
    "lien hiep",
    "hiep hoi",
    "tinh doan",
    "van phong",
    "kho bac",
    "bao hiem",
    "don vi",
    "doanh nghiep",
)
_GROUP_NOUNS = (
    "so",
    "ban",
    "nganh",
    "co quan",
    "don vi",
    "dia phuong",
    "huyen",
    "thi xa",
    "thanh pho",
    "xa",
    "phuong",
    "thi tran",
    "to chuc",
    "ca nhan",
    "doanh nghiep",
    "hoi",
    "doan the",
    "truong",
    "co so",
)
_GROUP = "|".join(sorted(_GROUP_NOUNS, key=len, reverse=True))
_BARE_GROUP = re.compile(rf"^(?:(?:cac|ubnd|uy ban nhan dan)\s+)?(?:cac\s+)?(?:{_GROUP})$")
_STARTS_WITH_GROUP = re.compile(rf"^(?:{_GROUP})\b")
_ABBREVIATION = re.compile(r"^[A-ZĐ][A-ZĐ&\-]{1,9}$")
_HEAD_WITH_ABBREVIATION = re.compile(r"^(Sở|Bộ)\s+[A-ZĐ][A-ZĐ&\-]{1,9}$")


def split_agencies(text: str | None) -> tuple[str, ...]:
    """ "Các sở, ban, ngành; UBND huyện, thành phố" → ("Các sở, ban, ngành", "UBND huyện, thành phố")."""
    items: list[str] = []
    for piece in _HARD_SPLIT.split(text or ""):
        items.extend(_split_commas(_BULLET.sub("", clean(piece))))
    return tuple(item for item in items if item)


def _split_commas(piece: str) -> list[str]:
    items: list[str] = []
    last_part = ""
    for raw in piece.split(","):
        part = clean(raw)
        if not part:
            continue
        if _ELLIPSIS.match(fold(part)) or _ELLIPSIS.match(part):
            continue
        if items and _continues(items[-1], last_part, part):
            items[-1] = f"{items[-1]}, {part}"
        elif items and _ABBREVIATION.match(part) and _HEAD_WITH_ABBREVIATION.match(items[0]):
            items.append(f"{items[0].split()[0]} {part}")
        else:
            items.append(part)
        last_part = part
    return [item.rstrip(".").strip() for item in items]


def _continues(item: str, last_part: str, part: str) -> bool:
    """Whether ``part`` (after a comma) belongs to the name or phrase ``item`` ends with."""
    before, after = fold(last_part), fold(part)
    if any(before.endswith(head) and after.startswith(tail) for head, tail in _KNOWN_COMMA_NAMES):
        return True
    if _is_name_with_comma(fold(item), part, after):
        return True
    return bool(_BARE_GROUP.match(before) and _STARTS_WITH_GROUP.match(after))


def _is_name_with_comma(item_folded: str, part: str, after: str) -> bool:
    """ "Sở Văn hóa" + "Thể thao và Du lịch": head + one field, then a capitalised "X và Y"."""
    return (
        item_folded.startswith(_HEADS)
        and " va " not in item_folded
        and "," not in item_folded
        and part[:1].isupper()
        and not _ABBREVIATION.match(part.split()[0])
        and " va " in f" {after} "
        and not after.startswith(_NOT_A_FIELD_START)
    )
