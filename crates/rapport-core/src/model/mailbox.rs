//! A member's mailbox, read over IMAP: where it is, how it is secured, the folders read, and
//! what was read of each. The password is sealed at the edge (rapport-io's `secret`) before
//! it reaches the core, and never leaves it in the clear.

use jiff::Timestamp;
use serde::Serialize;

use crate::error::Invalid;

/// The most folders one mailbox reads.
pub const MAX_FOLDERS: usize = 20;

/// A mailbox as stored.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    pub host: String,
    pub port: u16,
    /// `tls`, `starttls` or `plain` (loopback only).
    pub security: String,
    pub username: String,
    /// The password, sealed (never shown).
    #[serde(skip)]
    pub sealed_password: String,
    pub folders: Vec<String>,
    pub last_sync_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("folders", &self.folders)
            .finish_non_exhaustive()
    }
}

/// What was read of a folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FolderState {
    pub uid_validity: u32,
    pub last_uid: u32,
}

/// A mailbox as typed: checked before it is stored.
#[derive(Clone, Debug, Default)]
pub struct MailboxSettings {
    pub host: String,
    pub port: Option<u16>,
    pub security: String,
    pub username: String,
    pub folders: Vec<String>,
}

impl MailboxSettings {
    /// The settings checked, with the port the security implies when none is given.
    pub fn checked(&self) -> Result<(String, u16, String, String, Vec<String>), Invalid> {
        let host = self.host.trim().to_ascii_lowercase();
        if host.is_empty()
            || host.len() > 253
            || host.contains(|c: char| c.is_whitespace() || c == '/')
        {
            return Err(Invalid::new(
                "host",
                "give the IMAP server's name, e.g. imap.example.com",
            ));
        }
        let security = self.security.trim().to_ascii_lowercase();
        let default_port = match security.as_str() {
            "tls" => 993,
            "starttls" => 143,
            "plain" => {
                if !matches!(host.as_str(), "localhost" | "127.0.0.1" | "::1") {
                    return Err(Invalid::new(
                        "security",
                        "a password goes in the clear only to a server on this machine: use TLS or STARTTLS",
                    ));
                }
                143
            }
            _ => return Err(Invalid::new("security", "tls, starttls or plain")),
        };
        let port = self.port.unwrap_or(default_port);
        if port == 0 {
            return Err(Invalid::new("port", "a port between 1 and 65535"));
        }
        let username = self.username.trim().to_owned();
        if username.is_empty() || username.len() > 320 || username.contains(['\r', '\n', '\0']) {
            return Err(Invalid::new("user", "give the mailbox's user name"));
        }
        let mut folders: Vec<String> = Vec::new();
        for f in &self.folders {
            let f = f.trim();
            if f.is_empty() || f.len() > 200 || f.contains(['\r', '\n', '\0', '"', '\\']) {
                return Err(Invalid::new(
                    "folder",
                    format!("{f:?} is not a folder name"),
                ));
            }
            // IMAP names others in modified UTF-7, which is not spoken here yet.
            if !f.is_ascii() {
                return Err(Invalid::new(
                    "folder",
                    format!("{f:?}: only folder names in plain ASCII can be read for now"),
                ));
            }
            if !folders.iter().any(|g| g == f) {
                folders.push(f.to_owned());
            }
        }
        if folders.is_empty() {
            folders.push("INBOX".to_owned());
        }
        if folders.len() > MAX_FOLDERS {
            return Err(Invalid::new(
                "folder",
                format!("at most {MAX_FOLDERS} folders"),
            ));
        }
        Ok((host, port, security, username, folders))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_and_a_password_in_the_clear_stays_on_this_machine() {
        let ok = MailboxSettings {
            host: " IMAP.Example.com ".into(),
            security: "TLS".into(),
            username: "ana".into(),
            folders: vec!["INBOX".into(), "Sent".into(), "INBOX".into()],
            ..MailboxSettings::default()
        };
        let (host, port, security, _, folders) = ok.checked().expect("fine");
        assert_eq!(
            (host.as_str(), port, security.as_str()),
            ("imap.example.com", 993, "tls")
        );
        assert_eq!(folders, ["INBOX", "Sent"]);
        let plain_far = MailboxSettings {
            security: "plain".into(),
            ..ok.clone()
        };
        assert_eq!(plain_far.checked().expect_err("far").field, "security");
        let plain_here = MailboxSettings {
            host: "127.0.0.1".into(),
            security: "plain".into(),
            ..ok.clone()
        };
        assert!(plain_here.checked().is_ok());
        for bad in [
            MailboxSettings {
                host: "".into(),
                ..ok.clone()
            },
            MailboxSettings {
                security: "ssl3".into(),
                ..ok.clone()
            },
            MailboxSettings {
                username: " ".into(),
                ..ok.clone()
            },
            MailboxSettings {
                folders: vec!["a\"b".into()],
                ..ok.clone()
            },
            MailboxSettings {
                port: Some(0),
                ..ok.clone()
            },
        ] {
            assert!(bad.checked().is_err(), "{bad:?}");
        }
    }
}
