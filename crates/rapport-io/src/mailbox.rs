//! Mail files in: each path a message (.eml), an mbox file, or a Maildir (its `cur` and
//! `new`) or any directory of message files, read one message at a time. What cannot be read
//! is reported with its path and why, and the rest goes on.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rapport_core::mail::{MAX_MESSAGE_BYTES, MailMessage, MailSkipped};
use rapport_formats::mail::{Mbox, MboxEntry, looks_like_mbox, parse_message};

/// The messages of some paths, in order, one at a time.
#[derive(Debug)]
pub struct MailFiles {
    pending: VecDeque<PathBuf>,
    mbox: Option<(String, Mbox<BufReader<File>>, usize)>,
}

impl MailFiles {
    pub fn new(paths: &[PathBuf]) -> MailFiles {
        MailFiles {
            pending: paths.iter().cloned().collect(),
            mbox: None,
        }
    }
}

fn skipped(path: impl Into<String>, reason: impl Into<String>) -> MailSkipped {
    MailSkipped {
        path: path.into(),
        reason: reason.into(),
    }
}

/// The message files of a directory: a Maildir's `cur` and `new`, else its own files, in
/// name order (hidden files and `tmp` left out).
fn files_of(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let maildir = dir.join("cur").is_dir() || dir.join("new").is_dir();
    let dirs: Vec<PathBuf> = if maildir {
        vec![dir.join("cur"), dir.join("new")]
    } else {
        vec![dir.to_path_buf()]
    };
    let mut files = Vec::new();
    for d in dirs.into_iter().filter(|d| d.is_dir()) {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_none_or(|n| n.starts_with('.'));
            if path.is_file() && !hidden {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// One mbox entry read, or why not.
fn read_entry(entry: std::io::Result<MboxEntry>, here: String) -> Result<MailMessage, MailSkipped> {
    match entry {
        Ok(MboxEntry::Message(bytes)) => {
            parse_message(&bytes).map_err(|e| skipped(here, e.to_string()))
        }
        Ok(MboxEntry::TooLarge(size)) => Err(skipped(
            here,
            format!("larger than 25 MB ({} MB)", size / (1024 * 1024)),
        )),
        Err(e) => Err(skipped(here, e.to_string())),
    }
}

/// Mail sent as bytes (an API request's body): one message, or an mbox, message by message.
pub fn read_bytes(bytes: &[u8], name: &str) -> Vec<Result<MailMessage, MailSkipped>> {
    if looks_like_mbox(bytes) {
        Mbox::new(std::io::BufReader::new(bytes))
            .enumerate()
            .map(|(n, entry)| read_entry(entry, format!("{name} (message {})", n + 1)))
            .collect()
    } else if bytes.len() as u64 > MAX_MESSAGE_BYTES {
        vec![Err(skipped(
            name,
            format!("larger than 25 MB ({} MB)", bytes.len() / (1024 * 1024)),
        ))]
    } else {
        vec![parse_message(bytes).map_err(|e| skipped(name, e.to_string()))]
    }
}

impl Iterator for MailFiles {
    type Item = Result<MailMessage, MailSkipped>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((path, mbox, n)) = &mut self.mbox {
                match mbox.next() {
                    Some(entry) => {
                        *n += 1;
                        let here = format!("{path} (message {n})");
                        return Some(read_entry(entry, here));
                    }
                    None => self.mbox = None,
                }
            }
            let path = self.pending.pop_front()?;
            let shown = path.display().to_string();
            if path.is_dir() {
                match files_of(&path) {
                    Ok(files) => {
                        for f in files.into_iter().rev() {
                            self.pending.push_front(f);
                        }
                        continue;
                    }
                    Err(e) => return Some(Err(skipped(shown, e.to_string()))),
                }
            }
            let size = match std::fs::metadata(&path) {
                Ok(m) => m.len(),
                Err(e) => return Some(Err(skipped(shown, e.to_string()))),
            };
            let mut file = match File::open(&path) {
                Ok(f) => f,
                Err(e) => return Some(Err(skipped(shown, e.to_string()))),
            };
            let mut start = [0u8; 5];
            let n = file.read(&mut start).unwrap_or(0);
            if looks_like_mbox(&start[..n]) {
                // Read from the top again: the first "From " line opens the first message.
                match File::open(&path) {
                    Ok(f) => {
                        self.mbox = Some((shown, Mbox::new(BufReader::new(f)), 0));
                        continue;
                    }
                    Err(e) => return Some(Err(skipped(shown, e.to_string()))),
                }
            }
            if size > MAX_MESSAGE_BYTES {
                return Some(Err(skipped(
                    shown,
                    format!("larger than 25 MB ({} MB)", size / (1024 * 1024)),
                )));
            }
            let mut bytes = start[..n].to_vec();
            if let Err(e) = file.read_to_end(&mut bytes) {
                return Some(Err(skipped(shown, e.to_string())));
            }
            return Some(parse_message(&bytes).map_err(|e| skipped(shown, e.to_string())));
        }
    }
}
