//! `rapport contact …`

use rapport_core::Invalid;
use rapport_core::contact::{CadenceSetting, ContactChanges, NewContact, RelationshipType};
use rapport_core::service::{self, ContactQuery};

use crate::cli::{
    ContactAddArgs, ContactEditArgs, ContactListArgs, DuplicatesArgs, MergeArgs, RefArgs, ShowArgs,
};
use crate::context::Context;
use crate::render;

fn relationship(t: Option<&str>) -> Result<Option<RelationshipType>, Invalid> {
    t.map(str::parse).transpose()
}

fn cadence(c: Option<&str>) -> Result<Option<CadenceSetting>, Invalid> {
    c.map(str::parse).transpose()
}

/// `--met-on`: a date as people type one, in the workspace's today.
fn met_on(ctx: &Context, text: Option<&str>) -> Result<Option<jiff::civil::Date>, Invalid> {
    let today = rapport_core::today::day_of(Context::now(), &ctx.tz);
    text.map(|t| {
        rapport_core::dates::parse_date(t, today)
            .map_err(|e| Invalid::new("met_on", format!("--met-on: {}", e.message)))
    })
    .transpose()
}

pub async fn add(ctx: &Context, a: ContactAddArgs) -> anyhow::Result<()> {
    let new = NewContact {
        name: a.name,
        organisation: a.org,
        relationship: relationship(a.relationship.as_deref())?,
        vip: a.vip,
        emails: a.emails,
        phones: a.phones,
        tags: a.tags,
        cadence: cadence(a.cadence.as_deref())?.unwrap_or_default(),
        met_on: met_on(ctx, a.met_on.as_deref())?,
        met: a.met,
        introduced_by: a.introduced_by,
    };
    let added = service::add_contact(&ctx.db, &ctx.actor, new, Context::now()).await?;
    // On stderr, so --json output stays JSON only.
    for w in added.warnings() {
        eprintln!("warning: {w}");
    }
    let c = &added.contact;
    if a.out.json {
        let mut view = render::ContactView::of(c, &ctx.actor);
        view.introduced_by = added.introduced_by.as_ref();
        render::json(&view)
    } else {
        // The summary for a person on stderr, the id alone on stdout (for `id=$(rapport …)`).
        match &added.introduced_by {
            Some(i) => eprintln!("Added {}, introduced by {}", c.name, i.name),
            None => eprintln!("Added {}", c.name),
        }
        println!("{}", c.id);
        Ok(())
    }
}

pub async fn list(ctx: &Context, a: ContactListArgs) -> anyhow::Result<()> {
    let after = match &a.after {
        None => None,
        Some(r) => {
            // The page's last contact as it is (a merged one is not the one it leads to).
            let c = service::find_contact(&ctx.db, &ctx.actor, r).await?;
            Some((c.name_folded(), c.id))
        }
    };
    let query = ContactQuery {
        relationship: relationship(a.relationship.as_deref())?,
        tag: a.tag.clone(),
        search: a.search.clone(),
        met: a.met.clone(),
        archived: a.archived,
        vip_only: a.vip,
        going_cold: a.going_cold,
        after,
        limit: a.limit,
    };
    let contacts = service::list_contacts(&ctx.db, &ctx.actor, query.clone()).await?;
    // A full page: one more look says whether the list goes on.
    let next = match contacts.last() {
        Some(last) if contacts.len() == query.limit.unwrap_or(50) as usize => {
            let probe = ContactQuery {
                after: Some((last.name_folded(), last.id.clone())),
                limit: Some(1),
                ..query
            };
            (!service::list_contacts(&ctx.db, &ctx.actor, probe)
                .await?
                .is_empty())
            .then(|| last.id.to_string())
        }
        _ => None,
    };
    if a.out.json {
        let views: Vec<_> = contacts
            .iter()
            .map(|c| render::ContactView::of(c, &ctx.actor))
            .collect();
        render::json(&views)?;
    } else {
        render::contact_table(&contacts);
    }
    if let Some(id) = next {
        let mut again = format!("rapport contact list --after {id}");
        if let Some(t) = &a.relationship {
            again.push_str(&format!(" --type {t}"));
        }
        if let Some(t) = &a.tag {
            again.push_str(&format!(" --tag {t:?}"));
        }
        if let Some(q) = &a.search {
            again.push_str(&format!(" --search {q:?}"));
        }
        if a.archived {
            again.push_str(" --archived");
        }
        if let Some(n) = a.limit {
            again.push_str(&format!(" --limit {n}"));
        }
        render::more(a.out.json, "contacts", &again);
    }
    Ok(())
}

