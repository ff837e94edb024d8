//! `POST /v1/progress/leaderboard`: a factory's leaderboard, which workers
//! join and leave themselves. Members appear under a pseudonym (an animal and
//! four digits: no language, no name) unique in their factory, and nothing is
//! shown while fewer than [`MIN_GROUP`] take part.

use crate::db::sql::{Connection, OptionalExtension, params};
use axum::Json;
use axum::extract::State;
use workervoice_protocol::progress::{
    LeaderboardEntry, LeaderboardRequest, LeaderboardResponse, MIN_GROUP, leaderboard_mac_input,
};

use super::log::{worker_log, worker_totals};
use crate::auth::worker_mac::check_worker_mac;
use crate::clock::unix_now;
use crate::device_auth::SignedRequest;
use crate::error::ApiError;
use crate::state::AppState;

/// Emoji that start pseudonyms: no language, no name.
const PSEUDONYM_ANIMALS: [&str; 24] = [
    "🦊", "🐼", "🐯", "🦁", "🐸", "🐵", "🦉", "🐢", "🐬", "🦋", "🐝", "🦜", "🐘", "🦒", "🦓", "🐙", "🦀", "🐧", "🦩",
    "🐨", "🦔", "🦦", "🐳", "🦚",
];

fn new_pseudonym(state: &AppState) -> Result<String, ApiError> {
    let bytes: [u8; 4] = state.keys.random()?;
    let animal = PSEUDONYM_ANIMALS[usize::from(bytes[0]) % PSEUDONYM_ANIMALS.len()];
    let number = u32::from_be_bytes([0, bytes[1], bytes[2], bytes[3]]) % 10_000;
    Ok(format!("{animal} {number:04}"))
}

/// How many fresh pseudonyms a join tries before giving up. With 240,000
/// pseudonyms and a factory of a few thousand members, eight clashes in a
/// row happen about once in 10^20 joins.
const PSEUDONYM_ATTEMPTS: usize = 8;

/// Adds `worker_id` to its factory's leaderboard under a pseudonym no other
/// member of that factory holds, drawing a fresh one from `fresh` after each
/// clash; a worker already on the board keeps their pseudonym. Fails with an
/// internal (retryable) error, never a silent "not joined", when every
/// attempt clashed.
fn join_leaderboard(
    connection: &Connection,
    worker_id: &str,
    factory_id: &str,
    mut fresh: impl FnMut() -> Result<String, ApiError>,
) -> Result<(), ApiError> {
    let member = connection
        .query_row("SELECT 1 FROM leaderboard WHERE worker_id = ?1", [worker_id], |_| Ok(()))
        .optional()?
        .is_some();
    if member {
        return Ok(());
    }
    for _ in 0..PSEUDONYM_ATTEMPTS {
        let pseudonym = fresh()?;
        // Ignored only on a clash of (factory, pseudonym): membership was checked above,
        // inside the same immediate transaction.
        let inserted = connection.execute(
            "INSERT INTO leaderboard (worker_id, factory_id, pseudonym, joined_at)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            params![worker_id, factory_id, pseudonym, unix_now()],
        )?;
        if inserted == 1 {
            return Ok(());
        }
    }
    Err(ApiError::internal("no free leaderboard pseudonym after several attempts"))
}

