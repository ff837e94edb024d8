//! PostgreSQL: reports stored many to a statement (ADR 0019, "As built:
//! intake on PostgreSQL").
//!
//! On SQLite a report is stored by grouped work inside the writer's group
//! commit (`db::Db::run_grouped`), where a statement costs microseconds.
//! On PostgreSQL every statement is a round trip to the server and every
//! transaction a commit of its own: measured, one statement per report
//! (`submit::insert`) kept the server busier than everything else put
//! together. So the reports that arrive while a statement is under way
//! are queued, and the next statement stores all of them: their columns go
//! to the server as arrays (`unnest`), one prepared statement whatever the
//! count, one commit and one WAL flush for the lot. One drainer at a time
//! per process; the more devices are waiting, the more one statement takes.
//!
//! Only reports that passed every check that needs no database go this
//! way, against a directory version already parsed (`DirectoryCache`);
//! the statement itself guards the rest as `submit::insert` does — the
//! factory exists, the version still has the signature checked against,
//! and `ON CONFLICT DO NOTHING` on the client id and case id. A report the
//! statement did not store (a replay, a taken case id, a guard that
//! failed), one whose ids repeat inside the group, and every report of a
//! group whose statement failed, is stored (or refused) on its own by
//! `submit::store`, which says why. Nothing is answered before its commit.

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;
use workervoice_protocol::grievance::{SubmissionHeader, SubmitResponse};

use super::routes_to_text;
use super::submit::{self, NewCase, Prepared};
use crate::db::sql::Connection;
use crate::db::{Db, sql_u64};
use crate::directory::DirectoryCache;
use crate::error::ApiError;

/// Reports per statement, at most.
const MAX_GROUP: usize = 256;
/// Sealed bytes per statement, at most (the payloads are most of it).
const MAX_GROUP_BYTES: usize = 8 << 20;

/// The one statement: every column of every report as an array, and the
/// rows that follow a new case (wrapped keys, announced attachments, first
/// event, audit line) joined to the cases actually inserted by client id.
const INSERT_MANY: &str = "WITH input AS ( \
        SELECT * FROM unnest(?1::text[], ?2::text[], ?3::text[], ?4::text[], ?5::text[], ?6::bigint[], \
                             ?7::bytea[], ?8::bytea[], ?9::bigint[], ?10::bigint[], ?11::bytea[]) \
            AS input (case_id, client_id, factory_id, routes, current_route, directory_version, \
                      receipt_verifier, payload, received_at, deadline_at, signature) \
    ), new_case AS ( \
        INSERT INTO cases (case_id, client_id, factory_id, routes, route_index, current_route, \
                           directory_version, receipt_verifier, payload, status, received_at, deadline_at) \
        SELECT case_id, client_id, factory_id, routes, 0, current_route, directory_version, \
               receipt_verifier, payload, 'received', received_at, deadline_at \
        FROM input \
        WHERE EXISTS (SELECT 1 FROM factories WHERE factories.id = input.factory_id) \
          AND EXISTS (SELECT 1 FROM directories WHERE directories.version = input.directory_version \
                                                   AND directories.signature = input.signature) \
        ON CONFLICT DO NOTHING \
        RETURNING case_id, client_id, received_at \
    ), new_keys AS ( \
        INSERT INTO case_keys (case_id, handler_id, enc, wrapped_key) \
        SELECT new_case.case_id, handlers.id, wrapped.enc, wrapped.wrapped_key \
        FROM new_case \
        JOIN unnest(?12::text[], ?13::text[], ?14::bytea[], ?15::bytea[]) \
            AS wrapped (client_id, key_id, enc, wrapped_key) ON wrapped.client_id = new_case.client_id \
        JOIN handlers ON handlers.key_id = wrapped.key_id \
    ), new_attachments AS ( \
        INSERT INTO case_attachments (case_id, attachment_id, size, sha256) \
        SELECT new_case.case_id, announced.attachment_id, announced.size, announced.sha256 \
        FROM new_case \
        JOIN unnest(?16::text[], ?17::text[], ?18::bigint[], ?19::bytea[]) \
            AS announced (client_id, attachment_id, size, sha256) ON announced.client_id = new_case.client_id \
    ), first_event AS ( \
        INSERT INTO case_events (case_id, seq, at, status) SELECT case_id, 1, received_at, 'received' FROM new_case \
    ), audit AS ( \
        INSERT INTO case_audit (case_id, at, actor, action) \
        SELECT case_id, received_at, 'device', 'received' FROM new_case \
    ) \
    SELECT client_id FROM new_case";

