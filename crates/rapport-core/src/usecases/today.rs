//! Today for a member: what the store gathers, ranked by the pure `today` model.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::model::today::*;

/// Today for the acting user, now.
pub async fn today_for<
    S: crate::ports::TodayStore
        + crate::ports::LedgerStore
        + crate::ports::GestureStore
        + crate::ports::AccountStore
        + crate::ports::ContactStore
        + crate::ports::CampaignStore,
>(
    store: &S,
    actor: &crate::workspace::Actor,
    now: Timestamp,
) -> crate::error::Result<Today> {
    let tz = actor.workspace.tz();
    let date = day_of(now, &tz);
    let start = |d: Date| {
        d.to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| crate::error::Invalid::new("date", e.to_string()))
    };
    let next = date
        .tomorrow()
        .map_err(|e| crate::error::Invalid::new("date", e.to_string()))?;
    let window = crate::ports::TodayWindow {
        date,
        yearly_days: window_days(date),
        day_start: start(date)?,
        day_end: start(next)?,
        now,
    };
    let mut data = store
        .today_data(
            &actor.workspace.id,
            &actor.user.id,
            &window,
            &actor.workspace.trust_params(),
            GOING_COLD_CANDIDATES,
        )
        .await?;
    (data.check_ins, data.check_ins_left) = store
        .check_ins_due(
            &actor.workspace.id,
            &actor.user.id,
            date,
            window.day_start,
            now,
        )
        .await?;
    if !data.gestures_due.is_empty() {
        data.gift_catalogue = crate::gift::catalogue(&store.gift_ideas(&actor.workspace.id).await?);
    }
    let mut day = today(&data, &actor.user.id, now, &tz);
    // Foresight for each commitment on the list: below 70%, the line says so.
    let listed: Vec<&crate::commitment::Commitment> = data
        .commitments
        .iter()
        .map(|(_, c)| c)
        .filter(|c| {
            day.items
                .iter()
                .any(|i| i.commitment_id.as_ref() == Some(&c.id))
        })
        .collect();
    let forecasts = crate::usecases::foresight::forecasts(store, actor, &listed, now).await?;
    for item in &mut day.items {
        if let Some(f) = item.commitment_id.as_ref().and_then(|id| forecasts.get(id)) {
            item.forecast = Some(f.forecast);
            item.forecast_reason = Some(f.forecast_reason.clone());
            if f.warns() {
                item.reason = format!("{}; {}", item.reason, f.headline);
            }
        }
    }
    day.notes.extend(
        crate::ledger::why_reminder(store, actor, now)
            .await?
            .map(|text| Note {
                text,
                about: NoteAbout::Whys,
            }),
    );
    Ok(day)
}
