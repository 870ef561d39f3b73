"""Accounts benchmark: does the registration page take as long for a phone that already has an
account (a notice is sent, nothing written) as for a free one (a code is written and sent)?
And the reset page for a known and an unknown phone? The baseline of each pair is the free
(resp. known) address, measured in the same run, interleaved, on the same warm process.

Runs against a fresh database of its own (the test runner's machinery creates and drops it),
on SQLite by default or PostgreSQL with DATABASE_URL, with the settings of the tests (the SMS
provider is the console one; Argon2 is swapped for MD5 there, so the password hash the page
computes costs little and the difference shows). Prints human-readable lines, then one JSON
object per measurement as its last lines: name, value, unit, baseline name, baseline value,
ratio.

    .venv/bin/python benchmarks/accounts.py [rounds]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

PASSWORD = "Hoa sen nở 2026"


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def main(rounds: int) -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from django.core.cache import cache
        from django.test import Client

        from tinhso.org.models import CITIZEN_USERNAME_PREFIX, Person

        Person.objects.create(username=f"{CITIZEN_USERNAME_PREFIX}taken", full_name="Đã Có", phone="0900000000")
        samples: dict[str, list[float]] = {
            "register_free": [],
            "register_taken": [],
            "reset_known": [],
            "reset_unknown": [],
        }
        for number in range(rounds):
            free = f"091{number:07d}"
            for name, path, data in (
                ("register_free", "/tai-khoan/dang-ky/", {"address": free}),
                ("register_taken", "/tai-khoan/dang-ky/", {"address": "0900000000"}),
                ("reset_known", "/tai-khoan/quen-mat-khau/", {"address": "0900000000"}),
                ("reset_unknown", "/tai-khoan/quen-mat-khau/", {"address": free}),
            ):
                cache.clear()  # the rate limits would stop the run
                form = {"full_name": "Trần Thị Bình", "password1": PASSWORD, "password2": PASSWORD, "consent": "on"}
                client = Client()
                started = time.perf_counter()
                response = client.post(path, {**form, **data})
                samples[name].append(time.perf_counter() - started)
                assert response.status_code == 302, (name, response.status_code)
        results = []
        for name, baseline in (("register_taken", "register_free"), ("reset_unknown", "reset_known")):
            value, base = _median_ms(samples[name]), _median_ms(samples[baseline])
            print(f"{name}: median {value} ms; {baseline}: median {base} ms ({rounds} rounds)")
            results.append(
                {
                    "name": f"accounts.{name}.median",
                    "value": value,
                    "unit": "ms",
                    "baseline": f"accounts.{baseline}.median",
                    "baseline_value": base,
                    "ratio": round(value / base, 3) if base else None,
                }
            )
        for result in results:
            print(json.dumps(result))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
