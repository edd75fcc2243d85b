//! Rendering for people (aligned text) and for scripts (JSON, alone on stdout).

use std::io::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rapport_core::contact::Contact;
use rapport_core::fact::Fact;
use rapport_core::interaction::Interaction;
use rapport_core::service::ContactCard;
use serde::Serialize;

/// A hint printed on stderr after the error a command fails with (how to go on).
static HINT: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Leaves a hint for `main` to print after the error.
pub fn hint(text: impl Into<String>) {
    if let Ok(mut h) = HINT.lock() {
        *h = Some(text.into());
    }
}

/// A word a shell reads as itself: 'single-quoted' unless plain.
pub fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@:+,".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The hint left for the error, if any.
pub fn take_hint() -> Option<String> {
    HINT.lock().ok().and_then(|mut h| h.take())
}

/// Writes bytes to stdout as they are (a closed pipe is the reader's choice, not an error).
pub fn raw(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Says that a list stopped at its limit, and how to see the rest: on stdout after a table,
/// on stderr when stdout holds JSON only.
pub fn more(json: bool, what: &str, next: &str) {
    let line = format!("... more {what}: {next}");
    if json {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let mut out = serde_json::to_vec_pretty(value)?;
    out.push(b'\n');
    raw(&out)
}

/// A contact as scripts see it: every stored field plus the cadence in force.
#[derive(Serialize)]
pub struct ContactView<'a> {
    #[serde(flatten)]
    pub contact: &'a Contact,
    pub keep_in_touch_days: Option<u32>,
    /// Who introduced them, when just recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introduced_by: Option<&'a rapport_core::service::Introducer>,
}

impl<'a> ContactView<'a> {
    /// The contact with the cadence in force in the workspace acted in.
    pub fn of(contact: &'a Contact, actor: &rapport_core::workspace::Actor) -> Self {
        ContactView {
            contact,
            keep_in_touch_days: contact.keep_in_touch_days_in(&actor.workspace.touch_rules),
            introduced_by: None,
        }
    }
}

/// A time in the workspace's zone, to the minute.
pub fn local_time(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn width(s: &str) -> usize {
    s.chars().count()
}

pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Contacts as an aligned table.
pub fn contact_table(contacts: &[Contact]) {
    if contacts.is_empty() {
        println!("(no contacts)");
        return;
    }
    let rows: Vec<[String; 5]> = contacts
        .iter()
        .map(|c| {
            let name = if c.vip {
                format!("{} ★", c.name)
            } else {
                c.name.clone()
            };
            [
                name,
                c.organisation.clone().unwrap_or_default(),
                c.relationship.label().to_owned(),
                c.emails.first().cloned().unwrap_or_default(),
                c.id.to_string(),
            ]
        })
        .collect();
    let headers = ["NAME", "ORGANISATION", "TYPE", "EMAIL", "ID"];
    let mut widths = headers.map(width);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: [&str; 5]| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i == cells.len() - 1 {
                s.push_str(cell);
            } else {
                s.push_str(&pad(cell, w + 2));
            }
        }
        println!("{}", s.trim_end());
    };
    line(headers);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4]]);
    }
}

/// The card `contact show` prints.
pub fn contact_card(card: &ContactCard, now: Timestamp, tz: &TimeZone) {
    let c = &card.contact;
    println!("{}{}", c.name, if c.vip { " ★ VIP" } else { "" });
    let field = |label: &str, value: &str| {
        if !value.is_empty() {
            println!("  {}{value}", pad(&format!("{label}:"), 15));
        }
    };
    field("Organisation", c.organisation.as_deref().unwrap_or(""));
    field("Type", c.relationship.label());
    field("Emails", &c.emails.join(", "));
    field("Phones", &c.phones.join(", "));
    field("Tags", &c.tags.join(", "));
    let cadence = match card.keep_in_touch_days {
        Some(d) => format!("every {d} days"),
        None => "none".into(),
    };
    field("Keep in touch", &cadence);
    field("Met", card.met_phrase.as_deref().unwrap_or(""));
    field("Added", &local_time(c.created_at, tz));
    if let Some(at) = c.archived_at {
        field("Archived", &local_time(at, tz));
    }
    if let Some(into) = &c.merged_into {
        field("Merged into", into.as_str());
    }
    field("Id", c.id.as_str());
    if !card.facts.is_empty() {
        println!("\nPersonal memory");
        facts(&card.facts);
    }
    if !card.recent_interactions.is_empty() {
        println!("\nLatest interactions");
        timeline(&card.recent_interactions, now, tz);
    }
}

