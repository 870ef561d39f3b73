"""Who may do what in a programme: one named rule per operation.

A person's reach in one programme is its :class:`ProgrammeScope`
(:func:`~tinhso.programme.access.programme_scope`): the DX office of the programme's province
manages it; leaders and system administrators read it all; an agency reports on the tasks it
leads and the targets it tracks, and reads and comments on those it partners in. The services
refuse with these rules, the pages and the API offer actions with them; which objects a person
reaches at all (404 alike) stays in :mod:`tinhso.programme.access`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tinhso.org.access import can
from tinhso.org.roles import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.org.models import Agency, Delegation, Person

    from .models import Programme


@dataclass(frozen=True)
class ProgrammeScope:
    """What ``person`` may do in ``programme``."""

    manage: bool  # DX office: rounds, approvals, everything
    read_all: bool  # DX office, leaders, system administrators
    report_agencies: frozenset[int]  # agencies whose tasks/targets the person reports on
    read_agencies: frozenset[int]  # agencies whose partnered tasks/targets the person reads
    # The delegation (ủy quyền) ``manage`` comes through, None when it is the person's own role:
    # what a managing act records as done on someone's behalf.
    manage_delegation: Delegation | None = None


def may_manage_programme(scope: ProgrammeScope) -> bool:
    """Rounds, approvals, imports and every other change of the programme: its DX office."""
    return scope.manage


def may_import_programme(person: Person | AnonymousUser) -> bool:
    """Import a new programme (whose province is known only once read): a DX office somewhere;
    an import into an existing programme also needs :func:`may_manage_programme` on it."""
    return can(person, Perm.PROGRAMME_MANAGE)


def may_read_programme(scope: ProgrammeScope) -> bool:
    """Read every task, target, round and report: the DX office, leaders, system administrators."""
    return scope.read_all


def may_report(scope: ProgrammeScope, agency: Agency | int | None) -> bool:
    """Write and submit the reports of ``agency``: an agency reporting on what it leads or
    tracks (partners read and comment)."""
    agency_id = agency if isinstance(agency, int) or agency is None else agency.pk
    return agency_id is not None and agency_id in scope.report_agencies


def may_read_drafts(scope: ProgrammeScope, agency: Agency | int | None) -> bool:
    """Read the unsubmitted reports of ``agency``: the agency writing them and the DX office."""
    return scope.manage or may_report(scope, agency)


def commenting_agencies(scope: ProgrammeScope, lead_id: int | None, partner_ids: Iterable[int]) -> set[int]:
    """The subject's agencies (lead or tracking, partners) the person reports for: a comment is
    signed in the name of one of them. Leaders read but do not comment."""
    return ({lead_id, *partner_ids} - {None}) & set(scope.report_agencies)  # type: ignore[return-value]


def may_comment(scope: ProgrammeScope, lead_id: int | None, partner_ids: Iterable[int]) -> bool:
    """Comment on a task or target: its lead (tracking) and partner agencies, and the DX office."""
    return scope.manage or bool(commenting_agencies(scope, lead_id, partner_ids))


def may_derive_plan(scope: ProgrammeScope, parent: Programme) -> bool:
    """Give an agency its yearly plan derived from ``parent`` (tinhso.programme.cascade): the
    DX office of the parent's province, or the parent's owner (a department cascading its own
    plan further)."""
    return scope.manage or parent.owner_id in scope.report_agencies


def may_follow_cascade(scope: ProgrammeScope) -> bool:
    """See which communes and departments have a plan derived from a scheme, have reported and
    are late: those who read the whole scheme (the DX office, leaders)."""
    return scope.read_all


def may_read_plan(scope: ProgrammeScope, plan: Programme) -> bool:
    """Read a plan as a whole (every task and target, paginated): its owner's own people and
    those who read the whole programme (for a derived plan, the province's DX office)."""
    return scope.read_all or plan.owner_id in scope.read_agencies


def may_import_plan(scope: ProgrammeScope, owner: Agency) -> bool:
    """Import an agency's own plan under a scheme: the scheme's DX office, or the agency itself
    (its focal point)."""
    return scope.manage or owner.pk in scope.report_agencies
