//! `rapport gesture` and `rapport budget`: the appreciation planner.

use rapport_core::gesture::{self, GestureKind, NewGesture};

use crate::cli::{BudgetArgs, GestureAddArgs, GestureListArgs};
use crate::context::Context;
use crate::render;

pub async fn add(ctx: &Context, a: GestureAddArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let today = rapport_core::today::day_of(now, &ctx.tz);
    let new = NewGesture {
        kind: Some(GestureKind::parse(&a.kind)?),
        text: a.text,
        on: a
            .on
            .as_deref()
            .map(|d| rapport_core::dates::parse_date(d, today))
            .transpose()?,
        cost: a.cost,
        note: a.note,
    };
    let r = gesture::add(&ctx.db, &ctx.actor, &a.reference, new, now).await?;
    if a.out.json {
        return render::json(&r);
    }
    let g = &r.gesture;
    let when = if g.given_on > today {
        format!("planned for {}", g.given_on)
    } else {
        format!("on {}", g.given_on)
    };
    eprintln!(
        "Recorded {} for {} {when}: {} ({})",
        render::gesture_kind(g.kind),
        r.contact_name,
        g.text,
        g.cost
    );
    for id in &r.kept_commitments {
        eprintln!("  kept the promise {id} (thank-you note)");
    }
    eprintln!("  {}", r.budget.summary());
    println!("{}", g.id);
    Ok(())
}

pub async fn list(ctx: &Context, a: GestureListArgs) -> anyhow::Result<()> {
    let list = gesture::list(&ctx.db, &ctx.actor, a.reference.as_deref(), None, a.limit).await?;
    let more = match list.last() {
        Some((last, _)) if list.len() == a.limit as usize => {
            let after = (last.given_on, last.created_at, last.id.clone());
            !gesture::list(&ctx.db, &ctx.actor, a.reference.as_deref(), Some(&after), 1)
                .await?
                .is_empty()
        }
        _ => false,
    };
    let say_more = || {
        if more {
            let mut again = "rapport gesture list".to_owned();
            if let Some(r) = &a.reference {
                again.push_str(&format!(" {r:?}"));
            }
            again.push_str(&format!(
                " --limit {}",
                a.limit.saturating_mul(2).min(gesture::MAX_GESTURES)
            ));
            render::more(a.out.json, "gestures", &again);
        }
    };
    if a.out.json {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            #[serde(flatten)]
            gesture: &'a gesture::Gesture,
            contact_name: &'a str,
        }
        let rows: Vec<Row> = list
            .iter()
            .map(|(g, n)| Row {
                gesture: g,
                contact_name: n,
            })
            .collect();
        render::json(&rows)?;
        say_more();
        return Ok(());
    }
    if list.is_empty() {
        println!("(no gestures yet)");
    }
    for (g, name) in &list {
        println!(
            "  {}  {:<24} {:<15} {}  ({})",
            g.given_on,
            render::pad(name, 24),
            render::gesture_kind(g.kind),
            g.text,
            g.cost
        );
    }
    say_more();
    Ok(())
}

pub async fn budget(ctx: &Context, a: BudgetArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let view = match a.set {
        Some(amount) => {
            let year = a
                .year
                .unwrap_or_else(|| rapport_core::today::day_of(now, &ctx.tz).year());
            gesture::set_budget(&ctx.db, &ctx.actor, year, &amount).await?
        }
        None => gesture::budget(&ctx.db, &ctx.actor, a.year, now).await?,
    };
    if a.out.json {
        return render::json(&view);
    }
    render::budget(&view);
    Ok(())
}
