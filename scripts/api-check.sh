#!/usr/bin/env bash
# Checks the served OpenAPI document with an independent validator (openapi-spec-validator)
# and runs schemathesis against a running server: no 5xx, and no response that breaks the
# document. Once on SQLite, and once on PostgreSQL when RAPPORT_TEST_POSTGRES_URL is set.
#
#     scripts/api-check.sh [path/to/rapport]      (default: target/debug/rapport)
#
# Python tools go in a virtualenv under target/ (made on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/rapport}"
venv=target/api-check-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv" 2>/dev/null || {
    apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"
  }
  "$venv/bin/pip" install -q "schemathesis==4.32.5" "openapi-spec-validator==0.9.0"
fi

check() {
  local label="$1" db="$2" port="$3"
  echo "-- $label"
  export RAPPORT_DB="$db"
  "$bin" demo --contacts 300 --anchor 2026-11-25 >/dev/null
  echo "a long enough password" | "$bin" user add api-check@example.com --role owner --password-stdin >/dev/null
  local token
  token=$("$bin" token create api-check@example.com --name api-check 2>/dev/null)
  "$bin" serve --bind "127.0.0.1:$port" 2>/dev/null &
  local pid=$!
  trap 'kill $pid 2>/dev/null || true' RETURN
  for _ in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$port/api/openapi.json" -o target/openapi.json
  "$venv/bin/python" -c "import json; from openapi_spec_validator import validate; validate(json.load(open('target/openapi.json'))); print('openapi.json: a valid OpenAPI 3.1 document')"
  # revokeToken is left out: it would revoke the run's own token half-way through.
  "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance \
    --exclude-operation-id revokeToken \
    --max-examples 25 --seed 1 --no-color
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
