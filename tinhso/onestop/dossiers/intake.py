"""Group commit of online filings: the filings that arrive together are written together.

Every online filing pays the same fixed writes: a transaction and its commit (a flush of
PostgreSQL's write-ahead log), the day's counter row of its agency, the ledger head (locked
from the append to the commit, so filings queue behind each other there), an insert into
each table. Written one by one, these cost more than everything else a submission does, and
the ledger lock makes filings wait for each other.

Under load a web process handles several filings at once. Here they share the writes: the
request checks its filing (:func:`services.filing_check`: permission, procedure, e-form),
hands it to the process's writer thread and waits. The writer takes every filing waiting,
up to ``TINHSO_INTAKE_GROUP_MAX``, and writes them in one transaction
(:func:`services.filings_write`: one upsert per agency, one insert per table, one ledger
append, one commit), then wakes each request. A request still answers only once its dossier
is committed: 201 means written, and the code it returns is final. With one filing waiting,
the group is that filing: nothing waits for company.

If a group's write fails (e.g. a retry whose key a first attempt already used), each of its
filings is written again on its own (:func:`services.filing_submit`), so that one filing's
fault never refuses another. A process killed mid-write loses the whole uncommitted group;
every client then retries with its idempotency key and gets one dossier each.

With ``TINHSO_INTAKE_GROUP_MAX`` = 1, or inside a caller's transaction, the filing is written
in the caller's own thread (the test suite does this: a test's data lives in a transaction
another thread cannot see).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tinhso.core.errors import Busy
from tinhso.onestop.dossiers.services import Filed, Filing, filing_submit, filings_write

log = logging.getLogger(__name__)

# How long a request waits for its group before answering 503 (its filing may still be
# written: a retry with the same key then gets it).
WAIT_SECONDS = 30.0


@dataclass
class _Waiting:
    filing: Filing
    language: str | None
    done: threading.Event = field(default_factory=threading.Event)
    result: Filed | None = None
    error: BaseException | None = None


class IntakeGroup:
    """One writer thread per process that writes waiting filings in groups (see the module)."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max(1, int(max_size))
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self.groups = 0  # groups written, and the filings in them: for tests and benchmarks
        self.filings = 0

    def submit(self, filing: Filing) -> Filed:
        """Write ``filing`` (alone or with others) and return what it made, once committed."""
        if self.max_size == 1 or transaction.get_connection().in_atomic_block:
            return filing_submit(filing)
        waiting = _Waiting(filing, translation.get_language())
        self._writer()
        self._queue.put(waiting)
        if not waiting.done.wait(WAIT_SECONDS):
            raise Busy(_("Hệ thống đang bận, hồ sơ chưa được ghi nhận kịp. Vui lòng gửi lại với cùng mã chống "
                         "gửi trùng: hồ sơ sẽ không bị tạo hai lần."), code="intake_busy")
        if waiting.error is not None:
            raise waiting.error
        assert waiting.result is not None
        return waiting.result

    def write(self, group: list[_Waiting]) -> None:
        """Write one group and wake its requests (the writer thread's step; tests call it too)."""
        try:
            dossiers = filings_write([waiting.filing for waiting in group])
        except Exception:  # each filing on its own below: one's fault is not the others'
            log.info("a group of %s filings failed together; writing them one by one", len(group), exc_info=True)
            for waiting in group:
                try:
                    with translation.override(waiting.language):
                        waiting.result = filing_submit(waiting.filing)
                except Exception as error:  # handed to the request, which answers it
                    waiting.error = error
        else:
            for waiting, dossier in zip(group, dossiers, strict=True):
                waiting.result = Filed(dossier, created=True)
        self.groups += 1
        self.filings += len(group)
        for waiting in group:
            waiting.done.set()

    def _writer(self) -> None:
        """Start this process's writer thread if it is not running (after a fork, say)."""
        thread = self._thread
        if thread is not None and self._pid == os.getpid() and thread.is_alive():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="tinhso-intake", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Let the writer finish the filings already waiting, close its connection and end."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                connections.close_all()  # this thread's connections
                return
            group = [first]
            while len(group) < self.max_size:
                try:
                    waiting = self._queue.get_nowait()
                except queue.Empty:
                    break
                if waiting is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(waiting)
            close_old_connections()  # as a request would: drop a connection past its age or broken
            try:
                self.write(group)
            except BaseException as error:  # never leave a request waiting
                log.exception("intake writer failed")
                for waiting in group:
                    if not waiting.done.is_set():
                        waiting.error = error
                        waiting.done.set()


_group: IntakeGroup | None = None
_group_lock = threading.Lock()


def intake_group() -> IntakeGroup:
    """The process's group writer, sized by ``settings.TINHSO_INTAKE_GROUP_MAX``."""
    global _group
    size = settings.TINHSO_INTAKE_GROUP_MAX
    if _group is None or _group.max_size != max(1, int(size)):
        with _group_lock:
            if _group is None or _group.max_size != max(1, int(size)):
                _group = IntakeGroup(size)
    return _group


def filing_submit_grouped(filing: Filing) -> Filed:
    """Write a checked filing with whatever others are waiting in this process."""
    return intake_group().submit(filing)
