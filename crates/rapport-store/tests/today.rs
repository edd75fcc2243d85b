//! Today through the real store, on SQLite and PostgreSQL: each kind of item appears when it
//! should, and disappears at once when its contact is archived, its commitment resolved, or
//! an interaction resets the keep-in-touch clock.

use rapport_test_support::on_both_backends;

use jiff::{SignedDuration, Timestamp};
use rapport_core::commitment::{Direction, Due};
use rapport_core::contact::{NewContact, RelationshipType};
use rapport_core::dates::micro_precision;
use rapport_core::fact::{FactKind, NewFact};
use rapport_core::interaction::{InteractionKind, NewInteraction};
use rapport_core::ledger::{self, NewCommitment, Outcome};
use rapport_core::ports::WorkspaceStore;
use rapport_core::service;
use rapport_core::today::{Today, TodayKind, today_for};
use rapport_core::trust::Size;
use rapport_core::workspace::Actor;
use rapport_store::Db;

fn t(s: &str) -> Timestamp {
    micro_precision(s.parse().expect("timestamp"))
}

/// Wednesday 25 November 2026, 10:00 in Paris.
fn now() -> Timestamp {
    t("2026-11-25T09:00:00Z")
}

fn days_ago(n: i64) -> Timestamp {
    now() - SignedDuration::from_hours(24 * n)
}

async fn add(db: &Db, a: &Actor, name: &str, rel: RelationshipType, created: Timestamp) {
    let new = NewContact {
        name: name.into(),
        relationship: Some(rel),
        ..NewContact::default()
    };
    service::add_contact(db, a, new, created)
        .await
        .expect("contact");
}

async fn promise(db: &Db, a: &Actor, who: &str, text: &str, due: &str, d: Direction) -> String {
    let new = NewCommitment {
        direction: d,
        text: text.into(),
        due: Due::parse(due, now(), &a.workspace.tz()).expect("due"),
        size: Size::Normal,
        source_interaction: None,
    };
    ledger::record_commitment(db, a, who, new, true, days_ago(10))
        .await
        .expect("record")
        .1
        .id
        .to_string()
}

fn items(t: &Today, kind: TodayKind) -> Vec<String> {
    t.items
        .iter()
        .filter(|i| i.kind == kind)
        // Going cold says only "Get in touch": the name is shown apart, once.
        .map(|i| match kind {
            TodayKind::GoingCold => format!("{} with {}", i.text, i.contact_name),
            _ => i.text.clone(),
        })
        .collect()
}

