#!/usr/bin/env bash
# Loopback load test of the server on the 100,000-contact demo book (issue 5's figures):
# GET /api/v1/today and GET /api/v1/contacts/{id} at 64 connections, the server's peak memory,
# and the same reads from a bare axum handler in the same run (the ceiling).
#
#     scripts/load-test.sh [seconds]        (results: docs/benchmarks.md)
#
# The book is the ledger benchmark's (made on first use: about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
cargo build --release -q -p rapport
cargo build --release -q -p rapport-server --example load
bin=target/release/rapport
load=target/release/examples/load
mkdir -p target/bench-data
db=target/bench-data/sqlite-ledger-100000.db
export RAPPORT_DB="$db"
if [ ! -f "$db" ]; then
  "$bin" demo --contacts 100000 --seed 1 --anchor 2026-11-25 --batch 5000 \
    --commitments-per-contact 10 --interactions-per-contact 10 >/dev/null
fi
echo "a long enough password" | "$bin" user add load@example.com --role owner --password-stdin >/dev/null 2>&1 || true
token=$("$bin" token create load@example.com --name load-test 2>/dev/null)
port=7490
"$bin" serve --bind "127.0.0.1:$port" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
contact=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/contacts?limit=1&search=ana" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
echo "server (rapport serve, SQLite, 100,000 contacts):"
"$load" --addr "127.0.0.1:$port" --path /api/v1/today --token "$token" --connections 64 --seconds "$secs"
"$load" --addr "127.0.0.1:$port" --path "/api/v1/contacts/$contact" --token "$token" --connections 64 --seconds "$secs"
echo "server peak memory (VmHWM): $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT
echo "bare axum handler, same reads, no auth or middleware (the ceiling):"
"$load" --bare-db "$db" --bare-addr 127.0.0.1:7499 --path /today --connections 64 --seconds "$secs"
"$load" --bare-db "$db" --bare-addr 127.0.0.1:7498 --path "/contacts/$contact" --connections 64 --seconds "$secs"
