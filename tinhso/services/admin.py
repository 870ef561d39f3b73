from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tinhso.core.privacy import mask_digits, mask_name
from tinhso.ledger.admin import LedgeredAdminMixin

from .models import DocumentRequirement, Dossier, Procedure, WorkflowStep


class DocumentRequirementInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0
    fields = ("order", "name", "required", "copies")


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0
    fields = ("order", "action", "name", "role", "days")


@admin.register(Procedure)
class ProcedureAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "field", "authority_level", "online_level", "processing_days", "fee_vnd",
                    "active")
    list_filter = ("authority_level", "online_level", "active", "field")
    search_fields = ("code", "name", "name_folded")
    filter_horizontal = ("agencies",)
    inlines = (DocumentRequirementInline, WorkflowStepInline)


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("code", "procedure", "agency", "state", "channel", "applicant_masked", "personal_id_masked",
                    "due_at")
    list_filter = ("state", "channel")
    search_fields = ("code",)
    list_select_related = ("procedure", "agency")

    @admin.display(description=_("người nộp"))
    def applicant_masked(self, obj: Dossier) -> str:
        return mask_name(obj.applicant_name)

    @admin.display(description=_("số định danh"))
    def personal_id_masked(self, obj: Dossier) -> str:
        return mask_digits(obj.applicant_personal_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Dossier | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Dossier | None = None) -> bool:
        return False
