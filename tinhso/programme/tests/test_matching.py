"""Agency names as the 2022 Thái Bình scheme writes them → the Hưng Yên agency in charge today."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tinhso.org.models import AdministrativeUnit
from tinhso.programme.matching import AgencyMatcher, programme_provinces
from tinhso.programme.models import AgencyNameMapping

pytestmark = pytest.mark.django_db


@pytest.fixture
def matcher(demo_agencies: dict[str, Any]) -> AgencyMatcher:
    thai_binh = AdministrativeUnit.objects.get(level="province", code="34")
    return AgencyMatcher(programme_provinces(thai_binh), dt.date(2022, 3, 17))


@pytest.mark.parametrize(
    ("written", "today", "how"),
    [
        ("Sở Thông tin và Truyền thông", "hy.skhcn", "name"),
        ("Sở TT&TT", "hy.skhcn", "name"),
        ("sở thông tin và truyền thông", "hy.skhcn", "name"),
        ("So Thong tin va Truyen thong", "hy.skhcn", "name"),
        ("Sở KH&ĐT", "hy.stc", "name"),
        ("Sở Kế hoạch và Đầu tư", "hy.stc", "name"),
        ("Sở LĐ-TB&XH", "hy.snv", "name"),
        ("Sở Văn hoá, Thể thao và Du lịch", "hy.svhttdl", "name"),
        ("Sở Tài chính", "hy.stc", "name"),
    ],
)
def test_names_are_followed_to_todays_agency(
    matcher: AgencyMatcher, demo_agencies: dict[str, Any], written: str, today: str, how: str
) -> None:
    match = matcher.match(written)
    assert match.agencies == (demo_agencies[today],)
    assert match.how == how


def test_generic_abbreviation_without_an_alias(matcher: AgencyMatcher, demo_agencies: dict[str, Any]) -> None:
    # "Sở TP" is in no alias list: found by head word + initials of the full name.
    match = matcher.match("Sở TP")
    assert (match.agencies, match.how) == ((demo_agencies["hy.stp"],), "abbreviation")


def test_collective_phrase_stands_for_the_district_committees_now_the_province(
    matcher: AgencyMatcher, demo_agencies: dict[str, Any]
) -> None:
    match = matcher.match("UBND huyện, thành phố")
    assert match.how == "collective"
    assert match.agencies == (demo_agencies["hy.ubnd"],)


def test_unspecified_phrases_are_not_agencies(matcher: AgencyMatcher) -> None:
    assert matcher.match("Các cơ quan liên quan").how == "not_agency"
    assert matcher.match("Các doanh nghiệp viễn thông").how == "not_agency"


def test_unknown_name_is_unmatched_until_a_user_maps_it(demo_agencies: dict[str, Any]) -> None:
    thai_binh = AdministrativeUnit.objects.get(level="province", code="34")
    provinces = programme_provinces(thai_binh)
    assert AgencyMatcher(provinces, dt.date(2022, 3, 17)).match("Trung tâm CNTT tỉnh").how == "unmatched"
    AgencyNameMapping.objects.create(province=thai_binh, text="Trung tâm CNTT tỉnh", agency=demo_agencies["tb.stttt"])
    match = AgencyMatcher(provinces, dt.date(2022, 3, 17)).match("trung tam cntt tinh")
    assert (match.agencies, match.how) == ((demo_agencies["hy.skhcn"],), "mapping")


def test_split_keeps_comma_names_and_expands_elliptical_lists(matcher: AgencyMatcher) -> None:
    assert matcher.split("Sở TT&TT, TNMT, NNPTNT, XD, KHĐT, ...") == [
        "Sở TT&TT",
        "Sở TNMT",
        "Sở NNPTNT",
        "Sở XD",
        "Sở KHĐT",
    ]
    assert matcher.split("Sở Văn hóa, Thể thao và Du lịch; Sở Y tế, UBND huyện, thành phố") == [
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Y tế",
        "UBND huyện, thành phố",
    ]
