//! Sending the daily digest by SMTP (lettre). Settings come from the environment, so no
//! password is ever stored in the database:
//!
//! - `RAPPORT_SMTP_HOST` (unset: no mail is sent), `RAPPORT_SMTP_PORT` (default 587 with
//!   STARTTLS, 465 with TLS, 25 without),
//! - `RAPPORT_SMTP_SECURITY`: `starttls` (default), `tls`, or `none` (a local relay only),
//! - `RAPPORT_SMTP_USER`, `RAPPORT_SMTP_PASSWORD` (both or neither),
//! - `RAPPORT_SMTP_FROM`: the sender, e.g. `Rapport <rapport@example.com>`.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rapport_formats::digest::Digest;

/// How the connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    StartTls,
    Tls,
    None,
}

/// Where and how to send mail.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Why mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail settings: {0}")]
    Settings(String),
    #[error("the message: {0}")]
    Message(String),
    #[error("the SMTP server: {0}")]
    Smtp(String),
}

impl SmtpConfig {
    /// The settings from the environment; `None` when `RAPPORT_SMTP_HOST` is unset.
    pub fn from_env() -> Result<Option<SmtpConfig>, MailError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// The settings from any lookup of the same names (for tests).
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<SmtpConfig>, MailError> {
        let Some(host) = get("RAPPORT_SMTP_HOST") else {
            return Ok(None);
        };
        let bad = |m: String| MailError::Settings(m);
        let security = match get("RAPPORT_SMTP_SECURITY")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("starttls") => Security::StartTls,
            Some("tls") => Security::Tls,
            Some("none") => Security::None,
            Some(other) => {
                return Err(bad(format!(
                    "RAPPORT_SMTP_SECURITY={other:?}: write starttls, tls or none"
                )));
            }
        };
        let port = match get("RAPPORT_SMTP_PORT") {
            Some(p) => p
                .trim()
                .parse()
                .map_err(|_| bad(format!("RAPPORT_SMTP_PORT={p:?} is not a port")))?,
            None => match security {
                Security::StartTls => 587,
                Security::Tls => 465,
                Security::None => 25,
            },
        };
        let (user, password) = (get("RAPPORT_SMTP_USER"), get("RAPPORT_SMTP_PASSWORD"));
        if user.is_some() != password.is_some() {
            return Err(bad(
                "set both RAPPORT_SMTP_USER and RAPPORT_SMTP_PASSWORD, or neither".into(),
            ));
        }
        let from =
            get("RAPPORT_SMTP_FROM").ok_or_else(|| bad("RAPPORT_SMTP_FROM is not set".into()))?;
        from.parse::<Mailbox>()
            .map_err(|e| bad(format!("RAPPORT_SMTP_FROM={from:?}: {e}")))?;
        Ok(Some(SmtpConfig {
            host,
            port,
            security,
            user,
            password,
            from,
        }))
    }
}

/// Sends a digest to `to` (a name and an email), as a multipart/alternative message.
pub async fn send(
    cfg: &SmtpConfig,
    to_name: &str,
    to_email: &str,
    d: &Digest,
) -> Result<(), MailError> {
    let from: Mailbox = cfg
        .from
        .parse()
        .map_err(|e| MailError::Settings(format!("the sender: {e}")))?;
    let to = Mailbox::new(
        Some(to_name.to_owned()),
        to_email
            .parse()
            .map_err(|e| MailError::Message(format!("{to_email:?}: {e}")))?,
    );
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(d.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            d.text.clone(),
            d.html.clone(),
        ))
        .map_err(|e| MailError::Message(e.to_string()))?;
    let builder = match cfg.security {
        Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host),
        Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host),
        Security::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            &cfg.host,
        )),
    }
    .map_err(|e| MailError::Smtp(e.to_string()))?;
    let mut builder = builder.port(cfg.port);
    if let (Some(u), Some(p)) = (&cfg.user, &cfg.password) {
        builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
    }
    builder
        .build()
        .send(message)
        .await
        .map_err(|e| MailError::Smtp(e.to_string()))?;
    Ok(())
}

