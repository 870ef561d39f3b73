#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite (unit, integration, browser).
# DATABASE_URL picks the database (default: SQLite). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

.venv/bin/ruff check --quiet .
.venv/bin/mypy tinhso config
.venv/bin/lint-imports --no-cache >/dev/null || { .venv/bin/lint-imports --no-cache; exit 1; }
DEBUG=1 .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "A model change has no migration: run manage.py makemigrations." >&2; exit 1; }
# pytest exits 5 when it collected no test: that is a failure here too.
.venv/bin/pytest -n "${PYTEST_WORKERS:-2}" "$@"
