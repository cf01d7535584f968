//! The command line, as clap types.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use yima_codes::Lang;

mod audit;
mod steps;
pub use audit::{AuditCommand, AuditFilterArgs, ExportCommand, LedgerCommand};
pub use steps::{RecordStep, ScaleArgs, When};

/// Yima (一码): hazardous-waste chain of custody, one QR code per container.
#[derive(Parser, Debug)]
#[command(name = "yima", version, about, long_about = None)]
pub struct Cli {
    /// Data directory (default: the platform's data directory, or $YIMA_DATA_DIR).
    #[arg(long, global = true, env = "YIMA_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages (default: Chinese when LANG starts with zh, else English).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    #[command(subcommand)]
    pub command: Command,
}

/// `--lang`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

impl Cli {
    /// The language to speak.
    pub fn lang(&self) -> Lang {
        match self.lang {
            Some(LangArg::Zh) => Lang::Zh,
            Some(LangArg::En) => Lang::En,
            None => locale_lang(),
        }
    }
}

/// The language of the locale: `LC_ALL` if set, else `LANG`.
pub fn locale_lang() -> Lang {
    let env = std::env::var("LC_ALL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("LANG").ok());
    Lang::from_locale(env.as_deref())
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create this device's identity (organisation, role, a new signing key).
    Init {
        /// producer, carrier, receiver or regulator.
        #[arg(long)]
        role: String,
        /// Organisation name.
        #[arg(long)]
        org_name: String,
        /// Unified social credit code.
        #[arg(long)]
        credit_code: String,
        /// Every role of the organisation, comma separated (default: --role).
        #[arg(long)]
        org_roles: Option<String>,
        /// This device's block of label sequences, e.g. 1-499 (another device takes 500-999).
        #[arg(long)]
        seq_block: Option<String>,
    },
    /// Print this device's identity card (give it to the other party of a handover).
    Identity {
        /// Write the card to this file (a .png path writes it as a QR code).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Trust another device's identity card.
    Trust {
        /// The card file.
        card: PathBuf,
    },
    /// The national catalogue of hazardous wastes.
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
    },
    /// Register, show and list containers.
    Container {
        #[command(subcommand)]
        command: ContainerCommand,
    },
    /// Manifests and their containers: a carrier's pickups, a receiver's arrivals.
    Manifests,
    /// What needs attention in the containers this device holds: weights beyond tolerance at
    /// a custody change, receipts overdue, storage past its limit, steps after closure,
    /// routes missing, broken or astray (exit 1 when there is any).
    Anomalies,
    /// A container's timeline.
    History {
        /// The 37-character code.
        code: String,
    },
    /// Record a step of a container's life.
    Record {
        #[command(subcommand)]
        step: RecordStep,
    },
    /// Take part in a handover offered by another device.
    Handover {
        #[command(subcommand)]
        command: HandoverCommand,
    },
    /// Verify signatures, chains and stored rows.
    Verify {
        /// Only this container.
        code: Option<String>,
        /// An evidence bundle file to verify instead, offline, with no data directory.
        #[arg(long, conflicts_with = "code")]
        bundle: Option<PathBuf>,
        /// The registry's public key (hex, as `GET /v1/registry-key` and the registry's
        /// start-up line give it): the bundle must be attested by exactly this key.
        #[arg(long, requires = "bundle", value_name = "HEX")]
        registry_key: Option<yima_core::PublicKey>,
    },
    /// The person recorded with every step from now on (经办人); without a name, who it is.
    Operator {
        /// The person's name.
        name: Option<String>,
    },
    /// A carrier's route: record location fixes while in transit, show a container's
    /// transports with their verdicts.
    Track {
        #[command(subcommand)]
        command: TrackCommand,
    },
    /// Road control: a carrier shows a time-limited pass of its load; an inspector reads it,
    /// offline or from the registry, with no account.
    Road {
        #[command(subcommand)]
        command: RoadCommand,
    },
    /// The registry's audit API: search and count the containers this device's
    /// organisation may audit (a regulator its jurisdiction, others their own custody), and
    /// read one's timeline from the registry, verified here.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The management ledger (HJ 1259).
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Export events for other systems.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Enrol this device's key with a registry, using a single-use enrolment code.
    Enrol {
        /// The registry's URL (https://…; http:// only to this machine unless --insecure-http).
        #[arg(long, required_unless_present = "qr", conflicts_with = "qr")]
        registry: Option<String>,
        /// The enrolment code from the registry's administrator.
        #[arg(long, required_unless_present = "qr", conflicts_with = "qr")]
        code: Option<String>,
        /// A picture of the enrolment QR code the registry's operator gave (its URL and code).
        #[arg(long)]
        qr: Option<std::path::PathBuf>,
        /// Allow plain HTTP to another machine (behind a trusted network only).
        #[arg(long)]
        insecure_http: bool,
        /// A CA certificate file (PEM) trusted for this registry besides the system's store
        /// (a government or private CA); kept with the device for later syncs.
        #[arg(long)]
        ca_file: Option<std::path::PathBuf>,
    },
    /// Push recorded events to the registry and pull what this organisation may see.
    Sync {
        /// Allow plain HTTP to another machine (behind a trusted network only).
        #[arg(long)]
        insecure_http: bool,
    },
    /// Render containers' HJ 1276 labels with their signed QR code (only for containers this
    /// device generated): SVG, PNG at 300 dpi, or PDF with the font embedded.
    Label(LabelArgs),
    /// Find every QR code in photos (PNG, JPEG, up to 12 MP) and tell Yima labels from
    /// other codes.
    Scan {
        /// The image files.
        files: Vec<PathBuf>,
    },
    /// Walk containers through their whole life across three devices and print the result.
    Demo {
        /// Keep the demo's data here (default: a new directory under the system's temporary
        /// directory, kept and named at the end).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (man yima, man yima-record, …) into a directory.
    Man {
        /// Directory to write the pages into.
        out_dir: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum CatalogueCommand {
    /// Search by code, category (HW08) or Chinese text.
    Search {
        /// Search terms (all must match).
        text: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ContainerCommand {
    /// Register and label a new container; prints its 37-character code.
    New(Box<NewArgs>),
    /// Show one container.
    Show {
        /// The 37-character code.
        code: String,
    },
    /// List containers.
    List,
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// Waste code, NNN-NNN-NN.
    #[arg(long)]
    pub waste_code: String,
    /// Weight or volume.
    #[arg(long)]
    pub weight: String,
    /// kg, t or L.
    #[arg(long)]
    pub unit: String,
    /// solid, semi_solid, liquid or gas.
    #[arg(long)]
    pub form: String,
    /// Waste name (default: from the catalogue).
    #[arg(long)]
    pub name: Option<String>,
    /// Hazard characteristics, e.g. T,I (default: from the catalogue).
    #[arg(long)]
    pub hazards: Option<String>,
    /// Main components.
    #[arg(long, default_value = "")]
    pub main_components: String,
    /// Harmful components.
    #[arg(long, default_value = "")]
    pub harmful_components: String,
    /// Precautions.
    #[arg(long, default_value = "")]
    pub precautions: String,
    /// Contact person.
    #[arg(long, default_value = "")]
    pub contact: String,
    /// Contact phone.
    #[arg(long, default_value = "")]
    pub phone: String,
    /// Container type.
    #[arg(long, default_value = "")]
    pub container_type: String,
    /// Generating facility code.
    #[arg(long, default_value = "")]
    pub facility: String,
    /// Remarks.
    #[arg(long, default_value = "")]
    pub remarks: String,
    /// Why the waste is classified so: required for a hazard characteristic outside the
    /// catalogue entry, and with 900-000-NN (why no existing code fits). Kept in the remarks.
    #[arg(long, default_value = "")]
    pub classification_reason: String,
    /// The test report's reference (required with 900-000-NN). Kept in the remarks.
    #[arg(long, default_value = "")]
    pub test_report: String,
    #[command(flatten)]
    pub when: When,
}

#[derive(Subcommand, Debug)]
pub enum HandoverCommand {
    /// As the giver: compose and sign a handover (pickup, handover, receive or return); with
    /// `-o FILE.png` the offer is a QR code to show the taker, otherwise a JSON file.
    Offer {
        #[command(subcommand)]
        step: Box<RecordStep>,
    },
    /// As the taker: check an offer, countersign and store it; writes the acknowledgement.
    /// A QR offer (`OFFER.png`) needs the photos of every container's label (`--label`) and
    /// writes the acknowledgement as a QR code (`-o ACK.png`).
    Accept {
        offer: PathBuf,
        /// Photos of the containers' labels (one or more labels each), for a QR offer.
        #[arg(long = "label")]
        labels: Vec<PathBuf>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// As the giver: store the dual-signed event from the taker's acknowledgement
    /// (`ACK.png` or the JSON file).
    Confirm { ack: PathBuf },
    /// The handover offers sent through the registry: those waiting for this device's
    /// signature, and those this device sent (waiting or taken).
    Offers,
    /// As the taker: check the labels against an offer received through the registry and
    /// countersign it; the event reaches the giver at the next `yima sync`.
    Take {
        /// The offer's id (from `yima handover offers`).
        id: String,
        /// Photos of the containers' labels (one or more labels each).
        #[arg(long = "label", required = true)]
        labels: Vec<PathBuf>,
    },
    /// As the taker, before loading: is each scanned label on the QR offer's list?
    Check {
        offer: PathBuf,
        /// Photos of labels.
        #[arg(required = true)]
        labels: Vec<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum RoadCommand {
    /// As the carrier: a signed pass of what this device's organisation carries in transit
    /// under a manifest, to show an inspector (text, and a QR code with `-o PASS.png`).
    Pass {
        /// The 14-digit manifest number.
        #[arg(long)]
        manifest: String,
        /// How long it is valid, in minutes (1 to 240).
        #[arg(long, default_value_t = yima_core::ROAD_PASS_DEFAULT_MINUTES)]
        minutes: i64,
        /// Write the pass as a QR code to this PNG file.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// As an inspector: read a pass (its text, or a photo of its QR code) and check it
    /// offline; with `--online` or `--registry URL` also ask the registry what it records
    /// of its containers (exit 1 when it does not confirm every one).
    Check {
        /// The pass's text (`YIMA-RP1:…`) or an image file holding its QR code.
        pass: String,
        /// Ask this device's registry too.
        #[arg(long)]
        online: bool,
        /// Ask this registry (no account needed).
        #[arg(long)]
        registry: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TrackCommand {
    /// Record the location fixes of a file (GPX or CSV time,lat,lon[,accuracy_m]) for the
    /// transport under a manifest this device's organisation carries; prints how many were
    /// added.
    Record {
        /// The 14-digit manifest number.
        #[arg(long)]
        manifest: String,
        /// The file of fixes.
        #[arg(long)]
        from: PathBuf,
    },
    /// A container's transports: carrier, manifest, fixes held and whether they are the
    /// route the closing handover signed.
    Show {
        /// The 37-character code.
        code: String,
    },
}

/// `yima label`.
#[derive(Args, Debug)]
pub struct LabelArgs {
    /// The 37-character codes.
    #[arg(required = true)]
    pub codes: Vec<String>,
    /// svg, png (300 dpi) or pdf (several codes: A4 sheets).
    #[arg(long, value_enum, default_value = "pdf")]
    pub format: LabelFormatArg,
    /// Label side in mm: 100 (containers up to 50 L), 150 (up to 450 L), 200 (default: from
    /// --container-volume, else 100).
    #[arg(long, value_enum)]
    pub size: Option<LabelSizeArg>,
    /// The container's volume in litres: chooses the size (HJ 1276), and above 450 L two
    /// labels per container, for opposite sides.
    #[arg(long)]
    pub container_volume: Option<f64>,
    /// Output file; a directory for several codes as svg or png (one file per code).
    #[arg(short, long)]
    pub output: PathBuf,
    /// The QR code: auto (the registry's address when enrolled with one over https, else the
    /// text), url (the registry's address a phone's camera opens), text (YIMA1:…).
    #[arg(long, value_enum, default_value = "auto")]
    pub qr: LabelQrArg,
}

/// `yima label --qr`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LabelQrArg {
    Auto,
    Url,
    Text,
}

/// `yima label --format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LabelFormatArg {
    Svg,
    Png,
    Pdf,
}

/// `yima label --size`, in mm.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LabelSizeArg {
    #[value(name = "100")]
    Mm100,
    #[value(name = "150")]
    Mm150,
    #[value(name = "200")]
    Mm200,
}
