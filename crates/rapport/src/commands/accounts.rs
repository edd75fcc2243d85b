//! `rapport serve` and the admin commands: users, workspaces, API tokens.

use std::io::Read as _;

use anyhow::Context as _;
use rapport_core::account::{check_password, clean_email};
use rapport_core::ports::AccountStore;
use rapport_core::workspace::Role;
use rapport_core::{Error, Invalid};
use rapport_server::{AppState, Config};

use crate::cli::{HandoffArgs, ServeArgs, TokenCreateArgs, UserAddArgs, WorkspaceCreateArgs};
use crate::context::Context;
use crate::render;

pub async fn serve(ctx: &Context, a: ServeArgs) -> anyhow::Result<()> {
    // Bad settings are refused before anything starts.
    let mail_every = a.mail_every.as_deref().map(mail_interval).transpose()?;
    let listener = tokio::net::TcpListener::bind(&a.bind)
        .await
        .with_context(|| format!("listening on {}", a.bind))?;
    let addr = listener.local_addr().context("the bound address")?;
    let public_url = match &a.public_url {
        Some(u) => {
            let u = u.trim().trim_end_matches('/').to_owned();
            if !(u.starts_with("http://") || u.starts_with("https://"))
                || u.contains(char::is_whitespace)
            {
                return Err(Invalid::new(
                    "public-url",
                    format!("{u:?} is not a URL: write e.g. https://crm.example.com"),
                )
                .into());
            }
            u
        }
        None => format!("http://{addr}"),
    };
    let trusted_proxies = a
        .trusted_proxies
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            c.parse()
                .map_err(|m: String| Invalid::new("trusted-proxy", m))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let state = AppState::new(
        ctx.db.clone(),
        Config {
            secure_cookies: a.secure_cookies,
            public_url: public_url.clone(),
            trusted_proxies,
            limits: rapport_server::listen::Limits::default(),
        },
    );
    eprintln!(
        "Rapport is serving on http://{addr}/ ({})",
        ctx.db.backend()
    );
    if let Some(path) = rapport_server::setup_link(&ctx.db)
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?
    {
        // The one place a secret is printed: the owner needs it, once, to create their
        // account; it works once and only while no one can sign in.
        eprintln!("No one can sign in yet. Open this one-time link to create the owner's account:");
        eprintln!("  {public_url}{path}");
    }
    // The daily digests: every minute, those whose hour has come (never twice a day).
    match rapport_io::mail::SmtpConfig::from_env() {
        Ok(Some(cfg)) => {
            eprintln!("Daily digests go out through {}:{}.", cfg.host, cfg.port);
            let db = ctx.db.clone();
            let base = public_url.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
                loop {
                    tick.tick().await;
                    let now = jiff::Timestamp::now();
                    if let Err(e) = rapport_io::mail::send_due_digests(&db, &cfg, &base, now).await
                    {
                        eprintln!("rapport: daily digests: {e}");
                    }
                }
            });
        }
        Ok(None) => eprintln!("No SMTP server (RAPPORT_SMTP_HOST): daily digests are not sent."),
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    }
    // Members' mailboxes: read on a schedule, one server at a time per mailbox (a lease).
    if let Some(every) = mail_every {
        let key = rapport_io::secret::SecretKey::load(ctx.key_file.as_deref())?;
        eprintln!("Members' mailboxes are read every {} s.", every.as_secs());
        let db = ctx.db.clone();
        let holder = rapport_io::mailsync::holder("serve");
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let members = match rapport_core::ports::MailboxStore::all_mailboxes(&db).await {
                    Ok(m) => m,
                    Err(e) => {
                        eprintln!("rapport: mailboxes: {e}");
                        continue;
                    }
                };
                for actor in members {
                    let now = rapport_core::dates::micro_precision(jiff::Timestamp::now());
                    match rapport_io::mailsync::sync(&db, &actor, &key, &holder, now).await {
                        Ok(_) | Err(rapport_io::mailsync::SyncError::Busy) => {}
                        // Kept with the mailbox too (its last error), for its owner to see.
                        Err(e) => eprintln!(
                            "rapport: the mailbox of {}: {e}",
                            actor
                                .user
                                .email
                                .as_deref()
                                .unwrap_or(actor.user.name.as_str())
                        ),
                    }
                }
            }
        });
    }
    rapport_server::serve(listener, state, stop_signal())
        .await
        .context("serving HTTP")?;
    eprintln!("Rapport stopped.");
    Ok(())
}

