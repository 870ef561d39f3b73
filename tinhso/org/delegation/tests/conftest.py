"""The people of Sở Tư pháp who lend and receive powers in these tests, and a way to make a
delegation with one argument changed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import Clock
from tinhso.org.delegation import services
from tinhso.org.models import Delegation
from tinhso.org.roles import Role

MARCH_2 = dt.date(2026, 3, 2)


@pytest.fixture
def people(demo_agencies: dict[str, Any], make_person: Any, clock: Clock) -> SimpleNamespace:
    """Sở Tư pháp's director and deputy, a head of division, a handler; Sở Công Thương's director."""
    stp, sct = demo_agencies["hy.stp"], demo_agencies["hy.sct"]
    return SimpleNamespace(
        stp=stp,
        sct=sct,
        director=make_person("giamdoc.stp", Role.APPROVER, stp, full_name="Trần Văn Giám", title="Giám đốc"),
        deputy=make_person("phogiamdoc.stp", Role.HANDLER, stp, full_name="Lê Thị Phó", title="Phó Giám đốc"),
        head=make_person("chanhvp.stp", Role.HANDLER, stp, full_name="Phạm Văn Chánh", title="Chánh Văn phòng"),
        outsider=make_person("giamdoc.sct", Role.APPROVER, sct, full_name="Đỗ Văn Ngoài", title="Giám đốc"),
        citizen=make_person("congdan", Role.CITIZEN, None),
    )


def delegate(people: SimpleNamespace, **changes: Any) -> Delegation:
    arguments: dict[str, Any] = {
        "actor": people.director,
        "delegate": people.deputy,
        "agency": people.stp,
        "roles": [Role.APPROVER],
        "valid_from": MARCH_2,
        "valid_to": dt.date(2026, 3, 13),
        "reason": "Đi công tác nước ngoài",
    }
    arguments.update(changes)
    return services.delegation_create(**arguments)
