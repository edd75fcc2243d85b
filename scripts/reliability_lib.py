"""Shared parts of scripts/reliability-*.py (issue 15): a fresh database per backend with the
demo book, an owner and an API token; `rapport serve` started and stopped; concurrent API
writers; reading back what was written. Python standard library only.
"""

import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
import uuid

PASSWORD = "a long enough password\n"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/test"


class Backend:
    """A fresh database: an SQLite file under workdir, or a new schema on PostgreSQL."""

    def __init__(self, kind, binary, workdir, pg_url=PG_DEFAULT, tag="rel"):
        self.kind, self.bin, self.workdir, self.pg_url = kind, binary, workdir, pg_url
        os.makedirs(workdir, exist_ok=True)
        if kind == "sqlite":
            self.path = os.path.join(workdir, f"{tag}.db")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.path + suffix):
                    os.remove(self.path + suffix)
            self.url = self.path
        else:
            self.schema = f"{tag}_{os.getpid()}_{int(time.time())}"
            self.psql(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE; CREATE SCHEMA {self.schema}")
            sep = "&" if "?" in pg_url else "?"
            self.url = f"{pg_url}{sep}options=-c%20search_path%3D{self.schema}"

    def psql(self, sql):
        out = subprocess.run(["psql", self.pg_url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr}")
        return out.stdout

    def cli(self, *args, stdin=None, timeout=120):
        return subprocess.run([self.bin, "--db", self.url, *args], input=stdin,
                              capture_output=True, text=True, timeout=timeout)

    def setup(self, contacts=200):
        """The brief's set-up: demo book, an owner with a password, an API token."""
        steps = [
            (("demo", "--contacts", str(contacts), "--anchor", "2026-11-25"), None),
            (("user", "add", "rel@example.com", "--role", "owner", "--password-stdin"), PASSWORD),
            (("token", "create", "rel@example.com", "--name", "rel"), None),
        ]
        for args, stdin in steps:
            out = self.cli(*args, stdin=stdin)
            if out.returncode != 0:
                raise RuntimeError(f"rapport {' '.join(args)}: exit {out.returncode}: {out.stderr}")
        self.token = out.stdout.strip().splitlines()[0]
        return self.token

    def names(self, prefix="w"):
        """Every contact name starting with prefix, read from the database directly."""
        if self.kind == "sqlite":
            con = sqlite3.connect(self.path, timeout=30)
            try:
                rows = con.execute("SELECT name FROM contacts WHERE name LIKE ?", (prefix + "%",))
                return {r[0] for r in rows}
            finally:
                con.close()
        out = self.psql(f"SELECT name FROM {self.schema}.contacts WHERE name LIKE '{prefix}%'")
        return set(out.splitlines())

    def integrity(self):
        """SQLite: PRAGMA integrity_check (and foreign_key_check). PostgreSQL: 'n/a'."""
        if self.kind != "sqlite":
            return "n/a"
        con = sqlite3.connect(self.path, timeout=30)
        try:
            res = [r[0] for r in con.execute("PRAGMA integrity_check")]
            fk = con.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            con.close()
        text = "; ".join(res)
        if fk:
            text += f"; foreign_key_check: {len(fk)} rows, first {fk[:3]}"
        return text

    def drop(self):
        if self.kind == "postgres":
            self.psql(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


class Server:
    """`rapport --db URL serve --bind 127.0.0.1:PORT`, its stderr appended to a log file."""

    def __init__(self, backend, port, log_path):
        self.backend, self.port, self.log_path = backend, port, log_path
        self.proc = None

    def start(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        attempts = 0
        while time.monotonic() < deadline:
            attempts += 1
            log = open(self.log_path, "ab")
            log.write(f"\n=== start {time.strftime('%H:%M:%S')} attempt {attempts}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [self.backend.bin, "--db", self.backend.url, "serve", "--bind", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=log)
            log.close()
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break  # exited (e.g. port still taken): try again
                if healthz(self.port):
                    return attempts
                time.sleep(0.05)
            if self.proc.poll() is None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer /healthz within {timeout} s (see {self.log_path})")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)


def healthz(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/healthz")
        ok = c.getresponse().status == 200
        c.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


def api_search(port, token, name):
    """GET /api/v1/contacts?search=NAME&limit=5: the names found."""
    from urllib.parse import quote
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", f"/api/v1/contacts?search={quote(name)}&limit=5",
              headers={"Authorization": f"Bearer {token}"})
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 200:
        return r.status, []
    return r.status, [i["name"] for i in json.loads(body)["items"]]


class Tally:
    """What the writers saw. Thread-safe enough: list.append and += under a lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = []            # names answered 2xx with a complete body naming them
        self.sent = 0
        self.status = {}           # status code -> count
        self.server_errors = []    # (status, body[:300]) for 5xx
        self.other_non_2xx = []    # (status, body[:300]) for 1xx/3xx/4xx
        self.locked = []           # responses mentioning "database is locked"
        self.no_response = 0       # connection refused/reset before a status line
        self.no_response_kinds = {}  # exception class name -> count (refused: never connected)
        self.incomplete = []       # status line received, body cut short or not JSON
        self.bad_2xx = []          # 2xx whose body does not name what was sent
        self.latencies = []        # seconds from sending to the whole answer, answered requests

    def add(self, **kw):
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)


def writer(idx, port, token, tally, stop, hard_deadline, tag):
    """POST /api/v1/contacts {"name": "w<idx>-<n> <uuid>"} until stop is set."""
    conn = None
    n = 0
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while not stop.is_set() and time.monotonic() < hard_deadline:
        n += 1
        name = f"w{idx}-{n} {tag}-{uuid.uuid4()}"
        body = json.dumps({"name": name})
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        tally.add(sent=1)
        t0 = time.monotonic()
        try:
            conn.request("POST", "/api/v1/contacts", body=body, headers=headers)
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            tally.add(no_response=1)
            with tally.lock:
                k = type(e).__name__
                tally.no_response_kinds[k] = tally.no_response_kinds.get(k, 0) + 1
            conn.close()
            conn = None
            time.sleep(0.01)
            continue
        try:
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            tally.add(incomplete=[(resp.status, repr(e)[:200])])
            conn.close()
            conn = None
            continue
        with tally.lock:
            tally.status[resp.status] = tally.status.get(resp.status, 0) + 1
            tally.latencies.append(time.monotonic() - t0)
        if b"database is locked" in data.lower():
            tally.add(locked=[(resp.status, data[:300])])
        if 200 <= resp.status < 300:
            try:
                got = json.loads(data)["name"]
            except (ValueError, KeyError, TypeError):
                tally.add(incomplete=[(resp.status, data[:200])])
                got = None
            if got == name:
                tally.add(acked=[name])
            elif got is not None:
                tally.add(bad_2xx=[(name, data[:200])])
        elif resp.status >= 500:
            tally.add(server_errors=[(resp.status, data[:300])])
        else:
            tally.add(other_non_2xx=[(resp.status, data[:300])])
        if resp.will_close:
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


def start_writers(count, port, token, tally, stop, hard_deadline, tag):
    threads = [threading.Thread(target=writer, args=(i, port, token, tally, stop, hard_deadline, tag),
                                daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    return threads


def join(threads, timeout=30.0):
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return sum(t.is_alive() for t in threads)


def percentile(values, q):
    if not values:
        return None
    v = sorted(values)
    return round(v[min(len(v) - 1, int(q * len(v)))], 4)


def panics(log_path):
    try:
        with open(log_path, errors="replace") as f:
            return [line.rstrip() for line in f if "panicked" in line]
    except FileNotFoundError:
        return []


def rng(seed):
    return random.Random(seed)
