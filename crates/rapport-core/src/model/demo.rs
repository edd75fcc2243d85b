//! A realistic, deterministic synthetic book for demos, tests and benchmarks.
//!
//! Contact `i` of a book depends only on the seed, `i` and the anchor day, so any batch can
//! be generated alone (bounded memory, parallel-friendly) and an interrupted load can resume
//! where it stopped: ids are derived, not random.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use jiff::tz::TimeZone;

use crate::commitment::{AtRisk, Commitment, CommitmentId, Direction, Due, Status};
use crate::contact::{CadenceSetting, Contact, RelationshipType};
use crate::dates::YearlyDate;
use crate::fact::{Fact, FactKind};
use crate::ids::{ContactId, FactId, InteractionId, UserId};
use crate::interaction::{Interaction, InteractionKind};
use crate::model::deal::{Cents, Deal, DealId, Stage, Term, TermKind};
use crate::model::gesture::{Gesture, GestureId, GestureKind};
use crate::trust::Size;

pub use crate::model::rng::Rng;

const FIRST: &[&str] = &[
    "Ana",
    "Amélie",
    "João",
    "Søren",
    "Zoë",
    "Łukasz",
    "Mei",
    "Hiroshi",
    "Aiko",
    "Ngozi",
    "Chidi",
    "Fatima",
    "Omar",
    "Priya",
    "Arjun",
    "Sofía",
    "Mateo",
    "Lucía",
    "Björn",
    "Ingrid",
    "Dmitri",
    "Olga",
    "Kwame",
    "Amara",
    "Liam",
    "Emma",
    "Noah",
    "Olivia",
    "James",
    "Grace",
    "Chloé",
    "Théo",
    "Hélène",
    "François",
    "Małgorzata",
    "Jiří",
    "Zeynep",
    "Emre",
    "Nadia",
    "Yusuf",
    "Carmen",
    "Diego",
    "Giulia",
    "Marco",
    "Ayesha",
    "Tomás",
    "Renée",
    "Ólafur",
    "Siobhán",
    "Seán",
    "Haruto",
    "Yuki",
    "Min-jun",
    "Ji-woo",
    "Thabo",
    "Lerato",
    "Rafael",
    "Beatriz",
    "Anaïs",
    "Raúl",
];

const LAST: &[&str] = &[
    "Martin",
    "Silva",
    "Nielsen",
    "Müller",
    "García",
    "Kowalski",
    "Chen",
    "Tanaka",
    "Okafor",
    "Haddad",
    "Sharma",
    "Rossi",
    "Dubois",
    "Johansson",
    "Ivanova",
    "Mensah",
    "Smith",
    "Brown",
    "O'Connor",
    "Fernández",
    "Novák",
    "Yılmaz",
    "Kim",
    "Park",
    "Nkosi",
    "Costa",
    "Lefèvre",
    "Şahin",
    "Wójcik",
    "Ødegaard",
    "Jónsdóttir",
    "Bianchi",
    "Moreau",
    "Schröder",
    "Papadopoulos",
    "Nguyễn",
    "Pereira",
    "Watanabe",
    "Adeyemi",
    "Kaur",
];

const ORG_HEAD: &[&str] = &[
    "Northwind",
    "Bluebird",
    "Atlas",
    "Riverside",
    "Summit",
    "Harbor",
    "Oakridge",
    "Lumen",
    "Vanguard",
    "Granite",
    "Maple",
    "Sierra",
    "Copper",
    "Evergreen",
    "Beacon",
    "Juniper",
];

const ORG_TAIL: &[&str] = &[
    "Motors",
    "Logistics",
    "Foods",
    "Dental",
    "Builders",
    "Consulting",
    "Imports",
    "Print",
    "Wines",
    "Fitness",
    "Realty",
    "Software",
    "Farms",
    "Textiles",
    "Auto Group",
    "Pharmacy",
];

const TAGS: &[&str] = &[
    "trade-show",
    "referral",
    "fleet",
    "wholesale",
    "local",
    "export",
    "newsletter",
    "golf",
    "hybrid",
    "financing",
    "service-plan",
    "q4-push",
];

