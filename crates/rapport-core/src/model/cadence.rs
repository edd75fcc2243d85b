//! Cadence rules by audience (VIPs, or a relationship type), the one shape shared by the
//! keep-in-touch cadence (how often a relationship should hear from us) and the appreciation
//! cadence (how often it gets a gesture): the same grammar (`AUDIENCE=DAYS|never|default`),
//! the same bounds and the same view, so the CLI, the API and the web say them alike.

use serde::Serialize;

use crate::error::Invalid;
use crate::model::contact::RelationshipType;

/// Who a cadence applies to: VIPs, whatever their type, or a relationship type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub enum Audience {
    Vip,
    Type(RelationshipType),
}

impl From<Audience> for String {
    fn from(a: Audience) -> String {
        a.as_str().to_owned()
    }
}

impl Audience {
    /// Every audience, VIPs first.
    pub fn all() -> Vec<Audience> {
        std::iter::once(Audience::Vip)
            .chain(RelationshipType::ALL.iter().copied().map(Audience::Type))
            .collect()
    }

    /// The stored and typed name: `vip` or a relationship type.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Vip => "vip",
            Audience::Type(t) => t.as_str(),
        }
    }

    /// The name a person reads: `VIP`, `past customer`...
    pub fn label(self) -> &'static str {
        match self {
            Audience::Vip => "VIP",
            Audience::Type(t) => t.label(),
        }
    }

    /// Parses `vip` or a relationship type.
    pub fn parse(text: &str) -> Result<Audience, Invalid> {
        if text.trim().eq_ignore_ascii_case("vip") {
            return Ok(Audience::Vip);
        }
        text.parse::<RelationshipType>()
            .map(Audience::Type)
            .map_err(|_| {
                Invalid::new(
                    "appreciation",
                    format!("{text:?} is neither vip nor a relationship type"),
                )
            })
    }

    /// The audience a contact belongs to: VIPs are VIPs first.
    pub fn of(relationship: RelationshipType, vip: bool) -> Audience {
        if vip {
            Audience::Vip
        } else {
            Audience::Type(relationship)
        }
    }

    /// How often this audience gets a gesture unless the workspace says otherwise: VIPs every
    /// 90 days, customers every 120, prospects every 60 (something of value), partners 120,
    /// peers and past customers 180, vendors once a year; never co-workers, bosses or
    /// competitors.
    pub fn default_days(self) -> Option<u32> {
        match self {
            Audience::Vip => Some(90),
            Audience::Type(t) => match t {
                RelationshipType::Prospect => Some(60),
                RelationshipType::Customer | RelationshipType::Partner => Some(120),
                RelationshipType::PastCustomer | RelationshipType::Peer => Some(180),
                RelationshipType::Vendor => Some(365),
                RelationshipType::CoWorker
                | RelationshipType::Boss
                | RelationshipType::Competitor => None,
            },
        }
    }
}

/// The longest cadence, in days (ten years).
pub const MAX_CADENCE_DAYS: u32 = 3650;

/// Which cadence a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Days without a touch before a relationship goes cold.
    KeepInTouch,
    /// Days between appreciation gestures.
    Appreciation,
}

impl Cadence {
    /// The setting's name, as the API and errors call it.
    pub fn field(self) -> &'static str {
        match self {
            Cadence::KeepInTouch => "keep_in_touch",
            Cadence::Appreciation => "appreciation",
        }
    }

    /// The built-in cadence of an audience; `None`: never.
    pub fn default_days(self, a: Audience) -> Option<u32> {
        match self {
            Cadence::KeepInTouch => match a {
                Audience::Vip => Some(crate::model::contact::VIP_CADENCE_DAYS),
                Audience::Type(t) => t.default_cadence_days(),
            },
            Cadence::Appreciation => a.default_days(),
        }
    }

    fn example(self) -> &'static str {
        match self {
            Cadence::KeepInTouch => "prospect=21, vip=14, peer=never or peer=default",
            Cadence::Appreciation => "customer=120, vip=none or peer=default",
        }
    }
}