async fn each_kind_appears_and_goes_away_when_it_should(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "Europe/Paris", days_ago(400))
        .await
        .expect("actor");
    add(db, &a, "Ana Lima", RelationshipType::Customer, days_ago(90)).await;
    add(
        db,
        &a,
        "Bruno Costa",
        RelationshipType::Prospect,
        days_ago(3),
    )
    .await;
    add(db, &a, "Carla Dias", RelationshipType::Boss, days_ago(400)).await;

    let due_today = promise(
        db,
        &a,
        "ana",
        "Send the samples",
        "2026-11-25",
        Direction::Mine,
    )
    .await;
    promise(db, &a, "ana", "Call back", "2026-11-26", Direction::Mine).await;
    promise(
        db,
        &a,
        "bruno",
        "Pay the deposit",
        "2026-11-23",
        Direction::Theirs,
    )
    .await;
    promise(
        db,
        &a,
        "bruno",
        "Send specs",
        "2026-11-25",
        Direction::Theirs,
    )
    .await;
    let risky = promise(
        db,
        &a,
        "bruno",
        "Deliver 40 cases",
        "2026-12-02",
        Direction::Mine,
    )
    .await;
    ledger::flag_at_risk(db, &a, &risky, Some("Supplier late".into()), days_ago(1))
        .await
        .expect("flag");

    let fact = |text: &str, d: &str| NewFact {
        kind: FactKind::Family,
        text: text.into(),
        relation: Some("daughter".into()),
        date: Some(d.parse().expect("date")),
    };
    service::add_fact(db, &a, "bruno", fact("Sofia", "2016-11-28"), now())
        .await
        .expect("fact");
    service::add_fact(db, &a, "bruno", fact("Mia", "2018-12-04"), now())
        .await
        .expect("fact");

    let (_, r) = ledger::add_request(db, &a, "carla", "Weekly pipeline report", None, None, now())
        .await
        .expect("request");
    ledger::add_request(db, &a, "ana", "A discount", None, None, now())
        .await
        .expect("request");
    let meeting = NewInteraction {
        kind: InteractionKind::Meeting,
        occurred_at: t("2026-11-25T14:00:00Z"),
        summary: "One-to-one".into(),
        they_said: None,
        i_said: None,
        topics: Vec::new(),
    };
    service::log_interaction(db, &a, "carla", meeting, days_ago(2))
        .await
        .expect("meeting");

    let day = today_for(db, &a, now()).await.expect("today");
    assert_eq!(day.date.to_string(), "2026-11-25");
    assert_eq!(items(&day, TodayKind::BadNews), vec!["Deliver 40 cases"]);
    assert_eq!(
        items(&day, TodayKind::MineDue),
        vec!["Send the samples"],
        "not tomorrow's"
    );
    assert_eq!(
        items(&day, TodayKind::TheirsOverdue),
        vec!["Pay the deposit"],
        "not today's"
    );
    assert_eq!(
        items(&day, TodayKind::Date),
        vec!["Sofia (daughter) turns 10"],
        "not in 9 days"
    );
    // Ana (customer, 60 days) was added 90 days ago and never contacted; Bruno (prospect,
    // 14 days) 3 days ago; Carla is the boss (no cadence).
    assert_eq!(
        items(&day, TodayKind::GoingCold),
        vec!["Get in touch with Ana Lima"]
    );
    assert_eq!(
        items(&day, TodayKind::OpenWhy),
        vec!["Ask why: Weekly pipeline report"],
        "only for today's meeting"
    );
    let kinds: Vec<_> = day.items.iter().map(|i| i.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort_by_key(|k| TodayKind::ALL.iter().position(|x| x == k));
    assert_eq!(kinds, sorted, "most urgent first");

    // Resolving, telling, logging a call, recording the why: each item goes at once.
    ledger::resolve(db, &a, &due_today, Outcome::Kept, None, false, now())
        .await
        .expect("kept");
    ledger::told(db, &a, &risky, None, now())
        .await
        .expect("told");
    let call = NewInteraction {
        kind: InteractionKind::Call,
        occurred_at: days_ago(1),
        summary: "Catch-up".into(),
        they_said: None,
        i_said: None,
        topics: Vec::new(),
    };
    service::log_interaction(db, &a, "ana", call, now())
        .await
        .expect("call");
    ledger::update_request(
        db,
        &a,
        r.id.as_str(),
        Some("Board meeting on Friday"),
        None,
        now(),
    )
    .await
    .expect("why");
    let day = today_for(db, &a, now()).await.expect("today");
    for kind in [
        TodayKind::BadNews,
        TodayKind::MineDue,
        TodayKind::GoingCold,
        TodayKind::OpenWhy,
    ] {
        assert!(
            items(&day, kind).is_empty(),
            "{kind} gone: {:?}",
            items(&day, kind)
        );
    }
    // Archiving Bruno takes his overdue promise and his daughter's birthday off the list.
    service::archive_contact(db, &a, "bruno", now())
        .await
        .expect("archive");
    let day = today_for(db, &a, now()).await.expect("today");
    assert!(day.items.is_empty(), "{:?}", day.items);
    // Sixty days after the call, Ana goes cold again.
    let later = days_ago(1) + SignedDuration::from_hours(24 * 60 + 1);
    let day = today_for(db, &a, later).await.expect("today");
    assert_eq!(
        items(&day, TodayKind::GoingCold),
        vec!["Get in touch with Ana Lima"]
    );
}

