//! The `rapport` program as a user runs it: real processes, real databases (an SQLite file;
//! a fresh PostgreSQL schema per test when `RAPPORT_TEST_POSTGRES_URL` is set).

use std::process::Command;

use std::path::Path;

use serde_json::Value;

#[macro_use]
mod common;
use common::Book;
use rapport_test_support::on_both_books;

fn add_sample_book(b: &Book) {
    b.ok(&[
        "contact",
        "add",
        "Élodie Martin",
        "--type",
        "customer",
        "--org",
        "Vins du Rhône",
        "--email",
        "elodie@vins.fr",
        "--tag",
        "Wine",
        "--vip",
    ]);
    b.ok(&[
        "contact",
        "add",
        "Ana Lima",
        "--email",
        "ana@lima.pt",
        "--phone",
        "+351 912 345 678",
        "--tag",
        "wine",
    ]);
    b.ok(&["contact", "add", "Ana", "--type", "vendor"]);
    b.ok(&[
        "contact",
        "add",
        "Bruno Costa",
        "--type",
        "past customer",
        "--cadence",
        "45",
    ]);
}

fn contacts_facts_and_timeline(b: &Book) {
    add_sample_book(b);
    assert_eq!(
        b.names(&[]),
        vec!["Ana", "Ana Lima", "Bruno Costa", "Élodie Martin"]
    );
    assert_eq!(b.names(&["--type", "customer"]), vec!["Élodie Martin"]);
    assert_eq!(
        b.names(&["--tag", "WINE"]),
        vec!["Ana Lima", "Élodie Martin"]
    );
    assert_eq!(b.names(&["--search", "elodie"]), vec!["Élodie Martin"]);
    assert_eq!(b.names(&["--search", "ÉLODIE"]), vec!["Élodie Martin"]);
    assert_eq!(b.names(&["--search", "rhone"]), vec!["Élodie Martin"]);
    assert_eq!(b.names(&["--limit", "2"]), vec!["Ana", "Ana Lima"]);
    let first_page = b.json(&["contact", "list", "--limit", "2"]);
    let last_id = first_page[1]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        b.names(&["--limit", "2", "--after", &last_id]),
        vec!["Bruno Costa", "Élodie Martin"]
    );

    let shown = b.json(&["contact", "show", "elo"]);
    assert_eq!(shown["name"], "Élodie Martin");
    assert_eq!(shown["organisation"], "Vins du Rhône");
    assert_eq!(shown["relationship"], "customer");
    assert_eq!(shown["vip"], true);
    assert_eq!(shown["tags"], serde_json::json!(["wine"]));
    assert_eq!(
        shown["keep_in_touch_days"], 30,
        "VIPs are kept warm monthly"
    );
    assert_eq!(
        b.json(&["contact", "show", "bruno"])["keep_in_touch_days"],
        45
    );

    b.ok(&[
        "fact",
        "add",
        "elodie",
        "--kind",
        "family",
        "Sofia",
        "--relation",
        "daughter",
        "--date",
        "2016-02-29",
    ]);
    b.ok(&[
        "fact",
        "add",
        "elodie",
        "--kind",
        "interest",
        "Olympique Lyonnais",
    ]);
    b.ok(&[
        "fact",
        "add",
        "elodie",
        "--kind",
        "preference",
        "Usual order: 40 cases of Côtes-du-Rhône",
    ]);
    b.ok(&[
        "fact",
        "add",
        "elodie",
        "--kind",
        "date",
        "Wedding anniversary",
        "--date",
        "--06-12",
    ]);
    b.ok(&[
        "fact",
        "add",
        "elodie",
        "--kind",
        "note",
        "Prefers calls after 4pm",
    ]);
    let facts = b.json(&["fact", "list", "elodie"]);
    let kinds: Vec<_> = facts
        .as_array()
        .expect("list")
        .iter()
        .map(|f| f["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        vec!["family", "interest", "preference", "date", "note"]
    );
    assert_eq!(facts[0]["relation"], "daughter");
    assert_eq!(facts[0]["date"], "2016-02-29");
    assert_eq!(facts[3]["date"], "--06-12");

    b.ok(&[
        "log",
        "elodie",
        "Intro call",
        "--kind",
        "call",
        "--at",
        "2026-10-01T09:00:00Z",
    ]);
    b.ok(&[
        "log",
        "elodie",
        "Tasting",
        "--kind",
        "visit",
        "--at",
        "2026-11-20T15:00:00Z",
        "--they-said",
        "Wants délivery before Christmas",
        "--i-said",
        "Samples by Friday",
    ]);
    b.ok(&[
        "log",
        "elodie",
        "Contract review",
        "--kind",
        "meeting",
        "--at",
        "2099-01-05T10:00:00Z",
    ]);
    let tl = b.json(&["timeline", "elodie"]);
    let summaries: Vec<_> = tl["interactions"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["summary"].as_str().expect("s"))
        .collect();
    assert_eq!(
        summaries,
        vec!["Contract review", "Tasting", "Intro call"],
        "newest first"
    );
    assert_eq!(
        tl["interactions"][1]["they_said"],
        "Wants délivery before Christmas"
    );
    assert_eq!(tl["contact"]["name"], "Élodie Martin");
    let found = b.json(&["search", "DELIVERY"]);
    assert_eq!(found["interactions"].as_array().expect("list").len(), 1);
    let card = b.json(&["contact", "show", "elodie"]);
    assert_eq!(card["facts"].as_array().expect("facts").len(), 5);
    assert_eq!(
        card["recent_interactions"].as_array().expect("list").len(),
        3
    );
    // Human output works too.
    assert!(
        b.ok(&["contact", "show", "elodie"])
            .contains("Sofia (daughter), 2016-02-29")
    );
}

