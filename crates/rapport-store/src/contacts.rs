//! Contacts, their emails/phones/tags, and bulk loading of whole books.

use jiff::Timestamp;
use rapport_core::contact::Contact;
use rapport_core::fact::Fact;
use rapport_core::ids::{ContactId, WorkspaceId};
use rapport_core::ports::{Batch, BulkStore, ContactFilter, ContactStore, StoreResult};
use rapport_core::search::like_escape;
use rapport_core::trust::Params;
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::corrupt;
use crate::rows::{AttributeRow, CONTACT_COLUMNS, ContactRow, attach_attributes, instant, micros};
use crate::{Db, db_err, in_write_tx, with_pool};

/// The one SQL rule for when the next touch is due: `from` (an instant, microseconds) plus
/// `days` (the cadence in force, NULL: never goes cold). The same as `Contact::touch_due_at`,
/// which the bulk loads use.
pub(crate) fn next_touch_due_sql(from: &str, days: &str) -> String {
    format!("CASE WHEN {days} IS NULL THEN NULL ELSE {from} + {days} * 86400000000 END")
}

/// The WHERE clause of a contact listing (and its count): the workspace, live or archived,
/// and the filters asked for. The cursor and order are the listing's own.
pub(crate) fn push_filter<DB>(qb: &mut QueryBuilder<DB>, ws: &WorkspaceId, f: &ContactFilter)
where
    DB: sqlx::Database,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    bool: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE c.workspace_id = ")
        .push_bind(ws.as_str().to_owned());
    // Written literally so the partial indexes apply.
    qb.push(if f.archived {
        " AND c.archived_at IS NOT NULL"
    } else {
        " AND c.archived_at IS NULL"
    });
    if let Some(t) = f.relationship {
        qb.push(" AND c.relationship = ")
            .push_bind(t.as_str().to_owned());
    }
    if f.vip_only {
        qb.push(" AND c.vip = ").push_bind(true);
    }
    if let Some(at) = f.due_before {
        qb.push(" AND c.touch_due_at < ")
            .push_bind(at.as_microsecond());
    }
    if let Some(tag) = &f.tag {
        qb.push(
            " AND EXISTS (SELECT 1 FROM contact_attributes a WHERE a.workspace_id = c.workspace_id \
             AND a.contact_id = c.id AND a.kind = 'tag' AND a.value_folded = ",
        )
        .push_bind(tag.clone())
        .push(")");
    }
    if let Some(q) = &f.search {
        qb.push(" AND c.search_text LIKE ")
            .push_bind(format!("%{}%", like_escape(q)))
            .push(" ESCAPE '\\'");
    }
    if let Some(q) = &f.met {
        qb.push(" AND c.met_folded LIKE ")
            .push_bind(format!("%{}%", like_escape(q)))
            .push(" ESCAPE '\\'");
    }
}

/// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bind limits.
pub(crate) const CHUNK: usize = 400;

/// Inserts contacts (and their attributes) in the transaction `$tx`, in chunks.
macro_rules! insert_contacts_in {
    ($tx:ident, $ws:expr, $contacts:expr, $appreciation:expr) => {
        $crate::contacts::insert_contacts_in!($tx, $ws, $contacts, $appreciation, verb = "INSERT")
    };
    ($tx:ident, $ws:expr, $contacts:expr, $appreciation:expr, verb = $verb:expr) => {{
        let ws: &str = $ws.as_str();
        let appreciation: &[$crate::contacts::Appreciation] = $appreciation;
        let touch = $crate::contacts::touch_rules_in!($tx, ws);
        let rows: Vec<(&rapport_core::contact::Contact, $crate::contacts::Appreciation)> = $contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (c, appreciation.get(i).copied().unwrap_or_default()))
            .collect();
        for chunk in rows.chunks($crate::contacts::CHUNK) {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "{} INTO contacts (workspace_id, id, name, name_folded, organisation, relationship, \
                 vip, owner_id, cadence_days, search_text, created_at, updated_at, archived_at, \
                 last_touch_at, keep_in_touch_days, touch_due_at, value_tier, appreciation_days, \
                 last_gesture_day, appreciation_due_day, met, met_folded, met_on) ", $verb),
            );
            qb.push_values(chunk, |mut b, (c, a): &(&rapport_core::contact::Contact, $crate::contacts::Appreciation)| {
                b.push_bind(ws)
                    .push_bind(c.id.as_str())
                    .push_bind(c.name.as_str())
                    .push_bind(c.name_folded())
                    .push_bind(c.organisation.as_deref())
                    .push_bind(c.relationship.as_str())
                    .push_bind(c.vip)
                    .push_bind(c.owner_id.as_str())
                    .push_bind(c.cadence.to_stored())
                    .push_bind(c.search_text())
                    .push_bind(micros(c.created_at))
                    .push_bind(micros(c.updated_at))
                    .push_bind(c.archived_at.map(micros))
                    .push_bind(c.last_touch_at.map(micros))
                    .push_bind(c.keep_in_touch_days_in(&touch).map(|d| d as i32))
                    .push_bind(c.touch_due_at(&touch).map(micros))
                    .push_bind(c.value_tier())
                    .push_bind(a.days)
                    .push_bind(a.last_gesture_day)
                    .push_bind(a.due_day)
                    .push_bind(c.met.as_deref())
                    .push_bind(c.met_folded())
                    .push_bind(c.met_on.map(|d| d.to_string()));
            });
            qb.build().execute(&mut *$tx).await.map_err(db_err)?;
        }
        $crate::contacts::insert_attributes_in!($tx, ws, $contacts, verb = $verb);
    }};
}
pub(crate) use insert_contacts_in;

