//! A short-lived cache of Today, per user: the heaviest read, and the one every client asks
//! for first. An entry lives 5 seconds at most, and any write through this server to the
//! workspace (any request other than GET or HEAD by one of its users) retires the workspace's
//! entries at once, so marking a promise kept shows on the next Today. Writes made elsewhere
//! (the CLI, another server) show within the 5 seconds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rapport_core::ids::{UserId, WorkspaceId};
use rapport_core::today::Today;

/// How long a Today is served from the cache at most.
pub const TODAY_TTL: Duration = Duration::from_secs(5);
/// Entries kept at most (expired ones are swept when it fills).
const MAX_ENTRIES: usize = 10_000;

type Key = (WorkspaceId, UserId, Option<String>);

#[derive(Debug, Default)]
struct Inner {
    generations: HashMap<WorkspaceId, u64>,
    entries: HashMap<Key, (Instant, u64, Arc<Today>)>,
}

/// The cache, shared by every handler.
#[derive(Debug, Default)]
pub struct TodayCache {
    inner: Mutex<Inner>,
}

impl TodayCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain maps behind: still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The workspace's write generation: read it before computing, hand it to [`put`].
    pub fn generation(&self, ws: &WorkspaceId) -> u64 {
        self.lock().generations.get(ws).copied().unwrap_or(0)
    }

    /// A fresh Today, if one is cached and nothing was written since.
    pub fn get(&self, ws: &WorkspaceId, user: &UserId, date: Option<&str>) -> Option<Arc<Today>> {
        let inner = self.lock();
        let generation = inner.generations.get(ws).copied().unwrap_or(0);
        let key = (ws.clone(), user.clone(), date.map(str::to_owned));
        inner
            .entries
            .get(&key)
            .filter(|(at, g, _)| *g == generation && at.elapsed() < TODAY_TTL)
            .map(|(_, _, t)| t.clone())
    }

    /// Keeps a Today computed from data read after `generation` was taken, unless a write
    /// came in meanwhile.
    pub fn put(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        date: Option<&str>,
        generation: u64,
        today: Arc<Today>,
    ) {
        let mut inner = self.lock();
        if inner.generations.get(ws).copied().unwrap_or(0) != generation {
            return;
        }
        if inner.entries.len() >= MAX_ENTRIES {
            inner
                .entries
                .retain(|_, (at, _, _)| at.elapsed() < TODAY_TTL);
            if inner.entries.len() >= MAX_ENTRIES {
                inner.entries.clear();
            }
        }
        let key = (ws.clone(), user.clone(), date.map(str::to_owned));
        inner
            .entries
            .insert(key, (Instant::now(), generation, today));
    }

    /// Something was written to the workspace: its cached Todays are stale.
    pub fn bump(&self, ws: &WorkspaceId) {
        let mut inner = self.lock();
        *inner.generations.entry(ws.clone()).or_insert(0) += 1;
        inner.entries.retain(|(w, _, _), _| w != ws);
    }
}

/// How long an uploaded file waits for its import to be confirmed.
pub const UPLOAD_TTL: Duration = Duration::from_secs(15 * 60);
/// Uploads one user may have waiting (their oldest goes first): one person's uploads
/// never push out another's.
const MAX_UPLOADS_PER_USER: usize = 3;
/// Uploads waiting on this server at most, all users together (they are files on disk):
/// past it a new one is refused until some are imported or expire.
const MAX_UPLOADS: usize = 64;

/// A file uploaded in the browser and previewed, waiting for "import now".
#[derive(Clone, Debug)]
pub struct Upload {
    pub workspace: WorkspaceId,
    pub user: UserId,
    pub source: crate::transfer::Source,
    pub options: crate::transfer::Options,
}

/// Uploads between their preview and their import, by a random id.
#[derive(Debug, Default)]
pub struct UploadCache {
    entries: Mutex<HashMap<String, (Instant, Upload)>>,
}

impl UploadCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Upload)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops the uploads that waited too long as of `now` (their files go with them).
    pub fn sweep_at(&self, now: Instant) {
        let expired: Vec<Upload> = {
            let mut e = self.lock();
            let ids: Vec<String> = e
                .iter()
                .filter(|(_, (at, _))| now.saturating_duration_since(*at) >= UPLOAD_TTL)
                .map(|(k, _)| k.clone())
                .collect();
            ids.iter()
                .filter_map(|k| e.remove(k))
                .map(|(_, u)| u)
                .collect()
        };
        // Removed from disk outside the lock.
        drop(expired);
    }

    /// Drops the uploads that waited too long.
    pub fn sweep(&self) {
        self.sweep_at(Instant::now());
    }

    /// Keeps an upload for its confirmation: the user's oldest goes if they have
    /// [`MAX_UPLOADS_PER_USER`] waiting; `false` (and nothing kept) when the server holds
    /// [`MAX_UPLOADS`] from everyone.
    pub fn put(&self, id: String, upload: Upload) -> bool {
        self.sweep();
        let mut e = self.lock();
        let mine = |u: &Upload| u.workspace == upload.workspace && u.user == upload.user;
        while e.values().filter(|(_, u)| mine(u)).count() >= MAX_UPLOADS_PER_USER {
            let oldest = e
                .iter()
                .filter(|(_, (_, u))| mine(u))
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => e.remove(&k),
                None => break,
            };
        }
        if e.len() >= MAX_UPLOADS {
            return false;
        }
        e.insert(id, (Instant::now(), upload));
        true
    }

    /// Takes an upload out, if it is still there and belongs to this user.
    pub fn take(&self, id: &str, ws: &WorkspaceId, user: &UserId) -> Option<Upload> {
        self.sweep();
        let mut e = self.lock();
        let fresh = e.get(id).is_some_and(|(at, u)| {
            at.elapsed() < UPLOAD_TTL && &u.workspace == ws && &u.user == user
        });
        if fresh {
            e.remove(id).map(|(_, u)| u)
        } else {
            None
        }
    }
}

