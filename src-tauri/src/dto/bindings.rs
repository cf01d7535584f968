//! The TypeScript the UI is written against, generated from the types the web view sends and
//! receives: one file per group of types under `ui/src/bindings/`, and `ui/src/bindings.ts`
//! their index, which the UI imports from (the test `bindings_are_current` fails when the
//! committed files and these drift apart).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ts_rs::{Config, TS};

use super::*;
use crate::error::AppError;

/// What each generated file starts with.
const HEADER: &str =
    "// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app \
     bindings`; do not edit.\n\n";

/// One type's name and declaration.
fn decl<T: TS>(cfg: &Config) -> (String, String) {
    (T::ident(cfg), T::decl(cfg))
}

/// The types by group, in order: each group is the file `bindings/<group>.ts`.
fn groups(cfg: &Config) -> Vec<(&'static str, Vec<(String, String)>)> {
    use crate::state::Location;
    use yima_device::{
        FixView, HandoverForm, ManifestForm, PassKey, RoadPassLine, RoadPassView, RouteRecorded,
        RouteVerdict, RouteView, ScanJudgement, ScanVerdict, StepForm, TrackView,
    };
    vec![
        // The app's state, this device and its setting up: first run, enrolment, sync.
        (
            "setup",
            vec![
                decl::<AppError>(cfg),
                decl::<AppStatus>(cfg),
                decl::<LabelBlockView>(cfg),
                decl::<Identity>(cfg),
                decl::<CodeCheck>(cfg),
                decl::<InitForm>(cfg),
                decl::<CatalogueHit>(cfg),
                decl::<EnrolmentSeen>(cfg),
                decl::<EnrolForm>(cfg),
                decl::<SyncProgressView>(cfg),
                decl::<SyncSummary>(cfg),
            ],
        ),
        // Containers, manifests, their timelines and labels, and the forms of their steps.
        (
            "containers",
            vec![
                decl::<NewContainerForm>(cfg),
                decl::<ContainerRow>(cfg),
                decl::<ManifestLineRow>(cfg),
                decl::<ManifestRow>(cfg),
                decl::<Detail>(cfg),
                decl::<StepView>(cfg),
                decl::<TimelineView>(cfg),
                decl::<LabelPreview>(cfg),
                decl::<ManifestForm>(cfg),
                decl::<HandoverForm>(cfg),
                decl::<StepForm>(cfg),
            ],
        ),
        // What the device reads: codes from the camera or an image, a scale's weight, the
        // route's fixes.
        (
            "readings",
            vec![
                decl::<ScannedCode>(cfg),
                decl::<FrameCode>(cfg),
                decl::<ScanAgainstForm>(cfg),
                decl::<ScanVerdict>(cfg),
                decl::<ScanJudgement>(cfg),
                decl::<ScaleForm>(cfg),
                decl::<ScaleReadingView>(cfg),
                decl::<ScaleLiveView>(cfg),
                decl::<Location>(cfg),
                decl::<RouteRecorded>(cfg),
                decl::<RouteView>(cfg),
                decl::<RouteVerdict>(cfg),
                decl::<TrackView>(cfg),
                decl::<FixView>(cfg),
            ],
        ),
        // Verifying this device's records and a bundle handed over; anomalies.
        (
            "verify",
            vec![
                decl::<VerifySummary>(cfg),
                decl::<BundleSummary>(cfg),
                decl::<AnomalyView>(cfg),
            ],
        ),
        // Handing containers over: offers, give and take, QR codes shown, road passes.
        (
            "handover",
            vec![
                decl::<SentOfferView>(cfg),
                decl::<ReceivedOfferView>(cfg),
                decl::<QrShown>(cfg),
                decl::<GiveForm>(cfg),
                decl::<OfferLabelView>(cfg),
                decl::<TakenView>(cfg),
                decl::<RoadPassView>(cfg),
                decl::<RoadPassLine>(cfg),
                decl::<PassKey>(cfg),
                decl::<RoadCheckView>(cfg),
                decl::<RoadCheckLineView>(cfg),
            ],
        ),
        // The regulator's audit screen.
        (
            "audit",
            vec![
                decl::<AuditFilterForm>(cfg),
                decl::<AuditChoices>(cfg),
                decl::<AuditStateChoice>(cfg),
                decl::<AuditPageView>(cfg),
                decl::<AuditRowView>(cfg),
                decl::<AuditCountsView>(cfg),
                decl::<AuditCountView>(cfg),
                decl::<AuditTimelineView>(cfg),
                decl::<AuditStepView>(cfg),
            ],
        ),
    ]
}

