"""The agencies of every province, as data: the load and old names followed to today's agency.

Loading every province (about 18,700 agencies) takes a few seconds, so it runs once for this
module, inside a transaction rolled back at the end: the rest of the suite keeps the session's
reference data (the demo agencies only) and its counts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tinhso.ledger.models import Entry
from tinhso.org.agencies import AgenciesLoadReport, agencies_load
from tinhso.org.models import AdministrativeUnit, Agency, AgencyKind, AgencySuccession
from tinhso.org.selectors import agency_successor_on
from tinhso.programme.matching import AgencyMatcher, programme_provinces

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)
EVERY_PROVINCE = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra",
    "Văn phòng Ủy ban nhân dân",
    "Trung tâm Phục vụ hành chính công",
]


@pytest.fixture(scope="module")
def everything(django_db_setup: None, django_db_blocker: Any) -> Iterator[AgenciesLoadReport]:
    """Every province loaded once for the module, on top of the demo agencies, then undone."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield agencies_load(actor=None)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _province(code: str, *, old: bool = False) -> AdministrativeUnit:
    units = AdministrativeUnit.objects.filter(level="province", code=code)
    return units.get(valid_to=dt.date(2025, 6, 30)) if old else units.get(valid_to__isnull=True)


def test_every_province_has_its_committee_office_centre_and_departments(everything: AgenciesLoadReport) -> None:
    provinces = AdministrativeUnit.objects.filter(level="province", valid_to__isnull=True)
    assert provinces.count() == 34
    for province in provinces:
        agencies = Agency.objects.active().filter(unit=province)
        ppc = agencies.get(kind=AgencyKind.PEOPLES_COMMITTEE, parent__isnull=True)
        assert ppc.name.startswith("Ủy ban nhân dân ")
        names = {agency.name for agency in agencies}
        for head in EVERY_PROVINCE:
            assert any(name.startswith(head + " ") for name in names), (province.name, head)
        centre = agencies.get(kind=AgencyKind.SERVICE_CENTRE)
        assert centre.parent.name.startswith("Văn phòng Ủy ban nhân dân"), province.name
        planning = agencies.filter(name__startswith="Sở Quy hoạch - Kiến trúc")
        assert planning.exists() == (province.code in {"01", "79"}), province.name
        # At most 14 sở (15 in Hà Nội and TP HCM), Decree 150/2025.
        departments = agencies.filter(kind=AgencyKind.DEPARTMENT, name__startswith="Sở ")
        assert departments.count() <= (15 if province.code in {"01", "79"} else 14), province.name


def test_every_commune_has_its_committee_offices_and_service_centre(everything: AgenciesLoadReport) -> None:
    communes = AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True)
    committees = Agency.objects.active().filter(
        kind=AgencyKind.PEOPLES_COMMITTEE, unit__level="commune", unit__valid_to__isnull=True
    )
    assert committees.count() == communes.count() == 3321
    per_commune = Counter(
        Agency.objects.active()
        .filter(unit__level="commune", unit__valid_to__isnull=True)
        .values_list("unit_id", flat=True)
    )
    assert set(per_commune.values()) == {5}
    ward = Agency.objects.get(key="p01.x00070")  # Phường Hoàn Kiếm, Hà Nội
    offices = sorted(child.name for child in ward.children.all())
    assert offices == [
        "Phòng Kinh tế, Hạ tầng và Đô thị phường Hoàn Kiếm",
        "Phòng Văn hóa - Xã hội phường Hoàn Kiếm",
        "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường Hoàn Kiếm",
    ]
    # Hà Nội runs one centre with branches; a commune elsewhere has its own centre.
    branch = Agency.objects.get(unit=ward.unit, kind=AgencyKind.SERVICE_CENTRE)
    assert branch.parent == Agency.objects.get(key="p01.ttpvhcc")
    commune = Agency.objects.get(key="p04.x01273")
    assert commune.name == "Ủy ban nhân dân phường Thục Phán"
    assert {child.name for child in commune.children.all()} >= {
        "Trung tâm Phục vụ hành chính công phường Thục Phán",
        "Phòng Kinh tế, Hạ tầng và Đô thị phường Thục Phán",
    }
    village = Agency.objects.filter(
        unit__division_type="xã", unit__valid_to__isnull=True, kind=AgencyKind.PEOPLES_COMMITTEE
    ).exclude(unit__parent__code__in=["01", "22"])
    assert village.first().children.filter(name__startswith="Phòng Kinh tế xã ").count() == 1
    # A role on a commune's UBND reaches its offices and centre; the UBND tỉnh reaches the commune.
    assert Agency.objects.subtree_of([commune]).count() == 5
    assert commune.path.startswith(Agency.objects.get(key="p04.ubnd").path)


