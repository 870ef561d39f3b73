"""The programme's column mappings in Django admin: to see what the DX office said each column
of a table is, and to forget a mapping said wrongly (the next file of that shape then asks
again). A mapping is made and changed on the import page only (``column_mapping_save`` checks
it), so here it is read-only apart from deletion, which the ledger records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tinhso.ledger.admin import LedgeredAdminMixin

from .importing.mappings import ROLE_LABELS
from .models import ColumnMapping


class ProvinceFilter(admin.SimpleListFilter):
    title = _("tỉnh")
    parameter_name = "tinh"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        provinces = ColumnMapping.objects.values_list("province_id", "province__name").distinct()
        return sorted(((str(pk), name) for pk, name in provinces), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(province_id=self.value()) if self.value() else queryset


@admin.register(ColumnMapping)
class ColumnMappingAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    list_display = ["header_text", "province_name", "saved_by_name", "saved_on"]
    list_filter = [ProvinceFilter]
    search_fields = ["signature"]
    fields = ("province_name", "header_text", "columns_text", "saved_by_name", "saved_on")
    readonly_fields = fields
    list_select_related = ["province", "saved_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("tiêu đề các cột như văn bản"))
    def header_text(self, obj: ColumnMapping) -> str:
        return " | ".join(obj.header)[:200]

    @admin.display(description=_("tỉnh"), ordering="province__name")
    def province_name(self, obj: ColumnMapping) -> str:
        return obj.province.name

    @admin.display(description=_("người khai báo"))
    def saved_by_name(self, obj: ColumnMapping) -> str:
        return obj.saved_by.get_full_name() or obj.saved_by.get_username() if obj.saved_by else "—"

    @admin.display(description=_("lưu lúc"), ordering="saved_at")
    def saved_on(self, obj: ColumnMapping) -> Any:
        return obj.saved_at

    @admin.display(description=_("vai trò các cột"))
    def columns_text(self, obj: ColumnMapping) -> str:
        """ "Cột 1 (Mã): Mã nhiệm vụ / STT; Cột 4 (2025): Mục tiêu đến năm (ghi năm) 2025"."""
        lines = []
        for index, column in enumerate(obj.columns):
            title = obj.header[index] if index < len(obj.header) else ""
            if column is None:
                role = str(ROLE_LABELS["ignore"])
            else:
                role = str(ROLE_LABELS.get(column.get("role"), column.get("role")))
                extra = column.get("phase") or column.get("year")
                role += f" {extra}" if extra else ""
            lines.append(
                gettext("Cột %(number)d (%(title)s): %(role)s") % {"number": index + 1, "title": title, "role": role}
            )
        return "; ".join(lines)
