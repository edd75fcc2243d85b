//! The promise finder against the labelled corpus (tests/data/promises-en.mbox, described
//! in promises-en.md): every message read as a mail import reads it (MIME, new text,
//! automatic replies), its promises found with the member in Europe/Berlin, and compared
//! with its labels. Prints the confusion per kind; the figures in docs/benchmarks.md come
//! from `cargo test -p rapport-formats --test promise_corpus -- --nocapture`
//! (`RAPPORT_CORPUS_VERBOSE=1` lists every miss and every false find).

use std::collections::BTreeMap;
use std::io::BufReader;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rapport_core::promises;
use rapport_formats::mail::{Mbox, MboxEntry, parse_message};

const ME: &str = "sam@rapport.test";

struct Expected {
    mine: bool,
    due: Option<Date>,
    fragment: String,
}

fn fold(s: &str) -> String {
    s.replace('\u{2019}', "'").to_lowercase()
}

fn header<'a>(raw: &'a str, name: &str) -> Vec<&'a str> {
    let head = raw.split("\n\n").next().unwrap_or("");
    head.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then_some(v.trim())
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    messages: usize,
    expected: usize,
    found_right: usize,
    missed: usize,
    false_finds: usize,
    /// Messages of the kind where something was found that is no promise.
    messages_with_false_finds: usize,
}

#[test]
fn the_finder_reaches_its_figures_on_the_labelled_corpus() {
    evaluate("promises-en.mbox", 250);
}

/// Written without seeing the finder and never used to tune it: the honest figure.
#[test]
fn the_finder_reaches_its_figures_on_the_held_out_corpus() {
    evaluate("promises-en-holdout.mbox", 138);
}

fn evaluate(name: &str, messages: usize) {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).expect("corpus");
    let tz = TimeZone::get("Europe/Berlin").expect("zone");
    let verbose = std::env::var_os("RAPPORT_CORPUS_VERBOSE").is_some();
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut dated, mut due_exact, mut due_wrong_none) = (0usize, 0usize, 0usize);
    let mut read = 0;
    for entry in Mbox::new(BufReader::new(file)) {
        let bytes = match entry.expect("read") {
            MboxEntry::Message(b) => b,
            MboxEntry::TooLarge(_) => panic!("a corpus message is too large"),
        };
        read += 1;
        let raw = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
        let kind = header(&raw, "X-Rapport-Kind")
            .first()
            .expect("every message has a kind")
            .to_string();
        let expected: Vec<Expected> = header(&raw, "X-Rapport-Expect")
            .iter()
            .map(|e| {
                let parts: Vec<&str> = e.splitn(3, '|').map(str::trim).collect();
                Expected {
                    mine: parts[0] == "mine",
                    due: (parts[1] != "none").then(|| parts[1].parse().expect("due")),
                    fragment: fold(parts[2]),
                }
            })
            .collect();
        let m = parse_message(&bytes).expect("a corpus message reads");
        let mine = m.from.email == ME;
        let day = m.at.to_zoned_datetime(tz.clone()).date();
        let found = if m.automatic {
            Vec::new()
        } else {
            promises::find(&m.subject, &m.text, false, day)
        };
        let id = m.message_id.clone().unwrap_or_default();
        let tally = by_kind.entry(kind.clone()).or_default();
        tally.messages += 1;
        tally.expected += expected.len();
        let mut matched = vec![false; expected.len()];
        let mut false_here = 0;
        for f in &found {
            // The promise the label names: its fragment in the sentence, and the found
            // text saying some of the fragment's words (two promises can share a sentence).
            let sentence = fold(&f.sentence);
            let text = fold(&f.text);
            let words = |t: &str| -> Vec<String> {
                t.split(|c: char| !c.is_alphanumeric() && c != '\'')
                    .filter(|w| {
                        w.len() >= 3 && !["you", "the", "and", "i'll", "will", "we'll"].contains(w)
                    })
                    .map(str::to_owned)
                    .collect()
            };
            let found_words = words(&text);
            let hit = expected
                .iter()
                .enumerate()
                .filter(|(k, e)| !matched[*k] && e.mine == mine && sentence.contains(&e.fragment))
                .map(|(k, e)| {
                    let shared = words(&e.fragment)
                        .iter()
                        .filter(|w| found_words.contains(w))
                        .count();
                    (k, e, shared)
                })
                .filter(|(_, _, shared)| *shared > 0)
                .max_by_key(|(_, _, shared)| *shared)
                .map(|(k, e, _)| (k, e));
            match hit {
                Some((k, e)) => {
                    matched[k] = true;
                    tally.found_right += 1;
                    if let Some(due) = e.due {
                        dated += 1;
                        if f.due == Some(due) {
                            due_exact += 1;
                        } else if verbose {
                            println!(
                                "DUE  {id} expected {due}, found {:?}: {}",
                                f.due, f.sentence
                            );
                        }
                    } else if f.due.is_some() {
                        due_wrong_none += 1;
                        if verbose {
                            println!("DUE  {id} expected none, found {:?}: {}", f.due, f.sentence);
                        }
                    }
                }
                None => {
                    false_here += 1;
                    if verbose {
                        println!("FALSE {id} [{kind}] {:?} from: {}", f.text, f.sentence);
                    }
                }
            }
        }
        for (k, e) in expected.iter().enumerate() {
            if !matched[k] {
                tally.missed += 1;
                if verbose {
                    println!("MISS {id} [{kind}] {:?}", e.fragment);
                }
            }
        }
        tally.false_finds += false_here;
        tally.messages_with_false_finds += usize::from(false_here > 0);
    }
    assert_eq!(read, messages, "the whole corpus was read");

    println!("{name}");
    println!("kind            messages  promises  found  missed  false finds (messages)");
    let (mut tp, mut fp, mut fnn) = (0, 0, 0);
    let (mut positives, mut negatives) = (0, 0);
    for (kind, t) in &by_kind {
        println!(
            "{kind:<15} {:>8}  {:>8}  {:>5}  {:>6}  {:>5} ({})",
            t.messages,
            t.expected,
            t.found_right,
            t.missed,
            t.false_finds,
            t.messages_with_false_finds
        );
        tp += t.found_right;
        fp += t.false_finds;
        fnn += t.missed;
        if kind == "promise" {
            positives += t.messages;
        } else {
            negatives += t.messages;
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fnn).max(1) as f64;
    let due_rate = due_exact as f64 / dated.max(1) as f64;
    println!(
        "promises {}: found {tp}, missed {fnn}, false finds {fp}; precision {precision:.3}, recall {recall:.3}; due exact {due_exact}/{dated} = {due_rate:.3} (and {due_wrong_none} dated where the sentence says none)",
        tp + fnn
    );
    assert!(
        negatives >= positives,
        "at least as many negatives as positives"
    );
    assert!(
        by_kind.len() >= 12,
        "every kind of negative is in the corpus"
    );
    assert!(precision >= 0.9, "precision {precision:.3} < 0.9");
    assert!(recall >= 0.75, "recall {recall:.3} < 0.75");
    assert!(due_rate >= 0.85, "due dates exact {due_rate:.3} < 0.85");
}
