//! Contacts: the people behind the accounts, with their relationship to the user.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::Invalid;
use crate::ids::{ContactId, UserId};
use crate::search::fold;

/// How the user relates to a contact. The ledger and trust engine apply to all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipType {
    Prospect,
    Customer,
    PastCustomer,
    Vendor,
    Competitor,
    Partner,
    Peer,
    CoWorker,
    Boss,
}

impl RelationshipType {
    /// Every type, in the order a user would list them.
    pub const ALL: [RelationshipType; 9] = [
        Self::Prospect,
        Self::Customer,
        Self::PastCustomer,
        Self::Vendor,
        Self::Competitor,
        Self::Partner,
        Self::Peer,
        Self::CoWorker,
        Self::Boss,
    ];

    /// The stored and typed name (`past_customer`, `co_worker`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prospect => "prospect",
            Self::Customer => "customer",
            Self::PastCustomer => "past_customer",
            Self::Vendor => "vendor",
            Self::Competitor => "competitor",
            Self::Partner => "partner",
            Self::Peer => "peer",
            Self::CoWorker => "co_worker",
            Self::Boss => "boss",
        }
    }

    /// The name a person reads (`past customer`, `co-worker`).
    pub fn label(self) -> &'static str {
        match self {
            Self::PastCustomer => "past customer",
            Self::CoWorker => "co-worker",
            other => other.as_str(),
        }
    }

    /// The keep-in-touch cadence a contact of this type gets unless overridden; `None` means
    /// no cadence (the relationship is not expected to go cold).
    pub fn default_cadence_days(self) -> Option<u32> {
        match self {
            Self::Prospect => Some(14),
            Self::Customer | Self::Partner => Some(60),
            Self::Vendor | Self::Peer => Some(90),
            Self::PastCustomer => Some(120),
            Self::CoWorker | Self::Boss | Self::Competitor => None,
        }
    }
}

/// VIPs are kept warm every 30 days whatever their type.
pub const VIP_CADENCE_DAYS: u32 = 30;

impl fmt::Display for RelationshipType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RelationshipType {
    type Err = Invalid;

    /// Accepts the stored names and the spellings people type: `past customer`,
    /// `past-customer`, `coworker`, `co-worker`, `supplier` (a vendor).
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let key: String = fold(s)
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect();
        Ok(match key.as_str() {
            "prospect" | "lead" => Self::Prospect,
            "customer" | "client" => Self::Customer,
            "pastcustomer" | "formercustomer" => Self::PastCustomer,
            "vendor" | "supplier" => Self::Vendor,
            "competitor" => Self::Competitor,
            "partner" => Self::Partner,
            "peer" => Self::Peer,
            "coworker" | "colleague" => Self::CoWorker,
            "boss" | "manager" => Self::Boss,
            _ => {
                let known: Vec<&str> = Self::ALL.iter().map(|t| t.as_str()).collect();
                return Err(Invalid::new(
                    "type",
                    format!(
                        "unknown relationship type {s:?}; expected one of: {}",
                        known.join(", ")
                    ),
                ));
            }
        })
    }
}

/// A contact's keep-in-touch cadence as the user set it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "days")]
pub enum CadenceSetting {
    /// Follow the default for the contact's type (and VIP flag).
    #[default]
    Default,
    /// Never flag this relationship as going cold.
    Never,
    /// Every this many days.
    Every(u32),
}

impl CadenceSetting {
    /// Stored form: NULL for the default, 0 for never, else the days.
    pub fn to_stored(self) -> Option<i32> {
        match self {
            Self::Default => None,
            Self::Never => Some(0),
            Self::Every(d) => Some(i32::try_from(d).unwrap_or(i32::MAX)),
        }
    }

    /// Inverse of [`CadenceSetting::to_stored`].
    pub fn from_stored(v: Option<i32>) -> Self {
        match v {
            None => Self::Default,
            Some(d) if d <= 0 => Self::Never,
            Some(d) => Self::Every(d.unsigned_abs()),
        }
    }
}

impl FromStr for CadenceSetting {
    type Err = Invalid;

    /// `default`, `never`, or a number of days from 1 to 3650 (0 is refused: a cadence of
    /// no days means nothing; `never` says it).
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s.trim().to_ascii_lowercase().as_str() {
            "default" => Ok(Self::Default),
            "never" | "none" => Ok(Self::Never),
            "0" => Err(Invalid::new(
                "cadence",
                "cadence must be 1 to 3650 days: for no keep-in-touch reminders, write 'never'",
            )),
            other => match other.parse::<u32>() {
                Ok(d) if (1..=3650).contains(&d) => Ok(Self::Every(d)),
                _ => Err(Invalid::new(
                    "cadence",
                    format!(
                        "cadence must be a number of days (1-3650), 'never' or 'default', not {s:?}"
                    ),
                )),
            },
        }
    }
}

