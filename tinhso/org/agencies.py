"""The agencies of every province, as data: loading the shipped list.

``data/agencies/agencies.csv.gz`` and ``agency_successions.csv.gz`` (written by
``scripts/build_agencies_data.py``, sources in ``data/AGENCIES_SOURCES.md``) hold, for the 34
provinces, the UBND tỉnh, its Văn phòng and service centre, the departments of Decrees 45/2025
and 150/2025, every commune's UBND, offices and service centre; for the 63 provinces before
July 2025, the departments under their old names and the district UBNDs; and the successions
that carry each old agency on. :func:`agencies_load` brings the database in line with them.

Speed: rows are written with ``bulk_create`` (one statement per thousand rows), the tree paths
with one ``executemany``, and one ledger event records the load with its counts and the
SHA-256 of the files, as :func:`tinhso.org.units.units_load` does.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tinhso.core.errors import DomainError
from tinhso.core.text import clean, fold
from tinhso.ledger.services import ledger_append

from .models import REORGANISATION_DATE, AdministrativeUnit, Agency, AgencyName, AgencySuccession, Person

DATA_DIR = Path(__file__).resolve().parent / "data" / "agencies"
AGENCIES_FILE = DATA_DIR / "agencies.csv.gz"
SUCCESSIONS_FILE = DATA_DIR / "agency_successions.csv.gz"
PRE2025_LAST_DAY = REORGANISATION_DATE - dt.timedelta(days=1)
BATCH_SIZE = 1000


class AgenciesDataError(DomainError):
    """The shipped agency data cannot be loaded as it stands (units missing, a province code
    unknown). Raised before anything is written."""


@dataclass(frozen=True)
class AgenciesLoadReport:
    """What :func:`agencies_load` did: rows created and rows already there (kept as they are:
    a province may have corrected them), per kind and per province."""

    province: str | None
    agencies_created: int
    agencies_existing: int
    successions_created: int
    successions_existing: int
    per_kind: dict[str, int]
    provinces: int
    sources: dict[str, str]
    seconds: float
    ledger_recorded: bool


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8"))))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def province_codes() -> list[str]:
    """GSO codes of the provinces the shipped data covers (today's 34)."""
    return sorted({row["province"] for row in _rows(AGENCIES_FILE)})


def _unit_index() -> dict[tuple[str, str, str], int]:
    index: dict[tuple[str, str, str], int] = {}
    for pk, level, code, valid_to in AdministrativeUnit.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to=PRE2025_LAST_DAY)
    ).values_list("pk", "level", "code", "valid_to"):
        index[(level, code, "current" if valid_to is None else "pre2025")] = pk
    return index


def _depth(key: str, parents: dict[str, str]) -> int:
    depth = 0
    while parents.get(key):
        key = parents[key]
        depth += 1
        if depth > 20:
            raise AgenciesDataError(_("Dữ liệu cơ quan có vòng lặp cấp trên ở “%(key)s”.") % {"key": key})
    return depth


_INSERT_FIELDS = (
    "key",
    "name",
    "name_folded",
    "short_name",
    "aliases",
    "kind",
    "parent_id",
    "unit_id",
    "valid_from",
    "valid_to",
    "source",
    "confirmed_on",
    "code",
    "path",
)


def _insert_agencies(
    new_rows: list[dict[str, str]],
    parents: dict[str, str],
    ids: dict[str, int],
    paths: dict[str, str],
    units: dict[tuple[str, str, str], int],
) -> int:
    """Insert ``new_rows`` parents first, one ``executemany`` per tree depth, then read their ids
    back by key (unique) and write their paths in one more ``executemany``: the ORM's
    bulk_create spends most of its time compiling SQL for 18,000 rows, this does not."""
    table = connection.ops.quote_name(Agency._meta.db_table)
    column_of = {field.attname: field.column for field in Agency._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in _INSERT_FIELDS)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_INSERT_FIELDS))})"  # noqa: S608
    aliases_field = Agency._meta.get_field("aliases")
    date = connection.ops.adapt_datefield_value
    by_depth: dict[int, list[dict[str, str]]] = {}
    for row in new_rows:
        by_depth.setdefault(_depth(row["key"], parents), []).append(row)
    with connection.cursor() as cursor:
        for depth in sorted(by_depth):
            batch = by_depth[depth]
            values = []
            for row in batch:
                name = clean(row["name"])
                aliases = [clean(alias) for alias in json.loads(row["aliases"] or "[]") if clean(alias)]
                values.append(
                    (
                        row["key"],
                        name,
                        fold(name),
                        clean(row["short_name"]),
                        aliases_field.get_db_prep_save(aliases, connection),
                        row["kind"],
                        ids[row["parent"]] if row["parent"] else None,
                        units[(row["unit_level"], row["unit_code"], row["unit_era"])],
                        date(_date(row["valid_from"])),
                        date(_date(row["valid_to"])),
                        clean(row["source"])[:300],
                        None,
                        "",
                        "/",
                    )
                )
            cursor.executemany(insert, values)
            keys = [row["key"] for row in batch]
            for start in range(0, len(keys), BATCH_SIZE):
                ids.update(Agency.objects.filter(key__in=keys[start : start + BATCH_SIZE]).values_list("key", "pk"))
            updates = []
            for row in batch:
                parent_path = paths[row["parent"]] if row["parent"] else "/"
                paths[row["key"]] = f"{parent_path}{ids[row['key']]}/"
                updates.append((paths[row["key"]], ids[row["key"]]))
            cursor.executemany(f"UPDATE {table} SET path = %s WHERE id = %s", updates)  # noqa: S608
    return len(new_rows)


