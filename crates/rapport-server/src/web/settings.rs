//! Settings: the workspace's (owners), the member's own digest hour, tokens, members,
//! the calendar feed.

use super::page_prelude::*;
use rapport_core::usecases::settings::SettingsUpdate;

#[derive(Template)]
#[template(path = "settings.html")]
pub(super) struct SettingsPage {
    title: &'static str,
    csrf: String,
    error: Option<String>,
    shown_once: Option<ShownOnce>,
    /// Every time zone to pick from, (name, the workspace's).
    time_zones: Vec<(String, bool)>,
    promise_load: u32,
    budget: String,
    rules: Vec<String>,
    touch_rules: Vec<String>,
    /// The member's daily digest hour, or empty (off).
    digest_at: String,
    /// The account's email, and its other addresses (what a mail import counts as me).
    account_email: String,
    my_addresses: Vec<String>,
    /// The gift ideas in force, by interest.
    gift_ideas: Vec<(String, Vec<IdeaRow>)>,
    /// (the typed name, the name a person reads)
    audiences: Vec<(&'static str, &'static str)>,
    members: Vec<String>,
    /// Whether the signed-in member is an owner (the handoff form is theirs).
    owner: bool,
    /// For the handoff: (user id, name and email), me excepted among those who leave.
    leavers: Vec<(String, String)>,
    heirs: Vec<(String, String)>,
    /// (id, description, revocable)
    tokens: Vec<(String, String, bool)>,
    /// Where a phone's CardDAV account points.
    carddav_url: String,
}

/// The IANA time zones this machine knows, sorted: UTC, then Area/City names (the
/// deprecated aliases and Etc/ offsets left out).
fn time_zones() -> &'static [String] {
    static ZONES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    ZONES.get_or_init(|| {
        let mut zones: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.as_str().to_owned())
            .filter(|n| {
                n.contains('/')
                    && !n.starts_with("Etc/")
                    && !n.starts_with("SystemV/")
                    && !n.starts_with("US/")
                    && n.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            })
            .collect();
        zones.sort();
        zones.dedup();
        zones.insert(0, "UTC".to_owned());
        zones
    })
}

/// What was just done, said on the settings page; with a secret shown once (a new API
/// token, an invitation link) when there is one.
pub(super) struct ShownOnce {
    what: String,
    value: Option<String>,
}

pub(super) async fn settings_page(
    state: &AppState,
    s: &Session,
    error: Option<String>,
    shown_once: Option<ShownOnce>,
) -> Result<Response, ApiError> {
    let n = now();
    let b = rapport_core::gesture::budget(&state.db, &s.actor, None, n).await?;
    let budget = b.summary();
    let rules = rapport_core::gesture::rules(&state.db, &s.actor)
        .await?
        .iter()
        .map(|r| {
            format!(
                "{}: {}{}",
                r.audience.label(),
                r.days
                    .map_or_else(|| "no gestures".to_owned(), |d| format!("every {d} days")),
                if r.custom { "" } else { " (default)" }
            )
        })
        .collect();
    let touch_rules = rapport_core::touch::rules(&s.actor.workspace.touch_rules)
        .iter()
        .map(|r| {
            format!(
                "{}: {}{}",
                r.audience.label(),
                r.days.map_or_else(
                    || "never goes cold".to_owned(),
                    |d| format!("every {d} days")
                ),
                if r.custom { "" } else { " (default)" }
            )
        })
        .collect();
    let digest_at = state.db.digest_at(&s.actor).await?.unwrap_or_default();
    let my_addresses = state.db.my_addresses(&s.actor.user.id).await?;
    let mut gift_ideas: Vec<(String, Vec<IdeaRow>)> = Vec::new();
    let in_force = rapport_core::usecases::settings::view(&state.db, &s.actor).await?;
    for g in in_force.gift_ideas {
        let entry = (
            g.idea.clone(),
            format!("{}={}", g.interest, g.idea),
            g.builtin,
        );
        match gift_ideas.last_mut() {
            Some((interest, ideas)) if *interest == g.interest => ideas.push(entry),
            _ => gift_ideas.push((g.interest, vec![entry])),
        }
    }
    let all_members = state.db.members(&s.actor.workspace.id).await?;
    let who = |m: &rapport_core::account::Member| {
        (
            m.user_id.to_string(),
            format!("{} ({})", m.name, m.email.as_deref().unwrap_or("no email")),
        )
    };
    let heirs: Vec<(String, String)> = all_members.iter().map(who).collect();
    let leavers: Vec<(String, String)> = all_members
        .iter()
        .filter(|m| m.user_id != s.actor.user.id)
        .map(who)
        .collect();
    let members = all_members
        .iter()
        .map(|m| {
            format!(
                "{} ({}), {}",
                m.name,
                m.email.as_deref().unwrap_or("no email"),
                m.role
            )
        })
        .collect();
    let tokens = state
        .db
        .tokens(&s.actor)
        .await?
        .iter()
        .map(|t| {
            let state_text = match (t.revoked_at, t.last_used_at) {
                (Some(r), _) => format!("revoked {}", r.strftime("%Y-%m-%d")),
                (None, Some(u)) => format!("last used {}", u.strftime("%Y-%m-%d %H:%M")),
                (None, None) => "never used".to_owned(),
            };
            (
                t.id.to_string(),
                format!(
                    "{}, created {} ({state_text})",
                    t.name,
                    t.created_at.strftime("%Y-%m-%d")
                ),
                t.revoked_at.is_none(),
            )
        })
        .collect();
    Ok(render(&SettingsPage {
        carddav_url: format!("{}/dav/", base_url(state)),
        title: "Settings",
        csrf: s.csrf.clone(),
        error,
        shown_once,
        time_zones: {
            let current = &s.actor.workspace.time_zone;
            let mut all: Vec<(String, bool)> = time_zones()
                .iter()
                .map(|z| (z.clone(), z == current))
                .collect();
            if !all.iter().any(|z| z.1) {
                all.insert(0, (current.clone(), true));
            }
            all
        },
        promise_load: s.actor.workspace.promise_load_threshold,
        budget,
        rules,
        touch_rules,
        digest_at,
        account_email: s.actor.user.email.clone().unwrap_or_default(),
        my_addresses,
        gift_ideas,
        audiences: rapport_core::gesture::Audience::all()
            .into_iter()
            .map(|a| (a.as_str(), a.label()))
            .collect(),
        members,
        owner: s.actor.role == rapport_core::workspace::Role::Owner,
        leavers,
        heirs,
        tokens,
    }))
}

