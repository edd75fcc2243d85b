//! Keep-in-touch cadence defaults of a workspace: how often a contact of each kind (VIPs,
//! or a relationship type) should hear from us unless the contact has its own cadence.
//! The built-in defaults (prospects 14 days, customers and partners 60, vendors and peers
//! 90, past customers 120, VIPs 30; co-workers, bosses and competitors none) can be changed
//! per workspace; the overrides travel with the workspace (read with every actor), so no
//! extra query is needed to apply them.

use serde::Serialize;

use crate::contact::RelationshipType;
use crate::error::Invalid;
use crate::model::cadence::Audience;

/// The longest keep-in-touch cadence, in days (as for a contact's own cadence).
pub const MAX_TOUCH_DAYS: u32 = crate::cadence::MAX_CADENCE_DAYS;

/// The built-in keep-in-touch cadence of an audience; `None`: never goes cold.
pub fn default_days(a: Audience) -> Option<u32> {
    crate::model::cadence::Cadence::KeepInTouch.default_days(a)
}

/// A workspace's changes to the built-in cadences: each audience at most once, `None` for
/// "never goes cold".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TouchRules(Vec<(Audience, Option<u32>)>);

impl TouchRules {
    /// The override of an audience, if the workspace set one.
    pub fn get(&self, a: Audience) -> Option<Option<u32>> {
        self.0.iter().find(|(x, _)| *x == a).map(|(_, d)| *d)
    }

    /// The cadence in force for an audience.
    pub fn days(&self, a: Audience) -> Option<u32> {
        self.get(a).unwrap_or_else(|| default_days(a))
    }

    /// The cadence in force for a contact of this type and VIP flag with the default
    /// setting: the VIP rule first, then the type's.
    pub fn days_for(&self, relationship: RelationshipType, vip: bool) -> Option<u32> {
        if vip {
            self.days(Audience::Vip)
        } else {
            self.days(Audience::Type(relationship))
        }
    }

    /// Sets (`Some`) or removes (`None`) an audience's override.
    pub fn set(&mut self, a: Audience, days: Option<Option<u32>>) {
        self.0.retain(|(x, _)| *x != a);
        if let Some(d) = days {
            self.0.push((a, d));
            self.0.sort_by_key(|(x, _)| x.as_str());
        }
    }

    /// The stored form: `audience=days` pairs (`0`: never), `;`-separated.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|(a, d)| format!("{}={}", a.as_str(), d.unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Inverse of [`TouchRules::to_stored`]; `None` for text this code did not write.
    pub fn from_stored(text: &str) -> Option<TouchRules> {
        let mut rules = TouchRules::default();
        for pair in text.split(';').filter(|p| !p.is_empty()) {
            let (a, d) = pair.split_once('=')?;
            let d: u32 = d.parse().ok()?;
            rules.set(Audience::parse(a).ok()?, Some((d > 0).then_some(d)));
        }
        Some(rules)
    }
}

/// As JSON: an object of the overrides, audience to days (`null`: never goes cold).
impl Serialize for TouchRules {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (a, d) in &self.0 {
            m.serialize_entry(a.as_str(), d)?;
        }
        m.end()
    }
}

impl<'de> serde::Deserialize<'de> for TouchRules {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let m = std::collections::BTreeMap::<String, Option<u32>>::deserialize(d)?;
        let mut rules = TouchRules::default();
        for (a, days) in m {
            let a = Audience::parse(&a).map_err(|e| serde::de::Error::custom(e.message))?;
            rules.set(a, Some(days.filter(|d| *d > 0)));
        }
        Ok(rules)
    }
}

/// One line of the settings: an audience's keep-in-touch cadence (the shared rule shape).
pub type TouchRule = crate::cadence::CadenceRule;

/// Every audience's keep-in-touch cadence in force under `set`, VIPs first.
pub fn rules(set: &TouchRules) -> Vec<TouchRule> {
    crate::cadence::rules(crate::cadence::Cadence::KeepInTouch, |a| set.get(a))
}

