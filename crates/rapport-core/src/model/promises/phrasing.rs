//! The phrasing rules of one language, read from its rules file (`en.rules`): which words
//! make a promise, which undo it, and how a due date is said.

use jiff::civil::Weekday;

/// One piece of a phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Word(String),
    /// `...`: up to eight words.
    Gap,
    /// `N`: a number, in digits or as a word of the language.
    Number,
}

/// A phrase: whole words, a gap, a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Phrase(pub(crate) Vec<Piece>);

/// What a due-date phrase means, from the message's day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DueRule {
    Days(i64),
    FridayThisWeek,
    FridayNextWeek,
    MonthEnd,
    NextMonthEnd,
    PlusDays,
    PlusWeeks,
}

/// A language's rules.
#[derive(Clone, Debug)]
pub struct Phrasing {
    pub language: String,
    pub(crate) say: Vec<Phrase>,
    pub(crate) receive: Vec<Phrase>,
    pub(crate) passive: Vec<Phrase>,
    pub(crate) receive_at_start: Vec<Phrase>,
    pub(crate) say_at_start: Vec<Phrase>,
    pub(crate) say_ing: Vec<Phrase>,
    pub(crate) back: Vec<Phrase>,
    pub(crate) adverb: Vec<Phrase>,
    pub(crate) be_promise: Vec<Phrase>,
    pub(crate) be_plan: Vec<Phrase>,
    pub(crate) plan_verb: Vec<Phrase>,
    pub(crate) request_verb: Vec<Phrase>,
    pub(crate) pleasantry_verb: Vec<Phrase>,
    pub(crate) refusal_verb: Vec<Phrase>,
    pub(crate) hedge_verb: Vec<Phrase>,
    pub(crate) conditional: Vec<Phrase>,
    pub(crate) whether_before: Vec<Phrase>,
    pub(crate) lead_in: Vec<Phrase>,
    pub(crate) reported: Vec<Phrase>,
    pub(crate) pleasantry_object: Vec<Phrase>,
    pub(crate) automatic_subject: Vec<Phrase>,
    pub(crate) automatic_text: Vec<Phrase>,
    pub(crate) automatic_return: Vec<Phrase>,
    pub(crate) due: Vec<(DueRule, Phrase)>,
    pub(crate) before: Vec<Phrase>,
    pub(crate) text_cut: Vec<Phrase>,
    pub(crate) weekdays: Vec<(Weekday, Phrase)>,
    pub(crate) months: Vec<(i8, Phrase)>,
    pub(crate) numbers: Vec<(i64, Phrase)>,
    /// Single words the finder's grammar needs ([words]).
    pub(crate) words: Words,
}

/// The language's small words the finder's rules are written with.
#[derive(Clone, Debug, Default)]
pub(crate) struct Words {
    /// The verb "to be" after a promise word ("I'll be…").
    pub(crate) be: Vec<String>,
    /// "And": what joins a promise to the next.
    pub(crate) and: Vec<String>,
    /// Words pointing back at what was just promised ("you'll have it").
    pub(crate) pronoun: Vec<String>,
    /// After a comma, the words that open another clause.
    pub(crate) connector: Vec<String>,
    /// The other side, after a verb of going ("I'll visit you").
    pub(crate) addressee: Vec<String>,
    /// "If", which can mean "whether" after "check".
    pub(crate) r#if: Vec<String>,
    /// Hopes and wishes before a promise word: a pleasantry.
    pub(crate) hope: Vec<String>,
    /// After a sentence-opening "Will": a name, not the future ("Will from accounts").
    pub(crate) not_after_will: Vec<String>,
    /// "Of", "the": "the 15th of March".
    pub(crate) of: Vec<String>,
    pub(crate) the: Vec<String>,
    /// Words that end a promise's text without belonging to it ("…and").
    pub(crate) link: Vec<String>,
}

impl Words {
    pub(crate) fn has(list: &[String], word: &str) -> bool {
        list.iter().any(|w| w == word)
    }
}

/// Why a rules file cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{language} rules, line {line}: {message}")]
pub struct RulesError {
    pub language: String,
    pub line: usize,
    pub message: String,
}

