//! `rapport fact …`, `rapport log`, `rapport timeline`, `rapport search`.

use rapport_core::dates::{YearlyDate, parse_moment};
use rapport_core::fact::NewFact;
use rapport_core::interaction::NewInteraction;
use rapport_core::ports::FactStore;
use rapport_core::service::{self, ContactQuery};
use serde::Serialize;

use crate::cli::{FactAddArgs, LogArgs, SearchArgs, ShowArgs, TimelineArgs};
use crate::context::Context;
use crate::render;

pub async fn add_fact(ctx: &Context, a: FactAddArgs) -> anyhow::Result<()> {
    let new = NewFact {
        kind: a.kind.parse()?,
        text: a.text,
        relation: a.relation,
        date: a
            .date
            .as_deref()
            .map(str::parse::<YearlyDate>)
            .transpose()?,
    };
    let (contact, fact) =
        service::add_fact(&ctx.db, &ctx.actor, &a.reference, new, Context::now()).await?;
    if a.out.json {
        render::json(&fact)
    } else {
        eprintln!(
            "Remembered for {}: {} {}",
            contact.name,
            fact.kind,
            fact.describe()
        );
        println!("{}", fact.id);
        Ok(())
    }
}

pub async fn list_facts(ctx: &Context, a: ShowArgs) -> anyhow::Result<()> {
    let contact = service::resolve_contact(&ctx.db, &ctx.actor, &a.reference).await?;
    let facts = ctx.db.facts(&ctx.actor.workspace.id, &contact.id).await?;
    if a.out.json {
        render::json(&facts)
    } else {
        render::facts(&facts);
        Ok(())
    }
}

pub async fn log(ctx: &Context, a: LogArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let occurred_at = match a.at.as_deref() {
        Some(at) => parse_moment(at, now, &ctx.tz)?,
        None => now,
    };
    let new = NewInteraction {
        kind: a.kind.parse()?,
        occurred_at,
        summary: a.summary,
        they_said: a.they_said,
        i_said: a.i_said,
        topics: a.topics,
    };
    let (contact, i) =
        service::log_interaction(&ctx.db, &ctx.actor, &a.reference, new, now).await?;
    if a.out.json {
        render::json(&i)
    } else {
        let what = if i.is_planned(now) {
            "Planned"
        } else {
            "Logged"
        };
        eprintln!(
            "{what} {} with {} on {}",
            i.kind,
            contact.name,
            render::local_time(i.occurred_at, &ctx.tz),
        );
        println!("{}", i.id);
        Ok(())
    }
}

#[derive(Serialize)]
struct TimelineView<'a> {
    contact: render::ContactView<'a>,
    interactions: &'a [rapport_core::interaction::Interaction],
}

pub async fn timeline(ctx: &Context, a: TimelineArgs) -> anyhow::Result<()> {
    let (contact, items) =
        service::timeline(&ctx.db, &ctx.actor, &a.reference, None, a.limit).await?;
    let more = match items.last() {
        Some(last) if items.len() == a.limit as usize => {
            let after = (last.occurred_at, last.id.clone());
            !service::timeline(&ctx.db, &ctx.actor, contact.id.as_str(), Some(&after), 1)
                .await?
                .1
                .is_empty()
        }
        _ => false,
    };
    if a.out.json {
        render::json(&TimelineView {
            contact: render::ContactView::of(&contact, &ctx.actor),
            interactions: &items,
        })?;
    } else {
        println!("{}", contact.name);
        render::timeline(&items, Context::now(), &ctx.tz);
    }
    if more {
        render::more(
            a.out.json,
            "interactions",
            &format!(
                "rapport timeline {} --limit {}",
                contact.id,
                a.limit
                    .saturating_mul(2)
                    .min(rapport_core::service::MAX_PAGE)
            ),
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct SearchView<'a> {
    contacts: Vec<render::ContactView<'a>>,
    interactions: &'a [rapport_core::interaction::Interaction],
}

pub async fn search(ctx: &Context, a: SearchArgs) -> anyhow::Result<()> {
    let contacts = service::list_contacts(
        &ctx.db,
        &ctx.actor,
        ContactQuery {
            search: Some(a.query.clone()),
            limit: Some(a.limit),
            ..ContactQuery::default()
        },
    )
    .await?;
    let interactions =
        service::search_interactions(&ctx.db, &ctx.actor, &a.query, None, a.limit).await?;
    // Full lists: one more look each says whether there is more to see.
    let more_contacts = match contacts.last() {
        Some(last) if contacts.len() == a.limit as usize => {
            let probe = ContactQuery {
                search: Some(a.query.clone()),
                after: Some((last.name_folded(), last.id.clone())),
                limit: Some(1),
                ..ContactQuery::default()
            };
            !service::list_contacts(&ctx.db, &ctx.actor, probe)
                .await?
                .is_empty()
        }
        _ => false,
    };
    let more_interactions = match interactions.last() {
        Some(last) if interactions.len() == a.limit as usize => {
            let after = (last.occurred_at, last.id.clone());
            !service::search_interactions(&ctx.db, &ctx.actor, &a.query, Some(&after), 1)
                .await?
                .is_empty()
        }
        _ => false,
    };
    if a.out.json {
        render::json(&SearchView {
            contacts: contacts
                .iter()
                .map(|c| render::ContactView::of(c, &ctx.actor))
                .collect(),
            interactions: &interactions,
        })?;
    } else {
        println!("Contacts");
        render::contact_table(&contacts);
        println!("\nInteractions");
        let mut ids: Vec<rapport_core::ids::ContactId> =
            interactions.iter().map(|i| i.contact_id.clone()).collect();
        ids.sort();
        ids.dedup();
        let names: std::collections::HashMap<_, _> =
            rapport_core::ports::ContactStore::contact_names(
                &ctx.db,
                &ctx.actor.workspace.id,
                &ids,
            )
            .await
            .map_err(rapport_core::Error::from)?
            .into_iter()
            .collect();
        render::timeline_of(&interactions, Some(&names), Context::now(), &ctx.tz);
    }
    if more_contacts || more_interactions {
        let what = match (more_contacts, more_interactions) {
            (true, true) => "contacts and interactions",
            (true, false) => "contacts",
            _ => "interactions",
        };
        render::more(
            a.out.json,
            what,
            &format!(
                "rapport search {} --limit {}",
                render::shell_word(&a.query),
                a.limit
                    .saturating_mul(2)
                    .min(rapport_core::service::MAX_PAGE)
            ),
        );
    }
    Ok(())
}
