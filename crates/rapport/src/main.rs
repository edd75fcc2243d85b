//! `rapport`: the command-line program. Parses arguments, opens the database, calls the core's
//! services and renders. Errors go to stderr with a non-zero exit code:
//! 1 internal, 2 bad input, 3 not found, 4 ambiguous reference, 5 conflict, 6 not allowed.

mod cli;
mod commands;
mod context;
mod render;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // `rapport … --json | head`: the reader had enough; leave quietly.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            if let Some(rapport_core::Error::DayFull(_)) = e.downcast_ref() {
                eprintln!("hint: add --anyway to record it all the same");
            }
            if let Some(hint) = render::take_hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

/// `rapport today | head` closes the pipe early: Rust ignores SIGPIPE, so `println!` then
/// panics. That is not an error worth a backtrace: leave quietly, as a shell tool does.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// The exit code for an error: scripts can tell bad input from a missing contact.
fn exit_code(e: &anyhow::Error) -> u8 {
    use rapport_core::Error;
    if e.downcast_ref::<rapport_core::Invalid>().is_some()
        || matches!(
            e.downcast_ref::<rapport_store::OpenError>(),
            Some(rapport_store::OpenError::UnsupportedScheme(_))
        )
    {
        return 2;
    }
    match e.downcast_ref::<rapport_core::StoreError>() {
        Some(rapport_core::StoreError::NotFound) => return 3,
        Some(rapport_core::StoreError::Conflict(_)) => return 5,
        Some(rapport_core::StoreError::Busy) => return 7,
        _ => {}
    }
    match e.downcast_ref::<Error>() {
        Some(Error::Invalid(_)) => 2,
        Some(Error::NotFound(_)) => 3,
        Some(Error::Ambiguous { .. }) => 4,
        Some(Error::Conflict(_) | Error::DayFull(_)) => 5,
        Some(Error::Forbidden(_)) => 6,
        Some(Error::Busy) => 7,
        _ => 1,
    }
}
