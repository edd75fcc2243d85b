//! Rapport's HTTP server: the REST API under `/api/v1`, the web pages, accounts and
//! sessions. Handlers are thin: they parse, call a core service, and render.
#![recursion_limit = "256"]

pub mod api;
pub mod auth;
pub mod cache;
pub mod dav;
pub mod error;
pub mod feed;
pub mod listen;
pub mod openapi;
pub mod proxy;
pub mod web;

// The file edge lives in rapport-io (the CLI uses it too); this keeps `crate::transfer`
// short inside the server.
use rapport_io::transfer;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jiff::Timestamp;
use rapport_core::ports::AccountStore;
use rapport_store::Db;

/// The largest request body accepted (imports will get their own, larger, limit).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// How the server runs.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Mark cookies `Secure` (when served over https, directly or behind a proxy).
    pub secure_cookies: bool,
    /// The address people reach this server at (`--public-url`), for links handed out; by
    /// default the bound address.
    pub public_url: String,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<proxy::Cidr>,
    /// Header, body and shutdown time limits.
    pub limits: listen::Limits,
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    pub today_cache: std::sync::Arc<cache::TodayCache>,
    pub uploads: std::sync::Arc<cache::UploadCache>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config,
            today_cache: Default::default(),
            uploads: Default::default(),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .route("/feed/{file}", get(feed::feed))
        .nest("/api/v1", api::routes())
        .merge(web::routes())
        .merge(dav::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            track_writes,
        ))
        .layer(axum::middleware::from_fn(same_origin_forms))
        .layer(axum::middleware::from_fn_with_state(
            state.config.limits,
            listen::body_progress,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// Answers while the database does.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok", "database": state.db.backend()}))
            .into_response(),
        Err(e) => {
            eprintln!("rapport: health check: the database does not answer: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// Whether a browser sent this request from another site: `Sec-Fetch-Site` where the
/// browser gives it, else an `Origin` whose host is not the one asked. Requests with
/// neither (scripts, curl) are not a browser's, so not a forgery.
fn cross_site(req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = h
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest.trim_end_matches('/'));
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

/// Forms are only taken from this site's own pages: a page elsewhere cannot sign a visitor
/// in (or up, through an invitation or the set-up link) to an account it chose, or post
/// anything else in their name. The API (bearer tokens, no cookies) is not concerned.
async fn same_origin_forms(req: Request, next: Next) -> Response {
    let safe = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if !safe && !req.uri().path().starts_with("/api/") && cross_site(&req) {
        return (
            StatusCode::FORBIDDEN,
            "this form can only be sent from Rapport's own pages",
        )
            .into_response();
    }
    next.run(req).await
}

/// Headers on every answer: no inline script, no framing, no sniffing, no referrer leaks,
/// and no caching of anything private (a page with a new token, an export) unless a route
/// says otherwise (static files, the feed).
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// Retires a workspace's cached Todays after any request that may have written to it.
async fn track_writes(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let reads_only = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if reads_only {
        return next.run(req).await;
    }
    let slot = cache::WriteSlot::default();
    req.extensions_mut().insert(slot.clone());
    let res = next.run(req).await;
    if let Some(ws) = slot.take() {
        state.today_cache.bump(&ws);
    }
    res
}

/// When no one can sign in yet, makes a one-time set-up link and returns its path.
pub async fn setup_link(db: &Db) -> Result<Option<String>, error::ApiError> {
    if db.any_login().await? {
        return Ok(None);
    }
    let token = auth::secret(24)?;
    db.add_setup_token(&auth::digest(&token), Timestamp::now())
        .await?;
    Ok(Some(format!("/setup/{token}")))
}

/// Serves the application on a bound listener until `shutdown` completes (SIGTERM), then
/// lets the requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    // Uploads left on disk by an earlier server that was stopped before it could remove them.
    let left = transfer::sweep_stale_uploads(
        &std::env::temp_dir(),
        cache::UPLOAD_TTL,
        std::time::SystemTime::now(),
    );
    if left > 0 {
        eprintln!("rapport: removed {left} upload file(s) an earlier server left behind");
    }
    // Uploads nobody confirmed are dropped (with their files) once they expire, not only
    // when the next upload comes.
    // Sign-in failures older than a day are of no use to the throttle.
    let uploads = state.uploads.clone();
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            uploads.sweep();
            let day_ago = Timestamp::now() - jiff::SignedDuration::from_hours(24);
            if let Err(e) = db.prune_login_failures(day_ago).await {
                eprintln!("rapport: sweeping old sign-in failures: {e}");
            }
        }
    });
    let limits = state.config.limits;
    listen::serve(listener, router(state), limits, shutdown).await
}
