//! The arguments of what organisations and regulators read and hand on: `yima audit` (the
//! registry's searches, counts, timelines and anomalies), `yima ledger` and `yima export`.

use clap::Subcommand;
use std::path::PathBuf;

/// The filters of an audit search or count: every one given must hold.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct AuditFilterArgs {
    /// A container's code, or its first 18 to 36 characters.
    #[arg(long)]
    pub code: Option<String>,
    /// A custody party's credit code (producer, sender, carrier or receiver).
    #[arg(long)]
    pub org: Option<String>,
    /// The producer's credit code.
    #[arg(long)]
    pub producer: Option<String>,
    /// A waste code (900-041-49).
    #[arg(long)]
    pub waste: Option<String>,
    /// A waste category (HW49).
    #[arg(long)]
    pub category: Option<String>,
    /// A 14-digit transfer manifest number.
    #[arg(long)]
    pub manifest: Option<String>,
    /// A vehicle plate.
    #[arg(long)]
    pub plate: Option<String>,
    /// A carrier's credit code.
    #[arg(long)]
    pub carrier: Option<String>,
    /// A custody party's administrative division, or its start (35, 3501).
    #[arg(long)]
    pub division: Option<String>,
    /// The state now (generated, stored, dispatched, in_transit, received, accepted,
    /// refused, returned, disposed, merged, split, voided).
    #[arg(long)]
    pub state: Option<String>,
    /// Active on or after this day (YYYY-MM-DD, China time).
    #[arg(long)]
    pub since: Option<String>,
    /// Active before the end of this day (YYYY-MM-DD, China time).
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// The containers found, a page at a time (or every page with --all).
    Search {
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// Start after this container code (the `next` of the page before).
        #[arg(long)]
        after: Option<String>,
        /// Containers on a page (1 to 500).
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Every page, one after another.
        #[arg(long)]
        all: bool,
    },
    /// How many containers are found, by producer, province, city, county, category,
    /// waste, state, day, month or year.
    Counts {
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// What to group by.
        #[arg(long, default_value = "month")]
        by: String,
    },
    /// The anomalies the registry found in those containers (a page at a time, or every
    /// page with --all).
    Anomalies {
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// Only this rule's (weight_discrepancy, receipt_overdue, manifest_not_closed,
        /// event_after_closure, relay_gap, track_missing, track_gap, off_corridor,
        /// storage_overdue, fork, bad_signature, wrong_key, revoked_key, not_on_manifest,
        /// unseen_label, two_places).
        #[arg(long)]
        rule: Option<String>,
        /// Start after this key (the `next` of the page before).
        #[arg(long)]
        after: Option<String>,
        /// Anomalies on a page (1 to 500).
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Every page, one after another.
        #[arg(long)]
        all: bool,
    },
    /// A container's timeline from the registry's evidence bundle, verified on this
    /// device (exit 1 when anything fails).
    Timeline {
        /// The container's 37-character code.
        code: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum LedgerCommand {
    /// Export the ledger.
    Export {
        /// csv or xlsx (one sheet, a stage column, times as China-time datetimes).
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(short, long)]
        output: PathBuf,
        /// First day (YYYY-MM-DD, China time; default: the first record).
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD, China time; default: the last record).
        #[arg(long)]
        to: Option<String>,
    },
    /// The stock balance per facility: does it close?
    Balance {
        /// First day (YYYY-MM-DD, China time; default: the first record).
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD, China time; default: the last record).
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// An evidence bundle: the signed events of a container or a manifest with their keys,
    /// in one file anyone verifies offline (`yima verify --bundle FILE`).
    #[command(group(
        clap::ArgGroup::new("scope")
            .args(["container", "manifest"])
            .required(true)
    ))]
    Bundle {
        /// The container's 37-character code.
        #[arg(long)]
        container: Option<String>,
        /// A 14-digit transfer manifest number.
        #[arg(long)]
        manifest: Option<String>,
        /// Ask the registry this device enrolled with (what its organisation may read there)
        /// instead of taking the events this device holds.
        #[arg(long)]
        from_registry: bool,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// GS1 EPCIS 2.0 JSON-LD: the events this device holds for a container, a manifest or a
    /// period, each marked with whether it verified here.
    #[command(group(
        clap::ArgGroup::new("scope")
            .args(["container", "manifest", "from", "to"])
            .required(true)
            .multiple(true)
    ))]
    Epcis {
        /// The container's 37-character code: its every event.
        #[arg(long, conflicts_with_all = ["manifest", "from", "to"])]
        container: Option<String>,
        /// A 14-digit transfer manifest number: every event of the containers under it.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        manifest: Option<String>,
        /// First day (YYYY-MM-DD, China time; default: the first event).
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD, China time; default: the last event).
        #[arg(long)]
        to: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The transfer manifest as PDF (A4, in the manner of the national form): number,
    /// parties, containers and quantities, and every step's signatures with whether they
    /// verified here.
    Manifest {
        /// The 14-digit transfer manifest number.
        number: String,
        /// The PDF file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
}
