//! What the API's resource modules share: their imports and each other's items, so each
//! file opens with one line.

#![allow(unused_imports)]

pub(super) use axum::extract::{Path, State};
pub(super) use axum::http::StatusCode;
pub(super) use axum::routing::{delete, get, post};
pub(super) use axum::{Json, Router};
pub(super) use jiff::Timestamp;
pub(super) use rapport_core::account::TokenId;
pub(super) use rapport_core::commitment::{CommitmentId, Direction, Due, Request, RequestId};
pub(super) use rapport_core::contact::{CadenceSetting, Contact, RelationshipType};
pub(super) use rapport_core::deal::{self, DealId, DealView, NewDeal, Stage, TermKind};
pub(super) use rapport_core::gesture::{self, BudgetView, Gesture, GestureKind, NewGesture};
pub(super) use rapport_core::ids::ContactId;
pub(super) use rapport_core::ledger::{self, CommitmentQuery, NewCommitment, Outcome};
pub(super) use rapport_core::ports::{AccountStore, ContactStore, LedgerStore};
pub(super) use rapport_core::referral::{self, Advocate};
pub(super) use rapport_core::service::{self, ContactQuery};
pub(super) use rapport_core::trust::Size;
pub(super) use rapport_core::usecases::settings::{self, SettingsUpdate, SettingsView};
pub(super) use serde::{Deserialize, Serialize};

pub(super) use super::{Body, Page, Params, contact_by_id, cursor, now};
pub(super) use crate::AppState;
pub(super) use crate::auth::ApiActor;
pub(super) use crate::error::{ApiError, ApiResult};

pub(super) use super::accounts::*;
pub(super) use super::appreciation::*;
pub(super) use super::commitments::*;
pub(super) use super::contacts::*;
pub(super) use super::deals::*;
pub(super) use super::referrals::*;
pub(super) use super::requests::*;
pub(super) use super::settings::*;
pub(super) use super::today::*;
