//! CardDAV through a real server on port 0, on SQLite and PostgreSQL: discovery and Basic
//! auth with a device password (and its throttle), PROPFIND, GET/PUT/DELETE with strong
//! ETags and their conditions, the statuses and preconditions for bad cards, multiget,
//! query, sync-collection with changes made elsewhere, and another workspace's book.

use rapport_test_support::on_both_backends;

use base64::Engine as _;
use jiff::Timestamp;
use rapport_core::ports::{AccountStore, WorkspaceStore};
use rapport_core::workspace::{Actor, Role};
use rapport_store::Db;
use rapport_test_support::http::{Answer, api, request, start, token_for};
use serde_json::json;

fn basic(email: &str, password: &str) -> String {
    let raw = format!("{email}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

struct Device {
    addr: std::net::SocketAddr,
    auth: String,
    book: String,
}

impl Device {
    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, &str)>,
    ) -> Answer {
        let mut h: Vec<(&str, &str)> = vec![("Authorization", self.auth.as_str())];
        h.extend_from_slice(headers);
        request(
            self.addr,
            method,
            path,
            &h,
            body.map(|(t, b)| (t, b.as_bytes())),
        )
        .await
    }

    async fn report(&self, body: &str) -> Answer {
        self.send(
            "REPORT",
            &self.book,
            &[("Depth", "1")],
            Some(("application/xml", body)),
        )
        .await
    }

    async fn put(&self, name: &str, card: &str, headers: &[(&str, &str)]) -> Answer {
        self.send(
            "PUT",
            &format!("{}{name}", self.book),
            headers,
            Some(("text/vcard; charset=utf-8", card)),
        )
        .await
    }

    async fn get(&self, name: &str) -> Answer {
        self.send("GET", &format!("{}{name}", self.book), &[], None)
            .await
    }
}

/// The owner with an email, a device password, and the server.
async fn setup(db: &Db) -> (Actor, String, Device) {
    db.ensure_default_actor("My workspace", "owner", "UTC", Timestamp::now())
        .await
        .expect("workspace");
    let ana = db
        .add_user(
            "My workspace",
            "ana@example.com",
            "Ana",
            Role::Owner,
            None,
            Timestamp::now(),
        )
        .await
        .expect("ana");
    let token = token_for(db, &ana).await;
    let addr = start(db).await;
    let book = format!("/dav/books/{}/{}/", ana.user.id, ana.workspace.id);
    let device = Device {
        addr,
        auth: basic("ana@example.com", &token),
        book,
    };
    (ana, token, device)
}

fn card(uid: &str, name: &str, extra: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\n{extra}END:VCARD\r\n"
    )
}

/// The value of the first `<tag>` in a body.
fn first<'a>(body: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let at = body.find(&open)? + open.len();
    let end = body[at..].find("</")?;
    Some(&body[at..at + end])
}

fn header<'a>(a: &'a Answer, name: &str) -> &'a str {
    a.header(name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", a.headers))
}

