//! The stylesheet and htmx, served from the binary.

use super::page_prelude::*;

pub(super) async fn css() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// htmx 2.0.11 (0BSD), vendored: nothing is fetched from elsewhere, and the pages work
/// without it (every form is a plain POST and redirect).
pub(super) async fn htmx() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "max-age=86400"),
        ],
        include_str!("../../static/htmx.min.js"),
    )
        .into_response()
}
