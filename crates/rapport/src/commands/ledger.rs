//! `rapport promise`, `expect`, `kept`, `broken`, `deceptive`, `release`, `renegotiate`,
//! `at-risk`, `told`, `commitments`, `history`, `request`, `why`, `answer`, `requests`,
//! `trust`, `rescore`, `latency`.

use std::collections::HashMap;

use jiff::Timestamp;
use rapport_core::commitment::{Commitment, Direction, Due};
use rapport_core::dates::{parse_moment, parse_outcome_moment};
use rapport_core::ids::{ContactId, InteractionId};
use rapport_core::ledger::{self, CommitmentQuery, NewCommitment, Outcome};
use rapport_core::ports::ContactStore;
use rapport_core::{Error, Invalid};
use serde::Serialize;

use crate::cli::{
    AnswerArgs, AtRiskArgs, CommitmentsArgs, IdArgs, JsonOnly, OutcomeArgs, PromiseArgs,
    ReleaseArgs, RenegotiateArgs, RequestArgs, RequestsArgs, ToldArgs, TrustArgs, WhyArgs,
};
use crate::context::Context;
use crate::render;

/// When something happened, as typed with `--on` (the core's rule for outcomes).
fn moment(ctx: &Context, text: Option<&str>, now: Timestamp) -> Result<Option<Timestamp>, Invalid> {
    text.map(|t| parse_outcome_moment(t, now, &ctx.tz))
        .transpose()
}

#[derive(Serialize)]
struct Created<'a> {
    id: &'a str,
    #[serde(flatten)]
    commitment: &'a Commitment,
}

fn print_commitment(c: &Commitment, json: bool, what: &str) -> anyhow::Result<()> {
    if json {
        render::json(&Created {
            id: c.id.as_str(),
            commitment: c,
        })
    } else {
        eprintln!("{what}: {} (due {})", c.text, c.due);
        println!("{}", c.id);
        Ok(())
    }
}

pub async fn record(ctx: &Context, a: PromiseArgs, direction: Direction) -> anyhow::Result<()> {
    let now = Context::now();
    let new = NewCommitment {
        direction,
        text: a.text,
        due: Due::parse(&a.due, now, &ctx.tz)?,
        size: a.size.parse()?,
        source_interaction: a
            .source
            .as_deref()
            .map(|s| {
                InteractionId::parse(s)
                    .ok_or_else(|| Invalid::new("from", format!("{s:?} is not an interaction id")))
            })
            .transpose()?,
    };
    let (contact, c) =
        ledger::record_commitment(&ctx.db, &ctx.actor, &a.reference, new, a.anyway, now).await?;
    let what = match direction {
        Direction::Mine => format!("Promised {}", contact.name),
        Direction::Theirs => format!("{} promised", contact.name),
    };
    print_commitment(&c, a.out.json, &what)
}

pub async fn outcome(ctx: &Context, a: OutcomeArgs, outcome: Outcome) -> anyhow::Result<()> {
    let now = Context::now();
    let on = moment(ctx, a.on.as_deref(), now)?;
    let c = resolved(ctx, &a.id, outcome, on, a.correct, now).await?;
    print_commitment(&c, a.out.json, &format!("Recorded: {}", c.state_label(now)))
}

/// `ledger::resolve`, with the way on when a label is already there: `--correct`.
async fn resolved(
    ctx: &Context,
    id: &str,
    outcome: Outcome,
    on: Option<Timestamp>,
    correct: bool,
    now: Timestamp,
) -> anyhow::Result<Commitment> {
    match ledger::resolve(&ctx.db, &ctx.actor, id, outcome, on, correct, now).await {
        Err(e @ Error::Conflict(_)) if !correct => {
            let labelled = ledger::commitment(&ctx.db, &ctx.actor, id)
                .await
                .is_ok_and(|c| c.correctable());
            if labelled {
                render::hint("add --correct to change the label (and --on to say when)");
            }
            Err(e.into())
        }
        other => Ok(other?),
    }
}

pub async fn release(ctx: &Context, a: ReleaseArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let on = moment(ctx, a.on.as_deref(), now)?;
    let outcome = if a.withdrawn {
        Outcome::Withdrawn
    } else {
        Outcome::ReleasedOnRequest
    };
    let c = resolved(ctx, &a.id, outcome, on, a.correct, now).await?;
    print_commitment(&c, a.out.json, "Released")
}

