//! Through a real server on port 0, on SQLite and PostgreSQL: first-run set-up, sign-in and
//! its throttle, sessions and CSRF, the API with its error shape, and workspace isolation.

use rapport_test_support::on_both_backends;

use jiff::Timestamp;
use rapport_core::ports::{AccountStore, WorkspaceStore};
use rapport_store::Db;
use rapport_test_support::http::{Answer, api, request, start, token_for};
use serde_json::json;

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

const FORM: &str = "application/x-www-form-urlencoded";

/// The value a `Set-Cookie` header gives `name`.
fn set_cookie(a: &Answer, name: &str) -> Option<String> {
    a.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| {
            let first = v.split(';').next()?;
            let (k, val) = first.split_once('=')?;
            (k == name).then(|| val.to_owned())
        })
}

/// A hidden `csrf` field's value in a page.
fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().expect("value").to_owned()
}

async fn first_run_setup_sign_in_and_throttle(db: &Db) {
    db.ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let addr = start(db).await;
    let health = request(addr, "GET", "/healthz", &[], None).await;
    assert_eq!(health.status, 200);
    assert!(
        health
            .header("content-security-policy")
            .is_some_and(|c| c.contains("frame-ancestors 'none'") && !c.contains("unsafe-inline"))
    );
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));

    // First start: a one-time link; no default password anywhere.
    let link = rapport_server::setup_link(db)
        .await
        .expect("link")
        .expect("no one can sign in yet");
    assert_eq!(request(addr, "GET", &link, &[], None).await.status, 200);
    let short = form(&[
        ("name", "Ana Owner"),
        ("email", "ana@example.com"),
        ("password", "short"),
    ]);
    let refused = request(addr, "POST", &link, &[], Some((FORM, &short))).await;
    assert_eq!(refused.status, 422);
    let good = form(&[
        ("name", "Ana Owner"),
        ("email", "Ana@Example.com"),
        ("password", "correct horse battery"),
    ]);
    let done = request(addr, "POST", &link, &[], Some((FORM, &good))).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let cookie_header = done
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.clone())
        .expect("a session cookie");
    assert!(cookie_header.contains("HttpOnly") && cookie_header.contains("SameSite=Lax"));
    let sid = set_cookie(&done, "rapport_session").expect("session");
    assert_eq!(
        request(addr, "GET", &link, &[], None).await.status,
        404,
        "the link works once"
    );
    assert_eq!(
        request(addr, "POST", &link, &[], Some((FORM, &good)))
            .await
            .status,
        409
    );
    assert!(
        rapport_server::setup_link(db)
            .await
            .expect("link")
            .is_none(),
        "no more set-up once someone can sign in"
    );

    // The session opens Today; signing out needs the page's CSRF token.
    let session = format!("rapport_session={sid}");
    let today = request(addr, "GET", "/today", &[("Cookie", &session)], None).await;
    assert_eq!(today.status, 200);
    assert!(today.body.contains("<h1>Today"));
    let csrf = csrf_in(&today.body);
    let forged = form(&[("csrf", "forged")]);
    let out = request(
        addr,
        "POST",
        "/logout",
        &[("Cookie", &session)],
        Some((FORM, &forged)),
    )
    .await;
    assert_eq!(out.status, 403);
    let real = form(&[("csrf", &csrf)]);
    let out = request(
        addr,
        "POST",
        "/logout",
        &[("Cookie", &session)],
        Some((FORM, &real)),
    )
    .await;
    assert_eq!(out.status, 303);
    let after = request(addr, "GET", "/today", &[("Cookie", &session)], None).await;
    assert_eq!(after.status, 303, "the session is gone");

    // Signing in: the form's CSRF cookie must match; ten failures lock the account a while.
    let sign_in = |password: &'static str| async move {
        let page = request(addr, "GET", "/login", &[], None).await;
        let token = set_cookie(&page, "rapport_login_csrf").expect("login csrf cookie");
        let body = form(&[
            ("csrf", &token),
            ("email", "ana@example.com"),
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
    };
    let no_cookie = form(&[
        ("csrf", "x"),
        ("email", "ana@example.com"),
        ("password", "correct horse battery"),
    ]);
    assert_eq!(
        request(addr, "POST", "/login", &[], Some((FORM, &no_cookie)))
            .await
            .status,
        403
    );
    let ok = sign_in("correct horse battery").await;
    assert_eq!(ok.status, 303);
    assert!(set_cookie(&ok, "rapport_session").is_some());
    for _ in 0..10 {
        assert_eq!(sign_in("wrong password!").await.status, 401);
    }
    let locked = sign_in("correct horse battery").await;
    assert_eq!(locked.status, 429, "throttled even with the right password");
    assert!(set_cookie(&locked, "rapport_session").is_none());
}

