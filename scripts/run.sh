#!/usr/bin/env bash
# One command from a fresh clone to a running platform on the embedded default (SQLite):
# installs, migrates, loads the demo data, starts the task worker and the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export DEBUG="${DEBUG:-1}"
PORT="${PORT:-8000}"
HOST="${HOST:-127.0.0.1}"
PY=.venv/bin/python
source scripts/public_url.sh  # TINHSO_PUBLIC_URL and ALLOWED_HOSTS from HOST and PORT

$PY manage.py migrate --noinput
$PY manage.py createcachetable
$PY manage.py demo_load
$PY manage.py ledger_verify

$PY manage.py worker &
WORKER_PID=$!
trap 'kill $WORKER_PID 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Tỉnh số đang chạy:  $TINHSO_PUBLIC_URL/
  Trang quản trị:     $TINHSO_PUBLIC_URL/quan-tri/
  Tài liệu API:       $TINHSO_PUBLIC_URL/api/docs/
  Tài khoản mẫu ở trên (mật khẩu chung TinhSo@2026). Dừng: Ctrl+C.

MSG
$PY manage.py runserver "$HOST:$PORT" --noreload
