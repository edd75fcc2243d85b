#!/usr/bin/env python3
"""The server and the CLI writing one SQLite file at once (issue 15).

A fresh SQLite file (demo book of 200 contacts, an owner, an API token) and `rapport serve`;
for --seconds (20), 32 API writers POST /api/v1/contacts as fast as answered while --cli-loops
(1) loops run, one command after the other, on the same file:

    rapport --db FILE contact add "cli-<i> <run>" --json
    rapport --db FILE log <id> "Call <i>" --kind call --they-said "..."
    rapport --db FILE promise <id> "Send the quote <i>" --due +3d --anyway
    rapport --db FILE fact add <id> --kind interest "Cycling <i>"

Errors reaching a user are counted: HTTP 5xx, any non-2xx at all, a CLI exit other than 0, and
"database is locked" (or "busy") anywhere in an answer, a CLI output or the server's log. The
target is 0. Afterwards every write answered 2xx and every CLI write that exited 0 must be in
the file, and PRAGMA integrity_check must say ok. The server is then stopped with SIGTERM
(exit 0 expected).

    scripts/reliability-contention.py [--bin target/debug/rapport] [--seconds 20]
        [--writers 32] [--cli-loops 1]

With --bulk-csv ROWS, one more CLI process imports a CSV of ROWS new contacts
(`rapport --db FILE import csv`, one write transaction) 2 s into the run, while the rest goes on.

Standard library only; results also written as JSON to WORKDIR/contention.json.
"""

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_lib as rl  # noqa: E402

LOCK_WORDS = ("database is locked", "database table is locked", "sqlite_busy", "busy")


def cli_loop(loop, backend, run, end, results, lock, max_iterations=5000):
    i = 0
    while time.monotonic() < end and i < max_iterations:
        i += 1
        name = f"cli-{loop}-{i} {run}"
        steps = [("contact", "add", name, "--json")]
        contact_id = None
        for step in range(4):
            if step == 0:
                args = steps[0]
            elif contact_id is None:
                break
            elif step == 1:
                args = ("log", contact_id, f"Call {i}", "--kind", "call", "--they-said", f"Wants {i} cases")
            elif step == 2:
                args = ("promise", contact_id, f"Send the quote {i}", "--due", "+3d", "--anyway")
            else:
                args = ("fact", "add", contact_id, "--kind", "interest", f"Cycling {i}")
            t0 = time.monotonic()
            try:
                out = backend.cli(*args, timeout=60)
                rc, stdout, stderr = out.returncode, out.stdout, out.stderr
            except subprocess.TimeoutExpired:
                rc, stdout, stderr = "timeout", "", ""
            took = time.monotonic() - t0
            rec = {"cmd": args[0] if args[0] != "contact" else "contact add", "rc": rc,
                   "s": round(took, 3), "name": name}
            text = (stdout + stderr).lower()
            if rc != 0 or any(w in text for w in LOCK_WORDS):
                rec["stderr"] = stderr[-500:]
                rec["stdout"] = stdout[-200:]
            with lock:
                results.append(rec)
            if step == 0 and rc == 0:
                contact_id = json.loads(stdout)["id"]


