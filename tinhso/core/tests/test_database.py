"""On PostgreSQL, parameters are bound by the server and statements run often are prepared
once per connection; behind a pooler, DB_PREPARE_THRESHOLD=off turns preparing off."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tinhso.org.models import Person


def _options(**env: str) -> str:  # the settings as a fresh process reads them
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default'].get('OPTIONS'))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": "postgres://tinhso@db.example:5432/tinhso",
        **env,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_postgresql_binds_on_the_server_and_prepares() -> None:
    assert _options() == "{'server_side_binding': True, 'prepare_threshold': 5}"
    assert _options(DB_PREPARE_THRESHOLD="off") == "{'server_side_binding': True, 'prepare_threshold': None}"
    assert _options(DB_PREPARE_THRESHOLD="2") == "{'server_side_binding': True, 'prepare_threshold': 2}"
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _options(DB_PREPARE_THRESHOLD="nhiều")
    assert "DB_PREPARE_THRESHOLD must be a whole number" in failed.value.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_statement_run_often_is_prepared(make_person: Any) -> None:
    person = make_person("hay.dung")
    for _ in range(6):
        assert Person.objects.get(pk=person.pk) == person
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(f'FROM "{Person._meta.db_table}" WHERE' in statement for statement in prepared)
