#!/usr/bin/env python3
"""Server-side render time and size of the daily pages on the 100,000-contact demo book:
Today, the contact list, a contact's page and the deals board, each requested one at a
time over loopback by a signed-in browser session (so the time is the server's work plus
a loopback round trip). Prints p50 and p95 over N requests and each page's HTML size.

    python3 scripts/page-render.py [requests per page]      (default 200)

Builds the release binary and the book on first use (a copy of the load test's book, about
a minute to make); results in docs/benchmarks.md. The demo's contacts belong to the owner
made on first use, who has no email to sign in with yet (issue 20): on the copy, that owner
is given one and the password of a user added for the purpose, so Today is the full one."""

import http.client
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
BIN = os.path.join(ROOT, "target/release/rapport")
BOOK = os.path.join(ROOT, "target/bench-data/sqlite-ledger-100000.db")
DB = os.path.join(ROOT, "target/bench-data/pages-100000.db")
PORT = 7495

subprocess.run(["cargo", "build", "--release", "-q", "-p", "rapport"], cwd=ROOT, check=True)
if not os.path.exists(BOOK):
    os.makedirs(os.path.dirname(BOOK), exist_ok=True)
    subprocess.run([BIN, "demo", "--contacts", "100000", "--seed", "1", "--anchor", "2026-11-25",
                    "--batch", "5000", "--commitments-per-contact", "10",
                    "--interactions-per-contact", "10"], env=dict(os.environ, RAPPORT_DB=BOOK),
                   check=True, stdout=subprocess.DEVNULL)
env = dict(os.environ, RAPPORT_DB=DB)
if not os.path.exists(DB):
    shutil.copyfile(BOOK, DB)
    # (An earlier run of this script may have added the user already.)
    subprocess.run([BIN, "user", "add", "pages@example.com", "--role", "owner", "--password-stdin"],
                   env=env, input=b"a long enough password\n", stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with sqlite3.connect(DB) as book:
        book.execute("UPDATE users SET email = 'owner@example.com', password_hash = "
                     "(SELECT password_hash FROM users WHERE email = 'pages@example.com') "
                     "WHERE email IS NULL")
server = subprocess.Popen([BIN, "serve", "--bind", f"127.0.0.1:{PORT}"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    def get(path, cookie=""):
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        r = conn.getresponse()
        return r, r.read()

    # Sign in as a browser does: the login form's CSRF cookie and field, then the password.
    r, body = get("/login")
    login_cookie = r.getheader("Set-Cookie").split(";")[0]
    csrf = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrf": csrf, "email": "owner@example.com",
                                   "password": "a long enough password"})
    conn.request("POST", "/login", body=form, headers={
        "Cookie": login_cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    session = r.getheader("Set-Cookie").split(";")[0]
    _, listing = get("/contacts?q=ana", session)
    contact = re.search(rb'href="/contacts/([0-9a-f-]{36})"', listing).group(1).decode()
    pages = [("Today", "/today"), ("Contacts", "/contacts"),
             ("Contact page", f"/contacts/{contact}"), ("Deals board", "/deals")]
    print(f"rapport serve (release, SQLite), 100,000 contacts; {N} requests per page, one at a time")
    print(f"{'page':<14} {'first ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'HTML KB':>8}")
    for name, path in pages:
        times, size, first = [], 0, 0.0
        for i in range(N + 5):
            start = time.perf_counter()
            r, body = get(path, session)
            took = (time.perf_counter() - start) * 1000
            if r.status != 200:
                sys.exit(f"{path}: {r.status}")
            if i == 0:
                first = took  # Today's first is computed; later ones may come from its cache
            if i >= 5:  # the first few warm the caches
                times.append(took)
            size = len(body)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{name:<14} {first:>8.2f} {statistics.median(times):>8.2f} {p95:>8.2f} {size / 1024:>8.1f}")
finally:
    server.terminate()
    server.wait()
