//! What customers tell us: recurring themes in what contacts said (interactions' "they said",
//! requests and their whys), ranked by how many different contacts raised them.
//!
//! A theme is a phrase of one to three words, case and accents folded, stop words and the
//! contacts' names left out; a phrase inside a longer one raised by as many contacts gives
//! way to it. A topic the user named when logging (`--topic price`) counts exactly, whatever
//! the words. Pure: the texts are given.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use jiff::Timestamp;
use serde::Serialize;

use crate::ids::ContactId;
use crate::search::fold;

/// Something a contact said.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    pub contact_id: ContactId,
    pub contact_name: String,
    pub text: String,
    pub at: Timestamp,
    /// Topics the user named for it (folded).
    pub topics: Vec<String>,
}

/// A short quote of a theme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quote {
    pub contact_name: String,
    pub text: String,
    pub at: Timestamp,
}

/// A recurring theme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Theme {
    pub theme: String,
    /// How many different contacts raised it.
    pub contacts: usize,
    /// How many times it was said.
    pub mentions: usize,
    /// Who raised it: (id, name), by name, the first [`WHO_SHOWN`].
    pub who: Vec<(ContactId, String)>,
    /// Those who raised it beyond the ones named.
    pub who_more: usize,
    /// Two short quotes, the newest first, from different contacts when there are.
    pub quotes: Vec<Quote>,
    /// Named by the user as a topic (counted exactly) rather than found in the words.
    pub named: bool,
}

/// How many of those who raised a theme are named.
pub const WHO_SHOWN: usize = 10;

/// The longest quote kept, in characters.
pub const QUOTE_CHARS: usize = 140;

/// English words that carry no theme, and the filler of notes taken in a hurry.
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren't",
    "as",
    "asked",
    "ask",
    "asks",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "got",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "here's",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "how's",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "let's",
    "like",
    "likes",
    "liked",
    "lot",
    "lots",
    "made",
    "make",
    "makes",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "mustn't",
    "my",
    "myself",
    "need",
    "needs",
    "needed",
    "next",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "please",
    "really",
    "said",
    "same",
    "say",
    "says",
    "see",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "since",
    "so",
    "some",
    "still",
    "such",
    "tell",
    "told",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "thing",
    "things",
    "think",
    "thinks",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "want",
    "wants",
    "wanted",
    "was",
    "wasn't",
    "way",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "well",
    "were",
    "weren't",
    "what",
    "what's",
    "when",
    "when's",
    "where",
    "where's",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "why",
    "why's",
    "will",
    "with",
    "won't",
    "would",
    "wouldn't",
    "yes",
    "yet",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "today",
    "tomorrow",
    "yesterday",
    "mentioned",
    "mention",
    "going",
    "around",
    "went",
    "anything",
    "something",
    "everything",
    "nothing",
    "everyone",
    "someone",
    "anyone",
    "thanks",
    "thank",
    "okay",
    "maybe",
    "perhaps",
];

fn words(sentence: &str) -> Vec<String> {
    fold(&sentence.replace(['\u{2019}', '\u{2018}', '\u{02BC}'], "'"))
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_owned())
        .collect()
}