const INTERESTS: &[&str] = &[
    "Golf",
    "Sailing",
    "FC Porto",
    "Real Madrid",
    "Liverpool FC",
    "Cycling",
    "Jazz",
    "Opera",
    "Fly fishing",
    "Marathon running",
    "Wine",
    "Chess",
    "Gardening",
    "Photography",
    "Tennis",
    "Formula 1",
    "Hiking",
    "Baking",
    "Vintage cars",
    "Birdwatching",
];

const PREFERENCES: &[&str] = &[
    "Double espresso, no sugar",
    "Calls after 4pm only",
    "Prefers email to phone",
    "Usual order: 40 cases of the house red",
    "Vegetarian",
    "Likes a printed proposal",
    "Meetings on Tuesdays",
    "Green tea",
    "Hates small talk before business",
    "Usual order: 12 pallets, net 30",
];

const CHILDREN: &[(&str, &str)] = &[
    ("Sofia", "daughter"),
    ("Leo", "son"),
    ("Mia", "daughter"),
    ("Lucas", "son"),
    ("Inès", "daughter"),
    ("Hugo", "son"),
    ("Yara", "daughter"),
    ("Kai", "son"),
    ("Nora", "daughter"),
    ("Elias", "son"),
    ("Amélie", "daughter"),
    ("Finn", "son"),
];

const SUMMARIES: &[(InteractionKind, &str)] = &[
    (InteractionKind::Call, "Check-in call"),
    (InteractionKind::Call, "Follow-up on the quote"),
    (InteractionKind::Meeting, "Quarterly review"),
    (InteractionKind::Meeting, "Lunch meeting"),
    (InteractionKind::Email, "Sent the brochure and price list"),
    (InteractionKind::Email, "Replied about delivery dates"),
    (InteractionKind::Visit, "Showroom visit"),
    (InteractionKind::Visit, "Site visit at their warehouse"),
    (InteractionKind::Message, "Quick message about the samples"),
    (InteractionKind::Other, "Met at the trade show"),
];

const THEY_SAID: &[&str] = &[
    "Needs delivery before the end of the quarter",
    "Budget is tight this year; wants financing options",
    "Unhappy with their current supplier's response times",
    "Expanding to a second location in spring",
    "Wants a trial before committing",
    "Their boss signs off on anything above 10k",
];

const I_SAID: &[&str] = &[
    "Promised to send samples by Friday",
    "Offered a demo next week",
    "Will check stock and call back",
    "Explained the service plan",
];

/// The relationship mix of a typical small business's book, in percent.
const TYPE_MIX: &[(RelationshipType, u64)] = &[
    (RelationshipType::Prospect, 30),
    (RelationshipType::Customer, 26),
    (RelationshipType::PastCustomer, 8),
    (RelationshipType::Vendor, 8),
    (RelationshipType::Competitor, 3),
    (RelationshipType::Partner, 6),
    (RelationshipType::Peer, 11),
    (RelationshipType::CoWorker, 6),
    (RelationshipType::Boss, 2),
];

/// One contact and everything generated with it.
#[derive(Clone, Debug)]
pub struct DemoEntry {
    pub contact: Contact,
    pub facts: Vec<Fact>,
    pub interactions: Vec<Interaction>,
    pub commitments: Vec<Commitment>,
    /// Deals with their give/get ledgers.
    pub deals: Vec<(Deal, Vec<Term>)>,
    pub gestures: Vec<Gesture>,
    /// Who introduced this contact: always an earlier contact of the book.
    pub referred_by: Option<ContactId>,
}

const DEAL_TITLES: &[&str] = &[
    "Annual supply contract",
    "Fleet renewal",
    "Pilot project",
    "Spring collection order",
    "Maintenance agreement",
    "Office fit-out",
    "Consulting retainer",
];

const GIVES: &[&str] = &[
    "Free delivery",
    "Extended payment terms (60 days)",
    "5% volume discount",
    "Extra training day",
];

const GETS: &[&str] = &[
    "Two-year commitment",
    "Case study and reference call",
    "Upfront deposit",
    "Introduction to their sister company",
];