fn edit_archive_restore(b: &Book) {
    add_sample_book(b);
    b.ok(&[
        "contact",
        "edit",
        "bruno",
        "--org",
        "Costa & Filhos",
        "--type",
        "customer",
        "--tag",
        "Porto",
        "--email",
        "bruno@costa.pt",
        "--cadence",
        "never",
    ]);
    let c = b.json(&["contact", "show", "bruno"]);
    assert_eq!(c["organisation"], "Costa & Filhos");
    assert_eq!(c["relationship"], "customer");
    assert_eq!(c["emails"], serde_json::json!(["bruno@costa.pt"]));
    assert_eq!(c["tags"], serde_json::json!(["porto"]));
    assert_eq!(c["keep_in_touch_days"], Value::Null);
    b.ok(&[
        "contact",
        "edit",
        "bruno",
        "--no-org",
        "--untag",
        "porto",
        "--cadence",
        "default",
    ]);
    let c = b.json(&["contact", "show", "bruno"]);
    assert_eq!(c["organisation"], Value::Null);
    assert_eq!(c["tags"], serde_json::json!([]));
    assert_eq!(c["keep_in_touch_days"], 60, "back to the customer default");

    b.ok(&["contact", "archive", "bruno"]);
    assert_eq!(b.names(&[]), vec!["Ana", "Ana Lima", "Élodie Martin"]);
    assert_eq!(b.names(&["--archived"]), vec!["Bruno Costa"]);
    b.fails(&["contact", "archive", "bruno"], 5);
    b.ok(&["contact", "restore", "bruno"]);
    assert_eq!(b.names(&[]).len(), 4);
    b.fails(&["contact", "restore", "bruno"], 5);
}

