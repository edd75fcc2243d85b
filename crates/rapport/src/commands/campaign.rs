//! `rapport campaign`: check-in campaigns.

use rapport_core::campaign::{self, CampaignChanges, CampaignView, Member, NewCampaign};
use rapport_core::ports::MemberFilter;

use crate::cli::{
    CampaignCommand, CampaignCreateArgs, CampaignDeleteArgs, CampaignEditArgs, CampaignShowArgs,
};
use crate::context::Context;
use crate::render;

pub async fn run(ctx: &Context, c: CampaignCommand) -> anyhow::Result<()> {
    match c {
        CampaignCommand::Create(a) => create(ctx, a).await,
        CampaignCommand::List(a) => {
            let list = campaign::list(&ctx.db, &ctx.actor, Context::now()).await?;
            if a.out.json {
                return render::json(&list);
            }
            if list.is_empty() {
                println!(
                    "(no campaigns yet: rapport campaign create NAME --segment ... --note ...)"
                );
            }
            for v in &list {
                println!(
                    "  {:<28} {:<9} {}",
                    render::pad(&render::printable(&v.campaign.name), 28),
                    v.status.as_str(),
                    progress_line(v)
                );
            }
            Ok(())
        }
        CampaignCommand::Show(a) => show(ctx, a).await,
        CampaignCommand::Stop(a) => {
            let v = campaign::stop(&ctx.db, &ctx.actor, &a.name, Context::now()).await?;
            if a.out.json {
                return render::json(&v);
            }
            eprintln!(
                "Stopped “{}”: {}",
                render::printable(&v.campaign.name),
                progress_line(&v)
            );
            Ok(())
        }
        CampaignCommand::Edit(a) => edit(ctx, a).await,
        CampaignCommand::Delete(a) => delete(ctx, a).await,
    }
}

