#!/usr/bin/env python3
"""Crash and shutdown safety of `rapport serve` under concurrent API writers (issue 15).

--mode kill (default): per backend, a fresh database (demo book of 200 contacts, an owner, an
API token), then ROUNDS rounds of: 32 writers POST /api/v1/contacts {"name": "w<i>-<n> <tag>"}
as fast as answered; after a random 0.5-2 s the server gets SIGKILL; it is restarted and every
name answered 2xx must be in the database (read directly; three per round also through
GET /api/v1/contacts?search=), and on SQLite PRAGMA integrity_check must say ok.

--mode term: the same, but SIGTERM instead of SIGKILL: the process must exit 0 within
--term-grace seconds, every response received must be complete, none 5xx.

    scripts/reliability-kill.py [--bin target/debug/rapport] [--mode kill|term]
        [--backends sqlite,postgres] [--rounds 50] [--writers 32]
        [--pg-url postgres://postgres@127.0.0.1:5432/test]

Connection errors after the signal are expected and are not acknowledged writes. Exits 1 on
any lost write, failed integrity check, 5xx, incomplete response or (term) bad exit.
Standard library only; results also written as JSON to WORKDIR/kill-<mode>.json.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_lib as rl  # noqa: E402


def run_backend(kind, args, rand):
    tag0 = f"{args.mode}-{kind}"
    backend = rl.Backend(kind, args.bin, args.workdir, args.pg_url, tag=tag0.replace("-", "_"))
    token = backend.setup()
    port = args.port + (0 if kind == "sqlite" else 1)
    log_path = os.path.join(args.workdir, f"serve-{tag0}.log")
    if os.path.exists(log_path):
        os.remove(log_path)
    server = rl.Server(backend, port, log_path)
    server.start()
    total = rl.Tally()
    all_acked = []
    rounds = []
    failures = []
    started = time.monotonic()
    try:
        for r in range(1, args.rounds + 1):
            if time.monotonic() - started > args.max_seconds:
                failures.append(f"stopped after {r - 1} rounds: --max-seconds {args.max_seconds} reached")
                break
            tag = f"{args.mode[0]}{r}"
            tally = rl.Tally()
            stop = threading.Event()
            threads = rl.start_writers(args.writers, port, token, tally, stop, time.monotonic() + 60, tag)
            delay = rand.uniform(args.min_delay, args.max_delay)
            time.sleep(delay)
            rec = {"round": r, "delay_s": round(delay, 3)}
            if args.mode == "kill":
                server.proc.send_signal(signal.SIGKILL)
                server.proc.wait(timeout=30)
            else:
                t0 = time.monotonic()
                server.signal(signal.SIGTERM)
                rc = server.wait(args.term_grace)
                rec["exit"] = rc
                rec["shutdown_s"] = round(time.monotonic() - t0, 3)
                if rc is None:
                    failures.append(f"round {r}: still running {args.term_grace} s after SIGTERM")
                    server.kill()
                elif rc != 0:
                    failures.append(f"round {r}: exit {rc} after SIGTERM")
            stop.set()
            alive = rl.join(threads)
            if alive:
                failures.append(f"round {r}: {alive} writers did not stop")
            t0 = time.monotonic()
            rec["restart_attempts"] = server.start()
            rec["restart_s"] = round(time.monotonic() - t0, 3)
            in_db = backend.names("w")
            lost = [n for n in tally.acked if n not in in_db]
            round_in_db = [n for n in in_db if f" {tag}-" in n]
            rec.update(acked=len(tally.acked), sent=tally.sent, lost=len(lost),
                       unacked_but_stored=len(round_in_db) - (len(tally.acked) - len(lost)),
                       no_response=tally.no_response, no_response_kinds=tally.no_response_kinds,
                       incomplete=len(tally.incomplete),
                       status=dict(sorted(tally.status.items())), server_errors=len(tally.server_errors),
                       other_non_2xx=len(tally.other_non_2xx), locked=len(tally.locked))
            rec["integrity"] = backend.integrity()
            for name in tally.acked[:: max(1, len(tally.acked) // 3)][:3]:
                st, found = rl.api_search(port, token, name)
                if name not in found:
                    failures.append(f"round {r}: GET /api/v1/contacts?search= did not find {name!r} (status {st})")
            if lost:
                failures.append(f"round {r}: {len(lost)} acknowledged writes missing, e.g. {lost[:3]}")
            if rec["integrity"] not in ("ok", "n/a"):
                failures.append(f"round {r}: integrity_check: {rec['integrity'][:300]}")
            for what in ("server_errors", "other_non_2xx", "locked", "bad_2xx"):
                for item in getattr(tally, what)[:3]:
                    failures.append(f"round {r}: {what}: {item}")
            if args.mode == "term" and tally.incomplete:
                failures.append(f"round {r}: incomplete responses: {tally.incomplete[:3]}")
            all_acked += tally.acked
            total.add(sent=tally.sent, no_response=tally.no_response, incomplete=tally.incomplete,
                      server_errors=tally.server_errors, other_non_2xx=tally.other_non_2xx,
                      locked=tally.locked, bad_2xx=tally.bad_2xx)
            for k, v in tally.status.items():
                total.status[k] = total.status.get(k, 0) + v
            for k, v in tally.no_response_kinds.items():
                total.no_response_kinds[k] = total.no_response_kinds.get(k, 0) + v
            rounds.append(rec)
            print(f"[{kind} {args.mode}] round {r}: " + json.dumps(rec), flush=True)
        # every acknowledged write of every round, once more at the end
        in_db = backend.names("w")
        lost_total = [n for n in all_acked if n not in in_db]
        final_integrity = backend.integrity()
    finally:
        if server.proc and server.proc.poll() is None:
            server.signal(signal.SIGTERM)
            if server.wait(15) is None:
                server.kill()
        if not args.keep:
            backend.drop()
    panic_lines = rl.panics(log_path)
    if panic_lines:
        failures.append(f"server log has {len(panic_lines)} panic lines, e.g. {panic_lines[:2]}")
    if lost_total:
        failures.append(f"final check: {len(lost_total)} acknowledged writes missing")
    summary = {
        "backend": kind, "mode": args.mode, "rounds": len(rounds), "writers": args.writers,
        "requests_sent": total.sent, "acknowledged": len(all_acked), "lost": len(lost_total),
        "unacked_but_stored": sum(r["unacked_but_stored"] for r in rounds),
        "no_response": total.no_response, "no_response_kinds": total.no_response_kinds,
        "incomplete": len(total.incomplete),
        "status": dict(sorted(total.status.items())), "server_errors_5xx": len(total.server_errors),
        "other_non_2xx": len(total.other_non_2xx), "database_is_locked": len(total.locked),
        "integrity_ok_rounds": sum(r["integrity"] in ("ok",) for r in rounds),
        "final_integrity": final_integrity, "panics": len(panic_lines),
        "restart_s_max": max((r["restart_s"] for r in rounds), default=None),
        "restarts_needing_retry": sum(r["restart_attempts"] > 1 for r in rounds),
        "seconds": round(time.monotonic() - started, 1), "failures": failures,
    }
    if args.mode == "term":
        shut = [r["shutdown_s"] for r in rounds if r.get("shutdown_s") is not None]
        summary["exit_0_rounds"] = sum(r.get("exit") == 0 for r in rounds)
        summary["shutdown_s_max"] = max(shut, default=None)
        summary["shutdown_s_median"] = sorted(shut)[len(shut) // 2] if shut else None
    return summary


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default="target/debug/rapport")
    p.add_argument("--mode", choices=("kill", "term"), default="kill")
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--rounds", type=int, default=50)
    p.add_argument("--writers", type=int, default=32)
    p.add_argument("--min-delay", type=float, default=0.5)
    p.add_argument("--max-delay", type=float, default=2.0)
    p.add_argument("--term-grace", type=float, default=10.0)
    p.add_argument("--pg-url", default=os.environ.get("RAPPORT_TEST_POSTGRES_URL", rl.PG_DEFAULT))
    p.add_argument("--port", type=int, default=7620)
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--max-seconds", type=float, default=1200, help="per backend; stops early past it")
    p.add_argument("--workdir", default="/tmp/rapport-reliability")
    p.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    args = p.parse_args()
    args.bin = os.path.abspath(args.bin)
    os.makedirs(args.workdir, exist_ok=True)
    rand = rl.rng(args.seed)
    summaries = []
    for kind in args.backends.split(","):
        s = run_backend(kind, args, rand)
        summaries.append(s)
        print(json.dumps(s, indent=1), flush=True)
    with open(os.path.join(args.workdir, f"kill-{args.mode}.json"), "w") as f:
        json.dump(summaries, f, indent=1)
    bad = [s for s in summaries if s["failures"]]
    print("RESULT: " + ("FAIL" if bad else "PASS"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