pub use rapport_core::usecases::settings::parse_send_at;

/// Sends the digests due at `now`: each member whose local time has reached their hour and
/// who has not had that day's. Each is claimed in the database before it is sent, so two
/// ticks or two servers never send one twice; a failed send gives the claim back (it is
/// tried again on the next tick). Returns how many went out.
pub async fn send_due_digests(
    db: &rapport_store::Db,
    cfg: &SmtpConfig,
    base_url: &str,
    now: jiff::Timestamp,
) -> Result<usize, rapport_core::Error> {
    use rapport_core::ports::AccountStore;
    let mut sent = 0;
    for (actor, send_at, last) in db.digest_members().await? {
        let Ok(at) = parse_send_at(&send_at) else {
            continue;
        };
        let local = now.to_zoned_datetime(actor.workspace.tz());
        let day = local.date().to_string();
        if local.time() < at || last.as_deref().is_some_and(|l| l >= day.as_str()) {
            continue;
        }
        let Some(email) = actor.user.email.clone() else {
            continue;
        };
        if !db.claim_digest(&actor, &day).await? {
            continue;
        }
        let today = rapport_core::today::today_for(db, &actor, now).await?;
        let link = format!("{}/today", base_url.trim_end_matches('/'));
        let d = rapport_formats::digest::render(&today, &actor.user.name, Some(&link));
        match send(cfg, &actor.user.name, &email, &d).await {
            Ok(()) => sent += 1,
            Err(e) => {
                eprintln!("rapport: the digest for {email} was not sent ({e}); retrying later");
                db.release_digest(&actor, &day, last.as_deref()).await?;
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn digest_hours() {
        assert_eq!(parse_send_at("07:30"), Ok(jiff::civil::time(7, 30, 0, 0)));
        assert_eq!(parse_send_at(" 0:05 "), Ok(jiff::civil::time(0, 5, 0, 0)));
        for bad in ["7", "24:00", "07:60", "seven:30", "07:30:00", ""] {
            assert!(parse_send_at(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn settings_from_the_environment() {
        assert_eq!(SmtpConfig::from_lookup(env(&[])).ok().flatten(), None);
        let c = SmtpConfig::from_lookup(env(&[
            ("RAPPORT_SMTP_HOST", "smtp.example.com"),
            ("RAPPORT_SMTP_FROM", "Rapport <r@example.com>"),
            ("RAPPORT_SMTP_USER", "r"),
            ("RAPPORT_SMTP_PASSWORD", "secret"),
        ]))
        .expect("ok")
        .expect("set");
        assert_eq!((c.port, c.security), (587, Security::StartTls));
        assert!(
            !format!("{c:?}").contains("secret"),
            "the password is never printed"
        );
        for bad in [
            &[
                ("RAPPORT_SMTP_HOST", "h"),
                ("RAPPORT_SMTP_FROM", "r@example.com"),
                ("RAPPORT_SMTP_SECURITY", "ssl"),
            ][..],
            &[
                ("RAPPORT_SMTP_HOST", "h"),
                ("RAPPORT_SMTP_FROM", "r@example.com"),
                ("RAPPORT_SMTP_USER", "u"),
            ][..],
            &[("RAPPORT_SMTP_HOST", "h")][..],
            &[
                ("RAPPORT_SMTP_HOST", "h"),
                ("RAPPORT_SMTP_FROM", "not an address"),
            ][..],
            &[
                ("RAPPORT_SMTP_HOST", "h"),
                ("RAPPORT_SMTP_FROM", "r@example.com"),
                ("RAPPORT_SMTP_PORT", "x"),
            ][..],
        ] {
            assert!(SmtpConfig::from_lookup(env(bad)).is_err(), "{bad:?}");
        }
    }
}
