#!/usr/bin/env python3
"""Syncs a CardDAV address book both ways with vdirsyncer and checks that nothing is lost,
duplicated or changed for nothing. The same script runs against `rapport serve` and against
Radicale (the reference), which must behave the same.

    python carddav-sync-check.py --url URL --user U --password P --work DIR \
        --expect N --edit-name "A Name" [--seed FILE.vcf --create-book PATH]

--seed and --create-book prepare a server that starts empty (Radicale): the address book is
made with an extended MKCOL at PATH, then every card of FILE is PUT into it.

Steps: the first sync brings every card (N); ten more syncs change nothing on either side;
a card made, edited and deleted on the device reaches the server; a card made, edited and
deleted on the server reaches the device; the same card edited on both sides resolves
(the device wins) without a duplicate; ten more syncs change nothing. Prints a JSON summary
and exits non-zero with the first failure.

Runs with the Python that has vdirsyncer installed (its vdirsyncer is used).
"""

import argparse
import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

ARGS = None


def fail(message):
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def check(ok, message):
    if not ok:
        fail(message)


def auth_header():
    raw = f"{ARGS.user}:{ARGS.password}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def http(method, url, body=None, headers=None):
    h = {"Authorization": auth_header()}
    h.update(headers or {})
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def vdirsyncer(*args, answer=None):
    exe = os.path.join(os.path.dirname(sys.executable), "vdirsyncer")
    p = subprocess.run(
        [exe, "-c", os.path.join(ARGS.work, "config"), *args],
        input=answer,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if p.returncode != 0:
        fail(f"vdirsyncer {' '.join(args)} failed:\n{p.stdout}\n{p.stderr}")
    return p.stdout + p.stderr


def sync():
    return vdirsyncer("sync")


def local_dir():
    root = os.path.join(ARGS.work, "local")
    dirs = [d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))]
    check(len(dirs) == 1, f"one local collection expected, found {dirs}")
    return os.path.join(root, dirs[0])


def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text)


def prop(text, name):
    m = re.search(rf"^(?:[\w-]+\.)?{name}(?:;[^:\r\n]*)?:(.*?)\r?$", unfold(text), re.M | re.I)
    return m.group(1).strip() if m else None


def local_cards():
    """file name -> (uid, fn, sha1)"""
    d = local_dir()
    out = {}
    for f in sorted(os.listdir(d)):
        if not f.endswith(".vcf"):
            continue
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            t = fh.read()
        out[f] = (prop(t, "UID"), prop(t, "FN"), hashlib.sha1(t.encode()).hexdigest())
    return out


def remote_listing():
    """href -> etag, from a PROPFIND of the address book."""
    body = ('<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop>'
            '<d:getetag/><d:resourcetype/></d:prop></d:propfind>')
    status, _, text = http("PROPFIND", book_url(), body, {"Depth": "1",
                                                          "Content-Type": "application/xml"})
    check(status == 207, f"PROPFIND of the address book answered {status}: {text[:300]}")
    out = {}
    for resp in re.findall(r"<(?:\w+:)?response\b.*?</(?:\w+:)?response>", text, re.S):
        href = re.search(r"<(?:\w+:)?href>(.*?)</(?:\w+:)?href>", resp, re.S).group(1).strip()
        etag = re.search(r"<(?:\w+:)?getetag>(.*?)</(?:\w+:)?getetag>", resp, re.S)
        if etag and etag.group(1).strip() and not href.endswith("/"):
            out[urllib.parse.unquote(href)] = etag.group(1).strip()
    return out


BOOK = None


def book_url():
    return BOOK


def card_url(href):
    p = urllib.parse.urlsplit(ARGS.url)
    return f"{p.scheme}://{p.netloc}{urllib.parse.quote(href)}"


