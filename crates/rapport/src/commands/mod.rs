//! One function per command: parse the arguments into the core's types, call a service,
//! render. No business rule lives here.

mod contact;
mod demo;
mod memory;

use crate::cli::{Cli, Command, ContactCommand, FactCommand};
use crate::context::Context;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = Context::open(cli.db.as_deref()).await?;
    let result = match cli.command {
        Command::Contact(c) => match c {
            ContactCommand::Add(a) => contact::add(&ctx, a).await,
            ContactCommand::List(a) => contact::list(&ctx, a).await,
            ContactCommand::Show(a) => contact::show(&ctx, a).await,
            ContactCommand::Edit(a) => contact::edit(&ctx, a).await,
            ContactCommand::Archive(a) => contact::archive(&ctx, a, true).await,
            ContactCommand::Restore(a) => contact::archive(&ctx, a, false).await,
        },
        Command::Fact(FactCommand::Add(a)) => memory::add_fact(&ctx, a).await,
        Command::Fact(FactCommand::List(a)) => memory::list_facts(&ctx, a).await,
        Command::Log(a) => memory::log(&ctx, a).await,
        Command::Timeline(a) => memory::timeline(&ctx, a).await,
        Command::Search(a) => memory::search(&ctx, a).await,
        Command::Demo(a) => demo::run(&ctx, a).await,
    };
    ctx.db.close().await;
    result
}