/// The workspace's keep-in-touch rules, read in the transaction `$tx`.
macro_rules! touch_rules_in {
    ($tx:ident, $ws:expr) => {{
        let stored: Option<String> =
            sqlx::query_scalar("SELECT touch_rules FROM workspaces WHERE id = $1")
                .bind($ws)
                .fetch_optional(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        let stored = stored.unwrap_or_default();
        rapport_core::touch::TouchRules::from_stored(&stored)
            .ok_or_else(|| $crate::corrupt("touch_rules", &stored))?
    }};
}
pub(crate) use touch_rules_in;

/// Inserts the emails, phones and tags of `$contacts` in the transaction `$tx`.
macro_rules! insert_attributes_in {
    ($tx:ident, $ws:expr, $contacts:expr) => {
        $crate::contacts::insert_attributes_in!($tx, $ws, $contacts, verb = "INSERT")
    };
    ($tx:ident, $ws:expr, $contacts:expr, verb = $verb:expr) => {{
        let rows: Vec<(&str, &'static str, i32, &str, String)> = $contacts
            .iter()
            .flat_map(|c: &rapport_core::contact::Contact| $crate::rows::attributes_of(c).map(move |(k, p, v, f)| (c.id.as_str(), k, p, v, f)))
            .collect();
        for chunk in rows.chunks($crate::contacts::CHUNK * 2) {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "{} INTO contact_attributes (workspace_id, contact_id, kind, position, value, value_folded) ", $verb),
            );
            qb.push_values(chunk, |mut b, (id, kind, pos, value, folded)| {
                b.push_bind($ws)
                    .push_bind(*id)
                    .push_bind(*kind)
                    .push_bind(*pos)
                    .push_bind(*value)
                    .push_bind(folded.as_str());
            });
            qb.build().execute(&mut *$tx).await.map_err($crate::db_err)?;
        }
    }};
}

pub(crate) use insert_attributes_in;

/// Loads the attributes of `$contacts` with one query on `$exec` and attaches them.
macro_rules! load_attributes {
    ($exec:expr, $ws:expr, $contacts:expr) => {{
        if !$contacts.is_empty() {
            let mut qb = QueryBuilder::new(
                "SELECT contact_id, kind, value FROM contact_attributes WHERE workspace_id = ",
            );
            qb.push_bind($ws.as_str()).push(" AND contact_id IN (");
            let mut ids = qb.separated(", ");
            for c in $contacts.iter() {
                ids.push_bind(c.id.as_str());
            }
            qb.push(") ORDER BY contact_id, kind, position");
            let rows: Vec<AttributeRow> =
                qb.build_query_as().fetch_all($exec).await.map_err(db_err)?;
            attach_attributes(&mut $contacts, rows)?;
        }
    }};
}

pub(crate) use load_attributes;