pub async fn renegotiate(ctx: &Context, a: RenegotiateArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let due = Due::parse(&a.due, now, &ctx.tz)?;
    let on = moment(ctx, a.on.as_deref(), now)?;
    let successor = ledger::renegotiate(&ctx.db, &ctx.actor, &a.id, due, on, now).await?;
    print_commitment(&successor, a.out.json, "Renegotiated; the new commitment")
}

pub async fn at_risk(ctx: &Context, a: AtRiskArgs) -> anyhow::Result<()> {
    let c = ledger::flag_at_risk(&ctx.db, &ctx.actor, &a.id, a.reason, Context::now()).await?;
    print_commitment(&c, a.out.json, "At risk (tell them now)")
}

pub async fn told(ctx: &Context, a: ToldArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let on = moment(ctx, a.on.as_deref(), now)?;
    let c = ledger::told(&ctx.db, &ctx.actor, &a.id, on, now).await?;
    print_commitment(&c, a.out.json, "Told")
}

/// The names of the contacts of some commitments or requests, in one query.
async fn names(
    ctx: &Context,
    ids: impl Iterator<Item = &ContactId>,
) -> anyhow::Result<HashMap<ContactId, String>> {
    let mut ids: Vec<ContactId> = ids.cloned().collect();
    ids.sort();
    ids.dedup();
    let found = ctx
        .db
        .contact_names(&ctx.actor.workspace.id, &ids)
        .await
        .map_err(Error::from)?;
    Ok(found.into_iter().collect())
}

pub async fn list(ctx: &Context, a: CommitmentsArgs) -> anyhow::Result<()> {
    let q = CommitmentQuery {
        contact: a.reference.clone(),
        direction: if a.mine {
            Some(Direction::Mine)
        } else if a.theirs {
            Some(Direction::Theirs)
        } else {
            None
        },
        open_only: a.open,
        limit: a.limit,
        after: a.after.clone(),
        newest_first: !a.oldest_first,
    };
    let (list, next) = if a.all {
        // Every one: page through the ledger, 10,000 at a time.
        let mut all: Vec<Commitment> = Vec::new();
        let mut after = a.after.clone();
        loop {
            let page = ledger::list_commitments(
                &ctx.db,
                &ctx.actor,
                CommitmentQuery {
                    limit: Some(10_000),
                    after: after.clone(),
                    ..q.clone()
                },
            )
            .await?;
            let full = page.len() == 10_000;
            after = page.last().map(|c| c.id.to_string());
            all.extend(page);
            if !full {
                break;
            }
        }
        (all, None)
    } else {
        let list = ledger::list_commitments(&ctx.db, &ctx.actor, q.clone()).await?;
        let next = match list.last() {
            Some(last) if list.len() == a.limit.unwrap_or(200) as usize => {
                let probe = CommitmentQuery {
                    after: Some(last.id.to_string()),
                    limit: Some(1),
                    ..q
                };
                (!ledger::list_commitments(&ctx.db, &ctx.actor, probe)
                    .await?
                    .is_empty())
                .then(|| last.id.to_string())
            }
            _ => None,
        };
        (list, next)
    };
    let now = Context::now();
    if a.out.json {
        // Every open commitment carries its forecast.
        render::json(
            &rapport_core::foresight::with_forecasts(&ctx.db, &ctx.actor, list, now).await?,
        )?;
    } else {
        let names = names(ctx, list.iter().map(|c| &c.contact_id)).await?;
        let refs: Vec<&Commitment> = list.iter().collect();
        let forecasts = rapport_core::foresight::forecasts(&ctx.db, &ctx.actor, &refs, now).await?;
        render::commitments(&list, &names, &forecasts, now);
    }
    if let Some(id) = next {
        let mut again = "rapport commitments".to_owned();
        if let Some(r) = &a.reference {
            again.push_str(&format!(" {}", render::shell_word(r)));
        }
        for (on, flag) in [
            (a.open, " --open"),
            (a.mine, " --mine"),
            (a.theirs, " --theirs"),
            (a.oldest_first, " --oldest-first"),
        ] {
            if on {
                again.push_str(flag);
            }
        }
        if let Some(n) = a.limit {
            again.push_str(&format!(" --limit {n}"));
        }
        again.push_str(&format!(" --after {id}"));
        render::more(a.out.json, "commitments (or --all)", &again);
    }
    Ok(())
}

