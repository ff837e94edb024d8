//! Codes people type or scan: enrolment codes (and their QR payloads) and
//! worker activation codes.
//!
//! Enrolment codes are 12 symbols of Crockford base32 (60 bits), grouped in
//! fours; typing is forgiving (case, spaces, hyphens, `O`→`0`, `I`/`L`→`1`).
//! Activation codes are 10 digits in two groups of five, so that a worker who
//! reads little can be read one aloud; they are one-time and every wrong one
//! counts against the worker's ten attempts.

use url::Url;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Symbols in an enrolment code.
pub const ENROLMENT_CODE_SYMBOLS: usize = 12;
/// Digits in an activation code.
pub const ACTIVATION_CODE_DIGITS: usize = 10;

/// The low `count × 5` bits of `random` as Crockford base32 symbols.
fn crockford(random: [u8; 8], count: usize) -> Vec<u8> {
    let mut value = u64::from_be_bytes(random);
    (0..count)
        .map(|_| {
            let symbol = CROCKFORD[(value & 31) as usize];
            value >>= 5;
            symbol
        })
        .collect()
}

/// Formats 8 random bytes as an enrolment code `XXXX-XXXX-XXXX` (60 bits used).
pub fn format_enrolment_code(random: [u8; 8]) -> String {
    group(&crockford(random, ENROLMENT_CODE_SYMBOLS), 4)
}

/// Formats 8 random bytes as a 10-digit activation code `12345-67890`.
/// (The bias of `u64 % 10^10` is below 2^-30 and irrelevant here.)
pub fn format_activation_code(random: [u8; 8]) -> String {
    let value = u64::from_be_bytes(random) % 10_000_000_000;
    let digits = format!("{value:010}");
    group(digits.as_bytes(), 5)
}

fn group(symbols: &[u8], size: usize) -> String {
    symbols.chunks(size).map(|chunk| String::from_utf8_lossy(chunk).into_owned()).collect::<Vec<_>>().join("-")
}

/// Symbols in a public case id.
pub const CASE_ID_SYMBOLS: usize = 10;
/// Digits in a receipt secret.
pub const RECEIPT_SECRET_DIGITS: usize = 20;

/// Formats 8 random bytes as a public case id `XXXXX-XXXXX` (50 bits used):
/// short enough to read aloud, long enough that ids chosen offline on
/// millions of devices practically never collide (the hub refuses a
/// collision, and the device then reports that the item needs attention).
pub fn format_case_id(random: [u8; 8]) -> String {
    group(&crockford(random, CASE_ID_SYMBOLS), 5)
}

/// Formats 16 random bytes as a receipt secret of 20 digits in groups of four
/// (`1234 5678 9012 3456 7890`): 66 bits, to be read aloud and written down.
/// (The bias of `u128 % 10^20` is below 2^-60.)
pub fn format_receipt_secret(random: [u8; 16]) -> String {
    let value = u128::from_be_bytes(random) % 100_000_000_000_000_000_000;
    group(format!("{value:020}").as_bytes(), 4).replace('-', " ")
}

/// Canonical form of a typed code: upper case, separators removed, and the
/// Crockford confusables mapped (`O`→`0`, `I`/`L`→`1`). Used for both kinds
/// of code before hashing or comparing.
pub fn normalize_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The URI scheme of QR payloads.
pub const QR_SCHEME: &str = "workervoice";

/// An enrolment QR code: which hub to talk to, and the one-time code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentQr {
    /// The hub's base URL.
    pub hub_url: String,
    /// The enrolment code.
    pub code: String,
}

impl EnrolmentQr {
    /// `workervoice://enrol?v=1&hub=<url>&code=<code>`.
    pub fn to_payload(&self) -> String {
        let mut url = Url::parse("workervoice://enrol").expect("static URL parses"); // ok: constant
        url.query_pairs_mut().append_pair("v", "1").append_pair("hub", &self.hub_url).append_pair("code", &self.code);
        url.to_string()
    }

    /// Parses a scanned payload; `None` if it is not a v1 enrolment QR code.
    pub fn parse(payload: &str) -> Option<Self> {
        let url = Url::parse(payload.trim()).ok()?;
        if url.scheme() != QR_SCHEME || url.host_str() != Some("enrol") {
            return None;
        }
        let (mut version, mut hub, mut code) = (None, None, None);
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "v" => version = Some(value.into_owned()),
                "hub" => hub = Some(value.into_owned()),
                "code" => code = Some(value.into_owned()),
                _ => {}
            }
        }
        if version.as_deref() != Some("1") {
            return None;
        }
        let hub_url = hub?;
        let parsed_hub = Url::parse(&hub_url).ok()?;
        if !matches!(parsed_hub.scheme(), "https" | "http") {
            return None;
        }
        Some(Self { hub_url, code: code? })
    }
}