fn bad_input_is_refused_and_writes_nothing(b: &Book) {
    add_sample_book(b);
    b.ok(&["fact", "add", "elodie", "--kind", "note", "keep"]);
    let before_contacts = b.json(&["contact", "list", "--limit", "1000"]);
    let before_facts = b.json(&["fact", "list", "elodie"]);
    let before_timeline = b.json(&["timeline", "elodie"]);

    // Bad input (exit 2): empty name, unknown type, malformed dates, bad email/phone,
    // unknown kinds, an empty edit.
    let cases: &[(&[&str], &str)] = &[
        (&["contact", "add", "   "], "needs a name"),
        (
            &["contact", "add", "Zed", "--type", "friend"],
            "unknown relationship type",
        ),
        (
            &["contact", "add", "Zed", "--email", "zed-at-example"],
            "not an email",
        ),
        (
            &["contact", "add", "Zed", "--phone", "call me"],
            "not a phone",
        ),
        (&["contact", "add", "Zed", "--cadence", "-4"], "cadence"),
        (
            &["contact", "list", "--type", "friend"],
            "unknown relationship type",
        ),
        (&["contact", "list", "--limit", "0"], "limit"),
        (&["contact", "edit", "elodie"], "nothing to change"),
        (
            &["contact", "edit", "elodie", "--name", " "],
            "needs a name",
        ),
        (
            &["fact", "add", "elodie", "--kind", "hobby", "x"],
            "unknown fact kind",
        ),
        (
            &[
                "fact",
                "add",
                "elodie",
                "--kind",
                "date",
                "Birthday",
                "--date",
                "2023-02-29",
            ],
            "not a date",
        ),
        (
            &[
                "fact",
                "add",
                "elodie",
                "--kind",
                "date",
                "Birthday",
                "--date",
                "14/03/1980",
            ],
            "not a date",
        ),
        (
            &["fact", "add", "elodie", "--kind", "date", "Birthday"],
            "needs its date",
        ),
        (
            &["log", "elodie", "Call", "--at", "last tuesday-ish"],
            "not a date",
        ),
        (
            &["log", "elodie", "Call", "--at", "2026-13-01 10:00"],
            "not a date",
        ),
        (
            &["log", "elodie", "Call", "--kind", "fax"],
            "unknown interaction kind",
        ),
        (&["log", "elodie", "   "], "needs a summary"),
        (&["demo", "--contacts", "0"], "--contacts"),
    ];
    for (args, message) in cases {
        let stderr = b.fails(args, 2);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    // Unknown references (exit 3) and ambiguous ones (exit 4, listing the candidates).
    b.fails(&["contact", "show", "Zelda"], 3);
    b.fails(
        &["contact", "show", "0192f0c4-7a3b-7c00-8000-000000000001"],
        3,
    );
    b.fails(&["fact", "add", "Zelda", "--kind", "note", "x"], 3);
    b.fails(&["log", "Zelda", "Call"], 3);
    b.fails(&["timeline", "Zelda"], 3);
    let stderr = b.fails(&["contact", "show", "an"], 4);
    assert!(stderr.contains("\"an\" matches 2 contacts; "), "{stderr}");
    assert!(
        stderr.contains("  Ana, ") && stderr.contains("  Ana Lima, "),
        "candidates one a line, with what tells them apart: {stderr}"
    );
    b.fails(&["log", "an", "Call"], 4);
    // An unknown database scheme is a clear error.
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["--db", "mysql://root@localhost/crm", "contact", "list"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unsupported database URL scheme \"mysql\"")
    );

    // Nothing changed.
    assert_eq!(
        b.json(&["contact", "list", "--limit", "1000"]),
        before_contacts
    );
    assert_eq!(b.json(&["fact", "list", "elodie"]), before_facts);
    assert_eq!(b.json(&["timeline", "elodie"]), before_timeline);
}

