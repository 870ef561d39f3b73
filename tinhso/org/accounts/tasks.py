"""Background work of citizens' accounts."""

from __future__ import annotations

from django_tasks import task

from .services import codes_purge


@task()
def codes_purge_run() -> int:
    """Hourly: old one-time code rows go (safe to run twice or on several workers)."""
    return codes_purge()