async fn discovery_auth_and_the_throttle(db: &Db) {
    let (ana, token, d) = setup(db).await;
    let options = request(d.addr, "OPTIONS", "/dav/", &[], None).await;
    assert_eq!(options.status, 200);
    assert!(header(&options, "dav").contains("addressbook"));
    let wk = request(d.addr, "PROPFIND", "/.well-known/carddav", &[], None).await;
    assert_eq!((wk.status, header(&wk, "location")), (301, "/dav/"));

    let none = request(d.addr, "PROPFIND", "/dav/", &[("Depth", "0")], None).await;
    assert_eq!(none.status, 401);
    assert!(header(&none, "www-authenticate").starts_with("Basic"));
    let wrong = request(
        d.addr,
        "PROPFIND",
        "/dav/",
        &[("Authorization", &basic("ana@example.com", "rpt_wrong"))],
        None,
    )
    .await;
    assert_eq!(wrong.status, 401);
    let other_email = request(
        d.addr,
        "PROPFIND",
        "/dav/",
        &[("Authorization", &basic("bo@example.com", &token))],
        None,
    )
    .await;
    assert_eq!(other_email.status, 401, "the token is Ana's, not Bo's");

    let ask = "<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:prop>\
               <d:current-user-principal/><c:addressbook-home-set/><d:resourcetype/>\
               <d:displayname/><x:unknown xmlns:x=\"urn:x\"/></d:prop></d:propfind>";
    let root = d
        .send(
            "PROPFIND",
            "/dav/",
            &[("Depth", "0")],
            Some(("application/xml", ask)),
        )
        .await;
    assert_eq!(root.status, 207, "{}", root.body);
    let principal = format!("/dav/principals/{}/", ana.user.id);
    assert!(root.body.contains(&principal), "{}", root.body);
    assert!(
        root.body.contains("404 Not Found"),
        "an unknown property is 404: {}",
        root.body
    );
    let p = d
        .send(
            "PROPFIND",
            &principal,
            &[("Depth", "0")],
            Some(("application/xml", ask)),
        )
        .await;
    let home = format!("/dav/books/{}/", ana.user.id);
    assert!(
        p.body.contains(&format!("<d:href>{home}</d:href>")),
        "{}",
        p.body
    );
    let h = d
        .send(
            "PROPFIND",
            &home,
            &[("Depth", "1")],
            Some(("application/xml", ask)),
        )
        .await;
    assert!(h.body.contains(&d.book), "{}", h.body);
    assert!(h.body.contains("<card:addressbook/>"), "{}", h.body);
    assert!(h.body.contains("My workspace"), "{}", h.body);

    // Another workspace's book, or another member's home, is not here.
    let other = db
        .create_workspace("Other", "Them", "UTC", Timestamp::now())
        .await
        .expect("other");
    let theirs = format!("/dav/books/{}/{}/", ana.user.id, other.workspace.id);
    assert_eq!(
        d.send("PROPFIND", &theirs, &[("Depth", "0")], None)
            .await
            .status,
        404
    );
    let their_home = format!("/dav/books/{}/", other.user.id);
    assert_eq!(d.send("PROPFIND", &their_home, &[], None).await.status, 404);

    // A revoked device password fails on the very next request.
    let tokens = db.tokens(&ana).await.expect("tokens");
    db.revoke_token(&ana, &tokens[0].id, Timestamp::now())
        .await
        .expect("revoke");
    assert_eq!(d.send("PROPFIND", "/dav/", &[], None).await.status, 401);

    // Wrong passwords are throttled as sign-ins are.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let a = request(
            d.addr,
            "PROPFIND",
            "/dav/",
            &[("Authorization", &basic("carl@example.com", "rpt_guess"))],
            None,
        )
        .await;
        statuses.push(a.status);
    }
    // Earlier failures from this address count too: never more than ten, then refused.
    assert!(
        statuses.iter().filter(|s| **s == 401).count() <= 10,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

async fn cards_are_read_written_and_deleted_with_their_etags(db: &Db) {
    let (ana, token, d) = setup(db).await;
    let made = api(
        d.addr,
        &token,
        "POST",
        "/api/v1/contacts",
        Some(json!({"name": "Kenji Watanabe", "emails": ["kenji@example.jp"]})),
    )
    .await
    .json();
    let id = made["id"].as_str().expect("id").to_owned();
    rapport_core::service::add_fact(
        db,
        &ana,
        &id,
        rapport_core::fact::NewFact {
            kind: rapport_core::fact::FactKind::Interest,
            text: "Go".into(),
            relation: None,
            date: None,
        },
        Timestamp::now(),
    )
    .await
    .expect("fact");

    let list = d.send("PROPFIND", &d.book, &[("Depth", "1")], None).await;
    assert_eq!(list.status, 207);
    assert!(
        list.body.contains(&format!("{}{id}.vcf", d.book)),
        "{}",
        list.body
    );
    let got = d.get(&format!("{id}.vcf")).await;
    assert_eq!(got.status, 200);
    assert!(header(&got, "content-type").starts_with("text/vcard"));
    let etag = header(&got, "etag").to_owned();
    assert!(etag.starts_with('"'), "a strong ETag: {etag}");
    assert!(got.body.contains("FN:Kenji Watanabe"), "{}", got.body);
    assert!(got.body.contains(&format!("UID:{id}")), "{}", got.body);

    // A device's new card.
    let phone = card(
        "phone-1",
        "Ana Lima",
        "EMAIL;TYPE=work:ana@lima.example\r\nX-ABLabel:friend\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n",
    );
    let created = d.put("ana.vcf", &phone, &[("If-None-Match", "*")]).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let again = d.put("ana.vcf", &phone, &[("If-None-Match", "*")]).await;
    assert_eq!(again.status, 412, "If-None-Match: * on an existing card");
    let back = d.get("ana.vcf").await;
    assert_eq!(
        back.body, phone,
        "a card unchanged since the device wrote it comes back as sent"
    );
    let ana_etag = header(&back, "etag").to_owned();

    // Bad cards.
    let wrong_type = d
        .send(
            "PUT",
            &format!("{}x.vcf", d.book),
            &[],
            Some(("application/json", "{}")),
        )
        .await;
    assert_eq!(wrong_type.status, 415);
    assert!(wrong_type.body.contains("supported-address-data"));
    let garbage = d.put("x.vcf", "hello", &[]).await;
    assert_eq!(garbage.status, 400);
    assert!(
        garbage.body.contains("valid-address-data"),
        "{}",
        garbage.body
    );
    let two = format!("{phone}{phone}");
    assert_eq!(d.put("x.vcf", &two, &[]).await.status, 400);
    let nul = card("nul", "Nul\u{1}Name", "");
    assert_eq!(d.put("x.vcf", &nul, &[]).await.status, 403);
    let taken = d.put("other.vcf", &card("phone-1", "Copy", ""), &[]).await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert!(taken.body.contains("no-uid-conflict") && taken.body.contains("ana.vcf"));
    assert_eq!(d.get("x.vcf").await.status, 404, "nothing was written");

    // Conditional updates.
    let edited = card(
        "phone-1",
        "Ana Lima-Souza",
        "EMAIL;TYPE=work:ana@lima.example\r\nX-ABLabel:friend\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n",
    );
    let stale = d
        .put("ana.vcf", &edited, &[("If-Match", "\"999999\"")])
        .await;
    assert_eq!(stale.status, 412);
    let ok = d.put("ana.vcf", &edited, &[("If-Match", &ana_etag)]).await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    let new_etag = header(&ok, "etag").to_owned();
    assert_ne!(new_etag, ana_etag);
    let back = d.get("ana.vcf").await;
    assert_eq!(header(&back, "etag"), new_etag);
    assert!(back.body.contains("X-ABLabel:friend") && back.body.contains("PHOTO;"));

    // An edit from the device never touches what only Rapport knows.
    let kenji = card(&id, "Kenji W.", "EMAIL:kenji@example.jp\r\n");
    assert_eq!(
        d.put(&format!("{id}.vcf"), &kenji, &[("If-Match", &etag)])
            .await
            .status,
        204
    );
    let shown = api(
        d.addr,
        &token,
        "GET",
        &format!("/api/v1/contacts/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(shown["name"], "Kenji W.", "{shown}");
    let (_, facts) = rapport_core::service::contact_card(db, &ana, &id)
        .await
        .map(|c| (c.contact, c.facts))
        .expect("card");
    assert!(facts.iter().any(|f| f.text == "Go"), "{facts:?}");

    // Deleting archives.
    let old = d
        .send(
            "DELETE",
            &format!("{}ana.vcf", d.book),
            &[("If-Match", &ana_etag)],
            None,
        )
        .await;
    assert_eq!(old.status, 412);
    let del = d
        .send("DELETE", &format!("{}ana.vcf", d.book), &[], None)
        .await;
    assert_eq!(del.status, 204);
    assert_eq!(d.get("ana.vcf").await.status, 404);
    assert_eq!(
        d.send("DELETE", &format!("{}ana.vcf", d.book), &[], None)
            .await
            .status,
        404
    );
    let archived = api(
        d.addr,
        &token,
        "GET",
        "/api/v1/contacts?archived=true",
        None,
    )
    .await
    .json();
    assert!(
        archived.to_string().contains("Ana Lima-Souza"),
        "{archived}"
    );
}

async fn sync_collection_reports_changes_made_anywhere(db: &Db) {
    let (ana, token, d) = setup(db).await;
    let mut ids = Vec::new();
    for name in ["Ana Lima", "Bo Chen", "Carla Diaz"] {
        let c = api(
            d.addr,
            &token,
            "POST",
            "/api/v1/contacts",
            Some(json!({"name": name})),
        )
        .await
        .json();
        ids.push(c["id"].as_str().expect("id").to_owned());
    }
    let sync = |t: &str, limit: Option<u32>| {
        let limit = limit.map_or(String::new(), |n| {
            format!("<d:limit><d:nresults>{n}</d:nresults></d:limit>")
        });
        format!(
            "<d:sync-collection xmlns:d=\"DAV:\"><d:sync-token>{t}</d:sync-token>\
             <d:sync-level>1</d:sync-level>{limit}<d:prop><d:getetag/></d:prop></d:sync-collection>"
        )
    };
    let initial = d.report(&sync("", None)).await;
    assert_eq!(initial.status, 207, "{}", initial.body);
    assert_eq!(
        initial.body.matches("<d:getetag>").count(),
        3,
        "{}",
        initial.body
    );
    let t0 = first(&initial.body, "d:sync-token")
        .expect("token")
        .to_owned();
    let ctag0 = {
        let p = d
            .send(
                "PROPFIND",
                &d.book,
                &[("Depth", "0")],
                Some(("application/xml", "<d:propfind xmlns:d=\"DAV:\" xmlns:cs=\"http://calendarserver.org/ns/\"><d:prop><cs:getctag/></d:prop></d:propfind>")),
            )
            .await;
        first(&p.body, "cs:getctag").expect("ctag").to_owned()
    };

    // Nothing changed: nothing listed.
    let quiet = d.report(&sync(&t0, None)).await;
    assert!(!quiet.body.contains("<d:response>"), "{}", quiet.body);

    // An edit made elsewhere (the core, as the web and CLI call it).
    rapport_core::service::edit_contact(
        db,
        &ana,
        &ids[1],
        &rapport_core::contact::ContactChanges {
            organisation: Some(Some("Chen & Co".into())),
            ..Default::default()
        },
        Timestamp::now(),
    )
    .await
    .expect("edit");
    let changed = d.report(&sync(&t0, None)).await;
    assert_eq!(
        changed.body.matches("<d:response>").count(),
        1,
        "{}",
        changed.body
    );
    assert!(changed.body.contains(&format!("{}.vcf", ids[1])));
    let t1 = first(&changed.body, "d:sync-token")
        .expect("token")
        .to_owned();
    assert_ne!(t1, t0);

    // An archived contact is reported removed.
    rapport_core::service::archive_contact(db, &ana, &ids[2], Timestamp::now())
        .await
        .expect("archive");
    let removed = d.report(&sync(&t1, None)).await;
    assert!(
        removed
            .body
            .contains(&format!("{}.vcf</d:href><d:status>HTTP/1.1 404", ids[2])),
        "{}",
        removed.body
    );

    // A limit cuts the list, says so (507), and the token goes on from there.
    for id in &ids[..2] {
        rapport_core::service::edit_contact(
            db,
            &ana,
            id,
            &rapport_core::contact::ContactChanges {
                vip: Some(true),
                ..Default::default()
            },
            Timestamp::now(),
        )
        .await
        .expect("vip");
    }
    let t2 = first(&removed.body, "d:sync-token")
        .expect("token")
        .to_owned();
    let part = d.report(&sync(&t2, Some(1))).await;
    assert_eq!(part.body.matches("<d:getetag>").count(), 1, "{}", part.body);
    assert!(part.body.contains("507"), "{}", part.body);
    let t3 = first(&part.body, "d:sync-token").expect("token").to_owned();
    let rest = d.report(&sync(&t3, None)).await;
    assert_eq!(rest.body.matches("<d:getetag>").count(), 1, "{}", rest.body);
    // A limit of two among three changes lists two.
    let t4 = first(&rest.body, "d:sync-token").expect("token").to_owned();
    let mut more = Vec::new();
    for name in ["Dan", "Eve", "Fay"] {
        let c = api(
            d.addr,
            &token,
            "POST",
            "/api/v1/contacts",
            Some(json!({"name": name, "emails": [format!("{name}@example.com")]})),
        )
        .await
        .json();
        more.push(c["id"].as_str().expect("id").to_owned());
    }
    let two = d.report(&sync(&t4, Some(2))).await;
    assert_eq!(two.body.matches("<d:getetag>").count(), 2, "{}", two.body);

    // A merge: the merged contact is removed from the device, the kept one changed (it
    // has the other's email now).
    let t5 = first(&d.report(&sync(&t4, None)).await.body, "d:sync-token")
        .expect("token")
        .to_owned();
    let merged = api(
        d.addr,
        &token,
        "POST",
        &format!("/api/v1/contacts/{}/merge", more[1]),
        Some(json!({"other": more[0]})),
    )
    .await;
    assert_eq!(merged.status, 200, "{}", merged.body);
    let after = d.report(&sync(&t5, None)).await;
    assert!(
        after
            .body
            .contains(&format!("{}.vcf</d:href><d:status>HTTP/1.1 404", more[0])),
        "{}",
        after.body
    );
    assert_eq!(
        after.body.matches("<d:getetag>").count(),
        1,
        "{}",
        after.body
    );
    assert!(after.body.contains(&format!("{}.vcf", more[1])));
    let kept = d.get(&format!("{}.vcf", more[1])).await;
    assert!(kept.body.contains("Dan@example.com"), "{}", kept.body);
    // A device that missed the merge and writes the old card is refused: no second Eve.
    let stale = d
        .put(
            &format!("{}.vcf", more[0]),
            &card(&more[0], "Dan", "EMAIL:dan@home.example\r\n"),
            &[],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    // A card the phone made, merged into one Rapport made: what only the phone's card held
    // (an address, its own X- property) is on the kept card, under the kept card's UID.
    let made = d
        .put(
            "phone-eve.vcf",
            &card(
                "phone-eve",
                "Eve Phone",
                "ADR;TYPE=home:;;1 Rue Neuve;Lyon;;69001;FR\r\nX-PHONE-THING:keep me\r\n",
            ),
            &[("If-None-Match", "*")],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let phone_eve = api(
        d.addr,
        &token,
        "GET",
        "/api/v1/contacts?search=eve+phone",
        None,
    )
    .await
    .json()["items"][0]["id"]
        .as_str()
        .expect("the phone's contact")
        .to_owned();
    let merged = api(
        d.addr,
        &token,
        "POST",
        &format!("/api/v1/contacts/{}/merge", more[1]),
        Some(json!({"other": phone_eve})),
    )
    .await;
    assert_eq!(merged.status, 200, "{}", merged.body);
    let eve = d.get(&format!("{}.vcf", more[1])).await.body;
    assert!(
        eve.contains("ADR;TYPE=home:;;1 Rue Neuve;Lyon;;69001;FR"),
        "{eve}"
    );
    assert!(eve.contains("X-PHONE-THING:keep me"), "{eve}");
    assert!(eve.contains(&format!("UID:{}", more[1])), "{eve}");
    assert!(!eve.contains("phone-eve"), "{eve}");
    assert_eq!(d.get("phone-eve.vcf").await.status, 404);
    let quiet = d.report(&sync(&t5, None)).await;
    assert_eq!(
        quiet.body.matches("<d:getetag>").count(),
        1,
        "{}",
        quiet.body
    );

    // The CTag moved; a bad or foreign token asks for a fresh sync.
    let p = d
        .send(
            "PROPFIND",
            &d.book,
            &[("Depth", "0")],
            Some(("application/xml", "<d:propfind xmlns:d=\"DAV:\" xmlns:cs=\"http://calendarserver.org/ns/\"><d:prop><cs:getctag/></d:prop></d:propfind>")),
        )
        .await;
    assert_ne!(first(&p.body, "cs:getctag"), Some(ctag0.as_str()));
    for bad in [
        "urn:rapport:sync:nope:1",
        "garbage",
        "urn:rapport:sync:x:99999999",
    ] {
        let a = d.report(&sync(bad, None)).await;
        assert_eq!(a.status, 403, "{bad}");
        assert!(a.body.contains("valid-sync-token"), "{}", a.body);
    }
    let future = t3
        .rsplit_once(':')
        .map(|(w, _)| format!("{w}:99999999"))
        .expect("token");
    assert_eq!(d.report(&sync(&future, None)).await.status, 403);
}

async fn multiget_query_and_bad_requests(db: &Db) {
    let (_ana, _token, d) = setup(db).await;
    d.put(
        "a.vcf",
        &card(
            "a",
            "Ana Lima",
            "EMAIL:ana@lima.example\r\nTEL:+33 6 12 34 56 78\r\n",
        ),
        &[],
    )
    .await;
    d.put(
        "b.vcf",
        &card("b", "Bo Chen", "EMAIL:bo@chen.example\r\n"),
        &[],
    )
    .await;
    let multiget = format!(
        "<c:addressbook-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">\
         <d:prop><d:getetag/><c:address-data/></d:prop>\
         <d:href>{b}a.vcf</d:href><d:href>http://host{b}b.vcf</d:href><d:href>{b}nope.vcf</d:href>\
         </c:addressbook-multiget>",
        b = d.book
    );
    let m = d.report(&multiget).await;
    assert_eq!(m.status, 207);
    assert_eq!(
        m.body.matches("<card:address-data>").count(),
        2,
        "{}",
        m.body
    );
    assert!(m.body.contains("FN:Bo Chen"));
    assert!(
        m.body.contains("nope.vcf</d:href><d:status>HTTP/1.1 404"),
        "{}",
        m.body
    );

    let query = |filter: &str| {
        format!(
            "<c:addressbook-query xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">\
             <d:prop><d:getetag/></d:prop><c:filter>{filter}</c:filter></c:addressbook-query>"
        )
    };
    let by_email = d
        .report(&query("<c:prop-filter name=\"EMAIL\"><c:text-match match-type=\"contains\">LIMA.example</c:text-match></c:prop-filter>"))
        .await;
    assert_eq!(
        by_email.body.matches("<d:response>").count(),
        1,
        "{}",
        by_email.body
    );
    assert!(by_email.body.contains("a.vcf"));
    let by_name = d
        .report(&query("<c:prop-filter name=\"FN\"><c:text-match match-type=\"starts-with\">bo</c:text-match></c:prop-filter>"))
        .await;
    assert!(by_name.body.contains("b.vcf") && !by_name.body.contains("a.vcf"));
    let by_phone = d
        .report(&query(
            "<c:prop-filter name=\"TEL\"><c:is-not-defined/></c:prop-filter>",
        ))
        .await;
    assert!(by_phone.body.contains("b.vcf") && !by_phone.body.contains("a.vcf"));
    let both = d
        .report(&query("<c:prop-filter name=\"FN\" test=\"allof\"><c:text-match>ana</c:text-match><c:text-match>zzz</c:text-match></c:prop-filter>"))
        .await;
    assert!(!both.body.contains("<d:response>"), "{}", both.body);
    let param = d
        .report(&query(
            "<c:prop-filter name=\"EMAIL\"><c:param-filter name=\"TYPE\"/></c:prop-filter>",
        ))
        .await;
    assert_eq!(param.status, 403);
    let octet = d
        .report(&query("<c:prop-filter name=\"FN\"><c:text-match collation=\"i;octet\">Ana</c:text-match></c:prop-filter>"))
        .await;
    assert_eq!(octet.status, 403);
    assert!(octet.body.contains("supported-collation"));
    let unsupported = d
        .report(&query(
            "<c:prop-filter name=\"X-FOO\"><c:text-match>x</c:text-match></c:prop-filter>",
        ))
        .await;
    assert_eq!(unsupported.status, 403);
    assert!(unsupported.body.contains("supported-filter"));

    let unknown = d.report("<d:expand-property xmlns:d=\"DAV:\"/>").await;
    assert_eq!(unknown.status, 403);
    assert!(unknown.body.contains("supported-report"));
    assert_eq!(d.report("<not xml").await.status, 400);
    assert_eq!(d.report("").await.status, 400);
    let patch = d
        .send(
            "PROPPATCH",
            &d.book,
            &[],
            Some((
                "application/xml",
                "<d:propertyupdate xmlns:d=\"DAV:\"><d:set><d:prop><d:displayname>Mine</d:displayname></d:prop></d:set></d:propertyupdate>",
            )),
        )
        .await;
    assert_eq!(patch.status, 207);
    assert!(patch.body.contains("403 Forbidden"), "{}", patch.body);
    assert_eq!(
        d.send("MKCOL", &format!("{}new/", d.book), &[], None)
            .await
            .status,
        405
    );
    let big = "x".repeat(rapport_server::dav::MAX_BODY + 10);
    assert_eq!(d.put("big.vcf", &big, &[]).await.status, 413);
}

/// Parallel devices: a device's own parallel requests are never throttled; of parallel
/// writes under one condition or one UID exactly one wins.
async fn parallel_requests_and_conditions(db: &Db) {
    let (_ana, _token, d) = setup(db).await;
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let (addr, auth) = (d.addr, d.auth.clone());
        tasks.push(tokio::spawn(async move {
            request(
                addr,
                "PROPFIND",
                "/dav/",
                &[("Authorization", &auth), ("Depth", "0")],
                None,
            )
            .await
            .status
        }));
    }
    for t in tasks {
        assert_eq!(
            t.await.expect("task"),
            207,
            "a device's parallel requests are not throttled"
        );
    }

    // The same UID under ten names at once: one card.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (addr, auth, book) = (d.addr, d.auth.clone(), d.book.clone());
        tasks.push(tokio::spawn(async move {
            let c = card("same-uid", &format!("Twin {i}"), "");
            request(
                addr,
                "PUT",
                &format!("{book}twin-{i}.vcf"),
                &[("Authorization", &auth)],
                Some(("text/vcard", c.as_bytes())),
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [201, 409, 412].contains(s)),
        "{statuses:?}"
    );

    // Ten writes under the same If-Match: one wins, the others are told to read again.
    d.put("race.vcf", &card("race", "Race", ""), &[]).await;
    let etag = header(&d.get("race.vcf").await, "etag").to_owned();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (addr, auth, book, etag) = (d.addr, d.auth.clone(), d.book.clone(), etag.clone());
        tasks.push(tokio::spawn(async move {
            let c = card("race", &format!("Race {i}"), "");
            request(
                addr,
                "PUT",
                &format!("{book}race.vcf"),
                &[("Authorization", &auth), ("If-Match", &etag)],
                Some(("text/vcard", c.as_bytes())),
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 204).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        9,
        "{statuses:?}"
    );

    // If-None-Match with the current tag refuses; a condition that cannot be read refuses.
    let now = header(&d.get("race.vcf").await, "etag").to_owned();
    let c = card("race", "Race again", "");
    assert_eq!(
        d.put("race.vcf", &c, &[("If-None-Match", &now)])
            .await
            .status,
        412
    );
    assert_eq!(
        d.put("race.vcf", &c, &[("If-Match", "\"x\", ")])
            .await
            .status,
        412
    );
    // A group is not a contact.
    let group = card("g", "Friends", "X-ADDRESSBOOKSERVER-KIND:group\r\n");
    assert_eq!(d.put("group.vcf", &group, &[]).await.status, 400);
    // A property with no namespace is answered in none.
    let p = d
        .send(
            "PROPFIND",
            &d.book,
            &[("Depth", "0")],
            Some((
                "application/xml",
                "<d:propfind xmlns:d=\"DAV:\"><d:prop><foo/></d:prop></d:propfind>",
            )),
        )
        .await;
    assert!(p.body.contains("<foo xmlns=\"\"/>"), "{}", p.body);
}

on_both_backends!(
    parallel_requests_and_conditions,
    discovery_auth_and_the_throttle,
    cards_are_read_written_and_deleted_with_their_etags,
    sync_collection_reports_changes_made_anywhere,
    multiget_query_and_bad_requests,
);
