"""Reads of citizens' accounts, for the apps above org (the one-stop shop links dossiers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tinhso.org.models import Consent, PersonalIdProof

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from tinhso.org.models import Person


def person_proven_personal_id(person: Person | AnonymousUser) -> str | None:
    """The personal id ``person`` has proven to hold (an identity provider asserted it), or None.
    Only a proven id links an account to dossiers filed under it by someone else or at a desk."""
    if not person.is_authenticated or not person.is_active:
        return None
    return PersonalIdProof.objects.filter(person_id=person.pk).values_list("personal_id", flat=True).first()


def consent_list(person: Person) -> QuerySet[Consent]:
    return Consent.objects.filter(person=person).order_by("-given_at")