/// The words of a declaration outside its doc comments.
fn code_words(decl: &str) -> impl Iterator<Item = &str> {
    decl.split("/**")
        .enumerate()
        .map(|(i, part)| match i {
            0 => part,
            _ => part.split_once("*/").map_or("", |(_, code)| code),
        })
        .flat_map(|code| code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')))
}

/// Every generated file, by its path under `ui/src`: `bindings/<group>.ts` for each group of
/// types (with an `import type` line for each other group whose types it names), and
/// `bindings.ts`, the index re-exporting them all.
pub fn typescript_files() -> BTreeMap<String, String> {
    let cfg = Config::default();
    let groups = groups(&cfg);
    let group_of: HashMap<&str, &str> = groups
        .iter()
        .flat_map(|(group, decls)| decls.iter().map(move |(name, _)| (name.as_str(), *group)))
        .collect();
    let mut files = BTreeMap::new();
    let mut index = String::from(HEADER);
    for (group, decls) in &groups {
        let mut imports: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for word in decls.iter().flat_map(|(_, decl)| code_words(decl)) {
            if let Some(&other) = group_of.get(word) {
                if other != *group {
                    imports.entry(other).or_default().insert(word);
                }
            }
        }
        let mut out = String::from(HEADER);
        for (other, names) in &imports {
            let names = names.iter().copied().collect::<Vec<_>>().join(", ");
            out.push_str(&format!("import type {{ {names} }} from \"./{other}\";\n"));
        }
        if !imports.is_empty() {
            out.push('\n');
        }
        for (_, decl) in decls {
            out.push_str(&format!("export {decl}\n\n"));
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        files.insert(format!("bindings/{group}.ts"), out);
        index.push_str(&format!("export type * from \"./bindings/{group}\";\n"));
    }
    files.insert("bindings.ts".to_string(), index);
    files
}

#[cfg(test)]
mod tests {
    use std::fs;

    /// The committed TypeScript files match the Rust types, and `ui/src/bindings/` holds no
    /// other (set `YIMA_UPDATE_BINDINGS=1` to rewrite them after changing the types, and
    /// remove any other).
    #[test]
    fn bindings_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src");
        let files = super::typescript_files();
        let update = std::env::var_os("YIMA_UPDATE_BINDINGS").is_some();
        if update {
            fs::create_dir_all(dir.join("bindings")).expect("create ui/src/bindings");
        }
        let mut wrong = Vec::new();
        for (path, now) in &files {
            if update {
                fs::write(dir.join(path), now).expect("write the bindings");
            }
            match fs::read_to_string(dir.join(path)) {
                Ok(committed) if committed == *now => {}
                Ok(_) => wrong.push(format!("ui/src/{path} is out of date")),
                Err(_) => wrong.push(format!("ui/src/{path} is missing")),
            }
        }
        for entry in fs::read_dir(dir.join("bindings"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = format!("bindings/{}", entry.file_name().to_string_lossy());
            if path.ends_with(".ts") && !files.contains_key(&path) {
                if update {
                    fs::remove_file(entry.path()).expect("remove a stale binding");
                } else {
                    wrong.push(format!("ui/src/{path} is not generated"));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{}: run YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings",
            wrong.join(", ")
        );
    }
}
