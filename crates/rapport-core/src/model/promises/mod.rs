//! Promises found in mail. In the new text of a message (quotations already removed by the
//! reader), a sentence in which its author commits to something ("I'll send you the quote by
//! Friday", "we will pay the invoice by the end of the month") is a promise, with its due
//! date read relative to the message's day. Questions, requests, conditionals, refusals,
//! hedges, pleasantries, plans and someone else's word are not; neither is a machine's
//! absence notice. The phrasing is data, one rules file per language (`en.rules`).

mod phrasing;

use std::sync::LazyLock;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use phrasing::{DueRule, Phrase, Piece, Words};
pub use phrasing::{Phrasing, RulesError};

/// The rules files, one per language.
const RULES: &[(&str, &str)] = &[("en", include_str!("en.rules"))];

static LANGUAGES: LazyLock<Vec<Phrasing>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|(language, text)| {
            // The files are part of the program; a test reads each of them.
            Phrasing::parse(language, text).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
});

/// Every language's rules.
pub fn languages() -> &'static [Phrasing] {
    &LANGUAGES
}

/// How much of a message's new text is read.
const MAX_READ_CHARS: usize = 20_000;

/// How many words of a sentence are read.
const MAX_SENTENCE_WORDS: usize = 120;

/// The longest promise text kept (the sentence is kept whole).
const MAX_TEXT_CHARS: usize = 200;

/// A promise found in a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FoundPromise {
    /// What is promised, from its verb ("Send you the revised quote").
    pub text: String,
    /// When, if the sentence says.
    pub due: Option<Date>,
    /// The sentence it came from.
    pub sentence: String,
}

/// What a sentence was judged to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Promise(FoundPromise),
    /// No word of promise in it.
    Nothing,
    Question,
    Conditional,
    Refusal,
    /// "I'll try", "I think we'll", "maybe I'll".
    Hedge,
    Pleasantry,
    /// "I'll be in Lisbon next week".
    Plan,
    /// "We'll need your signature".
    Request,
    /// "Dana said we'll".
    Reported,
}

/// The promises in a message's new text, its author's, due dates read from `day` (the
/// message's day in the member's time zone). None in a machine's message (`automatic`, or
/// an absence notice by its subject or first sentences).
pub fn find(subject: &str, text: &str, automatic: bool, day: Date) -> Vec<FoundPromise> {
    explain(subject, text, automatic, day)
        .into_iter()
        .filter_map(|(_, v)| match v {
            Verdict::Promise(p) => Some(p),
            _ => None,
        })
        .collect()
}

/// Each sentence of the new text with what it was judged to be (empty for a machine's
/// message).
pub fn explain(subject: &str, text: &str, automatic: bool, day: Date) -> Vec<(String, Verdict)> {
    // What a person writes by hand fits in this; the rest of a huge body is not read (the
    // finder's work grows faster than the text).
    let text = match text.char_indices().nth(MAX_READ_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    };
    let sentences = sentences(text);
    if automatic
        || languages()
            .iter()
            .any(|p| absence_notice(p, subject, &sentences))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in sentences {
        let mut verdicts: Vec<Verdict> =
            languages().iter().flat_map(|p| judge(p, &s, day)).collect();
        // A sentence says one thing unless it holds several promises.
        if verdicts.iter().any(|v| matches!(v, Verdict::Promise(_))) {
            verdicts.retain(|v| matches!(v, Verdict::Promise(_)));
        } else {
            verdicts.truncate(1);
        }
        if verdicts.is_empty() {
            verdicts.push(Verdict::Nothing);
        }
        for v in verdicts {
            out.push((s.clone(), v));
        }
    }
    out
}

/// Lower case, straight apostrophes and quotes.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '`' | '\u{b4}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A word of a sentence.
#[derive(Clone, Debug)]
struct Tok<'a> {
    /// As written, without the punctuation around it.
    raw: &'a str,
    /// Folded.
    word: String,
    /// A comma follows it.
    comma: bool,
    /// A semicolon, colon or dash follows it: the clause ends.
    stop: bool,
}

fn tokens(sentence: &str) -> Vec<Tok<'_>> {
    let mut out: Vec<Tok<'_>> = Vec::new();
    for piece in sentence.split_whitespace() {
        let is_edge = |c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}');
        let raw = piece.trim_matches(is_edge);
        let tail = &piece[piece.len() - piece.trim_start_matches(is_edge).len()..];
        let after = &tail[tail.trim_end_matches(is_edge).len()..];
        if raw.is_empty() {
            if let Some(last) = out.last_mut() {
                last.stop |= piece.contains(['-', '\u{2013}', '\u{2014}', ';', ':']);
                last.comma |= piece.contains(',');
            }
            continue;
        }
        let word = fold(raw)
            .trim_end_matches(['\'', '.'])
            .trim_start_matches('\'')
            .to_owned();
        out.push(Tok {
            raw,
            word,
            comma: after.contains(','),
            stop: after.contains([';', ':', '\u{2013}', '\u{2014}']),
        });
    }
    out
}