def bulk_import(backend, rows, workdir, run, results, lock, delay=2.0):
    path = os.path.join(workdir, f"bulk-{rows}.csv")
    with open(path, "w") as f:
        f.write("name,organisation,type,emails,tags\n")
        for i in range(rows):
            f.write(f"cli-bulk-{i} {run},Org {i % 500},customer,bulk{i}.{run}@example.com,golf\n")
    time.sleep(delay)
    t0 = time.monotonic()
    try:
        out = backend.cli("import", "csv", path, timeout=600)
        rc, stdout, stderr = out.returncode, out.stdout, out.stderr
    except subprocess.TimeoutExpired:
        rc, stdout, stderr = "timeout", "", ""
    rec = {"cmd": "import csv", "rc": rc, "s": round(time.monotonic() - t0, 3), "name": None,
           "started_s": delay, "stdout": stdout[-300:]}
    if rc != 0 or any(w in (stdout + stderr).lower() for w in LOCK_WORDS):
        rec["stderr"] = stderr[-500:]
    with lock:
        results.append(rec)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default="target/debug/rapport")
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--writers", type=int, default=32)
    p.add_argument("--cli-loops", type=int, default=1)
    p.add_argument("--bulk-csv", type=int, default=0, metavar="ROWS")
    p.add_argument("--port", type=int, default=7630)
    p.add_argument("--workdir", default="/tmp/rapport-reliability")
    args = p.parse_args()
    args.bin = os.path.abspath(args.bin)
    os.makedirs(args.workdir, exist_ok=True)
    backend = rl.Backend("sqlite", args.bin, args.workdir, tag="contention")
    token = backend.setup()
    log_path = os.path.join(args.workdir, "serve-contention.log")
    if os.path.exists(log_path):
        os.remove(log_path)
    server = rl.Server(backend, args.port, log_path)
    server.start()
    run = f"c{int(time.time())}"
    tally = rl.Tally()
    stop = threading.Event()
    started = time.monotonic()
    end = started + args.seconds
    threads = rl.start_writers(args.writers, args.port, token, tally, stop, end + 30, run)
    results, lock = [], threading.Lock()
    loops = [threading.Thread(target=cli_loop, args=(n, backend, run, end, results, lock), daemon=True)
             for n in range(args.cli_loops)]
    if args.bulk_csv:
        loops.append(threading.Thread(target=bulk_import, daemon=True,
                                      args=(backend, args.bulk_csv, args.workdir, run, results, lock)))
    for t in loops:
        t.start()
    time.sleep(max(0.0, end - time.monotonic()))
    stop.set()
    alive = rl.join(threads) + rl.join(loops, timeout=600)
    elapsed = time.monotonic() - started
    t0 = time.monotonic()
    server.signal(signal.SIGTERM)
    exit_code = server.wait(15)
    shutdown_s = time.monotonic() - t0
    if exit_code is None:
        server.kill()

    in_db = backend.names("w")
    lost_api = [n for n in tally.acked if n not in in_db]
    cli_names = backend.names("cli-")
    bulk_ok = [r for r in results if r["cmd"] == "import csv" and r["rc"] == 0]
    bulk_found = len([n for n in cli_names if n.startswith("cli-bulk-")])
    if bulk_ok and bulk_found != args.bulk_csv:
        print(f"bulk import: {bulk_found} of {args.bulk_csv} contacts found", file=sys.stderr)
    cli_ok_adds = [r["name"] for r in results if r["cmd"] == "contact add" and r["rc"] == 0]
    lost_cli = [n for n in cli_ok_adds if n not in cli_names]
    con = sqlite3.connect(backend.path)
    counts = {
        "interactions": con.execute("SELECT count(*) FROM interactions i JOIN contacts c ON c.id = i.contact_id "
                                    "WHERE c.name LIKE 'cli-%'").fetchone()[0],
        "commitments": con.execute("SELECT count(*) FROM commitments m JOIN contacts c ON c.id = m.contact_id "
                                   "WHERE c.name LIKE 'cli-%'").fetchone()[0],
        "facts": con.execute("SELECT count(*) FROM facts f JOIN contacts c ON c.id = f.contact_id "
                             "WHERE c.name LIKE 'cli-%'").fetchone()[0],
    }
    con.close()
    integrity = backend.integrity()
    with open(log_path, errors="replace") as f:
        log_text = f.read()
    log_lock_lines = [ln for ln in log_text.splitlines() if any(w in ln.lower() for w in LOCK_WORDS)]
    log_error_lines = [ln for ln in log_text.splitlines() if "error" in ln.lower() or "panicked" in ln]

    by_cmd = {}
    for r in results:
        d = by_cmd.setdefault(r["cmd"], {"runs": 0, "nonzero": 0, "max_s": 0.0, "total_s": 0.0})
        d["runs"] += 1
        d["nonzero"] += r["rc"] != 0
        d["max_s"] = max(d["max_s"], r["s"])
        d["total_s"] += r["s"]
    for d in by_cmd.values():
        d["mean_s"] = round(d.pop("total_s") / d["runs"], 3)
    cli_failures = [r for r in results if r["rc"] != 0 or "stderr" in r]
    ok_cmds = {"contact add": "contact add", "log": "log", "promise": "promise", "fact": "fact"}
    expected = {k: sum(1 for r in results if r["cmd"] == v and r["rc"] == 0) for k, v in ok_cmds.items()}
    failures = []
    if tally.server_errors:
        failures.append(f"{len(tally.server_errors)} HTTP 5xx, e.g. {tally.server_errors[:3]}")
    if tally.other_non_2xx:
        failures.append(f"{len(tally.other_non_2xx)} other non-2xx, e.g. {tally.other_non_2xx[:3]}")
    if tally.locked:
        failures.append(f"'locked' in {len(tally.locked)} HTTP answers, e.g. {tally.locked[:2]}")
    if tally.incomplete or tally.no_response:
        failures.append(f"{tally.no_response} requests without an answer, {len(tally.incomplete)} incomplete")
    if cli_failures:
        failures.append(f"{len(cli_failures)} CLI runs failed or mentioned locking, e.g. {cli_failures[:3]}")
    if bulk_ok and bulk_found != args.bulk_csv:
        failures.append(f"bulk import exited 0 but {bulk_found} of {args.bulk_csv} contacts are there")
    if lost_api or lost_cli:
        failures.append(f"lost: {len(lost_api)} API writes, {len(lost_cli)} CLI contacts")
    if expected["log"] != counts["interactions"] or expected["promise"] != counts["commitments"] \
            or expected["fact"] != counts["facts"]:
        failures.append(f"CLI rows: expected {expected}, found {counts}")
    if integrity != "ok":
        failures.append(f"integrity_check: {integrity[:300]}")
    if log_lock_lines or log_error_lines:
        failures.append(f"server log: {(log_lock_lines + log_error_lines)[:5]}")
    if exit_code != 0:
        failures.append(f"server exit after SIGTERM: {exit_code}")
    if alive:
        failures.append(f"{alive} writer or CLI threads did not stop")
    summary = {
        "seconds": round(elapsed, 1), "writers": args.writers, "cli_loops": args.cli_loops,
        "api_requests": tally.sent, "api_acknowledged": len(tally.acked),
        "api_writes_per_s": round(len(tally.acked) / elapsed, 1),
        "api_latency_s": {"p50": rl.percentile(tally.latencies, 0.5), "p99": rl.percentile(tally.latencies, 0.99),
                          "max": rl.percentile(tally.latencies, 1.0)},
        "api_no_response": tally.no_response, "api_no_response_kinds": tally.no_response_kinds,
        "status": dict(sorted(tally.status.items())), "api_5xx": len(tally.server_errors),
        "api_other_non_2xx": len(tally.other_non_2xx), "api_locked_text": len(tally.locked),
        "cli_runs": len(results), "cli_nonzero_exit": sum(r["rc"] != 0 for r in results),
        "cli_locked_text": sum("stderr" in r and r["rc"] == 0 for r in results),
        "cli_by_command": by_cmd, "cli_rows_found": counts, "lost_api": len(lost_api),
        "lost_cli": len(lost_cli), "bulk_contacts_found": bulk_found, "integrity": integrity, "server_log_locked_lines": len(log_lock_lines),
        "server_exit": exit_code, "shutdown_s": round(shutdown_s, 3), "failures": failures,
    }
    print(json.dumps(summary, indent=1))
    with open(os.path.join(args.workdir, "contention.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("RESULT: " + ("FAIL" if failures else "PASS"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
