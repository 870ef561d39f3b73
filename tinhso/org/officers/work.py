"""The registry of a person's open work, for the handover of a person who leaves.

Org owns people but not their work: the one-stop shop owns dossiers, the programme tracker its
reports. Each of those apps registers here, in its ``AppConfig.ready()``, one
:class:`OpenWorkKind` per kind of work a person can hold; the handover
(:func:`tinhso.org.officers.services.person_handover`) counts, checks and moves every kind
through it, in one transaction, without importing the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from tinhso.org.models import Person


@dataclass(frozen=True)
class OpenWorkKind:
    """One kind of open work a person can hold.

    - ``count(person)``: how many items the person holds now;
    - ``refusals(person, successor)``: why ``successor`` cannot take them over (in Vietnamese, one
      line per reason, e.g. a dossier of an agency where the successor is no handler); empty
      when they can;
    - ``transfer(person, successor, actor)``: move every item to ``successor`` inside the
      caller's transaction, with the app's own events and ledger entries; returns how many moved.
    """

    name: str
    label: str | Promise
    count: Callable[[Person], int]
    refusals: Callable[[Person, Person], list[str]]
    transfer: Callable[[Person, Person, Person | None], int]


_KINDS: dict[str, OpenWorkKind] = {}


def open_work_register(kind: OpenWorkKind) -> None:
    """Add (or replace, by name: ``ready()`` may run twice in tests) a kind of open work."""
    _KINDS[kind.name] = kind


def open_work_kinds() -> list[OpenWorkKind]:
    return list(_KINDS.values())