/// Saves contacts (their attributes too) in the transaction `$tx`, a handful of statements
/// per chunk of contacts rather than per contact; `NotFound` if any is absent.
macro_rules! update_contacts_in {
    ($tx:ident, $ws:expr, $contacts:expr) => {{
        let contacts: &[rapport_core::contact::Contact] = $contacts;
        let ws: &rapport_core::ids::WorkspaceId = $ws;
        if !contacts.is_empty() {
            let touch = $crate::contacts::touch_rules_in!($tx, ws.as_str());
            for chunk in contacts.chunks($crate::contacts::CHUNK) {
                // The last touch is the store's (kept by logged interactions): the due time
                // is recomputed from it with the cadence now in force.
                let mut qb = sqlx::QueryBuilder::new(
                    "WITH v (id, name, name_folded, organisation, relationship, vip, owner_id, \
                     cadence_days, search_text, updated_at, keep_days, value_tier, met, met_folded, \
                     met_on) AS (",
                );
                qb.push_values(chunk, |mut b, c| {
                    b.push_bind(c.id.as_str())
                        .push_bind(c.name.as_str())
                        .push_bind(c.name_folded())
                        .push_bind(c.organisation.as_deref())
                        .push_bind(c.relationship.as_str())
                        .push_bind(c.vip)
                        .push_bind(c.owner_id.as_str())
                        .push_bind(c.cadence.to_stored())
                        .push_bind(c.search_text())
                        .push_bind($crate::rows::micros(c.updated_at))
                        .push_bind(c.keep_in_touch_days_in(&touch).map(|d| d as i32))
                        .push_bind(c.value_tier())
                        .push_bind(c.met.as_deref())
                        .push_bind(c.met_folded())
                        .push_bind(c.met_on.map(|d| d.to_string()));
                });
                qb.push(
                    ") UPDATE contacts SET name = v.name, name_folded = v.name_folded, \
                     organisation = v.organisation, relationship = v.relationship, vip = v.vip, \
                     owner_id = v.owner_id, cadence_days = v.cadence_days, \
                     search_text = v.search_text, updated_at = v.updated_at, \
                     keep_in_touch_days = v.keep_days, value_tier = v.value_tier, \
                     met = v.met, met_folded = v.met_folded, met_on = v.met_on, \
                     touch_due_at = ",
                );
                qb.push($crate::contacts::next_touch_due_sql(
                    "COALESCE(contacts.last_touch_at, contacts.created_at)",
                    "v.keep_days",
                ));
                qb.push(" FROM v WHERE contacts.workspace_id = ");
                qb.push_bind(ws.as_str()).push(" AND contacts.id = v.id");
                let updated = qb
                    .build()
                    .execute(&mut *$tx)
                    .await
                    .map_err($crate::db_err)?
                    .rows_affected();
                if updated != chunk.len() as u64 {
                    return Err(rapport_core::StoreError::NotFound);
                }
                // `$1` the workspace, then the chunk's ids.
                let ids = (2..chunk.len() + 2)
                    .map(|n| format!("${n}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let delete =
                    format!("DELETE FROM contact_attributes WHERE workspace_id = $1 AND contact_id IN ({ids})");
                let mut q = sqlx::query(sqlx::AssertSqlSafe(delete)).bind(ws.as_str());
                for c in chunk {
                    q = q.bind(c.id.as_str());
                }
                q.execute(&mut *$tx).await.map_err($crate::db_err)?;
                let ws_str = ws.as_str();
                $crate::contacts::insert_attributes_in!($tx, ws_str, chunk);
                // A new type or VIP flag can change the appreciation cadence.
                let refresh = $crate::gestures::refresh_sql(&format!("id IN ({ids})"));
                let mut q = sqlx::query(sqlx::AssertSqlSafe(refresh)).bind(ws.as_str());
                for c in chunk {
                    q = q.bind(c.id.as_str());
                }
                q.execute(&mut *$tx).await.map_err($crate::db_err)?;
            }
        }
    }};
}
pub(crate) use update_contacts_in;

/// Saves a contact (its attributes too) in the transaction `$tx`; `NotFound` if absent.
macro_rules! update_contact_in {
    ($tx:ident, $ws:expr, $c:expr) => {{
        let c: &rapport_core::contact::Contact = $c;
        $crate::contacts::update_contacts_in!($tx, $ws, std::slice::from_ref(c));
    }};
}
pub(crate) use update_contact_in;

/// A contact's appreciation columns as a bulk load writes them.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Appreciation {
    pub(crate) days: Option<i32>,
    pub(crate) last_gesture_day: Option<i32>,
    pub(crate) due_day: Option<i32>,
}

/// The appreciation columns of a batch's contacts: the same rule as `gestures::refresh_sql`
/// (the workspace's rule for the audience, else the default; the clock from the latest
/// gesture, else the day of creation in UTC).
pub(crate) fn appreciation_of(
    contacts: &[Contact],
    gestures: &[rapport_core::gesture::Gesture],
    overrides: &[(String, i32)],
) -> Vec<Appreciation> {
    use rapport_core::gesture::{Audience, day_number};
    let mut latest: std::collections::HashMap<&str, i32> = std::collections::HashMap::new();
    for g in gestures {
        let d = day_number(g.given_on);
        let e = latest.entry(g.contact_id.as_str()).or_insert(d);
        *e = (*e).max(d);
    }
    contacts
        .iter()
        .map(|c| {
            let audience = Audience::of(c.relationship, c.vip);
            let days = match overrides.iter().find(|(a, _)| a == audience.as_str()) {
                Some((_, d)) => (*d > 0).then_some(*d),
                None => audience.default_days().and_then(|d| i32::try_from(d).ok()),
            };
            let last_gesture_day = latest.get(c.id.as_str()).copied();
            let created_day =
                i32::try_from(micros(c.created_at).div_euclid(86_400_000_000)).unwrap_or(0);
            Appreciation {
                days,
                last_gesture_day,
                due_day: days.map(|d| last_gesture_day.unwrap_or(created_day) + d),
            }
        })
        .collect()
}

fn into_contacts(rows: Vec<ContactRow>) -> StoreResult<Vec<Contact>> {
    rows.into_iter().map(ContactRow::into_contact).collect()
}

/// The exclusive upper bound of the folded names starting with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

impl ContactStore for Db {
    async fn set_touch_rules(
        &self,
        ws: &WorkspaceId,
        rules: &rapport_core::touch::TouchRules,
        changed: &[rapport_core::gesture::Audience],
    ) -> StoreResult<()> {
        use rapport_core::gesture::Audience;
        // The audience is parsed, never typed-in text: only known names reach the statement.
        let moves: Vec<(String, Option<i32>)> = changed
            .iter()
            .map(|a| {
                let (matching, days) = match *a {
                    Audience::Vip => ("vip".to_owned(), rules.days(Audience::Vip)),
                    Audience::Type(t) => (
                        format!("relationship = '{}' AND NOT vip", t.as_str()),
                        rules.days_for(t, false),
                    ),
                };
                (matching, days.map(|d| i32::try_from(d).unwrap_or(i32::MAX)))
            })
            .collect();
        let n = in_write_tx!(self, |tx| {
            let n = sqlx::query("UPDATE workspaces SET touch_rules = $2 WHERE id = $1")
                .bind(ws.as_str())
                .bind(rules.to_stored())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
            for (matching, days) in &moves {
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE contacts SET keep_in_touch_days = $2, touch_due_at = {} \
                     WHERE workspace_id = $1 AND cadence_days IS NULL AND {matching}",
                    next_touch_due_sql("COALESCE(last_touch_at, created_at)", "$2")
                )))
                .bind(ws.as_str())
                .bind(*days)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            n
        });
        crate::one_row(n)
    }

    async fn insert_contact(&self, ws: &WorkspaceId, contact: &Contact) -> StoreResult<()> {
        let one = std::slice::from_ref(contact);
        in_write_tx!(self, |tx| {
            insert_contacts_in!(tx, ws, one, &[]);
            crate::gestures::refresh_contact_in!(tx, ws.as_str(), contact.id.as_str());
        });
        Ok(())
    }

    async fn update_contact(&self, ws: &WorkspaceId, c: &Contact) -> StoreResult<()> {
        in_write_tx!(self, |tx| update_contact_in!(tx, ws, c));
        Ok(())
    }

    async fn contact(&self, ws: &WorkspaceId, id: &ContactId) -> StoreResult<Option<Contact>> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2"
        );
        with_pool!(self, |pool| {
            let row: Option<ContactRow> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(id.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            let mut found = into_contacts(row.into_iter().collect())?;
            load_attributes!(pool, ws, found);
            Ok(found.pop())
        })
    }

    async fn contacts_named(
        &self,
        ws: &WorkspaceId,
        folded_prefix: &str,
        archived: bool,
        limit: u32,
    ) -> StoreResult<Vec<Contact>> {
        let state = if archived { "IS NOT NULL" } else { "IS NULL" };
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.workspace_id = $1 \
             AND c.archived_at {state} AND c.name_folded >= $2 AND c.name_folded < $3 \
             ORDER BY c.name_folded, c.id LIMIT $4"
        );
        with_pool!(self, |pool| {
            let rows: Vec<ContactRow> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(folded_prefix)
                .bind(prefix_end(folded_prefix))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let mut found = into_contacts(rows)?;
            load_attributes!(pool, ws, found);
            Ok(found)
        })
    }

    async fn contacts_with_id_prefix(
        &self,
        ws: &WorkspaceId,
        prefix: &str,
        limit: u32,
    ) -> StoreResult<Vec<Contact>> {
        // LIKE, not a range: ids are compared as text under the database's collation, which
        // on PostgreSQL may be a locale's that orders '-' apart from bytes. An id's start holds
        // only hexadecimal digits and '-', nothing LIKE treats specially.
        if !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.workspace_id = $1 \
             AND c.id LIKE $2 ORDER BY c.id LIMIT $3"
        );
        let pattern = format!("{}%", prefix.to_ascii_lowercase());
        with_pool!(self, |pool| {
            let rows: Vec<ContactRow> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(&pattern)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let mut found = into_contacts(rows)?;
            load_attributes!(pool, ws, found);
            Ok(found)
        })
    }

    async fn list_contacts(
        &self,
        ws: &WorkspaceId,
        f: &ContactFilter,
    ) -> StoreResult<Vec<Contact>> {
        with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new(format!("SELECT {CONTACT_COLUMNS} FROM contacts c"));
            push_filter(&mut qb, ws, f);
            if let Some((name, id)) = &f.after {
                // A row value, so both backends seek the index to the page's start (an OR
                // of the two conditions made SQLite walk every earlier row: 156 ms at row
                // 90,000 of 100,000, against 2 ms).
                qb.push(" AND (c.name_folded, c.id) > (")
                    .push_bind(name.as_str())
                    .push(", ")
                    .push_bind(id.as_str())
                    .push(")");
            }
            qb.push(" ORDER BY c.name_folded, c.id LIMIT ")
                .push_bind(i64::from(f.limit));
            // Not kept prepared: PostgreSQL would switch to a generic plan after five runs,
            // one that assumes every tag is rare (1.1 s instead of 10 ms for a common tag on a
            // million contacts). Planned with the actual values each time instead.
            let rows: Vec<ContactRow> = qb
                .build_query_as()
                .persistent(false)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let mut found = into_contacts(rows)?;
            load_attributes!(pool, ws, found);
            Ok(found)
        })
    }

    async fn count_listed(
        &self,
        ws: &WorkspaceId,
        f: &ContactFilter,
        cap: u64,
    ) -> StoreResult<u64> {
        let n: i64 = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM contacts c");
            push_filter(&mut qb, ws, f);
            qb.push(" LIMIT ")
                .push_bind(i64::try_from(cap.saturating_add(1)).unwrap_or(i64::MAX))
                .push(") AS matched");
            qb.build_query_scalar()
                .persistent(false)
                .fetch_one(pool)
                .await
                .map_err(db_err)?
        });
        Ok(n.unsigned_abs())
    }

    async fn standing(
        &self,
        ws: &WorkspaceId,
        ids: &[ContactId],
    ) -> StoreResult<Vec<rapport_core::ports::Standing>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: String,
            touch_due_at: Option<i64>,
        }
        let mut out: Vec<rapport_core::ports::Standing> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<Row> = with_pool!(self, |pool| {
                let mut qb = QueryBuilder::new(
                    "SELECT c.id, c.touch_due_at FROM contacts c WHERE c.workspace_id = ",
                );
                qb.push_bind(ws.as_str()).push(" AND c.id IN (");
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(id.as_str());
                }
                qb.push(")");
                qb.build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
            });
            for r in rows {
                out.push(rapport_core::ports::Standing {
                    id: ContactId::parse(&r.id).ok_or_else(|| corrupt("contact id", &r.id))?,
                    touch_due_at: r.touch_due_at.map(instant).transpose()?,
                });
            }
        }
        Ok(out)
    }

    async fn set_archived(
        &self,
        ws: &WorkspaceId,
        id: &ContactId,
        archived_at: Option<Timestamp>,
        now: Timestamp,
    ) -> StoreResult<()> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query("UPDATE contacts SET archived_at = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2")
                .bind(ws.as_str())
                .bind(id.as_str())
                .bind(archived_at.map(micros))
                .bind(micros(now))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected()
        });
        crate::one_row(n)
    }

    async fn contact_names(
        &self,
        ws: &WorkspaceId,
        ids: &[ContactId],
    ) -> StoreResult<Vec<(ContactId, String)>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<(String, String)> = with_pool!(self, |pool| {
                let mut qb =
                    QueryBuilder::new("SELECT id, name FROM contacts WHERE workspace_id = ");
                qb.push_bind(ws.as_str()).push(" AND id IN (");
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(id.as_str());
                }
                qb.push(")");
                qb.build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
            });
            out.extend(
                rows.into_iter()
                    .map(|(id, name)| (ContactId::from_stored(id), name)),
            );
        }
        Ok(out)
    }

    async fn count_contacts(&self, ws: &WorkspaceId) -> StoreResult<u64> {
        let n: i64 = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE workspace_id = $1")
                .bind(ws.as_str())
                .fetch_one(pool)
                .await
                .map_err(db_err)?
        });
        Ok(n.unsigned_abs())
    }

    async fn contacts_with_handles(
        &self,
        ws: &WorkspaceId,
        handles: &[rapport_core::import::Handle],
    ) -> StoreResult<Vec<(rapport_core::import::Handle, ContactId, String)>> {
        use rapport_core::import::Handle;
        let mut found = Vec::new();
        for h in handles {
            let (kind, key) = match h {
                Handle::Email(e) => ("email", rapport_core::search::fold(e)),
                Handle::Phone(digits) => ("phone", digits.clone()),
            };
            let rows: Vec<(String, String)> = with_pool!(self, |pool| {
                sqlx::query_as(
                    "SELECT c.id, c.name FROM contact_attributes a JOIN contacts c \
                     ON c.workspace_id = a.workspace_id AND c.id = a.contact_id \
                     WHERE a.workspace_id = $1 AND a.kind = $2 AND a.value_folded = $3 \
                     ORDER BY c.id LIMIT 5",
                )
                .bind(ws.as_str())
                .bind(kind)
                .bind(key.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
            });
            for (id, name) in rows {
                let id = ContactId::parse(&id).ok_or_else(|| crate::corrupt("contact id", &id))?;
                found.push((h.clone(), id, name));
            }
        }
        Ok(found)
    }
}

