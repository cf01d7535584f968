//! A push's batch signature check, run on a core of its own while the store decides and
//! writes the push: the store commits only once the check has passed, and decides the push
//! again checking each signature one by one (to name the bad ones) if it failed.

use tokio::sync::oneshot;
use yima_core::{verify_batch, EventId, Signature};

/// Whether every signature of a push verified: known, or still being found out.
pub struct SignatureCheck(Inner);

enum Inner {
    Known(bool),
    Pending(oneshot::Receiver<bool>),
}

impl SignatureCheck {
    /// A check whose outcome is known: `true` when every signature verified.
    pub fn known(all_verified: bool) -> SignatureCheck {
        SignatureCheck(Inner::Known(all_verified))
    }

    /// Starts batch-verifying `batch` on a blocking thread (an empty batch does not pass:
    /// there is nothing to vouch for).
    pub fn start(batch: Vec<(EventId, Signature)>) -> SignatureCheck {
        if batch.is_empty() {
            return SignatureCheck::known(false);
        }
        let (tx, rx) = oneshot::channel();
        tokio::task::spawn_blocking(move || {
            let _ = tx.send(verify_batch(&batch));
        });
        SignatureCheck(Inner::Pending(rx))
    }

    /// What the store may assume while deciding: a pending check is assumed to pass, and
    /// [`SignatureCheck::passed`] or [`SignatureCheck::passed_blocking`] tells before commit.
    pub(crate) fn assumed(&self) -> bool {
        match self.0 {
            Inner::Known(ok) => ok,
            Inner::Pending(_) => true,
        }
    }

    /// Waits for the outcome (a check that ended without one did not pass).
    pub(crate) async fn passed(self) -> bool {
        match self.0 {
            Inner::Known(ok) => ok,
            Inner::Pending(rx) => rx.await.unwrap_or(false),
        }
    }

    /// Waits for the outcome on a blocking thread (never on an async one).
    pub(crate) fn passed_blocking(self) -> bool {
        match self.0 {
            Inner::Known(ok) => ok,
            Inner::Pending(rx) => rx.blocking_recv().unwrap_or(false),
        }
    }
}

impl From<bool> for SignatureCheck {
    fn from(all_verified: bool) -> SignatureCheck {
        SignatureCheck::known(all_verified)
    }
}