/// `POST /v1/progress/leaderboard`: opt in or out, and the factory's board
/// (pseudonyms only; nothing shown while fewer than five take part).
pub(super) async fn leaderboard(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Json<LeaderboardResponse>, ApiError> {
    let body: LeaderboardRequest = request.json()?;
    let device = request.device;
    let shared = state.clone();
    let reply = state
        .db
        .run(move |connection| {
            let input = leaderboard_mac_input(&body.worker_id, body.opt_in);
            check_worker_mac(connection, &shared, &device, &body.worker_id, &input, &body.mac)?;
            let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
            match body.opt_in {
                Some(true) => {
                    join_leaderboard(&tx, &body.worker_id, &device.factory_id, || new_pseudonym(&shared))?;
                }
                Some(false) => {
                    tx.execute("DELETE FROM leaderboard WHERE worker_id = ?1", [&body.worker_id])?;
                }
                None => {}
            }
            let utc_offset_minutes: i32 =
                tx.query_row("SELECT utc_offset_minutes FROM factories WHERE id = ?1", [&device.factory_id], |row| {
                    row.get(0)
                })?;
            let members: Vec<(String, String)> = {
                let mut statement = tx.prepare("SELECT worker_id, pseudonym FROM leaderboard WHERE factory_id = ?1")?;
                let rows = statement.query_map([&device.factory_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            let own = members.iter().find(|(worker, _)| *worker == body.worker_id).map(|(_, p)| p.clone());
            let suppressed = u32::try_from(members.len()).unwrap_or(u32::MAX) < MIN_GROUP;
            let mut board = Vec::new();
            if !suppressed {
                for (worker_id, pseudonym) in &members {
                    let log = worker_log(&tx, worker_id)?;
                    let (totals, _) = worker_totals(&tx, &shared.data_dir, &log, utc_offset_minutes)?;
                    board.push((worker_id.clone(), pseudonym.clone(), totals.points, totals.level));
                }
                board.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
            }
            tx.commit()?;
            let own_rank = board
                .iter()
                .position(|(worker_id, ..)| *worker_id == body.worker_id)
                .map(|at| u32::try_from(at + 1).unwrap_or(u32::MAX));
            let entries = board
                .into_iter()
                .take(LEADERBOARD_SIZE)
                .enumerate()
                .map(|(at, (_, pseudonym, points, level))| LeaderboardEntry {
                    rank: u32::try_from(at + 1).unwrap_or(u32::MAX),
                    pseudonym,
                    points,
                    level,
                })
                .collect();
            Ok(LeaderboardResponse { opted_in: own.is_some(), pseudonym: own, suppressed, entries, own_rank })
        })
        .await?;
    Ok(Json(reply))
}

/// Lines shown on a leaderboard.
const LEADERBOARD_SIZE: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    fn factory_with_workers(workers: &[&str]) -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::db::open_connection(dir.path()).unwrap();
        connection
            .execute("INSERT INTO factories (id, name, self_registration, created_at) VALUES ('f1', 'F', 0, 0)", [])
            .unwrap();
        for (at, worker) in workers.iter().enumerate() {
            connection
                .execute(
                    "INSERT INTO workers (id, factory_id, worker_number, number_key, display_name, language,
                                          kdf_algorithm, kdf_salt, kdf_iterations, created_at)
                     VALUES (?1, 'f1', ?2, ?2, 'W', 'en', 'pbkdf2', x'00', 1, 0)",
                    params![worker, at.to_string()],
                )
                .unwrap();
        }
        (dir, connection)
    }

    fn pseudonym_of(connection: &Connection, worker_id: &str) -> Option<String> {
        connection
            .query_row("SELECT pseudonym FROM leaderboard WHERE worker_id = ?1", [worker_id], |row| row.get(0))
            .optional()
            .unwrap()
    }

    #[test]
    fn a_pseudonym_clash_draws_a_fresh_one_instead_of_silently_not_joining() {
        let (_dir, connection) = factory_with_workers(&["w1", "w2"]);
        join_leaderboard(&connection, "w1", "f1", || Ok("🦊 0001".to_owned())).unwrap();
        let mut drawn = vec!["🦊 0002".to_owned(), "🦊 0001".to_owned()];
        join_leaderboard(&connection, "w2", "f1", || Ok(drawn.pop().unwrap())).unwrap();
        assert_eq!(pseudonym_of(&connection, "w1").as_deref(), Some("🦊 0001"));
        assert_eq!(pseudonym_of(&connection, "w2").as_deref(), Some("🦊 0002"));
    }

    #[test]
    fn a_pseudonym_space_with_no_room_left_is_an_error_not_a_silent_refusal() {
        let (_dir, connection) = factory_with_workers(&["w1", "w2"]);
        join_leaderboard(&connection, "w1", "f1", || Ok("🦊 0001".to_owned())).unwrap();
        let mut draws = 0;
        let error = join_leaderboard(&connection, "w2", "f1", || {
            draws += 1;
            Ok("🦊 0001".to_owned())
        })
        .unwrap_err();
        assert!(matches!(error, ApiError::Internal(_)), "{error:?}");
        assert_eq!(draws, PSEUDONYM_ATTEMPTS);
        assert_eq!(pseudonym_of(&connection, "w2"), None);
    }

    #[test]
    fn joining_again_keeps_the_pseudonym() {
        let (_dir, connection) = factory_with_workers(&["w1"]);
        join_leaderboard(&connection, "w1", "f1", || Ok("🐼 1234".to_owned())).unwrap();
        join_leaderboard(&connection, "w1", "f1", || Ok("🐼 9999".to_owned())).unwrap();
        assert_eq!(pseudonym_of(&connection, "w1").as_deref(), Some("🐼 1234"));
    }
}
