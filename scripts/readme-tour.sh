#!/usr/bin/env bash
# The README's tour of the CLI, run as written against a fresh demo book: every command of
# the block under "## A short tour of the CLI" must succeed. The block is read from
# README.md itself, so the tour and what it promises cannot drift apart.
#
# Usage: scripts/readme-tour.sh [path/to/rapport]   (default target/debug/rapport)
#
# What is filled in, since a README cannot know it: ID is a commitment made for the step
# (a fresh open promise, or for `--correct` the one just resolved), REQUEST_ID the request
# just recorded, a deal's ID the deal just opened, an id's start (01a24cb0-871d) the start of
# the contact just added's id; SUGGESTION_ID a promise the mail step found and still on offer;
# [optional parts] are left out; `a | b`
# and `a && b` run as separate steps; `postgres://...` becomes a fresh SQLite file, and the
# 100,000-contact demo a 2,000-contact one (same command otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-target/debug/rapport}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" RAPPORT_DB="$work/tour.db"
mkdir -p "$HOME"
unset RAPPORT_SMTP_HOST
cd "$work"

"$bin" demo --contacts 2000 >/dev/null
# Files the import steps read.
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nadia Haddad\r\nEMAIL:nadia@tour.example\r\nEND:VCARD\r\n' > contacts.vcf
printf 'Name,E-mail 1 - Value,Org Name\nRui Tour,rui@tour.example,Port Authority\n' > export.csv
# Mail the import step reads: a sent mbox and a Maildir.
mkdir -p "$HOME/mail" "$HOME/Maildir/cur" "$HOME/Maildir/new"
# Sent yesterday, with two promises (due where the demo book has no full day): the suggestion
# steps accept one and dismiss the other.
sent_at=$(date -u -d yesterday '+%a, %d %b %Y 09:00:00 +0000')
printf 'From ana@home.example Mon Nov 30 09:00:00 2026\nFrom: ana@home.example\nTo: elodie@vins.example\nDate: %s\nSubject: Samples\nMessage-ID: <tour-1@home.example>\n\nThe samples are on their way. I will send you the price list within 60 days. I will call you within 61 days.\n' "$sent_at" > "$HOME/mail/Sent.mbox"
printf 'From: Elodie <elodie@vins.example>\nTo: ana@home.example\nDate: Tue, 1 Dec 2026 10:00:00 +0000\nSubject: Re: Samples\nMessage-ID: <tour-2@vins.example>\n\nReceived, thank you.\n' > "$HOME/Maildir/cur/1.tour:2,S"

python3 - "$bin" "$OLDPWD/README.md" <<'PY'
import json, os, re, shlex, subprocess, sys

binary, readme = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
tour = text.split("## A short tour of the CLI", 1)[1]
block = tour.split("```sh\n", 1)[1].split("```", 1)[0]

# Continuation lines joined, comments dropped (outside quotes), optional parts left out.
lines, pending = [], ""
for raw in block.splitlines():
    line = pending + raw
    if line.rstrip().endswith("\\"):
        pending = line.rstrip()[:-1] + " "
        continue
    pending = ""
    out, quote = "", None
    for ch in line:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        out += ch
    out = re.sub(r"\s*\[[^\]]*\](\.\.\.)?", "", out).strip()
    if out:
        lines.append(out)

last = {"promise": None, "resolved": None, "request": None, "deal": None, "contact": ""}
steps = 0

def run(words, step):
    global steps
    words = [binary] + words[1:]
    p = subprocess.run(words, capture_output=True, text=True)
    steps += 1
    if p.returncode != 0:
        print(f"tour step {step!r} failed ({p.returncode}):\n{p.stderr}{p.stdout}", file=sys.stderr)
        sys.exit(1)
    return p.stdout.strip()

def fresh_promise():
    out = run(["rapport", "promise", "Élodie Martin", f"Tour step {steps}", "--due", "+30d", "--anyway"], "a promise for the next step")
    return out.splitlines()[-1].strip()

for line in lines:
  # `a | b`: alternatives, each on its own commitment; `a && b`: one chain sharing it.
  for alternative in re.split(r"\s\|\s", line):
    words_of_line = [shlex.split(part) for part in re.split(r"\s&&\s", alternative)]
    line_id = None
    for words in words_of_line:
        if not words or words[0] != "rapport":
            print(f"tour step {' '.join(words)!r} is not a rapport command: the tour cannot run it", file=sys.stderr)
            sys.exit(1)
        words = [os.path.expanduser(w.replace("postgres://...", "restored.db")) for w in words]
        if words[1:2] == ["demo"] and "100000" in words:
            words[words.index("100000")] = "2000"
        verb = words[1]
        # An id's start in the README (01a24cb0-871d) stands for as much of the id of the
        # contact just added.
        words = [last["contact"][:len(w)] if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}", w) else w for w in words]
        if "SUGGESTION_ID" in words:
            # A promise the mail import step found, one not yet decided.
            offered = json.loads(run(["rapport", "suggestions", "--json"], "the promises on offer"))
            if not offered["items"]:
                print(f"tour step {line!r}: no promise from the mail to confirm", file=sys.stderr)
                sys.exit(1)
            words = [offered["items"][0]["id"] if w == "SUGGESTION_ID" else w for w in words]
        if "REQUEST_ID" in words:
            words = [last["request"] if w == "REQUEST_ID" else w for w in words]
        if "ID" in words:
            if verb == "deal":
                target = last["deal"]
            elif "--correct" in words:
                target = last["resolved"]
            else:
                line_id = line_id or fresh_promise()
                target = line_id
            words = [target if w == "ID" else w for w in words]
        out = run(words, " ".join(words[1:]))
        # --org must pick: the same step at an organisation nobody works at must fail.
        if "--org" in words and words[2] not in ("add", "edit"):
            other = list(words)
            other[other.index("--org") + 1] = "no-such-organisation"
            p = subprocess.run([binary] + other[1:], capture_output=True, text=True)
            if p.returncode != 3:
                print(f"tour step {' '.join(other[1:])!r} should find nobody ({p.returncode})", file=sys.stderr)
                sys.exit(1)
        if verb in ("promise", "expect"):
            last["promise"] = out.splitlines()[-1].strip()
        if verb in ("kept", "broken", "deceptive", "release") and "--correct" not in words:
            last["resolved"] = words[2]
        if verb == "request":
            last["request"] = out.splitlines()[-1].split()[-1].strip()
        if verb == "contact" and words[2] == "add":
            last["contact"] = out.splitlines()[-1].strip()
        if verb == "deal" and words[2] == "add":
            last["deal"] = out.splitlines()[-1].split()[-1].strip()
print(f"readme tour: {steps} steps, each succeeded")
PY
