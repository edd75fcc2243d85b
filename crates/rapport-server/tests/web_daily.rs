//! The web as the daily tool, through a real server on both backends, as a browser without
//! JavaScript uses it: every outcome of a promise, the promise-load confirm step, contacts
//! added with everything, edited, archived and restored, Today's focused sections, the
//! brief. Each refusal changes nothing.

use jiff::{Timestamp, ToSpan};
use rapport_core::commitment::{Direction, Due, Status};
use rapport_core::contact::NewContact;
use rapport_core::ledger::{self, CommitmentQuery, NewCommitment};
use rapport_core::ports::{AccountStore, ContactStore, WorkspaceStore};
use rapport_core::service;
use rapport_core::trust::Size;
use rapport_core::workspace::Actor;
use rapport_store::Db;
use rapport_test_support::http::{Answer, request, session_for, start};
use rapport_test_support::on_both_backends;

const FORM: &str = "application/x-www-form-urlencoded";

/// A signed-in browser.
struct Browser {
    addr: std::net::SocketAddr,
    cookie: String,
    csrf: String,
}

impl Browser {
    async fn new(db: &Db, actor: &Actor) -> Browser {
        let addr = start(db).await;
        let (cookie, csrf) = session_for(db, actor).await;
        Browser { addr, cookie, csrf }
    }

    async fn get(&self, path: &str) -> Answer {
        request(self.addr, "GET", path, &[("Cookie", &self.cookie)], None).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&all).expect("form");
        request(
            self.addr,
            "POST",
            path,
            &[("Cookie", &self.cookie)],
            Some((FORM, body.as_bytes())),
        )
        .await
    }
}

fn location(a: &Answer) -> String {
    a.header("location").unwrap_or_default().to_owned()
}

async fn actor(db: &Db) -> Actor {
    db.ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor")
}

async fn contact(db: &Db, a: &Actor, name: &str) -> String {
    service::add_contact(
        db,
        a,
        NewContact {
            name: name.into(),
            ..NewContact::default()
        },
        Timestamp::now(),
    )
    .await
    .expect("contact")
    .contact
    .id
    .to_string()
}

async fn promise(db: &Db, a: &Actor, who: &str, text: &str, due: &str) -> String {
    let now = Timestamp::now();
    let new = NewCommitment {
        direction: Direction::Mine,
        text: text.into(),
        due: Due::parse(due, now, &a.workspace.tz()).expect("due"),
        size: Size::Normal,
        source_interaction: None,
    };
    ledger::record_commitment(db, a, who, new, true, now)
        .await
        .expect("promise")
        .1
        .id
        .to_string()
}

async fn status(db: &Db, a: &Actor, id: &str) -> Status {
    ledger::commitment(db, a, id)
        .await
        .expect("commitment")
        .status
}

async fn count(db: &Db, a: &Actor) -> usize {
    ledger::list_commitments(db, a, CommitmentQuery::default())
        .await
        .expect("list")
        .len()
}

