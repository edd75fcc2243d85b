//! One function per command: parse the arguments into the core's types, call a service,
//! render. No business rule lives here.

mod accounts;
mod appreciation;
mod campaign;
mod contact;
mod demo;
mod ledger;
mod mailbox;
mod memory;
mod suggestions;
mod transfer;

use rapport_core::commitment::Direction;
use rapport_core::ledger::Outcome;

use crate::cli::{Cli, Command, ContactCommand, FactCommand};
use crate::context::Context;

/// For a command that names a contact and takes `--org`: the contact it names (if any) and
/// the organisation that picks among namesakes.
fn contact_reference(command: &mut Command) -> Option<(Option<&mut String>, Option<&str>)> {
    use crate::cli::{DealCommand, GestureCommand};
    let (reference, pick) = match command {
        Command::Contact(c) => match c {
            ContactCommand::Show(a) => (Some(&mut a.reference), &a.pick),
            ContactCommand::Archive(a) | ContactCommand::Restore(a) => {
                (Some(&mut a.reference), &a.pick)
            }
            _ => return None,
        },
        Command::Fact(FactCommand::Add(a)) => (Some(&mut a.reference), &a.pick),
        Command::Fact(FactCommand::List(a)) | Command::Brief(a) => {
            (Some(&mut a.reference), &a.pick)
        }
        Command::Log(a) => (Some(&mut a.reference), &a.pick),
        Command::Timeline(a) => (Some(&mut a.reference), &a.pick),
        Command::Promise(a) | Command::Expect(a) => (Some(&mut a.reference), &a.pick),
        Command::Commitments(a) => (a.reference.as_mut(), &a.pick),
        Command::Request(a) => (Some(&mut a.reference), &a.pick),
        Command::Requests(a) => (a.reference.as_mut(), &a.pick),
        Command::Trust(a) => (Some(&mut a.reference), &a.pick),
        Command::Ladder(a) => (Some(&mut a.reference), &a.pick),
        Command::Deal(DealCommand::Add(a)) => (Some(&mut a.reference), &a.pick),
        Command::Deal(DealCommand::List(a)) => (a.contact.as_mut(), &a.pick),
        Command::Gesture(GestureCommand::Add(a)) => (Some(&mut a.reference), &a.pick),
        Command::Gesture(GestureCommand::List(a)) => (a.reference.as_mut(), &a.pick),
        _ => return None,
    };
    Some((reference, pick.org.as_deref()))
}