/// Reports waiting for the next statement, and whether a drainer is on its way.
#[derive(Default)]
pub(crate) struct Intake {
    queue: Mutex<Vec<Queued>>,
    draining: AtomicBool,
}

/// A report waiting, with whoever waits for its answer.
struct Queued {
    header: SubmissionHeader,
    payload: Vec<u8>,
    prepared: Prepared,
    answer: oneshot::Sender<Result<SubmitResponse, ApiError>>,
}

impl Intake {
    /// Stores one report (PostgreSQL): in the next statement when it
    /// passes the checks that need no database against a parsed directory,
    /// else on its own.
    pub(crate) async fn submit(
        self: &Arc<Self>,
        db: &Db,
        directories: &Arc<DirectoryCache>,
        header: SubmissionHeader,
        payload: Vec<u8>,
    ) -> Result<SubmitResponse, ApiError> {
        let Some(prepared) = submit::prepare(directories, &header, &payload) else {
            return alone(db, directories, header, payload).await;
        };
        let (answer, answered) = oneshot::channel();
        lock(&self.queue).push(Queued { header, payload, prepared, answer });
        if !self.draining.swap(true, SeqCst) {
            let (intake, db, directories) = (Arc::clone(self), db.clone(), Arc::clone(directories));
            drop(tokio::spawn(async move { intake.drain(&db, &directories).await }));
        }
        answered.await.map_err(|_| ApiError::internal("a queued report was dropped"))?
    }

    /// Stores queued reports, a statement at a time, until none is left.
    async fn drain(&self, db: &Db, directories: &Arc<DirectoryCache>) {
        loop {
            let group = self.take();
            if group.is_empty() {
                self.draining.store(false, SeqCst);
                // Queued after the take by someone who saw a drainer on its
                // way: take it on, unless a new drainer already has.
                if lock(&self.queue).is_empty() || self.draining.swap(true, SeqCst) {
                    return;
                }
                continue;
            }
            store_group(db, directories, group).await;
        }
    }

    /// The next group: oldest first, within the bounds.
    fn take(&self) -> Vec<Queued> {
        let mut queue = lock(&self.queue);
        let (mut count, mut bytes) = (0, 0);
        for queued in queue.iter() {
            if count == MAX_GROUP || (count > 0 && bytes + queued.payload.len() > MAX_GROUP_BYTES) {
                break;
            }
            count += 1;
            bytes += queued.payload.len();
        }
        queue.drain(..count).collect()
    }
}

/// Stores a group with one statement; whatever it did not store goes on
/// its own, in a task of its own, so the next group need not wait.
async fn store_group(db: &Db, directories: &Arc<DirectoryCache>, group: Vec<Queued>) {
    // A client id or case id seen earlier in the group would meet its
    // twin inside one statement: the later one goes on its own.
    let (mut client_ids, mut case_ids) = (HashSet::new(), HashSet::new());
    let (together, apart): (Vec<Queued>, Vec<Queued>) = group.into_iter().partition(|queued| {
        client_ids.insert(queued.header.client_id.clone()) && case_ids.insert(queued.header.case_id.clone())
    });
    let columns = Columns::of(together.iter().map(|queued| queued.prepared.case(&queued.header, &queued.payload)));
    let stored = db.run_single_write(move |connection| Ok(columns.insert(connection)?)).await;
    let stored: HashSet<String> = match stored {
        Ok(client_ids) => client_ids.into_iter().collect(),
        Err(error) => {
            tracing::warn!(%error, reports = together.len(), "a group of reports failed; storing each on its own");
            HashSet::new()
        }
    };
    for queued in together.into_iter().chain(apart) {
        if stored.contains(&queued.header.client_id) {
            let response = SubmitResponse { case_id: queued.header.case_id, received_at: queued.prepared.now };
            let _ = queued.answer.send(Ok(response));
        } else {
            let (db, directories) = (db.clone(), Arc::clone(directories));
            drop(tokio::spawn(async move {
                let stored = alone(&db, &directories, queued.header, queued.payload).await;
                let _ = queued.answer.send(stored);
            }));
        }
    }
}

/// Locks a mutex, taking over a poisoned one (the queue is whole: a panic
/// elsewhere cannot leave it half-changed).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One report on its own (`submit::store`, which says why it is refused).
async fn alone(
    db: &Db,
    directories: &Arc<DirectoryCache>,
    header: SubmissionHeader,
    payload: Vec<u8>,
) -> Result<SubmitResponse, ApiError> {
    let directories = Arc::clone(directories);
    let (response, _replayed) =
        db.run_single_write(move |connection| submit::store(connection, &directories, &header, &payload)).await?;
    Ok(response)
}

