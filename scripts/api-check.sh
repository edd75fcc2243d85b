#!/usr/bin/env bash
# Checks the served OpenAPI document with an independent validator (openapi-spec-validator)
# and runs schemathesis against a running server: no 5xx, and no response that breaks the
# document (revokeToken left out: it would revoke the run's own token). CI runs 25 examples
# per operation; `scripts/api-check.sh BIN 150` gives each backend about 8,000 cases
# (figures in docs/reliability.md).
#
#     scripts/api-check.sh [path/to/rapport] [max-examples] [seed]
#         (defaults: target/debug/rapport, 25, 1)
#
# SQLite always; PostgreSQL too when RAPPORT_TEST_POSTGRES_URL is set (a fresh schema, dropped
# afterwards). Python tools go in a virtualenv ($API_CHECK_VENV, default target/api-check-venv,
# made on first use). Exits non-zero if schemathesis reports a failure on either backend.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-target/debug/rapport}")"
examples="${2:-25}"
seed="${3:-1}"
venv="$(realpath -m "${API_CHECK_VENV:-target/api-check-venv}")"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv" 2>/dev/null || {
    apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"
  }
  "$venv/bin/pip" install -q "schemathesis==4.32.5" "openapi-spec-validator==0.9.0"
fi

status=0
check() {
  local label="$1" db="$2" port="$3"
  echo "-- $label (--max-examples $examples --seed $seed)"
  export RAPPORT_DB="$db"
  "$bin" demo --contacts 300 --anchor 2026-11-25 >/dev/null
  echo "a long enough password" | "$bin" user add api-check@example.com --role owner --password-stdin >/dev/null
  local token
  token=$("$bin" token create api-check@example.com --name api-check 2>/dev/null)
  "$bin" serve --bind "127.0.0.1:$port" 2>"$tmp/serve-$port.log" &
  local pid=$!
  trap 'kill $pid 2>/dev/null || true' RETURN
  for _ in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$port/api/openapi.json" -o "$tmp/openapi.json"
  "$venv/bin/python" -c "import json,sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('openapi.json: a valid OpenAPI 3.1 document')" "$tmp/openapi.json"
  local start=$SECONDS rc=0
  # revokeToken is left out: it would revoke the run's own token half-way through.
  # Run from the temporary directory: schemathesis keeps its cache (.schemathesis/) in the
  # working directory, and the repository's copy is tracked.
  (cd "$tmp" && "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance \
    --exclude-operation-id revokeToken \
    --max-examples "$examples" --seed "$seed" --no-color) || rc=$?
  echo "-- $label: schemathesis exit $rc after $((SECONDS - start)) s"
  if grep -qi 'panicked' "$tmp/serve-$port.log"; then
    echo "-- $label: the server log has a panic:"; grep -i -A3 'panicked' "$tmp/serve-$port.log" | head -20
    rc=1
  fi
  [ "$rc" -eq 0 ] || status=1
}

tmp=$(mktemp -d)
check "SQLite" "$tmp/api-check.db" 7481
if [ -n "${RAPPORT_TEST_POSTGRES_URL:-}" ]; then
  schema="apicheck_$$"
  psql "$RAPPORT_TEST_POSTGRES_URL" -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
  sep='?'; case "$RAPPORT_TEST_POSTGRES_URL" in *\?*) sep='&';; esac
  check "PostgreSQL" "${RAPPORT_TEST_POSTGRES_URL}${sep}options=-c%20search_path%3D$schema" 7482
  psql "$RAPPORT_TEST_POSTGRES_URL" -qc "DROP SCHEMA $schema CASCADE"
fi
rm -rf "$tmp"
exit $status
