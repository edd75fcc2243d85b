#!/usr/bin/env bash
# Checks the calendar feed with an independent, strict RFC 5545 parser (`ical` from PyPI,
# pydantic-validated) and by hand (CRLF, 75-octet lines, UID and DTSTAMP on every event):
# a demo book with accents, long texts and a 29 February birthday, served for real.
#
#     scripts/ics-check.sh [path/to/rapport]      (default: target/debug/rapport)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/rapport}"
venv=target/ics-check-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import ical" 2>/dev/null; then
  python3 -m venv "$venv" 2>/dev/null || {
    apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"
  }
  "$venv/bin/pip" install -q "ical==11.1.0"
fi
tmp=$(mktemp -d)
export RAPPORT_DB="$tmp/feed.db"
port=7483
"$bin" demo --contacts 200 --anchor 2026-11-25 >/dev/null
id=$("$bin" contact add "Élodie Martin; “Vins”, SA" --type customer --json | python3 -c "import json,sys; print(json.load(sys.stdin)[\"id\"])")
"$bin" fact add "$id" --kind family Sofia --relation daughter --date 2016-02-29 >/dev/null
"$bin" promise "$id" "Send the signed contract, the 2027 price list, the Douro samples and a handwritten note — obrigado! 🍷" --due tomorrow >/dev/null
url=$("$bin" feed --base-url "http://127.0.0.1:$port" 2>/dev/null)
"$bin" serve --bind "127.0.0.1:$port" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$url" -o "$tmp/feed.ics"
"$venv/bin/python" - "$tmp/feed.ics" <<'PY'
import sys
from ical.calendar_stream import IcsCalendarStream

raw = open(sys.argv[1], "rb").read()
assert b"\n" not in raw.replace(b"\r\n", b""), "a line does not end in CRLF"
for line in raw.split(b"\r\n"):
    assert len(line) <= 75, f"{len(line)} octets: {line!r}"
    line.decode("utf-8")  # folding never splits a character
cal = IcsCalendarStream.calendar_from_ics(raw.decode("utf-8"))
events = cal.events
assert events, "no events"
uids = [e.uid for e in events]
assert all(uids) and len(set(uids)) == len(uids), "UIDs missing or repeated"
assert all(e.dtstamp for e in events), "DTSTAMP missing"
for e in events:
    if not hasattr(e.dtstart, "hour"):  # all day: DTEND is the next day (exclusive)
        assert (e.end - e.start).days == 1, (e.summary, e.start, e.end)
leap = [e for e in events if e.summary.startswith("Sofia's birthday")]
assert leap and leap[0].rrule is not None, "the 29 February birthday does not recur"
print(f"feed: {len(events)} events, valid RFC 5545 (ical {__import__('ical').__version__ if hasattr(__import__('ical'), '__version__') else '11.1.0'})")
PY
