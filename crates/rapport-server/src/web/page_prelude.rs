//! What the page modules share: the imports every page handler reaches for, and the
//! modules' items, so each page file opens with one line.

#![allow(unused_imports)]

pub(super) use askama::Template;
pub(super) use axum::Router;
pub(super) use axum::extract::{Path, Query, State};
pub(super) use axum::http::StatusCode;
pub(super) use axum::http::header::CONTENT_TYPE;
pub(super) use axum::response::{Html, IntoResponse, Response};
pub(super) use axum::routing::{get, post};
pub(super) use jiff::Timestamp;
pub(super) use rapport_core::account::{Session, TokenId};
pub(super) use rapport_core::commitment::{Direction, Due};
pub(super) use rapport_core::contact::{Contact, NewContact, RelationshipType};
pub(super) use rapport_core::ids::ContactId;
pub(super) use rapport_core::ledger::{
    self, CommitmentQuery, DirectionView, NewCommitment, Outcome,
};
pub(super) use rapport_core::ports::{AccountStore, ContactStore, LedgerStore};
pub(super) use rapport_core::service::{self, ContactQuery};
pub(super) use rapport_core::today::TodayKind;
pub(super) use rapport_core::trust::Size;
pub(super) use serde::Deserialize;

pub(super) use super::form::{
    NoFields, SignedInForm, back_to, names_of, now, render, said, signed_in,
};
pub(super) use super::{redirect, web_error};
pub(super) use crate::AppState;
pub(super) use crate::auth::WebSession;
pub(super) use crate::error::ApiError;

pub(super) use super::assets::*;
pub(super) use super::brief::*;
pub(super) use super::campaigns::*;
pub(super) use super::commitment::*;
pub(super) use super::contact::*;
pub(super) use super::contact_edit::*;
pub(super) use super::contact_forms::*;
pub(super) use super::contacts::*;
pub(super) use super::deals::*;
pub(super) use super::duplicates::*;
pub(super) use super::history::*;
pub(super) use super::insights::*;
pub(super) use super::ledger_list::*;
pub(super) use super::memory::*;
pub(super) use super::requests::*;
pub(super) use super::search::*;
pub(super) use super::settings::*;
pub(super) use super::suggestions::*;
pub(super) use super::today::*;
