# Sourced by run.sh with HOST and PORT set: the address the platform is shown at, put on the
# QR codes of signed results and in messages (TINHSO_PUBLIC_URL), unless already set, and that
# host allowed (ALLOWED_HOSTS). A server listening on every interface (0.0.0.0) is reached at
# the machine's first address.
URL_HOST="$HOST"
if [[ "$HOST" == "0.0.0.0" ]]; then
  URL_HOST="$(hostname -I 2>/dev/null | awk '{print $1}')"
  URL_HOST="${URL_HOST:-127.0.0.1}"
fi
export TINHSO_PUBLIC_URL="${TINHSO_PUBLIC_URL:-http://$URL_HOST:$PORT}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],$URL_HOST}"
