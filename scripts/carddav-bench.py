#!/usr/bin/env python3
"""CardDAV figures on a large book: a sync-collection with one change among N contacts, and
an initial multiget of 10,000 cards, with the server's memory sampled throughout.

    python3 scripts/carddav-bench.py target/release/rapport [--contacts 100000] [--db URL]

Makes a fresh SQLite book in a temporary directory (or uses --db, which must be empty),
fills it with the demo, serves it, and prints the timings (median of 5 for the sync) and the
server's resident memory before, during (peak) and after.
"""

import argparse
import base64
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rapport")
    ap.add_argument("--contacts", type=int, default=100_000)
    ap.add_argument("--db")
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    env = dict(os.environ, RAPPORT_DB=a.db or os.path.join(tmp, "bench.db"), HOME=tmp)

    def run(*args):
        return subprocess.run([a.rapport, *args], env=env, check=True,
                              capture_output=True, text=True).stdout

    run("user", "add", "ana@example.com", "--role", "owner", "--name", "Ana")
    t = time.time()
    run("demo", "--contacts", str(a.contacts))
    print(f"demo of {a.contacts} contacts: {time.time() - t:.1f} s")
    token = re.search(r"rpt_[A-Za-z0-9_-]+", run("token", "create", "ana@example.com",
                                                  "--name", "bench")).group(0)
    auth = "Basic " + base64.b64encode(f"ana@example.com:{token}".encode()).decode()
    server = subprocess.Popen([a.rapport, "serve", "--bind", f"127.0.0.1:{a.port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{a.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)

        def dav(method, path, body="", depth="1"):
            req = urllib.request.Request(base + path, data=body.encode(), method=method,
                                         headers={"Authorization": auth, "Depth": depth,
                                                  "Content-Type": "application/xml"})
            t = time.perf_counter()
            with urllib.request.urlopen(req, timeout=600) as r:
                text = r.read().decode()
            return text, time.perf_counter() - t

        def rss():
            with open(f"/proc/{server.pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) // 1024
            return 0

        root, _ = dav("PROPFIND", "/dav/", depth="0")
        principal = re.search(r"<d:current-user-principal><d:href>(.*?)</d:href>", root).group(1)
        user = principal.rstrip("/").rsplit("/", 1)[1]
        home = f"/dav/books/{user}/"
        listing, _ = dav("PROPFIND", home)
        book = [h for h in re.findall(r"<d:href>(.*?)</d:href>", listing) if h.count("/") == 5][0]
        print(f"server memory at rest: {rss()} MB")

        sync = ('<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token>'
                '<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>')
        first, took = dav("REPORT", book, sync.format(""))
        hrefs = re.findall(r"<d:href>(.*?)</d:href>", first)
        token0 = re.search(r"<d:sync-token>(.*?)</d:sync-token>", first).group(1)
        print(f"first sync-collection: {len(hrefs)} cards in {took * 1000:.0f} ms")

        some = hrefs[12345 % len(hrefs)].rsplit("/", 1)[1].removesuffix(".vcf")
        run("contact", "edit", some, "--org", "Changed For The Bench")
        times = []
        for _ in range(5):
            text, took = dav("REPORT", book, sync.format(token0))
            n = text.count("<d:response>")
            assert n == 1, f"{n} changes listed, 1 expected"
            times.append(took * 1000)
        print(f"sync-collection with one change among {len(hrefs)}: median "
              f"{statistics.median(times):.1f} ms (of {', '.join(f'{t:.1f}' for t in times)})")

        peak = [rss()]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], rss())
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        before = rss()
        sampler.start()
        get = "".join(f"<d:href>{h}</d:href>" for h in hrefs[:10_000])
        body = ('<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
                f'<d:prop><d:getetag/><c:address-data/></d:prop>{get}</c:addressbook-multiget>')
        text, took = dav("REPORT", book, body)
        done.set()
        sampler.join()
        got = text.count("<card:address-data>")
        assert got == min(10_000, len(hrefs)), f"{got} cards"
        print(f"multiget of {got} cards: {took:.2f} s ({len(text) / 1e6:.1f} MB of XML); "
              f"server memory {before} MB before, {peak[0]} MB peak, {rss()} MB after")
        # Again, to see that memory does not grow from one multiget to the next.
        after = []
        for _ in range(a.repeat):
            text, took = dav("REPORT", book, body)
            after.append(f"{took:.2f} s / {rss()} MB")
        print(f"{a.repeat} more multigets (time / server memory after each): {', '.join(after)}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
