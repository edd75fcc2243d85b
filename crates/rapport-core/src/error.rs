//! Errors of the domain and of storage. Libraries use these (thiserror); only binaries turn
//! them into `anyhow`.

use serde::Serialize;

/// Input that was refused, naming the field so a form or CLI can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    /// The field or argument at fault (`name`, `email`, `date`...).
    pub field: &'static str,
    /// A sentence a person can act on.
    pub message: String,
}

impl Invalid {
    /// A refusal of `field` with a message.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// What storage can go wrong with. Kept small (after atuin's database trait): callers act on
/// `NotFound` and `Conflict`; everything else is an internal failure to log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row in this workspace (rows of other workspaces are indistinguishable).
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference constraint refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database is busy with another writer (SQLite's lock held longer than its wait,
    /// a PostgreSQL serialization failure): nothing was written; try again shortly.
    #[error("the database is busy")]
    Busy,
    /// Anything else: connection lost, disk full, corrupt data.
    #[error("storage failure: {0}")]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// A short description of a contact, as shown when a reference matches several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub organisation: Option<String>,
    /// The first email, what most often tells two namesakes apart.
    pub email: Option<String>,
    /// The relationship type, as a person reads it.
    pub relationship: &'static str,
}

/// Errors of the services.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was refused; nothing was written.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The thing referred to does not exist in this workspace.
    #[error("{0}")]
    NotFound(String),
    /// A reference matched more than one contact: how many (`more_than` when the count
    /// stopped), and every one of them up to that count.
    #[error(
        "{reference:?} matches {}{matches} contacts; name one in full, or by its id (the start of it will do){}:\n{}",
        if *more_than { "more than " } else { "" },
        if candidates.len() < *matches { format!(" (the first {})", candidates.len()) } else { String::new() },
        describe(candidates)
    )]
    Ambiguous {
        reference: String,
        matches: usize,
        more_than: bool,
        candidates: Vec<Candidate>,
    },
    /// The change conflicts with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// A promise of mine on a day that already has the workspace's threshold of open
    /// promises of mine due: nothing was written; record it anyway, or pick another day.
    #[error("{0}")]
    DayFull(DayFull),
    /// The acting user's role does not allow it (a member doing an owner's job).
    #[error("{0}")]
    Forbidden(String),
    /// The database was busy with other writes (a long import): nothing was written, and
    /// the same request a little later will do.
    #[error(
        "Rapport is busy with another change (a large import?): nothing was written; try again in a moment"
    )]
    Busy,
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

/// The promises of mine already due on a day that is full (see [`Error::DayFull`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayFull {
    /// The day, in the workspace's time zone (YYYY-MM-DD).
    pub date: String,
    /// The open promises of mine due that day, with whom.
    pub due: Vec<DueThatDay>,
}

/// One open promise of mine due on a full day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueThatDay {
    pub commitment_id: String,
    pub text: String,
    pub contact_id: String,
    pub contact_name: String,
}

impl std::fmt::Display for DayFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list: Vec<String> = self
            .due
            .iter()
            .map(|d| format!("“{}” ({})", d.text, d.contact_name))
            .collect();
        write!(
            f,
            "{} already has {} open promises of yours due: {}. Record it anyway, or pick another day.",
            self.date,
            self.due.len(),
            list.join(", ")
        )
    }
}

fn describe(candidates: &[Candidate]) -> String {
    // As git shortens commits: the fewest characters that tell them apart, 23 at least (the
    // first 13 of an id are the time it was made, alike for contacts imported together).
    let mut width = 23;
    while width < 36 {
        let mut starts: Vec<&str> = candidates
            .iter()
            .map(|c| c.id.get(..width).unwrap_or(&c.id))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        if starts.len() == candidates.len() {
            break;
        }
        width += 1;
    }
    candidates
        .iter()
        .map(|c| {
            let mut line = format!("  {}", c.name);
            if let Some(o) = &c.organisation {
                line.push_str(&format!(", {o}"));
            }
            if let Some(e) = &c.email {
                line.push_str(&format!(", {e}"));
            }
            let id = c.id.get(..width).unwrap_or(&c.id);
            line.push_str(&format!(", {} [{id}]", c.relationship));
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound("not found".into()),
            StoreError::Conflict(m) => Error::Conflict(m),
            StoreError::Busy => Error::Busy,
            other => Error::Store(other),
        }
    }
}

/// Result of a service call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
