//! The worker app's strings for Kotlin and Swift: one Fluent source for both
//! shells (see `workervoice_core::app_strings`). English is built in; the app
//! hands the other languages it ships (its assets or bundle) to
//! [`AppStrings::new`].

use std::sync::Arc;

use workervoice_core::app_strings::{self, AppArg};

/// A Fluent resource the app ships beside the library.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StringsResource {
    /// BCP 47 tag of the language, e.g. `vi` or `zh-CN`.
    pub language: String,
    /// The `.ftl` text.
    pub source: String,
}

/// A named argument of an app string.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum StringArg {
    /// Text, inserted as is.
    Text {
        /// The Fluent variable name, without `$`.
        name: String,
        /// The text.
        value: String,
    },
    /// A number (selects plural forms).
    Number {
        /// The Fluent variable name, without `$`.
        name: String,
        /// The number.
        value: i64,
    },
}

/// The app's strings in one chain of languages (most preferred first, always
/// ending in English). Immutable: make a new one when the language changes.
#[derive(uniffi::Object)]
pub struct AppStrings {
    inner: app_strings::AppStrings,
}

#[uniffi::export]
impl AppStrings {
    /// Negotiates `languages` against English and the shipped `resources`.
    /// Never fails: unusable tags are skipped, broken entries are listed by
    /// [`AppStrings::problems`].
    #[uniffi::constructor]
    pub fn new(languages: Vec<String>, resources: Vec<StringsResource>) -> Arc<Self> {
        let resources: Vec<(String, String)> =
            resources.into_iter().map(|resource| (resource.language, resource.source)).collect();
        Arc::new(Self { inner: app_strings::AppStrings::new(&languages, &resources) })
    }

    /// Formats message `id` (or `id.attribute`); never blank, never the raw id.
    pub fn message(&self, id: String, args: Vec<StringArg>) -> String {
        let args: Vec<(String, AppArg)> = args
            .into_iter()
            .map(|arg| match arg {
                StringArg::Text { name, value } => (name, AppArg::Text(value)),
                StringArg::Number { name, value } => (name, AppArg::Number(value)),
            })
            .collect();
        self.inner.message(&id, &args)
    }

    /// The language most strings are in, as a tag.
    pub fn language(&self) -> String {
        self.inner.language()
    }

    /// Whether that language is written right to left (layouts mirror).
    pub fn is_right_to_left(&self) -> bool {
        self.inner.is_right_to_left()
    }

    /// Whether message `id` exists (in English, the complete set).
    pub fn has(&self, id: String) -> bool {
        self.inner.has(&id)
    }

    /// Problems found in the shipped resources; empty when all parsed.
    pub fn problems(&self) -> Vec<String> {
        self.inner.problems().to_vec()
    }
}
