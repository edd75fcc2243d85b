//! Gift ideas that fit: concrete ideas per interest, from a small catalogue the workspace
//! extends (`rapport settings --gift-idea "golf=A round at the club"`), and what a contact's
//! preferences rule out ("no alcohol" rules out wine, whisky and a brewery tour).
//!
//! Pure: the catalogue in force is built from the built-in ideas and the workspace's own
//! rows; a contact's dislikes are read from their preference facts.

use serde::Serialize;

use crate::error::Invalid;
use crate::search::fold;

/// The built-in catalogue: (interest, idea). Small on purpose: a start the workspace edits.
pub const BUILTIN: &[(&str, &str)] = &[
    ("art", "Tickets to an exhibition they would like"),
    ("art", "A book on an artist they admire"),
    ("beer", "A selection from a craft brewery"),
    (
        "books",
        "A book you have read and loved, with a note on why",
    ),
    ("books", "A signed copy by an author they follow"),
    ("chess", "A handsome chess set"),
    ("chocolate", "Chocolates from an artisan chocolatier"),
    ("cinema", "Tickets to a premiere or a film festival"),
    ("coffee", "Beans from a local roaster"),
    ("coffee", "A barista class"),
    ("cooking", "A cookbook by a chef they admire"),
    ("cooking", "A cooking class"),
    ("cycling", "A guide to the best rides of a region"),
    ("football", "Tickets to a match of their club"),
    ("football", "A shirt of their club"),
    ("gardening", "Seeds of a rare variety"),
    ("gardening", "Good pruning shears"),
    ("golf", "A round at a good course"),
    ("golf", "A dozen quality golf balls"),
    ("hiking", "A trail map of a range they have not walked yet"),
    ("music", "Concert tickets"),
    ("music", "A record of an artist they love"),
    ("photography", "A photo book printed from their pictures"),
    ("running", "Entry to a race they have an eye on"),
    ("sailing", "A day out on a sailing boat"),
    ("skiing", "A day pass at a resort"),
    ("tea", "A selection of loose-leaf teas"),
    ("tennis", "Tickets to a tournament"),
    ("tennis", "A lesson with a coach"),
    ("theatre", "Tickets to a play"),
    ("travel", "A guidebook for their next trip"),
    ("whisky", "A single malt from a small distillery"),
    (
        "wine",
        "A bottle from a small vineyard they do not know yet",
    ),
    ("wine", "A wine-tasting evening"),
    ("yoga", "A class pass at a good studio"),
];

/// Other words people use for an interest of the catalogue.
const ALIASES: &[(&str, &str)] = &[
    ("reading", "books"),
    ("literature", "books"),
    ("novels", "books"),
    ("soccer", "football"),
    ("films", "cinema"),
    ("movies", "cinema"),
    ("theater", "theatre"),
    ("opera", "music"),
    ("jazz", "music"),
    ("concerts", "music"),
    ("whiskey", "whisky"),
    ("walking", "hiking"),
    ("trekking", "hiking"),
    ("painting", "art"),
    ("museums", "art"),
    ("bike", "cycling"),
    ("biking", "cycling"),
    ("cuisine", "cooking"),
    ("food", "cooking"),
    ("garden", "gardening"),
    ("photos", "photography"),
    ("ski", "skiing"),
    ("marathon", "running"),
];

/// Kinds of gift people say they do not want, and the words that name them.
const KINDS: &[(&str, &[&str])] = &[
    (
        "alcohol",
        &[
            "alcohol",
            "alcoholic",
            "wine",
            "wines",
            "beer",
            "beers",
            "whisky",
            "whiskey",
            "spirits",
            "champagne",
            "cocktail",
            "cocktails",
            "gin",
            "rum",
            "vodka",
            "liquor",
            "booze",
            "drink",
            "drinks",
            "drinking",
            "drinker",
            "vineyard",
            "brewery",
            "distillery",
            "malt",
            "wine-tasting",
        ],
    ),
    (
        "sweets",
        &[
            "chocolate",
            "chocolates",
            "chocolatier",
            "sweets",
            "sugar",
            "candy",
            "cake",
            "pastries",
        ],
    ),
    (
        "meat",
        &["meat", "steak", "barbecue", "bbq", "charcuterie", "ham"],
    ),
    ("dairy", &["dairy", "cheese", "milk"]),
    ("caffeine", &["caffeine", "coffee", "espresso", "barista"]),
    ("flowers", &["flowers", "flower", "bouquet", "bouquets"]),
    (
        "nuts",
        &["nut", "nuts", "peanut", "peanuts", "almond", "almonds"],
    ),
    ("tobacco", &["tobacco", "cigar", "cigars", "cigarettes"]),
];

