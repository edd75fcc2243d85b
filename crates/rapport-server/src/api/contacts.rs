//! Contacts over HTTP: list (search, type, tag, paging), create, one card, trust, brief.

use super::prelude::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ContactListQuery {
    search: Option<String>,
    #[serde(rename = "type")]
    relationship: Option<String>,
    tag: Option<String>,
    #[serde(default)]
    archived: bool,
    /// VIPs only.
    #[serde(default)]
    vip: bool,
    /// Only those past their keep-in-touch time.
    #[serde(default)]
    going_cold: bool,
    limit: Option<u32>,
    cursor: Option<String>,
    /// Where we met contains this.
    met: Option<String>,
}

pub(super) async fn list_contacts(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<ContactListQuery>,
) -> ApiResult<Json<Page<Contact>>> {
    let after = match &q.cursor {
        Some(c) => {
            let from = contact_by_id(&state, &actor, c)
                .await
                .map_err(|_| ApiError::bad_request("cursor: not a cursor of this list"))?;
            Some((from.name_folded(), from.id))
        }
        None => None,
    };
    let limit = q.limit.unwrap_or(50);
    let query = ContactQuery {
        relationship: q.relationship.as_deref().map(str::parse).transpose()?,
        tag: q.tag,
        search: q.search,
        met: q.met,
        archived: q.archived,
        vip_only: q.vip,
        going_cold: q.going_cold,
        after,
        limit: Some(limit),
    };
    let items = service::list_contacts(&state.db, &actor.0, query).await?;
    let next_cursor = (items.len() == limit as usize)
        .then(|| items.last().map(|c| c.id.to_string()))
        .flatten();
    Ok(Json(Page { items, next_cursor }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateContact {
    name: String,
    #[serde(rename = "type")]
    relationship: Option<String>,
    organisation: Option<String>,
    #[serde(default)]
    vip: bool,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// Keep-in-touch cadence in days; 0 for never; absent for the type's default.
    cadence_days: Option<u32>,
    /// Where we met.
    met: Option<String>,
    /// When we met: YYYY-MM-DD.
    met_on: Option<String>,
    /// Who introduced us: a contact's id.
    introduced_by: Option<String>,
}

/// A day we met, as the API takes it: YYYY-MM-DD.
pub(super) fn met_on(
    text: Option<&str>,
) -> Result<Option<jiff::civil::Date>, rapport_core::Invalid> {
    text.map(|t| {
        let bad = || {
            rapport_core::Invalid::new("met_on", format!("met_on {t:?} is not a date (YYYY-MM-DD)"))
        };
        // Exactly YYYY-MM-DD, as the document says (jiff also takes 20240101 and times).
        let shaped = t.len() == 10
            && t.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shaped {
            return Err(bad());
        }
        let d = t.parse::<jiff::civil::Date>().map_err(|_| bad())?;
        if d.year() < 1 {
            return Err(bad());
        }
        Ok(d)
    })
    .transpose()
}

pub(super) async fn create_contact(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<CreateContact>,
) -> ApiResult<(StatusCode, Json<service::AddedContact>)> {
    let new = rapport_core::contact::NewContact {
        name: b.name,
        organisation: b.organisation,
        relationship: b
            .relationship
            .as_deref()
            .map(str::parse::<RelationshipType>)
            .transpose()?,
        vip: b.vip,
        emails: b.emails,
        phones: b.phones,
        tags: b.tags,
        cadence: match b.cadence_days {
            None => CadenceSetting::Default,
            Some(0) => CadenceSetting::Never,
            Some(d) => CadenceSetting::Every(d),
        },
        met_on: met_on(b.met_on.as_deref())?,
        met: b.met,
        introduced_by: b.introduced_by,
    };
    let added = service::add_contact(&state.db, &actor.0, new, now()).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

pub(super) async fn get_contact(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<service::ContactCard>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    Ok(Json(service::card_of(&state.db, &actor.0, c).await?))
}

pub(super) async fn trust(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<ledger::TrustView>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    let n = now();
    Ok(Json(
        ledger::trust_of(&state.db, &actor.0, c.id.as_str(), None, n).await?,
    ))
}

pub(super) async fn brief(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<rapport_core::brief::Brief>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    Ok(Json(
        rapport_core::brief::brief(&state.db, &actor.0, c.id.as_str(), now()).await?,
    ))
}

pub(super) async fn ladder(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<ledger::LadderView>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    Ok(Json(
        ledger::ladder(&state.db, &actor.0, c.id.as_str()).await?,
    ))
}
