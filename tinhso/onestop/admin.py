"""Django admin of the one-stop shop. Procedures are kept here; dossiers and what hangs on them
(files, payments, ratings, notifications) are written by the services and only looked at here,
except that an outgoing notification may be deleted (the delete is recorded in the ledger,
without its recipient or text). Lists never show a full phone, email, ID number or a message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tinhso.core.privacy import mask_digits, mask_email
from tinhso.ledger.admin import LedgeredAdminMixin
from tinhso.onestop.catalogue.eform_admin import EFormFieldsField
from tinhso.onestop.dossiers.personal import PersonalData
from tinhso.onestop.models import (
    DocumentRequirement,
    Dossier,
    DossierFile,
    FeeWaiver,
    Notification,
    Payment,
    Procedure,
    Rating,
    WorkflowStep,
)


class DocumentRequirementInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0
    fields = ("order", "name", "required", "copies")


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0
    fields = ("order", "action", "name", "role", "days")


class ProcedureAdminForm(forms.ModelForm):
    form_fields = EFormFieldsField(
        label=_("Trường của tờ khai điện tử"),
        required=False,
        help_text=_("Các trường người nộp điền khi nộp hồ sơ trực tuyến, theo thứ tự hiển thị."),
    )

    class Meta:
        model = Procedure
        fields = "__all__"  # noqa: DJ007 - the admin lists its fields itself


@admin.register(Procedure)
class ProcedureAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = ("code", "name", "field", "authority_level", "online_level", "processing_days", "fee_vnd", "active")
    list_filter = ("authority_level", "online_level", "active", "field")
    search_fields = ("code", "name", "name_folded")
    # Tens of thousands of agencies (every province and commune): searched, not listed in the page.
    autocomplete_fields = ("agencies",)
    inlines = (DocumentRequirementInline, WorkflowStepInline)


class _ServiceRowAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    """Rows the services write: viewed here, never added or edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(_ServiceRowAdmin):
    """The system administrator is not among those who read an applicant's data in full
    (``rules.may_read_personal_data``): the list and the page show it masked, as to a leader."""

    list_display = (
        "code",
        "procedure",
        "receiving_agency",
        "state",
        "channel",
        "applicant_masked",
        "personal_id_masked",
        "due_at",
    )
    list_filter = ("state", "channel")
    search_fields = ("code",)
    list_select_related = ("procedure", "receiving_agency")
    # No raw personal field, nor the applicant's account (it prints as their name).
    fields = (
        "code",
        "procedure",
        "receiving_agency",
        "handling_agency",
        "channel",
        "state",
        "applicant_masked",
        "personal_id_masked",
        "phone_masked",
        "email_masked",
        "form_data_masked",
        "submitted_at",
        "received_at",
        "due_at",
        "original_due_at",
        "due_reset_count",
        "supplement_requests",
        "assignee",
        "decided_at",
        "refusal_reason",
        "completed_at",
        "fee_vnd",
        "at_risk_since",
    )
    readonly_fields = fields

    def _personal(self, obj: Dossier) -> PersonalData:
        return PersonalData(obj, full=False)

    @admin.display(description=_("người nộp"))
    def applicant_masked(self, obj: Dossier) -> str:
        return self._personal(obj).name

    @admin.display(description=_("số định danh"))
    def personal_id_masked(self, obj: Dossier) -> str:
        return self._personal(obj).personal_id

    @admin.display(description=_("số điện thoại"))
    def phone_masked(self, obj: Dossier) -> str:
        return self._personal(obj).phone

    @admin.display(description=_("thư điện tử"))
    def email_masked(self, obj: Dossier) -> str:
        return self._personal(obj).email

    @admin.display(description=_("tờ khai"))
    def form_data_masked(self, obj: Dossier) -> str:
        return "; ".join(f"{label}: {value}" for label, value in self._personal(obj).form_rows())


@admin.register(DossierFile)
class DossierFileAdmin(_ServiceRowAdmin):
    # No file name in the list: people name scans after themselves ("CCCD Nguyen Van An.pdf").
    list_display = (
        "number",
        "dossier",
        "kind",
        "requirement",
        "content_type",
        "size",
        "digitised",
        "signed",
        "created_at",
    )
    list_filter = ("kind", "digitised", "signed")
    search_fields = ("dossier__code", "=sha256")
    list_select_related = ("dossier", "requirement")
    # Nor on its page: the file itself, its name, or whose it is (personal data, ``personal``).
    fields = (
        "dossier",
        "kind",
        "requirement",
        "content_type",
        "size",
        "sha256",
        "digitised",
        "signed",
        "reused_from",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("số"), ordering="pk")
    def number(self, obj: DossierFile) -> int:
        return obj.pk


@admin.register(Payment)
class PaymentAdmin(_ServiceRowAdmin):
    list_display = (
        "reference",
        "dossier",
        "amount_vnd",
        "method",
        "provider",
        "state",
        "receipt_number",
        "created_at",
        "paid_at",
    )
    list_filter = ("state", "method", "provider")
    search_fields = ("=reference", "=receipt_number", "dossier__code")
    list_select_related = ("dossier",)
    exclude = ("created_by",)  # the applicant's account for an online payment: their name


@admin.register(FeeWaiver)
class FeeWaiverAdmin(_ServiceRowAdmin):
    list_display = ("dossier", "reason", "receipt_number", "amount_vnd", "recorded_by", "recorded_at")
    list_filter = ("reason",)
    search_fields = ("dossier__code", "=receipt_number")
    list_select_related = ("dossier", "recorded_by")


@admin.register(Rating)
class RatingAdmin(_ServiceRowAdmin):
    list_display = ("dossier", "score", "created_at")
    list_filter = ("score",)
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)
    exclude = ("rated_by",)  # the applicant's account: their name


def mask_recipient(recipient: str) -> str:
    """An email address or a phone number (SMS, Zalo), masked."""
    return mask_email(recipient) if "@" in recipient else mask_digits(recipient)


@admin.register(Notification)
class NotificationAdmin(_ServiceRowAdmin):
    """Sent, and retried, by the worker's loop (``notifications_drain``). A wrong row may be
    deleted; the ledger keeps that it was, not to whom or what it said."""

    list_display = ("created_at", "channel", "recipient_masked", "subject", "dossier", "state", "attempts", "sent_at")
    list_filter = ("state", "channel")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)
    fields = (
        "dossier",
        "channel",
        "recipient_masked",
        "subject",
        "body",
        "state",
        "attempts",
        "error",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields
    ledger_payload_exclude = ("recipient", "subject", "body", "error")

    @admin.display(description=_("người nhận"))
    def recipient_masked(self, obj: Notification) -> str:
        return mask_recipient(obj.recipient)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super(_ServiceRowAdmin, self).has_delete_permission(request, obj)  # Django's own check
