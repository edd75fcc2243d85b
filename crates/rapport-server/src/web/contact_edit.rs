//! Adding a contact with everything the CLI takes (name, type, organisation, emails,
//! phones, tags, VIP, cadence), editing one, archiving and restoring. One reading of the
//! form for adding and editing; the rules are the core's.

use rapport_core::contact::{CadenceSetting, ContactChanges};

use super::page_prelude::*;

/// The fields of the add and edit forms, as typed.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ContactFields {
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) relationship: Option<String>,
    pub(super) organisation: Option<String>,
    /// One or more, separated by commas or new lines.
    pub(super) emails: Option<String>,
    /// One more email (the field's name before the form took several).
    pub(super) email: Option<String>,
    pub(super) phones: Option<String>,
    /// Comma-separated.
    pub(super) tags: Option<String>,
    /// A checkbox: present when ticked.
    pub(super) vip: Option<String>,
    /// Days, `never` or `default`.
    pub(super) cadence: Option<String>,
    /// Where we met.
    pub(super) met: Option<String>,
    /// When we met: the date field's YYYY-MM-DD, or a date as typed.
    pub(super) met_on: Option<String>,
    /// Who introduced us: a contact's name or id.
    pub(super) introduced_by: Option<String>,
}

fn list(text: Option<&str>, commas: bool) -> Vec<String> {
    text.unwrap_or_default()
        .split(|c: char| c == '\n' || c == '\r' || (commas && c == ','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What the form says, read into the core's terms.
pub(super) struct ReadFields {
    pub(super) name: String,
    pub(super) organisation: Option<String>,
    pub(super) relationship: Option<RelationshipType>,
    pub(super) vip: bool,
    pub(super) emails: Vec<String>,
    pub(super) phones: Vec<String>,
    pub(super) tags: Vec<String>,
    pub(super) cadence: CadenceSetting,
    pub(super) met: Option<String>,
    pub(super) met_on: Option<jiff::civil::Date>,
    pub(super) introduced_by: Option<String>,
}

impl ContactFields {
    /// `tz`'s today reads a date typed as "yesterday" or "3 days ago".
    pub(super) fn read(
        &self,
        tz: &jiff::tz::TimeZone,
    ) -> Result<ReadFields, rapport_core::Invalid> {
        let today = rapport_core::today::day_of(now(), tz);
        let met_on = match self.met_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(rapport_core::dates::parse_date(t, today).map_err(|e| {
                rapport_core::Invalid::new("met_on", format!("when we met: {}", e.message))
            })?),
        };
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let relationship = self
            .relationship
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::parse::<RelationshipType>)
            .transpose()?;
        let cadence = match self.cadence.as_deref().map(str::trim) {
            None | Some("") => CadenceSetting::Default,
            Some(c) => c.parse()?,
        };
        Ok(ReadFields {
            name: self.name.clone(),
            organisation: self
                .organisation
                .as_deref()
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned),
            relationship,
            vip: self.vip.as_deref().is_some_and(|v| !v.is_empty()),
            emails: list(self.emails.as_deref(), true)
                .into_iter()
                .chain(list(self.email.as_deref(), true))
                .collect(),
            // A phone number may hold no comma, but "ext. 12" is kept whole.
            phones: list(self.phones.as_deref(), true),
            tags: list(self.tags.as_deref(), true),
            cadence,
            met: text(&self.met),
            met_on,
            introduced_by: text(&self.introduced_by),
        })
    }
}

impl ReadFields {
    pub(super) fn into_new(self) -> NewContact {
        NewContact {
            name: self.name,
            organisation: self.organisation,
            relationship: self.relationship,
            vip: self.vip,
            emails: self.emails,
            phones: self.phones,
            tags: self.tags,
            cadence: self.cadence,
            met: self.met,
            met_on: self.met_on,
            introduced_by: self.introduced_by,
        }
    }

    /// The change from `c` to what the form says: every field set as shown.
    fn changes_from(self, c: &Contact) -> ContactChanges {
        let folded = |t: &str| rapport_core::search::fold(t);
        let had: Vec<String> = c.tags.iter().map(|t| folded(t)).collect();
        let now: Vec<String> = self.tags.iter().map(|t| folded(t)).collect();
        ContactChanges {
            name: (self.name.trim() != c.name).then_some(self.name),
            organisation: (self.organisation != c.organisation).then_some(self.organisation),
            relationship: self.relationship.filter(|r| *r != c.relationship),
            vip: (self.vip != c.vip).then_some(self.vip),
            emails: (self.emails != c.emails).then_some(self.emails),
            phones: (self.phones != c.phones).then_some(self.phones),
            add_tags: self
                .tags
                .iter()
                .filter(|t| !had.contains(&folded(t)))
                .cloned()
                .collect(),
            remove_tags: c
                .tags
                .iter()
                .filter(|t| !now.contains(&folded(t)))
                .cloned()
                .collect(),
            cadence: (self.cadence != c.cadence).then_some(self.cadence),
            owner_id: None,
            met: (self.met != c.met).then_some(self.met),
            met_on: (self.met_on != c.met_on).then_some(self.met_on),
            introduced_by: self.introduced_by,
        }
    }
}

