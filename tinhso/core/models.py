"""Platform plumbing shared by every module: the periodic-job schedule and worker heartbeats."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import text
from .workdays import national_calendar


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


def default_province_code() -> str:
    """The province this installation serves: configured days belong to it unless told otherwise."""
    return str(settings.TINHSO_PROVINCE_CODE)


class CalendarDayQuerySet(models.QuerySet["CalendarDay"]):
    def update(self, **kwargs: object) -> int:
        # The working-day calendar of every process is keyed on MAX(updated_at) and COUNT(*):
        # a bulk update that left updated_at alone would go unnoticed by the other processes.
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


class CalendarDay(models.Model):
    """A day the province configures on top of the national calendar of public holidays.

    ``day_off``: an extra day without work (a provincial holiday, an office closed by a
    storm or flood); ``working_day``: a make-up working day, typically a Saturday worked to
    compensate a bridge holiday announced by the Government. Configured days override the
    national calendar in both directions, so a swap the ``holidays`` package does not know
    yet can be entered here. Deadlines are counted in working days (FRAMEWORKS §2, Decree
    118/2025/NĐ-CP), so a row here moves the due date of every dossier it touches: the admin
    records every change in the ledger, and :func:`tinhso.core.workdays.calendar` sees it in
    every process on the next call.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("ngày nghỉ")
        WORKING_DAY = "working_day", _("ngày làm việc (làm bù)")

    province_code = models.CharField(
        _("mã tỉnh"),
        max_length=10,
        default=default_province_code,
        help_text=_("Mã tỉnh theo danh mục của Tổng cục Thống kê; mặc định là tỉnh của hệ thống."),
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại ngày"), max_length=16, choices=Kind.choices)
    reason = models.CharField(
        _("lý do"),
        max_length=300,
        help_text=_("Ví dụ: nghỉ do bão số 3; làm bù cho ngày nghỉ 02/01 theo thông báo của Bộ Nội vụ."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù của tỉnh")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù của tỉnh")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "date"], name="calendar_day_unique_per_province"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"

    def clean(self) -> None:
        """Refuse a row that would change nothing: usually a mistyped date."""
        self.reason = text.clean(self.reason)
        if self.date is None or not self.kind:
            return
        national = national_calendar()
        if not national.covers(self.date):
            raise ValidationError({"date": _("Ngày nằm ngoài phạm vi lịch làm việc của hệ thống.")})
        working = national.is_working_day(self.date)
        if self.kind == self.Kind.WORKING_DAY and working:
            raise ValidationError({"kind": _("Ngày này vốn đã là ngày làm việc.")})
        if self.kind == self.Kind.DAY_OFF and not working:
            raise ValidationError({"kind": _("Ngày này vốn đã là ngày nghỉ.")})
