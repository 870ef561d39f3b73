"""Cascade benchmark: how long deriving every commune's yearly plan from a province's scheme
takes (``plan_derive_all``, the DX office's bulk action), against importing that scheme (the
baseline, measured in the same run: the write the DX office already waits for in a request).

Fresh database of its own (the test runner's machinery), the units and the agencies of every
province loaded, then Thái Bình's seed scheme imported and derived for every commune of its
territory (the former Thái Bình's communes, today in Hưng Yên). On SQLite by default or
PostgreSQL with DATABASE_URL. Prints human-readable lines, then one JSON object per
measurement as its last lines.

    .venv/bin/python benchmarks/cascade.py
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
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from tinhso.org.agencies import agencies_load
        from tinhso.org.units import units_load
        from tinhso.programme.cascade.selectors import cascade_status
        from tinhso.programme.cascade.services import plan_derive_all
        from tinhso.programme.demo import SEEDS
        from tinhso.programme.importing.pipeline import programme_import
        from tinhso.programme.models import Programme, Task

        units_load(actor=None)
        agencies_load(actor=None)
        seed = SEEDS / "thai-binh-2022-de-an-chuyen-doi-so.txt"
        started = time.perf_counter()
        outcome = programme_import(actor=None, filename=seed.name, data=seed.read_bytes())
        import_seconds = time.perf_counter() - started
        assert outcome.saved, outcome.rejected
        scheme = Programme.objects.get(pk=outcome.programme_id)
        year = scheme.period_end

        started = time.perf_counter()
        derived = plan_derive_all(actor=None, parent=scheme, year=year)
        derive_seconds = time.perf_counter() - started
        tasks = Task.objects.filter(programme__parent=scheme).count()

        started = time.perf_counter()
        again = plan_derive_all(actor=None, parent=scheme, year=year)
        again_seconds = time.perf_counter() - started
        assert again.created == again.completed == 0

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            status = cascade_status(parent=scheme, year=year)
            status_seconds = time.perf_counter() - started
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    vendor = connection.vendor
    plans = derived.created
    print(f"database: {vendor}")
    print(f"import of the scheme: {outcome.tasks} tasks, {outcome.targets} targets in {import_seconds:.2f} s")
    print(
        f"derive for every commune: {plans} plans, {tasks} tasks in {derive_seconds:.2f} s "
        f"({derive_seconds / max(plans, 1) * 1000:.0f} ms a plan); again (nothing new) {again_seconds:.2f} s"
    )
    print(
        f"the DX office's table: {len(status.rows)} rows, {len(queries.captured_queries)} queries, {status_seconds:.3f} s"
    )
    for query in sorted(queries.captured_queries, key=lambda query: -float(query["time"]))[:3]:
        print(f"  query {query['time']} s: {query['sql'][:300]}")
    rows = [
        {
            "name": f"plan_derive_all_seconds_{vendor}",
            "value": round(derive_seconds, 3),
            "unit": "s",
            "baseline": f"programme_import_seconds_{vendor}",
            "baseline_value": round(import_seconds, 3),
            "ratio": round(derive_seconds / import_seconds, 3),
        },
        {
            "name": f"plan_derive_all_again_seconds_{vendor}",
            "value": round(again_seconds, 3),
            "unit": "s",
            "baseline": f"programme_import_seconds_{vendor}",
            "baseline_value": round(import_seconds, 3),
            "ratio": round(again_seconds / import_seconds, 3),
        },
        {
            "name": f"cascade_status_queries_{vendor}",
            "value": len(queries.captured_queries),
            "unit": "queries",
            "baseline": "rows",
            "baseline_value": len(status.rows),
            "ratio": round(len(queries.captured_queries) / max(len(status.rows), 1), 3),
        },
    ]
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
