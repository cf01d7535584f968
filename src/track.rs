//! `yima track`: a carrier's route (record fixes from a file, show a container's transports).

use crate::args::{codes, manifest_number, open};
use crate::cli::{Cli, TrackCommand};
use crate::print::{self, t};
use anyhow::Result;
use yima_codes::Lang;
use yima_core::Timestamp;
use yima_device::{RouteVerdict, RouteView};

/// Runs `yima track …`.
pub fn run(cli: &Cli, command: &TrackCommand, lang: Lang) -> Result<()> {
    match command {
        TrackCommand::Record { manifest, from } => {
            let manifest = manifest_number(manifest)?;
            let added = open(cli)?.record_fixes_from_file(&manifest, from)?;
            print::done(lang, cli.json, "cli.msg.fixes_added", &added.to_string());
        }
        TrackCommand::Show { code } => {
            let code = &codes(std::slice::from_ref(code))?[0];
            let routes = open(cli)?.routes(code)?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({ "code": code.to_string(), "routes": routes })
                );
            } else {
                show(&routes, lang);
            }
        }
    }
    Ok(())
}

fn verdict_key(v: RouteVerdict) -> &'static str {
    match v {
        RouteVerdict::Verified => "cli.msg.route.verified",
        RouteVerdict::Mismatch => "cli.msg.route.mismatch",
        RouteVerdict::FixesMissing => "cli.msg.route.fixes_missing",
        RouteVerdict::NoTrack => "cli.msg.route.no_track",
        RouteVerdict::InProgress => "cli.msg.route.in_progress",
    }
}

fn show(routes: &[RouteView], lang: Lang) {
    if routes.is_empty() {
        println!("{}", t(lang, "cli.msg.route_none"));
    }
    for (i, r) in routes.iter().enumerate() {
        let to = r
            .ended_at
            .map(|at| Timestamp(at).to_string())
            .unwrap_or_else(|| "…".into());
        println!(
            "{} {}: {}={} {}={} {}={} {}={} {}={} — {}",
            t(lang, "cli.msg.route"),
            i + 1,
            t(lang, "cli.msg.route_carrier"),
            r.carrier,
            t(lang, "cli.msg.route_manifest"),
            r.manifest,
            t(lang, "cli.msg.route_from"),
            Timestamp(r.started_at),
            t(lang, "cli.msg.route_to"),
            to,
            t(lang, "cli.msg.route_fixes"),
            r.fixes.len(),
            t(lang, verdict_key(r.verdict)),
        );
    }
}
