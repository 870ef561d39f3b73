"""Reads of delegations: those a person gave and received, and how a signature reads under one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from tinhso.org.models import Delegation, DelegationKind, DelegationRole

if TYPE_CHECKING:
    from tinhso.org.models import Person


def _listed(queryset: QuerySet[Delegation]) -> list[Delegation]:
    return list(
        queryset.select_related("delegator", "delegate", "agency")
        .prefetch_related(Prefetch("roles", queryset=DelegationRole.objects.order_by("role")))
        .order_by("-valid_from", "-pk")
    )


def delegation_lists(person: Person) -> tuple[list[Delegation], list[Delegation]]:
    """(given by ``person``, received by ``person``), newest first; revoked and expired included."""
    return _listed(Delegation.objects.filter(delegator=person)), _listed(Delegation.objects.filter(delegate=person))


@dataclass(frozen=True)
class SignatureBlock:
    """A signature block as Decree 30/2020 (art. 13, Appendix I) lays it out: under a delegation,
    "KT." or "TUQ." and the delegator's title, then the signer's own title, then their name."""

    authority: str  # "KT. GIÁM ĐỐC", "TUQ. CHỦ TỊCH"; empty when the signer signs in their own right
    title: str
    name: str

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.authority, self.title, self.name) if line]


def signature_block(signer: Person, delegation: Delegation | None, default_title: str = "") -> SignatureBlock:
    """How ``signer``'s signature reads, under ``delegation`` if they acted under one."""
    title = signer.title.strip() or default_title
    if delegation is None:
        return SignatureBlock("", title.upper(), signer.get_full_name())
    head = delegation.delegator.title.strip() or _("Thủ trưởng cơ quan")
    prefix = "KT." if delegation.kind == DelegationKind.ON_BEHALF else "TUQ."
    return SignatureBlock(f"{prefix} {head.upper()}", title.upper(), signer.get_full_name())
