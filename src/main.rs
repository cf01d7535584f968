//! `yima`: the command-line tool over Yima's device use cases.

mod cli;
mod print;
mod run;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let lang = args.lang();
    match run::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            print::error(&e, lang, args.json);
            ExitCode::FAILURE
        }
    }
}
