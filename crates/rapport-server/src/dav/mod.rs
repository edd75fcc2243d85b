//! CardDAV (RFC 6352, with sync-collection from RFC 6578) for phones and address-book
//! programs: one address book per workspace, its live contacts as cards.
//!
//! Layout: `/.well-known/carddav` redirects to `/dav/`; the member's principal is
//! `/dav/principals/{user}/`, their address-book home `/dav/books/{user}/`, and the address
//! book of the workspace their device password was made in `/dav/books/{user}/{workspace}/`,
//! its cards `…/{name}`. HTTP Basic auth: the member's email and a device password (an API
//! token, `rapport token create EMAIL --name phone`); wrong ones are throttled like sign-in.
//!
//! The handlers here parse the WebDAV request, call `rapport_core::card`, and write the
//! multistatus answer; the card text comes from `rapport_formats::device`.

// A handler's early answer is a whole `Response`: returned once per request, not in a loop.
#![allow(clippy::result_large_err)]

mod xml;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use base64::Engine as _;
use jiff::Timestamp;
use rapport_core::Error;
use rapport_core::card::{
    self as cards, AddressBook, CardProperty, CardQuery, Expect, FullCard, MatchHow, PropFilter,
    Removed, TextMatch, Written,
};
use rapport_core::ports::AccountStore;
use rapport_core::workspace::Actor;
use rapport_formats::device::{read_device_card, write_device_card};

use crate::AppState;
use crate::auth::{digest, reserve_attempt, throttle_keys};
use xml::{CARDDAV, CS, DAV, Element, escape};

/// The largest request body: a card with its photo (as the vCard reader takes), or a long
/// multiget.
pub const MAX_BODY: usize = rapport_formats::vcard::MAX_CARD_BYTES;

/// Past this size an answer lists the remaining cards as 507 (asked again later) rather
/// than growing without bound.
const MAX_ANSWER: usize = 128 * 1024 * 1024;

/// The most distinct properties a request may ask of each resource.
const MAX_PROPS: usize = 64;

/// Cards rendered per store round trip in a multiget or a listing with their data.
const BATCH: usize = 500;

const ALLOW: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT";

/// The CardDAV routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/carddav", any(well_known))
        .route("/dav", any(dav))
        .route("/dav/", any(dav))
        .route("/dav/{*rest}", any(dav))
}

/// RFC 6764: the well-known address leads to the DAV root.
async fn well_known() -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/dav/")]).into_response()
}

/// What a path names, for the signed-in member.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    Root,
    Principal,
    Home,
    Book,
    Card(String),
}

/// The paths of the member's resources.
struct Paths {
    user: String,
    workspace: String,
}

impl Paths {
    fn of(actor: &Actor) -> Paths {
        Paths {
            user: actor.user.id.to_string(),
            workspace: actor.workspace.id.to_string(),
        }
    }
    fn principal(&self) -> String {
        format!("/dav/principals/{}/", self.user)
    }
    fn home(&self) -> String {
        format!("/dav/books/{}/", self.user)
    }
    fn book(&self) -> String {
        format!("/dav/books/{}/{}/", self.user, self.workspace)
    }
    fn card(&self, name: &str) -> String {
        format!("{}{}", self.book(), encode_segment(name))
    }

    /// What `path` names; `None` for anything else (another member's or workspace's
    /// resources answer as missing ones do).
    fn target(&self, path: &str) -> Option<Target> {
        let rest = path.strip_prefix("/dav")?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        let segments: Vec<String> = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode_segment)
            .collect::<Option<_>>()?;
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        match s.as_slice() {
            [] => Some(Target::Root),
            ["principals", u] if *u == self.user => Some(Target::Principal),
            ["books", u] if *u == self.user => Some(Target::Home),
            ["books", u, w] if *u == self.user && *w == self.workspace => Some(Target::Book),
            // A name no card can have (control characters, a NUL) names nothing.
            ["books", u, w, name]
                if *u == self.user
                    && *w == self.workspace
                    && !name.chars().any(char::is_control) =>
            {
                Some(Target::Card((*name).to_owned()))
            }
            _ => None,
        }
    }

    /// The card name an href in a report names (a path or a full URL), if it is in the
    /// address book.
    fn card_of_href(&self, href: &str) -> Option<String> {
        let href = href.trim();
        let path = match href.find("://") {
            Some(at) => {
                let after = &href[at + 3..];
                &after[after.find('/')?..]
            }
            None => href,
        };
        match self.target(path)? {
            Target::Card(name) => Some(name),
            _ => None,
        }
    }
}

