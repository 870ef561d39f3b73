"""Bulk assignment: every dossier assigned, or none."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.core.errors import DomainError
from tinhso.ledger.models import Entry
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, DossierEvent, DossierState
from tinhso.onestop.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def _forwarded(svc: Any, state: str = DossierState.FORWARDED) -> Dossier:
    return DossierFactory.create(cast=svc, state=state, paper=True)


def test_bulk_assign_assigns_each_with_its_own_event(svc: Any, clock: Any) -> None:
    dossiers = [_forwarded(svc) for _ in range(3)]
    entries = Entry.objects.count()
    done = S.dossier_assign_bulk(actor=svc.approver, dossiers=dossiers, assignee=svc.handler)
    assert [d.state for d in done] == [DossierState.ASSIGNED] * 3
    assert set(Dossier.objects.filter(assignee=svc.handler)) == set(dossiers)
    assert DossierEvent.objects.filter(action="assign").count() == 3
    assert Entry.objects.count() == entries + 3


def test_bulk_assign_is_all_or_nothing_and_names_the_refused(svc: Any, clock: Any) -> None:
    good = _forwarded(svc)
    wrong_state = _forwarded(svc, state=DossierState.UNDER_REVIEW)
    entries, events = Entry.objects.count(), DossierEvent.objects.count()
    with pytest.raises(DomainError) as error:
        S.dossier_assign_bulk(actor=svc.approver, dossiers=[good, wrong_state], assignee=svc.handler)
    assert set(error.value.errors) == {wrong_state.code}
    assert "chưa hồ sơ nào được giao" in error.value.message
    good.refresh_from_db()
    assert good.state == DossierState.FORWARDED
    assert good.assignee_id is None
    assert DossierEvent.objects.count() == events
    assert Entry.objects.count() == entries


def test_bulk_assign_needs_at_least_one(svc: Any) -> None:
    with pytest.raises(DomainError):
        S.dossier_assign_bulk(actor=svc.approver, dossiers=[], assignee=svc.handler)
