"""Build the agency data Tỉnh số ships in ``tinhso/org/data/agencies/``: the agencies of all
34 provinces and their communes, the 63 pre-July-2025 provinces' departments under their old
names with the district UBNDs, and the successions that carry each old agency on.

Run by hand when a rule or a source changes; the loader (``tinhso.org.agencies.agencies_load``)
reads only the files written here. Nothing is downloaded. Inputs:

* the unit data already in the repository: the installed ``vietnam-provinces`` (2025.x) for
  today's provinces and communes, ``data/units/units_pre2025.csv.gz`` for the 63 old provinces
  and their districts, ``data/units/province_successions.csv`` for what each became;
* the national rules written below (Decrees 45/2025, 150/2025, 118/2025; Resolution
  202/2025/QH15), where no province-specific source is at hand: every such row says
  "theo quy định chung, chưa được tỉnh xác nhận" in its ``source`` column;
* ``data/agencies_demo.json``, the hand-typed agencies of Hưng Yên, Thái Bình and Thanh Hóa:
  authoritative. A generated agency that is the same body as a demo agency (same key, or same
  unit and same name) is replaced by the demo one, whose key every reference then uses; a
  generated succession out of a demo agency that has successions of its own is dropped.

Modelling (the demo's, ``data/AGENCIES_SOURCES.md`` §2): an old province whose name today's
province carries (Thái Nguyên for Thái Nguyên + Bắc Kạn) *continues*: its agencies are one
object each across 1/7/2025, in today's unit, ``valid_from`` empty. The agencies of the other
old provinces (Bắc Kạn) close on 30/6/2025 and merge into today's. Departments merged on
1/3/2025 close on 28/2/2025 with a ``merge`` succession; district UBNDs close on 30/6/2025 with
an ``abolish`` succession to today's UBND tỉnh.

Keys: ``<prefix>.<slug>``; the prefix is ``hy``/``tb``/``th`` for the demo's provinces,
``p<code>`` for today's province ``<code>`` (and the agencies of the old province that
continues in it), ``o<code>`` for an old province's agencies that did not continue. Districts:
``<prefix>.ubndh.<district code>``; communes: ``<prefix>.x<commune code>`` (UBND) and
``.vp``, ``.kt``, ``.vhxh``, ``.ttpvhcc`` below it.

Outputs (gzip without timestamp: the same inputs give byte-identical files)::

    agencies.csv.gz             key,name,short_name,aliases,names,kind,parent,unit_level,
                                unit_code,unit_era,valid_from,valid_to,province,source
    agency_successions.csv.gz   predecessor,successor,effective_date,kind,province,source

``aliases`` and ``names`` (former names) are JSON lists; ``province`` is the GSO code of
today's province the row belongs to (``agencies_load --province``).

Usage::

    .venv/bin/python scripts/build_agencies_data.py
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tinhso" / "org" / "data"
UNITS = DATA / "units"
OUT = DATA / "agencies"
DEMO_FILE = DATA / "agencies_demo.json"

MARCH = "2025-03-01"
MARCH_LAST = "2025-02-28"
JULY = "2025-07-01"
JUNE_LAST = "2025-06-30"

UNCONFIRMED = "theo quy định chung, chưa được tỉnh xác nhận"
SRC_PROVINCE = f"Nghị định 45/2025/NĐ-CP, Nghị định 150/2025/NĐ-CP ({UNCONFIRMED})"
SRC_CONDITIONAL = (
    f"Nghị định 150/2025/NĐ-CP: sở thành lập ở tỉnh đủ điều kiện (tỉnh đủ điều kiện là giả định, {UNCONFIRMED})"
)
SRC_OLD = (
    "Nghị định 24/2014/NĐ-CP, Nghị định 107/2020/NĐ-CP: cơ quan chuyên môn thuộc UBND tỉnh "
    f"trước 01/3/2025 ({UNCONFIRMED})"
)
SRC_MARCH = f"Nghị định 45/2025/NĐ-CP: sắp xếp sở từ 01/3/2025 ({UNCONFIRMED})"
SRC_CENTRE = f"Nghị định 118/2025/NĐ-CP: Trung tâm Phục vụ hành chính công thuộc Văn phòng UBND tỉnh ({UNCONFIRMED})"
SRC_PROVINCE_MERGE = "Nghị quyết 202/2025/QH15 (sắp xếp đơn vị hành chính cấp tỉnh, hiệu lực 01/7/2025)"
SRC_DISTRICT = "Nghị quyết 202/2025/QH15; Luật Tổ chức chính quyền địa phương 2025 (chấm dứt cấp huyện từ 01/7/2025)"
SRC_COMMUNE = f"Luật Tổ chức chính quyền địa phương 2025; Nghị định 150/2025/NĐ-CP ({UNCONFIRMED})"
SRC_COMMUNE_CENTRE = f"Nghị định 118/2025/NĐ-CP; Công văn 7216/VPCP-KSTT ({UNCONFIRMED})"
SRC_DEMO = "Danh mục nhập tay, đối chiếu văn bản (tinhso/org/data/AGENCIES_SOURCES.md)"

# The demo's key prefixes, kept so that its agencies and the generated ones share keys.
PREFIX_CURRENT = {"33": "hy", "38": "th"}
PREFIX_OLD = {"33": "hy", "34": "tb", "38": "th"}

# Today's departments in every province (Decrees 45/2025 and 150/2025): slug, name, short name.
DEPARTMENTS = [
    ("snv", "Sở Nội vụ", ""),
    ("stp", "Sở Tư pháp", ""),
    ("stc", "Sở Tài chính", ""),
    ("sct", "Sở Công Thương", ""),
    ("snnmt", "Sở Nông nghiệp và Môi trường", "Sở NN&MT"),
    ("sxd", "Sở Xây dựng", ""),
    ("skhcn", "Sở Khoa học và Công nghệ", "Sở KH&CN"),
    ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL"),
    ("sgddt", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    ("syt", "Sở Y tế", ""),
    ("thanhtra", "Thanh tra", "Thanh tra tỉnh"),
]
# Created on 1/3/2025 (they have no pre-March existence).
NEW_IN_MARCH = {"snnmt"}
# Departments that ended on 28/2/2025: slug, name, short name, the department that took over.
MERGED_IN_MARCH = [
    ("stttt", "Sở Thông tin và Truyền thông", "Sở TT&TT", "skhcn"),
    ("skhdt", "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "stc"),
    ("sldtbxh", "Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH", "snv"),
    ("sgtvt", "Sở Giao thông vận tải", "Sở GTVT", "sxd"),
    ("stnmt", "Sở Tài nguyên và Môi trường", "Sở TN&MT", "snnmt"),
    ("snnptnt", "Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", "snnmt"),
]
LDTBXH_NOTE = (
    "; chức năng bảo trợ xã hội chuyển Sở Y tế, giáo dục nghề nghiệp chuyển Sở GD&ĐT (ghi cơ quan kế thừa chính)"
)

# "Where conditions are met" (Decree 150/2025). No province-by-province source is at hand: the
# lists below are assumptions, marked unconfirmed in every row, for each province to correct.
# Sở Quy hoạch – Kiến trúc: only Hà Nội and TP HCM (the decree names them).
PLANNING = {"01", "79"}
# Sở Du lịch: the centrally-run cities with tourism as a leading sector and Quảng Ninh, Khánh Hòa.
TOURISM = {"01", "79", "48", "22", "56"}
# Sở Ngoại vụ: Hà Nội, TP HCM and the provinces with a land border crossing.
FOREIGN = {"01", "79", "04", "08", "11", "12", "14", "15", "20", "22", "40", "44", "52", "80", "91"}
# Old provinces that had NO Ban Dân tộc (Red River and Mekong delta provinces with few ethnic
# minority communes); every other old province had one, which became Sở Dân tộc và Tôn giáo
# on 1/3/2025 (Thái Bình, Hưng Yên: AGENCIES_SOURCES.md §4).
NO_ETHNIC_BOARD = {"27", "30", "31", "33", "34", "35", "36", "48", "74", "80", "82", "83", "87"}
# Provinces that run one centre with a branch per commune instead of commune centres (FRAMEWORKS §1).
BRANCHED_CENTRE = {"01", "22"}

TYPE_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Quận", "Huyện", "Tỉnh", "Xã")


def nfc(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Diacritics- and case-insensitive key (the same idea as tinhso.core.text.fold)."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def split_type(name: str) -> tuple[str, str]:
    """ "Huyện Quỳnh Phụ" → ("huyện", "Quỳnh Phụ"); a name without type word → ("", name)."""
    for word in TYPE_WORDS:
        if name.startswith(word + " "):
            return word.lower(), name[len(word) + 1 :]
    return "", name


def label(name: str, division_type: str) -> str:
    """The unit as agency names write it: "tỉnh Hưng Yên", "thành phố Hà Nội", "phường Phố Hiến"."""
    word, bare = split_type(nfc(name))
    if not word:
        word = "thành phố" if division_type.startswith("thành phố") else division_type.lower()
    return f"{word} {bare}"


@dataclass
class Row:
    key: str
    name: str
    kind: str
    unit: tuple[str, str, str]  # level, code, era
    province: str
    source: str
    parent: str = ""
    short_name: str = ""
    aliases: list[str] = field(default_factory=list)
    names: list[dict[str, str | None]] = field(default_factory=list)
    valid_from: str = ""
    valid_to: str = ""


@dataclass
class Link:
    predecessor: str
    successor: str
    effective_date: str
    kind: str
    province: str
    source: str


def _csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    text = gzip.decompress(data).decode() if path.suffix == ".gz" else data.decode()
    return list(csv.DictReader(io.StringIO(text)))


def build() -> tuple[list[Row], list[Link]]:
    current = json.loads((resources.files("vietnam_provinces") / "data" / "nested-divisions.json").read_bytes())
    old_units = _csv(UNITS / "units_pre2025.csv.gz")
    old_provinces = {row["code"]: row for row in old_units if row["level"] == "province"}
    districts = [row for row in old_units if row["level"] == "district"]
    becomes = {row["old_code"]: row["new_code"] for row in _csv(UNITS / "province_successions.csv")}

    rows: list[Row] = []
    links: list[Link] = []

    for item in current:
        code = f"{item['code']:02d}"
        unit = ("province", code, "current")
        place = label(item["name"], item["division_type"])
        prefix = PREFIX_CURRENT.get(code, f"p{code}")
        components = sorted(old for old, new in becomes.items() if new == code)
        bare = split_type(nfc(item["name"]))[1]
        continuing = [old for old in components if split_type(nfc(old_provinces[old]["name"]))[1] == bare]
        if len(continuing) != 1:
            sys.exit(f"province {code}: no single old province carries its name ({continuing})")
        kept = continuing[0]
        ethnic = [old for old in components if old not in NO_ETHNIC_BOARD]
        is_city = place.startswith("thành phố")
        ppc_word = "thành phố" if is_city else "tỉnh"

        def add(
            slug: str,
            name: str,
            kind: str,
            parent: str,
            short: str = "",
            source: str = SRC_PROVINCE,
            aliases: list[str] | None = None,
            valid_from: str = "",
            *,
            prefix: str = prefix,
            unit: tuple[str, str, str] = unit,
            place: str = place,
            valid_to: str = "",
            code: str = code,
        ) -> str:
            key = f"{prefix}.{slug}"
            rows.append(
                Row(
                    key,
                    f"{name} {place}",
                    kind,
                    unit,
                    code,
                    source,
                    parent,
                    short,
                    aliases or [],
                    [],
                    valid_from,
                    valid_to,
                )
            )
            return key

        ppc = add(
            "ubnd",
            "Ủy ban nhân dân",
            "ppc",
            "",
            f"UBND {place}",
            aliases=[f"UBND {ppc_word}", f"Ủy ban nhân dân {ppc_word}"],
        )
        office = add(
            "vpubnd",
            "Văn phòng Ủy ban nhân dân",
            "department",
            ppc,
            f"VP UBND {place}",
            aliases=[f"Văn phòng UBND {ppc_word}", f"Văn phòng Ủy ban nhân dân {ppc_word}"],
        )
        centre = add(
            "ttpvhcc",
            "Trung tâm Phục vụ hành chính công",
            "service_centre",
            office,
            f"TTPVHCC {place}",
            SRC_CENTRE,
            aliases=["Trung tâm Phục vụ hành chính công"],
        )
        for slug, name, short in DEPARTMENTS:
            add(slug, name, "department", ppc, short, valid_from=MARCH if slug in NEW_IN_MARCH else "")
        if ethnic:
            add(
                "sdttg",
                "Sở Dân tộc và Tôn giáo",
                "department",
                ppc,
                "Sở DT&TG",
                SRC_CONDITIONAL,
                valid_from=MARCH if kept in ethnic else JULY,
            )
        if code in FOREIGN:
            add("sngv", "Sở Ngoại vụ", "department", ppc, "", SRC_CONDITIONAL)
        if code in TOURISM:
            add("sdl", "Sở Du lịch", "department", ppc, "", SRC_CONDITIONAL)
        if code in PLANNING:
            add("sqhkt", "Sở Quy hoạch - Kiến trúc", "department", ppc, "Sở QH-KT", SRC_CONDITIONAL)
        today_slugs = {row.key.split(".", 1)[1] for row in rows if row.province == code}

        # The old provinces that make up today's one.
        for old in components:
            old_unit = ("province", old, "pre2025")
            old_place = label(old_provinces[old]["name"], old_provinces[old]["division_type"])
            # The continuing province's old-only rows share today's prefix (their slugs differ).
            old_prefix = prefix if old == kept else PREFIX_OLD.get(old, f"o{old}")
            if old == kept:
                owner = {slug: f"{prefix}.{slug}" for slug in today_slugs}
            else:
                owner = {}
                old_ppc = add(
                    "ubnd",
                    "Ủy ban nhân dân",
                    "ppc",
                    "",
                    f"UBND {old_place}",
                    SRC_OLD,
                    [f"UBND {ppc_word}", f"Ủy ban nhân dân {ppc_word}"],
                    prefix=old_prefix,
                    unit=old_unit,
                    place=old_place,
                    valid_to=JUNE_LAST,
                )
                old_office = add(
                    "vpubnd",
                    "Văn phòng Ủy ban nhân dân",
                    "department",
                    old_ppc,
                    f"VP UBND {old_place}",
                    SRC_OLD,
                    [f"Văn phòng UBND {ppc_word}"],
                    prefix=old_prefix,
                    unit=old_unit,
                    place=old_place,
                    valid_to=JUNE_LAST,
                )
                add(
                    "ttpvhcc",
                    "Trung tâm Phục vụ hành chính công",
                    "service_centre",
                    old_office,
                    f"TTPVHCC {old_place}",
                    SRC_OLD,
                    prefix=old_prefix,
                    unit=old_unit,
                    place=old_place,
                    valid_to=JUNE_LAST,
                )
                owner = {"ubnd": old_ppc, "vpubnd": old_office, "ttpvhcc": f"{old_prefix}.ttpvhcc"}
                for slug, name, short in DEPARTMENTS:
                    owner[slug] = add(
                        slug,
                        name,
                        "department",
                        old_ppc,
                        short,
                        SRC_OLD,
                        prefix=old_prefix,
                        unit=old_unit,
                        place=old_place,
                        valid_to=JUNE_LAST,
                        valid_from=MARCH if slug in NEW_IN_MARCH else "",
                    )
                if old in ethnic:
                    owner["sdttg"] = add(
                        "sdttg",
                        "Sở Dân tộc và Tôn giáo",
                        "department",
                        old_ppc,
                        "Sở DT&TG",
                        SRC_CONDITIONAL,
                        prefix=old_prefix,
                        unit=old_unit,
                        place=old_place,
                        valid_from=MARCH,
                        valid_to=JUNE_LAST,
                    )
                for slug, key in owner.items():
                    successor = f"{prefix}.{slug}" if slug in today_slugs else ppc
                    links.append(Link(key, successor, JULY, "merge", code, SRC_PROVINCE_MERGE))
            old_ppc_key = owner["ubnd"]
            # Departments that ended on 28/2/2025, in the old province's unit.
            merged = list(MERGED_IN_MARCH)
            if old in ethnic:
                merged.append(("bdt", "Ban Dân tộc", "Ban Dân tộc", "sdttg"))
            for slug, name, short, into in merged:
                key = add(
                    slug,
                    name,
                    "department",
                    old_ppc_key,
                    short,
                    SRC_OLD,
                    prefix=old_prefix,
                    unit=old_unit,
                    place=old_place,
                    valid_to=MARCH_LAST,
                )
                links.append(
                    Link(key, owner[into], MARCH, "merge", code, SRC_MARCH + (LDTBXH_NOTE if slug == "sldtbxh" else ""))
                )
            # District UBNDs, abolished on 1/7/2025: today's UBND tỉnh takes the roll-up.
            for district in (row for row in districts if row["parent_code"] == old):
                word, bare_name = split_type(nfc(district["name"]))
                key = add(
                    f"ubndh.{district['code']}",
                    "Ủy ban nhân dân",
                    "ppc",
                    old_ppc_key,
                    f"UBND {word or district['division_type']} {bare_name}",
                    SRC_OLD,
                    prefix=old_prefix,
                    unit=("district", district["code"], "pre2025"),
                    place=label(district["name"], district["division_type"]),
                    valid_to=JUNE_LAST,
                )
                links.append(Link(key, ppc, JULY, "abolish", code, SRC_DISTRICT))

        # Communes: UBND, its three offices and its service centre (or the province's branch).
        for ward in item["wards"]:
            commune = f"{ward['code']:05d}"
            commune_unit = ("commune", commune, "current")
            where = label(ward["name"], ward["division_type"])
            is_ward = ward["division_type"] == "phường"
            base = f"x{commune}"
            # The commune's UBND carries on the UBNDs of the old communes it was made of (they are
            # not modelled; the units' successions say which): no start date, as in the demo, so that
            # "UBND cấp xã" in an older document reaches today's communes. Its offices are new.
            ubnd = add(
                base, "Ủy ban nhân dân", "ppc", ppc, f"UBND {where}", SRC_COMMUNE, unit=commune_unit, place=where
            )
            add(
                f"{base}.vp",
                "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân",
                "division",
                ubnd,
                f"Văn phòng HĐND và UBND {where}",
                SRC_COMMUNE,
                unit=commune_unit,
                place=where,
                valid_from=JULY,
            )
            add(
                f"{base}.kt",
                "Phòng Kinh tế, Hạ tầng và Đô thị" if is_ward else "Phòng Kinh tế",
                "division",
                ubnd,
                "",
                SRC_COMMUNE,
                unit=commune_unit,
                place=where,
                valid_from=JULY,
            )
            add(
                f"{base}.vhxh",
                "Phòng Văn hóa - Xã hội",
                "division",
                ubnd,
                "",
                SRC_COMMUNE,
                unit=commune_unit,
                place=where,
                valid_from=JULY,
            )
            if code in BRANCHED_CENTRE:
                key = f"{prefix}.{base}.ttpvhcc"
                rows.append(
                    Row(
                        key,
                        f"Chi nhánh Trung tâm Phục vụ hành chính công {place} tại {where}",
                        "service_centre",
                        commune_unit,
                        code,
                        SRC_COMMUNE_CENTRE,
                        centre,
                        "",
                        [],
                        [],
                        JULY,
                        "",
                    )
                )
            else:
                add(
                    f"{base}.ttpvhcc",
                    "Trung tâm Phục vụ hành chính công",
                    "service_centre",
                    ubnd,
                    f"TTPVHCC {where}",
                    SRC_COMMUNE_CENTRE,
                    unit=commune_unit,
                    place=where,
                    valid_from=JULY,
                )
    return rows, links


def merge_demo(rows: list[Row], links: list[Link]) -> tuple[list[Row], list[Link]]:
    """The demo's agencies replace the generated ones they stand for; the rest is kept."""
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    by_identity = {}
    demo_rows: list[Row] = []
    by_key = {item["key"]: item for item in demo["agencies"]}
    for item in demo["agencies"]:
        unit = (item["unit"]["level"], item["unit"]["code"], item["unit"].get("era", "current"))
        by_identity[(unit, fold(item["name"]))] = item["key"]
    # The province of each demo agency today, from its unit (or the agency it went to).
    province_of_row = {row.key: row.province for row in rows}
    remap: dict[str, str] = {}
    kept_rows = []
    for row in rows:
        target = row.key if row.key in by_key else by_identity.get((row.unit, fold(row.name)))
        if target:
            remap[row.key] = target
            province_of_row[target] = row.province
        else:
            kept_rows.append(row)
    for item in demo["agencies"]:
        unit = (item["unit"]["level"], item["unit"]["code"], item["unit"].get("era", "current"))
        province = province_of_row.get(item["key"]) or {"hy": "33", "tb": "33", "th": "38"}[item["key"][:2]]
        demo_rows.append(
            Row(
                item["key"],
                item["name"],
                item["kind"],
                unit,
                province,
                SRC_DEMO,
                item.get("parent") or "",
                item.get("short_name", ""),
                item.get("aliases", []),
                item.get("names", []),
                item.get("valid_from") or "",
                item.get("valid_to") or "",
            )
        )
    for row in kept_rows:
        row.parent = remap.get(row.parent, row.parent)
    demo_links = [
        Link(
            link["predecessor"],
            link["successor"],
            link["effective_date"],
            link["kind"],
            province_of_row.get(link["successor"], "") or province_of_row.get(link["predecessor"], ""),
            link.get("source", ""),
        )
        for link in demo.get("successions", [])
    ]
    demo_out = {link.predecessor for link in demo_links}
    pairs = {(link.predecessor, link.successor) for link in demo_links}
    kept_links = []
    for link in links:
        link.predecessor = remap.get(link.predecessor, link.predecessor)
        link.successor = remap.get(link.successor, link.successor)
        if link.predecessor in demo_out or (link.predecessor, link.successor) in pairs:
            continue
        kept_links.append(link)
    return demo_rows + kept_rows, demo_links + kept_links


