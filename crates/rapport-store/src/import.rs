//! Imports: contacts from a file written in one transaction, batch by batch, each batch's
//! duplicates found by looking its emails and phones up in the database inside that
//! transaction (so earlier batches of the same import count, and memory stays bounded
//! whatever the size of the file or the workspace).

use std::collections::HashMap;

use rapport_core::contact::Contact;
use rapport_core::fact::Fact;
use rapport_core::ids::{ContactId, WorkspaceId};
use rapport_core::import::{self, Handle};
use rapport_core::ports::{ImportDuplicate, ImportItem, ImportMode, StoreResult};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::contacts::CHUNK;
use crate::rows::{CONTACT_COLUMNS, ContactRow, FACT_COLUMNS, FactRow, micros, push_list};
use crate::{Db, db_err, in_write_tx};

/// Where a duplicate goes: a contact of this batch still to be written, or a stored one.
#[derive(Clone, Debug)]
enum Target {
    New(usize),
    Stored(ContactId),
}

/// The key an email or phone is stored under in `contact_attributes.value_folded`.
fn lookup_key(h: &Handle) -> String {
    match h {
        Handle::Email(e) => rapport_core::search::fold(e),
        Handle::Phone(digits) => digits.clone(),
    }
}

/// The stored contacts (of `$ws`, archived ones too) with any of `$handles`, looked up in
/// `$tx`: handle → contact (the first by id when several share it).
macro_rules! stored_handles_in {
    ($tx:ident, $from:expr, $ws:expr, $handles:expr) => {{
        let mut found: HashMap<Handle, ContactId> = HashMap::new();
        for kind in ["email", "phone"] {
            let mut keys: Vec<String> = $handles
                .iter()
                .filter(|h: &&Handle| {
                    matches!(
                        (kind, h),
                        ("email", Handle::Email(_)) | ("phone", Handle::Phone(_))
                    )
                })
                .map(lookup_key)
                .collect();
            keys.sort_unstable();
            keys.dedup();
            for chunk in keys.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT contact_id, value FROM {} WHERE workspace_id = ",
                    $from
                ));
                qb.push_bind($ws.as_str())
                    .push(" AND kind = ")
                    .push_bind(kind)
                    .push(" AND value_folded IN ");
                push_list(&mut qb, chunk.iter().map(|k| k.as_str()));
                let mut rows: Vec<(String, String)> = qb
                    .build_query_as()
                    .fetch_all(&mut *$tx)
                    .await
                    .map_err(db_err)?;
                rows.sort_unstable();
                for (id, value) in rows {
                    // The folded key may join more than the handle does (accents): check.
                    let h = if kind == "email" {
                        Some(Handle::email(&value))
                    } else {
                        Handle::phone(&value)
                    };
                    if let Some(h) = h.filter(|h| $handles.contains(h)) {
                        found.entry(h).or_insert_with(|| ContactId::from_stored(id));
                    }
                }
            }
        }
        found
    }};
}

/// Stored contacts with their attributes and facts, read in `$tx` with three queries per
/// chunk of ids (a merge batch's targets, not one contact at a time): id → contact, facts.
/// Ids not in the workspace are left out.
macro_rules! contacts_with_facts_in {
    ($tx:ident, $ws:expr, $ids:expr) => {{
        let ids: Vec<&ContactId> = $ids;
        let mut out: HashMap<String, Merging> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.workspace_id = "
            ));
            qb.push_bind($ws.as_str()).push(" AND c.id IN ");
            push_list(&mut qb, chunk.iter().map(|id| id.as_str()));
            let rows: Vec<ContactRow> = qb
                .build_query_as()
                .fetch_all(&mut *$tx)
                .await
                .map_err(db_err)?;
            let mut contacts = rows
                .into_iter()
                .map(ContactRow::into_contact)
                .collect::<StoreResult<Vec<_>>>()?;
            let mut qb = QueryBuilder::new(
                "SELECT contact_id, kind, value FROM contact_attributes WHERE workspace_id = ",
            );
            qb.push_bind($ws.as_str()).push(" AND contact_id IN ");
            push_list(&mut qb, chunk.iter().map(|id| id.as_str()));
            qb.push(" ORDER BY contact_id, kind, position");
            let attributes: Vec<crate::rows::AttributeRow> = qb
                .build_query_as()
                .fetch_all(&mut *$tx)
                .await
                .map_err(db_err)?;
            crate::rows::attach_attributes(&mut contacts, attributes)?;
            let mut qb = QueryBuilder::new(format!(
                "SELECT {FACT_COLUMNS} FROM facts WHERE workspace_id = "
            ));
            qb.push_bind($ws.as_str()).push(" AND contact_id IN ");
            push_list(&mut qb, chunk.iter().map(|id| id.as_str()));
            qb.push(" ORDER BY contact_id, created_at, id");
            let facts: Vec<FactRow> = qb
                .build_query_as()
                .fetch_all(&mut *$tx)
                .await
                .map_err(db_err)?;
            for c in contacts {
                out.insert(c.id.as_str().to_owned(), Merging::new(c));
            }
            for f in facts {
                let f = f.into_fact()?;
                if let Some(m) = out.get_mut(f.contact_id.as_str()) {
                    m.known.push(f);
                }
            }
        }
        out
    }};
}