/// Words that make a preference a dislike.
const NEGATIONS: &[&str] = &[
    "no",
    "not",
    "never",
    "dont",
    "doesnt",
    "don't",
    "doesn't",
    "don",
    "doesn",
    "isn",
    "without",
    "dislike",
    "dislikes",
    "hate",
    "hates",
    "avoid",
    "avoids",
    "allergic",
    "allergy",
    "intolerant",
    "teetotal",
    "teetotaller",
    "teetotaler",
    "sober",
    "vegan",
    "vegetarian",
    "quit",
    "stopped",
];

/// Diets that rule out kinds of gift by themselves.
const DIETS: &[(&str, &[&str])] = &[
    ("teetotal", &["alcohol"]),
    ("teetotaller", &["alcohol"]),
    ("teetotaler", &["alcohol"]),
    ("sober", &["alcohol"]),
    ("vegan", &["meat", "dairy"]),
    ("vegetarian", &["meat"]),
];

/// Words a dislike says that are not the thing disliked.
const FILLER: &[&str] = &[
    "a", "an", "the", "of", "for", "to", "and", "or", "is", "are", "he", "she", "they", "them",
    "his", "her", "their", "any", "anything", "gifts", "gift", "please", "at", "all", "more",
    "does", "do", "like", "likes", "fan", "big", "very", "much", "really", "with", "in", "on",
    "be", "been", "has", "have",
];

/// The longest interest and idea accepted in the catalogue.
pub const MAX_INTEREST_CHARS: usize = 60;
pub const MAX_IDEA_CHARS: usize = 200;
/// How many ideas of its own a workspace may add.
pub const MAX_OWN_IDEAS: usize = 500;

/// One idea of the catalogue in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GiftIdea {
    /// The interest it fits, folded ("golf").
    pub interest: String,
    pub idea: String,
    /// From Rapport's own list (else the workspace added it).
    pub builtin: bool,
}

/// A workspace's own row: an idea it added, or a built-in one it took out (`hidden`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredGiftIdea {
    pub interest: String,
    pub idea: String,
    pub hidden: bool,
}

