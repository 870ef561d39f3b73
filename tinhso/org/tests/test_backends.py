"""The session's person is loaded by one prepared statement, with the values the ORM would
give, and only while the account may sign in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.core.db import row_by_pk
from tinhso.org.backends import PersonBackend
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db


def test_row_by_pk_gives_what_the_orm_gives(make_person: Any) -> None:
    person = make_person("nguoi.thu", full_name="Trần Thị Bình", phone="0912345678", email="binh@example.vn")
    Person.objects.filter(pk=person.pk).update(last_login=timezone.make_aware(dt.datetime(2025, 11, 24, 7, 5)),
                                               is_staff=True)
    with CaptureQueriesContext(connection) as queries:
        loaded = row_by_pk(Person, str(person.pk))  # as a session stores it
    assert len(queries) == 1
    reference = Person.objects.get(pk=person.pk)
    for field in Person._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(reference, field.attname), field.attname
        assert type(getattr(loaded, field.attname)) is type(getattr(reference, field.attname)), field.attname
    assert loaded._state.adding is False
    assert loaded.check_password  # a model instance, not a row


@pytest.mark.parametrize("key", [10**9, 10**20, -(10**20), "không-phải-số", None, ""])
def test_row_by_pk_answers_none_for_missing_or_malformed_keys(key: Any) -> None:
    assert row_by_pk(Person, key) is None


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
