//! Search folding: the text form in which names, organisations, emails and tags are compared,
//! so that "elodie", "ÉLODIE" and "Élodie" are the same, in any script.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for case- and accent-insensitive matching: Unicode compatibility decomposition
/// (NFKD), combining marks removed, lower-cased, and the Latin letters that do not decompose
/// (ß, ø, æ, œ, ł, đ, ð, þ, ı) spelled out. Runs of whitespace become one space; the result
/// is trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'þ' | 'Þ' => out.push_str("th"),
            'ı' => out.push('i'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Invisible formatting characters (zero-width, bidirectional overrides, the BOM, the soft
/// hyphen), which would make text read other than it is: refused in names and notes.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Escapes `%`, `_` and `\` so folded user text can sit inside a `LIKE … ESCAPE '\'` pattern.
pub fn like_escape(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() + 2);
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A `LIKE` pattern that matches folded text containing `query` anywhere.
pub fn contains_pattern(query: &str) -> String {
    format!("%{}%", like_escape(&fold(query)))
}

/// A `LIKE` pattern that matches folded text starting with `query`.
pub fn prefix_pattern(query: &str) -> String {
    format!("{}%", like_escape(&fold(query)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("Élodie"), "elodie");
        assert_eq!(fold("ÉLODIE"), "elodie");
        assert_eq!(fold("elodie"), "elodie");
        assert_eq!(fold("José Núñez"), "jose nunez");
        assert_eq!(fold("Zoë  Brontë "), "zoe bronte");
    }

    #[test]
    fn letters_without_decomposition_are_spelled_out() {
        assert_eq!(fold("Søren Kierkegaard"), "soren kierkegaard");
        assert_eq!(fold("Łukasz Żółć"), "lukasz zolc");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ærø"), "aero");
    }

    #[test]
    fn other_scripts_keep_their_letters_but_lose_case_and_marks() {
        assert_eq!(fold("ΑΘΗΝΆ"), "αθηνα");
        // Marks are dropped in every script (й folds like и, as Russian search commonly
        // does); since both sides are folded, "Дмитрий" still finds "Дмитрий".
        assert_eq!(fold("Дмитрий"), fold("ДМИТРИЙ"));
        assert_eq!(fold("Ёлка"), "елка");
        assert_eq!(fold("山田 太郎"), "山田 太郎");
        // Full-width forms fold to their ASCII equivalents (NFKD).
        assert_eq!(fold("ＡＢＣ"), "abc");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(prefix_pattern("Él"), "el%");
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn folding_ignores_case_of_ascii(s in "[a-zA-Z ]{0,30}") {
            prop_assert_eq!(fold(&s.to_uppercase()), fold(&s.to_lowercase()));
        }
    }
}
