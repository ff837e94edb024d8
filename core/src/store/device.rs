//! The single `device` row: enrolment state, the wrapped device storage key
//! and the sealed device identity.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// Enrolment state of the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    /// Identity generated and saved; the hub has not confirmed enrolment yet.
    Pending,
    /// Enrolled: requests are signed with the identity.
    Enrolled,
    /// Retired by the hub: keys are shredded, nothing works.
    Retired,
}

impl DeviceState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Enrolled => "enrolled",
            Self::Retired => "retired",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "pending" => Ok(Self::Pending),
            "enrolled" => Ok(Self::Enrolled),
            "retired" => Ok(Self::Retired),
            _ => Err(StoreError::Malformed("device.state")),
        }
    }
}

/// The device row as stored (sealed fields still sealed).
#[derive(Debug, Clone)]
pub struct DeviceRow {
    /// Enrolment state.
    pub state: DeviceState,
    /// The hub this device talks to.
    pub hub_url: String,
    /// `personal` or `shared`.
    pub mode: String,
    /// Device storage key sealed under the key-store-derived KEK.
    pub wrapped_storage_key: Vec<u8>,
    /// Canary sealed under the device storage key.
    pub canary: Vec<u8>,
    /// Ed25519 PKCS#8 sealed under the device storage key.
    pub identity: Vec<u8>,
    /// Raw public key (not secret).
    pub public_key: Vec<u8>,
    /// The code used for a pending enrolment, so a retry re-sends the same request.
    pub enrolment_code: Option<String>,
    /// Hub-issued device id once enrolled.
    pub device_id: Option<String>,
    /// Factory id once enrolled.
    pub factory_id: Option<String>,
    /// Factory name once enrolled.
    pub factory_name: Option<String>,
    /// Enrolment time (unix seconds).
    pub enrolled_at: Option<i64>,
}

/// Reads the device row, if any.
pub fn load(conn: &Connection) -> Result<Option<DeviceRow>, StoreError> {
    let row = conn
        .query_row(
            "SELECT state, hub_url, mode, wrapped_storage_key, canary, identity, public_key,
                    enrolment_code, device_id, factory_id, factory_name, enrolled_at
             FROM device WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    DeviceRow {
                        state: DeviceState::Pending,
                        hub_url: row.get(1)?,
                        mode: row.get(2)?,
                        wrapped_storage_key: row.get(3)?,
                        canary: row.get(4)?,
                        identity: row.get(5)?,
                        public_key: row.get(6)?,
                        enrolment_code: row.get(7)?,
                        device_id: row.get(8)?,
                        factory_id: row.get(9)?,
                        factory_name: row.get(10)?,
                        enrolled_at: row.get(11)?,
                    },
                ))
            },
        )
        .optional()?;
    row.map(|(state, mut device)| {
        device.state = DeviceState::parse(&state)?;
        Ok(device)
    })
    .transpose()
}

/// Writes a pending device (replacing an earlier pending one).
pub fn save_pending(conn: &Connection, row: &DeviceRow) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO device
             (id, state, hub_url, mode, wrapped_storage_key, canary, identity, public_key, enrolment_code)
         VALUES (1, 'pending', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row.hub_url,
            row.mode,
            row.wrapped_storage_key,
            row.canary,
            row.identity,
            row.public_key,
            row.enrolment_code
        ],
    )?;
    Ok(())
}

/// Marks the device enrolled with the hub's ids.
pub fn mark_enrolled(
    conn: &Connection,
    device_id: &str,
    factory_id: &str,
    factory_name: &str,
    enrolled_at: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE device SET state = 'enrolled', enrolment_code = NULL, device_id = ?1,
                factory_id = ?2, factory_name = ?3, enrolled_at = ?4
         WHERE id = 1",
        params![device_id, factory_id, factory_name, enrolled_at],
    )?;
    Ok(())
}

/// Sets the state (used for retirement).
pub fn set_state(conn: &Connection, state: DeviceState) -> Result<(), StoreError> {
    conn.execute("UPDATE device SET state = ?1 WHERE id = 1", params![state.as_str()])?;
    Ok(())
}
