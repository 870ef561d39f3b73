"""Background work of the site, run by the worker (registered in :class:`tinhso.site.apps.SiteConfig`)."""

from __future__ import annotations

from django_tasks import task

from . import jobs


@task()
def storage_sweep_task() -> dict[str, int]:
    """Delete stored files nothing refers to any more (see :mod:`tinhso.core.storage_sweep`)."""
    return jobs.storage_sweep()