/// Set on write requests by the tracking middleware and filled by the extractor that finds
/// who is asking: after the answer, that workspace's cache is retired.
#[derive(Clone, Debug, Default)]
pub struct WriteSlot(pub Arc<Mutex<Option<WorkspaceId>>>);

impl WriteSlot {
    pub fn fill(&self, ws: &WorkspaceId) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(ws.clone());
        }
    }

    pub fn take(&self) -> Option<WorkspaceId> {
        self.0.lock().ok().and_then(|mut s| s.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Arc<Today> {
        Arc::new(Today {
            date: jiff::civil::date(2026, 11, 25),
            items: Vec::new(),
            more: Vec::new(),
            notes: Vec::new(),
        })
    }

    #[test]
    fn a_write_retires_the_workspace_s_entries_and_a_racing_read_is_not_kept() {
        let c = TodayCache::default();
        let (ws, other, user) = (
            WorkspaceId::generate(),
            WorkspaceId::generate(),
            UserId::generate(),
        );
        let g = c.generation(&ws);
        c.put(&ws, &user, None, g, today());
        c.put(&other, &user, None, c.generation(&other), today());
        assert!(c.get(&ws, &user, None).is_some());
        assert!(
            c.get(&ws, &user, Some("2026-11-26")).is_none(),
            "per date asked"
        );
        c.bump(&ws);
        assert!(c.get(&ws, &user, None).is_none());
        assert!(
            c.get(&other, &user, None).is_some(),
            "other workspaces keep theirs"
        );
        // Computed from data read before a write that landed meanwhile: not kept.
        c.put(&ws, &user, None, g, today());
        assert!(c.get(&ws, &user, None).is_none());
    }

    fn upload(ws: &WorkspaceId, user: &UserId) -> Upload {
        use crate::transfer::{Format, Input, Options, Source};
        Upload {
            workspace: ws.clone(),
            user: user.clone(),
            source: Source {
                input: Input::Bytes(Arc::from(&b"BEGIN:VCARD"[..])),
                name: "book.vcf".into(),
                format: Format::Vcard,
            },
            options: Options {
                merge: false,
                dry_run: false,
                relationship: rapport_core::contact::RelationshipType::Prospect,
            },
        }
    }

    #[test]
    fn one_user_s_uploads_never_push_out_another_s() {
        let c = UploadCache::default();
        let (ws, other_ws) = (WorkspaceId::generate(), WorkspaceId::generate());
        let (ana, bo) = (UserId::generate(), UserId::generate());
        assert!(c.put("ana".into(), upload(&ws, &ana)));
        for i in 0..10 {
            assert!(c.put(format!("bo-{i}"), upload(&other_ws, &bo)));
        }
        assert!(
            c.take("ana", &ws, &ana).is_some(),
            "Ana's upload is still there"
        );
        assert!(c.take("bo-9", &other_ws, &bo).is_some(), "Bo's newest");
        assert!(
            c.take("bo-0", &other_ws, &bo).is_none(),
            "Bo's oldest made room"
        );
        // The server-wide bound refuses rather than pushing out someone else's.
        for i in 0..MAX_UPLOADS {
            let user = UserId::generate();
            c.put(format!("many-{i}"), upload(&ws, &user));
        }
        let late = UserId::generate();
        assert!(!c.put("late".into(), upload(&ws, &late)));
        assert!(
            c.take("many-0", &ws, &UserId::generate()).is_none(),
            "only its own user"
        );
    }

    #[test]
    fn an_upload_that_waited_too_long_is_dropped_with_its_file() {
        use crate::transfer::{Format, Input, Options, Source, Spooled};
        let c = UploadCache::default();
        let (ws, user) = (WorkspaceId::generate(), UserId::generate());
        let name = format!("unit-test-expiry-{}", std::process::id());
        let (spooled, _file) = Spooled::create(&std::env::temp_dir(), &name).expect("create");
        let path = spooled.path().to_owned();
        let upload = Upload {
            workspace: ws.clone(),
            user: user.clone(),
            source: Source {
                input: Input::Spooled(Arc::new(spooled)),
                name: "book.vcf".into(),
                format: Format::Vcard,
            },
            options: Options {
                merge: false,
                dry_run: false,
                relationship: rapport_core::contact::RelationshipType::Prospect,
            },
        };
        c.put("u".into(), upload);
        c.sweep_at(Instant::now() + UPLOAD_TTL - Duration::from_secs(60));
        assert!(path.exists(), "still within its time");
        c.sweep_at(Instant::now() + UPLOAD_TTL + Duration::from_secs(1));
        assert!(!path.exists(), "the file goes with the expired upload");
        assert!(c.take("u", &ws, &user).is_none());
    }
}