/// The catalogue key of an interest as typed: folded, one space between words.
pub fn interest_key(text: &str) -> String {
    fold(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses `INTEREST=IDEA` (`golf=A round at the club`), as settings take it.
pub fn parse_gift_idea(text: &str) -> Result<(String, String), Invalid> {
    let bad = |m: String| Invalid::new("gift_idea", m);
    let (interest, idea) = text.split_once('=').ok_or_else(|| {
        bad(format!(
            "{text:?}: write INTEREST=IDEA, e.g. golf=A round at the club"
        ))
    })?;
    let interest = interest_key(interest);
    let idea = idea.split_whitespace().collect::<Vec<_>>().join(" ");
    if interest.is_empty() || idea.is_empty() {
        return Err(bad(format!(
            "{text:?}: both the interest and the idea are needed (INTEREST=IDEA)"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(bad("a gift idea cannot hold control characters".into()));
    }
    if interest.chars().count() > MAX_INTEREST_CHARS {
        return Err(bad(format!(
            "an interest is at most {MAX_INTEREST_CHARS} characters"
        )));
    }
    if idea.chars().count() > MAX_IDEA_CHARS {
        return Err(bad(format!(
            "an idea is at most {MAX_IDEA_CHARS} characters"
        )));
    }
    Ok((interest, idea))
}

/// The catalogue in force: the built-in ideas the workspace did not take out, then its own,
/// ordered by interest (built-in first within one).
pub fn catalogue(own: &[StoredGiftIdea]) -> Vec<GiftIdea> {
    let hidden = |interest: &str, idea: &str| {
        own.iter()
            .any(|o| o.hidden && o.interest == interest && fold(&o.idea) == fold(idea))
    };
    let mut all: Vec<GiftIdea> = BUILTIN
        .iter()
        .filter(|(i, idea)| !hidden(i, idea))
        .map(|(i, idea)| GiftIdea {
            interest: (*i).to_owned(),
            idea: (*idea).to_owned(),
            builtin: true,
        })
        .collect();
    all.extend(own.iter().filter(|o| !o.hidden).map(|o| GiftIdea {
        interest: o.interest.clone(),
        idea: o.idea.clone(),
        builtin: false,
    }));
    all.sort_by(|a, b| a.interest.cmp(&b.interest).then(b.builtin.cmp(&a.builtin)));
    all
}

/// Whether `idea` for `interest` is one of the built-in ideas.
pub fn is_builtin(interest: &str, idea: &str) -> bool {
    BUILTIN
        .iter()
        .any(|(i, b)| *i == interest && fold(b) == fold(idea))
}

fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('\'').to_owned())
        .collect()
}

/// The kinds of gift a text names ("A wine-tasting evening": alcohol).
fn kinds_in(text: &str) -> Vec<&'static str> {
    let ws = words(text);
    KINDS
        .iter()
        .filter(|(_, names)| ws.iter().any(|w| names.contains(&w.as_str())))
        .map(|(k, _)| *k)
        .collect()
}

/// What a contact's preferences say they do not want.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dislikes {
    /// (kind of gift, the preference that says so).
    kinds: Vec<(&'static str, String)>,
    /// (a word they said no to, the preference that says so): "no golf gifts" → golf.
    words: Vec<(String, String)>,
}

impl Dislikes {
    /// Reads preference facts: one that says no ("No alcohol", "Doesn't drink", "Allergic to
    /// nuts", "Vegan") rules out the kinds of gift it names and the words it says no to.
    pub fn from_preferences<'a>(preferences: impl IntoIterator<Item = &'a str>) -> Dislikes {
        let mut d = Dislikes::default();
        for p in preferences {
            let ws = words(p);
            let negated = ws.iter().any(|w| NEGATIONS.contains(&w.as_str()));
            if !negated {
                continue;
            }
            for w in &ws {
                if let Some((_, kinds)) = DIETS.iter().find(|(diet, _)| *diet == w.as_str()) {
                    for k in *kinds {
                        d.kinds.push((k, p.to_owned()));
                    }
                }
            }
            for k in kinds_in(p) {
                d.kinds.push((k, p.to_owned()));
            }
            // The words after the first negation, short of filler: what they said no to.
            if let Some(at) = ws.iter().position(|w| NEGATIONS.contains(&w.as_str())) {
                for w in &ws[at + 1..] {
                    if w.chars().count() >= 3
                        && !FILLER.contains(&w.as_str())
                        && !NEGATIONS.contains(&w.as_str())
                    {
                        d.words.push((w.clone(), p.to_owned()));
                    }
                }
            }
        }
        d
    }

    /// Whether nothing is ruled out.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && self.words.is_empty()
    }

    /// The preference that rules out a gift described by `text`, if any.
    pub fn ruling_out(&self, text: &str) -> Option<&str> {
        let kinds = kinds_in(text);
        if let Some((_, why)) = self.kinds.iter().find(|(k, _)| kinds.contains(k)) {
            return Some(why);
        }
        let ws = words(text);
        // "golf" said no to rules out "golf balls"; a plural said no to rules out the
        // singular too ("no flowers" / "a flower").
        self.words
            .iter()
            .find(|(w, _)| {
                ws.iter()
                    .any(|x| x == w || (w.len() > 3 && w.strip_suffix('s') == Some(x.as_str())))
            })
            .map(|(_, why)| why.as_str())
    }
}

/// The catalogue interest an interest fact is about ("Plays golf on Sundays" → golf;
/// "Reads a lot of novels" → books), if any.
pub fn catalogue_interest(fact: &str, catalogue: &[GiftIdea]) -> Option<String> {
    let ws = words(fact);
    let joined = format!(" {} ", ws.join(" "));
    // The workspace's own interests may be several words ("formula 1").
    let mut keys: Vec<&str> = catalogue.iter().map(|g| g.interest.as_str()).collect();
    keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
    keys.dedup();
    if let Some(k) = keys.iter().find(|k| joined.contains(&format!(" {k} "))) {
        return Some((*k).to_owned());
    }
    ws.iter().find_map(|w| {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == w.as_str())
            .map(|(_, k)| (*k).to_owned())
    })
}

