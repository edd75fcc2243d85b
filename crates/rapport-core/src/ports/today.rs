//! What Today gathers in one go (rapport-store: today.rs).

use crate::ids::{UserId, WorkspaceId};
use crate::trust::Params;
use jiff::Timestamp;
use std::future::Future;

use super::*;

/// The day Today is computed for, in the workspace's time zone.
#[derive(Clone, Debug, PartialEq)]
pub struct TodayWindow {
    pub date: jiff::civil::Date,
    /// The (month, day) pairs of yearly dates to show (see `today::window_days`).
    pub yearly_days: Vec<(i8, i8)>,
    pub day_start: Timestamp,
    pub day_end: Timestamp,
    pub now: Timestamp,
}

/// What Today needs, gathered in indexed SQL rather than by loading the book.
pub trait TodayStore: Send + Sync {
    /// The user's open commitments at risk and untold or due by the window's day, the yearly
    /// dates of their live contacts in the window, their contacts past the keep-in-touch
    /// cadence (the most valuable first, at most `cold_limit`), and the requests without a
    /// why of their contacts met that day.
    fn today_data(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        window: &TodayWindow,
        params: &Params,
        cold_limit: u32,
    ) -> impl Future<Output = StoreResult<crate::today::TodayData>> + Send;
}
