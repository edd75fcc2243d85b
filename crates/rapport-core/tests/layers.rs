//! The core's layers hold: model files never reach the ports or the use cases (not even
//! through the crate root's short paths, which mix both), and the model files import each
//! other without a circle, so a newcomer can read them bottom up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each model module and the text of its files.
fn model() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("src/model") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("name")
            .to_owned();
        if path.is_dir() {
            let mut text = String::new();
            for f in std::fs::read_dir(&path).expect("dir") {
                text.push_str(&std::fs::read_to_string(f.expect("file").path()).expect("read"));
            }
            out.insert(name, text);
        } else if name != "mod" {
            out.insert(name, std::fs::read_to_string(&path).expect("read"));
        }
    }
    out
}

/// The `crate::X` and `crate::model::X` modules a text names.
fn names(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let rest = rest.strip_prefix("model::").unwrap_or(rest);
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        found.insert(word);
    }
    found
}

#[test]
fn model_files_never_reach_ports_or_use_cases() {
    // The crate root's short paths that hold use cases too.
    let forbidden = [
        "ports", "usecases", "service", "ledger", "brief", "feed", "store",
    ];
    for (module, text) in model() {
        for name in names(&text) {
            assert!(
                !forbidden.contains(&name.as_str()),
                "model/{module} names crate::{name}: the model may not depend on ports or use cases"
            );
        }
        for mixed in ["deal", "gesture", "touch", "today", "account", "referral"] {
            assert!(
                !text.contains(&format!("crate::{mixed}::")),
                "model/{module} names crate::{mixed}:: (types and use cases): write crate::model::{mixed}::"
            );
        }
    }
}

#[test]
fn model_files_import_each_other_without_a_circle() {
    let files = model();
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let graph: BTreeMap<String, Vec<String>> = files
        .iter()
        .map(|(m, text)| {
            let deps = names(text)
                .into_iter()
                .filter(|n| n != m && modules.contains(n))
                .collect();
            (m.clone(), deps)
        })
        .collect();
    // Depth-first search; a module met again on the current path closes a circle.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|p| p == m) {
            panic!("a circle among the model files: {:?}", &path[at..]);
        }
        if done.contains(m) {
            return;
        }
        path.push(m.to_owned());
        for d in graph.get(m).into_iter().flatten() {
            visit(d, graph, path, done);
        }
        path.pop();
        done.insert(m.to_owned());
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
    assert!(done.len() >= 15, "the model was read: {done:?}");
}
