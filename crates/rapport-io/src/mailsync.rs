//! A member's mailbox read over IMAP: each folder's messages newer than the last read (by
//! UIDVALIDITY and UID, so no message is read twice, and a folder whose UIDVALIDITY changed
//! is read again, the import's message keys keeping that harmless), handed to the same
//! import as `rapport mail import`, a batch at a time, what was read recorded after each
//! batch (an interrupted sync goes on where it stopped). One sync at a time per mailbox,
//! across processes and servers: a lease in the database.

use jiff::{SignedDuration, Timestamp};
use rapport_core::mail::{MAX_MESSAGE_BYTES, MailOptions, MailSkipped};
use rapport_core::mailbox::{FolderState, Mailbox};
use rapport_core::ports::MailboxStore;
use rapport_core::workspace::Actor;
use rapport_store::Db;
use serde::Serialize;

use crate::imap::{ImapError, Security, Session};
use crate::secret::{SecretError, SecretKey};

/// Messages handed to the import at a time.
const BATCH: usize = 200;

/// How long a sync may hold its mailbox before another may take over.
const LEASE: SignedDuration = SignedDuration::from_mins(30);

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Core(#[from] rapport_core::Error),
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error("the mailbox password: {0}")]
    Secret(#[from] SecretError),
    #[error("another sync of this mailbox is running")]
    Busy,
}

impl From<rapport_core::StoreError> for SyncError {
    fn from(e: rapport_core::StoreError) -> Self {
        SyncError::Core(e.into())
    }
}

/// What a folder gave.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FolderReport {
    pub folder: String,
    /// Messages read this time.
    pub read: usize,
    /// The folder's UIDVALIDITY changed: it was read again from the start.
    pub read_again: bool,
}

/// What a sync did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SyncReport {
    pub folders: Vec<FolderReport>,
    pub messages: usize,
    pub interactions: usize,
    pub already_logged: usize,
    pub suggestions_offered: usize,
    pub unknown_senders: Vec<String>,
    pub skipped: Vec<MailSkipped>,
}

fn security_of(m: &Mailbox) -> Security {
    Security::parse(&m.security).unwrap_or(Security::Tls)
}

/// A name for this process's hold on mailboxes, unique across machines and restarts.
pub fn holder(what: &str) -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 8];
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    let random: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{what}-{}-{random}", std::process::id())
}

/// Connects and signs in, and opens each folder: what `rapport mail connect` tries before
/// it keeps anything.
pub async fn try_login(
    host: &str,
    port: u16,
    security: Security,
    user: &str,
    password: &str,
    folders: &[String],
) -> Result<(), ImapError> {
    let mut s = Session::connect(host, port, security).await?;
    s.login(user, password).await?;
    for f in folders {
        s.examine(f).await?;
    }
    s.logout().await;
    Ok(())
}

/// Reads what is new in the acting member's mailbox.
pub async fn sync(
    db: &Db,
    actor: &Actor,
    key: &SecretKey,
    holder: &str,
    now: Timestamp,
) -> Result<SyncReport, SyncError> {
    let mailbox = rapport_core::mailbox::mailbox(db, actor).await?;
    let (ws, user) = (&actor.workspace.id, &actor.user.id);
    if !db
        .take_mailbox_lease(
            ws,
            user,
            holder,
            now.saturating_add(LEASE).unwrap_or(now),
            now,
        )
        .await?
    {
        return Err(SyncError::Busy);
    }
    let result = read(db, actor, &mailbox, key, holder, now).await;
    let error = result.as_ref().err().map(ToString::to_string);
    db.finish_mailbox_sync(ws, user, holder, Timestamp::now(), error.as_deref())
        .await?;
    result
}

