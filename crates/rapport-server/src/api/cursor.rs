//! Opaque keyset cursors for the lists whose order is not by id: a cursor is the previous
//! page's last sort key (URL-safe base64 of its parts), so a page is one index range read
//! and a cursor reveals nothing a client did not already see.

use base64::Engine as _;
use jiff::Timestamp;
use jiff::civil::Date;
use rapport_core::commitment::{Request, RequestId};
use rapport_core::deal::{DealId, DealView, NO_CLOSE_DATE};
use rapport_core::gesture::{Gesture, GestureId};
use rapport_core::ids::InteractionId;
use rapport_core::interaction::Interaction;
use rapport_core::ports::{AfterDeal, AfterGesture, AfterInteraction, AfterRequest};

use super::Page;
use crate::error::{ApiError, ApiResult};

const SEPARATOR: char = '\u{1f}';

fn encode(parts: &[String]) -> String {
    let joined = parts.join(&SEPARATOR.to_string());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(joined)
}

fn bad() -> ApiError {
    ApiError::bad_request("cursor: not a cursor of this list")
}

fn decode<const N: usize>(cursor: &str) -> ApiResult<[String; N]> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let parts: Vec<String> = text.split(SEPARATOR).map(str::to_owned).collect();
    parts.try_into().map_err(|_| bad())
}

fn micros(t: Timestamp) -> String {
    t.as_microsecond().to_string()
}

fn instant(s: &str) -> ApiResult<Timestamp> {
    let us: i64 = s.parse().map_err(|_| bad())?;
    Timestamp::from_microsecond(us).map_err(|_| bad())
}

fn day(s: &str) -> ApiResult<Date> {
    s.parse().map_err(|_| bad())
}

/// A page of `items`, asked with `limit`: a next cursor only when the page is full.
pub fn page<T>(items: Vec<T>, limit: u32, key: impl Fn(&T) -> String) -> Page<T> {
    let next_cursor = (items.len() == limit as usize)
        .then(|| items.last().map(key))
        .flatten();
    Page { items, next_cursor }
}

pub fn of_interaction(i: &Interaction) -> String {
    encode(&[micros(i.occurred_at), i.id.to_string()])
}

pub fn interaction(c: &str) -> ApiResult<AfterInteraction> {
    let [at, id] = decode::<2>(c)?;
    Ok((instant(&at)?, InteractionId::parse(&id).ok_or_else(bad)?))
}

/// A campaign contact's cursor: the position of the last one listed.
pub fn of_member(position: u32) -> String {
    encode(&[position.to_string()])
}

pub fn member(c: &str) -> ApiResult<u32> {
    let [p] = decode::<1>(c)?;
    p.parse().map_err(|_| bad())
}

pub fn of_suggestion(id: &rapport_core::suggestion::SuggestionId) -> String {
    encode(&[id.to_string()])
}

/// A suggestion's cursor: the id of the last one listed.
pub fn suggestion(c: &str) -> ApiResult<String> {
    let [id] = decode::<1>(c)?;
    rapport_core::suggestion::SuggestionId::parse(&id).ok_or_else(bad)?;
    Ok(id)
}

pub fn of_request(r: &Request) -> String {
    encode(&[micros(r.created_at), r.id.to_string()])
}

pub fn request(c: &str) -> ApiResult<AfterRequest> {
    let [at, id] = decode::<2>(c)?;
    Ok((instant(&at)?, RequestId::parse(&id).ok_or_else(bad)?))
}

pub fn of_gesture(g: &Gesture) -> String {
    encode(&[
        g.given_on.to_string(),
        micros(g.created_at),
        g.id.to_string(),
    ])
}

pub fn gesture(c: &str) -> ApiResult<AfterGesture> {
    let [on, at, id] = decode::<3>(c)?;
    Ok((
        day(&on)?,
        instant(&at)?,
        GestureId::parse(&id).ok_or_else(bad)?,
    ))
}

pub fn of_deal(d: &DealView) -> String {
    let d = &d.deal;
    encode(&[
        d.expected_close.unwrap_or(NO_CLOSE_DATE).to_string(),
        micros(d.created_at),
        d.id.to_string(),
    ])
}

pub fn deal(c: &str) -> ApiResult<AfterDeal> {
    let [close, at, id] = decode::<3>(c)?;
    Ok((
        day(&close)?,
        instant(&at)?,
        DealId::parse(&id).ok_or_else(bad)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = Timestamp::from_microsecond(1_764_000_000_123_456).expect("instant");
        let id = InteractionId::generate();
        let c = encode(&[micros(at), id.to_string()]);
        assert_eq!(interaction(&c).expect("cursor"), (at, id));
        for garbage in ["", "%%%", "bm90IGEgY3Vyc29y", &encode(&["1".into()])] {
            assert!(interaction(garbage).is_err(), "{garbage:?}");
        }
        // A cursor of another list (three parts) is not an interaction cursor.
        let g = encode(&[
            "2026-11-25".into(),
            micros(at),
            GestureId::generate().to_string(),
        ]);
        assert!(interaction(&g).is_err());
        assert!(gesture(&g).is_ok());
    }
}
