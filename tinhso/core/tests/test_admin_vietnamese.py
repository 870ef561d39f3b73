"""Issue 12, item 17: the admin speaks Vietnamese: apps, models, list columns and filters of
every registered model (ours and the libraries'), and the e-form of a procedure is edited as
rows, not raw JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

# Words that read the same in Vietnamese.
SAME_IN_VIETNAMESE = {"ID", "IP", "SMS", "Zalo", "Email", "URL", "PDF", "SHA-256", "API"}


def _english(text: Any) -> bool:
    text = str(text).strip()
    return bool(text) and text.isascii() and any(c.isalpha() for c in text) and text not in SAME_IN_VIETNAMESE


@pytest.fixture
def superuser_client(make_person: Any) -> Client:
    person = make_person("quantri")
    type(person).objects.filter(pk=person.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(type(person).objects.get(pk=person.pk))
    return client


def test_every_admin_list_is_in_vietnamese(superuser_client: Client) -> None:
    index = superuser_client.get(reverse("admin:index"))  # a request: the libraries' Vietnamese is in place
    assert index.status_code == 200
    english: list[str] = []
    with translation.override("vi"):
        for model, model_admin in admin.site._registry.items():
            where = model._meta.label
            opts = model._meta
            for what, text in (
                ("app", opts.app_config.verbose_name),
                ("model", opts.verbose_name),
                ("models", opts.verbose_name_plural),
            ):
                if _english(text):
                    english.append(f"{where} {what}: {text}")
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            response = superuser_client.get(url)
            assert response.status_code == 200, url
            changelist = response.context["cl"]
            for name in changelist.list_display:
                if name == "action_checkbox":
                    continue
                label = label_for_field(name, model, model_admin)
                if _english(label):
                    english.append(f"{where} column {name}: {label}")
            for spec in changelist.filter_specs:
                if _english(spec.title):
                    english.append(f"{where} filter: {spec.title}")
            html = response.content.decode()
            for header in re.findall(r'<th scope="col"[^>]*>.*?<a[^>]*>([^<]+)</a>', html, re.S):
                if _english(header):
                    english.append(f"{where} page column: {header}")
    assert english == [], "\n".join(english)
