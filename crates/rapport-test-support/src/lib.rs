//! What Rapport's tests share, so no test crate keeps its own copy: a database per test on
//! both backends ([`db::TestDb`], [`on_both_backends!`]), the real server on port 0 and a
//! client for it ([`http`]), and [`on_both_books!`] for tests of the `rapport` binary.
//!
//! The PostgreSQL half of every test runs when `RAPPORT_TEST_POSTGRES_URL` is set as the
//! tests are built and run (`.ci/run` does; under `CI=true` it must be). Without it those
//! tests are ignored, and `cargo test` says so: a green run never counts a test that did
//! not run as passed.

pub mod db;
pub mod http;

/// Whether the PostgreSQL halves run in this build.
pub const POSTGRES_TESTS: bool = cfg!(postgres_tests);

/// The Python with aiosmtpd that the SMTP tests start (`RAPPORT_TEST_AIOSMTPD`).
pub fn aiosmtpd_python() -> String {
    std::env::var("RAPPORT_TEST_AIOSMTPD")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .expect("RAPPORT_TEST_AIOSMTPD: set it when building and running the tests")
}

/// The Python with vdirsyncer and Radicale that the CardDAV sync tests run
/// (`RAPPORT_TEST_VDIRSYNCER`).
pub fn vdirsyncer_python() -> String {
    std::env::var("RAPPORT_TEST_VDIRSYNCER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .expect("RAPPORT_TEST_VDIRSYNCER: set it when building and running the tests")
}

/// [`on_both_books!`] for tests that also need vdirsyncer (`RAPPORT_TEST_VDIRSYNCER`).
#[cfg(dav_tests)]
#[macro_export]
macro_rules! on_both_books_with_vdirsyncer {
    ($($t:tt)*) => { $crate::on_both_books!($($t)*); };
}

/// [`on_both_books!`] for tests that also need vdirsyncer: ignored in this build, which was
/// made without `RAPPORT_TEST_VDIRSYNCER`.
#[cfg(not(dav_tests))]
#[macro_export]
macro_rules! on_both_books_with_vdirsyncer {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                #[ignore = "set RAPPORT_TEST_VDIRSYNCER to a Python with vdirsyncer and radicale to run it"]
                fn $name() { super::$name(&super::Book::sqlite()); }
            )*
        }
        mod postgres {
            $(
                #[test]
                #[ignore = "set RAPPORT_TEST_VDIRSYNCER and RAPPORT_TEST_POSTGRES_URL to run it"]
                fn $name() { super::$name(&super::Book::postgres()); }
            )*
        }
    };
}

/// Plain tests (no arguments) that need vdirsyncer and Radicale; ignored without them.
#[cfg(dav_tests)]
#[macro_export]
macro_rules! with_vdirsyncer {
    ($($name:ident),* $(,)?) => {
        mod with_vdirsyncer {
            $( #[test] fn $name() { super::$name(); } )*
        }
    };
}

/// Plain tests (no arguments) that need vdirsyncer and Radicale; ignored in this build.
#[cfg(not(dav_tests))]
#[macro_export]
macro_rules! with_vdirsyncer {
    ($($name:ident),* $(,)?) => {
        mod with_vdirsyncer {
            $(
                #[test]
                #[ignore = "set RAPPORT_TEST_VDIRSYNCER to a Python with vdirsyncer and radicale to run it"]
                fn $name() { super::$name(); }
            )*
        }
    };
}

/// [`on_both_backends!`] for tests that also need a real SMTP server (aiosmtpd).
#[cfg(smtp_tests)]
#[macro_export]
macro_rules! on_both_backends_with_smtp {
    ($($t:tt)*) => { $crate::on_both_backends!($($t)*); };
}

/// [`on_both_backends!`] for tests that also need a real SMTP server (aiosmtpd): ignored in
/// this build, which was made without `RAPPORT_TEST_AIOSMTPD`.
#[cfg(not(smtp_tests))]
#[macro_export]
macro_rules! on_both_backends_with_smtp {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                #[ignore = "set RAPPORT_TEST_AIOSMTPD to a Python with aiosmtpd to run it"]
                async fn $name() {
                    let t = $crate::db::TestDb::sqlite().await;
                    super::$name(&t.db).await;
                    t.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[ignore = "set RAPPORT_TEST_AIOSMTPD and RAPPORT_TEST_POSTGRES_URL to run it"]
                async fn $name() {
                    let t = $crate::db::TestDb::postgres().await;
                    super::$name(&t.db).await;
                    t.finish().await;
                }
            )*
        }
    };
}

/// Declares each listed async test function (taking `&Db`) once per backend.
#[cfg(postgres_tests)]
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::db::TestDb::sqlite().await;
                    super::$name(&t.db).await;
                    t.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::db::TestDb::postgres().await;
                    super::$name(&t.db).await;
                    t.finish().await;
                }
            )*
        }
    };
}

/// Declares each listed async test function (taking `&Db`) once per backend.
#[cfg(not(postgres_tests))]
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::db::TestDb::sqlite().await;
                    super::$name(&t.db).await;
                    t.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "set RAPPORT_TEST_POSTGRES_URL to run the PostgreSQL half"]
                async fn $name() {
                    let t = $crate::db::TestDb::postgres().await;
                    super::$name(&t.db).await;
                    t.finish().await;
                }
            )*
        }
    };
}

/// Declares each listed test function (taking `&Book`, the calling crate's) once per
/// backend: `Book::sqlite()` and `Book::postgres()`.
#[cfg(postgres_tests)]
#[macro_export]
macro_rules! on_both_books {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(&super::Book::sqlite()); } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(&super::Book::postgres()); } )*
        }
    };
}

/// Declares each listed test function (taking `&Book`, the calling crate's) once per
/// backend: `Book::sqlite()` and `Book::postgres()`.
#[cfg(not(postgres_tests))]
#[macro_export]
macro_rules! on_both_books {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(&super::Book::sqlite()); } )*
        }
        mod postgres {
            $(
                #[test]
                #[ignore = "set RAPPORT_TEST_POSTGRES_URL to run the PostgreSQL half"]
                fn $name() { super::$name(&super::Book::postgres()); }
            )*
        }
    };
}