/// An audience's cadence in force, the built-in one, and whether the workspace changed it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CadenceRule {
    pub audience: Audience,
    /// Days; `None`: never.
    pub days: Option<u32>,
    pub default_days: Option<u32>,
    /// The workspace set it (else the built-in cadence applies).
    pub custom: bool,
}

/// Every audience's rule, VIPs first, given the workspace's `custom` cadence of each
/// (`None`: not changed; `Some(None)`: never).
pub fn rules(kind: Cadence, custom: impl Fn(Audience) -> Option<Option<u32>>) -> Vec<CadenceRule> {
    Audience::all()
        .into_iter()
        .map(|audience| {
            let set = custom(audience);
            CadenceRule {
                audience,
                days: set.unwrap_or_else(|| kind.default_days(audience)),
                default_days: kind.default_days(audience),
                custom: set.is_some(),
            }
        })
        .collect()
}

/// Parses `AUDIENCE=DAYS`, `AUDIENCE=never` (or `none`, or `0`) and `AUDIENCE=default`:
/// the audience, and `None` for the default, `Some(None)` for never, `Some(Some(days))`.
pub fn parse_assignment(
    kind: Cadence,
    assignment: &str,
) -> Result<(Audience, Option<Option<u32>>), Invalid> {
    let field = kind.field();
    let (audience, value) = assignment.split_once('=').ok_or_else(|| {
        Invalid::new(
            field,
            format!(
                "{assignment:?}: write AUDIENCE=DAYS, e.g. {}",
                kind.example()
            ),
        )
    })?;
    let audience = Audience::parse(audience).map_err(|e| Invalid::new(field, e.message))?;
    let value = value.trim().to_ascii_lowercase();
    let days = match value.as_str() {
        "default" => None,
        "never" | "none" | "0" => Some(None),
        n => match n.parse::<u32>() {
            Ok(d) if (1..=MAX_CADENCE_DAYS).contains(&d) => Some(Some(d)),
            _ => {
                return Err(Invalid::new(
                    field,
                    format!("{value:?}: a number of days (1-{MAX_CADENCE_DAYS}), never or default"),
                ));
            }
        },
    };
    Ok((audience, days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_grammar_for_both_cadences() {
        for kind in [Cadence::KeepInTouch, Cadence::Appreciation] {
            let ok = |t: &str| parse_assignment(kind, t).expect(t);
            assert_eq!(ok("vip=14"), (Audience::Vip, Some(Some(14))));
            assert_eq!(
                ok(" Customer = NEVER"),
                (Audience::Type(RelationshipType::Customer), Some(None))
            );
            assert_eq!(ok("peer=none").1, Some(None));
            assert_eq!(ok("peer=0").1, Some(None));
            assert_eq!(ok("peer=default").1, None);
            for bad in ["vip", "vip=3651", "vip=-1", "vip=soon", "friend=10", "=10"] {
                let e = parse_assignment(kind, bad).expect_err(bad);
                assert_eq!(e.field, kind.field(), "{bad}");
            }
        }
    }

    #[test]
    fn rules_show_what_is_in_force_and_what_was_changed() {
        let set = |a: Audience| (a == Audience::Vip).then_some(Some(7));
        let r = rules(Cadence::KeepInTouch, set);
        assert_eq!(r[0].audience, Audience::Vip);
        assert_eq!((r[0].days, r[0].custom), (Some(7), true));
        assert_eq!(
            r[0].default_days,
            Cadence::KeepInTouch.default_days(Audience::Vip)
        );
        assert!(r[1..].iter().all(|x| !x.custom && x.days == x.default_days));
        let a = rules(Cadence::Appreciation, |_| None);
        assert_eq!(
            a[0].days,
            Some(90),
            "VIPs get a gesture every 90 days by default"
        );
    }
}
