"""Ledger benchmark: what recording every write costs, how fast the sealer chains the events,
and how fast the chain verifies.

Runs against a fresh database of its own (the test runner's machinery creates and drops it),
on SQLite by default or PostgreSQL with DATABASE_URL. Prints human-readable lines, then one
JSON object per measurement as its last lines: name, value, unit, baseline name, baseline
value, ratio. The baseline is measured in the same run: the same transaction inserting a
plain row of similar size without the ledger (what a write would cost without an audit trail).
Writes append unsealed events; the sealer (the worker's loop) is then timed alone, sealing all of
them in batches as it would behind the writes.

    .venv/bin/python benchmarks/ledger.py [--writes 2000] [--proofs 200]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402


def _per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--proofs", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from tinhso.core.models import WorkerHeartbeat
        from tinhso.ledger.selectors import consistency_proof, entry_inclusion_proof, ledger_verify
        from tinhso.ledger.services import checkpoint_sign, ledger_append, ledger_seal

        # Baseline: one transaction per write, a plain row, no ledger.
        started = time.perf_counter()
        for index in range(args.writes):
            with transaction.atomic():
                WorkerHeartbeat.objects.create(worker=f"baseline-{index}", seen_at=django.utils.timezone.now())
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        for index in range(args.writes):
            with transaction.atomic():
                WorkerHeartbeat.objects.create(worker=f"ledgered-{index}", seen_at=django.utils.timezone.now())
                ledger_append(
                    actor=None,
                    action="bench.write",
                    object_type="bench",
                    object_id=str(index),
                    payload={"index": index, "note": "Sở Khoa học và Công nghệ"},
                )
        ledgered = time.perf_counter() - started

        started = time.perf_counter()
        sealed = ledger_seal(sign=False)
        seal_seconds = time.perf_counter() - started
        assert sealed == args.writes, (sealed, args.writes)

        with transaction.atomic():
            checkpoint_sign()
        started = time.perf_counter()
        result = ledger_verify()
        verify_seconds = time.perf_counter() - started
        assert result.ok, result.reason

        size = args.writes
        started = time.perf_counter()
        for index in range(args.proofs):
            entry_inclusion_proof(1 + (index * 7919) % size)
        inclusion_ms = (time.perf_counter() - started) * 1000 / args.proofs
        started = time.perf_counter()
        for index in range(args.proofs):
            consistency_proof(1 + (index * 104729) % (size - 1), size)
        consistency_ms = (time.perf_counter() - started) * 1000 / args.proofs
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    vendor = connection.vendor
    write_rate, base_rate = _per_second(args.writes, ledgered), _per_second(args.writes, baseline)
    verify_rate = _per_second(size, verify_seconds)
    seal_rate = _per_second(size, seal_seconds)
    print(f"database: {vendor}; writes: {args.writes}")
    print(f"write with ledger: {write_rate:.0f}/s; plain write: {base_rate:.0f}/s; ratio {write_rate / base_rate:.2f}")
    print(f"sealer: {seal_rate:.0f} entries/s (sequence, hash chain, Merkle tree, in batches)")
    print(
        f"verify: {verify_rate:.0f} entries/s; inclusion proof {inclusion_ms:.2f} ms; "
        f"consistency {consistency_ms:.2f} ms"
    )
    rows = [
        {
            "name": f"ledger_write_rate_{vendor}",
            "value": round(write_rate, 1),
            "unit": "writes/s",
            "baseline": f"plain_write_rate_{vendor}",
            "baseline_value": round(base_rate, 1),
            "ratio": round(write_rate / base_rate, 3),
        },
        {
            "name": f"ledger_seal_rate_{vendor}",
            "value": round(seal_rate, 1),
            "unit": "entries/s",
            "baseline": f"plain_write_rate_{vendor}",
            "baseline_value": round(base_rate, 1),
            "ratio": round(seal_rate / base_rate, 3),
        },
        {
            "name": f"ledger_verify_rate_{vendor}",
            "value": round(verify_rate, 1),
            "unit": "entries/s",
            "baseline": f"plain_write_rate_{vendor}",
            "baseline_value": round(base_rate, 1),
            "ratio": round(verify_rate / base_rate, 3),
        },
        {
            "name": f"ledger_inclusion_proof_{vendor}",
            "value": round(inclusion_ms, 3),
            "unit": "ms",
            "baseline": f"plain_write_ms_{vendor}",
            "baseline_value": round(1000 / base_rate, 3),
            "ratio": round(inclusion_ms / (1000 / base_rate), 3),
        },
        {
            "name": f"ledger_consistency_proof_{vendor}",
            "value": round(consistency_ms, 3),
            "unit": "ms",
            "baseline": f"plain_write_ms_{vendor}",
            "baseline_value": round(1000 / base_rate, 3),
            "ratio": round(consistency_ms / (1000 / base_rate), 3),
        },
    ]
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
