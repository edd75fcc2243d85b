//! Rows as the drivers return them, and their conversion to domain types. A stored value that
//! does not parse is reported as corrupt data, never unwrapped.

use jiff::Timestamp;
use rapport_core::StoreError;
use rapport_core::contact::{CadenceSetting, Contact};
use rapport_core::dates::YearlyDate;
use rapport_core::fact::Fact;
use rapport_core::ids::{ContactId, FactId, InteractionId, UserId, WorkspaceId};
use rapport_core::interaction::Interaction;
use rapport_core::workspace::{Actor, User, Workspace};

use crate::corrupt;

/// Microseconds since the Unix epoch, UTC: how instants are stored on both backends.
pub(crate) fn micros(ts: Timestamp) -> i64 {
    ts.as_microsecond()
}

pub(crate) fn instant(us: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(us).map_err(|_| corrupt("time", us))
}

/// Column lists, kept next to the rows they fill.
pub(crate) const CONTACT_COLUMNS: &str = "c.id, c.name, c.organisation, c.relationship, c.vip, \
     c.owner_id, c.cadence_days, c.created_at, c.updated_at, c.archived_at, c.last_touch_at, c.merged_into, c.met, c.met_on";

#[derive(sqlx::FromRow)]
pub(crate) struct ContactRow {
    id: String,
    name: String,
    organisation: Option<String>,
    relationship: String,
    vip: bool,
    owner_id: String,
    cadence_days: Option<i32>,
    created_at: i64,
    updated_at: i64,
    archived_at: Option<i64>,
    last_touch_at: Option<i64>,
    merged_into: Option<String>,
    met: Option<String>,
    met_on: Option<String>,
}

impl ContactRow {
    pub(crate) fn into_contact(self) -> Result<Contact, StoreError> {
        Ok(Contact {
            id: ContactId::from_stored(self.id),
            relationship: self
                .relationship
                .parse()
                .map_err(|_| corrupt("relationship type", &self.relationship))?,
            name: self.name,
            organisation: self.organisation,
            vip: self.vip,
            emails: Vec::new(),
            phones: Vec::new(),
            tags: Vec::new(),
            owner_id: UserId::from_stored(self.owner_id),
            cadence: CadenceSetting::from_stored(self.cadence_days),
            created_at: instant(self.created_at)?,
            updated_at: instant(self.updated_at)?,
            archived_at: self.archived_at.map(instant).transpose()?,
            last_touch_at: self.last_touch_at.map(instant).transpose()?,
            merged_into: self.merged_into.map(ContactId::from_stored),
            met_on: self
                .met_on
                .map(|d| d.parse().map_err(|_| corrupt("met_on", &d)))
                .transpose()?,
            met: self.met,
        })
    }
}

/// An email, phone or tag of a contact.
#[derive(sqlx::FromRow)]
pub(crate) struct AttributeRow {
    pub(crate) contact_id: String,
    pub(crate) kind: String,
    pub(crate) value: String,
}

/// Puts each attribute row (ordered by contact, kind, position) on its contact.
pub(crate) fn attach_attributes(
    contacts: &mut [Contact],
    rows: Vec<AttributeRow>,
) -> Result<(), StoreError> {
    let at: std::collections::HashMap<String, usize> = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str().to_owned(), i))
        .collect();
    for row in rows {
        let Some(c) = at
            .get(row.contact_id.as_str())
            .and_then(|i| contacts.get_mut(*i))
        else {
            continue;
        };
        match row.kind.as_str() {
            "email" => c.emails.push(row.value),
            "phone" => c.phones.push(row.value),
            "tag" => c.tags.push(row.value),
            other => return Err(corrupt("contact attribute kind", other)),
        }
    }
    Ok(())
}

/// A contact's attributes as rows to insert: (kind, position, value, folded value).
pub(crate) fn attributes_of(
    c: &Contact,
) -> impl Iterator<Item = (&'static str, i32, &str, String)> {
    // Phones are kept under their digits (how duplicates are found); the rest folded.
    fn list<'a>(
        kind: &'static str,
        values: &'a [String],
    ) -> impl Iterator<Item = (&'static str, i32, &'a str, String)> {
        values.iter().enumerate().map(move |(i, v)| {
            let position = i32::try_from(i).unwrap_or(i32::MAX);
            let key = if kind == "phone" {
                rapport_core::import::phone_digits(v)
            } else {
                rapport_core::search::fold(v)
            };
            (kind, position, v.as_str(), key)
        })
    }
    list("email", &c.emails)
        .chain(list("phone", &c.phones))
        .chain(list("tag", &c.tags))
}

pub(crate) const FACT_COLUMNS: &str =
    "id, contact_id, kind, text, relation, date_year, date_month, date_day, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct FactRow {
    id: String,
    contact_id: String,
    kind: String,
    text: String,
    relation: Option<String>,
    date_year: Option<i32>,
    date_month: Option<i32>,
    date_day: Option<i32>,
    created_at: i64,
}

impl FactRow {
    /// The (month, day) of a dated fact; (0, 0) for an undated one.
    pub(crate) fn month_day(&self) -> (i8, i8) {
        let part = |v: Option<i32>| v.and_then(|v| i8::try_from(v).ok()).unwrap_or(0);
        (part(self.date_month), part(self.date_day))
    }

