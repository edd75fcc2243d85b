//! `rapport mail connect`, `mail sync`, `mail disconnect`: the member's mailbox over IMAP.

use std::io::Read;

use rapport_core::mailbox::MailboxSettings;
use rapport_io::imap::Security;
use rapport_io::secret::SecretKey;

use crate::cli::{JsonOnly, MailConnectArgs};
use crate::context::Context;
use crate::render;

pub async fn connect(ctx: &Context, a: MailConnectArgs) -> anyhow::Result<()> {
    let security = if a.starttls {
        "starttls"
    } else if a.plain {
        "plain"
    } else {
        "tls"
    };
    let settings = MailboxSettings {
        host: a.host,
        port: a.port,
        security: security.into(),
        username: a.user,
        folders: a.folders,
    };
    // Checked before the password is read or the server reached.
    let (host, port, security, user, folders) = settings.checked()?;
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() || password.contains(['\r', '\n', '\0']) {
        return Err(rapport_core::Invalid::new(
            "password",
            "give the password on stdin, on one line",
        )
        .into());
    }
    let how = Security::parse(&security).unwrap_or(Security::Tls);
    rapport_io::mailsync::try_login(&host, port, how, &user, &password, &folders)
        .await
        .map_err(|e| anyhow::anyhow!("the mailbox was not connected: {e}"))?;
    let key = SecretKey::load(ctx.key_file.as_deref())?;
    let sealed = key.seal(&password)?;
    let m = rapport_core::mailbox::connect(&ctx.db, &ctx.actor, &settings, sealed, Context::now())
        .await?;
    if a.out.json {
        return render::json(&m);
    }
    println!(
        "Connected {}@{}:{} ({}), reading {}. Run rapport mail sync, or rapport serve --mail-every 5m.",
        m.username,
        m.host,
        m.port,
        m.security,
        m.folders.join(", ")
    );
    Ok(())
}

pub async fn sync(ctx: &Context, a: JsonOnly) -> anyhow::Result<()> {
    let key = SecretKey::load(ctx.key_file.as_deref())?;
    let holder = rapport_io::mailsync::holder("cli");
    // The core's errors as themselves, for their exit codes (3: no mailbox connected).
    let report = rapport_io::mailsync::sync(&ctx.db, &ctx.actor, &key, &holder, Context::now())
        .await
        .map_err(|e| match e {
            rapport_io::mailsync::SyncError::Core(c) => anyhow::Error::from(c),
            other => anyhow::Error::from(other),
        })?;
    if a.out.json {
        return render::json(&report);
    }
    for f in &report.folders {
        println!(
            "{}: {} new messages{}",
            f.folder,
            f.read,
            if f.read_again {
                " (the server renumbered it: read again, nothing logged twice)"
            } else {
                ""
            }
        );
    }
    println!(
        "Logged {} conversations ({} already logged); {} promises offered to confirm{}.",
        report.interactions,
        report.already_logged,
        report.suggestions_offered,
        if report.suggestions_offered > 0 {
            ": rapport suggestions"
        } else {
            ""
        }
    );
    if !report.unknown_senders.is_empty() {
        println!(
            "{} addresses are no contact of yours (rapport mail import --create-contacts makes them contacts from a file).",
            report.unknown_senders.len()
        );
    }
    for s in &report.skipped {
        println!("skipped {}: {}", s.path, s.reason);
    }
    Ok(())
}

pub async fn disconnect(ctx: &Context, a: JsonOnly) -> anyhow::Result<()> {
    rapport_core::mailbox::forget(&ctx.db, &ctx.actor).await?;
    if a.out.json {
        return render::json(&serde_json::json!({"disconnected": true}));
    }
    println!("Your mailbox is forgotten, its password with it.");
    Ok(())
}
