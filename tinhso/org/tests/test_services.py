"""Agency, person and role writes: their checks, their history and their ledger events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tinhso.core.errors import Conflict, DomainError
from tinhso.ledger.models import Entry
from tinhso.org import services
from tinhso.org.models import Agency, AgencyKind, Person, RoleAssignment
from tinhso.org.roles import Role
from tinhso.org.selectors import agency_search, agency_successor_on

pytestmark = pytest.mark.django_db


def _ours(agencies: Any) -> list[Agency]:
    """Results among this test's agencies (the demo agencies are in the database too)."""
    return [agency for agency in agencies if agency.key and agency.key.startswith("t.")]


def _ledger_actions() -> list[str]:
    return list(Entry.objects.order_by("pk").values_list("action", flat=True))


def test_agency_create_writes_path_and_ledger(world: dict[str, Any]) -> None:
    dost, division = world["dost"], world["dx_division"]
    assert division.path == f"{world['ppc'].path}{dost.pk}/{division.pk}/"
    entry = Entry.objects.filter(action="org.agency.create", object_id=str(division.pk)).get()
    assert entry.object_type == "org.agency"


@pytest.mark.parametrize("new_parent", ["self", "child"])
def test_a_cycle_in_the_agency_tree_is_refused_and_nothing_changes(world: dict[str, Any], new_parent: str) -> None:
    dost = world["dost"]
    target = dost if new_parent == "self" else world["dx_division"]
    before = list(Agency.objects.order_by("pk").values_list("pk", "parent_id", "path"))
    entries = Entry.objects.count()
    with pytest.raises(DomainError, match="vòng lặp") as caught:
        services.agency_update(actor=None, agency=dost, parent=target, set_parent=True)
    assert caught.value.code == "agency_cycle"
    assert list(Agency.objects.order_by("pk").values_list("pk", "parent_id", "path")) == before
    assert Entry.objects.count() == entries


def test_merger_closes_the_old_agency_and_is_followed_to_today(world: dict[str, Any]) -> None:
    tb_ict = Agency.objects.get(pk=world["tb_ict"].pk)
    assert tb_ict.valid_to == dt.date(2025, 2, 28)
    assert agency_successor_on(agency=tb_ict, day=dt.date(2024, 5, 1)) == tb_ict
    assert agency_successor_on(agency=tb_ict, day=dt.date(2025, 4, 1)) == world["tb_dost"]
    assert agency_successor_on(agency=tb_ict, day=dt.date(2026, 1, 1)) == world["dost"]


def test_rename_keeps_the_former_name_searchable(world: dict[str, Any]) -> None:
    finance = world["finance"]
    services.agency_rename(
        actor=None, agency=finance, new_name="Sở Tài chính tỉnh Hưng Yên", effective_date=dt.date(2025, 7, 1)
    )
    finance.refresh_from_db()
    assert finance.name == "Sở Tài chính tỉnh Hưng Yên"
    former = finance.names.get()
    assert (former.name, former.valid_to) == ("Sở Tài chính", dt.date(2025, 6, 30))
    assert _ours(agency_search(query="so tai chinh")) == [finance]
    assert "org.agency.rename" in _ledger_actions()


def test_search_by_old_name_without_diacritics(world: dict[str, Any]) -> None:
    assert _ours(agency_search(query="thong tin va truyen thong")) == [world["tb_ict"]]
    assert _ours(agency_search(query="Sở TT&TT")) == [world["tb_ict"]]


def test_role_on_a_dissolved_agency_is_refused(world: dict[str, Any], make_person: Any) -> None:
    person = make_person("cb")
    with pytest.raises(DomainError, match="giải thể hoặc ngừng hoạt động") as caught:
        services.role_grant(
            actor=None, person=person, role=Role.FOCAL_POINT, agency=world["tb_ict"], valid_from=dt.date(2026, 1, 5)
        )
    assert caught.value.code == "agency_inactive"
    assert not RoleAssignment.objects.filter(person=person).exists()


def test_role_on_an_agency_before_it_closed_is_allowed(world: dict[str, Any], make_person: Any) -> None:
    person = make_person("cb")
    services.role_grant(
        actor=None, person=person, role=Role.FOCAL_POINT, agency=world["tb_ict"], valid_from=dt.date(2024, 1, 2)
    )
    assert RoleAssignment.objects.filter(person=person).count() == 1


def test_merger_ends_the_open_roles_of_the_closed_agency(world: dict[str, Any], make_person: Any) -> None:
    person = make_person("cb", Role.FOCAL_POINT, world["finance"])
    kept = services.agency_create(
        actor=None, name="Sở Tài chính mới", kind=AgencyKind.DEPARTMENT, unit=world["hung_yen"], parent=world["ppc"]
    )
    services.agency_merge(actor=None, predecessor=world["finance"], successor=kept, effective_date=dt.date(2026, 1, 1))
    assignment = person.role_assignments.get()
    assert assignment.valid_to == dt.date(2025, 12, 31)


@pytest.mark.parametrize(
    ("role", "agency_key", "message"),
    [
        (Role.SYSTEM_ADMIN, "dost", "toàn hệ thống"),
        (Role.HANDLER, None, "phải gắn với một cơ quan"),
        ("king", "dost", "không tồn tại"),
    ],
)
def test_role_shape_is_checked(
    world: dict[str, Any], make_person: Any, role: str, agency_key: str | None, message: str
) -> None:
    person = make_person("cb")
    with pytest.raises(DomainError, match=message):
        services.role_grant(actor=None, person=person, role=role, agency=world[agency_key] if agency_key else None)


def test_the_same_open_role_twice_is_a_conflict(world: dict[str, Any], make_person: Any) -> None:
    person = make_person("cb", Role.HANDLER, world["centre"])
    with pytest.raises(Conflict, match="đã có vai trò"):
        services.role_grant(actor=None, person=person, role=Role.HANDLER, agency=world["centre"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "NGUYENAN", "Tên đăng nhập"),
        ("email", "AN@example.vn", "thư điện tử"),
        ("personal_id", "034201001234", "số định danh"),
    ],
)
def test_a_duplicate_person_is_refused(field: str, value: str, message: str) -> None:
    services.person_create(
        actor=None, username="nguyenan", full_name="Nguyễn Văn An", email="an@example.vn", personal_id="034201001234"
    )
    attrs: dict[str, Any] = {
        "username": "other",
        "full_name": "Người Khác",
        "email": "other@example.vn",
        "personal_id": "034201009999",
    }
    attrs[field] = value
    entries = Entry.objects.count()
    with pytest.raises(Conflict, match=message) as caught:
        services.person_create(actor=None, **attrs)
    assert caught.value.code == "duplicate_person"
    assert Person.objects.count() == 1
    assert Entry.objects.count() == entries


def test_person_checks_id_format_and_password_strength() -> None:
    with pytest.raises(DomainError, match="12 chữ số"):
        services.person_create(actor=None, username="a", full_name="A", personal_id="12345")
    with pytest.raises(DomainError) as weak:
        services.person_create(actor=None, username="b", full_name="B", password="123")
    assert weak.value.field == "password"
    assert not Person.objects.exists()


def test_people_are_stored_in_nfc_and_the_ledger_holds_no_personal_data() -> None:
    import unicodedata

    person = services.person_create(
        actor=None,
        username="an",
        full_name=unicodedata.normalize("NFD", "Nguyễn Văn An"),
        personal_id="034201001234",
        phone="0912345678",
    )
    assert person.full_name == "Nguyễn Văn An"
    entry = Entry.objects.get(action="org.person.create")
    assert entry.payload.data == {"username": "an"}
