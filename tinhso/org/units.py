"""Vietnam's administrative units before and after the 1 July 2025 reorganisation.

Two eras live side by side in :class:`~tinhso.org.models.AdministrativeUnit`:

* the **current** units — 34 provinces and their communes (wards, communes, special zones),
  valid from 1/7/2025 — read from the installed ``vietnam-provinces`` package (2025.x);
* the **pre-2025** units — 63 provinces, their districts and communes, valid until 30/6/2025
  (start unknown) — read from ``data/units/units_pre2025.csv.gz``.

:class:`~tinhso.org.models.UnitSuccession` rows join them: every old province to the new one
that absorbed it (Resolution 202/2025/QH15), every old district to its new province (the tier
was abolished), every old commune to its new commune (``data/units/commune_successions.csv.gz``).
Where each file comes from is in ``data/units/SOURCES.md``; ``scripts/build_units_data.py``
writes them.

A code names a unit only together with a date (the new Hưng Yên keeps code 33, new communes
reuse an old commune's code), so every lookup here takes a day. Writes: :func:`units_load`.
Reads: :func:`unit_by_code`, :func:`unit_successors_on`, :func:`unit_components_on`,
:func:`unit_search`.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import importlib.metadata
import io
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.core.errors import NotFound
from tinhso.core.text import clean, fold, has_diacritics, match_key
from tinhso.ledger.services import ledger_append

from .models import (
    REORGANISATION_DATE,
    AdministrativeUnit,
    Person,
    SuccessionKind,
    UnitLevel,
    UnitSuccession,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "units"
PRE2025_FILE = DATA_DIR / "units_pre2025.csv.gz"
PROVINCE_SUCCESSIONS_FILE = DATA_DIR / "province_successions.csv"
COMMUNE_SUCCESSIONS_FILE = DATA_DIR / "commune_successions.csv.gz"
CURRENT_PACKAGE = "vietnam-provinces"

PRE2025_VALID_TO = REORGANISATION_DATE - dt.timedelta(days=1)
PROVINCE_SOURCE = "Nghị quyết 202/2025/QH15"
DISTRICT_SOURCE = "Nghị quyết 202/2025/QH15; Luật Tổ chức chính quyền địa phương 2025"
COMMUNE_SOURCE = (
    "Các nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã năm 2025 "
    "(đối chiếu theo dữ liệu vn-address-converter 0.1.3)"
)

CODE_WIDTH = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}
LEVEL_ORDER = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
LEVEL_SHORT_LABELS = {
    UnitLevel.PROVINCE: gettext_lazy("cấp tỉnh"),
    UnitLevel.DISTRICT: gettext_lazy("cấp huyện"),
    UnitLevel.COMMUNE: gettext_lazy("cấp xã"),
}
# Type words that open a unit's name, longest first. The sources keep them in some names and
# not others ("Tỉnh Thái Bình" in 0.6.0, "Hưng Yên" in 2025), so search ignores them.
# scripts/build_units_data.py keeps the same list (it runs without Django).
TYPE_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Quận", "Huyện", "Tỉnh", "Xã")
DIVISION_PREFIXES = tuple(fold(word) for word in TYPE_WORDS)  # as they appear in name_folded
BATCH_SIZE = 1000
_SEARCH_POOL = 200  # candidates ranked in SQL before the diacritics tie-break in Python


class UnitsDataError(Exception):
    """The shipped data and the installed package disagree (e.g. a succession names a code the
    package no longer has). Raised before anything is written."""


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

_Key = tuple[str, str, dt.date | None]  # (level, code, valid_to): unique per era by constraint


@dataclass(frozen=True)
class _PlannedUnit:
    level: str
    code: str
    name: str
    division_type: str
    parent: _Key | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    @property
    def key(self) -> _Key:
        return (self.level, self.code, self.valid_to)


@dataclass(frozen=True)
class _PlannedSuccession:
    predecessor: _Key
    successor: _Key
    kind: str
    partial: bool
    source: str


@dataclass(frozen=True)
class UnitsLoadReport:
    """What :func:`units_load` did. ``units_*``/``successions_*`` count rows created, updated
    and found already right; ``per_level`` counts the units the data holds per era and level."""

    units_created: int
    units_updated: int
    units_unchanged: int
    successions_created: int
    successions_updated: int
    successions_unchanged: int
    per_level: dict[str, int]
    successions_per_kind: dict[str, int]
    sources: dict[str, str]
    seconds: float
    ledger_recorded: bool

    @property
    def changed(self) -> bool:
        return bool(self.units_created or self.units_updated or self.successions_created or self.successions_updated)


@dataclass
class _Sources:
    units: list[_PlannedUnit] = field(default_factory=list)
    successions: list[_PlannedSuccession] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    data = path.read_bytes()
    text = gzip.decompress(data).decode("utf-8") if path.suffix == ".gz" else data.decode("utf-8")
    yield from csv.DictReader(io.StringIO(text))


def _pad(code: str | int, level: str) -> str:
    return str(code).strip().zfill(CODE_WIDTH[UnitLevel(level)])


def _read_sources() -> _Sources:
    """Everything the load will write, read and cross-checked before the transaction opens."""
    sources = _Sources()

    package_file = resources.files("vietnam_provinces") / "data" / "nested-divisions.json"
    package_bytes = package_file.read_bytes()
    sources.digests[f"{CURRENT_PACKAGE}=={importlib.metadata.version(CURRENT_PACKAGE)}"] = _sha256(package_bytes)
    for path in (PRE2025_FILE, PROVINCE_SUCCESSIONS_FILE, COMMUNE_SUCCESSIONS_FILE):
        sources.digests[path.name] = _sha256(path.read_bytes())

    province, district, commune = UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE
    new = REORGANISATION_DATE
    for item in json.loads(package_bytes.decode("utf-8")):
        code = _pad(item["code"], province)
        sources.units.append(_PlannedUnit(province, code, item["name"], item["division_type"], None, new, None))
        sources.units += [
            _PlannedUnit(
                commune,
                _pad(ward["code"], commune),
                ward["name"],
                ward["division_type"],
                (province, code, None),
                new,
                None,
            )
            for ward in item["wards"]
        ]

    parent_level: dict[str, UnitLevel] = {district: province, commune: district}
    for row in _csv_rows(PRE2025_FILE):
        level = row["level"]
        parent = (parent_level[level], row["parent_code"], PRE2025_VALID_TO) if row["parent_code"] else None
        sources.units.append(
            _PlannedUnit(
                level,
                row["code"],
                row["name"],
                row["division_type"],
                parent,
                None,
                PRE2025_VALID_TO,
            )
        )

    known = {unit.key for unit in sources.units}
    old_province_to_new = {row["old_code"]: row["new_code"] for row in _csv_rows(PROVINCE_SUCCESSIONS_FILE)}
    old_provinces = {unit.code for unit in sources.units if unit.level == province and unit.valid_to}
    new_provinces = {unit.code for unit in sources.units if unit.level == province and not unit.valid_to}
    if set(old_province_to_new) != old_provinces or set(old_province_to_new.values()) != new_provinces:
        raise UnitsDataError(
            f"{PROVINCE_SUCCESSIONS_FILE.name} must map each of the {len(old_provinces)} old provinces "
            f"to one of the {len(new_provinces)} current ones and reach them all"
        )
    _add_successions(
        sources,
        province,
        province,
        old_province_to_new,
        PROVINCE_SOURCE,
        partial_codes=set(),
    )
    sources.successions += [
        _PlannedSuccession(
            unit.key,
            (province, old_province_to_new[unit.parent[1]], None),
            SuccessionKind.ABOLISH,
            False,
            DISTRICT_SOURCE,
        )
        for unit in sources.units
        if unit.level == district and unit.parent is not None
    ]
    commune_targets: dict[str, set[str]] = defaultdict(set)
    partial: set[str] = set()
    for row in _csv_rows(COMMUNE_SUCCESSIONS_FILE):
        commune_targets[row["old_code"]].add(row["new_code"])
        if row["partial"] == "1":
            partial.add(row["old_code"])
    _add_successions(sources, commune, commune, commune_targets, COMMUNE_SOURCE, partial_codes=partial)

    missing = {
        key
        for succession in sources.successions
        for key in (succession.predecessor, succession.successor)
        if key not in known
    }
    if missing:
        sample = ", ".join(f"{level} {code}" for level, code, _day in sorted(missing, key=str)[:10])
        raise UnitsDataError(
            f"{len(missing)} succession ends are not among the units (installed {CURRENT_PACKAGE} "
            f"differs from the one the data was built against?): {sample}"
        )
    return sources


def _add_successions(
    sources: _Sources,
    old_level: str,
    new_level: str,
    targets: dict[str, str] | dict[str, set[str]],
    source: str,
    *,
    partial_codes: set[str],
) -> None:
    """Old→new pairs with a kind that describes the new unit: ``merge`` when it has several
    predecessors, ``split`` for a share of a divided old unit, otherwise ``rename`` — the unit
    carried on (same territory) in the new era, possibly under the same name and code, as
    Thanh Hóa and Hà Nội did. The model has no kind for "re-established unchanged"."""
    pairs = [(old, new) for old, news in targets.items() for new in ([news] if isinstance(news, str) else sorted(news))]
    predecessors_of: dict[str, int] = defaultdict(int)
    for _old, new in pairs:
        predecessors_of[new] += 1
    for old, new in pairs:
        if old in partial_codes:
            kind = SuccessionKind.SPLIT
        elif predecessors_of[new] > 1:
            kind = SuccessionKind.MERGE
        else:
            kind = SuccessionKind.RENAME
        sources.successions.append(
            _PlannedSuccession(
                (old_level, old, PRE2025_VALID_TO),
                (new_level, new, None),
                kind,
                old in partial_codes,
                source,
            )
        )


def _batched(items: list[AdministrativeUnit]) -> Iterable[list[AdministrativeUnit]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


_UNIT_FIELDS = ["name", "name_folded", "division_type", "parent", "valid_from"]
_SUCCESSION_FIELDS = ["effective_date", "kind", "partial", "source"]


def _sync_units(planned_units: list[_PlannedUnit]) -> tuple[dict[_Key, AdministrativeUnit], list[int]]:
    """Create or correct the planned units; the index of every unit by key, and the counts
    [created, updated, unchanged]."""
    index: dict[_Key, AdministrativeUnit] = {
        (unit.level, unit.code, unit.valid_to): unit
        for unit in AdministrativeUnit.objects.only("pk", *_UNIT_FIELDS, "level", "code", "valid_to")
    }
    counts = [0, 0, 0]
    # Parents before children, so that each level finds its parents' ids in the index.
    for level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        for planned in (unit for unit in planned_units if unit.level == level):
            name = clean(planned.name)
            values = {
                "name": name,
                "name_folded": fold(name),
                "division_type": clean(planned.division_type),
                "parent_id": index[planned.parent].pk if planned.parent else None,
                "valid_from": planned.valid_from,
            }
            existing = index.get(planned.key)
            if existing is None:
                to_create.append(
                    AdministrativeUnit(level=planned.level, code=planned.code, valid_to=planned.valid_to, **values)
                )
            elif any(getattr(existing, attribute) != value for attribute, value in values.items()):
                for attribute, value in values.items():
                    setattr(existing, attribute, value)
                to_update.append(existing)
            else:
                counts[2] += 1
        for batch in _batched(to_create):
            AdministrativeUnit.objects.bulk_create(batch)
        if to_create and to_create[0].pk is None:  # a backend that cannot return new ids
            to_create = list(AdministrativeUnit.objects.filter(level=level))
        index.update({(unit.level, unit.code, unit.valid_to): unit for unit in to_create})
        AdministrativeUnit.objects.bulk_update(to_update, _UNIT_FIELDS, batch_size=BATCH_SIZE)
        counts[0] += len(to_create)
        counts[1] += len(to_update)
    return index, counts


def _sync_successions(
    planned_successions: list[_PlannedSuccession],
    index: dict[_Key, AdministrativeUnit],
) -> list[int]:
    """Create or correct the planned successions; the counts [created, updated, unchanged]."""
    existing = {(item.predecessor_id, item.successor_id): item for item in UnitSuccession.objects.all()}
    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    unchanged = 0
    for planned in planned_successions:
        values = {
            "effective_date": REORGANISATION_DATE,
            "kind": str(planned.kind),
            "partial": planned.partial,
            "source": planned.source,
        }
        pair = (index[planned.predecessor].pk, index[planned.successor].pk)
        found = existing.get(pair)
        if found is None:
            to_create.append(UnitSuccession(predecessor_id=pair[0], successor_id=pair[1], **values))
        elif any(getattr(found, attribute) != value for attribute, value in values.items()):
            for attribute, value in values.items():
                setattr(found, attribute, value)
            to_update.append(found)
        else:
            unchanged += 1
    UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    UnitSuccession.objects.bulk_update(to_update, _SUCCESSION_FIELDS, batch_size=BATCH_SIZE)
    return [len(to_create), len(to_update), unchanged]


def units_load(*, actor: Person | None = None) -> UnitsLoadReport:
    """Bring the administrative units and their successions in line with the shipped data.

    Idempotent: rows are matched on (level, code, era) and on (predecessor, successor), so a
    second run writes nothing. Units or successions absent from the data are left alone (other
    records may point at them). All or nothing, in one transaction, with one ledger event
    ("org.units.load", counts and the SHA-256 of every source) when something changed; a run
    that changes nothing records no event, so the ledger holds one entry per real change.
    """
    started = time.perf_counter()
    sources = _read_sources()
    per_level: dict[str, int] = defaultdict(int)
    for unit in sources.units:
        per_level[f"{unit.level}_{'current' if unit.valid_to is None else 'pre2025'}"] += 1
    per_kind: dict[str, int] = defaultdict(int)
    for succession in sources.successions:
        per_kind[str(succession.kind)] += 1

    with transaction.atomic():
        index, units = _sync_units(sources.units)
        successions = _sync_successions(sources.successions, index)
        changed = bool(units[0] or units[1] or successions[0] or successions[1])
        if changed:
            ledger_append(
                actor=actor,
                action="org.units.load",
                object_type="org.administrativeunit",
                object_id="*",
                payload={
                    "units": dict(zip(("created", "updated", "unchanged"), units, strict=True)),
                    "successions": dict(zip(("created", "updated", "unchanged"), successions, strict=True)),
                    "per_level": dict(per_level),
                    "successions_per_kind": dict(per_kind),
                    "sources": sources.digests,
                },
            )
    return UnitsLoadReport(
        units_created=units[0],
        units_updated=units[1],
        units_unchanged=units[2],
        successions_created=successions[0],
        successions_updated=successions[1],
        successions_unchanged=successions[2],
        per_level=dict(per_level),
        successions_per_kind=dict(per_kind),
        sources=sources.digests,
        seconds=round(time.perf_counter() - started, 3),
        ledger_recorded=changed,
    )


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Successor:
    """A unit valid on the asked day that carries on an older unit.

    ``effective_date``/``kind``/``partial`` describe the last succession step that reached it
    (``None``/``None``/``False`` for the unit itself, still valid). ``via_parent`` is true when
    the old unit has no succession of its own (a commune the mapping lacks) and the answer is
    what its parent became: the smallest current unit known to contain it.
    """

    unit: AdministrativeUnit
    effective_date: dt.date | None
    kind: str | None
    partial: bool
    via_parent: bool


def _sort_key(unit: AdministrativeUnit) -> tuple[int, str, str]:
    return (LEVEL_ORDER[UnitLevel(unit.level)], unit.code, str(unit.valid_to or ""))


def normalise_code(code: str, level: str | None = None) -> tuple[str, str] | None:
    """("34") → ("province", "34"); ("336") → district; ("70") with level commune → "00070".

    Without a level, the length says it: up to 2 digits a province, 3 a district, else a
    commune. ``None`` if ``code`` is not a number.
    """
    digits = clean(code)
    if not digits.isdigit() or (level is not None and level not in UnitLevel.values):
        return None
    if level is None:
        level = (
            UnitLevel.PROVINCE if len(digits) <= 2 else UnitLevel.DISTRICT if len(digits) == 3 else UnitLevel.COMMUNE
        )
    return str(level), _pad(digits, level)


def unit_by_code(code: str, *, level: str | None = None, on: dt.date | None = None) -> AdministrativeUnit:
    """The unit bearing ``code`` on ``on`` (default today); codes are reused across eras.

    Raises :class:`~tinhso.core.errors.NotFound` when no unit bore it that day.
    """
    day = on or timezone.localdate()
    normalised = normalise_code(code, level)
    unit = None
    if normalised is not None:
        unit = (
            AdministrativeUnit.objects.valid_on(day)
            .filter(level=normalised[0], code=normalised[1])
            .select_related("parent")
            .first()
        )
    if unit is None:
        raise NotFound(
            _("Không tìm thấy đơn vị hành chính có mã %(code)s vào ngày %(day)s.")
            % {"code": clean(code), "day": f"{day:%d/%m/%Y}"},
            code="unit_not_found",
        )
    return unit


def unit_successor_details(unit: AdministrativeUnit, on: dt.date | None = None) -> list[Successor]:
    """:func:`unit_successors_on` with how each successor was reached (for display)."""
    day = on or timezone.localdate()
    found: dict[int, Successor] = {}
    seen = {unit.pk}
    frontier = [Successor(unit, None, None, False, False)]
    while frontier:
        pending = []
        for step in frontier:
            if step.unit.is_valid_on(day):
                found.setdefault(step.unit.pk, step)
            elif step.unit.valid_to is not None and step.unit.valid_to < day:
                pending.append(step)  # ended: look for what carried it on (never for the unborn)
        if not pending:
            break
        steps_by_unit: dict[int, list[UnitSuccession]] = defaultdict(list)
        for succession in UnitSuccession.objects.filter(
            predecessor__in=[step.unit.pk for step in pending],
            effective_date__lte=day,
        ).select_related("successor", "successor__parent"):
            steps_by_unit[succession.predecessor_id].append(succession)
        frontier = []
        for step in pending:
            successions = steps_by_unit.get(step.unit.pk, [])
            if not successions and step.unit.parent_id and step.unit.parent_id not in seen:
                seen.add(step.unit.parent_id)
                parent = AdministrativeUnit.objects.get(pk=step.unit.parent_id)
                frontier.append(Successor(parent, None, None, step.partial, True))
            for succession in successions:
                if succession.successor_id in seen:
                    continue
                seen.add(succession.successor_id)
                frontier.append(
                    Successor(
                        succession.successor,
                        succession.effective_date,
                        succession.kind,
                        step.partial or succession.partial,
                        step.via_parent,
                    )
                )
    return sorted(found.values(), key=lambda item: _sort_key(item.unit))


def unit_successors_on(unit: AdministrativeUnit, on: dt.date | None = None) -> list[AdministrativeUnit]:
    """What ``unit`` is on ``on`` (default today): itself if still valid, else the units that
    carry it on, following successions that took effect by then, step after step.

    Thái Bình (34, until 30/6/2025) → [Hưng Yên (33)]; an old district → [its new province]; an
    old commune → [its new commune]. An old commune missing from the commune mapping answers
    with what its district became (its new province): see :class:`Successor`. Empty for a
    unit not yet established on ``on``.
    """
    return [item.unit for item in unit_successor_details(unit, on)]


def unit_components_on(unit: AdministrativeUnit, on: dt.date) -> list[AdministrativeUnit]:
    """The units of the same level that made up ``unit`` on ``on``: [unit] while it is valid,
    else its predecessors valid on that day, followed back step after step.

    The current Hưng Yên on 1/1/2024 → [Tỉnh Hưng Yên, Tỉnh Thái Bình]. Districts are not
    components of a new province (they are parts of its components), hence the same level.
    """
    if unit.is_valid_on(on):
        return [unit]
    found: dict[int, AdministrativeUnit] = {}
    seen = {unit.pk}
    frontier = [unit]
    while frontier:
        successions = UnitSuccession.objects.filter(
            successor__in=[item.pk for item in frontier],
            effective_date__gt=on,
            predecessor__level=unit.level,
        ).select_related("predecessor", "predecessor__parent")
        frontier = []
        for succession in successions:
            predecessor = succession.predecessor
            if predecessor.pk in seen:
                continue
            seen.add(predecessor.pk)
            if predecessor.is_valid_on(on):
                found[predecessor.pk] = predecessor
            elif predecessor.valid_from is not None and predecessor.valid_from > on:
                frontier.append(predecessor)  # itself formed after ``on``: look further back
    return sorted(found.values(), key=_sort_key)


def without_type_word(name: str) -> str:
    """``name`` without the type word it opens with, diacritics kept: "Tỉnh Thái Bình" → "Thái
    Bình"; "thanh pho hue" → "hue". A name that is only a type word stays as it is."""
    text = clean(name)
    folded = fold(text)
    for prefix in DIVISION_PREFIXES:
        # fold() keeps one character per NFC character, so lengths agree between the two.
        if folded.startswith(prefix + " "):
            return text[len(prefix) + 1 :]
    return text