def remote_cards():
    """href -> (uid, fn), read with one addressbook-multiget."""
    hrefs = list(remote_listing())
    body = ('<?xml version="1.0"?><c:addressbook-multiget xmlns:d="DAV:" '
            'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/>'
            '</d:prop>' + "".join(f"<d:href>{html.escape(urllib.parse.quote(h))}</d:href>" for h in hrefs)
            + '</c:addressbook-multiget>')
    status, _, text = http("REPORT", book_url(), body, {"Depth": "1",
                                                        "Content-Type": "application/xml"})
    check(status == 207, f"multiget answered {status}: {text[:300]}")
    out = {}
    for resp in re.findall(r"<(?:\w+:)?response\b.*?</(?:\w+:)?response>", text, re.S):
        href = re.search(r"<(?:\w+:)?href>(.*?)</(?:\w+:)?href>", resp, re.S).group(1).strip()
        data = re.search(r"<(?:\w+:)?address-data\b[^>]*>(.*?)</(?:\w+:)?address-data>", resp, re.S)
        check(data is not None, f"multiget: no card for {href}")
        t = html.unescape(data.group(1))
        out[urllib.parse.unquote(html.unescape(href))] = (prop(t, "UID"), prop(t, "FN"))
    check(len(out) == len(hrefs), f"multiget gave {len(out)} cards for {len(hrefs)} names")
    return out


def snapshot():
    return local_cards(), remote_listing()


def no_duplicates(cards, side):
    uids = [c[0] for c in cards.values()]
    check(all(uids), f"{side}: a card without a UID")
    dup = {u for u in uids if uids.count(u) > 1}
    check(not dup, f"{side}: duplicated UIDs {sorted(dup)[:5]}")


def card_text(uid, name, email):
    return ("BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"UID:{uid}\r\nFN:{name}\r\nN:{name.split()[-1]};{' '.join(name.split()[:-1])};;;\r\n"
            f"EMAIL;TYPE=INTERNET:{email}\r\nitem1.TEL;TYPE=CELL:+44 20 7946 0018\r\n"
            "item1.X-ABLabel:_$!<Mobile>!$_\r\nX-PHONE-ONLY:kept by the device\r\nEND:VCARD\r\n")


def set_fn(text, name):
    text = unfold(text)
    text = re.sub(r"^FN(;[^:\r\n]*)?:.*?(\r?)$", rf"FN:{name}\2", text, count=1, flags=re.M)
    return text


def hrefs_of(text, element):
    """The hrefs inside each `element` of a multistatus answer."""
    inner = re.findall(rf"<(?:\w+:)?{element}\b[^>]*>(.*?)</(?:\w+:)?{element}>", text, re.S)
    return [h.strip() for i in inner for h in re.findall(r"<(?:\w+:)?href>(.*?)</(?:\w+:)?href>", i, re.S)]


def find_book():
    """The one address book, found as a client does: principal, home set, collections."""
    p = urllib.parse.urlsplit(ARGS.url)
    origin = f"{p.scheme}://{p.netloc}"
    ask = ('<?xml version="1.0"?><d:propfind xmlns:d="DAV:" '
           'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:current-user-principal/>'
           '<c:addressbook-home-set/><d:resourcetype/></d:prop></d:propfind>')
    principal = None
    for start in (ARGS.url, origin + "/.well-known/carddav"):
        for _ in range(5):
            status, headers, t = http("PROPFIND", start, ask, {"Depth": "0"})
            location = {k.lower(): v for k, v in headers.items()}.get("location")
            if status in (301, 302, 307, 308) and location:
                start = urllib.parse.urljoin(start, location)
                continue
            break
        found = hrefs_of(t, "current-user-principal")
        if found:
            principal = found[0]
            break
    check(principal is not None, "no current-user-principal found")
    _, _, t = http("PROPFIND", origin + principal, ask, {"Depth": "0"})
    home = hrefs_of(t, "addressbook-home-set")[0]
    _, _, t = http("PROPFIND", origin + home, ask, {"Depth": "1"})
    books = []
    for resp in re.findall(r"<(?:\w+:)?response\b.*?</(?:\w+:)?response>", t, re.S):
        if re.search(r"<(?:\w+:)?addressbook\s*/>", resp):
            books.append(re.search(r"<(?:\w+:)?href>(.*?)</(?:\w+:)?href>", resp, re.S).group(1).strip())
    check(len(books) == 1, f"one address book expected under {home}, found {books}")
    return origin + books[0]


