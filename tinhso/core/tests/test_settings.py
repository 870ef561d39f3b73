"""Settings from the environment: the embedded default generates its secrets once under
DATA_DIR, production refuses to start without them or without a mail backend, HSTS behind a
TLS proxy; and mail is never logged unmasked."""

from __future__ import annotations

import logging
import os
import runpy
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

SETTINGS_FILE = Path(settings.BASE_DIR) / "config" / "settings.py"
SECRET_FILES = {".dev_secret_key", ".dev_ledger_key", ".dev_payment_secret"}
ENVIRONMENT = (
    "DEBUG",
    "DATABASE_URL",
    "TINHSO_EMBEDDED",
    "SECRET_KEY",
    "LEDGER_SIGNING_KEY",
    "TINHSO_PAYMENT_SECRET",
    "EMAIL_BACKEND",
    "BEHIND_TLS_PROXY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "ALLOWED_HOSTS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "REDIS_URL",
)
PRODUCTION = {
    "DATABASE_URL": "postgres://tinhso:pw@db.invalid:5432/tinhso",
    "SECRET_KEY": "s" * 50,
    "LEDGER_SIGNING_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "TINHSO_PAYMENT_SECRET": "p" * 32,
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _load(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **env: str) -> dict[str, Any]:
    """Evaluate config/settings.py afresh under exactly ``env`` (plus TINHSO_DATA_DIR)."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TINHSO_DATA_DIR", str(data_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def _secret_files(data_dir: Path) -> set[str]:
    return {path.name for path in data_dir.iterdir() if path.name.startswith(".dev_")}


def test_the_embedded_default_generates_its_secrets_once_without_debug(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    first = _load(monkeypatch, tmp_path)
    assert (first["DEBUG"], first["EMBEDDED"]) == (False, True)
    assert _secret_files(tmp_path) == SECRET_FILES
    for name in SECRET_FILES:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert first["SECRET_KEY"] == (tmp_path / ".dev_secret_key").read_text()
    assert len(first["SECRET_KEY"]) >= 50
    assert first["EMAIL_BACKEND"] == "tinhso.core.mail.MaskedConsoleBackend"
    again = _load(monkeypatch, tmp_path)  # another process, a later command: the same secrets
    for name in ("SECRET_KEY", "LEDGER_SIGNING_KEY", "TINHSO_PAYMENT_SECRET"):
        assert again[name] == first[name]
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".tmp")]


def test_debug_against_postgres_still_generates_missing_secrets(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    loaded = _load(monkeypatch, tmp_path, DEBUG="1", DATABASE_URL=PRODUCTION["DATABASE_URL"])
    assert (loaded["DEBUG"], loaded["EMBEDDED"]) == (True, False)
    assert _secret_files(tmp_path) == SECRET_FILES


@pytest.mark.parametrize("missing", ["SECRET_KEY", "LEDGER_SIGNING_KEY", "TINHSO_PAYMENT_SECRET", "EMAIL_BACKEND"])
def test_production_refuses_to_start_without_each_secret_and_the_mail_backend(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    missing: str,
) -> None:
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    with pytest.raises(ImproperlyConfigured, match=f"^{missing} must be set in the environment in production"):
        _load(monkeypatch, tmp_path, **env)
    assert _secret_files(tmp_path) == set()  # nothing generated to fall back on


def test_sqlite_in_production_is_production_when_said_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^SECRET_KEY must be set"):
        _load(monkeypatch, tmp_path, TINHSO_EMBEDDED="0")
    assert _secret_files(tmp_path) == set()


def test_production_with_everything_named_starts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loaded = _load(monkeypatch, tmp_path, **PRODUCTION)
    assert (loaded["DEBUG"], loaded["EMBEDDED"]) == (False, False)
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["ALLOWED_HOSTS"] == []
    assert _secret_files(tmp_path) == set()


def test_production_refuses_djangos_console_mail_backend(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = {**PRODUCTION, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    with pytest.raises(ImproperlyConfigured, match="console backend writes addresses and bodies to the log"):
        _load(monkeypatch, tmp_path, **env)
    env["EMAIL_BACKEND"] = "tinhso.core.mail.MaskedConsoleBackend"  # named on purpose: allowed
    assert _load(monkeypatch, tmp_path, **env)["EMAIL_BACKEND"] == "tinhso.core.mail.MaskedConsoleBackend"


def test_hsts_is_on_for_a_year_behind_a_tls_proxy_and_off_otherwise(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    plain = _load(monkeypatch, tmp_path, **PRODUCTION)
    assert plain["SECURE_HSTS_SECONDS"] == 0
    assert "SECURE_PROXY_SSL_HEADER" not in plain
    proxied = _load(monkeypatch, tmp_path, **PRODUCTION, BEHIND_TLS_PROXY="1")
    assert proxied["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxied["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    chosen = _load(
        monkeypatch,
        tmp_path,
        **PRODUCTION,
        BEHIND_TLS_PROXY="1",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
    )
    assert (chosen["SECURE_HSTS_SECONDS"], chosen["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (600, True)


@pytest.mark.django_db
def test_the_hsts_header_goes_on_https_responses_through_the_proxy(
    client: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    proxied = _load(monkeypatch, tmp_path, **PRODUCTION, BEHIND_TLS_PROXY="1")
    with override_settings(
        SECURE_PROXY_SSL_HEADER=proxied["SECURE_PROXY_SSL_HEADER"], SECURE_HSTS_SECONDS=proxied["SECURE_HSTS_SECONDS"]
    ):
        secure = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
        plain = client.get("/healthz")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain.headers


def _manage(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``manage.py`` as an operator runs it: a clean environment, nothing exported."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(data_dir), "TINHSO_DATA_DIR": str(data_dir)}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_commands_run_on_the_embedded_default_with_nothing_exported(tmp_path: Path) -> None:
    done = _manage("check", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
    assert _secret_files(tmp_path) == SECRET_FILES
    refused = _manage("check", data_dir=tmp_path / "prod", DATABASE_URL=PRODUCTION["DATABASE_URL"])
    assert refused.returncode != 0
    assert "SECRET_KEY must be set in the environment in production" in refused.stderr
    assert _secret_files(tmp_path / "prod") == set()


def test_the_masked_console_backend_logs_no_address_or_body(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tinhso.mail")
    body = "Kính gửi Nguyễn Văn An, CCCD 034201001234, điện thoại 0912345678.\nTrả lời: an.nguyen@example.vn"
    with override_settings(EMAIL_BACKEND="tinhso.core.mail.MaskedConsoleBackend"):
        sent = mail.send_mail(
            "[Tỉnh số] Hồ sơ 0912345678",
            body,
            "Tỉnh số <tinhso@example.gov.vn>",
            ["an.nguyen@example.vn", "Trần Thị Bình <binh.tran@example.vn>"],
        )
    assert sent == 1
    assert [record.getMessage() for record in caplog.records] == [
        "mail not sent (no EMAIL_BACKEND): from t***@example.gov.vn to a***@example.vn, b***@example.vn, "
        f"subject '[Tỉnh số] Hồ sơ ******5678', body of {len(body)} characters not logged"
    ]
    for secret in ("Nguyễn Văn An", "034201001234", "0912345678", "an.nguyen", "Trần Thị Bình", "binh.tran"):
        assert secret not in caplog.text


def _run_sh_environment(**env: str) -> dict[str, str]:
    """What scripts/run.sh exports for its server and worker, from HOST and PORT."""
    done = subprocess.run(
        ["/bin/bash", "-c", 'source scripts/public_url.sh && echo "$TINHSO_PUBLIC_URL" && echo "$ALLOWED_HOSTS"'],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    url, hosts = done.stdout.splitlines()
    return {"TINHSO_PUBLIC_URL": url, "ALLOWED_HOSTS": hosts}


def test_the_public_url_follows_the_run_commands_host_and_port(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    exported = _run_sh_environment(HOST="192.0.2.7", PORT="8081")
    assert exported == {
        "TINHSO_PUBLIC_URL": "http://192.0.2.7:8081",
        "ALLOWED_HOSTS": "localhost,127.0.0.1,[::1],192.0.2.7",
    }
    loaded = _load(monkeypatch, tmp_path, DEBUG="1", **exported)
    assert loaded["TINHSO_PUBLIC_URL"] == "http://192.0.2.7:8081"
    assert "192.0.2.7" in loaded["ALLOWED_HOSTS"]
    everywhere = _run_sh_environment(HOST="0.0.0.0", PORT="8000")  # noqa: S104 - the run command's choice
    assert everywhere["TINHSO_PUBLIC_URL"] != "http://0.0.0.0:8000"
    assert everywhere["TINHSO_PUBLIC_URL"].endswith(":8000")
    chosen = _run_sh_environment(HOST="127.0.0.1", PORT="8000", TINHSO_PUBLIC_URL="https://dvc.example.gov.vn")
    assert chosen["TINHSO_PUBLIC_URL"] == "https://dvc.example.gov.vn"
