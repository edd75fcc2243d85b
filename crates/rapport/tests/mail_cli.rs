//! Mail import as a user runs it, on both backends: messages, an mbox and a Maildir become
//! conversations with the contacts on them, sent or received, with only their new text; a
//! second import logs nothing twice; what is not mail is reported and skipped; a dry run
//! writes nothing.

use serde_json::Value;

#[macro_use]
mod common;
use common::Book;
use rapport_test_support::on_both_books;

fn write(b: &Book, name: &str, text: &str) -> String {
    let path = b.dir.path().join(name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("dir");
    }
    std::fs::write(&path, text).expect("write file");
    path.display().to_string()
}

const REPLY: &str = "From: Ana Lima <ana@example.com>\r\n\
To: Me <me@rapport.example>\r\n\
Cc: Bo Silva <BO@example.com>\r\n\
Date: Tue, 3 Nov 2026 10:15:00 +0100\r\n\
Subject: Re: The quote\r\n\
Message-ID: <reply-1@example.com>\r\n\
\r\n\
We'll pay the invoice by the end of the month.\r\n\
\r\n\
On Mon, 2 Nov 2026, Me <me@rapport.example> wrote:\r\n\
> I'll send you the revised quote by Friday.\r\n";

const SENT: &str = "From: Me <me@rapport.example>\r\n\
To: ana@example.com\r\n\
Date: Wed, 4 Nov 2026 09:00:00 +0000\r\n\
Subject: The revised quote\r\n\
Message-ID: <sent-1@rapport.example>\r\n\
\r\n\
Here it is. I'll call you on Monday.\r\n\
-- \r\n\
Me\r\n";

fn mbox(b: &Book) -> String {
    let unknown = "From: Carl Unknown <carl@elsewhere.example>\n\
To: me@rapport.example\n\
Date: Thu, 5 Nov 2026 08:00:00 +0000\n\
Subject: Hello\n\
Message-ID: <carl-1@elsewhere.example>\n\
\n\
Can we talk?\n";
    let not_mine = "From: ana@example.com\n\
To: someone@else.example\n\
Date: Thu, 5 Nov 2026 09:00:00 +0000\n\
Subject: Not for me\n\
Message-ID: <other-1@example.com>\n\
\n\
Hi.\n";
    // The reply again (as INBOX and an archive both hold it).
    let text = format!(
        "From ana@example.com Tue Nov  3 10:15:00 2026\n{}\nFrom carl@elsewhere.example Thu Nov  5 08:00:00 2026\n{unknown}\nFrom ana@example.com Thu Nov  5 09:00:00 2026\n{not_mine}",
        REPLY.replace("\r\n", "\n")
    );
    write(b, "inbox.mbox", &text)
}

fn setup(b: &Book) {
    b.ok(&["user", "edit", "me", "--email", "me@rapport.example"]);
    b.ok(&["contact", "add", "Ana Lima", "--email", "ana@example.com"]);
    b.ok(&["contact", "add", "Bo Silva", "--email", "bo@example.com"]);
}

fn emails_of(b: &Book, who: &str) -> Vec<Value> {
    let t = b.json(&["timeline", who]);
    t["interactions"]
        .as_array()
        .expect("interactions")
        .iter()
        .filter(|i| i["kind"] == "email")
        .cloned()
        .collect()
}