/// A group's columns, as the statement's arrays.
pub(super) struct Columns {
    case_ids: Vec<String>,
    client_ids: Vec<String>,
    factory_ids: Vec<String>,
    routes: Vec<String>,
    current_routes: Vec<String>,
    directory_versions: Vec<i64>,
    receipt_verifiers: Vec<Vec<u8>>,
    payloads: Vec<Vec<u8>>,
    received_at: Vec<i64>,
    deadlines: Vec<i64>,
    signatures: Vec<Vec<u8>>,
    key_client_ids: Vec<String>,
    key_ids: Vec<String>,
    encs: Vec<Vec<u8>>,
    wrapped_keys: Vec<Vec<u8>>,
    attachment_client_ids: Vec<String>,
    attachment_ids: Vec<String>,
    attachment_sizes: Vec<i64>,
    attachment_hashes: Vec<Vec<u8>>,
}

impl Columns {
    /// The columns of `cases`, checked and ready to insert.
    pub(super) fn of<'a>(cases: impl IntoIterator<Item = NewCase<'a>>) -> Self {
        let cases = cases.into_iter();
        let count = cases.size_hint().0;
        let mut columns = Self {
            case_ids: Vec::with_capacity(count),
            client_ids: Vec::with_capacity(count),
            factory_ids: Vec::with_capacity(count),
            routes: Vec::with_capacity(count),
            current_routes: Vec::with_capacity(count),
            directory_versions: Vec::with_capacity(count),
            receipt_verifiers: Vec::with_capacity(count),
            payloads: Vec::with_capacity(count),
            received_at: Vec::with_capacity(count),
            deadlines: Vec::with_capacity(count),
            signatures: Vec::with_capacity(count),
            key_client_ids: Vec::new(),
            key_ids: Vec::new(),
            encs: Vec::new(),
            wrapped_keys: Vec::new(),
            attachment_client_ids: Vec::new(),
            attachment_ids: Vec::new(),
            attachment_sizes: Vec::new(),
            attachment_hashes: Vec::new(),
        };
        for NewCase { header, payload, signature, now, deadline_at } in cases {
            columns.case_ids.push(header.case_id.clone());
            columns.client_ids.push(header.client_id.clone());
            columns.factory_ids.push(header.factory_id.clone());
            columns.routes.push(routes_to_text(&header.routes));
            columns.current_routes.push(header.routes[0].as_str().to_owned());
            columns.directory_versions.push(sql_u64(header.directory_version));
            columns.receipt_verifiers.push(header.receipt_verifier.clone());
            columns.payloads.push(payload.to_vec());
            columns.received_at.push(now);
            columns.deadlines.push(deadline_at);
            columns.signatures.push(signature.to_vec());
            for wrapped in &header.recipients {
                columns.key_client_ids.push(header.client_id.clone());
                columns.key_ids.push(wrapped.handler_id.clone());
                columns.encs.push(wrapped.enc.clone());
                columns.wrapped_keys.push(wrapped.wrapped_key.clone());
            }
            for attachment in &header.attachments {
                columns.attachment_client_ids.push(header.client_id.clone());
                columns.attachment_ids.push(attachment.attachment_id.clone());
                columns.attachment_sizes.push(sql_u64(attachment.size));
                columns.attachment_hashes.push(attachment.sha256.clone());
            }
        }
        columns
    }

    /// Inserts the cases that are new, with what follows each (one
    /// statement, [`INSERT_MANY`]); returns the client ids inserted.
    pub(super) fn insert(&self, connection: &Connection) -> crate::db::sql::Result<Vec<String>> {
        connection.postgres_texts(INSERT_MANY, &self.params())
    }

    /// `?1` to `?19`, in the statement's order.
    fn params(&self) -> [&(dyn postgres::types::ToSql + Sync); 19] {
        [
            &self.case_ids,
            &self.client_ids,
            &self.factory_ids,
            &self.routes,
            &self.current_routes,
            &self.directory_versions,
            &self.receipt_verifiers,
            &self.payloads,
            &self.received_at,
            &self.deadlines,
            &self.signatures,
            &self.key_client_ids,
            &self.key_ids,
            &self.encs,
            &self.wrapped_keys,
            &self.attachment_client_ids,
            &self.attachment_ids,
            &self.attachment_sizes,
            &self.attachment_hashes,
        ]
    }
}