const GIFTS: &[(GestureKind, &str, i64)] = &[
    (GestureKind::Gift, "Bottle of Douro red", 4500),
    (GestureKind::Gift, "Hamper of local produce", 8000),
    (GestureKind::Tickets, "Two tickets to the match", 12000),
    (GestureKind::Tickets, "Concert tickets", 9000),
    (GestureKind::Voucher, "Dinner voucher", 10000),
    (GestureKind::ThankYouNote, "Handwritten thank-you note", 300),
];

const VALUE: &[&str] = &[
    "Introduction to a logistics partner",
    "Shared our market report",
    "Sent an article on their industry",
    "Introduction to a potential customer",
];

const PROMISES_MINE: &[&str] = &[
    "Send the samples",
    "Call back about pricing",
    "Email the revised quote",
    "Introduce them to our logistics partner",
    "Send the thank-you note",
    "Check stock and confirm",
    "Book the test drive",
    "Share the market report",
];

const PROMISES_THEIRS: &[&str] = &[
    "Pay the deposit",
    "Send the signed contract",
    "Confirm the order quantities",
    "Introduce us to their CFO",
    "Return the demo unit",
    "Send their specs",
];

/// How reliable a party is: the share of promises it keeps, drawn per contact and direction
/// so trust varies across the book.
const KEEP_RATES: &[f64] = &[0.99, 0.97, 0.95, 0.92, 0.88, 0.8, 0.65];

/// The parameters of a synthetic book.
#[derive(Clone, Debug)]
pub struct DemoBook {
    pub seed: u64,
    /// The day the book is "as of": interactions span the two years before it (and a few
    /// meetings are planned in the two weeks after).
    pub anchor: Date,
    /// Who owns every contact.
    pub owner: UserId,
    /// The average number of commitments (both ways) per contact.
    pub commitments_per_contact: u32,
    /// The average number of past interactions per contact; `None`: a realistic mix by type
    /// (about 3.3).
    pub interactions_per_contact: Option<u32>,
}

const DAY_US: i64 = 86_400_000_000;