async fn a_changed_cadence_moves_the_keep_in_touch_date(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", days_ago(400))
        .await
        .expect("actor");
    add(
        db,
        &a,
        "Dana Prospect",
        RelationshipType::Prospect,
        days_ago(20),
    )
    .await;
    let day = today_for(db, &a, now()).await.expect("today");
    assert_eq!(
        items(&day, TodayKind::GoingCold).len(),
        1,
        "14 days for a prospect"
    );
    let monthly = rapport_core::contact::ContactChanges {
        cadence: Some(rapport_core::contact::CadenceSetting::Every(30)),
        ..Default::default()
    };
    service::edit_contact(db, &a, "dana", &monthly, now())
        .await
        .expect("edit");
    assert!(
        items(
            &today_for(db, &a, now()).await.expect("today"),
            TodayKind::GoingCold
        )
        .is_empty()
    );
    let vip = rapport_core::contact::ContactChanges {
        cadence: Some(rapport_core::contact::CadenceSetting::Default),
        vip: Some(true),
        ..Default::default()
    };
    service::edit_contact(db, &a, "dana", &vip, now())
        .await
        .expect("edit");
    assert!(
        items(
            &today_for(db, &a, now()).await.expect("today"),
            TodayKind::GoingCold
        )
        .is_empty(),
        "VIP: 30 days"
    );
    let day = today_for(db, &a, days_ago(20) + SignedDuration::from_hours(24 * 31))
        .await
        .expect("today");
    assert_eq!(items(&day, TodayKind::GoingCold).len(), 1);
}

/// A meeting planned weeks ahead keeps the relationship warm from when it was arranged, not
/// from its future date: until the meeting, the usual cadence still applies.
async fn a_planned_meeting_does_not_move_the_clock_into_the_future(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", days_ago(400))
        .await
        .expect("actor");
    add(
        db,
        &a,
        "Pia Prospect",
        RelationshipType::Prospect,
        days_ago(20),
    )
    .await;
    assert_eq!(
        items(
            &today_for(db, &a, now()).await.expect("today"),
            TodayKind::GoingCold
        )
        .len(),
        1,
        "14 days for a prospect, and 20 have passed"
    );
    let planned = NewInteraction {
        kind: InteractionKind::Meeting,
        occurred_at: now() + SignedDuration::from_hours(24 * 60),
        summary: "Lunch in January".into(),
        they_said: None,
        i_said: None,
        topics: Vec::new(),
    };
    service::log_interaction(db, &a, "pia", planned, now())
        .await
        .expect("log");
    let pia = service::resolve_contact(db, &a, "pia").await.expect("pia");
    assert_eq!(pia.last_touch_at, Some(now()), "touched when arranged");
    assert!(
        items(
            &today_for(db, &a, now()).await.expect("today"),
            TodayKind::GoingCold
        )
        .is_empty()
    );
    // 15 days on, the meeting is still 45 days away: the prospect's 14 days have run out.
    let later = today_for(db, &a, now() + SignedDuration::from_hours(24 * 15))
        .await
        .expect("today");
    assert_eq!(items(&later, TodayKind::GoingCold).len(), 1);
}