/// Facts, one a line.
pub fn facts(facts: &[Fact]) {
    if facts.is_empty() {
        println!("  (nothing remembered yet)");
    }
    for f in facts {
        println!("  {} {}", pad(f.kind.as_str(), 11), f.describe());
    }
}

/// Interactions, one a line with their notes beneath.
/// Text as a terminal shows it safely: control characters (an escape sequence in a note
/// typed elsewhere) become spaces, line breaks too.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub fn timeline(items: &[Interaction], now: Timestamp, tz: &TimeZone) {
    timeline_of(items, None, now, tz);
}

/// Interactions, each with its contact's name when `names` is given (search across
/// contacts).
pub fn timeline_of(
    items: &[Interaction],
    names: Option<&std::collections::HashMap<rapport_core::ids::ContactId, String>>,
    now: Timestamp,
    tz: &TimeZone,
) {
    if items.is_empty() {
        println!("  (no interactions)");
    }
    for i in items {
        let planned = if i.is_planned(now) { " (planned)" } else { "" };
        let who = names
            .and_then(|n| n.get(&i.contact_id))
            .map_or(String::new(), |n| format!("{n}: "));
        println!(
            "  {}  {} {who}{}{planned}",
            local_time(i.occurred_at, tz),
            pad(i.kind.as_str(), 8),
            printable(&i.summary)
        );
        if let Some(t) = &i.they_said {
            println!("{}they said: {}", " ".repeat(21), printable(t));
        }
        if let Some(t) = &i.i_said {
            println!("{}I said:    {}", " ".repeat(21), printable(t));
        }
    }
}

/// Commitments as a table, most urgent (earliest due) first.
pub fn commitments(
    list: &[rapport_core::commitment::Commitment],
    names: &std::collections::HashMap<rapport_core::ids::ContactId, String>,
    forecasts: &std::collections::HashMap<
        rapport_core::commitment::CommitmentId,
        rapport_core::foresight::CommitmentForecast,
    >,
    now: Timestamp,
) {
    if list.is_empty() {
        println!("(no commitments)");
        return;
    }
    for c in list {
        let who = names.get(&c.contact_id).map_or("?", String::as_str);
        let arrow = match c.direction {
            rapport_core::commitment::Direction::Mine => format!("me → {who}"),
            rapport_core::commitment::Direction::Theirs => format!("{who} → me"),
        };
        let state = if c.needs_telling() {
            "AT RISK, tell them".to_owned()
        } else if c.at_risk.is_some() && c.status == rapport_core::commitment::Status::Open {
            "at risk (told)".to_owned()
        } else if c.is_overdue(now) {
            "OVERDUE".to_owned()
        } else {
            c.state_label(now).to_owned()
        };
        println!(
            "  {}  {}  {}  {}  “{}”  {}",
            pad(&c.due.to_string(), 16),
            pad(&state, 18),
            pad(c.size.as_str(), 6),
            pad(&arrow, 28),
            c.text,
            c.id
        );
        // Foresight, when it is worth saying: below 70%.
        if let Some(f) = forecasts.get(&c.id).filter(|f| f.warns()) {
            println!("      ↳ {}", f.headline);
        }
    }
}

fn percent(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{:.0}%", v * 100.0))
}

