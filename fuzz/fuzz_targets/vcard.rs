//! Any bytes given to the vCard reader give cards or per-card errors, never a panic; every
//! card read is skipped as empty (and says so) or becomes a contact Rapport takes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_formats::vcard::Reader;

fuzz_target!(|data: &[u8]| {
    for card in Reader::new(data) {
        if let Ok(c) = card {
            if c.empty {
                assert!(!c.warnings.is_empty());
            } else if let Err(e) = c.importable() {
                panic!("a card read is refused: {e}: {c:?}");
            }
        }
    }
});