/// Runs the parsed command line.
pub async fn run(mut cli: Cli) -> anyhow::Result<()> {
    // What needs no database: the shell's completions and the manual.
    match &cli.command {
        Command::Completions(a) => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            let mut out: Vec<u8> = Vec::new();
            clap_complete::generate(a.shell, &mut cmd, "rapport", &mut out);
            return crate::render::raw(&out);
        }
        Command::Man(a) => {
            use clap::CommandFactory;
            match &a.dir {
                Some(dir) => {
                    std::fs::create_dir_all(dir)?;
                    clap_mangen::generate_to(Cli::command(), dir)?;
                    eprintln!("Wrote the manual pages into {}", dir.display());
                }
                None => {
                    let mut out: Vec<u8> = Vec::new();
                    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
                    crate::render::raw(&out)?;
                }
            }
            return Ok(());
        }
        _ => {}
    }
    let ctx = Context::open(cli.db.as_deref()).await?;
    // Among namesakes, --org picks one: the command then goes on with its id.
    let mut org_capable = false;
    match contact_reference(&mut cli.command) {
        Some((Some(reference), Some(org))) => {
            let org = org.to_owned();
            let contact =
                rapport_core::service::find_contact_in(&ctx.db, &ctx.actor, reference, Some(&org))
                    .await?;
            *reference = contact.id.to_string();
        }
        Some((None, Some(_))) => {
            return Err(rapport_core::Invalid::new(
                "org",
                "--org picks among namesakes: name the contact too (e.g. ana --org acme)",
            )
            .into());
        }
        Some((_, None)) => org_capable = true,
        None => {}
    }
    let result = match cli.command {
        Command::Contact(c) => match c {
            ContactCommand::Add(a) => contact::add(&ctx, a).await,
            ContactCommand::List(a) => contact::list(&ctx, a).await,
            ContactCommand::Show(a) => contact::show(&ctx, a).await,
            ContactCommand::Edit(a) => contact::edit(&ctx, a).await,
            ContactCommand::Archive(a) => contact::archive(&ctx, a, true).await,
            ContactCommand::Restore(a) => contact::archive(&ctx, a, false).await,
            ContactCommand::Duplicates(a) => contact::duplicates(&ctx, a).await,
            ContactCommand::Merge(a) => contact::merge(&ctx, a).await,
        },
        Command::Fact(FactCommand::Add(a)) => memory::add_fact(&ctx, a).await,
        Command::Fact(FactCommand::List(a)) => memory::list_facts(&ctx, a).await,
        Command::Log(a) => memory::log(&ctx, a).await,
        Command::Timeline(a) => memory::timeline(&ctx, a).await,
        Command::Search(a) => memory::search(&ctx, a).await,
        Command::Demo(a) => demo::run(&ctx, a).await,
        Command::Import(crate::cli::ImportCommand::Vcard(a)) => {
            transfer::import_vcard(&ctx, a).await
        }
        Command::Export(crate::cli::ExportCommand::Vcard(a)) => {
            transfer::export_vcard(&ctx, a).await
        }
        Command::Import(crate::cli::ImportCommand::Csv(a)) => transfer::import_csv(&ctx, a).await,
        Command::Export(crate::cli::ExportCommand::Csv(a)) => transfer::export_csv(&ctx, a).await,
        Command::Serve(a) => accounts::serve(&ctx, a).await,
        Command::Feed(a) => accounts::feed(&ctx, a).await,
        Command::Backup(a) => transfer::backup(&ctx, a).await,
        Command::Restore(a) => transfer::restore(&ctx, a).await,
        Command::Digest(a) => accounts::digest(&ctx, a).await,
        Command::User(crate::cli::UserCommand::Add(a)) => accounts::add_user(&ctx, a).await,
        Command::User(crate::cli::UserCommand::List(a)) => accounts::list_users(&ctx, a).await,
        Command::User(crate::cli::UserCommand::Edit(a)) => accounts::edit_user(&ctx, a).await,
        Command::Workspace(crate::cli::WorkspaceCommand::Create(a)) => {
            accounts::create_workspace(&ctx, a).await
        }
        Command::Handoff(a) => accounts::handoff(&ctx, a).await,
        Command::Token(crate::cli::TokenCommand::Create(a)) => {
            accounts::create_token(&ctx, a).await
        }
        Command::Promise(a) => ledger::record(&ctx, a, Direction::Mine).await,
        Command::Expect(a) => ledger::record(&ctx, a, Direction::Theirs).await,
        Command::Kept(a) => ledger::outcome(&ctx, a, Outcome::Kept).await,
        Command::Broken(a) => ledger::outcome(&ctx, a, Outcome::Broken).await,
        Command::Deceptive(a) => ledger::outcome(&ctx, a, Outcome::Deceptive).await,
        Command::Release(a) => ledger::release(&ctx, a).await,
        Command::Renegotiate(a) => ledger::renegotiate(&ctx, a).await,
        Command::AtRisk(a) => ledger::at_risk(&ctx, a).await,
        Command::Told(a) => ledger::told(&ctx, a).await,
        Command::Commitments(a) => ledger::list(&ctx, a).await,
        Command::History(a) => ledger::history(&ctx, a).await,
        Command::Request(a) => ledger::request(&ctx, a).await,
        Command::Why(a) => ledger::why(&ctx, a).await,
        Command::Answer(a) => ledger::answer(&ctx, a).await,
        Command::Requests(a) => ledger::requests(&ctx, a).await,
        Command::Trust(a) => ledger::trust(&ctx, a).await,
        Command::Ladder(a) => ledger::ladder(&ctx, a).await,
        Command::Rescore(a) => ledger::rescore(&ctx, a).await,
        Command::Latency(a) => ledger::latency(&ctx, a).await,
        Command::Insights(a) => insights(&ctx, a).await,
        Command::Settings(a) => settings(&ctx, a).await,
        Command::Today(a) => today(&ctx, a).await,
        Command::Brief(a) => brief(&ctx, a).await,
        Command::Deal(c) => deals(&ctx, c).await,
        Command::Referral(a) => referral(&ctx, a).await,
        Command::Advocates(a) => advocates(&ctx, a).await,
        Command::Gesture(crate::cli::GestureCommand::Add(a)) => appreciation::add(&ctx, a).await,
        Command::Gesture(crate::cli::GestureCommand::List(a)) => appreciation::list(&ctx, a).await,
        Command::Budget(a) => appreciation::budget(&ctx, a).await,
        Command::Campaign(c) => campaign::run(&ctx, c).await,
        Command::Mail(crate::cli::MailCommand::Import(a)) => transfer::import_mail(&ctx, a).await,
        Command::Mail(crate::cli::MailCommand::Connect(a)) => mailbox::connect(&ctx, a).await,
        Command::Mail(crate::cli::MailCommand::Sync(a)) => mailbox::sync(&ctx, a).await,
        Command::Mail(crate::cli::MailCommand::Disconnect(a)) => mailbox::disconnect(&ctx, a).await,
        Command::Suggestions(a) => suggestions::list(&ctx, a).await,
        Command::Suggestion(crate::cli::SuggestionCommand::Accept(a)) => {
            suggestions::accept(&ctx, a).await
        }
        Command::Suggestion(crate::cli::SuggestionCommand::Dismiss(a)) => {
            suggestions::dismiss(&ctx, a).await
        }
        Command::Completions(_) | Command::Man(_) => Ok(()),
    };
    ctx.db.close().await;
    if let Err(e) = &result
        && org_capable
        && matches!(
            e.downcast_ref::<rapport_core::Error>(),
            Some(rapport_core::Error::Ambiguous { .. })
        )
    {
        crate::render::hint("add --org ORG to pick the one who works there");
    }
    result
}