/// The ideas of the catalogue for `interest` that `dislikes` leave, and not `last_text`
/// (never the same gift twice).
pub fn ideas_for<'a>(
    interest: &str,
    catalogue: &'a [GiftIdea],
    dislikes: &Dislikes,
    last_text: Option<&str>,
) -> Vec<&'a GiftIdea> {
    let last = last_text.map(fold);
    catalogue
        .iter()
        .filter(|g| g.interest == interest)
        .filter(|g| dislikes.ruling_out(&g.idea).is_none())
        .filter(|g| last.as_deref() != Some(fold(&g.idea).as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_of_a_gift_idea() {
        assert_eq!(
            parse_gift_idea(" Golf = A round  at the club "),
            Ok(("golf".into(), "A round at the club".into()))
        );
        assert_eq!(
            parse_gift_idea("Formula 1=Paddock passes"),
            Ok(("formula 1".into(), "Paddock passes".into()))
        );
        for bad in ["golf", "=A round", "golf=", "golf=a\u{7}b"] {
            assert!(parse_gift_idea(bad).is_err(), "{bad:?}");
        }
        assert!(parse_gift_idea(&format!("golf={}", "x".repeat(201))).is_err());
    }

    #[test]
    fn no_alcohol_rules_out_wine_whisky_and_the_brewery() {
        let d = Dislikes::from_preferences(["No alcohol, ever"]);
        for out in [
            "A bottle from a small vineyard they do not know yet",
            "A wine-tasting evening",
            "A single malt from a small distillery",
            "A selection from a craft brewery",
        ] {
            assert_eq!(d.ruling_out(out), Some("No alcohol, ever"), "{out}");
        }
        assert_eq!(d.ruling_out("A round at a good course"), None);
        for (said, out, kept) in [
            (
                "Doesn't drink",
                "A bottle of champagne",
                "Tickets to a play",
            ),
            ("Teetotal", "Wine", "Chocolates"),
            ("Allergic to nuts", "Salted almonds", "A cooking class"),
            ("Vegan", "A charcuterie board", "A cooking class"),
            (
                "Hates flowers",
                "A bouquet of flowers",
                "Seeds of a rare variety",
            ),
            (
                "No golf gifts please",
                "A dozen quality golf balls",
                "Concert tickets",
            ),
        ] {
            let d = Dislikes::from_preferences([said]);
            assert!(d.ruling_out(out).is_some(), "{said}: {out}");
            assert_eq!(d.ruling_out(kept), None, "{said}: {kept}");
        }
        // A preference that says no to nothing rules out nothing.
        let likes = Dislikes::from_preferences(["Loves red wine", "Prefers email"]);
        assert!(likes.is_empty(), "{likes:?}");
    }

    #[test]
    fn interests_are_found_in_what_people_write() {
        let c = catalogue(&[StoredGiftIdea {
            interest: "formula 1".into(),
            idea: "Paddock passes".into(),
            hidden: false,
        }]);
        assert_eq!(
            catalogue_interest("Plays golf on Sundays", &c).as_deref(),
            Some("golf")
        );
        assert_eq!(
            catalogue_interest("Reads novels", &c).as_deref(),
            Some("books")
        );
        assert_eq!(
            catalogue_interest("Follows Formula 1 closely", &c).as_deref(),
            Some("formula 1")
        );
        assert_eq!(catalogue_interest("Stamps", &c), None);
    }

    #[test]
    fn the_workspace_extends_and_trims_the_catalogue() {
        let own = vec![
            StoredGiftIdea {
                interest: "golf".into(),
                idea: "A round at the club".into(),
                hidden: false,
            },
            StoredGiftIdea {
                interest: "golf".into(),
                idea: "a dozen quality GOLF balls".into(),
                hidden: true,
            },
        ];
        let c = catalogue(&own);
        let golf: Vec<&str> = c
            .iter()
            .filter(|g| g.interest == "golf")
            .map(|g| g.idea.as_str())
            .collect();
        assert_eq!(
            golf,
            vec!["A round at a good course", "A round at the club"]
        );
        let d = Dislikes::default();
        let left = ideas_for("golf", &c, &d, Some("a round at a good course"));
        assert_eq!(left.len(), 1, "never the same gift twice");
        assert_eq!(left[0].idea, "A round at the club");
        assert!(is_builtin("wine", "A wine-tasting evening"));
        assert!(!is_builtin("golf", "A round at the club"));
    }
}
