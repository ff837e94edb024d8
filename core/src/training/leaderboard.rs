//! The factory's leaderboard: joining or leaving it and reading it, as
//! the signed-in worker (a MAC under their hub share), shown under
//! pseudonyms the hub assigns. The app's call is `app::training`.

use workervoice_protocol::paths;
use workervoice_protocol::progress::{LeaderboardRequest, LeaderboardResponse};

use crate::error::Error;
use crate::net::{HubClient, Signer};

/// A factory's leaderboard, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Leaderboard {
    /// Whether the worker takes part.
    pub opted_in: bool,
    /// Their pseudonym while they do.
    pub pseudonym: Option<String>,
    /// Fewer than five take part: nothing is shown.
    pub suppressed: bool,
    /// The top of the board.
    pub entries: Vec<LeaderboardLine>,
    /// The worker's rank, when they take part and the board is shown.
    pub own_rank: Option<u32>,
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LeaderboardLine {
    /// 1 for the most points.
    pub rank: u32,
    /// A pseudonym, never a name.
    pub pseudonym: String,
    /// Points.
    pub points: u64,
    /// Level.
    pub level: u32,
}

/// Asks the hub for the factory's leaderboard, joining (`Some(true)`) or
/// leaving (`Some(false)`) it first; `mac` is [`super::leaderboard_mac`].
pub(crate) async fn fetch(
    client: &HubClient,
    signer: &Signer,
    worker_id: String,
    opt_in: Option<bool>,
    mac: Vec<u8>,
) -> Result<Leaderboard, Error> {
    let request = LeaderboardRequest { worker_id, opt_in, mac };
    let reply: LeaderboardResponse = client.post_signed(paths::PROGRESS_LEADERBOARD, &request, signer).await?;
    Ok(Leaderboard {
        opted_in: reply.opted_in,
        pseudonym: reply.pseudonym,
        suppressed: reply.suppressed,
        entries: reply
            .entries
            .into_iter()
            .map(|entry| LeaderboardLine {
                rank: entry.rank,
                pseudonym: entry.pseudonym,
                points: entry.points,
                level: entry.level,
            })
            .collect(),
        own_rank: reply.own_rank,
    })
}
