//! Every real-world vCard file that ships inside the calcard crate (exports from Apple,
//! Android, Outlook, Nextcloud, Evolution and others, `resources/vcard/`) imports or gets a
//! clear per-card error; none panics; at least 240 of its 244 files import whole (a value
//! that is not what it claims is kept in a note, not a reason to refuse). Prints the counts.

use std::path::{Path, PathBuf};

use rapport_core::contact::RelationshipType;
use rapport_formats::vcard::Reader;

/// calcard's version from the workspace's lock file.
fn calcard_version() -> Option<String> {
    let lock =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock"))
            .ok()?;
    let at = lock.find("name = \"calcard\"")?;
    let rest = &lock[at..];
    let v = rest
        .lines()
        .nth(1)?
        .trim()
        .strip_prefix("version = \"")?
        .strip_suffix('"')?;
    Some(v.to_owned())
}

/// calcard's `resources/vcard` in the cargo registry (where cargo unpacked the crate).
fn resources() -> Option<PathBuf> {
    let version = calcard_version()?;
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry").join("src");
    std::fs::read_dir(src).ok()?.flatten().find_map(|index| {
        let dir = index
            .path()
            .join(format!("calcard-{version}"))
            .join("resources")
            .join("vcard");
        dir.is_dir().then_some(dir)
    })
}

#[test]
fn every_real_world_file_imports_or_says_which_card_is_wrong() {
    let Some(dir) = resources() else {
        assert!(
            std::env::var("CI").is_err(),
            "calcard's resources/vcard not found in the cargo registry"
        );
        eprintln!("calcard's resources/vcard not found: skipped");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("resources")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
        .collect();
    files.sort();
    let owner = rapport_core::ids::UserId::generate();
    let now = jiff::Timestamp::UNIX_EPOCH;
    let (mut cards, mut imported, mut refused, mut whole_files, mut skipped) = (0, 0, 0, 0, 0);
    for file in &files {
        let bytes = std::fs::read(file).expect("read");
        let refused_before = refused;
        let mut reader = Reader::new(&bytes[..]);
        for card in reader.by_ref() {
            // Empty cards and stray text are skipped (and said), as the import does.
            if card.as_ref().is_ok_and(|c| c.empty) {
                skipped += 1;
                continue;
            }
            cards += 1;
            let checked = card.map_err(|e| e.to_string()).and_then(|c| {
                let (new, facts) = c.to_new(RelationshipType::Prospect);
                let contact = new
                    .into_contact(owner.clone(), now)
                    .map_err(|e| e.message)?;
                for f in facts {
                    f.into_fact(contact.id.clone(), now)
                        .map_err(|e| e.message)?;
                }
                Ok(())
            });
            match checked {
                Ok(()) => imported += 1,
                Err(message) => {
                    refused += 1;
                    assert!(
                        !message.trim().is_empty(),
                        "{}: an empty error",
                        file.display()
                    );
                    eprintln!(
                        "{}: {message}",
                        file.file_name()
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default()
                    );
                }
            }
        }
        // A file imports whole when none of its cards is refused and it has cards (a file
        // of nothing but stray text is not a vCard; empty cards import as nothing).
        if refused == refused_before && reader.last_card().0 > 0 {
            whole_files += 1;
        }
    }
    println!(
        "calcard resources/vcard: {} files ({whole_files} import whole), {cards} cards read: {imported} import, {refused} refused with a reason; {skipped} empty cards or stray text skipped",
        files.len()
    );
    assert!(
        whole_files >= 240,
        "{whole_files} of {} files import whole",
        files.len()
    );
    assert!(files.len() >= 100, "{} files", files.len());
    assert!(
        imported >= files.len(),
        "most files hold at least one good card: {imported}"
    );
}
