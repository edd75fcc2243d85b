//! Import and export over the API: the same engine as `rapport import` / `rapport export`.
//! An import's body is the file itself (`text/vcard` or `text/csv`, up to 32 MiB).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rapport_core::contact::RelationshipType;
use rapport_formats::csv::Field;
use rapport_formats::vcard;
use serde::Deserialize;

use super::Params;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult};
use crate::transfer::{self, ExportFormat, ImportReport, Input, Options, Source, TransferError};

/// The largest file an import takes over HTTP.
pub const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/import/vcard",
            post(import_vcard).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/import/csv",
            post(import_csv).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/export/vcard", get(export_vcard))
        .route("/export/csv", get(export_csv))
}

impl From<TransferError> for ApiError {
    fn from(e: TransferError) -> ApiError {
        match e {
            TransferError::Invalid(i) => rapport_core::Error::Invalid(i).into(),
            TransferError::Core(c) => c.into(),
            TransferError::Store(s) => s.into(),
            TransferError::Io(io) => ApiError::internal(io),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    #[serde(default)]
    merge: bool,
    #[serde(default)]
    dry_run: bool,
    /// The type of contacts whose item does not say (default prospect).
    #[serde(rename = "type")]
    relationship: Option<String>,
    /// CSV only: `COLUMN=FIELD` pairs separated by `;`.
    map: Option<String>,
}

async fn run(
    state: &AppState,
    actor: &ApiActor,
    q: ImportQuery,
    body: Bytes,
    format: transfer::Format,
    name: &str,
) -> ApiResult<Response> {
    if body.is_empty() {
        return Err(ApiError::invalid(
            "body",
            "send the file as the request body",
        ));
    }
    let relationship: RelationshipType = q
        .relationship
        .as_deref()
        .unwrap_or("prospect")
        .parse()
        .map_err(|e: rapport_core::Invalid| ApiError::invalid("type", e.message))?;
    let src = Source {
        input: Input::Bytes(Arc::from(body.as_ref())),
        name: name.to_owned(),
        format,
    };
    let opts = Options {
        merge: q.merge,
        dry_run: q.dry_run,
        relationship,
    };
    let report: ImportReport = transfer::import(&state.db, &actor.0, &src, &opts, || {}).await?;
    let status = if report.dry_run || report.imported == 0 {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report)).into_response())
}

async fn import_vcard(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<ImportQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    if q.map.is_some() {
        return Err(ApiError::invalid("map", "map is for CSV imports"));
    }
    run(
        &state,
        &actor,
        q,
        body,
        transfer::Format::Vcard,
        "upload.vcf",
    )
    .await
}

async fn import_csv(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<ImportQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut maps = Vec::new();
    for m in q
        .map
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|m| !m.trim().is_empty())
    {
        let (column, field) = m
            .rsplit_once('=')
            .ok_or_else(|| ApiError::invalid("map", format!("{m:?}: write COLUMN=FIELD")))?;
        let field = Field::parse(field).map_err(|e| ApiError::invalid("map", e))?;
        maps.push((column.trim().to_owned(), field));
    }
    run(
        &state,
        &actor,
        q,
        body,
        transfer::Format::Csv(maps),
        "upload.csv",
    )
    .await
}

/// The whole export in memory, then sent (a 100,000-contact book is ~22 MB).
pub(crate) async fn exported(
    state: &AppState,
    actor: &rapport_core::workspace::Actor,
    format: ExportFormat,
) -> ApiResult<Response> {
    let mut out = Vec::new();
    transfer::export(&state.db, actor, format, &mut out, |_| {}).await?;
    let (kind, file) = match format {
        ExportFormat::Vcard(_) => ("text/vcard; charset=utf-8", "contacts.vcf"),
        ExportFormat::Csv => ("text/csv; charset=utf-8", "contacts.csv"),
    };
    Ok((
        StatusCode::OK,
        [
            (CONTENT_TYPE, kind.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        out,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    /// 3.0 or 4.0 (default).
    version: Option<String>,
}

async fn export_vcard(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<ExportQuery>,
) -> ApiResult<Response> {
    let version: vcard::Version = q
        .version
        .as_deref()
        .unwrap_or("4.0")
        .parse()
        .map_err(|m: String| ApiError::invalid("version", m))?;
    exported(&state, &actor.0, ExportFormat::Vcard(version)).await
}

async fn export_csv(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Response> {
    exported(&state, &actor.0, ExportFormat::Csv).await
}