async fn the_api_answers_in_one_shape(db: &Db) {
    let actor = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let token = token_for(db, &actor).await;
    let addr = start(db).await;

    assert_eq!(
        request(addr, "GET", "/api/v1/contacts", &[], None)
            .await
            .error_code(),
        "unauthorized"
    );
    let bad = api(addr, "rpt_not-a-token", "GET", "/api/v1/contacts", None).await;
    assert_eq!(
        (bad.status, bad.error_code().as_str()),
        (401, "unauthorized")
    );

    let mut ids = Vec::new();
    for name in ["Ana Lima", "Bruno Costa", "Carla Dias"] {
        let c = api(
            addr,
            &token,
            "POST",
            "/api/v1/contacts",
            Some(json!({"name": name, "type": "customer", "emails": [format!("{}@example.com", name.len())]})),
        )
        .await;
        assert_eq!(c.status, 201, "{}", c.body);
        ids.push(c.json()["id"].as_str().expect("id").to_owned());
    }
    // Cursor pagination.
    let p1 = api(addr, &token, "GET", "/api/v1/contacts?limit=2", None)
        .await
        .json();
    assert_eq!(p1["items"].as_array().map(Vec::len), Some(2));
    let cursor = p1["next_cursor"].as_str().expect("a next page").to_owned();
    let p2 = api(
        addr,
        &token,
        "GET",
        &format!("/api/v1/contacts?limit=2&cursor={cursor}"),
        None,
    )
    .await
    .json();
    assert_eq!(p2["items"][0]["name"], "Carla Dias");
    assert!(p2["next_cursor"].is_null());

    // A promise due today shows on Today; marking it kept moves trust.
    let k = api(
        addr,
        &token,
        "POST",
        "/api/v1/commitments",
        Some(json!({"contact_id": ids[0], "direction": "mine", "text": "Send the samples", "due": "today"})),
    )
    .await;
    assert_eq!(k.status, 201, "{}", k.body);
    let kid = k.json()["id"].as_str().expect("id").to_owned();
    let today = api(addr, &token, "GET", "/api/v1/today", None).await.json();
    assert!(
        today["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["kind"] == "mine_due" && i["commitment_id"] == kid.as_str())
    );
    let kept = api(
        addr,
        &token,
        "POST",
        &format!("/api/v1/commitments/{kid}/outcome"),
        Some(json!({"outcome": "kept"})),
    )
    .await;
    assert_eq!(kept.json()["status"], "kept");
    // Renegotiating an open promise closes it and opens its successor.
    let open = api(
        addr,
        &token,
        "POST",
        "/api/v1/commitments",
        Some(json!({"contact_id": ids[1], "direction": "mine", "text": "Call back", "due": "+2d"})),
    )
    .await;
    let oid = open.json()["id"].as_str().expect("id").to_owned();
    let next = api(
        addr,
        &token,
        "POST",
        &format!("/api/v1/commitments/{oid}/renegotiate"),
        Some(json!({"due": "+9d"})),
    )
    .await;
    assert_eq!(next.status, 201, "{}", next.body);
    assert_eq!(next.json()["predecessor_id"], oid.as_str());
    let old = api(
        addr,
        &token,
        "GET",
        &format!("/api/v1/commitments/{oid}"),
        None,
    )
    .await;
    assert_eq!(old.json()["status"], "renegotiated");
    // Commitments page by cursor: three in all, two then one, none twice.
    let first = api(addr, &token, "GET", "/api/v1/commitments?limit=2", None)
        .await
        .json();
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = api(
        addr,
        &token,
        "GET",
        &format!("/api/v1/commitments?limit=2&cursor={cursor}"),
        None,
    )
    .await
    .json();
    let mut seen: Vec<String> = first["items"]
        .as_array()
        .expect("items")
        .iter()
        .chain(second["items"].as_array().expect("items"))
        .map(|k| k["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(seen.len(), 3);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3, "no commitment on two pages");
    assert!(second["next_cursor"].is_null());
    let bad_cursor = api(addr, &token, "GET", "/api/v1/commitments?cursor=nope", None).await;
    assert_eq!(bad_cursor.status, 400);
    // Today was cached a moment ago; the outcome retires it at once.
    let today = api(addr, &token, "GET", "/api/v1/today", None).await.json();
    assert!(
        !today["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["commitment_id"] == kid.as_str()),
        "a kept promise leaves Today at once"
    );
    let trust = api(
        addr,
        &token,
        "GET",
        &format!("/api/v1/contacts/{}/trust", ids[0]),
        None,
    )
    .await
    .json();
    assert!(
        trust["mine"]["evidence"].as_f64().is_some_and(|e| e > 0.0),
        "{trust}"
    );

    // Errors: each with its status and the one shape.
    let cases: Vec<(Answer, u16, &str)> = vec![
        (
            api(
                addr,
                &token,
                "POST",
                &format!("/api/v1/commitments/{kid}/outcome"),
                Some(json!({"outcome": "kept"})),
            )
            .await,
            409,
            "conflict",
        ),
        (
            api(
                addr,
                &token,
                "POST",
                &format!("/api/v1/commitments/{kid}/outcome"),
                Some(json!({"outcome": "maybe"})),
            )
            .await,
            422,
            "invalid",
        ),
        (
            api(
                addr,
                &token,
                "POST",
                "/api/v1/contacts",
                Some(json!({"name": "X", "colour": "red"})),
            )
            .await,
            422,
            "invalid",
        ),
        (
            api(
                addr,
                &token,
                "POST",
                "/api/v1/contacts",
                Some(json!({"name": "  "})),
            )
            .await,
            422,
            "invalid",
        ),
        (
            api(
                addr,
                &token,
                "GET",
                "/api/v1/contacts/0192f0c4-7a3b-7c00-8000-000000000001",
                None,
            )
            .await,
            404,
            "not_found",
        ),
        (
            api(addr, &token, "GET", "/api/v1/contacts/ana", None).await,
            404,
            "not_found",
        ),
        (
            api(addr, &token, "GET", "/api/v1/no-such-route", None).await,
            404,
            "not_found",
        ),
        (
            api(addr, &token, "GET", "/api/v1/today?date=someday", None).await,
            422,
            "invalid",
        ),
        (
            api(addr, &token, "GET", "/api/v1/contacts?limit=many", None).await,
            400,
            "bad_request",
        ),
        // NUL characters: refused up front (PostgreSQL cannot store them).
        (
            api(addr, &token, "GET", "/api/v1/contacts?search=a%00b", None).await,
            400,
            "bad_request",
        ),
        (
            api(
                addr,
                &token,
                "POST",
                "/api/v1/contacts",
                Some(json!({"name": "a\u{0}b"})),
            )
            .await,
            422,
            "invalid",
        ),
    ];
    for (a, status, code) in cases {
        assert_eq!(
            (a.status, a.error_code().as_str()),
            (status, code),
            "{}",
            a.body
        );
    }
    let auth = format!("Bearer {token}");
    let broken = request(
        addr,
        "POST",
        "/api/v1/contacts",
        &[("Authorization", &auth)],
        Some(("application/json", b"{\"name\": ")),
    )
    .await;
    assert_eq!(
        (broken.status, broken.error_code().as_str()),
        (400, "bad_request")
    );
    let text = request(
        addr,
        "POST",
        "/api/v1/contacts",
        &[("Authorization", &auth)],
        Some(("text/plain", b"{\"name\": \"X\"}")),
    )
    .await;
    assert_eq!(text.status, 415);
    let huge = format!(
        "{{\"name\": \"{}\"}}",
        "x".repeat(rapport_server::BODY_LIMIT + 10)
    );
    let big = request(
        addr,
        "POST",
        "/api/v1/contacts",
        &[("Authorization", &auth)],
        Some(("application/json", huge.as_bytes())),
    )
    .await;
    assert_eq!(big.status, 413);
    let all = api(addr, &token, "GET", "/api/v1/contacts?limit=100", None)
        .await
        .json();
    assert_eq!(
        all["items"].as_array().map(Vec::len),
        Some(3),
        "refused requests wrote nothing"
    );

    // Tokens: created (shown once), listed without the secret, revoked.
    let t = api(
        addr,
        &token,
        "POST",
        "/api/v1/tokens",
        Some(json!({"name": "script"})),
    )
    .await;
    assert_eq!(t.status, 201);
    let second = t.json()["token"].as_str().expect("token").to_owned();
    let tid = t.json()["id"].as_str().expect("id").to_owned();
    let listed = api(addr, &token, "GET", "/api/v1/tokens", None).await;
    assert!(
        !listed.body.contains(&second),
        "a token is never shown again"
    );
    assert_eq!(
        api(addr, &second, "GET", "/api/v1/today", None)
            .await
            .status,
        200
    );
    assert_eq!(
        api(
            addr,
            &token,
            "DELETE",
            &format!("/api/v1/tokens/{tid}"),
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api(addr, &second, "GET", "/api/v1/today", None)
            .await
            .status,
        401
    );
}

async fn another_workspace_sees_and_changes_nothing(db: &Db) {
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let b = db
        .create_workspace("Other", "Other owner", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let (ta, tb) = (token_for(db, &a).await, token_for(db, &b).await);
    let addr = start(db).await;
    let c = api(
        addr,
        &ta,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Ana Lima"})),
    )
    .await;
    let cid = c.json()["id"].as_str().expect("id").to_owned();
    let k = api(
        addr,
        &ta,
        "POST",
        "/api/v1/commitments",
        Some(json!({"contact_id": cid, "direction": "theirs", "text": "Pay the deposit", "due": "+3d"})),
    )
    .await;
    let kid = k.json()["id"].as_str().expect("id").to_owned();
    let d = api(
        addr,
        &ta,
        "POST",
        "/api/v1/deals",
        Some(json!({"contact_id": cid, "title": "Fleet", "value": 1000})),
    )
    .await;
    assert_eq!(d.status, 201, "{}", d.body);
    let did = d.json()["id"].as_str().expect("id").to_owned();
    let r = api(
        addr,
        &ta,
        "POST",
        "/api/v1/requests",
        Some(json!({"contact_id": cid, "text": "A discount"})),
    )
    .await;
    let rid = r.json()["id"].as_str().expect("id").to_owned();
    let deal_before = api(addr, &ta, "GET", &format!("/api/v1/deals/{did}"), None)
        .await
        .body;
    let before = api(
        addr,
        &ta,
        "GET",
        &format!("/api/v1/commitments/{kid}"),
        None,
    )
    .await
    .body;

    // Every route, with B's token and A's ids: 404 as for an unknown id, nothing changed.
    let walk: Vec<(&str, String, Option<serde_json::Value>)> = vec![
        ("GET", format!("/api/v1/contacts/{cid}"), None),
        ("GET", format!("/api/v1/contacts/{cid}/trust"), None),
        ("GET", format!("/api/v1/contacts/{cid}/brief"), None),
        ("GET", format!("/api/v1/commitments?contact_id={cid}"), None),
        ("GET", format!("/api/v1/commitments/{kid}"), None),
        (
            "POST",
            format!("/api/v1/commitments/{kid}/outcome"),
            Some(json!({"outcome": "broken"})),
        ),
        (
            "POST",
            format!("/api/v1/commitments/{kid}/at-risk"),
            Some(json!({})),
        ),
        ("POST", format!("/api/v1/commitments/{kid}/told"), None),
        (
            "POST",
            format!("/api/v1/commitments/{kid}/renegotiate"),
            Some(json!({"due": "+9d"})),
        ),
        (
            "POST",
            "/api/v1/commitments".to_owned(),
            Some(json!({"contact_id": cid, "direction": "mine", "text": "x", "due": "today"})),
        ),
        ("GET", "/api/v1/contacts?cursor=".to_owned() + &cid, None),
        (
            "POST",
            format!("/api/v1/contacts/{cid}/edit"),
            Some(json!({"name": "Mine now"})),
        ),
        ("POST", format!("/api/v1/contacts/{cid}/archive"), None),
        ("POST", format!("/api/v1/contacts/{cid}/restore"), None),
        ("GET", format!("/api/v1/contacts/{cid}/facts"), None),
        (
            "POST",
            format!("/api/v1/contacts/{cid}/facts"),
            Some(json!({"kind": "interest", "text": "Sailing"})),
        ),
        ("GET", format!("/api/v1/contacts/{cid}/interactions"), None),
        (
            "POST",
            format!("/api/v1/contacts/{cid}/interactions"),
            Some(json!({"summary": "Called"})),
        ),
        ("GET", format!("/api/v1/requests?contact_id={cid}"), None),
        (
            "POST",
            "/api/v1/requests".to_owned(),
            Some(json!({"contact_id": cid, "text": "x"})),
        ),
        ("GET", format!("/api/v1/requests/{rid}"), None),
        (
            "POST",
            format!("/api/v1/requests/{rid}/why"),
            Some(json!({"why": "x"})),
        ),
        (
            "POST",
            format!("/api/v1/requests/{rid}/answer"),
            Some(json!({"commitment_id": kid})),
        ),
        ("GET", format!("/api/v1/deals/{did}"), None),
        (
            "POST",
            format!("/api/v1/deals/{did}/stage"),
            Some(json!({"stage": "lost"})),
        ),
        (
            "POST",
            format!("/api/v1/deals/{did}/terms"),
            Some(json!({"kind": "give", "text": "x"})),
        ),
        (
            "POST",
            "/api/v1/deals".to_owned(),
            Some(json!({"contact_id": cid, "title": "x"})),
        ),
        ("GET", format!("/api/v1/gestures?contact_id={cid}"), None),
        (
            "POST",
            "/api/v1/gestures".to_owned(),
            Some(json!({"contact_id": cid, "kind": "gift", "text": "x"})),
        ),
        (
            "POST",
            "/api/v1/referrals".to_owned(),
            Some(json!({"referrer_id": cid, "referred_id": cid})),
        ),
    ];
    for (method, path, body) in walk {
        let theirs = api(addr, &tb, method, &path, body.clone()).await;
        let unknown_path = path
            .replace(&cid, "0192f0c4-7a3b-7c00-8000-0000000000aa")
            .replace(&kid, "0192f0c4-7a3b-7c00-8000-0000000000bb")
            .replace(&did, "0192f0c4-7a3b-7c00-8000-0000000000cc")
            .replace(&rid, "0192f0c4-7a3b-7c00-8000-0000000000dd");
        let unknown_body = body.map(|b| {
            serde_json::from_str(
                &b.to_string()
                    .replace(&cid, "0192f0c4-7a3b-7c00-8000-0000000000aa"),
            )
            .expect("json")
        });
        let unknown = api(addr, &ta, method, &unknown_path, unknown_body).await;
        assert!(
            theirs.status == 404 || theirs.status == 400,
            "{method} {path}: {} {}",
            theirs.status,
            theirs.body
        );
        // The same answer, the id asked about aside (echoed back to its asker).
        let anon = |body: &str| {
            body.replace(&cid, "ID")
                .replace(&kid, "ID")
                .replace(&did, "ID")
                .replace(&rid, "ID")
                .replace("0192f0c4-7a3b-7c00-8000-0000000000cc", "ID")
                .replace("0192f0c4-7a3b-7c00-8000-0000000000dd", "ID")
                .replace("0192f0c4-7a3b-7c00-8000-0000000000aa", "ID")
                .replace("0192f0c4-7a3b-7c00-8000-0000000000bb", "ID")
        };
        assert_eq!(
            (theirs.status, anon(&theirs.body)),
            (unknown.status, anon(&unknown.body)),
            "{method} {path}: another workspace's id answers as an unknown one"
        );
    }
    for path in [
        "/api/v1/contacts",
        "/api/v1/commitments",
        "/api/v1/today",
        "/api/v1/deals",
        "/api/v1/requests",
        "/api/v1/gestures",
        "/api/v1/advocates",
    ] {
        let v = api(addr, &tb, "GET", path, None).await.json();
        assert!(
            v["items"].as_array().is_some_and(Vec::is_empty),
            "{path}: {v}"
        );
    }
    let after = api(
        addr,
        &ta,
        "GET",
        &format!("/api/v1/commitments/{kid}"),
        None,
    )
    .await
    .body;
    assert_eq!(before, after, "nothing changed");
    let deal_after = api(addr, &ta, "GET", &format!("/api/v1/deals/{did}"), None)
        .await
        .body;
    assert_eq!(deal_before, deal_after, "nothing changed");
    let mine = api(addr, &ta, "GET", "/api/v1/contacts", None).await.json();
    assert_eq!(mine["items"][0]["name"], "Ana Lima");
    assert!(mine["items"][0]["archived_at"].is_null());
    let b_budget = api(addr, &tb, "GET", "/api/v1/budget?year=2026", None)
        .await
        .json();
    assert_eq!(b_budget["spent"], 0);
}

async fn the_whole_book_over_http(db: &Db) {
    let actor = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let t = token_for(db, &actor).await;
    let addr = start(db).await;
    let post = |path: &'static str, body: serde_json::Value| {
        let t = t.clone();
        async move { api(addr, &t, "POST", path, Some(body)).await }
    };
    let kenji = post(
        "/api/v1/contacts",
        json!({"name": "Kenji Watanabe", "type": "prospect"}),
    )
    .await
    .json()["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let ana = post(
        "/api/v1/contacts",
        json!({"name": "Ana Lima", "type": "customer"}),
    )
    .await
    .json()["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let u = |p: String| p;
    let edited = api(
        addr,
        &t,
        "POST",
        &u(format!("/api/v1/contacts/{kenji}/edit")),
        Some(json!({"organisation": "Port of Lisbon", "add_tags": ["fleet"], "cadence_days": 21})),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.json()["organisation"], "Port of Lisbon");
    let f = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/contacts/{kenji}/facts"),
        Some(json!({"kind": "family", "text": "Sofia", "relation": "daughter", "date": "2016-02-29"})),
    )
    .await;
    assert_eq!(f.status, 201, "{}", f.body);
    let bad_fact = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/contacts/{kenji}/facts"),
        Some(json!({"kind": "family", "text": "Sofia", "date": "2016-02-30"})),
    )
    .await;
    assert_eq!(bad_fact.status, 422);
    let i = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/contacts/{kenji}/interactions"),
        Some(json!({"kind": "call", "summary": "Talked about the hybrid fleet", "they_said": "Budget closes in December", "at": "yesterday"})),
    )
    .await;
    assert_eq!(i.status, 201, "{}", i.body);
    let found = api(
        addr,
        &t,
        "GET",
        "/api/v1/interactions/search?q=HYBRID",
        None,
    )
    .await
    .json();
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1));
    let timeline = api(
        addr,
        &t,
        "GET",
        &format!("/api/v1/contacts/{kenji}/interactions"),
        None,
    )
    .await
    .json();
    assert_eq!(timeline["items"][0]["kind"], "call");

    let r = post(
        "/api/v1/requests",
        json!({"contact_id": kenji, "text": "A discount on 12 cars"}),
    )
    .await;
    let rid = r.json()["id"].as_str().expect("id").to_owned();
    let open = api(addr, &t, "GET", "/api/v1/requests?open=true", None)
        .await
        .json();
    assert_eq!(open["items"].as_array().map(Vec::len), Some(1));
    api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/requests/{rid}/why"),
        Some(json!({"why": "Their budget closes in December"})),
    )
    .await;
    let open = api(addr, &t, "GET", "/api/v1/requests?open=true", None)
        .await
        .json();
    assert_eq!(open["items"].as_array().map(Vec::len), Some(0));
    // Answered by a promise of the same contact; an unknown commitment changes nothing.
    let k = post(
        "/api/v1/commitments",
        json!({"contact_id": kenji, "direction": "mine", "text": "Price the 12 cars", "due": "2030-01-10"}),
    )
    .await;
    let kid = k.json()["id"].as_str().expect("id").to_owned();
    let unknown = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/requests/{rid}/answer"),
        Some(json!({"commitment_id": "0192f0c4-7a3b-7c00-8000-0000000000ee"})),
    )
    .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let malformed = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/requests/{rid}/answer"),
        Some(json!({"commitment_id": "not-an-id"})),
    )
    .await;
    assert_eq!(malformed.status, 422, "{}", malformed.body);
    let answered = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/requests/{rid}/answer"),
        Some(json!({"commitment_id": kid})),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    assert_eq!(answered.json()["answered_by"], kid.as_str());

    let d = post(
        "/api/v1/deals",
        json!({"contact_id": kenji, "title": "Fleet of 12", "value": "412,000", "stage": "proposal", "expected_close": "2027-01-15"}),
    )
    .await;
    assert_eq!(d.status, 201, "{}", d.body);
    assert_eq!(d.json()["value"], 41_200_000);
    let did = d.json()["id"].as_str().expect("id").to_owned();
    let g = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/deals/{did}/terms"),
        Some(json!({"kind": "give", "text": "Free winter tyres"})),
    )
    .await;
    assert_eq!(g.json()["gives_outrun_gets"], true);
    let won = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/deals/{did}/stage"),
        Some(json!({"stage": "won"})),
    )
    .await;
    assert_eq!(won.json()["stage"], "won");
    let card = api(addr, &t, "GET", &format!("/api/v1/contacts/{kenji}"), None)
        .await
        .json();
    assert_eq!(card["relationship"], "customer", "{card}");
    let note = post(
        "/api/v1/gestures",
        json!({"contact_id": kenji, "kind": "thank-you-note", "text": "Handwritten card", "cost": 3.5}),
    )
    .await;
    assert_eq!(note.status, 201, "{}", note.body);
    assert_eq!(
        note.json()["kept_commitments"].as_array().map(Vec::len),
        Some(1)
    );
    let set = api(
        addr,
        &t,
        "PUT",
        "/api/v1/budget",
        Some(json!({"amount": 2500})),
    )
    .await;
    assert_eq!(set.json()["budget"], 250_000, "{}", set.body);
    assert_eq!(set.json()["spent"], 350);
    let listed = api(addr, &t, "GET", "/api/v1/gestures", None).await.json();
    assert_eq!(listed["items"][0]["contact_name"], "Kenji Watanabe");

    assert_eq!(
        post(
            "/api/v1/referrals",
            json!({"referrer_id": ana, "referred_id": kenji})
        )
        .await
        .status,
        201
    );
    let again = post(
        "/api/v1/referrals",
        json!({"referrer_id": ana, "referred_id": kenji}),
    )
    .await;
    assert_eq!(
        (again.status, again.error_code().as_str()),
        (409, "conflict")
    );
    let adv = api(addr, &t, "GET", "/api/v1/advocates", None).await.json();
    assert_eq!(adv["items"][0]["name"], "Ana Lima");
    assert_eq!(adv["items"][0]["became_customers"], 1);
    let brief = api(
        addr,
        &t,
        "GET",
        &format!("/api/v1/contacts/{kenji}/brief"),
        None,
    )
    .await
    .json();
    assert_eq!(brief["appreciation"]["last"]["text"], "Handwritten card");

    let archived = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/contacts/{kenji}/archive"),
        None,
    )
    .await;
    assert!(archived.json()["archived_at"].is_string());
    let twice = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/contacts/{kenji}/archive"),
        None,
    )
    .await;
    assert_eq!(twice.status, 409);
    let back = api(
        addr,
        &t,
        "POST",
        &format!("/api/v1/contacts/{kenji}/restore"),
        None,
    )
    .await;
    assert!(back.json()["archived_at"].is_null());
}