def check(rows: list[Row], links: list[Link]) -> None:
    keys = Counter(row.key for row in rows)
    duplicates = [key for key, count in keys.items() if count > 1]
    if duplicates:
        sys.exit(f"duplicate keys: {duplicates[:10]}")
    too_long = [row.key for row in rows if len(row.key) > 60 or len(row.name) > 255]
    if too_long:
        sys.exit(f"keys or names too long: {too_long[:10]}")
    missing = {row.parent for row in rows if row.parent and row.parent not in keys}
    missing |= {end for link in links for end in (link.predecessor, link.successor) if end not in keys}
    if missing:
        sys.exit(f"references to unknown keys: {sorted(missing)[:10]}")
    pairs = Counter((link.predecessor, link.successor) for link in links)
    if any(count > 1 for count in pairs.values()):
        sys.exit("duplicate successions")


def _gzip_csv(path: Path, header: list[str], records: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    path.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))


def write(rows: list[Row], links: list[Link]) -> None:
    OUT.mkdir(exist_ok=True)
    _gzip_csv(
        OUT / "agencies.csv.gz",
        [
            "key",
            "name",
            "short_name",
            "aliases",
            "names",
            "kind",
            "parent",
            "unit_level",
            "unit_code",
            "unit_era",
            "valid_from",
            "valid_to",
            "province",
            "source",
        ],
        [
            [
                row.key,
                row.name,
                row.short_name,
                json.dumps(row.aliases, ensure_ascii=False),
                json.dumps(row.names, ensure_ascii=False),
                row.kind,
                row.parent,
                *row.unit,
                row.valid_from,
                row.valid_to,
                row.province,
                row.source,
            ]
            for row in rows
        ],
    )
    _gzip_csv(
        OUT / "agency_successions.csv.gz",
        ["predecessor", "successor", "effective_date", "kind", "province", "source"],
        [
            [link.predecessor, link.successor, link.effective_date, link.kind, link.province, link.source]
            for link in links
        ],
    )


def main() -> None:
    rows, links = merge_demo(*build())
    check(rows, links)
    write(rows, links)
    kinds = Counter(row.kind for row in rows)
    print(
        f"{len(rows)} agencies ({dict(kinds)}), {len(links)} successions "
        f"({dict(Counter(link.kind for link in links))}) → {OUT.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
