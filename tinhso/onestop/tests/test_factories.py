"""The dossier factory leaves each state as the application would: reached through the
transitions, each with its event and ledger entry, and a late dossier past its return date."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from tinhso.ledger.models import Entry
from tinhso.onestop.dossiers.selectors import dossier_is_overdue
from tinhso.onestop.models import Dossier, DossierState
from tinhso.onestop.tests.factories import DOSSIER_PATHS, DossierFactory, dossier_cast

pytestmark = pytest.mark.django_db

S = DossierState
FIRST_ACTION = "submit_online"
# DOSSIER_PATHS' steps as the events name them.
ACTIONS = {"return": "return_result"}


def _actions(state: str) -> list[str]:
    return [FIRST_ACTION, *(ACTIONS.get(step, step) for step in DOSSIER_PATHS[state])]


@pytest.mark.parametrize("state", list(DOSSIER_PATHS))
def test_each_state_is_reached_through_its_transitions(svc: Any, clock: Any, media: Any, state: str) -> None:
    dossier = DossierFactory.create(cast=svc, state=state)

    assert dossier.state == state
    assert dossier.receiving_agency == svc.centre
    events = list(dossier.events.order_by("at", "pk"))
    moves = [event for event in events if event.from_state != event.to_state]  # not the draft, the result, the fee
    assert [event.action for event in moves] == _actions(state)
    assert moves[-1].to_state == state
    assert all(before.to_state == after.from_state for before, after in itertools.pairwise(moves))
    entries = Entry.objects.filter(object_type="services.dossier", object_id=str(dossier.pk)).order_by("pk")
    ledgered = [action.removeprefix("services.dossier.") for action in entries.values_list("action", flat=True)]
    assert [action for action in ledgered if action in _actions(state)] == _actions(state)


def test_a_result_returned_dossier_has_its_signed_result_and_its_fee_paid(svc: Any, clock: Any, media: Any) -> None:
    dossier = DossierFactory.create(cast=svc, state=S.RESULT_RETURNED)

    assert dossier.files.get(kind="result").signed
    assert dossier.payments.get().state == "paid"
    assert dossier.completed_at == clock.now


def test_a_late_dossier_is_overdue_and_a_late_return_is_recorded_so(svc: Any, clock: Any, media: Any) -> None:
    open_one = DossierFactory.create(cast=svc, state=S.UNDER_REVIEW, late=True)
    returned = DossierFactory.create(cast=svc, state=S.RESULT_RETURNED, late=True)

    assert open_one.received_at == clock.now - dt.timedelta(days=30)
    assert open_one.due_at is not None
    assert open_one.due_at < clock.now
    assert dossier_is_overdue(open_one, clock.now)
    assert returned.due_at is not None
    assert returned.completed_at == clock.now > returned.due_at
    assert dossier_is_overdue(returned, clock.now)


def test_a_fresh_cast_needs_no_fixture_but_the_reference_units(vn_units: None, clock: Any) -> None:
    dossier = DossierFactory.create(cast=dossier_cast(), state=S.ASSIGNED)

    assert dossier.state == S.ASSIGNED
    assert dossier.code.startswith("H99.01-")
    assert Dossier.objects.count() == 1


def test_a_dossier_is_never_built_without_its_services(svc: Any) -> None:
    with pytest.raises(TypeError):
        DossierFactory.build(cast=svc)
    assert not Dossier.objects.exists()