/// A path segment percent-encoded: only RFC 3986's unreserved characters stay, so a name
/// is always written the one same way.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A path segment percent-decoded; `None` when it is not UTF-8 after decoding or a `%` is
/// not followed by two hex digits.
fn decode_segment(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn status_line(s: StatusCode) -> String {
    format!(
        "HTTP/1.1 {} {}",
        s.as_u16(),
        s.canonical_reason().unwrap_or("")
    )
}

fn plain(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.into(),
    )
        .into_response()
}

fn xml_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// A failed precondition (RFC 4918 §16), with a sentence for people in a header-free
/// place: the body's element says which.
fn precondition(status: StatusCode, ns: &str, condition: &str, inner: &str) -> Response {
    xml_response(status, xml::error_body(ns, condition, inner))
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [
            (
                header::WWW_AUTHENTICATE,
                "Basic realm=\"Rapport\", charset=\"UTF-8\"",
            ),
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        ],
        "sign in with your email and a device password (rapport token create EMAIL --name phone, or Settings)",
    )
        .into_response()
}

/// A core error as a DAV answer (internal detail logged, never sent).
fn core_error(e: Error) -> Response {
    match e {
        Error::NotFound(m) => plain(StatusCode::NOT_FOUND, m),
        Error::Invalid(i) => precondition(
            StatusCode::FORBIDDEN,
            CARDDAV,
            "valid-address-data",
            &escape(&i.to_string()),
        ),
        Error::Forbidden(m) => plain(StatusCode::FORBIDDEN, m),
        Error::Conflict(m) => plain(StatusCode::CONFLICT, m),
        Error::Busy => plain(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        other => crate::error::ApiError::internal(other).into_response(),
    }
}

/// The member behind a request's Basic credentials (email and device password); wrong ones
/// count against the sign-in throttle (ten in 15 minutes, then 429).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    addr: SocketAddr,
) -> Result<Actor, Response> {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(unauthorized());
    };
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Err(unauthorized());
    };
    let Some((email, password)) = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(e, p)| (e.trim().to_lowercase(), p.to_owned()))
        })
    else {
        return Err(unauthorized());
    };
    if email.is_empty() || password.is_empty() || email.contains('\0') || password.contains('\0') {
        return Err(unauthorized());
    }
    // The device password is a long random secret, looked up by its digest on every
    // request (never cached: a revoked one stops working on the very next request, on
    // every server). Only a failure counts against the sign-in throttle: a device's many
    // parallel requests are never mistaken for guesses.
    let actor = match state
        .db
        .token_actor(&digest(&password), Timestamp::now())
        .await
    {
        Ok(a) => a,
        Err(e) => return Err(crate::error::ApiError::from(e).into_response()),
    };
    let actor = actor.filter(|a| {
        a.user
            .email
            .as_deref()
            .is_some_and(|e| crate::auth::same_secret(&e.to_lowercase(), &email))
    });
    if let Some(a) = actor {
        return Ok(a);
    }
    let ip =
        crate::proxy::client_address(addr.ip(), headers, &state.config.trusted_proxies).to_string();
    match reserve_attempt(state, &throttle_keys(&email, Some(&ip))).await {
        Ok(Some(_)) => Err(unauthorized()),
        Ok(None) => Err((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "900")],
            "too many wrong sign-ins: wait a few minutes",
        )
            .into_response()),
        Err(e) => Err(e.into_response()),
    }
}

