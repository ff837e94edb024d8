//! Keeping a tablet used by thousands of workers small: vaults unused for
//! [`VAULT_MAX_IDLE_DAYS`] or beyond [`MAX_VAULTS`] are forgotten (never the
//! open session's), and drafts and survey tokens past their age go. Run at
//! each sync of a shared device; the app then shreds the forgotten vaults'
//! key-store secrets (crypto-shredding), as the wipe does.

use crate::auth::day_of;
use crate::error::Error;
use crate::store::{Store, drafts, offline_drafts, survey_tokens, workers};

/// Survey tokens older than this are dropped from a shared tablet (a
/// survey is answered within six months of fetching its token).
const SURVEY_TOKEN_MAX_AGE_SECS: i64 = 180 * 86_400;

/// Reason parked on items of an offline sign-in the hub rejected.
pub const SIGN_IN_NOT_CONFIRMED: &str = "sign_in_not_confirmed";

/// A tablet forgets a worker's vault after this many days without a sign-in
/// (the worker signs in online again and a new one is made).
pub const VAULT_MAX_IDLE_DAYS: i64 = 180;
/// At most this many vaults on a tablet; the least recently used go first.
pub const MAX_VAULTS: u32 = 5_000;
/// Drafts on a tablet not saved for this long are deleted (they have no
/// owner column, so they are capped by age, not per worker).
pub const DRAFT_MAX_AGE_SECS: i64 = 30 * 86_400;

/// Deletes the vaults past their limits (not `open`, the open session's)
/// and the drafts and tokens past their age, in one transaction. Returns the
/// local ids of the vaults that went, for their secrets to be shredded.
pub fn forget_old_vaults(store: &mut Store, open: Option<&str>, now: i64) -> Result<Vec<String>, Error> {
    let candidates = workers::eviction_candidates(store.conn(), day_of(now) - VAULT_MAX_IDLE_DAYS, MAX_VAULTS)?;
    let evicted: Vec<String> = candidates.into_iter().filter(|id| Some(id.as_str()) != open).collect();
    store.transaction(|tx| {
        for local_id in &evicted {
            workers::delete(tx, local_id)?;
        }
        drafts::purge_older_than(tx, now - DRAFT_MAX_AGE_SECS)?;
        offline_drafts::purge_older_than(tx, now - DRAFT_MAX_AGE_SECS)?;
        survey_tokens::purge_older_than(tx, now - SURVEY_TOKEN_MAX_AGE_SECS)?;
        Ok::<_, Error>(())
    })?;
    Ok(evicted)
}