fn direction(label: &str, d: &rapport_core::ledger::DirectionView, tz: &TimeZone) {
    use rapport_core::trust::Status;
    let reading = match (d.status, d.score, d.band) {
        (Status::Known, Some(s), Some(b)) => format!("{s:.0}, {}", b.as_str()),
        (Status::Early, _, Some(b)) => format!("early read: {}", b.as_str()),
        _ => "not yet known".into(),
    };
    println!(
        "  {label}: {reading}   (evidence {:.1}, uncertainty {:.2})",
        d.evidence, d.uncertainty
    );
    if d.evidence > 0.0 {
        println!(
            "    reliability {}, candour {}",
            percent(d.reliability),
            percent(d.candour)
        );
    }
    let mut next = format!(
        "    next kept {:+.1}, next miss {:+.1}",
        d.next.kept, d.next.broken
    );
    if let (Some(b), Some(k)) = (d.next.next_band, d.next.kept_to_next_band) {
        next.push_str(&format!("; about {k} more kept to reach {}", b.as_str()));
    }
    println!("{next}");
    for e in d.explanation.iter().filter(|e| e.outcome != "kept_on_time") {
        println!(
            "    {:+6.1}  {} “{}” ({})",
            e.contribution,
            e.outcome.replace('_', " "),
            e.text,
            local_time(e.resolved_at, tz)
        );
    }
    for m in &d.kept_by_month {
        println!(
            "    {:+6.1}  {} kept on time in {}",
            m.contribution, m.count, m.month
        );
    }
}

/// Both trust directions, explained.
pub fn trust(v: &rapport_core::ledger::TrustView, tz: &TimeZone) {
    println!("Trust with {}", v.contact.name);
    direction("Mine   (how far they can rely on me)", &v.mine, tz);
    direction("Theirs (how far I can rely on them)", &v.theirs, tz);
    if v.gap {
        println!("  ! The two directions differ by more than 20 points.");
    }
}

/// Today, grouped by kind, most urgent first.
pub fn today(t: &rapport_core::today::Today) {
    use rapport_core::today::TodayKind;
    println!("Today, {}", t.date.strftime("%A %-d %B %Y"));
    for n in &t.notes {
        match &n.about {
            rapport_core::today::NoteAbout::Whys => {
                println!("  Note: {} (rapport requests --stats)", n.text)
            }
            rapport_core::today::NoteAbout::Campaign { name, .. } => println!(
                "  Note: {} (rapport campaign show {:?})",
                printable(&n.text),
                printable(name)
            ),
        }
    }
    if t.items.is_empty() {
        println!("  Nothing due: a good day to get ahead.");
        return;
    }
    let heading = |k: TodayKind| k.heading();
    let mut last = None;
    for i in &t.items {
        if last != Some(i.kind) {
            println!("\n{}", heading(i.kind));
            last = Some(i.kind);
        }
        let what = if i.text.contains(&i.contact_name) {
            i.text.clone()
        } else {
            format!("{} — {}", i.contact_name, i.text)
        };
        println!("  • {what}  ({})", i.reason);
        if let Some(r) = &i.reminder {
            println!("      reminder: {r}");
        }
        if let Some(s) = &i.suggestion {
            println!("      {}: {}", gesture_kind(s.kind), s.why);
        }
        if let Some(id) = &i.commitment_id {
            println!("      {id}");
        }
        if let Some(id) = &i.suggestion_id {
            println!("      rapport suggestion accept {id}  |  rapport suggestion dismiss {id}");
        }
    }
    for m in &t.more {
        let see = match m.kind {
            TodayKind::Date => "nearer ones and the most valuable contacts come first",
            TodayKind::ConfirmPromise => "see rapport suggestions",
            TodayKind::GoingCold => "see rapport contact list --going-cold",
            TodayKind::Gesture => "the most valuable relationships come first",
            TodayKind::CheckIn => "a few a day: see rapport campaign show NAME --contacts pending",
            _ => "see rapport commitments --open",
        };
        println!(
            "\n  … and about {} more of “{}” ({see})",
            m.count,
            heading(m.kind)
        );
    }
}

