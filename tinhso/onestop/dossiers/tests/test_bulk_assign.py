"""Bulk assignment: every dossier assigned, or none."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.core.errors import DomainError
from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import GOOD_FORM, at
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.models import Dossier, DossierEvent, DossierState

pytestmark = pytest.mark.django_db


def _forwarded(svc: Any, code: str, state: str = DossierState.FORWARDED) -> Dossier:
    return Dossier.objects.create(
        code=code,
        procedure=svc.procedure,
        receiving_agency=svc.centre,
        handling_agency=svc.stp,
        channel="online",
        state=state,
        applicant=svc.citizen,
        applicant_name="Nguyễn Văn An",
        form_data=dict(GOOD_FORM),
        submitted_at=at("2026-03-02", 8),
        received_at=at("2026-03-02"),
        due_at=at("2026-03-16"),
    )


def test_bulk_assign_assigns_each_with_its_own_event(svc: Any, clock: Any) -> None:
    dossiers = [_forwarded(svc, f"B-{n}") for n in range(3)]
    entries = Entry.objects.count()
    done = S.dossier_assign_bulk(actor=svc.approver, dossiers=dossiers, assignee=svc.handler)
    assert [d.state for d in done] == [DossierState.ASSIGNED] * 3
    assert set(Dossier.objects.filter(assignee=svc.handler).values_list("code", flat=True)) == {"B-0", "B-1", "B-2"}
    assert DossierEvent.objects.filter(action="assign").count() == 3
    assert Entry.objects.count() == entries + 3


def test_bulk_assign_is_all_or_nothing_and_names_the_refused(svc: Any, clock: Any) -> None:
    good = _forwarded(svc, "B-good")
    wrong_state = _forwarded(svc, "B-late", state=DossierState.UNDER_REVIEW)
    entries = Entry.objects.count()
    with pytest.raises(DomainError) as error:
        S.dossier_assign_bulk(actor=svc.approver, dossiers=[good, wrong_state], assignee=svc.handler)
    assert set(error.value.errors) == {"B-late"}
    assert "chưa hồ sơ nào được giao" in error.value.message
    good.refresh_from_db()
    assert good.state == DossierState.FORWARDED
    assert good.assignee_id is None
    assert not DossierEvent.objects.exists()
    assert Entry.objects.count() == entries


def test_bulk_assign_needs_at_least_one(svc: Any) -> None:
    with pytest.raises(DomainError):
        S.dossier_assign_bulk(actor=svc.approver, dossiers=[], assignee=svc.handler)
