//! Import and export in the browser: download the book as vCard or CSV; upload a file, see
//! what would happen (a dry run: how columns are read, duplicates, refused items by line),
//! then import it. The upload waits in memory (15 minutes at most) between the two steps.

use std::io::Write;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use rapport_core::contact::RelationshipType;
use rapport_formats::csv::Field;

use super::form::{NoFields, SignedInForm, csrf_ok, render, signed_in};
use super::web_error;
use crate::AppState;
use crate::auth::{WebSession, secret};
use crate::cache::Upload;
use crate::error::ApiError;
use crate::transfer::{self, ExportFormat, ImportReport, Input, Options, Source};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/contacts.vcf", get(download_vcard))
        .route("/export/contacts.csv", get(download_csv))
        .route(
            "/settings/import",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::IMPORT_LIMIT + 64 * 1024,
            )),
        )
        .route("/settings/import/{id}", post(confirm))
}

async fn download(session: WebSession, state: &AppState, format: ExportFormat) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    crate::api::exported(state, &s.actor, format)
        .await
        .unwrap_or_else(web_error)
}

async fn download_vcard(State(state): State<AppState>, session: WebSession) -> Response {
    download(
        session,
        &state,
        ExportFormat::Vcard(rapport_formats::vcard::Version::V3),
    )
    .await
}

async fn download_csv(State(state): State<AppState>, session: WebSession) -> Response {
    download(session, &state, ExportFormat::Csv).await
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    title: &'static str,
    csrf: String,
    heading: String,
    error: Option<String>,
    lines: Vec<String>,
    confirm: Option<String>,
}

fn report_lines(r: &ImportReport, item: &str, merge: bool) -> Vec<String> {
    let mut lines = Vec::new();
    lines.push(if r.dry_run {
        format!(
            "{} {item}s read: {} new contacts would be added.",
            r.cards, r.imported
        )
    } else {
        format!("{} {item}s read: {} contacts added.", r.cards, r.imported)
    });
    for c in r.columns.iter().flatten() {
        lines.push(match &c.read_as {
            Some(f) => format!("Column “{}” is read as {f}.", c.column),
            None => format!("Column “{}” is not used.", c.column),
        });
    }
    for d in &r.duplicates {
        let what = if merge {
            "merged into"
        } else {
            "skipped: already"
        };
        lines.push(format!(
            "{item} {} (line {}) {} — {what} {} (same {}).",
            d.card, d.line, d.name, d.matches, d.by
        ));
    }
    if r.unlisted() > 0 {
        lines.push(format!("… and {} more duplicates.", r.unlisted()));
    }
    for w in &r.warnings {
        lines.push(format!(
            "{item} {} (line {}): {} (imported without it).",
            w.card, w.line, w.message
        ));
    }
    if r.warnings_total > r.warnings.len() {
        lines.push(format!(
            "… and {} more things not kept.",
            r.warnings_total - r.warnings.len()
        ));
    }
    lines
}