async fn workspace_cadence_defaults_move_who_goes_cold(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", days_ago(400))
        .await
        .expect("actor");
    add(
        db,
        &a,
        "Dana Prospect",
        RelationshipType::Prospect,
        days_ago(20),
    )
    .await;
    add(db, &a, "Vic Vendor", RelationshipType::Vendor, days_ago(40)).await;
    add(
        db,
        &a,
        "Col Worker",
        RelationshipType::CoWorker,
        days_ago(40),
    )
    .await;
    let own = rapport_core::contact::ContactChanges {
        cadence: Some(rapport_core::contact::CadenceSetting::Every(10)),
        ..Default::default()
    };
    add(
        db,
        &a,
        "Owen Prospect",
        RelationshipType::Prospect,
        days_ago(20),
    )
    .await;
    service::edit_contact(db, &a, "owen", &own, now())
        .await
        .expect("edit");
    let cold = |a: Actor| async move {
        let mut names = items(
            &today_for(db, &a, now()).await.expect("today"),
            TodayKind::GoingCold,
        );
        names.sort();
        names
    };
    assert_eq!(
        cold(a.clone()).await,
        [
            "Get in touch with Dana Prospect",
            "Get in touch with Owen Prospect"
        ]
    );
    // Prospects every 30 days, vendors every 30, co-workers every 30: Dana warms up (20 days),
    // Vic and Col go cold (40 days); Owen keeps his own 10 days.
    let rules = rapport_core::touch::set_rules(
        db,
        &a,
        &[
            "prospect=30".into(),
            "vendor=30".into(),
            "co_worker=30".into(),
        ],
    )
    .await
    .expect("rules");
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    assert_eq!(a.workspace.touch_rules, rules);
    assert_eq!(
        cold(a.clone()).await,
        [
            "Get in touch with Col Worker",
            "Get in touch with Owen Prospect",
            "Get in touch with Vic Vendor"
        ]
    );
    // The rules travel with the workspace, and a contact added now gets them.
    let again = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    assert_eq!(again.workspace.touch_rules, rules);
    add(
        db,
        &again,
        "Pia Prospect",
        RelationshipType::Prospect,
        days_ago(25),
    )
    .await;
    let card = service::contact_card(db, &again, "pia")
        .await
        .expect("card");
    assert_eq!(card.keep_in_touch_days, Some(30));
    assert!(
        !cold(again.clone())
            .await
            .contains(&"Get in touch with Pia Prospect".to_owned())
    );
    // Back to the default, and a bad rule changes nothing.
    let bad =
        rapport_core::touch::set_rules(db, &again, &["prospect=default".into(), "friend=3".into()])
            .await;
    assert!(
        matches!(bad, Err(rapport_core::Error::Invalid(_))),
        "{bad:?}"
    );
    let reread = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    assert_eq!(reread.workspace.touch_rules, rules);
    let rules = rapport_core::touch::set_rules(db, &reread, &["prospect=default".into()])
        .await
        .expect("default");
    let mut back = reread.clone();
    back.workspace.touch_rules = rules;
    assert!(
        cold(back)
            .await
            .contains(&"Get in touch with Pia Prospect".to_owned())
    );
}

async fn the_brief_gathers_what_to_know_before_a_meeting(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", days_ago(400))
        .await
        .expect("actor");
    add(
        db,
        &a,
        "Marta Díaz",
        RelationshipType::Customer,
        days_ago(200),
    )
    .await;
    add(
        db,
        &a,
        "Other Person",
        RelationshipType::Customer,
        days_ago(200),
    )
    .await;
    let fact = |kind, text: &str, relation: Option<&str>, date: Option<&str>| NewFact {
        kind,
        text: text.into(),
        relation: relation.map(Into::into),
        date: date.map(|d| d.parse().expect("date")),
    };
    for f in [
        fact(
            FactKind::Family,
            "Sofia",
            Some("daughter"),
            Some("2016-12-10"),
        ),
        fact(FactKind::Family, "Luis", Some("spouse"), Some("1979-03-01")),
        fact(FactKind::Interest, "Real Madrid", None, None),
        fact(FactKind::Preference, "Cortado, no sugar", None, None),
        fact(FactKind::Date, "Birthday", None, Some("--11-27")),
    ] {
        service::add_fact(db, &a, "marta", f, now())
            .await
            .expect("fact");
    }
    service::add_fact(
        db,
        &a,
        "other",
        fact(FactKind::Interest, "Not Marta's", None, None),
        now(),
    )
    .await
    .expect("fact");
    let mine = promise(
        db,
        &a,
        "marta",
        "Send the quote",
        "2026-11-30",
        Direction::Mine,
    )
    .await;
    promise(
        db,
        &a,
        "marta",
        "Sign the order",
        "2026-11-20",
        Direction::Theirs,
    )
    .await;
    let done = promise(
        db,
        &a,
        "marta",
        "Old promise",
        "2026-11-01",
        Direction::Mine,
    )
    .await;
    ledger::resolve(
        db,
        &a,
        &done,
        Outcome::Kept,
        Some(days_ago(25)),
        false,
        now(),
    )
    .await
    .expect("kept");
    ledger::add_request(db, &a, "marta", "Volume pricing", None, None, now())
        .await
        .expect("request");
    ledger::add_request(
        db,
        &a,
        "marta",
        "Faster delivery",
        Some("Their shop opens in December"),
        None,
        now(),
    )
    .await
    .expect("request");
    for (i, summary) in ["First call", "Visit", "Lunch", "Follow-up"]
        .into_iter()
        .enumerate()
    {
        let log = NewInteraction {
            kind: InteractionKind::Call,
            occurred_at: days_ago(40 - 10 * i as i64),
            summary: summary.into(),
            they_said: None,
            i_said: None,
            topics: Vec::new(),
        };
        service::log_interaction(db, &a, "marta", log, now())
            .await
            .expect("log");
    }
    let b = rapport_core::brief::brief(db, &a, "marta", now())
        .await
        .expect("brief");
    let texts =
        |v: &[rapport_core::fact::Fact]| v.iter().map(|f| f.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&b.family), vec!["Sofia", "Luis"]);
    assert_eq!(texts(&b.interests), vec!["Real Madrid"], "only Marta's");
    assert_eq!(texts(&b.preferences), vec!["Cortado, no sugar"]);
    let upcoming: Vec<_> = b
        .upcoming_dates
        .iter()
        .map(|u| (u.fact.text.clone(), u.in_days))
        .collect();
    assert_eq!(
        upcoming,
        vec![("Birthday".to_owned(), 2), ("Sofia".to_owned(), 15)],
        "within 30 days, soonest first"
    );
    assert_eq!(
        b.open_mine
            .iter()
            .map(|c| c.id.to_string())
            .collect::<Vec<_>>(),
        vec![mine]
    );
    assert_eq!(b.open_theirs.len(), 1);
    assert_eq!(
        b.open_whys
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>(),
        vec!["Volume pricing"]
    );
    let last: Vec<_> = b
        .last_interactions
        .iter()
        .map(|i| i.summary.as_str())
        .collect();
    assert_eq!(last, vec!["Follow-up", "Lunch", "Visit"]);
    assert_eq!(b.trust_mine.explanation.len(), 1);
    assert!(matches!(
        rapport_core::brief::brief(db, &a, "nobody", now()).await,
        Err(rapport_core::Error::NotFound(_))
    ));
}