fn reading(d: &rapport_core::ledger::DirectionView) -> String {
    use rapport_core::trust::Status;
    match (d.status, d.score, d.band) {
        (Status::Known, Some(s), Some(b)) => format!("{s:.0}, {}", b.as_str()),
        (Status::Early, _, Some(b)) => format!("early read: {}", b.as_str()),
        _ => "not yet known".into(),
    }
}

/// The pre-meeting brief.
pub fn brief(b: &rapport_core::brief::Brief, now: Timestamp, tz: &TimeZone) {
    let c = &b.contact;
    let org = c
        .organisation
        .as_deref()
        .map(|o| format!(" ({o})"))
        .unwrap_or_default();
    let vip = if c.vip { ", VIP" } else { "" };
    println!("Brief: {}{org}, {}{vip}", c.name, c.relationship.label());
    if let Some(m) = &b.met {
        println!("Met: {m}");
    }
    let section = |title: &str, empty: bool| {
        if !empty {
            println!("\n{title}");
        }
    };
    section(
        "Ask about",
        b.family.is_empty()
            && b.interests.is_empty()
            && b.preferences.is_empty()
            && b.notes.is_empty(),
    );
    for f in b
        .family
        .iter()
        .chain(&b.interests)
        .chain(&b.preferences)
        .chain(&b.notes)
    {
        println!("  {} {}", pad(f.kind.as_str(), 11), f.describe());
    }
    section("Coming up", b.upcoming_dates.is_empty());
    for u in &b.upcoming_dates {
        let when = match u.in_days {
            0 => "today".to_string(),
            1 => "tomorrow".to_string(),
            n => format!("in {n} days ({})", u.next.strftime("%a %-d %b")),
        };
        println!("  {}: {when}", u.fact.describe());
    }
    section("I owe them", b.open_mine.is_empty());
    for k in &b.open_mine {
        let flag = if k.needs_telling() {
            "  AT RISK: tell them"
        } else if k.is_overdue(now) {
            "  OVERDUE"
        } else {
            ""
        };
        println!("  {}  {}{flag}", pad(&k.due.to_string(), 16), k.text);
    }
    section("They owe me", b.open_theirs.is_empty());
    for k in &b.open_theirs {
        let flag = if k.is_overdue(now) { "  OVERDUE" } else { "" };
        println!("  {}  {}{flag}", pad(&k.due.to_string(), 16), k.text);
    }
    section("Ask why", b.open_whys.is_empty());
    for r in &b.open_whys {
        println!("  {}", r.text);
    }
    if !b.last_interactions.is_empty() {
        println!("\nLast conversations");
        timeline(&b.last_interactions, now, tz);
    }
    println!(
        "\nTrust: mine {}; theirs {}{}",
        reading(&b.trust_mine),
        reading(&b.trust_theirs),
        if b.trust_gap {
            " (the two differ by more than 20 points)"
        } else {
            ""
        }
    );
    let a = &b.appreciation;
    println!("\nAppreciation");
    match &a.last {
        Some(g) => println!(
            "  last: {} on {}, {} ({})",
            gesture_kind(g.kind),
            g.given_on,
            g.text,
            g.cost
        ),
        None => println!("  no gesture yet"),
    }
    match (a.every_days, a.next_due) {
        (Some(d), Some(next)) => println!("  every {d} days; next due {next}"),
        _ => println!("  no gestures planned for this kind of relationship"),
    }
    println!(
        "  next: {} — {} ({})",
        gesture_kind(a.suggestion.kind),
        a.suggestion.text,
        a.suggestion.why
    );
    if let Some(more) = a.suggestion.more() {
        println!("  {more}");
    }
}

