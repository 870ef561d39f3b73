"""Agencies benchmark: how long loading the agencies of every province takes on a fresh
database, against loading the administrative units (the baseline, measured in the same run:
the load every install already runs, of a similar number of rows).

Runs against a fresh database of its own (the test runner's machinery creates and drops it),
on SQLite by default or PostgreSQL with DATABASE_URL. Prints human-readable lines, then one
JSON object per measurement as its last lines: name, value, unit, baseline name, baseline
value, ratio.

    .venv/bin/python benchmarks/agencies.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from tinhso.org.agencies import agencies_load
        from tinhso.org.units import units_load

        started = time.perf_counter()
        units = units_load(actor=None)
        units_seconds = time.perf_counter() - started
        unit_rows = units.units_created + units.successions_created

        started = time.perf_counter()
        agencies = agencies_load(actor=None)
        agencies_seconds = time.perf_counter() - started
        agency_rows = agencies.agencies_created + agencies.successions_created

        started = time.perf_counter()
        again = agencies_load(actor=None)
        again_seconds = time.perf_counter() - started
        assert again.agencies_created == 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    vendor = connection.vendor
    print(f"database: {vendor}")
    print(f"units: {unit_rows} rows in {units_seconds:.2f} s")
    print(
        f"agencies of every province: {agencies.agencies_created} agencies and {agencies.successions_created} "
        f"successions in {agencies_seconds:.2f} s; second run (nothing to write) {again_seconds:.2f} s"
    )
    rows = [
        {
            "name": f"agencies_load_seconds_{vendor}",
            "value": round(agencies_seconds, 3),
            "unit": "s",
            "baseline": f"units_load_seconds_{vendor}",
            "baseline_value": round(units_seconds, 3),
            "ratio": round(agencies_seconds / units_seconds, 3),
        },
        {
            "name": f"agencies_load_rows_per_second_{vendor}",
            "value": round(agency_rows / agencies_seconds, 1),
            "unit": "rows/s",
            "baseline": f"units_load_rows_per_second_{vendor}",
            "baseline_value": round(unit_rows / units_seconds, 1),
            "ratio": round((agency_rows / agencies_seconds) / (unit_rows / units_seconds), 3),
        },
        {
            "name": f"agencies_reload_seconds_{vendor}",
            "value": round(again_seconds, 3),
            "unit": "s",
            "baseline": f"units_load_seconds_{vendor}",
            "baseline_value": round(units_seconds, 3),
            "ratio": round(again_seconds / units_seconds, 3),
        },
    ]
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
