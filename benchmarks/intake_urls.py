"""URLconf of the benchmark server: the platform's routes plus ``GET /bench/noop``.

``/bench/noop`` returns two bytes without touching the database, the session or the user. It
still runs through the whole middleware stack, so it measures what any request costs in this
server (gunicorn, WSGI, Django's middleware, routing): the baseline beside the dossier
submission in ``benchmarks/intake.py``. Never used outside the benchmark.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def noop(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/noop", noop, name="bench-noop"),
    path("", include("config.urls")),
]
