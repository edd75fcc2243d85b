//! `rapport suggestions`, `suggestion accept`, `suggestion dismiss`: the promises a mail
//! import found, confirmed or let go.

use rapport_core::commitment::{Direction, Due};
use rapport_core::suggestion::{self, Acceptance, SuggestionView};

use crate::cli::{IdArgs, SuggestionAcceptArgs, SuggestionsArgs};
use crate::context::Context;
use crate::render;

/// Whose promise, to or from whom.
fn whose(v: &SuggestionView) -> String {
    match v.suggestion.direction {
        Direction::Mine => format!("Yours to {}", v.contact_name),
        Direction::Theirs => format!("{}'s to you", v.contact_name),
    }
}

pub async fn list(ctx: &Context, a: SuggestionsArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let page = suggestion::on_offer(&ctx.db, &ctx.actor, a.after.as_deref(), a.limit, now).await?;
    if a.out.json {
        render::json(&page)?;
    } else if page.items.is_empty() {
        println!("(no promises from your mail to confirm)");
    } else {
        let n = page.total;
        println!(
            "{n} {} found in your mail to confirm:",
            if n == 1 { "promise" } else { "promises" }
        );
        for v in &page.items {
            let s = &v.suggestion;
            let due = s
                .due
                .map_or_else(|| "no date said".to_owned(), |d| format!("due {d}"));
            let day = s.message_at.to_zoned_datetime(ctx.tz.clone()).date();
            println!("  {}: {} ({due})", whose(v), s.text);
            println!("      “{}” (email “{}”, {day})", s.sentence, s.subject);
            println!("      {}", s.id);
        }
        println!(
            "Accept: rapport suggestion accept ID [--due DATE]; dismiss: rapport suggestion dismiss ID"
        );
    }
    if let (true, Some(last)) = (page.more > 0, page.items.last()) {
        render::more(
            a.out.json,
            &format!("promises to confirm ({})", page.more),
            &format!(
                "rapport suggestions --limit {} --after {}",
                a.limit, last.suggestion.id
            ),
        );
    }
    Ok(())
}

pub async fn accept(ctx: &Context, a: SuggestionAcceptArgs) -> anyhow::Result<()> {
    let now = Context::now();
    let acceptance = Acceptance {
        due: a
            .due
            .as_deref()
            .map(|d| Due::parse(d, now, &ctx.tz))
            .transpose()?,
        text: a.text,
        size: a.size.as_deref().map(str::parse).transpose()?,
        anyway: a.anyway,
    };
    let result = suggestion::accept(&ctx.db, &ctx.actor, &a.id, acceptance, now).await;
    if let Err(rapport_core::Error::Invalid(i)) = &result
        && i.field == "due"
    {
        render::hint("give it with --due DATE");
    }
    let (contact, c) = result?;
    if a.out.json {
        return render::json(&c);
    }
    let what = match c.direction {
        Direction::Mine => format!("Promised {}", contact.name),
        Direction::Theirs => format!("{} promised", contact.name),
    };
    eprintln!("{what}: {} (due {})", c.text, c.due);
    println!("{}", c.id);
    Ok(())
}

pub async fn dismiss(ctx: &Context, a: IdArgs) -> anyhow::Result<()> {
    let v = suggestion::dismiss(&ctx.db, &ctx.actor, &a.id, Context::now()).await?;
    if a.out.json {
        return render::json(&v);
    }
    println!("Dismissed: {} ({})", v.suggestion.text, whose(&v));
    Ok(())
}
