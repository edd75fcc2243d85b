#!/usr/bin/env python3
"""What SQLite alone takes to write a demo book: the floor under `rapport demo`'s insert rate.

    rapport --db /tmp/d.db demo --contacts 100000 --batch 10000 --anchor 2026-11-25
    python3 scripts/sqlite-floor.py /tmp/d.db

The book in DB is copied, table by table, into empty files with the same schema by the
`sqlite3` shell: one transaction, WAL, synchronous=NORMAL, a 1 GB page cache, foreign keys
off, rows in key order (`INSERT ... SELECT ... WHERE 1`; the WHERE stops SQLite's page-copying
shortcut). No Rust, no sqlx, no generator: only SQLite's B-tree inserts, the WAL and the
checkpoint at close. Four copies are timed:

- text keys, the whole book (what Rapport's schema stores: 36-character text UUIDs);
- integer keys, the whole book (every `id` and `*_id` column replaced by an integer in the
  same order, the schema otherwise unchanged): what a migration to integer keys would buy;
- both again with only the tables issue 2 named (contacts with their emails, phones and tags,
  facts, interactions), without the ledger, deals, gestures and introductions added since.

Nothing of Rapport's is written: the copies go to a scratch folder (default /tmp/rapport-floor).
"""

import os
import sqlite3
import subprocess
import sys
import time

ISSUE_2_TABLES = [
    "workspaces", "users", "memberships", "contacts", "contact_attributes", "facts",
    "interactions",
]


def run_sqlite(db, script):
    started = time.monotonic()
    subprocess.run(["sqlite3", db], input=script, text=True, check=True,
                   stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: sqlite-floor.py BOOK.db [SCRATCH_DIR]")
    src = os.path.abspath(sys.argv[1])
    scratch = sys.argv[2] if len(sys.argv) > 2 else "/tmp/rapport-floor"
    os.makedirs(scratch, exist_ok=True)

    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    schema = "\n".join(
        sql + ";" for (sql,) in con.execute(
            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"))
    tables = [t for (t,) in con.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY rowid")]
    columns = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
    (contacts,) = con.execute("SELECT count(*) FROM contacts").fetchone()
    con.close()
    keys = {t: [c for c in columns[t] if c == "id" or c.endswith("_id")] for t in tables}

    # The integer-keyed copy of the book, made once (not timed). Integers are given in the
    # text keys' order, so rows stay in key order.
    mapped = os.path.join(scratch, "integer-keys-source.db")
    if os.path.exists(mapped):
        os.remove(mapped)
    sql = [f"ATTACH '{src}' AS src;", "PRAGMA cache_size=-1000000;", "BEGIN;",
           "CREATE TABLE ids (u TEXT PRIMARY KEY) WITHOUT ROWID;"]
    for t in tables:
        for c in keys[t]:
            sql.append(f"INSERT OR IGNORE INTO ids SELECT {c} FROM src.{t} WHERE {c} IS NOT NULL;")
    sql.append("CREATE TABLE idn AS SELECT u, row_number() OVER (ORDER BY u) AS n FROM ids;")
    sql.append("CREATE UNIQUE INDEX idn_u ON idn (u);")
    for t in tables:
        cols = ", ".join(
            f"(SELECT n FROM idn WHERE u = {c})" if c in keys[t] else c for c in columns[t])
        sql.append(f"CREATE TABLE {t} AS SELECT {cols} FROM src.{t};")
    sql.append("COMMIT;")
    run_sqlite(mapped, "\n".join(sql))

    print(f"book: {src}, {contacts} contacts")
    for label, source in (("text keys", src), ("integer keys", mapped)):
        for scope, only in (("whole book", tables), ("issue 2 tables", ISSUE_2_TABLES)):
            target = os.path.join(scratch, "copy.db")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(target + suffix):
                    os.remove(target + suffix)
            run_sqlite(target, schema)
            load = [f"ATTACH '{source}' AS s;", "PRAGMA journal_mode=WAL;",
                    "PRAGMA synchronous=NORMAL;", "PRAGMA cache_size=-1000000;",
                    "PRAGMA foreign_keys=OFF;", "BEGIN;"]
            load += [f"INSERT INTO main.{t} SELECT * FROM s.{t} WHERE 1;"
                     for t in tables if t in only]
            load.append("COMMIT;")
            subprocess.run(["sync"], check=True)
            seconds = run_sqlite(target, "\n".join(load))
            size = os.path.getsize(target) / 1048576
            print(f"{label:>12}, {scope:<14}: {seconds:6.2f} s, {contacts / seconds:9,.0f} "
                  f"contacts/s, {size:6.0f} MB")
    os.remove(mapped)


if __name__ == "__main__":
    main()
