//! The arguments of the steps `yima record` takes (and `yima handover offer`, for the
//! handovers): each step's fields, when and where, the other party, a scale to read.

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// When and where a step happened.
#[derive(Args, Debug, Clone)]
pub struct When {
    /// When it happened (RFC 3339, e.g. 2026-11-29T08:30:00+08:00; default: now).
    #[arg(long)]
    pub at: Option<String>,
    /// Where it happened.
    #[arg(long)]
    pub location: Option<String>,
}

/// The electronic scale a weight is read from.
#[derive(Args, Debug, Clone)]
pub struct ScaleArgs {
    /// The scale's serial port (e.g. /dev/ttyUSB0, COM3).
    #[arg(long)]
    pub scale_port: Option<String>,
    /// What the scale sends: generic (ST,GS,+0012.34kg), mettler (S S 12.34 kg) or toledo.
    #[arg(long, default_value = "generic", requires = "scale_port")]
    pub scale_protocol: String,
    /// The port's speed.
    #[arg(long, default_value_t = 9600, requires = "scale_port")]
    pub baud: u32,
    /// The scale's name, recorded with its port (e.g. its asset number).
    #[arg(long, requires = "scale_port")]
    pub scale_name: Option<String>,
    /// Seconds to wait for the scale to settle.
    #[arg(long, default_value_t = 30, requires = "scale_port")]
    pub scale_timeout: u64,
}

/// What a handover needs: the other party and where to write the offer.
#[derive(Args, Debug)]
pub struct Offer {
    /// The taker's identity card (from `yima identity`): a JSON file, or its QR code (.png).
    #[arg(long)]
    pub to: PathBuf,
    /// Write the offer here (give it to the taker): a .png path writes a QR code to show on
    /// screen, any other a JSON file with the containers' history.
    #[arg(
        short,
        long,
        required_unless_present = "online",
        conflicts_with = "online"
    )]
    pub output: Option<PathBuf>,
    /// Send the offer to the taker through the registry at the next `yima sync` (both devices
    /// enrolled) instead of writing it to a file.
    #[arg(long)]
    pub online: bool,
}

#[derive(Subcommand, Debug)]
pub enum RecordStep {
    /// 入库: into storage.
    Store {
        codes: Vec<String>,
        #[arg(long)]
        facility: String,
        #[command(flatten)]
        when: When,
    },
    /// 出库: out of storage against a transfer manifest.
    Dispatch {
        codes: Vec<String>,
        /// 14-digit manifest number.
        #[arg(long)]
        manifest: String,
        #[arg(long)]
        carrier_code: String,
        #[arg(long)]
        carrier_name: String,
        #[arg(long)]
        receiver_code: String,
        #[arg(long)]
        receiver_name: String,
        #[arg(long)]
        receiver_permit: String,
        /// use or disposal.
        #[arg(long, default_value = "disposal")]
        mode: String,
        #[arg(long, default_value = "")]
        emergency: String,
        #[arg(long)]
        facility: String,
        #[command(flatten)]
        when: When,
    },
    /// 运输交接: hand containers to a carrier (run by the giver; writes an offer).
    Pickup {
        codes: Vec<String>,
        #[arg(long)]
        manifest: String,
        #[arg(long)]
        vehicle: String,
        #[arg(long)]
        driver: String,
        #[arg(long)]
        permit: String,
        #[command(flatten)]
        offer: Offer,
        #[command(flatten)]
        when: When,
    },
    /// 接驳交接: relay handover to the next carrier (run by the giver; writes an offer).
    Handover {
        codes: Vec<String>,
        #[arg(long)]
        manifest: String,
        #[arg(long)]
        vehicle: String,
        #[arg(long)]
        driver: String,
        #[arg(long)]
        permit: String,
        #[arg(long)]
        place: String,
        #[command(flatten)]
        offer: Offer,
        #[command(flatten)]
        when: When,
    },
    /// 接收: hand containers to the receiver (run by the carrier; writes an offer).
    Receive {
        codes: Vec<String>,
        #[arg(long)]
        manifest: String,
        #[command(flatten)]
        offer: Offer,
        #[command(flatten)]
        when: When,
    },
    /// 退回: hand refused waste back to its producer (run by the carrier; writes an offer).
    Return {
        codes: Vec<String>,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        offer: Offer,
        #[command(flatten)]
        when: When,
    },
    /// 称重: weigh at a custody change, read from a scale (--scale-port) or typed in
    /// (--weight, the manual fallback).
    Weigh {
        code: String,
        #[arg(
            long,
            required_unless_present = "scale_port",
            conflicts_with = "scale_port"
        )]
        weight: Option<String>,
        #[arg(
            long,
            required_unless_present = "scale_port",
            conflicts_with = "scale_port"
        )]
        unit: Option<String>,
        #[arg(long)]
        weigher: String,
        #[arg(long, default_value = "scale")]
        weighed_with: String,
        #[command(flatten)]
        scale: ScaleArgs,
        #[command(flatten)]
        when: When,
    },
    /// 接受: accept in full (one event per container).
    Accept {
        codes: Vec<String>,
        #[command(flatten)]
        when: When,
    },
    /// 拒收: refuse in full, or in part with --accepted and --refused.
    Refuse {
        code: String,
        #[arg(long)]
        reason: String,
        #[arg(long, requires = "refused")]
        accepted: Option<String>,
        #[arg(long, requires = "accepted")]
        refused: Option<String>,
        #[arg(long, default_value = "kg")]
        unit: String,
        #[command(flatten)]
        when: When,
    },
    /// 利用/处置: use or dispose of; closes the containers.
    Dispose {
        codes: Vec<String>,
        #[arg(long)]
        method: String,
        /// use or disposal (default: the manifest's, for a receiver).
        #[arg(long)]
        mode: Option<String>,
        /// Completion time (RFC 3339; default: the event time).
        #[arg(long)]
        completed_at: Option<String>,
        #[command(flatten)]
        when: When,
    },
    /// 合并: merge containers into a new one (prints its code).
    Merge {
        codes: Vec<String>,
        /// Quantity of the merged container (default: the sum).
        #[arg(long, requires = "unit")]
        weight: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        when: When,
    },
    /// 拆分: split a container into parts (prints their codes).
    Split {
        code: String,
        /// Quantities of the parts, comma separated.
        #[arg(long, value_delimiter = ',')]
        parts: Vec<String>,
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        when: When,
    },
    /// 拆出拒收部分退回: split a partly refused container into what was accepted and what was
    /// refused; the refused part starts refused, to be picked up and returned to its sender
    /// (prints both codes).
    ReturnRefused {
        code: String,
        #[command(flatten)]
        when: When,
    },
    /// 更正: correct an earlier event (the original stays).
    Correct {
        code: String,
        /// The event to correct (its id, from `yima history`).
        #[arg(long)]
        event: String,
        #[arg(long)]
        reason: String,
        /// field=value, repeatable.
        #[arg(long = "set", required = true)]
        set: Vec<String>,
        #[command(flatten)]
        when: When,
    },
    /// 作废: withdraw containers still at the producer.
    Void {
        codes: Vec<String>,
        #[arg(long)]
        reason: String,
        /// Quantity leaving the books (default: what the containers hold together).
        #[arg(long, requires = "unit")]
        weight: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        when: When,
    },
}