    pub(crate) fn into_fact(self) -> Result<Fact, StoreError> {
        let date = match (self.date_month, self.date_day) {
            (Some(m), Some(d)) => {
                let small = |v: i32| i8::try_from(v).map_err(|_| corrupt("fact date", v));
                let year = self
                    .date_year
                    .map(|y| i16::try_from(y).map_err(|_| corrupt("fact year", y)))
                    .transpose()?;
                Some(
                    YearlyDate::new(year, small(m)?, small(d)?)
                        .map_err(|e| corrupt("fact date", e))?,
                )
            }
            _ => None,
        };
        Ok(Fact {
            id: FactId::from_stored(self.id),
            contact_id: ContactId::from_stored(self.contact_id),
            kind: self
                .kind
                .parse()
                .map_err(|_| corrupt("fact kind", &self.kind))?,
            text: self.text,
            relation: self.relation,
            date,
            created_at: instant(self.created_at)?,
        })
    }
}

pub(crate) const INTERACTION_COLUMNS: &str =
    "id, contact_id, kind, occurred_at, summary, they_said, i_said, created_at, topics";

#[derive(sqlx::FromRow)]
pub(crate) struct InteractionRow {
    id: String,
    contact_id: String,
    kind: String,
    occurred_at: i64,
    summary: String,
    they_said: Option<String>,
    i_said: Option<String>,
    created_at: i64,
    topics: Option<String>,
}

/// Topics as stored: one a line.
pub(crate) fn topics_text(topics: &[String]) -> Option<String> {
    (!topics.is_empty()).then(|| topics.join("\n"))
}

impl InteractionRow {
    pub(crate) fn into_interaction(self) -> Result<Interaction, StoreError> {
        Ok(Interaction {
            id: InteractionId::from_stored(self.id),
            contact_id: ContactId::from_stored(self.contact_id),
            kind: self
                .kind
                .parse()
                .map_err(|_| corrupt("interaction kind", &self.kind))?,
            occurred_at: instant(self.occurred_at)?,
            summary: self.summary,
            they_said: self.they_said,
            i_said: self.i_said,
            created_at: instant(self.created_at)?,
            topics: self
                .topics
                .map(|t| t.lines().map(str::to_owned).collect())
                .unwrap_or_default(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ActorRow {
    pub(crate) ws_id: String,
    ws_name: String,
    ws_time_zone: String,
    ws_promise_load_threshold: i32,
    ws_trust_half_life_days: i32,
    ws_touch_rules: String,
    ws_created_at: i64,
    pub(crate) user_id: String,
    user_name: String,
    user_email: Option<String>,
    user_created_at: i64,
    role: String,
}

/// The columns of an [`ActorRow`].
macro_rules! actor_columns {
    () => {
        "w.id AS ws_id, w.name AS ws_name, w.time_zone AS ws_time_zone, \
         w.promise_load_threshold AS ws_promise_load_threshold, \
         w.trust_half_life_days AS ws_trust_half_life_days, w.touch_rules AS ws_touch_rules, \
         w.created_at AS ws_created_at, \
         u.id AS user_id, u.name AS user_name, u.email AS user_email, \
         u.created_at AS user_created_at, m.role"
    };
}
/// The tables an actor is read from: live memberships only.
macro_rules! actor_tables {
    () => {
        "workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.left_at IS NULL \
         JOIN users u ON u.id = m.user_id"
    };
}
pub(crate) const ACTOR_COLUMNS: &str = actor_columns!();
pub(crate) const ACTOR_TABLES: &str = actor_tables!();
pub(crate) const ACTOR_SELECT: &str =
    concat!("SELECT ", actor_columns!(), " FROM ", actor_tables!());

impl ActorRow {
    pub(crate) fn into_actor(self) -> Result<Actor, StoreError> {
        Ok(Actor {
            workspace: Workspace {
                id: WorkspaceId::from_stored(self.ws_id),
                name: self.ws_name,
                time_zone: self.ws_time_zone,
                promise_load_threshold: self.ws_promise_load_threshold.unsigned_abs(),
                trust_half_life_days: self.ws_trust_half_life_days.unsigned_abs(),
                touch_rules: rapport_core::touch::TouchRules::from_stored(&self.ws_touch_rules)
                    .ok_or_else(|| corrupt("touch_rules", &self.ws_touch_rules))?,
                created_at: instant(self.ws_created_at)?,
            },
            user: User {
                id: UserId::from_stored(self.user_id),
                name: self.user_name,
                email: self.user_email,
                created_at: instant(self.user_created_at)?,
            },
            role: self.role.parse().map_err(|_| corrupt("role", &self.role))?,
        })
    }
}

/// Appends `(p1, p2, ...)` to `qb`, binding each of `values`: the list of an `IN`.
pub(crate) fn push_list<'v, DB: sqlx::Database>(
    qb: &mut sqlx::QueryBuilder<DB>,
    values: impl IntoIterator<Item = &'v str>,
) where
    &'v str: sqlx::Encode<'v, DB> + sqlx::Type<DB>,
{
    qb.push("(");
    let mut list = qb.separated(", ");
    for v in values {
        list.push_bind(v);
    }
    list.push_unseparated(")");
}
