"""Which dossiers a person may see, fetching one without revealing what exists elsewhere, and
whose personal data a person who sees a dossier reads in full."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tinhso.core.errors import NotFound
from tinhso.onestop.models import Dossier, DossierFile, FileKind
from tinhso.org.access import agencies_where, can
from tinhso.org.roles import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.org.models import Person


def dossiers_visible(person: Person | AnonymousUser) -> QuerySet[Dossier]:
    """Officers: dossiers received or handled within their reach; everyone: their own."""
    if not person.is_authenticated or not person.is_active:
        return Dossier.objects.none()
    agencies = agencies_where(person, Perm.DOSSIER_VIEW).values("pk")
    return Dossier.objects.filter(
        Q(agency__in=agencies) | Q(handling_agency__in=agencies) | Q(applicant=person),
    ).distinct()


def access_dossier(person: Person | AnonymousUser, dossier_id: int | str) -> Dossier:
    """The dossier if ``person`` may see it; the same :class:`NotFound` if missing or not theirs."""
    try:
        pk = int(dossier_id)
    except (TypeError, ValueError):
        pk = None
    dossier = None if pk is None else dossiers_visible(person).filter(pk=pk).first()
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ."), code="not_found")
    return dossier


def officer_in_reach(person: Person | AnonymousUser, dossier: Dossier) -> bool:
    """Whether ``person`` sees ``dossier`` as an officer (of its receiving or handling agency),
    not only as its applicant: for what stays inside the administration."""
    return agencies_where(person, Perm.DOSSIER_VIEW).filter(
        pk__in=(dossier.agency_id, dossier.handling_agency_id)).exists()


def sees_personal_data(person: Person | AnonymousUser, dossier: Dossier) -> bool:
    """Whether ``person`` reads the personal data of ``dossier`` in full: the one rule for pages,
    printable forms, exports, files and the API (Law 91/2025/QH15: only those who need it).

    In full: the applicant; the one-stop desk (the receive role) of the receiving agency and of
    the agency handling it now (after a transfer, liên thông, its own desk takes it in and records
    supplements); the handler it is assigned to, while they handle at that agency; the approvers
    of the handling agency. Everyone else who may see the dossier (read-only leaders, handlers it
    is not assigned to, the receiving agency's approvers once it has gone elsewhere, the DX
    office) reads it masked (:mod:`tinhso.onestop.dossiers.personal`). Roles cascade down the agency tree
    as everywhere (:func:`tinhso.org.access.can`). Lists mask for every officer whatever this says.
    """
    if not person.is_authenticated or not person.is_active:
        return False
    if dossier.applicant_id is not None and dossier.applicant_id == person.pk:
        return True
    handling = dossier.handling_agency
    if can(person, Perm.DOSSIER_APPROVE, handling) or can(person, Perm.DOSSIER_RECEIVE, handling):
        return True
    if dossier.assignee_id is not None and dossier.assignee_id == person.pk and can(
            person, Perm.DOSSIER_REVIEW, handling):
        return True
    return dossier.agency_id != dossier.handling_agency_id and can(person, Perm.DOSSIER_RECEIVE, dossier.agency)


def dossier_files_visible(person: Person | AnonymousUser, dossier: Dossier) -> QuerySet[DossierFile]:
    """The files of ``dossier`` (already reached) that ``person`` may list: the draft result only
    for officers in reach, never for the applicant before it is approved and signed."""
    files = dossier.files.order_by("kind", "pk")
    if not officer_in_reach(person, dossier):
        files = files.exclude(kind=FileKind.DRAFT)
    return files
