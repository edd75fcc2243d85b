//! Check-in campaigns: the list with the form that plans one, a campaign's page (its
//! progress, its contacts 50 a page, and the button that stops it), the page that changes
//! it and the one that deletes it. Today lists the check-ins themselves.

use rapport_core::campaign::{self, CampaignChanges, CampaignView, Member, NewCampaign};
use rapport_core::ports::MemberFilter;

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "campaigns.html")]
pub(super) struct CampaignsPage {
    title: &'static str,
    csrf: String,
    rows: Vec<CampaignRow>,
    error: Option<String>,
    form: CampaignForm,
}

pub(super) struct CampaignRow {
    id: String,
    name: String,
    status: &'static str,
    progress: String,
    plan: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CampaignForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    segment: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    per_day: String,
    #[serde(default)]
    until: String,
}

fn progress(v: &CampaignView) -> String {
    let p = &v.progress;
    let archived = if p.archived > 0 {
        format!(", {} archived since", p.archived)
    } else {
        String::new()
    };
    format!(
        "{} of {} checked in with ({} replied), {} to go{archived}",
        p.done, p.contacts, p.replied, p.remaining
    )
}

fn plan(v: &CampaignView) -> String {
    let c = &v.campaign;
    format!(
        "{}: {} a day{}",
        c.segment,
        c.per_day,
        c.until.map_or(String::new(), |u| format!(" until {u}"))
    )
}

async fn list_page(
    state: &AppState,
    s: &Session,
    error: Option<String>,
    form: CampaignForm,
) -> Response {
    let list = match campaign::list(&state.db, &s.actor, now()).await {
        Ok(l) => l,
        Err(e) => return web_error(e.into()),
    };
    render(&CampaignsPage {
        title: "Campaigns",
        csrf: s.csrf.clone(),
        rows: list
            .iter()
            .map(|v| CampaignRow {
                id: v.campaign.id.to_string(),
                name: v.campaign.name.clone(),
                status: v.status.as_str(),
                progress: progress(v),
                plan: plan(v),
            })
            .collect(),
        error,
        form,
    })
}

pub(super) async fn campaigns_page(State(state): State<AppState>, session: WebSession) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    list_page(&state, &s, None, CampaignForm::default()).await
}

/// Plans a campaign from the form; a refusal comes back on the page with what was typed.
pub(super) async fn create_campaign(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<CampaignForm>,
) -> Response {
    let today = rapport_core::today::day_of(now(), &s.actor.workspace.tz());
    let parsed = (|| -> Result<NewCampaign, rapport_core::Error> {
        let per_day = match f.per_day.trim() {
            "" => None,
            n => Some(n.parse::<u32>().map_err(|_| {
                rapport_core::Invalid::new(
                    "per_day",
                    format!("{n:?}: check-ins a day is a whole number"),
                )
            })?),
        };
        let until = match f.until.trim() {
            "" => None,
            d => Some(rapport_core::dates::parse_date(d, today)?),
        };
        Ok(NewCampaign {
            name: f.name.clone(),
            segment: f.segment.clone(),
            note: f.note.clone(),
            per_day,
            until,
        })
    })();
    let done = match parsed {
        Ok(new) => campaign::create(&state.db, &s.actor, new, now()).await,
        Err(e) => Err(e),
    };
    let (status, message) = match done {
        Ok(v) => return redirect(&format!("/campaigns/{}", v.campaign.id)),
        Err(rapport_core::Error::Invalid(i)) => (StatusCode::UNPROCESSABLE_ENTITY, i.message),
        Err(rapport_core::Error::Conflict(m)) => (StatusCode::CONFLICT, m),
        Err(e) => return web_error(e.into()),
    };
    let mut r = list_page(&state, &s, Some(message), f).await;
    *r.status_mut() = status;
    r
}

#[derive(Template)]
#[template(path = "campaign.html")]
pub(super) struct CampaignPage {
    title: String,
    csrf: String,
    id: String,
    status: &'static str,
    note: String,
    plan: String,
    made: String,
    progress: String,
    /// Stopping is offered to its maker and to owners, while it runs.
    can_stop: bool,
    /// Changing and deleting: its maker and owners.
    can_manage: bool,
    /// all, pending or done.
    show: &'static str,
    members: Vec<MemberRow>,
    paged: bool,
    next: Option<String>,
}

