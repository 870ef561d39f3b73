"""The session's person is loaded by one query, and only while the account may sign in."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tinhso.org.backends import PersonBackend
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", [10**9, 10**20, -(10**20), "không-phải-số", None, ""])
def test_missing_or_malformed_keys_sign_nobody_in(key: Any) -> None:
    assert PersonBackend().get_user(key) is None


def test_inactive_person_is_signed_out(make_person: Any) -> None:
    person = make_person("tam.nghi")
    assert PersonBackend().get_user(person.pk) == person
    Person.objects.filter(pk=person.pk).update(is_active=False)
    assert PersonBackend().get_user(person.pk) is None


def test_a_session_loads_its_person_with_one_query(make_person: Any) -> None:
    person = make_person("mot.cau")
    client = Client()
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/org/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "mot.cau"
    person_table = get_user_model()._meta.db_table
    assert sum(f'FROM "{person_table}"' in query["sql"] for query in queries) == 1
