"""Build the administrative-unit data files that Tỉnh số ships in ``tinhso/org/data/units/``.

Run once, by hand, when a source changes; the loader (``tinhso.org.units.units_load``) reads
only the files written here plus the installed ``vietnam-provinces`` package, so nothing is
downloaded at run time.

Inputs (unpacked wheels, not installed; see ``tinhso/org/data/units/SOURCES.md``):

* ``vietnam-provinces==0.6.0`` — the 63 provinces, 696 districts and 10,051 communes as they
  stood before 1 July 2025 (``--old``, default ``/tmp/vp06/...``);
* ``vn-address-converter==0.1.3`` (MIT) — old commune → new commune, by name
  (``--ward-mapping``, default ``/tmp/vn-address-converter/...``);
* the installed ``vietnam-provinces`` (2025.x) — the 34 provinces and their communes now, used
  to turn the new commune names into codes;
* ``province_successions.csv`` — written by hand from Resolution 202/2025/QH15; checked here.

Outputs: ``units_pre2025.csv.gz``, ``commune_successions.csv.gz`` and
``commune_successions_unmatched.txt``. The gzip files carry no timestamp, so rebuilding from the
same inputs gives byte-identical files (the loader records their SHA-256 in the ledger).

Usage::

    .venv/bin/python scripts/build_units_data.py [--old PATH] [--ward-mapping PATH]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinhso.core.text import clean, fold, match_key  # noqa: E402

OUT = ROOT / "tinhso" / "org" / "data" / "units"
DEFAULT_OLD = Path("/tmp/vp06/vietnam_provinces/data/nested-divisions.json")
DEFAULT_WARD_MAPPING = Path("/tmp/vn-address-converter/vn_address_converter/data/ward_mapping.json")

# Name prefixes that say the type of a unit, longest first so "Thị trấn" wins over a bare
# "Thị". The same list lives in tinhso/org/units.py (this script stays free of Django).
DIVISION_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "quận",
    "huyện",
    "tỉnh",
    "xã",
)
# What 0.6.0 should have said: it types every province "tỉnh", every district "huyện" and
# every commune "xã", so the type is taken from the name.
PROVINCE_TYPES = {"thành phố": "thành phố trung ương", "tỉnh": "tỉnh"}
DISTRICT_TYPES = {"thành phố": "thành phố", "thị xã": "thị xã", "quận": "quận", "huyện": "huyện"}
COMMUNE_TYPES = {"phường": "phường", "thị trấn": "thị trấn", "xã": "xã"}

EXPECTED_OLD_PROVINCES = 63
EXPECTED_NEW_PROVINCES = 34
EXPECTED_MERGED = 23  # new provinces formed from two or three old ones (Resolution 202/2025/QH15)
EXPECTED_UNCHANGED = 11
# Junk rows of the mapping that are not Vietnamese units (addresses abroad).
NOT_A_PROVINCE = {"foreign", "null"}

_NUMBER = re.compile(r"\b0+(\d)")
# Spelling noise between the sources: escaped or curly apostrophes ("B\\'lao", "H’leo"), a
# space after the apostrophe ("K' Dang"), en dashes ("Chân Mây – Lăng Cô").
_APOSTROPHE = re.compile(r"\\?['’‘ʼ`]\s*")
_DASH = re.compile(r"\s*[-–—]\s*")
# "Thị trấn NT Liên Sơn": NT (nông trường, state farm) is dropped by the mapping's names.
_STATE_FARM = re.compile(r"^nt\s+", re.IGNORECASE)


def split_prefix(name: str) -> tuple[str, str]:
    """("Tỉnh Thái Bình") → ("tỉnh", "Thái Bình"); a name without a known prefix → ("", name)."""
    name = clean(name)
    lowered = name.lower()
    for prefix in DIVISION_PREFIXES:
        if lowered.startswith(prefix + " "):
            return prefix, name[len(prefix) + 1 :]
    return "", name


def keys(name: str) -> tuple[str, str, str, str]:
    """Match keys from strictest to loosest: full name with diacritics, bare name with
    diacritics, then the same two without diacritics. "Phường 01" and "Phường 1" agree."""
    prefix, bare = split_prefix(_DASH.sub(" - ", _APOSTROPHE.sub("'", _NUMBER.sub(r"\1", clean(name)))))
    bare = _STATE_FARM.sub("", bare)
    full = f"{prefix} {bare}" if prefix else bare
    return match_key(full), match_key(bare), fold(full), fold(bare)


@dataclass
class Node:
    level: str
    code: str
    name: str
    division_type: str
    parent_code: str
    children: list[Node] = field(default_factory=list)


class NameIndex:
    """Units findable by any of their :func:`keys`; a key shared by two units finds neither."""

    def __init__(self, nodes: list[Node]) -> None:
        self._by_key: list[dict[str, list[Node]]] = [defaultdict(list) for _ in range(4)]
        for node in nodes:
            for position, key in enumerate(keys(node.name)):
                self._by_key[position][key].append(node)

    def find(self, name: str) -> Node | None:
        for position, key in enumerate(keys(name)):
            found = self._by_key[position].get(key, [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                return None  # ambiguous at this strictness: looser keys cannot do better
        return None


def typed(name: str, table: dict[str, str], fallback: str) -> str:
    prefix, _ = split_prefix(name)
    return table.get(prefix, fallback)


def read_old(path: Path) -> list[Node]:
    provinces: list[Node] = []
    for p in json.loads(path.read_text(encoding="utf-8")):
        province = Node(
            "province",
            f"{p['code']:02d}",
            clean(p["name"]),
            typed(p["name"], PROVINCE_TYPES, p["division_type"]),
            "",
        )
        for d in p["districts"]:
            district = Node(
                "district",
                f"{d['code']:03d}",
                clean(d["name"]),
                typed(d["name"], DISTRICT_TYPES, d["division_type"]),
                province.code,
            )
            district.children = [
                Node(
                    "commune",
                    f"{w['code']:05d}",
                    clean(w["name"]),
                    typed(w["name"], COMMUNE_TYPES, w["division_type"]),
                    district.code,
                )
                for w in d["wards"]
            ]
            province.children.append(district)
        provinces.append(province)
    return provinces


def read_new() -> list[Node]:
    source = resources.files("vietnam_provinces") / "data" / "nested-divisions.json"
    provinces: list[Node] = []
    for p in json.loads(source.read_text(encoding="utf-8")):
        province = Node("province", f"{p['code']:02d}", clean(p["name"]), p["division_type"], "")
        province.children = [
            Node("commune", f"{w['code']:05d}", clean(w["name"]), w["division_type"], province.code) for w in p["wards"]
        ]
        provinces.append(province)
    return provinces


def write_gzip_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(text.getvalue().encode("utf-8"))


def fail(message: str) -> None:
    sys.exit(f"build_units_data: {message}")


def check_province_successions(old: list[Node], new: list[Node]) -> None:
    """The hand-written table must cover every old and every new province exactly, with the
    names the sources give, and reproduce Resolution 202's 23 mergers and 11 unchanged."""
    old_by_code = {p.code: p for p in old}
    new_by_code = {p.code: p for p in new}
    if len(old_by_code) != EXPECTED_OLD_PROVINCES or len(new_by_code) != EXPECTED_NEW_PROVINCES:
        fail(f"sources have {len(old_by_code)} old / {len(new_by_code)} new provinces")
    with (OUT / "province_successions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen_old: Counter[str] = Counter(row["old_code"] for row in rows)
    errors = [f"old province {code} listed {n} times" for code, n in seen_old.items() if n > 1]
    for row in rows:
        old_unit, new_unit = old_by_code.get(row["old_code"]), new_by_code.get(row["new_code"])
        if old_unit is None or match_key(old_unit.name) != match_key(row["old_name"]):
            errors.append(f"old {row['old_code']} {row['old_name']!r} is not in the 0.6.0 data")
        if new_unit is None or match_key(new_unit.name) != match_key(row["new_name"]):
            errors.append(f"new {row['new_code']} {row['new_name']!r} is not in the 2025 data")
    errors += [f"old province {c} missing" for c in sorted(set(old_by_code) - set(seen_old))]
    targets = Counter(row["new_code"] for row in rows)
    errors += [f"new province {c} missing" for c in sorted(set(new_by_code) - set(targets))]
    merged = sum(1 for n in targets.values() if n > 1)
    unchanged = sum(1 for n in targets.values() if n == 1)
    if (merged, unchanged) != (EXPECTED_MERGED, EXPECTED_UNCHANGED):
        errors.append(f"{merged} merged / {unchanged} unchanged, expected 23 / 11")
    if errors:
        fail("province_successions.csv: " + "; ".join(errors))
    print(
        f"province_successions.csv: {len(rows)} old → {len(targets)} new provinces "
        f"({merged} merged, {unchanged} unchanged): OK"
    )


def build_commune_successions(
    old: list[Node],
    new: list[Node],
    mapping_path: Path,
) -> tuple[list[list[str]], list[str], Counter[str]]:
    mapping = json.loads(mapping_path.read_text(encoding="utf-8"))
    old_provinces = NameIndex(old)
    new_provinces = NameIndex(new)
    new_communes = {p.code: NameIndex(p.children) for p in new}
    stats: Counter[str] = Counter()
    unmatched: list[str] = []
    # Old code → new codes, kept apart by how the old commune was found: under the district the
    # mapping names (direct) or, when that district is unknown to 0.6.0 or lacks the name,
    # anywhere in the province (fallback). A direct match overrides a fallback one, so a name
    # that recurs in another district cannot pull a commune to a second successor.
    direct: dict[str, set[str]] = defaultdict(set)
    fallback: dict[str, set[str]] = defaultdict(set)
    fallback_where: dict[str, list[str]] = defaultdict(list)

    for province_name, districts in mapping.items():
        if fold(province_name) in NOT_A_PROVINCE:
            stats["skipped (no old unit named)"] += 1
            continue
        province = old_provinces.find(province_name)
        if province is None:
            unmatched.append(f"old province\t{province_name}")
            stats["old province not found"] += 1
            continue
        district_index = NameIndex(province.children)
        province_communes = NameIndex([w for d in province.children for w in d.children])
        renamed_districts = districts.get("legacy_district_mapping", {})
        for district_name, wards in districts.items():
            if district_name == "legacy_district_mapping":
                continue
            district = district_index.find(district_name) or district_index.find(
                renamed_districts.get(district_name, district_name)
            )
            commune_index = NameIndex(district.children) if district else None
            for ward_name, target in wards.items():
                if ward_name == "legacy_ward_mapping":
                    continue
                where = f"{province_name} / {district_name} / {ward_name}"
                if fold(target["new_provine_name"]) in NOT_A_PROVINCE:
                    stats["skipped (not a Vietnamese unit)"] += 1
                    continue
                stats["mapping rows"] += 1
                commune = commune_index.find(ward_name) if commune_index else None
                found_directly = commune is not None
                if commune is None:
                    commune = province_communes.find(ward_name)
                if commune is None:
                    unmatched.append(f"old commune\t{where}")
                    stats["old commune not found"] += 1
                    continue
                new_province = new_provinces.find(target["new_provine_name"])
                new_commune = new_communes[new_province.code].find(target["new_ward_name"]) if new_province else None
                if new_commune is None:
                    unmatched.append(f"new commune\t{where} → {target['new_provine_name']} / {target['new_ward_name']}")
                    stats["new commune not found"] += 1
                    continue
                if found_directly:
                    direct[commune.code].add(new_commune.code)
                else:
                    fallback[commune.code].add(new_commune.code)
                    fallback_where[commune.code].append(f"{where} → {new_commune.code} {new_commune.name}")

    targets: dict[str, set[str]] = dict(direct)
    for code, new_codes in fallback.items():
        if code not in direct:
            targets[code] = new_codes
        elif not new_codes <= direct[code]:
            stats["fallback rows overridden by a direct match"] += len(fallback_where[code])
            unmatched += [f"overridden by a direct match\t{line}" for line in fallback_where[code]]
    stats["old communes found province-wide"] = sum(1 for code in targets if code not in direct)
    check_same_province(old, new, targets)
    rows = [
        [old_code, new_code, "1" if len(new_codes) > 1 else "0"]
        for old_code, new_codes in sorted(targets.items())
        for new_code in sorted(new_codes)
    ]
    all_old = {w.code: f"{p.name} / {d.name} / {w.name}" for p in old for d in p.children for w in d.children}
    all_new = {w.code: f"{p.name} / {w.name}" for p in new for w in p.children}
    reached = {row[1] for row in rows}
    stats["old communes mapped"] = len(targets)
    stats["old communes (0.6.0)"] = len(all_old)
    stats["old communes mapped to several"] = sum(1 for t in targets.values() if len(t) > 1)
    stats["new communes reached"] = len(reached)
    stats["new communes (2025)"] = len(all_new)
    unmatched += [
        f"old commune without successor\t{code} {all_old[code]}" for code in sorted(set(all_old) - set(targets))
    ]
    unmatched += [f"new commune without predecessor\t{code} {all_new[code]}" for code in sorted(set(all_new) - reached)]
    return rows, unmatched, stats


def check_same_province(old: list[Node], new: list[Node], targets: dict[str, set[str]]) -> None:
    """In 2025 no commune changed province except with its whole province, so an old commune
    must land in the successor of its old province: a cheap test of every name match."""
    with (OUT / "province_successions.csv").open(encoding="utf-8", newline="") as handle:
        new_province_of_old = {row["old_code"]: row["new_code"] for row in csv.DictReader(handle)}
    old_province = {w.code: p.code for p in old for d in p.children for w in d.children}
    new_province = {w.code: p.code for p in new for w in p.children}
    wrong = [
        f"{old_code} → {new_code}"
        for old_code, new_codes in targets.items()
        for new_code in new_codes
        if new_province_of_old[old_province[old_code]] != new_province[new_code]
    ]
    if wrong:
        fail(f"{len(wrong)} commune successions cross a province boundary: {', '.join(wrong[:20])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, default=DEFAULT_OLD)
    parser.add_argument("--ward-mapping", type=Path, default=DEFAULT_WARD_MAPPING)
    args = parser.parse_args()
    for path in (args.old, args.ward_mapping):
        if not path.exists():
            fail(f"{path} is missing; see tinhso/org/data/units/SOURCES.md for how to fetch it")

    old, new = read_old(args.old), read_new()
    check_province_successions(old, new)

    units = [[p.level, p.code, p.name, p.division_type, ""] for p in old]
    units += [[d.level, d.code, d.name, d.division_type, d.parent_code] for p in old for d in p.children]
    units += [
        [w.level, w.code, w.name, w.division_type, w.parent_code] for p in old for d in p.children for w in d.children
    ]
    write_gzip_csv(
        OUT / "units_pre2025.csv.gz",
        ["level", "code", "name", "division_type", "parent_code"],
        units,
    )
    levels = Counter(row[0] for row in units)
    print(
        f"units_pre2025.csv.gz: {levels['province']} provinces, {levels['district']} districts, "
        f"{levels['commune']} communes"
    )

    rows, unmatched, stats = build_commune_successions(old, new, args.ward_mapping)
    write_gzip_csv(OUT / "commune_successions.csv.gz", ["old_code", "new_code", "partial"], rows)
    (OUT / "commune_successions_unmatched.txt").write_text(
        "# Written by scripts/build_units_data.py: names of vn-address-converter 0.1.3 that could not\n"
        "# be resolved to a code, and communes left without a predecessor or successor.\n"
        + "".join(line + "\n" for line in unmatched),
        encoding="utf-8",
    )
    rate = stats["old communes mapped"] / stats["old communes (0.6.0)"]
    print(
        f"commune_successions.csv.gz: {len(rows)} rows; "
        f"{stats['old communes mapped']} of {stats['old communes (0.6.0)']} old communes mapped "
        f"({rate:.2%}), {stats['new communes reached']} of {stats['new communes (2025)']} new reached"
    )
    for name, count in sorted(stats.items()):
        print(f"  {name}: {count}")
    print(f"unresolved names and gaps listed in {OUT / 'commune_successions_unmatched.txt'}")


if __name__ == "__main__":
    main()