/// `--mail-every`: 90s, 5m, 1h (at least a minute).
fn mail_interval(text: &str) -> anyhow::Result<std::time::Duration> {
    let t = text.trim();
    let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = n.parse().map_err(|_| {
        rapport_core::Invalid::new("mail-every", format!("{t:?} is not a duration such as 5m"))
    })?;
    let secs = match unit {
        "s" => n,
        "m" | "" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => {
            return Err(rapport_core::Invalid::new(
                "mail-every",
                format!("{t:?} is not a duration such as 5m"),
            )
            .into());
        }
    };
    if secs < 60 {
        return Err(rapport_core::Invalid::new("mail-every", "at least a minute (1m)").into());
    }
    Ok(std::time::Duration::from_secs(secs))
}

/// Completes on SIGTERM or Ctrl-C: the server then stops accepting and lets requests in
/// flight finish, so nothing is left half-written.
async fn stop_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                eprintln!("rapport: cannot listen for SIGTERM ({e}); stop with Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = term => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    eprintln!("Rapport is stopping: finishing the requests in flight.");
}

pub async fn add_user(ctx: &Context, a: UserAddArgs) -> anyhow::Result<()> {
    let email = clean_email(&a.email)?;
    let role: Role = a.role.parse()?;
    let name = match &a.name {
        Some(n) => rapport_core::commitment::clean_text("name", n)?,
        None => email.split('@').next().unwrap_or(&email).to_owned(),
    };
    let hash = if a.password_stdin {
        let mut password = String::new();
        std::io::stdin()
            .read_to_string(&mut password)
            .context("reading the password from standard input")?;
        let password = password.trim_end_matches(['\n', '\r']).to_owned();
        check_password(&password)?;
        Some(
            rapport_server::auth::hash_password(password)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?,
        )
    } else {
        None
    };
    let workspace = a
        .workspace
        .clone()
        .unwrap_or_else(|| ctx.actor.workspace.name.clone());
    let actor = ctx
        .db
        .add_user(
            &workspace,
            &email,
            &name,
            role,
            hash.as_deref(),
            Context::now(),
        )
        .await
        .map_err(|e| match Error::from(e) {
            Error::NotFound(_) => Error::NotFound(format!("no workspace is named {workspace:?}")),
            Error::Conflict(_) => Error::Conflict(format!("{email} already has an account")),
            other => other,
        })?;
    if a.out.json {
        return render::json(&serde_json::json!({
            "user_id": actor.user.id,
            "email": email,
            "workspace": actor.workspace.name,
            "role": actor.role,
            "can_sign_in": hash.is_some(),
        }));
    }
    eprintln!(
        "Added {email} to {} as {}{}",
        actor.workspace.name,
        actor.role,
        if hash.is_some() {
            ""
        } else {
            " (no password yet: they cannot sign in until one is set)"
        }
    );
    println!("{}", actor.user.id);
    Ok(())
}

pub async fn create_workspace(ctx: &Context, a: WorkspaceCreateArgs) -> anyhow::Result<()> {
    let name = rapport_core::commitment::clean_text("name", &a.name)?;
    let tz = a
        .time_zone
        .clone()
        .unwrap_or_else(|| ctx.actor.workspace.time_zone.clone());
    if jiff::tz::TimeZone::get(&tz).is_err() {
        return Err(Invalid::new(
            "time_zone",
            format!("{tz:?} is not a time zone: use an IANA name such as Europe/Lisbon"),
        )
        .into());
    }
    let actor = ctx
        .db
        .create_workspace(&name, &ctx.actor.user.name, &tz, Context::now())
        .await
        .map_err(|e| match Error::from(e) {
            Error::Conflict(_) => Error::Conflict(format!("a workspace is named {name:?} already")),
            other => other,
        })?;
    if a.out.json {
        return render::json(&actor.workspace);
    }
    eprintln!(
        "Created the workspace {} ({}); add people with rapport user add EMAIL --workspace {}",
        actor.workspace.name,
        actor.workspace.time_zone,
        render::shell_word(&actor.workspace.name)
    );
    println!("{}", actor.workspace.id);
    Ok(())
}

pub async fn create_token(ctx: &Context, a: TokenCreateArgs) -> anyhow::Result<()> {
    let email = clean_email(&a.email)?;
    let actor = ctx
        .db
        .actor_by_email(&email)
        .await
        .map_err(Error::from)?
        .ok_or_else(|| Error::NotFound(format!("no user has the email {email}")))?;
    let made =
        rapport_core::usecases::tokens::create(&ctx.db, &actor, &a.name, Context::now()).await?;
    if a.out.json {
        return render::json(&made);
    }
    // stdout holds the token alone, for scripts; the note goes to stderr.
    println!("{}", made.token);
    eprintln!("This token is shown once; only its hash is kept. Use it as Authorization: Bearer.");
    Ok(())
}

