//! Any bytes given to the CSV reader give rows or per-row errors (or a refused header),
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_formats::csv::{Field, Reader};

fuzz_target!(|data: &[u8]| {
    let maps = [("x".to_owned(), Field::Name)];
    for m in [&maps[..], &[][..]] {
        if let Ok(r) = Reader::new(data, m) {
            for row in r {
                if let Ok(c) = row {
                    assert!(!c.name.is_empty());
                }
            }
        }
    }
});
