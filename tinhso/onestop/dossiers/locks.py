"""The one lock on a dossier: every write that changes a dossier or what hangs on it (files,
payments, ratings, the draft result) takes it first, so two writes on one dossier run one after
the other and see each other's result; writes on different dossiers never wait for each other.

Who locks a payment as well takes the dossier first (:func:`dossier_lock`), then the payment:
always the same order, so no two writes wait for each other crosswise.
"""

from __future__ import annotations

from tinhso.onestop.models import Dossier


def dossier_lock(dossier: Dossier | int) -> Dossier:
    """``dossier`` read again under a row lock held until the transaction ends, with its
    procedure and its receiving and handling agencies. Call it inside ``transaction.atomic``."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    return (
        Dossier.objects.select_for_update()
        .select_related("procedure", "receiving_agency", "handling_agency")
        .get(pk=pk)
    )