async fn a_leaving_member_s_work_is_handed_over_whole(db: &Db) {
    use rapport_core::ports::AccountStore;
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
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
    let (to, tb) = (token_for(db, &owner).await, token_for(db, &bo).await);
    let addr = start(db).await;
    let members = api(addr, &tb, "GET", "/api/v1/members", None).await.json();
    assert_eq!(members["items"].as_array().map(Vec::len), Some(2));
    let c = api(
        addr,
        &tb,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Kenji", "type": "prospect"})),
    )
    .await;
    let cid = c.json()["id"].as_str().expect("id").to_owned();
    for (direction, due) in [("mine", "today"), ("theirs", "+5d"), ("mine", "+9d")] {
        let k = api(
            addr,
            &tb,
            "POST",
            "/api/v1/commitments",
            Some(json!({"contact_id": cid, "direction": direction, "text": "x", "due": due})),
        )
        .await;
        assert_eq!(k.status, 201, "{}", k.body);
    }
    api(
        addr,
        &tb,
        "POST",
        "/api/v1/deals",
        Some(json!({"contact_id": cid, "title": "Fleet"})),
    )
    .await;
    // A member cannot hand anyone over.
    let refused = api(
        addr,
        &tb,
        "POST",
        &format!("/api/v1/members/{}/handoff", owner.user.id),
        Some(json!({"to": "bo@example.com"})),
    )
    .await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (403, "forbidden")
    );
    // Gift ideas: the owner extends and trims the catalogue; a member may not; a bad one
    // changes nothing.
    let member_idea = api(
        addr,
        &tb,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"gift_idea": ["golf=A round at the club"]})),
    )
    .await;
    assert_eq!(member_idea.status, 403, "{}", member_idea.body);
    let bad_idea = api(
        addr,
        &to,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"gift_idea": ["golf=A round at the club"], "no_gift_idea": ["golf=No such idea"]})),
    )
    .await;
    assert_eq!(bad_idea.status, 422, "{}", bad_idea.body);
    let ideas = api(
        addr,
        &to,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"gift_idea": ["golf=A round at the club"], "no_gift_idea": ["wine=A wine-tasting evening"]})),
    )
    .await;
    assert_eq!(ideas.status, 200, "{}", ideas.body);
    let catalogue = ideas.json()["gift_ideas"].clone();
    let has = |interest: &str, idea: &str| {
        catalogue
            .as_array()
            .expect("ideas")
            .iter()
            .any(|g| g["interest"] == interest && g["idea"] == idea)
    };
    assert!(has("golf", "A round at the club") && has("golf", "A round at a good course"));
    assert!(!has("wine", "A wine-tasting evening"), "taken out");
    let done = api(
        addr,
        &to,
        "POST",
        "/api/v1/members/bo@example.com/handoff",
        Some(json!({"to": owner.user.id.to_string()})),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let d = done.json();
    assert_eq!(
        (
            d["contacts"].as_u64(),
            d["open_commitments"].as_u64(),
            d["open_deals"].as_u64()
        ),
        (Some(1), Some(3), Some(1))
    );
    // Nothing dropped: every open commitment has a live owner; Bo can no longer act.
    let open = api(addr, &to, "GET", "/api/v1/commitments?open=true", None)
        .await
        .json();
    let open = open["items"].as_array().expect("items").clone();
    assert_eq!(open.len(), 3);
    assert!(open.iter().all(|k| k["owner_id"] == owner.user.id.as_str()));
    // Each moved promise's history says it was handed over, by whom, to whom.
    for k in &open {
        let id = k["id"].as_str().expect("id");
        let h = api(
            addr,
            &to,
            "GET",
            &format!("/api/v1/commitments/{id}/history"),
            None,
        )
        .await
        .json();
        let items = h["items"].as_array().expect("history");
        let actions: Vec<&str> = items.iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions, ["created", "handed_off"], "{h}");
        let last = &items[1];
        assert_eq!(last["user_id"], owner.user.id.as_str());
        assert_eq!(last["snapshot"]["owner_id"], owner.user.id.as_str());
        assert_eq!(items[0]["snapshot"]["owner_id"], bo.user.id.as_str());
    }
    let today = api(addr, &to, "GET", "/api/v1/today", None).await.json();
    assert!(
        today["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["kind"] == "mine_due")
    );
    assert_eq!(
        api(addr, &tb, "GET", "/api/v1/today", None).await.status,
        401
    );
    let members = api(addr, &to, "GET", "/api/v1/members", None).await.json();
    assert_eq!(members["items"].as_array().map(Vec::len), Some(1));
    let again = api(
        addr,
        &to,
        "POST",
        "/api/v1/members/bo@example.com/handoff",
        Some(json!({"to": owner.user.id.to_string()})),
    )
    .await;
    assert_eq!(again.status, 404);
    let own = api(
        addr,
        &to,
        "POST",
        &format!("/api/v1/members/{}/handoff", owner.user.id),
        Some(json!({"to": owner.user.id.to_string()})),
    )
    .await;
    assert_eq!(own.status, 422);
}

/// Every page of a list, following `next_cursor`, `limit` at a time: the ids in order.
async fn walk(addr: std::net::SocketAddr, token: &str, path: &str, limit: u32) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let page = api(addr, token, "GET", &url, None).await;
        assert_eq!(page.status, 200, "{url}: {}", page.body);
        let page = page.json();
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= limit as usize);
        ids.extend(
            items
                .iter()
                .map(|i| i["id"].as_str().expect("id").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return ids,
        }
    }
    panic!("{path}: the cursor never ran out");
}

