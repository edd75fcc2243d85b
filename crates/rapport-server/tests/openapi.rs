//! The OpenAPI document matches the router: every route in `src/api/` is documented, every
//! documented operation is routed (it asks for a token rather than answering 404 or 405),
//! and the served document is the one built here. CI also validates it with an independent
//! validator and runs schemathesis against a running server (scripts/api-check.sh).

use std::collections::BTreeSet;

use rapport_test_support::http::{request, start};

/// (METHOD, path) of every `.route("...", get(..).post(..))` in the API's source files.
fn routed() -> BTreeSet<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    let mut out = BTreeSet::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("src/api")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for file in files {
        let src = std::fs::read_to_string(&file).expect("source");
        for chunk in src.split(".route(").skip(1) {
            let Some(chunk) = chunk.trim_start().strip_prefix('"') else {
                continue;
            };
            let Some((path, rest)) = chunk.split_once('"') else {
                continue;
            };
            // The handlers of this route, up to the next route or the end of the chain.
            let handlers = rest.split(".route(").next().unwrap_or(rest);
            let handlers = handlers.split(".merge(").next().unwrap_or(handlers);
            let handlers = handlers.split(".fallback(").next().unwrap_or(handlers);
            for method in ["get", "post", "put", "delete", "patch"] {
                let called = handlers.contains(&format!("({method}("))
                    || handlers.contains(&format!(".{method}("))
                    || handlers.contains(&format!(" {method}("));
                if called {
                    out.insert((method.to_uppercase(), path.to_owned()));
                }
            }
        }
    }
    out
}

#[test]
fn every_route_is_documented_and_every_documented_operation_routed() {
    let documented: BTreeSet<(String, String)> =
        rapport_server::openapi::operations().into_iter().collect();
    let routed = routed();
    assert!(routed.len() > 30, "the route scan found {}", routed.len());
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_document_is_the_one_built_and_every_operation_answers() {
    let t = rapport_test_support::db::TestDb::sqlite().await;
    let addr = start(&t.db).await;
    let served = request(addr, "GET", "/api/openapi.json", &[], None).await;
    assert_eq!(served.status, 200);
    let doc = served.json();
    assert_eq!(doc, rapport_server::openapi::document());
    assert_eq!(doc["openapi"], "3.1.0");
    for (method, path) in rapport_server::openapi::operations() {
        let concrete = path.replace("{id}", "0192f0c4-7a3b-7c00-8000-000000000001");
        let a = request(
            addr,
            &method,
            &format!("/api/v1{concrete}"),
            &[],
            Some(("application/json", b"{}")),
        )
        .await;
        assert_eq!(a.status, 401, "{method} {path}: {}", a.body);
        assert_eq!(a.error_code(), "unauthorized");
    }
    t.finish().await;
}
