"""Delegations: made and revoked through the services, refused with nothing written, and
counted by every permission check while in force (and only then)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Clock, at
from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.ledger.models import Entry
from tinhso.org import rules
from tinhso.org.access import acting_under, agencies_where, can
from tinhso.org.delegation import services
from tinhso.org.delegation.access import access_delegation
from tinhso.org.delegation.selectors import delegation_lists, signature_block
from tinhso.org.delegation.tests.conftest import MARCH_2, delegate
from tinhso.org.models import Delegation, DelegationKind, DelegationRole
from tinhso.org.roles import Perm, Role
from tinhso.org.services import role_revoke

pytestmark = pytest.mark.django_db


def entries(action: str) -> int:
    return Entry.objects.filter(action=action).count()


# --- making one ----------------------------------------------------------------------------------


def test_a_delegation_to_the_deputy_is_ky_thay_and_is_ledgered_without_names(people: SimpleNamespace) -> None:
    made = delegate(people)
    made.refresh_from_db()
    assert (made.delegator, made.delegate, made.agency, made.kind) == (
        people.director,
        people.deputy,
        people.stp,
        DelegationKind.ON_BEHALF,
    )
    assert (made.valid_from, made.valid_to, made.reason, made.created_by) == (
        MARCH_2,
        dt.date(2026, 3, 13),
        "Đi công tác nước ngoài",
        people.director,
    )
    assert list(made.roles.values_list("role", flat=True)) == [Role.APPROVER]
    entry = Entry.objects.get(action="org.delegation.create")
    assert (entry.actor_id, entry.object_id) == (people.director.pk, str(made.pk))
    assert entry.payload.data == {
        "delegator": people.director.pk,
        "delegate": people.deputy.pk,
        "agency": people.stp.pk,
        "roles": [Role.APPROVER],
        "kind": "KT",
        "valid_from": "2026-03-02",
        "valid_to": "2026-03-13",
    }


def test_a_delegation_to_anyone_else_is_thua_uy_quyen(people: SimpleNamespace) -> None:
    assert delegate(people, delegate=people.head).kind == DelegationKind.AUTHORISED


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"delegate": "director"}, "delegate", "self"),
        ({"valid_to": None}, "valid_to", "required"),
        ({"valid_to": dt.date(2026, 3, 1), "valid_from": dt.date(2026, 3, 3)}, "valid_to", "period_reversed"),
        ({"valid_from": dt.date(2026, 3, 1)}, "valid_from", "in_the_past"),
        ({"roles": []}, "roles", "required"),
        ({"roles": [Role.HANDLER]}, "roles", "not_delegable"),  # desk and handling work is reassigned
        ({"roles": [Role.LEADER]}, "roles", "not_held"),  # beyond one's own powers
        ({"agency": "sct"}, "roles", "not_held"),  # another agency's powers
        ({"delegate": "outsider"}, "delegate", "not_in_agency"),
        ({"delegate": "citizen"}, "delegate", "not_in_agency"),
        ({"reason": "x" * 1001}, "reason", "max_length"),
    ],
)
def test_bad_delegations_are_refused_in_vietnamese_and_write_nothing(
    people: SimpleNamespace, changes: dict[str, Any], field: str, code: str
) -> None:
    resolved = {
        key: getattr(people, value) if key in {"delegate", "agency"} else value for key, value in changes.items()
    }
    with pytest.raises(DomainError) as refused:
        delegate(people, **resolved)
    assert (refused.value.field, refused.value.code, refused.value.status_code) == (field, code, 400)
    assert refused.value.message[0].isupper()
    assert not Delegation.objects.exists()
    assert not DelegationRole.objects.exists()
    assert entries("org.delegation.create") == 0


def test_the_refusals_say_what_is_wrong(people: SimpleNamespace) -> None:
    with pytest.raises(DomainError, match="Không thể ủy quyền cho chính mình"):
        delegate(people, delegate=people.director)
    with pytest.raises(DomainError, match="ủy quyền phải có thời hạn"):
        delegate(people, valid_to=None)
    with pytest.raises(DomainError, match="chỉ được ủy quyền quyền hạn của chính mình"):
        delegate(people, roles=[Role.LEADER])


def test_an_overlapping_delegation_of_the_same_powers_is_a_conflict(people: SimpleNamespace) -> None:
    first = delegate(people)
    with pytest.raises(Conflict) as refused:
        delegate(people, valid_from=dt.date(2026, 3, 13), valid_to=dt.date(2026, 3, 20))
    assert refused.value.code == "overlap"
    assert list(Delegation.objects.all()) == [first]
    assert entries("org.delegation.create") == 1
    # After it ends, or once revoked, the same powers can be lent again.
    delegate(people, valid_from=dt.date(2026, 3, 14), valid_to=dt.date(2026, 3, 20))
    services.delegation_revoke(actor=people.director, delegation=first)
    delegate(people, valid_to=dt.date(2026, 3, 6))
    assert Delegation.objects.count() == 3


def test_lent_powers_are_not_lent_again(people: SimpleNamespace) -> None:
    """Decree 30/2020: the person authorised does not authorise anyone else."""
    delegate(people)
    assert not rules.may_delegate(people.deputy, people.stp)
    with pytest.raises(DomainError) as refused:
        delegate(people, actor=people.deputy, delegate=people.head)
    assert refused.value.code == "not_held"
    assert Delegation.objects.count() == 1


# --- what it grants, and when ----------------------------------------------------------------------


def test_the_delegate_holds_the_lent_powers_during_the_period_only(people: SimpleNamespace, clock: Clock) -> None:
    assert not can(people.deputy, Perm.DOSSIER_APPROVE, people.stp)
    made = delegate(people, valid_from=dt.date(2026, 3, 3), valid_to=dt.date(2026, 3, 4))
    assert not can(people.deputy, Perm.DOSSIER_APPROVE, people.stp)  # not started yet
    clock.set(at("2026-03-03"))
    assert can(people.deputy, Perm.DOSSIER_APPROVE, people.stp)
    assert can(people.deputy, Perm.DOSSIER_ASSIGN)
    assert not can(people.deputy, Perm.DOSSIER_APPROVE, people.sct)  # on that agency only
    assert acting_under(people.deputy, Perm.DOSSIER_APPROVE, people.stp) == made
    assert acting_under(people.director, Perm.DOSSIER_APPROVE, people.stp) is None  # in their own right
    assert people.stp in agencies_where(people.deputy, Perm.DOSSIER_APPROVE)
    clock.set(at("2026-03-04", 23, 59))
    assert can(people.deputy, Perm.DOSSIER_APPROVE, people.stp)  # the last day included
    clock.set(at("2026-03-05", 0, 1))
    assert not can(people.deputy, Perm.DOSSIER_APPROVE, people.stp)
    assert acting_under(people.deputy, Perm.DOSSIER_APPROVE, people.stp) is None
    assert not agencies_where(people.deputy, Perm.DOSSIER_APPROVE).exists()


def test_a_revoked_delegation_grants_nothing_and_is_revoked_once(people: SimpleNamespace) -> None:
    made = delegate(people)
    assert can(people.deputy, Perm.DOSSIER_APPROVE, people.stp)
    services.delegation_revoke(actor=people.director, delegation=made)
    made.refresh_from_db()
    assert (made.revoked_at is not None, made.revoked_by) == (True, people.director)
    assert not can(people.deputy, Perm.DOSSIER_APPROVE, people.stp)
    entry = Entry.objects.get(action="org.delegation.revoke")
    assert entry.payload.data == {
        "delegator": people.director.pk,
        "delegate": people.deputy.pk,
        "agency": people.stp.pk,
    }
    with pytest.raises(Conflict):
        services.delegation_revoke(actor=people.director, delegation=made)
    assert entries("org.delegation.revoke") == 1


def test_only_the_delegator_revokes(people: SimpleNamespace) -> None:
    made = delegate(people)
    with pytest.raises(NotAllowed):
        services.delegation_revoke(actor=people.deputy, delegation=made)
    made.refresh_from_db()
    assert made.revoked_at is None
    assert entries("org.delegation.revoke") == 0


def test_a_delegation_lapses_when_its_delegator_loses_the_role(people: SimpleNamespace) -> None:
    delegate(people)
    assignment = people.director.role_assignments.get(role=Role.APPROVER)
    role_revoke(actor=None, assignment=assignment, on=dt.date(2026, 3, 1))
    assert not can(people.deputy, Perm.DOSSIER_APPROVE, people.stp)


def test_a_check_is_one_query_with_or_without_delegations(people: SimpleNamespace) -> None:
    """Lent roles are counted in the same query as one's own: no query more per check."""
    for person in (people.director, people.deputy, people.head):
        with CaptureQueriesContext(connection) as before:
            can(person, Perm.DOSSIER_APPROVE, people.stp)
        assert len(before) == 1
    delegate(people)
    for person, allowed in ((people.director, True), (people.deputy, True), (people.head, False)):
        with CaptureQueriesContext(connection) as after:
            assert can(person, Perm.DOSSIER_APPROVE, people.stp) is allowed
        assert len(after) == 1
    with CaptureQueriesContext(connection) as reach:
        list(agencies_where(people.deputy, Perm.DOSSIER_VIEW))
    assert len(reach) == 4  # global roles?, own roots, lent roots, the agencies


# --- reading ---------------------------------------------------------------------------------------


def test_each_side_sees_it_and_nobody_else(people: SimpleNamespace) -> None:
    made = delegate(people)
    assert access_delegation(people.director, made.pk) == made
    assert access_delegation(people.deputy, str(made.pk)) == made
    for stranger in (people.head, people.outsider, people.citizen):
        with pytest.raises(NotFound):
            access_delegation(stranger, made.pk)
    with pytest.raises(NotFound):
        access_delegation(people.director, "abc")
    assert delegation_lists(people.director) == ([made], [])
    assert delegation_lists(people.deputy) == ([], [made])


def test_the_signature_block_follows_decree_30(people: SimpleNamespace) -> None:
    kt = delegate(people)
    tuq = delegate(people, delegate=people.head)
    assert signature_block(people.deputy, kt).lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Thị Phó"]
    assert signature_block(people.head, tuq).lines == ["TUQ. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "Phạm Văn Chánh"]
    assert signature_block(people.director, None).lines == ["GIÁM ĐỐC", "Trần Văn Giám"]