fn phrases(list: &str) -> Vec<Phrase> {
    let mut out: Vec<Phrase> = list
        .split('|')
        .map(|p| {
            Phrase(
                p.split_whitespace()
                    .map(|w| match w {
                        "..." => Piece::Gap,
                        "N" => Piece::Number,
                        w => Piece::Word(w.to_owned()),
                    })
                    .collect(),
            )
        })
        .filter(|p| !p.0.is_empty())
        .collect();
    // The longest first, so "end of next week" is tried before "next week".
    out.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    out
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

impl Phrasing {
    /// Reads a rules file.
    pub fn parse(language: &str, text: &str) -> Result<Phrasing, RulesError> {
        let mut p = Phrasing {
            language: language.to_owned(),
            say: Vec::new(),
            receive: Vec::new(),
            passive: Vec::new(),
            receive_at_start: Vec::new(),
            say_at_start: Vec::new(),
            say_ing: Vec::new(),
            back: Vec::new(),
            adverb: Vec::new(),
            be_promise: Vec::new(),
            be_plan: Vec::new(),
            plan_verb: Vec::new(),
            request_verb: Vec::new(),
            pleasantry_verb: Vec::new(),
            refusal_verb: Vec::new(),
            hedge_verb: Vec::new(),
            conditional: Vec::new(),
            whether_before: Vec::new(),
            lead_in: Vec::new(),
            reported: Vec::new(),
            pleasantry_object: Vec::new(),
            automatic_subject: Vec::new(),
            automatic_text: Vec::new(),
            automatic_return: Vec::new(),
            due: Vec::new(),
            before: Vec::new(),
            text_cut: Vec::new(),
            weekdays: Vec::new(),
            months: Vec::new(),
            numbers: Vec::new(),
            words: Words::default(),
        };
        let mut section = String::new();
        for (n, line) in text.lines().enumerate() {
            let err = |message: String| RulesError {
                language: language.to_owned(),
                line: n + 1,
                message,
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = s.trim().to_owned();
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| err(format!("{line:?} is not `key = phrase | phrase`")))?;
            let (key, list) = (key.trim(), phrases(value));
            let slot = match (section.as_str(), key) {
                ("promise", "say") => &mut p.say,
                ("promise", "receive") => &mut p.receive,
                ("promise", "passive") => &mut p.passive,
                ("promise", "receive_at_start") => &mut p.receive_at_start,
                ("promise", "say_at_start") => &mut p.say_at_start,
                ("promise", "say_ing") => &mut p.say_ing,
                ("promise", "back") => &mut p.back,
                ("promise", "adverb") => &mut p.adverb,
                ("promise", "be_promise") => &mut p.be_promise,
                ("promise", "be_plan") => &mut p.be_plan,
                ("promise", "plan_verb") => &mut p.plan_verb,
                ("not", "request_verb") => &mut p.request_verb,
                ("not", "pleasantry_verb") => &mut p.pleasantry_verb,
                ("not", "refusal_verb") => &mut p.refusal_verb,
                ("not", "hedge_verb") => &mut p.hedge_verb,
                ("not", "conditional") => &mut p.conditional,
                ("not", "whether_before") => &mut p.whether_before,
                ("not", "lead_in") => &mut p.lead_in,
                ("not", "reported") => &mut p.reported,
                ("not", "pleasantry_object") => &mut p.pleasantry_object,
                ("not", "automatic_subject") => &mut p.automatic_subject,
                ("not", "automatic_text") => &mut p.automatic_text,
                ("not", "automatic_return") => &mut p.automatic_return,
                ("due", "before") => &mut p.before,
                ("due", "text_cut") => &mut p.text_cut,
                ("due", k) => {
                    let rule = match k {
                        "friday_this_week" => DueRule::FridayThisWeek,
                        "friday_next_week" => DueRule::FridayNextWeek,
                        "month_end" => DueRule::MonthEnd,
                        "next_month_end" => DueRule::NextMonthEnd,
                        "plus_days" => DueRule::PlusDays,
                        "plus_weeks" => DueRule::PlusWeeks,
                        k => match k.strip_prefix("days_").and_then(|d| d.parse().ok()) {
                            Some(d) => DueRule::Days(d),
                            None => return Err(err(format!("unknown due rule {k:?}"))),
                        },
                    };
                    p.due.extend(list.into_iter().map(|ph| (rule, ph)));
                    continue;
                }
                ("weekday", k) => {
                    let day = weekday(k).ok_or_else(|| err(format!("{k:?} is no weekday")))?;
                    p.weekdays.extend(list.into_iter().map(|ph| (day, ph)));
                    continue;
                }
                ("month", k) => {
                    let m: i8 = k
                        .parse()
                        .ok()
                        .filter(|m| (1..=12).contains(m))
                        .ok_or_else(|| err(format!("{k:?} is no month number")))?;
                    p.months.extend(list.into_iter().map(|ph| (m, ph)));
                    continue;
                }
                ("words", k) => {
                    let words: Vec<String> = value
                        .split('|')
                        .map(|w| w.trim().to_owned())
                        .filter(|w| !w.is_empty())
                        .collect();
                    let w = &mut p.words;
                    let slot = match k {
                        "be" => &mut w.be,
                        "and" => &mut w.and,
                        "pronoun" => &mut w.pronoun,
                        "connector" => &mut w.connector,
                        "addressee" => &mut w.addressee,
                        "if" => &mut w.r#if,
                        "hope" => &mut w.hope,
                        "not_after_will" => &mut w.not_after_will,
                        "of" => &mut w.of,
                        "the" => &mut w.the,
                        "link" => &mut w.link,
                        k => return Err(err(format!("unknown key {k:?} in [words]"))),
                    };
                    slot.extend(words);
                    continue;
                }
                ("number", k) => {
                    let v: i64 = k.parse().map_err(|_| err(format!("{k:?} is no number")))?;
                    p.numbers.extend(list.into_iter().map(|ph| (v, ph)));
                    continue;
                }
                (s, k) => return Err(err(format!("unknown key {k:?} in [{s}]"))),
            };
            slot.extend(list);
            slot.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        }
        p.due.sort_by_key(|(_, p)| std::cmp::Reverse(p.0.len()));
        p.numbers.sort_by_key(|(_, p)| std::cmp::Reverse(p.0.len()));
        if p.say.is_empty() {
            return Err(RulesError {
                language: language.to_owned(),
                line: 0,
                message: "no [promise] say = ... phrases".into(),
            });
        }
        Ok(p)
    }
}