fn mail_becomes_conversations_once(b: &Book) {
    setup(b);
    let reply = write(b, "reply.eml", REPLY);
    let sent_eml = write(b, "sent.eml", SENT);
    let inbox = mbox(b);
    // A Maildir holding one message without a Message-ID, in cur and again in new.
    let bare = "From: Ana Lima <ana@example.com>\nTo: me@rapport.example\n\
Date: Fri, 6 Nov 2026 11:00:00 +0000\nSubject: Lunch?\n\nFriday works.\n";
    write(b, "Maildir/cur/1.host:2,S", bare);
    write(b, "Maildir/new/2.host", bare);
    write(b, "Maildir/tmp/3.host", "half written");
    let maildir = b.dir.path().join("Maildir").display().to_string();
    let junk = write(b, "notes.txt", "BEGIN:VCARD\nFN:Not mail\nEND:VCARD\n");

    // A dry run says what would happen, in the same shape, and writes nothing.
    let args = ["mail", "import", &reply, &sent_eml, &inbox, &maildir, &junk];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let planned = b.json(&dry);
    assert!(emails_of(b, "ana").is_empty(), "a dry run writes nothing");

    let done = b.json(&args);
    assert_eq!(
        done["interactions"], planned["interactions"],
        "the dry run said it"
    );
    assert_eq!(done["messages"], 7, "{done}");
    let logged: Vec<(String, String)> = done["interactions"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| {
            (
                i["contact_name"].as_str().unwrap_or_default().to_owned(),
                i["direction"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        logged,
        [
            ("Ana Lima".to_owned(), "received".to_owned()),
            ("Bo Silva".to_owned(), "received".to_owned()),
            ("Ana Lima".to_owned(), "sent".to_owned()),
            ("Ana Lima".to_owned(), "received".to_owned()),
        ],
        "{done}"
    );
    assert_eq!(
        done["already_logged"], 3,
        "the reply in the mbox (Ana, Bo), the Maildir copy"
    );
    assert_eq!(done["not_mine"], 1);
    // Promises are found in this old mail (of November), but their dates are past: none is
    // offered for confirmation.
    let found: Vec<(&str, &str)> = done["promises"]
        .as_array()
        .expect("promises")
        .iter()
        .map(|p| {
            (
                p["direction"].as_str().unwrap_or_default(),
                p["text"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("theirs", "Pay the invoice"), ("mine", "Call you")],
        "the quoted promise is not found: {done}"
    );
    assert_eq!(done["promises"][0]["due"], "2026-11-30");
    assert_eq!(done["suggestions_offered"], 0);
    assert_eq!(
        done["unknown_senders"],
        serde_json::json!(["carl@elsewhere.example"])
    );
    let skipped = done["skipped"].as_array().expect("skipped");
    assert_eq!(skipped.len(), 1, "{done}");
    assert!(
        skipped[0]["path"]
            .as_str()
            .unwrap_or_default()
            .ends_with("notes.txt")
    );
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("not a mail")
    );

    // On her timeline: the subject, and only what each message added.
    let ana = emails_of(b, "ana");
    assert_eq!(ana.len(), 3);
    let quote = ana
        .iter()
        .find(|i| i["summary"] == "Re: The quote")
        .expect("reply");
    assert_eq!(
        quote["they_said"],
        "We'll pay the invoice by the end of the month."
    );
    let sent = ana
        .iter()
        .find(|i| i["summary"] == "The revised quote")
        .expect("sent");
    assert_eq!(sent["i_said"], "Here it is. I'll call you on Monday.");
    assert_eq!(sent["they_said"], Value::Null);
    // Any conversation resets the keep-in-touch clock.
    let card = b.json(&["contact", "show", "ana"]);
    assert!(
        card["last_touch_at"]
            .as_str()
            .unwrap_or_default()
            .starts_with("2026-11-06"),
        "{card}"
    );

    // Again: nothing new.
    let again = b.json(&args);
    assert_eq!(again["interactions"], serde_json::json!([]), "{again}");
    assert_eq!(again["already_logged"], 7);
    assert_eq!(emails_of(b, "ana").len(), 3);

    // A backup restored elsewhere remembers what was logged.
    let backup = b.dir.path().join("book.jsonl").display().to_string();
    b.ok(&["backup", &backup]);
    let fresh = if b.url.starts_with("postgres") {
        Book::postgres()
    } else {
        Book::sqlite()
    };
    fresh.ok(&["restore", &backup]);
    let after = fresh.json(&["mail", "import", &reply, &sent_eml]);
    assert_eq!(after["interactions"], serde_json::json!([]), "{after}");
    assert_eq!(after["already_logged"], 3);

    // Unknown senders become contacts only when asked.
    let made = b.json(&["mail", "import", &inbox, "--create-contacts"]);
    assert_eq!(made["contacts_created"], 1);
    assert_eq!(emails_of(b, "carl unknown").len(), 1);
}

fn whose_mail_it_is_must_be_known(b: &Book) {
    b.ok(&["contact", "add", "Ana Lima", "--email", "ana@example.com"]);
    let reply = write(b, "reply.eml", REPLY);
    // The owner made on first use has no email yet: say which addresses are mine.
    let stderr = b.fails(&["mail", "import", &reply], 2);
    assert!(stderr.contains("--me"), "{stderr}");
    let done = b.json(&["mail", "import", &reply, "--me", "ME@rapport.example"]);
    assert_eq!(done["interactions"].as_array().map(Vec::len), Some(1));
    b.fails(&["mail", "import", &reply, "--me", "not an address"], 2);
    // Or once, in settings: another address of mine, then every import knows it.
    b.fails(&["settings", "--my-address", "not an address"], 2);
    let set = b.json(&["settings", "--my-address", "Me@Rapport.example"]);
    assert_eq!(
        set["my_addresses"],
        serde_json::json!(["me@rapport.example"])
    );
    let sent = write(b, "sent.eml", SENT);
    let again = b.json(&["mail", "import", &sent]);
    assert_eq!(again["interactions"][0]["direction"], "sent", "{again}");
    let forgot = b.json(&["settings", "--forget-address", "me@rapport.example"]);
    assert_eq!(forgot["my_addresses"], serde_json::json!([]));
    b.fails(&["mail", "import", &sent], 2);
    let missing = b.json(&[
        "mail",
        "import",
        "/no/such/file.eml",
        "--me",
        "me@rapport.example",
    ]);
    assert_eq!(missing["skipped"].as_array().map(Vec::len), Some(1));
}

/// A message dated `days_ago` (in UTC, the workspace's zone), and that day.
fn dated(days_ago: i64, from: &str, to: &str, id: &str, body: &str) -> (String, jiff::civil::Date) {
    let at = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(24 * days_ago))
        .expect("a time")
        .to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let date = jiff::fmt::rfc2822::to_string(&at).expect("a date");
    (
        format!(
            "From: {from}\nTo: {to}\nDate: {date}\nSubject: The order\nMessage-ID: <{id}>\n\n{body}\n"
        ),
        at.date(),
    )
}

fn promises_found_are_offered_once_and_confirmed(b: &Book) {
    setup(b);
    let (received, _) = dated(
        1,
        "Ana Lima <ana@example.com>",
        "me@rapport.example",
        "order-1@example.com",
        "Thanks for the call. We'll send the signed order within 3 days.\n\
         Could you confirm the delivery address?\n\n\
         On Mon, Ana wrote:\n> I'll pay tomorrow.",
    );
    let (sent, day) = dated(
        1,
        "Me <me@rapport.example>",
        "Ana Lima <ana@example.com>",
        "order-2@rapport.example",
        "I'll send you the revised quote tomorrow. I hope you'll enjoy the conference.\n\
         If the order goes through, I'll ship on Monday.\n-- \nMe",
    );
    let files = [
        write(b, "received.eml", &received),
        write(b, "sent.eml", &sent),
    ];
    let mut args = vec!["mail", "import"];
    args.extend(files.iter().map(String::as_str));
    let next = |n: i64| {
        day.checked_add(jiff::Span::new().days(n))
            .expect("a day")
            .to_string()
    };

    // A dry run lists them and offers nothing.
    let mut dry = args.clone();
    dry.push("--dry-run");
    let planned = b.json(&dry);
    let promises: Vec<(String, String, Value)> = planned["promises"]
        .as_array()
        .expect("promises")
        .iter()
        .map(|p| {
            (
                p["direction"].as_str().unwrap_or_default().to_owned(),
                p["text"].as_str().unwrap_or_default().to_owned(),
                p["due"].clone(),
            )
        })
        .collect();
    assert_eq!(
        promises,
        [
            (
                "theirs".to_owned(),
                "Send the signed order".to_owned(),
                Value::from(next(3))
            ),
            (
                "mine".to_owned(),
                "Send you the revised quote".to_owned(),
                Value::from(next(1))
            ),
        ],
        "no question, quotation, hope or condition: {planned}"
    );
    assert_eq!(planned["promises"][0]["contact_name"], "Ana Lima");
    assert_eq!(
        b.json(&["suggestions"])["total"],
        0,
        "a dry run offers nothing"
    );

    // Imported: offered once, however often the mail is read.
    assert_eq!(b.json(&args)["suggestions_offered"], 2);
    assert_eq!(b.json(&args)["suggestions_offered"], 0);
    let offered = b.json(&["suggestions"]);
    assert_eq!(offered["total"], 2, "{offered}");
    let items = offered["items"].as_array().expect("items");
    let id_of = |direction: &str| {
        items
            .iter()
            .find(|s| s["direction"] == direction)
            .and_then(|s| s["id"].as_str())
            .expect("a suggestion")
            .to_owned()
    };
    let (theirs, mine) = (id_of("theirs"), id_of("mine"));
    let today = b.json(&["today"]);
    let to_confirm = today["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "confirm_promise")
        .count();
    assert_eq!(to_confirm, 2, "{today}");
    let text = b.ok(&["suggestions"]);
    assert!(
        text.contains("Ana Lima's to you: Send the signed order"),
        "{text}"
    );

    // Accepted with another date: a commitment of theirs, the email as its source.
    let due = next(5);
    let commitment = b.ok(&["suggestion", "accept", &theirs, "--due", &due]);
    let c = b.json(&["commitments", "ana", "--all"]);
    let c = c
        .as_array()
        .expect("list")
        .iter()
        .find(|k| k["id"] == commitment.trim())
        .cloned()
        .expect("the commitment");
    assert_eq!(c["direction"], "theirs");
    assert_eq!(c["text"], "Send the signed order");
    assert_eq!(c["due"]["date"], due.as_str());
    let email = emails_of(b, "ana")
        .into_iter()
        .find(|i| {
            i["they_said"]
                .as_str()
                .is_some_and(|t| t.contains("signed order"))
        })
        .expect("the email");
    assert_eq!(c["source_interaction_id"], email["id"]);
    // Once only.
    let again = b.fails(&["suggestion", "accept", &theirs], 5);
    assert!(again.contains("already accepted"), "{again}");
    // Dismissed: gone from the list; a second time is a conflict; an unknown id is not found.
    b.ok(&["suggestion", "dismiss", &mine]);
    b.fails(&["suggestion", "dismiss", &mine], 5);
    b.fails(&["suggestion", "dismiss", "not-an-id"], 3);
    b.fails(&["suggestions", "--limit", "0"], 2);
    assert_eq!(b.json(&["suggestions"])["total"], 0);
}

on_both_books!(
    mail_becomes_conversations_once,
    whose_mail_it_is_must_be_known,
    promises_found_are_offered_once_and_confirmed
);
