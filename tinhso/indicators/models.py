"""What is measured. A programme's target points at an indicator; later the reporting module
adds data values by unit and period, report forms and DTI on top of the same indicators."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.text import clean, fold


class Indicator(models.Model):
    """Something measured with a number, e.g. "Tỷ lệ dịch vụ công trực tuyến toàn trình" (%)."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên chỉ số"), max_length=500)
    unit = models.CharField(_("đơn vị tính"), max_length=60, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = clean(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
