//! The ledger commands as a user runs them, on both backends.

use serde_json::Value;

#[macro_use]
mod common;
use common::Book;
use rapport_test_support::on_both_books;

fn setup(b: &Book) {
    b.ok(&["contact", "add", "Élodie Martin", "--type", "customer"]);
    b.ok(&["contact", "add", "Bruno Costa"]);
}

/// The ledger as stored: the list without its forecasts (a forecast is a reading that moves
/// with the clock, as recent outcomes weigh less by the second).
fn ledger(b: &Book) -> Value {
    let mut list = b.json(&["commitments"]);
    for c in list.as_array_mut().expect("a list") {
        if let Some(o) = c.as_object_mut() {
            o.remove("forecast");
            o.remove("forecast_reason");
        }
    }
    list
}

/// `promise` prints the new id alone on stdout.
fn promise(b: &Book, args: &[&str]) -> String {
    let mut all = vec!["promise"];
    all.extend_from_slice(args);
    let out = b.ok(&all);
    let id = out.trim().to_owned();
    assert_eq!(id.len(), 36, "an id alone on stdout: {out:?}");
    id
}

fn promises_outcomes_and_trust(b: &Book) {
    setup(b);
    let created = b.json(&["promise", "elodie", "Send samples", "--due", "+2d"]);
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(created["status"], "open");
    assert_eq!(created["direction"], "mine");
    assert_eq!(created["size"], "normal");
    b.ok(&["kept", &id]);

    // A new relationship is not yet known: no number, no band.
    let fresh = b.json(&["trust", "bruno"]);
    for d in ["mine", "theirs"] {
        assert_eq!(fresh[d]["status"], "unknown");
        assert_eq!(fresh[d]["score"], Value::Null);
        assert_eq!(fresh[d]["band"], Value::Null);
        assert_eq!(fresh[d]["uncertainty"], 1.0);
    }
    assert_eq!(fresh["gap"], false);

    // Six promises kept today: a number, 7/8 = 87.5 (good).
    for i in 0..5 {
        let id = promise(
            b,
            &[
                "elodie",
                &format!("Follow-up {i}"),
                "--due",
                "+1w",
                "--size",
                "normal",
            ],
        );
        b.ok(&["kept", &id]);
    }
    let t = b.json(&["trust", "elodie"]);
    let mine = &t["mine"];
    assert_eq!(mine["status"], "known");
    let score = mine["score"].as_f64().expect("score");
    assert!((score - 87.5).abs() < 0.01, "{score}");
    assert_eq!(mine["band"], "good");
    assert_eq!(mine["reliability"], 1.0);
    assert_eq!(mine["candour"], Value::Null);
    for key in ["uncertainty", "evidence"] {
        assert!(mine[key].is_number(), "{key}");
    }
    let explanation = mine["explanation"].as_array().expect("explanation");
    assert_eq!(explanation.len(), 6);
    for e in explanation {
        for key in ["commitment_id", "text", "outcome", "contribution"] {
            assert!(!e[key].is_null(), "{key} in {e}");
        }
    }
    let sum: f64 = explanation
        .iter()
        .map(|e| e["contribution"].as_f64().expect("c"))
        .sum();
    assert!(
        (50.0 + sum - score).abs() < 1e-6,
        "contributions explain the score exactly"
    );
    assert!(mine["next"]["kept"].as_f64().expect("next kept") > 0.0);
    assert!(mine["next"]["broken"].as_f64().expect("next broken") < -10.0);
    assert_eq!(t["theirs"]["status"], "unknown");
    assert_eq!(t["contact"]["name"], "Élodie Martin");

    // They broke one promise to me: an early read of them, low.
    let theirs = b.ok(&["expect", "elodie", "Pay the deposit", "--due", "yesterday"]);
    b.ok(&["broken", theirs.trim()]);
    let t = b.json(&["trust", "elodie"]);
    assert_eq!(t["theirs"]["status"], "early");
    assert_eq!(t["theirs"]["band"], "low");
    assert_eq!(t["theirs"]["score"], Value::Null);
    assert_eq!(
        t["mine"]["score"].as_f64().map(|s| (s * 100.0).round()),
        Some(8750.0),
        "mine unchanged"
    );

    // As it stood yesterday: nothing was resolved yet.
    let before = b.json(&["trust", "elodie", "--at", "yesterday"]);
    assert_eq!(before["mine"]["status"], "unknown");

    let listed = b.json(&["commitments", "elodie", "--theirs"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["status"], "broken");
    assert!(
        b.json(&["commitments", "--open"])
            .as_array()
            .expect("list")
            .is_empty()
    );
    let history = b.json(&["history", &id]);
    let actions: Vec<_> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["action"].as_str().expect("a"))
        .collect();
    assert_eq!(actions, vec!["created", "kept"]);
    let rescored = b.json(&["rescore"]);
    assert_eq!(rescored["scores"], 2);
    // The human form reads as a sentence.
    let text = b.ok(&["trust", "elodie"]);
    assert!(
        text.contains(", good") && text.contains("6 kept on time in"),
        "{text}"
    );
}

