#!/usr/bin/env bash
# Installs everything Tỉnh số needs on a fresh Debian machine: system packages (Chromium for
# the browser tests, LibreOffice for PDF conversion and for opening the workbooks we write), the Python virtualenv from
# requirements.txt, and the front-end assets from package-lock.json. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Debian packages: only those missing, so a second run is quick and offline-friendly.
DEB_PACKAGES=(python3.11 python3.11-venv chromium libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 fonts-dejavu-core poppler-utils gettext wrk nodejs npm)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  case "$pkg" in
    python3.11|python3.11-venv) command -v python3.11 >/dev/null 2>&1 && continue ;;
    nodejs|npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  log "Creating the virtualenv (.venv)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "Installing Python packages (requirements.txt, constraints.txt)"
  .venv/bin/pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
  echo "$want" > "$stamp"
fi

lock_want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.lock.sha256 ] || [ "$(cat node_modules/.lock.sha256)" != "$lock_want" ]; then
  log "Installing front-end assets (package-lock.json)"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$lock_want" > node_modules/.lock.sha256
fi
# Translations (English UI): compiled from locale/*/LC_MESSAGES/django.po.
for po in locale/*/LC_MESSAGES/django.po; do
  mo="${po%.po}.mo"
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then msgfmt --check -o "$mo" "$po"; fi
done
log "Setup done"