def discover_book():
    global BOOK
    if ARGS.create_book:
        p = urllib.parse.urlsplit(ARGS.url)
        BOOK = f"{p.scheme}://{p.netloc}{ARGS.create_book}"
        if ARGS.seed:
            # The whole book in one PUT of the collection (Radicale takes a collection so),
            # each card given a UID if it has none.
            with open(ARGS.seed, encoding="utf-8") as fh:
                cards = re.findall(r"BEGIN:VCARD.*?END:VCARD\r?\n?", fh.read(), re.S)
            text = "".join(
                c if prop(c, "UID") else c.replace("END:VCARD", f"UID:seed-{i}\r\nEND:VCARD", 1)
                for i, c in enumerate(cards)
            )
            status, _, t = http("PUT", BOOK, text, {"Content-Type": "text/vcard"})
            check(status in (201, 204), f"seeding the book answered {status}: {t[:200]}")
        else:
            body = ('<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" '
                    'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype>'
                    '<d:collection/><c:addressbook/></d:resourcetype>'
                    '<d:displayname>Reference</d:displayname></d:prop></d:set></d:mkcol>')
            status, _, t = http("MKCOL", BOOK, body, {"Content-Type": "application/xml"})
            check(status == 201, f"MKCOL answered {status}: {t[:200]}")


