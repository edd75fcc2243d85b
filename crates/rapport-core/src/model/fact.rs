//! Personal memory: what the user knows about a contact as a person (family, interests,
//! preferences such as the usual order, important dates, notes).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::dates::YearlyDate;
use crate::error::Invalid;
use crate::ids::{ContactId, FactId};

crate::named::named_enum! {
    /// What a fact is about.
    pub enum FactKind: "kind", "fact kind" {
        /// A family member: the text is their name, `relation` says who they are (daughter,
        /// spouse), `date` is their birthday when known.
        Family = "family",
        /// Something they care about: a sport, a team, a hobby.
        Interest = "interest",
        /// How they like things: the usual order, a preferred time to call.
        Preference = "preference",
        /// A date that recurs yearly: their birthday, an anniversary, the first purchase.
        Date = "date",
        /// Anything else worth remembering.
        Note = "note",
    }
}

/// A fact as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub id: FactId,
    pub contact_id: ContactId,
    pub kind: FactKind,
    pub text: String,
    pub relation: Option<String>,
    pub date: Option<YearlyDate>,
    pub created_at: Timestamp,
}

/// What a user gives to record a fact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewFact {
    pub kind: FactKind,
    pub text: String,
    pub relation: Option<String>,
    pub date: Option<YearlyDate>,
}

/// The longest fact text accepted.
pub const MAX_FACT_CHARS: usize = 2000;

impl NewFact {
    /// Checks the fact's shape: a text always; a relation only for family; a date required
    /// for `date` facts, allowed for family (a birthday), refused elsewhere.
    pub fn into_fact(self, contact_id: ContactId, now: Timestamp) -> Result<Fact, Invalid> {
        let text = self.text.trim().to_owned();
        if text.is_empty() {
            return Err(Invalid::new(
                "text",
                match self.kind {
                    FactKind::Family => "a family fact needs the person's name",
                    FactKind::Date => {
                        "a date fact needs to say what the date is (birthday, anniversary...)"
                    }
                    _ => "a fact needs some text",
                },
            ));
        }
        crate::commitment::refuse_nul("text", &text)?;
        if text.chars().count() > MAX_FACT_CHARS {
            return Err(Invalid::new(
                "text",
                format!("a fact is at most {MAX_FACT_CHARS} characters"),
            ));
        }
        let relation = self
            .relation
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if let Some(r) = &relation {
            crate::commitment::refuse_nul("relation", r)?;
        }
        if relation.is_some() && self.kind != FactKind::Family {
            return Err(Invalid::new(
                "relation",
                "a relation is for family facts (daughter, spouse...)",
            ));
        }
        match (self.kind, self.date) {
            (FactKind::Date, None) => {
                return Err(Invalid::new(
                    "date",
                    "a date fact needs its date: YYYY-MM-DD, or --MM-DD when the year is unknown",
                ));
            }
            (FactKind::Interest | FactKind::Preference | FactKind::Note, Some(_)) => {
                return Err(Invalid::new(
                    "date",
                    format!(
                        "a date is for family birthdays and date facts, not {} facts",
                        self.kind
                    ),
                ));
            }
            _ => {}
        }
        Ok(Fact {
            id: FactId::generate(),
            contact_id,
            kind: self.kind,
            text,
            relation,
            date: self.date,
            created_at: now,
        })
    }
}

impl Fact {
    /// One line as a person would say it: "Sofia (daughter), born 2017-05-02".
    pub fn describe(&self) -> String {
        let mut s = self.text.clone();
        if let Some(r) = &self.relation {
            s.push_str(&format!(" ({r})"));
        }
        if let Some(d) = &self.date {
            s.push_str(&format!(", {d}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(
        kind: FactKind,
        text: &str,
        relation: Option<&str>,
        date: Option<&str>,
    ) -> Result<Fact, Invalid> {
        NewFact {
            kind,
            text: text.into(),
            relation: relation.map(Into::into),
            date: date.map(|d| d.parse().expect("valid date")),
        }
        .into_fact(ContactId::generate(), Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn family_members_carry_a_relation_and_a_birthday() {
        let f = fact(
            FactKind::Family,
            "Sofia",
            Some("daughter"),
            Some("2017-05-02"),
        )
        .expect("valid");
        assert_eq!(f.describe(), "Sofia (daughter), 2017-05-02");
    }

    #[test]
    fn each_kind_gets_the_shape_it_needs() {
        assert!(fact(FactKind::Date, "Wedding anniversary", None, Some("--06-12")).is_ok());
        assert_eq!(
            fact(FactKind::Date, "Birthday", None, None)
                .expect_err("no date")
                .field,
            "date"
        );
        assert_eq!(
            fact(FactKind::Interest, "Golf", None, Some("2020-01-01"))
                .expect_err("date")
                .field,
            "date"
        );
        assert_eq!(
            fact(FactKind::Note, "x", Some("spouse"), None)
                .expect_err("relation")
                .field,
            "relation"
        );
        assert_eq!(
            fact(FactKind::Preference, "   ", None, None)
                .expect_err("empty")
                .field,
            "text"
        );
        assert!(
            fact(
                FactKind::Preference,
                "Double espresso, no sugar",
                None,
                None
            )
            .is_ok()
        );
    }

    #[test]
    fn kinds_parse() {
        assert_eq!("Family".parse(), Ok(FactKind::Family));
        assert!("hobby".parse::<FactKind>().is_err());
    }
}