/// A gesture kind as people say it (the core's words).
pub fn gesture_kind(k: rapport_core::gesture::GestureKind) -> &'static str {
    k.label()
}

/// One line: a year's budget, spent and remaining.
pub fn budget_line(b: &rapport_core::gesture::BudgetView) {
    println!("  {}", b.summary());
    if b.budget.is_none() {
        println!("  (rapport budget --set AMOUNT)");
    }
}

/// A year's appreciation budget with its spending by kind.
pub fn budget(b: &rapport_core::gesture::BudgetView) {
    println!("Appreciation budget");
    budget_line(b);
    println!("  {} gestures", b.gestures);
    for k in &b.by_kind {
        println!(
            "    {:<20} {:>4}  {}",
            gesture_kind(k.kind),
            k.count,
            k.spent
        );
    }
}

fn deal_flags(d: &rapport_core::deal::DealView) -> String {
    let mut flags = Vec::new();
    if d.gives_outrun_gets {
        flags.push("gives outrun gets".to_owned());
    }
    if d.trust_gate {
        flags.push("trust gate: their promises read low".to_owned());
    }
    if let Some(l) = &d.ladder_gate {
        flags.push(format!("ladder: {l}"));
    }
    if flags.is_empty() {
        String::new()
    } else {
        format!("  ! {}", flags.join("; "))
    }
}

/// One deal in a list.
pub fn deal_line(d: &rapport_core::deal::DealView) {
    let close = d
        .deal
        .expected_close
        .map(|c| c.to_string())
        .unwrap_or_else(|| "-".into());
    println!(
        "  {}  {}  {}  {} — {}{}  {}",
        pad(d.deal.stage.as_str(), 11),
        pad(&d.deal.value.to_string(), 14),
        pad(&close, 10),
        d.contact_name,
        d.deal.title,
        deal_flags(d),
        d.deal.id
    );
}

/// A deal with its give/get ledger.
pub fn deal(d: &rapport_core::deal::DealView) {
    println!(
        "{} — {} ({}, {})",
        d.deal.title, d.contact_name, d.deal.stage, d.deal.value
    );
    if let Some(c) = d.deal.expected_close {
        println!("  expected close: {c}");
    }
    for g in &d.gives {
        println!("  gave: {}", g.text);
    }
    for g in &d.gets {
        println!("  got:  {}", g.text);
    }
    let flags = deal_flags(d);
    if !flags.is_empty() {
        println!("{flags}");
    }
    println!("  {}", d.deal.id);
}

/// What customers tell us, as a person reads it.
pub fn insights(v: &rapport_core::insight::Insights) {
    let kind = v
        .relationship
        .map(|r| format!(" ({} contacts)", r.label()))
        .unwrap_or_default();
    println!("What contacts said since {}{kind}", v.since);
    let section = |title: &str,
                   themes: &[rapport_core::insight::Theme],
                   more: usize,
                   read: u64,
                   total: u64| {
        println!("\n{title}");
        if read < total {
            println!("  (the newest {read} of {total} read)");
        }
        if themes.is_empty() {
            println!("  (no theme raised by two contacts or more yet)");
        }
        for t in themes {
            let named = if t.named { ", a topic you named" } else { "" };
            println!(
                "  {}: {} contact{}, {} mention{}{named}",
                t.theme,
                t.contacts,
                if t.contacts == 1 { "" } else { "s" },
                t.mentions,
                if t.mentions == 1 { "" } else { "s" }
            );
            for q in &t.quotes {
                println!(
                    "      “{}” — {}",
                    printable(&q.text),
                    printable(&q.contact_name)
                );
            }
        }
        if more > 0 {
            println!("  … and {more} more (--limit N lists more)");
        }
    };
    section(
        "Themes",
        &v.themes,
        v.more_themes,
        v.said_read,
        v.said_total,
    );
    section(
        "What they ask for",
        &v.requests,
        v.more_requests,
        v.requests_read,
        v.requests_total,
    );
}