async fn every_outcome_of_a_promise_from_the_browser(db: &Db) {
    let a = actor(db).await;
    let elodie = contact(db, &a, "Élodie Martin").await;
    let bruno = contact(db, &a, "Bruno Costa").await;
    let b = Browser::new(db, &a).await;

    // A full day: the page lists what is due that day, with whom, and asks; nothing written.
    for i in 0..a.workspace.promise_load_threshold {
        promise(db, &a, &bruno, &format!("Task {i}"), "2030-01-15").await;
    }
    let before = count(db, &a).await;
    let fields = [
        ("direction", "mine"),
        ("text", "Send the samples"),
        ("due", "2030-01-15"),
        ("size", "major"),
    ];
    let full = b
        .post(&format!("/contacts/{elodie}/commitments"), &fields)
        .await;
    assert_eq!(full.status, 409, "{}", full.body);
    assert!(
        full.body
            .contains("Tuesday 15 January 2030 is already full"),
        "{}",
        full.body
    );
    assert!(full.body.contains("Bruno Costa") && full.body.contains("Task 0"));
    assert!(full.body.contains("Record it anyway"));
    assert!(!full.body.contains("--anyway"), "no CLI flag in a browser");
    assert_eq!(count(db, &a).await, before, "nothing written");
    // Another day offered on the same page works; "anyway" records it on the full day.
    let mut anyway = fields.to_vec();
    anyway.push(("anyway", "1"));
    let done = b
        .post(&format!("/contacts/{elodie}/commitments"), &anyway)
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(count(db, &a).await, before + 1);

    // At risk with a reason, told, kept: each on the promise's page.
    let samples = promise(db, &a, &elodie, "Send the quote", "2030-02-01").await;
    let page = b.get(&format!("/commitments/{samples}")).await;
    assert_eq!(page.status, 200);
    for button in [
        "Kept",
        "Broken",
        "Released",
        "Withdrawn",
        "Renegotiate",
        "At risk",
    ] {
        assert!(
            page.body.contains(&format!(">{button}</button>")),
            "{button}"
        );
    }
    let risk = b
        .post(
            &format!("/commitments/{samples}/at-risk"),
            &[("reason", "Supplier late")],
        )
        .await;
    assert_eq!(risk.status, 303);
    let page = b.get(&format!("/commitments/{samples}")).await;
    assert!(page.body.contains("Supplier late"), "{}", page.body);
    assert!(page.body.contains("Told them</button>"));
    let today = b.get("/today").await;
    let first = today.body.find("<section").expect("a section");
    assert!(
        today.body[first..].starts_with("<section id=\"bad_news\""),
        "the untold risk comes first"
    );
    assert!(today.body.contains("Send the quote"));
    assert_eq!(
        b.post(&format!("/commitments/{samples}/told"), &[])
            .await
            .status,
        303
    );
    let kept = b
        .post(&format!("/commitments/{samples}/kept"), &[("on", "now")])
        .await;
    assert_eq!(kept.status, 303);
    assert_eq!(status(db, &a, &samples).await, Status::Kept);
    // Twice is refused on the page, with the reason, and changes nothing.
    let again = b.post(&format!("/commitments/{samples}/kept"), &[]).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("role=\"alert\""), "{}", again.body);

    // A label recorded wrongly is corrected on its page; the old one stays in the history.
    let page = b.get(&format!("/commitments/{samples}")).await.body;
    assert!(
        page.contains("Correct it</button>"),
        "a resolved promise offers it"
    );
    let fixed = b
        .post(
            &format!("/commitments/{samples}/correct"),
            &[("label", "broken")],
        )
        .await;
    assert_eq!(fixed.status, 303, "{}", fixed.body);
    assert_eq!(status(db, &a, &samples).await, Status::Broken);
    let page = b.get(&format!("/commitments/{samples}")).await.body;
    assert!(page.contains("corrected: kept → broken"), "{page}");
    for (label, code) in [("broken", 409), ("nonsense", 422), ("", 422)] {
        let r = b
            .post(
                &format!("/commitments/{samples}/correct"),
                &[("label", label)],
            )
            .await;
        assert_eq!(r.status, code, "{label:?}: {}", r.body);
        assert!(
            !r.body.contains("--correct") && !r.body.contains("--on"),
            "no CLI flag"
        );
    }
    assert_eq!(status(db, &a, &samples).await, Status::Broken, "unchanged");
    let open_one = promise(db, &a, &elodie, "Not yet done", "2030-02-02").await;
    assert!(
        !b.get(&format!("/commitments/{open_one}"))
            .await
            .body
            .contains("Correct it</button>"),
        "an open promise has no label to correct"
    );
    assert_eq!(
        b.post(
            &format!("/commitments/{open_one}/correct"),
            &[("label", "kept")]
        )
        .await
        .status,
        409
    );
    assert_eq!(status(db, &a, &open_one).await, Status::Open);

    // Renegotiate to a new date: the successor carries on, its page shown.
    let quote = promise(db, &a, &elodie, "Call the notary", "2030-03-01").await;
    let bad = b
        .post(
            &format!("/commitments/{quote}/renegotiate"),
            &[("due", "someday")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(status(db, &a, &quote).await, Status::Open, "unchanged");
    let moved = b
        .post(
            &format!("/commitments/{quote}/renegotiate"),
            &[("due", "2030-03-08")],
        )
        .await;
    assert_eq!(moved.status, 303);
    let next = location(&moved);
    assert!(
        next.starts_with("/commitments/") && !next.contains(&quote),
        "{next}"
    );
    assert!(b.get(&next).await.body.contains("Due 2030-03-08"));
    assert_eq!(status(db, &a, &quote).await, Status::Renegotiated);

    // Released at their request, withdrawn, broken, claimed done when it was not.
    for (action, want) in [
        ("released", Status::Released),
        ("withdrawn", Status::Released),
        ("broken", Status::Broken),
        ("deceptive", Status::Deceptive),
    ] {
        let id = promise(db, &a, &elodie, &format!("To be {action}"), "2030-04-01").await;
        let r = b.post(&format!("/commitments/{id}/{action}"), &[]).await;
        assert_eq!(r.status, 303, "{action}: {}", r.body);
        let c = ledger::commitment(db, &a, &id).await.expect("commitment");
        assert_eq!(c.status, want, "{action}");
        let label = b.get(&format!("/commitments/{id}")).await.body;
        for machine in ["released_on_request", "late_without_notice", "told_early"] {
            assert!(!label.contains(machine), "human labels only: {machine}");
        }
    }
    let released = promise(db, &a, &elodie, "Let off", "2030-04-02").await;
    b.post(&format!("/commitments/{released}/released"), &[])
        .await;
    assert!(
        b.get(&format!("/commitments/{released}"))
            .await
            .body
            .contains("Released at the other side")
    );

    // Unknown actions and ids, and another workspace's promise: not found, nothing changed.
    let open = promise(db, &a, &elodie, "Still open", "2030-05-01").await;
    assert_eq!(
        b.post(&format!("/commitments/{open}/explode"), &[])
            .await
            .status,
        404
    );
    assert_eq!(b.get("/commitments/not-an-id").await.status, 404);
    let other = db
        .create_workspace("Other", "Them", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let theirs_contact = contact(db, &other, "Their Contact").await;
    let theirs = promise(db, &other, &theirs_contact, "Theirs", "2030-05-01").await;
    assert_eq!(b.get(&format!("/commitments/{theirs}")).await.status, 404);
    assert_eq!(
        b.post(&format!("/commitments/{theirs}/kept"), &[])
            .await
            .status,
        404
    );
    assert_eq!(status(db, &other, &theirs).await, Status::Open);
}

async fn contacts_are_added_edited_archived_and_restored(db: &Db) {
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    let list = b.get("/contacts").await;
    let add_at = list.body.find("Add a contact").expect("the add form");
    let rows_at = list.body.find("<ul class=\"items\">").expect("the list");
    assert!(
        add_at < rows_at,
        "the form is at the top, not under the rows"
    );

    let added = b
        .post(
            "/contacts",
            &[
                ("name", "Élodie Martin"),
                ("type", "customer"),
                ("organisation", "Vins du Rhône"),
                ("emails", "elodie@vins.example\nelo@perso.example"),
                ("phones", "+33 6 12 34 56 78"),
                ("tags", "wine, lyon"),
                ("vip", "1"),
                ("cadence", "30"),
                ("met", "Salon des Vins"),
                ("met_on", "2023-05-04"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let path = location(&added);
    let id = path.trim_start_matches("/contacts/").to_owned();
    let c = service::contact_card(db, &a, &id)
        .await
        .expect("card")
        .contact;
    assert_eq!(c.emails, ["elodie@vins.example", "elo@perso.example"]);
    assert_eq!(c.phones, ["+33 6 12 34 56 78"]);
    assert_eq!(c.tags.len(), 2);
    assert!(c.vip);
    assert_eq!(c.cadence, rapport_core::contact::CadenceSetting::Every(30));
    let page = b.get(&path).await.body;
    assert!(page.contains("mailto:elodie@vins.example") && page.contains("tel:+33612345678"));
    assert!(page.contains("customer at Vins du Rhône, VIP"), "{page}");
    assert!(
        page.contains("Met: Salon des Vins, on 2023-05-04"),
        "{page}"
    );
    assert!(
        b.get("/contacts?met=SALON")
            .await
            .body
            .contains("Élodie Martin")
    );
    assert!(
        !b.get("/contacts?met=linkedin")
            .await
            .body
            .contains("Élodie Martin")
    );
    // A topic named when logging: Insights counts it, with the quote.
    let logged = b
        .post(
            &format!("{path}/interactions"),
            &[
                ("kind", "call"),
                ("summary", "Quarterly call"),
                ("they_said", "Shipping to Lyon is slow"),
                ("topics", "delivery, Delivery"),
            ],
        )
        .await;
    assert_eq!(logged.status, 303, "{}", logged.body);
    let insights = b.get("/insights").await.body;
    assert!(
        insights.contains(
            "<strong>delivery</strong>: 1 contact, 1 mention, a topic named when logging"
        ) && insights.contains("Shipping to Lyon is slow"),
        "{insights}"
    );
    let refused = b.get("/insights?since=2999-01-01").await;
    assert!(refused.body.contains("role=\"alert\""), "{}", refused.body);
    // A day we met cannot be ahead: refused, what was typed is kept, nothing added.
    let ahead = b
        .post(
            "/contacts",
            &[("name", "Future Person"), ("met_on", "2999-01-01")],
        )
        .await;
    assert_eq!(ahead.status, 422, "{}", ahead.body);
    assert!(ahead.body.contains("value=\"Future Person\""));
    assert!(!b.get("/contacts").await.body.contains("Future Person</a>"));

    // A second contact with the same email: added, with a warning naming the first.
    let dup = b
        .post(
            "/contacts",
            &[
                ("name", "E. Martin"),
                ("emails", "elodie@vins.example"),
                ("introduced_by", "Élodie"),
            ],
        )
        .await;
    assert_eq!(dup.status, 303);
    let warned = b.get(&location(&dup)).await.body;
    assert!(
        warned.contains("Met: introduced by Élodie Martin"),
        "{warned}"
    );
    // An introducer that names several contacts: the form comes back as typed, naming them.
    let namesake = b.post("/contacts", &[("name", "Élodie Dupont")]).await;
    assert_eq!(namesake.status, 303);
    let which = b
        .post(
            "/contacts",
            &[("name", "Hugo Petit"), ("introduced_by", "Élodie")],
        )
        .await;
    assert_eq!(which.status, 422, "{}", which.body);
    assert!(
        which.body.contains("value=\"Hugo Petit\"") && which.body.contains("Élodie Dupont"),
        "{}",
        which.body
    );
    // Introduced once: the edit form says by whom and offers no other.
    let dup_path = location(&dup);
    let dup_path = dup_path.split('?').next().expect("path");
    let dup_form = b.get(&format!("{dup_path}/edit")).await.body;
    assert!(
        dup_form.contains("Introduced by Élodie Martin")
            && !dup_form.contains("name=\"introduced_by\"")
    );
    assert!(
        warned.contains(&format!("<a href=\"/contacts/{id}\">Élodie Martin</a>")),
        "{warned}"
    );

    // Edit: the form shows what is stored; a refusal keeps what was typed, changes nothing.
    let form = b.get(&format!("{path}/edit")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("value=\"wine, lyon\""), "{}", form.body);
    assert!(
        form.body.contains("value=\"Salon des Vins\"")
            && form.body.contains("value=\"2023-05-04\"")
    );
    let refused = b
        .post(
            &format!("{path}/edit"),
            &[("name", "Élodie Martin-Roux"), ("cadence", "every week")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("value=\"Élodie Martin-Roux\""));
    assert_eq!(
        service::contact_card(db, &a, &id)
            .await
            .expect("card")
            .contact
            .name,
        "Élodie Martin"
    );
    let edited = b
        .post(
            &format!("{path}/edit"),
            &[
                ("name", "Élodie Martin-Roux"),
                ("type", "partner"),
                ("organisation", ""),
                ("emails", "elodie@vins.example"),
                ("phones", ""),
                ("tags", "wine"),
                ("cadence", "never"),
            ],
        )
        .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    let c = service::contact_card(db, &a, &id)
        .await
        .expect("card")
        .contact;
    assert_eq!(c.name, "Élodie Martin-Roux");
    assert_eq!(c.organisation, None);
    assert_eq!(c.emails, ["elodie@vins.example"]);
    assert!(c.phones.is_empty());
    assert_eq!(c.tags, ["wine"]);
    assert!(!c.vip, "the box was not ticked");
    assert_eq!(c.cadence, rapport_core::contact::CadenceSetting::Never);
    assert_eq!((c.met, c.met_on), (None, None), "the fields were emptied");

    // Archive: off the list, in the archived list, restorable.
    assert_eq!(b.post(&format!("{path}/archive"), &[]).await.status, 303);
    assert!(!b.get("/contacts").await.body.contains("Martin-Roux"));
    assert!(
        b.get("/contacts?archived=1")
            .await
            .body
            .contains("Martin-Roux")
    );
    let twice = b.post(&format!("{path}/archive"), &[]).await;
    assert_eq!(twice.status, 409);
    assert_eq!(b.post(&format!("{path}/restore"), &[]).await.status, 303);
    assert!(b.get("/contacts").await.body.contains("Martin-Roux"));
    let stored = db
        .contact(&a.workspace.id, &c.id)
        .await
        .expect("read")
        .expect("kept");
    assert!(!stored.is_archived());

    // Another workspace's contact cannot be edited or archived.
    let other = db
        .create_workspace("Other", "Them", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let theirs = contact(db, &other, "Not Yours").await;
    assert_eq!(b.get(&format!("/contacts/{theirs}/edit")).await.status, 404);
    assert_eq!(
        b.post(&format!("/contacts/{theirs}/edit"), &[("name", "Mine now")])
            .await
            .status,
        404
    );
    assert_eq!(
        b.post(&format!("/contacts/{theirs}/archive"), &[])
            .await
            .status,
        404
    );
}

async fn today_shows_the_most_urgent_few_and_all_on_asking(db: &Db) {
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    let fresh = db
        .create_workspace("Fresh", "New owner", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let empty = Browser::new(db, &fresh).await.get("/today").await.body;
    assert!(empty.contains("Nothing to do today"), "{empty}");
    let ana = contact(db, &a, "Ana Lima").await;
    let today = Timestamp::now().to_zoned_datetime(a.workspace.tz()).date();
    for i in 0..8 {
        let due = today.checked_sub((i + 1).days()).expect("date").to_string();
        promise(db, &a, &ana, &format!("Overdue {i}"), &due).await;
    }
    let page = b.get("/today").await.body;
    assert!(
        page.contains("My promises due <span class=\"count\">(8)</span>"),
        "{page}"
    );
    assert_eq!(
        page.matches("\">Overdue ").count(),
        5,
        "the five most urgent"
    );
    assert!(page.contains("Overdue 7"), "the oldest first");
    assert!(page.contains("Show all 8 (3 more)"));
    assert!(page.contains("Overdue by 8 days"), "since when, in words");
    assert!(page.contains(">Renegotiate or other outcome</a>"));
    assert_eq!(
        page.matches("Ana Lima").count(),
        5,
        "the name once per item"
    );
    let all = b.get("/today?section=mine_due").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body.matches("\">Overdue ").count(), 8);
    assert_eq!(b.get("/today?section=nonsense").await.status, 404);
}

async fn the_ledger_lists_every_promise_a_page_at_a_time(db: &Db) {
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    let ana = contact(db, &a, "Ana Lima").await;
    for i in 0..53 {
        promise(db, &a, &ana, &format!("Promise number {i}"), "2030-01-01").await;
    }
    let first = b.get("/commitments?direction=mine&open=1").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body.matches("Promise number ").count(), 50);
    let link_end = first.body.find("\">Next 50 promises").expect("a next page");
    let at = first.body[..link_end].rfind("href=\"").expect("href") + 6;
    let next = first.body[at..link_end].replace("&#38;", "&");
    let second = b.get(&next).await;
    assert_eq!(second.body.matches("Promise number ").count(), 3, "{next}");
    assert!(!second.body.contains("Next 50"));
    assert_eq!(
        b.get("/commitments?direction=sideways").await.status,
        422,
        "a direction that does not read"
    );
}

async fn facts_and_conversations_are_corrected_and_deleted(db: &Db) {
    use rapport_core::fact::{FactKind, NewFact};
    use rapport_core::interaction::{InteractionKind, NewInteraction};
    use rapport_core::today::{TodayKind, today_for};
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    let now = Timestamp::now();
    // A customer known for 200 days: going cold unless touched lately.
    let ana = service::add_contact(
        db,
        &a,
        NewContact {
            name: "Ana Lima".into(),
            relationship: Some(rapport_core::contact::RelationshipType::Customer),
            ..NewContact::default()
        },
        now - jiff::SignedDuration::from_hours(24 * 200),
    )
    .await
    .expect("contact")
    .contact;
    let cold = |a: Actor| async move {
        today_for(db, &a, Timestamp::now())
            .await
            .expect("today")
            .items
            .iter()
            .any(|i| i.kind == TodayKind::GoingCold)
    };
    let (_, fact) = service::add_fact(
        db,
        &a,
        ana.id.as_str(),
        NewFact {
            kind: FactKind::Interest,
            text: "sailing".into(),
            relation: None,
            date: None,
        },
        now,
    )
    .await
    .expect("fact");
    let (_, talk) = service::log_interaction(
        db,
        &a,
        ana.id.as_str(),
        NewInteraction {
            kind: InteractionKind::Call,
            occurred_at: now - jiff::SignedDuration::from_hours(24 * 100),
            summary: "Catch-up".into(),
            they_said: None,
            i_said: None,
            topics: Vec::new(),
        },
        now,
    )
    .await
    .expect("interaction");
    assert!(cold(a.clone()).await, "last touched 100 days ago");
    let page = b.get(&format!("/contacts/{}", ana.id)).await.body;
    assert!(page.contains(&format!("/facts/{}/edit", fact.id)));
    assert!(page.contains(&format!("/interactions/{}/edit", talk.id)));

    // A fact corrected: a bad date is refused and changes nothing; then it is rewritten.
    let path = format!("/facts/{}/edit", fact.id);
    assert_eq!(b.get(&path).await.status, 200);
    let bad = b
        .post(
            &path,
            &[
                ("kind", "family"),
                ("text", "Sofia"),
                ("date", "2016-02-30"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("value=\"Sofia\""), "what was typed stays");
    assert!(
        bad.body.contains("value=\"2016-02-30\""),
        "the date as typed stays, not the stored one"
    );
    let facts = service::contact_card(db, &a, ana.id.as_str())
        .await
        .expect("card")
        .facts;
    assert_eq!(facts[0].text, "sailing", "unchanged");
    let ok = b
        .post(
            &path,
            &[
                ("kind", "family"),
                ("text", "Sofia"),
                ("relation", "daughter"),
                ("date", "2016-05-04"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let facts = service::contact_card(db, &a, ana.id.as_str())
        .await
        .expect("card")
        .facts;
    assert_eq!(
        (facts[0].kind, facts[0].text.as_str()),
        (FactKind::Family, "Sofia")
    );
    assert_eq!(facts[0].id, fact.id, "the same fact");
    // Deleting asks first, on a page of its own (no JavaScript needed); asking deletes nothing.
    let ask = b.get(&format!("/facts/{}/delete", fact.id)).await;
    assert_eq!(ask.status, 200);
    assert!(ask.body.contains("Sofia") && ask.body.contains("This cannot be undone"));
    assert!(ask.body.contains("Delete it</button>") && ask.body.contains("Keep it"));
    assert_eq!(
        service::contact_card(db, &a, ana.id.as_str())
            .await
            .expect("card")
            .facts
            .len(),
        1
    );
    assert_eq!(
        b.post(&format!("/facts/{}/delete", fact.id), &[])
            .await
            .status,
        303
    );
    assert!(
        service::contact_card(db, &a, ana.id.as_str())
            .await
            .expect("card")
            .facts
            .is_empty()
    );
    assert_eq!(
        b.post(&format!("/facts/{}/delete", fact.id), &[])
            .await
            .status,
        404
    );

    // A conversation moved to yesterday: the keep-in-touch clock follows, both ways.
    let path = format!("/interactions/{}/edit", talk.id);
    let moved = b
        .post(
            &path,
            &[
                ("kind", "meeting"),
                ("summary", "Lunch"),
                ("they_said", "Loves the new range"),
                ("at", "yesterday 12:30"),
            ],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert!(!cold(a.clone()).await, "touched yesterday");
    let (_, i) = service::interaction(db, &a, talk.id.as_str())
        .await
        .expect("read");
    assert_eq!(
        (i.kind, i.summary.as_str()),
        (InteractionKind::Meeting, "Lunch")
    );
    let empty = b
        .post(&path, &[("kind", "meeting"), ("summary", " ")])
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        b.post(&format!("/interactions/{}/delete", talk.id), &[])
            .await
            .status,
        303
    );
    assert!(
        cold(a.clone()).await,
        "no touch left: due 60 days after she was added"
    );
    let gone = db
        .contact(&a.workspace.id, &ana.id)
        .await
        .expect("read")
        .expect("contact");
    assert_eq!(gone.last_touch_at, None);

    // One a promise was recorded from stays, and says why.
    let (_, source) = service::log_interaction(
        db,
        &a,
        ana.id.as_str(),
        NewInteraction {
            kind: InteractionKind::Email,
            occurred_at: now,
            summary: "Order".into(),
            they_said: None,
            i_said: None,
            topics: Vec::new(),
        },
        now,
    )
    .await
    .expect("interaction");
    let new = NewCommitment {
        direction: Direction::Mine,
        text: "Ship it".into(),
        due: Due::parse("2030-01-01", now, &a.workspace.tz()).expect("due"),
        size: Size::Normal,
        source_interaction: Some(source.id.clone()),
    };
    ledger::record_commitment(db, &a, ana.id.as_str(), new, true, now)
        .await
        .expect("promise");
    let kept = b
        .post(&format!("/interactions/{}/delete", source.id), &[])
        .await;
    assert_eq!(kept.status, 409);
    assert!(
        kept.body
            .contains("a promise was recorded from this conversation")
    );
    assert!(
        service::interaction(db, &a, source.id.as_str())
            .await
            .is_ok()
    );

    // Another workspace's fact and conversation: not found, untouched.
    let other = db
        .create_workspace("Other", "Them", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let theirs = contact(db, &other, "Not Yours").await;
    let (_, their_fact) = service::add_fact(
        db,
        &other,
        &theirs,
        NewFact {
            kind: FactKind::Note,
            text: "private".into(),
            relation: None,
            date: None,
        },
        now,
    )
    .await
    .expect("fact");
    assert_eq!(
        b.get(&format!("/facts/{}/edit", their_fact.id))
            .await
            .status,
        404
    );
    assert_eq!(
        b.post(&format!("/facts/{}/delete", their_fact.id), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        service::contact_card(db, &other, &theirs)
            .await
            .expect("card")
            .facts
            .len(),
        1
    );
}

async fn the_list_counts_filters_and_shows_where_each_stands(db: &Db) {
    use rapport_core::contact::RelationshipType;
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    let now = Timestamp::now();
    let add = |name: &'static str, vip: bool, days_ago: i64| {
        let a = a.clone();
        async move {
            service::add_contact(
                db,
                &a,
                NewContact {
                    name: name.into(),
                    relationship: Some(RelationshipType::Customer),
                    vip,
                    ..NewContact::default()
                },
                Timestamp::now() - jiff::SignedDuration::from_hours(24 * days_ago),
            )
            .await
            .expect("contact")
            .contact
        }
    };
    let ana = add("Ana Lima", true, 1).await;
    add("Bruno Costa", false, 200).await;
    add("Carla Souza", false, 1).await;
    for i in 0..4 {
        let id = promise(db, &a, ana.id.as_str(), &format!("Kept {i}"), "2030-01-01").await;
        ledger::resolve(db, &a, &id, ledger::Outcome::Kept, None, false, now)
            .await
            .expect("kept");
    }
    let all = b.get("/contacts").await.body;
    assert!(all.contains("<strong>3 contacts</strong>"), "{all}");
    assert!(
        all.contains("trust: mine good, theirs not known yet"),
        "{all}"
    );
    assert!(all.contains("next touch by"));
    let vips = b.get("/contacts?vip=1").await.body;
    assert!(vips.contains("<strong>1 contact</strong>") && vips.contains("Ana Lima"));
    assert!(!vips.contains("Bruno Costa"));
    let cold = b.get("/contacts?cold=1").await.body;
    assert!(cold.contains("<strong>1 contact</strong>"), "{cold}");
    assert!(cold.contains("Bruno Costa") && cold.contains("going cold: a touch was due"));
    assert!(!cold.contains("Carla Souza"));
}

async fn introductions_both_ways_on_a_contacts_page(db: &Db) {
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    let ana = contact(db, &a, "Ana Lima").await;
    let bruno = contact(db, &a, "Bruno Costa").await;
    contact(db, &a, "Carla Souza").await;
    contact(db, &a, "Carla Mendes").await;
    let by = b
        .post(
            &format!("/contacts/{bruno}/introduced-by"),
            &[("other", "ana")],
        )
        .await;
    assert_eq!(by.status, 303, "{}", by.body);
    let page = b.get(&format!("/contacts/{bruno}")).await.body;
    assert!(page.contains(&format!(
        "Introduced by <a href=\"/contacts/{ana}\">Ana Lima</a>"
    )));
    let theirs = b.get(&format!("/contacts/{ana}")).await.body;
    assert!(theirs.contains(&format!("<a href=\"/contacts/{bruno}\">Bruno Costa</a>")));
    // A second introducer, a name matching two, a name matching none: said, nothing written.
    let again = b
        .post(
            &format!("/contacts/{bruno}/introduced-by"),
            &[("other", "carla souza")],
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("already has an introducer"));
    let two = b
        .post(
            &format!("/contacts/{ana}/introduced"),
            &[("other", "carla")],
        )
        .await;
    assert_eq!(two.status, 422);
    assert!(
        two.body.contains("Carla Mendes") && two.body.contains("Carla Souza"),
        "{}",
        two.body
    );
    let none = b
        .post(&format!("/contacts/{ana}/introduced"), &[("other", "zoe")])
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("role=\"alert\""));
    let ok = b
        .post(
            &format!("/contacts/{ana}/introduced"),
            &[("other", "carla mendes")],
        )
        .await;
    assert_eq!(ok.status, 303);
    let advocates = rapport_core::referral::advocates(db, &a)
        .await
        .expect("advocates");
    assert_eq!(advocates.len(), 1);
    assert_eq!(advocates[0].referred, 2);
}

async fn the_brief_is_its_own_page(db: &Db) {
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    let ana = contact(db, &a, "Ana Lima").await;
    let now = Timestamp::now();
    let today = now.to_zoned_datetime(a.workspace.tz()).date();
    for (text, on) in [
        ("Sailing book", today.checked_sub(10.days()).expect("date")),
        (
            "Concert tickets",
            today.checked_add(5.days()).expect("date"),
        ),
    ] {
        rapport_core::gesture::add(
            db,
            &a,
            &ana,
            rapport_core::gesture::NewGesture {
                kind: Some(rapport_core::gesture::GestureKind::Gift),
                text: text.into(),
                on: Some(on),
                cost: Some("30".into()),
                note: None,
            },
            now,
        )
        .await
        .expect("gesture");
    }
    promise(db, &a, &ana, "Send the catalogue", "2030-01-01").await;
    let page = b.get(&format!("/contacts/{ana}/brief")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Send the catalogue"));
    assert!(
        page.body.contains("Last given") && page.body.contains("Sailing book"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Concert tickets"), "planned, not given");
    assert_eq!(b.get("/contacts/nope/brief").await.status, 404);
}

async fn requests_across_the_workspace_and_their_answers(db: &Db) {
    let a = actor(db).await;
    let ana = contact(db, &a, "Ana Lima").await;
    let bruno = contact(db, &a, "Bruno Costa").await;
    let now = Timestamp::now();
    for i in 0..51 {
        let (who, why) = if i % 2 == 0 {
            (&ana, Some("for her team"))
        } else {
            (&bruno, None)
        };
        ledger::add_request(db, &a, who, &format!("Request {i:02}"), why, None, now)
            .await
            .expect("request");
    }
    let b = Browser::new(db, &a).await;

    // 50 a page, oldest first, each with its contact; the rest on the next page.
    let first = b.get("/requests").await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Request 00") && first.body.contains("Request 49"));
    assert!(!first.body.contains("Request 50"), "cut at 50…");
    assert!(first.body.contains("Next 50 requests"), "…and said so");
    assert!(first.body.contains("Ana Lima") && first.body.contains("Bruno Costa"));
    let next = first
        .body
        .split("href=\"")
        .filter_map(|h| h.split('"').next())
        .find(|h| h.starts_with("/requests?after="))
        .expect("a next page")
        .replace("&#38;", "&");
    let second = b.get(&next).await;
    assert!(second.body.contains("Request 50") && !second.body.contains("Request 49"));
    assert!(!second.body.contains("Next 50 requests"));

    // Only those without a why; one contact's.
    let open = b.get("/requests?open=1").await.body;
    assert!(
        open.contains("Request 01") && !open.contains("Request 00"),
        "why known: left out"
    );
    let hers = b.get(&format!("/requests?contact={ana}")).await.body;
    assert!(hers.contains("What Ana Lima asked for") && !hers.contains("Request 01"));
    assert_eq!(b.get("/requests?contact=nobody-at-all").await.status, 404);
    // A cursor from another contact's requests is no place to start hers.
    let brunos_first = ledger::requests(db, &a, Some(&bruno), false, None, 1)
        .await
        .expect("requests")[0]
        .id
        .to_string();
    // A cursor that is not this list's is bad input, as on the ledger: 422.
    assert_eq!(
        b.get(&format!("/requests?contact={ana}&after={brunos_first}"))
            .await
            .status,
        422
    );
    assert_eq!(b.get("/requests?after=not-a-request").await.status, 422);
    assert_eq!(b.get("/commitments?after=not-a-promise").await.status, 422);

    // A why written on the list comes back to the list.
    let list = ledger::requests(db, &a, Some(&bruno), true, None, 100)
        .await
        .expect("requests");
    let r1 = list[0].id.to_string();
    let saved = b
        .post(
            &format!("/requests/{r1}/why"),
            &[
                ("why", "Their audit is in May"),
                ("back", "/requests?open=1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    assert_eq!(location(&saved), "/requests?open=1");
    let r = ledger::request(db, &a, &r1).await.expect("request");
    assert_eq!(r.why.as_deref(), Some("Their audit is in May"));

    // Answered by a promise of the same contact; another contact's is refused, unchanged.
    let anas = promise(db, &a, &ana, "Send the team pricing", "2030-01-10").await;
    let brunos = promise(db, &a, &bruno, "Send the audit pack", "2030-01-11").await;
    let page = b.get(&format!("/contacts/{bruno}")).await.body;
    assert!(page.contains("Link the answer") && page.contains("Send the audit pack"));
    let wrong = b
        .post(&format!("/requests/{r1}/answer"), &[("commitment", &anas)])
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong.body.contains("another contact"), "{}", wrong.body);
    assert!(
        ledger::request(db, &a, &r1)
            .await
            .expect("r")
            .answered_by
            .is_none()
    );
    // What they promised me answers nothing of theirs.
    let theirs = ledger::record_commitment(
        db,
        &a,
        &bruno,
        NewCommitment {
            direction: Direction::Theirs,
            text: "Send their audit dates".into(),
            due: Due::parse("2030-01-12", now, &a.workspace.tz()).expect("due"),
            size: Size::Normal,
            source_interaction: None,
        },
        true,
        now,
    )
    .await
    .expect("theirs")
    .1
    .id
    .to_string();
    let refused = b
        .post(
            &format!("/requests/{r1}/answer"),
            &[("commitment", &theirs)],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let linked = b
        .post(
            &format!("/requests/{r1}/answer"),
            &[("commitment", &brunos)],
        )
        .await;
    assert_eq!(linked.status, 303, "{}", linked.body);
    let r = ledger::request(db, &a, &r1).await.expect("request");
    assert_eq!(r.answered_by.map(|c| c.to_string()), Some(brunos.clone()));
    assert!(
        b.get(&format!("/contacts/{bruno}"))
            .await
            .body
            .contains(&format!(
                "href=\"/commitments/{brunos}\">Answered by a promise"
            ))
    );
    // On one contact's Requests page, a request is answered in place.
    let (_, r2) = ledger::add_request(db, &a, &bruno, "A second audit pack", None, None, now)
        .await
        .expect("request");
    let his = b.get(&format!("/requests?contact={bruno}")).await.body;
    assert!(
        his.contains(&format!("action=\"/requests/{}/answer\"", r2.id)),
        "{his}"
    );
    assert!(
        !b.get("/requests").await.body.contains("/answer\""),
        "the workspace's page links to each contact's instead"
    );
    let back = format!("/requests?contact={bruno}");
    let linked = b
        .post(
            &format!("/requests/{}/answer", r2.id),
            &[("commitment", &brunos), ("back", &back)],
        )
        .await;
    assert_eq!((linked.status, location(&linked)), (303, back.clone()));
    assert!(
        ledger::request(db, &a, r2.id.as_str())
            .await
            .expect("r2")
            .answered_by
            .is_some()
    );
    // More than the page shows: said, with the page that lists them all.
    assert!(
        b.get(&format!("/contacts/{bruno}"))
            .await
            .body
            .contains(&format!("/requests?contact={bruno}"))
    );
    assert_eq!(
        b.post("/requests/not-an-id/answer", &[("commitment", &brunos)])
            .await
            .status,
        404
    );

    // Another workspace's request: not found, nothing changed.
    let other = db
        .create_workspace("Other", "Them", "UTC", now)
        .await
        .expect("workspace");
    let theirs_contact = contact(db, &other, "Their Contact").await;
    let (_, theirs) = ledger::add_request(db, &other, &theirs_contact, "Theirs", None, None, now)
        .await
        .expect("request");
    let r = b
        .post(
            &format!("/requests/{}/why", theirs.id),
            &[("why", "not yours")],
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(
        ledger::request(db, &other, theirs.id.as_str())
            .await
            .expect("theirs")
            .why
            .is_none()
    );
    let page_two = second_page_of(&b, "/requests").await;
    assert!(!b.get("/requests").await.body.contains("Their Contact"));
    assert!(!page_two.contains("Their Contact"), "not on any page");

    // Insights counts the answers given without knowing why, as `requests --stats` does.
    let stats = ledger::request_stats(db, &a, None, Timestamp::now())
        .await
        .expect("stats");
    let insights = b.get("/insights").await.body;
    assert!(
        insights.contains("Answered without knowing why"),
        "{insights}"
    );
    assert!(
        insights.contains(&format!(
            "Since the beginning: {} answered, {} of them without knowing why",
            stats.answered, stats.answered_without_why
        )),
        "{insights}"
    );
    assert!(
        insights.contains(&format!(
            "Open requests whose why is still unknown: {}",
            stats.open_without_why
        )),
        "{insights}"
    );
    assert!(stats.open_without_why >= 20, "{stats:?}");
}

/// The page a list's "next" link leads to.
async fn second_page_of(b: &Browser, path: &str) -> String {
    let first = b.get(path).await.body;
    match first
        .split("href=\"")
        .filter_map(|h| h.split('"').next())
        .find(|h| h.contains("after="))
    {
        Some(next) => b.get(&next.replace("&#38;", "&")).await.body,
        None => String::new(),
    }
}

async fn search_finds_contacts_and_conversations(db: &Db) {
    use rapport_core::interaction::{InteractionKind, NewInteraction};
    let a = actor(db).await;
    let elodie = contact(db, &a, "Élodie Martin").await;
    contact(db, &a, "Elodie Martins").await;
    let now = Timestamp::now();
    for i in 0..23 {
        service::log_interaction(
            db,
            &a,
            &elodie,
            NewInteraction {
                kind: InteractionKind::Call,
                occurred_at: now - (i + 1).hours(),
                summary: format!("Call {i:02}"),
                they_said: Some("Wants a BIGGER order in spring".into()),
                i_said: None,
                topics: Vec::new(),
            },
            now,
        )
        .await
        .expect("interaction");
    }
    let b = Browser::new(db, &a).await;
    assert_eq!(b.get("/search").await.status, 200);

    // Contacts by name, accents and case aside, with their count.
    let page = b.get("/search?q=ELODIE").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<p>2 contacts</p>"), "{}", page.body);
    assert!(page.body.contains("Élodie Martin") && page.body.contains("Elodie Martins"));

    // Conversations by what was said, newest first, 20 a page, each with its contact.
    let page = b.get("/search?q=bigger+ORDER").await.body;
    assert!(page.contains("Call 00") && page.contains("Call 19") && !page.contains("Call 20"));
    assert!(page.contains("They said: Wants a BIGGER order in spring"));
    assert!(page.contains("Élodie Martin"));
    assert!(page.contains("Next 20 conversations"), "cut, and said so");
    let next = page
        .split("href=\"")
        .filter_map(|h| h.split('"').next())
        .find(|h| h.starts_with("/search?q="))
        .expect("a next page")
        .replace("&#38;", "&");
    let rest = b.get(&next).await.body;
    assert!(rest.contains("Call 20") && rest.contains("Call 22") && !rest.contains("Call 19"));
    assert!(!rest.contains("Next 20 conversations"));
    let none = b.get("/search?q=zeppelin").await.body;
    assert!(none.contains("<p>0 contacts</p>") && none.contains("No conversation mentions"));
    assert_eq!(b.get("/search?q=order&after=nope").await.status, 422);
    // A NUL is no search (it matched every contact once).
    let nul = b.get("/search?q=%00").await;
    assert_eq!(nul.status, 422, "{}", nul.body);
    assert!(!nul.body.contains("Élodie Martin"));
}

async fn a_member_leaves_from_settings(db: &Db) {
    use rapport_core::workspace::Role;
    let owner = actor(db).await;
    let now = Timestamp::now();
    let bo = db
        .add_user(
            "My workspace",
            "bo@example.com",
            "Bo",
            Role::Member,
            None,
            now,
        )
        .await
        .expect("member");
    let cy = db
        .add_user(
            "My workspace",
            "cy@example.com",
            "Cy",
            Role::Member,
            None,
            now,
        )
        .await
        .expect("member");
    let client = contact(db, &bo, "Bo's Client").await;
    let kept_open = promise(db, &bo, &client, "Bo's promise", "2030-01-20").await;

    // A member sees no handoff form, and is refused if they post one; nothing moves.
    let as_bo = Browser::new(db, &bo).await;
    assert!(
        !as_bo
            .get("/settings")
            .await
            .body
            .contains("Hand their work over")
    );
    let refused = as_bo
        .post(
            "/settings/handoff",
            &[("from", "cy@example.com"), ("to", "bo@example.com")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    // Any member keeps their own other addresses (what a mail import counts as theirs).
    let added = as_bo
        .post("/settings/addresses", &[("address", "Bo.Home@Example.com")])
        .await;
    assert!(added.status == 303 || added.status == 200, "{}", added.body);
    let page = as_bo.get("/settings").await.body;
    assert!(page.contains("bo.home@example.com"), "{page}");
    let bad = as_bo
        .post("/settings/addresses", &[("address", "not an address")])
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    as_bo
        .post(
            "/settings/addresses/forget",
            &[("address", "bo.home@example.com")],
        )
        .await;
    assert!(
        !as_bo
            .get("/settings")
            .await
            .body
            .contains("bo.home@example.com")
    );

    // Gift ideas: a member sees the catalogue but cannot change it; the owner can.
    assert!(
        as_bo
            .get("/settings")
            .await
            .body
            .contains("A round at a good course")
    );
    let member_idea = as_bo
        .post(
            "/settings/gift-ideas",
            &[("interest", "golf"), ("idea", "A round at the club")],
        )
        .await;
    assert_eq!(member_idea.status, 403, "{}", member_idea.body);

    // The owner hands Bo's work to Cy: said on the page; Bo's promise is Cy's now.
    let b = Browser::new(db, &owner).await;
    let added = b
        .post(
            "/settings/gift-ideas",
            &[("interest", "Golf"), ("idea", "A round at the club")],
        )
        .await;
    assert!(added.status == 303 || added.status == 200, "{}", added.body);
    let page = b.get("/settings").await.body;
    assert!(page.contains("A round at the club (yours)"), "{page}");
    let bad = b
        .post(
            "/settings/gift-ideas",
            &[("interest", ""), ("idea", "A thing")],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    b.post(
        "/settings/gift-ideas/remove",
        &[("idea", "golf=A round at a good course")],
    )
    .await;
    let page = b.get("/settings").await.body;
    assert!(!page.contains("A round at a good course"), "{page}");
    let page = b.get("/settings").await.body;
    assert!(page.contains("Hand their work over") && page.contains("Bo (bo@example.com)"));
    let bad = b
        .post(
            "/settings/handoff",
            &[("from", "bo@example.com"), ("to", "bo@example.com")],
        )
        .await;
    assert_eq!(bad.status, 422);
    let unknown = b
        .post(
            "/settings/handoff",
            &[("from", "nobody@example.com"), ("to", "cy@example.com")],
        )
        .await;
    assert_eq!(unknown.status, 404);
    let done = b
        .post(
            "/settings/handoff",
            &[("from", bo.user.id.as_str()), ("to", cy.user.id.as_str())],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body
            .contains("Handed over: 1 contact, 1 open promise and 0 open deals"),
        "{}",
        done.body
    );
    let c = ledger::commitment(db, &cy, &kept_open)
        .await
        .expect("commitment");
    assert_eq!(c.owner_id, cy.user.id);
    // Bo's session ended with the membership.
    assert_ne!(as_bo.get("/today").await.status, 200);
}

async fn a_contacts_page_says_what_it_leaves_out(db: &Db) {
    use rapport_core::gesture::{GestureKind, NewGesture};
    use rapport_core::interaction::{InteractionKind, NewInteraction};
    let a = actor(db).await;
    let ana = contact(db, &a, "Ana Lima").await;
    let bruno = contact(db, &a, "Bruno Costa").await;
    let now = Timestamp::now();
    for i in 0..55 {
        service::log_interaction(
            db,
            &a,
            &ana,
            NewInteraction {
                kind: InteractionKind::Call,
                occurred_at: now - (i + 1).hours(),
                summary: format!("Talk {i:02}"),
                they_said: None,
                i_said: None,
                topics: Vec::new(),
            },
            now,
        )
        .await
        .expect("interaction");
    }
    for i in 0..22 {
        rapport_core::gesture::add(
            db,
            &a,
            &ana,
            NewGesture {
                kind: Some(GestureKind::Gift),
                text: format!("Gift {i:02}"),
                on: Some(jiff::civil::date(2026, 1, 1) + (i as i64).days()),
                cost: None,
                note: None,
            },
            now,
        )
        .await
        .expect("gesture");
    }
    rapport_core::gesture::add(
        db,
        &a,
        &bruno,
        NewGesture {
            kind: Some(GestureKind::Tickets),
            text: "Concert".into(),
            on: Some(jiff::civil::date(2025, 6, 1)),
            cost: None,
            note: None,
        },
        now,
    )
    .await
    .expect("gesture");
    for i in 0..51 {
        promise(db, &a, &ana, &format!("Promise {i:02}"), "2031-01-01").await;
    }
    // Due before all of hers: the first line of an unfiltered ledger.
    promise(db, &a, &bruno, "The promise to Bruno", "2030-06-01").await;
    let b = Browser::new(db, &a).await;

    // The page shows the latest of each, and links to the rest.
    let page = b.get(&format!("/contacts/{ana}")).await.body;
    assert!(page.contains("Talk 19") && !page.contains("Talk 20"));
    assert!(page.contains(&format!("/contacts/{ana}/timeline")));
    assert!(page.contains(&format!("/gestures?contact={ana}")));
    assert!(
        page.contains(&format!("/commitments?open=1&amp;contact={ana}")),
        "{page}"
    );
    let bruno_page = b.get(&format!("/contacts/{bruno}")).await.body;
    assert!(!bruno_page.contains("/timeline\"") && !bruno_page.contains("/gestures?contact"));

    // Every conversation, 50 a page.
    let first = b.get(&format!("/contacts/{ana}/timeline")).await.body;
    assert!(first.contains("Talk 00") && first.contains("Talk 49") && !first.contains("Talk 50"));
    let next = first
        .split("href=\"")
        .filter_map(|h| h.split('"').next())
        .find(|h| h.contains("/timeline?after="))
        .expect("a next page")
        .to_owned();
    let rest = b.get(&next).await.body;
    assert!(rest.contains("Talk 54") && !rest.contains("Talk 49"));
    assert!(!rest.contains("Earlier conversations"));
    let after = next.split("after=").nth(1).expect("cursor");
    assert_eq!(
        b.get(&format!("/contacts/{bruno}/timeline?after={after}"))
            .await
            .status,
        422,
        "another contact's conversation is no cursor here"
    );

    // Every gesture: hers, and the workspace's with names.
    let hers = b.get(&format!("/gestures?contact={ana}")).await.body;
    assert!(hers.contains("Gift 00") && hers.contains("Gift 21") && !hers.contains("Concert"));
    let all = b.get("/gestures").await.body;
    assert!(all.contains("Concert") && all.contains("Bruno Costa") && all.contains("Ana Lima"));
    assert_eq!(b.get("/gestures?after=garbage").await.status, 422);

    // Her open promises on the ledger, hers only.
    let ledger = b
        .get(&format!("/commitments?open=1&contact={ana}"))
        .await
        .body;
    assert!(ledger.contains("The ledger: Ana Lima") && !ledger.contains("The promise to Bruno"));
    assert!(
        b.get("/commitments?open=1")
            .await
            .body
            .contains("The promise to Bruno"),
        "unfiltered, it shows"
    );
    assert!(ledger.contains("Next 50 promises"));
}

/// A message an hour old, as the mail reader gives it.
fn mail(from: &str, to: &str, key: &str, text: &str) -> rapport_core::mail::MailMessage {
    use rapport_core::mail::{MailAddress, MailMessage};
    let address = |e: &str| MailAddress {
        email: e.into(),
        name: None,
    };
    MailMessage {
        key: format!("id:{key}"),
        message_id: Some(key.into()),
        at: Timestamp::now() - 1.hour(),
        from: address(from),
        to: vec![address(to)],
        subject: "The order".into(),
        text: text.into(),
        automatic: false,
    }
}

async fn promises_from_mail_are_confirmed_from_today(db: &Db) {
    use rapport_core::suggestion;
    let a = actor(db).await;
    service::add_contact(
        db,
        &a,
        NewContact {
            name: "Ana Lima".into(),
            emails: vec!["ana@example.com".into()],
            ..NewContact::default()
        },
        Timestamp::now(),
    )
    .await
    .expect("contact");
    let report = rapport_core::mail::import(
        db,
        &a,
        vec![
            mail(
                "ana@example.com",
                "me@example.com",
                "w-1@example.com",
                "We'll send the signed order within 3 days.",
            ),
            mail(
                "me@example.com",
                "ana@example.com",
                "w-2@example.com",
                "I'll call you tomorrow. Could you check the address?",
            ),
        ],
        &["me@example.com".to_owned()],
        Vec::new(),
        &rapport_core::mail::MailOptions::default(),
        Timestamp::now(),
    )
    .await
    .expect("import");
    assert_eq!(report.suggestions_offered, 2);
    let offered = suggestion::on_offer(db, &a, None, 10, Timestamp::now())
        .await
        .expect("list");
    let id_of = |d: Direction| {
        offered
            .items
            .iter()
            .find(|v| v.suggestion.direction == d)
            .map(|v| v.suggestion.id.to_string())
            .expect("a suggestion")
    };
    let (theirs, mine) = (id_of(Direction::Theirs), id_of(Direction::Mine));

    let b = Browser::new(db, &a).await;
    let today = b.get("/today").await;
    assert_eq!(today.status, 200);
    assert!(
        today.body.contains("Confirm these promises"),
        "{}",
        today.body
    );
    assert!(today.body.contains("Send the signed order"));
    assert!(
        today
            .body
            .contains(&format!("/suggestions/{theirs}/accept"))
    );
    assert!(today.body.contains(&format!("/suggestions/{mine}/dismiss")));

    // A bad date is refused on the list, which offers the form again; nothing changes.
    let bad = b
        .post(
            &format!("/suggestions/{mine}/accept"),
            &[("due", "someday"), ("back", "/today")],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains(&format!("/suggestions/{mine}/accept")));
    assert_eq!(count(db, &a).await, 0);

    // Accepted with the date and the words changed: a commitment of theirs.
    let due = (Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        + 5.days())
    .to_string();
    let ok = b
        .post(
            &format!("/suggestions/{theirs}/accept"),
            &[
                ("due", due.as_str()),
                ("text", "Send the signed order form"),
                ("back", "/today"),
            ],
        )
        .await;
    assert_eq!((ok.status, location(&ok).as_str()), (303, "/today"));
    let all = ledger::list_commitments(db, &a, CommitmentQuery::default())
        .await
        .expect("list");
    assert_eq!(all.len(), 1);
    assert_eq!(
        (
            all[0].direction,
            all[0].text.as_str(),
            all[0].due.date.to_string()
        ),
        (Direction::Theirs, "Send the signed order form", due.clone())
    );
    assert!(
        all[0].source_interaction_id.is_some(),
        "the email is its source"
    );
    let twice = b
        .post(
            &format!("/suggestions/{theirs}/accept"),
            &[("due", due.as_str())],
        )
        .await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("already accepted"), "{}", twice.body);
    assert_eq!(count(db, &a).await, 1);

    // Dismissed: gone from Today and from the list.
    let gone = b
        .post(
            &format!("/suggestions/{mine}/dismiss"),
            &[("back", "/today")],
        )
        .await;
    assert_eq!(gone.status, 303);
    let list = b.get("/suggestions").await;
    assert!(
        list.body.contains("No promises from your mail to confirm"),
        "{}",
        list.body
    );
    assert!(
        !b.get("/today")
            .await
            .body
            .contains("Confirm these promises")
    );
}

/// Duplicates from a phone's browser: the list from the contacts page, a merge previewed
/// (nothing written) then done; refusals say why and change nothing; the merged contact's
/// page points to the kept one and offers no restore.
async fn duplicates_are_reviewed_and_merged_from_the_web(db: &Db) {
    let a = actor(db).await;
    let add = |name: &str, email: &str, org: Option<&str>| NewContact {
        name: name.into(),
        emails: vec![email.into()],
        organisation: org.map(str::to_owned),
        ..NewContact::default()
    };
    let keep = service::add_contact(
        db,
        &a,
        add("Ana Lima", "ana@acme.com", Some("Acme")),
        Timestamp::now(),
    )
    .await
    .expect("keep")
    .contact;
    let other = service::add_contact(
        db,
        &a,
        add("Ana Lima", "ANA@acme.com", None),
        Timestamp::now(),
    )
    .await
    .expect("other")
    .contact;
    let w = Browser::new(db, &a).await;
    assert!(
        w.get("/contacts")
            .await
            .body
            .contains("href=\"/duplicates\"")
    );
    let list = w.get("/duplicates").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains("same email ana@acme.com"),
        "{}",
        list.body
    );
    let review = format!("/contacts/{}/merge?other={}", keep.id, other.id);
    assert!(list.body.contains(&review), "{}", list.body);
    assert_eq!(w.get("/duplicates?offset=x").await.status, 400);

    // Typed by name: both are Ana Lima, so the page asks which (never the kept one).
    let ask = w
        .get(&format!("/contacts/{}/merge?other=ana+lima", keep.id))
        .await;
    assert_eq!(ask.status, 200, "{}", ask.body);
    assert!(ask.body.contains(&review), "{}", ask.body);
    assert!(
        !ask.body.contains(&format!("other={}\"", keep.id)),
        "{}",
        ask.body
    );

    // The preview writes nothing.
    let preview = w.get(&review).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains(&format!(
            "Would merge Ana Lima [{}] into Ana Lima [{}]",
            &other.id.as_str()[..13],
            &keep.id.as_str()[..13]
        )),
        "{}",
        preview.body
    );
    let listed = w.get("/duplicates").await.body;
    assert!(listed.contains(&review), "a preview writes nothing");

    // Refusals.
    let path = format!("/contacts/{}/merge", keep.id);
    let myself = w.post(&path, &[("other", keep.id.as_str())]).await;
    assert_eq!(myself.status, 422, "{}", myself.body);
    assert!(myself.body.contains("same contact"), "{}", myself.body);
    let unknown = w
        .post(&path, &[("other", "01a24e65-0000-7000-8000-000000000000")])
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let no_csrf = request(
        w.addr,
        "POST",
        &path,
        &[("Cookie", &w.cookie)],
        Some((FORM, format!("other={}", other.id).as_bytes())),
    )
    .await;
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.body);
    assert!(
        w.get("/duplicates").await.body.contains(&review),
        "refusals change nothing"
    );

    let done = w.post(&path, &[("other", other.id.as_str())]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(location(&done), format!("/contacts/{}", keep.id));
    let kept = w.get(&format!("/contacts/{}", keep.id)).await.body;
    assert!(
        kept.contains("The ladder") && kept.contains("start with a token promise"),
        "{kept}"
    );
    assert!(
        kept.contains("ANA@acme.com") || kept.contains("ana@acme.com"),
        "{kept}"
    );
    // The merged contact's old link leads to the kept one, which says so.
    let gone = w.get(&format!("/contacts/{}", other.id)).await;
    assert_eq!(gone.status, 303);
    let to = location(&gone);
    assert_eq!(
        to,
        format!("/contacts/{}?merged_from={}", keep.id, other.id)
    );
    let landed = w.get(&to).await.body;
    assert!(
        landed.contains("Ana Lima was merged into this contact"),
        "{landed}"
    );
    assert!(!landed.contains("/restore"), "{landed}");
    assert!(
        w.get("/duplicates")
            .await
            .body
            .contains("No likely duplicates")
    );
    let again = w.post(&path, &[("other", other.id.as_str())]).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("already merged"), "{}", again.body);
}

async fn campaigns_are_planned_followed_and_stopped_from_the_web(db: &Db) {
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    for name in ["Ana Lima", "Bo Chen", "Cy Diaz"] {
        contact(db, &a, name).await;
    }
    let empty = b.get("/campaigns").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("No campaign yet"));
    // A refusal comes back on the page with what was typed, and writes nothing.
    let bad = b
        .post(
            "/campaigns",
            &[
                ("name", "Floods"),
                ("segment", "colour=red"),
                ("note", "How are you?"),
                ("per_day", ""),
                ("until", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("role=\"alert\"") && bad.body.contains("not a part of a segment"));
    assert!(
        bad.body.contains("value=\"colour=red\""),
        "what was typed stays"
    );
    assert!(
        rapport_core::campaign::list(db, &a, Timestamp::now())
            .await
            .expect("list")
            .is_empty()
    );
    let nonsense = b
        .post(
            "/campaigns",
            &[
                ("name", "Floods"),
                ("segment", "all"),
                ("note", "How are you?"),
                ("per_day", "many"),
                ("until", ""),
            ],
        )
        .await;
    assert_eq!(nonsense.status, 422, "{}", nonsense.body);
    let made = b
        .post(
            "/campaigns",
            &[
                ("name", "Floods"),
                ("segment", "all"),
                ("note", "How are you <holding> up?"),
                ("per_day", "2"),
                ("until", ""),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let page_at = location(&made);
    assert!(page_at.starts_with("/campaigns/"), "{page_at}");
    let page = b.get(&page_at).await.body;
    assert!(page.contains("0 of 3 checked in with"), "{page}");
    assert!(
        page.contains("How are you &#60;holding&#62; up?"),
        "escaped: {page}"
    );
    assert!(page.contains("Stop this campaign"));
    // Today has its own section, two a day, and says the rest is to come.
    let today = b.get("/today").await.body;
    assert!(today.contains("Check-ins"), "{today}");
    assert!(today.contains("Check in: How are you &#60;holding&#62; up?"));
    assert!(today.contains("1 more to check in with"), "{today}");
    // The same name again: a conflict, said on the page.
    let again = b
        .post(
            "/campaigns",
            &[
                ("name", "FLOODS"),
                ("segment", "all"),
                ("note", "x"),
                ("per_day", ""),
                ("until", ""),
            ],
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("already exists"));
    let list = b.get("/campaigns").await.body;
    assert!(list.contains(&format!("href=\"{page_at}\"")), "{list}");
    // A note typed on several lines (a text area sends CR LF) is taken.
    let lines = b
        .post(
            "/campaigns",
            &[
                ("name", "Lines"),
                ("segment", "all"),
                ("note", "How are you?\r\nAnything we can do?"),
                ("per_day", "1"),
                ("until", ""),
            ],
        )
        .await;
    assert_eq!(lines.status, 303, "{}", lines.body);
    let lines_at = location(&lines);
    assert_eq!(b.post(&format!("{lines_at}/stop"), &[]).await.status, 303);
    // Stopped from its page: off Today.
    let stopped = b.post(&format!("{page_at}/stop"), &[]).await;
    assert_eq!(stopped.status, 303, "{}", stopped.body);
    let page = b.get(&page_at).await.body;
    assert!(page.contains("stopped") && !page.contains("Stop this campaign"));
    assert!(!b.get("/today").await.body.contains("Check-ins"));
    assert_eq!(b.get("/campaigns/not-an-id").await.status, 404);
    assert_eq!(b.get(&format!("{page_at}?show=maybe")).await.status, 422);
}

async fn campaigns_are_changed_and_deleted_from_the_web(db: &Db) {
    use rapport_core::workspace::Role;
    let a = actor(db).await;
    let b = Browser::new(db, &a).await;
    for name in ["Ana Lima", "Bo Chen", "Cy Diaz"] {
        contact(db, &a, name).await;
    }
    let plan = |name: &'static str| {
        [
            ("name", name),
            ("segment", "all"),
            ("note", "How are you?"),
            ("per_day", "2"),
            ("until", ""),
        ]
    };
    let made = b.post("/campaigns", &plan("Floods")).await;
    assert_eq!(made.status, 303, "{}", made.body);
    let page_at = location(&made);
    let storms = b.post("/campaigns", &plan("Storms")).await;
    assert_eq!(storms.status, 303);
    let storms_at = location(&storms);
    // Only the last day moved on the form: the pace is kept as it is, not quickened
    // though three are left by today, and not put back to the two the form showed when
    // someone set one a day meanwhile.
    let today = rapport_core::today::day_of(Timestamp::now(), &a.workspace.tz()).to_string();
    rapport_core::campaign::edit(
        db,
        &a,
        storms_at.trim_start_matches("/campaigns/"),
        rapport_core::campaign::CampaignChanges {
            per_day: Some(1),
            ..Default::default()
        },
        Timestamp::now(),
    )
    .await
    .expect("changed meanwhile");
    let moved = b
        .post(
            &format!("{storms_at}/edit"),
            &[
                ("name", "Storms"),
                ("note", "How are you?"),
                ("per_day", "2"),
                ("until", &today),
                ("was_name", "Storms"),
                ("was_note", "How are you?"),
                ("was_per_day", "2"),
                ("was_until", ""),
            ],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let storms_page = b.get(&storms_at).await.body;
    assert!(
        storms_page.contains(&format!("all: 1 a day until {today}")),
        "{storms_page}"
    );
    let page = b.get(&page_at).await.body;
    assert!(
        page.contains(&format!("href=\"{page_at}/edit\"")) && page.contains("Delete it…"),
        "{page}"
    );
    // The form comes filled with the campaign as it is.
    let form = b.get(&format!("{page_at}/edit")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body.contains("value=\"Floods\"") && form.body.contains("value=\"2\""),
        "{}",
        form.body
    );
    fn edit<'a>(name: &'a str, per_day: &'a str, until: &'a str) -> [(&'a str, &'a str); 4] {
        [
            ("name", name),
            ("note", "How are you holding up?\r\nAnything we can do?"),
            ("per_day", per_day),
            ("until", until),
        ]
    }
    // Refusals come back on the form with what was typed, and change nothing.
    for (fields, status, said) in [
        (edit("storms", "2", ""), 409, "already exists"),
        (edit("Floods", "0", ""), 422, "between 1 and 50"),
        (edit("Floods", "lots", ""), 422, "whole number"),
        (edit("Floods", "2", "2020-01-01"), 422, "has passed"),
    ] {
        let r = b.post(&format!("{page_at}/edit"), &fields).await;
        assert_eq!(r.status, status, "{}", r.body);
        assert!(
            r.body.contains("role=\"alert\"") && r.body.contains(said),
            "{said}: {}",
            r.body
        );
        assert!(r.body.contains(&format!("value=\"{}\"", fields[2].1)));
    }
    let unchanged = b.get(&page_at).await.body;
    assert!(unchanged.contains("<h1>Floods</h1>") && unchanged.contains("2 a day"));
    // Saved: renamed, two lines of note, three a day until the end of next week.
    let until = rapport_core::today::day_of(Timestamp::now(), &a.workspace.tz())
        .checked_add(9.days())
        .expect("a day")
        .to_string();
    let saved = b
        .post(
            &format!("{page_at}/edit"),
            &edit("Floods 2026", "3", &until),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(location(&saved), page_at);
    let page = b.get(&page_at).await.body;
    assert!(
        page.contains("<h1>Floods 2026</h1>")
            && page.contains(&format!("3 a day until {until}"))
            && page.contains("Anything we can do?"),
        "{page}"
    );
    // Someone changes the pace while the form is open: saving a new note from the form
    // keeps their pace (only what the form changed is saved).
    let form = b.get(&format!("{page_at}/edit")).await.body;
    assert!(form.contains("name=\"was_per_day\" value=\"3\""), "{form}");
    let id = page_at.trim_start_matches("/campaigns/");
    rapport_core::campaign::edit(
        db,
        &a,
        id,
        rapport_core::campaign::CampaignChanges {
            per_day: Some(5),
            ..Default::default()
        },
        Timestamp::now(),
    )
    .await
    .expect("changed meanwhile");
    let noted = b
        .post(
            &format!("{page_at}/edit"),
            &[
                ("name", "Floods 2026"),
                ("note", "Still dry?"),
                ("per_day", "3"),
                ("until", &until),
                ("was_name", "Floods 2026"),
                ("was_note", "How are you holding up?\r\nAnything we can do?"),
                ("was_per_day", "3"),
                ("was_until", &until),
            ],
        )
        .await;
    assert_eq!(noted.status, 303, "{}", noted.body);
    let page = b.get(&page_at).await.body;
    assert!(
        page.contains("Still dry?") && page.contains(&format!("5 a day until {until}")),
        "{page}"
    );
    // Saving the form as it is changes nothing and goes back to the page.
    let same = b
        .post(
            &format!("{page_at}/edit"),
            &edit("Floods 2026", "3", &until),
        )
        .await;
    assert_eq!(same.status, 303, "{}", same.body);

    // A member who did not make it sees neither link and is refused at both pages.
    let bo = db
        .add_user(
            "My workspace",
            "bo@example.com",
            "Bo",
            Role::Member,
            None,
            Timestamp::now(),
        )
        .await
        .expect("member");
    let as_bo = Browser::new(db, &bo).await;
    let seen = as_bo.get(&page_at).await.body;
    assert!(
        !seen.contains("Delete it…") && !seen.contains("/edit\""),
        "{seen}"
    );
    assert_eq!(as_bo.get(&format!("{page_at}/edit")).await.status, 403);
    assert_eq!(as_bo.get(&format!("{page_at}/delete")).await.status, 403);
    assert_eq!(
        as_bo
            .post(&format!("{page_at}/edit"), &edit("Mine", "1", ""))
            .await
            .status,
        403
    );
    assert_eq!(
        as_bo.post(&format!("{page_at}/delete"), &[]).await.status,
        403
    );
    assert!(b.get(&page_at).await.body.contains("<h1>Floods 2026</h1>"));

    // Stopped: the form offers its name and note only.
    assert_eq!(b.post(&format!("{page_at}/stop"), &[]).await.status, 303);
    let form = b.get(&format!("{page_at}/edit")).await.body;
    assert!(
        !form.contains("name=\"per_day\"") && form.contains("was stopped"),
        "{form}"
    );
    // A form opened before the stop: a changed pace is refused, said on the form.
    let late = b
        .post(
            &format!("{page_at}/edit"),
            &[
                ("name", "Floods 2026"),
                ("note", "Still dry?"),
                ("per_day", "9"),
                ("until", ""),
                ("was_name", "Floods 2026"),
                ("was_note", "Still dry?"),
                ("was_per_day", "5"),
                ("was_until", ""),
            ],
        )
        .await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert!(late.body.contains("was stopped on"), "{}", late.body);
    let renamed = b
        .post(
            &format!("{page_at}/edit"),
            &[("name", "Floods (done)"), ("note", "How are you?")],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);

    // Deleted after asking: gone from the list; the other campaign stays.
    let ask = b.get(&format!("{page_at}/delete")).await;
    assert_eq!(ask.status, 200);
    assert!(
        ask.body.contains("Delete “Floods (done)”?") && ask.body.contains("cannot be undone"),
        "{}",
        ask.body
    );
    let gone = b.post(&format!("{page_at}/delete"), &[]).await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    assert_eq!(location(&gone), "/campaigns");
    let list = b.get("/campaigns").await.body;
    assert!(
        !list.contains("Floods") && list.contains("Storms"),
        "{list}"
    );
    assert_eq!(b.get(&page_at).await.status, 404);
    assert_eq!(b.post(&format!("{page_at}/delete"), &[]).await.status, 404);
    assert_eq!(b.get("/campaigns/not-an-id/edit").await.status, 404);
}

on_both_backends!(
    campaigns_are_planned_followed_and_stopped_from_the_web,
    campaigns_are_changed_and_deleted_from_the_web,
    duplicates_are_reviewed_and_merged_from_the_web,
    promises_from_mail_are_confirmed_from_today,
    every_outcome_of_a_promise_from_the_browser,
    contacts_are_added_edited_archived_and_restored,
    today_shows_the_most_urgent_few_and_all_on_asking,
    the_ledger_lists_every_promise_a_page_at_a_time,
    facts_and_conversations_are_corrected_and_deleted,
    the_list_counts_filters_and_shows_where_each_stands,
    introductions_both_ways_on_a_contacts_page,
    the_brief_is_its_own_page,
    requests_across_the_workspace_and_their_answers,
    search_finds_contacts_and_conversations,
    a_member_leaves_from_settings,
    a_contacts_page_says_what_it_leaves_out,
);