/// A stored contact that cards of the current batch are merged into.
struct Merging {
    /// As stored when the batch began.
    was: Contact,
    /// With the batch's cards merged in so far.
    contact: Contact,
    /// Its facts: stored, and added by this batch.
    known: Vec<Fact>,
    /// The facts this batch adds.
    added: Vec<Fact>,
}

impl Merging {
    fn new(contact: Contact) -> Self {
        Self {
            was: contact.clone(),
            contact,
            known: Vec::new(),
            added: Vec::new(),
        }
    }
}

/// The names and creation times of stored contacts, read in `$tx`.
macro_rules! names_in {
    ($tx:ident, $ws:expr, $ids:expr) => {{
        let mut names: HashMap<String, (String, i64)> = HashMap::new();
        let ids: Vec<&ContactId> = $ids;
        for chunk in ids.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "SELECT id, name, created_at FROM contacts WHERE workspace_id = ",
            );
            qb.push_bind($ws.as_str()).push(" AND id IN ");
            push_list(&mut qb, chunk.iter().map(|id| id.as_str()));
            let rows: Vec<(String, String, i64)> = qb
                .build_query_as()
                .fetch_all(&mut *$tx)
                .await
                .map_err(db_err)?;
            for (id, name, at) in rows {
                names.insert(id, (name, at));
            }
        }
        names
    }};
}

/// Whether statistics are refreshed before the batch after `done` batches: the first, then
/// each time the import has about quadrupled (before batches 1, 2, 5, 17, 65, 257...).
fn analyze_before(done: u64) -> bool {
    done == 0 || (done.is_power_of_two() && done.trailing_zeros().is_multiple_of(2))
}

/// The writer's page cache during an import, in KiB. An import touches each page of the
/// attribute index once in a while, not over and over as a bulk load's batches do: a small
/// cache is as fast (100,000 cards: 4.9 s against 6.0 s with the writer's usual 64 MiB)
/// and keeps the import's memory flat whatever the size of the file.
const IMPORT_CACHE_KIB: i64 = 16 * 1024;
/// The writer's usual page cache (bulk loads rewrite hot index pages), in KiB.
pub(crate) const WRITER_CACHE_KIB: i64 = 64 * 1024;
/// The writer's page cache while it writes a book (`rapport demo`), in KiB. A book's
/// transaction is written part by part, each part into every table, so the hot pages of
/// every index are touched all through it; in a smaller cache they are spilled to the WAL
/// and written again (300,000 contacts in 50,000-contact transactions: 59 s with 64 MiB,
/// 54 s with 256 MiB, 48 s with 512 MiB; docs/benchmarks.md).
pub(crate) const BOOK_CACHE_KIB: i64 = 256 * 1024;

pub(crate) async fn import<F, D>(
    db: &Db,
    ws: &WorkspaceId,
    mode: ImportMode,
    next: F,
    on_duplicate: D,
) -> StoreResult<u64>
where
    F: FnMut() -> Option<StoreResult<Vec<ImportItem>>> + Send,
    D: FnMut(&ImportItem, ImportDuplicate) + Send,
{
    let Db::Sqlite(s) = db else {
        return import_in(db, ws, mode, next, on_duplicate).await;
    };
    let cache = |kib: i64| {
        sqlx::query(AssertSqlSafe(format!("PRAGMA cache_size = -{kib}"))).execute(&s.writer)
    };
    cache(IMPORT_CACHE_KIB).await.map_err(db_err)?;
    let out = import_in(db, ws, mode, next, on_duplicate).await;
    cache(WRITER_CACHE_KIB).await.map_err(db_err)?;
    out
}

