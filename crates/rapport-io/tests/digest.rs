//! The daily digest goes out once a day at each member's hour, through a real SMTP server
//! (aiosmtpd, started here), never twice, whatever the number of ticks.

use rapport_test_support::on_both_backends_with_smtp;

use jiff::Timestamp;
use rapport_core::ports::{AccountStore, WorkspaceStore};
use rapport_store::Db;

fn t(s: &str) -> Timestamp {
    s.parse().expect("instant")
}

async fn digests_go_out_once_a_day_at_their_hour(db: &Db) {
    let python = rapport_test_support::aiosmtpd_python();
    let dir = tempfile::tempdir().expect("dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut server = std::process::Command::new(&python)
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(dir.path().join("mail"))
        .spawn()
        .expect("start aiosmtpd");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    db.ensure_default_actor("My workspace", "owner", "Europe/Lisbon", Timestamp::now())
        .await
        .expect("actor");
    let bo = db
        .add_user(
            "My workspace",
            "bo@example.com",
            "Bo",
            rapport_core::workspace::Role::Member,
            None,
            Timestamp::now(),
        )
        .await
        .expect("member");
    db.set_digest(&bo, Some("07:30")).await.expect("digest");
    let cfg = rapport_io::mail::SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: rapport_io::mail::Security::None,
        user: None,
        password: None,
        from: "Rapport <rapport@example.com>".into(),
    };
    let send = |now: &'static str| {
        let cfg = cfg.clone();
        async move {
            rapport_io::mail::send_due_digests(db, &cfg, "http://127.0.0.1:7420", t(now))
                .await
                .expect("tick")
        }
    };
    let count = || {
        std::fs::read_dir(dir.path().join("mail").join("new"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    // 07:29 in Lisbon (UTC+0 in November): not yet; 07:30: out; later ticks: nothing more.
    assert_eq!(send("2026-11-25T07:29:00Z").await, 0);
    assert_eq!(send("2026-11-25T07:30:00Z").await, 1);
    assert_eq!(send("2026-11-25T07:31:00Z").await, 0);
    assert_eq!(send("2026-11-25T23:59:00Z").await, 0, "never twice a day");
    // The next day, again once.
    assert_eq!(send("2026-11-26T06:00:00Z").await, 0);
    assert_eq!(send("2026-11-26T08:00:00Z").await, 1);
    assert_eq!(send("2026-11-26T09:00:00Z").await, 0);
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(count(), 2, "two days, two messages");
    // With the server gone, a send fails and the day's claim is given back.
    assert_eq!(send("2026-11-27T08:00:00Z").await, 0);
    assert!(
        db.claim_digest(&bo, "2026-11-27").await.expect("claim"),
        "not marked sent"
    );
    // Stopped: nothing more.
    db.set_digest(&bo, None).await.expect("stop");
    assert_eq!(send("2026-11-28T08:00:00Z").await, 0);
}

on_both_backends_with_smtp!(digests_go_out_once_a_day_at_their_hour);
