"""Each rule of :mod:`tinhso.programme.rules` alone. The scope-based rules take a person's
reach in one programme (how a scope is worked out is tested with :mod:`.access`); importing a
new programme is asked of a person."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tinhso.org.roles import Role
from tinhso.programme import rules
from tinhso.programme.access import ProgrammeScope

LEAD, PARTNER, ELSEWHERE = 11, 12, 13

DX_OFFICE = ProgrammeScope(manage=True, read_all=True, report_agencies=frozenset(), read_agencies=frozenset())
LEADER = ProgrammeScope(manage=False, read_all=True, report_agencies=frozenset(), read_agencies=frozenset())
LEAD_AGENCY = ProgrammeScope(
    manage=False, read_all=False, report_agencies=frozenset({LEAD}), read_agencies=frozenset({LEAD})
)
PARTNER_AGENCY = ProgrammeScope(
    manage=False, read_all=False, report_agencies=frozenset({PARTNER}), read_agencies=frozenset({PARTNER})
)
READER = ProgrammeScope(manage=False, read_all=False, report_agencies=frozenset(), read_agencies=frozenset({LEAD}))
NOBODY = ProgrammeScope(manage=False, read_all=False, report_agencies=frozenset(), read_agencies=frozenset())
SCOPES = {
    "dx_office": DX_OFFICE,
    "leader": LEADER,
    "lead": LEAD_AGENCY,
    "partner": PARTNER_AGENCY,
    "reader": READER,
    "nobody": NOBODY,
}


def _who(rule: Any) -> set[str]:
    return {name for name, scope in SCOPES.items() if rule(scope)}


def test_may_manage_programme() -> None:
    assert _who(rules.may_manage_programme) == {"dx_office"}


def test_may_read_programme() -> None:
    assert _who(rules.may_read_programme) == {"dx_office", "leader"}


def test_may_report_for_the_lead_agency_only() -> None:
    assert _who(lambda scope: rules.may_report(scope, LEAD)) == {"lead"}
    assert _who(lambda scope: rules.may_report(scope, None)) == set()


def test_may_read_drafts() -> None:
    assert _who(lambda scope: rules.may_read_drafts(scope, LEAD)) == {"dx_office", "lead"}
    assert _who(lambda scope: rules.may_read_drafts(scope, ELSEWHERE)) == {"dx_office"}


def test_may_comment_and_in_whose_name() -> None:
    assert _who(lambda scope: rules.may_comment(scope, LEAD, [PARTNER])) == {"dx_office", "lead", "partner"}
    assert _who(lambda scope: rules.may_comment(scope, LEAD, [])) == {"dx_office", "lead"}
    assert rules.commenting_agencies(PARTNER_AGENCY, LEAD, [PARTNER]) == {PARTNER}
    assert rules.commenting_agencies(DX_OFFICE, LEAD, [PARTNER]) == set()  # signs as the programme's owner


@pytest.mark.django_db
def test_may_import_programme(demo_agencies: dict[str, Any], make_person: Any) -> None:
    people = {
        "dx_office": make_person("cds", Role.DX_OFFICE, demo_agencies["hy.skhcn"]),
        "other_dx_office": make_person("cds.th", Role.DX_OFFICE, demo_agencies["th.skhcn"]),
        "focal_point": make_person("daumoi", Role.FOCAL_POINT, demo_agencies["hy.stc"]),
        "leader": make_person("lanhdao", Role.LEADER, demo_agencies["hy.ubnd"]),
        "admin": make_person("quantri", Role.SYSTEM_ADMIN, None),
        "citizen": make_person("congdan", Role.CITIZEN, None),
        "anonymous": AnonymousUser(),
    }
    assert {name for name, person in people.items() if rules.may_import_programme(person)} == {
        "dx_office",
        "other_dx_office",
    }