async fn import(
    db: &Db,
    actor: &Actor,
    batch: &mut Vec<rapport_core::mail::MailMessage>,
    skipped: &mut Vec<MailSkipped>,
    report: &mut SyncReport,
    now: Timestamp,
) -> Result<(), SyncError> {
    let part = rapport_core::mail::import(
        db,
        actor,
        std::mem::take(batch),
        &[],
        std::mem::take(skipped),
        &MailOptions::default(),
        now,
    )
    .await?;
    report.messages += part.messages;
    report.interactions += part.interactions.len();
    report.already_logged += part.already_logged;
    report.suggestions_offered += part.suggestions_offered;
    for u in part.unknown_senders {
        if !report.unknown_senders.contains(&u) {
            report.unknown_senders.push(u);
        }
    }
    report.skipped.extend(part.skipped);
    Ok(())
}

async fn read(
    db: &Db,
    actor: &Actor,
    mailbox: &Mailbox,
    key: &SecretKey,
    holder: &str,
    now: Timestamp,
) -> Result<SyncReport, SyncError> {
    let password = key.open(&mailbox.sealed_password)?;
    let mut s = Session::connect(&mailbox.host, mailbox.port, security_of(mailbox)).await?;
    s.login(&mailbox.username, &password).await?;
    let (ws, user) = (&actor.workspace.id, &actor.user.id);
    let mut report = SyncReport::default();
    for folder in &mailbox.folders {
        let validity = s.examine(folder).await?;
        let state = db.folder_state(ws, user, folder).await?;
        let read_again = state.is_some_and(|st| st.uid_validity != validity);
        let last = state
            .filter(|st| st.uid_validity == validity)
            .map_or(0, |st| st.last_uid);
        let mut folder_report = FolderReport {
            folder: folder.clone(),
            read: 0,
            read_again,
        };
        let (mut batch, mut skipped) = (Vec::new(), Vec::new());
        let uids = s.uids_after(last).await?;
        for (k, uid) in uids.iter().enumerate() {
            let here = format!("{folder} (UID {uid})");
            // A message the server will not give (refused, or answered oddly) is skipped
            // with its reason, not a reason to stop the folder for good.
            let read = match s.size(*uid).await {
                Ok(size) if size > MAX_MESSAGE_BYTES => {
                    Err(format!("larger than 25 MB ({} MB)", size / (1024 * 1024)))
                }
                Ok(_) => match s.fetch(*uid).await {
                    Ok(bytes) => {
                        rapport_formats::mail::parse_message(&bytes).map_err(|e| e.to_string())
                    }
                    Err(e @ (ImapError::Refused(_) | ImapError::Protocol(_))) => Err(e.to_string()),
                    Err(e) => return Err(e.into()),
                },
                Err(e @ (ImapError::Refused(_) | ImapError::Protocol(_))) => Err(e.to_string()),
                Err(e) => return Err(e.into()),
            };
            match read {
                Ok(m) => batch.push(m),
                Err(reason) => skipped.push(MailSkipped { path: here, reason }),
            }
            folder_report.read += 1;
            if batch.len() + skipped.len() >= BATCH || k + 1 == uids.len() {
                import(db, actor, &mut batch, &mut skipped, &mut report, now).await?;
                // Still ours? A long first sync keeps its lease; one that lost it stops.
                let at = Timestamp::now();
                if !db
                    .take_mailbox_lease(
                        ws,
                        user,
                        holder,
                        at.saturating_add(LEASE).unwrap_or(at),
                        at,
                    )
                    .await?
                {
                    return Err(SyncError::Busy);
                }
                db.set_folder_state(
                    ws,
                    user,
                    folder,
                    FolderState {
                        uid_validity: validity,
                        last_uid: *uid,
                    },
                )
                .await?;
            }
        }
        if uids.is_empty() && read_again {
            db.set_folder_state(
                ws,
                user,
                folder,
                FolderState {
                    uid_validity: validity,
                    last_uid: 0,
                },
            )
            .await?;
        }
        report.folders.push(folder_report);
    }
    s.logout().await;
    Ok(report)
}
