"""Concurrent writers append without waiting on each other; sealed, they make one chain (PostgreSQL).

SQLite is left out: pytest-django's SQLite test database lives in shared-cache memory, where
concurrent writers fail with "table is locked" instead of waiting; in production SQLite's
IMMEDIATE transactions serialise writers before they read the head anyway.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from tinhso.ledger import merkle
from tinhso.ledger.canonical import GENESIS_HASH
from tinhso.ledger.models import Entry
from tinhso.ledger.selectors import ledger_head, ledger_verify
from tinhso.ledger.services import checkpoint_sign, ledger_append, ledger_seal
from tinhso.ledger.testing import merkle_leaves

from .tamper import wipe_ledger

THREADS = 8
APPENDS_PER_THREAD = 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_gapless_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and real concurrent connections")
    wipe_ledger()  # a transactional test starts from whatever the session setup committed
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for i in range(APPENDS_PER_THREAD):
                with transaction.atomic():
                    ledger_append(
                        actor=None,
                        action="test.concurrent.write",
                        object_type="test.writer",
                        object_id=f"{number}-{i}",
                        payload={"thread": number, "i": i},
                    )
                if i == APPENDS_PER_THREAD // 2 and number == 0:
                    ledger_seal()  # sealing and signing while others append must not disturb them
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    total = THREADS * APPENDS_PER_THREAD
    assert Entry.objects.count() == total
    ledger_seal(sign=False)  # what the mid-way run did not seal

    entries = list(Entry.objects.order_by("sequence").values_list("sequence", "prev_hash", "entry_hash", "object_id"))
    assert [sequence for sequence, *_ in entries] == list(range(1, total + 1))
    assert [prev for _, prev, _, _ in entries] == [GENESIS_HASH] + [digest for _, _, digest, _ in entries[:-1]]
    assert len({object_id for *_, object_id in entries}) == total  # every append landed exactly once
    head = ledger_head()
    assert (head.size, head.head_hash) == (total, entries[-1][2])
    assert head.root_hash == merkle.merkle_root(merkle_leaves()).hex()
    checkpoint_sign()
    result = ledger_verify()
    assert (result.ok, result.checked, result.first_bad_sequence) == (True, total, None), result.reason
    assert result.checkpoints_checked >= 1
