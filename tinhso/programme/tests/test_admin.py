"""The column mappings in Django admin: read in Vietnamese, never added or edited there (the
import page checks a mapping), deleted with a ledger entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.org.models import AdministrativeUnit
from tinhso.programme.models import ColumnMapping

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_person: Any) -> Client:
    person = make_person("quantri.cot")
    type(person).objects.filter(pk=person.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(type(person).objects.get(pk=person.pk))
    return client


@pytest.fixture
def mapping(vn_units: None, make_person: Any) -> ColumnMapping:
    return ColumnMapping.objects.create(
        province=AdministrativeUnit.objects.get(level="province", code="34"),
        signature="hang muc|kinh phi 2026 2030|muc tieu 2025",
        header=["Hạng mục", "Kinh phí 2026-2030", "Mục tiêu 2025"],
        columns=[{"role": "name"}, {"role": "budget", "phase": "2026-2030"}, None],
        saved_by=make_person("cds.cot"),
    )


def test_the_list_and_the_page_say_what_each_column_is(admin_client: Client, mapping: ColumnMapping) -> None:
    listing = admin_client.get(reverse("admin:programme_columnmapping_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    for words in ("Ánh xạ cột bảng", "Hạng mục | Kinh phí 2026-2030 | Mục tiêu 2025", "Tỉnh Thái Bình"):
        assert words in text
    page = admin_client.get(reverse("admin:programme_columnmapping_change", args=[mapping.pk])).content.decode()
    assert (
        "Cột 1 (Hạng mục): Tên nhiệm vụ; Cột 2 (Kinh phí 2026-2030): Kinh phí (ghi giai đoạn) 2026-2030; "
        "Cột 3 (Mục tiêu 2025): Bỏ qua cột này"
    ) in page


def test_a_mapping_is_not_added_or_edited_in_admin(admin_client: Client, mapping: ColumnMapping) -> None:
    assert admin_client.get(reverse("admin:programme_columnmapping_add")).status_code == 403
    url = reverse("admin:programme_columnmapping_change", args=[mapping.pk])
    admin_client.post(url, {"columns": "[]"})
    mapping.refresh_from_db()
    assert mapping.columns == [{"role": "name"}, {"role": "budget", "phase": "2026-2030"}, None]


def test_deleting_a_mapping_is_recorded(admin_client: Client, mapping: ColumnMapping) -> None:
    url = reverse("admin:programme_columnmapping_delete", args=[mapping.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not ColumnMapping.objects.exists()
    assert Entry.objects.filter(action="programme.columnmapping.delete").count() == 1
