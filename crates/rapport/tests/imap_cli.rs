//! A member's mailbox over IMAP, against a real Dovecot (Debian's dovecot-imapd) started by
//! the test with a throwaway configuration on free loopback ports, plain, STARTTLS and TLS
//! (a certificate made for the test with openssl): connect refuses a wrong password and keeps
//! nothing; sync reads INBOX and Sent, logs the conversations and offers the promises; a
//! second sync reads nothing; a message appended later is read alone; the password is stored
//! sealed; `rapport serve --mail-every` reads it on its own. Required under CI=true; skipped
//! (saying so) where Dovecot is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

#[macro_use]
mod common;
use common::Book;
use rapport_test_support::on_both_books;

const DOVECOT: &str = "/usr/sbin/dovecot";

/// A Dovecot of its own, stopped when dropped.
struct Dovecot {
    dir: tempfile::TempDir,
    plain: u16,
    tls: u16,
}

impl Dovecot {
    fn conf(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }
    /// The authority the server's certificate is signed by.
    fn cert(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new(DOVECOT)
            .arg("-c")
            .arg(self.conf())
            .arg("stop")
            .status();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn dovecot() -> Option<Dovecot> {
    if !Path::new(DOVECOT).exists() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "Dovecot (dovecot-imapd) is missing under CI=true"
        );
        eprintln!("skipping: {DOVECOT} is not installed, the IMAP test is not run");
        return None;
    }
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    // An authority of the test's own, and the server's certificate signed by it (rustls
    // refuses a self-signed authority as the server's own certificate).
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(d)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Rapport test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        d.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "cert.pem",
    ]);
    std::fs::write(d.join("users"), "ana:{PLAIN}secret pass\n").expect("users");
    std::fs::create_dir_all(d.join("home")).expect("home");
    // Dovecot reads mail as an unprivileged user: dovenull when run as root, else us.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let (user, internal) = if root {
        let _ = Command::new("chown")
            .args(["-R", "dovenull:dovenull"])
            .arg(d.join("home"))
            .status();
        ("uid=dovenull gid=dovenull".to_owned(), String::new())
    } else {
        let me = std::env::var("USER").unwrap_or_else(|_| "nobody".into());
        let uid =
            String::from_utf8_lossy(&Command::new("id").arg("-u").output().expect("id").stdout)
                .trim()
                .to_owned();
        let gid =
            String::from_utf8_lossy(&Command::new("id").arg("-g").output().expect("id").stdout)
                .trim()
                .to_owned();
        (
            format!("uid={uid} gid={gid}"),
            format!("default_internal_user = {me}\ndefault_login_user = {me}\n"),
        )
    };
    let (plain, tls) = (free_port(), free_port());
    let p = d.display();
    let conf = format!(
        "base_dir = {p}/run\nstate_dir = {p}/state\nlog_path = {p}/dovecot.log\n{internal}\
         protocols = imap\nlisten = 127.0.0.1\nssl = yes\nssl_cert = <{p}/cert.pem\nssl_key = <{p}/key.pem\n\
         disable_plaintext_auth = no\nauth_mechanisms = plain login\nfirst_valid_uid = 1\n\
         passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {p}/users\n}}\n\
         userdb {{\n  driver = static\n  args = {user} home={p}/home/%u\n}}\n\
         mail_location = maildir:~/Maildir\n\
         service imap-login {{\n  chroot =\n  inet_listener imap {{\n    port = {plain}\n  }}\n  inet_listener imaps {{\n    port = {tls}\n    ssl = yes\n  }}\n}}\n\
         service anvil {{\n  chroot =\n}}\n"
    );
    let server = Dovecot { dir, plain, tls };
    std::fs::write(server.conf(), conf).expect("conf");
    // It goes to the background: its output is its log, not a pipe we would wait on.
    let started = Command::new(DOVECOT)
        .arg("-c")
        .arg(server.conf())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("dovecot");
    assert!(
        started.success(),
        "{}",
        std::fs::read_to_string(server.dir.path().join("dovecot.log")).unwrap_or_default()
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", plain)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Some(server)
}

/// Puts a message in a folder, as a mail client would.
fn append(server: &Dovecot, folder: &str, message: &str) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        use rapport_io::imap::{Security, Session};
        let mut s = Session::connect("127.0.0.1", server.plain, Security::Plain)
            .await
            .expect("connect");
        s.login("ana", "secret pass").await.expect("login");
        let _ = s.create(folder).await;
        s.append(folder, message.as_bytes()).await.expect("append");
        s.logout().await;
    });
}