def agencies_load(*, actor: Person | None, province: str | None = None) -> AgenciesLoadReport:
    """Create the shipped agencies and successions that do not exist yet (matched by key and by
    (predecessor, successor)); ``province`` (a GSO code of today) limits the load to that
    province's agencies, with those of the old provinces it absorbed.

    Agencies that exist are left as they are (the demo's hand-typed ones, or a province's
    corrections). All or nothing, in one transaction, with one ledger event
    ("org.agencies.load") when something was created. Needs the units (``units_load``).
    """
    started = time.perf_counter()
    sources = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (AGENCIES_FILE, SUCCESSIONS_FILE)}
    rows = _rows(AGENCIES_FILE)
    links = _rows(SUCCESSIONS_FILE)
    if province is not None:
        code = clean(province).zfill(2)
        if code not in {row["province"] for row in rows}:
            raise AgenciesDataError(
                _("Không có dữ liệu cơ quan của tỉnh, thành phố mã “%(code)s”.") % {"code": clean(province)},
                code="unknown_province",
            )
        rows = [row for row in rows if row["province"] == code]
        links = [link for link in links if link["province"] == code]
    units = _unit_index()
    missing_units = {(row["unit_level"], row["unit_code"], row["unit_era"]) for row in rows} - units.keys()
    if missing_units:
        sample = ", ".join(f"{level} {code} ({era})" for level, code, era in sorted(missing_units)[:5])
        raise AgenciesDataError(
            _("Chưa có đơn vị hành chính cho %(count)d dòng dữ liệu cơ quan (chạy units_load trước): %(sample)s")
            % {"count": len(missing_units), "sample": sample},
            code="units_missing",
        )

    with transaction.atomic():
        existing = dict(Agency.objects.exclude(key__isnull=True).values_list("key", "pk"))
        paths = dict(Agency.objects.exclude(key__isnull=True).values_list("key", "path"))
        parents = {row["key"]: row["parent"] for row in rows}
        new_rows = [row for row in rows if row["key"] not in existing]
        unknown_parents = {
            row["parent"]
            for row in new_rows
            if row["parent"] and row["parent"] not in parents and row["parent"] not in existing
        }
        if unknown_parents:
            raise AgenciesDataError(
                _("Cơ quan cấp trên chưa có: %(keys)s") % {"keys": ", ".join(sorted(unknown_parents)[:5])},
                code="parent_missing",
            )
        created = _insert_agencies(new_rows, parents, existing, paths, units)
        former = [
            AgencyName(
                agency_id=existing[row["key"]],
                name=clean(item["name"]),
                name_folded=fold(clean(item["name"])),
                valid_from=_date(item.get("valid_from")),
                valid_to=_date(item.get("valid_to")),
            )
            for row in new_rows
            for item in json.loads(row["names"] or "[]")
        ]
        AgencyName.objects.bulk_create(former, batch_size=BATCH_SIZE)

        have = set(AgencySuccession.objects.values_list("predecessor_id", "successor_id"))
        ends = {end for link in links for end in (link["predecessor"], link["successor"])}
        missing_ends = ends - existing.keys()
        if missing_ends:
            raise AgenciesDataError(
                _("Quan hệ kế thừa trỏ tới cơ quan chưa có: %(keys)s") % {"keys": ", ".join(sorted(missing_ends)[:5])},
                code="succession_end_missing",
            )
        new_links = []
        for link in links:
            pair = (existing[link["predecessor"]], existing[link["successor"]])
            if pair in have:
                continue
            have.add(pair)
            new_links.append(
                AgencySuccession(
                    predecessor_id=pair[0],
                    successor_id=pair[1],
                    effective_date=dt.date.fromisoformat(link["effective_date"]),
                    kind=link["kind"],
                    source=clean(link["source"])[:300],
                )
            )
        AgencySuccession.objects.bulk_create(new_links, batch_size=BATCH_SIZE)
        per_kind = dict(Counter(row["kind"] for row in new_rows))
        changed = bool(created or new_links)
        if changed:
            ledger_append(
                actor=actor,
                action="org.agencies.load",
                object_type="org.agency",
                object_id=province or "*",
                payload={
                    "province": province,
                    "agencies": {"created": created, "existing": len(rows) - len(new_rows)},
                    "successions": {"created": len(new_links), "existing": len(links) - len(new_links)},
                    "per_kind": per_kind,
                    "sources": sources,
                },
            )
    return AgenciesLoadReport(
        province=province,
        agencies_created=created,
        agencies_existing=len(rows) - len(new_rows),
        successions_created=len(new_links),
        successions_existing=len(links) - len(new_links),
        per_kind=per_kind,
        provinces=len({row["province"] for row in rows}),
        sources=sources,
        seconds=round(time.perf_counter() - started, 3),
        ledger_recorded=changed,
    )
