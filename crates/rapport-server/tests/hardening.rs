//! What an attacker, or a second process, tries against a real server on port 0, on SQLite
//! and PostgreSQL: owner-only rules on every route, tokens and sessions ended elsewhere,
//! parallel password guessing, slow clients, forms posted from another site, caching of
//! private answers, NUL characters from a form.

use rapport_test_support::on_both_backends;

use jiff::Timestamp;
use rapport_core::ports::{AccountStore, WorkspaceStore};
use rapport_core::workspace::{Actor, Role};
use rapport_store::Db;
use rapport_test_support::http::{api, request, session_for, start, start_with, token_for};
use serde_json::json;

const FORM: &str = "application/x-www-form-urlencoded";

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

async fn owner_and_member(db: &Db) -> (Actor, Actor) {
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("owner");
    let member = db
        .add_user(
            "My workspace",
            "bo@example.com",
            "Bo",
            Role::Member,
            None,
            Timestamp::now(),
        )
        .await
        .expect("member");
    (owner, member)
}

/// Issue 15: a member could set the workspace's budget through the API while the web form
/// refused. The rule now lives in the core, so every route agrees.
async fn owner_rules_hold_on_every_route(db: &Db) {
    let (owner, member) = owner_and_member(db).await;
    let (to, tm) = (token_for(db, &owner).await, token_for(db, &member).await);
    let addr = start(db).await;
    let refused = api(
        addr,
        &tm,
        "PUT",
        "/api/v1/budget",
        Some(json!({"amount": "999999"})),
    )
    .await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (403, "forbidden"),
        "{}",
        refused.body
    );
    let budget = api(addr, &tm, "GET", "/api/v1/budget", None).await.json();
    assert!(budget["budget"].is_null(), "nothing was set: {budget}");
    for change in [
        json!({"appreciation": {"customer": 30}}),
        json!({"keep_in_touch": {"prospect": 7}}),
        json!({"time_zone": "Europe/Lisbon"}),
        json!({"time_zone": "Europe/Lisbon", "digest_at": "07:30"}),
    ] {
        let r = api(addr, &tm, "PATCH", "/api/v1/settings", Some(change.clone())).await;
        assert_eq!(r.status, 403, "{change}: {}", r.body);
    }
    let settings = api(addr, &tm, "GET", "/api/v1/settings", None).await.json();
    assert_eq!(
        settings["time_zone"], "UTC",
        "a refused change wrote nothing"
    );
    assert!(settings["digest_at"].is_null());
    // A member's own digest hour is theirs to set, in the one grammar.
    let set = api(
        addr,
        &tm,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"digest_at": "7:05"})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.json()["digest_at"], "07:05");
    let off = api(
        addr,
        &tm,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"digest_at": "off"})),
    )
    .await;
    assert!(off.json()["digest_at"].is_null());
    let bad = api(
        addr,
        &tm,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"digest_at": "25:00"})),
    )
    .await;
    assert_eq!(bad.status, 422);
    // The web form for the budget says the same.
    let (cookie, csrf) = session_for(db, &member).await;
    let web = request(
        addr,
        "POST",
        "/settings/budget",
        &[("Cookie", &cookie)],
        Some((FORM, &form(&[("csrf", &csrf), ("amount", "5")]))),
    )
    .await;
    assert_eq!(web.status, 403, "{}", web.body);
    // The owner may.
    let ok = api(
        addr,
        &to,
        "PUT",
        "/api/v1/budget",
        Some(json!({"amount": "2,500"})),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
}

/// A token revoked, or a member handed off, by another process (the CLI, another server)
/// stops working on the very next request; so does a session.
async fn tokens_and_sessions_ended_elsewhere_fail_at_once(db: &Db) {
    let (owner, member) = owner_and_member(db).await;
    let addr = start(db).await;
    let (token, hash) = rapport_core::usecases::tokens::new_token().expect("token");
    let id = rapport_core::account::TokenId::generate();
    db.add_token(&owner, &id, "laptop", &hash, Timestamp::now())
        .await
        .expect("token");
    for _ in 0..3 {
        assert_eq!(
            api(addr, &token, "GET", "/api/v1/today", None).await.status,
            200
        );
    }
    // As `rapport token revoke` would, in another process: straight to the database.
    db.revoke_token(&owner, &id, Timestamp::now())
        .await
        .expect("revoke");
    assert_eq!(
        api(addr, &token, "GET", "/api/v1/today", None).await.status,
        401,
        "the very next request"
    );

    let tm = token_for(db, &member).await;
    let (cookie, _) = session_for(db, &member).await;
    assert_eq!(
        api(addr, &tm, "GET", "/api/v1/today", None).await.status,
        200
    );
    let page = request(addr, "GET", "/today", &[("Cookie", &cookie)], None).await;
    assert_eq!(page.status, 200);
    rapport_core::account::handoff(
        db,
        &owner,
        "bo@example.com",
        &owner.user.id.to_string(),
        Timestamp::now(),
    )
    .await
    .expect("handoff");
    assert_eq!(
        api(addr, &tm, "GET", "/api/v1/today", None).await.status,
        401
    );
    let page = request(addr, "GET", "/today", &[("Cookie", &cookie)], None).await;
    assert_eq!(page.status, 303, "signed out: {}", page.body);
}

