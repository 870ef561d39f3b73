"""Intake benchmark: how many online dossier submissions per second the platform takes, and how fast.

What it measures. ``POST /api/services/dossiers/`` (a citizen files a dossier: validation, the
dossier code of the day, the dossier row, its event and the ledger entry, all in one
transaction) served by gunicorn with several worker processes against PostgreSQL, under a
closed-loop load of ``--connections`` concurrent clients. Beside it, in the same run, with the
same tool, the same server and the same concurrency: the baseline, ``GET /bench/noop``, a
trivial view added by the benchmark's own URLconf (``benchmarks/intake_urls.py``) that goes
through the whole middleware stack but touches neither the database nor the session, i.e.
what any request costs in this server. It prints throughput, p50 and p99 latency of both, and
the ratios submission / baseline. The target of the issue is ≥ 300 submissions/s and
p99 ≤ 150 ms on the 2-core machine.

How. The script creates a fresh database ``tinhso_bench_<pid>`` on the PostgreSQL server of
``--pg`` (default ``postgres://postgres@127.0.0.1:5432``), migrates it, loads the demo
agencies and procedures (``tinhso.org.demo`` and ``tinhso.onestop.demo.services`` loaders), gives the
receiving agency an electronic code, creates a citizen account (with an e-mail address, so
each submission also writes its notification to the outbox, for the worker to send, as
for a real citizen), starts gunicorn with ``DEBUG=0`` and random secrets in its environment,
logs the citizen in once through the login page (session cookie + CSRF token), then drives
the load with ``wrk`` (Debian package, see scripts/setup.sh) and a Lua script that gives
every request its own ``Idempotency-Key`` (every request creates a new dossier). Each run
starts with a short warm-up that is not counted. Afterwards it checks that the dossiers in
the database match the 201 answers (give or take the requests in flight when wrk stops) and
that the whole ledger verifies, then stops gunicorn and drops the database (also on failure,
Ctrl-C or SIGTERM). It exits 1 when a check fails or a request got another status.

``--mode direct`` (chosen automatically while the API route does not exist) skips HTTP: it
forks ``--workers`` processes that call ``dossier_submit_online`` in a loop for the same time,
with a trivial ``SELECT 1`` transaction as the baseline; it shows what the database side
allows, not what a citizen sees.

Output: human-readable lines, then one JSON object per measurement as the last lines (name,
value, unit, baseline, baseline_value, ratio), as benchmarks/ledger.py does.

``--compare REF`` measures two versions side by side in one invocation: the version at git
``REF`` (e.g. ``main~3``, a commit), checked out in a temporary ``git worktree``, and this
tree, with the same ``.venv``. Each version gets its own fresh database, migrated by its own
migrations and prepared by its own code (``benchmarks/intake_steps.py`` run as a subprocess with
that tree on ``PYTHONPATH``), and its own gunicorn serving that tree's WSGI app (``--chdir`` and
``PYTHONPATH`` of the tree; the no-op route comes from a settings module written to the
temporary directory, so the baseline version needs nothing of this script). The runs are
interleaved, old, new, old, new, … ``--runs`` times (default 5), each the HTTP measurement above
on a fresh gunicorn. It prints, for each version, the median and [min–max] over its runs of the
throughput, p50, p99 and CPU per submission, and the same figures of the no-op baseline measured
beside each run, then the ratio new/old of the medians; the JSON rows (one per figure per
version, of the medians) carry a ``"version"`` key, ``"old"`` or ``"new"``. The worktree and
both databases are removed afterwards, also on failure, Ctrl-C or SIGTERM.

    .venv/bin/python benchmarks/intake.py --compare main~3 [--runs 5] [other options as below]

    .venv/bin/python benchmarks/intake.py [--seconds 20] [--warmup 3] [--workers 2] [--threads 8]
        [--connections 16] [--wrk-threads 1] [--mode auto|http|direct] [--pg postgres://…]
        [--redis redis://127.0.0.1:6379/15 | none] [--compare REF [--runs 5]]

``--threads 1`` runs gunicorn's sync workers; more runs gthread workers with that many threads.
The default, 2 gthread workers × 8 threads, was the best of those measured on the 2-core
machine (sync workers close the connection after every answer). Sessions live in Redis, as the
README configures production (``--redis none``: in the database, one more query per request).

The machine is shared: besides throughput and latency the script reports the CPU time each
request cost in gunicorn and in the PostgreSQL backends (from /proc, when PostgreSQL runs on
this machine) and wrk, and the ceiling that implies on this machine's CPUs. Also reported as a
JSON row, it varies far less than the throughput with what else runs.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import intake_steps as steps  # noqa: E402 (needs ROOT on the path)

SUBMIT_PATH = "/api/services/dossiers/"
SUBMITTED_UNMEASURED = [0]  # dossiers created outside the measured runs (probe, warm-ups)
BASELINE_PATH = "/bench/noop"
PROCEDURE_CODE = steps.PROCEDURE_CODE
CITIZEN = steps.CITIZEN
PASSWORD = secrets.token_urlsafe(16)
FORM_DATA = {
    "ho_ten": "Nguyễn Văn An",
    "so_dinh_danh": "033095001234",
    "ngay_sinh": "1995-04-30",
    "loai_phieu": "Phiếu số 1",
    "so_luong": 1,
    "muc_dich": "Xin việc",
}


# --- database and environment ----------------------------------------------------------------


def _admin(pg: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _environment(pg: str, db_name: str, tmp: Path, redis: str = "") -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "benchmarks.intake_settings",
        "DATABASE_URL": f"{pg}/{db_name}",
        "DB_CONN_MAX_AGE": "600",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LEDGER_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "TINHSO_PAYMENT_SECRET": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",  # plain HTTP on the loopback
        "TINHSO_DATA_DIR": str(tmp / "data"),
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "TINHSO_SMS_PROVIDER": os.environ.get(
            "TINHSO_SMS_PROVIDER", "tinhso.onestop.notices.services.ConsoleSmsProvider"
        ),
        **({"REDIS_URL": redis} if redis else {}),
    }


def _prepare() -> dict[str, Any]:
    """Migrate and load what a submission needs (this tree, in this process); returns ids."""
    return steps.prepare(PASSWORD)


def _counts() -> dict[str, int]:
    return steps.counts()


def _verify_ledger() -> tuple[bool, str]:
    return steps.verify_ledger()


# --- HTTP: gunicorn, login, wrk ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(
    env: dict[str, str], port: int, workers: int, threads: int, log: Path, tree: Path = ROOT
) -> subprocess.Popen:
    """gunicorn serving the WSGI app of ``tree`` (this tree, or the baseline's worktree)."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--chdir",
        str(tree),
        "--timeout",
        "60",
        "--backlog",
        "2048",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    return subprocess.Popen(command, env={**os.environ, **env}, cwd=tree, start_new_session=True)


def _request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _wait_ready(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        with contextlib.suppress(OSError):
            if _request(port, "GET", BASELINE_PATH).status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _login(port: int) -> tuple[str, str]:
    """Log the citizen in through the login page: returns (Cookie header, CSRF token)."""
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret, accepted unmasked by Django
    body = urllib.parse.urlencode({"username": CITIZEN, "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    response = _request(
        port,
        "POST",
        "/tai-khoan/dang-nhap/",
        body.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
        },
    )
    jar = _cookies(response)
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login failed: HTTP {response.status}")
    csrf = jar.get("csrftoken", csrf)  # rotated at login
    return f"sessionid={jar['sessionid']}; csrftoken={csrf}", csrf


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


WRK_LUA = """
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  ok = 0
  bad = 0
end
function request()
  counter = counter + 1
  local headers = {["Cookie"] = COOKIE, ["X-CSRFToken"] = CSRF}
  if METHOD == "POST" then
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = string.format("%s-%d-%d", NONCE, id, counter)
  end
  return wrk.format(METHOD, PATH, headers, BODY)
end
function response(status, headers, body)
  if status == EXPECT then
    ok = ok + 1
  else
    bad = bad + 1
    if bad <= 3 then io.stderr:write("HTTP " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\\n") end
  end
end
function done(summary, latency, requests)
  local good, wrong = 0, 0
  for _, thread in ipairs(threads) do
    good = good + thread:get("ok")
    wrong = wrong + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "ok": %d, "bad": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\\n',
    summary.requests, summary.duration, good, wrong, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_pids(
    server: subprocess.Popen, database_url: str, also: tuple[subprocess.Popen, ...] = ()
) -> tuple[list[int], list[int]]:
    """gunicorn's master and workers (and the processes in ``also``: the task worker, which
    seals the ledger), and the PostgreSQL backends serving the bench database (when the server
    runs on this machine: the same CPUs)."""
    parents = {server.pid, *(process.pid for process in also)}
    web = list(parents)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) in parents:
                web.append(int(stat.parent.name))
    import psycopg

    db_name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db_name]
        ).fetchall()
    return web, [row[0] for row in rows]


def _unsealed(database_url: str) -> float:
    """Seconds the oldest ledger entry not yet sealed has waited, right after the load (0 when
    all are sealed, and always for a version whose writes sealed their own entries)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        try:
            row = conn.execute(
                "SELECT EXTRACT(EPOCH FROM now() - min(recorded_at)) FROM ledger_entry WHERE sequence IS NULL"
            ).fetchone()
        except psycopg.Error:
            return 0.0
    return float(row[0] or 0.0)


def _wrk(
    port: int,
    tmp: Path,
    *,
    name: str,
    method: str,
    path: str,
    body: str,
    expect: int,
    cookie: str,
    csrf: str,
    seconds: float,
    connections: int,
    wrk_threads: int,
    server: subprocess.Popen | None = None,
    database_url: str = "",
    also: tuple[subprocess.Popen, ...] = (),
) -> dict[str, Any]:
    script = tmp / f"{name}.lua"
    script.write_text(
        "\n".join(
            [
                f"METHOD = {_lua_string(method)}",
                f"PATH = {_lua_string(path)}",
                f"BODY = {_lua_string(body)}",
                f"COOKIE = {_lua_string(cookie)}",
                f"CSRF = {_lua_string(csrf)}",
                f"EXPECT = {expect}",
                f"NONCE = {_lua_string(f'{name}-{secrets.token_hex(6)}')}",
                WRK_LUA,
            ]
        ),
        encoding="utf-8",
    )
    command = [
        "wrk",
        "-t",
        str(wrk_threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{path}",
    ]
    web, db = _server_pids(server, database_url, also) if server is not None else ([], [])
    web_before, db_before = sum(map(_proc_cpu, web)), sum(map(_proc_cpu, db))
    children_before = _children_cpu()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    cpu_web, cpu_db = sum(map(_proc_cpu, web)) - web_before, sum(map(_proc_cpu, db)) - db_before
    cpu_wrk = _children_cpu() - children_before
    if result.stderr.strip():
        print(result.stderr.strip(), file=sys.stderr)
    line = next((row for row in result.stdout.splitlines() if row.startswith("WRKJSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout[-500:]} {result.stderr[-500:]}")
    stats = json.loads(line.removeprefix("WRKJSON "))
    seconds_run = stats["duration_us"] / 1e6

    def per_request(cpu_seconds: float) -> float:
        return 1000 * cpu_seconds / max(stats["requests"], 1)

    return {
        "name": name,
        "requests": stats["requests"],
        "ok": stats["ok"],
        "bad": stats["bad"],
        "errors": stats["connect"] + stats["read"] + stats["write"] + stats["timeout"],
        "rate": stats["ok"] / seconds_run,
        "p50_ms": stats["p50_us"] / 1000,
        "p90_ms": stats["p90_us"] / 1000,
        "p99_ms": stats["p99_us"] / 1000,
        "max_ms": stats["max_us"] / 1000,
        "mean_ms": stats["mean_us"] / 1000,
        "cpu_ms": per_request(cpu_web + cpu_db),
        "web_cpu_ms": per_request(cpu_web),
        "db_cpu_ms": per_request(cpu_db),
        "wrk_cpu_ms": per_request(cpu_wrk),
    }


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_http(
    args: argparse.Namespace,
    env: dict[str, str],
    ids: dict[str, Any],
    tmp: Path,
    tree: Path = ROOT,
    log_name: str = "gunicorn",
) -> list[dict]:
    """One measurement: gunicorn started on ``tree``, the baseline then the submission, each
    after its warm-up; gunicorn stopped afterwards."""
    port = _free_port()
    log = tmp / f"{log_name}.log"
    server = _gunicorn(env, port, args.workers, args.threads, log, tree)
    # The task worker runs as in production: it sends the notifications and, since the ledger
    # is sealed by a sequencer, seals the submissions' entries; its CPU is counted with the web's.
    worker_log = tmp / f"{log_name}-worker.log"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker"],
        env={**os.environ, **env},
        cwd=tree,
        start_new_session=True,
        stdout=worker_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(port, server)
        cookie, csrf = _login(port)
        submit_body = json.dumps(
            {"procedure": PROCEDURE_CODE, "agency": ids["agency"], "form_data": FORM_DATA}, ensure_ascii=False
        )
        common = {
            "cookie": cookie,
            "csrf": csrf,
            "connections": args.connections,
            "wrk_threads": args.wrk_threads,
            "server": server,
            "database_url": env["DATABASE_URL"],
            "also": (worker,),
        }
        probe = _request(
            port,
            "POST",
            SUBMIT_PATH,
            submit_body.encode(),
            {
                "Content-Type": "application/json",
                "Cookie": cookie,
                "X-CSRFToken": csrf,
                "Idempotency-Key": f"probe-{secrets.token_hex(8)}",
            },
        )
        if probe.status != 201:
            raise RuntimeError(f"a single submission answered HTTP {probe.status}, not 201")
        SUBMITTED_UNMEASURED[0] += 1
        runs = []
        for name, method, path, body, expect in [
            ("baseline", "GET", BASELINE_PATH, "", 200),
            ("submission", "POST", SUBMIT_PATH, submit_body, 201),
        ]:
            if args.warmup > 0:
                warm = _wrk(
                    port,
                    tmp,
                    name=f"{name}-warmup",
                    method=method,
                    path=path,
                    body=body,
                    expect=expect,
                    seconds=args.warmup,
                    **common,
                )
                SUBMITTED_UNMEASURED[0] += warm["ok"] if method == "POST" else 0
            runs.append(
                _wrk(
                    port,
                    tmp,
                    name=name,
                    method=method,
                    path=path,
                    body=body,
                    expect=expect,
                    seconds=args.seconds,
                    **common,
                )
            )
        runs[-1]["unsealed_after"] = _unsealed(env["DATABASE_URL"])
        return runs
    finally:
        for process in (worker,):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if log.exists() and log.stat().st_size:
            tail = log.read_text(errors="replace")[-2000:]
            print(f"gunicorn log (tail):\n{tail}", file=sys.stderr)


# --- direct: the service function in several processes ------------------------------------------


def _direct_worker(kind: str, seconds: float, ids: dict[str, Any], number: int, queue: Any) -> None:
    from django.db import connection, transaction

    from tinhso.onestop.dossiers.intake import dossier_submit_online
    from tinhso.onestop.models import Procedure
    from tinhso.org.models import Agency, Person

    connection.close()  # never share the parent's socket
    applicant = Person.objects.get(pk=ids["citizen"])
    agency = Agency.objects.get(pk=ids["agency"])
    procedure = Procedure.objects.get(pk=ids["procedure"])
    latencies, count = [], 0
    deadline = time.perf_counter() + seconds
    while True:
        started = time.perf_counter()
        if started >= deadline:
            break
        if kind == "submission":
            dossier_submit_online(
                applicant=applicant,
                procedure=procedure,
                agency=agency,
                form_data=FORM_DATA,
                idempotency_key=f"direct-{os.getpid()}-{number}-{count}",
            )
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        latencies.append(time.perf_counter() - started)
        count += 1
    connection.close()
    queue.put(latencies)


def _direct(kind: str, seconds: float, processes: int, ids: dict[str, Any]) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_direct_worker, args=(kind, seconds, ids, n, queue)) for n in range(processes)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    latencies = []
    for _ in workers:
        latencies += queue.get(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "name": kind,
        "requests": len(latencies),
        "ok": len(latencies),
        "bad": 0,
        "errors": 0,
        "rate": len(latencies) / elapsed,
        "p50_ms": quantiles[49] * 1000,
        "p90_ms": quantiles[89] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "max_ms": latencies[-1] * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
    }


def run_direct(args: argparse.Namespace, ids: dict[str, Any]) -> list[dict]:
    runs = []
    for kind in ("baseline", "submission"):
        if args.warmup > 0:
            warm = _direct(kind, args.warmup, args.workers, ids)
            SUBMITTED_UNMEASURED[0] += warm["ok"] if kind == "submission" else 0
        runs.append(_direct(kind, args.seconds, args.workers, ids))
    return runs


# --- main -------------------------------------------------------------------------------------------


def _api_route_exists() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(SUBMIT_PATH)
    except Resolver404:
        return False
    return True


def _report(mode: str, runs: list[dict], args: argparse.Namespace) -> list[dict]:
    baseline, submission = runs
    suffix = "http" if mode == "http" else "direct"
    base_name = "noop_get" if mode == "http" else "select1_tx"
    rows = []
    metrics = [("throughput", "req/s", "rate"), ("p50", "ms", "p50_ms"), ("p99", "ms", "p99_ms")]
    if "cpu_ms" in submission:
        metrics.append(("cpu_per_request", "ms", "cpu_ms"))
    for metric, unit, key in metrics:
        value, base = submission[key], baseline[key]
        rows.append(
            {
                "name": f"intake_submission_{metric}_{suffix}",
                "value": round(value, 2),
                "unit": unit,
                "baseline": f"{base_name}_{metric}_{suffix}",
                "baseline_value": round(base, 2),
                "ratio": round(value / base, 4) if base else None,
            }
        )
    return rows


# --- compare: two versions side by side ---------------------------------------------------------

# The server's settings and URLconf for both versions, written to the temporary directory (on
# PYTHONPATH after the version's tree): the version's own settings with the no-op baseline
# route, and the cache keys of each version apart (both use the same Redis database).
COMPARE_SETTINGS = """import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tinhso_bench_urls"
CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_CACHE_PREFIX"]  # noqa: F405
"""
COMPARE_URLS = """from django.http import HttpResponse
from django.urls import include, path


def noop(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/noop", noop), path("", include("config.urls"))]
"""
# The figures compared: (name in the JSON rows, unit, key of a run, what a better value is).
FIGURES = [
    ("throughput", "req/s", "rate"),
    ("p50", "ms", "p50_ms"),
    ("p99", "ms", "p99_ms"),
    ("cpu_per_request", "ms", "cpu_ms"),
]


def _git(*arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *arguments], check=True, capture_output=True, text=True
    ).stdout.strip()


class Version:
    """One version under test: its tree, its database, its server environment, its runs."""

    def __init__(self, label: str, describe: str, tree: Path, pg: str, tmp: Path, redis: str) -> None:
        self.label, self.describe, self.tree = label, describe, tree
        self.db_name = f"tinhso_bench_{os.getpid()}_{label}"
        work = tmp / label
        work.mkdir()
        self.tmp = work
        self.env = {
            **_environment(pg, self.db_name, work, redis),
            "DJANGO_SETTINGS_MODULE": "tinhso_bench_settings",
            "PYTHONPATH": os.pathsep.join([str(tree), str(tmp)]),
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_CACHE_PREFIX": f"bench{os.getpid()}{label}",
        }
        self.ids: dict[str, Any] = {}
        self.runs: list[list[dict]] = []  # per run: [baseline, submission]
        self.unmeasured = 0

    def step(self, name: str) -> Any:
        """A step of benchmarks/intake_steps.py run by this version's code, in a subprocess."""
        result = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "intake_steps.py"), name],
            cwd=self.tree,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((row for row in reversed(result.stdout.splitlines()) if row.startswith("STEPJSON ")), None)
        if result.returncode != 0 or line is None:
            raise RuntimeError(
                f"step {name} of the {self.label} version failed ({result.returncode}):\n{result.stderr[-3000:]}"
            )
        return json.loads(line.removeprefix("STEPJSON "))


