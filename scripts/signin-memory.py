#!/usr/bin/env python3
"""Peak memory of `rapport serve` under N parallel sign-ins for unknown emails (issue 15:
argon2 takes 19 MiB a hash, so unbounded parallel hashing took the server to ~1 GB; it is
now one hash per core at a time). Prints the server's peak RSS (VmHWM) and the answers.

    scripts/signin-memory.py [--bin target/debug/rapport] [--parallel 200] [--rounds 3] [--one-address]

Loopback only; the server and its SQLite file live in a temporary directory.
"""
import argparse, collections, http.client, os, re, signal, subprocess, tempfile, threading, time, urllib.parse

def vm(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024
    return 0

def sign_in(port, n, results, spread):
    try:
        # From 127.0.x.y, one address each, so the per-address throttle lets every one be
        # hashed (the worst case for memory); else all come from 127.0.0.1.
        source = (f"127.0.{1 + n // 250}.{1 + n % 250}", 0) if spread else None
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=source)
        c.request("GET", "/login")
        r = c.getresponse(); r.read()
        cookie = re.search(r"rapport_login_csrf=([^;]+)", r.getheader("Set-Cookie") or "").group(1)
        body = urllib.parse.urlencode({"csrf": cookie, "email": f"nobody-{n}@example.com", "password": "not the password"})
        c.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"rapport_login_csrf={cookie}"})
        r = c.getresponse(); r.read()
        results.append(r.status)
    except Exception as e:  # a refused or reset connection is an answer too
        results.append(type(e).__name__)

def main():
    a = argparse.ArgumentParser()
    a.add_argument("--bin", default="target/debug/rapport")
    a.add_argument("--parallel", type=int, default=200)
    a.add_argument("--rounds", type=int, default=3)
    a.add_argument("--port", type=int, default=7495)
    a.add_argument("--one-address", action="store_true",
                   help="send every sign-in from 127.0.0.1 (the address throttle then stops most)")
    o = a.parse_args()
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "book.db")
        env = dict(os.environ, RAPPORT_DB=db, HOME=d)
        subprocess.run([o.bin, "contact", "list"], env=env, check=True, capture_output=True)
        srv = subprocess.Popen([o.bin, "serve", "--bind", f"127.0.0.1:{o.port}"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    c = http.client.HTTPConnection("127.0.0.1", o.port, timeout=1)
                    c.request("GET", "/healthz"); c.getresponse().read(); break
                except OSError:
                    time.sleep(0.1)
            idle = vm(srv.pid, "VmRSS")
            answers = collections.Counter()
            started = time.time()
            for r in range(o.rounds):
                results = []
                threads = [threading.Thread(target=sign_in, args=(o.port, r * o.parallel + i, results, not o.one_address))
                           for i in range(o.parallel)]
                for t in threads: t.start()
                for t in threads: t.join(timeout=120)
                answers.update(results)
            took = time.time() - started
            print(f"{o.rounds} rounds of {o.parallel} parallel sign-ins (unknown emails) in {took:.1f} s")
            print(f"server RSS idle {idle} MB, peak {vm(srv.pid, 'VmHWM')} MB")
            print("answers:", dict(answers))
        finally:
            srv.send_signal(signal.SIGTERM)
            srv.wait(timeout=30)

if __name__ == "__main__":
    main()
