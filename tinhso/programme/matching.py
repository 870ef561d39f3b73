"""Agency names as documents write them → the agencies responsible today.

A 2022 scheme of Thái Bình writes "Sở TT&TT", "Sở Thông tin và Truyền thông", "UBND huyện,
thành phố". The matcher knows every agency that ever existed in the programme's province and
in the province that carries it on (Thái Bình and Hưng Yên), under its current and former
names, its short name and aliases, and a generic abbreviation (initials after the head word:
"Sở KH&ĐT" = "Sở Kế hoạch và Đầu tư"). A match is then followed through mergers to the
agency in charge today. Collective phrases ("UBND huyện, thành phố") stand for several
agencies; a user's one-off mapping (:class:`AgencyNameMapping`) wins over everything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from tinhso.core.text import clean, fold
from tinhso.org.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel
from tinhso.org.selectors import agency_successor_on
from tinhso.org.units import unit_successors_on

from .models import AgencyNameMapping

# Head words kept whole in the abbreviation key, and abbreviations expanded before matching.
_HEADS = ("so", "ban", "uy ban nhan dan", "van phong", "thanh tra", "trung tam", "phong", "cong an", "bao", "dai")
_EXPANSIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "vp": "van phong",
    "tp": "thanh pho",
    "bql": "ban quan ly",
    "ttpvhcc": "trung tam phuc vu hanh chinh cong",
}
_STOP_WORDS = {"va", "cac"}
_PROVINCE_SUFFIX = re.compile(r"\s+(tinh|thanh pho)\s+[a-z ]+$")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPLIT = re.compile(r"\s*[;\n]\s*|\s*,\s*")

# Collective phrases (folded) → which agencies they stand for: a kind filter on the province's
# agencies at the document's date. None means "not an agency": kept as text only.
_COLLECTIVE: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"^(cac )?so,? ban,? nganh( thuoc tinh| tinh)?$"), "departments"),
    (re.compile(r"^(cac )?so,? nganh( tinh)?$"), "departments"),
    (
        re.compile(r"^(ubnd|uy ban nhan dan) (cac )?huyen,? (thi xa,? )?thanh pho(,? xa,? phuong,? thi tran)?$"),
        "districts",
    ),
    (re.compile(r"^(ubnd|uy ban nhan dan) cap huyen$"), "districts"),
    (re.compile(r"^(ubnd|uy ban nhan dan) (cap xa|cac xa,? phuong(,? thi tran)?(,? dac khu)?)$"), "communes"),
    (re.compile(r"^(cac )?so,? ban,? nganh (co )?lien quan$"), None),
    (re.compile(r"^(cac )?(co quan|don vi)(,? don vi)? (co )?lien quan$"), None),
    (re.compile(r"^(cac )?co quan,? don vi thuoc nguon nop luu\b.*$"), None),
    (re.compile(r"^(cac )?co so dao tao\b.*$"), None),
    (re.compile(r"^(cac )?(don vi|co quan) bao chi\b.*$"), None),
    (re.compile(r"^(cac )?doanh nghiep\b.*$"), None),
]


def abbreviation_key(name: str) -> str:
    """Head word + initials of a full name: 'Sở Kế hoạch và Đầu tư' → 'so khdt', the same key
    :func:`_initials_of_abbreviation` gives for 'Sở KH&ĐT'. Empty for names already abbreviated."""
    words = _NON_WORD.sub(" ", fold(name).replace("&", " ").replace("-", " ")).split()
    text = " ".join(_EXPANSIONS.get(word, word) for word in words)
    for head in _HEADS:
        if text.startswith(head + " "):
            rest = [word for word in text[len(head) :].split() if word not in _STOP_WORDS]
            if not any(len(word) > 3 for word in rest):
                return ""
            return f"{head} {''.join(word[0] for word in rest)}"
    return ""


def _initials_of_abbreviation(text: str) -> str:
    """'Sở TT&TT' → 'so tttt': abbreviations are already initials; join them."""
    folded = fold(text).replace("&", " ").replace("-", " ").replace(",", " ")
    words = [_EXPANSIONS.get(word, word) for word in _NON_WORD.sub(" ", folded).split()]
    text = " ".join(words)
    for head in _HEADS:
        if text.startswith(head + " "):
            rest = [word for word in text[len(head) :].split() if word not in _STOP_WORDS]
            return f"{head} {''.join(rest)}"
    return ""


def name_keys(name: str) -> set[str]:
    """Every key under which ``name`` should be found."""
    folded = _NON_WORD.sub(" ", fold(name).replace("&", " ").replace("-", " "))
    base = " ".join(_EXPANSIONS.get(word, word) for word in folded.split())
    keys = {base}
    without_province = _PROVINCE_SUFFIX.sub("", base)
    keys.add(without_province)
    for candidate in (base, without_province):
        abbreviated = abbreviation_key(candidate)
        if abbreviated:
            keys.add("abbr:" + abbreviated)
    return {key for key in keys if key}


def query_keys(text: str) -> list[str]:
    """Keys to try for a name as written, most specific first."""
    folded = _NON_WORD.sub(" ", fold(text).replace("&", " ").replace("-", " "))
    base = " ".join(_EXPANSIONS.get(word, word) for word in folded.split())
    keys = [base, _PROVINCE_SUFFIX.sub("", base)]
    for candidate in (base, keys[1]):
        for abbreviated in (abbreviation_key(candidate), _initials_of_abbreviation(candidate)):
            if abbreviated:
                keys.append("abbr:" + abbreviated)
    return [key for key in dict.fromkeys(keys) if key]


@dataclass(frozen=True)
class Match:
    text: str
    agencies: tuple[Agency, ...]  # today's agencies in charge (empty when unmatched or not an agency)
    how: str  # "name", "abbreviation", "mapping", "collective", "not_agency", "unmatched"

    @property
    def matched(self) -> bool:
        return self.how != "unmatched"


@dataclass
class AgencyMatcher:
    """Matches names within the provinces of a programme, as of the document's date."""

    provinces: list[AdministrativeUnit]
    document_date: dt.date
    today: dt.date = field(default_factory=timezone.localdate)

    def __post_init__(self) -> None:
        self._index: dict[str, set[int]] = defaultdict(set)
        self._agencies: dict[int, Agency] = {}
        province_ids = {unit.pk for unit in self.provinces}
        # Only the programme's provinces, filtered in SQL: every province's agencies are loaded.
        in_provinces = (
            Q(unit__in=province_ids) | Q(unit__parent__in=province_ids) | Q(unit__parent__parent__in=province_ids)
        )
        for agency in (
            Agency.objects.filter(in_provinces)
            .select_related("unit", "unit__parent", "unit__parent__parent")
            .prefetch_related("names")
        ):
            if agency.unit.province.pk not in province_ids:
                continue
            self._agencies[agency.pk] = agency
            names = [agency.name, agency.short_name, *agency.aliases, *(former.name for former in agency.names.all())]
            for name in filter(None, names):
                for key in name_keys(name):
                    self._index[key].add(agency.pk)
        self._mappings = {
            mapping.text_folded: mapping
            for mapping in AgencyNameMapping.objects.filter(province__in=self.provinces).select_related("agency")
        }

    def _current(self, agency: Agency) -> Agency:
        return agency_successor_on(agency=agency, day=self.today)

    def _pick(self, ids: set[int]) -> list[Agency]:
        """Among same-named agencies ("Sở Tài chính" of Thái Bình and of Hưng Yên) prefer the
        one active on the document's date in the province that issued the document."""
        candidates = [self._agencies[pk] for pk in ids]
        active = [agency for agency in candidates if agency.is_active_on(self.document_date)] or candidates
        issuing = [agency for agency in active if agency.unit.province.pk == self.provinces[0].pk]
        return issuing or active

    def _collective(self, kind: str) -> tuple[Agency, ...]:
        day = self.document_date
        if kind == "departments":
            chosen = [
                a
                for a in self._agencies.values()
                if a.kind == AgencyKind.DEPARTMENT
                and a.is_active_on(day)
                and a.parent is not None
                and a.parent.kind == AgencyKind.PEOPLES_COMMITTEE
                and a.parent.parent_id is None
            ]
        else:  # the district or commune people's committees of the time
            level = UnitLevel.DISTRICT if kind == "districts" else UnitLevel.COMMUNE
            chosen = [
                a
                for a in self._agencies.values()
                if a.kind == AgencyKind.PEOPLES_COMMITTEE and a.is_active_on(day) and a.unit.level == level
            ]
        return tuple(dict.fromkeys(self._current(agency) for agency in chosen))

    def match(self, text: str) -> Match:
        text = clean(text).strip(" .;,")
        folded = fold(text)
        mapping = self._mappings.get(folded)
        if mapping is not None:
            agencies = (self._current(mapping.agency),) if mapping.agency else ()
            return Match(text, agencies, "mapping")
        for pattern, kind in _COLLECTIVE:
            if pattern.match(folded):
                if kind is None:
                    return Match(text, (), "not_agency")
                return Match(text, self._collective(kind), "collective")
        for key in query_keys(text):
            ids = self._index.get(key)
            if ids:
                picked = self._pick(ids)
                if len(picked) == 1:
                    how = "abbreviation" if key.startswith("abbr:") else "name"
                    return Match(text, (self._current(picked[0]),), how)
        return Match(text, (), "unmatched")

    def split(self, cell: str) -> list[str]:
        """Split a cell listing several agencies, keeping names and collective phrases that
        contain commas whole, and reading an elliptical "Sở TT&TT, TNMT, XD" as three Sở."""
        cell = clean(cell).replace("…", "").replace("...", "")
        if not cell:
            return []
        if self._whole(cell):
            return [cell]
        pieces = [piece.strip(" .") for piece in _SPLIT.split(cell) if piece.strip(" .")]
        merged: list[str] = []
        index = 0
        while index < len(pieces):
            # Greedily rejoin the longest run of pieces that is a known name or phrase.
            for end in range(len(pieces), index, -1):
                candidate = ", ".join(pieces[index:end])
                if end - index == 1 or self._whole(candidate):
                    merged.append(candidate)
                    index = end
                    break
        head = ""
        result: list[str] = []
        for piece in merged:
            piece = re.sub(r"^(và|các)\s+", "", piece, flags=re.IGNORECASE)
            words = piece.split()
            if words and words[0].lower() in {"sở", "ban", "phòng"}:
                head = words[0]
            elif head and piece.replace("&", "").replace("Đ", "D").isupper() and len(piece) <= 12:
                piece = f"{head} {piece}"
            result.append(piece)
        return result

    def _whole(self, text: str) -> bool:
        folded = fold(text)
        if folded in self._mappings or any(pattern.match(folded) for pattern, _ in _COLLECTIVE):
            return True
        return any(key in self._index for key in query_keys(text)[:2])


def programme_provinces(province: AdministrativeUnit, today: dt.date | None = None) -> list[AdministrativeUnit]:
    """The province that issued a programme and the province(s) carrying it on today."""
    units = [province, *unit_successors_on(province, today or timezone.localdate())]
    return list({unit.pk: unit for unit in units}.values())


def collective_kind(text: str) -> str | None:
    """Which group a collective phrase stands for: "departments" ("Các sở, ban, ngành"),
    "districts" ("UBND các huyện, thành phố"), "communes" ("UBND các xã, phường"); None for a
    name or for a phrase that is not an agency ("các cơ quan liên quan")."""
    folded = fold(clean(text).strip(" .;,"))
    for pattern, kind in _COLLECTIVE:
        if pattern.match(folded):
            return kind
    return None