pub(super) struct MemberRow {
    contact_id: String,
    name: String,
    vip: bool,
    state: String,
    done: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct MembersQuery {
    show: Option<String>,
    after: Option<u32>,
}

const PAGE: u32 = 50;

pub(super) async fn campaign_page(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Query(q): Query<MembersQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let Some(id) = rapport_core::campaign::CampaignId::parse(&id) else {
        return web_error(ApiError::not_found("campaign"));
    };
    let filter = match campaign::member_filter(q.show.as_deref().unwrap_or("pending")) {
        Ok(f) => f,
        Err(e) => return web_error(e.into()),
    };
    let at = now();
    let (v, members, more) = match campaign::members(
        &state.db,
        &s.actor,
        id.as_str(),
        filter,
        q.after,
        PAGE,
        at,
    )
    .await
    {
        Ok(page) => page,
        Err(e) => return web_error(e.into()),
    };
    let tz = s.actor.workspace.tz();
    let show = match filter {
        MemberFilter::All => "all",
        MemberFilter::Pending => "pending",
        MemberFilter::Done => "done",
    };
    let c = &v.campaign;
    let row = |m: &Member| MemberRow {
        contact_id: m.contact_id.to_string(),
        name: m.contact_name.clone(),
        vip: m.vip,
        state: match m.done_at {
            Some(d) if d <= at => format!(
                "checked in {}{}",
                rapport_core::today::day_of(d, &tz),
                if m.replied { ", replied" } else { "" }
            ),
            Some(d) => format!(
                "meeting planned {}",
                d.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%d %H:%M")
            ),
            None if m.archived => "archived".to_owned(),
            None => "to check in with".to_owned(),
        },
        done: m.done(at),
    };
    let stopped = c.stopped_at.map_or(String::new(), |t| {
        format!("; stopped on {}", rapport_core::today::day_of(t, &tz))
    });
    render(&CampaignPage {
        title: c.name.clone(),
        csrf: s.csrf.clone(),
        id: c.id.to_string(),
        status: v.status.as_str(),
        note: c.note.clone(),
        plan: plan(&v),
        made: format!(
            "Made by {} on {}{stopped}",
            v.created_by_name,
            rapport_core::today::day_of(c.created_at, &tz)
        ),
        progress: progress(&v),
        can_stop: c.stopped_at.is_none() && campaign::may_manage(&s.actor, c),
        can_manage: campaign::may_manage(&s.actor, c),
        show,
        members: members.iter().map(row).collect(),
        paged: q.after.is_some(),
        next: members
            .last()
            .filter(|_| more)
            .map(|m| format!("/campaigns/{}?show={show}&after={}", c.id, m.position)),
    })
}

/// Stops a campaign (its maker or an owner): back to its page.
pub(super) async fn stop_campaign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, _): SignedInForm<NoFields>,
) -> Response {
    let Some(id) = rapport_core::campaign::CampaignId::parse(&id) else {
        return web_error(ApiError::not_found("campaign"));
    };
    match campaign::stop(&state.db, &s.actor, id.as_str(), now()).await {
        Ok(v) => redirect(&format!("/campaigns/{}", v.campaign.id)),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "campaign_edit.html")]
pub(super) struct CampaignEditPage {
    title: String,
    csrf: String,
    id: String,
    name: String,
    /// Its segment (the contacts stay those it took).
    segment: String,
    /// Pace and last day are offered while it is not stopped.
    running: bool,
    form: CampaignEditForm,
    error: Option<String>,
}

/// The edit form as sent: what was typed, and (hidden) the campaign as the form showed it,
/// so that only what the person changed is saved, whatever others changed meanwhile.
#[derive(Debug, Default, Deserialize)]
pub(super) struct CampaignEditForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    note: String,
    /// Absent from a stopped campaign's form.
    per_day: Option<String>,
    #[serde(default)]
    until: String,
    /// What the form showed (absent from a form made before they were added: then the
    /// campaign as it is now).
    was_name: Option<String>,
    was_note: Option<String>,
    was_per_day: Option<String>,
    was_until: Option<String>,
}

/// The signed-in session and the campaign a path names, for its maker or an owner;
/// otherwise the page to answer with (sign in, not found, forbidden).
async fn signed_in_manager(
    state: &AppState,
    session: WebSession,
    id: &str,
) -> Result<(Session, CampaignView), Box<Response>> {
    let s = signed_in(session)?;
    let v = managed(state, &s, id).await?;
    Ok((s, v))
}

/// The campaign a path names, for its maker or an owner; otherwise the error page.
async fn managed(state: &AppState, s: &Session, id: &str) -> Result<CampaignView, Box<Response>> {
    let Some(id) = rapport_core::campaign::CampaignId::parse(id) else {
        return Err(Box::new(web_error(ApiError::not_found("campaign"))));
    };
    let v = campaign::find(&state.db, &s.actor, id.as_str(), now())
        .await
        .map_err(|e| Box::new(web_error(e.into())))?;
    if !campaign::may_manage(&s.actor, &v.campaign) {
        return Err(Box::new(web_error(
            rapport_core::Error::Forbidden(
                "only the member who made this campaign, or an owner, can change or delete it"
                    .into(),
            )
            .into(),
        )));
    }
    Ok(v)
}

fn edit_page(
    s: &Session,
    v: &CampaignView,
    form: CampaignEditForm,
    error: Option<String>,
) -> Response {
    let c = &v.campaign;
    render(&CampaignEditPage {
        title: format!("Change “{}”", c.name),
        csrf: s.csrf.clone(),
        id: c.id.to_string(),
        name: c.name.clone(),
        segment: c.segment.clone(),
        running: c.stopped_at.is_none(),
        form,
        error,
    })
}

