"""Factories for the organisation's people and agencies, made through the org services (so the
ledger records them as the application would) instead of dicts of arguments in each test.

``AgencyFactory.create(…)`` does what ``AgencyFactory(…)`` does and is typed as an Agency (mypy
takes the call of a factory class for an instance of the factory)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from tinhso.org import services
from tinhso.org.models import AdministrativeUnit, Agency, AgencyKind, Person

TEST_PASSWORD = "pw-Tinhso-2026"


def hung_yen() -> AdministrativeUnit:
    """The current province of Hưng Yên (code 33), where agencies are by default."""
    return AdministrativeUnit.objects.get(level="province", code="33", valid_to__isnull=True)


class AgencyFactory(factory.Factory[Agency]):
    """AgencyFactory(name=…, kind=…, parent=…) → an agency made by ``agency_create``; a department
    of Hưng Yên unless told otherwise."""

    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = AgencyKind.DEPARTMENT
    unit = factory.LazyFunction(hung_yen)

    @classmethod
    def _create(cls, model_class: type[Agency], *args: Any, **kwargs: Any) -> Agency:
        return services.agency_create(actor=None, **kwargs)


class PersonFactory(factory.Factory[Person]):
    """PersonFactory(username=…, role=…, agency=…) → a person made by ``person_create`` (password
    :data:`TEST_PASSWORD`), holding ``role`` in ``agency`` from 1 January 2025 if a role is given."""

    class Meta:
        model = Person

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = "Người Thử"
    password = TEST_PASSWORD
    check_password = False
    role: str | None = None  # these three go to role_grant
    agency: Agency | None = None
    valid_from = dt.date(2025, 1, 1)

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        role, agency, valid_from = kwargs.pop("role"), kwargs.pop("agency"), kwargs.pop("valid_from")
        person = services.person_create(actor=None, **kwargs)
        if role:
            services.role_grant(actor=None, person=person, role=role, agency=agency, valid_from=valid_from)
        return person
