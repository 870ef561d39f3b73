"""Periodic jobs for Django's tasks API, safe with any number of worker nodes.

django-tasks has no scheduler of its own. Each worker runs :func:`enqueue_due_jobs` every few
seconds; a due :class:`PeriodicJob` row is claimed under a row lock (``skip_locked`` on
PostgreSQL; SQLite serialises writers anyway) and moved forward before its task is enqueued,
so one run is enqueued once however many workers look at the same time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    name: str
    task_path: str
    interval_seconds: int


# Filled by each app's AppConfig.ready() (:func:`job_register`): core knows no app's jobs.
_JOBS: dict[str, JobSpec] = {}


@dataclass(frozen=True)
class LoopSpec:
    """Work the worker repeats in a thread of its own every ``interval_seconds`` (e.g. the
    ledger's sealer, whose delay is bounded in seconds, below the scheduler's granularity). The
    function must be safe to run on every worker at once."""

    name: str
    function_path: str
    interval_setting: str  # the name of the setting that holds the interval in seconds


_LOOPS: dict[str, LoopSpec] = {}


def loop_register(spec: LoopSpec) -> None:
    """Add a worker loop (call from an AppConfig.ready()); registering a name again replaces it."""
    _LOOPS[spec.name] = spec


def worker_loops() -> list[LoopSpec]:
    return list(_LOOPS.values())


def job_register(spec: JobSpec) -> None:
    """Add a periodic job (call from an AppConfig.ready()); registering a name again replaces it."""
    _JOBS[spec.name] = spec


def periodic_jobs() -> list[JobSpec]:
    """The platform's periodic jobs: the worker's heartbeat and those the apps registered."""
    heartbeat = JobSpec("worker_heartbeat", "tinhso.core.tasks.worker_heartbeat", settings.WORKER_HEARTBEAT_SECONDS)
    return [heartbeat, *(spec for name, spec in _JOBS.items() if name != heartbeat.name)]


def sync_jobs(now: dt.datetime | None = None) -> None:
    """Make the table match :func:`periodic_jobs` (new jobs are due at once)."""
    now = now or timezone.now()
    specs = periodic_jobs()
    with transaction.atomic():
        for spec in specs:
            job, created = PeriodicJob.objects.get_or_create(
                name=spec.name,
                defaults={"task_path": spec.task_path, "interval_seconds": spec.interval_seconds, "next_run_at": now},
            )
            if not created and (job.task_path, job.interval_seconds) != (spec.task_path, spec.interval_seconds):
                job.task_path, job.interval_seconds = spec.task_path, spec.interval_seconds
                job.save(update_fields=["task_path", "interval_seconds"])
        PeriodicJob.objects.exclude(name__in=[spec.name for spec in specs]).delete()


def enqueue_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job that is due; returns the names enqueued."""
    now = now or timezone.now()
    enqueued: list[str] = []
    with transaction.atomic():
        due = PeriodicJob.objects.filter(next_run_at__lte=now).order_by("next_run_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        for job in due:
            job.next_run_at = now + dt.timedelta(seconds=job.interval_seconds)
            job.last_enqueued_at = now
            job.save(update_fields=["next_run_at", "last_enqueued_at"])
            task = import_string(job.task_path)
            # The task row is written in this transaction: it exists iff the job moved on.
            task.enqueue()
            enqueued.append(job.name)
    return enqueued
