"""Cascading roles and the access_* helpers, exhaustively: every role on every agency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tinhso.core.errors import NotAllowed, NotFound
from tinhso.org import services
from tinhso.org.access import (
    access_agency_by_id,
    access_person_by_id,
    agencies_where,
    can,
    require,
)
from tinhso.org.models import Agency
from tinhso.org.roles import PROVINCE_WIDE_PERMISSIONS, ROLE_PERMISSIONS, Perm, Role

pytestmark = pytest.mark.django_db


def test_a_role_cascades_to_every_agency_below(world: dict[str, Any], make_person: Any) -> None:
    officer = make_person("cds", Role.DX_OFFICE, world["dost"])
    visible = set(agencies_where(officer, Perm.AGENCY_VIEW))
    assert visible == {world["dost"], world["dx_division"]}
    assert can(officer, Perm.PROGRAMME_MANAGE, world["dx_division"])
    assert not can(officer, Perm.PROGRAMME_MANAGE, world["finance"])
    assert not can(officer, Perm.PROGRAMME_MANAGE, world["ppc"])  # never upwards


def test_a_role_on_the_province_committee_reaches_all_its_departments(world: dict[str, Any], make_person: Any) -> None:
    leader = make_person("lanhdao", Role.LEADER, world["ppc"])
    visible = set(agencies_where(leader, Perm.AGENCY_VIEW))
    assert visible == {world["ppc"], world["dost"], world["dx_division"], world["finance"], world["centre"]}
    assert world["th_ppc"] not in visible  # another province
    assert not can(leader, Perm.PROGRAMME_MANAGE, world["dost"])  # leaders read only


def test_moving_an_agency_moves_its_subtree_and_the_cascade(world: dict[str, Any], make_person: Any) -> None:
    focal = make_person("dm", Role.FOCAL_POINT, world["finance"])
    assert not can(focal, Perm.PROGRAMME_REPORT, world["dx_division"])
    services.agency_update(actor=None, agency=world["dost"], parent=world["finance"], set_parent=True)
    world["dx_division"].refresh_from_db()
    assert world["dx_division"].path.startswith(world["finance"].path)
    assert can(focal, Perm.PROGRAMME_REPORT, world["dx_division"])


@pytest.mark.parametrize("role", [r for r in Role.values if r not in (Role.SYSTEM_ADMIN, Role.CITIZEN)])
def test_every_agency_role_grants_exactly_its_table_row(role: str, world: dict[str, Any], make_person: Any) -> None:
    person = make_person(f"p-{role}", role, world["dost"])
    every_perm = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    for perm in every_perm:
        assert can(person, perm, world["dx_division"]) == (perm in ROLE_PERMISSIONS[role]), perm
        # a sibling department: reached only by a province-wide permission the role grants
        assert can(person, perm, world["finance"]) == (
            perm in ROLE_PERMISSIONS[role] and perm in PROVINCE_WIDE_PERMISSIONS
        ), perm
        assert not can(person, perm, world["th_ppc"]), perm  # another province: never


def test_a_province_wide_permission_reaches_the_province_and_no_other(world: dict[str, Any], make_person: Any) -> None:
    dx = make_person("cds", Role.DX_OFFICE, world["dost"])
    reach = set(agencies_where(dx, Perm.PROCEDURE_MANAGE))
    assert {world["ppc"], world["dost"], world["dx_division"], world["finance"], world["centre"]} <= reach
    in_province = set(Agency.objects.filter(unit=world["hung_yen"])) | set(
        Agency.objects.filter(unit__parent=world["hung_yen"])
    )  # the communes' agencies too
    assert reach == in_province
    assert any(agency.unit.level == "commune" for agency in reach)
    assert can(dx, Perm.PROCEDURE_MANAGE, world["centre"])
    assert not can(dx, Perm.PROCEDURE_MANAGE, world["th_ppc"])
    assert not can(dx, Perm.PROCEDURE_MANAGE, world["tb_dost"])  # a closed Thái Bình department: another unit
    # the other permissions still cascade down the tree only
    assert set(agencies_where(dx, Perm.PROGRAMME_MANAGE)) == {world["dost"], world["dx_division"]}


def test_system_admin_reaches_every_agency(world: dict[str, Any], make_person: Any) -> None:
    admin = make_person("root", Role.SYSTEM_ADMIN, None)
    assert set(agencies_where(admin, Perm.AGENCY_VIEW)) == set(Agency.objects.all())
    assert can(admin, Perm.AGENCY_MANAGE, world["th_ppc"])


def test_citizen_reaches_no_agency(world: dict[str, Any], make_person: Any) -> None:
    citizen = make_person("cd", Role.CITIZEN, None)
    assert not agencies_where(citizen, Perm.AGENCY_VIEW).exists()
    assert can(citizen, Perm.DOSSIER_SUBMIT)


def test_revoked_and_expired_roles_grant_nothing(world: dict[str, Any], make_person: Any) -> None:
    officer = make_person("cds", Role.DX_OFFICE, world["dost"])
    assignment = officer.role_assignments.get()
    services.role_revoke(actor=None, assignment=assignment, on=dt.date(2025, 12, 31))
    assert not agencies_where(officer, Perm.AGENCY_VIEW).exists()
    assert not can(officer, Perm.PROGRAMME_MANAGE, world["dost"])


def test_inactive_account_reaches_nothing(world: dict[str, Any], make_person: Any) -> None:
    officer = make_person("cds", Role.DX_OFFICE, world["dost"])
    officer.is_active = False
    officer.save()
    assert not agencies_where(officer, Perm.AGENCY_VIEW).exists()


def test_access_agency_answers_missing_and_forbidden_alike(world: dict[str, Any], make_person: Any) -> None:
    focal = make_person("dm", Role.FOCAL_POINT, world["finance"])
    assert access_agency_by_id(focal, world["finance"].pk, Perm.AGENCY_VIEW) == world["finance"]
    missing_id = Agency.objects.order_by("-pk").first().pk + 1000
    errors = []
    agency_id: Any  # hostile values too, as a caller outside the type checker may pass
    for agency_id in (world["dost"].pk, missing_id, "abc", None):
        with pytest.raises(NotFound) as caught:
            access_agency_by_id(focal, agency_id, Perm.AGENCY_VIEW)
        errors.append((caught.value.message, caught.value.code, caught.value.status_code))
    assert len(set(errors)) == 1
    assert errors[0] == ("Không tìm thấy cơ quan, đơn vị.", "not_found", 404)


def test_access_agency_for_anonymous_is_not_found(world: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        access_agency_by_id(AnonymousUser(), world["ppc"].pk, Perm.AGENCY_VIEW)


def test_access_person_is_scoped_to_visible_agencies(world: dict[str, Any], make_person: Any) -> None:
    leader = make_person("ld", Role.LEADER, world["dost"])
    colleague = make_person("cb", Role.HANDLER, world["dx_division"])
    stranger = make_person("nl", Role.HANDLER, world["finance"])
    assert access_person_by_id(leader, colleague.pk, Perm.PERSON_VIEW) == colleague
    assert access_person_by_id(stranger, stranger.pk, Perm.PERSON_VIEW) == stranger  # oneself
    with pytest.raises(NotFound) as forbidden:
        access_person_by_id(leader, stranger.pk, Perm.PERSON_VIEW)
    with pytest.raises(NotFound) as missing:
        access_person_by_id(leader, 10**9, Perm.PERSON_VIEW)
    assert forbidden.value.message == missing.value.message


def test_require_raises_not_allowed_in_vietnamese(world: dict[str, Any], make_person: Any) -> None:
    focal = make_person("dm", Role.FOCAL_POINT, world["finance"])
    with pytest.raises(NotAllowed, match="không có quyền"):
        require(focal, Perm.PROGRAMME_MANAGE, world["finance"])


def test_every_permission_name_has_one_shape() -> None:
    """``<app label>.<verb>_<object>``, Django's own shape, the app label an installed app's (or
    one issue 13 plans: the dashboard), each name once."""
    import re

    from django.apps import apps

    labels = {config.label for config in apps.get_app_configs()} | {"dashboard"}
    names = [value for key, value in vars(Perm).items() if key.isupper()]
    assert len(names) == len(set(names))
    for name in names:
        label, _, action = name.partition(".")
        assert label in labels, name
        assert re.fullmatch(r"[a-z]+_[a-z]+(_[a-z]+)*", action), name
