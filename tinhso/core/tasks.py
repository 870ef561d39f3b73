from __future__ import annotations

import os
import socket

from django.utils import timezone
from django_tasks import task

from .models import WorkerHeartbeat


@task()
def worker_heartbeat() -> str:
    """Runs on whichever worker takes it: proof that the queue is being worked."""
    name = f"{socket.gethostname()}:{os.getpid()}"
    WorkerHeartbeat.objects.update_or_create(worker=name, defaults={"seen_at": timezone.now()})
    return name
