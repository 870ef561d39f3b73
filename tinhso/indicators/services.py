from __future__ import annotations

import hashlib

from django.db import transaction

from tinhso.core.text import clean, fold
from tinhso.ledger.services import ledger_append
from tinhso.org.models import Person

from .models import Indicator


def indicator_code_for(name: str) -> str:
    """A stable code derived from the folded name, so the same wording maps to one indicator."""
    return "CS-" + hashlib.sha1(fold(name).encode(), usedforsecurity=False).hexdigest()[:10].upper()


@transaction.atomic
def indicator_get_or_create(*, actor: Person | None, name: str, unit: str = "") -> tuple[Indicator, bool]:
    """The indicator named ``name`` (compared diacritics- and case-insensitively), created if new."""
    name = clean(name)
    existing = Indicator.objects.filter(name_folded=fold(name)).first()
    if existing is not None:
        return existing, False
    indicator = Indicator.objects.create(code=indicator_code_for(name), name=name, unit=clean(unit))
    ledger_append(
        actor=actor,
        action="indicators.indicator.create",
        obj=indicator,
        payload={"code": indicator.code, "name": indicator.name, "unit": indicator.unit},
    )
    return indicator, True
