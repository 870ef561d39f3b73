"""The ledger in Django admin (read-only), and the mixin that makes other admins write to it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Checkpoint, Entry
from .services import ledger_append

ALWAYS_EXCLUDED_FIELDS = frozenset({"password"})


class LedgeredAdminMixin:
    """Put before ``admin.ModelAdmin`` to record every admin create, update and delete.

    Actions are ``<app_label>.<model>.create|update|delete`` with a payload of the fields
    concerned, values as strings (``Field.value_to_string``). Fields in
    ``ledger_payload_exclude`` (and always the password hash) are named in ``changed`` but
    their values are left out: list personal data there, the ledger does not need it.

    Django admin runs ``save_model`` and ``delete_model`` inside ``transaction.atomic`` (the
    change form and delete views are wrapped), but *not* ``delete_queryset`` (the "delete
    selected" action), so each method here opens its own atomic block: nested, it is only a
    savepoint, and the ledger entry always shares the fate of the write.
    """

    ledger_payload_exclude: tuple[str, ...] = ()

    def _ledger_action(self, obj: models.Model, verb: str) -> str:
        return f"{obj._meta.label_lower}.{verb}"

    def _ledger_values(self, obj: models.Model, names: list[str]) -> dict[str, str]:
        excluded = ALWAYS_EXCLUDED_FIELDS | set(self.ledger_payload_exclude)
        values: dict[str, str] = {}
        for field in obj._meta.concrete_fields:
            if field.name in names and field.name not in excluded:
                values[field.name] = field.value_to_string(obj)
        return values

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            concrete = {field.name for field in obj._meta.concrete_fields}
            if change:
                names = [name for name in form.changed_data if name in concrete]
            else:
                names = [name for name in form.fields if name in concrete]
            ledger_append(
                actor=request.user,
                action=self._ledger_action(obj, "update" if change else "create"),
                obj=obj,
                payload={"changed": sorted(names), "values": self._ledger_values(obj, names)},
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            self._ledger_delete(request, obj)
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            for obj in queryset:
                self._ledger_delete(request, obj)
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    def _ledger_delete(self, request: HttpRequest, obj: models.Model) -> None:
        # Before the delete: afterwards the object has no primary key left to name it by.
        names = [field.name for field in obj._meta.concrete_fields]
        ledger_append(
            actor=request.user,
            action=self._ledger_action(obj, "delete"),
            obj=obj,
            payload={"values": self._ledger_values(obj, names)},
        )


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(_ReadOnlyAdmin):
    list_display = ["sequence", "recorded_at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["=sequence", "action", "object_type", "=object_id", "actor_label", "=entry_hash"]
    date_hierarchy = "recorded_at"
    ordering = ["-sequence"]
    fields = readonly_fields = (
        "sequence",
        "recorded_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "payload_digest",
        "prev_hash",
        "entry_hash",
        "payload_text",
    )
    show_full_result_count = False  # counting millions of rows on each page helps nobody

    @admin.display(description=_("nội dung"))
    def payload_text(self, obj: Entry) -> str:
        payload = getattr(obj, "payload", None)
        return payload.canonical_json if payload is not None else str(_("(đã xoá theo yêu cầu)"))


@admin.register(Checkpoint)
class CheckpointAdmin(_ReadOnlyAdmin):
    list_display = ["tree_size", "root_hash", "signed_at", "key_id"]
    ordering = ["-tree_size"]
    fields = readonly_fields = ("tree_size", "root_hash", "signed_at", "key_id", "signature")
