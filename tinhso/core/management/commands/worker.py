"""``manage.py worker``: run queued background tasks and the periodic-job scheduler.

One process does it all: a scheduler thread enqueues due periodic jobs, a thread per loop the
apps registered (:func:`tinhso.core.scheduler.loop_register`; the ledger's sealer every
``LEDGER_SEAL_INTERVAL_SECONDS``, one worker winning each round) repeats its work, and the main
thread runs django-tasks-db's worker loop. Start as many as the
load needs; they coordinate through the database.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

from tinhso.core.scheduler import LoopSpec, enqueue_due_jobs, sync_jobs, worker_loops

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Chạy tiến trình nền: tác vụ trong hàng đợi và tác vụ định kỳ."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tick", type=float, default=5.0, help="Giây giữa hai lần kiểm tra tác vụ định kỳ.")
        parser.add_argument("--interval", type=float, default=1.0, help="Giây chờ khi hàng đợi trống.")

    def handle(self, *args: Any, tick: float, interval: float, **options: Any) -> None:
        stop = threading.Event()
        sync_jobs()

        def schedule() -> None:
            while not stop.is_set():
                try:
                    close_old_connections()
                    enqueue_due_jobs()
                except Exception:  # keep scheduling through a transient DB error
                    log.exception("periodic job scheduling failed")
                finally:
                    connection.close()
                stop.wait(tick)

        def repeat(spec: LoopSpec) -> None:
            function = import_string(spec.function_path)
            while not stop.is_set():
                try:
                    close_old_connections()
                    function()
                except Exception:  # keep going through a transient DB error; /healthz shows any lag
                    log.exception("worker loop %s failed", spec.name)
                finally:
                    connection.close()
                stop.wait(float(getattr(settings, spec.interval_setting)))

        threads = [threading.Thread(target=schedule, name="tinhso-scheduler", daemon=True)]
        threads += [
            threading.Thread(target=repeat, args=(spec,), name=f"tinhso-{spec.name}", daemon=True)
            for spec in worker_loops()
        ]
        for thread in threads:
            thread.start()
        try:
            call_command("db_worker", interval=interval, verbosity=options.get("verbosity", 1))
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=tick + 1)