/// 40 wrong passwords at once for one account: at most 10 are even checked, the rest are
/// refused, and the right password is then refused too until the window passes.
async fn parallel_guesses_never_pass_the_limit(db: &Db) {
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("owner");
    let _ = owner;
    let hash = rapport_server::auth::hash_password("correct horse battery".into())
        .await
        .expect("hash");
    db.add_user(
        "My workspace",
        "cy@example.com",
        "Cy",
        Role::Member,
        Some(&hash),
        Timestamp::now(),
    )
    .await
    .expect("user");
    let addr = start(db).await;
    let sign_in = |password: &'static str| async move {
        let page = request(addr, "GET", "/login", &[], None).await;
        let token = page
            .headers
            .iter()
            .find_map(|(k, v)| {
                (k.eq_ignore_ascii_case("set-cookie") && v.starts_with("rapport_login_csrf="))
                    .then(|| {
                        v["rapport_login_csrf=".len()..]
                            .split(';')
                            .next()
                            .map(str::to_owned)
                    })
                    .flatten()
            })
            .expect("csrf cookie");
        let body = form(&[
            ("csrf", &token),
            ("email", "cy@example.com"),
            ("password", password),
        ]);
        let cookie = format!("rapport_login_csrf={token}");
        request(
            addr,
            "POST",
            "/login",
            &[("Cookie", &cookie)],
            Some((FORM, &body)),
        )
        .await
        .status
    };
    let guesses: Vec<_> = (0..40)
        .map(|_| tokio::spawn(sign_in("wrong password!")))
        .collect();
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.expect("join"));
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked, 10, "{statuses:?}");
    assert_eq!(refused, 30, "{statuses:?}");
    assert_eq!(
        sign_in("correct horse battery").await,
        429,
        "locked even with the right password"
    );
}

