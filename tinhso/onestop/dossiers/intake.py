"""Online filing: a citizen files a dossier, once, whatever the retries.

A filing is checked first without writing anything (:func:`filing_check`: the idempotency
key, the applicant's right to file, the procedure, the receiving agency's electronic id, the
e-form), then written (:func:`filing_submit`): the day's number of the agency (:mod:`.codes`),
the dossier, its event, the applicant's notification and the (unsealed) ledger entry. The API
checks and writes in two steps (a refused filing may be a retry, answered with the first
dossier); the citizen's page and the demo call :func:`dossier_submit_online`.

The idempotency key is unique in the database: a retry is recognised when its insert fails on
it (the attempt rolls back whole, its dossier number too), then the first dossier is read and
returned, to its applicant only (:class:`Conflict` for anyone else). A first filing thus costs
no look-up of the key, and two concurrent attempts with one key make one dossier.

**Group commit.** Every filing of an agency takes that agency's counter row for the day, locked
until its commit: under load, filings queue there one transaction at a time. Filings that reach
a web process together are therefore written together (:class:`IntakeGroup`): while one request
thread writes, the others that arrive wait; the first of them then writes every filing waiting,
up to ``TINHSO_INTAKE_GROUP_MAX``, in one transaction (:func:`filings_write`: one counter upsert
per agency taking all its numbers, one insert each of dossiers, events, outbox rows and ledger
entries, one commit) and wakes the others. No thread of our own: the writer is a request thread
and its connection. A request answers only once its dossier is committed, so 201 still means
written. A filing that arrives alone is written alone at once (:func:`filing_submit_alone`).

If a group's write fails (a retry whose key was used, a filing refused inside the write), the
transaction leaves nothing and each filing of the group is written again in its own transaction,
so one filing never fails the others. A process killed mid-group loses the whole uncommitted
group; every client retries with its key and gets one dossier. With ``TINHSO_INTAKE_GROUP_MAX``
= 1, or inside a caller's transaction (tests, a caller's larger write), each filing is written
alone in the caller's thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tinhso.core.errors import Busy, Conflict, DomainError
from tinhso.onestop import rules
from tinhso.onestop.dossiers.codes import agency_code, dossier_code_next, dossier_codes_next
from tinhso.onestop.dossiers.events import dossier_event_record, dossier_events_record
from tinhso.onestop.dossiers.services import form_data_validate, procedure_check
from tinhso.onestop.models import Channel, Dossier, DossierState, Procedure
from tinhso.org.models import Agency

if TYPE_CHECKING:
    from tinhso.org.models import Person

log = logging.getLogger(__name__)

# How long a request waits for its group before answering 503 (if its group was being written,
# its dossier may still be: a retry with the same key then gets it).
WAIT_SECONDS = 30.0


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
    """Write one checked filing, with the others that reach this process at the same time (see
    the module); a key used before by the same applicant gives back its dossier."""
    size = int(settings.TINHSO_INTAKE_GROUP_MAX)
    if size <= 1 or transaction.get_connection().in_atomic_block:
        return filing_submit_alone(filing)
    return intake_group(size).submit(filing)


def filing_submit_alone(filing: Filing) -> Filed:
    """Write one checked filing in its own transaction; a key used before by the same applicant
    gives back its dossier."""
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


def _dossier(filing: Filing, now: dt.datetime) -> Dossier:
    """The filing's dossier, built and not saved, without its code."""
    applicant = filing.applicant
    return Dossier(
        procedure=filing.procedure,
        receiving_agency=filing.agency,
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


def _write(filing: Filing) -> Dossier:
    """The writes of a filing, in the caller's transaction: its number, the dossier, then the
    event, notification and ledger entry (a used key raises :class:`IntegrityError`).

    The day's counter row stays locked from the number until the commit, and every filing of
    the agency that day waits for it: so the number is taken last, once the dossier is built,
    right before the writes that carry it (the dossier's code, the notification's text, the
    ledger payload)."""
    now = timezone.now()
    dossier = _dossier(filing, now)
    dossier.code = dossier_code_next(agency=filing.agency, day=timezone.localdate(now))
    dossier.save(force_insert=True)
    return dossier_event_record(
        dossier, action="submit_online", from_state="", actor=filing.applicant, agency=filing.agency, at=now
    )


def filings_write(filings: Sequence[Filing]) -> list[Dossier]:
    """Write checked filings together in one transaction, all or none, in order: their numbers
    (one counter upsert per agency, taking all its numbers at once), one insert each of
    dossiers, events, outbox rows and ledger entries, one commit.

    A key used before (or twice in the group) raises :class:`IntegrityError` and writes
    nothing, the numbers included; :class:`IntakeGroup` then writes each filing alone.
    """
    if not filings:
        return []
    with transaction.atomic():
        now = timezone.now()
        dossiers = [_dossier(filing, now) for filing in filings]
        codes = dossier_codes_next(agencies=[filing.agency for filing in filings], day=timezone.localdate(now))
        for dossier, code in zip(dossiers, codes, strict=True):
            dossier.code = code
        Dossier.objects.bulk_create(dossiers)  # PostgreSQL and SQLite ≥ 3.35 return the ids
        dossier_events_record(
            [(dossier, filing.applicant, filing.agency) for dossier, filing in zip(dossiers, filings, strict=True)],
            action="submit_online",
            from_state="",
            at=now,
        )
    return dossiers


def _busy() -> Busy:
    return Busy(
        _(
            "Hệ thống đang bận, hồ sơ chưa được ghi nhận kịp. Vui lòng gửi lại với cùng mã chống gửi trùng: "
            "hồ sơ sẽ không bị tạo hai lần."
        ),
        code="intake_busy",
    )


@dataclass(eq=False)
class Waiting:
    """A request's filing waiting in :class:`IntakeGroup`; ``wake`` is set when it is written
    (``done``), or when the request is to write the next group (``leads``)."""

    filing: Filing
    language: str | None
    wake: threading.Event = field(default_factory=threading.Event)
    leads: bool = False
    done: bool = False
    result: Filed | None = None
    error: BaseException | None = None


class IntakeGroup:
    """The filings waiting in one process, written in groups by one of their request threads.

    A request queues its filing. If no request is writing, it becomes the writer; otherwise it
    waits. The writer takes the filings waiting (its own first, up to ``max_size``), writes
    them (:meth:`write`), wakes their requests and hands the writing on to the first request
    that came meanwhile, if any. So at most one group is being written per process at a time,
    and every filing that arrives during that write goes into the next group.
    """

    def __init__(self, max_size: int) -> None:
        self.max_size = max(1, int(max_size))
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._queue: deque[Waiting] = deque()
        self._writing = False
        self.groups = 0  # groups written and the filings in them, for tests and benchmarks
        self.filings = 0

    @property
    def waiting(self) -> int:
        """How many filings wait for the next group (for tests and benchmarks)."""
        with self._lock:
            return len(self._queue)

    @property
    def writing(self) -> bool:
        """Whether a request is writing a group (for tests and benchmarks)."""
        with self._lock:
            return self._writing

    def submit(self, filing: Filing) -> Filed:
        """Write ``filing`` (alone or with others) and return what it made, once committed."""
        waiting = Waiting(filing, translation.get_language())
        with self._lock:
            self._queue.append(waiting)
            if not self._writing:
                self._writing = waiting.leads = True
        if not waiting.leads:
            waiting.wake.wait(WAIT_SECONDS)
            with self._lock:
                if not waiting.done and not waiting.leads:
                    if waiting in self._queue:
                        self._queue.remove(waiting)  # not taken: nothing of it is written
                    raise _busy()
        if not waiting.done:
            self._lead()
        if waiting.error is not None:
            raise waiting.error
        assert waiting.result is not None
        return waiting.result

    def _lead(self) -> None:
        """Write the next group (this request's filing, first in the queue, and those behind it),
        then hand the writing on."""
        with self._lock:
            group = [self._queue.popleft() for _n in range(min(self.max_size, len(self._queue)))]
        try:
            self.write(group)
        finally:
            with self._lock:
                for waiting in group:  # only if write() itself failed: never leave a request waiting
                    if not waiting.done:
                        waiting.error = _busy()
                        waiting.done = True
                        waiting.wake.set()
                if self._queue:
                    following = self._queue[0]
                    following.leads = True
                    following.wake.set()
                else:
                    self._writing = False

    def write(self, group: Sequence[Waiting]) -> None:
        """Write one group and wake its requests: together in one transaction, or, if that
        fails, each filing in its own (one filing's fault is not the others')."""
        if len(group) > 1:
            try:
                dossiers = filings_write([waiting.filing for waiting in group])
            except Exception:  # each on its own below
                log.info("a group of %s filings failed together; writing them one by one", len(group), exc_info=True)
            else:
                for waiting, dossier in zip(group, dossiers, strict=True):
                    waiting.result = Filed(dossier, created=True)
        for waiting in group:
            if waiting.result is None:
                try:
                    with translation.override(waiting.language):
                        waiting.result = filing_submit_alone(waiting.filing)
                except Exception as error:  # handed to its request, which answers it
                    waiting.error = error
        self.groups += 1
        self.filings += len(group)
        for waiting in group:
            waiting.done = True
            waiting.wake.set()


_group: IntakeGroup | None = None
_group_lock = threading.Lock()


def intake_group(size: int) -> IntakeGroup:
    """This process's :class:`IntakeGroup` of ``size`` (a new one after a fork or a new size)."""
    global _group
    group = _group
    if group is None or group.max_size != size or group.pid != os.getpid():
        with _group_lock:
            if _group is None or _group.max_size != size or _group.pid != os.getpid():
                _group = IntakeGroup(size)
            group = _group
    return group


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