@pytest.mark.parametrize(
    ("province", "document_day", "written", "today_key"),
    [
        # Bắc Kạn, merged into Thái Nguyên on 1/7/2025.
        ("06", dt.date(2022, 3, 1), "Sở TT&TT tỉnh Bắc Kạn", "p19.skhcn"),
        ("06", dt.date(2022, 3, 1), "Sở Kế hoạch và Đầu tư", "p19.stc"),
        ("06", dt.date(2022, 3, 1), "Ban Dân tộc", "p19.sdttg"),
        ("06", dt.date(2022, 3, 1), "Sở Y tế", "p19.syt"),
        ("06", dt.date(2022, 3, 1), "UBND tỉnh", "p19.ubnd"),
        ("06", dt.date(2022, 3, 1), "UBND huyện Ba Bể", "p19.ubnd"),
        # Thái Nguyên itself: the province that carries its name on.
        ("19", dt.date(2022, 3, 1), "Sở Thông tin và Truyền thông", "p19.skhcn"),
        ("19", dt.date(2022, 3, 1), "Sở NN&PTNT", "p19.snnmt"),
        ("19", dt.date(2022, 3, 1), "Sở Tài chính", "p19.stc"),
        # Cao Bằng, not merged.
        ("04", dt.date(2021, 6, 1), "Sở Tài nguyên và Môi trường", "p04.snnmt"),
        ("04", dt.date(2021, 6, 1), "Sở LĐ-TB&XH", "p04.snv"),
        # Yên Bái (its code 15 now names Lào Cai) and the old Lào Cai (10), both today's Lào Cai.
        ("15", dt.date(2023, 5, 1), "Sở Giao thông vận tải", "p15.sxd"),
        ("10", dt.date(2023, 5, 1), "Sở GTVT", "p15.sxd"),
        # Quảng Nam, merged into Đà Nẵng; Hà Giang into Tuyên Quang.
        ("49", dt.date(2022, 9, 1), "Sở Lao động - Thương binh và Xã hội", "p48.snv"),
        ("02", dt.date(2022, 9, 1), "Sở Thông tin và Truyền thông tỉnh Hà Giang", "p08.skhcn"),
        # Between the department mergers (1/3/2025) and the province merger (1/7/2025).
        ("06", dt.date(2025, 4, 1), "Sở Nông nghiệp và Môi trường", "p19.snnmt"),
        # The demo's hand-typed Thái Bình agencies stay the ones matched, not duplicates.
        ("34", dt.date(2022, 3, 17), "Sở TT&TT", "hy.skhcn"),
        ("34", dt.date(2022, 3, 17), "UBND huyện Vũ Thư", "hy.ubnd"),
    ],
)
def test_old_names_resolve_to_todays_agency(
    everything: AgenciesLoadReport,
    province: str,
    document_day: dt.date,
    written: str,
    today_key: str,
) -> None:
    issuing = AdministrativeUnit.objects.get(level="province", code=province, valid_to=dt.date(2025, 6, 30))
    matcher = AgencyMatcher(programme_provinces(issuing, TODAY), document_day, today=TODAY)
    match = matcher.match(written)
    assert match.matched, written
    assert [agency.key for agency in match.agencies] == [today_key]