fn message(from: &str, to: &str, id: &str, body: &str) -> String {
    let at = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(2))
        .expect("a time")
        .to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let date = jiff::fmt::rfc2822::to_string(&at).expect("a date");
    format!(
        "From: {from}\r\nTo: {to}\r\nDate: {date}\r\nSubject: The order\r\nMessage-ID: <{id}>\r\n\r\n{body}\r\n"
    )
}

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn a_mailbox_is_read_over_imap(b: &Book) {
    let Some(server) = dovecot() else {
        return;
    };
    b.ok(&["user", "edit", "me", "--email", "me@rapport.example"]);
    b.ok(&["contact", "add", "Ana Lima", "--email", "ana@example.com"]);
    append(
        &server,
        "INBOX",
        &message(
            "Ana Lima <ana@example.com>",
            "me@rapport.example",
            "imap-1@example.com",
            "We'll send the signed order within 3 days.",
        ),
    );
    append(
        &server,
        "Sent",
        &message(
            "Me <me@rapport.example>",
            "ana@example.com",
            "imap-2@rapport.example",
            "Thanks. I'll call you tomorrow.",
        ),
    );
    let ca = server.cert();
    let env = [("RAPPORT_IMAP_CA_FILE", ca.as_str())];
    let plain = server.plain.to_string();
    let tls = server.tls.to_string();

    // Nothing connected yet.
    assert_eq!(b.run(&["mail", "sync"]).status.code(), Some(3));
    // A wrong password, or a folder that is not there: refused, nothing kept.
    let wrong = b.run_env(
        &[
            "mail",
            "connect",
            "--host",
            "127.0.0.1",
            "--port",
            &plain,
            "--plain",
            "--user",
            "ana",
            "--password-stdin",
        ],
        &env,
        Some("not the password\n"),
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("not connected"));
    let missing = b.run_env(
        &[
            "mail",
            "connect",
            "--host",
            "127.0.0.1",
            "--port",
            &plain,
            "--plain",
            "--user",
            "ana",
            "--password-stdin",
            "--folder",
            "Nowhere",
        ],
        &env,
        Some("secret pass\n"),
    );
    assert!(!missing.status.success());
    assert_eq!(
        b.run(&["mail", "sync"]).status.code(),
        Some(3),
        "nothing was kept"
    );
    // In the clear only on this machine.
    let far = b.run_env(
        &[
            "mail",
            "connect",
            "--host",
            "imap.example.com",
            "--plain",
            "--user",
            "ana",
            "--password-stdin",
        ],
        &env,
        Some("secret pass\n"),
    );
    assert_eq!(far.status.code(), Some(2));
    // STARTTLS works, then TLS replaces it.
    json_of(&b.run_env(
        &[
            "mail",
            "connect",
            "--host",
            "localhost",
            "--port",
            &plain,
            "--starttls",
            "--user",
            "ana",
            "--password-stdin",
            "--json",
        ],
        &env,
        Some("secret pass\n"),
    ));
    let connected = json_of(&b.run_env(
        &[
            "mail",
            "connect",
            "--host",
            "localhost",
            "--port",
            &tls,
            "--tls",
            "--user",
            "ana",
            "--password-stdin",
            "--folder",
            "INBOX",
            "--folder",
            "Sent",
            "--json",
        ],
        &env,
        Some("secret pass\n"),
    ));
    assert_eq!(connected["folders"], serde_json::json!(["INBOX", "Sent"]));
    assert!(
        !connected.to_string().contains("secret"),
        "the password is never shown"
    );

    let first = json_of(&b.run_env(&["mail", "sync", "--json"], &env, None));
    assert_eq!(first["messages"], 2, "{first}");
    assert_eq!(first["interactions"], 2);
    assert_eq!(first["suggestions_offered"], 2);
    let again = json_of(&b.run_env(&["mail", "sync", "--json"], &env, None));
    assert_eq!(again["messages"], 0, "nothing read twice: {again}");
    append(
        &server,
        "INBOX",
        &message(
            "Ana Lima <ana@example.com>",
            "me@rapport.example",
            "imap-3@example.com",
            "Received, thank you.",
        ),
    );
    let third = json_of(&b.run_env(&["mail", "sync", "--json"], &env, None));
    assert_eq!(
        (third["messages"].as_u64(), third["interactions"].as_u64()),
        (Some(1), Some(1)),
        "{third}"
    );
    assert_eq!(b.json(&["suggestions"])["total"], 2);

    // Without the key the password cannot be opened: the sync says so.
    let other_key = b.run_env(
        &["mail", "sync"],
        &[
            ("RAPPORT_IMAP_CA_FILE", ca.as_str()),
            (
                "RAPPORT_SECRET_KEY",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            ),
        ],
        None,
    );
    assert!(!other_key.status.success());
    assert!(
        String::from_utf8_lossy(&other_key.stderr).contains("password"),
        "{}",
        String::from_utf8_lossy(&other_key.stderr)
    );

    // `rapport serve --mail-every` reads it on its own (its first round at start): a
    // message appended now arrives without a sync by hand.
    append(
        &server,
        "INBOX",
        &message(
            "Ana Lima <ana@example.com>",
            "me@rapport.example",
            "imap-4@example.com",
            "I'll send the contract on Friday.",
        ),
    );
    let port = free_port().to_string();
    let mut serve = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--mail-every",
            "1m",
        ])
        .env("RAPPORT_DB", &b.url)
        .env("HOME", b.dir.path())
        .env_remove("XDG_DATA_HOME")
        .env("RAPPORT_IMAP_CA_FILE", &ca)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let mut arrived = false;
    for _ in 0..150 {
        if b.json(&["suggestions"])["total"] == 3 {
            arrived = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(arrived, "the server read the mailbox");
    assert_eq!(
        b.run(&["serve", "--bind", "127.0.0.1:0", "--mail-every", "10s"])
            .status
            .code(),
        Some(2),
        "at least a minute"
    );

    b.ok(&["mail", "disconnect"]);
    assert_eq!(b.run(&["mail", "sync"]).status.code(), Some(3));
}

on_both_books!(a_mailbox_is_read_over_imap);