pub async fn history(ctx: &Context, a: IdArgs) -> anyhow::Result<()> {
    let (c, entries) = ledger::history(&ctx.db, &ctx.actor, &a.id).await?;
    if a.out.json {
        return render::json(&entries);
    }
    println!("{} (due {})", c.text, c.due);
    for e in entries {
        match e.happened_at() {
            Some(t) => println!(
                "  {}  {} (it happened {})",
                render::local_time(e.at, &ctx.tz),
                e.label(),
                render::local_time(t, &ctx.tz)
            ),
            None => println!("  {}  {}", render::local_time(e.at, &ctx.tz), e.label()),
        }
    }
    Ok(())
}

pub async fn request(ctx: &Context, a: RequestArgs) -> anyhow::Result<()> {
    let (contact, r) = ledger::add_request(
        &ctx.db,
        &ctx.actor,
        &a.reference,
        &a.text,
        a.why.as_deref(),
        a.answered_by.as_deref(),
        Context::now(),
    )
    .await?;
    if a.out.json {
        return render::json(&r);
    }
    let open = if r.why.is_none() {
        " (why? ask next time)"
    } else {
        ""
    };
    eprintln!("{} asked: {}{open}", contact.name, r.text);
    println!("{}", r.id);
    Ok(())
}

pub async fn why(ctx: &Context, a: WhyArgs) -> anyhow::Result<()> {
    let r = ledger::update_request(
        &ctx.db,
        &ctx.actor,
        &a.request_id,
        Some(&a.text),
        None,
        Context::now(),
    )
    .await?;
    if a.out.json {
        render::json(&r)
    } else {
        println!("Why recorded: {}", a.text);
        Ok(())
    }
}

pub async fn answer(ctx: &Context, a: AnswerArgs) -> anyhow::Result<()> {
    let r = ledger::update_request(
        &ctx.db,
        &ctx.actor,
        &a.request_id,
        None,
        Some(&a.commitment_id),
        Context::now(),
    )
    .await?;
    if a.out.json {
        render::json(&r)
    } else {
        println!("Linked to {}", a.commitment_id);
        Ok(())
    }
}

pub async fn requests(ctx: &Context, a: RequestsArgs) -> anyhow::Result<()> {
    if a.stats {
        let s =
            ledger::request_stats(&ctx.db, &ctx.actor, a.since.as_deref(), Context::now()).await?;
        if a.out.json {
            return render::json(&s);
        }
        let since = s.since.map_or_else(
            || "since the beginning".to_owned(),
            |d| format!("since {d}"),
        );
        println!(
            "Requests answered {since}: {}, of which {} without knowing why ({:.0}%)",
            s.answered,
            s.answered_without_why,
            s.share_without_why * 100.0
        );
        println!(
            "Open requests whose why is still unknown: {}",
            s.open_without_why
        );
        for m in &s.by_member {
            let who = m
                .email
                .as_deref()
                .map_or_else(|| m.name.clone(), |e| format!("{} <{e}>", m.name));
            println!(
                "  {who}: {} answered, {} without the why",
                m.answered, m.answered_without_why
            );
        }
        return Ok(());
    }
    // One more than asked says whether there is a next page (out-of-range limits are the
    // core's to refuse).
    let max = rapport_core::service::MAX_PAGE;
    let ask = if (1..max).contains(&a.limit) {
        a.limit + 1
    } else {
        a.limit
    };
    let mut list = ledger::requests(
        &ctx.db,
        &ctx.actor,
        a.reference.as_deref(),
        a.open,
        a.after.as_deref(),
        ask,
    )
    .await?;
    let more = list.len() > a.limit as usize || (a.limit == max && list.len() == max as usize);
    list.truncate(a.limit as usize);
    if a.out.json {
        render::json(&list)?;
    } else {
        let names = names(ctx, list.iter().map(|r| &r.contact_id)).await?;
        if list.is_empty() {
            println!("(no requests)");
        }
        for r in &list {
            let who = names.get(&r.contact_id).map_or("?", String::as_str);
            let answered = if r.answered_by.is_some() {
                "  answered"
            } else {
                ""
            };
            match &r.why {
                Some(w) => println!("  {who}: {}  (why: {w}){answered}  {}", r.text, r.id),
                None => println!("  {who}: {}  (why? unknown){answered}  {}", r.text, r.id),
            }
        }
    }
    if let (true, Some(last)) = (more, list.last()) {
        let mut next = String::from("rapport requests");
        if let Some(r) = &a.reference {
            next.push_str(&format!(" {}", render::shell_word(r)));
        }
        if a.open {
            next.push_str(" --open");
        }
        next.push_str(&format!(" --limit {} --after {}", a.limit, last.id));
        render::more(a.out.json, "requests", &next);
    }
    Ok(())
}

