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
    ("marathons", "running"),
    ("runner", "running"),
    ("golfer", "golf"),
    ("cyclist", "cycling"),
    ("reader", "books"),
    ("book", "books"),
    ("gardener", "gardening"),
    ("photographer", "photography"),
    ("skier", "skiing"),
    ("sailor", "sailing"),
    ("hiker", "hiking"),
    ("yogi", "yoga"),
    ("foodie", "cooking"),
    ("cook", "cooking"),
    ("baking", "cooking"),
    ("theatregoer", "theatre"),
    ("musician", "music"),
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

/// Words that make a clause of a preference a dislike ("no", "doesn't", "allergic"...).
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
    "allergies",
    "intolerant",
    "intolerance",
    "quit",
    "stopped",
    "non",
    "free",
    "abstains",
    "abstain",
    "refuses",
    "nothing",
];

/// Words that say, wherever they are, which kinds of gift are out (a diet, a condition).
const DIETS: &[(&str, &[&str])] = &[
    ("teetotal", &["alcohol"]),
    ("teetotaller", &["alcohol"]),
    ("teetotaler", &["alcohol"]),
    ("sober", &["alcohol"]),
    ("alcoholic", &["alcohol"]),
    ("halal", &["alcohol"]),
    ("pregnant", &["alcohol"]),
    ("vegan", &["meat", "dairy"]),
    ("vegetarian", &["meat"]),
    ("diabetic", &["sweets"]),
    ("lactose", &["dairy"]),
];

/// The words of a kind that name the whole kind (said no to, the whole kind is out); the
/// other words of the kind name one thing only ("never beer" rules out beer, not whisky).
const GENERIC: &[&str] = &[
    "alcohol", "drink", "drinks", "drinking", "drinker", "booze", "liquor", "spirits", "sweets",
    "sugar", "candy", "meat", "dairy", "caffeine", "flowers", "flower", "nut", "nuts", "peanut",
    "peanuts", "tobacco",
];

/// Words a dislike says that are not the thing disliked.
const FILLER: &[&str] = &[
    "a", "an", "the", "of", "for", "to", "and", "or", "is", "are", "he", "she", "they", "them",
    "his", "her", "their", "any", "anything", "gifts", "gift", "please", "at", "all", "more",
    "does", "do", "like", "likes", "fan", "big", "very", "much", "really", "with", "in", "on",
    "be", "been", "has", "have", "last", "year", "years", "ago", "since", "anymore", "ever",
    "lover", "now", "longer", "up", "given", "gave",
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
    if text
        .chars()
        .any(|c| c.is_control() || crate::model::search::is_invisible(c))
    {
        return Err(bad(
            "a gift idea cannot hold control or invisible formatting characters".into(),
        ));
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
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// A preference's clauses: "Loves red wine, not white" is two, and only the second says no.
fn clauses(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out = vec![String::new()];
    for w in folded.split_whitespace() {
        let cut = w.ends_with([',', ';', '.', '!', ':']);
        if matches!(w, "but" | "though" | "although" | "except" | "however") {
            out.push(String::new());
            continue;
        }
        let last = out.last_mut().expect("one clause at least");
        last.push(' ');
        last.push_str(w);
        if cut {
            out.push(String::new());
        }
    }
    out.retain(|c| !c.trim().is_empty());
    out
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
    /// Reads preference facts: a clause that says no ("No alcohol", "Doesn't drink",
    /// "Allergic to nuts", "Non-drinker", "Alcohol-free") rules out the kinds of gift its
    /// general words name and the things it says no to ("never beer": beer); a diet or
    /// condition anywhere ("Vegan", "Diabetic", "Lactose intolerant") rules out its kinds.
    /// What a preference likes ("Loves red wine, not white") rules nothing out.
    pub fn from_preferences<'a>(preferences: impl IntoIterator<Item = &'a str>) -> Dislikes {
        let mut d = Dislikes::default();
        for p in preferences {
            for w in words(p) {
                if let Some((_, kinds)) = DIETS.iter().find(|(diet, _)| *diet == w.as_str()) {
                    for k in *kinds {
                        d.kinds.push((k, p.to_owned()));
                    }
                }
            }
            let gave_up = fold(p).contains("gave up") || fold(p).contains("given up");
            for clause in clauses(p) {
                let ws = words(&clause);
                let at = ws.iter().position(|w| NEGATIONS.contains(&w.as_str()));
                let Some(at) = at.or(gave_up.then_some(0)) else {
                    continue;
                };
                // "Alcohol-free": the words before "free" are what is refused.
                let said: Vec<&String> = if ws.get(at).is_some_and(|w| w == "free") {
                    ws[..at].iter().collect()
                } else {
                    ws[at + 1..].iter().collect()
                };
                for w in said {
                    if NEGATIONS.contains(&w.as_str()) || FILLER.contains(&w.as_str()) {
                        continue;
                    }
                    if GENERIC.contains(&w.as_str()) {
                        for (k, names) in KINDS {
                            if names.contains(&w.as_str()) {
                                d.kinds.push((k, p.to_owned()));
                            }
                        }
                    }
                    if w.chars().count() >= 3 {
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
    // Aliases ("novels": books; "golfer": golf), and plurals of either ("golfers").
    ws.iter().find_map(|w| {
        let singular = w.strip_suffix('s').filter(|s| s.len() >= 3);
        [Some(w.as_str()), singular]
            .into_iter()
            .flatten()
            .find_map(|w| {
                keys.iter()
                    .find(|k| **k == w)
                    .map(|k| (*k).to_owned())
                    .or_else(|| {
                        ALIASES
                            .iter()
                            .find(|(alias, _)| *alias == w)
                            .map(|(_, k)| (*k).to_owned())
                    })
            })
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
        // Only the clause that says no counts; a diet rules out its kinds only.
        for (said, kept, out) in [
            (
                "Loves red wine, not white",
                "A bottle of red wine",
                Some("A white tablecloth"),
            ),
            (
                "Vegetarian, big wine lover",
                "A wine-tasting evening",
                Some("A charcuterie board"),
            ),
            (
                "Prefers whisky to wine, never beer",
                "A single malt",
                Some("A craft beer selection"),
            ),
            (
                "Coffee black, no sugar",
                "Beans from a local roaster",
                Some("Chocolates"),
            ),
            (
                "Non-drinker",
                "Tickets to a play",
                Some("A bottle of champagne"),
            ),
            (
                "Alcohol-free household",
                "A cooking class",
                Some("A wine-tasting evening"),
            ),
            (
                "Gave up alcohol last year",
                "Concert tickets",
                Some("A single malt whisky"),
            ),
            ("Recovering alcoholic", "A cooking class", Some("Wine")),
            (
                "Diabetic",
                "A round of golf",
                Some("Chocolates from an artisan"),
            ),
            ("Lactose intolerant", "Tea", Some("A cheese board")),
            (
                "Allergic to peanuts",
                "A cooking class",
                Some("Salted almonds"),
            ),
        ] {
            let d = Dislikes::from_preferences([said]);
            assert_eq!(d.ruling_out(kept), None, "{said}: {kept}");
            if let Some(out) = out {
                assert!(d.ruling_out(out).is_some(), "{said}: {out}");
            }
        }
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
        for (fact, interest) in [
            ("Avid golfer", "golf"),
            ("Keen cyclist", "cycling"),
            ("Runs marathons", "running"),
            ("Loves red wines", "wine"),
            ("Enjoys a good book", "books"),
            ("Theatre-goer", "theatre"),
        ] {
            assert_eq!(
                catalogue_interest(fact, &c).as_deref(),
                Some(interest),
                "{fact}"
            );
        }
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