pub async fn show(ctx: &Context, a: ShowArgs) -> anyhow::Result<()> {
    let card = service::contact_card(&ctx.db, &ctx.actor, &a.reference).await?;
    if a.out.json {
        render::json(&card)
    } else {
        render::contact_card(&card, Context::now(), &ctx.tz);
        Ok(())
    }
}

pub async fn edit(ctx: &Context, a: ContactEditArgs) -> anyhow::Result<()> {
    let changes = ContactChanges {
        name: a.name,
        organisation: if a.no_org {
            Some(None)
        } else {
            a.org.map(Some)
        },
        relationship: relationship(a.relationship.as_deref())?,
        vip: match (a.vip, a.not_vip) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        emails: if a.no_email {
            Some(Vec::new())
        } else {
            (!a.emails.is_empty()).then_some(a.emails)
        },
        phones: if a.no_phone {
            Some(Vec::new())
        } else {
            (!a.phones.is_empty()).then_some(a.phones)
        },
        add_tags: a.tags,
        remove_tags: a.untags,
        cadence: cadence(a.cadence.as_deref())?,
        owner_id: None,
        met: if a.no_met {
            Some(None)
        } else {
            a.met.map(Some)
        },
        met_on: if a.no_met {
            Some(None)
        } else {
            met_on(ctx, a.met_on.as_deref())?.map(Some)
        },
        introduced_by: a.introduced_by,
    };
    let c =
        service::edit_contact(&ctx.db, &ctx.actor, &a.reference, &changes, Context::now()).await?;
    if a.out.json {
        render::json(&render::ContactView::of(&c, &ctx.actor))
    } else {
        println!("Updated {} ({})", c.name, c.id);
        Ok(())
    }
}

pub async fn archive(ctx: &Context, a: RefArgs, archive: bool) -> anyhow::Result<()> {
    let c = if archive {
        service::archive_contact(&ctx.db, &ctx.actor, &a.reference, Context::now()).await?
    } else {
        service::restore_contact(&ctx.db, &ctx.actor, &a.reference, Context::now()).await?
    };
    if a.out.json {
        render::json(&render::ContactView::of(&c, &ctx.actor))
    } else {
        let verb = if archive { "Archived" } else { "Restored" };
        println!("{verb} {} ({})", c.name, c.id);
        Ok(())
    }
}

pub async fn duplicates(ctx: &Context, a: DuplicatesArgs) -> anyhow::Result<()> {
    let offset = a.offset.unwrap_or(0);
    let list =
        rapport_core::duplicate::duplicates(&ctx.db, &ctx.actor, offset, a.limit.unwrap_or(50))
            .await?;
    if a.out.json {
        render::json(&list)?;
    } else if list.items.is_empty() {
        if list.total == 0 {
            println!("No likely duplicates.");
        } else {
            println!("(no pairs past {offset}; there are {})", list.total);
        }
    } else {
        let side = |s: &rapport_core::duplicate::PairSide| {
            let mut line = s.name.clone();
            if let Some(o) = &s.organisation {
                line.push_str(&format!(" ({o})"));
            }
            line.push_str(&format!(" [{}]", s.id));
            line
        };
        for (i, p) in list.items.iter().enumerate() {
            println!("{}. {}", offset + i + 1, p.why);
            println!("   keep   {}", side(&p.keep));
            println!("   merge  {}", side(&p.other));
            println!("   rapport contact merge {} {}", p.keep.id, p.other.id);
        }
    }
    if let Some(next) = list.next_offset {
        let mut again = format!("rapport contact duplicates --offset {next}");
        if let Some(n) = a.limit {
            again.push_str(&format!(" --limit {n}"));
        }
        let left = list.total - next;
        render::more(a.out.json, &format!("pairs ({left} left)"), &again);
    }
    Ok(())
}

pub async fn merge(ctx: &Context, a: MergeArgs) -> anyhow::Result<()> {
    let merged = rapport_core::duplicate::merge(
        &ctx.db,
        &ctx.actor,
        &a.keep,
        &a.other,
        a.dry_run,
        Context::now(),
    )
    .await?;
    if a.out.json {
        render::json(&merged)
    } else {
        println!("{}", merged.summary());
        Ok(())
    }
}
