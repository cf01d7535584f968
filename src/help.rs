//! The command line's help in the user's language: every `about` and argument help comes
//! from the message catalogue (`cli.help.*` in `yima-i18n`), so `yima --help` is Chinese
//! under a Chinese locale or `--lang zh`, and English otherwise.

use crate::cli::Cli;
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use yima_codes::Lang;
use yima_i18n::{has, t, tf};

/// Parses the command line with its help, and its errors, in the language asked for.
pub fn parse() -> Cli {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let lang = early_lang(&argv);
    let matches = command(lang)
        .try_get_matches_from(argv)
        .unwrap_or_else(|e| exit(e, lang));
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| exit(e, lang))
}

/// Ends the process on a command-line error: clap's own words in English, the catalogue's in
/// Chinese (help and version requests print as usual).
fn exit(e: clap::Error, lang: Lang) -> ! {
    use clap::error::ErrorKind;
    if lang == Lang::En
        || matches!(
            e.kind(),
            ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        )
    {
        e.exit()
    }
    eprintln!("{}", error_text(&e, lang));
    std::process::exit(2)
}

/// A command-line error in `lang`, with the usage line clap gives.
pub fn error_text(e: &clap::Error, lang: Lang) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let body = match e.kind() {
        ErrorKind::MissingRequiredArgument => tf(lang, "cli.error.missing", &[("args", &arg)]),
        ErrorKind::UnknownArgument => tf(lang, "cli.error.unknown_argument", &[("arg", &arg)]),
        ErrorKind::InvalidSubcommand => tf(
            lang,
            "cli.error.unknown_command",
            &[("arg", &get(ContextKind::InvalidSubcommand))],
        ),
        ErrorKind::MissingSubcommand => t(lang, "cli.error.missing_command").to_owned(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = get(ContextKind::InvalidValue);
            let mut text = tf(
                lang,
                "cli.error.invalid_value",
                &[("arg", &arg), ("value", &value)],
            );
            let possible = get(ContextKind::ValidValue);
            if !possible.is_empty() {
                text.push('；');
                text.push_str(&tf(lang, "cli.error.possible", &[("values", &possible)]));
            }
            text
        }
        _ => {
            let rendered = e.render().to_string();
            let detail = rendered.lines().next().unwrap_or_default();
            let detail = detail.strip_prefix("error: ").unwrap_or(detail);
            tf(lang, "cli.error.other", &[("detail", detail)])
        }
    };
    let usage = e
        .render()
        .to_string()
        .lines()
        .find_map(|l| l.strip_prefix("Usage: ").map(str::to_owned))
        .map(|u| format!("\n\n{}: {u}", t(lang, "cli.help.heading.usage")))
        .unwrap_or_default();
    format!(
        "{}: {body}{usage}\n\n{}",
        t(lang, "cli.error.prefix"),
        t(lang, "cli.error.more")
    )
}

/// The whole command tree, its help in `lang`.
pub fn command(lang: Lang) -> clap::Command {
    let mut cmd = Cli::command();
    // Materialise clap's own `--help`, `--version` and `help` so they are translated too.
    cmd.build();
    localize(cmd, "", lang)
}

/// The language before parsing: `--lang zh|en` (or `--lang=…`) anywhere, else the locale.
fn early_lang(argv: &[OsString]) -> Lang {
    let mut words = argv.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        match value {
            Some("zh") => return Lang::Zh,
            Some("en") => return Lang::En,
            _ => {}
        }
    }
    crate::cli::locale_lang()
}

/// `handover offer <step>` takes the same steps as `record <step>`: one text for both.
fn text_path(path: &str) -> String {
    match path.strip_prefix("handover.offer.") {
        Some(step) => format!("record.{step}"),
        None => path.to_owned(),
    }
}

/// The catalogue key of a command's `about`.
pub fn about_key(path: &str) -> String {
    if path.is_empty() {
        return "cli.about".into();
    }
    // clap's `help` subcommand, and the tree it mirrors beneath it.
    if path.split('.').any(|word| word == "help") {
        return "cli.help.cmd.help".into();
    }
    format!("cli.help.cmd.{}", text_path(path))
}

/// The catalogue key of an argument's help: the command's own text if it has one, else the
/// text shared by every argument of that name.
pub fn arg_key(path: &str, id: &str) -> String {
    match id {
        "help" => return "cli.help.flag.help".into(),
        "version" => return "cli.help.flag.version".into(),
        _ => {}
    }
    let own = format!("cli.help.{}.{id}", text_path(path));
    if has(&own) {
        own
    } else {
        format!("cli.help.arg.{id}")
    }
}

fn localize(cmd: clap::Command, path: &str, lang: Lang) -> clap::Command {
    let template = format!(
        "{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
        t(lang, "cli.help.heading.usage")
    );
    let mut cmd = cmd
        .about(t(lang, &about_key(path)))
        .help_template(template)
        .subcommand_help_heading(t(lang, "cli.help.heading.commands"));
    let args: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in args {
        let heading = if positional {
            "cli.help.heading.arguments"
        } else {
            "cli.help.heading.options"
        };
        let help = t(lang, &arg_key(path, &id));
        cmd = cmd.mut_arg(id, |a| a.help(help).help_heading(t(lang, heading)));
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in subcommands {
        let child = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        cmd = cmd.mut_subcommand(name, |s| localize(s, &child, lang));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and argument of the tree has its text in the catalogue, so nothing is
    /// left in one language only when a command or option is added.
    #[test]
    fn every_command_and_argument_has_a_catalogue_text() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let key = about_key(path);
            if !has(&key) {
                missing.push(key);
            }
            for a in cmd.get_arguments() {
                let key = arg_key(path, a.get_id().as_str());
                if !has(&key) {
                    missing.push(key);
                }
            }
            for s in cmd.get_subcommands() {
                let child = if path.is_empty() {
                    s.get_name().to_owned()
                } else {
                    format!("{path}.{}", s.get_name())
                };
                walk(s, &child, missing);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "no catalogue text for {missing:?}");
    }

    #[test]
    fn the_language_is_found_before_parsing() {
        let argv = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            early_lang(&argv(&["yima", "--lang", "zh", "--help"])),
            Lang::Zh
        );
        assert_eq!(early_lang(&argv(&["yima", "--lang=en", "demo"])), Lang::En);
    }

    #[test]
    fn command_line_errors_are_chinese_in_chinese() {
        let zh = |args: &[&str]| {
            let e = command(Lang::Zh).try_get_matches_from(args).unwrap_err();
            error_text(&e, Lang::Zh)
        };
        let missing = zh(&["yima", "record", "store"]);
        assert!(
            missing.starts_with("错误: 缺少必需的参数：--facility"),
            "{missing}"
        );
        assert!(missing.contains("用法: yima record store"), "{missing}");
        assert!(zh(&["yima", "--bogus"]).contains("无法识别的参数 --bogus"));
        assert!(zh(&["yima", "nosuch"]).contains("无法识别的子命令 nosuch"));
        let value = zh(&["yima", "label", "x", "--format", "gif", "-o", "a"]);
        assert!(
            value.contains("gif") && value.contains("可选值：svg, png, pdf"),
            "{value}"
        );
    }

    #[test]
    fn the_chinese_help_is_chinese() {
        let help = command(Lang::Zh).render_long_help().to_string();
        assert!(help.contains("用法"), "{help}");
        assert!(help.contains("命令"), "{help}");
        assert!(help.contains("显示帮助"), "{help}");
        assert!(!help.contains("Print help"), "{help}");
    }
}
