"""Each rule of :mod:`tinhso.org.rules` alone, for every kind of person."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tinhso.org import rules
from tinhso.org.models import AdministrativeUnit, Person
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(demo_agencies: dict[str, Any], make_person: Any) -> dict[str, Any]:
    found = {
        "hy.dx_office": make_person("cds.hy", Role.DX_OFFICE, demo_agencies["hy.skhcn"]),
        "th.dx_office": make_person("cds.th", Role.DX_OFFICE, demo_agencies["th.skhcn"]),
        "hy.receiver": make_person("motcua.hy", Role.RECEIVER, demo_agencies["hy.ttpvhcc"]),
        "hy.stp.handler": make_person("thuly.stp", Role.HANDLER, demo_agencies["hy.stp"]),
        "hy.leader": make_person("lanhdao.hy", Role.LEADER, demo_agencies["hy.ubnd"]),
        "admin": make_person("quantri", Role.SYSTEM_ADMIN, None),
        "citizen": make_person("congdan", Role.CITIZEN, None),
        "inactive.dx_office": make_person("cds.nghi", Role.DX_OFFICE, demo_agencies["hy.skhcn"]),
        "anonymous": AnonymousUser(),
    }
    Person.objects.filter(pk=found["inactive.dx_office"].pk).update(is_active=False)
    found["inactive.dx_office"].refresh_from_db()
    return found


def _who(people: dict[str, Any], rule: Any) -> set[str]:
    return {name for name, person in people.items() if rule(person)}


def test_may_view_agency(people: dict[str, Any], demo_agencies: dict[str, Any]) -> None:
    desk = demo_agencies["hy.ttpvhcc"]
    # Roles cascade down the tree: the DX office sits on Sở KH&CN, not above the desk.
    assert _who(people, lambda person: rules.may_view_agency(person, desk)) == {"hy.receiver", "hy.leader", "admin"}
    stp = demo_agencies["hy.stp"]
    assert _who(people, lambda person: rules.may_view_agency(person, stp)) == {"hy.stp.handler", "hy.leader", "admin"}


def test_may_confirm_agency_list(people: dict[str, Any], demo_agencies: dict[str, Any]) -> None:
    hung_yen = demo_agencies["hy.ubnd"].unit.province
    thanh_hoa = demo_agencies["th.ubnd"].unit.province
    assert isinstance(hung_yen, AdministrativeUnit)
    assert _who(people, rules.may_confirm_agency_list) == {"hy.dx_office", "th.dx_office", "admin"}
    assert _who(people, lambda person: rules.may_confirm_agency_list(person, hung_yen)) == {"hy.dx_office", "admin"}
    assert _who(people, lambda person: rules.may_confirm_agency_list(person, thanh_hoa)) == {"th.dx_office", "admin"}