/// The form that changes a campaign, filled with it as it is.
pub(super) async fn edit_campaign_form(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let (s, v) = match signed_in_manager(&state, session, &id).await {
        Ok(found) => found,
        Err(r) => return *r,
    };
    let c = &v.campaign;
    let until = c.until.map(|u| u.to_string()).unwrap_or_default();
    let form = CampaignEditForm {
        name: c.name.clone(),
        note: c.note.clone(),
        per_day: Some(c.per_day.to_string()),
        until: until.clone(),
        was_name: Some(c.name.clone()),
        was_note: Some(c.note.clone()),
        was_per_day: Some(c.per_day.to_string()),
        was_until: Some(until),
    };
    edit_page(&s, &v, form, None)
}

/// Saves what the form changed; a refusal comes back on the form with what was typed.
pub(super) async fn edit_campaign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<CampaignEditForm>,
) -> Response {
    let v = match managed(&state, &s, &id).await {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let c = &v.campaign;
    let today = rapport_core::today::day_of(now(), &s.actor.workspace.tz());
    // Only what the person changed on the form (against what it showed them): another's
    // change made meanwhile stays, and a pace changed on a campaign stopped meanwhile is
    // refused as the API refuses it.
    let parsed = (|| -> Result<CampaignChanges, rapport_core::Error> {
        let text = |t: &str| t.replace("\r\n", "\n").trim().to_owned();
        let changed = |typed: &str, was: &str| (text(typed) != text(was)).then(|| typed.to_owned());
        let mut changes = CampaignChanges {
            name: changed(&f.name, f.was_name.as_deref().unwrap_or(&c.name)),
            note: changed(&f.note, f.was_note.as_deref().unwrap_or(&c.note)),
            ..CampaignChanges::default()
        };
        if let Some(typed) = &f.per_day {
            let per_day = typed.trim().parse::<u32>().map_err(|_| {
                rapport_core::Invalid::new(
                    "per_day",
                    format!("{:?}: check-ins a day is a whole number", typed.trim()),
                )
            })?;
            let was_per_day = match &f.was_per_day {
                Some(w) => w.trim().parse::<u32>().ok(),
                None => Some(c.per_day),
            };
            changes.per_day = (was_per_day != Some(per_day)).then_some(per_day);
            let date = |t: &str| match t.trim() {
                "" => Ok(None),
                d => rapport_core::dates::parse_date(d, today).map(Some),
            };
            let until = date(&f.until)?;
            let was_until = match &f.was_until {
                Some(w) => date(w).ok(),
                None => Some(c.until),
            };
            changes.until = (was_until != Some(until)).then_some(until);
            // The pace is on the form beside the last day: left as shown, a new last day
            // keeps the pace as it is (the API and the CLI quicken it when none is given).
            changes.keep_pace = changes.until.is_some() && changes.per_day.is_none();
        }
        Ok(changes)
    })();
    let done = match parsed {
        Ok(ch) if ch == CampaignChanges::default() => {
            return redirect(&format!("/campaigns/{}", c.id));
        }
        Ok(ch) => campaign::edit(&state.db, &s.actor, c.id.as_str(), ch, now()).await,
        Err(e) => Err(e),
    };
    let (status, message) = match done {
        Ok(v) => return redirect(&format!("/campaigns/{}", v.campaign.id)),
        Err(rapport_core::Error::Invalid(i)) => (StatusCode::UNPROCESSABLE_ENTITY, i.message),
        Err(rapport_core::Error::Conflict(m)) => (StatusCode::CONFLICT, m),
        Err(e) => return web_error(e.into()),
    };
    let mut r = edit_page(&s, &v, f, Some(message));
    *r.status_mut() = status;
    r
}

#[derive(Template)]
#[template(path = "campaign_delete.html")]
pub(super) struct CampaignDeletePage {
    title: String,
    csrf: String,
    id: String,
    progress: String,
}

/// Asks before deleting a campaign (a page, then a button: no JavaScript needed).
pub(super) async fn delete_campaign_form(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let (s, v) = match signed_in_manager(&state, session, &id).await {
        Ok(found) => found,
        Err(r) => return *r,
    };
    render(&CampaignDeletePage {
        title: format!("Delete “{}”?", v.campaign.name),
        csrf: s.csrf.clone(),
        id: v.campaign.id.to_string(),
        progress: progress(&v),
    })
}

/// Deletes a campaign (its maker or an owner): back to the list.
pub(super) async fn delete_campaign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, _): SignedInForm<NoFields>,
) -> Response {
    let Some(id) = rapport_core::campaign::CampaignId::parse(&id) else {
        return web_error(ApiError::not_found("campaign"));
    };
    match campaign::delete(&state.db, &s.actor, id.as_str(), now()).await {
        Ok(_) => redirect("/campaigns"),
        Err(e) => web_error(e.into()),
    }
}
