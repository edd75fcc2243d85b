#!/usr/bin/env python3
"""Mail import at scale: an mbox of N messages (default 100,000) between the owner and the
contacts of a demo book, each with a promise ("I'll send the invoice by Friday") and a quoted
question, imported twice (the second import logs nothing and offers nothing new). Prints the wall
time and the peak memory of each run.

Usage: scripts/mail-bench.py [path/to/rapport] [N]   (default target/release/rapport, 100000)
"""
import csv, datetime, os, random, subprocess, sys, tempfile, time

binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/rapport")
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
work = tempfile.mkdtemp(prefix="mail-bench-")
env = dict(os.environ, RAPPORT_DB=os.path.join(work, "book.db"))


def rapport(*args, capture=True):
    return subprocess.run([binary, *args], env=env, check=True, capture_output=capture, text=True)


rapport("demo", "--contacts", "2000", "--seed", "7")
rapport("user", "edit", "me", "--email", "owner@rapport.example")
book = os.path.join(work, "book.csv")
rapport("export", "csv", book)
with open(book, newline="", encoding="utf-8") as f:
    emails = [row[k] for row in csv.DictReader(f) for k in row if "mail" in k.lower() and row[k]]
emails = [e.split(";")[0].strip() for e in emails if "@" in e]
rng = random.Random(7)
# Dated over the last ten days, so that every promise found is offered for confirmation (the
# heaviest case: a suggestion written per message).
today = datetime.datetime.now(datetime.timezone.utc).replace(hour=9, minute=0, second=0, microsecond=0)
mbox = os.path.join(work, "big.mbox")
with open(mbox, "w", encoding="utf-8") as out:
    for i in range(n):
        other = rng.choice(emails) if rng.random() < 0.9 else f"stranger{i % 500}@elsewhere.example"
        sent = rng.random() < 0.5
        frm, to = ("owner@rapport.example", other) if sent else (other, "owner@rapport.example")
        when = today - datetime.timedelta(days=1 + i % 10, minutes=i % 60)
        out.write(f"From {frm} {when.strftime('%a %b %d %H:%M:%S %Y')}\n")
        out.write(f"From: {frm}\nTo: {to}\nDate: {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n")
        out.write(f"Subject: Order {i}\nMessage-ID: <bench-{i}@rapport.example>\n\n")
        out.write(f"Thanks for the order {i}. I'll send the invoice by Friday.\n\n")
        out.write(f"On Sun, Ana wrote:\n> Could you confirm order {i}?\n\n")
size_mb = os.path.getsize(mbox) / 1e6


def timed(label):
    start = time.monotonic()
    # GNU time's "Maximum resident set size" is this run's alone.
    out = subprocess.run(["/usr/bin/time", "-v", binary, "mail", "import", mbox], env=env,
                         check=True, capture_output=True, text=True)
    wall = time.monotonic() - start
    peak = next(int(l.split(":")[1]) for l in out.stderr.splitlines() if "Maximum resident" in l)
    print(f"{label}: {wall:.1f} s, peak RSS {peak / 1024:.0f} MB; {out.stdout.splitlines()[0]}")


print(f"{n} messages, {size_mb:.0f} MB mbox, {len(emails)} contact emails; {binary}")
timed("first import")
timed("second import")