async fn insights(ctx: &Context, a: crate::cli::InsightsArgs) -> anyhow::Result<()> {
    use rapport_core::insight::{self, InsightQuery};
    let now = Context::now();
    let q = InsightQuery {
        relationship: a
            .relationship
            .as_deref()
            .map(str::parse::<rapport_core::contact::RelationshipType>)
            .transpose()?,
        since: a
            .since
            .as_deref()
            .map(|d| insight::parse_since(d, &ctx.actor, now))
            .transpose()?,
        limit: a.limit,
    };
    let view = insight::insights(&ctx.db, &ctx.actor, q, now).await?;
    if a.out.json {
        return crate::render::json(&view);
    }
    crate::render::insights(&view);
    Ok(())
}

async fn settings(ctx: &Context, a: crate::cli::SettingsArgs) -> anyhow::Result<()> {
    use rapport_core::usecases::settings::{self, SettingsUpdate};
    let update = SettingsUpdate {
        time_zone: a.time_zone,
        promise_load_threshold: a.promise_load,
        keep_in_touch: a.keep_in_touch,
        appreciation: a.appreciation,
        digest_at: a.digest_at,
        my_address: a.my_address,
        forget_address: a.forget_address,
        gift_idea: a.gift_idea,
        no_gift_idea: a.no_gift_idea,
    };
    let view = if update == SettingsUpdate::default() {
        settings::view(&ctx.db, &ctx.actor).await?
    } else {
        settings::update(&ctx.db, &ctx.actor, &update).await?
    };
    let (ws, rules, touch) = (&view.workspace, &view.appreciation, &view.keep_in_touch);
    if a.out.json {
        return crate::render::json(&view);
    }
    println!("{}", ws.name);
    println!("  time zone:       {}", ws.time_zone);
    println!(
        "  promise load:    {} open promises of mine due on one day",
        ws.promise_load_threshold
    );
    println!("  trust half-life: {} days", ws.trust_half_life_days);
    println!(
        "  my daily digest: {}",
        view.digest_at.as_deref().unwrap_or("off")
    );
    println!(
        "  my addresses:    {}",
        std::iter::once(
            ctx.actor
                .user
                .email
                .as_deref()
                .unwrap_or("(no account email)")
        )
        .chain(view.my_addresses.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(", ")
    );
    println!("  keep in touch (contacts without their own cadence):");
    for r in touch {
        let every = r.days.map_or_else(
            || "never goes cold".to_owned(),
            |d| format!("every {d} days"),
        );
        let custom = if r.custom { "" } else { " (default)" };
        println!("    {:<14} {every}{custom}", r.audience.label());
    }
    println!("  appreciation:");
    for r in rules {
        let every = r
            .days
            .map_or_else(|| "no gestures".to_owned(), |d| format!("every {d} days"));
        let custom = if r.custom { "" } else { " (default)" };
        println!("    {:<14} {every}{custom}", r.audience.label());
    }
    println!("  gift ideas, by interest (* the workspace's own):");
    let mut at = 0;
    while at < view.gift_ideas.len() {
        let interest = &view.gift_ideas[at].interest;
        let ideas: Vec<String> = view.gift_ideas[at..]
            .iter()
            .take_while(|g| &g.interest == interest)
            .map(|g| format!("{}{}", g.idea, if g.builtin { "" } else { " *" }))
            .collect();
        at += ideas.len();
        println!("    {interest:<14} {}", ideas.join("; "));
    }
    Ok(())
}

async fn today(ctx: &Context, a: crate::cli::TodayArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let tz = ctx.actor.workspace.tz();
    let at = match a.date.as_deref() {
        None => now,
        Some(d) => {
            let day = rapport_core::dates::parse_date(d, rapport_core::today::day_of(now, &tz))?;
            if day == rapport_core::today::day_of(now, &tz) {
                now
            } else {
                day.at(9, 0, 0, 0)
                    .to_zoned_datetime(tz.clone())
                    .map(|z| z.timestamp())
                    .map_err(|e| rapport_core::Invalid::new("date", e.to_string()))?
            }
        }
    };
    let list = rapport_core::today::today_for(&ctx.db, &ctx.actor, at).await?;
    if a.out.json {
        crate::render::json(&list)
    } else {
        crate::render::today(&list);
        Ok(())
    }
}

async fn brief(ctx: &Context, a: crate::cli::ShowArgs) -> anyhow::Result<()> {
    let b = rapport_core::brief::brief(&ctx.db, &ctx.actor, &a.reference, Context::now()).await?;
    if a.out.json {
        crate::render::json(&b)
    } else {
        crate::render::brief(&b, Context::now(), &ctx.tz);
        Ok(())
    }
}

async fn deals(ctx: &Context, c: crate::cli::DealCommand) -> anyhow::Result<()> {
    use crate::cli::DealCommand;
    use rapport_core::deal::{self, NewDeal, TermKind};
    let now = Context::now();
    let (view, json) = match c {
        DealCommand::Add(a) => {
            let today = rapport_core::today::day_of(now, &ctx.tz);
            let new = NewDeal {
                title: a.title,
                value: a.value,
                stage: a.stage.as_deref().map(str::parse).transpose()?,
                expected_close: a
                    .close
                    .as_deref()
                    .map(|d| rapport_core::dates::parse_date(d, today))
                    .transpose()?,
            };
            let view = deal::add(&ctx.db, &ctx.actor, &a.reference, new, now).await?;
            if a.out.json {
                return crate::render::json(&view);
            }
            // The summary on stderr, the id alone on stdout (for `id=$(rapport deal add …)`).
            eprintln!(
                "Opened {} with {} ({}, {})",
                view.deal.title, view.contact_name, view.deal.stage, view.deal.value
            );
            println!("{}", view.deal.id);
            return Ok(());
        }
        DealCommand::Stage(a) => {
            let stage = a.stage.parse()?;
            (
                deal::set_stage(&ctx.db, &ctx.actor, &a.id, stage, now).await?,
                a.out.json,
            )
        }
        DealCommand::Give(a) => (
            deal::add_term(&ctx.db, &ctx.actor, &a.id, TermKind::Give, &a.text, now).await?,
            a.out.json,
        ),
        DealCommand::Get(a) => (
            deal::add_term(&ctx.db, &ctx.actor, &a.id, TermKind::Get, &a.text, now).await?,
            a.out.json,
        ),
        DealCommand::Show(a) => (
            deal::view(&ctx.db, &ctx.actor, &a.id, now).await?,
            a.out.json,
        ),
        DealCommand::List(a) => {
            let contact = match &a.contact {
                Some(r) => Some(
                    rapport_core::service::resolve_contact(&ctx.db, &ctx.actor, r)
                        .await?
                        .id,
                ),
                None => None,
            };
            let after = match &a.after {
                Some(id) => Some(deal::after(&ctx.db, &ctx.actor, id).await?),
                None => None,
            };
            let query = deal::DealQuery {
                filter: rapport_core::ports::DealFilter {
                    open_only: a.open,
                    contact,
                    stage: a.stage.as_deref().map(str::parse).transpose()?,
                },
                after,
                limit: a.limit,
            };
            let page = deal::list(&ctx.db, &ctx.actor, &query, now).await?;
            let next = page.next().map(|(_, _, id)| id.to_string());
            if a.out.json {
                #[derive(serde::Serialize)]
                struct Listed<'a> {
                    items: &'a [deal::DealView],
                    /// Deals after this page.
                    more: u64,
                    /// The deal to pass to --after for the next page.
                    next: Option<String>,
                }
                return crate::render::json(&Listed {
                    items: &page.items,
                    more: page.more,
                    next,
                });
            }
            if page.items.is_empty() {
                println!("(no deals)");
            }
            for d in &page.items {
                crate::render::deal_line(d);
            }
            if let Some(next) = next {
                let mut again = format!("rapport deal list --after {next}");
                if a.open {
                    again.push_str(" --open");
                }
                if let Some(c) = &a.contact {
                    again.push_str(&format!(" --contact {}", crate::render::shell_word(c)));
                }
                if let Some(st) = &a.stage {
                    again.push_str(&format!(" --stage {st}"));
                }
                if a.limit != 50 {
                    again.push_str(&format!(" --limit {}", a.limit));
                }
                println!("... and {} more: {again}", page.more);
            }
            return Ok(());
        }
    };
    if json {
        crate::render::json(&view)
    } else {
        crate::render::deal(&view);
        Ok(())
    }
}

async fn referral(ctx: &Context, a: crate::cli::ReferralArgs) -> anyhow::Result<()> {
    let (from, to) =
        rapport_core::referral::record(&ctx.db, &ctx.actor, &a.from, &a.to, Context::now()).await?;
    if a.out.json {
        return crate::render::json(&serde_json::json!({"referrer": from.id, "referred": to.id}));
    }
    println!("{} introduced {}", from.name, to.name);
    Ok(())
}

async fn advocates(ctx: &Context, a: crate::cli::JsonOnly) -> anyhow::Result<()> {
    let list = rapport_core::referral::advocates(&ctx.db, &ctx.actor).await?;
    if a.out.json {
        return crate::render::json(&list);
    }
    if list.is_empty() {
        println!("(no introductions recorded yet)");
    }
    for x in &list {
        println!(
            "  {}  introduced {}, {} became customers",
            x.name, x.referred, x.became_customers
        );
    }
    Ok(())
}
