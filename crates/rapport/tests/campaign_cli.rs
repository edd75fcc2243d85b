//! Check-in campaigns as a user runs them (issue 19), on both backends.

use serde_json::Value;

#[macro_use]
mod common;
use common::Book;
use rapport_test_support::on_both_books;

fn check_ins(today: &Value) -> Vec<String> {
    today["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "check_in")
        .map(|i| i["contact_name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn more_check_ins(today: &Value) -> u64 {
    today["more"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["kind"] == "check_in")
        .filter_map(|m| m["count"].as_u64())
        .sum()
}

fn campaign_check_ins_come_a_few_a_day(b: &Book) {
    // Three restaurant customers: a VIP, one never in touch, one last in touch long ago;
    // then those the segment leaves out.
    b.ok(&[
        "contact",
        "add",
        "Ana Lima",
        "--type",
        "customer",
        "--tag",
        "Restaurants",
        "--vip",
    ]);
    b.ok(&[
        "contact",
        "add",
        "Bo Chen",
        "--type",
        "customer",
        "--tag",
        "restaurants",
    ]);
    b.ok(&[
        "contact",
        "add",
        "Cy Diaz",
        "--type",
        "customer",
        "--tag",
        "restaurants",
    ]);
    b.ok(&[
        "log",
        "cy",
        "Lunch",
        "--kind",
        "meeting",
        "--at",
        "2025-01-10",
    ]);
    b.ok(&["contact", "add", "Di Eze", "--type", "customer"]);
    b.ok(&[
        "contact",
        "add",
        "Ed Fox",
        "--type",
        "prospect",
        "--tag",
        "restaurants",
    ]);
    b.ok(&[
        "contact",
        "add",
        "Flo Gil",
        "--type",
        "customer",
        "--tag",
        "restaurants",
    ]);
    b.ok(&["contact", "archive", "flo"]);

    let made = b.json(&[
        "campaign",
        "create",
        "Winter floods",
        "--segment",
        "type=customer tag=restaurants",
        "--note",
        "How are you holding up after the floods?",
        "--per-day",
        "2",
    ]);
    assert_eq!(made["name"], "Winter floods");
    assert_eq!(made["segment"], "type=customer tag=restaurants");
    assert_eq!(
        (
            made["contacts"].as_u64(),
            made["done"].as_u64(),
            made["remaining"].as_u64()
        ),
        (Some(3), Some(0), Some(3)),
        "{made}"
    );
    assert_eq!(made["status"], "active");
    assert_eq!(made["per_day"], 2);

    // The campaign's order: the VIP, then the coldest (never in touch before long ago).
    let page = b.json(&["campaign", "show", "winter FLOODS", "--contacts"]);
    let order: Vec<&str> = page["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .map(|m| m["contact_name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(order, vec!["Ana Lima", "Bo Chen", "Cy Diaz"]);
    assert!(page["next_after"].is_null());

    // Two a day on Today, in that order; the third is counted, not silently cut.
    let today = b.json(&["today"]);
    assert_eq!(check_ins(&today), vec!["Ana Lima", "Bo Chen"], "{today}");
    assert_eq!(more_check_ins(&today), 1);
    let item = today["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["kind"] == "check_in")
        .expect("a check-in");
    assert_eq!(
        item["text"],
        "Check in: How are you holding up after the floods?"
    );
    assert_eq!(item["campaign_id"], made["id"]);
    assert!(b.ok(&["today"]).contains("Check-ins"));

    // Logging any interaction completes a check-in; one where they said something is a
    // reply; the day's quota counts those done.
    b.ok(&["log", "ana", "Called", "--kind", "call"]);
    let today = b.json(&["today"]);
    assert_eq!(
        check_ins(&today),
        vec!["Bo Chen"],
        "one more today: {today}"
    );
    b.ok(&[
        "log",
        "bo",
        "Called",
        "--kind",
        "call",
        "--they-said",
        "We reopen Friday",
    ]);
    let shown = b.json(&["campaign", "show", "Winter floods"]);
    assert_eq!(
        (
            shown["done"].as_u64(),
            shown["remaining"].as_u64(),
            shown["replied"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{shown}"
    );
    let today = b.json(&["today"]);
    assert!(check_ins(&today).is_empty(), "{today}");
    assert!(
        today["notes"].as_array().is_some_and(|n| {
            n.iter().any(|t| t
            == "“Winter floods”: 2 check-ins done today, 1 still to check in with (more tomorrow)")
        }),
        "{today}"
    );
    // Tomorrow, the next one.
    assert_eq!(
        check_ins(&b.json(&["today", "--date", "tomorrow"])),
        vec!["Cy Diaz"]
    );
    let done = b.json(&["campaign", "show", "Winter floods", "--contacts", "done"]);
    assert_eq!(done["contacts"].as_array().map(Vec::len), Some(2));
    assert_eq!(done["contacts"][1]["replied"], true);
    let paged = b.json(&[
        "campaign",
        "show",
        "Winter floods",
        "--contacts",
        "all",
        "--limit",
        "1",
    ]);
    assert_eq!(paged["next_after"], 1);
    assert!(
        b.ok(&[
            "campaign",
            "show",
            "Winter floods",
            "--contacts",
            "all",
            "--limit",
            "1"
        ])
        .contains("--after 1")
    );
    let rest = b.json(&[
        "campaign",
        "show",
        "Winter floods",
        "--contacts",
        "all",
        "--limit",
        "5",
        "--after",
        "1",
    ]);
    assert_eq!(rest["contacts"].as_array().map(Vec::len), Some(2));

    // A meeting planned ahead is arranged, not done: off Today, done once it has happened.
    b.ok(&["log", "cy", "Visit", "--kind", "visit", "--at", "+2d"]);
    let shown = b.json(&["campaign", "show", "Winter floods"]);
    assert_eq!(shown["done"], 2);
    assert!(check_ins(&b.json(&["today", "--date", "tomorrow"])).is_empty());

    let list = b.json(&["campaign", "list"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert!(b.ok(&["campaign", "list"]).contains("Winter floods"));

    // Stopped: off Today, what was done stays; stopping twice is a conflict.
    let stopped = b.json(&["campaign", "stop", "Winter floods"]);
    assert_eq!(stopped["status"], "stopped");
    assert_eq!(stopped["done"], 2);
    b.fails(&["campaign", "stop", "Winter floods"], 5);
    // What happens after it stopped is not counted.
    b.ok(&["log", "cy", "Called", "--kind", "call"]);
    let after = b.json(&["campaign", "show", "Winter floods"]);
    assert_eq!(after["done"], 2, "{after}");
}

fn until_spreads_the_check_ins_and_bad_input_is_refused(b: &Book) {
    for n in ["Ana Lima", "Bo Chen", "Cy Diaz", "Di Eze", "Ed Fox"] {
        b.ok(&[
            "contact", "add", n, "--type", "customer", "--tag", "bakeries",
        ]);
    }
    // Five contacts to reach by tomorrow (two days): three a day.
    let made = b.json(&[
        "campaign",
        "create",
        "Strike",
        "--segment",
        "tag=BAKERIES",
        "--note",
        "Deliveries may be late this week: anything urgent?",
        "--until",
        "tomorrow",
    ]);
    assert_eq!(made["per_day"], 3, "{made}");
    assert!(made["until"].is_string());
    // A second campaign over the same people: each is listed once on Today, the second
    // campaign's share going to the next ones.
    b.ok(&[
        "campaign",
        "create",
        "Flour prices",
        "--segment",
        "tag=bakeries",
        "--note",
        "Prices up?",
        "--per-day",
        "2",
    ]);
    let today = b.json(&["today"]);
    let mut listed = check_ins(&today);
    assert_eq!(listed.len(), 5, "{today}");
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), 5, "nobody twice: {today}");
    assert_eq!(
        more_check_ins(&today),
        0,
        "five different contacts, all listed"
    );
    // Archived since: off the pending list, counted apart.
    b.ok(&["contact", "archive", "Ed Fox"]);
    let pending = b.json(&["campaign", "show", "Flour prices", "--contacts", "pending"]);
    assert_eq!(
        pending["contacts"].as_array().map(Vec::len),
        Some(4),
        "{pending}"
    );
    assert_eq!(pending["campaign"]["archived"], 1);
    assert_eq!(pending["campaign"]["remaining"], 4);
    b.ok(&["contact", "restore", "Ed Fox"]);
    b.ok(&["campaign", "stop", "Flour prices"]);

    let before = b.json(&["campaign", "list"]);
    // The same name, in any case: a conflict.
    b.fails(
        &[
            "campaign",
            "create",
            "STRIKE",
            "--segment",
            "all",
            "--note",
            "x",
        ],
        5,
    );
    for bad in [
        vec!["campaign", "create", "A", "--segment", "", "--note", "x"],
        vec![
            "campaign",
            "create",
            "A",
            "--segment",
            "colour=red",
            "--note",
            "x",
        ],
        vec![
            "campaign",
            "create",
            "A",
            "--segment",
            "tag=a tag=b",
            "--note",
            "x",
        ],
        vec![
            "campaign",
            "create",
            "A",
            "--segment",
            "type=martian",
            "--note",
            "x",
        ],
        // Nobody in it.
        vec![
            "campaign",
            "create",
            "A",
            "--segment",
            "tag=florists",
            "--note",
            "x",
        ],
        vec!["campaign", "create", "A", "--segment", "all", "--note", " "],
        vec!["campaign", "create", " ", "--segment", "all", "--note", "x"],
        vec![
            "campaign",
            "create",
            "A",
            "--segment",
            "all",
            "--note",
            "x",
            "--per-day",
            "0",
        ],
        vec![
            "campaign",
            "create",
            "A",
            "--segment",
            "all",
            "--note",
            "x",
            "--until",
            "2020-01-01",
        ],
        vec![
            "campaign",
            "create",
            "A",
            "--segment",
            "all",
            "--note",
            "x",
            "--until",
            "someday",
        ],
        vec![
            "campaign",
            "create",
            "A\u{202e}B",
            "--segment",
            "all",
            "--note",
            "x",
        ],
    ] {
        b.fails(&bad, 2);
    }
    assert_eq!(b.json(&["campaign", "list"]), before, "nothing written");
    b.fails(&["campaign", "show", "Nothing"], 3);
    b.fails(&["campaign", "stop", "Nothing"], 3);
    b.fails(&["campaign", "show", "Strike", "--contacts", "maybe"], 2);
    b.fails(
        &["campaign", "show", "Strike", "--contacts", "--limit", "0"],
        2,
    );
    b.fails(
        &[
            "campaign",
            "show",
            "Strike",
            "--contacts",
            "--limit",
            "1001",
        ],
        2,
    );

    // Merging two contacts of a campaign keeps one place, and the check-in follows.
    let dup = b.json(&["contact", "add", "Ana L.", "--type", "customer"]);
    let dup = dup["id"].as_str().expect("id").to_owned();
    b.ok(&["log", &dup, "Called", "--kind", "call"]);
    let ana = b.json(&["contact", "show", "Ana Lima"]);
    let ana = ana["id"].as_str().expect("id").to_owned();
    b.ok(&["contact", "merge", &ana, &dup]);
    let shown = b.json(&["campaign", "show", "Strike"]);
    assert_eq!(
        (shown["contacts"].as_u64(), shown["done"].as_u64()),
        (Some(5), Some(1)),
        "{shown}"
    );
}

fn campaigns_are_changed_and_deleted(b: &Book) {
    for n in ["Ana Lima", "Bo Chen", "Cy Diaz"] {
        b.ok(&["contact", "add", n, "--type", "customer", "--tag", "hotels"]);
    }
    b.ok(&[
        "campaign",
        "create",
        "Heatwave",
        "--segment",
        "tag=hotels",
        "--note",
        "Bookings?",
        "--per-day",
        "1",
    ]);
    b.ok(&[
        "campaign",
        "create",
        "Floods",
        "--segment",
        "all",
        "--note",
        "Dry?",
    ]);
    assert_eq!(
        check_ins(&b.json(&["today"])).len(),
        3,
        "one of Heatwave, two of Floods"
    );
    // A new last day without a pace: quickened to reach the three left by then (two days).
    let sooner = b.json(&["campaign", "edit", "Heatwave", "--until", "tomorrow"]);
    assert_eq!(sooner["per_day"], 2, "{sooner}");
    // Never slowed: Floods' five a day stay with a far last day.
    let later = b.json(&["campaign", "edit", "Floods", "--until", "+4w"]);
    assert_eq!(later["per_day"], 5, "{later}");
    let v = b.json(&[
        "campaign",
        "edit",
        "heatwave",
        "--name",
        "Heat wave",
        "--note",
        "How are the bookings?",
        "--per-day",
        "3",
        "--until",
        "+2w",
    ]);
    assert_eq!(
        (v["name"].clone(), v["note"].clone(), v["per_day"].clone()),
        (
            serde_json::json!("Heat wave"),
            serde_json::json!("How are the bookings?"),
            serde_json::json!(3)
        ),
        "{v}"
    );
    assert!(v["until"].is_string(), "{v}");
    // Found by its new name; the old one is free.
    b.ok(&["campaign", "show", "Heat wave"]);
    b.fails(&["campaign", "show", "Heatwave"], 3);
    let cleared = b.json(&["campaign", "edit", "Heat wave", "--no-until"]);
    assert!(cleared["until"].is_null(), "{cleared}");
    // Bad input: the right code, and nothing changes.
    let before = b.json(&["campaign", "list"]);
    for (bad, code) in [
        (vec!["campaign", "edit", "Heat wave"], 2),
        (vec!["campaign", "edit", "Heat wave", "--name", "FLOODS"], 5),
        (vec!["campaign", "edit", "Heat wave", "--name", " "], 2),
        (vec!["campaign", "edit", "Heat wave", "--per-day", "0"], 2),
        (vec!["campaign", "edit", "Heat wave", "--per-day", "51"], 2),
        (
            vec!["campaign", "edit", "Heat wave", "--until", "2020-01-01"],
            2,
        ),
        (
            vec!["campaign", "edit", "Heat wave", "--until", "someday"],
            2,
        ),
        (vec!["campaign", "edit", "Nothing", "--per-day", "2"], 3),
        (vec!["campaign", "delete", "Nothing", "--yes"], 3),
        (vec!["campaign", "delete", " ", "--yes"], 3),
        (vec!["campaign", "show", "\u{301}"], 3),
        // Not at a terminal, it does not ask: it wants --yes.
        (vec!["campaign", "delete", "Heat wave"], 2),
    ] {
        b.fails(&bad, code);
    }
    assert_eq!(b.json(&["campaign", "list"]), before, "nothing written");
    // Stopped: its pace is over, its name may still change.
    b.ok(&["campaign", "stop", "Heat wave"]);
    b.fails(&["campaign", "edit", "Heat wave", "--per-day", "2"], 5);
    b.ok(&[
        "campaign",
        "edit",
        "Heat wave",
        "--name",
        "Heat wave (over)",
    ]);
    // Deleted: off the list and off Today; the conversations stay.
    b.ok(&["log", "Ana Lima", "Checked in", "--kind", "call"]);
    let gone = b.json(&["campaign", "delete", "Floods", "--yes"]);
    assert_eq!(gone["name"], "Floods");
    let names: Vec<String> = b
        .json(&["campaign", "list"])
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names, vec!["Heat wave (over)"]);
    assert!(check_ins(&b.json(&["today"])).is_empty());
    let timeline = b.json(&["timeline", "Ana Lima"]);
    assert!(timeline.to_string().contains("Checked in"), "{timeline}");
    b.ok(&[
        "campaign",
        "create",
        "Floods",
        "--segment",
        "all",
        "--note",
        "Again",
    ]);
}

on_both_books!(
    campaign_check_ins_come_a_few_a_day,
    campaigns_are_changed_and_deleted,
    until_spreads_the_check_ins_and_bad_input_is_refused,
);