/// Every DAV request.
async fn dav(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let method = req.method().clone();
    if method == Method::OPTIONS {
        return (
            StatusCode::OK,
            [
                (header::ALLOW, ALLOW),
                (header::HeaderName::from_static("dav"), "1, 3, addressbook"),
            ],
        )
            .into_response();
    }
    let actor = match authenticate(&state, req.headers(), addr).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Some(slot) = req.extensions().get::<crate::cache::WriteSlot>() {
        slot.fill(&actor.workspace.id);
    }
    let paths = Paths::of(&actor);
    let Some(target) = paths.target(req.uri().path()) else {
        return plain(StatusCode::NOT_FOUND, "nothing is here");
    };
    let headers = req.headers().clone();
    let path = req.uri().path().to_owned();
    let body = match axum::body::to_bytes(req.into_body(), MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return precondition(
                StatusCode::PAYLOAD_TOO_LARGE,
                CARDDAV,
                "max-resource-size",
                "",
            );
        }
    };
    let cx = Cx {
        state: &state,
        actor: &actor,
        paths: &paths,
        headers: &headers,
    };
    match (method.as_str(), target) {
        ("PROPFIND", t) => cx.propfind(t, &body).await,
        ("REPORT", Target::Book) => cx.report(&body).await,
        ("REPORT", _) => precondition(StatusCode::FORBIDDEN, DAV, "supported-report", ""),
        ("PROPPATCH", _) => cx.proppatch(&path, &body),
        ("GET" | "HEAD", Target::Card(name)) => cx.get(&name).await,
        ("PUT", Target::Card(name)) => cx.put(&name, &body).await,
        ("DELETE", Target::Card(name)) => cx.delete(&name).await,
        ("GET" | "HEAD", _) => plain(
            StatusCode::OK,
            "Rapport's address book: point a CardDAV client (a phone, Thunderbird, vdirsyncer) here",
        ),
        _ => (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, ALLOW)],
            "not here",
        )
            .into_response(),
    }
}

/// A property asked for: its namespace and name.
type Prop = (String, String);

/// What a PROPFIND or a report asks of each resource.
enum Want {
    All,
    Names,
    These(Vec<Prop>),
}

impl Want {
    /// The properties a `<prop>` asks for, each once; at most [`MAX_PROPS`] (a request
    /// cannot make every answer it lists as long as it likes).
    fn from_prop(el: Option<&Element>) -> Want {
        match el {
            Some(p) => {
                let mut list: Vec<Prop> = Vec::new();
                for c in &p.children {
                    let prop = (c.ns.clone(), c.name.clone());
                    if !list.contains(&prop) && list.len() < MAX_PROPS {
                        list.push(prop);
                    }
                }
                Want::These(list)
            }
            None => Want::All,
        }
    }

    fn wants(&self, ns: &str, name: &str) -> bool {
        match self {
            Want::These(list) => list.iter().any(|(n, m)| n == ns && m == name),
            _ => false,
        }
    }
}

/// A resource whose properties are answered.
enum Resource<'a> {
    Root,
    Principal,
    Home,
    Book(&'a AddressBook),
    Card { etag: String, data: Option<String> },
}

struct Cx<'a> {
    state: &'a AppState,
    actor: &'a Actor,
    paths: &'a Paths,
    headers: &'a HeaderMap,
}