/// A contact as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    pub organisation: Option<String>,
    pub relationship: RelationshipType,
    pub vip: bool,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub owner_id: UserId,
    pub cadence: CadenceSetting,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub archived_at: Option<Timestamp>,
    /// The latest interaction, past or planned: any interaction resets the keep-in-touch
    /// clock. Maintained by the store as interactions are logged.
    pub last_touch_at: Option<Timestamp>,
    /// Set when this contact was merged into another (and archived): the one that now holds
    /// everything it had.
    #[serde(default)]
    pub merged_into: Option<ContactId>,
    /// Where we met, as the user tells it ("Web Summit 2025", "LinkedIn").
    #[serde(default)]
    pub met: Option<String>,
    /// When we met.
    #[serde(default)]
    pub met_on: Option<Date>,
}

impl Contact {
    /// How much the relationship is worth keeping warm, first key of Today's ranking:
    /// 2 VIP, 1 customer, 0 otherwise.
    pub fn value_tier(&self) -> i32 {
        if self.vip {
            2
        } else if self.relationship == RelationshipType::Customer {
            1
        } else {
            0
        }
    }

    /// The folded name used for ordering and for resolving a typed reference.
    pub fn name_folded(&self) -> String {
        fold(&self.name)
    }

    /// The folded text contacts are searched by: name, organisation, emails, tags and where
    /// we met.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![&self.name];
        parts.extend(self.organisation.as_deref());
        parts.extend(self.emails.iter().map(String::as_str));
        parts.extend(self.tags.iter().map(String::as_str));
        parts.extend(self.met.as_deref());
        fold(&parts.join("\u{1f}")).replace('\u{1f}', " | ")
    }

    /// Where we met folded (case and accents), what `contact list --met` matches.
    pub fn met_folded(&self) -> Option<String> {
        self.met.as_deref().map(fold)
    }

    /// Where and when we met, and who introduced us, in one phrase: "Web Summit, on
    /// 2025-11-12, introduced by Ana Lima". `None` when nothing is known.
    pub fn met_phrase(&self, introduced_by: Option<&str>) -> Option<String> {
        met_phrase(self.met.as_deref(), self.met_on, introduced_by)
    }

    /// Whether the contact is archived (soft-deleted, restorable).
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

/// "Web Summit, on 2025-11-12, introduced by Ana Lima" from its parts; `None` when all are
/// missing. The one phrase the contact page, the brief, `contact show` and exports write.
pub fn met_phrase(
    met: Option<&str>,
    met_on: Option<Date>,
    introduced_by: Option<&str>,
) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = met {
        parts.push(m.to_owned());
    }
    if let Some(d) = met_on {
        parts.push(format!("on {d}"));
    }
    if let Some(i) = introduced_by {
        parts.push(format!("introduced by {i}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// What a user gives to create a contact. Validated by [`NewContact::validate`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewContact {
    pub name: String,
    pub organisation: Option<String>,
    pub relationship: Option<RelationshipType>,
    pub vip: bool,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub cadence: CadenceSetting,
    /// Where we met.
    #[serde(default)]
    pub met: Option<String>,
    /// When we met (not after today).
    #[serde(default)]
    pub met_on: Option<Date>,
    /// Who introduced us: a contact's id or name. Recorded as the introduction
    /// `rapport referral` makes.
    #[serde(default)]
    pub introduced_by: Option<String>,
}

/// A change to a contact: `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactChanges {
    pub name: Option<String>,
    /// `Some(None)` clears the organisation.
    pub organisation: Option<Option<String>>,
    pub relationship: Option<RelationshipType>,
    pub vip: Option<bool>,
    pub emails: Option<Vec<String>>,
    pub phones: Option<Vec<String>>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    pub cadence: Option<CadenceSetting>,
    pub owner_id: Option<UserId>,
    /// `Some(None)` clears where we met.
    #[serde(default)]
    pub met: Option<Option<String>>,
    /// `Some(None)` clears when we met.
    #[serde(default)]
    pub met_on: Option<Option<Date>>,
    /// Who introduced us, for a contact without an introducer yet (id or name).
    #[serde(default)]
    pub introduced_by: Option<String>,
}

impl ContactChanges {
    /// True when the change would alter nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The longest name, organisation, email, phone or tag accepted.
pub const MAX_FIELD_CHARS: usize = 500;

pub(crate) fn clean_name(name: &str) -> Result<String, Invalid> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Invalid::new("name", "a contact needs a name"));
    }
    check_len("name", &name)?;
    Ok(name)
}