/// A half-sent header, a stalled body and an idle keep-alive connection are cut off.
async fn slow_clients_are_cut_off(db: &Db) {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("owner");
    let token = token_for(db, &owner).await;
    let limits = rapport_server::listen::Limits {
        header_read: Duration::from_secs(1),
        body_idle: Duration::from_secs(1),
        shutdown_grace: Duration::from_secs(1),
    };
    let addr = start_with(
        db,
        rapport_server::Config {
            limits,
            ..Default::default()
        },
    )
    .await;
    let read_all = |mut s: tokio::net::TcpStream| async move {
        let mut out = Vec::new();
        let r = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
        assert!(r.is_ok(), "the server never closed the connection");
        String::from_utf8_lossy(&out).into_owned()
    };

    // Half a header, then nothing.
    let started = Instant::now();
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let answer = read_all(s).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // A body that stops coming: 408.
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\": \"Sl"
    );
    s.write_all(head.as_bytes()).await.expect("write");
    let answer = read_all(s).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let contacts = api(addr, &token, "GET", "/api/v1/contacts", None)
        .await
        .json();
    assert_eq!(
        contacts["items"].as_array().map(Vec::len),
        Some(0),
        "nothing written"
    );

    // A keep-alive connection left idle after its answer.
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let answer = read_all(s).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A page on another site cannot post Rapport's forms: not the invitation (which would sign
/// the visitor in to an account the attacker chose), not a signed-in form.
async fn forms_from_another_site_are_refused(db: &Db) {
    let (owner, member) = owner_and_member(db).await;
    let addr = start(db).await;
    let token = rapport_server::auth::secret(24).expect("secret");
    rapport_core::account::invite(
        db,
        &owner,
        "di@example.com",
        "Di",
        Role::Member,
        rapport_server::auth::digest(&token),
        Timestamp::now(),
    )
    .await
    .expect("invite");
    let path = format!("/invite/{token}");
    let body = form(&[("password", "attacker's password")]);
    for cross in [
        ("Origin", "http://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Origin", "null"),
    ] {
        let r = request(addr, "POST", &path, &[cross], Some((FORM, &body))).await;
        assert_eq!(r.status, 403, "{cross:?}: {}", r.body);
    }
    assert_eq!(
        request(addr, "GET", &path, &[], None).await.status,
        200,
        "the invitation is still there"
    );
    let (cookie, csrf) = session_for(db, &member).await;
    let evil = request(
        addr,
        "POST",
        "/contacts",
        &[("Cookie", &cookie), ("Origin", "https://evil.example")],
        Some((FORM, &form(&[("csrf", &csrf), ("name", "Planted")]))),
    )
    .await;
    assert_eq!(evil.status, 403);
    let own = format!("http://{addr}");
    let ok = request(
        addr,
        "POST",
        "/contacts",
        &[
            ("Cookie", &cookie),
            ("Origin", &own),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        Some((FORM, &form(&[("csrf", &csrf), ("name", "Real")]))),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let joined = request(
        addr,
        "POST",
        &path,
        &[("Origin", &own)],
        Some((FORM, &form(&[("password", "di's own password")]))),
    )
    .await;
    assert_eq!(joined.status, 303, "{}", joined.body);
}

/// Pages and answers with private data are never kept by a browser or proxy cache.
async fn private_answers_are_not_cached(db: &Db) {
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("owner");
    let token = token_for(db, &owner).await;
    let addr = start(db).await;
    let made = api(
        addr,
        &token,
        "POST",
        "/api/v1/tokens",
        Some(json!({"name": "phone"})),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.header("cache-control"), Some("no-store"));
    let export = api(addr, &token, "GET", "/api/v1/export/vcard", None).await;
    assert_eq!(export.status, 200);
    assert_eq!(export.header("cache-control"), Some("no-store"));
    let (cookie, csrf) = session_for(db, &owner).await;
    let settings = request(
        addr,
        "POST",
        "/settings/tokens",
        &[("Cookie", &cookie)],
        Some((FORM, &form(&[("csrf", &csrf), ("name", "tablet")]))),
    )
    .await;
    assert_eq!(settings.header("cache-control"), Some("no-store"));
    let css = request(addr, "GET", "/static/app.css", &[], None).await;
    assert_eq!(css.header("cache-control"), Some("max-age=3600"));
}

/// NUL characters typed into a web form are refused like the API's, and nothing is kept;
/// a contact added with another's email is added, and its page names the other one.
async fn what_a_form_sends_is_checked_like_the_api(db: &Db) {
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("owner");
    let token = token_for(db, &owner).await;
    let addr = start(db).await;
    let ana = api(
        addr,
        &token,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Ana Lima", "emails": ["ana@example.com"]})),
    )
    .await;
    assert_eq!(ana.status, 201);
    assert_eq!(ana.json()["same_as"], json!([]));
    let ana_id = ana.json()["id"].as_str().expect("id").to_owned();
    let again = api(
        addr,
        &token,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "A. Lima", "emails": ["ANA@example.com"]})),
    )
    .await;
    assert_eq!(again.status, 201, "added all the same");
    assert_eq!(again.json()["same_as"][0]["id"], ana_id.as_str());
    assert_eq!(again.json()["same_as"][0]["name"], "Ana Lima");

    let (cookie, csrf) = session_for(db, &owner).await;
    let added = request(
        addr,
        "POST",
        "/contacts",
        &[("Cookie", &cookie)],
        Some((
            FORM,
            &form(&[
                ("csrf", &csrf),
                ("name", "Ana L."),
                ("email", "ana@EXAMPLE.com"),
            ]),
        )),
    )
    .await;
    assert_eq!(added.status, 303);
    let to = added.header("location").expect("location").to_owned();
    assert!(to.contains(&format!("?same_as={ana_id}")), "{to}");
    let page = request(addr, "GET", &to, &[("Cookie", &cookie)], None).await;
    assert!(
        page.body
            .contains(&format!("<a href=\"/contacts/{ana_id}\">Ana Lima</a>")),
        "{}",
        page.body
    );

    let nul = request(
        addr,
        "POST",
        &format!("/contacts/{ana_id}/facts"),
        &[("Cookie", &cookie)],
        Some((
            FORM,
            &form(&[("csrf", &csrf), ("kind", "note"), ("text", "likes\0tea")]),
        )),
    )
    .await;
    assert_eq!(nul.status, 422, "{}", nul.body);
    let card = api(
        addr,
        &token,
        "GET",
        &format!("/api/v1/contacts/{ana_id}"),
        None,
    )
    .await
    .json();
    assert_eq!(card["facts"], json!([]), "nothing kept");
}

on_both_backends!(
    owner_rules_hold_on_every_route,
    tokens_and_sessions_ended_elsewhere_fail_at_once,
    parallel_guesses_never_pass_the_limit,
    slow_clients_are_cut_off,
    forms_from_another_site_are_refused,
    private_answers_are_not_cached,
    what_a_form_sends_is_checked_like_the_api,
);

/// Another process holding SQLite's write lock past the 10 s wait (a large import from the
/// CLI) is answered 503 busy with Retry-After, never 500, and nothing is half-written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_held_by_another_process_answers_busy_not_500() {
    use sqlx::Connection as _;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    let db = Db::open_sqlite(&path).await.expect("open");
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("owner");
    let token = token_for(&db, &owner).await;
    let addr = start(&db).await;
    let url = format!("sqlite:{}", path.display());
    let mut other = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("lock");
    let held = api(
        addr,
        &token,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Waiting"})),
    )
    .await;
    assert_eq!(
        (held.status, held.error_code().as_str()),
        (503, "busy"),
        "{}",
        held.body
    );
    assert_eq!(held.header("retry-after"), Some("5"));
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("unlock");
    other.close().await.expect("close");
    let again = api(
        addr,
        &token,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Waiting"})),
    )
    .await;
    assert_eq!(again.status, 201, "{}", again.body);
    let list = api(addr, &token, "GET", "/api/v1/contacts", None)
        .await
        .json();
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(1),
        "written once"
    );
    db.close().await;
}