/// A number in digits or words: its value and where it ends.
fn number_at(p: &Phrasing, toks: &[Tok<'_>], i: usize) -> Option<(i64, usize)> {
    let t = toks.get(i)?;
    if let Ok(n) = t.word.parse::<i64>() {
        return Some((n, i + 1));
    }
    p.numbers.iter().find_map(|(value, phrase)| {
        let words: Option<Vec<&str>> = phrase
            .0
            .iter()
            .map(|piece| match piece {
                Piece::Word(w) => Some(w.as_str()),
                _ => None,
            })
            .collect();
        let words = words?;
        let ok = words
            .iter()
            .enumerate()
            .all(|(k, w)| toks.get(i + k).is_some_and(|t| t.word == *w));
        ok.then_some((*value, i + words.len()))
    })
}

/// Whether `phrase` is said at `i` (within `toks[..limit]`): where it ends and the number
/// it holds.
fn match_at(
    p: &Phrasing,
    phrase: &Phrase,
    toks: &[Tok<'_>],
    i: usize,
    limit: usize,
) -> Option<(usize, Option<i64>)> {
    fn go(
        p: &Phrasing,
        pieces: &[Piece],
        toks: &[Tok<'_>],
        i: usize,
        limit: usize,
        n: Option<i64>,
    ) -> Option<(usize, Option<i64>)> {
        let Some((first, rest)) = pieces.split_first() else {
            return Some((i, n));
        };
        match first {
            Piece::Word(w) => {
                if i < limit && toks[i].word == *w {
                    go(p, rest, toks, i + 1, limit, n)
                } else {
                    None
                }
            }
            Piece::Number => {
                let (value, end) = number_at(p, toks, i).filter(|(_, e)| *e <= limit)?;
                go(p, rest, toks, end, limit, Some(value))
            }
            Piece::Gap => (0..=8)
                .take_while(|k| i + k <= limit)
                .find_map(|k| go(p, rest, toks, i + k, limit, n)),
        }
    }
    go(p, &phrase.0, toks, i, limit.min(toks.len()), None)
}

/// The first of `phrases` said at `i`.
fn any_at(
    p: &Phrasing,
    phrases: &[Phrase],
    toks: &[Tok<'_>],
    i: usize,
    limit: usize,
) -> Option<usize> {
    phrases
        .iter()
        .find_map(|ph| match_at(p, ph, toks, i, limit))
        .map(|(end, _)| end)
}

/// Whether any of `phrases` is said in `toks[from..to]`.
fn any_in(p: &Phrasing, phrases: &[Phrase], toks: &[Tok<'_>], from: usize, to: usize) -> bool {
    (from..to).any(|i| any_at(p, phrases, toks, i, to).is_some())
}

/// The text split into sentences: paragraphs and list items apart, lines of a paragraph
/// joined, then split after `.`, `!` and `?` (not after an abbreviation or an initial).
fn sentences(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, units: &mut Vec<String>| {
        if !current.trim().is_empty() {
            units.push(std::mem::take(current));
        }
        current.clear();
    };
    for line in text.lines() {
        let l = line.trim();
        let bullet = ["- ", "* ", "\u{2022} ", "\u{2013} "]
            .iter()
            .find_map(|b| l.strip_prefix(b))
            .or_else(|| {
                let digits = l.len() - l.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                (digits > 0 && digits < 3)
                    .then(|| &l[digits..])
                    .and_then(|r| r.strip_prefix(". ").or_else(|| r.strip_prefix(") ")))
            });
        if l.is_empty() || bullet.is_some() {
            flush(&mut current, &mut units);
        }
        if l.is_empty() {
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(bullet.unwrap_or(l).trim());
        // A greeting or a sign-off on its own line ("Hi Bo,", "Best,").
        if l.ends_with(',') && l.split_whitespace().count() <= 3 {
            flush(&mut current, &mut units);
        }
    }
    flush(&mut current, &mut units);

    const ABBREVIATIONS: &[&str] = &[
        "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "vs", "no", "approx", "incl", "st", "jr",
        "sr", "inc", "ltd", "co", "corp", "dept", "est", "fig", "pp", "ca", "cf", "al", "p.s",
        "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
        "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "a.s.a.p",
    ];
    let mut out = Vec::new();
    for unit in units {
        let chars: Vec<(usize, char)> = unit.char_indices().collect();
        let mut start = 0;
        for (k, &(at, c)) in chars.iter().enumerate() {
            if !matches!(c, '.' | '!' | '?') {
                continue;
            }
            let next = chars.get(k + 1).map(|(_, c)| *c);
            if next.is_some_and(|n| !n.is_whitespace()) {
                continue;
            }
            if c == '.' {
                let word = unit[start..at]
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("");
                let w = fold(word.trim_start_matches(['(', '"']));
                let w = w.trim_end_matches('.');
                if ABBREVIATIONS.contains(&w) || (w.chars().count() == 1 && w != "i") {
                    continue;
                }
            }
            let end = at + c.len_utf8();
            let s = unit[start..end].trim();
            if !s.is_empty() {
                out.push(s.to_owned());
            }
            start = end;
        }
        let rest = unit[start..].trim();
        if !rest.is_empty() {
            out.push(rest.to_owned());
        }
    }
    out
}

/// An absence notice: by its subject, or one of its first sentences saying both an absence
/// and a return.
fn absence_notice(p: &Phrasing, subject: &str, sentences: &[String]) -> bool {
    let subject = tokens(subject);
    let start = subject
        .iter()
        .take_while(|t| t.word == "re" || t.word == "fw")
        .count();
    if any_at(p, &p.automatic_subject, &subject, start, subject.len()).is_some() {
        return true;
    }
    // "I am out of the office until…", not "I'll be on holiday until…" (a plan).
    sentences.iter().take(3).any(|s| {
        let toks = tokens(s);
        any_in(p, &p.automatic_text, &toks, 0, toks.len())
            && any_in(p, &p.automatic_return, &toks, 0, toks.len())
            && !any_in(p, &p.say, &toks, 0, toks.len())
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opening {
    /// "I'll", "we will": the author says what the author will do.
    Say,
    /// "You will receive": what the other side gets from the author.
    Receive,
    /// "Let me check and get back to you".
    Back,
    /// "The deposit will be transferred by Friday": the author's, when it says when.
    Passive,
}

struct Trigger {
    start: usize,
    /// Where what is promised starts.
    verb: usize,
    /// Where the promise words end (for "let me … get back to you", after "you").
    end: usize,
    opening: Opening,
}

/// The sentence's verdicts, one per promise word in it.
fn judge(p: &Phrasing, sentence: &str, day: Date) -> Vec<Verdict> {
    let mut toks = tokens(sentence);
    toks.truncate(MAX_SENTENCE_WORDS);
    let n = toks.len();
    let mut triggers: Vec<Trigger> = Vec::new();
    let mut i = 0;
    while i < n {
        let opens_clause = i == 0 || toks[i - 1].comma || toks[i - 1].stop;
        let none: &[Phrase] = &[];
        let found = [
            (&p.back[..], Opening::Back),
            (&p.say[..], Opening::Say),
            (&p.say_ing[..], Opening::Say),
            (&p.receive[..], Opening::Receive),
            (&p.passive[..], Opening::Passive),
            // "Will do it tmrw": no subject, opening the sentence, a verb and more after it
            // (not "Will from accounts says hi").
            (
                if i == 0 && n >= 3 && !Words::has(&p.words.not_after_will, &toks[1].word) {
                    &p.say_at_start[..]
                } else {
                    none
                },
                Opening::Say,
            ),
            // "Expect the draft by Friday": opening a clause.
            (
                if opens_clause {
                    &p.receive_at_start[..]
                } else {
                    none
                },
                Opening::Receive,
            ),
        ]
        .into_iter()
        .find_map(|(phrases, opening)| {
            let ing = std::ptr::eq(phrases, &p.say_ing[..]);
            phrases.iter().find_map(|ph| {
                let (end, _) = match_at(p, ph, &toks, i, n)?;
                let verb = match opening {
                    // What is promised starts after "let me".
                    Opening::Back => i + 2,
                    // "I'm sending you…": from "sending".
                    Opening::Say if ing => end - 1,
                    // "The deposit will be transferred by…": from its subject.
                    Opening::Passive => (0..i)
                        .rev()
                        .find(|&j| toks[j].comma || toks[j].stop)
                        .map_or(0, |j| j + 1),
                    _ => end,
                };
                Some(Trigger {
                    start: i,
                    verb,
                    end,
                    opening,
                })
            })
        });
        match found {
            Some(t) => {
                // "Let me check … and get back to you": one promise to its end.
                i = if t.opening == Opening::Back {
                    t.end
                } else {
                    t.verb.max(i + 1)
                };
                triggers.push(t);
            }
            None => i += 1,
        }
    }
    if triggers.is_empty() {
        return Vec::new();
    }
    if sentence.trim_end().ends_with('?') {
        return vec![Verdict::Question];
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < triggers.len() {
        let t = &triggers[k];
        let next_trigger = triggers.get(k + 1).map_or(n, |t| t.start);
        let v = verdict(p, &toks, t, next_trigger, sentence, day);
        // "I'll rework the figures and you'll have them in two days": an undated promise
        // followed by when they receive it is one promise, due then.
        let delivery = triggers.get(k + 1).filter(|next| {
            next.opening == Opening::Receive
                && next.start > 0
                && Words::has(&p.words.and, &toks[next.start - 1].word)
        });
        if let (Verdict::Promise(found), Some(_)) = (&v, delivery)
            && found.due.is_none()
        {
            let after = triggers.get(k + 2).map_or(n, |t| t.start);
            let merged = verdict(p, &toks, t, after, sentence, day);
            if matches!(&merged, Verdict::Promise(m) if m.due.is_some()) {
                out.push(merged);
                k += 2;
                continue;
            }
        }
        // "…so you'll have them in Berlin": the same promise, not another.
        let echo = t.opening == Opening::Receive
            && k > 0
            && toks
                .get(t.end)
                .is_some_and(|w| Words::has(&p.words.pronoun, &w.word));
        if !echo {
            out.push(v);
        }
        k += 1;
    }
    out
}

fn verdict(
    p: &Phrasing,
    toks: &[Tok<'_>],
    t: &Trigger,
    next_trigger: usize,
    sentence: &str,
    day: Date,
) -> Verdict {
    let n = toks.len();
    // The clause the promise word opens: from the last comma or stop before it.
    let clause_start = (0..t.start)
        .rev()
        .find(|&j| toks[j].comma || toks[j].stop)
        .map_or(0, |j| j + 1);
    if t.opening != Opening::Back {
        if any_in(p, &p.reported, toks, clause_start, t.start) {
            return Verdict::Reported;
        }
        if any_in(p, &p.lead_in, toks, clause_start, t.start) {
            let hope = toks[clause_start..t.start]
                .iter()
                .any(|w| Words::has(&p.words.hope, &w.word));
            return if hope {
                Verdict::Pleasantry
            } else {
                Verdict::Hedge
            };
        }
    }
    let mut v = t.verb;
    if t.opening == Opening::Passive {
        return passive(p, toks, t, next_trigger, sentence, day);
    }
    while let Some(end) = any_at(p, &p.adverb, toks, v, n) {
        if end <= v {
            break;
        }
        v = end;
    }
    if v >= next_trigger.min(n) {
        return Verdict::Nothing;
    }
    if any_at(p, &p.refusal_verb, toks, v, n).is_some() {
        return Verdict::Refusal;
    }
    if any_at(p, &p.hedge_verb, toks, v, n).is_some() {
        return Verdict::Hedge;
    }
    if any_at(p, &p.pleasantry_verb, toks, v, n).is_some() {
        return Verdict::Pleasantry;
    }
    if any_at(p, &p.request_verb, toks, v, n).is_some() {
        return Verdict::Request;
    }
    if t.opening == Opening::Receive && any_at(p, &p.pleasantry_object, toks, v, n).is_some() {
        return Verdict::Pleasantry;
    }
    let be = Words::has(&p.words.be, &toks[v].word);
    let be_promise = be && any_at(p, &p.be_promise, toks, v + 1, n).is_some();
    if !be_promise
        && let Some(e) = any_at(p, &p.plan_verb, toks, v, n)
        && !toks
            .get(e)
            .is_some_and(|w| Words::has(&p.words.addressee, &w.word))
    {
        return Verdict::Plan;
    }
    if be {
        let promise = be_promise
            || toks.get(v + 1).is_some_and(|w| {
                w.word.ends_with("ing") && any_at(p, &p.be_plan, toks, v + 1, n).is_none()
            });
        if !promise {
            return Verdict::Plan;
        }
    }
    // Where the promise's clause ends: at a semicolon, colon or dash, at a comma before "but",
    // "so", "and"…, at the next promise.
    let mut end = v;
    while end < next_trigger.min(n) {
        let tok = &toks[end];
        end += 1;
        if end >= t.end
            && (tok.stop
                || (tok.comma
                    && toks
                        .get(end)
                        .is_some_and(|w| Words::has(&p.words.connector, &w.word))))
        {
            break;
        }
    }
    // A condition before it or in its clause ("if", "unless", "should you"), but not "check
    // if" (whether).
    for i in 0..end {
        let Some(cond_end) = any_at(p, &p.conditional, toks, i, end) else {
            continue;
        };
        let whether = Words::has(&p.words.r#if, &toks[i].word)
            && (i.saturating_sub(4)..i).any(|j| {
                any_at(p, &p.whether_before, toks, j, i).is_some()
                    && !toks[j..i].iter().any(|t| t.comma || t.stop)
            });
        if !whether && cond_end > i {
            return Verdict::Conditional;
        }
    }
    let (due, span) = match find_due(p, toks, v, end, day) {
        Some((due, from, to)) => (due, Some((from, to))),
        None => {
            // "Tomorrow I'll…", "By Friday, you will receive…": a date opening the sentence.
            match find_due(p, toks, 0, t.start, day).filter(|(_, from, _)| *from <= 2) {
                Some((due, _, _)) => (due, None),
                None => (None, None),
            }
        }
    };
    let from = if t.opening == Opening::Receive {
        t.start
    } else {
        v
    };
    let text = promise_text(p, toks, from, end, span);
    let text = if text.is_empty() {
        sentence.to_owned()
    } else {
        text
    };
    Verdict::Promise(FoundPromise {
        text,
        due,
        sentence: sentence.to_owned(),
    })
}

/// "The deposit will be transferred by 14 April": a promise only when it says when.
fn passive(
    p: &Phrasing,
    toks: &[Tok<'_>],
    t: &Trigger,
    next_trigger: usize,
    sentence: &str,
    day: Date,
) -> Verdict {
    let end = next_trigger.min(toks.len());
    if any_in(p, &p.conditional, toks, 0, end) {
        return Verdict::Conditional;
    }
    if any_in(p, &p.reported, toks, t.verb, t.start) {
        return Verdict::Reported;
    }
    let Some((due, from, to)) = find_due(p, toks, t.start, end, day) else {
        return Verdict::Nothing;
    };
    let text = promise_text(p, toks, t.verb, end, Some((from, to)));
    Verdict::Promise(FoundPromise {
        text: if text.is_empty() {
            sentence.to_owned()
        } else {
            text
        },
        due,
        sentence: sentence.to_owned(),
    })
}

/// The words of the promise, without its due date and the words that went with it.
fn promise_text(
    p: &Phrasing,
    toks: &[Tok<'_>],
    from: usize,
    to: usize,
    due: Option<(usize, usize)>,
) -> String {
    let mut keep: Vec<bool> = vec![true; toks.len()];
    if let Some((mut a, b)) = due {
        // The words before the date that go with it ("by", "at the latest", "first thing").
        loop {
            let before =
                (a.saturating_sub(3)..a).find(|&j| any_at(p, &p.text_cut, toks, j, a) == Some(a));
            match before {
                Some(j) if j >= from => a = j,
                _ => break,
            }
        }
        for k in keep.iter_mut().take(b).skip(a) {
            *k = false;
        }
        // "at the latest" after it.
        if let Some(e) = any_at(p, &p.text_cut, toks, b, to) {
            for k in keep.iter_mut().take(e).skip(b) {
                *k = false;
            }
        }
    }
    let words: Vec<&str> = (from..to.min(toks.len()))
        .filter(|&k| keep[k])
        .map(|k| toks[k].raw)
        .collect();
    let text = words.join(" ");
    let mut text = text.trim_end_matches(|c: char| !c.is_alphanumeric());
    // "I'll send the quote today and we'll…": the link to the next promise is not this one's.
    while let Some((head, last)) = text.rsplit_once(' ') {
        if !Words::has(&p.words.link, &fold(last)) {
            break;
        }
        text = head.trim_end_matches(|c: char| !c.is_alphanumeric());
    }
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if out.chars().count() > MAX_TEXT_CHARS {
        out = out.chars().take(MAX_TEXT_CHARS - 1).collect::<String>() + "\u{2026}";
    }
    out
}

/// The first due date said in `toks[from..to]`: the date (none when it is ambiguous) and
/// the words that say it.
fn find_due(
    p: &Phrasing,
    toks: &[Tok<'_>],
    from: usize,
    to: usize,
    day: Date,
) -> Option<(Option<Date>, usize, usize)> {
    for i in from..to {
        if let Some(after) = any_at(p, &p.before, toks, i, to)
            && let Some((date, end)) = date_at(p, toks, after, to, day)
        {
            let date = date.and_then(|d| d.checked_sub(1.day()).ok());
            return Some((date, i, end));
        }
        if let Some((date, end)) = date_at(p, toks, i, to, day) {
            return Some((date, i, end));
        }
    }
    None
}

/// The day a date is said as at `i`, and where its words end.
fn date_at(
    p: &Phrasing,
    toks: &[Tok<'_>],
    i: usize,
    to: usize,
    day: Date,
) -> Option<(Option<Date>, usize)> {
    for (rule, phrase) in &p.due {
        if let Some((end, number)) = match_at(p, phrase, toks, i, to) {
            let date = match rule {
                DueRule::Days(d) => day.checked_add(d.days()).ok(),
                // Within ten years, or no date ("within 10000000 days" is nobody's date).
                DueRule::PlusDays => number
                    .filter(|n| (0..=3660).contains(n))
                    .and_then(|n| day.checked_add(n.days()).ok()),
                DueRule::PlusWeeks => number
                    .filter(|n| (0..=520).contains(n))
                    .and_then(|n| day.checked_add((7 * n).days()).ok()),
                DueRule::FridayThisWeek => friday_of_week(day, 0),
                DueRule::FridayNextWeek => friday_of_week(day, 1),
                DueRule::MonthEnd => Some(day.last_of_month()),
                DueRule::NextMonthEnd => day
                    .first_of_month()
                    .checked_add(1.month())
                    .ok()
                    .map(|d| d.last_of_month()),
            };
            return Some((date, end));
        }
    }
    if let Some(found) = explicit_date(p, toks, i, to, day) {
        return Some(found);
    }
    for (weekday, phrase) in &p.weekdays {
        if let Some((end, _)) = match_at(p, phrase, toks, i, to) {
            return Some((day.nth_weekday(1, *weekday).ok(), end));
        }
    }
    None
}

/// The Friday of the message's week (`weeks` = 0) or of a later one; for a message of the
/// weekend, "this week" is the coming one.
fn friday_of_week(day: Date, weeks: i64) -> Option<Date> {
    let offset = i64::from(day.weekday().to_monday_zero_offset());
    let monday = day.checked_sub(offset.days()).ok()?;
    let this = if offset > 4 { 1 } else { 0 };
    monday.checked_add((4 + 7 * (this + weeks)).days()).ok()
}

/// A day of the month as written: "15", "15th", "2nd".
fn day_number(word: &str) -> Option<(i8, bool)> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !["", "st", "nd", "rd", "th"].contains(&suffix) || digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let d: i8 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some((d, !suffix.is_empty()))
}

fn month_at(p: &Phrasing, toks: &[Tok<'_>], i: usize, to: usize) -> Option<(i8, usize)> {
    p.months
        .iter()
        .find_map(|(m, ph)| match_at(p, ph, toks, i, to).map(|(end, _)| (*m, end)))
}

/// The next time a day of a month comes, on or after `day` (or in the year given).
fn next_date(year: Option<i16>, month: i8, d: i8, day: Date) -> Option<Date> {
    match year {
        Some(y) => Date::new(y, month, d).ok(),
        None => {
            let this = Date::new(day.year(), month, d).ok();
            match this {
                Some(t) if t >= day => Some(t),
                _ => Date::new(day.year() + 1, month, d).ok(),
            }
        }
    }
}

fn year_at(toks: &[Tok<'_>], i: usize, to: usize) -> Option<i16> {
    (i < to)
        .then(|| toks[i].word.parse::<i16>().ok())
        .flatten()
        .filter(|y| (2000..=2100).contains(y))
}

/// "15 March", "15th of March", "March 15", "the 15th", "30/04", "2026-04-30".
fn explicit_date(
    p: &Phrasing,
    toks: &[Tok<'_>],
    i: usize,
    to: usize,
    day: Date,
) -> Option<(Option<Date>, usize)> {
    let w = toks.get(i).filter(|_| i < to)?.word.as_str();
    if w.contains('-')
        && let Ok(d) = w.parse::<Date>()
    {
        return Some((Some(d), i + 1));
    }
    // 30/04, 30.04, 30/04/2026: the day first unless only the other reading is a date.
    // (Not "10.30", a time, nor "4.50", a price.)
    let parts: Vec<&str> = w.split('/').filter(|s| !s.is_empty()).collect();
    if (parts.len() == 2 || parts.len() == 3)
        && parts.iter().all(|s| s.chars().all(|c| c.is_ascii_digit()))
        && parts[0].len() <= 2
        && parts[1].len() <= 2
    {
        let a: i8 = parts[0].parse().ok()?;
        let b: i8 = parts[1].parse().ok()?;
        let year = parts
            .get(2)
            .and_then(|y| y.parse::<i16>().ok())
            .map(|y| if y < 100 { 2000 + y } else { y });
        let (d, m) = match (a, b) {
            (a, b) if a > 12 && (1..=12).contains(&b) => (a, b),
            (a, b) if b > 12 && (1..=12).contains(&a) => (b, a),
            (a, b) if a == b && (1..=12).contains(&a) => (a, b),
            // 04/05: April or May?
            (a, b) if (1..=12).contains(&a) && (1..=12).contains(&b) => return Some((None, i + 1)),
            _ => return None,
        };
        return Some((next_date(year, m, d, day), i + 1));
    }
    // 15 March, 15th of March.
    if let Some((d, _)) = day_number(w) {
        let mut j = i + 1;
        if toks
            .get(j)
            .is_some_and(|t| Words::has(&p.words.of, &t.word))
        {
            j += 1;
        }
        if let Some((m, end)) = month_at(p, toks, j, to) {
            let year = year_at(toks, end, to);
            let end = end + usize::from(year.is_some());
            return Some((next_date(year, m, d, day), end));
        }
    }
    // March 15, March 15th.
    if let Some((m, end)) = month_at(p, toks, i, to)
        && let Some((d, _)) = toks
            .get(end)
            .filter(|_| end < to)
            .and_then(|t| day_number(&t.word))
    {
        let year = year_at(toks, end + 1, to);
        let end = end + 1 + usize::from(year.is_some());
        return Some((next_date(year, m, d, day), end));
    }
    // The 15th: this month's if not past, else next month's (not "the 2nd draft"; "the 15th
    // of March" is read from "15th").
    let alone = |k: usize| k >= to || toks[k - 1].comma || toks[k - 1].stop;
    if Words::has(&p.words.the, w)
        && alone(i + 2)
        && let Some((d, true)) = toks
            .get(i + 1)
            .filter(|_| i + 1 < to)
            .and_then(|t| day_number(&t.word))
    {
        let this = Date::new(day.year(), day.month(), d)
            .ok()
            .filter(|t| *t >= day);
        let date = this.or_else(|| {
            let next = day.first_of_month().checked_add(1.month()).ok()?;
            Date::new(next.year(), next.month(), d).ok()
        });
        return Some((date, i + 2));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Wednesday 4 March 2026.
    const WED: Date = date(2026, 3, 4);

    fn one(text: &str) -> Option<FoundPromise> {
        let found = find("Re: the quote", text, false, WED);
        assert!(found.len() <= 1, "{found:?}");
        found.into_iter().next()
    }

    fn due(text: &str) -> Option<Date> {
        one(text)
            .unwrap_or_else(|| panic!("no promise in {text:?}"))
            .due
    }

    fn verdict(text: &str) -> Verdict {
        let mut v = explain("", text, false, WED);
        assert_eq!(v.len(), 1, "{v:?}");
        v.remove(0).1
    }

    #[test]
    fn every_rules_file_reads() {
        for (language, text) in RULES {
            Phrasing::parse(language, text).expect("rules read");
        }
        assert!(Phrasing::parse("xx", "[promise]\nsay i'll").is_err());
        assert!(Phrasing::parse("xx", "[due]\nsoonish = soon").is_err());
    }

    #[test]
    fn a_promise_is_its_verb_and_what_follows_without_its_date() {
        let p = one("Hi Bo,\n\nI'll send you the revised quote by Friday.\n\nBest,\nAna")
            .expect("found");
        assert_eq!(p.text, "Send you the revised quote");
        assert_eq!(p.due, Some(date(2026, 3, 6)));
        assert_eq!(p.sentence, "I'll send you the revised quote by Friday.");
        let p = one("We will pay the invoice by the end of the month.").expect("found");
        assert_eq!(
            (p.text.as_str(), p.due),
            ("Pay the invoice", Some(date(2026, 3, 31)))
        );
        let p =
            one("Let me check with the warehouse and get back to you tomorrow.").expect("found");
        assert_eq!(p.text, "Check with the warehouse and get back to you");
        assert_eq!(p.due, Some(date(2026, 3, 5)));
        let p = one("You will receive the signed contract within 3 days.").expect("found");
        assert_eq!(
            (p.text.as_str(), p.due),
            (
                "You will receive the signed contract",
                Some(date(2026, 3, 7))
            )
        );
        assert_eq!(
            one("I promise to call you back.").map(|p| p.due),
            Some(None)
        );
    }

    #[test]
    fn due_dates_are_read_from_the_message_day() {
        let cases = [
            ("I'll send it today.", date(2026, 3, 4)),
            ("I'll send it tonight.", date(2026, 3, 4)),
            ("I'll do it right away.", date(2026, 3, 4)),
            ("I'll send it tomorrow.", date(2026, 3, 5)),
            ("I'll call you on Wednesday.", date(2026, 3, 11)),
            ("I'll call you next Tuesday.", date(2026, 3, 10)),
            ("I'll send it by the end of the week.", date(2026, 3, 6)),
            ("I'll send it this week.", date(2026, 3, 6)),
            ("I'll send it next week.", date(2026, 3, 13)),
            ("I'll send it by the end of next week.", date(2026, 3, 13)),
            ("We'll pay by the end of the month.", date(2026, 3, 31)),
            ("I'll send it within 10 days.", date(2026, 3, 14)),
            ("I'll send it within two days.", date(2026, 3, 6)),
            ("I'll send it on 15 March.", date(2026, 3, 15)),
            ("I'll send it on March 15.", date(2026, 3, 15)),
            ("I'll send it by 2 April.", date(2026, 4, 2)),
            ("I'll send it on the 15th.", date(2026, 3, 15)),
            ("I'll send it on the 2nd.", date(2026, 4, 2)),
            ("I'll send it by 30/04.", date(2026, 4, 30)),
            ("I'll send it on 1 March.", date(2027, 3, 1)),
            ("I'll send it before Friday.", date(2026, 3, 5)),
            ("I'll send it before 15 March.", date(2026, 3, 14)),
            ("Tomorrow I'll send it.", date(2026, 3, 5)),
            ("By Friday, you will receive the figures.", date(2026, 3, 6)),
            ("I'll send it the day after tomorrow.", date(2026, 3, 6)),
            ("I'll send it in a week.", date(2026, 3, 11)),
        ];
        for (text, expected) in cases {
            assert_eq!(due(text), Some(expected), "{text}");
        }
        assert_eq!(due("I'll send it by 04/05."), None, "ambiguous");
        assert_eq!(
            due("I'll call at 10.30 tomorrow."),
            Some(date(2026, 3, 5)),
            "a time"
        );
        assert_eq!(
            due("I'll send the 2nd draft tomorrow."),
            Some(date(2026, 3, 5))
        );
        assert_eq!(due("I'll pay within 10000000 days."), None, "nobody's date");
        assert_eq!(
            due("I'll do the same as before."),
            None,
            "before, and nothing after"
        );
        assert_eq!(due("I'll send you the deck."), None);
        // A weekend message's "this week" is the coming one.
        let sat = date(2026, 3, 7);
        assert_eq!(friday_of_week(sat, 0), Some(date(2026, 3, 13)));
        assert_eq!(friday_of_week(sat, 1), Some(date(2026, 3, 20)));
    }

    #[test]
    fn what_is_not_a_promise_is_said_so() {
        let cases = [
            ("Will you send the quote by Friday?", Verdict::Question),
            (
                "Our office manager, Birgit, will be in touch.",
                Verdict::Nothing,
            ),
            ("The invoice will be paid.", Verdict::Nothing),
            (
                "Subject to approval, we shall sign the licence.",
                Verdict::Conditional,
            ),
            ("So I'll send it Friday, OK?", Verdict::Question),
            ("Shall I send it tomorrow?", Verdict::Nothing),
            ("Could you please let me know by Friday.", Verdict::Nothing),
            (
                "If the order goes through, I'll ship on Monday.",
                Verdict::Conditional,
            ),
            ("I would send it if I could.", Verdict::Nothing),
            ("I sent the file yesterday.", Verdict::Nothing),
            ("I won't be able to make it.", Verdict::Nothing),
            ("I will not sign this contract.", Verdict::Refusal),
            ("We can't commit to that date.", Verdict::Nothing),
            ("I hope you'll enjoy the conference.", Verdict::Nothing),
            ("I'll keep my fingers crossed for you.", Verdict::Pleasantry),
            ("I'll be in Lisbon next week.", Verdict::Plan),
            ("We'll be closed on Monday.", Verdict::Plan),
            ("My colleague will send you the file.", Verdict::Nothing),
            ("Dana said we'll get the samples.", Verdict::Reported),
            ("I'll try to send it by Friday.", Verdict::Hedge),
            ("I think I'll manage it.", Verdict::Hedge),
            ("We'll need your signature by Friday.", Verdict::Request),
            ("You'll have a great time in Porto.", Verdict::Pleasantry),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(text, expected)| {
                let got = verdict(text);
                (got != *expected).then(|| format!("{text}: {got:?}, not {expected:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert!(matches!(
            verdict("I'll be in touch by Friday."),
            Verdict::Promise(_)
        ));
        assert!(matches!(
            verdict("I'll be sending the contract today."),
            Verdict::Promise(_)
        ));
        assert!(matches!(
            verdict("I'll check if the room is free and get back to you."),
            Verdict::Promise(_)
        ));
    }

    #[test]
    fn absence_notices_and_machines_promise_nothing() {
        let ooo = "I am out of the office until 12 March with limited access to email. I will respond to your message when I return.";
        assert!(find("Your order", ooo, false, WED).is_empty());
        assert!(
            find(
                "Automatic reply: the quote",
                "I'll answer on Monday.",
                false,
                WED
            )
            .is_empty()
        );
        assert!(find("The quote", "I'll answer on Monday.", true, WED).is_empty());
        assert_eq!(
            find(
                "Out of the office?",
                "No: I'll answer on Monday.",
                false,
                WED
            )
            .len(),
            0
        );
        assert_eq!(
            find("Re: the quote", "I'll answer on Monday.", false, WED).len(),
            1
        );
    }

    #[test]
    fn several_promises_and_hard_wrapped_lines() {
        let text = "Thanks Bo. I'll send the quote today and we'll\nship the samples on Monday. Could you confirm the address?\n- I'll call Dana tomorrow\n- we will invoice on the 15th";
        let found = find("", text, false, WED);
        let texts: Vec<(&str, Option<Date>)> =
            found.iter().map(|f| (f.text.as_str(), f.due)).collect();
        assert_eq!(
            texts,
            vec![
                ("Send the quote", Some(date(2026, 3, 4))),
                ("Ship the samples", Some(date(2026, 3, 9))),
                ("Call Dana", Some(date(2026, 3, 5))),
                ("Invoice", Some(date(2026, 3, 15))),
            ]
        );
    }
}
