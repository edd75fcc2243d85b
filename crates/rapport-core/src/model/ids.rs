//! Typed identifiers. Every id is a UUIDv7 in its text form: time-ordered (no write hot
//! spots, good index locality) and the same representation on SQLite and PostgreSQL.

/// Declares a typed id (used by other modules for their own ids).
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            /// Wraps an id that came from storage or from a deterministic generator.
            pub fn from_stored(s: impl Into<String>) -> Self {
                Self(s.into())
            }

            /// Parses an id typed by a user; `None` unless it is a well-formed UUID.
            pub fn parse(s: &str) -> Option<Self> {
                uuid::Uuid::try_parse(s.trim())
                    .ok()
                    .map(|u| Self(u.hyphenated().to_string()))
            }

            /// The id's text form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

pub(crate) use id_type;

id_type!(
    /// A workspace: the unit of isolation. Every row belongs to exactly one.
    WorkspaceId
);
id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A contact (a person behind an account).
    ContactId
);
id_type!(
    /// A fact in a contact's personal memory.
    FactId
);
id_type!(
    /// An interaction (call, meeting, email...) with a contact.
    InteractionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_uuids_and_normalises_case() {
        let id = ContactId::parse(" 0192F0C4-7A3B-7C00-8000-000000000001 ").expect("valid uuid");
        assert_eq!(id.as_str(), "0192f0c4-7a3b-7c00-8000-000000000001");
        assert!(ContactId::parse("Ana").is_none());
        assert!(ContactId::parse("").is_none());
    }

    #[test]
    fn generated_ids_sort_by_creation_time() {
        let a = ContactId::generate();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = ContactId::generate();
        assert!(a < b);
    }
}