impl BulkStore for Db {
    async fn import<F, D>(
        &self,
        ws: &WorkspaceId,
        mode: rapport_core::ports::ImportMode,
        next: F,
        on_duplicate: D,
    ) -> StoreResult<u64>
    where
        F: FnMut() -> Option<StoreResult<Vec<rapport_core::ports::ImportItem>>> + Send,
        D: FnMut(&rapport_core::ports::ImportItem, rapport_core::ports::ImportDuplicate) + Send,
    {
        crate::import::import(self, ws, mode, next, on_duplicate).await
    }

    async fn facts_of(&self, ws: &WorkspaceId, contacts: &[ContactId]) -> StoreResult<Vec<Fact>> {
        let mut out = Vec::new();
        for chunk in contacts.chunks(CHUNK) {
            let rows: Vec<crate::rows::FactRow> = with_pool!(self, |pool| {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT {} FROM facts WHERE workspace_id = ",
                    crate::rows::FACT_COLUMNS
                ));
                qb.push_bind(ws.as_str()).push(" AND contact_id IN (");
                let mut list = qb.separated(", ");
                for c in chunk {
                    list.push_bind(c.as_str());
                }
                qb.push(") ORDER BY contact_id, created_at, id");
                qb.build_query_as().fetch_all(pool).await.map_err(db_err)?
            });
            for r in rows {
                out.push(r.into_fact()?);
            }
        }
        Ok(out)
    }

    async fn insert_book_batches<B, F>(
        &self,
        ws: &WorkspaceId,
        params: &Params,
        mut next: F,
    ) -> StoreResult<u64>
    where
        B: std::borrow::Borrow<Batch> + Send,
        F: FnMut() -> Option<B> + Send,
    {
        // The appreciation columns are computed here for each batch (the workspace's rules
        // read once per transaction), rather than by an UPDATE of every row after the insert.
        macro_rules! appreciation_overrides {
            ($tx:ident) => {{
                let overrides: Vec<(String, i32)> = sqlx::query_as(
                    "SELECT audience, days FROM appreciation_rules WHERE workspace_id = $1",
                )
                .bind(ws.as_str())
                .fetch_all(&mut *$tx)
                .await
                .map_err(db_err)?;
                overrides
            }};
        }
        macro_rules! write_batch {
            ($tx:ident, $batch:expr, $overrides:expr, $verb:expr) => {{
                let batch: &Batch = $batch;
                let contacts = &batch.contacts;
                let appreciation = appreciation_of(contacts, &batch.gestures, $overrides);
                insert_contacts_in!($tx, ws, contacts, &appreciation, verb = $verb);
                crate::memory::insert_facts_in!($tx, ws, batch.facts, verb = $verb);
                crate::memory::insert_interactions_in!($tx, ws, batch.interactions, verb = $verb);
                crate::ledger::insert_commitments_in!(
                    $tx,
                    ws,
                    batch.commitments,
                    params,
                    verb = $verb
                );
                crate::deals::insert_deals_in!($tx, ws, batch.deals, verb = $verb);
                crate::gestures::insert_gestures_in!($tx, ws, batch.gestures, false, verb = $verb);
                for chunk in batch.referrals.chunks(CHUNK) {
                    let mut qb = QueryBuilder::new(format!(
                        "{} INTO referrals (workspace_id, referrer_id, referred_id, created_at) ",
                        $verb
                    ));
                    qb.push_values(chunk, |mut b, (from, to, at)| {
                        b.push_bind(ws.as_str())
                            .push_bind(from.as_str())
                            .push_bind(to.as_str())
                            .push_bind(micros(*at));
                    });
                    qb.build().execute(&mut *$tx).await.map_err(db_err)?;
                }
            }};
        }
        let written = match self {
            // Without statement journals: see `book.rs`. Each batch's references outside
            // itself are checked before it is written (earlier batches of the transaction
            // are in it by then).
            Db::Sqlite(s) => {
                let mut conn = crate::book::ForeignKeysOff::acquire(&s.writer).await?;
                conn.cache_size(crate::import::BOOK_CACHE_KIB).await?;
                let mut tx = sqlx::Connection::begin_with(conn.connection(), "BEGIN IMMEDIATE")
                    .await
                    .map_err(db_err)?;
                let overrides = appreciation_overrides!(tx);
                let mut written = 0u64;
                while let Some(b) = next() {
                    let batch: &Batch = b.borrow();
                    crate::book::check_references(&mut tx, ws, batch).await?;
                    write_batch!(tx, batch, &overrides, "INSERT OR ROLLBACK");
                    written += 1;
                }
                tx.commit().await.map_err(db_err)?;
                conn.cache_size(crate::import::WRITER_CACHE_KIB).await?;
                conn.restore().await?;
                written
            }
            Db::Postgres(p) => {
                let mut tx = p.begin().await.map_err(db_err)?;
                let overrides = appreciation_overrides!(tx);
                let mut written = 0u64;
                while let Some(b) = next() {
                    write_batch!(tx, b.borrow(), &overrides, "INSERT");
                    written += 1;
                }
                tx.commit().await.map_err(db_err)?;
                written
            }
        };
        Ok(written)
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        match self {
            // A bounded sample per index keeps this to a second or two on a large file.
            Db::Sqlite(s) => {
                sqlx::raw_sql("PRAGMA analysis_limit = 2000; ANALYZE;")
                    .execute(&s.writer)
                    .await
                    .map_err(db_err)?;
            }
            // Only our tables (found through the search path), not the whole database.
            // VACUUM as well: it sets the visibility map, without which PostgreSQL cannot
            // answer from an index alone (counting a backlog of 30,000 overdue promises
            // took 110 ms through the table). One statement: VACUUM refuses transactions.
            Db::Postgres(p) => {
                sqlx::raw_sql(
                    "VACUUM (ANALYZE) workspaces, users, memberships, contacts, contact_attributes, \
                     facts, interactions, commitments, commitment_history, requests, trust_scores, \
                     deals, deal_terms, gestures, referrals",
                )
                .execute(p)
                .await
                .map_err(db_err)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn prefix_range_covers_every_continuation() {
        let end = prefix_end("ana");
        for name in ["ana", "ana lima", "anaïs", "ana\u{10FFFE}"] {
            assert!(name >= "ana" && name < end.as_str(), "{name}");
        }
        assert!("anb" >= end.as_str());
    }
}
