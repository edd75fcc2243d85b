//! Interactions: the conversations with a contact, what they said kept apart from what I said.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::Invalid;
use crate::ids::{ContactId, InteractionId};
use crate::search::fold;

crate::named::named_enum! {
    /// How the interaction happened.
    pub enum InteractionKind: "kind", "interaction kind" {
        Call = "call",
        Meeting = "meeting",
        Email = "email",
        Visit = "visit",
        Message = "message",
        Other = "other",
    }
}

/// An interaction as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub id: InteractionId,
    pub contact_id: ContactId,
    pub kind: InteractionKind,
    /// When it happened, or when it is planned (a future meeting).
    pub occurred_at: Timestamp,
    pub summary: String,
    /// What they said: needs, feedback, insights.
    pub they_said: Option<String>,
    /// What I said.
    pub i_said: Option<String>,
    pub created_at: Timestamp,
    /// Topics the user named ("price", "delivery"): what Insights counts exactly.
    #[serde(default)]
    pub topics: Vec<String>,
}

impl Interaction {
    /// Whether it is still to come (a planned meeting).
    pub fn is_planned(&self, now: Timestamp) -> bool {
        self.occurred_at > now
    }

    /// When this interaction touched the relationship, for the keep-in-touch clock: when it
    /// happened, or, for one planned ahead, when it was arranged (never a future date, which
    /// would silence the clock until then).
    pub fn touched_at(&self) -> Timestamp {
        self.occurred_at.min(self.created_at)
    }

    /// The folded text interactions are searched by.
    pub fn search_text(&self) -> String {
        let mut parts = vec![self.summary.as_str()];
        parts.extend(self.they_said.as_deref());
        parts.extend(self.i_said.as_deref());
        fold(&parts.join(" | "))
    }
}

/// What a user gives to log an interaction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewInteraction {
    pub kind: InteractionKind,
    pub occurred_at: Timestamp,
    pub summary: String,
    pub they_said: Option<String>,
    pub i_said: Option<String>,
    /// Topics the user names ("price"): trimmed, lower-cased, without repeats.
    #[serde(default)]
    pub topics: Vec<String>,
}

/// The longest summary or note accepted.
pub const MAX_INTERACTION_CHARS: usize = 20_000;

/// The most topics an interaction takes, and the longest one.
pub const MAX_TOPICS: usize = 10;
pub const MAX_TOPIC_CHARS: usize = 60;

/// Topics as given: each trimmed and lower-cased, one line, without repeats (compared
/// without accents); empty ones dropped.
pub fn clean_topics(topics: &[String]) -> Result<Vec<String>, Invalid> {
    if topics.len() > MAX_TOPICS * 10 {
        return Err(Invalid::new(
            "topic",
            format!("an interaction takes at most {MAX_TOPICS} topics"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for t in topics {
        let t = t
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars()
            .any(|c| c.is_control() || crate::model::search::is_invisible(c))
        {
            return Err(Invalid::new(
                "topic",
                "a topic cannot hold control or invisible formatting characters",
            ));
        }
        if t.chars().count() > MAX_TOPIC_CHARS {
            return Err(Invalid::new(
                "topic",
                format!("a topic is at most {MAX_TOPIC_CHARS} characters"),
            ));
        }
        if !out.iter().any(|o| fold(o) == fold(&t)) {
            out.push(t);
        }
    }
    if out.len() > MAX_TOPICS {
        return Err(Invalid::new(
            "topic",
            format!("an interaction takes at most {MAX_TOPICS} topics"),
        ));
    }
    Ok(out)
}

fn optional_text(field: &'static str, v: Option<String>) -> Result<Option<String>, Invalid> {
    let v = v.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if let Some(t) = &v {
        crate::commitment::refuse_nul(field, t)?;
    }
    if let Some(t) = &v
        && t.chars().count() > MAX_INTERACTION_CHARS
    {
        return Err(Invalid::new(
            field,
            format!("{field} is longer than {MAX_INTERACTION_CHARS} characters"),
        ));
    }
    Ok(v)
}

impl NewInteraction {
    /// Checks the input: a non-empty summary, bounded lengths.
    pub fn into_interaction(
        self,
        contact_id: ContactId,
        now: Timestamp,
    ) -> Result<Interaction, Invalid> {
        let summary = optional_text("summary", Some(self.summary))?
            .ok_or_else(|| Invalid::new("summary", "an interaction needs a summary"))?;
        Ok(Interaction {
            id: InteractionId::generate(),
            contact_id,
            kind: self.kind,
            occurred_at: self.occurred_at,
            summary,
            they_said: optional_text("they_said", self.they_said)?,
            i_said: optional_text("i_said", self.i_said)?,
            created_at: now,
            topics: clean_topics(&self.topics)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_required_and_notes_are_trimmed() {
        let new = |summary: &str, they: Option<&str>| NewInteraction {
            kind: InteractionKind::Call,
            occurred_at: Timestamp::UNIX_EPOCH,
            summary: summary.into(),
            they_said: they.map(Into::into),
            i_said: None,
            topics: Vec::new(),
        };
        let i = new(" Quarterly review ", Some("  "))
            .into_interaction(ContactId::generate(), Timestamp::UNIX_EPOCH)
            .expect("valid");
        assert_eq!(i.summary, "Quarterly review");
        assert_eq!(i.they_said, None);
        let err = new("  ", None)
            .into_interaction(ContactId::generate(), Timestamp::UNIX_EPOCH)
            .expect_err("empty summary");
        assert_eq!(err.field, "summary");
    }

    #[test]
    fn planned_meetings_are_in_the_future() {
        let i = NewInteraction {
            kind: InteractionKind::Meeting,
            occurred_at: Timestamp::from_second(100).expect("ts"),
            summary: "Lunch".into(),
            they_said: Some("Needs delivery before Christmas".into()),
            i_said: Some("Promised a quote".into()),
            topics: Vec::new(),
        }
        .into_interaction(ContactId::generate(), Timestamp::UNIX_EPOCH)
        .expect("valid");
        assert!(i.is_planned(Timestamp::UNIX_EPOCH));
        assert!(!i.is_planned(Timestamp::from_second(100).expect("ts")));
        assert_eq!(
            i.search_text(),
            "lunch | needs delivery before christmas | promised a quote"
        );
    }
}
