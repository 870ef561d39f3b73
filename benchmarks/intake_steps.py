"""The Django-side steps of ``benchmarks/intake.py``: prepare a database, count, verify the ledger.

They run the code of the version under test. Without ``--compare`` the benchmark imports and
calls them in its own process (its own tree); with ``--compare`` it runs this file as a script
for each version, ``python benchmarks/intake_steps.py STEP`` with that version's tree first on
``PYTHONPATH`` and as the working directory, so the baseline's own models, migrations and
demo loaders are used without the baseline needing this file. Each step prints one line,
``STEPJSON {...}``, as its answer. Only names every version has since the one-stop shop became
``tinhso.onestop`` are used: the demo loaders, ``org.services``, the ledger's models and
``ledger_verify``.

The citizen's password comes from the environment (``BENCH_PASSWORD``), as do the database
and the settings (see ``benchmarks/intake.py``).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

PROCEDURE_CODE = "2.000488.000.00.00.H31"  # Phiếu lý lịch tư pháp (demo catalogue), fully online
AGENCY_KEY = "hy.ttpvhcc"
AGENCY_CODE = "H31.01"
CITIZEN = "bench.congdan"


def prepare(password: str) -> dict[str, Any]:
    """Migrate and load what a submission needs; returns ids for the load generator."""
    import datetime as dt

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    from tinhso.onestop.demo.services import demo_load as services_demo_load
    from tinhso.onestop.models import Procedure
    from tinhso.org import services as org_services
    from tinhso.org.demo import demo_load as org_demo_load
    from tinhso.org.models import Agency
    from tinhso.org.roles import Role

    org_demo_load()
    services_demo_load()
    agency = Agency.objects.get(key=AGENCY_KEY)
    if not agency.code:
        agency = org_services.agency_update(actor=None, agency=agency, code=AGENCY_CODE)
    procedure = Procedure.objects.get(code=PROCEDURE_CODE)
    assert procedure.agencies.filter(pk=agency.pk).exists(), "the demo procedure is not offered by the agency"
    citizen = org_services.person_create(
        actor=None,
        username=CITIZEN,
        full_name="Công dân thử tải",
        email=f"{CITIZEN}@bench.tinhso.local",
        password=password,
        check_password=False,
    )  # with an e-mail address, as the demo citizens: each submission also queues its notification
    org_services.role_grant(actor=None, person=citizen, role=Role.CITIZEN, agency=None, valid_from=dt.date(2025, 7, 1))
    return {"agency": agency.pk, "procedure": procedure.pk, "citizen": citizen.pk}


def counts() -> dict[str, int]:
    from tinhso.ledger.models import Entry
    from tinhso.onestop.models import Dossier

    return {"dossiers": Dossier.objects.count(), "entries": Entry.objects.count()}


def verify_ledger() -> tuple[bool, str]:
    """Sign a checkpoint (where the version signs them on demand), then verify the whole ledger."""
    from tinhso.ledger import services as ledger_services
    from tinhso.ledger.selectors import ledger_verify

    seal = getattr(ledger_services, "ledger_seal", None)
    if seal is not None:  # what the worker had not sealed yet when it was stopped
        seal()
    sign = getattr(ledger_services, "checkpoint_sign", None)
    if sign is not None:
        sign()
    result = ledger_verify()
    return result.ok, f"{result.checked} entries, {result.checkpoints_checked} checkpoint(s)" + (
        "" if result.ok else f": {result.reason}"
    )


def main(step: str) -> None:
    import django

    django.setup()
    answer: Any
    if step == "prepare":
        answer = prepare(os.environ["BENCH_PASSWORD"])
    elif step == "counts":
        answer = counts()
    elif step == "verify":
        answer = verify_ledger()
    else:
        raise SystemExit(f"unknown step {step!r}")
    print("STEPJSON " + json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    # Run as a script, sys.path[0] is this file's directory: dropped, the version under test
    # comes from PYTHONPATH (its tree), which the caller sets.
    sys.path.pop(0)
    main(sys.argv[1])
