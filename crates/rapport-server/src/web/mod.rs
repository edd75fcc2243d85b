//! The web pages: first-run set-up, sign-in and sign-out, and Today. Forms work without
//! JavaScript and carry a CSRF token; pages are plain HTML with everything escaped.

use std::net::SocketAddr;

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rapport_core::account::{check_password, clean_email};
use rapport_core::ports::AccountStore;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{
    WebSession, cleared_cookie, cookie, digest, hash_password, reserve_attempt, same_secret,
    secret, session_cookie, start_session, throttle_keys, verify_password,
};
use crate::error::ApiError;

/// The cookie holding the sign-in form's CSRF token (double submit: no session yet).
const LOGIN_CSRF_COOKIE: &str = "rapport_login_csrf";

/// The web routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/setup/{token}", get(setup_form).post(setup))
        .route("/invite/{token}", get(invite_form).post(accept_invite))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/today", get(today))
        .merge(pages::routes())
        .merge(transfer::routes())
}

mod assets;
mod brief;
mod campaigns;
mod commitment;
mod contact;
mod contact_edit;
mod contact_forms;
mod contacts;
mod deals;
mod duplicates;
mod form;
mod history;
mod insights;
mod ledger_list;
mod memory;
mod page_prelude;
mod pages;
mod requests;
mod search;
mod settings;
mod suggestions;
mod today;
mod transfer;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Rapport</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\
         <body><main>{body}</main></body></html>",
        esc(title)
    )
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    (status, Html(page(title, body))).into_response()
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response()
}

fn web_error(e: ApiError) -> Response {
    html(
        e.status,
        "Error",
        &format!("<h1>Sorry</h1><p>{}</p>", esc(&e.message)),
    )
}

async fn home(session: WebSession) -> Response {
    if session.0.is_some() {
        redirect("/today")
    } else {
        redirect("/login")
    }
}

fn setup_page(token: &str, message: Option<&str>) -> String {
    let note = message.map_or(String::new(), |m| {
        format!("<p role=\"alert\">{}</p>", esc(m))
    });
    format!(
        "<h1>Set up Rapport</h1><p>Create the owner's account. This link works once.</p>{note}\
         <form method=\"post\" action=\"/setup/{}\">\
         <p><label for=\"name\">Your name</label><br><input id=\"name\" name=\"name\" required autocomplete=\"name\"></p>\
         <p><label for=\"email\">Email</label><br><input id=\"email\" name=\"email\" type=\"email\" required autocomplete=\"email\"></p>\
         <p><label for=\"password\">Password (at least 10 characters)</label><br>\
         <input id=\"password\" name=\"password\" type=\"password\" required minlength=\"10\" autocomplete=\"new-password\"></p>\
         <p><button type=\"submit\">Create the account</button></p></form>",
        esc(token)
    )
}

