//! Whether the PostgreSQL halves of the tests can run: `RAPPORT_TEST_POSTGRES_URL` set when
//! the tests are built. Without it they are compiled as ignored, so a run says "ignored"
//! for them instead of counting them as passed. Under `CI=true` it must be set.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=RAPPORT_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=CI");
    let url = std::env::var("RAPPORT_TEST_POSTGRES_URL").unwrap_or_default();
    if !url.trim().is_empty() {
        println!("cargo::rustc-cfg=postgres_tests");
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("RAPPORT_TEST_POSTGRES_URL is unset under CI=true: PostgreSQL tests must run in CI");
    }
}