/// Parses `AUDIENCE=DAYS|never|default` (see [`crate::cadence::parse_assignment`]).
pub fn parse_rule(
    assignment: &str,
) -> std::result::Result<(Audience, Option<Option<u32>>), Invalid> {
    crate::cadence::parse_assignment(crate::cadence::Cadence::KeepInTouch, assignment)
}

/// A contact's keep-in-touch clock under a workspace's rules (here rather than in
/// `contact`, so that the contact model does not depend on the rules).
impl crate::model::contact::Contact {
    /// When the next touch is due: the last touch (or when they were added) plus the cadence
    /// in force; `None` when the relationship has no cadence.
    pub fn touch_due_at(&self, rules: &TouchRules) -> Option<jiff::Timestamp> {
        let days = self.keep_in_touch_days_in(rules)?;
        let from = self.last_touch_at.unwrap_or(self.created_at);
        from.checked_add(jiff::SignedDuration::from_hours(24 * i64::from(days)))
            .ok()
    }

    /// The cadence in force with the built-in defaults: the contact's own setting, else VIP
    /// (30 days), else the type's default. `None`: never goes cold.
    pub fn keep_in_touch_days(&self) -> Option<u32> {
        self.keep_in_touch_days_in(&TouchRules::default())
    }

    /// The cadence in force in a workspace with these keep-in-touch rules: the contact's
    /// own setting, else the workspace's cadence for VIPs or for its type.
    pub fn keep_in_touch_days_in(&self, rules: &TouchRules) -> Option<u32> {
        match self.cadence {
            crate::model::contact::CadenceSetting::Never => None,
            crate::model::contact::CadenceSetting::Every(d) => Some(d),
            crate::model::contact::CadenceSetting::Default => {
                rules.days_for(self.relationship, self.vip)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_and_round_trip_through_storage() {
        let mut r = TouchRules::default();
        assert_eq!(r.days_for(RelationshipType::Prospect, false), Some(14));
        assert_eq!(r.days_for(RelationshipType::Prospect, true), Some(30));
        assert_eq!(r.days_for(RelationshipType::CoWorker, false), None);
        r.set(Audience::Type(RelationshipType::Prospect), Some(Some(21)));
        r.set(Audience::Vip, Some(None));
        r.set(Audience::Type(RelationshipType::CoWorker), Some(Some(180)));
        assert_eq!(r.days_for(RelationshipType::Prospect, false), Some(21));
        assert_eq!(
            r.days_for(RelationshipType::Prospect, true),
            None,
            "VIP rule first"
        );
        assert_eq!(r.days_for(RelationshipType::CoWorker, false), Some(180));
        let stored = r.to_stored();
        assert_eq!(stored, "co_worker=180;prospect=21;vip=0");
        assert_eq!(TouchRules::from_stored(&stored), Some(r.clone()));
        r.set(Audience::Vip, None);
        assert_eq!(
            r.days_for(RelationshipType::Prospect, true),
            Some(30),
            "back to default"
        );
        assert_eq!(TouchRules::from_stored(""), Some(TouchRules::default()));
        assert_eq!(TouchRules::from_stored("nobody=3"), None);
    }

    #[test]
    fn rules_parse_or_say_what_is_wrong() {
        let p = Audience::Type(RelationshipType::Prospect);
        assert_eq!(parse_rule("prospect=21").ok(), Some((p, Some(Some(21)))));
        assert_eq!(parse_rule("prospect = never").ok(), Some((p, Some(None))));
        assert_eq!(parse_rule("VIP=default").ok(), Some((Audience::Vip, None)));
        for bad in [
            "prospect",
            "prospect=3651",
            "prospect=-1",
            "friend=30",
            "prospect=soon",
        ] {
            let e = parse_rule(bad).expect_err(bad);
            assert_eq!(e.field, "keep_in_touch", "{bad}");
        }
    }
}
