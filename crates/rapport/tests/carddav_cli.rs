//! Phone sync over CardDAV with a real client: vdirsyncer (PyPI) syncs a local folder both
//! ways with a real `rapport serve` on the 2,000-contact demo, through
//! `scripts/carddav-sync-check.py` (first sync, ten quiet syncs, create, edit and delete on
//! each side, a conflicting edit, ten quiet syncs again); then the contact edited on the
//! device still has its facts, promises and trust, and changes made with the CLI (an edit, an
//! archive) reach the device on the next sync. The same script runs against Radicale (PyPI),
//! the reference, which must pass it too.
//!
//! Needs `RAPPORT_TEST_VDIRSYNCER` (a Python with vdirsyncer and radicale) when the tests are
//! built; ignored without it, and required under CI=true.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

#[macro_use]
mod common;
use common::Book;
use rapport_test_support::{on_both_books_with_vdirsyncer, with_vdirsyncer};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../scripts/carddav-sync-check.py"
);

/// A server process, stopped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn wait_for(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("nothing answers on port {port}");
}

fn serve(b: &Book) -> (Running, u16) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("RAPPORT_DB", &b.url)
        .env("HOME", b.dir.path())
        .env_remove("XDG_DATA_HOME")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let running = Running(child);
    wait_for(port);
    (running, port)
}

/// Runs the sync script; its JSON summary.
fn check_sync(args: &[&str]) -> Value {
    let out = Command::new(rapport_test_support::vdirsyncer_python())
        .arg(SCRIPT)
        .args(args)
        .output()
        .expect("run the sync script");
    assert!(
        out.status.success(),
        "the sync check failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON summary")
}

