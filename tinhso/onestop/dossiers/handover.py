"""The one-stop shop's share of a person's handover (:mod:`tinhso.org.officers.work`): the open
dossiers assigned to them as handler go to their successor, who must be a handler of each
dossier's handling agency.

Each moved dossier gets a ``handover`` event (internal: the applicant's timeline leaves it out
and no message is sent; the dossier keeps its state and its deadline) and a ledger entry.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tinhso.ledger.services import Record, ledger_append_many
from tinhso.onestop.models import Dossier, DossierEvent
from tinhso.org.access import can
from tinhso.org.models import Agency, Person
from tinhso.org.officers.work import OpenWorkKind
from tinhso.org.roles import Perm

from .states import OPEN_STATES

NAME = "services.dossiers"


def _open(person: Person) -> QuerySet[Dossier]:
    return Dossier.objects.filter(assignee=person, state__in=OPEN_STATES)


def dossiers_open_count(person: Person) -> int:
    return _open(person).count()


def dossiers_handover_refusals(person: Person, successor: Person) -> list[str]:
    """A line per handling agency of the person's open dossiers where the successor is no handler."""
    reasons = []
    agencies: dict[int, tuple[Agency, int]] = {}
    for dossier in _open(person).select_related("handling_agency"):
        agency, count = agencies.get(dossier.handling_agency_id, (dossier.handling_agency, 0))
        agencies[dossier.handling_agency_id] = (agency, count + 1)
    for agency, count in agencies.values():
        if not can(successor, Perm.DOSSIER_REVIEW, agency):
            reasons.append(
                _("Người nhận không phải chuyên viên thụ lý của %(agency)s (%(count)d hồ sơ đang xử lý).")
                % {"agency": agency.name, "count": count}
            )
    return reasons


def dossiers_hand_over(person: Person, successor: Person, actor: Person | None) -> int:
    """Reassign the person's open dossiers to ``successor`` (inside the caller's transaction)."""
    dossiers = list(_open(person).select_for_update().select_related("procedure").order_by("pk"))
    if not dossiers:
        return 0
    Dossier.objects.filter(pk__in=[dossier.pk for dossier in dossiers]).update(assignee=successor)
    note = _("Bàn giao công việc cho chuyên viên khác.")
    now = timezone.now()
    events = []
    records = []
    for dossier in dossiers:
        events.append(
            DossierEvent(
                dossier=dossier,
                action="handover",
                from_state=dossier.state,
                to_state=dossier.state,
                actor=actor,
                agency_id=dossier.handling_agency_id,
                note=note,
                at=now,
            )
        )
        records.append(
            Record(
                actor=actor,
                action="services.dossier.handover",
                obj=dossier,
                payload={
                    "code": dossier.code,
                    "procedure": dossier.procedure.code,
                    "from": dossier.state,
                    "to": dossier.state,
                    "handling_agency": dossier.handling_agency_id,
                    "assignee_from": person.pk,
                    "assignee": successor.pk,
                },
            )
        )
    DossierEvent.objects.bulk_create(events)
    ledger_append_many(records)
    return len(dossiers)


OPEN_DOSSIERS = OpenWorkKind(
    name=NAME,
    label=_lazy("Hồ sơ thủ tục hành chính đang thụ lý"),
    count=dossiers_open_count,
    refusals=dossiers_handover_refusals,
    transfer=dossiers_hand_over,
)
