"""The task backend writes the same row as django-tasks' own database backend, and the
library's worker runs it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult, get_date_max

from tinhso.core.models import WorkerHeartbeat
from tinhso.core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db(transaction=True)

OURS = {"default": {"BACKEND": "tinhso.core.task_backend.DatabaseBackend"}}
LIBRARY = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
COMPARED = ("status", "args_kwargs", "priority", "task_path", "worker_ids", "queue_name", "backend_name",
            "run_after", "return_value", "exception_class_path", "traceback", "started_at", "finished_at")


def _enqueued(tasks: dict) -> DBTaskResult:
    with override_settings(TASKS=tasks):
        result = worker_heartbeat.enqueue()
    return DBTaskResult.objects.get(pk=result.id)


def test_the_row_is_the_librarys_row() -> None:
    with CaptureQueriesContext(connection) as queries:
        ours = _enqueued(OURS)
    assert sum(query["sql"].startswith("INSERT") for query in queries) == 1
    theirs = _enqueued(LIBRARY)
    assert {name: getattr(ours, name) for name in COMPARED} == {name: getattr(theirs, name) for name in COMPARED}
    assert ours.run_after == get_date_max()  # "as soon as possible", set by the library's pre_save handler
    assert ours.enqueued_at is not None


def test_the_librarys_worker_runs_it() -> None:
    with override_settings(TASKS=OURS):
        result = worker_heartbeat.enqueue()
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert WorkerHeartbeat.objects.filter(worker=row.return_value).exists()