#[derive(Template)]
#[template(path = "contact_edit.html")]
pub(super) struct EditPage {
    title: String,
    csrf: String,
    id: String,
    name: String,
    organisation: String,
    types: Vec<(&'static str, &'static str, bool)>,
    emails: String,
    phones: String,
    tags: String,
    vip: bool,
    cadence: String,
    archived: bool,
    error: Option<String>,
    met_text: String,
    met_on: String,
    introduced_by: String,
    /// Who introduced them, when someone did: the form then offers no other.
    introducer: Option<String>,
}

pub(super) fn type_options(
    selected: Option<RelationshipType>,
) -> Vec<(&'static str, &'static str, bool)> {
    RelationshipType::ALL
        .iter()
        .map(|t| (t.as_str(), t.label(), Some(*t) == selected))
        .collect()
}

fn edit_page(
    s: &Session,
    c: &Contact,
    introducer: Option<String>,
    f: Option<&ContactFields>,
    error: Option<String>,
) -> Response {
    let cadence = match c.cadence {
        CadenceSetting::Default => String::new(),
        CadenceSetting::Never => "never".to_owned(),
        CadenceSetting::Every(d) => d.to_string(),
    };
    let page = match f {
        // A refused form comes back as typed.
        Some(f) => EditPage {
            title: format!("Edit {}", c.name),
            csrf: s.csrf.clone(),
            id: c.id.to_string(),
            name: f.name.clone(),
            organisation: f.organisation.clone().unwrap_or_default(),
            types: type_options(
                f.relationship
                    .as_deref()
                    .and_then(|t| t.parse().ok())
                    .or(Some(c.relationship)),
            ),
            emails: f.emails.clone().unwrap_or_default(),
            phones: f.phones.clone().unwrap_or_default(),
            tags: f.tags.clone().unwrap_or_default(),
            vip: f.vip.is_some(),
            cadence: f.cadence.clone().unwrap_or_default(),
            archived: c.is_archived(),
            error,
            met_text: f.met.clone().unwrap_or_default(),
            met_on: f.met_on.clone().unwrap_or_default(),
            introduced_by: f.introduced_by.clone().unwrap_or_default(),
            introducer,
        },
        None => EditPage {
            title: format!("Edit {}", c.name),
            csrf: s.csrf.clone(),
            id: c.id.to_string(),
            name: c.name.clone(),
            organisation: c.organisation.clone().unwrap_or_default(),
            types: type_options(Some(c.relationship)),
            emails: c.emails.join("\n"),
            phones: c.phones.join("\n"),
            tags: c.tags.join(", "),
            vip: c.vip,
            cadence,
            archived: c.is_archived(),
            error,
            met_text: c.met.clone().unwrap_or_default(),
            met_on: c.met_on.map(|d| d.to_string()).unwrap_or_default(),
            introduced_by: String::new(),
            introducer,
        },
    };
    render(&page)
}

async fn load(state: &AppState, s: &Session, id: &str) -> Result<Contact, Response> {
    let cid = contact_id(id).map_err(|r| *r)?;
    match state.db.contact(&s.actor.workspace.id, &cid).await {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(web_error(ApiError::not_found("contact"))),
        Err(e) => Err(web_error(e.into())),
    }
}

/// The name of whoever introduced `c`, if anyone.
async fn introducer_name(
    state: &AppState,
    s: &Session,
    c: &Contact,
) -> Result<Option<String>, Response> {
    rapport_core::referral::introductions(&state.db, &s.actor, c.id.as_str())
        .await
        .map(|i| i.introduced_by.map(|(_, name)| name))
        .map_err(|e| web_error(e.into()))
}

pub(super) async fn edit_contact_form(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let c = match load(&state, &s, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match introducer_name(&state, &s, &c).await {
        Ok(i) => edit_page(&s, &c, i, None, None),
        Err(r) => r,
    }
}

pub(super) async fn edit_contact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<ContactFields>,
) -> Response {
    let c = match load(&state, &s, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let introducer = match introducer_name(&state, &s, &c).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    let done = async {
        let changes = f.read(&s.actor.workspace.tz())?.changes_from(&c);
        if changes.is_empty() {
            return Ok(None);
        }
        service::edit_contact(&state.db, &s.actor, c.id.as_str(), &changes, now())
            .await
            .map(Some)
    }
    .await;
    match done {
        Ok(_) => redirect(&format!("/contacts/{}", c.id)),
        Err(
            e @ (rapport_core::Error::Invalid(_)
            | rapport_core::Error::Conflict(_)
            | rapport_core::Error::Ambiguous { .. }),
        ) => {
            let status = if matches!(e, rapport_core::Error::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let mut r = edit_page(&s, &c, introducer, Some(&f), Some(e.to_string()));
            *r.status_mut() = status;
            r
        }
        Err(e) => web_error(e.into()),
    }
}

pub(super) async fn archive_contact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, _): SignedInForm<NoFields>,
) -> Response {
    let cid = match contact_id(&id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let done = service::archive_contact(&state.db, &s.actor, cid.as_str(), now())
        .await
        .map(|_| ());
    contact_form_result(&state, &s, &cid, done).await
}

pub(super) async fn restore_contact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, _): SignedInForm<NoFields>,
) -> Response {
    let cid = match contact_id(&id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let done = service::restore_contact(&state.db, &s.actor, cid.as_str(), now())
        .await
        .map(|_| ());
    contact_form_result(&state, &s, &cid, done).await
}