pub async fn handoff(ctx: &Context, a: HandoffArgs) -> anyhow::Result<()> {
    let done =
        rapport_core::account::handoff(&ctx.db, &ctx.actor, &a.from, &a.to, Context::now()).await?;
    if a.out.json {
        return render::json(&done);
    }
    println!(
        "{} handed to {}: {} contacts, {} open promises, {} open deals; {} has left {}.",
        a.from,
        a.to,
        done.contacts,
        done.open_commitments,
        done.open_deals,
        a.from,
        ctx.actor.workspace.name
    );
    Ok(())
}

pub async fn feed(ctx: &Context, a: crate::cli::FeedArgs) -> anyhow::Result<()> {
    let path = rapport_core::feed::rotate(&ctx.db, &ctx.actor, Context::now()).await?;
    let url = format!("{}{path}", a.base_url.trim_end_matches('/'));
    if a.out.json {
        return crate::render::json(&serde_json::json!({ "url": url }));
    }
    println!("{url}");
    eprintln!("Subscribe to it in your calendar app; it is shown this once (a new one ends it).");
    Ok(())
}

pub async fn digest(ctx: &Context, a: crate::cli::DigestArgs) -> anyhow::Result<()> {
    use rapport_core::ports::AccountStore;
    let actor = match &a.user {
        None => ctx.actor.clone(),
        Some(email) => ctx
            .db
            .actor_by_email(&rapport_core::account::clean_email(email)?)
            .await?
            .ok_or_else(|| {
                rapport_core::Error::NotFound(format!("no user has the email {email}"))
            })?,
    };
    let today = rapport_core::today::today_for(&ctx.db, &actor, Context::now()).await?;
    let link = format!("{}/today", a.base_url.trim_end_matches('/'));
    let d = rapport_formats::digest::render(&today, &actor.user.name, Some(&link));
    if a.send {
        let cfg = rapport_io::mail::SmtpConfig::from_env()
            .map_err(|e| rapport_core::Invalid::new("smtp", e.to_string()))?
            .ok_or_else(|| {
                rapport_core::Invalid::new(
                    "smtp",
                    "no SMTP server: set RAPPORT_SMTP_HOST and RAPPORT_SMTP_FROM (see README)",
                )
            })?;
        let to = actor.user.email.clone().ok_or_else(|| {
            rapport_core::Invalid::new(
                "user",
                format!("{} has no email address to send to", actor.user.name),
            )
        })?;
        rapport_io::mail::send(&cfg, &actor.user.name, &to, &d)
            .await
            .map_err(|e| anyhow::anyhow!("the digest was not sent: {e}"))?;
        if a.out.json {
            return crate::render::json(&serde_json::json!({"sent_to": to, "subject": d.subject}));
        }
        println!("Sent “{}” to {to}.", d.subject);
        return Ok(());
    }
    if a.out.json {
        return crate::render::json(&serde_json::json!({
            "subject": d.subject, "text": d.text, "html": d.html,
        }));
    }
    println!("Subject: {}\n", d.subject);
    print!("{}", if a.html { &d.html } else { &d.text });
    Ok(())
}

pub async fn list_users(ctx: &Context, a: crate::cli::JsonOnly) -> anyhow::Result<()> {
    let all = rapport_core::account::accounts(&ctx.db, &ctx.actor).await?;
    if a.out.json {
        return render::json(&all);
    }
    for u in &all {
        let workspaces = u
            .workspaces
            .iter()
            .map(|w| format!("{} ({})", w.workspace, w.role))
            .collect::<Vec<_>>()
            .join(", ");
        let no_email = if u.user_id == ctx.actor.user.id {
            "(no email: rapport user edit me --email ...)".to_owned()
        } else {
            format!("(no email: rapport user edit {} --email ...)", u.user_id)
        };
        println!(
            "{}  {}{}  {}  {}",
            u.email.as_deref().unwrap_or(&no_email),
            u.name,
            if u.can_sign_in {
                ""
            } else {
                " (cannot sign in yet)"
            },
            if workspaces.is_empty() {
                "no workspace"
            } else {
                &workspaces
            },
            u.user_id
        );
    }
    Ok(())
}

pub async fn edit_user(ctx: &Context, a: crate::cli::UserEditArgs) -> anyhow::Result<()> {
    let changed = rapport_core::account::edit_account(
        &ctx.db,
        &ctx.actor,
        &a.who,
        a.email.as_deref(),
        a.name.as_deref(),
    )
    .await?;
    if a.out.json {
        return render::json(&changed);
    }
    println!(
        "{} <{}>",
        changed.name,
        changed.email.as_deref().unwrap_or("no email")
    );
    Ok(())
}