pub async fn ladder(ctx: &Context, a: crate::cli::ShowArgs) -> anyhow::Result<()> {
    let view = ledger::ladder(&ctx.db, &ctx.actor, &a.reference).await?;
    if a.out.json {
        return render::json(&view);
    }
    println!("The ladder with {}", view.contact_name);
    for (heading, r) in [
        ("My promises to them", &view.ladder.mine),
        ("Their promises to me", &view.ladder.theirs),
    ] {
        println!("  {heading}: {}", r.level.label());
        let sizes = [
            ("token", r.kept.token, r.broken.token),
            ("normal", r.kept.normal, r.broken.normal),
            ("major", r.kept.major, r.broken.major),
        ];
        for (size, kept, broken) in sizes {
            if kept + broken > 0 {
                println!(
                    "    {size}: {kept} kept, {broken} broken ({:.0}% kept)",
                    f64::from(kept) * 100.0 / f64::from(kept + broken)
                );
            }
        }
        println!("    next: {}", r.next);
    }
    Ok(())
}

pub async fn trust(ctx: &Context, a: TrustArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let at = match a.at.as_deref() {
        None => None,
        Some(t) => {
            let today = now.to_zoned_datetime(ctx.tz.clone()).date();
            match rapport_core::dates::parse_date(t, today) {
                // A day means as it stood at the end of that day (now, for today).
                Ok(day) if day >= today => Some(now),
                Ok(day) => Some(
                    Due {
                        date: day,
                        time: None,
                    }
                    .deadline(&ctx.tz)?,
                ),
                Err(_) => Some(parse_moment(t, now, &ctx.tz)?),
            }
        }
    };
    if at.is_some_and(|t| t > now) {
        return Err(Invalid::new("at", "trust cannot be read in the future").into());
    }
    let view = ledger::trust_of(&ctx.db, &ctx.actor, &a.reference, at, now).await?;
    if a.out.json {
        render::json(&view)
    } else {
        render::trust(&view, &ctx.tz);
        Ok(())
    }
}

#[derive(Serialize)]
struct Rescored {
    #[serde(flatten)]
    done: ledger::Rescored,
    seconds: f64,
}

pub async fn rescore(ctx: &Context, a: JsonOnly) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let done = ledger::rescore(&ctx.db, &ctx.actor, Context::now()).await?;
    let seconds = started.elapsed().as_secs_f64();
    if a.out.json {
        render::json(&Rescored { done, seconds })
    } else {
        println!(
            "Recomputed {} trust scores under model {} in {seconds:.2} s.",
            done.scores, done.model_version
        );
        Ok(())
    }
}

pub async fn latency(ctx: &Context, a: JsonOnly) -> anyhow::Result<()> {
    let report = ledger::latency_report(&ctx.db, &ctx.actor).await?;
    if a.out.json {
        return render::json(&report);
    }
    if report.is_empty() {
        println!("(no news yet: nothing flagged at risk, no kept promise told)");
    }
    let hours = |h: Option<f64>| h.map_or("-".to_string(), |h| format!("{h:.1} h"));
    for u in report {
        let who = if u.user_id == ctx.actor.user.id {
            ctx.actor.user.name.clone()
        } else {
            u.user_id.to_string()
        };
        println!("{who}");
        println!(
            "  bad news  (at risk → told): {} told, median {}, mean {}; {} not told yet",
            u.bad_news.count,
            hours(u.bad_news.median_hours),
            hours(u.bad_news.mean_hours),
            u.bad_news_untold
        );
        println!(
            "  good news (kept → told):    {} told, median {}, mean {}",
            u.good_news.count,
            hours(u.good_news.median_hours),
            hours(u.good_news.mean_hours)
        );
    }
    Ok(())
}