fn bad_news_renegotiation_and_requests(b: &Book) {
    setup(b);
    let id = promise(
        b,
        &[
            "elodie",
            "Deliver 40 cases",
            "--due",
            "+3d",
            "--size",
            "major",
        ],
    );
    b.ok(&["at-risk", &id, "--reason", "Supplier is late"]);
    let open = b.json(&["commitments", "--open", "--mine"]);
    assert!(open[0]["at_risk"]["reason"] == "Supplier is late" && open[0]["told_at"].is_null());
    b.ok(&["told", &id]);
    let next = b.json(&["renegotiate", &id, "--due", "+10d"]);
    let next_id = next["id"].as_str().expect("id").to_owned();
    assert_ne!(next_id, id);
    assert_eq!(next["predecessor_id"], id.as_str());
    b.ok(&["kept", &next_id]);
    let t = b.json(&["trust", "elodie"]);
    let outcomes: Vec<_> = t["mine"]["explanation"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["outcome"].as_str().expect("o").to_owned())
        .collect();
    assert!(
        outcomes.contains(&"told_early".to_owned())
            && outcomes.contains(&"kept_on_time".to_owned())
    );
    let latency = b.json(&["latency"]);
    assert_eq!(latency[0]["bad_news"]["count"], 1);

    let r = b.ok(&["request", "elodie", "A discount on 50 cases"]);
    let r = r.trim();
    assert_eq!(
        b.json(&["requests", "--open"]).as_array().map(Vec::len),
        Some(1)
    );
    b.ok(&["why", r, "Their budget closes in December"]);
    b.ok(&["answer", r, &next_id]);
    assert!(
        b.json(&["requests", "--open"])
            .as_array()
            .expect("list")
            .is_empty()
    );
    let all = b.json(&["requests", "elodie"]);
    assert_eq!(all[0]["why"], "Their budget closes in December");
    assert_eq!(all[0]["answered_by"], next_id.as_str());
}

fn bad_input_gets_a_clear_error_and_writes_nothing(b: &Book) {
    setup(b);
    for i in 0..5 {
        promise(b, &["bruno", &format!("Task {i}"), "--due", "2030-01-15"]);
    }
    let kept = promise(b, &["bruno", "Done already", "--due", "2030-01-16"]);
    b.ok(&["kept", &kept]);
    let before = ledger(b);
    let unknown = "0192f0c4-7a3b-7c00-8000-000000000001";
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["promise", "bruno", "Task 6", "--due", "2030-01-15"],
            5,
            "already has 5 open promises",
        ),
        (
            &["promise", "bruno", "x", "--due", "someday"],
            2,
            "not a date",
        ),
        (
            &["promise", "bruno", "x", "--due", "2030-02-30"],
            2,
            "not a date",
        ),
        (&["promise", "bruno", "   ", "--due", "fri"], 2, "empty"),
        (
            &["promise", "bruno", "x", "--due", "fri", "--size", "huge"],
            2,
            "unknown size",
        ),
        (&["promise", "nobody", "x", "--due", "fri"], 3, "no contact"),
        (&["kept", unknown], 3, "no commitment"),
        (&["kept", "not-an-id"], 3, "not a commitment id"),
        (&["kept", &kept], 5, "already kept"),
        (
            &["broken", &kept, "--on", "last tuesday-ish"],
            2,
            "not a date",
        ),
        (&["kept", &kept, "--correct"], 5, "must change"),
        (
            &["renegotiate", &kept, "--due", "+1w"],
            5,
            "only an open commitment",
        ),
        (&["at-risk", &kept], 5, "only an open commitment"),
        (&["told", &kept, "--on", "2099-01-01"], 2, "future"),
        (&["trust", "bruno", "--at", "whenever"], 2, "not a date"),
        (&["why", unknown, "because"], 3, "no request"),
    ];
    for (args, code, message) in cases {
        let stderr = b.fails(args, *code);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    // A label already there: the way on is named.
    let stderr = b.fails(&["kept", &kept], 5);
    assert!(stderr.contains("hint: add --correct"), "{stderr}");
    assert_eq!(ledger(b), before, "nothing written");
    // Insisting records it.
    promise(b, &["bruno", "Task 6", "--due", "2030-01-15", "--anyway"]);
    // A correction changes the label and is kept in the history.
    b.ok(&["broken", &kept, "--correct"]);
    let history = b.json(&["history", &kept]);
    assert_eq!(history.as_array().map(Vec::len), Some(3));
    assert_eq!(history[2]["action"], "corrected: kept → broken");
}

