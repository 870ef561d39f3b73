"""Administrative units before and after 1/7/2025: the load, the lookups, the commands.

The data is loaded once per test session by the ``django_db_setup`` override in the root
``conftest.py`` (about three seconds on SQLite); ``vn_units`` reloads it should a transactional
test elsewhere have flushed the database. Each test runs in a transaction that is rolled back,
so the tests that reload, damage or break the data leave the session's copy as it was.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.core.errors import NotFound
from tinhso.ledger.models import Entry
from tinhso.org import units
from tinhso.org.management.commands.units_lookup import Command as LookupCommand
from tinhso.org.models import REORGANISATION_DATE, AdministrativeUnit, UnitSuccession
from tinhso.org.units import (
    UnitsDataError,
    unit_by_code,
    unit_components_on,
    unit_search,
    unit_successor_details,
    unit_successors_on,
    units_load,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vn_units")]

BEFORE = dt.date(2024, 1, 1)
OLD_END = dt.date(2025, 6, 30)
TODAY = dt.date(2026, 11, 24)


def _old(level: str, code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code, valid_to=OLD_END)


def _current(level: str, code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code, valid_to__isnull=True)


def _load_events() -> int:
    return Entry.objects.filter(action="org.units.load").count()


# --- load ------------------------------------------------------------------------------------


def test_the_load_holds_both_eras_in_full() -> None:
    counts = {
        (level, era): AdministrativeUnit.objects.filter(level=level, valid_to=valid_to).count()
        for level, era, valid_to in [
            ("province", "current", None),
            ("commune", "current", None),
            ("province", "pre2025", OLD_END),
            ("district", "pre2025", OLD_END),
            ("commune", "pre2025", OLD_END),
        ]
    }
    assert counts == {
        ("province", "current"): 34,
        ("commune", "current"): 3321,
        ("province", "pre2025"): 63,
        ("district", "pre2025"): 696,
        ("commune", "pre2025"): 10051,
    }
    assert AdministrativeUnit.objects.filter(level="district", valid_to__isnull=True).count() == 0
    assert not AdministrativeUnit.objects.filter(valid_to__isnull=True).exclude(valid_from=REORGANISATION_DATE).exists()
    assert not AdministrativeUnit.objects.filter(valid_to=OLD_END, valid_from__isnull=False).exists()
    # Every old province and district has a successor; 10,021 of 10,051 old communes do.
    successions = UnitSuccession.objects.all()
    assert successions.filter(predecessor__level="province").count() == 63
    assert successions.filter(predecessor__level="district", kind="abolish").count() == 696
    assert successions.filter(predecessor__level="commune").count() == 10021
    assert successions.filter(predecessor__level="province", kind="merge").count() == 52  # 23 new from 52 old
    assert successions.filter(predecessor__level="province", kind="rename").count() == 11
    assert not successions.exclude(effective_date=REORGANISATION_DATE).exists()


def test_parents_follow_each_era() -> None:
    assert _current("commune", "13225").parent == _current("province", "33")  # Phường Thái Bình
    old_commune = _old("commune", "12433")  # Phường Lê Hồng Phong, Thành phố Thái Bình
    assert old_commune.parent == _old("district", "336")
    assert old_commune.parent.parent == _old("province", "34")
    assert not AdministrativeUnit.objects.filter(level="commune", parent__isnull=True).exists()
    assert not AdministrativeUnit.objects.filter(level="district").exclude(parent__valid_to=OLD_END).exists()


def test_names_are_kept_as_the_sources_give_them_with_division_types_from_the_name() -> None:
    assert _current("province", "33").name == "Hưng Yên"
    assert _current("province", "01").name == "Thành phố Hà Nội"
    assert _old("province", "34").name == "Tỉnh Thái Bình"
    assert _old("province", "01").division_type == "thành phố trung ương"
    assert _old("district", "336").division_type == "thành phố"
    # 0.6.0 calls every commune "xã"; the name says otherwise.
    assert _old("commune", "12433").division_type == "phường"
    assert _old("commune", "12472").division_type == "thị trấn"  # Thị trấn Quỳnh Côi
    assert _old("province", "34").name_folded == "tinh thai binh"


def test_a_second_load_changes_nothing_and_records_nothing() -> None:
    units_before = list(AdministrativeUnit.objects.order_by("pk").values_list())
    successions_before = list(UnitSuccession.objects.order_by("pk").values_list())
    events = _load_events()

    report = units_load(actor=None)

    assert (report.units_created, report.units_updated, report.units_unchanged) == (0, 0, 14165)
    assert (report.successions_created, report.successions_updated, report.successions_unchanged) == (
        0,
        0,
        10780,
    )
    assert not report.changed
    assert not report.ledger_recorded
    assert list(AdministrativeUnit.objects.order_by("pk").values_list()) == units_before
    assert list(UnitSuccession.objects.order_by("pk").values_list()) == successions_before
    assert _load_events() == events


def test_a_load_that_repairs_data_records_exactly_one_ledger_event() -> None:
    assert _load_events() >= 1  # the session's own load
    thai_binh = _old("province", "34")
    AdministrativeUnit.objects.filter(pk=thai_binh.pk).update(name="Tỉnh Thái Bình (sửa tay)")
    UnitSuccession.objects.filter(predecessor=thai_binh).delete()
    events = _load_events()

    report = units_load(actor=None)

    assert (report.units_created, report.units_updated) == (0, 1)
    assert (report.successions_created, report.successions_updated) == (1, 0)
    assert report.ledger_recorded
    assert _load_events() == events + 1
    entry = Entry.objects.filter(action="org.units.load").order_by("-pk").first()
    assert entry is not None
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("org.administrativeunit", "*", None)
    payload = json.loads(entry.payload.canonical_json)
    assert payload["units"] == {"created": 0, "updated": 1, "unchanged": 14164}
    assert payload["successions"]["created"] == 1
    assert set(payload["sources"]) == {
        "vietnam-provinces==2025.10.1",
        "units_pre2025.csv.gz",
        "province_successions.csv",
        "commune_successions.csv.gz",
    }
    assert _old("province", "34").name == "Tỉnh Thái Bình"
    assert unit_successors_on(_old("province", "34")) == [_current("province", "33")]


def test_a_load_that_fails_half_way_leaves_everything_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    thai_binh = _old("province", "34")
    AdministrativeUnit.objects.filter(pk=thai_binh.pk).update(name="Tỉnh Thái Bình (sửa tay)")
    events = _load_events()

    def broken_ledger(**kwargs: object) -> None:
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(units, "ledger_append", broken_ledger)
    with pytest.raises(RuntimeError, match="ledger unavailable"):
        units_load(actor=None)
    assert _old("province", "34").name == "Tỉnh Thái Bình (sửa tay)"
    assert _load_events() == events


def test_data_naming_a_code_the_package_lacks_is_refused_before_writing(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    broken = tmp_path / "commune_successions.csv.gz"
    broken.write_bytes(gzip.compress(b"old_code,new_code,partial\n12433,99999,0\n"))
    monkeypatch.setattr(units, "COMMUNE_SUCCESSIONS_FILE", broken)
    successions = UnitSuccession.objects.count()
    with pytest.raises(UnitsDataError, match="commune 99999"):
        units_load(actor=None)
    assert UnitSuccession.objects.count() == successions


def test_a_province_table_that_leaves_a_province_out_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    lines = units.PROVINCE_SUCCESSIONS_FILE.read_text(encoding="utf-8").splitlines()
    short = tmp_path / "province_successions.csv"
    short.write_text("\n".join(line for line in lines if not line.startswith("34,")), encoding="utf-8")
    monkeypatch.setattr(units, "PROVINCE_SUCCESSIONS_FILE", short)
    with pytest.raises(UnitsDataError, match="63 old provinces"):
        units_load(actor=None)


# --- lookups ---------------------------------------------------------------------------------


def test_a_code_names_a_unit_only_with_a_date() -> None:
    assert unit_by_code("33", on=BEFORE) == _old("province", "33")
    assert unit_by_code("33", on=TODAY) == _current("province", "33")
    assert unit_by_code("33", on=OLD_END).name == "Tỉnh Hưng Yên"
    assert unit_by_code("33", on=REORGANISATION_DATE).name == "Hưng Yên"
    assert unit_by_code("336", on=BEFORE) == _old("district", "336")
    assert unit_by_code("12433", on=BEFORE) == _old("commune", "12433")
    assert unit_by_code("70", level="commune", on=TODAY).code == "00070"  # Phường Hoàn Kiếm
    assert unit_by_code("1").name == "Thành phố Hà Nội"  # today by default


@pytest.mark.parametrize(
    ("code", "level", "on"),
    [
        ("34", None, TODAY),
        ("336", None, TODAY),
        ("99", None, BEFORE),
        ("abc", None, BEFORE),
        ("", None, None),
        ("999", "district", BEFORE),
        ("34", "region", BEFORE),
    ],
)
def test_an_unknown_code_is_not_found_with_a_vietnamese_message(
    code: str,
    level: str | None,
    on: dt.date | None,
) -> None:
    with pytest.raises(NotFound, match="Không tìm thấy đơn vị hành chính có mã") as caught:
        unit_by_code(code, level=level, on=on)
    assert caught.value.status_code == 404
    assert caught.value.code == "unit_not_found"


def test_thai_binh_is_hung_yen_from_1_july_2025() -> None:
    thai_binh, hung_yen = _old("province", "34"), _current("province", "33")
    assert unit_successors_on(thai_binh, TODAY) == [hung_yen]
    assert unit_successors_on(thai_binh, REORGANISATION_DATE) == [hung_yen]
    assert unit_successors_on(thai_binh, BEFORE) == [thai_binh]
    step = UnitSuccession.objects.get(predecessor=thai_binh)
    assert (step.successor, step.effective_date, step.kind, step.partial) == (
        hung_yen,
        dt.date(2025, 7, 1),
        "merge",
        False,
    )
    assert step.source == "Nghị quyết 202/2025/QH15"
    [detail] = unit_successor_details(thai_binh, TODAY)
    assert (detail.unit, detail.effective_date, detail.kind, detail.via_parent) == (
        hung_yen,
        REORGANISATION_DATE,
        "merge",
        False,
    )


def test_bac_kan_is_thai_nguyen_and_thanh_hoa_stays_thanh_hoa() -> None:
    assert unit_successors_on(_old("province", "06")) == [_current("province", "19")]
    thanh_hoa = _current("province", "38")
    assert unit_successors_on(_old("province", "38")) == [thanh_hoa]
    assert UnitSuccession.objects.get(predecessor=_old("province", "38")).kind == "rename"
    assert unit_successors_on(thanh_hoa) == [thanh_hoa]


def test_every_old_province_has_exactly_one_successor_province() -> None:
    old = AdministrativeUnit.objects.filter(level="province", valid_to=OLD_END)
    successors = {unit.code: unit_successors_on(unit, TODAY) for unit in old}
    assert all(len(found) == 1 and found[0].level == "province" for found in successors.values())
    assert len({found[0].pk for found in successors.values()}) == 34


def test_an_old_district_leads_to_its_new_province() -> None:
    district = _old("district", "336")  # Thành phố Thái Bình
    assert unit_successors_on(district) == [_current("province", "33")]
    step = UnitSuccession.objects.get(predecessor=district)
    assert step.kind == "abolish"
    assert "Luật Tổ chức chính quyền địa phương 2025" in step.source


def test_an_old_thai_binh_commune_leads_to_its_new_commune_in_hung_yen() -> None:
    # vn-address-converter: Tỉnh Thái Bình / Thành phố Thái Bình / Phường Lê Hồng Phong →
    # Hưng Yên / Phường Thái Bình; and Huyện Quỳnh Phụ / Xã An Đồng → Xã A Sào.
    [new_commune] = unit_successors_on(_old("commune", "12433"))
    assert (new_commune.name, new_commune.code, new_commune.parent) == (
        "Phường Thái Bình",
        "13225",
        _current("province", "33"),
    )
    [a_sao] = unit_successors_on(AdministrativeUnit.objects.get(name="Xã An Đồng", parent__code="338"))
    assert a_sao.name == "Xã A Sào"
    assert a_sao.parent == _current("province", "33")


def test_a_commune_the_mapping_lacks_answers_with_its_new_province() -> None:
    dong_xuan = _old("commune", "16411")  # Xã Đông Xuân, Thành phố Thanh Hóa: not in the mapping
    assert not UnitSuccession.objects.filter(predecessor=dong_xuan).exists()
    [detail] = unit_successor_details(dong_xuan, TODAY)
    assert detail.unit == _current("province", "38")
    assert detail.via_parent
    assert detail.effective_date == REORGANISATION_DATE


def test_components_are_the_units_a_unit_was_made_of_on_a_day() -> None:
    hung_yen = _current("province", "33")
    assert unit_components_on(hung_yen, BEFORE) == [_old("province", "33"), _old("province", "34")]
    assert unit_components_on(hung_yen, OLD_END) == [_old("province", "33"), _old("province", "34")]
    assert unit_components_on(hung_yen, TODAY) == [hung_yen]
    assert unit_components_on(_current("province", "38"), BEFORE) == [_old("province", "38")]
    assert unit_components_on(_current("province", "25"), BEFORE) == [
        _old("province", "17"),
        _old("province", "25"),
        _old("province", "26"),
    ]
    assert _old("commune", "12433") in unit_components_on(_current("commune", "13225"), BEFORE)
    assert unit_components_on(_old("province", "34"), BEFORE) == [_old("province", "34")]
    assert unit_components_on(_old("province", "34"), TODAY) == []  # no longer exists


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("query", ["thai binh", "Thái Bình", "THÁI BÌNH", "Tỉnh Thái Bình", _nfd("Thái Bình"), "34"])
def test_search_finds_thai_binh_first_however_it_is_spelt(query: str) -> None:
    assert unit_search(query)[0] == _old("province", "34")


@pytest.mark.parametrize("query", ["Thanh Hoá", "Thanh Hóa", "THANH HÓA", "thanh hoa", _nfd("Thanh Hoá")])
def test_search_finds_thanh_hoa_in_both_eras(query: str) -> None:
    found = unit_search(query, level="province")
    assert found == [_current("province", "38"), _old("province", "38")]
    assert unit_search(query)[:2] == found


def test_search_matches_names_without_their_type_word_and_ranks_exact_names_first() -> None:
    assert unit_search("Hưng Yên", level="province") == [_current("province", "33"), _old("province", "33")]
    assert unit_search("Tỉnh Hưng Yên", level="province") == [_old("province", "33"), _current("province", "33")]
    assert unit_search("Hà Nội", level="province")[0] == _current("province", "01")
    assert unit_search("hue", level="province") == [_current("province", "46"), _old("province", "46")]
    # With diacritics, the same spelling comes before a namesake that differs only in them.
    names = [unit.name for unit in unit_search("Thanh Hòa", limit=200)]
    assert names.index("Phường Thanh Hòa") < names.index("Xã Thanh Hóa")


def test_search_filters_by_day_and_level_and_limits() -> None:
    assert unit_search("Thái Bình", on=TODAY, level="province") == []
    assert unit_search("thai binh", on=BEFORE)[0] == _old("province", "34")
    assert all(unit.valid_to is None for unit in unit_search("Thái Bình", on=TODAY))
    assert all(unit.level == "commune" for unit in unit_search("Thái Bình", level="commune"))
    assert len(unit_search("xa", limit=5)) == 5
    assert unit_search("   ") == []
    assert unit_search("33") == [_current("province", "33"), _old("province", "33")]


# --- commands --------------------------------------------------------------------------------


def _lookup(*args: str) -> str:
    out = io.StringIO()
    call_command("units_lookup", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("query", ["Thái Bình", "thai binh", "34"])
def test_units_lookup_shows_what_an_old_unit_became(query: str) -> None:
    output = _lookup(query, "--level", "province")
    assert output.splitlines()[0] == "[cấp tỉnh] Tỉnh Thái Bình (34, đến 30/06/2025) → Hưng Yên (33) từ 01/07/2025"


def test_units_lookup_shows_what_a_current_unit_was_made_of() -> None:
    lines = _lookup("Hưng Yên", "--level", "province").splitlines()
    assert lines[:2] == [
        "[cấp tỉnh] Hưng Yên (33, từ 01/07/2025)",
        "    Trước 01/07/2025 gồm: Tỉnh Hưng Yên (33); Tỉnh Thái Bình (34)",
    ]
    commune_line = _lookup("12433").splitlines()[0]
    assert commune_line == (
        "[cấp xã] Phường Lê Hồng Phong, Thành phố Thái Bình, Tỉnh Thái Bình (12433, đến 30/06/2025)"
        " → Phường Thái Bình, Hưng Yên (13225) từ 01/07/2025"
    )


def test_units_lookup_on_a_day_and_as_json() -> None:
    assert all(
        "đến 30/06/2025" in line
        for line in _lookup("thai binh", "--on", "2024-01-01").splitlines()
        if line.startswith("[")
    )
    [item] = json.loads(_lookup("34", "--json"))
    assert (item["code"], item["level"], item["valid_to"]) == ("34", "province", "2025-06-30")
    assert [(s["code"], s["effective_date"], s["kind"]) for s in item["successors"]] == [
        ("33", "2025-07-01", "merge"),
    ]
    [current] = json.loads(_lookup("Hưng Yên", "--level", "province", "--on", "01/01/2026", "--json"))
    assert [part["code"] for part in current["components_before_reorganisation"]] == ["33", "34"]


def test_units_lookup_fails_with_a_vietnamese_message_when_nothing_matches(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị hành chính nào khớp với") as caught:
        _lookup("không có nơi này")
    assert caught.value.returncode == 1
    with pytest.raises(SystemExit) as exited:  # as from the shell: exit status 1, message on stderr
        LookupCommand().run_from_argv(["manage.py", "units_lookup", "zzzz"])
    assert exited.value.code == 1
    assert "Không tìm thấy đơn vị hành chính nào khớp với “zzzz”" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        _lookup("Thái Bình", "--on", "31/02/2024")


def test_units_load_command_reports_counts_in_vietnamese() -> None:
    out = io.StringIO()
    call_command("units_load", stdout=out)
    output = out.getvalue()
    assert "Hiện hành: 34 tỉnh, thành phố; 3321 xã, phường, đặc khu." in output
    assert "Trước 01/07/2025: 63 tỉnh, thành phố; 696 huyện" in output
    assert "Đơn vị hành chính: thêm mới 0, cập nhật 0, giữ nguyên 14165." in output
    assert "không có thay đổi" in output
