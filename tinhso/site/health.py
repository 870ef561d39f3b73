"""What /healthz reports: can we reach the database, is the schema current, is a worker
taking work, and where does the ledger stand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tinhso.core.models import WorkerHeartbeat
from tinhso.ledger.selectors import ledger_head, seal_status


def _database() -> tuple[bool, str]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, connections[DEFAULT_DB_ALIAS].vendor


def _migrations() -> tuple[bool, int]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return not plan, len(plan)


def _worker() -> dict[str, Any]:
    latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    limit = dt.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    if latest is None:
        return {"ok": False, "last_seen": None}
    age = timezone.now() - latest.seen_at
    return {"ok": age <= limit, "last_seen": latest.seen_at.isoformat(), "age_seconds": int(age.total_seconds())}


def health_report() -> dict[str, Any]:
    db_ok, db_detail = _database()
    report: dict[str, Any] = {"database": {"ok": db_ok, "detail": db_detail}}
    if not db_ok:
        report["ok"] = False
        return report
    migrated, pending = _migrations()
    report["migrations"] = {"ok": migrated, "pending": pending}
    if migrated:
        report["worker"] = _worker()
        head = ledger_head()
        sealing = seal_status()
        report["ledger"] = {
            "ok": sealing.ok,
            "size": head.size,
            "head_hash": head.head_hash,
            "unsealed": sealing.unsealed,
            "oldest_unsealed_age_seconds": (
                None if sealing.oldest_unsealed_age_seconds is None else int(sealing.oldest_unsealed_age_seconds)
            ),
            "max_merge_delay_seconds": sealing.max_merge_delay_seconds,
        }
    else:
        report["worker"] = {"ok": False, "last_seen": None}
        report["ledger"] = None
    # The worker may be briefly down (restart) without the site being unhealthy for
    # readers: report it, but only the database, the schema and the ledger's maximum merge
    # delay (an event waiting longer to be sealed breaks the log's promise, RFC 6962 §3)
    # decide the status code.
    report["ok"] = db_ok and migrated and bool(report["ledger"] and report["ledger"]["ok"])
    return report