/// One more vdirsyncer sync with the script's configuration.
fn vdirsyncer_sync(work: &Path) {
    let python = rapport_test_support::vdirsyncer_python();
    let exe = Path::new(&python).with_file_name("vdirsyncer");
    let out = Command::new(exe)
        .arg("-c")
        .arg(work.join("config"))
        .arg("sync")
        .output()
        .expect("vdirsyncer");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The device's card with this UID, if it has one.
fn device_card(work: &Path, uid: &str) -> Option<String> {
    let local = work.join("local");
    for dir in std::fs::read_dir(&local).expect("local").flatten() {
        for f in std::fs::read_dir(dir.path()).expect("collection").flatten() {
            let text = std::fs::read_to_string(f.path()).expect("card");
            if text.lines().any(|l| l.trim_end() == format!("UID:{uid}")) {
                return Some(text);
            }
        }
    }
    None
}

fn token(b: &Book, email: &str) -> String {
    let out = b.ok(&["token", "create", email, "--name", "phone"]);
    out.split_whitespace()
        .find(|w| w.starts_with("rpt_"))
        .expect("a token")
        .to_owned()
}

/// A contact of the demo with facts and promises, and a name no other contact has.
fn contact_with_history(b: &Book) -> (String, String, usize, usize) {
    let commitments = b.json(&["commitments"]);
    for c in commitments.as_array().expect("list") {
        let id = c["contact_id"].as_str().expect("id");
        let shown = b.json(&["contact", "show", id]);
        let name = shown["name"].as_str().expect("name").to_owned();
        let facts = shown["facts"].as_array().map_or(0, Vec::len);
        let namesakes = b.json(&["contact", "list", "--search", &name]);
        let same = namesakes["items"]
            .as_array()
            .or(namesakes.as_array())
            .map_or(0, |l| {
                l.iter().filter(|x| x["name"] == name.as_str()).count()
            });
        if facts > 0 && same == 1 {
            let promises = b.json(&["commitments", id]).as_array().map_or(0, Vec::len);
            return (id.to_owned(), name, facts, promises);
        }
    }
    panic!("no demo contact with facts, promises and a name of its own");
}

fn a_phone_syncs_both_ways_without_losing_anything(b: &Book) {
    b.ok(&[
        "user",
        "add",
        "ana@example.com",
        "--role",
        "owner",
        "--name",
        "Ana",
    ]);
    b.ok(&["demo", "--contacts", "2000"]);
    let password = token(b, "ana@example.com");
    let (id, name, facts, promises) = contact_with_history(b);
    let trust = b.json(&["trust", &id]);
    let (_server, port) = serve(b);
    let work = b.dir.path().join("device");
    let url = format!("http://127.0.0.1:{port}/");
    let summary = check_sync(&[
        "--url",
        &url,
        "--user",
        "ana@example.com",
        "--password",
        &password,
        "--work",
        &work.display().to_string(),
        "--expect",
        "2000",
        "--edit-name",
        &name,
    ]);
    assert_eq!(summary["ok"], true, "{summary}");
    assert_eq!(summary["edited_uid"], id.as_str(), "{summary}");

    // Renamed on the device (the device won the conflict), the contact keeps all that
    // only Rapport knows.
    let shown = b.json(&["contact", "show", &id]);
    assert_eq!(shown["name"], "Conflict Device", "{shown}");
    assert_eq!(
        shown["facts"].as_array().map_or(0, Vec::len),
        facts,
        "{shown}"
    );
    assert_eq!(
        b.json(&["commitments", &id]).as_array().map_or(0, Vec::len),
        promises
    );
    // The same record behind both trust directions (the scores themselves move with time).
    let record = |t: &Value| -> Vec<(String, String, String)> {
        ["mine", "theirs"]
            .iter()
            .flat_map(|side| {
                let status = t[side]["status"].as_str().unwrap_or("").to_owned();
                t[side]["explanation"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(move |e| {
                        (
                            status.clone(),
                            e["commitment_id"].as_str().unwrap_or("").to_owned(),
                            e["outcome"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let after = b.json(&["trust", &id]);
    assert_eq!(record(&after), record(&trust), "{after}");
    // The card made on the device is a contact; the one deleted there is archived.
    b.ok(&["contact", "show", "Dana Device"]);
    assert_eq!(
        b.json(&["contact", "list", "--archived"])
            .as_array()
            .map_or(0, Vec::len),
        2,
        "the card deleted on the device and the one deleted on the server are archived"
    );

    // A change made with the CLI reaches the device on the next sync; an archived contact
    // leaves it.
    b.ok(&["contact", "edit", &id, "--org", "Changed In The CLI"]);
    let gone = summary_uid_of_another(b, &id);
    b.ok(&["contact", "archive", &gone]);
    vdirsyncer_sync(&work);
    let card = device_card(&work, &id).expect("the edited card on the device");
    assert!(card.contains("ORG:Changed In The CLI"), "{card}");
    assert!(
        device_card(&work, &gone).is_none(),
        "an archived contact stays on the device"
    );
}

/// Another live contact's id.
fn summary_uid_of_another(b: &Book, not: &str) -> String {
    let list = b.json(&["contact", "list", "--limit", "5"]);
    let items = list["items"].as_array().or(list.as_array()).expect("items");
    items
        .iter()
        .filter_map(|c| c["id"].as_str())
        .find(|i| *i != not)
        .expect("another contact")
        .to_owned()
}

on_both_books_with_vdirsyncer!(a_phone_syncs_both_ways_without_losing_anything);

/// The reference: the same script against Radicale, seeded with the same demo book.
fn radicale_passes_the_same_check() {
    let b = Book::sqlite();
    b.ok(&[
        "user",
        "add",
        "ana@example.com",
        "--role",
        "owner",
        "--name",
        "Ana",
    ]);
    b.ok(&["demo", "--contacts", "2000"]);
    let seed = b.dir.path().join("seed.vcf");
    b.ok(&["export", "vcard", &seed.display().to_string()]);
    let (_, name, _, _) = contact_with_history(&b);
    let port = free_port();
    let storage = b.dir.path().join("radicale");
    let child = Command::new(rapport_test_support::vdirsyncer_python())
        .args(["-m", "radicale", "--auth-type", "none"])
        .arg(format!("--storage-filesystem-folder={}", storage.display()))
        .arg(format!("--server-hosts=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("radicale");
    let _radicale = Running(child);
    wait_for(port);
    let work = b.dir.path().join("device");
    let summary = check_sync(&[
        "--url",
        &format!("http://127.0.0.1:{port}/"),
        "--user",
        "ana",
        "--password",
        "any",
        "--work",
        &work.display().to_string(),
        "--expect",
        "2000",
        "--edit-name",
        &name,
        "--seed",
        &seed.display().to_string(),
        "--create-book",
        "/ana/book/",
    ]);
    assert_eq!(summary["ok"], true, "{summary}");
}

with_vdirsyncer!(radicale_passes_the_same_check);
