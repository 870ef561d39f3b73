from django.contrib import admin

from tinhso.ledger.admin import LedgeredAdminMixin

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "unit"]
    search_fields = ["code", "name", "name_folded"]
