"""Platform plumbing shared by every module: the periodic-job schedule and worker heartbeats."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """When a periodic task is next due. Schedulers on any number of worker nodes claim due
    rows under a row lock, so each run is enqueued once however many workers there are."""

    name = models.CharField(_("tên"), max_length=200, unique=True)
    task_path = models.CharField(_("tác vụ"), max_length=200)
    interval_seconds = models.PositiveIntegerField(_("chu kỳ (giây)"))
    next_run_at = models.DateTimeField(_("lần chạy tới"))
    last_enqueued_at = models.DateTimeField(_("lần đưa vào hàng đợi gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("tác vụ định kỳ")
        verbose_name_plural = _("tác vụ định kỳ")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """The last time a worker ran the heartbeat task: proof that queued work gets done."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nhịp hoạt động của tiến trình nền")
        verbose_name_plural = _("nhịp hoạt động của tiến trình nền")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at:%d/%m/%Y %H:%M:%S}"