/// A big book's week of birthdays is capped: the nearest day first, the most valuable
/// contacts first within it, and the rest counted.
async fn dates_are_capped_nearest_and_most_valuable_first(db: &Db) {
    let a = db
        .ensure_default_actor("Default", "Owner", "UTC", now())
        .await
        .expect("actor");
    let shown = rapport_core::today::DATES_SHOWN as usize;
    let birthday = |d: &str| NewFact {
        kind: FactKind::Date,
        text: "Birthday".into(),
        relation: None,
        date: Some(d.parse().expect("date")),
    };
    let add = |name: String, rel: RelationshipType, vip: bool, day: &'static str| {
        let a = a.clone();
        async move {
            let c = service::add_contact(
                db,
                &a,
                NewContact {
                    name,
                    relationship: Some(rel),
                    vip,
                    ..NewContact::default()
                },
                now(),
            )
            .await
            .expect("contact")
            .contact;
            service::add_fact(db, &a, c.id.as_str(), birthday(day), now())
                .await
                .expect("fact");
        }
    };
    // now() is 25 November: one more prospect today than fit, a VIP today, one tomorrow.
    for i in 0..shown {
        add(
            format!("Prospect {i:03}"),
            RelationshipType::Prospect,
            false,
            "1990-11-25",
        )
        .await;
    }
    add(
        "Zoe Vip".into(),
        RelationshipType::Customer,
        true,
        "1980-11-25",
    )
    .await;
    add(
        "Tomorrow Person".into(),
        RelationshipType::Customer,
        false,
        "1985-11-26",
    )
    .await;
    let t = today_for(db, &a, now()).await.expect("today");
    let dates: Vec<&str> = t
        .items
        .iter()
        .filter(|i| i.kind == TodayKind::Date)
        .map(|i| i.contact_name.as_str())
        .collect();
    assert_eq!(dates.len(), shown);
    assert_eq!(dates[0], "Zoe Vip", "the most valuable first");
    assert!(!dates.contains(&"Tomorrow Person"), "today's come first");
    let more = t
        .more
        .iter()
        .find(|m| m.kind == TodayKind::Date)
        .expect("the rest counted");
    assert_eq!(more.count, 2);
}