def test_successions_follow_the_march_and_july_mergers(everything: AgenciesLoadReport) -> None:
    ict = Agency.objects.get(key="o06.stttt")
    assert (ict.name, ict.valid_to) == ("Sở Thông tin và Truyền thông tỉnh Bắc Kạn", dt.date(2025, 2, 28))
    assert agency_successor_on(agency=ict, day=dt.date(2025, 4, 1)).key == "o06.skhcn"
    assert agency_successor_on(agency=ict, day=TODAY).key == "p19.skhcn"
    step = AgencySuccession.objects.get(predecessor__key="o06.skhcn")
    assert (step.successor.key, step.effective_date, step.kind) == ("p19.skhcn", dt.date(2025, 7, 1), "merge")
    assert "202/2025/QH15" in step.source
    district = AgencySuccession.objects.get(predecessor__key="o06.ubndh.058")
    assert (district.successor.key, district.kind) == ("p19.ubnd", "abolish")
    # Every pre-2025 district has its UBND, closed on 30/6/2025 and succeeded.
    districts = AdministrativeUnit.objects.filter(level="district").count()
    closed = Agency.objects.filter(
        kind=AgencyKind.PEOPLES_COMMITTEE, unit__level="district", valid_to=dt.date(2025, 6, 30)
    )
    assert closed.count() == districts == 696
    assert AgencySuccession.objects.filter(predecessor__in=closed, kind="abolish").count() == districts


def test_every_row_says_where_it_comes_from(everything: AgenciesLoadReport) -> None:
    assert not Agency.objects.filter(source="").exists()
    generated = Agency.objects.get(key="p19.sdttg")
    assert "150/2025/NĐ-CP" in generated.source
    assert "chưa được tỉnh xác nhận" in generated.source
    assert Agency.objects.get(key="p19.x05500.ttpvhcc").source.startswith("Nghị định 118/2025/NĐ-CP")
    assert generated.confirmed_on is None


def test_the_demo_agencies_are_merged_not_duplicated(everything: AgenciesLoadReport) -> None:
    assert Agency.objects.filter(name="Ủy ban nhân dân tỉnh Hưng Yên").count() == 1
    assert Agency.objects.filter(name="Sở Khoa học và Công nghệ tỉnh Thanh Hóa").count() == 1
    pho_hien = Agency.objects.get(name="Ủy ban nhân dân phường Phố Hiến")
    assert pho_hien.key == "hy.ubndx.pho_hien"
    assert pho_hien.children.count() == 4
    # Old Hưng Yên's own pre-March departments, which the demo did not model, are there now.
    assert agency_successor_on(agency=Agency.objects.get(key="hy.stttt"), day=TODAY).key == "hy.skhcn"


def test_one_ledger_event_per_load_and_a_second_load_writes_nothing(everything: AgenciesLoadReport) -> None:
    assert everything.agencies_created > 18000
    assert everything.agencies_existing == 134  # the demo's agencies, already in the reference data
    event = Entry.objects.filter(action="org.agencies.load").latest("pk")
    payload = json.loads(event.payload.canonical_json)
    assert payload["agencies"] == {"created": everything.agencies_created, "existing": 134}
    assert payload["successions"]["created"] == everything.successions_created
    assert set(payload["sources"]) == {"agencies.csv.gz", "agency_successions.csv.gz"}
    entries = Entry.objects.count()
    agencies = Agency.objects.count()
    again = agencies_load(actor=None)
    assert (again.agencies_created, again.successions_created, again.ledger_recorded) == (0, 0, False)
    assert (Entry.objects.count(), Agency.objects.count()) == (entries, agencies)


def test_a_collective_phrase_of_an_older_document_reaches_todays_communes(everything: AgenciesLoadReport) -> None:
    thanh_hoa = _province("38", old=True)
    matcher = AgencyMatcher(programme_provinces(thanh_hoa, TODAY), dt.date(2020, 8, 1), today=TODAY)
    match = matcher.match("UBND cấp xã")
    assert match.how == "collective"
    communes = AdministrativeUnit.objects.filter(level="commune", parent=_province("38"))
    assert len(match.agencies) == communes.count() == 166
    assert {agency.unit_id for agency in match.agencies} == set(communes.values_list("pk", flat=True))
