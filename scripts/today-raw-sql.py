#!/usr/bin/env python3
"""Times the SQL behind `rapport today` run raw on an SQLite book (Python's sqlite3, no
Rapport code), so the overhead of Rapport's gathering and building shows as a ratio to the
`today` benchmark (cargo bench -p rapport --bench ledger -- today).

    python3 scripts/today-raw-sql.py target/bench-data/sqlite-ledger-100000.db [runs]

The statements are those of crates/rapport-store/src/today.rs with their parameters inlined
for today (UTC). Prints the p50 and p90 of the whole set in milliseconds.
"""
import datetime as dt
import sqlite3
import statistics
import sys
import time

path = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
ws, owner = db.execute(
    "SELECT workspace_id, user_id FROM memberships WHERE role = 'owner' ORDER BY created_at LIMIT 1"
).fetchone()
now = dt.datetime.now(dt.timezone.utc)
today = now.date()
now_us = int(now.timestamp() * 1_000_000)
start_us = int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc).timestamp() * 1_000_000)
end_us = start_us + 86_400_000_000
days = []
for i in range(8):
    d = today + dt.timedelta(days=i)
    days.append((d.month, d.day))
    leap = d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)
    if (d.month, d.day) == (2, 28) and not leap:
        days.append((2, 29))

K = ("k.id, k.contact_id, k.direction, k.text, k.due_date, k.due_time, k.deadline, k.size, "
     "k.source_interaction_id, k.owner_id, k.status, k.resolved_at, k.released_on_request, "
     "k.at_risk_at, k.at_risk_reason, k.told_at, k.predecessor_id, k.successor_id, k.created_at, k.updated_at")
due = (f"SELECT {K}, c.name FROM commitments k JOIN contacts c ON c.workspace_id = k.workspace_id "
       "AND c.id = k.contact_id WHERE k.workspace_id = ? AND k.owner_id = ? AND k.direction = ? "
       "AND k.status = 'open' AND k.due_date <= ? AND c.archived_at IS NULL "
       "ORDER BY k.due_date, k.deadline, k.id LIMIT 100")
count = ("SELECT COUNT(*) FROM commitments k WHERE k.workspace_id = ? AND k.owner_id = ? AND k.direction = ? "
         "AND k.status = 'open' AND k.due_date <= ?")
risk = (f"SELECT {K}, c.name FROM commitments k JOIN contacts c ON c.workspace_id = k.workspace_id "
        "AND c.id = k.contact_id WHERE k.workspace_id = ? AND k.owner_id = ? AND k.status = 'open' "
        "AND k.at_risk_at IS NOT NULL AND k.told_at IS NULL AND k.due_date > ? AND c.archived_at IS NULL ORDER BY k.deadline, k.id LIMIT 100")
facts = ("SELECT f.id, f.contact_id, f.kind, f.text, f.relation, f.date_year, f.date_month, f.date_day, "
         "f.created_at, c.name FROM facts f JOIN contacts c ON c.workspace_id = f.workspace_id "
         "AND c.id = f.contact_id WHERE f.workspace_id = ? AND f.date_month = ? AND f.date_day = ? "
         "AND c.owner_id = ? AND c.archived_at IS NULL ORDER BY c.value_tier DESC, c.name_folded, f.id LIMIT ?")
facts_count = "SELECT COUNT(*) FROM facts f WHERE f.workspace_id = ? AND f.date_month = ? AND f.date_day = ?"
DATES_SHOWN = 50
appreciation = ("SELECT c.id, c.name, c.vip, c.relationship, c.created_at, c.appreciation_days, "
                "c.appreciation_due_day FROM contacts c WHERE c.workspace_id = ? AND c.owner_id = ? "
                "AND c.archived_at IS NULL AND c.appreciation_due_day IS NOT NULL AND c.appreciation_due_day <= ? "
                "ORDER BY c.value_tier DESC, c.appreciation_due_day, c.id LIMIT 10")