impl DemoBook {
    fn anchor_ts(&self) -> Timestamp {
        self.anchor
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn derived_id(&self, rng: &mut Rng, at: Timestamp) -> uuid::Uuid {
        let ms = u64::try_from(at.as_millisecond()).unwrap_or(0);
        uuid::Builder::from_unix_timestamp_millis(ms, &rng.bytes10()).into_uuid()
    }

    /// The id contact `index` gets: lets a resumed load find where it stopped.
    pub fn contact_id(&self, index: u64) -> ContactId {
        self.head(index).3
    }

    /// The first draws of contact `index`: its generator, creation time, id stamp and id.
    fn head(&self, index: u64) -> (Rng, Timestamp, Timestamp, ContactId) {
        let mut rng = Rng::new(self.seed, index);
        let anchor = self.anchor_ts();
        let at =
            |us: i64| Timestamp::from_microsecond(anchor.as_microsecond() + us).unwrap_or(anchor);
        // Created some time in the last two years. Ids are stamped in load order (one
        // millisecond per contact, from two years before the anchor), as real UUIDv7 ids are
        // stamped when written: indexes on ids then grow at their end instead of everywhere.
        let created_at = at(-(rng.below(730) as i64) * DAY_US - rng.below(DAY_US as u64) as i64);
        let stamp = at(-730 * DAY_US + (index as i64).saturating_mul(1000));
        let id = ContactId::from_stored(self.derived_id(&mut rng, stamp).to_string());
        (rng, created_at, stamp, id)
    }

    /// Contact `index` of the book, with its facts, interactions, commitments, deals,
    /// gestures and introducer.
    pub fn entry(&self, index: u64) -> DemoEntry {
        let (mut rng, created_at, stamp, id) = self.head(index);
        let anchor = self.anchor_ts();
        let at =
            |us: i64| Timestamp::from_microsecond(anchor.as_microsecond() + us).unwrap_or(anchor);

        let mut roll = rng.below(100);
        let mut relationship = RelationshipType::Prospect;
        for (t, pct) in TYPE_MIX {
            if roll < *pct {
                relationship = *t;
                break;
            }
            roll -= pct;
        }
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let business = !matches!(
            relationship,
            RelationshipType::CoWorker | RelationshipType::Boss
        );
        let organisation = (business && rng.chance(85))
            .then(|| format!("{} {}", rng.pick(ORG_HEAD), rng.pick(ORG_TAIL)));
        let ascii = |s: &str| {
            crate::search::fold(s)
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        };
        let domain = organisation
            .as_deref()
            .map(|o| format!("{}.example", ascii(o)))
            .unwrap_or_else(|| "mail.example".into());
        let mut emails = vec![format!("{}.{}@{domain}", ascii(first), ascii(last))];
        if rng.chance(15) {
            emails.push(format!(
                "{}{}@personal.example",
                ascii(first),
                rng.below(100)
            ));
        }
        let phones = if rng.chance(80) {
            vec![format!(
                "+{} {} {:03} {:04}",
                rng.pick(&[1u32, 33, 44, 49, 351, 34, 81, 234]),
                200 + rng.below(800),
                rng.below(1000),
                rng.below(10_000)
            )]
        } else {
            Vec::new()
        };
        let mut tags = Vec::new();
        for _ in 0..rng.below(4) {
            let t = rng.pick(TAGS).to_string();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let vip = relationship == RelationshipType::Customer && rng.chance(12);
        let cadence = if rng.chance(5) {
            CadenceSetting::Every(*rng.pick(&[7u32, 21, 45, 180]))
        } else {
            CadenceSetting::Default
        };
        let contact = Contact {
            id: id.clone(),
            name: format!("{first} {last}"),
            organisation,
            relationship,
            vip,
            emails,
            phones,
            tags,
            owner_id: self.owner.clone(),
            cadence,
            created_at,
            updated_at: created_at,
            archived_at: None,
            last_touch_at: None,
            merged_into: None,
            met: None,
            met_on: None,
        };

        let mut facts = Vec::new();
        let mut fact = |rng: &mut Rng, kind, text: String, relation: Option<&str>, date| {
            facts.push(Fact {
                id: FactId::from_stored(self.derived_id(rng, stamp).to_string()),
                contact_id: id.clone(),
                kind,
                text,
                relation: relation.map(Into::into),
                date,
                created_at,
            });
        };
        let random_day = |rng: &mut Rng, from: i16, years: u64| {
            let year = from + rng.below(years) as i16;
            // Every 200th date is a leap day, so 29 February is always in a book.
            if rng.chance(1) && rng.chance(50) {
                let leap = year - year.rem_euclid(4);
                return YearlyDate::new(Some(leap), 2, 29).ok();
            }
            let month = 1 + rng.below(12) as i8;
            let day = 1 + rng.below(28) as i8;
            YearlyDate::new(Some(year), month, day).ok()
        };
        if rng.chance(60) {
            let spouse = format!("{} {last}", rng.pick(FIRST));
            let d = rng
                .chance(50)
                .then(|| random_day(&mut rng, 1965, 30))
                .flatten();
            fact(&mut rng, FactKind::Family, spouse, Some("spouse"), d);
            for _ in 0..rng.below(3) {
                let (child, relation) = *rng.pick(CHILDREN);
                let child = child.to_string();
                let d = random_day(&mut rng, 2000, 24);
                fact(&mut rng, FactKind::Family, child, Some(relation), d);
            }
        }
        for _ in 0..=rng.below(2) {
            let interest = (*rng.pick(INTERESTS)).to_string();
            fact(&mut rng, FactKind::Interest, interest, None, None);
        }
        if rng.chance(50) {
            let p = (*rng.pick(PREFERENCES)).to_string();
            fact(&mut rng, FactKind::Preference, p, None, None);
        }
        if rng.chance(50) {
            let d = random_day(&mut rng, 1955, 45);
            fact(&mut rng, FactKind::Date, "Birthday".into(), None, d);
        }
        if relationship == RelationshipType::Customer && rng.chance(70) {
            let d = random_day(&mut rng, 2015, 11);
            fact(&mut rng, FactKind::Date, "First purchase".into(), None, d);
        }
        if rng.chance(15) {
            fact(
                &mut rng,
                FactKind::Note,
                "Met through a mutual friend; ask about the new office".into(),
                None,
                None,
            );
        }

        let mut interactions = Vec::new();
        let age_us = (anchor.as_microsecond() - created_at.as_microsecond()).max(1);
        let count = match (self.interactions_per_contact, relationship) {
            (Some(n), _) => rng.below(2 * u64::from(n) + 1),
            (None, RelationshipType::Competitor) => rng.below(2),
            (None, RelationshipType::Customer | RelationshipType::Partner) => 2 + rng.below(7),
            (None, _) => rng.below(6),
        };
        for _ in 0..count {
            let when = at(-(rng.below(age_us.unsigned_abs()) as i64));
            interactions.push(self.interaction(&mut rng, &id, stamp, when, None));
        }
        if rng.chance(3) {
            let when = at((1 + rng.below(14) as i64) * DAY_US + 10 * 3_600_000_000);
            interactions.push(self.interaction(
                &mut rng,
                &id,
                stamp,
                when,
                Some(InteractionKind::Meeting),
            ));
        }
        let commitments = self.commitments(&mut rng, &id, created_at, stamp);
        let mut contact = contact;
        contact.last_touch_at = interactions.iter().map(Interaction::touched_at).max();
        let deals = self.deals(&mut rng, &contact, stamp);
        let gestures = self.gestures(&mut rng, &contact, stamp);
        // One in seven was introduced by someone met before them.
        let referred_by = (index > 0 && rng.chance(14)).then(|| {
            let back = 1 + rng.below(index.min(500));
            self.contact_id(index - back)
        });
        DemoEntry {
            contact,
            facts,
            interactions,
            commitments,
            deals,
            gestures,
            referred_by,
        }
    }

    /// A moment between `from` and the anchor.
    fn between(&self, rng: &mut Rng, from: Timestamp) -> Timestamp {
        let anchor = self.anchor_ts();
        let span = (anchor.as_microsecond() - from.as_microsecond()).max(1);
        Timestamp::from_microsecond(from.as_microsecond() + rng.below(span.unsigned_abs()) as i64)
            .unwrap_or(anchor)
    }

    /// Deals: won ones for customers (past and present), open and lost ones for prospects,
    /// some upsells; a third negotiated with give/get lines.
    fn deals(&self, rng: &mut Rng, c: &Contact, stamp: Timestamp) -> Vec<(Deal, Vec<Term>)> {
        let anchor = self.anchor_ts();
        let stages: Vec<Stage> = match c.relationship {
            RelationshipType::Customer => {
                let mut s = vec![Stage::Won; 1 + rng.below(2) as usize];
                if rng.chance(20) {
                    s.push(*rng.pick(&[Stage::Proposal, Stage::Negotiation]));
                }
                s
            }
            RelationshipType::PastCustomer => vec![Stage::Won],
            RelationshipType::Prospect if rng.chance(40) => vec![*rng.pick(&[
                Stage::Lead,
                Stage::Qualified,
                Stage::Proposal,
                Stage::Negotiation,
                Stage::Lost,
            ])],
            RelationshipType::Partner if rng.chance(15) => vec![Stage::Qualified],
            _ => Vec::new(),
        };
        stages
            .into_iter()
            .map(|stage| {
                let created_at = self.between(rng, c.created_at);
                let closed_at = (!stage.is_open()).then(|| self.between(rng, created_at));
                let close_in = |rng: &mut Rng| {
                    let days = 7 + rng.below(90) as i64;
                    anchor
                        .checked_add(SignedDuration::from_hours(24 * days))
                        .unwrap_or(anchor)
                };
                let expected_close = closed_at
                    .unwrap_or_else(|| close_in(rng))
                    .to_zoned_datetime(TimeZone::UTC)
                    .date();
                let deal = Deal {
                    id: DealId::from_stored(self.derived_id(rng, stamp).to_string()),
                    contact_id: c.id.clone(),
                    title: (*rng.pick(DEAL_TITLES)).to_string(),
                    value: Cents((1 + rng.below(80) as i64) * 50_000),
                    stage,
                    expected_close: Some(expected_close),
                    owner_id: self.owner.clone(),
                    created_at,
                    updated_at: closed_at.unwrap_or(created_at),
                    closed_at,
                };
                let mut terms = Vec::new();
                if rng.chance(33) {
                    for _ in 0..1 + rng.below(3) {
                        let (kind, texts) = if rng.chance(55) {
                            (TermKind::Give, GIVES)
                        } else {
                            (TermKind::Get, GETS)
                        };
                        terms.push(Term {
                            kind,
                            text: (*rng.pick(texts)).to_string(),
                            created_at,
                        });
                    }
                }
                (deal, terms)
            })
            .collect()
    }

    /// Gestures: gifts and thank-you notes for customers, VIPs and partners; something of
    /// value for prospects and peers.
    fn gestures(&self, rng: &mut Rng, c: &Contact, stamp: Timestamp) -> Vec<Gesture> {
        let count = match c.relationship {
            _ if c.vip => 1 + rng.below(4),
            RelationshipType::Customer | RelationshipType::Partner => rng.below(4),
            RelationshipType::Prospect | RelationshipType::Peer => u64::from(rng.chance(30)),
            RelationshipType::PastCustomer => rng.below(2),
            _ => 0,
        };
        let giftable = c.vip
            || matches!(
                c.relationship,
                RelationshipType::Customer
                    | RelationshipType::PastCustomer
                    | RelationshipType::Partner
            );
        (0..count)
            .map(|_| {
                let at = self.between(rng, c.created_at);
                let (kind, text, cost) = if giftable {
                    let (k, t, cents) = *rng.pick(GIFTS);
                    (k, t.to_string(), cents)
                } else {
                    (GestureKind::Value, (*rng.pick(VALUE)).to_string(), 0)
                };
                Gesture {
                    id: GestureId::from_stored(self.derived_id(rng, stamp).to_string()),
                    contact_id: c.id.clone(),
                    kind,
                    text,
                    given_on: at.to_zoned_datetime(TimeZone::UTC).date(),
                    cost: Cents(cost),
                    note: None,
                    given_by: self.owner.clone(),
                    created_at: at,
                }
            })
            .collect()
    }

    /// Commitments both ways with a realistic mix of outcomes: most kept, some late, some
    /// withdrawn early, a few broken, rarely deceptive; the recent ones open, a few overdue
    /// or at risk. (No renegotiations: those come with a successor, written by the ledger.)
    fn commitments(
        &self,
        rng: &mut Rng,
        contact: &ContactId,
        contact_created: Timestamp,
        stamp: Timestamp,
    ) -> Vec<Commitment> {
        let anchor = self.anchor_ts();
        let at = |us: i64| Timestamp::from_microsecond(us).unwrap_or(anchor);
        let mine_rate = *rng.pick(KEEP_RATES);
        let theirs_rate = *rng.pick(KEEP_RATES);
        let count = rng.below(2 * u64::from(self.commitments_per_contact) + 1);
        let span = (anchor.as_microsecond() - contact_created.as_microsecond()).max(DAY_US);
        let mut out = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let (direction, rate, texts) = if rng.chance(60) {
                (Direction::Mine, mine_rate, PROMISES_MINE)
            } else {
                (Direction::Theirs, theirs_rate, PROMISES_THEIRS)
            };
            let created_at =
                at(contact_created.as_microsecond() + rng.below(span.unsigned_abs()) as i64);
            let due_ts = at(created_at.as_microsecond() + (2 + rng.below(28) as i64) * DAY_US);
            let due = Due {
                date: due_ts.to_zoned_datetime(TimeZone::UTC).date(),
                time: None,
            };
            let deadline = due.deadline(&TimeZone::UTC).unwrap_or(due_ts);
            let size = match rng.below(100) {
                0..20 => Size::Token,
                20..85 => Size::Normal,
                _ => Size::Major,
            };
            let hours = |rng: &mut Rng, max: u64| (1 + rng.below(max)) as i64 * 3_600_000_000;
            let mut c = Commitment {
                id: CommitmentId::from_stored(self.derived_id(rng, stamp).to_string()),
                contact_id: contact.clone(),
                direction,
                text: (*rng.pick(texts)).to_string(),
                due,
                deadline,
                size,
                source_interaction_id: None,
                owner_id: self.owner.clone(),
                status: Status::Open,
                resolved_at: None,
                released_on_request: None,
                at_risk: None,
                told_at: None,
                predecessor_id: None,
                successor_id: None,
                created_at,
                updated_at: created_at,
            };
            let roll = rng.next_u64() as f64 / u64::MAX as f64;
            if deadline >= anchor || rng.chance(4) {
                // Still open: due ahead, or overdue. Some due in the next two weeks are flagged
                // at risk, and some of those told.
                let soon = deadline >= anchor
                    && deadline.as_microsecond() < anchor.as_microsecond() + 14 * DAY_US;
                if soon && rng.chance(12) {
                    let flagged = at(anchor.as_microsecond() - hours(rng, 72)).max(created_at);
                    c.at_risk = Some(AtRisk {
                        at: flagged,
                        reason: Some("Supplier delay".into()),
                    });
                    if rng.chance(50) {
                        c.told_at = Some(anchor);
                    }
                }
            } else if roll < rate {
                c.status = Status::Kept;
                let done = at(deadline.as_microsecond() - hours(rng, 72)).max(created_at);
                c.resolved_at = Some(done);
                if rng.chance(40) {
                    c.told_at = Some(at(done.as_microsecond() + hours(rng, 30)).min(anchor));
                }
            } else {
                let early = at(deadline.as_microsecond() - hours(rng, 48)).max(created_at);
                let late = at(deadline.as_microsecond() + hours(rng, 240)).min(anchor);
                match rng.below(100) {
                    0..35 => {
                        c.status = Status::Kept;
                        c.resolved_at = Some(late);
                        if rng.chance(30) {
                            // Said so before the due date: late, but candid.
                            c.at_risk = Some(AtRisk {
                                at: early,
                                reason: None,
                            });
                            c.told_at = Some(early);
                        }
                    }
                    35..58 => {
                        c.status = Status::Released;
                        c.released_on_request = Some(false);
                        c.resolved_at = Some(early);
                    }
                    58..65 => {
                        c.status = Status::Released;
                        c.released_on_request = Some(true);
                        c.resolved_at = Some(early);
                    }
                    65..96 => {
                        c.status = Status::Broken;
                        c.resolved_at = Some(late);
                    }
                    _ => {
                        c.status = Status::Deceptive;
                        c.resolved_at = Some(late);
                    }
                }
            }
            c.updated_at = c.resolved_at.unwrap_or(created_at).max(created_at);
            out.push(c);
        }
        out
    }

    fn interaction(
        &self,
        rng: &mut Rng,
        contact: &ContactId,
        stamp: Timestamp,
        when: Timestamp,
        kind: Option<InteractionKind>,
    ) -> Interaction {
        let (k, summary) = *rng.pick(SUMMARIES);
        let kind = kind.unwrap_or(k);
        let summary = if kind == k {
            summary.to_string()
        } else {
            "Planned meeting".to_string()
        };
        let they_said = rng.chance(40).then(|| (*rng.pick(THEY_SAID)).to_string());
        let i_said = rng.chance(30).then(|| (*rng.pick(I_SAID)).to_string());
        let created_at = when
            .min(self.anchor_ts())
            .saturating_add(SignedDuration::from_mins(5))
            .unwrap_or(when);
        Interaction {
            id: InteractionId::from_stored(self.derived_id(rng, stamp).to_string()),
            contact_id: contact.clone(),
            kind,
            occurred_at: when,
            summary,
            they_said,
            i_said,
            created_at,
            topics: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use std::collections::HashSet;

    fn book(seed: u64) -> DemoBook {
        DemoBook {
            seed,
            anchor: date(2026, 11, 25),
            owner: UserId::from_stored("0192f0c4-7a3b-7c00-8000-000000000001"),
            commitments_per_contact: 3,
            interactions_per_contact: None,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_book() {
        let (a, b) = (book(7), book(7));
        for i in [0, 1, 999, 123_456] {
            let (x, y) = (a.entry(i), b.entry(i));
            assert_eq!(x.contact, y.contact);
            assert_eq!(x.facts, y.facts);
            assert_eq!(x.interactions, y.interactions);
        }
        assert_ne!(book(8).entry(0).contact, a.entry(0).contact);
    }

    #[test]
    fn a_book_is_realistic_and_valid() {
        let b = book(42);
        let anchor = b.anchor_ts();
        let two_years_ago = anchor - SignedDuration::from_hours(24 * 731);
        let mut types = HashSet::new();
        let mut kinds = HashSet::new();
        let mut ids = HashSet::new();
        let (mut interactions, mut planned, mut leap) = (0, 0, 0);
        let n = 5000;
        for i in 0..n {
            let e = b.entry(i);
            types.insert(e.contact.relationship);
            assert!(ids.insert(e.contact.id.clone()), "ids are unique");
            assert!(ContactId::parse(e.contact.id.as_str()).is_some());
            assert!(!e.contact.name.trim().is_empty());
            for f in &e.facts {
                kinds.insert(f.kind);
                assert_eq!(f.contact_id, e.contact.id);
                assert!(
                    ids.insert(ContactId::from_stored(f.id.as_str())),
                    "fact ids unique"
                );
                if f.date.is_some_and(|d| d.month == 2 && d.day == 29) {
                    leap += 1;
                }
            }
            for it in &e.interactions {
                assert!(
                    ids.insert(ContactId::from_stored(it.id.as_str())),
                    "interaction ids unique"
                );
                assert!(it.occurred_at >= two_years_ago);
                assert!(it.occurred_at >= e.contact.created_at || it.is_planned(anchor));
                if it.is_planned(anchor) {
                    planned += 1;
                }
                interactions += 1;
            }
        }
        assert_eq!(
            types.len(),
            RelationshipType::ALL.len(),
            "every contact type appears"
        );
        assert_eq!(
            kinds.len(),
            FactKind::ALL.len(),
            "every kind of fact appears"
        );
        assert!(leap > 0, "some dates fall on 29 February");
        assert!(planned > 50, "some meetings are planned");
        let avg = interactions as f64 / n as f64;
        assert!(
            (2.0..6.0).contains(&avg),
            "about 3-4 interactions each, got {avg}"
        );
    }

    #[test]
    fn the_ledger_has_every_outcome_and_trust_varies() {
        use crate::trust::{Evidence, Params};
        let b = book(5);
        let anchor = b.anchor_ts();
        let p = Params::default();
        let mut statuses = HashSet::new();
        let mut kinds = HashSet::new();
        let (mut total, mut open, mut at_risk) = (0, 0, 0);
        let mut scores = Vec::new();
        for i in 0..3000 {
            let e = b.entry(i);
            let mut ids = HashSet::new();
            for c in &e.commitments {
                total += 1;
                assert!(ids.insert(c.id.clone()), "unique ids");
                assert!(c.due.date >= c.created_at.to_zoned_datetime(TimeZone::UTC).date());
                assert!(
                    c.resolved_at.is_none_or(|r| r <= anchor),
                    "nothing resolved later"
                );
                statuses.insert(c.status);
                kinds.extend(c.evidence_kind());
                open += usize::from(c.status == Status::Open);
                at_risk += usize::from(c.at_risk.is_some());
            }
            let events: Vec<_> = crate::commitment::events_of(&e.commitments, Direction::Mine)
                .into_iter()
                .map(|(_, ev)| ev)
                .collect();
            if events.len() >= 4 {
                scores.push(
                    Evidence::from_events(&events, anchor, &p)
                        .score(&p)
                        .probability,
                );
            }
        }
        let per_contact = total as f64 / 3000.0;
        assert!((2.5..3.5).contains(&per_contact), "{per_contact}");
        assert_eq!(
            statuses.len(),
            5,
            "every status but renegotiated: {statuses:?}"
        );
        assert_eq!(kinds.len(), 5, "every kind of evidence: {kinds:?}");
        assert!(open > 0 && at_risk > 0);
        let low = scores.iter().filter(|s| **s < 0.5).count();
        // Strong (90+) takes about eight kept promises; a few commitments reach good (75+).
        let good = scores.iter().filter(|s| **s >= 0.75).count();
        assert!(
            low > 10 && good > 10,
            "trust varies: {low} low, {good} good or better"
        );
    }
}
