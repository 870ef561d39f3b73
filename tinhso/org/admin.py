"""Admin pages for units, agencies, people and roles (Vietnamese through the translation
functions). Writes go through the services so the same checks run and the ledger records them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError
from tinhso.core.privacy import mask_digits
from tinhso.ledger.admin import LedgeredAdminMixin

from . import services
from .models import (
    AdministrativeUnit,
    Agency,
    AgencyName,
    AgencySuccession,
    Person,
    RoleAssignment,
    UnitSuccession,
)

admin.site.site_header = _("Quản trị Tỉnh số")
admin.site.site_title = _("Tỉnh số")
admin.site.index_title = _("Quản trị hệ thống")


def _staff(request: HttpRequest) -> Person:
    """Who is acting: the admin site lets in only active staff, so a Person."""
    assert isinstance(request.user, Person)
    return request.user


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "level", "division_type", "parent", "valid_from", "valid_to"]
    list_filter = ["level", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["name", "name_folded", "code"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_date", "kind", "partial"]
    list_filter = ["kind", "effective_date"]
    search_fields = ["predecessor__name_folded", "successor__name_folded", "predecessor__code"]
    raw_id_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    extra = 0
    fields = ["name", "valid_from", "valid_to"]


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "short_name", "code", "kind", "parent", "unit", "valid_from", "valid_to", "source"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            services.agency_check_parent(self.instance if self.instance.pk else None, data.get("parent"))
            services.agency_check_dates(data.get("valid_from"), data.get("valid_to"))
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyAdminForm
    list_display = ["name", "short_name", "code", "kind", "unit", "parent", "valid_from", "valid_to", "confirmed_on"]
    list_filter = ["kind", ("valid_to", admin.EmptyFieldListFilter), ("confirmed_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "name_folded", "short_name", "code", "key"]
    readonly_fields = ["key", "confirmed_on"]
    raw_id_fields = ["parent", "unit"]
    list_select_related = ["unit", "parent"]
    inlines = [AgencyNameInline]

    def save_model(self, request: HttpRequest, obj: Agency, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.agency_create(
                actor=_staff(request),
                name=data["name"],
                kind=data["kind"],
                unit=data["unit"],
                parent=data.get("parent"),
                short_name=data.get("short_name", ""),
                code=data.get("code", ""),
                valid_from=data.get("valid_from"),
                valid_to=data.get("valid_to"),
                source=data.get("source", ""),
                confirmed_on=_today(),
            )
            obj.pk, obj.path = created.pk, created.path
            return
        if "name" in form.changed_data:
            original = Agency.objects.get(pk=obj.pk)
            services.agency_rename(
                actor=_staff(request),
                agency=original,
                new_name=data["name"],
                effective_date=data.get("valid_from") or original.valid_from or _today(),
            )
        services.agency_update(
            actor=_staff(request),
            agency=obj,
            parent=data.get("parent"),
            set_parent=True,
            short_name=data.get("short_name", ""),
            code=data.get("code", ""),
            kind=data["kind"],
            unit=data["unit"],
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            source=data.get("source", ""),
            confirmed_on=_today(),  # saved by an administrator: confirmed
        )

    def has_delete_permission(self, request: HttpRequest, obj: Agency | None = None) -> bool:
        # Agencies are closed (valid_to) and succeeded, never deleted: history must stay.
        return False


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_date", "kind", "source"]
    list_filter = ["kind", "effective_date"]
    raw_id_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]

    def has_change_permission(self, request: HttpRequest, obj: AgencySuccession | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AgencySuccession | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AgencySuccession, form: forms.ModelForm, change: bool) -> None:
        created = services.agency_merge(
            actor=_staff(request),
            predecessor=obj.predecessor,
            successor=obj.successor,
            effective_date=obj.effective_date,
            kind=obj.kind,
            source=obj.source,
        )
        obj.pk = created.pk


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "person"
    extra = 0
    fields = ["role", "agency", "valid_from", "valid_to"]
    readonly_fields = ["role", "agency", "valid_from", "valid_to"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(LedgeredAdminMixin, UserAdmin):
    # Personal data stays out of the ledger (it cannot be erased from a hash chain cleanly).
    ledger_payload_exclude = ("full_name", "email", "personal_id", "phone")
    list_display = ["username", "full_name", "masked_personal_id", "masked_phone", "title", "is_active"]
    list_filter = ["is_active", "is_staff", "role_assignments__role"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "personal_id", "phone", "title")}),
        (_("Trạng thái"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "password1", "password2")}),
    )

    @admin.display(description=_("số định danh"))
    def masked_personal_id(self, obj: Person) -> str:
        return mask_digits(obj.personal_id)

    @admin.display(description=_("số điện thoại"))
    def masked_phone(self, obj: Person) -> str:
        return mask_digits(obj.phone)

    def has_delete_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return False  # deactivate instead: the ledger and dossiers refer to people


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["person", "role", "agency", "valid_from"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            try:
                services.role_grant_check(
                    person=data["person"], role=data["role"], agency=data.get("agency"), valid_from=data["valid_from"]
                )
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ["person", "role", "agency", "valid_from", "valid_to"]
    list_filter = ["role", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["person__username", "person__full_name", "agency__name_folded"]
    raw_id_fields = ["person", "agency"]
    list_select_related = ["person", "agency"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: RoleAssignment | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: RoleAssignment | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: forms.ModelForm, change: bool) -> None:
        created = services.role_grant(
            actor=_staff(request),
            person=obj.person,
            role=obj.role,
            agency=obj.agency,
            valid_from=obj.valid_from,
        )
        obj.pk = created.pk

    @admin.action(description=_("Thu hồi vai trò đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        count = 0
        for assignment in queryset.filter(valid_to__isnull=True):
            services.role_revoke(actor=_staff(request), assignment=assignment)
            count += 1
        self.message_user(request, _("Đã thu hồi %(count)d vai trò.") % {"count": count}, messages.SUCCESS)