async fn every_list_pages_with_a_cursor_and_loses_nothing(db: &Db) {
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let tok = token_for(db, &a).await;
    let addr = start(db).await;
    let c = api(
        addr,
        &tok,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Kenji", "type": "customer"})),
    )
    .await
    .json()["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Ties on purpose: two interactions at the same minute, two gestures on one day, deals
    // sharing a close date and deals with none.
    for (n, at) in [
        "2026-11-01 09:00",
        "2026-11-01 09:00",
        "2026-10-02",
        "2026-09-03",
        "2026-08-04",
        "2026-11-20",
    ]
    .iter()
    .enumerate()
    {
        let r = api(
            addr,
            &tok,
            "POST",
            &format!("/api/v1/contacts/{c}/interactions"),
            Some(json!({"summary": format!("call {n} about delivery"), "at": at})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    for n in 0..5 {
        let r = api(
            addr,
            &tok,
            "POST",
            "/api/v1/requests",
            Some(json!({"contact_id": c, "text": format!("request {n}")})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    for (n, on) in [
        "2026-03-01",
        "2026-03-01",
        "2026-05-01",
        "2026-01-01",
        "2026-03-01",
    ]
    .iter()
    .enumerate()
    {
        let r = api(addr, &tok, "POST", "/api/v1/gestures",
            Some(json!({"contact_id": c, "kind": "thank_you_note", "text": format!("note {n}"), "on": on}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    for (n, close) in [
        Some("2027-01-01"),
        None,
        Some("2026-12-01"),
        Some("2027-01-01"),
        None,
    ]
    .iter()
    .enumerate()
    {
        let r = api(
            addr,
            &tok,
            "POST",
            "/api/v1/deals",
            Some(json!({"contact_id": c, "title": format!("deal {n}"), "expected_close": close})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    for path in [
        format!("/api/v1/contacts/{c}/interactions"),
        "/api/v1/interactions/search?q=delivery".to_owned(),
        "/api/v1/requests".to_owned(),
        format!("/api/v1/requests?contact_id={c}&open=true"),
        "/api/v1/gestures".to_owned(),
        format!("/api/v1/gestures?contact_id={c}"),
        "/api/v1/deals".to_owned(),
    ] {
        let whole = walk(addr, &tok, &path, 1000).await;
        assert!(whole.len() >= 5, "{path}: {whole:?}");
        for limit in [1, 2, 3] {
            assert_eq!(
                walk(addr, &tok, &path, limit).await,
                whole,
                "{path} by {limit}"
            );
        }
        let bad = api(
            addr,
            &tok,
            "GET",
            &format!(
                "{}{}cursor=bm9wZQ",
                path,
                if path.contains('?') { '&' } else { '?' }
            ),
            None,
        )
        .await;
        assert_eq!(
            (bad.status, bad.error_code().as_str()),
            (400, "bad_request"),
            "{path}"
        );
    }
    // Deals come by expected close, those without one last, on both backends.
    let deals = api(addr, &tok, "GET", "/api/v1/deals", None).await.json();
    let closes: Vec<Option<&str>> = deals["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["expected_close"].as_str())
        .collect();
    assert_eq!(
        closes,
        [
            Some("2026-12-01"),
            Some("2027-01-01"),
            Some("2027-01-01"),
            None,
            None
        ]
    );
    // Newest first, planned ones on top; the tie at 09:00 is broken the same way every time.
    let timeline = api(
        addr,
        &tok,
        "GET",
        &format!("/api/v1/contacts/{c}/interactions"),
        None,
    )
    .await
    .json();
    let summaries: Vec<&str> = timeline["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["summary"].as_str())
        .collect();
    assert_eq!(summaries[0], "call 5 about delivery");
    assert_eq!(
        summaries[3..],
        [
            "call 2 about delivery",
            "call 3 about delivery",
            "call 4 about delivery"
        ]
    );
}

async fn settings_and_cadences_over_the_api(db: &Db) {
    use rapport_core::ports::AccountStore;
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
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
    let (to, tb) = (token_for(db, &owner).await, token_for(db, &bo).await);
    let addr = start(db).await;
    let s = api(addr, &to, "GET", "/api/v1/settings", None).await;
    assert_eq!(s.status, 200, "{}", s.body);
    let s = s.json();
    assert_eq!(s["time_zone"], "UTC");
    let rule = |s: &serde_json::Value, list: &str, audience: &str| {
        s[list]
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["audience"] == audience)
            .cloned()
            .expect("rule")
    };
    assert_eq!(rule(&s, "keep_in_touch", "prospect")["days"], 14);
    // A refused value anywhere changes nothing, not even the valid ones beside it.
    let bad = api(
        addr,
        &to,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"time_zone": "Europe/Lisbon", "keep_in_touch": {"prospect": 21, "friend": 3}})),
    )
    .await;
    assert_eq!(
        (bad.status, bad.error_code().as_str()),
        (422, "invalid"),
        "{}",
        bad.body
    );
    let same = api(addr, &to, "GET", "/api/v1/settings", None).await.json();
    assert_eq!(
        (same["time_zone"].as_str(), &same["touch_rules"]),
        (Some("UTC"), &json!({}))
    );
    // A member may read but not change.
    assert_eq!(
        api(addr, &tb, "GET", "/api/v1/settings", None).await.status,
        200
    );
    let refused = api(
        addr,
        &tb,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"keep_in_touch": {"prospect": 21}})),
    )
    .await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (403, "forbidden")
    );
    let done = api(
        addr,
        &to,
        "PATCH",
        "/api/v1/settings",
        Some(json!({
            "time_zone": "Europe/Lisbon",
            "keep_in_touch": {"prospect": 21, "co_worker": 90, "vip": "never"},
            "appreciation": {"customer": "none"}
        })),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let d = done.json();
    assert_eq!(d["time_zone"], "Europe/Lisbon");
    assert_eq!(
        d["touch_rules"],
        json!({"co_worker": 90, "prospect": 21, "vip": null})
    );
    assert_eq!(
        rule(&d, "keep_in_touch", "vip")["days"],
        serde_json::Value::Null
    );
    assert_eq!(
        rule(&d, "keep_in_touch", "co_worker")["default_days"],
        serde_json::Value::Null
    );
    assert_eq!(rule(&d, "appreciation", "customer")["custom"], true);
    // The next request (any token of the workspace) sees it, and a new prospect follows it.
    let c = api(
        addr,
        &tb,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Priya", "type": "prospect"})),
    )
    .await
    .json();
    let card = api(
        addr,
        &tb,
        "GET",
        &format!("/api/v1/contacts/{}", c["id"].as_str().expect("id")),
        None,
    )
    .await
    .json();
    assert_eq!(card["keep_in_touch_days"], 21, "{card}");
    let back = api(
        addr,
        &to,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"keep_in_touch": {"prospect": "default"}})),
    )
    .await
    .json();
    assert_eq!(back["touch_rules"], json!({"co_worker": 90, "vip": null}));
    // The digest hour is each member's own: a member may set it, and it is theirs only.
    assert_eq!(back["digest_at"], serde_json::Value::Null);
    let mine = api(
        addr,
        &tb,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"digest_at": "7:05"})),
    )
    .await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.json()["digest_at"], "07:05");
    let owners = api(addr, &to, "GET", "/api/v1/settings", None).await.json();
    assert_eq!(owners["digest_at"], serde_json::Value::Null);
    for bad in ["25:00", "7h30", "07:5x"] {
        let r = api(
            addr,
            &tb,
            "PATCH",
            "/api/v1/settings",
            Some(json!({"digest_at": bad})),
        )
        .await;
        assert_eq!(
            (r.status, r.error_code().as_str()),
            (422, "invalid"),
            "{bad}"
        );
    }
    let off = api(
        addr,
        &tb,
        "PATCH",
        "/api/v1/settings",
        Some(json!({"digest_at": "off"})),
    )
    .await
    .json();
    assert_eq!(off["digest_at"], serde_json::Value::Null, "{off}");
}

async fn the_calendar_feed_is_secret_valid_and_per_member(db: &Db) {
    use rapport_core::ports::AccountStore;
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
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
    let (to, tb) = (token_for(db, &owner).await, token_for(db, &bo).await);
    let addr = start(db).await;
    let ana = api(
        addr,
        &to,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Ana Lima; “Lisboa”, Lda", "type": "customer"})),
    )
    .await
    .json()["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let long = "Send the signed contract, the price list for 2027, the samples of the new Douro reds and a handwritten note — obrigado, Élodie! 🍷";
    let soon = Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .checked_add(jiff::ToSpan::days(3))
        .expect("date");
    let at = format!("{soon} 15:30");
    for (direction, text, due) in [
        ("mine", long, at.as_str()),
        ("theirs", "Pay the invoice", "+10d"),
    ] {
        let r = api(
            addr,
            &to,
            "POST",
            "/api/v1/commitments",
            Some(json!({"contact_id": ana, "direction": direction, "text": text, "due": due})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let r = api(addr, &to, "POST", &format!("/api/v1/contacts/{ana}/facts"),
        Some(json!({"kind": "family", "text": "Sofia", "relation": "daughter", "date": "2016-02-29"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    api(
        addr,
        &tb,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Bo's own contact"})),
    )
    .await;

    let made = api(addr, &to, "POST", "/api/v1/feed", None).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let path = made.json()["path"].as_str().expect("path").to_owned();
    assert!(path.starts_with("/feed/") && path.ends_with(".ics"));
    // No cookie and no header: calendar apps only fetch the URL.
    let feed = request(addr, "GET", &path, &[], None).await;
    assert_eq!(feed.status, 200);
    assert_eq!(
        feed.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let body = &feed.body;
    assert!(
        body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{body}"
    );
    assert!(body.ends_with("END:VCALENDAR\r\n"));
    assert!(
        !body.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let unfolded = body.replace("\r\n ", "");
    assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 3, "{unfolded}");
    assert!(unfolded.contains("SUMMARY:Promised Ana Lima\\; “Lisboa”\\, Lda: Send the signed contract\\, the price list"), "{unfolded}");
    assert!(unfolded.contains("SUMMARY:Ana Lima\\; “Lisboa”\\, Lda promised: Pay the invoice"));
    assert!(unfolded.contains("SUMMARY:Sofia's birthday (Ana Lima\\; “Lisboa”\\, Lda's daughter)"));
    assert!(unfolded.contains("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"));
    assert!(
        !unfolded.contains(":Bo") && !unfolded.contains("Bo's own contact"),
        "only the owner's"
    );
    for e in unfolded.split("BEGIN:VEVENT").skip(1) {
        assert!(
            e.contains("\r\nUID:") && e.contains("\r\nDTSTAMP:") && e.contains("\r\nDTSTART"),
            "{e}"
        );
    }
    // A new URL ends the old one; unknown ones are 404.
    let again = api(addr, &to, "POST", "/api/v1/feed", None).await.json()["path"]
        .as_str()
        .expect("path")
        .to_owned();
    assert_ne!(again, path);
    assert_eq!(request(addr, "GET", &path, &[], None).await.status, 404);
    assert_eq!(request(addr, "GET", &again, &[], None).await.status, 200);
    assert_eq!(
        request(addr, "GET", "/feed/nothing.ics", &[], None)
            .await
            .status,
        404
    );
    assert_eq!(
        request(addr, "GET", &again.replace(".ics", ""), &[], None)
            .await
            .status,
        404
    );
    // Bo's feed has Bo's side only.
    let bos = api(addr, &tb, "POST", "/api/v1/feed", None).await.json()["path"]
        .as_str()
        .expect("path")
        .to_owned();
    let theirs = request(addr, "GET", &bos, &[], None).await.body;
    let theirs = theirs.replace("\r\n ", "");
    assert_eq!(theirs.matches("BEGIN:VEVENT").count(), 1, "{theirs}");
    assert!(
        theirs.contains("SUMMARY:A gesture of appreciation for Bo's own contact"),
        "{theirs}"
    );
    assert!(!theirs.contains("Ana Lima"));
}

async fn files_in_and_out_over_the_api(db: &Db) {
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let tok = token_for(db, &a).await;
    let addr = start(db).await;
    let auth = format!("Bearer {tok}");
    let upload = |path: String, media: &'static str, body: Vec<u8>| {
        let auth = auth.clone();
        async move {
            request(
                addr,
                "POST",
                &path,
                &[("Authorization", auth.as_str())],
                Some((media, &body)),
            )
            .await
        }
    };
    let vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Élodie Martin\r\nEMAIL:elodie@vins.example\r\nBDAY:--02-29\r\nEND:VCARD\r\n\
               BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kenji\r\nTEL:+81 3 1234 5678\r\nEND:VCARD\r\n";
    let dry = upload(
        "/api/v1/import/vcard?dry_run=true".into(),
        "text/vcard",
        vcf.into(),
    )
    .await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(dry.json()["cards"], 2);
    let listed = api(addr, &tok, "GET", "/api/v1/contacts", None)
        .await
        .json();
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(0),
        "a dry run writes nothing"
    );
    let done = upload(
        "/api/v1/import/vcard?type=customer".into(),
        "text/vcard",
        vcf.into(),
    )
    .await;
    assert_eq!(
        (done.status, done.json()["imported"].as_u64()),
        (201, Some(2)),
        "{}",
        done.body
    );
    // Again: both are duplicates, skipped and reported.
    let again = upload("/api/v1/import/vcard".into(), "text/vcard", vcf.into()).await;
    assert_eq!(
        (again.status, again.json()["skipped"].as_u64()),
        (200, Some(2))
    );
    // A bad file: 422 naming the card, nothing written.
    let bad = upload(
        "/api/v1/import/vcard".into(),
        "text/vcard",
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Nope\nEND:VCARD\nBEGIN:VCARD\nFN:Cut short\n".to_vec(),
    )
    .await;
    assert_eq!((bad.status, bad.error_code().as_str()), (422, "invalid"));
    assert!(bad.body.contains("card 2 (line 5)"), "{}", bad.body);
    let empty = upload("/api/v1/import/vcard".into(), "text/vcard", Vec::new()).await;
    assert_eq!(empty.status, 422);
    // CSV with a map; a file larger than the API's usual 1 MiB body limit is taken.
    let mut csv = String::from("Full Name,Mail\n");
    for i in 0..30_000 {
        csv.push_str(&format!("Person {i},person{i}@example.com\n"));
    }
    assert!(csv.len() > 1 << 20);
    let big = upload(
        "/api/v1/import/csv?map=Full%20Name%3Dname%3BMail%3Demail".into(),
        "text/csv",
        csv.into_bytes(),
    )
    .await;
    assert_eq!(
        (big.status, big.json()["imported"].as_u64()),
        (201, Some(30_000)),
        "{}",
        big.body
    );
    let unmapped = upload(
        "/api/v1/import/csv?map=Nope".into(),
        "text/csv",
        b"a\n1\n".to_vec(),
    )
    .await;
    assert_eq!(unmapped.status, 422);
    // Exports: files, with a name to save them under.
    let v = api(addr, &tok, "GET", "/api/v1/export/vcard?version=3.0", None).await;
    assert_eq!(v.status, 200);
    assert_eq!(v.header("content-type"), Some("text/vcard; charset=utf-8"));
    assert_eq!(
        v.header("content-disposition"),
        Some("attachment; filename=\"contacts.vcf\"")
    );
    assert_eq!(v.body.matches("BEGIN:VCARD").count(), 30_002);
    assert!(v.body.contains("VERSION:3.0") && v.body.contains("X-RAPPORT-TYPE:customer"));
    let c = api(addr, &tok, "GET", "/api/v1/export/csv", None).await;
    assert_eq!(c.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(c.body.starts_with(
        "name,organisation,type,vip,emails,phones,tags,birthday,anniversary,notes,met,met_on,introduced_by\r\n"
    ));
    assert!(
        c.body.contains("Kenji,,customer,no,,'+81 3 1234 5678"),
        "formula-safe phone"
    );
    assert_eq!(
        api(addr, &tok, "GET", "/api/v1/export/vcard?version=2.1", None)
            .await
            .status,
        422
    );
    // Another workspace exports nothing of this one.
    let other = db
        .create_workspace("Other", "Them", "UTC", Timestamp::now())
        .await
        .expect("ws");
    let theirs = token_for(db, &other).await;
    let e = api(addr, &theirs, "GET", "/api/v1/export/csv", None).await;
    assert_eq!(e.body.lines().count(), 1, "only the header: {}", e.body);
}

/// A message dated yesterday (UTC), and that day.
fn message(from: &str, to: &str, id: &str, body: &str) -> (Vec<u8>, jiff::civil::Date) {
    let at = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .expect("a time")
        .to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let date = jiff::fmt::rfc2822::to_string(&at).expect("a date");
    (
        format!("From: {from}\r\nTo: {to}\r\nDate: {date}\r\nSubject: The order\r\nMessage-ID: <{id}>\r\n\r\n{body}\r\n")
            .into_bytes(),
        at.date(),
    )
}

async fn mail_in_and_promises_confirmed_over_the_api(db: &Db) {
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let tok = token_for(db, &a).await;
    let addr = start(db).await;
    let auth = format!("Bearer {tok}");
    let ana = api(
        addr,
        &tok,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Ana Lima", "emails": ["ana@example.com"]})),
    )
    .await;
    assert_eq!(ana.status, 201, "{}", ana.body);
    let post_mail = |path: &'static str, body: Vec<u8>| {
        let auth = auth.clone();
        async move {
            request(
                addr,
                "POST",
                path,
                &[("Authorization", auth.as_str())],
                Some(("message/rfc822", &body)),
            )
            .await
        }
    };
    let (received, day) = message(
        "Ana Lima <ana@example.com>",
        "me@rapport.example",
        "api-1@example.com",
        "We'll send the signed order within 3 days. Could you confirm the address?",
    );
    // Whose mail it is must be said (this owner has no email).
    let nobody = post_mail("/api/v1/mail/import", received.clone()).await;
    assert_eq!(nobody.status, 422, "{}", nobody.body);
    let dry = post_mail(
        "/api/v1/mail/import?me=me@rapport.example&dry_run=true",
        received.clone(),
    )
    .await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    let due = day
        .checked_add(jiff::Span::new().days(3))
        .expect("a day")
        .to_string();
    assert_eq!(dry.json()["promises"][0]["due"], due.as_str());
    assert_eq!(dry.json()["suggestions_offered"], 0);
    let done = post_mail(
        "/api/v1/mail/import?me=me@rapport.example",
        received.clone(),
    )
    .await;
    assert_eq!(done.status, 201, "{}", done.body);
    assert_eq!(done.json()["suggestions_offered"], 1);
    assert_eq!(done.json()["interactions"][0]["contact_name"], "Ana Lima");
    let again = post_mail("/api/v1/mail/import?me=me@rapport.example", received).await;
    assert_eq!(
        (again.status, again.json()["suggestions_offered"].as_u64()),
        (200, Some(0)),
        "nothing new: {}",
        again.body
    );
    // Bad input changes nothing.
    for body in [b"".to_vec(), b"not mail at all".to_vec()] {
        let bad = post_mail("/api/v1/mail/import?me=me@rapport.example", body).await;
        assert_eq!(bad.status, 422, "{}", bad.body);
    }
    let bad_me = post_mail("/api/v1/mail/import?me=nobody", b"x".to_vec()).await;
    assert_eq!(bad_me.status, 422);

    let list = api(addr, &tok, "GET", "/api/v1/suggestions", None).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let list = list.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["next_cursor"], serde_json::Value::Null);
    let s = &list["items"][0];
    assert_eq!(
        (
            s["direction"].as_str(),
            s["text"].as_str(),
            s["due"].as_str()
        ),
        (
            Some("theirs"),
            Some("Send the signed order"),
            Some(due.as_str())
        )
    );
    let sid = s["id"].as_str().expect("id").to_owned();

    // Another workspace neither sees nor decides it.
    let other = db
        .create_workspace("Other", "Them", "UTC", Timestamp::now())
        .await
        .expect("ws");
    let theirs = token_for(db, &other).await;
    for (method, path) in [
        ("GET", format!("/api/v1/suggestions/{sid}")),
        ("POST", format!("/api/v1/suggestions/{sid}/accept")),
        ("POST", format!("/api/v1/suggestions/{sid}/dismiss")),
    ] {
        assert_eq!(api(addr, &theirs, method, &path, None).await.status, 404);
    }
    assert_eq!(
        api(addr, &theirs, "GET", "/api/v1/suggestions", None)
            .await
            .json()["total"],
        0
    );

    // A bad date is refused and decides nothing; then accepted as found, once.
    let path = format!("/api/v1/suggestions/{sid}/accept");
    let bad = api(addr, &tok, "POST", &path, Some(json!({"due": "someday"}))).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let c = api(addr, &tok, "POST", &path, None).await;
    assert_eq!(c.status, 201, "{}", c.body);
    let c = c.json();
    assert_eq!(
        (c["direction"].as_str(), c["due"]["date"].as_str()),
        (Some("theirs"), Some(due.as_str()))
    );
    assert!(c["source_interaction_id"].is_string(), "{c}");
    let twice = api(addr, &tok, "POST", &path, None).await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    let one = api(
        addr,
        &tok,
        "GET",
        &format!("/api/v1/suggestions/{sid}"),
        None,
    )
    .await
    .json();
    assert_eq!(one["status"], "accepted");
    assert_eq!(one["commitment_id"], c["id"]);

    // Mine, dismissed.
    let (sent, _) = message(
        "Me <me@rapport.example>",
        "ana@example.com",
        "api-2@example.com",
        "I'll call you tomorrow.",
    );
    let done = post_mail("/api/v1/mail/import?me=me@rapport.example", sent).await;
    assert_eq!(done.json()["suggestions_offered"], 1, "{}", done.body);
    let mine = api(addr, &tok, "GET", "/api/v1/suggestions", None)
        .await
        .json();
    let mid = mine["items"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(mine["items"][0]["direction"], "mine");
    let gone = api(
        addr,
        &tok,
        "POST",
        &format!("/api/v1/suggestions/{mid}/dismiss"),
        None,
    )
    .await;
    assert_eq!(
        (gone.status, gone.json()["status"].as_str()),
        (200, Some("dismissed"))
    );
    let late = api(
        addr,
        &tok,
        "POST",
        &format!("/api/v1/suggestions/{mid}/accept"),
        None,
    )
    .await;
    assert_eq!(late.status, 409);
    assert_eq!(
        api(addr, &tok, "GET", "/api/v1/suggestions", None)
            .await
            .json()["total"],
        0
    );
}

/// Duplicates over the API: ranked pairs, a dry run that writes nothing, a merge, and every
/// refusal (bad bodies, unknown ids, another workspace's ids, a second merge) changing nothing.
async fn duplicates_and_merging_over_the_api(db: &Db) {
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let b = db
        .create_workspace("Other", "Other owner", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let (ta, tb) = (token_for(db, &a).await, token_for(db, &b).await);
    let addr = start(db).await;
    let add = |token: &str, body: serde_json::Value| {
        let token = token.to_owned();
        async move {
            let c = api(addr, &token, "POST", "/api/v1/contacts", Some(body)).await;
            assert_eq!(c.status, 201, "{}", c.body);
            c.json()["id"].as_str().expect("id").to_owned()
        }
    };
    let keep = add(&ta, json!({"name": "Ana Lima", "emails": ["ana@acme.com"]})).await;
    let other = add(
        &ta,
        json!({"name": "Ana Lima", "emails": ["ANA@acme.com"], "phones": ["+33 6 12 34 56 78"]}),
    )
    .await;
    let theirs = add(&tb, json!({"name": "Ana Lima", "emails": ["ana@acme.com"]})).await;
    let k = api(
        addr,
        &ta,
        "POST",
        "/api/v1/commitments",
        Some(json!({"contact_id": other, "direction": "theirs", "text": "Pay the deposit", "due": "+3d"})),
    )
    .await;
    assert_eq!(k.status, 201, "{}", k.body);

    let list = api(addr, &ta, "GET", "/api/v1/duplicates", None).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let list = list.json();
    assert_eq!(
        list["total"], 1,
        "another workspace's namesake is never a pair: {list}"
    );
    assert_eq!(list["items"][0]["keep"]["id"], keep.as_str());
    assert_eq!(list["items"][0]["other"]["id"], other.as_str());
    assert_eq!(list["items"][0]["score"], 9);
    for bad in ["limit=0", "limit=1001", "offset=-1", "nope=1"] {
        let a = api(addr, &ta, "GET", &format!("/api/v1/duplicates?{bad}"), None).await;
        assert!(matches!(a.status, 400 | 422), "{bad}: {}", a.status);
        a.error_code();
    }

    let path = format!("/api/v1/contacts/{keep}/merge");
    let refused: Vec<(Option<serde_json::Value>, &str, u16)> = vec![
        (Some(json!({})), "no other", 422),
        (
            Some(json!({"other": other, "also": 1})),
            "an unknown field",
            422,
        ),
        (Some(json!({"other": keep})), "itself", 422),
        (
            Some(json!({"other": "01a24e65-0000-7000-8000-000000000000"})),
            "an unknown id",
            404,
        ),
        (
            Some(json!({"other": theirs})),
            "another workspace's contact",
            404,
        ),
        (None, "no body", 415),
    ];
    for (body, what, status) in refused {
        let a = api(addr, &ta, "POST", &path, body).await;
        assert_eq!(a.status, status, "{what}: {}", a.body);
        a.error_code();
    }
    // Into another workspace's contact, with its own token: not found either way.
    let a = api(
        addr,
        &tb,
        "POST",
        &format!("/api/v1/contacts/{theirs}/merge"),
        Some(json!({"other": other})),
    )
    .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let a = api(
        addr,
        &ta,
        "POST",
        &format!("/api/v1/contacts/{theirs}/merge"),
        Some(json!({"other": other})),
    )
    .await;
    assert_eq!(a.status, 404, "{}", a.body);

    let dry = api(
        addr,
        &ta,
        "POST",
        &path,
        Some(json!({"other": other, "dry_run": true})),
    )
    .await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(dry.json()["moved"]["commitments"], 1);
    let still = api(addr, &ta, "GET", &format!("/api/v1/contacts/{other}"), None).await;
    assert_eq!(
        still.json()["archived_at"],
        serde_json::Value::Null,
        "a dry run writes nothing"
    );

    let done = api(addr, &ta, "POST", &path, Some(json!({"other": other}))).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let done = done.json();
    assert_eq!(done["keep"]["phones"], json!(["+33 6 12 34 56 78"]));
    assert_eq!(done["other"]["merged_into"], keep.as_str());
    let gone = api(addr, &ta, "GET", &format!("/api/v1/contacts/{other}"), None).await;
    assert_eq!(gone.json()["merged_into"], keep.as_str());
    let promises = api(
        addr,
        &ta,
        "GET",
        &format!("/api/v1/commitments?contact_id={keep}"),
        None,
    )
    .await
    .json();
    assert_eq!(
        promises["items"].as_array().map(Vec::len),
        Some(1),
        "{promises}"
    );
    let again = api(addr, &ta, "POST", &path, Some(json!({"other": other}))).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.error_code(), "conflict");
    // The other workspace's Ana is untouched.
    let mine = api(
        addr,
        &tb,
        "GET",
        &format!("/api/v1/contacts/{theirs}"),
        None,
    )
    .await;
    assert_eq!(mine.json()["archived_at"], serde_json::Value::Null);
    assert_eq!(
        api(addr, &ta, "GET", "/api/v1/duplicates", None)
            .await
            .json()["total"],
        0
    );
}

/// `GET /api/v1/requests/stats`: answers per member (by the member whose promise answers),
/// how many without knowing why; a bad `since` is refused; Today carries the reminder.
async fn requests_answered_without_their_why_over_the_api(db: &Db) {
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
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
        .expect("bo");
    let (ta, tb) = (token_for(db, &a).await, token_for(db, &bo).await);
    let addr = start(db).await;
    let c = api(
        addr,
        &ta,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Ana Lima"})),
    )
    .await;
    let cid = c.json()["id"].as_str().expect("id").to_owned();
    let empty = api(addr, &ta, "GET", "/api/v1/requests/stats", None).await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert_eq!(empty.json()["answered"], 0);
    assert_eq!(empty.json()["share_without_why"], 0.0);
    for (token, why) in [(&tb, None), (&tb, Some("Their budget closes")), (&ta, None)] {
        let k = api(
            addr,
            token,
            "POST",
            "/api/v1/commitments",
            Some(json!({"contact_id": cid, "direction": "mine", "text": "Send prices", "due": "+3d", "anyway": true})),
        )
        .await;
        assert_eq!(k.status, 201, "{}", k.body);
        let kid = k.json()["id"].as_str().expect("id").to_owned();
        let r = api(
            addr,
            token,
            "POST",
            "/api/v1/requests",
            Some(json!({"contact_id": cid, "text": "Prices", "why": why})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let rid = r.json()["id"].as_str().expect("id").to_owned();
        let answered = api(
            addr,
            token,
            "POST",
            &format!("/api/v1/requests/{rid}/answer"),
            Some(json!({"commitment_id": kid})),
        )
        .await;
        assert_eq!(answered.status, 200, "{}", answered.body);
    }
    let s = api(addr, &ta, "GET", "/api/v1/requests/stats?since=-7d", None).await;
    assert_eq!(s.status, 200, "{}", s.body);
    let s = s.json();
    assert_eq!(s["answered"], 3, "{s}");
    assert_eq!(s["answered_without_why"], 2);
    let bo_line = s["by_member"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == "bo@example.com")
        .cloned()
        .expect("Bo answered");
    assert_eq!(bo_line["answered"], 2);
    assert_eq!(bo_line["answered_without_why"], 1);
    for bad in ["since=2026-13-01", "since=soon", "until=x"] {
        let r = api(
            addr,
            &ta,
            "GET",
            &format!("/api/v1/requests/stats?{bad}"),
            None,
        )
        .await;
        assert!(matches!(r.status, 400 | 422), "{bad}: {}", r.status);
        r.error_code();
    }
    let ladder = api(
        addr,
        &ta,
        "GET",
        &format!("/api/v1/contacts/{cid}/ladder"),
        None,
    )
    .await;
    assert_eq!(ladder.status, 200, "{}", ladder.body);
    assert_eq!(ladder.json()["mine"]["level"], "none");
    assert_eq!(ladder.json()["contact_name"], "Ana Lima");
    let missing = api(
        addr,
        &ta,
        "GET",
        "/api/v1/contacts/01a24e65-0000-7000-8000-000000000000/ladder",
        None,
    )
    .await;
    assert_eq!(missing.status, 404);
    let today = api(addr, &tb, "GET", "/api/v1/today", None).await.json();
    assert!(
        today["notes"][0]
            .as_str()
            .is_some_and(|n| n.starts_with("2 of the 3 requests answered")),
        "{today}"
    );
}

async fn where_we_met_over_the_api(db: &Db) {
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let b = db
        .create_workspace("Other", "Other owner", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let (ta, tb) = (token_for(db, &a).await, token_for(db, &b).await);
    let addr = start(db).await;
    let id_of = |r: &Answer| r.json()["id"].as_str().expect("id").to_owned();
    let ana = api(
        addr,
        &ta,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Ana Lima"})),
    )
    .await;
    let ana = id_of(&ana);
    let zed = api(
        addr,
        &tb,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Zed"})),
    )
    .await;
    let zed = id_of(&zed);
    let bo = api(
        addr,
        &ta,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Bo Chen", "met": "Web Summit 2025", "met_on": "2025-11-12", "introduced_by": ana})),
    )
    .await;
    assert_eq!(bo.status, 201, "{}", bo.body);
    assert_eq!(bo.json()["introduced_by"]["name"], "Ana Lima");
    assert_eq!(bo.json()["met_on"], "2025-11-12");
    let bo = id_of(&bo);
    let card = api(addr, &ta, "GET", &format!("/api/v1/contacts/{bo}"), None).await;
    assert_eq!(
        card.json()["met_phrase"],
        "Web Summit 2025, on 2025-11-12, introduced by Ana Lima",
        "{}",
        card.body
    );
    let brief = api(
        addr,
        &ta,
        "GET",
        &format!("/api/v1/contacts/{bo}/brief"),
        None,
    )
    .await;
    assert_eq!(
        brief.json()["introduced_by"]["id"],
        ana.as_str(),
        "{}",
        brief.body
    );
    let listed = api(addr, &ta, "GET", "/api/v1/contacts?met=SUMMIT", None).await;
    let listed = listed.json();
    let names: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, vec!["Bo Chen"], "{listed}");
    // Bad input: another workspace's introducer, an impossible or future day.
    for body in [
        json!({"name": "Cy", "introduced_by": zed}),
        json!({"name": "Cy", "met_on": "2025-02-30"}),
        json!({"name": "Cy", "met_on": "2999-01-01"}),
        json!({"name": "Cy", "met_on": "20240101"}),
        json!({"name": "Cy", "met_on": "-009999-01-01"}),
        json!({"name": "Cy", "introduced_by": "x".repeat(100_000)}),
        json!({"name": "Cy", "met": "a\u{0}b"}),
    ] {
        let r = api(addr, &ta, "POST", "/api/v1/contacts", Some(body.clone())).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.len() < 1000,
            "the error does not echo the input whole"
        );
    }
    let all = api(addr, &ta, "GET", "/api/v1/contacts", None).await;
    assert_eq!(
        all.json()["items"].as_array().map(Vec::len),
        Some(2),
        "nothing added"
    );
    let again = api(
        addr,
        &ta,
        "POST",
        &format!("/api/v1/contacts/{bo}/edit"),
        Some(json!({"introduced_by": ana})),
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.body);
    let forgot = api(
        addr,
        &ta,
        "POST",
        &format!("/api/v1/contacts/{bo}/edit"),
        Some(json!({"met": null})),
    )
    .await;
    assert_eq!(forgot.status, 200, "{}", forgot.body);
    assert!(forgot.json()["met"].is_null());
    assert_eq!(forgot.json()["met_on"], "2025-11-12", "absent fields stay");
    // The other workspace cannot be introduced through an edit either.
    let theirs = api(
        addr,
        &ta,
        "POST",
        &format!("/api/v1/contacts/{ana}/edit"),
        Some(json!({"introduced_by": zed})),
    )
    .await;
    assert_eq!(theirs.status, 422, "{}", theirs.body);
}

async fn insights_over_the_api(db: &Db) {
    let a = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let b = db
        .create_workspace("Other", "Other owner", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let (ta, tb) = (token_for(db, &a).await, token_for(db, &b).await);
    let addr = start(db).await;
    for (name, said) in [
        ("Ana Lima", "Invoices arrive late every month"),
        ("Bo Chen", "Late invoices again"),
        ("Cy Diaz", "The invoices arrive late"),
    ] {
        let c = api(
            addr,
            &ta,
            "POST",
            "/api/v1/contacts",
            Some(json!({"name": name})),
        )
        .await;
        let id = c.json()["id"].as_str().expect("id").to_owned();
        let logged = api(
            addr,
            &ta,
            "POST",
            &format!("/api/v1/contacts/{id}/interactions"),
            Some(json!({"summary": "Call", "they_said": said, "topics": ["billing", " Billing "]})),
        )
        .await;
        assert_eq!(logged.status, 201, "{}", logged.body);
        assert_eq!(
            logged.json()["topics"],
            json!(["billing"]),
            "repeats are dropped"
        );
    }
    let v = api(addr, &ta, "GET", "/api/v1/insights", None).await;
    assert_eq!(v.status, 200, "{}", v.body);
    let themes = v.json()["themes"].clone();
    let find = |t: &str| {
        themes
            .as_array()
            .expect("themes")
            .iter()
            .find(|x| x["theme"] == t)
            .cloned()
    };
    assert_eq!(find("billing").expect("named")["contacts"], 3);
    assert_eq!(
        find("invoices").map(|x| x["contacts"].clone()),
        Some(json!(3)),
        "{themes}"
    );
    // Another workspace hears none of it; bad filters are refused.
    let theirs = api(addr, &tb, "GET", "/api/v1/insights", None).await;
    assert_eq!(theirs.json()["themes"], json!([]), "{}", theirs.body);
    for bad in [
        "since=2999-01-01",
        "since=someday",
        "type=friend",
        "limit=0",
        "limit=501",
    ] {
        let r = api(addr, &ta, "GET", &format!("/api/v1/insights?{bad}"), None).await;
        assert!(
            r.status == 422 || r.status == 400,
            "{bad}: {} {}",
            r.status,
            r.body
        );
    }
}

async fn campaigns_over_the_api(db: &Db) {
    use rapport_core::ports::AccountStore;
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
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
    let other = db
        .create_workspace("Other", "Other owner", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let (to, tb, tx) = (
        token_for(db, &owner).await,
        token_for(db, &bo).await,
        token_for(db, &other).await,
    );
    let addr = start(db).await;
    // Three of the owner's customers, one of Bo's: each member's Today lists their own.
    let mut ids = Vec::new();
    for (token, name) in [
        (&to, "Ana Lima"),
        (&to, "Cy Diaz"),
        (&to, "Di Eze"),
        (&tb, "Bo Chen"),
    ] {
        let c = api(
            addr,
            token,
            "POST",
            "/api/v1/contacts",
            Some(json!({"name": name, "type": "customer", "tags": ["hotels"]})),
        )
        .await;
        assert_eq!(c.status, 201, "{}", c.body);
        ids.push(c.json()["id"].as_str().expect("id").to_owned());
    }
    let made = api(
        addr,
        &to,
        "POST",
        "/api/v1/campaigns",
        Some(json!({"name": "Heatwave", "segment": "tag=hotels", "note": "How are the bookings?", "per_day": 2})),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let v = made.json();
    let id = v["id"].as_str().expect("id").to_owned();
    assert_eq!(
        (
            v["contacts"].clone(),
            v["remaining"].clone(),
            v["status"].clone()
        ),
        (json!(4), json!(4), json!("active"))
    );
    let kinds = |t: &serde_json::Value| -> Vec<String> {
        t["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["kind"] == "check_in")
            .map(|i| i["contact_name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let mine = api(addr, &to, "GET", "/api/v1/today", None).await.json();
    assert_eq!(
        kinds(&mine).len(),
        2,
        "two a day of the owner's three: {mine}"
    );
    let bos = api(addr, &tb, "GET", "/api/v1/today", None).await.json();
    assert_eq!(kinds(&bos), vec!["Bo Chen"]);
    // Logging through the API completes Bo's check-in, with a reply.
    let logged = api(
        addr,
        &tb,
        "POST",
        &format!("/api/v1/contacts/{}/interactions", ids[3]),
        Some(json!({"summary": "Call", "they_said": "Full all summer"})),
    )
    .await;
    assert_eq!(logged.status, 201, "{}", logged.body);
    let one = api(addr, &to, "GET", &format!("/api/v1/campaigns/{id}"), None)
        .await
        .json();
    assert_eq!(
        (
            one["done"].clone(),
            one["replied"].clone(),
            one["remaining"].clone()
        ),
        (json!(1), json!(1), json!(3)),
        "{one}"
    );
    let page = api(
        addr,
        &to,
        "GET",
        &format!("/api/v1/campaigns/{id}/contacts?show=pending&limit=2"),
        None,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let p = page.json();
    assert_eq!(p["items"].as_array().map(Vec::len), Some(2));
    let cursor = p["next_cursor"].as_str().expect("a next page").to_owned();
    let rest = api(
        addr,
        &to,
        "GET",
        &format!("/api/v1/campaigns/{id}/contacts?show=pending&limit=2&cursor={cursor}"),
        None,
    )
    .await
    .json();
    assert_eq!(rest["items"].as_array().map(Vec::len), Some(1));
    assert!(rest["next_cursor"].is_null());
    let list = api(addr, &tb, "GET", "/api/v1/campaigns", None)
        .await
        .json();
    assert_eq!(list["items"][0]["name"], "Heatwave");

    // Another workspace sees none of it and cannot stop it; bad input changes nothing.
    assert_eq!(
        api(addr, &tx, "GET", &format!("/api/v1/campaigns/{id}"), None)
            .await
            .status,
        404
    );
    assert_eq!(
        api(
            addr,
            &tx,
            "POST",
            &format!("/api/v1/campaigns/{id}/stop"),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        api(
            addr,
            &tx,
            "GET",
            &format!("/api/v1/campaigns/{id}/contacts"),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        api(addr, &tx, "GET", "/api/v1/campaigns", None)
            .await
            .json()["items"],
        json!([])
    );
    assert_eq!(
        api(addr, &to, "GET", "/api/v1/campaigns/Heatwave", None)
            .await
            .status,
        404,
        "ids only"
    );
    for (body, status) in [
        (
            json!({"name": "heatwave", "segment": "all", "note": "x"}),
            409,
        ),
        (json!({"name": "A", "segment": "", "note": "x"}), 422),
        (
            json!({"name": "A", "segment": "tag=none", "note": "x"}),
            422,
        ),
        (
            json!({"name": "A", "segment": "all", "note": "x", "per_day": 0}),
            422,
        ),
        (
            json!({"name": "A", "segment": "all", "note": "x", "until": "2020-01-01"}),
            422,
        ),
        (
            json!({"name": "A", "segment": "all", "note": "x", "until": "soon"}),
            422,
        ),
        (
            json!({"name": "A", "segment": "all", "note": "x", "colour": "red"}),
            422,
        ),
        (json!({"name": "A", "segment": "all"}), 422),
    ] {
        let r = api(addr, &to, "POST", "/api/v1/campaigns", Some(body.clone())).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
    }
    for bad in ["show=maybe", "limit=0", "limit=1001", "cursor=zzz"] {
        let r = api(
            addr,
            &to,
            "GET",
            &format!("/api/v1/campaigns/{id}/contacts?{bad}"),
            None,
        )
        .await;
        assert!(
            r.status == 400 || r.status == 422,
            "{bad}: {} {}",
            r.status,
            r.body
        );
    }
    assert_eq!(
        api(addr, &to, "GET", "/api/v1/campaigns", None)
            .await
            .json()["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // Only its maker or an owner stops it.
    let refused = api(
        addr,
        &tb,
        "POST",
        &format!("/api/v1/campaigns/{id}/stop"),
        None,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    // Stopped from four places at once: one stops it, the others hear it was stopped.
    let path = format!("/api/v1/campaigns/{id}/stop");
    let (s1, s2, s3, s4) = tokio::join!(
        api(addr, &to, "POST", &path, None),
        api(addr, &to, "POST", &path, None),
        api(addr, &to, "POST", &path, None),
        api(addr, &to, "POST", &path, None)
    );
    let mut statuses = vec![s1.status, s2.status, s3.status, s4.status];
    statuses.sort();
    assert_eq!(
        statuses,
        vec![200, 409, 409, 409],
        "{} {} {} {}",
        s1.body,
        s2.body,
        s3.body,
        s4.body
    );
    let stopped = api(addr, &to, "GET", &format!("/api/v1/campaigns/{id}"), None).await;
    assert_eq!(stopped.json()["status"], "stopped", "{}", stopped.body);
    assert_eq!(
        api(
            addr,
            &to,
            "POST",
            &format!("/api/v1/campaigns/{id}/stop"),
            None
        )
        .await
        .status,
        409
    );
    let mine = api(addr, &to, "GET", "/api/v1/today", None).await.json();
    assert!(kinds(&mine).is_empty(), "{mine}");
    // Everyone by today: the member who owns the most (three) sets the pace, not the four.
    let quick = api(
        addr,
        &tb,
        "POST",
        "/api/v1/campaigns",
        Some(json!({"name": "Today only", "segment": "tag=hotels", "note": "Quick one", "until": rapport_core::today::day_of(Timestamp::now(), &jiff::tz::TimeZone::UTC).to_string()})),
    )
    .await;
    assert_eq!(quick.status, 201, "{}", quick.body);
    assert_eq!(quick.json()["per_day"], 3, "{}", quick.body);
}

async fn campaigns_are_changed_and_deleted_over_the_api(db: &Db) {
    use rapport_core::ports::AccountStore;
    let owner = db
        .ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
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
    let other = db
        .create_workspace("Other", "Other owner", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let (to, tb, tx) = (
        token_for(db, &owner).await,
        token_for(db, &bo).await,
        token_for(db, &other).await,
    );
    let addr = start(db).await;
    let today = rapport_core::today::day_of(Timestamp::now(), &jiff::tz::TimeZone::UTC);
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .expect("day")
            .to_string()
    };
    let mut ids = Vec::new();
    for name in ["Ana Lima", "Cy Diaz", "Di Eze"] {
        let c = api(
            addr,
            &to,
            "POST",
            "/api/v1/contacts",
            Some(json!({"name": name, "type": "customer", "tags": ["hotels"]})),
        )
        .await;
        assert_eq!(c.status, 201, "{}", c.body);
        ids.push(c.json()["id"].as_str().expect("id").to_owned());
    }
    // A lunch with Ana planned in three days, after the campaign's last day (today).
    let lunch = api(
        addr,
        &to,
        "POST",
        &format!("/api/v1/contacts/{}/interactions", ids[0]),
        Some(json!({"kind": "meeting", "summary": "Lunch", "at": day(3)})),
    )
    .await;
    assert_eq!(lunch.status, 201, "{}", lunch.body);
    let made = api(
        addr,
        &to,
        "POST",
        "/api/v1/campaigns",
        Some(json!({"name": "Heatwave", "segment": "tag=hotels", "note": "Bookings?", "per_day": 1, "until": day(0)})),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.json()["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/campaigns/{id}");
    /// When Ana's check-in was done (null: not yet).
    async fn ana_done(addr: std::net::SocketAddr, token: &str, path: &str) -> serde_json::Value {
        let page = api(
            addr,
            token,
            "GET",
            &format!("{path}/contacts?show=all"),
            None,
        )
        .await
        .json();
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|m| m["contact_name"] == "Ana Lima")
            .map(|m| m["done_at"].clone())
            .expect("Ana is in it")
    }
    assert!(
        ana_done(addr, &to, &path).await.is_null(),
        "the lunch is after its last day"
    );

    // Renamed, reworded, faster, and running three days longer: the lunch now counts.
    let changed = api(
        addr,
        &to,
        "PATCH",
        &path,
        Some(json!({"name": "Heat wave", "note": "How are the bookings holding up?", "per_day": 3, "until": day(3)})),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let v = changed.json();
    assert_eq!(
        (
            v["name"].clone(),
            v["note"].clone(),
            v["per_day"].clone(),
            v["until"].clone(),
            v["contacts"].clone()
        ),
        (
            json!("Heat wave"),
            json!("How are the bookings holding up?"),
            json!(3),
            json!(day(3)),
            json!(3)
        ),
        "{v}"
    );
    assert!(
        ana_done(addr, &to, &path).await.is_string(),
        "counted for the later last day"
    );
    let mine = api(addr, &to, "GET", "/api/v1/today", None).await.json();
    let check_ins = mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "check_in")
        .count();
    assert_eq!(check_ins, 2, "three a day; Ana's lunch is arranged: {mine}");
    let list = api(addr, &to, "GET", "/api/v1/campaigns", None)
        .await
        .json();
    assert_eq!(list["items"][0]["name"], "Heat wave");
    // Back to an earlier last day: the lunch no longer counts; no last day: it counts again.
    let earlier = api(addr, &to, "PATCH", &path, Some(json!({"until": day(1)}))).await;
    assert_eq!(earlier.status, 200, "{}", earlier.body);
    assert!(ana_done(addr, &to, &path).await.is_null());
    let open = api(addr, &to, "PATCH", &path, Some(json!({"until": null}))).await;
    assert_eq!(open.status, 200, "{}", open.body);
    assert!(open.json()["until"].is_null(), "{}", open.body);
    assert!(ana_done(addr, &to, &path).await.is_string());

    // Bad input is refused with what was wrong, and changes nothing.
    let other_one = api(
        addr,
        &to,
        "POST",
        "/api/v1/campaigns",
        Some(json!({"name": "Floods", "segment": "all", "note": "Dry?"})),
    )
    .await;
    assert_eq!(other_one.status, 201, "{}", other_one.body);
    let before = api(addr, &to, "GET", &path, None).await.body;
    for (body, status) in [
        (json!({"name": "FLOODS"}), 409),
        (json!({}), 422),
        (json!({"name": " "}), 422),
        (json!({"note": ""}), 422),
        (json!({"name": "A\u{202e}B"}), 422),
        (json!({"per_day": 0}), 422),
        (json!({"per_day": 51}), 422),
        (json!({"until": "2020-01-01"}), 422),
        (json!({"until": "soon"}), 422),
        (json!({"colour": "red"}), 422),
        (json!({"per_day": "many"}), 422),
        (json!(["Storms", null, 7]), 422),
        // Accents alone fold to nothing: no name.
        (json!({"name": "\u{301}"}), 422),
        (json!({"name": "0b5a3d2e-8c1f-4e6a-9d7b-2f4c6e8a0b1d"}), 422),
    ] {
        let r = api(addr, &to, "PATCH", &path, Some(body.clone())).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
    }
    assert_eq!(api(addr, &to, "GET", &path, None).await.body, before);
    // An id that matches no campaign finds none.
    let unknown = "/api/v1/campaigns/0b5a3d2e-8c1f-4e6a-9d7b-2f4c6e8a0b1d";
    assert_eq!(api(addr, &to, "GET", unknown, None).await.status, 404);
    assert_eq!(api(addr, &to, "DELETE", unknown, None).await.status, 404);
    let array = api(
        addr,
        &to,
        "POST",
        "/api/v1/contacts",
        Some(json!(["Ed Fox"])),
    )
    .await;
    assert_eq!(array.status, 422, "a body is an object: {}", array.body);

    // Another workspace can neither change nor delete it; a member who did not make it
    // neither; the member can change their own.
    for (token, status) in [(&tx, 404), (&tb, 403)] {
        let r = api(addr, token, "PATCH", &path, Some(json!({"name": "Mine"}))).await;
        assert_eq!(r.status, status, "{}", r.body);
        let r = api(addr, token, "DELETE", &path, None).await;
        assert_eq!(r.status, status, "{}", r.body);
    }
    assert_eq!(
        api(addr, &to, "DELETE", "/api/v1/campaigns/not-an-id", None)
            .await
            .status,
        404
    );
    assert_eq!(api(addr, &to, "GET", &path, None).await.body, before);
    let bos = api(
        addr,
        &tb,
        "POST",
        "/api/v1/campaigns",
        Some(json!({"name": "Bo's round", "segment": "all", "note": "Hi"})),
    )
    .await;
    assert_eq!(bos.status, 201, "{}", bos.body);
    let bos_path = format!(
        "/api/v1/campaigns/{}",
        bos.json()["id"].as_str().expect("id")
    );
    let r = api(addr, &tb, "PATCH", &bos_path, Some(json!({"per_day": 2}))).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Stopped: its pace and last day no longer apply; its name and note may still change.
    let stopped = api(addr, &to, "POST", &format!("{path}/stop"), None).await;
    assert_eq!(stopped.status, 200, "{}", stopped.body);
    for body in [json!({"per_day": 2}), json!({"until": day(5)})] {
        let r = api(addr, &to, "PATCH", &path, Some(body.clone())).await;
        assert_eq!(r.status, 409, "{body}: {}", r.body);
    }
    let renamed = api(
        addr,
        &to,
        "PATCH",
        &path,
        Some(json!({"name": "Heat wave 2026"})),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.json()["status"], "stopped");

    // Two people change different parts at once: both changes stay. A pace changed while
    // it is stopped is either saved before the stop or refused after it, never lost quietly.
    // A stop racing a delete is stopped or not found, never "already stopped".
    for round in 0..6 {
        let made = api(
            addr,
            &to,
            "POST",
            "/api/v1/campaigns",
            Some(json!({"name": format!("Race {round}"), "segment": "all", "note": "Hi", "per_day": 1})),
        )
        .await;
        assert_eq!(made.status, 201, "{}", made.body);
        let p = format!(
            "/api/v1/campaigns/{}",
            made.json()["id"].as_str().expect("id")
        );
        let (a, b) = tokio::join!(
            api(
                addr,
                &to,
                "PATCH",
                &p,
                Some(json!({"note": format!("Note {round}")}))
            ),
            api(
                addr,
                &tb,
                "PATCH",
                &p,
                Some(json!({"name": format!("Race {round} (renamed)")}))
            ),
        );
        // Bo may not change the owner's campaign: his try changes nothing.
        assert_eq!((a.status, b.status), (200, 403), "{} {}", a.body, b.body);
        let (a, b) = tokio::join!(
            api(
                addr,
                &to,
                "PATCH",
                &p,
                Some(json!({"note": format!("Again {round}")}))
            ),
            api(addr, &to, "PATCH", &p, Some(json!({"per_day": 4}))),
        );
        assert_eq!((a.status, b.status), (200, 200), "{} {}", a.body, b.body);
        let now = api(addr, &to, "GET", &p, None).await.json();
        assert_eq!(
            (now["note"].clone(), now["per_day"].clone()),
            (json!(format!("Again {round}")), json!(4)),
            "both changes stay: {now}"
        );
        let stop_path = format!("{p}/stop");
        let (edit, stop) = tokio::join!(
            api(addr, &to, "PATCH", &p, Some(json!({"per_day": 7}))),
            api(addr, &to, "POST", &stop_path, None),
        );
        assert_eq!(stop.status, 200, "{}", stop.body);
        let after = api(addr, &to, "GET", &p, None).await.json();
        match edit.status {
            200 => assert_eq!(after["per_day"], 7, "{after}"),
            409 => assert_eq!(after["per_day"], 4, "{after}"),
            other => panic!("an edit racing a stop answered {other}: {}", edit.body),
        }
        let made = api(
            addr,
            &to,
            "POST",
            "/api/v1/campaigns",
            Some(json!({"name": format!("Gone {round}"), "segment": "all", "note": "Hi"})),
        )
        .await;
        let g = format!(
            "/api/v1/campaigns/{}",
            made.json()["id"].as_str().expect("id")
        );
        let stop_path = format!("{g}/stop");
        let (stop, delete) = tokio::join!(
            api(addr, &to, "POST", &stop_path, None),
            api(addr, &to, "DELETE", &g, None),
        );
        assert_eq!(delete.status, 204, "{}", delete.body);
        assert!(
            stop.status == 200 || stop.status == 404,
            "a stop racing a delete: {} {}",
            stop.status,
            stop.body
        );
    }

    // A new last day quickens the pace (three left by tomorrow: two a day), but never
    // lowers a pace set at the same moment.
    for round in 0..6 {
        let made = api(
            addr,
            &to,
            "POST",
            "/api/v1/campaigns",
            Some(json!({"name": format!("Pace {round}"), "segment": "tag=hotels", "note": "Hi", "per_day": 1})),
        )
        .await;
        assert_eq!(made.status, 201, "{}", made.body);
        let p = format!(
            "/api/v1/campaigns/{}",
            made.json()["id"].as_str().expect("id")
        );
        let (a, b) = tokio::join!(
            api(addr, &to, "PATCH", &p, Some(json!({"until": day(1)}))),
            api(addr, &to, "PATCH", &p, Some(json!({"per_day": 50}))),
        );
        assert_eq!((a.status, b.status), (200, 200), "{} {}", a.body, b.body);
        let now = api(addr, &to, "GET", &p, None).await.json();
        assert_eq!(now["per_day"], 50, "{now}");
        let alone = api(addr, &to, "PATCH", &p, Some(json!({"per_day": 1}))).await;
        assert_eq!(alone.status, 200);
        let sooner = api(addr, &to, "PATCH", &p, Some(json!({"until": day(0)}))).await;
        assert_eq!(sooner.json()["per_day"], 3, "{}", sooner.body);
        assert_eq!(api(addr, &to, "DELETE", &p, None).await.status, 204);
    }

    // Deleted from four places at once: one deletes it, the others hear it is gone; the
    // conversations stay.
    let (d1, d2, d3, d4) = tokio::join!(
        api(addr, &to, "DELETE", &path, None),
        api(addr, &to, "DELETE", &path, None),
        api(addr, &to, "DELETE", &path, None),
        api(addr, &to, "DELETE", &path, None)
    );
    let mut statuses = vec![d1.status, d2.status, d3.status, d4.status];
    statuses.sort();
    assert_eq!(
        statuses,
        vec![204, 404, 404, 404],
        "{} {}",
        d1.body,
        d2.body
    );
    assert_eq!(api(addr, &to, "GET", &path, None).await.status, 404);
    let names: Vec<String> = api(addr, &to, "GET", "/api/v1/campaigns", None)
        .await
        .json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| !n.starts_with("Race "))
            .collect::<Vec<_>>(),
        vec!["Bo's round", "Floods"]
    );
    let timeline = api(
        addr,
        &to,
        "GET",
        &format!("/api/v1/contacts/{}/interactions", ids[0]),
        None,
    )
    .await
    .json();
    assert_eq!(
        timeline["items"].as_array().map(Vec::len),
        Some(1),
        "{timeline}"
    );
    // The name is free again.
    let again = api(
        addr,
        &to,
        "POST",
        "/api/v1/campaigns",
        Some(json!({"name": "Heat wave 2026", "segment": "all", "note": "Again"})),
    )
    .await;
    assert_eq!(again.status, 201, "{}", again.body);
}

on_both_backends!(
    campaigns_over_the_api,
    campaigns_are_changed_and_deleted_over_the_api,
    insights_over_the_api,
    where_we_met_over_the_api,
    requests_answered_without_their_why_over_the_api,
    duplicates_and_merging_over_the_api,
    mail_in_and_promises_confirmed_over_the_api,
    files_in_and_out_over_the_api,
    the_calendar_feed_is_secret_valid_and_per_member,
    settings_and_cadences_over_the_api,
    every_list_pages_with_a_cursor_and_loses_nothing,
    a_leaving_member_s_work_is_handed_over_whole,
    the_whole_book_over_http,
    first_run_setup_sign_in_and_throttle,
    the_api_answers_in_one_shape,
    another_workspace_sees_and_changes_nothing,
);
