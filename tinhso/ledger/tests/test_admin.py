"""Admin: the ledger is read-only there, and LedgeredAdminMixin records every admin write in
the same transaction as the write."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory

from tinhso.ledger.admin import CheckpointAdmin, EntryAdmin, LedgeredAdminMixin
from tinhso.ledger.models import Checkpoint, Entry
from tinhso.ledger.services import checkpoint_sign, ledger_append
from tinhso.ledger.testing import seal
from tinhso.org.models import AdministrativeUnit, Person

ADMIN = "/quan-tri/"


@pytest.fixture
def superuser(db: None) -> Person:
    return Person.objects.create_superuser(
        username="quantri", email="quantri@example.vn", password="x", full_name="Quản Trị"
    )


@pytest.fixture
def admin_client(client: Client, superuser: Person) -> Client:
    client.force_login(superuser)
    return client


def test_ledger_models_are_registered_read_only(admin_client: Client, superuser: Person, fill: Any) -> None:
    fill(2)
    checkpoint_sign()
    request = RequestFactory().get("/")
    request.user = superuser
    for model_admin in (admin.site._registry[Entry], admin.site._registry[Checkpoint]):
        assert isinstance(model_admin, EntryAdmin | CheckpointAdmin)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    entry = _sealed(1)
    assert admin_client.get(f"{ADMIN}ledger/entry/").status_code == 200
    page = admin_client.get(f"{ADMIN}ledger/entry/{entry.pk}/change/")
    assert page.status_code == 200
    assert entry.entry_hash is not None
    assert entry.entry_hash in page.content.decode()
    assert admin_client.get(f"{ADMIN}ledger/checkpoint/").status_code == 200
    assert admin_client.get(f"{ADMIN}ledger/entry/add/").status_code == 403
    assert admin_client.post(f"{ADMIN}ledger/entry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert str(Entry._meta.verbose_name) == "mục sổ cái"
    assert str(Checkpoint._meta.verbose_name) == "điểm kiểm tra đã ký"


class _UnitAdmin(LedgeredAdminMixin, admin.ModelAdmin):
    fields = ["code", "level", "name", "division_type", "valid_from", "valid_to"]
    ledger_payload_exclude = ("division_type",)


def _sealed(sequence: int) -> Entry:
    seal()
    return Entry.objects.get(sequence=sequence)


def test_mixin_records_create_update_delete_with_the_fields_as_strings(superuser: Person, empty_ledger: None) -> None:
    model_admin = _UnitAdmin(AdministrativeUnit, admin.site)
    request = RequestFactory().post("/")
    request.user = superuser
    form_class = model_admin.get_form(request)
    data = {
        "code": "99901",
        "level": "commune",
        "name": "Xã Thử Nghiệm",
        "division_type": "xã",
        "valid_from": "2025-07-01",
        "valid_to": "",
    }
    form = form_class(data=data)
    assert form.is_valid(), form.errors
    unit = form.save(commit=False)
    with transaction.atomic():
        model_admin.save_model(request, unit, form, change=False)
    created = _sealed(1)
    assert (created.action, created.object_type, created.object_id, created.actor_id) == (
        "org.administrativeunit.create",
        "org.administrativeunit",
        str(unit.pk),
        superuser.pk,
    )
    assert created.payload.data == {
        "changed": ["code", "division_type", "level", "name", "valid_from", "valid_to"],
        "values": {
            "code": "99901",
            "level": "commune",
            "name": "Xã Thử Nghiệm",
            "valid_from": "2025-07-01",
            "valid_to": "",
        },
    }

    form = form_class(data={**data, "name": "Xã Thử Nghiệm Mới"}, instance=AdministrativeUnit.objects.get(pk=unit.pk))
    assert form.is_valid(), form.errors
    with transaction.atomic():
        model_admin.save_model(request, form.save(commit=False), form, change=True)
    updated = _sealed(2)
    assert updated.action == "org.administrativeunit.update"
    assert updated.payload.data == {"changed": ["name"], "values": {"name": "Xã Thử Nghiệm Mới"}}

    pk = unit.pk
    model_admin.delete_model(request, AdministrativeUnit.objects.get(pk=pk))
    deleted = _sealed(3)
    assert (deleted.action, deleted.object_id) == ("org.administrativeunit.delete", str(pk))
    assert deleted.payload.data["values"]["name"] == "Xã Thử Nghiệm Mới"
    assert "division_type" not in deleted.payload.data["values"]
    assert not AdministrativeUnit.objects.filter(pk=pk).exists()


def test_mixin_never_puts_the_password_hash_in_the_ledger(superuser: Person, empty_ledger: None) -> None:
    class _PersonAdmin(LedgeredAdminMixin, admin.ModelAdmin):
        fields = ["username", "password", "full_name"]

    model_admin = _PersonAdmin(Person, admin.site)
    request = RequestFactory().post("/")
    request.user = superuser
    model_admin.delete_queryset(request, Person.objects.filter(pk=superuser.pk).none())
    assert not Entry.objects.exists()
    other = Person.objects.create_user(username="khac", full_name="Người Khác", password="secret-pw")
    model_admin.delete_queryset(request, Person.objects.filter(pk=other.pk))
    entry = Entry.objects.get()
    assert "password" not in entry.payload.data["values"]
    assert other.password not in entry.payload.canonical_json


def _unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(code=code, level="commune", name=f"Xã {code}")


def test_real_admin_views_write_the_ledger(admin_client: Client, superuser: Person, empty_ledger: None) -> None:
    response = admin_client.post(
        f"{ADMIN}org/administrativeunit/add/",
        {
            "code": "99902",
            "level": "commune",
            "name": "Xã Qua Giao Diện",
            "division_type": "",
            "valid_from": "",
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    unit = AdministrativeUnit.objects.get(code="99902")
    first, second = _unit("99903"), _unit("99904")
    response = admin_client.post(
        f"{ADMIN}org/administrativeunit/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(Entry.objects.order_by("sequence").values_list("action", "object_id", "actor_id")) == [
        ("org.administrativeunit.create", str(unit.pk), superuser.pk),
        ("org.administrativeunit.delete", str(first.pk), superuser.pk),
        ("org.administrativeunit.delete", str(second.pk), superuser.pk),
    ]


def test_a_failed_ledger_append_undoes_the_admin_write(
    admin_client: Client, empty_ledger: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each mixin method runs in its own atomic block (a savepoint inside the view's, and the
    only one around "delete selected", which Django admin does not wrap)."""
    first, second = _unit("99905"), _unit("99906")
    calls: list[str] = []

    def failing_append(**kwargs: Any) -> Entry:
        entry = ledger_append(**kwargs)
        calls.append(kwargs["action"])
        if len(calls) == 2:
            raise RuntimeError("ledger down")
        return entry

    monkeypatch.setattr("tinhso.ledger.admin.ledger_append", failing_append)
    with pytest.raises(RuntimeError, match="ledger down"):
        admin_client.post(
            f"{ADMIN}org/administrativeunit/",
            {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
        )
    assert AdministrativeUnit.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert not Entry.objects.exists()