def unit_search(
    query: str,
    *,
    level: str | None = None,
    on: dt.date | None = None,
    limit: int = 20,
) -> list[AdministrativeUnit]:
    """Units whose name or code matches ``query``, best first, from every era unless ``on``.

    Names compare diacritics-insensitively (``fold``), with or without their type word, so
    "thai binh", "Thái Bình" and "Tỉnh Thái Bình" all find Tỉnh Thái Bình, and "Hưng Yên"
    finds both the old "Tỉnh Hưng Yên" and the current "Hưng Yên". Order: the code, then the
    exact name, then the name without type word, then names starting with it, then names
    containing it; within a rank names spelt with the query's diacritics come first (when it
    has any), then provinces before districts before communes, current before old.
    """
    text = clean(query)
    if not text:
        return []
    folded = fold(text)
    bare = fold(without_type_word(text))
    typed_bare = [f"{prefix} {bare}" for prefix in DIVISION_PREFIXES]
    code = normalise_code(text, level)

    units = AdministrativeUnit.objects.all()
    if level:
        units = units.filter(level=level)
    if on:
        units = units.valid_on(on)
    by_code = Q(level=code[0], code=code[1]) if code else Q(pk__in=[])
    starts = Q(name_folded__startswith=folded)
    for name in typed_bare:
        starts |= Q(name_folded__startswith=name)
    candidates = list(
        units.filter(by_code | Q(name_folded__contains=bare))
        .annotate(
            rank=Case(
                When(by_code, then=Value(0)),
                When(name_folded=folded, then=Value(1)),
                When(name_folded__in=[bare, *typed_bare], then=Value(2)),
                When(starts, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            ),
            level_rank=Case(
                *(When(level=key, then=Value(value)) for key, value in LEVEL_ORDER.items()),
                output_field=IntegerField(),
            ),
        )
        .select_related("parent")
        .order_by("rank", "level_rank", F("valid_to").asc(nulls_first=True), "name_folded", "code")[:_SEARCH_POOL]
    )
    if has_diacritics(text):
        spelt = match_key(without_type_word(text))
        candidates.sort(key=lambda unit: (unit.rank, spelt not in match_key(unit.name)))
    return candidates[:limit]


def unit_label(unit: AdministrativeUnit) -> str:
    """A unit's name with its parents, for lists: "Phường Đề Thám, Thành phố Thái Bình, Tỉnh
    Thái Bình"."""
    parts = [unit.name]
    parent = unit.parent
    while parent is not None:
        parts.append(parent.name)
        parent = parent.parent
    return ", ".join(parts)