impl Cx<'_> {
    /// The XML of one property of a resource; `None` when it has no such property.
    fn property(&self, r: &Resource<'_>, ns: &str, name: &str) -> Option<String> {
        let p = self.paths;
        let href = |h: String| format!("<d:href>{}</d:href>", escape(&h));
        let common = match (ns, name) {
            (DAV, "current-user-principal") => Some(href(p.principal())),
            (DAV, "principal-URL") if matches!(r, Resource::Principal) => Some(href(p.principal())),
            (CARDDAV, "addressbook-home-set") if !matches!(r, Resource::Card { .. }) => {
                Some(href(p.home()))
            }
            (DAV, "current-user-privilege-set") => Some(
                ["read", "write", "write-content", "bind", "unbind"]
                    .iter()
                    .map(|x| format!("<d:privilege><d:{x}/></d:privilege>"))
                    .collect(),
            ),
            _ => None,
        };
        if common.is_some() {
            return common;
        }
        match r {
            Resource::Root => match (ns, name) {
                (DAV, "resourcetype") => Some("<d:collection/>".into()),
                (DAV, "displayname") => Some("Rapport".into()),
                _ => None,
            },
            Resource::Principal => match (ns, name) {
                (DAV, "resourcetype") => Some("<d:collection/><d:principal/>".into()),
                (DAV, "displayname") => Some(escape(&self.actor.user.name)),
                _ => None,
            },
            Resource::Home => match (ns, name) {
                (DAV, "resourcetype") => Some("<d:collection/>".into()),
                (DAV, "displayname") => Some("Address books".into()),
                _ => None,
            },
            Resource::Book(book) => match (ns, name) {
                (DAV, "resourcetype") => Some("<d:collection/><card:addressbook/>".into()),
                (DAV, "displayname") => Some(escape(&book.name)),
                (CARDDAV, "addressbook-description") => {
                    Some(escape(&format!("The contacts of {} in Rapport", book.name)))
                }
                (CS, "getctag") => Some(escape(&book.ctag)),
                (DAV, "sync-token") => Some(escape(&book.token)),
                (DAV, "supported-report-set") => Some(
                    [
                        "<card:addressbook-multiget/>",
                        "<card:addressbook-query/>",
                        "<d:sync-collection/>",
                    ]
                    .iter()
                    .map(|x| {
                        format!("<d:supported-report><d:report>{x}</d:report></d:supported-report>")
                    })
                    .collect(),
                ),
                (CARDDAV, "supported-address-data") => Some(
                    "<card:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>\
                     <card:address-data-type content-type=\"text/vcard\" version=\"4.0\"/>"
                        .into(),
                ),
                (CARDDAV, "max-resource-size") => Some(MAX_BODY.to_string()),
                (DAV, "owner") => Some(href(p.principal())),
                _ => None,
            },
            Resource::Card { etag, data } => match (ns, name) {
                (DAV, "resourcetype") => Some(String::new()),
                (DAV, "getetag") => Some(escape(etag)),
                (DAV, "getcontenttype") => Some("text/vcard; charset=utf-8".into()),
                (CARDDAV, "address-data") => data.as_deref().map(escape),
                _ => None,
            },
        }
    }

    /// The names `allprop` answers for a resource.
    fn all_names(r: &Resource<'_>) -> Vec<Prop> {
        let d = |n: &str| (DAV.to_owned(), n.to_owned());
        let c = |n: &str| (CARDDAV.to_owned(), n.to_owned());
        match r {
            Resource::Root | Resource::Home => {
                vec![
                    d("resourcetype"),
                    d("displayname"),
                    d("current-user-principal"),
                ]
            }
            Resource::Principal => vec![
                d("resourcetype"),
                d("displayname"),
                d("current-user-principal"),
                d("principal-URL"),
                c("addressbook-home-set"),
            ],
            Resource::Book(_) => vec![
                d("resourcetype"),
                d("displayname"),
                d("sync-token"),
                (CS.to_owned(), "getctag".to_owned()),
                d("supported-report-set"),
                c("supported-address-data"),
                c("max-resource-size"),
            ],
            Resource::Card { .. } => {
                vec![d("resourcetype"), d("getetag"), d("getcontenttype")]
            }
        }
    }

    /// One `<d:response>` for a resource.
    fn response(&self, out: &mut String, href: &str, r: &Resource<'_>, want: &Want) {
        out.push_str("<d:response><d:href>");
        out.push_str(&escape(href));
        out.push_str("</d:href>");
        let asked = match want {
            Want::These(list) => list.clone(),
            Want::All | Want::Names => Self::all_names(r),
        };
        let mut found = String::new();
        let mut missing = String::new();
        for (ns, name) in &asked {
            let (t, decl) = xml::tag(ns, name);
            let value = match want {
                Want::Names => Some(String::new()),
                _ => self.property(r, ns, name),
            };
            match value {
                Some(v) if v.is_empty() => found.push_str(&format!("<{t}{decl}/>")),
                Some(v) => found.push_str(&format!("<{t}{decl}>{v}</{t}>")),
                None => missing.push_str(&format!("<{t}{decl}/>")),
            }
        }
        for (props, status) in [(found, StatusCode::OK), (missing, StatusCode::NOT_FOUND)] {
            if !props.is_empty() {
                out.push_str(&format!(
                    "<d:propstat><d:prop>{props}</d:prop><d:status>{}</d:status></d:propstat>",
                    status_line(status)
                ));
            }
        }
        out.push_str("</d:response>\n");
    }

    fn status_response(out: &mut String, href: &str, status: StatusCode) {
        out.push_str(&format!(
            "<d:response><d:href>{}</d:href><d:status>{}</d:status></d:response>\n",
            escape(href),
            status_line(status)
        ));
    }

    fn card_resource(&self, c: &FullCard, with_data: bool) -> Resource<'static> {
        Resource::Card {
            etag: c.meta.etag(),
            data: with_data.then(|| {
                write_device_card(&c.contact, &c.facts, &c.meta.uid(), c.meta.text.as_deref())
            }),
        }
    }

    async fn book(&self) -> Result<AddressBook, Response> {
        cards::address_book(&self.state.db, self.actor)
            .await
            .map_err(core_error)
    }

    fn body_xml(body: &[u8]) -> Result<Option<Element>, Response> {
        let text = std::str::from_utf8(body)
            .map_err(|_| plain(StatusCode::BAD_REQUEST, "the body is not UTF-8"))?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        xml::parse(text)
            .map(Some)
            .map_err(|m| plain(StatusCode::BAD_REQUEST, m))
    }

    async fn propfind(&self, target: Target, body: &[u8]) -> Response {
        let want = match Self::body_xml(body) {
            Ok(None) => Want::All,
            Ok(Some(root)) if root.is(DAV, "propfind") => {
                if root.child(DAV, "propname").is_some() {
                    Want::Names
                } else if root.child(DAV, "allprop").is_some() {
                    Want::All
                } else {
                    Want::from_prop(root.child(DAV, "prop"))
                }
            }
            Ok(Some(_)) => {
                return plain(StatusCode::BAD_REQUEST, "a PROPFIND body is a DAV:propfind");
            }
            Err(r) => return r,
        };
        // Depth 1 unless 0 is asked: the tree is no deeper than that below a book.
        let depth = match self.headers.get("depth").and_then(|v| v.to_str().ok()) {
            Some("0") => 0,
            _ => 1,
        };
        let p = self.paths;
        let mut out = xml::multistatus_start();
        match target {
            Target::Root => {
                self.response(&mut out, "/dav/", &Resource::Root, &want);
                if depth == 1 {
                    self.response(&mut out, &p.principal(), &Resource::Principal, &want);
                    self.response(&mut out, &p.home(), &Resource::Home, &want);
                }
            }
            Target::Principal => {
                self.response(&mut out, &p.principal(), &Resource::Principal, &want)
            }
            Target::Home => {
                self.response(&mut out, &p.home(), &Resource::Home, &want);
                if depth == 1 {
                    let book = match self.book().await {
                        Ok(b) => b,
                        Err(r) => return r,
                    };
                    self.response(&mut out, &p.book(), &Resource::Book(&book), &want);
                }
            }
            Target::Book => {
                let book = match self.book().await {
                    Ok(b) => b,
                    Err(r) => return r,
                };
                self.response(&mut out, &p.book(), &Resource::Book(&book), &want);
                if depth == 1 {
                    let all = match cards::changes(&self.state.db, self.actor, None, None).await {
                        Ok(c) => c,
                        Err(e) => return core_error(e),
                    };
                    if want.wants(CARDDAV, "address-data") {
                        let names: Vec<String> =
                            all.changed.iter().map(|c| c.href.clone()).collect();
                        for chunk in names.chunks(BATCH) {
                            let found = match cards::cards(&self.state.db, self.actor, chunk).await
                            {
                                Ok(f) => f,
                                Err(e) => return core_error(e),
                            };
                            for c in &found {
                                self.response(
                                    &mut out,
                                    &p.card(&c.meta.href()),
                                    &self.card_resource(c, true),
                                    &want,
                                );
                            }
                        }
                    } else {
                        for c in &all.changed {
                            let r = Resource::Card {
                                etag: c.etag.clone(),
                                data: None,
                            };
                            self.response(&mut out, &p.card(&c.href), &r, &want);
                        }
                    }
                    if all.truncated {
                        Self::status_response(
                            &mut out,
                            &p.book(),
                            StatusCode::INSUFFICIENT_STORAGE,
                        );
                    }
                }
            }
            Target::Card(name) => {
                let c = match cards::card(&self.state.db, self.actor, &name).await {
                    Ok(c) => c,
                    Err(e) => return core_error(e),
                };
                let with_data = want.wants(CARDDAV, "address-data");
                self.response(
                    &mut out,
                    &p.card(&name),
                    &self.card_resource(&c, with_data),
                    &want,
                );
            }
        }
        out.push_str(xml::MULTISTATUS_END);
        xml_response(StatusCode::MULTI_STATUS, out)
    }

    fn proppatch(&self, path: &str, body: &[u8]) -> Response {
        let root = match Self::body_xml(body) {
            Ok(Some(r)) if r.is(DAV, "propertyupdate") => r,
            Ok(_) => {
                return plain(
                    StatusCode::BAD_REQUEST,
                    "a PROPPATCH body is a DAV:propertyupdate",
                );
            }
            Err(r) => return r,
        };
        // Nothing is writable: every property asked is refused (RFC 4918 §9.2).
        let mut props = String::new();
        for op in root.children.iter() {
            for prop in op.all(DAV, "prop") {
                for p in &prop.children {
                    let (t, decl) = xml::tag(&p.ns, &p.name);
                    props.push_str(&format!("<{t}{decl}/>"));
                }
            }
        }
        let mut out = xml::multistatus_start();
        out.push_str(&format!(
            "<d:response><d:href>{}</d:href><d:propstat><d:prop>{props}</d:prop><d:status>{}</d:status></d:propstat></d:response>\n",
            escape(path),
            status_line(StatusCode::FORBIDDEN)
        ));
        out.push_str(xml::MULTISTATUS_END);
        xml_response(StatusCode::MULTI_STATUS, out)
    }

    async fn report(&self, body: &[u8]) -> Response {
        let root = match Self::body_xml(body) {
            Ok(Some(r)) => r,
            Ok(None) => return plain(StatusCode::BAD_REQUEST, "a REPORT needs a body"),
            Err(r) => return r,
        };
        if root.is(CARDDAV, "addressbook-multiget") {
            self.multiget(&root).await
        } else if root.is(CARDDAV, "addressbook-query") {
            self.query(&root).await
        } else if root.is(DAV, "sync-collection") {
            self.sync_collection(&root).await
        } else {
            precondition(StatusCode::FORBIDDEN, DAV, "supported-report", "")
        }
    }

    /// Writes responses for cards (with their data when asked) in batches.
    async fn write_cards(
        &self,
        out: &mut String,
        names: &[String],
        want: &Want,
    ) -> Result<(), Response> {
        let with_data = want.wants(CARDDAV, "address-data");
        for chunk in names.chunks(BATCH) {
            if out.len() > MAX_ANSWER {
                // Said, not silently cut: the client asks for these again.
                for name in chunk {
                    Self::status_response(
                        out,
                        &self.paths.card(name),
                        StatusCode::INSUFFICIENT_STORAGE,
                    );
                }
                continue;
            }
            let found = cards::cards(&self.state.db, self.actor, chunk)
                .await
                .map_err(core_error)?;
            for name in chunk {
                match found.iter().find(|c| c.meta.href() == *name) {
                    Some(c) => self.response(
                        out,
                        &self.paths.card(name),
                        &self.card_resource(c, with_data),
                        want,
                    ),
                    None => {
                        Self::status_response(out, &self.paths.card(name), StatusCode::NOT_FOUND)
                    }
                }
            }
        }
        Ok(())
    }

    async fn multiget(&self, root: &Element) -> Response {
        let want = Want::from_prop(root.child(DAV, "prop"));
        let mut out = xml::multistatus_start();
        let mut names = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for h in root.all(DAV, "href") {
            match self.paths.card_of_href(&h.text) {
                Some(n) if !seen.insert(n.clone()) => {}
                Some(n) => names.push(n),
                None => Self::status_response(&mut out, h.text.trim(), StatusCode::NOT_FOUND),
            }
        }
        if let Err(r) = self.write_cards(&mut out, &names, &want).await {
            return r;
        }
        out.push_str(xml::MULTISTATUS_END);
        xml_response(StatusCode::MULTI_STATUS, out)
    }

    async fn query(&self, root: &Element) -> Response {
        let want = Want::from_prop(root.child(DAV, "prop"));
        let filter = root.child(CARDDAV, "filter");
        let all_of = filter.and_then(|f| f.attr("test")) == Some("allof");
        let mut filters = Vec::new();
        for pf in filter.iter().flat_map(|f| f.all(CARDDAV, "prop-filter")) {
            let unsupported = |what: &str| {
                precondition(
                    StatusCode::FORBIDDEN,
                    CARDDAV,
                    "supported-filter",
                    &format!("<card:{what}/>"),
                )
            };
            let property = match pf.attr("name").map(str::to_ascii_uppercase).as_deref() {
                Some("FN" | "N") => CardProperty::Name,
                Some("EMAIL") => CardProperty::Email,
                Some("TEL") => CardProperty::Phone,
                Some("ORG") => CardProperty::Organisation,
                Some("UID") => CardProperty::Uid,
                _ => return unsupported("prop-filter"),
            };
            // Parameters (TYPE=work...) are not filtered on: said, rather than ignored.
            if pf.child(CARDDAV, "param-filter").is_some() {
                return unsupported("param-filter");
            }
            let mut matches = Vec::new();
            if pf.child(CARDDAV, "is-not-defined").is_some() {
                matches.push(TextMatch {
                    property,
                    text: None,
                    how: MatchHow::Contains,
                    negate: true,
                });
            }
            let tms: Vec<&Element> = pf.all(CARDDAV, "text-match").collect();
            if tms.is_empty() && matches.is_empty() {
                matches.push(TextMatch {
                    property,
                    text: None,
                    how: MatchHow::Contains,
                    negate: false,
                });
            }
            for tm in tms {
                // Both collations RFC 6352 requires compare without case here.
                if !matches!(
                    tm.attr("collation"),
                    None | Some("i;unicode-casemap") | Some("i;ascii-casemap")
                ) {
                    return precondition(
                        StatusCode::FORBIDDEN,
                        CARDDAV,
                        "supported-collation",
                        &escape(tm.attr("collation").unwrap_or("")),
                    );
                }
                let how = match tm.attr("match-type").unwrap_or("contains") {
                    "equals" => MatchHow::Equals,
                    "contains" => MatchHow::Contains,
                    "starts-with" => MatchHow::StartsWith,
                    "ends-with" => MatchHow::EndsWith,
                    _ => return unsupported("text-match"),
                };
                matches.push(TextMatch {
                    property,
                    text: Some(tm.text.clone()),
                    how,
                    negate: tm.attr("negate-condition") == Some("yes"),
                });
            }
            filters.push(PropFilter {
                all_of: pf.attr("test") == Some("allof"),
                matches,
            });
        }
        let limit = root
            .child(CARDDAV, "limit")
            .and_then(|l| l.child(CARDDAV, "nresults"))
            .and_then(|n| n.text.trim().parse().ok());
        let q = CardQuery {
            all_of,
            filters,
            limit,
        };
        let (found, more) = match cards::query_cards(&self.state.db, self.actor, &q).await {
            Ok(f) => f,
            Err(e) => return core_error(e),
        };
        let with_data = want.wants(CARDDAV, "address-data");
        let mut out = xml::multistatus_start();
        for c in &found {
            self.response(
                &mut out,
                &self.paths.card(&c.meta.href()),
                &self.card_resource(c, with_data),
                &want,
            );
        }
        if more {
            Self::status_response(
                &mut out,
                &self.paths.book(),
                StatusCode::INSUFFICIENT_STORAGE,
            );
        }
        out.push_str(xml::MULTISTATUS_END);
        xml_response(StatusCode::MULTI_STATUS, out)
    }

    async fn sync_collection(&self, root: &Element) -> Response {
        let want = Want::from_prop(root.child(DAV, "prop"));
        let token = root.child(DAV, "sync-token").map(|t| t.text.clone());
        let limit = root
            .child(DAV, "limit")
            .and_then(|l| l.child(DAV, "nresults"))
            .and_then(|n| n.text.trim().parse().ok());
        let changes =
            match cards::changes(&self.state.db, self.actor, token.as_deref(), limit).await {
                Ok(c) => c,
                Err(Error::Invalid(i)) if i.field == "sync-token" => {
                    return precondition(StatusCode::FORBIDDEN, DAV, "valid-sync-token", "");
                }
                Err(e) => return core_error(e),
            };
        let mut out = xml::multistatus_start();
        let names: Vec<String> = changes.changed.iter().map(|c| c.href.clone()).collect();
        if want.wants(CARDDAV, "address-data") {
            if let Err(r) = self.write_cards(&mut out, &names, &want).await {
                return r;
            }
        } else {
            for c in &changes.changed {
                let r = Resource::Card {
                    etag: c.etag.clone(),
                    data: None,
                };
                self.response(&mut out, &self.paths.card(&c.href), &r, &want);
            }
        }
        for gone in &changes.removed {
            Self::status_response(&mut out, &self.paths.card(gone), StatusCode::NOT_FOUND);
        }
        if changes.truncated {
            Self::status_response(
                &mut out,
                &self.paths.book(),
                StatusCode::INSUFFICIENT_STORAGE,
            );
        }
        out.push_str(&format!(
            "<d:sync-token>{}</d:sync-token>\n",
            escape(&changes.token)
        ));
        out.push_str(xml::MULTISTATUS_END);
        xml_response(StatusCode::MULTI_STATUS, out)
    }

    async fn get(&self, name: &str) -> Response {
        let c = match cards::card(&self.state.db, self.actor, name).await {
            Ok(c) => c,
            Err(e) => return core_error(e),
        };
        let etag = c.meta.etag();
        if let Some(inm) = self
            .headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            && inm.split(',').any(|t| t.trim() == etag || t.trim() == "*")
        {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
        }
        let body = write_device_card(&c.contact, &c.facts, &c.meta.uid(), c.meta.text.as_deref());
        (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/vcard; charset=utf-8".to_owned()),
                (header::ETAG, etag),
            ],
            body,
        )
            .into_response()
    }

    /// The condition a write carries (`If-Match`, `If-None-Match`), every header of each
    /// read (RFC 9110 lists combine); one that cannot be read refuses the write (400).
    fn expect(&self) -> Result<Expect, Response> {
        let list = |h: header::HeaderName| -> Result<Option<Vec<String>>, Response> {
            let mut out: Option<Vec<String>> = None;
            for v in self.headers.get_all(h) {
                let v = v.to_str().map_err(|_| {
                    plain(StatusCode::BAD_REQUEST, "a condition header cannot be read")
                })?;
                out.get_or_insert_with(Vec::new).extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned),
                );
            }
            Ok(out)
        };
        if let Some(tags) = list(header::IF_MATCH)? {
            return Ok(if tags.iter().any(|t| t == "*") {
                Expect::Present
            } else {
                Expect::OneOf(tags)
            });
        }
        if let Some(tags) = list(header::IF_NONE_MATCH)? {
            return Ok(if tags.iter().any(|t| t == "*") {
                Expect::Absent
            } else {
                Expect::NoneOf(tags)
            });
        }
        Ok(Expect::Anything)
    }

    async fn put(&self, name: &str, body: &[u8]) -> Response {
        if let Some(ct) = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        {
            let media = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if !matches!(
                media.as_str(),
                "text/vcard" | "text/x-vcard" | "text/directory"
            ) {
                return precondition(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    CARDDAV,
                    "supported-address-data",
                    "",
                );
            }
        }
        let text = rapport_formats::text::decode(body);
        let card = match read_device_card(&text) {
            Ok(c) => c,
            Err(m) => {
                return precondition(
                    StatusCode::BAD_REQUEST,
                    CARDDAV,
                    "valid-address-data",
                    &escape(&m),
                );
            }
        };
        let expect = match self.expect() {
            Ok(e) => e,
            Err(r) => return r,
        };
        let done = cards::put_card(
            &self.state.db,
            self.actor,
            name,
            card,
            &expect,
            Timestamp::now(),
        )
        .await;
        match done {
            Ok(w @ (Written::Created(_) | Written::Updated(_))) => {
                let status = if matches!(w, Written::Created(_)) {
                    StatusCode::CREATED
                } else {
                    StatusCode::NO_CONTENT
                };
                let mut res = status.into_response();
                // The ETag only when the card is kept exactly as sent (RFC 7231 §4.3.4);
                // otherwise the device reads it again.
                if let Ok(c) = cards::card(&self.state.db, self.actor, name).await
                    && write_device_card(
                        &c.contact,
                        &c.facts,
                        &c.meta.uid(),
                        c.meta.text.as_deref(),
                    ) == text
                    && let Ok(v) = HeaderValue::from_str(&c.meta.etag())
                {
                    res.headers_mut().insert(header::ETAG, v);
                }
                if status == StatusCode::CREATED
                    && let Ok(v) = HeaderValue::from_str(&self.paths.card(name))
                {
                    res.headers_mut().insert(header::LOCATION, v);
                }
                res
            }
            Ok(Written::Stale) => plain(
                StatusCode::PRECONDITION_FAILED,
                "the card changed since the device read it: read it again",
            ),
            Ok(Written::UidTaken(other)) => precondition(
                StatusCode::CONFLICT,
                CARDDAV,
                "no-uid-conflict",
                &format!("<d:href>{}</d:href>", escape(&self.paths.card(&other))),
            ),
            Err(e) => core_error(e),
        }
    }

    async fn delete(&self, name: &str) -> Response {
        let expect = match self.expect() {
            Ok(e) => e,
            Err(r) => return r,
        };
        let done =
            cards::delete_card(&self.state.db, self.actor, name, &expect, Timestamp::now()).await;
        match done {
            Ok(Removed::Archived(_)) => StatusCode::NO_CONTENT.into_response(),
            Ok(Removed::Stale) => plain(
                StatusCode::PRECONDITION_FAILED,
                "the card changed since the device read it: read it again",
            ),
            Err(e) => core_error(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_encode_and_decode() {
        for s in ["a b.vcf", "é/ü.vcf", "100%.vcf", "plain-Name_1.vcf"] {
            assert_eq!(decode_segment(&encode_segment(s)).as_deref(), Some(s));
        }
        assert_eq!(encode_segment("a b"), "a%20b");
        assert_eq!(decode_segment("%zz"), None);
        assert_eq!(decode_segment("%+1"), None);
        assert_eq!(encode_segment("a+b@c.vcf"), "a%2Bb%40c.vcf");
        assert_eq!(decode_segment("%C3"), None);
    }
}
