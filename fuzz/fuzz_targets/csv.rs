//! Any bytes given to the CSV reader give rows or per-row errors (or a refused header),
//! never a panic; every row read is skipped as empty or becomes a contact Rapport takes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_formats::csv::{Field, Reader};

fuzz_target!(|data: &[u8]| {
    let maps = [("x".to_owned(), Field::Name)];
    for m in [&maps[..], &[][..]] {
        if let Ok(r) = Reader::new(data, m) {
            for row in r {
                if let Ok(c) = row {
                    if c.empty {
                        assert!(!c.warnings.is_empty());
                    } else if let Err(e) = c.importable() {
                        panic!("a row read is refused: {e}: {c:?}");
                    }
                }
            }
        }
    }
});