fn check_len(field: &'static str, value: &str) -> Result<(), Invalid> {
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(Invalid::new(
            field,
            format!("{field} is longer than {MAX_FIELD_CHARS} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(Invalid::new(
            field,
            format!("{field} contains control characters"),
        ));
    }
    Ok(())
}

/// Where we met: trimmed, one line; empty means not known.
pub(crate) fn clean_met(met: Option<&str>) -> Result<Option<String>, Invalid> {
    match met.map(|m| m.split_whitespace().collect::<Vec<_>>().join(" ")) {
        None => Ok(None),
        Some(m) if m.is_empty() => Ok(None),
        Some(m) => {
            check_len("met", &m)?;
            Ok(Some(m))
        }
    }
}

/// When we met cannot be after `today` (the workspace's day), nor before 1900.
pub fn check_met_on(met_on: Option<Date>, today: Date) -> Result<(), Invalid> {
    match met_on {
        Some(d) if d > today => Err(Invalid::new(
            "met_on",
            format!("met on {d} is in the future (today is {today})"),
        )),
        Some(d) if d.year() < 1900 => Err(Invalid::new(
            "met_on",
            format!("met on {d}: a day we met is in 1900 or later"),
        )),
        _ => Ok(()),
    }
}

pub(crate) fn clean_organisation(org: Option<&str>) -> Result<Option<String>, Invalid> {
    match org.map(str::trim) {
        None | Some("") => Ok(None),
        Some(o) => {
            check_len("organisation", o)?;
            Ok(Some(o.to_owned()))
        }
    }
}

/// Checks an email address's shape: one `@`, a non-empty local part, a domain with a dot and
/// no spaces. (Deliverability is not knowable offline.)
pub(crate) fn clean_email(email: &str) -> Result<String, Invalid> {
    let e = email.trim();
    let bad = || Invalid::new("email", format!("{email:?} is not an email address"));
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || e.chars().any(char::is_whitespace)
    {
        return Err(bad());
    }
    check_len("email", e)?;
    Ok(e.to_owned())
}

/// Checks a phone number: digits with the usual separators, an optional leading `+`, and at
/// least 3 digits. Kept as typed.
pub(crate) fn clean_phone(phone: &str) -> Result<String, Invalid> {
    let p = phone.trim();
    // An extension may follow: `;ext=102` (RFC 3966), ` ext 102`, ` ext. 102`, ` x102`.
    let lower = p.to_ascii_lowercase();
    let main = [";ext=", "ext.", "ext", "x"]
        .iter()
        .find_map(|marker| {
            let at = lower.rfind(marker)?;
            let ext = p[at + marker.len()..].trim();
            (at > 0 && !ext.is_empty() && ext.chars().all(|c| c.is_ascii_digit()))
                .then(|| p[..at].trim_end())
        })
        .unwrap_or(p);
    let digits = main.chars().filter(char::is_ascii_digit).count();
    let allowed = |(i, c): (usize, char)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/') || (c == '+' && i == 0)
    };
    if digits < 3 || !main.chars().enumerate().all(allowed) {
        return Err(Invalid::new(
            "phone",
            format!("{phone:?} is not a phone number"),
        ));
    }
    check_len("phone", p)?;
    Ok(p.to_owned())
}

/// Whether Rapport takes this as an email address (a device may hold any text there).
pub fn is_email(value: &str) -> bool {
    clean_email(value).is_ok()
}

/// Whether Rapport takes this as a phone number ("+49 MOBIL" is not one).
pub fn is_phone(value: &str) -> bool {
    clean_phone(value).is_ok()
}

/// Tags are trimmed, lower-cased, and may not contain commas; duplicates are dropped.
pub(crate) fn clean_tags(tags: &[String]) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        let t = t.trim().to_lowercase();
        if t.is_empty() || t.contains(',') {
            return Err(Invalid::new(
                "tag",
                format!("{t:?} is not a tag (empty, or contains a comma)"),
            ));
        }
        check_len("tag", &t)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