async fn edit(ctx: &Context, a: CampaignEditArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let today = rapport_core::today::day_of(now, &ctx.tz);
    let until = match (a.until.as_deref(), a.no_until) {
        (Some(d), _) => Some(Some(rapport_core::dates::parse_date(d, today)?)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let changes = CampaignChanges {
        name: a.name,
        note: a.note,
        per_day: a.per_day,
        until,
        keep_pace: false,
    };
    let v = campaign::edit(&ctx.db, &ctx.actor, &a.campaign, changes, now).await?;
    if a.out.json {
        return render::json(&v);
    }
    let c = &v.campaign;
    eprintln!(
        "Saved “{}”: {} a day{}; {}",
        render::printable(&c.name),
        c.per_day,
        c.until.map_or(String::new(), |u| format!(" until {u}")),
        progress_line(&v)
    );
    Ok(())
}

async fn delete(ctx: &Context, a: CampaignDeleteArgs) -> anyhow::Result<()> {
    let now = Context::now();
    if !a.yes {
        use std::io::{BufRead, IsTerminal, Write};
        let v = campaign::find(&ctx.db, &ctx.actor, &a.name, now).await?;
        if !std::io::stdin().is_terminal() {
            return Err(rapport_core::Invalid::new(
                "yes",
                format!(
                    "deleting “{}” cannot be undone: add --yes to delete it without asking",
                    v.campaign.name
                ),
            )
            .into());
        }
        eprint!(
            "Delete “{}” ({})? The conversations logged stay. [y/N] ",
            render::printable(&v.campaign.name),
            progress_line(&v)
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            eprintln!("Kept it.");
            return Ok(());
        }
        // Deleted by the id looked at, so a campaign renamed meanwhile is not the one gone.
        return deleted(ctx, v.campaign.id.as_str(), a.out.json, now).await;
    }
    deleted(ctx, &a.name, a.out.json, now).await
}

async fn deleted(
    ctx: &Context,
    reference: &str,
    json: bool,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    let v = campaign::delete(&ctx.db, &ctx.actor, reference, now).await?;
    if json {
        return render::json(&v);
    }
    eprintln!(
        "Deleted “{}”; the conversations logged stay on the contacts",
        render::printable(&v.campaign.name)
    );
    Ok(())
}

async fn create(ctx: &Context, a: CampaignCreateArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let today = rapport_core::today::day_of(now, &ctx.tz);
    let new = NewCampaign {
        name: a.name,
        segment: a.segment,
        note: a.note,
        per_day: a.per_day,
        until: a
            .until
            .as_deref()
            .map(|d| rapport_core::dates::parse_date(d, today))
            .transpose()?,
    };
    let v = campaign::create(&ctx.db, &ctx.actor, new, now).await?;
    if a.out.json {
        return render::json(&v);
    }
    let c = &v.campaign;
    eprintln!(
        "Planned “{}”: a check-in with {} ({}), {} a day on Today{}",
        render::printable(&c.name),
        plural(v.progress.contacts, "contact"),
        c.segment,
        c.per_day,
        c.until.map_or(String::new(), |u| format!(" until {u}"))
    );
    if v.progress.done > 0 {
        eprintln!(
            "  {} already checked in with since this morning",
            v.progress.done
        );
    }
    println!("{}", c.id);
    Ok(())
}

async fn show(ctx: &Context, a: CampaignShowArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let Some(which) = a.contacts.as_deref() else {
        let v = campaign::find(&ctx.db, &ctx.actor, &a.name, now).await?;
        if a.out.json {
            return render::json(&v);
        }
        describe(ctx, &v);
        // The next ones up, in the campaign's order.
        let (_, next, more) = campaign::members(
            &ctx.db,
            &ctx.actor,
            v.campaign.id.as_str(),
            MemberFilter::Pending,
            None,
            5,
            now,
        )
        .await?;
        if !next.is_empty() {
            println!("Next to check in with:");
            for m in &next {
                println!("  {}", member_line(ctx, m, now));
            }
        }
        if more {
            render::more(
                false,
                "contacts to check in with",
                &format!(
                    "rapport campaign show {:?} --contacts pending",
                    v.campaign.name
                ),
            );
        }
        return Ok(());
    };
    let filter = campaign::member_filter(which)?;
    let (v, page, more) =
        campaign::members(&ctx.db, &ctx.actor, &a.name, filter, a.after, a.limit, now).await?;
    let next = |m: &Member| {
        format!(
            "rapport campaign show {:?} --contacts {which} --limit {} --after {}",
            v.campaign.name, a.limit, m.position
        )
    };
    if a.out.json {
        #[derive(serde::Serialize)]
        struct Page<'a> {
            campaign: &'a CampaignView,
            contacts: &'a [Member],
            /// The position to ask after for the next page (null: this is the last).
            next_after: Option<u32>,
        }
        render::json(&Page {
            campaign: &v,
            contacts: &page,
            next_after: page.last().filter(|_| more).map(|m| m.position),
        })?;
        if let Some(last) = page.last().filter(|_| more) {
            render::more(true, "contacts", &next(last));
        }
        return Ok(());
    }
    describe(ctx, &v);
    if page.is_empty() {
        println!("(none)");
    }
    for m in &page {
        println!("  {:>5}  {}", m.position, member_line(ctx, m, now));
    }
    if let Some(last) = page.last().filter(|_| more) {
        render::more(false, "contacts", &next(last));
    }
    Ok(())
}

fn describe(ctx: &Context, v: &CampaignView) {
    let c = &v.campaign;
    println!("{}  ({})", render::printable(&c.name), v.status.as_str());
    println!("  Segment: {}", render::printable(&c.segment));
    println!("  Note: {}", render::printable(&c.note));
    let until = c.until.map_or(String::new(), |u| format!(" until {u}"));
    let stopped = c.stopped_at.map_or(String::new(), |at| {
        format!("; stopped on {}", rapport_core::today::day_of(at, &ctx.tz))
    });
    println!(
        "  {} a day{until}; made by {} on {}{stopped}",
        c.per_day,
        render::printable(&v.created_by_name),
        rapport_core::today::day_of(c.created_at, &ctx.tz)
    );
    println!("  {}", progress_line(v));
}

fn progress_line(v: &CampaignView) -> String {
    let p = &v.progress;
    let archived = if p.archived > 0 {
        format!(", {} archived since", p.archived)
    } else {
        String::new()
    };
    format!(
        "{}: {} checked in with ({} replied), {} to go{archived}",
        plural(p.contacts, "contact"),
        p.done,
        p.replied,
        p.remaining
    )
}

fn member_line(ctx: &Context, m: &Member, now: jiff::Timestamp) -> String {
    let state = match m.done_at {
        Some(at) if at <= now => format!(
            "checked in {}{}",
            rapport_core::today::day_of(at, &ctx.tz),
            if m.replied { ", replied" } else { "" }
        ),
        Some(at) => format!("planned {}", render::local_time(at, &ctx.tz)),
        None if m.archived => "archived".to_owned(),
        None => "to check in with".to_owned(),
    };
    format!(
        "{:<32} {}{}",
        render::pad(&render::printable(&m.contact_name), 32),
        if m.vip { "VIP  " } else { "" },
        state
    )
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}
