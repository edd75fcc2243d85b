//! Rapport's edges other than HTTP and the database, shared by the CLI and the server so
//! that neither holds application logic the other needs: contact files in and out
//! ([`transfer`]: vCard and CSV imports and exports, streamed) and the daily digest out by
//! SMTP ([`mail`]), and mail files in for the conversations they log ([`mailbox`]), or a
//! member's mailbox read over IMAP ([`imap`], [`mailsync`]) with its password sealed at rest
//! ([`secret`]).

pub mod imap;
pub mod mail;
pub mod mailbox;
pub mod mailsync;
pub mod secret;
pub mod transfer;
