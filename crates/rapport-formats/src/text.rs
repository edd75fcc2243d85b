//! Bytes to text: UTF-8 (a byte-order mark dropped), else Windows-1252, the encoding of old
//! Outlook and Windows exports. Every byte sequence decodes to something, so a file is never
//! refused for its encoding alone; what it says is checked later.

/// The characters Windows-1252 puts at 0x80..=0x9F (the rest of the upper half is Latin-1).
/// Unassigned positions map to their C1 control, as browsers do.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Decodes Windows-1252.
pub fn windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// UTF-8 when the bytes are UTF-8 (without a leading byte-order mark), else Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => windows_1252(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_stays_and_windows_1252_is_read() {
        assert_eq!(decode("Élodie Müller".as_bytes()), "Élodie Müller");
        assert_eq!(decode(b"\xef\xbb\xbfAna"), "Ana");
        assert_eq!(
            decode(b"Fran\xe7ois \x80 \x93quoted\x94"),
            "François € “quoted”"
        );
    }
}
