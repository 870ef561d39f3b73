"""The WSGI module loads the whole project and freezes it out of the garbage collector."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def test_the_loaded_project_is_frozen_out_of_the_collector() -> None:
    views = ("tinhso.onestop.api.dossiers", "tinhso.onestop.web.officer.views")
    script = f"import gc, sys; import config.wsgi; print(gc.get_freeze_count(), *(m in sys.modules for m in {views}))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert int(out[0]) > 100_000  # the project's objects, not a handful
    assert out[1:] == ["True", "True"]  # views imported before freezing, not on the first request
