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