fn users_workspaces_and_tokens_from_the_command_line(b: &Book) {
    b.ok(&["contact", "list"]);
    // The owner made on first use has no email yet: the CLI gives it one, and a token.
    let listed = b.ok(&["user", "list"]);
    assert!(
        listed.contains("(no email: rapport user edit me --email"),
        "{listed}"
    );
    b.fails(&["token", "create", "owner@example.com", "--name", "x"], 3);
    let me = b.json(&[
        "user",
        "edit",
        "me",
        "--email",
        "Owner@Example.com",
        "--name",
        "Ana Owner",
    ]);
    assert_eq!(me["email"], "owner@example.com");
    assert_eq!(me["name"], "Ana Owner");
    let token = b.ok(&["token", "create", "owner@example.com", "--name", "scripts"]);
    assert!(token.trim().starts_with("rpt_"), "{token}");
    b.fails(&["user", "edit", "me", "--email", "not an email"], 2);
    b.fails(&["user", "edit", "me"], 2);
    b.fails(&["user", "edit", "nobody@example.com", "--name", "X"], 3);
    // An account of another workspace only is neither listed nor changed from this one.
    b.ok(&["workspace", "create", "Far away"]);
    b.ok(&["user", "add", "gil@example.com", "--workspace", "Far away"]);
    assert!(!b.ok(&["user", "list"]).contains("gil@example.com"));
    b.fails(
        &["user", "edit", "gil@example.com", "--name", "Taken over"],
        3,
    );
    let out = b.run_with_stdin(
        &[
            "user",
            "add",
            "Bo@Example.com",
            "--role",
            "member",
            "--password-stdin",
            "--json",
        ],
        "a long enough password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(added["email"], "bo@example.com");
    // An email another account has is refused, and changes nothing.
    b.fails(
        &[
            "user",
            "edit",
            "bo@example.com",
            "--email",
            "owner@example.com",
        ],
        5,
    );
    let all = b.json(&["user", "list"]);
    let emails: Vec<&str> = all
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|a| a["email"].as_str())
        .collect();
    assert_eq!(emails, ["owner@example.com", "bo@example.com"]);
    assert_eq!(all[1]["workspaces"][0]["role"], "member");
    assert_eq!(added["role"], "member");
    assert_eq!(added["can_sign_in"], true);
    let short = b.run_with_stdin(
        &["user", "add", "cy@example.com", "--password-stdin"],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(2));
    let token = b.ok(&["token", "create", "bo@example.com", "--name", "laptop"]);
    assert!(
        token.trim().starts_with("rpt_") && token.trim().len() > 40,
        "{token}"
    );
    let other = b.json(&[
        "workspace",
        "create",
        "Side project",
        "--time-zone",
        "Europe/Lisbon",
    ]);
    assert_eq!(other["time_zone"], "Europe/Lisbon");
    b.ok(&[
        "user",
        "add",
        "dee@example.com",
        "--workspace",
        "Side project",
        "--role",
        "owner",
    ]);
    // Bo leaves: their work goes to another member of this workspace.
    b.ok(&["user", "add", "fay@example.com"]);
    let done = b.json(&["handoff", "bo@example.com", "fay@example.com"]);
    assert_eq!(done["open_commitments"], 0);
    b.fails(&["handoff", "bo@example.com", "fay@example.com"], 3);
    b.fails(&["handoff", "fay@example.com", "fay@example.com"], 2);
    for (args, code) in [
        (vec!["user", "add", "bo@example.com"], 5),
        (vec!["user", "add", "not-an-email"], 2),
        (vec!["user", "add", "ed@example.com", "--role", "boss"], 2),
        (
            vec!["user", "add", "ed@example.com", "--workspace", "Nope"],
            3,
        ),
        (vec!["token", "create", "nobody@example.com"], 3),
        (vec!["workspace", "create", "Side project"], 5),
        (
            vec![
                "workspace",
                "create",
                "Elsewhere",
                "--time-zone",
                "Mars/Olympus",
            ],
            2,
        ),
    ] {
        b.fails(&args, code);
    }
}

