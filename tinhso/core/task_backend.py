"""The task queue: django-tasks' database backend, writing its rows with a prepared insert.

A task row is written inside the transaction of the change that queues it (a dossier's
notifications, say), so it commits or rolls back with it. The library writes it with
``objects.create()``: an ORM insert compiled on every call, which cost more than the rest of a
grouped online filing's notification. Here the same row, built by the library's own model with
the same values, is written by :func:`tinhso.core.db.rows_insert`, between the model's
``pre_save`` and ``post_save`` signals as ``create()`` sends them (the library fills in
``run_after`` in a ``pre_save`` handler). Everything else (checks, the ``task_enqueued``
signal, workers, results) is the library's.
"""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.models.signals import post_save, pre_save
from django_tasks_db import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import normalize_json

from .db import rows_insert


class DatabaseBackend(LibraryDatabaseBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult

        row = DBTaskResult(
            id=self._get_id(), args_kwargs=normalize_json({"args": args, "kwargs": kwargs}), priority=task.priority,
            task_path=task.module_path, queue_name=task.queue_name, run_after=task.run_after,
            backend_name=self.alias,
        )
        using = router.db_for_write(DBTaskResult)
        pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=using, update_fields=None)
        rows_insert([row])
        post_save.send(sender=DBTaskResult, instance=row, created=True, update_fields=None, raw=False, using=using)
        return row