async fn import_in<F, D>(
    db: &Db,
    ws: &WorkspaceId,
    mode: ImportMode,
    mut next: F,
    mut on_duplicate: D,
) -> StoreResult<u64>
where
    F: FnMut() -> Option<StoreResult<Vec<ImportItem>>> + Send,
    D: FnMut(&ImportItem, ImportDuplicate) + Send,
{
    let at = micros(mode.at);
    // Without statistics (a new database) SQLite would walk the primary key, which starts
    // with the workspace: the whole workspace for every batch.
    let from = match db {
        Db::Sqlite(_) => "contact_attributes INDEXED BY contact_attributes_by_value",
        Db::Postgres(_) => "contact_attributes",
    };
    let added = in_write_tx!(db, commit = mode.commit, |tx| {
        let overrides: Vec<(String, i32)> =
            sqlx::query_as("SELECT audience, days FROM appreciation_rules WHERE workspace_id = $1")
                .bind(ws.as_str())
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
        let mut added = 0u64;
        let mut batches = 0u64;
        while let Some(items) = next() {
            let items = items?;
            // PostgreSQL plans the lookups from its statistics, which a large import makes
            // stale as it goes (and a server without autovacuum may never have had): with
            // too few rows expected it filters the workspace's attributes rather than
            // probing the index, minutes for 100,000 cards. ANALYZE counts this
            // transaction's own rows; run before a few batches, it costs little.
            if matches!(db, Db::Postgres(_)) && analyze_before(batches) {
                sqlx::query("ANALYZE contact_attributes, contacts")
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            batches += 1;
            let wanted: Vec<Handle> = items
                .iter()
                .flat_map(|i| import::handles(&i.contact).into_iter().map(|(h, _)| h))
                .collect();
            let stored = stored_handles_in!(tx, from, ws, wanted);
            // A merge reads the stored contacts it may go into together, merges every card
            // of the batch in memory, and writes each contact once, only if it changed.
            let mut merging = if mode.merge {
                let mut ids: Vec<&ContactId> = stored.values().collect();
                ids.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
                ids.dedup();
                contacts_with_facts_in!(tx, ws, ids)
            } else {
                HashMap::new()
            };
            // The batch's handles taken so far: by its new contacts, or merged into stored ones.
            let mut taken: HashMap<Handle, Target> = HashMap::new();
            let mut new: Vec<ImportItem> = Vec::new();
            let mut duplicates: Vec<(ImportItem, Target, String)> = Vec::new();
            for item in items {
                let handles = import::handles(&item.contact);
                let hit = handles.iter().find_map(|(h, shown)| {
                    taken
                        .get(h)
                        .cloned()
                        .or_else(|| stored.get(h).cloned().map(Target::Stored))
                        .map(|t| (t, (*shown).to_owned()))
                });
                let owned: Vec<Handle> = handles.into_iter().map(|(h, _)| h).collect();
                let Some((target, by)) = hit else {
                    for h in owned {
                        taken.entry(h).or_insert(Target::New(new.len()));
                    }
                    new.push(item);
                    continue;
                };
                if mode.merge {
                    match &target {
                        Target::New(i) => {
                            if let Some(into) = new.get_mut(*i) {
                                let facts = import::merge(
                                    &mut into.contact,
                                    &into.facts,
                                    &item.contact,
                                    &item.facts,
                                    mode.at,
                                );
                                into.facts.extend(facts);
                            }
                        }
                        Target::Stored(id) => {
                            if let Some(m) = merging.get_mut(id.as_str()) {
                                let facts = import::merge(
                                    &mut m.contact,
                                    &m.known,
                                    &item.contact,
                                    &item.facts,
                                    mode.at,
                                );
                                m.known.extend(facts.iter().cloned());
                                m.added.extend(facts);
                            }
                        }
                    }
                    // Its other emails and phones are now the contact's.
                    for h in owned {
                        taken.entry(h).or_insert_with(|| target.clone());
                    }
                }
                duplicates.push((item, target, by));
            }
            let mut merged: Vec<Merging> = merging.into_values().collect();
            merged.sort_unstable_by(|a, b| a.contact.id.as_str().cmp(b.contact.id.as_str()));
            let mut changed: Vec<Contact> = Vec::new();
            let mut merged_facts: Vec<Fact> = Vec::new();
            for m in merged {
                // Nothing new (the same file merged again): no write.
                if m.contact != m.was || !m.added.is_empty() {
                    changed.push(m.contact);
                    merged_facts.extend(m.added);
                }
            }
            crate::contacts::update_contacts_in!(tx, ws, &changed);
            crate::memory::insert_facts_in!(tx, ws, merged_facts);
            let stored_ids: Vec<&ContactId> = duplicates
                .iter()
                .filter_map(|(_, t, _)| match t {
                    Target::Stored(id) => Some(id),
                    Target::New(_) => None,
                })
                .collect();
            let names = names_in!(tx, ws, stored_ids);
            for (item, target, by) in &duplicates {
                let found = match target {
                    Target::New(i) => new.get(*i).map(|n| ImportDuplicate {
                        of: n.contact.id.clone(),
                        name: n.contact.name.clone(),
                        by: by.clone(),
                        earlier_in_import: true,
                    }),
                    Target::Stored(id) => {
                        names
                            .get(id.as_str())
                            .map(|(name, created)| ImportDuplicate {
                                of: id.clone(),
                                name: name.clone(),
                                by: by.clone(),
                                earlier_in_import: *created == at,
                            })
                    }
                };
                if let Some(found) = found {
                    on_duplicate(item, found);
                }
            }
            let mut contacts: Vec<Contact> = Vec::with_capacity(new.len());
            let mut facts = Vec::new();
            for item in new {
                contacts.push(item.contact);
                facts.extend(item.facts);
            }
            let appreciation = crate::contacts::appreciation_of(&contacts, &[], &overrides);
            crate::contacts::insert_contacts_in!(tx, ws, contacts, &appreciation);
            crate::memory::insert_facts_in!(tx, ws, facts);
            added += contacts.len() as u64;
        }
        added
    });
    Ok(added)
}

#[cfg(test)]
mod tests {
    #[test]
    fn statistics_are_refreshed_as_the_import_quadruples() {
        let at: Vec<u64> = (0..300).filter(|d| super::analyze_before(*d)).collect();
        assert_eq!(at, [0, 1, 4, 16, 64, 256]);
    }
}