/// A list that stops at its limit says so and gives the command for the next page; that
/// command shows the rest and nothing twice.
fn lists_cut_at_their_limit_say_so_and_offer_the_rest(b: &Book) {
    for name in ["Ana", "Bea", "Cid", "Dan", "Eva"] {
        b.ok(&["contact", "add", name]);
    }
    let first = b.ok(&["contact", "list", "--limit", "2"]);
    assert!(
        first.contains("Ana") && first.contains("Bea") && !first.contains("Cid"),
        "{first}"
    );
    let hint = first
        .lines()
        .find_map(|l| l.strip_prefix("... more contacts: rapport "))
        .unwrap_or_else(|| panic!("no hint: {first}"));
    let args: Vec<&str> = hint.split_whitespace().collect();
    let second = b.ok(&args);
    assert!(second.contains("Cid") && second.contains("Dan"), "{second}");
    assert!(
        !second.contains("Ana") && !second.contains("Eva"),
        "{second}"
    );
    let all = b.ok(&["contact", "list", "--limit", "5"]);
    assert!(!all.contains("... more"), "nothing is cut: {all}");
    // JSON stays JSON on stdout; the hint goes to stderr.
    let out = b.run(&["contact", "list", "--limit", "2", "--json"]);
    let listed: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("... more contacts"));

    for (who, title) in [("ana", "One"), ("bea", "Two"), ("cid", "Three")] {
        b.ok(&["deal", "add", who, title]);
    }
    let page = b.json(&["deal", "list", "--limit", "2"]);
    assert_eq!(page["more"], 1, "{page}");
    let next = page["next"].as_str().expect("next").to_owned();
    let text = b.ok(&["deal", "list", "--limit", "2"]);
    assert!(
        text.contains(&format!(
            "... and 1 more: rapport deal list --after {next} --limit 2"
        )),
        "{text}"
    );
    let rest = b.json(&["deal", "list", "--limit", "2", "--after", &next]);
    assert_eq!(rest["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(rest["more"], 0);
}

/// Issue 20: references a newcomer can use (the start of an id, `--org` among namesakes, an
/// ambiguity that counts and lists every match), and creates whose stdout is the id alone.
fn references_a_newcomer_can_use(b: &Book) {
    let add = |args: &[&str]| {
        let out = b.run(args);
        assert!(out.status.success(), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            uuid_like(&stdout),
            "{args:?}: the new id alone on stdout, got {stdout:?}"
        );
        assert!(!stderr.trim().is_empty(), "{args:?}: a summary on stderr");
        stdout
    };
    let vins = add(&[
        "contact",
        "add",
        "Élodie Martin",
        "--org",
        "Vins du Rhône",
        "--email",
        "e@vins.example",
    ]);
    let bank = add(&["contact", "add", "Élodie Martin", "--org", "Banque Alpine"]);
    for i in 0..25 {
        add(&["contact", "add", &format!("Élodie Martin{i:02}")]);
    }
    // 27 start with "elodie": counted in full, each listed with what tells them apart.
    let stderr = b.fails(&["contact", "show", "elodie martin"], 4);
    assert!(
        stderr.contains("\"elodie martin\" matches 2 contacts"),
        "the namesakes, not every longer name: {stderr}"
    );
    let stderr = b.fails(&["contact", "show", "elodie"], 4);
    assert!(
        stderr.contains("\"elodie\" matches 27 contacts"),
        "{stderr}"
    );
    add(&["contact", "add", "Elo Other"]);
    let stderr = b.fails(&["contact", "show", "elo"], 4);
    assert!(
        stderr.contains("\"elo\" matches 28 contacts"),
        "every match counted: {stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("  ")).count(),
        28,
        "every match listed: {stderr}"
    );
    assert!(
        stderr.contains("Élodie Martin, Vins du Rhône, e@vins.example, prospect ["),
        "{stderr}"
    );
    assert!(stderr.contains("hint: add --org"), "{stderr}");
    // --org picks among namesakes, for any command that names a contact.
    let shown = b.json(&["contact", "show", "elodie martin", "--org", "vins"]);
    assert_eq!(shown["id"], vins.as_str());
    let promise = b.ok(&[
        "promise",
        "elodie martin",
        "Send the quote",
        "--due",
        "+3w",
        "--org",
        "BANQUE",
    ]);
    let id = promise.trim();
    let hers = b
        .json(&["commitments", "elodie martin", "--org", "banque"])
        .to_string();
    assert!(hers.contains(id) && hers.contains(&bank), "{hers}");
    let other = b
        .json(&["commitments", "elodie martin", "--org", "vins"])
        .to_string();
    assert!(!other.contains(id), "{other}");
    b.fails(&["contact", "show", "elodie martin", "--org", "nowhere"], 3);
    // The start of an id, as git takes a commit: unique resolves, shared is ambiguous.
    let start = &vins[..23];
    assert_eq!(b.json(&["contact", "show", start])["id"], vins.as_str());
    let shared = &vins[..6];
    let out = b.run(&["contact", "show", shared]);
    assert!(matches!(out.status.code(), Some(0 | 4)), "{out:?}");
    b.fails(&["contact", "show", "0000000000ff"], 3);
    // Typed without its hyphens, the start of an id still finds it.
    let plain: String = vins.chars().filter(|c| *c != '-').take(24).collect();
    assert_eq!(b.json(&["contact", "show", &plain])["id"], vins.as_str());
    // --org with no contact named has nothing to pick among.
    b.fails(&["commitments", "--org", "vins"], 2);
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// Issue 20: the CLI as a first-class way in: completions, a manual, and a closed pipe that
/// ends quietly.
fn completions_manual_and_a_closed_pipe(b: &Book) {
    let bash = b.ok(&["completions", "bash"]);
    assert!(
        bash.contains("_rapport()") && bash.contains("commitments"),
        "bash"
    );
    let fish = b.ok(&["completions", "fish"]);
    assert!(fish.contains("complete -c rapport"), "fish");
    let zsh = b.ok(&["completions", "zsh"]);
    assert!(zsh.contains("#compdef rapport"), "zsh");
    b.fails(&["completions", "tcsh-ish"], 2);
    let man = b.ok(&["man"]);
    assert!(
        man.contains(".TH rapport 1") && man.contains("commitments"),
        "man"
    );
    let dir = b.dir.path().join("man");
    b.ok(&["man", "--dir", dir.to_str().expect("utf-8 path")]);
    let page = std::fs::read_to_string(dir.join("rapport-contact-add.1")).expect("a page");
    assert!(page.contains("\\-\\-email"), "{page}");

    // Far more JSON than a pipe holds, read a little of, then the pipe closed.
    b.ok(&["demo", "--contacts", "300"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["commitments", "--all", "--json"])
        .env("RAPPORT_DB", &b.url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().expect("stdout"), &mut first).expect("read");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

on_both_books!(
    completions_manual_and_a_closed_pipe,
    references_a_newcomer_can_use,
    lists_cut_at_their_limit_say_so_and_offer_the_rest,
    users_workspaces_and_tokens_from_the_command_line,
    contacts_facts_and_timeline,
    edit_archive_restore,
    bad_input_is_refused_and_writes_nothing,
    demo_books_are_deterministic_and_resumable,
);

fn demo_books_are_deterministic_and_resumable(b: &Book) {
    let demo = |n: &str, seed: &str| {
        b.json(&[
            "demo",
            "--contacts",
            n,
            "--seed",
            seed,
            "--batch",
            "500",
            "--anchor",
            "2026-11-25",
        ])
    };
    let first = demo("1200", "9");
    assert_eq!(first["contacts_written"], 1200);
    assert_eq!(first["resumed_after"], 0);
    // Deals, gestures and introductions come with the book.
    for key in ["deals_written", "gestures_written", "referrals_written"] {
        assert!(
            first[key].as_u64().is_some_and(|n| n > 50),
            "{key}: {first}"
        );
    }
    let advocates = b.json(&["advocates"]);
    assert!(
        advocates[0]["referred"].as_u64().is_some_and(|n| n >= 1),
        "{advocates}"
    );
    let won = b.json(&["deal", "list", "--limit", "1000"]);
    assert!(
        won["items"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["stage"] == "won")
                && d.iter().any(|d| d["stage"] == "negotiation")),
        "a realistic pipeline"
    );
    // Asking again for the same book writes nothing; asking for a bigger one adds the rest.
    let again = demo("1200", "9");
    assert_eq!(again["contacts_written"], 0);
    // The earlier run's last batch was short (1000..1200): resuming starts right after it.
    let more = demo("2000", "9");
    assert_eq!(
        more["resumed_after"], 1200,
        "resumes after the last contact of the book"
    );
    assert_eq!(more["contacts_written"], 800);
    assert_eq!(
        b.json(&["contact", "list", "--limit", "1000"])
            .as_array()
            .map(Vec::len),
        Some(1000)
    );
    let all: Vec<Value> = page_all(b);
    assert_eq!(all.len(), 2000);
    let types: std::collections::HashSet<_> = all
        .iter()
        .map(|c| c["relationship"].as_str().expect("type").to_owned())
        .collect();
    assert_eq!(types.len(), 9, "every relationship type is in the book");

    // The same seed in another database gives the very same book, ids included.
    let other = Book::sqlite();
    other.json(&[
        "demo",
        "--contacts",
        "2000",
        "--seed",
        "9",
        "--batch",
        "700",
        "--anchor",
        "2026-11-25",
    ]);
    // Each database has its own owner; everything else, ids included, is the same.
    let without_owner = |book: Vec<Value>| -> Vec<Value> {
        book.into_iter()
            .map(|mut c| {
                c.as_object_mut().expect("object").remove("owner_id");
                c
            })
            .collect()
    };
    assert_eq!(without_owner(page_all(&other)), without_owner(all.clone()));
    let third = Book::sqlite();
    third.json(&[
        "demo",
        "--contacts",
        "50",
        "--seed",
        "10",
        "--anchor",
        "2026-11-25",
    ]);
    assert_ne!(page_all(&third)[0]["id"], all[0]["id"]);
}

fn page_all(b: &Book) -> Vec<Value> {
    let mut all = Vec::new();
    loop {
        let mut args = vec!["contact", "list", "--limit", "1000"];
        let last = all
            .last()
            .map(|c: &Value| c["id"].as_str().expect("id").to_owned());
        if let Some(id) = &last {
            args.extend(["--after", id.as_str()]);
        }
        let page = b.json(&args);
        let page = page.as_array().expect("list").clone();
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

#[test]
fn with_no_database_given_an_sqlite_file_is_made_under_xdg_data_home() {
    let home = tempfile::tempdir().expect("temp dir");
    let xdg = home.path().join("xdg");
    let run = |xdg_set: bool, args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapport"));
        cmd.args(args)
            .env_remove("RAPPORT_DB")
            .env("HOME", home.path());
        if xdg_set {
            cmd.env("XDG_DATA_HOME", &xdg);
        } else {
            cmd.env_remove("XDG_DATA_HOME");
        }
        let out = cmd.output().expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    run(true, &["contact", "add", "Ana"]);
    assert!(xdg.join("rapport/rapport.db").is_file());
    assert!(run(true, &["contact", "list"]).contains("Ana"));
    run(false, &["contact", "add", "Bea"]);
    assert!(
        home.path()
            .join(".local/share/rapport/rapport.db")
            .is_file()
    );
    let listed = run(false, &["contact", "list", "--json"]);
    assert!(listed.contains("Bea") && !listed.contains("\"Ana\""));
}

/// A `kill -9` in the middle of `rapport demo` leaves a database that opens, passes
/// `PRAGMA integrity_check`, and holds only whole batches: exactly the facts and
/// interactions of the contacts present, and a rerun resumes from there.
#[test]
fn killing_demo_mid_write_leaves_only_whole_batches() {
    use rapport_core::demo::DemoBook;
    let b = Book::sqlite();
    let path = b.url.clone();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args([
            "demo",
            "--contacts",
            "500000",
            // Transactions of 5,000 contacts, each written in parts of 2,000, 2,000, 1,000.
            "--batch",
            "5000",
            "--seed",
            "3",
            "--anchor",
            "2026-11-25",
        ])
        .env("RAPPORT_DB", &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start demo");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let count = |sql: &'static str| {
        rt.block_on(async {
            let opts = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .read_only(true);
            match sqlx::SqlitePool::connect_with(opts).await {
                Ok(pool) => {
                    let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap_or(0);
                    pool.close().await;
                    n
                }
                Err(_) => 0,
            }
        })
    };
    let started = std::time::Instant::now();
    // Readers see whole transactions only, never a part of one.
    let mut seen = Vec::new();
    while seen.last().is_none_or(|&n| n < 15_000) {
        seen.push(count("SELECT COUNT(*) FROM contacts"));
        assert!(
            seen.last().is_some_and(|n| n % 5000 == 0),
            "a reader saw part of a transaction: {seen:?}"
        );
        assert!(
            started.elapsed().as_secs() < 120,
            "demo did not write 3 batches in 2 minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(37));
    child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
    let status = child.wait().expect("reap");
    assert!(!status.success(), "the demo was still running when killed");

    let (contacts, facts, interactions, commitments, integrity, fk_problems, owner) =
        rt.block_on(async {
            let db = rapport_store::Db::open_sqlite(Path::new(&path))
                .await
                .expect("the database opens");
            let rapport_store::Db::Sqlite(sqlite) = &db else {
                unreachable!("sqlite")
            };
            let pool = &sqlite.reader;
            let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(pool)
                .await
                .expect("check");
            let fk: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                    .fetch_all(pool)
                    .await
                    .expect("fk");
            let n = |sql: &'static str| async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(pool)
                    .await
                    .expect("count")
            };
            let owner: String = sqlx::query_scalar("SELECT user_id FROM memberships LIMIT 1")
                .fetch_one(pool)
                .await
                .expect("owner");
            let out = (
                n("SELECT COUNT(*) FROM contacts").await,
                n("SELECT COUNT(*) FROM facts").await,
                n("SELECT COUNT(*) FROM interactions").await,
                n("SELECT COUNT(*) FROM commitments").await,
                integrity,
                fk.len(),
                owner,
            );
            db.close().await;
            out
        });
    assert_eq!(integrity, "ok");
    assert_eq!(fk_problems, 0);
    assert!(
        (15_000..500_000).contains(&contacts),
        "killed mid-run: {contacts}"
    );
    assert_eq!(contacts % 5000, 0, "only whole transactions: {contacts}");
    let book = DemoBook {
        seed: 3,
        anchor: jiff::civil::date(2026, 11, 25),
        owner: rapport_core::ids::UserId::from_stored(owner),
        commitments_per_contact: 3,
        interactions_per_contact: None,
    };
    let (mut want_facts, mut want_interactions, mut want_commitments) = (0, 0, 0);
    for i in 0..contacts as u64 {
        let e = book.entry(i);
        want_facts += e.facts.len() as i64;
        want_interactions += e.interactions.len() as i64;
        want_commitments += e.commitments.len() as i64;
    }
    assert_eq!(
        (facts, interactions, commitments),
        (want_facts, want_interactions, want_commitments),
        "each batch is whole"
    );

    let total = (contacts + 2000).to_string();
    let resumed = b.json(&[
        "demo",
        "--contacts",
        &total,
        "--batch",
        "1000",
        "--seed",
        "3",
        "--anchor",
        "2026-11-25",
    ]);
    assert_eq!(resumed["resumed_after"], contacts);
    assert_eq!(resumed["contacts_written"], 2000);
}

/// `rapport serve` on the same database as the CLI: it prints a one-time set-up link and
/// answers /healthz.
#[test]
fn serve_prints_a_set_up_link_and_answers() {
    use std::io::{BufRead as _, Read as _, Write as _};
    let b = Book::sqlite();
    b.ok(&["contact", "add", "Ana Lima"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("RAPPORT_DB", &b.url)
        .env("HOME", b.dir.path())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let mut addr = None;
    let mut link = None;
    for line in lines.by_ref().take(5) {
        let line = line.expect("line");
        if let Some(rest) = line.split("http://").nth(1) {
            if line.contains("/setup/") {
                link = Some(rest.trim().to_owned());
                break;
            }
            addr = rest.split('/').next().map(str::to_owned);
        }
    }
    let addr = addr.expect("the address it serves on");
    assert!(link.is_some_and(|l| l.starts_with(&format!("{addr}/setup/"))));
    let mut s = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        s,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"status\":\"ok\""), "{answer}");
}

/// `rapport contact list | head -c 10`: a reader that stops early is no error.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::io::Read as _;
    let b = Book::sqlite();
    b.ok(&["demo", "--contacts", "1200", "--anchor", "2026-11-25"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["contact", "list", "--limit", "1000"])
        .env("RAPPORT_DB", &b.url)
        .env("HOME", b.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run rapport");
    let mut first = [0u8; 10];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The reading end is dropped here, before the list is written out.
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