pub(crate) fn clean_list(
    values: &[String],
    clean: fn(&str) -> Result<String, Invalid>,
) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        let v = clean(v)?;
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&v)) {
            out.push(v);
        }
    }
    Ok(out)
}

impl NewContact {
    /// Checks and normalises the input, producing a contact owned by `owner`.
    pub fn into_contact(self, owner: UserId, now: Timestamp) -> Result<Contact, Invalid> {
        Ok(Contact {
            id: ContactId::generate(),
            name: clean_name(&self.name)?,
            organisation: clean_organisation(self.organisation.as_deref())?,
            relationship: self.relationship.unwrap_or(RelationshipType::Prospect),
            vip: self.vip,
            emails: clean_list(&self.emails, clean_email)?,
            phones: clean_list(&self.phones, clean_phone)?,
            tags: clean_tags(&self.tags)?,
            owner_id: owner,
            cadence: self.cadence,
            created_at: now,
            updated_at: now,
            archived_at: None,
            last_touch_at: None,
            merged_into: None,
            met: clean_met(self.met.as_deref())?,
            met_on: met_on_checked(self.met_on, now)?,
        })
    }
}

/// The latest day that is today somewhere on Earth at `now` (UTC+14): what a model check
/// without the workspace's zone can refuse beyond. Use cases check the workspace's own day.
fn met_on_checked(met_on: Option<Date>, now: Timestamp) -> Result<Option<Date>, Invalid> {
    let latest = (now + jiff::SignedDuration::from_hours(14))
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    check_met_on(met_on, latest)?;
    Ok(met_on)
}

impl ContactChanges {
    /// Applies the change to a copy of `contact`, validating every new value.
    pub fn apply(&self, contact: &Contact, now: Timestamp) -> Result<Contact, Invalid> {
        let mut c = contact.clone();
        if let Some(name) = &self.name {
            c.name = clean_name(name)?;
        }
        if let Some(org) = &self.organisation {
            c.organisation = clean_organisation(org.as_deref())?;
        }
        if let Some(t) = self.relationship {
            c.relationship = t;
        }
        if let Some(v) = self.vip {
            c.vip = v;
        }
        if let Some(e) = &self.emails {
            c.emails = clean_list(e, clean_email)?;
        }
        if let Some(p) = &self.phones {
            c.phones = clean_list(p, clean_phone)?;
        }
        let remove = clean_tags(&self.remove_tags)?;
        c.tags.retain(|t| !remove.contains(t));
        for t in clean_tags(&self.add_tags)? {
            if !c.tags.contains(&t) {
                c.tags.push(t);
            }
        }
        if let Some(cad) = self.cadence {
            c.cadence = cad;
        }
        if let Some(owner) = &self.owner_id {
            c.owner_id = owner.clone();
        }
        if let Some(met) = &self.met {
            c.met = clean_met(met.as_deref())?;
        }
        if let Some(on) = self.met_on {
            c.met_on = met_on_checked(on, now)?;
        }
        c.updated_at = now;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str) -> NewContact {
        NewContact {
            name: name.into(),
            ..NewContact::default()
        }
    }

