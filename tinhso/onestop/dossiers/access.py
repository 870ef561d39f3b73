"""Which dossiers a person may see, fetching one without revealing what exists elsewhere. Whose
personal data a person who sees a dossier reads in full is a rule:
:func:`tinhso.onestop.rules.may_read_personal_data`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tinhso.core.errors import NotFound
from tinhso.onestop.models import Dossier, DossierFile, FileKind
from tinhso.org.access import agencies_where
from tinhso.org.accounts.selectors import person_proven_personal_id
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
        Q(receiving_agency__in=agencies) | Q(handling_agency__in=agencies) | applicant_condition(person),
    ).distinct()


def applicant_condition(person: Person | AnonymousUser) -> Q:
    """The dossiers ``person`` filed, and those filed (online or at a desk) under the personal id
    they proved to hold (:func:`tinhso.org.accounts.selectors.person_proven_personal_id`)."""
    condition = Q(applicant=person)
    proven = person_proven_personal_id(person)
    if proven:
        condition |= Q(applicant_personal_id=proven)
    return condition


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
    return (
        agencies_where(person, Perm.DOSSIER_VIEW)
        .filter(pk__in=(dossier.receiving_agency_id, dossier.handling_agency_id))
        .exists()
    )


def dossier_files_visible(person: Person | AnonymousUser, dossier: Dossier) -> QuerySet[DossierFile]:
    """The files of ``dossier`` (already reached) that ``person`` may list: the draft result only
    for officers in reach, never for the applicant before it is approved and signed."""
    files = dossier.files.order_by("kind", "pk")
    if not officer_in_reach(person, dossier):
        files = files.exclude(kind=FileKind.DRAFT)
    return files