pub(super) async fn settings(State(state): State<AppState>, session: WebSession) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    settings_page(&state, &s, None, None)
        .await
        .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
pub(super) struct SettingsForm {
    time_zone: String,
    promise_load: String,
}

/// After a settings form: back to the page, or the page with the refusal (422).
async fn after_change<T>(
    state: &AppState,
    s: &Session,
    done: Result<T, rapport_core::Error>,
) -> Response {
    match done {
        Ok(_) => redirect("/settings"),
        Err(rapport_core::Error::Invalid(i)) => settings_page(state, s, Some(i.message), None)
            .await
            .map(|mut r| {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                r
            })
            .unwrap_or_else(web_error),
        Err(e) => web_error(e.into()),
    }
}

/// A settings change through the one use case the API and the CLI call too.
async fn change(state: &AppState, s: &Session, update: SettingsUpdate) -> Response {
    let done = rapport_core::usecases::settings::update(&state.db, &s.actor, &update).await;
    after_change(state, s, done).await
}

pub(super) async fn save_settings(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<SettingsForm>,
) -> Response {
    let promise_load = match f.promise_load.trim().parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            let refused =
                rapport_core::Invalid::new("promise_load", "The promise load is a number.");
            return after_change::<()>(&state, &s, Err(refused.into())).await;
        }
    };
    let update = SettingsUpdate {
        time_zone: Some(f.time_zone),
        promise_load_threshold: Some(promise_load),
        ..Default::default()
    };
    change(&state, &s, update).await
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenForm {
    name: String,
}

pub(super) async fn create_token(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<TokenForm>,
) -> Response {
    let attempt = rapport_core::usecases::tokens::create(&state.db, &s.actor, &f.name, now()).await;
    // Shown once, on this page; never stored or shown again.
    match attempt {
        Ok(made) => {
            let shown = ShownOnce {
                what: "Your new API token".into(),
                value: Some(made.token),
            };
            settings_page(&state, &s, None, Some(shown)).await
        }
        Err(rapport_core::Error::Invalid(i)) => {
            settings_page(&state, &s, Some(i.message), None).await
        }
        Err(e) => Err(e.into()),
    }
    .unwrap_or_else(web_error)
}