/// A campaign made while a call with one of its contacts is being logged counts the call,
/// whichever transaction ends first (on PostgreSQL, under READ COMMITTED, each used to miss
/// the other's rows and the check-in was lost for good).
async fn a_call_logged_while_a_campaign_is_made_counts(db: &Db) {
    use rapport_core::campaign::{self, NewCampaign};
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", now())
        .await
        .expect("actor");
    let at = Timestamp::now();
    for round in 0..16 {
        let name = format!("Race {round} Lima");
        let new = NewContact {
            name: name.clone(),
            relationship: Some(RelationshipType::Customer),
            tags: vec![format!("race{round}")],
            ..NewContact::default()
        };
        let c = service::add_contact(db, &a, new, at)
            .await
            .expect("contact")
            .contact;
        let campaign_name = format!("Race {round}");
        let make = campaign::create(
            db,
            &a,
            NewCampaign {
                name: campaign_name.clone(),
                segment: format!("tag=race{round}"),
                note: "How are you?".into(),
                ..NewCampaign::default()
            },
            at,
        );
        let call = NewInteraction {
            kind: InteractionKind::Call,
            occurred_at: at,
            summary: "Called".into(),
            they_said: None,
            i_said: None,
            topics: Vec::new(),
        };
        let log = service::log_interaction(db, &a, c.id.as_str(), call, at);
        let (made, logged) = tokio::join!(make, log);
        made.expect("campaign");
        logged.expect("logged");
        let v = campaign::find(db, &a, &campaign_name, at)
            .await
            .expect("found");
        assert_eq!(v.progress.done, 1, "round {round}: the call is a check-in");
    }
}

/// Mail logged for two contacts in one transaction, while a call with the second is logged:
/// both go through, in either order (each takes the workspace's check-in lock first, shared,
/// before any contact's row: taken after the row, one waited for the other's row while
/// holding what the other waited for, and PostgreSQL aborted one).
async fn mail_and_a_call_logged_at_once_both_go_through(db: &Db) {
    use rapport_core::ports::MailStore;
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", now())
        .await
        .expect("actor");
    let at = Timestamp::now();
    let mut ids = Vec::new();
    for name in ["Ana Lima", "Bo Chen"] {
        let new = NewContact {
            name: name.into(),
            ..NewContact::default()
        };
        ids.push(
            service::add_contact(db, &a, new, at)
                .await
                .expect("contact")
                .contact
                .id,
        );
    }
    let interaction = |contact: &rapport_core::ids::ContactId, summary: &str| {
        NewInteraction {
            kind: InteractionKind::Email,
            occurred_at: at,
            summary: summary.into(),
            they_said: None,
            i_said: None,
            topics: Vec::new(),
        }
        .into_interaction(contact.clone(), at)
        .expect("interaction")
    };
    for round in 0..12 {
        let batch = vec![
            (format!("m{round}a"), interaction(&ids[0], "Mail to Ana")),
            (format!("m{round}b"), interaction(&ids[1], "Mail to Bo")),
        ];
        let mail = db.log_mail(&a.workspace.id, &batch, at);
        let call = NewInteraction {
            kind: InteractionKind::Call,
            occurred_at: at,
            summary: "Called".into(),
            they_said: None,
            i_said: None,
            topics: Vec::new(),
        };
        let log = service::log_interaction(db, &a, ids[1].as_str(), call, at);
        let (mailed, logged) = tokio::join!(mail, log);
        assert_eq!(mailed.expect("the mail"), 2, "round {round}");
        logged.expect("the call");
    }
}

on_both_backends!(
    mail_and_a_call_logged_at_once_both_go_through,
    a_call_logged_while_a_campaign_is_made_counts,
    dates_are_capped_nearest_and_most_valuable_first,
    the_brief_gathers_what_to_know_before_a_meeting,
    each_kind_appears_and_goes_away_when_it_should,
    a_changed_cadence_moves_the_keep_in_touch_date,
    a_planned_meeting_does_not_move_the_clock_into_the_future,
    workspace_cadence_defaults_move_who_goes_cold,
);
