//! Rapport's file formats: pure readers and writers, no storage and no clock, so each can be
//! tested on its own and fuzzed.
//!
//! - [`vcard`]: vCard 2.1, 3.0 and 4.0 in (through calcard, tolerant of real-world exports),
//!   3.0 or 4.0 out. Files are read card by card, so memory does not grow with the file.
//! - [`csv`]: spreadsheets and other CRMs' exports (Google Contacts, Outlook, HubSpot, our
//!   own), any of `,` `;` or tab, read row by row into the same [`vcard::Card`]s.
//! - [`ics`]: the iCalendar feed (RFC 5545: escaping, folding, all-day and yearly events).
//! - [`mail`]: mail messages (RFC 5322, MIME) and mbox files, read for the conversations
//!   they log.
//! - [`text`]: bytes to text (UTF-8, else Windows-1252, as old exports are).

pub mod csv;
pub mod device;
pub mod digest;
pub mod ics;
pub mod mail;
pub mod text;
pub mod vcard;