    fn make(n: NewContact) -> Result<Contact, Invalid> {
        n.into_contact(UserId::generate(), Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn phones_may_carry_an_extension() {
        for ok in [
            "+1-418-656-9254;ext=102",
            "+44 20 7946 0958 ext. 12",
            "(555) 010-4477 x7",
            "030 1234567",
        ] {
            assert_eq!(clean_phone(ok).ok().as_deref(), Some(ok), "{ok}");
        }
        for bad in [
            "pager",
            "+49 MOBIL",
            "12",
            "ext 12",
            "555 0100 extension",
            "555;ext=",
            "x555",
        ] {
            assert!(clean_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn relationship_types_parse_as_people_type_them() {
        for t in RelationshipType::ALL {
            assert_eq!(t.as_str().parse::<RelationshipType>().ok(), Some(t));
        }
        assert_eq!(
            "Past Customer".parse::<RelationshipType>().ok(),
            Some(RelationshipType::PastCustomer)
        );
        assert_eq!(
            "co-worker".parse::<RelationshipType>().ok(),
            Some(RelationshipType::CoWorker)
        );
        assert_eq!(
            "supplier".parse::<RelationshipType>().ok(),
            Some(RelationshipType::Vendor)
        );
        let err = "friend"
            .parse::<RelationshipType>()
            .expect_err("unknown type");
        assert!(err.to_string().contains("prospect, customer"), "{err}");
    }

    #[test]
    fn cadence_follows_type_then_vip_then_override() {
        let mut c = make(NewContact {
            relationship: Some(RelationshipType::Customer),
            ..new("Ana")
        })
        .expect("valid");
        assert_eq!(c.keep_in_touch_days(), Some(60));
        c.vip = true;
        assert_eq!(c.keep_in_touch_days(), Some(30));
        c.cadence = CadenceSetting::Every(7);
        assert_eq!(c.keep_in_touch_days(), Some(7));
        c.cadence = CadenceSetting::Never;
        assert_eq!(c.keep_in_touch_days(), None);
        c.cadence = CadenceSetting::Default;
        c.vip = false;
        c.relationship = RelationshipType::Boss;
        assert_eq!(c.keep_in_touch_days(), None);
    }

    #[test]
    fn cadence_setting_round_trips_through_storage_and_text() {
        for s in [
            CadenceSetting::Default,
            CadenceSetting::Never,
            CadenceSetting::Every(45),
        ] {
            assert_eq!(CadenceSetting::from_stored(s.to_stored()), s);
        }
        assert_eq!("never".parse(), Ok(CadenceSetting::Never));
        assert_eq!("21".parse(), Ok(CadenceSetting::Every(21)));
        assert!("-3".parse::<CadenceSetting>().is_err());
        let zero = "0"
            .parse::<CadenceSetting>()
            .expect_err("0 days is no cadence");
        assert!(zero.message.contains("never"), "{}", zero.message);
        assert!("soon".parse::<CadenceSetting>().is_err());
        assert!("99999".parse::<CadenceSetting>().is_err());
    }

    #[test]
    fn new_contacts_are_cleaned_and_checked() {
        let c = make(NewContact {
            name: "  Élodie   Martin ".into(),
            organisation: Some("  ".into()),
            emails: vec!["elodie@example.fr".into(), "ELODIE@example.fr".into()],
            phones: vec!["+33 6 12 34 56 78".into()],
            tags: vec![" Wine ".into(), "wine".into(), "lyon".into()],
            ..NewContact::default()
        })
        .expect("valid");
        assert_eq!(c.name, "Élodie Martin");
        assert_eq!(c.organisation, None);
        assert_eq!(c.relationship, RelationshipType::Prospect);
        assert_eq!(c.emails, vec!["elodie@example.fr"]);
        assert_eq!(c.tags, vec!["wine", "lyon"]);
        assert_eq!(
            c.search_text(),
            "elodie martin | elodie@example.fr | wine | lyon"
        );
    }

    #[test]
    fn bad_contact_input_is_refused_with_the_field_named() {
        let cases = [
            (new("   "), "name"),
            (
                NewContact {
                    emails: vec!["not-an-email".into()],
                    ..new("A")
                },
                "email",
            ),
            (
                NewContact {
                    emails: vec!["a@b".into()],
                    ..new("A")
                },
                "email",
            ),
            (
                NewContact {
                    phones: vec!["call me".into()],
                    ..new("A")
                },
                "phone",
            ),
            (
                NewContact {
                    tags: vec!["a,b".into()],
                    ..new("A")
                },
                "tag",
            ),
            (new(&"x".repeat(MAX_FIELD_CHARS + 1)), "name"),
            (new("Bad\u{7}Name"), "name"),
        ];
        for (input, field) in cases {
            let err = make(input.clone()).expect_err("must be refused");
            assert_eq!(err.field, field, "{input:?}");
        }
    }

    #[test]
    fn changes_apply_and_validate() {
        let c = make(NewContact {
            tags: vec!["a".into(), "b".into()],
            ..new("Ana")
        })
        .expect("valid");
        let later = Timestamp::from_second(60).expect("valid ts");
        let changed = ContactChanges {
            name: Some("Ana Lima".into()),
            organisation: Some(Some("Acme".into())),
            add_tags: vec!["c".into()],
            remove_tags: vec!["A".into()],
            ..ContactChanges::default()
        }
        .apply(&c, later)
        .expect("valid");
        assert_eq!(changed.name, "Ana Lima");
        assert_eq!(changed.organisation.as_deref(), Some("Acme"));
        assert_eq!(changed.tags, vec!["b", "c"]);
        assert_eq!(changed.updated_at, later);
        assert_eq!(changed.created_at, c.created_at);
        assert!(
            ContactChanges {
                name: Some(" ".into()),
                ..ContactChanges::default()
            }
            .apply(&c, later)
            .is_err()
        );
    }
}
