//! Whether the PostgreSQL halves of the tests can run: `RAPPORT_TEST_POSTGRES_URL` set when
//! the tests are built. Without it they are compiled as ignored, so a run says "ignored"
//! for them instead of counting them as passed. The same for the SMTP test and
//! `RAPPORT_TEST_AIOSMTPD`. Under `CI=true` both must be set.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rustc-check-cfg=cfg(smtp_tests)");
    println!("cargo::rustc-check-cfg=cfg(dav_tests)");
    println!("cargo::rerun-if-env-changed=RAPPORT_TEST_VDIRSYNCER");
    // The phone-sync test runs vdirsyncer and Radicale from this Python.
    if !std::env::var("RAPPORT_TEST_VDIRSYNCER")
        .unwrap_or_default()
        .trim()
        .is_empty()
    {
        println!("cargo::rustc-cfg=dav_tests");
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "RAPPORT_TEST_VDIRSYNCER is unset under CI=true: the CardDAV sync test must run in CI"
        );
    }
    println!("cargo::rerun-if-env-changed=RAPPORT_TEST_AIOSMTPD");
    // The digest's test talks to a real SMTP server (aiosmtpd) run by this Python.
    if !std::env::var("RAPPORT_TEST_AIOSMTPD")
        .unwrap_or_default()
        .trim()
        .is_empty()
    {
        println!("cargo::rustc-cfg=smtp_tests");
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("RAPPORT_TEST_AIOSMTPD is unset under CI=true: the SMTP test must run in CI");
    }
    println!("cargo::rerun-if-env-changed=RAPPORT_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=CI");
    let url = std::env::var("RAPPORT_TEST_POSTGRES_URL").unwrap_or_default();
    if !url.trim().is_empty() {
        println!("cargo::rustc-cfg=postgres_tests");
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("RAPPORT_TEST_POSTGRES_URL is unset under CI=true: PostgreSQL tests must run in CI");
    }
}