G = "id, contact_id, kind, text, given_on, cost_cents, note, given_by, created_at"
planned = (f"SELECT g.{G.replace(', ', ', g.')}, c.name FROM gestures g JOIN contacts c ON "
           "c.workspace_id = g.workspace_id AND c.id = g.contact_id WHERE g.workspace_id = ? "
           "AND g.given_on = ? AND g.given_by = ? AND c.archived_at IS NULL ORDER BY g.created_at, g.id")
today_number = (today - dt.date(1970, 1, 1)).days
cold = ("SELECT c.id, c.name, c.vip, c.relationship, c.keep_in_touch_days, c.last_touch_at, c.touch_due_at, "
        "t.positive, t.negative, t.as_of, (SELECT CAST(COALESCE(SUM(d.value_cents), 0) AS BIGINT) FROM deals d "
        "WHERE d.workspace_id = c.workspace_id AND d.contact_id = c.id AND d.closed_at IS NULL) "
        "FROM contacts c LEFT JOIN trust_scores t ON "
        "t.workspace_id = c.workspace_id AND t.contact_id = c.id AND t.direction = 'theirs' "
        "WHERE c.workspace_id = ? AND c.owner_id = ? AND c.archived_at IS NULL AND c.touch_due_at IS NOT NULL "
        "AND c.touch_due_at < ? ORDER BY c.value_tier DESC, c.touch_due_at LIMIT 200")
whys = ("SELECT r.id, c.name FROM requests r JOIN contacts c ON c.workspace_id = r.workspace_id "
        "AND c.id = r.contact_id WHERE r.workspace_id = ? AND r.why IS NULL AND c.owner_id = ? "
        "AND c.archived_at IS NULL AND EXISTS (SELECT 1 FROM interactions i WHERE "
        "i.workspace_id = r.workspace_id AND i.contact_id = r.contact_id AND i.kind IN ('meeting', 'visit', 'call') "
        "AND i.occurred_at >= ? AND i.occurred_at < ?)")
t_str = today.isoformat()


def once():
    for direction in ("mine", "theirs"):
        rows = db.execute(due, (ws, owner, direction, t_str)).fetchall()
        if len(rows) == 100:
            db.execute(count, (ws, owner, direction, t_str)).fetchone()
    db.execute(risk, (ws, owner, t_str)).fetchall()
    shown, cut = [], None
    for i, (m, d) in enumerate(days):
        left = DATES_SHOWN - len(shown)
        rows = db.execute(facts, (ws, m, d, owner, left)).fetchall()
        shown += rows
        if len(rows) == left:
            cut = i
            break
    if cut is not None:
        for (m, d) in days[cut:]:
            db.execute(facts_count, (ws, m, d)).fetchone()
    due_g = db.execute(appreciation, (ws, owner, today_number)).fetchall()
    if due_g:
        ids = [r[0] for r in due_g]
        marks = ", ".join("?" for _ in ids)
        db.execute(f"SELECT {G} FROM gestures WHERE workspace_id = ? AND contact_id IN ({marks}) "
                   "ORDER BY contact_id, given_on DESC, created_at DESC", (ws, *ids)).fetchall()
        db.execute(f"SELECT contact_id, text FROM facts WHERE workspace_id = ? AND kind = 'interest' "
                   f"AND contact_id IN ({marks}) ORDER BY contact_id, created_at, id", (ws, *ids)).fetchall()
    db.execute(planned, (ws, t_str, owner)).fetchall()
    db.execute(cold, (ws, owner, now_us)).fetchall()
    db.execute(whys, (ws, owner, start_us, end_us)).fetchall()


for _ in range(10):
    once()
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    once()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"raw SQL of Today on {path}: p50 {statistics.median(times):.2f} ms, "
      f"p90 {times[int(len(times) * 0.9)]:.2f} ms over {runs} runs")
