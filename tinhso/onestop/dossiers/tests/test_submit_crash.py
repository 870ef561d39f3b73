"""No lost or doubled dossier when the server dies in the middle of a submission.

A separate Python process writes a filing as a request does (intake.filing_submit) and is
killed with SIGKILL after every write of it (the dossier, its event, notification and ledger
entry) but before the commit, as a power cut or an OOM kill would. The database must hold
nothing of it; the citizen's retry with the same idempotency key files exactly one dossier,
with the number the killed filing never took, and the ledger verifies. The same for a group of
three filings written together (intake.filings_write), killed before its one commit.
Needs a database another process can open (PostgreSQL; the SQLite test database is in memory).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tinhso.ledger.models import Entry
from tinhso.ledger.selectors import ledger_verify
from tinhso.onestop.conftest import GOOD_FORM
from tinhso.onestop.dossiers import intake
from tinhso.onestop.models import Dossier, DossierEvent, Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CRASHING_SUBMISSION = """
import os, signal, sys
import django
django.setup()
from tinhso.org.models import Agency, Person
from tinhso.onestop.dossiers import intake
from tinhso.onestop.models import Procedure

real_record = intake.dossier_event_record

def record_then_die(*args, **kwargs):
    real_record(*args, **kwargs)  # every write of the filing is done, the commit is not
    os.kill(os.getpid(), signal.SIGKILL)

intake.dossier_event_record = record_then_die
citizen, procedure, agency, form = sys.argv[1:5]
intake.filing_submit(intake.filing_check(
    applicant=Person.objects.get(pk=int(citizen)), procedure=Procedure.objects.get(pk=int(procedure)),
    agency=Agency.objects.get(pk=int(agency)), form_data=eval(form), idempotency_key="crash-1",
))
"""


CRASHING_GROUP = """
import os, signal, sys
import django
django.setup()
from tinhso.org.models import Agency, Person
from tinhso.onestop.dossiers import intake
from tinhso.onestop.models import Procedure

real_record = intake.dossier_events_record

def record_then_die(*args, **kwargs):
    real_record(*args, **kwargs)  # every write of the group is done, the commit is not
    os.kill(os.getpid(), signal.SIGKILL)

intake.dossier_events_record = record_then_die
citizen, procedure, agency, form = sys.argv[1:5]
intake.filings_write([
    intake.filing_check(
        applicant=Person.objects.get(pk=int(citizen)), procedure=Procedure.objects.get(pk=int(procedure)),
        agency=Agency.objects.get(pk=int(agency)), form_data=eval(form), idempotency_key=f"crash-{n}",
    )
    for n in (1, 2, 3)
])
"""


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.parametrize("script", [CRASHING_SUBMISSION, CRASHING_GROUP], ids=["alone", "group"])
def test_a_submission_killed_before_its_commit_leaves_nothing_and_the_retry_files_one(svc: Any, script: str) -> None:
    entries = Entry.objects.count()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    crashed = subprocess.run(  # noqa: S603 - our own script, our own interpreter
        [
            sys.executable,
            "-c",
            script,
            str(svc.citizen.pk),
            str(svc.procedure.pk),
            str(svc.centre.pk),
            repr(GOOD_FORM),
        ],
        env=env,
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()[-2000:]
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()
    assert not Notification.objects.exists()
    assert Entry.objects.count() == entries

    retried = [
        intake.dossier_submit_online(
            applicant=svc.citizen,
            procedure=svc.procedure,
            agency=svc.centre,
            form_data=GOOD_FORM,
            idempotency_key=f"crash-{n}",
        )
        for n in (1, 2, 3)
    ]
    again = intake.dossier_submit_online(
        applicant=svc.citizen,
        procedure=svc.procedure,
        agency=svc.centre,
        form_data=GOOD_FORM,
        idempotency_key="crash-2",
    )
    assert again.pk == retried[1].pk
    assert Dossier.objects.count() == 3
    assert [d.code[-4:] for d in retried] == ["0001", "0002", "0003"]  # the killed numbers were never taken
    assert Entry.objects.count() == entries + 3
    assert ledger_verify().ok