async fn upload(
    State(state): State<AppState>,
    session: WebSession,
    mut form: Multipart,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let (mut csrf, mut file, mut name, mut merge, mut kind, mut map) = (
        String::new(),
        None,
        String::new(),
        false,
        String::from("prospect"),
        String::new(),
    );
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return web_error(ApiError::bad_request(format!("the upload: {e}"))),
        };
        let key = field.name().unwrap_or("").to_owned();
        if key == "file" {
            name = field.file_name().unwrap_or("upload").to_owned();
            // Written to a private temporary file as it arrives: the upload waits there,
            // not in memory, between its preview and its import.
            let id = match secret(16) {
                Ok(id) => id,
                Err(e) => return web_error(e),
            };
            let (spooled, mut out) = match transfer::Spooled::create(&std::env::temp_dir(), &id) {
                Ok(f) => f,
                Err(e) => return web_error(ApiError::internal(e)),
            };
            let mut size = 0usize;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        size += chunk.len();
                        if let Err(e) = out.write_all(&chunk) {
                            return web_error(ApiError::internal(e));
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        return web_error(ApiError::bad_request(format!("the upload: {e}")));
                    }
                }
            }
            if let Err(e) = out.flush() {
                return web_error(ApiError::internal(e));
            }
            file = (size > 0).then_some(spooled);
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        match key.as_str() {
            "csrf" => csrf = value,
            "merge" => merge = !value.is_empty(),
            "type" => kind = value,
            "map" => map = value,
            _ => {}
        }
    }
    if let Err(r) = csrf_ok(&s, &csrf) {
        return *r;
    }
    let page = |status: StatusCode, error: Option<String>, lines, confirm| {
        let mut r = render(&ImportPage {
            title: "Import",
            csrf: s.csrf.clone(),
            heading: format!("Import {name}"),
            error,
            lines,
            confirm,
        });
        *r.status_mut() = status;
        r
    };
    let Some(spooled) = file else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Choose a file to import.".into()),
            Vec::new(),
            None,
        );
    };
    let relationship: RelationshipType = match kind.parse() {
        Ok(t) => t,
        Err(e) => {
            let e: rapport_core::Invalid = e;
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(e.message),
                Vec::new(),
                None,
            );
        }
    };
    let lower = name.to_ascii_lowercase();
    let format = if lower.ends_with(".csv") || lower.ends_with(".txt") {
        let mut maps = Vec::new();
        for m in map.split(';').filter(|m| !m.trim().is_empty()) {
            let parsed = m
                .rsplit_once('=')
                .ok_or_else(|| format!("{m:?}: write COLUMN=FIELD"))
                .and_then(|(c, f)| Field::parse(f).map(|f| (c.trim().to_owned(), f)));
            match parsed {
                Ok(p) => maps.push(p),
                Err(e) => return page(StatusCode::UNPROCESSABLE_ENTITY, Some(e), Vec::new(), None),
            }
        }
        transfer::Format::Csv(maps)
    } else {
        transfer::Format::Vcard
    };
    let source = Source {
        input: Input::Spooled(Arc::new(spooled)),
        name: name.clone(),
        format,
    };
    let options = Options {
        merge,
        dry_run: true,
        relationship,
    };
    match transfer::import(&state.db, &s.actor, &source, &options, || {}).await {
        Ok(report) => {
            let id = match secret(16) {
                Ok(id) => id,
                Err(e) => return web_error(e),
            };
            let lines = report_lines(&report, source.item(), merge);
            let kept = state.uploads.put(
                id.clone(),
                Upload {
                    workspace: s.actor.workspace.id.clone(),
                    user: s.actor.user.id.clone(),
                    source,
                    options: Options {
                        dry_run: false,
                        ..options
                    },
                },
            );
            if !kept {
                return page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Some(
                        "Too many imports are waiting on this server: try again in a few minutes."
                            .into(),
                    ),
                    lines,
                    None,
                );
            }
            page(StatusCode::OK, None, lines, Some(id))
        }
        Err(transfer::TransferError::Invalid(i)) => page(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(i.message),
            Vec::new(),
            None,
        ),
        Err(e) => web_error(e.into()),
    }
}

async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, NoFields {}): SignedInForm<NoFields>,
) -> Response {
    let Some(up) = state
        .uploads
        .take(&id, &s.actor.workspace.id, &s.actor.user.id)
    else {
        return web_error(ApiError::not_found(
            "upload (it waits 15 minutes; upload it again)",
        ));
    };
    let item = up.source.item();
    match transfer::import(&state.db, &s.actor, &up.source, &up.options, || {}).await {
        Ok(report) => render(&ImportPage {
            title: "Import",
            csrf: s.csrf.clone(),
            heading: format!("Imported {}", up.source.name),
            error: None,
            lines: report_lines(&report, item, up.options.merge),
            confirm: None,
        }),
        Err(transfer::TransferError::Invalid(i)) => {
            let mut r = render(&ImportPage {
                title: "Import",
                csrf: s.csrf.clone(),
                heading: format!("Import {}", up.source.name),
                error: Some(i.message),
                lines: Vec::new(),
                confirm: None,
            });
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        Err(e) => web_error(e.into()),
    }
}
