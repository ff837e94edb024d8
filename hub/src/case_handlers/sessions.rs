//! Handler sessions: in memory only, never written to disk.
//!
//! A login unwraps the handler's private key and keeps it in the session
//! until logout or expiry ([`SESSION_LIFETIME_SECS`]), when it is dropped and
//! zeroized. The bearer token (32 random bytes, base64) is kept only as its
//! SHA-256, so a listing of the session table does not hand out working
//! tokens. Nothing about sessions is persisted: a hub restart ends them all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use ring::digest::{SHA256, digest};
use workervoice_protocol::b64;
use workervoice_protocol::directory::Route;

use super::key_pair::HandlerPrivateKey;
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::state::AppState;

/// How long a session lasts: a working day.
pub(crate) const SESSION_LIFETIME_SECS: i64 = 8 * 3600;
/// Most live sessions per handler; a new login beyond it ends the oldest.
const MAX_SESSIONS_PER_HANDLER: usize = 16;

/// Who a session belongs to.
#[derive(Debug, Clone)]
pub(crate) struct HandlerIdentity {
    pub(crate) handler_id: String,
    pub(crate) route: Route,
    pub(crate) factory_id: Option<String>,
    /// A survey analyst (reads survey results, not cases).
    pub(crate) analyst: bool,
}

struct Session {
    identity: HandlerIdentity,
    private_key: Arc<HandlerPrivateKey>,
    expires_at: i64,
}

/// The live sessions, by SHA-256 of their token.
#[derive(Default)]
pub(crate) struct Sessions {
    live: Mutex<HashMap<[u8; 32], Session>>,
}

fn token_hash(token: &str) -> [u8; 32] {
    let mut hash = [0u8; 32];
    hash.copy_from_slice(digest(&SHA256, token.as_bytes()).as_ref());
    hash
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Session>> {
        // Nothing here can panic half-way through an update; a poisoned
        // lock still holds a consistent map.
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a session; returns its token and expiry.
    pub(crate) fn start(
        &self,
        identity: HandlerIdentity,
        private_key: HandlerPrivateKey,
        random: [u8; 32],
        now: i64,
    ) -> (String, i64) {
        let token = b64::encode(&random);
        let expires_at = now + SESSION_LIFETIME_SECS;
        let mut live = self.lock();
        live.retain(|_, session| session.expires_at > now);
        let mut own: Vec<([u8; 32], i64)> = live
            .iter()
            .filter(|(_, session)| session.identity.handler_id == identity.handler_id)
            .map(|(hash, session)| (*hash, session.expires_at))
            .collect();
        if own.len() >= MAX_SESSIONS_PER_HANDLER {
            own.sort_by_key(|(_, expires_at)| *expires_at);
            for (hash, _) in own.iter().take(own.len() + 1 - MAX_SESSIONS_PER_HANDLER) {
                live.remove(hash);
            }
        }
        live.insert(token_hash(&token), Session { identity, private_key: Arc::new(private_key), expires_at });
        (token, expires_at)
    }

    /// The session of a token, if it is live.
    fn find(&self, token: &str, now: i64) -> Option<HandlerSession> {
        let hash = token_hash(token);
        let mut live = self.lock();
        match live.get(&hash) {
            Some(session) if session.expires_at > now => Some(HandlerSession {
                identity: session.identity.clone(),
                private_key: Arc::clone(&session.private_key),
                token_hash: hash,
            }),
            Some(_) => {
                live.remove(&hash);
                None
            }
            None => None,
        }
    }

    /// Ends one session.
    pub(crate) fn end(&self, session: &HandlerSession) {
        self.lock().remove(&session.token_hash);
    }

    /// Drops expired sessions (and with them their keys).
    pub(crate) fn purge_expired(&self, now: i64) {
        self.lock().retain(|_, session| session.expires_at > now);
    }
}

/// A request from a logged-in handler (`Authorization: Bearer <token>`).
pub(crate) struct HandlerSession {
    pub(crate) identity: HandlerIdentity,
    pub(crate) private_key: Arc<HandlerPrivateKey>,
    token_hash: [u8; 32],
}

impl FromRequestParts<AppState> for HandlerSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(ApiError::unauthorized)?;
        state.sessions.find(token, unix_now()).ok_or_else(ApiError::unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(handler_id: &str) -> HandlerIdentity {
        HandlerIdentity { handler_id: handler_id.into(), route: Route::Brand, factory_id: None, analyst: false }
    }

    fn key() -> HandlerPrivateKey {
        let dir = tempfile::tempdir().unwrap();
        let keys = crate::keys::HubKeys::load_or_create(dir.path()).unwrap();
        super::super::key_pair::generate_key_pair(&keys).unwrap().0
    }

    #[test]
    fn a_session_lives_until_it_expires_or_ends() {
        let sessions = Sessions::default();
        let (token, expires_at) = sessions.start(identity("h"), key(), [1; 32], 1000);
        assert_eq!(expires_at, 1000 + SESSION_LIFETIME_SECS);
        let session = sessions.find(&token, 1001).expect("live");
        assert!(sessions.find("another token", 1001).is_none());
        assert!(sessions.find(&token, expires_at).is_none(), "expired");
        let (token, _) = sessions.start(identity("h"), key(), [2; 32], 1000);
        let session2 = sessions.find(&token, 1001).expect("live");
        sessions.end(&session2);
        assert!(sessions.find(&token, 1001).is_none(), "ended");
        drop(session);
    }

    #[test]
    fn too_many_logins_end_the_oldest_sessions() {
        let sessions = Sessions::default();
        let first = sessions.start(identity("h"), key(), [0; 32], 1000).0;
        for i in 1..=MAX_SESSIONS_PER_HANDLER {
            sessions.start(identity("h"), key(), [i as u8; 32], 1000 + i as i64);
        }
        assert!(sessions.find(&first, 2000).is_none());
        assert_eq!(sessions.lock().len(), MAX_SESSIONS_PER_HANDLER);
    }
}