pub(super) async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, NoFields {}): SignedInForm<NoFields>,
) -> Response {
    let Some(id) = TokenId::parse(&id) else {
        return web_error(ApiError::not_found("token"));
    };
    match state.db.revoke_token(&s.actor, &id, now()).await {
        Ok(()) => redirect("/settings"),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct BudgetForm {
    amount: String,
}

pub(super) async fn set_budget(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<BudgetForm>,
) -> Response {
    let year = rapport_core::today::day_of(now(), &s.actor.workspace.tz()).year();
    let done = rapport_core::gesture::set_budget(&state.db, &s.actor, year, &f.amount).await;
    after_change(&state, &s, done).await
}

#[derive(Debug, Deserialize)]
pub(super) struct AppreciationForm {
    audience: String,
    every: String,
}

/// The address this server is reached at, for links handed out (invitations, the feed):
/// the configured public URL, never the request's Host header (which a client chooses).
pub(super) fn base_url(state: &AppState) -> String {
    state.config.public_url.trim_end_matches('/').to_owned()
}

pub(super) async fn rotate_feed(
    State(state): State<AppState>,
    SignedInForm(s, NoFields {}): SignedInForm<NoFields>,
) -> Response {
    match rapport_core::feed::rotate(&state.db, &s.actor, now()).await {
        Ok(path) => {
            let shown = ShownOnce {
                what: "Your calendar feed URL (subscribe to it in your calendar app)".into(),
                value: Some(format!("{}{path}", base_url(&state))),
            };
            settings_page(&state, &s, None, Some(shown)).await
        }
        Err(e) => Err(e.into()),
    }
    .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
pub(super) struct InviteForm {
    name: String,
    email: String,
    role: String,
}

pub(super) async fn invite_member(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<InviteForm>,
) -> Response {
    let attempt = async {
        let role: rapport_core::workspace::Role = f.role.parse()?;
        let token = crate::auth::secret(32)?;
        let invite = rapport_core::account::invite(
            &state.db,
            &s.actor,
            &f.email,
            &f.name,
            role,
            crate::auth::digest(&token),
            now(),
        )
        .await?;
        Ok::<_, ApiError>((invite, token))
    }
    .await;
    match attempt {
        Ok((invite, token)) => {
            // The link as the owner reaches this server (they pass it on by hand).
            let base = base_url(&state);
            let shown = ShownOnce {
                what: format!(
                    "Send {} this link to choose a password; it works once, for {} days",
                    invite.email,
                    rapport_core::account::INVITE_DAYS
                ),
                value: Some(format!("{base}/invite/{token}")),
            };
            settings_page(&state, &s, None, Some(shown)).await
        }
        Err(e) => settings_page(&state, &s, Some(e.message.clone()), None)
            .await
            .map(|mut r| {
                *r.status_mut() = e.status;
                r
            }),
    }
    .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
pub(super) struct DigestForm {
    at: String,
}

pub(super) async fn set_digest(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<DigestForm>,
) -> Response {
    let update = SettingsUpdate {
        digest_at: Some(f.at),
        ..Default::default()
    };
    change(&state, &s, update).await
}

pub(super) async fn set_keep_in_touch(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<AppreciationForm>,
) -> Response {
    let update = SettingsUpdate {
        keep_in_touch: vec![format!("{}={}", f.audience, f.every)],
        ..Default::default()
    };
    change(&state, &s, update).await
}

pub(super) async fn set_appreciation(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<AppreciationForm>,
) -> Response {
    let update = SettingsUpdate {
        appreciation: vec![format!("{}={}", f.audience, f.every)],
        ..Default::default()
    };
    change(&state, &s, update).await
}

#[derive(Debug, Deserialize)]
pub(super) struct HandoffForm {
    from: String,
    to: String,
}

/// Hands a leaving member's contacts, open promises and open deals to another member: the
/// use case `rapport handoff` calls (owners only, the core says).
pub(super) async fn handoff(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<HandoffForm>,
) -> Response {
    match rapport_core::account::handoff(&state.db, &s.actor, &f.from, &f.to, now()).await {
        Ok(done) => {
            let shown = ShownOnce {
                what: format!(
                    "Handed over: {}, {} and {}. The member who left can no longer sign in.",
                    counted(done.contacts, "contact"),
                    counted(done.open_commitments, "open promise"),
                    counted(done.open_deals, "open deal")
                ),
                value: None,
            };
            settings_page(&state, &s, None, Some(shown)).await
        }
        Err(e) => {
            let e = ApiError::from(e);
            settings_page(&state, &s, Some(e.message.clone()), None)
                .await
                .map(|mut r| {
                    *r.status_mut() = e.status;
                    r
                })
        }
    }
    .unwrap_or_else(web_error)
}

/// "1 contact", "3 contacts".
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct AddressForm {
    address: String,
}

/// Another address of the member's (what a mail import counts as them).
pub(super) async fn add_my_address(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<AddressForm>,
) -> Response {
    let update = SettingsUpdate {
        my_address: vec![f.address],
        ..Default::default()
    };
    change(&state, &s, update).await
}

/// One gift idea on the page: (idea, `INTEREST=IDEA` to take it out, built in).
type IdeaRow = (String, String, bool);

#[derive(Debug, Deserialize)]
pub(super) struct GiftIdeaForm {
    /// `INTEREST=IDEA`, or the interest and the idea in two fields.
    #[serde(default)]
    idea: String,
    #[serde(default)]
    interest: String,
}

impl GiftIdeaForm {
    fn assignment(self) -> String {
        if self.interest.trim().is_empty() {
            self.idea
        } else {
            format!("{}={}", self.interest, self.idea)
        }
    }
}

/// A gift idea for an interest, added to the workspace's catalogue.
pub(super) async fn add_gift_idea(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<GiftIdeaForm>,
) -> Response {
    let update = SettingsUpdate {
        gift_idea: vec![f.assignment()],
        ..Default::default()
    };
    change(&state, &s, update).await
}

/// A gift idea taken out of the catalogue.
pub(super) async fn remove_gift_idea(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<GiftIdeaForm>,
) -> Response {
    let update = SettingsUpdate {
        no_gift_idea: vec![f.assignment()],
        ..Default::default()
    };
    change(&state, &s, update).await
}

pub(super) async fn forget_my_address(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<AddressForm>,
) -> Response {
    let update = SettingsUpdate {
        forget_address: vec![f.address],
        ..Default::default()
    };
    change(&state, &s, update).await
}
