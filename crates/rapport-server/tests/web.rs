//! The web pages through a real server on both backends, the way a browser without
//! JavaScript uses them: set-up, add a contact, record a promise, see it on Today, mark it
//! kept, read the trust explanation; CSRF and safe redirects.

use rapport_test_support::on_both_backends;

use jiff::Timestamp;
use rapport_core::ports::WorkspaceStore;
use rapport_store::Db;
use rapport_test_support::http::{Answer, request, start};

const FORM: &str = "application/x-www-form-urlencoded";

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    other => format!("%{other:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().expect("value").to_owned()
}

fn location(a: &Answer) -> String {
    a.header("location").unwrap_or_default().to_owned()
}

async fn a_person_keeps_a_promise_in_the_browser(db: &Db) {
    db.ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let addr = start(db).await;
    let link = rapport_server::setup_link(db)
        .await
        .expect("link")
        .expect("set-up");
    let body = form(&[
        ("name", "Ana Owner"),
        ("email", "ana@example.com"),
        ("password", "correct horse battery"),
    ]);
    let done = request(addr, "POST", &link, &[], Some((FORM, &body))).await;
    let cookie = done
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("session")
        .to_owned();
    let get = |path: &'static str| {
        let cookie = cookie.clone();
        async move { request(addr, "GET", path, &[("Cookie", cookie.as_str())], None).await }
    };
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let body = form(&pairs);
            request(
                addr,
                "POST",
                &path,
                &[("Cookie", cookie.as_str())],
                Some((FORM, &body)),
            )
            .await
        }
    };

    let page = get("/contacts").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<label for=\"q\">Search</label>"),
        "labelled inputs"
    );
    let csrf = csrf_in(&page.body);
    // Without the CSRF token nothing is written.
    let forged = post(
        "/contacts".into(),
        vec![("csrf", "nope".into()), ("name", "Mallory".into())],
    )
    .await;
    assert_eq!(forged.status, 403);
    let added = post(
        "/contacts".into(),
        vec![
            ("csrf", csrf.clone()),
            ("name", "Élodie Martin".into()),
            ("type", "customer".into()),
            ("organisation", "Vins du Rhône".into()),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let contact_path = location(&added);
    assert!(contact_path.starts_with("/contacts/"));
    let empty = post(
        "/contacts".into(),
        vec![("csrf", csrf.clone()), ("name", " ".into())],
    )
    .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("role=\"alert\""));
    let search = get("/contacts?q=ELODIE&type=customer").await;
    assert!(search.body.contains("Élodie Martin"));
    assert!(!get("/contacts?q=mallory").await.body.contains("Mallory"));

    // Record a promise due today on her page; it shows on Today.
    let promised = post(
        format!("{contact_path}/commitments"),
        vec![
            ("csrf", csrf.clone()),
            ("direction", "mine".into()),
            ("text", "Send the samples".into()),
            ("due", "today".into()),
        ],
    )
    .await;
    assert_eq!(promised.status, 303, "{}", promised.body);
    let bad_due = post(
        format!("{contact_path}/commitments"),
        vec![
            ("csrf", csrf.clone()),
            ("direction", "mine".into()),
            ("text", "Something".into()),
            ("due", "someday".into()),
        ],
    )
    .await;
    assert_eq!(bad_due.status, 422);
    let today = get("/today").await;
    assert!(today.body.contains("Send the samples"), "{}", today.body);
    let kept_at = today.body.find("/kept\"").expect("a Kept button");
    let action_start = today.body[..kept_at]
        .rfind("/commitments/")
        .expect("its form");
    let action = today.body[action_start..kept_at + 5].to_owned();
    // A hostile "back" goes nowhere but home.
    let kept = post(
        action.clone(),
        vec![("csrf", csrf.clone()), ("back", "//evil.example/".into())],
    )
    .await;
    assert_eq!((kept.status, location(&kept).as_str()), (303, "/today"));
    assert!(
        !get("/today").await.body.contains("Send the samples"),
        "gone at once"
    );
    // With htmx, the same form answers the item's new line in place.
    post(
        format!("{contact_path}/commitments"),
        vec![
            ("csrf", csrf.clone()),
            ("direction", "mine".into()),
            ("text", "Call back".into()),
            ("due", "today".into()),
        ],
    )
    .await;
    let today = get("/today").await;
    assert!(
        today.body.contains("hx-post=\"/commitments/"),
        "htmx attributes"
    );
    let at = today.body.find("/at-risk\"").expect("an At risk button");
    let start = today.body[..at]
        .rfind("action=\"/commitments/")
        .expect("its form")
        + 8;
    let action = today.body[start..at + 8].to_owned();
    let body = form(&[("csrf", &csrf)]);
    let swapped = request(
        addr,
        "POST",
        &action,
        &[("Cookie", cookie.as_str()), ("HX-Request", "true")],
        Some((FORM, &body)),
    )
    .await;
    assert_eq!(swapped.status, 200, "{}", swapped.body);
    assert!(swapped.body.contains("Flagged at risk"), "{}", swapped.body);
    assert!(
        get("/today").await.body.contains("Tell them now"),
        "now bad news to deliver"
    );
    let js = get("/static/htmx.min.js").await;
    assert!(
        js.header("content-type")
            .is_some_and(|c| c.contains("javascript"))
    );

    // The trust explanation on her page.
    let page = request(
        addr,
        "GET",
        &contact_path,
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("My promises to them"));
    assert!(
        page.body.contains("<summary>Why</summary>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("“Send the samples”, kept"),
        "{}",
        page.body
    );

    // Memory, a logged call and a gesture, from her page.
    for (path, fields) in [
        (
            "facts",
            vec![
                ("kind", "family"),
                ("text", "Sofia"),
                ("relation", "daughter"),
                ("date", "2016-02-29"),
            ],
        ),
        (
            "interactions",
            vec![
                ("kind", "call"),
                ("summary", "Talked about the spring order"),
                ("they_said", "Budget closes in March"),
            ],
        ),
        (
            "gestures",
            vec![
                ("kind", "tickets"),
                ("text", "Two tickets to the match"),
                ("cost", "120"),
            ],
        ),
    ] {
        let mut all = vec![("csrf", csrf.clone())];
        all.extend(fields.into_iter().map(|(k, v)| (k, v.to_owned())));
        let done = post(format!("{contact_path}/{path}"), all).await;
        assert_eq!(done.status, 303, "{path}: {}", done.body);
    }
    let refused = post(
        format!("{contact_path}/facts"),
        vec![
            ("csrf", csrf.clone()),
            ("kind", "date".into()),
            ("text", "Anniversary".into()),
            ("date", "2021-02-30".into()),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    let page = request(
        addr,
        "GET",
        &contact_path,
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    for shown in [
        "Sofia",
        "Talked about the spring order",
        "Two tickets to the match",
    ] {
        assert!(page.body.contains(shown), "{shown}");
    }

    // A date ten days ahead shows under "Coming up"; a request without a why asks for one,
    // and the why is written down from the page.
    let ahead = Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .checked_add(jiff::ToSpan::days(10))
        .expect("date");
    let anniversary = format!("2012-{:02}-{:02}", ahead.month(), ahead.day());
    let asked = [
        (
            "facts",
            vec![
                ("kind", "date".to_owned()),
                ("text", "Company anniversary".to_owned()),
                ("date", anniversary),
            ],
        ),
        ("requests", vec![("text", "A quote in euros".to_owned())]),
    ];
    for (path, fields) in asked {
        let mut all = vec![("csrf", csrf.clone())];
        all.extend(fields);
        let done = post(format!("{contact_path}/{path}"), all).await;
        assert_eq!(done.status, 303, "{path}: {}", done.body);
    }
    let empty = post(
        format!("{contact_path}/requests"),
        vec![("csrf", csrf.clone()), ("text", "  ".into())],
    )
    .await;
    assert_eq!(empty.status, 422);
    let page = request(
        addr,
        "GET",
        &contact_path,
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    let section = |from: &str, to: &str| -> String {
        let a = page.body.find(from).expect(from);
        let b = page.body[a..].find(to).expect(to) + a;
        page.body[a..b].to_owned()
    };
    assert!(
        section("<h2>Coming up</h2>", "<h2>Appreciation</h2>").contains("Company anniversary"),
        "{}",
        page.body
    );
    let asked = section("<h2>What they asked for</h2>", "<h2>Timeline</h2>");
    assert!(asked.contains("A quote in euros — why it matters to them is not known yet: ask"));
    let at = asked.find("action=\"/requests/").expect("a why form") + 8;
    let why_path = asked[at..].split('"').next().expect("path").to_owned();
    assert!(why_path.ends_with("/why"), "{why_path}");
    let blank = post(
        why_path.clone(),
        vec![("csrf", csrf.clone()), ("why", " ".into())],
    )
    .await;
    assert_eq!(blank.status, 422, "{}", blank.body);
    let saved = post(
        why_path.clone(),
        vec![
            ("csrf", csrf.clone()),
            ("why", "Their board reports in euros".into()),
        ],
    )
    .await;
    assert_eq!(
        (saved.status, location(&saved)),
        (303, contact_path.clone())
    );
    let forged = post(
        why_path,
        vec![("csrf", "forged".into()), ("why", "x".into())],
    )
    .await;
    assert_eq!(forged.status, 403);
    let page = request(
        addr,
        "GET",
        &contact_path,
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    assert!(
        page.body
            .contains("A quote in euros — why: Their board reports in euros")
    );
    assert!(!page.body.contains("/why\" class="), "no why left to ask");

    // A deal: opened on her page, a concession given, moved on the board to won.
    let opened = post(
        format!("{contact_path}/deals"),
        vec![
            ("csrf", csrf.clone()),
            ("title", "Spring order".into()),
            ("value", "12,500".into()),
            ("stage", "proposal".into()),
            ("close", "+30d".into()),
        ],
    )
    .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let page = request(
        addr,
        "GET",
        &contact_path,
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    let at = page.body.find("/terms\"").expect("a give/get form");
    let start = page.body[..at].rfind("/deals/").expect("its action");
    let deal = page.body[start..at].to_owned();
    let gave = post(
        format!("{deal}/terms"),
        vec![
            ("csrf", csrf.clone()),
            ("kind", "give".into()),
            ("text", "Free delivery".into()),
        ],
    )
    .await;
    assert_eq!(gave.status, 303);
    let board = get("/deals").await;
    assert!(board.body.contains("gives outrun gets"), "{}", board.body);
    let won = post(
        format!("{deal}/stage"),
        vec![("csrf", csrf.clone()), ("stage", "won".into())],
    )
    .await;
    assert_eq!((won.status, location(&won).as_str()), (303, "/deals"));
    let page = request(
        addr,
        "GET",
        &contact_path,
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    assert!(
        page.body.contains("Send a handwritten thank-you note"),
        "winning promised the note"
    );

    // Deals board and settings render; a token is shown once.
    assert_eq!(get("/deals").await.status, 200);
    let made = post(
        "/settings/tokens".into(),
        vec![("csrf", csrf.clone()), ("name", "laptop".into())],
    )
    .await;
    let shown = made
        .body
        .split("<code>")
        .nth(1)
        .and_then(|t| t.split("</code>").next())
        .expect("token shown");
    assert!(shown.starts_with("rpt_"));
    assert!(
        !get("/settings").await.body.contains(shown),
        "never shown again"
    );
    let budget = post(
        "/settings/budget".into(),
        vec![("csrf", csrf.clone()), ("amount", "2,500".into())],
    )
    .await;
    assert_eq!(budget.status, 303);
    let rule = post(
        "/settings/appreciation".into(),
        vec![
            ("csrf", csrf.clone()),
            ("audience", "customer".into()),
            ("every", "45".into()),
        ],
    )
    .await;
    assert_eq!(rule.status, 303);
    let bad = post(
        "/settings/appreciation".into(),
        vec![
            ("csrf", csrf.clone()),
            ("audience", "customer".into()),
            ("every", "often".into()),
        ],
    )
    .await;
    assert!(bad.body.contains("role=\"alert\""));
    let touch = post(
        "/settings/keep-in-touch".into(),
        vec![
            ("csrf", csrf.clone()),
            ("audience", "prospect".into()),
            ("every", "21".into()),
        ],
    )
    .await;
    assert_eq!(touch.status, 303, "{}", touch.body);
    let bad_touch = post(
        "/settings/keep-in-touch".into(),
        vec![
            ("csrf", csrf.clone()),
            ("audience", "prospect".into()),
            ("every", "9999".into()),
        ],
    )
    .await;
    assert_eq!(bad_touch.status, 422);
    assert!(bad_touch.body.contains("role=\"alert\""));
    let forged = post(
        "/settings/keep-in-touch".into(),
        vec![
            ("csrf", "forged".into()),
            ("audience", "prospect".into()),
            ("every", "7".into()),
        ],
    )
    .await;
    assert_eq!(forged.status, 403);
    let digest = post(
        "/settings/digest".into(),
        vec![("csrf", csrf.clone()), ("at", "7:30".into())],
    )
    .await;
    assert_eq!(digest.status, 303);
    let bad_digest = post(
        "/settings/digest".into(),
        vec![("csrf", csrf.clone()), ("at", "25:00".into())],
    )
    .await;
    assert_eq!(bad_digest.status, 422);
    assert!(
        get("/settings")
            .await
            .body
            .contains("name=\"at\" value=\"07:30\"")
    );
    let settings = get("/settings").await.body;
    assert!(settings.contains("2,500.00"), "{settings}");
    // Where a phone points its CardDAV account: the configured address, never the Host.
    assert!(
        settings.contains(&format!("<code>http://{addr}/dav/</code>")),
        "{settings}"
    );
    assert!(settings.contains("customer: every 45 days"), "{settings}");
    let keep = settings
        .find("<h2>Keep in touch</h2>")
        .map(|at| &settings[at..])
        .expect("keep in touch section");
    assert!(keep.contains("prospect: every 21 days<"), "{keep}");
    assert!(keep.contains("vendor: every 90 days (default)"), "{keep}");
    assert!(
        keep.contains("co-worker: never goes cold (default)"),
        "{keep}"
    );
    let css = get("/static/app.css").await;
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    // An owner invites Bo: a one-time link; Bo chooses a password and is signed in.
    let bad_invite = post(
        "/settings/members".into(),
        vec![
            ("csrf", csrf.clone()),
            ("name", "Bo".into()),
            ("email", "not an email".into()),
            ("role", "member".into()),
        ],
    )
    .await;
    assert_eq!(bad_invite.status, 422);
    let invited = post(
        "/settings/members".into(),
        vec![
            ("csrf", csrf.clone()),
            ("name", "Bo".into()),
            ("email", "bo@example.com".into()),
            ("role", "member".into()),
        ],
    )
    .await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    let link = invited
        .body
        .split("<code>")
        .nth(1)
        .and_then(|t| t.split("</code>").next())
        .expect("link shown")
        .to_owned();
    let path = link
        .split_once("/invite/")
        .map(|(_, t)| format!("/invite/{t}"))
        .expect("an invite path");
    assert!(
        get("/settings")
            .await
            .body
            .contains("Bo (bo@example.com), member")
    );
    assert!(!get("/settings").await.body.contains(&path), "shown once");
    let again = post(
        "/settings/members".into(),
        vec![
            ("csrf", csrf.clone()),
            ("name", "Bo again".into()),
            ("email", "BO@example.com".into()),
            ("role", "member".into()),
        ],
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.body);
    let form_page = request(addr, "GET", &path, &[], None).await;
    assert_eq!(form_page.status, 200);
    assert!(form_page.body.contains("bo@example.com"));
    let answer = |pw: &'static str| {
        let path = path.clone();
        async move {
            let body = form(&[("password", pw)]);
            request(addr, "POST", &path, &[], Some((FORM, &body))).await
        }
    };
    assert_eq!(answer("short").await.status, 422);
    let joined = answer("bo's long enough password").await;
    assert_eq!((joined.status, location(&joined).as_str()), (303, "/today"));
    let bo_cookie = joined
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session")
        .to_owned();
    let bo_today = request(
        addr,
        "GET",
        "/today",
        &[("Cookie", bo_cookie.as_str())],
        None,
    )
    .await;
    assert_eq!(bo_today.status, 200);
    assert_eq!(
        answer("another long password").await.status,
        404,
        "works once"
    );
    assert_eq!(request(addr, "GET", &path, &[], None).await.status, 404);
    // A member may not invite.
    let bo_settings = request(
        addr,
        "GET",
        "/settings",
        &[("Cookie", bo_cookie.as_str())],
        None,
    )
    .await;
    let bo_csrf = csrf_in(&bo_settings.body);
    let body = form(&[
        ("csrf", &bo_csrf),
        ("name", "Cy"),
        ("email", "cy@example.com"),
        ("role", "owner"),
    ]);
    let refused = request(
        addr,
        "POST",
        "/settings/members",
        &[("Cookie", bo_cookie.as_str())],
        Some((FORM, &body)),
    )
    .await;
    assert_eq!(refused.status, 403);

    // Signed out, pages send you to sign in.
    let anon = request(addr, "GET", "/contacts", &[], None).await;
    assert_eq!((anon.status, location(&anon).as_str()), (303, "/login"));
}

/// A multipart/form-data body: text fields, then one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "rapport-test-boundary-7d1";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn files_in_and_out_in_the_browser(db: &Db) {
    db.ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("actor");
    let addr = start(db).await;
    let link = rapport_server::setup_link(db)
        .await
        .expect("link")
        .expect("set-up");
    let body = form(&[
        ("name", "Ana Owner"),
        ("email", "ana@example.com"),
        ("password", "correct horse battery"),
    ]);
    let done = request(addr, "POST", &link, &[], Some((FORM, &body))).await;
    let cookie = done
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("session")
        .to_owned();
    let settings = request(
        addr,
        "GET",
        "/settings",
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    assert!(settings.body.contains("enctype=\"multipart/form-data\""));
    let csrf = csrf_in(&settings.body);
    let send = |fields: Vec<(&'static str, String)>, file: (&'static str, Vec<u8>)| {
        let cookie = cookie.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (kind, body) = multipart(&pairs, (file.0, &file.1));
            request(
                addr,
                "POST",
                "/settings/import",
                &[("Cookie", cookie.as_str())],
                Some((&kind, &body)),
            )
            .await
        }
    };
    let csv = "First Name;Last Name;E-mail Address;Fax\r\nFran\u{e7}ois;Dupr\u{e9};fd@example.fr;1\r\nAna;Lima;ana@example.com;2\r\n";
    // Preview: how the file is read; nothing written yet.
    let preview = send(
        vec![("csrf", csrf.clone()), ("type", "customer".into())],
        ("outlook.csv", csv.as_bytes().to_vec()),
    )
    .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview
            .body
            .contains("2 rows read: 2 new contacts would be added."),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("Column “Fax” is not used."),
        "{}",
        preview.body
    );
    let contacts = request(
        addr,
        "GET",
        "/contacts",
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    assert!(
        !contacts.body.contains("François"),
        "a preview writes nothing"
    );
    let at = preview
        .body
        .find("action=\"/settings/import/")
        .expect("confirm form")
        + 8;
    let confirm = preview.body[at..]
        .split('"')
        .next()
        .expect("path")
        .to_owned();
    let forged = request(
        addr,
        "POST",
        &confirm,
        &[("Cookie", cookie.as_str())],
        Some((FORM, &form(&[("csrf", "forged")]))),
    )
    .await;
    assert_eq!(forged.status, 403);
    let imported = request(
        addr,
        "POST",
        &confirm,
        &[("Cookie", cookie.as_str())],
        Some((FORM, &form(&[("csrf", &csrf)]))),
    )
    .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert!(
        imported.body.contains("2 contacts added."),
        "{}",
        imported.body
    );
    let again = request(
        addr,
        "POST",
        &confirm,
        &[("Cookie", cookie.as_str())],
        Some((FORM, &form(&[("csrf", &csrf)]))),
    )
    .await;
    assert_eq!(again.status, 404, "an upload is imported once");
    let contacts = request(
        addr,
        "GET",
        "/contacts",
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    assert!(contacts.body.contains("François Dupré"));
    // A bad vCard is refused with the card named; no confirm button.
    let bad = send(
        vec![("csrf", csrf.clone())],
        (
            "phone.vcf",
            b"BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD\nBEGIN:VCARD\nFN:Cut short\n".to_vec(),
        ),
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("card 2 (line 5)") && !bad.body.contains("Import now"),
        "{}",
        bad.body
    );
    let forged = send(vec![("csrf", "forged".into())], ("a.vcf", b"x".to_vec())).await;
    assert_eq!(forged.status, 403);
    // Downloads.
    let vcf = request(
        addr,
        "GET",
        "/export/contacts.vcf",
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    assert_eq!(
        vcf.header("content-type"),
        Some("text/vcard; charset=utf-8")
    );
    assert_eq!(vcf.body.matches("BEGIN:VCARD").count(), 2);
    let csv_out = request(
        addr,
        "GET",
        "/export/contacts.csv",
        &[("Cookie", cookie.as_str())],
        None,
    )
    .await;
    assert!(
        csv_out
            .body
            .contains("François Dupré,,customer,no,fd@example.fr"),
        "{}",
        csv_out.body
    );
    let anon = request(addr, "GET", "/export/contacts.csv", &[], None).await;
    assert_eq!((anon.status, location(&anon).as_str()), (303, "/login"));
}

on_both_backends!(
    a_person_keeps_a_promise_in_the_browser,
    files_in_and_out_in_the_browser,
);
