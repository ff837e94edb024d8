//! How the app captures a report's photos and voice notes: which sources it
//! may offer on this device, and how large a capture may be. The shells
//! render what this says and hold no rule of their own.

use workervoice_core::DeviceMode;
use workervoice_core::kiosk::drafts::DraftAttachment;

use crate::app::WorkerVoiceApp;
use crate::error::WorkerVoiceError;

/// Where a photo may come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PhotoSource {
    /// Taken now with the camera, into the app's private storage (no
    /// gallery entry).
    Camera,
    /// Chosen from the device's photos (the system picker).
    Library,
}

/// What the report screen may offer for attachments, and the bounds of what
/// it captures. A photo is scaled to [`CapturePolicy::photo_max_long_edge`]
/// and re-encoded as JPEG at [`CapturePolicy::photo_jpeg_quality`] without
/// its metadata before it is attached (so no location or camera serial
/// travels); a voice note stops at [`CapturePolicy::voice_max_seconds`].
/// With these, three attachments stay well inside the report's budget
/// (`attachment_limits()`: 3 files, 8 MiB together).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CapturePolicy {
    /// The photo sources to offer, in order. A shared tablet offers the
    /// camera only: its photo library holds what earlier workers took.
    pub photo_sources: Vec<PhotoSource>,
    /// Longest side of an attached photo, in pixels.
    pub photo_max_long_edge: u32,
    /// JPEG quality (1–100) of an attached photo.
    pub photo_jpeg_quality: u8,
    /// Longest voice note, in seconds.
    pub voice_max_seconds: u32,
}

/// Long edge of an attached photo: enough to read a notice or see an injury
/// on a handler's screen, ~200–600 KB as JPEG, so three fit the 8 MiB a
/// report may carry many times over even on prepaid data.
pub const PHOTO_MAX_LONG_EDGE: u32 = 1600;
/// JPEG quality of an attached photo.
pub const PHOTO_JPEG_QUALITY: u8 = 80;
/// Longest voice note: two minutes of speech, ~0.5–1 MB as the phones'
/// AAC, ~1.9 MB as the desktop runner's 8 kHz 16-bit WAV.
pub const VOICE_MAX_SECONDS: u32 = 120;

/// Which photo sources a device in `mode` offers: the camera only on a
/// shared tablet (or a device whose mode is unknown), the camera and the
/// photo library on a personal phone.
pub fn photo_sources(mode: Option<DeviceMode>) -> Vec<PhotoSource> {
    match mode {
        Some(DeviceMode::Personal) => vec![PhotoSource::Camera, PhotoSource::Library],
        Some(DeviceMode::Shared) | None => vec![PhotoSource::Camera],
    }
}

#[uniffi::export]
impl WorkerVoiceApp {
    /// What the report screen may offer for photos and voice notes on this
    /// device, and how large each capture may be (see [`CapturePolicy`]).
    /// A device whose mode cannot be read is treated as shared.
    pub fn capture_policy(&self) -> CapturePolicy {
        let mode = self.core().status().ok().and_then(|status| status.mode);
        CapturePolicy {
            photo_sources: photo_sources(mode),
            photo_max_long_edge: PHOTO_MAX_LONG_EDGE,
            photo_jpeg_quality: PHOTO_JPEG_QUALITY,
            voice_max_seconds: VOICE_MAX_SECONDS,
        }
    }

    /// Replaces the photos and voice notes kept with the logged-in worker's
    /// draft `name`, sealed under their key (an empty list removes them).
    /// Checked as a report's attachments (`TOO_MANY_ATTACHMENTS`,
    /// `ATTACHMENTS_TOO_LARGE`). Call it when an attachment is added or
    /// removed, not with every keystroke; `delete_draft` removes them too.
    pub fn save_draft_attachments(
        &self,
        name: String,
        attachments: Vec<DraftAttachment>,
    ) -> Result<(), WorkerVoiceError> {
        self.core().save_draft_attachments(&name, &attachments).map_err(|e| self.error(e))
    }

    /// The photos and voice notes kept with the logged-in worker's draft
    /// `name`, in the order attached (empty when none).
    pub fn load_draft_attachments(&self, name: String) -> Result<Vec<DraftAttachment>, WorkerVoiceError> {
        self.core().load_draft_attachments(&name).map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_tablet_offers_the_camera_only() {
        assert_eq!(photo_sources(Some(DeviceMode::Shared)), vec![PhotoSource::Camera]);
        assert_eq!(photo_sources(None), vec![PhotoSource::Camera]);
    }

    #[test]
    fn a_personal_phone_offers_the_camera_and_its_photos() {
        assert_eq!(photo_sources(Some(DeviceMode::Personal)), vec![PhotoSource::Camera, PhotoSource::Library]);
    }
}
