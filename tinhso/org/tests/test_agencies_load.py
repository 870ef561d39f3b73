"""Loading one province's agencies, and what the loader refuses (every province at once is in
``test_agencies.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from tinhso.ledger.models import Entry
from tinhso.org.agencies import AgenciesDataError, agencies_load
from tinhso.org.models import Agency
from tinhso.org.selectors import agency_successor_on

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)


def test_one_province_alone_with_the_provinces_it_absorbed(vn_units: None) -> None:
    before = Agency.objects.count()
    report = agencies_load(actor=None, province="19")
    assert report.provinces == 1
    assert Agency.objects.count() == before + report.agencies_created
    assert Agency.objects.get(key="p19.ubnd").unit.code == "19"
    old = Agency.objects.get(key="o06.ubnd")  # the old Bắc Kạn, absorbed by Thái Nguyên
    assert (old.unit.code, old.unit.valid_to, old.valid_to) == ("06", dt.date(2025, 6, 30), dt.date(2025, 6, 30))
    assert not Agency.objects.filter(key__startswith="p04.").exists()
    assert Agency.objects.filter(key__startswith="o06.").count() > 15
    assert agency_successor_on(agency=Agency.objects.get(key="o06.stttt"), day=TODAY).key == "p19.skhcn"


def test_an_unknown_province_is_refused_and_nothing_is_written(vn_units: None) -> None:
    agencies, entries = Agency.objects.count(), Entry.objects.count()
    with pytest.raises(AgenciesDataError) as error:
        agencies_load(actor=None, province="99")
    assert error.value.message == "Không có dữ liệu cơ quan của tỉnh, thành phố mã “99”."
    assert (Agency.objects.count(), Entry.objects.count()) == (agencies, entries)


def test_the_command_loads_one_province(vn_units: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("agencies_load", "--province", "4")
    out = capsys.readouterr().out
    assert "Tỉnh, thành phố: 1." in out
    assert "Đã ghi sổ cái." in out
    assert Agency.objects.get(key="p04.ubnd").name == "Ủy ban nhân dân tỉnh Cao Bằng"
    call_command("agencies_load", "--province", "04")
    assert "không có thay đổi" in capsys.readouterr().out


def test_a_merged_provinces_scheme_imports_once_its_agencies_are_loaded(vn_units: None) -> None:
    """Issue 14's first symptom: another (since merged) province's 2022 scheme was refused for
    want of an agency of that province to own it. The Thái Bình seed, retold as Bắc Kạn's."""
    from pathlib import Path

    from tinhso.programme.importing.pipeline import programme_import
    from tinhso.programme.models import Programme, Task

    seeds = Path(__file__).resolve().parents[2] / "programme" / "data" / "seeds"
    seed = seeds / "thai-binh-2022-de-an-chuyen-doi-so.txt"
    text = seed.read_text(encoding="utf-8").replace("THÁI BÌNH", "BẮC KẠN").replace("Thái Bình", "Bắc Kạn")
    refused = programme_import(actor=None, filename="bac-kan.txt", data=text.encode(), dry_run=True)
    assert [item["reason"] for item in refused.rejected] == [
        "Không xác định được tỉnh ban hành đề án từ văn bản; vui lòng chọn đề án để nhập vào."
    ]
    agencies_load(actor=None, province="19")
    outcome = programme_import(actor=None, filename="bac-kan.txt", data=text.encode())
    assert outcome.saved, outcome.rejected[:3]
    assert outcome.programme_id is not None
    programme = Programme.objects.get(pk=outcome.programme_id)
    assert programme.owner.key == "p19.ubnd"  # today's Thái Nguyên carries it on
    assert (programme.province.code, programme.province.valid_to) == ("06", dt.date(2025, 6, 30))
    leads = set(Task.objects.filter(programme=programme).values_list("lead_agency__key", flat=True))
    assert {"p19.skhcn", "p19.stc"} <= leads  # Sở TT&TT and Sở KH&ĐT of 2022, through 1/3 and 1/7/2025
