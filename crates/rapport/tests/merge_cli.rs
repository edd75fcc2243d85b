//! Finding and merging duplicates from the command line, on both backends: `rapport contact
//! duplicates` ranks likely pairs with the reason and pages them; `rapport contact merge KEEP
//! OTHER` moves everything of OTHER into KEEP in one transaction (a dry run writes nothing),
//! scores trust again, and leaves OTHER archived pointing to KEEP.

use serde_json::Value;

#[macro_use]
mod common;
use common::Book;
use rapport_test_support::on_both_books;

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

/// Adds a contact; returns its id.
fn add(b: &Book, args: &[&str]) -> String {
    let mut all = vec!["contact", "add"];
    all.extend_from_slice(args);
    id(&b.json(&all))
}

fn pairs(b: &Book, args: &[&str]) -> Value {
    let mut all = vec!["contact", "duplicates"];
    all.extend_from_slice(args);
    b.json(&all)
}

fn duplicates_are_found_ranked_and_merged_whole(b: &Book) {
    let ana = add(b, &["Ana Lima", "--org", "Acme", "--email", "ana@acme.com"]);
    let dup = add(
        b,
        &[
            "Ana  lima",
            "--org",
            "Globex",
            "--email",
            "ANA@Acme.com",
            "--phone",
            "+33 6 12 34 56 78",
            "--tag",
            "golf",
            "--type",
            "customer",
            "--vip",
        ],
    );
    let bo = add(b, &["Bo Chen", "--phone", "+1 415 555 0100"]);
    let carl = add(b, &["Carl Diaz"]);
    // Namesakes at two organisations are two people.
    add(b, &["Sam Roy", "--org", "Initech"]);
    add(b, &["Sam Roy", "--org", "Globex"]);

    // What the duplicate has: facts (one repeating Ana's), a call with a promise made in it
    // and kept, one of theirs broken, a request, a deal, a gesture, introductions both ways.
    b.ok(&["fact", "add", &ana, "--kind", "interest", "Golf"]);
    b.ok(&["fact", "add", &dup, "--kind", "interest", "golf "]);
    b.ok(&["fact", "add", &dup, "--kind", "note", "Has two kids"]);
    let call = b.json(&["log", &dup, "--kind", "call", "Talked about the renewal"]);
    let call = call["interaction"]["id"]
        .as_str()
        .or_else(|| call["id"].as_str())
        .expect("the call's id")
        .to_owned();
    let mine = id(&b.json(&[
        "promise",
        &dup,
        "Send the quote",
        "--due",
        "2026-11-02",
        "--from",
        &call,
    ]));
    b.ok(&["kept", &mine, "--on", "2026-11-01"]);
    let theirs = id(&b.json(&["expect", &dup, "Sign the order", "--due", "2026-11-03"]));
    b.ok(&["broken", &theirs]);
    b.ok(&["request", &dup, "A discount for two years"]);
    b.ok(&["deal", "add", &dup, "Renewal", "--value", "1200"]);
    b.ok(&[
        "gesture",
        "add",
        &dup,
        "--kind",
        "gift",
        "Golf balls",
        "--cost",
        "30",
    ]);
    b.ok(&["referral", &carl, &dup]);
    b.ok(&["referral", &dup, &bo]);
    let trust_before = b.json(&["trust", &dup]);

    // Ranked: the shared email (the same name at two organisations says nothing); Sam Roy
    // twice is no pair.
    let list = pairs(b, &[]);
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["next_offset"], Value::Null);
    let p = &list["items"][0];
    assert_eq!(
        p["keep"]["id"],
        ana.as_str(),
        "the older contact is the one to keep"
    );
    assert_eq!(p["other"]["id"], dup.as_str());
    assert_eq!(p["reasons"][0]["kind"], "email");
    assert_eq!(p["reasons"].as_array().map(Vec::len), Some(1), "{p}");
    assert_eq!(p["score"], 8);
    assert!(
        p["why"].as_str().expect("why").starts_with("same email "),
        "{p}"
    );
    let text = b.ok(&["contact", "duplicates"]);
    assert!(
        text.contains(&format!("rapport contact merge {ana} {dup}")),
        "{text}"
    );

    // A dry run says what would move and writes nothing.
    let dry = b.json(&["contact", "merge", &ana, &dup, "--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["moved"]["commitments"], 2);
    assert_eq!(pairs(b, &[])["total"], 1, "a dry run writes nothing");
    assert_eq!(
        b.json(&["contact", "show", &dup])["archived_at"],
        Value::Null
    );

    let merged = b.json(&["contact", "merge", &ana, &dup]);
    let moved = &merged["moved"];
    for (what, n) in [
        ("facts", 1),
        ("same_facts", 1),
        ("interactions", 1),
        ("commitments", 2),
        ("requests", 1),
        ("deals", 1),
        ("gestures", 1),
        ("introductions", 2),
    ] {
        assert_eq!(moved[what], n, "{what}: {moved}");
    }
    assert_eq!(merged["dry_run"], false);
    assert_eq!(
        merged["note"], "Merged from Ana lima: also at Globex",
        "{merged}"
    );

    // Ana now has everything: one email (the same in another case), the phone, the tag, VIP,
    // the type; both facts once; the call; the promises with their history; the request,
    // the deal, the gesture; the introductions.
    let card = b.json(&["contact", "show", &ana]);
    assert_eq!(card["emails"], serde_json::json!(["ana@acme.com"]));
    assert_eq!(card["phones"], serde_json::json!(["+33 6 12 34 56 78"]));
    assert_eq!(card["tags"], serde_json::json!(["golf"]));
    assert_eq!(card["vip"], true);
    assert_eq!(card["relationship"], "customer");
    let facts: Vec<&str> = card["facts"]
        .as_array()
        .expect("facts")
        .iter()
        .map(|f| f["text"].as_str().expect("text"))
        .collect();
    assert_eq!(
        facts
            .iter()
            .filter(|t| t.eq_ignore_ascii_case("golf"))
            .count(),
        1
    );
    assert!(facts.contains(&"Has two kids"), "{facts:?}");
    assert!(
        facts.iter().any(|t| t.starts_with("Merged from")),
        "{facts:?}"
    );
    let timeline = b.json(&["timeline", &ana]);
    let items = timeline["interactions"].as_array().expect("interactions");
    assert!(items.iter().any(|i| i["id"] == call.as_str()), "{timeline}");
    let promises = b.json(&["commitments", &ana, "--all"]);
    let promises = promises.as_array().expect("a list");
    assert_eq!(promises.len(), 2);
    assert!(promises.iter().all(|c| c["contact_id"] == ana.as_str()));
    let history = b.json(&["history", &mine]);
    let last = history
        .as_array()
        .expect("history")
        .last()
        .expect("an entry")
        .clone();
    assert_eq!(
        last["action"], "moved from Ana lima to Ana Lima (merged)",
        "{history}"
    );
    let deals = b.json(&["deal", "list", "--contact", &ana]);
    let deals = deals["items"]
        .as_array()
        .or(deals.as_array())
        .expect("deals");
    assert_eq!(deals.len(), 1, "{deals:?}");
    assert_eq!(
        b.json(&["requests", &ana]).as_array().map(Vec::len),
        Some(1)
    );
    let advocates = b.json(&["advocates"]);
    let names: Vec<&str> = advocates
        .as_array()
        .expect("advocates")
        .iter()
        .map(|a| a["name"].as_str().unwrap_or(""))
        .collect();
    assert!(
        names.contains(&"Ana Lima"),
        "Ana introduced Bo: {advocates}"
    );
    assert!(
        names.contains(&"Carl Diaz"),
        "Carl introduced Ana: {advocates}"
    );

    // Trust moved with the ledger, and the stored score is the one the ledger gives.
    // (Read a moment apart, evidence decays by a hair.)
    let close = |a: &Value, b: &Value| {
        let (a, b) = (a.as_f64().expect("a number"), b.as_f64().expect("a number"));
        a > 0.0 && (a - b).abs() < 1e-6 * a
    };
    let trust = b.json(&["trust", &ana]);
    for d in ["mine", "theirs"] {
        assert!(
            close(&trust[d]["evidence"], &trust_before[d]["evidence"]),
            "{d}: {trust} vs {trust_before}"
        );
        assert_eq!(trust[d]["band"], trust_before[d]["band"], "{d}");
    }
    b.ok(&["rescore"]);
    let rescored = b.json(&["trust", &ana]);
    for d in ["mine", "theirs"] {
        assert!(
            close(&rescored[d]["evidence"], &trust[d]["evidence"]),
            "{d}"
        );
    }

    // The duplicate is archived, points to Ana, and holds no email an import could find.
    let gone = b.json(&["contact", "show", &dup]);
    assert_eq!(gone["merged_into"], ana.as_str());
    assert!(gone["archived_at"].is_string());
    assert_eq!(gone["emails"], serde_json::json!([]));
    let err = b.fails(&["contact", "restore", &dup], 5);
    assert!(err.contains("was merged into Ana Lima"), "{err}");
    let err = b.fails(&["contact", "merge", &ana, &dup], 5);
    assert!(err.contains("already merged into Ana Lima"), "{err}");
    // The old id leads to Ana for anything written or read, and never archives her.
    b.ok(&["log", &dup, "Called back about the quote"]);
    b.ok(&["fact", "add", &dup, "--kind", "note", "Prefers mornings"]);
    let timeline = b.json(&["timeline", &dup]);
    assert_eq!(timeline["contact"]["id"], ana.as_str());
    assert_eq!(timeline["interactions"].as_array().map(Vec::len), Some(2));
    let facts = b.json(&["contact", "show", &ana])["facts"].to_string();
    assert!(facts.contains("Prefers mornings"), "{facts}");
    b.fails(&["contact", "archive", &dup], 5);
    assert_eq!(
        b.json(&["contact", "show", &ana])["archived_at"],
        Value::Null
    );
    let out = b.run(&["contact", "add", "Ana L.", "--email", "ana@ACME.com"]);
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(warned.contains(&ana) && !warned.contains(&dup), "{warned}");
    assert_eq!(pairs(b, &[])["total"], 1, "Ana L. shares Ana's email");
}

fn bad_merges_are_refused_and_change_nothing(b: &Book) {
    let ana = add(b, &["Ana Lima", "--email", "ana@acme.com"]);
    let dup = add(b, &["Ana Lima", "--email", "ana@ACME.com"]);
    let err = b.fails(&["contact", "merge", &ana, &ana], 2);
    assert!(err.contains("same contact"), "{err}");
    b.fails(
        &[
            "contact",
            "merge",
            &ana,
            "01a24e65-0000-7000-8000-000000000000",
        ],
        3,
    );
    // Two namesakes named by name: which is which must be said.
    let err = b.fails(&["contact", "merge", "Ana Lima", &dup], 4);
    assert!(
        err.contains(&ana[..23]) && err.contains(&dup[..23]),
        "{err}"
    );
    // An archived contact cannot be the one kept.
    b.ok(&["contact", "archive", &ana]);
    let err = b.fails(&["contact", "merge", &ana, &dup], 5);
    assert!(err.contains("restore it first"), "{err}");
    // But an archived duplicate can be merged into a live contact.
    b.ok(&["contact", "merge", &dup, &ana]);
    assert_eq!(
        b.json(&["contact", "show", &ana])["merged_into"],
        dup.as_str()
    );
    assert_eq!(
        b.json(&["contact", "show", &dup])["archived_at"],
        Value::Null
    );
    // Merged again: what was merged into it leads to the last one kept.
    let third = add(b, &["Ana Third"]);
    b.ok(&["contact", "merge", &third, &dup]);
    assert_eq!(
        b.json(&["contact", "show", &ana])["merged_into"],
        third.as_str()
    );
    let err = b.fails(&["contact", "restore", &ana], 5);
    assert!(err.contains("was merged into Ana Third"), "{err}");
}

/// One message to both of a person's addresses was logged with both contacts: merged, it is
/// one conversation, and a promise recorded from the merged copy is from the kept one.
fn a_message_logged_with_both_is_one_conversation_after_the_merge(b: &Book) {
    let ana = add(b, &["Ana Lima", "--email", "ana@acme.com"]);
    let home = add(b, &["Ana (home)", "--email", "ana.lima@home.example"]);
    let eml = b.dir.path().join("one.eml");
    std::fs::write(
        &eml,
        "From: Me <me@work.example>\r\nTo: ana@acme.com, ana.lima@home.example\r\n\
         Subject: The quote\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n\
         Message-ID: <quote-1@work.example>\r\n\r\nHere is the quote.\r\n",
    )
    .expect("write the message");
    let path = eml.display().to_string();
    b.ok(&["mail", "import", &path, "--me", "me@work.example"]);
    let copy = b.json(&["timeline", &home])["interactions"][0]["id"]
        .as_str()
        .expect("the conversation with the home address")
        .to_owned();
    let from_copy = id(&b.json(&[
        "promise",
        &home,
        "Send the signed quote",
        "--due",
        "+3d",
        "--from",
        &copy,
    ]));
    let merged = b.json(&["contact", "merge", &ana, &home]);
    assert_eq!(merged["moved"]["same_messages"], 1, "{merged}");
    assert_eq!(merged["moved"]["interactions"], 0, "{merged}");
    let timeline = b.json(&["timeline", &ana]);
    let items = timeline["interactions"].as_array().expect("interactions");
    assert_eq!(items.len(), 1, "one conversation: {timeline}");
    let history = b.json(&["history", &from_copy]);
    let last = history.as_array().and_then(|h| h.last()).expect("history");
    assert_eq!(
        last["snapshot"]["source_interaction_id"], items[0]["id"],
        "{history}"
    );
    // Importing the message again logs nothing new.
    b.ok(&["mail", "import", &path, "--me", "me@work.example"]);
    assert_eq!(
        b.json(&["timeline", &ana])["interactions"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

fn a_long_list_of_pairs_is_paged_and_says_so(b: &Book) {
    for i in 0..3 {
        let email = format!("p{i}@example.com");
        add(b, &[&format!("Person {i}"), "--email", &email]);
        add(b, &[&format!("Someone {i}"), "--email", &email]);
    }
    let out = b.run(&["contact", "duplicates", "--limit", "2", "--json"]);
    assert!(out.status.success());
    let first: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(first["total"], 3);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["next_offset"], 2);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("rapport contact duplicates --offset 2 --limit 2"),
        "{said}"
    );
    let rest = pairs(b, &["--offset", "2", "--limit", "2"]);
    assert_eq!(rest["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(rest["next_offset"], Value::Null);
    let text = b.ok(&["contact", "duplicates", "--limit", "1"]);
    assert!(text.contains("more pairs (2 left)"), "{text}");
    b.fails(&["contact", "duplicates", "--limit", "0"], 2);
}

on_both_books!(
    a_message_logged_with_both_is_one_conversation_after_the_merge,
    duplicates_are_found_ranked_and_merged_whole,
    bad_merges_are_refused_and_change_nothing,
    a_long_list_of_pairs_is_paged_and_says_so,
);