async fn setup_form(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.db.setup_token_valid(&digest(&token)).await {
        Ok(true) => html(StatusCode::OK, "Set up", &setup_page(&token, None)),
        Ok(false) => html(
            StatusCode::NOT_FOUND,
            "Set up",
            "<h1>This set-up link is not valid</h1><p>It was used already, or set-up is done: <a href=\"/login\">sign in</a>.</p>",
        ),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct SetupForm {
    name: String,
    email: String,
    password: String,
}

async fn setup(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> Response {
    let hash = digest(&token);
    let checked = (|| {
        let email = clean_email(&f.email)?;
        check_password(&f.password)?;
        let name = rapport_core::commitment::clean_text("name", &f.name)?;
        Ok::<_, rapport_core::Invalid>((email, name))
    })();
    let (email, name) = match checked {
        Ok(v) => v,
        Err(i) => {
            return html(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Set up",
                &setup_page(&token, Some(&i.message)),
            );
        }
    };
    let result = async {
        let password_hash = hash_password(f.password).await?;
        let actor = state
            .db
            .complete_setup(&hash, &email, &name, &password_hash, Timestamp::now())
            .await?;
        let sid = start_session(&state, &actor).await?;
        Ok::<_, ApiError>(sid)
    }
    .await;
    match result {
        Ok(sid) => (
            StatusCode::SEE_OTHER,
            [
                (LOCATION, "/today".to_owned()),
                (
                    SET_COOKIE,
                    session_cookie(&sid, state.config.secure_cookies),
                ),
            ],
        )
            .into_response(),
        Err(e) => web_error(e),
    }
}

fn invite_page(token: &str, email: &str, workspace: &str, message: Option<&str>) -> String {
    let note = message.map_or(String::new(), |m| {
        format!("<p role=\"alert\">{}</p>", esc(m))
    });
    format!(
        "<h1>Join {} on Rapport</h1><p>You were invited as {}. Choose a password to sign in \
         with; this link works once.</p>{note}\
         <form method=\"post\" action=\"/invite/{}\">\
         <input type=\"hidden\" name=\"username\" value=\"{}\" autocomplete=\"username\">\
         <p><label for=\"password\">Password (at least 10 characters)</label><br>\
         <input id=\"password\" name=\"password\" type=\"password\" required minlength=\"10\" autocomplete=\"new-password\"></p>\
         <p><button type=\"submit\">Join</button></p></form>",
        esc(workspace),
        esc(email),
        esc(token),
        esc(email)
    )
}

fn invite_gone() -> Response {
    html(
        StatusCode::NOT_FOUND,
        "Invitation",
        "<h1>This invitation is not valid</h1><p>It was used already, has expired, or was \
         withdrawn: ask the workspace's owner for a new one, or <a href=\"/login\">sign in</a>.</p>",
    )
}

async fn invite_form(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.db.invitation(&digest(&token), Timestamp::now()).await {
        Ok(Some((email, ws))) => html(
            StatusCode::OK,
            "Invitation",
            &invite_page(&token, &email, &ws, None),
        ),
        Ok(None) => invite_gone(),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct InviteAnswer {
    password: String,
}

async fn accept_invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<InviteAnswer>,
) -> Response {
    let hash = digest(&token);
    let (email, ws) = match state.db.invitation(&hash, Timestamp::now()).await {
        Ok(Some(found)) => found,
        Ok(None) => return invite_gone(),
        Err(e) => return web_error(e.into()),
    };
    if let Err(i) = check_password(&f.password) {
        return html(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invitation",
            &invite_page(&token, &email, &ws, Some(&i.message)),
        );
    }
    let result = async {
        let password_hash = hash_password(f.password).await?;
        let actor = state
            .db
            .accept_invite(&hash, &password_hash, Timestamp::now())
            .await?;
        start_session(&state, &actor).await
    }
    .await;
    match result {
        Ok(sid) => (
            StatusCode::SEE_OTHER,
            [
                (LOCATION, "/today".to_owned()),
                (
                    SET_COOKIE,
                    session_cookie(&sid, state.config.secure_cookies),
                ),
            ],
        )
            .into_response(),
        Err(e) if e.status == StatusCode::CONFLICT => invite_gone(),
        Err(e) => web_error(e),
    }
}

fn login_page(csrf: &str, message: Option<&str>) -> String {
    let note = message.map_or(String::new(), |m| {
        format!("<p role=\"alert\">{}</p>", esc(m))
    });
    format!(
        "<h1>Sign in to Rapport</h1>{note}<form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <p><label for=\"email\">Email</label><br><input id=\"email\" name=\"email\" type=\"email\" required autocomplete=\"username\"></p>\
         <p><label for=\"password\">Password</label><br><input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\"></p>\
         <p><button type=\"submit\">Sign in</button></p></form>",
        esc(csrf)
    )
}

fn login_response(state: &AppState, status: StatusCode, message: Option<&str>) -> Response {
    let csrf = match secret(24) {
        Ok(c) => c,
        Err(e) => return web_error(e),
    };
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    (
        status,
        [(
            SET_COOKIE,
            format!("{LOGIN_CSRF_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict{secure}"),
        )],
        Html(page("Sign in", &login_page(&csrf, message))),
    )
        .into_response()
}

async fn login_form(State(state): State<AppState>, session: WebSession) -> Response {
    if session.0.is_some() {
        return redirect("/today");
    }
    login_response(&state, StatusCode::OK, None)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    csrf: String,
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let (mut parts, ()) = axum::http::Request::new(()).into_parts();
    parts.headers = headers;
    let expected = cookie(&parts, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&expected, &f.csrf) {
        return login_response(
            &state,
            StatusCode::FORBIDDEN,
            Some("The form expired: please sign in again."),
        );
    }
    if f.email.contains('\0') || f.password.contains('\0') {
        return login_response(
            &state,
            StatusCode::UNAUTHORIZED,
            Some("That email and password do not match an account."),
        );
    }
    let email = f.email.trim().to_lowercase();
    let ip = crate::proxy::client_address(addr.ip(), &parts.headers, &state.config.trusted_proxies)
        .to_string();
    let keys = throttle_keys(&email, Some(&ip));
    let result = async {
        // The attempt counts as a failure before the password is checked, so parallel
        // guesses cannot slip past the limit; a success takes it back.
        let Some(attempt) = reserve_attempt(&state, &keys).await? else {
            return Ok(Err(StatusCode::TOO_MANY_REQUESTS));
        };
        let login = state.db.login_by_email(&email).await?;
        let hash = login.as_ref().and_then(|l| l.password_hash.clone());
        let ok = match verify_password(f.password, hash).await {
            Ok(ok) => ok,
            // No hash was computed (every slot busy): the attempt does not count.
            Err(e) => {
                state.db.release_login_attempt(&attempt).await?;
                return Err(e);
            }
        };
        let actor = match (ok, login) {
            (true, Some(l)) => state.db.first_actor(&l.user_id).await?,
            _ => None,
        };
        match actor {
            Some(actor) => {
                state.db.release_login_attempt(&attempt).await?;
                Ok(Ok(start_session(&state, &actor).await?))
            }
            None => Ok(Err(StatusCode::UNAUTHORIZED)),
        }
    }
    .await;
    match result {
        Ok(Ok(sid)) => (
            StatusCode::SEE_OTHER,
            [
                (LOCATION, "/today".to_owned()),
                (
                    SET_COOKIE,
                    session_cookie(&sid, state.config.secure_cookies),
                ),
            ],
        )
            .into_response(),
        Ok(Err(StatusCode::TOO_MANY_REQUESTS)) => login_response(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many failed attempts: wait 15 minutes and try again."),
        ),
        Ok(Err(status)) => login_response(
            &state,
            status,
            Some("That email and password do not match an account."),
        ),
        Err(e) => web_error(e),
    }
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some((hash, s)) = session.0 else {
        return redirect("/login");
    };
    if !same_secret(&s.csrf, &f.csrf) {
        return web_error(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "the form expired: reload the page and try again",
        ));
    }
    if let Err(e) = state.db.end_session(&hash).await {
        return web_error(e.into());
    }
    (
        StatusCode::SEE_OTHER,
        [
            (LOCATION, "/login".to_owned()),
            (SET_COOKIE, cleared_cookie(state.config.secure_cookies)),
        ],
    )
        .into_response()
}

async fn today(
    State(state): State<AppState>,
    session: WebSession,
    axum::extract::Query(q): axum::extract::Query<today::TodayQuery>,
) -> Response {
    let Some((_, s)) = session.0 else {
        return redirect("/login");
    };
    today::today_page(&state, &s, q).await
}
