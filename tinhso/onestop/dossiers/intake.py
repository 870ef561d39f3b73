"""Online filing: a citizen files a dossier, once, whatever the retries.

A filing is checked first without writing anything (:func:`filing_check`: the idempotency
key, the applicant's right to file, the procedure, the receiving agency's electronic id, the
e-form), then written in one ordinary transaction (:func:`filing_submit`): the day's number of
the agency (:mod:`.codes`), the dossier, its event, the applicant's notification and the ledger
entry. The API checks and writes in two steps (a refused filing may be a retry, answered with
the first dossier); the citizen's page and the demo call :func:`dossier_submit_online`.

The idempotency key is unique in the database: a retry is recognised when its insert fails on
it (the attempt rolls back whole, its dossier number too), then the first dossier is read and
returned, to its applicant only (:class:`Conflict` for anyone else). A first filing thus costs
no look-up of the key, and two concurrent attempts with one key make one dossier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict, DomainError
from tinhso.onestop import rules
from tinhso.onestop.dossiers.codes import agency_code, dossier_code_next
from tinhso.onestop.dossiers.events import dossier_event_record
from tinhso.onestop.dossiers.services import form_data_validate, procedure_check
from tinhso.onestop.models import Channel, Dossier, DossierState, Procedure
from tinhso.org.models import Agency

if TYPE_CHECKING:
    from tinhso.org.models import Person


@dataclass(frozen=True)
class Filing:
    """An online filing that passed every check that needs no write (:func:`filing_check`)."""

    applicant: Person
    procedure: Procedure
    agency: Agency
    form_data: dict[str, Any]
    key: str


@dataclass(frozen=True)
class Filed:
    """What a filing made: its dossier, and False in ``created`` when its key had been used
    already by the same applicant (a retry), the dossier being the one made then."""

    dossier: Dossier
    created: bool


def dossier_submit_online(
    *,
    applicant: Person,
    procedure: Procedure,
    agency: Agency,
    form_data: Mapping[str, Any],
    idempotency_key: str,
) -> Dossier:
    """A citizen files a dossier online. The same ``idempotency_key`` returns the same dossier."""
    filing = filing_check(
        applicant=applicant, procedure=procedure, agency=agency, form_data=form_data, idempotency_key=idempotency_key
    )
    return filing_submit(filing).dossier


def filing_check(
    *,
    applicant: Person,
    procedure: Procedure,
    agency: Agency,
    form_data: Mapping[str, Any],
    idempotency_key: str,
) -> Filing:
    """The checks of an online filing that write nothing: the key, the applicant's right to
    file, the procedure (in force, with a workflow, offered online) and the e-form. Raises
    what :func:`dossier_submit_online` raises; returns the filing with the cleaned e-form."""
    key = (idempotency_key or "").strip()
    if not key:
        raise DomainError(_("Thiếu mã chống gửi trùng."), code="idempotency_key_required")
    if not rules.may_file_online(applicant):
        raise rules.refused()
    procedure_check(procedure, online=True)
    agency_code(agency)  # an agency without an electronic id cannot number the dossier: refused first
    return Filing(
        applicant=applicant,
        procedure=procedure,
        agency=agency,
        form_data=form_data_validate(procedure, form_data),
        key=key,
    )


def filing_submit(filing: Filing) -> Filed:
    """Write one checked filing; a key used before by the same applicant gives back its dossier."""
    try:
        # Outermost, the transaction itself; inside a caller's transaction, a savepoint that
        # the failed insert rolls back to (the caller's work stays).
        with transaction.atomic():
            return Filed(_write(filing), created=True)
    except IntegrityError:
        existing = dossier_by_key(filing.applicant, filing.key)
        if existing is None:
            raise
        return Filed(existing, created=False)


def _write(filing: Filing) -> Dossier:
    """The writes of a filing, in the caller's transaction: its number, the dossier, then the
    event, notification and ledger entry (a used key raises :class:`IntegrityError`).

    The day's counter row stays locked from the number until the commit, and every filing of
    the agency that day waits for it: so the number is taken last, once the dossier is built,
    right before the writes that carry it (the dossier's code, the notification's text, the
    ledger payload)."""
    now = timezone.now()
    applicant = filing.applicant
    dossier = Dossier(
        procedure=filing.procedure,
        agency=filing.agency,
        handling_agency=filing.agency,
        channel=Channel.ONLINE,
        state=DossierState.SUBMITTED,
        applicant=applicant,
        applicant_name=applicant.get_full_name() or applicant.get_username(),
        applicant_email=getattr(applicant, "email", "") or "",
        applicant_phone=getattr(applicant, "phone", "") or "",
        applicant_personal_id=getattr(applicant, "personal_id", "") or "",
        form_data=filing.form_data,
        idempotency_key=filing.key,
        submitted_at=now,
        fee_vnd=filing.procedure.fee_vnd,
    )
    dossier.code = dossier_code_next(agency=filing.agency, day=timezone.localdate(now))
    dossier.save(force_insert=True)
    return dossier_event_record(
        dossier, action="submit_online", from_state="", actor=applicant, agency=filing.agency, at=now
    )


def dossier_by_key(applicant: Person, key: str, *, fields: Iterable[str] = ()) -> Dossier | None:
    """The dossier filed with ``key`` (with ``fields`` only loaded, if given), None if there is
    none; :class:`Conflict` if someone else filed it, without saying anything about it."""
    found = Dossier.objects.filter(idempotency_key=key)
    if fields:
        found = found.only(*fields, "applicant_id")
    existing = found.first()
    if existing is not None and existing.applicant_id != applicant.pk:
        raise Conflict(_("Mã chống gửi trùng đã được dùng cho hồ sơ khác."), code="idempotency_key_taken")
    return existing
