//! Settings over HTTP (one use case: the workspace's for owners, the digest hour for any
//! member) and the calendar feed's secret URL.

use super::prelude::*;

pub(super) async fn get_settings(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<Json<SettingsView>> {
    Ok(Json(settings::view(&state.db, &actor.0).await?))
}

/// A cadence in a settings change: a number of days, `never` (`none`), or `default`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum CadenceValue {
    Days(u32),
    Word(String),
}

pub(super) fn assignments(
    rules: Option<std::collections::BTreeMap<String, CadenceValue>>,
) -> Vec<String> {
    rules
        .unwrap_or_default()
        .into_iter()
        .map(|(audience, v)| match v {
            CadenceValue::Days(d) => format!("{audience}={d}"),
            CadenceValue::Word(w) => format!("{audience}={w}"),
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SettingsBody {
    time_zone: Option<String>,
    promise_load_threshold: Option<u32>,
    /// Audience (`vip` or a relationship type) to days, `never` or `default`.
    keep_in_touch: Option<std::collections::BTreeMap<String, CadenceValue>>,
    /// Audience to days between gestures, `none` or `default`.
    appreciation: Option<std::collections::BTreeMap<String, CadenceValue>>,
    /// The caller's own digest hour, `HH:MM`, or `off` (any member may set their own).
    digest_at: Option<String>,
    /// The caller's addresses besides their account's email, to add and to forget.
    my_address: Option<Vec<String>>,
    forget_address: Option<Vec<String>>,
    /// `INTEREST=IDEA` gift ideas to add to the workspace's catalogue, and to take out.
    gift_idea: Option<Vec<String>>,
    no_gift_idea: Option<Vec<String>>,
}

pub(super) async fn update_settings(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<SettingsBody>,
) -> ApiResult<Json<SettingsView>> {
    let update = SettingsUpdate {
        time_zone: b.time_zone,
        promise_load_threshold: b.promise_load_threshold,
        keep_in_touch: assignments(b.keep_in_touch),
        appreciation: assignments(b.appreciation),
        digest_at: b.digest_at,
        my_address: b.my_address.unwrap_or_default(),
        forget_address: b.forget_address.unwrap_or_default(),
        gift_idea: b.gift_idea.unwrap_or_default(),
        no_gift_idea: b.no_gift_idea.unwrap_or_default(),
    };
    Ok(Json(settings::update(&state.db, &actor.0, &update).await?))
}

#[derive(Debug, Serialize)]
pub(super) struct FeedPath {
    /// The secret feed's path on this server (shown once; a new one ends the old).
    path: String,
}

pub(super) async fn rotate_feed(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<(StatusCode, Json<FeedPath>)> {
    let path = rapport_core::feed::rotate(&state.db, &actor.0, now()).await?;
    Ok((StatusCode::CREATED, Json(FeedPath { path })))
}