fn deals_from_the_command_line(b: &Book) {
    setup(b);
    let d = b.json(&[
        "deal",
        "add",
        "bruno",
        "Fleet renewal",
        "--value",
        "48,500.00",
        "--stage",
        "proposal",
        "--close",
        "+30d",
    ]);
    let id = d["id"].as_str().expect("id").to_owned();
    assert_eq!(d["value"], 4_850_000);
    assert_eq!(d["stage"], "proposal");
    let d = b.json(&["deal", "give", &id, "Free delivery"]);
    assert_eq!(d["gives_outrun_gets"], true);
    let d = b.json(&["deal", "get", &id, "Two-year contract"]);
    assert_eq!(d["gives_outrun_gets"], false);
    assert_eq!(
        b.json(&["deal", "list", "--open"])["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let won = b.json(&["deal", "stage", &id, "won"]);
    assert_eq!(won["stage"], "won");
    assert_eq!(
        b.json(&["contact", "show", "bruno"])["relationship"],
        "customer"
    );
    let notes = b.json(&["commitments", "bruno", "--open", "--mine"]);
    assert!(
        notes[0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Send a handwritten thank-you note"))
    );
    assert!(b.ok(&["deal", "show", &id]).contains("Fleet renewal"));
    for (args, code) in [
        (vec!["deal", "add", "bruno", "x", "--value", "-5"], 2),
        (vec!["deal", "add", "bruno", "x", "--stage", "maybe"], 2),
        (vec!["deal", "add", "nobody", "x"], 3),
        (vec!["deal", "stage", &id, "lost"], 5),
        (vec!["deal", "stage", &id, "sideways"], 2),
        (
            vec!["deal", "show", "0192f0c4-7a3b-7c00-8000-000000000001"],
            3,
        ),
    ] {
        b.fails(&args, code);
    }
    assert_eq!(
        b.json(&["deal", "list"])["items"].as_array().map(Vec::len),
        Some(1),
        "nothing written"
    );
}

fn appreciation_from_the_command_line(b: &Book) {
    setup(b);
    let g = b.json(&[
        "gesture",
        "add",
        "elodie",
        "--kind",
        "gift",
        "Bottle of Douro red",
        "--cost",
        "45",
    ]);
    assert_eq!(g["gesture"]["kind"], "gift");
    assert_eq!(g["gesture"]["cost"], 4500);
    assert_eq!(g["contact_name"], "Élodie Martin");
    b.json(&[
        "gesture",
        "add",
        "elodie",
        "--kind",
        "thank-you-note",
        "Handwritten card",
        "--on",
        "yesterday",
    ]);
    let all = b.json(&["gesture", "list"]);
    let texts: Vec<&str> = all
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|g| g["text"].as_str())
        .collect();
    assert_eq!(texts, vec!["Bottle of Douro red", "Handwritten card"]);
    assert_eq!(all[0]["contact_name"], "Élodie Martin");
    assert_eq!(
        b.json(&["gesture", "list", "bruno"])
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let budget = b.json(&["budget", "--set", "500"]);
    assert_eq!(budget["budget"], 50_000);
    assert_eq!(budget["spent"], 4500);
    assert_eq!(budget["remaining"], 45_500);
    assert_eq!(b.json(&["budget"])["gestures"], 2);
    assert!(b.ok(&["budget"]).contains("455.00 remaining"));

    // The gift catalogue: added to, taken from; a bad idea is refused and changes nothing.
    b.fails(&["settings", "--gift-idea", "golf"], 2);
    b.fails(
        &["settings", "--no-gift-idea", "golf=Not an idea of ours"],
        2,
    );
    let ideas = b.json(&["settings", "--gift-idea", "sailing=A regatta day"])["gift_ideas"].clone();
    assert!(
        ideas
            .as_array()
            .expect("ideas")
            .iter()
            .any(|g| g["interest"] == "sailing"
                && g["idea"] == "A regatta day"
                && g["builtin"] == false),
        "{ideas}"
    );
    assert!(b.ok(&["settings"]).contains("A regatta day *"));
    let settings = b.json(&["settings", "--appreciation", "customer=30"]);
    let customer = settings["appreciation"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["audience"] == "customer")
        .cloned()
        .expect("customer rule");
    assert_eq!(
        (customer["days"].as_u64(), customer["custom"].as_bool()),
        (Some(30), Some(true))
    );
    // Due 30 days after the gift; a new contact gets something of value, not another gift.
    let gestures = |date: &str| -> Vec<Value> {
        b.json(&["today", "--date", date])["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["kind"] == "gesture")
            .cloned()
            .collect()
    };
    assert!(gestures("+29d").is_empty());
    let due = gestures("+30d");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0]["contact_name"], "Élodie Martin");
    assert_eq!(due[0]["suggestion"]["kind"], "value");
    let brief = b.json(&["brief", "elodie"]);
    assert_eq!(brief["appreciation"]["last"]["text"], "Bottle of Douro red");
    assert_eq!(brief["appreciation"]["every_days"], 30);
    assert!(b.ok(&["brief", "elodie"]).contains("Appreciation"));

    for (args, code) in [
        (vec!["gesture", "add", "elodie", "--kind", "bribe", "x"], 2),
        (
            vec![
                "gesture", "add", "elodie", "--kind", "gift", "x", "--cost", "abc",
            ],
            2,
        ),
        (
            vec![
                "gesture", "add", "elodie", "--kind", "gift", "x", "--on", "someday",
            ],
            2,
        ),
        (vec!["gesture", "add", "elodie", "--kind", "gift", " "], 2),
        (vec!["gesture", "add", "nobody", "--kind", "gift", "x"], 3),
        (vec!["gesture", "list", "nobody"], 3),
        (vec!["budget", "--year", "1800"], 2),
        (vec!["budget", "--set", "-5"], 2),
        (vec!["settings", "--appreciation", "friend=3"], 2),
        (
            vec![
                "settings",
                "--appreciation",
                "vip=10",
                "--appreciation",
                "peer=often",
            ],
            2,
        ),
    ] {
        b.fails(&args, code);
    }
    assert_eq!(
        b.json(&["gesture", "list"]).as_array().map(Vec::len),
        Some(2),
        "nothing written"
    );
    let rules = b.json(&["settings"])["appreciation"].clone();
    let custom: Vec<&str> = rules
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["custom"] == true)
        .filter_map(|r| r["audience"].as_str())
        .collect();
    assert_eq!(custom, vec!["customer"], "a refused change changes nothing");
    assert_eq!(b.json(&["budget"])["budget"], 50_000);

    // Keep-in-touch defaults: prospects every 21 days; a new prospect follows it.
    let settings = b.json(&["settings", "--keep-in-touch", "prospect=21"]);
    assert_eq!(settings["touch_rules"], serde_json::json!({"prospect": 21}));
    let prospect = settings["keep_in_touch"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["audience"] == "prospect")
        .cloned()
        .expect("prospect rule");
    assert_eq!(
        (
            prospect["days"].as_u64(),
            prospect["default_days"].as_u64(),
            prospect["custom"].as_bool()
        ),
        (Some(21), Some(14), Some(true))
    );
    b.ok(&["contact", "add", "Priya Prospect", "--type", "prospect"]);
    let shown = b.json(&["contact", "show", "priya"]);
    assert_eq!(shown["keep_in_touch_days"], 21, "{shown}");
    b.fails(
        &[
            "settings",
            "--keep-in-touch",
            "prospect=30",
            "--keep-in-touch",
            "friend=3",
        ],
        2,
    );
    assert_eq!(
        b.json(&["settings"])["touch_rules"],
        serde_json::json!({"prospect": 21}),
        "a refused change changes nothing"
    );
    assert!(
        b.ok(&["settings"])
            .contains("prospect       every 21 days\n")
    );
}

/// Issue 20: `commitments` shows the latest due first, says when it stops and how to go on,
/// and `--all` shows every one; `requests` pages the same way.
fn the_ledger_shows_recent_promises_and_says_when_it_stops(b: &Book) {
    setup(b);
    b.ok(&["settings", "--promise-load", "100"]);
    let mut ids = Vec::new();
    for day in 1..=7 {
        ids.push(promise(
            b,
            &[
                "bruno",
                &format!("Task {day}"),
                "--due",
                &format!("2031-01-{day:02}"),
            ],
        ));
    }
    let texts = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|c| c["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let newest = b.json(&["commitments", "--limit", "3"]);
    assert_eq!(
        texts(&newest),
        ["Task 7", "Task 6", "Task 5"],
        "latest due first"
    );
    let out = b.run(&["commitments", "--limit", "3", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("rapport commitments --limit 3 --after {}", ids[4])),
        "{stderr}"
    );
    let next = b.json(&["commitments", "--limit", "3", "--after", &ids[4]]);
    assert_eq!(texts(&next), ["Task 4", "Task 3", "Task 2"]);
    let oldest = b.json(&["commitments", "--limit", "2", "--oldest-first"]);
    assert_eq!(texts(&oldest), ["Task 1", "Task 2"]);
    let all = b.json(&["commitments", "--all"]);
    assert_eq!(all.as_array().map(Vec::len), Some(7));
    let text = b.ok(&["commitments", "--all"]);
    assert!(!text.contains("... more"), "{text}");

    for i in 0..3 {
        b.ok(&["request", "bruno", &format!("Ask {i}")]);
    }
    let out = b.run(&["requests", "--limit", "2"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Ask 0") && stdout.contains("Ask 1") && !stdout.contains("Ask 2"));
    let next = stdout
        .lines()
        .find_map(|l| l.strip_prefix("... more requests: "))
        .expect("the next page named")
        .to_owned();
    let args: Vec<&str> = next.split_whitespace().skip(1).collect();
    let rest = b.ok(&args);
    assert!(rest.contains("Ask 2") && !rest.contains("Ask 1"), "{rest}");
    b.fails(&["requests", "--limit", "0"], 2);

    // Output for people: when an outcome happened, human labels, whose conversation it was.
    let late = promise(b, &["bruno", "Send the contract", "--due", "2020-01-10"]);
    b.ok(&["kept", &late, "--on", "2020-01-20 10:00"]);
    let history = b.ok(&["history", &late]);
    assert!(
        history.contains("kept (it happened 2020-01-20 10:00"),
        "{history}"
    );
    let listed = b.ok(&["commitments", "bruno", "--all"]);
    assert!(listed.contains("kept late, without notice"), "{listed}");
    assert!(!listed.contains("late_without_notice"), "{listed}");
    b.ok(&["contact", "add", "Ines Former", "--type", "past_customer"]);
    let shown = b.ok(&["contact", "show", "ines"]);
    assert!(
        shown.contains("past customer") && !shown.contains("past_customer"),
        "{shown}"
    );
    b.ok(&["log", "bruno", "Call about the harbour project"]);
    let found = b.ok(&["search", "harbour"]);
    assert!(
        found.contains("Bruno Costa: Call about the harbour project"),
        "{found}"
    );
    b.fails(&["contact", "add", "Zero Cadence", "--cadence", "0"], 2);
}

/// `requests --stats`: requests answered with a promise, how many without knowing why (per
/// member), and Today's reminder when over a third of the last 30 days' answers had no why.
fn answering_without_knowing_why_is_counted(b: &Book) {
    setup(b);
    let answer = promise(b, &["elodie", "Send the price list", "--due", "+3d"]);
    let mut ids = Vec::new();
    for text in [
        "A discount",
        "Faster delivery",
        "A sample box",
        "A call back",
        "A visit",
    ] {
        ids.push(b.ok(&["request", "elodie", text]).trim().to_owned());
    }
    b.ok(&["why", &ids[0], "Their budget closes in December"]);
    for r in &ids[..3] {
        b.ok(&["answer", r, &answer]);
    }
    b.ok(&["why", &ids[4], "They open a second shop"]);
    let s = b.json(&["requests", "--stats"]);
    assert_eq!(s["answered"], 3, "{s}");
    assert_eq!(s["answered_without_why"], 2);
    assert!((s["share_without_why"].as_f64().expect("share") - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        s["open_without_why"], 1,
        "only the call back: unanswered, why unknown"
    );
    assert_eq!(s["since"], Value::Null);
    assert_eq!(s["by_member"][0]["answered"], 3);
    assert_eq!(s["by_member"][0]["answered_without_why"], 2);
    let text = b.ok(&["requests", "--stats"]);
    assert!(
        text.contains("3, of which 2 without knowing why (67%)"),
        "{text}"
    );
    let note = b.json(&["today"])["notes"].to_string();
    assert!(
        note.contains(
            "2 of the 3 requests answered in the last 30 days were answered without knowing why"
        ),
        "{note}"
    );
    // Nothing answered from tomorrow on.
    let later = b.json(&["requests", "--stats", "--since", "tomorrow"]);
    assert_eq!(later["answered"], 0);
    assert_eq!(later["share_without_why"], 0.0);
    assert_eq!(later["open_without_why"], 1);
    // A why found after the answer does not change how it was answered.
    b.ok(&["why", &ids[1], "Their warehouse is full"]);
    assert_eq!(b.json(&["requests", "--stats"])["answered_without_why"], 2);
    // Two more answered knowing why: 2 of 5 is still over a third; a third is not.
    let more = promise(b, &["elodie", "Send the catalogue", "--due", "+4d"]);
    b.ok(&["answer", &ids[4], &more]);
    let fifth = b.ok(&[
        "request",
        "elodie",
        "A price list",
        "--why",
        "They compare suppliers",
    ]);
    b.ok(&["answer", fifth.trim(), &more]);
    assert_eq!(b.json(&["requests", "--stats"])["answered"], 5);
    assert!(
        b.json(&["today"])["notes"]
            .to_string()
            .contains("2 of the 5 requests")
    );
    let sixth = b.ok(&["request", "elodie", "A visit", "--why", "New manager"]);
    b.ok(&["answer", sixth.trim(), &more]);
    assert_eq!(b.json(&["requests", "--stats"])["answered_without_why"], 2);
    assert_eq!(
        b.json(&["today"])["notes"],
        Value::Null,
        "2 of 6 is not over a third"
    );
    b.fails(&["requests", "--stats", "--since", "2026-02-30"], 2);
    b.fails(&["requests", "--stats", "elodie"], 2);
    b.fails(&["requests", "--since", "-30d"], 2);
}

/// `rapport ladder`: both ways, the largest size kept, how reliably, and the next step.
fn the_ladder_climbs_and_steps_back(b: &Book) {
    setup(b);
    let fresh = b.json(&["ladder", "bruno"]);
    assert_eq!(fresh["mine"]["level"], "none");
    assert_eq!(
        fresh["theirs"]["next"],
        "nothing kept yet: start with a token promise"
    );
    for (i, day) in ["2026-11-02", "2026-11-03", "2026-11-04"]
        .iter()
        .enumerate()
    {
        let id = id_of(&b.json(&[
            "expect",
            "elodie",
            &format!("Send sample {i}"),
            "--due",
            day,
            "--size",
            "token",
        ]));
        b.ok(&["kept", &id, "--on", day]);
    }
    let major = id_of(&b.json(&[
        "promise",
        "elodie",
        "Deliver the order",
        "--due",
        "2026-11-10",
        "--size",
        "major",
    ]));
    b.ok(&["kept", &major, "--on", "2026-11-09"]);
    let again = id_of(&b.json(&[
        "promise",
        "elodie",
        "Deliver the second order",
        "--due",
        "2026-11-20",
        "--size",
        "major",
    ]));
    b.ok(&["broken", &again, "--on", "2026-11-21"]);
    let l = b.json(&["ladder", "elodie"]);
    assert_eq!(l["theirs"]["level"], "token", "{l}");
    assert_eq!(l["theirs"]["kept"]["token"], 3);
    assert_eq!(
        l["theirs"]["next"],
        "3 token promises kept: ready for a normal one"
    );
    assert_eq!(l["mine"]["level"], "normal");
    assert_eq!(l["mine"]["kept"]["major"], 1);
    assert_eq!(l["mine"]["broken"]["major"], 1);
    assert_eq!(l["mine"]["reliability"]["major"], 0.5);
    assert_eq!(
        l["mine"]["next"],
        "a major promise broke in November 2026: back to normal ones"
    );
    let text = b.ok(&["ladder", "elodie"]);
    assert!(text.contains("Their promises to me: token"), "{text}");
    assert!(
        text.contains("major: 1 kept, 1 broken (50% kept)"),
        "{text}"
    );
    b.fails(&["ladder", "nobody at all"], 3);

    // A deal among the workspace's largest quarter with someone not yet at normal promises
    // is flagged; a smaller one is not.
    for (who, title, value) in [
        ("bruno", "Small", "100"),
        ("bruno", "Smaller", "50"),
        ("bruno", "Medium", "300"),
    ] {
        let d = b.json(&["deal", "add", who, title, "--value", value]);
        assert_eq!(d["ladder_gate"], Value::Null, "{d}");
    }
    let big = b.json(&["deal", "add", "elodie", "Fleet renewal", "--value", "5000"]);
    assert_eq!(
        big["ladder_gate"],
        "one of your largest deals, and Élodie Martin has not kept a normal promise yet \
         (3 token promises kept: ready for a normal one)",
        "{big}"
    );
    let listed = b.json(&["deal", "list"]);
    let flagged: Vec<&Value> = listed["items"]
        .as_array()
        .expect("deals")
        .iter()
        .filter(|d| !d["ladder_gate"].is_null())
        .collect();
    assert_eq!(flagged.len(), 1, "{listed}");
    assert!(
        b.ok(&["deal", "list"])
            .contains("ladder: one of your largest deals")
    );
    // Once she keeps a normal promise, the gate lifts.
    let normal = id_of(&b.json(&["expect", "elodie", "Sign the order", "--due", "2026-11-30"]));
    b.ok(&["kept", &normal, "--on", "2026-11-29"]);
    let listed = b.json(&["deal", "list"]).to_string();
    assert!(!listed.contains("one of your largest deals"), "{listed}");
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

/// TRUST_MODEL.md: told before the due date and then broken is half a silent break, and the
/// candour sub-score counts it; `rescore` stores scores under the current model.
fn telling_them_early_halves_a_break(b: &Book) {
    setup(b);
    let warned = promise(b, &["bruno", "Send the contract", "--due", "+3d"]);
    b.ok(&["at-risk", &warned, "--reason", "Legal has not signed"]);
    b.ok(&["told", &warned]);
    b.ok(&["broken", &warned]);
    let silent = promise(b, &["elodie", "Send the contract", "--due", "+3d"]);
    b.ok(&["broken", &silent]);
    let told = b.json(&["trust", "bruno"]);
    let mine = &told["mine"];
    assert_eq!(
        mine["explanation"][0]["outcome"], "broken_after_notice",
        "{told}"
    );
    // r = 0, s = w/2 = 2.5 (a silent break: s = w = 5); both early reads, band low.
    let n = mine["evidence"].as_f64().expect("evidence");
    assert!((n - 2.5).abs() < 1e-6, "{n}");
    assert_eq!(mine["band"], "low");
    assert_eq!(mine["candour"], 1.0);
    let silent_n = b.json(&["trust", "elodie"])["mine"]["evidence"]
        .as_f64()
        .expect("evidence");
    assert!((silent_n - 5.0).abs() < 1e-6, "{silent_n}");
    let listed = b.ok(&["commitments", "bruno"]);
    assert!(
        listed.contains("broken, after telling them before the due date"),
        "{listed}"
    );
    let rescored = b.json(&["rescore"]);
    assert_eq!(rescored["scores"], 2);
    assert_eq!(rescored["model_version"], "beta-sl-2");
    let after = b.json(&["trust", "bruno"])["mine"]["evidence"]
        .as_f64()
        .expect("evidence");
    assert!((after - 2.5).abs() < 1e-6, "{after}");
}

/// Foresight: every open commitment carries the chance it is kept on time, from its
/// promiser's history at that size with the workspace's as the prior; below 70% the lists
/// and Today say what to do.
fn open_promises_carry_a_forecast(b: &Book) {
    setup(b);
    let first = promise(b, &["elodie", "Send the samples", "--due", "+3d"]);
    let listed = b.json(&["commitments", "--open"]);
    assert_eq!(listed[0]["id"], first.as_str());
    assert!(
        listed[0]["forecast"].is_null(),
        "nothing known yet: {listed}"
    );
    assert!(
        listed[0]["forecast_reason"]
            .as_str()
            .is_some_and(|r| r.contains("no normal promise of ours has been resolved")),
        "{listed}"
    );
    // My record at normal size: one kept on time, four broken.
    for (i, day) in [
        "2026-10-01",
        "2026-10-05",
        "2026-10-09",
        "2026-10-13",
        "2026-10-17",
    ]
    .iter()
    .enumerate()
    {
        let id = id_of(&b.json(&[
            "promise",
            "bruno",
            &format!("Old promise {i}"),
            "--due",
            day,
        ]));
        let outcome = if i == 0 { "kept" } else { "broken" };
        b.ok(&[outcome, &id, "--on", day]);
    }
    let listed = b.json(&["commitments", "--open"]);
    let f = listed[0]["forecast"].as_f64().expect("a forecast now");
    assert!(f > 0.0 && f < 0.5, "{listed}");
    let reason = listed[0]["forecast_reason"].as_str().expect("reason");
    assert!(
        reason.contains("of your normal promises slip: tell them early if it does")
            && reason.contains("you kept 1 of 5 normal promises on time"),
        "{reason}"
    );
    assert!(b.ok(&["commitments", "--open"]).contains("↳"));
    // Their promise: nothing is known of promises to us yet (ours say nothing of theirs).
    let theirs = id_of(&b.json(&[
        "expect",
        "bruno",
        "Send the signed contract",
        "--due",
        "+2d",
    ]));
    let all = b.json(&["commitments", "--open"]);
    let t = all
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == theirs.as_str())
        .expect("theirs");
    assert!(
        t["forecast"].is_null()
            && t["forecast_reason"]
                .as_str()
                .is_some_and(|r| r.contains("no normal promise to us has been resolved yet")),
        "{t}"
    );
    // Once Bruno has broken one to us, his next one reads his record and says to check in.
    let kept_late = id_of(&b.json(&["expect", "bruno", "Old deposit", "--due", "2026-10-01"]));
    b.ok(&["broken", &kept_late, "--on", "2026-10-02"]);
    let all = b.json(&["commitments", "--open"]);
    let t = all
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == theirs.as_str())
        .expect("theirs");
    assert!(
        t["forecast_reason"].as_str().is_some_and(|r| r
            .contains("of Bruno Costa's normal promises to us slip: check in before it is due")),
        "{t}"
    );
    // Past its due date it can no longer be kept on time.
    let late = promise(
        b,
        &[
            "elodie",
            "Overdue report",
            "--due",
            "2026-11-01",
            "--anyway",
        ],
    );
    let all = b.json(&["commitments", "--open"]);
    let l = all
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == late.as_str())
        .expect("late");
    assert_eq!(l["forecast"], 0.0, "{l}");
    assert!(
        l["forecast_reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("already late")),
        "{l}"
    );
    // Flagged at risk: read from the promises that were flagged (none yet).
    b.ok(&["at-risk", &first, "--reason", "Supplier"]);
    let all = b.json(&["commitments", "--open"]);
    let r = all
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == first.as_str())
        .expect("first");
    assert!(
        r["forecast_reason"]
            .as_str()
            .is_some_and(|x| x.starts_with("flagged at risk")),
        "{r}"
    );
    // Today says it on the line of a promise due today.
    let due_today = promise(b, &["elodie", "Call back", "--due", "today", "--anyway"]);
    let today = b.json(&["today"]);
    let item = today["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["commitment_id"] == due_today.as_str())
        .expect("due today");
    assert!(item["forecast"].as_f64().is_some_and(|f| f < 0.7), "{item}");
    assert!(
        item["reason"]
            .as_str()
            .is_some_and(|r| r.contains("tell them early if it does")),
        "{item}"
    );
    // A resolved commitment has no forecast.
    b.ok(&["kept", &first]);
    let one = b.json(&["commitments", "elodie"]);
    let kept = one
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == first.as_str())
        .expect("kept");
    assert!(
        kept["forecast"].is_null() && kept["forecast_reason"].is_null(),
        "{kept}"
    );
}

/// What customers tell us: themes of what contacts said and asked for, the most contacts
/// first, with quotes; a topic named when logging counts exactly; filters and bad input.
fn insights_find_what_customers_keep_saying(b: &Book) {
    setup(b);
    b.ok(&["contact", "add", "Chen Wei", "--type", "customer"]);
    for (who, they_said, topic) in [
        (
            "elodie",
            "Delivery delays again; the invoices are fine.",
            None,
        ),
        (
            "chen",
            "Worried about DELIVERY DÉLAYS before Christmas.",
            Some("pricing"),
        ),
        ("bruno", "The delivery delays cost us a client.", None),
        ("elodie", "Delivery delays, still.", Some("Pricing")),
    ] {
        let mut args = vec![
            "log",
            who,
            "Call",
            "--kind",
            "call",
            "--they-said",
            they_said,
        ];
        if let Some(t) = topic {
            args.extend(["--topic", t]);
        }
        b.ok(&args);
    }
    b.ok(&[
        "request",
        "elodie",
        "Faster shipping",
        "--why",
        "Their shop opens in May",
    ]);
    b.ok(&["request", "chen", "Faster shipping to Lyon"]);
    let v = b.json(&["insights"]);
    let top = &v["themes"][0];
    assert_eq!(top["theme"], "delivery delays", "{v}");
    assert_eq!(
        (top["contacts"].as_u64(), top["mentions"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(top["quotes"].as_array().map(Vec::len), Some(2));
    assert!(top["quotes"][0]["contact_name"].is_string() && top["quotes"][0]["at"].is_string());
    let pricing = v["themes"]
        .as_array()
        .expect("themes")
        .iter()
        .find(|t| t["theme"] == "pricing")
        .expect("the named topic");
    assert_eq!(
        (pricing["contacts"].as_u64(), pricing["named"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(v["requests"][0]["theme"], "faster shipping", "{v}");
    // Customers only: Élodie and Chen.
    let customers = b.json(&["insights", "--type", "customer"]);
    assert_eq!(customers["themes"][0]["contacts"], 2, "{customers}");
    // Cut at the limit, and said so.
    let one = b.json(&["insights", "--limit", "1"]);
    assert_eq!(one["themes"].as_array().map(Vec::len), Some(1));
    assert!(one["more_themes"].as_u64().is_some_and(|n| n > 0), "{one}");
    assert!(
        b.ok(&["insights", "--limit", "1"])
            .contains("more (--limit N lists more)")
    );
    // What a contact said reaches the terminal without its control characters.
    b.ok(&[
        "log",
        "bruno",
        "Note",
        "--they-said",
        "Delivery delays \u{1b}[31mred\u{1b}[0m",
    ]);
    let shown = b.ok(&["insights"]);
    assert!(!shown.contains('\u{1b}'), "{shown}");
    // Bad input is refused.
    b.fails(&["insights", "--since", "2999-01-01"], 2);
    b.fails(&["insights", "--limit", "0"], 2);
    b.fails(&["insights", "--type", "friend"], 2);
    b.fails(&["log", "elodie", "Call", "--topic", &"x".repeat(61)], 2);
}

on_both_books!(
    insights_find_what_customers_keep_saying,
    open_promises_carry_a_forecast,
    telling_them_early_halves_a_break,
    the_ladder_climbs_and_steps_back,
    answering_without_knowing_why_is_counted,
    the_ledger_shows_recent_promises_and_says_when_it_stops,
    appreciation_from_the_command_line,
    deals_from_the_command_line,
    promises_outcomes_and_trust,
    bad_news_renegotiation_and_requests,
    bad_input_gets_a_clear_error_and_writes_nothing,
    today_lists_what_is_due,
);

#[test]
fn the_promise_load_threshold_is_a_workspace_setting() {
    let b = Book::sqlite();
    setup(&b);
    let shown = b.json(&["settings"]);
    assert_eq!(shown["promise_load_threshold"], 5);
    b.json(&[
        "settings",
        "--promise-load",
        "2",
        "--time-zone",
        "Europe/Lisbon",
    ]);
    assert_eq!(b.json(&["settings"])["time_zone"], "Europe/Lisbon");
    promise(&b, &["bruno", "One", "--due", "2030-03-01"]);
    promise(&b, &["bruno", "Two", "--due", "2030-03-01"]);
    let stderr = b.fails(&["promise", "bruno", "Three", "--due", "2030-03-01"], 5);
    assert!(stderr.contains("already has 2 open promises"), "{stderr}");
    b.fails(&["settings", "--promise-load", "0"], 2);
    b.fails(&["settings", "--time-zone", "Mars/Olympus"], 2);
    assert_eq!(
        b.json(&["settings"])["promise_load_threshold"],
        2,
        "refused changes change nothing"
    );
}

fn today_lists_what_is_due(b: &Book) {
    setup(b);
    promise(b, &["elodie", "Send samples", "--due", "today"]);
    promise(b, &["bruno", "Call back", "--due", "tomorrow"]);
    let today = b.json(&["today"]);
    assert!(today["date"].as_str().is_some_and(|d| d.len() == 10));
    let items = today["items"].as_array().expect("items");
    let due: Vec<_> = items.iter().filter(|i| i["kind"] == "mine_due").collect();
    assert_eq!(due.len(), 1);
    for key in [
        "kind",
        "contact_id",
        "contact_name",
        "text",
        "due",
        "reason",
    ] {
        assert!(!due[0][key].is_null(), "{key}");
    }
    assert_eq!(due[0]["contact_name"], "Élodie Martin");
    assert_eq!(due[0]["reason"], "Due today");
    let tomorrow = b.json(&["today", "--date", "tomorrow"]);
    let texts: Vec<_> = tomorrow["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "mine_due")
        .map(|i| i["text"].as_str().expect("text").to_owned())
        .collect();
    assert_eq!(
        texts,
        vec!["Send samples", "Call back"],
        "yesterday's is overdue, tomorrow's due"
    );
    b.fails(&["today", "--date", "someday"], 2);
    let brief = b.json(&["brief", "elodie"]);
    assert_eq!(brief["contact"]["name"], "Élodie Martin");
    assert_eq!(brief["open_mine"].as_array().map(Vec::len), Some(1));
    for key in [
        "family",
        "interests",
        "upcoming_dates",
        "open_theirs",
        "open_whys",
        "last_interactions",
        "trust_mine",
        "trust_theirs",
        "trust_gap",
    ] {
        assert!(!brief[key].is_null(), "{key}");
    }
    assert!(b.ok(&["brief", "elodie"]).contains("I owe them"));
    b.fails(&["brief", "nobody"], 3);
    assert!(b.ok(&["today"]).contains("My promises due"));
}