def _median_run(runs: list[dict]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for _name, _unit, key in FIGURES}


def _spread(runs: list[dict], key: str) -> str:
    values = [run[key] for run in runs]
    return f"{statistics.median(values):8.1f} [{min(values):.1f}–{max(values):.1f}]"


def run_compare(args: argparse.Namespace) -> int:
    """Both versions, interleaved (old, new, old, new, …), each on its own database and server."""
    pg = args.pg.rstrip("/")
    redis = "" if args.redis == "none" else args.redis
    old_commit = _git("rev-parse", "--verify", f"{args.compare}^{{commit}}")
    head = _git("rev-parse", "--short", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    tmp = Path(tempfile.mkdtemp(prefix="tinhso_bench_"))
    (tmp / "tinhso_bench_settings.py").write_text(COMPARE_SETTINGS, encoding="utf-8")
    (tmp / "tinhso_bench_urls.py").write_text(COMPARE_URLS, encoding="utf-8")
    old_tree = tmp / "tree-old"
    versions: list[Version] = []
    created_worktree = False
    try:
        _git("worktree", "add", "--detach", str(old_tree), old_commit)
        created_worktree = True
        versions = [
            Version("old", f"{args.compare} ({old_commit[:10]})", old_tree, pg, tmp, redis),
            Version("new", f"this tree (HEAD {head}{' + uncommitted changes' if dirty else ''})", ROOT, pg, tmp, redis),
        ]
        for version in versions:
            _admin(pg, f'CREATE DATABASE "{version.db_name}"')
            started = time.perf_counter()
            version.ids = version.step("prepare")
            print(
                f"{version.label}: database {version.db_name} prepared by {version.describe} in "
                f"{time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
        before = {version.label: version.step("counts") for version in versions}
        for number in range(1, args.runs + 1):
            for version in versions:
                unmeasured = SUBMITTED_UNMEASURED[0]
                baseline, submission = run_http(
                    args, version.env, version.ids, version.tmp, version.tree, log_name=f"gunicorn-{number}"
                )
                version.unmeasured += SUBMITTED_UNMEASURED[0] - unmeasured
                version.runs.append([baseline, submission])
                print(
                    f"run {number}/{args.runs} {version.label}: submission {submission['rate']:.1f} req/s, p50 "
                    f"{submission['p50_ms']:.1f} ms, p99 {submission['p99_ms']:.1f} ms, CPU "
                    f"{submission['cpu_ms']:.2f} ms; no-op {baseline['rate']:.1f} req/s",
                    file=sys.stderr,
                )
        checks = {}
        for version in versions:
            after = version.step("counts")
            created = after["dossiers"] - before[version.label]["dossiers"]
            answered = sum(run[1]["ok"] for run in version.runs)
            in_flight = args.connections * (2 if args.warmup > 0 else 1) * args.runs
            counted = 0 <= created - answered - version.unmeasured <= in_flight
            ledger_ok, ledger_note = version.step("verify")
            checks[version.label] = (counted, ledger_ok, created, answered, version.unmeasured, in_flight, ledger_note)
    finally:
        for version in versions:
            with contextlib.suppress(Exception):
                _admin(pg, f'DROP DATABASE IF EXISTS "{version.db_name}" WITH (FORCE)')
        if created_worktree:
            with contextlib.suppress(Exception):
                _git("worktree", "remove", "--force", str(old_tree))
        with contextlib.suppress(Exception):
            _git("worktree", "prune")
        shutil.rmtree(tmp, ignore_errors=True)

    old, new = versions
    shape = f"gunicorn {args.workers} × {'sync' if args.threads == 1 else f'gthread/{args.threads}'}"
    sessions = "Redis" if redis else "the database"
    print(f"compare: old = {old.describe}; new = {new.describe}")
    print(
        f"mode: http; {shape}; {args.connections} concurrent clients; {args.seconds:g} s per endpoint; "
        f"{args.runs} runs of each version, interleaved; PostgreSQL; sessions in {sessions}; {os.cpu_count()} CPUs"
    )
    print("median [min–max] of the runs     " + "".join(f"{version.label:<28}" for version in versions) + "new/old")
    for endpoint, index in (("submission", 1), ("no-op", 0)):
        for name, unit, key in FIGURES:
            cells = "".join(f"{_spread([run[index] for run in version.runs], key):<28}" for version in versions)
            old_median = statistics.median(run[index][key] for run in old.runs)
            new_median = statistics.median(run[index][key] for run in new.runs)
            ratio = f"{new_median / old_median:.3f}" if old_median else "–"
            print(f"{endpoint:<10} {name:<15} {unit:<6} {cells}{ratio}")
    load = os.getloadavg()[0]
    print(f"load average after the runs: {load:.2f} (other processes on the machine skew the figures)")
    failed = False
    for version in versions:
        counted, ledger_ok, created, answered, unmeasured, in_flight, ledger_note = checks[version.label]
        wrong = sum(run["bad"] + run["errors"] for pair in version.runs for run in pair)
        failed = failed or not counted or not ledger_ok or bool(wrong)
        submission = _median_run([run[1] for run in version.runs])
        met = submission["rate"] >= 300 and submission["p99_ms"] <= 150
        print(
            f"{version.label}: dossiers created {created} ({answered} measured + {unmeasured} in warm-ups and "
            f"probes answered 201, + at most {in_flight} in flight: {'consistent' if counted else 'MISMATCH'}); "
            f"ledger verifies: {ledger_ok} ({ledger_note}); oldest unsealed entry right after the load: "
            f"{max(run[1].get('unsealed_after', 0.0) for run in version.runs):.1f} s at most; "
            f"wrong answers or socket errors: {wrong}; "
            f"target ≥ 300 submissions/s and p99 ≤ 150 ms (medians): {'met' if met else 'NOT met'}"
        )
    for version in versions:
        median = [_median_run([run[0] for run in version.runs]), _median_run([run[1] for run in version.runs])]
        for row in _report("http", median, args):
            print(json.dumps({**row, "version": version.label}, ensure_ascii=False))
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="measured seconds per endpoint (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured warm-up seconds per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker; 1 = sync workers (default 8)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--mode", choices=["auto", "http", "direct"], default="auto")
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (URL without database name); a fresh database is created on it",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15"),
        help="REDIS_URL of the server (sessions and cache, as in production); none: the database",
    )
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="also measure the version at git REF (a temporary worktree) against this tree, "
        "interleaved, and print both and the ratio new/old",
    )
    parser.add_argument("--runs", type=int, default=5, help="with --compare: runs of each version (default 5)")
    args = parser.parse_args()
    if args.connections < args.wrk_threads:
        parser.error("--connections must be at least --wrk-threads")
    if args.compare:
        if args.mode == "direct":
            parser.error("--compare measures over HTTP only")
        if shutil.which("wrk") is None:
            raise SystemExit("wrk is not installed (scripts/setup.sh installs it)")
        for number in (signal.SIGTERM, signal.SIGHUP):  # still clean up when stopped
            signal.signal(number, lambda signum, _frame: sys.exit(128 + signum))
        return run_compare(args)

    db_name = f"tinhso_bench_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="tinhso_bench_"))
    env = _environment(args.pg.rstrip("/"), db_name, tmp, "" if args.redis == "none" else args.redis)
    os.environ.update(env)
    for number in (signal.SIGTERM, signal.SIGHUP):  # still drop the database when stopped
        signal.signal(number, lambda signum, _frame: sys.exit(128 + signum))
    _admin(args.pg, f'CREATE DATABASE "{db_name}"')
    try:
        import django

        django.setup()
        mode = args.mode
        if mode == "auto":
            mode = "http" if _api_route_exists() else "direct"
            if mode == "direct":
                print(f"{SUBMIT_PATH} does not exist yet: measuring the service function directly", file=sys.stderr)
        if mode == "http" and shutil.which("wrk") is None:
            raise SystemExit("wrk is not installed (scripts/setup.sh installs it)")
        started = time.perf_counter()
        ids = _prepare()
        print(f"database {db_name} prepared in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        before = _counts()
        if mode == "http":
            from django.db import connections

            connections.close_all()
        runs = run_http(args, env, ids, tmp) if mode == "http" else run_direct(args, ids)
        after = _counts()
        created = after["dossiers"] - before["dossiers"]
        answered = sum(run["ok"] for run in runs if run["name"] == "submission")
        unmeasured = SUBMITTED_UNMEASURED[0]
        ledger_ok, ledger_note = _verify_ledger()
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        _admin(args.pg, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)

    shape = (
        f"gunicorn {args.workers} × {'sync' if args.threads == 1 else f'gthread/{args.threads}'}"
        if mode == "http"
        else f"{args.workers} processes calling the service"
    )
    sessions = "Redis" if env.get("REDIS_URL") else "the database"
    print(
        f"mode: {mode}; {shape}; {args.connections if mode == 'http' else args.workers} concurrent clients; "
        f"{args.seconds:g} s per endpoint; PostgreSQL; sessions in {sessions}; {os.cpu_count()} CPUs"
    )
    for run in runs:
        print(
            f"{run['name']:<11} {run['rate']:8.1f} req/s  p50 {run['p50_ms']:7.1f} ms  p90 {run['p90_ms']:7.1f} ms  "
            f"p99 {run['p99_ms']:7.1f} ms  max {run['max_ms']:7.1f} ms  ({run['ok']} ok, {run['bad']} wrong "
            f"status, {run['errors']} socket errors)"
        )
    for run in runs:
        if "cpu_ms" in run:
            ceiling = 1000 * (os.cpu_count() or 1) / (run["cpu_ms"] + run["wrk_cpu_ms"])
            print(
                f"{run['name']:<11} CPU per request: {run['web_cpu_ms']:.2f} ms gunicorn, {run['db_cpu_ms']:.2f} ms "
                f"PostgreSQL backends, {run['wrk_cpu_ms']:.2f} ms wrk: at most {ceiling:.0f} req/s on "
                f"{os.cpu_count()} CPUs with nothing else running"
            )
    load = os.getloadavg()[0]
    print(f"load average after the run: {load:.2f} (other processes on the machine skew the figures)")
    # wrk stops with requests in flight: the server still completes them, wrk does not count them.
    in_flight = args.connections * (2 if args.warmup > 0 else 1) if mode == "http" else 0
    counted = 0 <= created - answered - unmeasured <= in_flight
    print(
        f"dossiers created during the run: {created} ({answered} measured + {unmeasured} in warm-up and probe "
        f"answered 201, + at most {in_flight} in flight when wrk stopped: {'consistent' if counted else 'MISMATCH'})"
        f"; ledger verifies: {ledger_ok} ({ledger_note})"
    )
    submission = runs[1]
    met = submission["rate"] >= 300 and submission["p99_ms"] <= 150
    print(f"target ≥ 300 submissions/s and p99 ≤ 150 ms: {'met' if met else 'NOT met'}")
    for row in _report(mode, runs, args):
        print(json.dumps(row, ensure_ascii=False))
    failed = not ledger_ok or not counted or any(run["bad"] or run["errors"] for run in runs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