/// A worker card's QR code: which hub, which worker number, and the
/// activation code printed beside it, so the app can fill in all three
/// (the card already shows the code in clear: the QR adds nothing a reader
/// of the card does not have).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationQr {
    /// The hub's base URL.
    pub hub_url: String,
    /// The worker's number in the factory's roster.
    pub worker_number: String,
    /// The one-time activation code.
    pub code: String,
}

impl ActivationQr {
    /// `workervoice://activate?v=1&hub=<url>&number=<worker number>&code=<code>`.
    pub fn to_payload(&self) -> String {
        let mut url = Url::parse("workervoice://activate").expect("static URL parses"); // ok: constant
        url.query_pairs_mut()
            .append_pair("v", "1")
            .append_pair("hub", &self.hub_url)
            .append_pair("number", &self.worker_number)
            .append_pair("code", &self.code);
        url.to_string()
    }

    /// Parses a scanned payload; `None` if it is not a v1 activation QR code.
    pub fn parse(payload: &str) -> Option<Self> {
        let url = Url::parse(payload.trim()).ok()?;
        if url.scheme() != QR_SCHEME || url.host_str() != Some("activate") {
            return None;
        }
        let (mut version, mut hub, mut number, mut code) = (None, None, None, None);
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "v" => version = Some(value.into_owned()),
                "hub" => hub = Some(value.into_owned()),
                "number" => number = Some(value.into_owned()),
                "code" => code = Some(value.into_owned()),
                _ => {}
            }
        }
        if version.as_deref() != Some("1") {
            return None;
        }
        let hub_url = hub?;
        if !matches!(Url::parse(&hub_url).ok()?.scheme(), "https" | "http") {
            return None;
        }
        Some(Self { hub_url, worker_number: number?, code: code? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn enrolment_codes_are_grouped_crockford() {
        let code = format_enrolment_code([0xFF; 8]);
        assert_eq!(code.len(), 14);
        assert!(code.chars().all(|c| c == '-' || CROCKFORD.contains(&(c as u8))));
    }

    #[test]
    fn case_ids_and_receipt_secrets_have_their_shapes() {
        let case_id = format_case_id([0xA5; 8]);
        assert_eq!((case_id.len(), normalize_code(&case_id).len()), (11, CASE_ID_SYMBOLS));
        let secret = format_receipt_secret([0xFF; 16]);
        assert_eq!(secret.split(' ').count(), 5);
        assert_eq!(normalize_code(&secret).len(), RECEIPT_SECRET_DIGITS);
    }

    #[test]
    fn typing_mistakes_normalise_to_the_same_code() {
        assert_eq!(normalize_code("abcd-efgh-o1il"), "ABCDEFGH0111");
        assert_eq!(normalize_code(" 12345 67890 "), "1234567890");
    }

    #[test]
    fn qr_payload_round_trips() {
        let qr = EnrolmentQr { hub_url: "https://hub.example.org:8443".into(), code: "ABCD-EFGH-JKMN".into() };
        assert_eq!(EnrolmentQr::parse(&qr.to_payload()), Some(qr));
    }

    #[test]
    fn activation_qr_payloads_round_trip_and_name_the_console_format() {
        let qr = ActivationQr {
            hub_url: "https://hub.example.org".into(),
            worker_number: "W 2004".into(),
            code: "1234-5678-90".into(),
        };
        // The console writes the same bytes (console/src/pages/cards.ts).
        assert_eq!(
            qr.to_payload(),
            "workervoice://activate?v=1&hub=https%3A%2F%2Fhub.example.org&number=W+2004&code=1234-5678-90"
        );
        assert_eq!(ActivationQr::parse(&qr.to_payload()), Some(qr));
        assert_eq!(ActivationQr::parse("workervoice://enrol?v=1&hub=https://h&code=y"), None);
        assert_eq!(ActivationQr::parse("workervoice://activate?v=1&hub=https://h&code=y"), None);
    }

    #[test]
    fn foreign_qr_payloads_are_refused() {
        assert_eq!(EnrolmentQr::parse("https://evil.example/enrol?v=1&hub=x&code=y"), None);
        assert_eq!(EnrolmentQr::parse("workervoice://enrol?v=2&hub=https://h&code=y"), None);
        assert_eq!(EnrolmentQr::parse("workervoice://enrol?v=1&hub=file:///etc&code=y"), None);
        assert_eq!(EnrolmentQr::parse("\u{0}garbage"), None);
    }

    proptest! {
        #[test]
        fn activation_codes_are_ten_digits(bytes in any::<[u8; 8]>()) {
            let code = format_activation_code(bytes);
            prop_assert_eq!(normalize_code(&code).len(), ACTIVATION_CODE_DIGITS);
            prop_assert!(normalize_code(&code).chars().all(|c| c.is_ascii_digit()));
        }

        #[test]
        fn qr_parse_never_panics(text in ".*") {
            let _ = EnrolmentQr::parse(&text);
        }
    }
}
