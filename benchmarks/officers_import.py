"""Officers' import benchmark: how long a sheet of 300 officers for a province's communes takes
to check (the preview) and to import (accounts, roles, ledger entries, in one transaction),
against creating the same number of officers one by one through the page's service (the
baseline, measured in the same run). Sending the 300 activation links (the background task,
here to Django's in-memory mail box) is measured apart: it runs after the commit, in the worker.

Runs against a fresh database of its own (the test runner's machinery creates and drops it),
on SQLite by default or PostgreSQL with DATABASE_URL. Prints human-readable lines, then one
JSON object per measurement as its last lines: name, value, unit, baseline name, baseline
value, ratio.

    .venv/bin/python benchmarks/officers_import.py
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import override_settings, setup_test_environment, teardown_test_environment  # noqa: E402

OFFICERS = 300
ROLES = ("Công chức một cửa", "Chuyên viên thụ lý", "Lãnh đạo phê duyệt")


def _sheet(communes: list[Any], prefix: str) -> bytes:
    from openpyxl import Workbook

    from tinhso.org.officers.xlsx import HEADERS, SHEET

    book = Workbook()
    page = book.active
    page.title = SHEET
    page.append(HEADERS)
    for n in range(OFFICERS):
        page.append(
            [
                f"Nguyễn Văn Cán Bộ {n}",
                f"{prefix}{n}@hungyen.gov.vn",
                f"09{n:08d}",
                communes[n % len(communes)].name,
                ROLES[n % 3],
                "01/01/2026",
                None,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from django.core import mail

        from tinhso.org import services as org_services
        from tinhso.org.agencies import agencies_load
        from tinhso.org.models import Agency, AgencyKind, Person
        from tinhso.org.officers import services
        from tinhso.org.officers.tasks import invitation_send
        from tinhso.org.officers.xlsx import officers_import_xlsx
        from tinhso.org.roles import Role
        from tinhso.org.units import units_load

        units_load(actor=None)
        agencies_load(actor=None, province="33")
        communes = list(
            Agency.objects.active()
            .filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level="commune", unit__parent__code="33")
            .order_by("name")
        )
        dx = org_services.person_create(actor=None, username="cds", full_name="Cán bộ chuyển đổi số", password=None)
        org_services.role_grant(
            actor=None,
            person=dx,
            role=Role.DX_OFFICE,
            agency=Agency.objects.get(key="hy.skhcn"),
            valid_from=dt.date(2025, 1, 1),
        )
        data = _sheet(communes, "canbo")
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
            started = time.perf_counter()
            preview = officers_import_xlsx(actor=dx, data=data, dry_run=True)
            preview_seconds = time.perf_counter() - started
            assert not preview.rejected, preview.rejected[:3]

            started = time.perf_counter()
            outcome = officers_import_xlsx(actor=dx, data=data)
            import_seconds = time.perf_counter() - started
            assert outcome.saved
            assert outcome.created == OFFICERS
            assert mail.outbox == []  # the links go after commit, from the worker: measured below

            started = time.perf_counter()
            for n in range(OFFICERS):
                services.officer_create(
                    actor=dx,
                    full_name=f"Trần Thị Một {n}",
                    email=f"motmot{n}@hungyen.gov.vn",
                    roles=[services.RoleSpec(Role.RECEIVER, communes[n % len(communes)], dt.date(2026, 1, 1))],
                )
            one_by_one_seconds = time.perf_counter() - started

        people = list(Person.objects.filter(email__startswith="canbo"))
        mail.outbox = []
        started = time.perf_counter()
        sent = sum(invitation_send(person) for person in people)
        send_seconds = time.perf_counter() - started
        assert sent == OFFICERS
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    vendor = connection.vendor
    print(f"database: {vendor}; {len(communes)} communes")
    print(f"preview of {OFFICERS} rows: {preview_seconds:.2f} s")
    print(f"import of {OFFICERS} officers (accounts, roles, ledger entries): {import_seconds:.2f} s")
    print(f"baseline, {OFFICERS} officers one by one (officer_create): {one_by_one_seconds:.2f} s")
    print(f"{OFFICERS} activation links composed and sent (in-memory mail): {send_seconds:.2f} s")
    rows = [
        {
            "name": f"officers_import_{OFFICERS}_seconds_{vendor}",
            "value": round(import_seconds, 3),
            "unit": "s",
            "baseline": f"officer_create_x{OFFICERS}_seconds_{vendor}",
            "baseline_value": round(one_by_one_seconds, 3),
            "ratio": round(import_seconds / one_by_one_seconds, 3),
        },
        {
            "name": f"officers_preview_{OFFICERS}_seconds_{vendor}",
            "value": round(preview_seconds, 3),
            "unit": "s",
            "baseline": f"officer_create_x{OFFICERS}_seconds_{vendor}",
            "baseline_value": round(one_by_one_seconds, 3),
            "ratio": round(preview_seconds / one_by_one_seconds, 3),
        },
        {
            "name": f"officers_invite_send_{OFFICERS}_seconds_{vendor}",
            "value": round(send_seconds, 3),
            "unit": "s",
            "baseline": f"officers_import_{OFFICERS}_seconds_{vendor}",
            "baseline_value": round(import_seconds, 3),
            "ratio": round(send_seconds / import_seconds, 3),
        },
    ]
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