def main():
    global ARGS, BOOK
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--edit-name", required=True)
    ap.add_argument("--seed")
    ap.add_argument("--create-book")
    ARGS = ap.parse_args()
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(os.path.join(ARGS.work, "local"))
    os.makedirs(os.path.join(ARGS.work, "status"))
    discover_book()
    with open(os.path.join(ARGS.work, "config"), "w") as fh:
        fh.write(f"""[general]
status_path = "{ARGS.work}/status/"

[pair book]
a = "local"
b = "remote"
collections = ["from b"]
conflict_resolution = "a wins"

[storage local]
type = "filesystem"
path = "{ARGS.work}/local/"
fileext = ".vcf"

[storage remote]
type = "carddav"
url = "{ARGS.url}"
username = "{ARGS.user}"
password = "{ARGS.password}"
""")
    vdirsyncer("discover", answer="y\n" * 10)
    summary = {}

    # 1. The first sync brings every card.
    sync()
    if BOOK is None:
        BOOK = find_book()
    first = local_cards()
    check(len(first) == ARGS.expect, f"first sync: {len(first)} cards on the device, {ARGS.expect} expected")
    no_duplicates(first, "device")
    summary["first_sync"] = len(first)

    # 2. Ten more syncs change nothing on either side.
    sync()
    before = snapshot()
    for _ in range(10):
        sync()
    check(snapshot() == before, "ten repeated syncs changed something")
    summary["repeated_syncs_quiet"] = True

    d = local_dir()
    # 3. Made, edited, deleted on the device.
    new_uid = str(uuid.uuid4())
    with open(os.path.join(d, f"{new_uid}.vcf"), "w", encoding="utf-8", newline="") as fh:
        fh.write(card_text(new_uid, "Dana Device", "dana@device.example"))
    sync()
    remote = remote_cards()
    made = [h for h, (u, _) in remote.items() if u == new_uid]
    check(len(made) == 1, f"the card made on the device is on the server {len(made)} times")
    status, _, t = http("GET", card_url(made[0]))
    check("X-PHONE-ONLY:kept by the device" in unfold(t) and "X-ABLABEL" in t.upper(),
          f"the device's own properties came back changed:\n{t}")
    summary["device_create"] = True

    edit = [f for f, (_, fn, _) in local_cards().items() if fn == ARGS.edit_name]
    check(len(edit) == 1, f"{ARGS.edit_name!r} is on the device {len(edit)} times")
    path = os.path.join(d, edit[0])
    with open(path, encoding="utf-8") as fh:
        t = fh.read()
    edit_uid = prop(t, "UID")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(set_fn(t, "Edited On Device"))
    sync()
    remote = remote_cards()
    now = [fn for (u, fn) in remote.values() if u == edit_uid]
    check(now == ["Edited On Device"], f"the device's edit reached the server as {now}")
    summary["device_edit"] = True

    victim = sorted(f for f, (u, _, _) in local_cards().items() if u not in (new_uid, edit_uid))[0]
    victim_uid = local_cards()[victim][0]
    os.remove(os.path.join(d, victim))
    sync()
    remote = remote_cards()
    check(all(u != victim_uid for (u, _) in remote.values()),
          "the card deleted on the device is still on the server")
    check(len(remote) == ARGS.expect, f"{len(remote)} cards on the server, {ARGS.expect} expected")
    summary["device_delete"] = True

    # 4. Made, edited, deleted on the server.
    server_uid = str(uuid.uuid4())
    status, _, t = http("PUT", f"{BOOK}{server_uid}.vcf",
                        card_text(server_uid, "Sam Server", "sam@server.example"),
                        {"Content-Type": "text/vcard; charset=utf-8", "If-None-Match": "*"})
    check(status == 201, f"PUT of a new card answered {status}: {t[:200]}")
    sync()
    mine = [f for f, (u, _, _) in local_cards().items() if u == server_uid]
    check(len(mine) == 1, f"the server's new card is on the device {len(mine)} times")
    listing = remote_listing()
    href = [h for h in listing if h.endswith(f"{server_uid}.vcf")][0]
    status, headers, t = http("GET", card_url(href))
    etag = {k.lower(): v for k, v in headers.items()}["etag"]
    status, _, _ = http("PUT", card_url(href), set_fn(t, "Sam Server-Edited"),
                        {"Content-Type": "text/vcard", "If-Match": etag})
    check(status in (201, 204), f"PUT with If-Match answered {status}")
    status, _, _ = http("PUT", card_url(href), set_fn(t, "Sam Stale"),
                        {"Content-Type": "text/vcard", "If-Match": etag})
    check(status == 412, f"a PUT with a stale If-Match answered {status}, not 412")
    sync()
    fns = [fn for (u, fn, _) in local_cards().values() if u == server_uid]
    check(fns == ["Sam Server-Edited"], f"the server's edit reached the device as {fns}")
    status, _, _ = http("DELETE", card_url(href))
    check(status in (200, 204), f"DELETE answered {status}")
    sync()
    check(all(u != server_uid for (u, _, _) in local_cards().values()),
          "the card deleted on the server is still on the device")
    summary["server_create_edit_delete"] = True

    # 5. The same card edited on both sides: the device wins, nothing is duplicated.
    sync()
    path = os.path.join(d, [f for f, (u, _, _) in local_cards().items() if u == edit_uid][0])
    with open(path, encoding="utf-8") as fh:
        t = fh.read()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(set_fn(t, "Conflict Device"))
    href = [h for h, (u, _) in remote_cards().items() if u == edit_uid][0]
    status, headers, t = http("GET", card_url(href))
    etag = {k.lower(): v for k, v in headers.items()}["etag"]
    status, _, _ = http("PUT", card_url(href), set_fn(t, "Conflict Server"),
                        {"Content-Type": "text/vcard", "If-Match": etag})
    check(status in (201, 204), f"the server-side edit answered {status}")
    sync()
    local = local_cards()
    remote = remote_cards()
    no_duplicates(local, "device")
    no_duplicates({h: (u, fn, None) for h, (u, fn) in remote.items()}, "server")
    check([fn for (u, fn, _) in local.values() if u == edit_uid] == ["Conflict Device"],
          "the device's side of the conflict is not on the device")
    check([fn for (u, fn) in remote.values() if u == edit_uid] == ["Conflict Device"],
          "the device's side of the conflict did not win on the server")
    check(len(local) == len(remote) == ARGS.expect,
          f"after the conflict: {len(local)} on the device, {len(remote)} on the server, "
          f"{ARGS.expect} expected")
    summary["conflict_resolved"] = True

    # 6. Quiet again.
    sync()
    before = snapshot()
    for _ in range(10):
        sync()
    check(snapshot() == before, "ten repeated syncs changed something at the end")
    summary["final"] = len(local)
    summary["edited_uid"] = edit_uid
    summary["ok"] = True
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
