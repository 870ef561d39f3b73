"""What a dossier went through: the last write of every step is its event row, the applicant's
notification and the ledger entry, in the step's transaction. Ledger payloads carry codes,
states and ids only, never names, ID numbers or phones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tinhso.ledger.services import Record, ledger_append_many
from tinhso.onestop.models import Dossier, DossierEvent
from tinhso.onestop.notices.services import dossiers_notify  # the applicant's notifications, sent after commit

if TYPE_CHECKING:
    from tinhso.org.models import Agency, Delegation, Person


def delegation_payload(delegation: Delegation | None) -> dict[str, Any]:
    """What a ledger payload adds for an act done under a delegation: on whose behalf (an id, as
    the actor is), which delegation and how the act is signed (KT., TUQ.)."""
    if delegation is None:
        return {}
    return {"on_behalf_of": delegation.delegator_id, "delegation": delegation.pk, "delegation_kind": delegation.kind}


def dossier_event_record(
    dossier: Dossier,
    *,
    action: str,
    from_state: str,
    actor: Person | None,
    agency: Agency | None,
    note: str = "",
    at: dt.datetime | None = None,
    extra: Mapping[str, Any] | None = None,
    delegation: Delegation | None = None,
) -> Dossier:
    """The event row, then the ledger entry: the last write of every transition. ``delegation``:
    the one the actor acted under (:func:`tinhso.org.access.acting_under`), recorded on both."""
    dossier_events_record(
        [(dossier, actor, agency)],
        action=action,
        from_state=from_state,
        note=note,
        at=at,
        extra={**(extra or {}), **delegation_payload(delegation)},
        delegation=delegation,
    )
    return dossier


def dossier_events_record(
    steps: Sequence[tuple[Dossier, Person | None, Agency | None]],
    *,
    action: str,
    from_state: str,
    note: str = "",
    at: dt.datetime | None = None,
    extra: Mapping[str, Any] | None = None,
    delegation: Delegation | None = None,
) -> None:
    """:func:`dossier_event_record` for dossiers that took the same step, each (dossier, actor,
    agency): one insert of the events, one of the notifications, one ledger append."""
    at = at or timezone.now()
    DossierEvent.objects.bulk_create(
        [
            DossierEvent(
                dossier=dossier,
                action=action,
                from_state=from_state,
                to_state=dossier.state,
                actor=actor,
                agency=agency,
                note=note,
                at=at,
                delegation=delegation,
            )
            for dossier, actor, agency in steps
        ]
    )
    dossiers_notify([(dossier, actor) for dossier, actor, _agency in steps], action, at=at, note=note)
    ledger_append_many(
        [
            Record(
                actor=actor,
                action=f"services.dossier.{action}",
                obj=dossier,
                payload={
                    "code": dossier.code,
                    "procedure": dossier.procedure.code,
                    "from": from_state,
                    "to": dossier.state,
                    "handling_agency": dossier.handling_agency_id,
                    **(extra or {}),
                },
            )
            for dossier, actor, _agency in steps
        ]
    )
