//! `yima`: the command-line tool over Yima's device use cases.

mod args;
mod audit;
mod cli;
mod container_view;
mod handover;
mod help;
mod label;
mod limits;
mod print;
mod record;
mod road;
mod run;
mod scan;
mod sync;
mod track;

use std::process::ExitCode;

fn main() -> ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes away
    // (`yima history … | head`) instead of failing on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = help::parse();
    let lang = args.lang();
    match run::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            print::error(&e, lang, args.json);
            ExitCode::FAILURE
        }
    }
}