/// The sentences of a text, as quotes are cut.
fn sentences(text: &str) -> Vec<&str> {
    text.split(['.', '!', '?', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The phrases of one to three words a sentence holds, none across a stop word, a name or
/// punctuation.
fn phrases(sentence: &str, names: &HashSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<String> = Vec::new();
    // Split on commas and the like too: a phrase does not cross them.
    for part in sentence.split([',', ':', '(', ')', '"', '“', '”', '/']) {
        for w in words(part)
            .into_iter()
            .chain(std::iter::once(String::new()))
        {
            let keep = w.chars().count() >= 3
                && !w.chars().all(|c| c.is_ascii_digit())
                && !STOP.contains(&w.as_str())
                && !names.contains(&w);
            if keep {
                run.push(w);
                continue;
            }
            for i in 0..run.len() {
                for n in 1..=3 {
                    if i + n <= run.len() {
                        out.push(run[i..i + n].join(" "));
                    }
                }
            }
            run.clear();
        }
    }
    out
}

/// A quote of `text` around `theme`: the sentence that says it, cut to [`QUOTE_CHARS`].
fn quote_of(text: &str, theme: &str) -> String {
    let sentence = sentences(text)
        .into_iter()
        .find(|s| format!(" {} ", words(s).join(" ")).contains(&format!(" {theme} ")))
        .unwrap_or(text.trim());
    if sentence.chars().count() <= QUOTE_CHARS {
        sentence.to_owned()
    } else {
        let cut: String = sentence.chars().take(QUOTE_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[derive(Default)]
struct Tally {
    contacts: BTreeMap<ContactId, String>,
    mentions: usize,
    /// Indexes into the texts, in order.
    said: Vec<usize>,
    named: bool,
}

/// The recurring themes of `said`, the most contacts first, then the most mentions: a found
/// phrase needs two contacts or more; a named topic counts from one.
pub fn themes(said: &[Said]) -> Vec<Theme> {
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    for (i, s) in said.iter().enumerate() {
        // A speaker's own name is not a theme of theirs ("Ana needs…" in Ana's note); the same
        // word said by others is ("price", though a contact is called Price).
        let names: HashSet<String> = words(&s.contact_name).into_iter().collect();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for sentence in sentences(&s.text) {
            for p in phrases(sentence, &names) {
                let t = tally.entry(p.clone()).or_default();
                t.mentions += 1;
                t.contacts
                    .insert(s.contact_id.clone(), s.contact_name.clone());
                if seen.insert(p) {
                    t.said.push(i);
                }
            }
        }
        for topic in &s.topics {
            let key = fold(topic).split_whitespace().collect::<Vec<_>>().join(" ");
            if key.is_empty() {
                continue;
            }
            let t = tally.entry(key.clone()).or_default();
            t.named = true;
            if seen.insert(key) {
                t.mentions += 1;
                t.said.push(i);
            }
            t.contacts
                .insert(s.contact_id.clone(), s.contact_name.clone());
        }
    }
    let kept: Vec<(&String, &Tally)> = tally
        .iter()
        .filter(|(_, t)| t.named || t.contacts.len() >= 2)
        .collect();
    // A phrase inside a longer one raised by as many contacts gives way to it: each kept
    // phrase lends its count to the (at most five) shorter phrases inside it.
    let mut longest_holding: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    for (q, u) in &kept {
        let ws: Vec<&str> = q.split(' ').collect();
        for n in 1..ws.len() {
            for i in 0..=ws.len() - n {
                let best = longest_holding.entry(ws[i..i + n].join(" ")).or_default();
                *best = (*best).max(u.contacts.len());
            }
        }
    }
    let covered = |p: &str, t: &Tally| {
        !t.named
            && longest_holding
                .get(p)
                .is_some_and(|n| *n >= t.contacts.len())
    };
    // Phrases that come from exactly the same texts are one theme: the longest says it.
    let mut same_texts: std::collections::HashMap<&[usize], &str> =
        std::collections::HashMap::new();
    for (p, t) in &kept {
        if covered(p, t) || t.named {
            continue;
        }
        let e = same_texts.entry(t.said.as_slice()).or_insert(p.as_str());
        let (words_p, words_e) = (p.split(' ').count(), e.split(' ').count());
        if words_p > words_e || (words_p == words_e && p.as_str() < *e) {
            *e = p.as_str();
        }
    }
    let mut out: Vec<Theme> = kept
        .iter()
        .filter(|(p, t)| !covered(p, t))
        .filter(|(p, t)| t.named || same_texts.get(t.said.as_slice()) == Some(&p.as_str()))
        .map(|(p, t)| {
            let mut quotes: Vec<Quote> = Vec::new();
            let mut newest: Vec<usize> = t.said.clone();
            newest.sort_by_key(|i| std::cmp::Reverse(said[*i].at));
            // Different contacts first, then anyone.
            let mut quoted: HashSet<&ContactId> = HashSet::new();
            for pass in 0..2 {
                for i in &newest {
                    let s = &said[*i];
                    if quotes.len() == 2
                        || s.text.trim().is_empty()
                        || (pass == 0 && quoted.contains(&s.contact_id))
                    {
                        continue;
                    }
                    if pass == 1
                        && quotes
                            .iter()
                            .any(|q| q.at == s.at && q.contact_name == s.contact_name)
                    {
                        continue;
                    }
                    quoted.insert(&s.contact_id);
                    quotes.push(Quote {
                        contact_name: s.contact_name.clone(),
                        text: quote_of(&s.text, p),
                        at: s.at,
                    });
                }
            }
            let mut who: Vec<(ContactId, String)> = t
                .contacts
                .iter()
                .map(|(id, n)| (id.clone(), n.clone()))
                .collect();
            who.sort_by(|a, b| fold(&a.1).cmp(&fold(&b.1)).then(a.0.cmp(&b.0)));
            let who_more = who.len().saturating_sub(WHO_SHOWN);
            who.truncate(WHO_SHOWN);
            Theme {
                theme: (*p).clone(),
                contacts: t.contacts.len(),
                mentions: t.mentions,
                who,
                who_more,
                quotes,
                named: t.named,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.contacts
            .cmp(&a.contacts)
            .then(b.mentions.cmp(&a.mentions))
            .then(b.theme.split(' ').count().cmp(&a.theme.split(' ').count()))
            .then(a.theme.cmp(&b.theme))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(who: &str, id: &ContactId, text: &str, day: i64, topics: &[&str]) -> Said {
        Said {
            contact_id: id.clone(),
            contact_name: who.into(),
            text: text.into(),
            at: Timestamp::from_second(1_800_000_000 + day * 86_400).expect("ts"),
            topics: topics.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn themes_are_ranked_by_the_contacts_who_raised_them() {
        let (ana, bo, cy) = (
            ContactId::generate(),
            ContactId::generate(),
            ContactId::generate(),
        );
        let all = vec![
            said(
                "Ana Lima",
                &ana,
                "The delivery delays are hurting us. Ana needs invoices by email.",
                1,
                &[],
            ),
            said(
                "Ana Lima",
                &ana,
                "Delivery delays again this month!",
                2,
                &[],
            ),
            said(
                "Bo Chen",
                &bo,
                "Worried about DELIVERY DÉLAYS before Christmas; prices are fine.",
                3,
                &[],
            ),
            said(
                "Cy Diaz",
                &cy,
                "Délivery delays, and the new portal is slow.",
                4,
                &[],
            ),
            said(
                "Bo Chen",
                &bo,
                "The portal is slow on phones.",
                5,
                &["pricing"],
            ),
            said("Cy Diaz", &cy, "Nothing much.", 6, &["Pricing"]),
        ];
        let t = themes(&all);
        let top = &t[0];
        assert_eq!(top.theme, "delivery delays", "{t:#?}");
        assert_eq!((top.contacts, top.mentions), (3, 4));
        // "delivery" and "delays" alone give way to the phrase that holds them.
        assert!(
            !t.iter()
                .any(|x| x.theme == "delivery" || x.theme == "delays"),
            "{t:#?}"
        );
        // Two quotes, newest first, from different contacts.
        assert_eq!(top.quotes.len(), 2);
        assert_eq!(top.quotes[0].contact_name, "Cy Diaz");
        assert_eq!(
            top.quotes[0].text,
            "Délivery delays, and the new portal is slow"
        );
        assert_eq!(top.quotes[1].contact_name, "Bo Chen");
        // The named topic counts exactly, whatever the words ("prices" is not "pricing").
        let pricing = t.iter().find(|x| x.theme == "pricing").expect("named");
        assert!(pricing.named);
        assert_eq!((pricing.contacts, pricing.mentions), (2, 2));
        let portal = t.iter().find(|x| x.theme == "portal").expect("portal");
        assert_eq!(portal.contacts, 2, "{t:#?}");
        // Names and stop words are never themes; one contact's word alone is not a theme.
        assert!(
            !t.iter()
                .any(|x| x.theme.contains("ana") || x.theme == "the")
        );
        assert!(!t.iter().any(|x| x.theme.contains("invoices")));
    }

    #[test]
    fn a_word_that_is_a_speaker_s_name_counts_when_others_say_it() {
        let (a, b, c) = (
            ContactId::generate(),
            ContactId::generate(),
            ContactId::generate(),
        );
        let t = themes(&[
            said("Sandra Price", &a, "Price matters most to Sandra", 1, &[]),
            said(
                "Bo Chen",
                &b,
                "The price went up again, don\u{2019}t like it",
                2,
                &[],
            ),
            said("Cy Diaz", &c, "Price is too high", 3, &[]),
        ]);
        let price = t.iter().find(|x| x.theme == "price").expect("price");
        assert_eq!(price.contacts, 2, "{t:#?}");
        assert!(
            !t.iter().any(|x| x.theme == "don" || x.theme == "sandra"),
            "{t:#?}"
        );
    }

    #[test]
    fn phrases_from_the_same_texts_are_one_theme() {
        let (a, b) = (ContactId::generate(), ContactId::generate());
        let t = themes(&[
            said("A", &a, "Expanding to a second location in spring", 1, &[]),
            said("B", &b, "Expanding to a second location in spring", 2, &[]),
        ]);
        assert_eq!(t.len(), 1, "{t:#?}");
        assert_eq!(t[0].theme, "second location");
    }

    #[test]
    fn long_quotes_are_cut() {
        let (a, b) = (ContactId::generate(), ContactId::generate());
        let long = format!("Shipping costs {}", "rise and rise ".repeat(20));
        let t = themes(&[
            said("A", &a, &long, 1, &[]),
            said("B", &b, "Shipping costs hurt", 2, &[]),
        ]);
        let s = t
            .iter()
            .find(|x| x.theme == "shipping costs")
            .expect("theme");
        assert!(
            s.quotes
                .iter()
                .all(|q| q.text.chars().count() <= QUOTE_CHARS)
        );
        assert!(s.quotes.iter().any(|q| q.text.ends_with('…')));
    }
}
