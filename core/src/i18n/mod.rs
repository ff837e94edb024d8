//! Localized messages through Fluent.
//!
//! Every user-facing string the core produces comes from the `.ftl` resources
//! in `i18n/locales/`, compiled into the library. A [`Languages`] chain is
//! negotiated from what the worker or the device asks for and always ends in
//! English, so a message missing in one language falls back to the next and a
//! worker never sees a blank or a raw message id. Plural rules are those of
//! each language (CLDR, through `fluent-bundle`). Placeables are wrapped in
//! Unicode isolation marks so numbers and names embed correctly in
//! right-to-left text.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

/// The languages with resources, English first (the final fallback).
const RESOURCES: &[(&str, &str)] = &[
    ("en", include_str!("locales/en.ftl")),
    ("zh-CN", include_str!("locales/zh-CN.ftl")),
    ("vi", include_str!("locales/vi.ftl")),
];

struct Localizer {
    bundles: Vec<(LanguageIdentifier, FluentBundle<FluentResource>)>,
}

fn localizer() -> &'static Localizer {
    static LOCALIZER: OnceLock<Localizer> = OnceLock::new();
    LOCALIZER.get_or_init(|| {
        let bundles = RESOURCES
            .iter()
            .filter_map(|(tag, source)| {
                let lang: LanguageIdentifier = tag.parse().ok()?;
                // A resource with a syntax error keeps its valid entries; the
                // test suite makes sure there are none.
                let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(partial, _)| partial);
                let mut bundle = FluentBundle::new_concurrent(vec![lang.clone()]);
                bundle.add_resource(resource).ok()?;
                Some((lang, bundle))
            })
            .collect();
        Localizer { bundles }
    })
}

/// The tags of the languages the core has messages in.
pub fn available_languages() -> Vec<String> {
    RESOURCES.iter().map(|(tag, _)| (*tag).to_owned()).collect()
}

/// A negotiated fallback chain of languages, always ending in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Languages(Vec<LanguageIdentifier>);

impl Default for Languages {
    fn default() -> Self {
        Self::negotiate::<&str>(&[])
    }
}

impl Languages {
    /// Negotiates from requested BCP 47 tags, most preferred first; invalid
    /// tags are ignored.
    pub fn negotiate<S: AsRef<str>>(requested: &[S]) -> Self {
        let requested: Vec<LanguageIdentifier> = requested.iter().filter_map(|tag| tag.as_ref().parse().ok()).collect();
        let available: Vec<LanguageIdentifier> = localizer().bundles.iter().map(|(lang, _)| lang.clone()).collect();
        let english = available.first().cloned().unwrap_or_default();
        let mut chain: Vec<LanguageIdentifier> =
            negotiate_languages(&requested, &available, Some(&english), NegotiationStrategy::Filtering)
                .into_iter()
                .cloned()
                .collect();
        if chain.last() != Some(&english) {
            chain.retain(|lang| lang != &english);
            chain.push(english);
        }
        Self(chain)
    }

    /// The most preferred language of the chain, as a tag.
    pub fn primary(&self) -> String {
        self.0.first().map(ToString::to_string).unwrap_or_else(|| "en".into())
    }
}

/// An argument value for a message.
pub enum Arg<'a> {
    /// A number (selects plural forms).
    Number(i64),
    /// Text, inserted as is.
    Text(&'a str),
}

/// Formats message `id` in the first language of `languages` that has it.
/// Falls back to English, then to English `error-internal`; never returns an
/// empty string or the id itself.
pub fn message(languages: &Languages, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            Arg::Text(text) => fluent_args.set(*name, FluentValue::from(*text)),
        }
    }
    let localizer = localizer();
    for lang in &languages.0 {
        let Some((_, bundle)) = localizer.bundles.iter().find(|(l, _)| l == lang) else { continue };
        if let Some(text) = format_in(bundle, id, &fluent_args) {
            return text;
        }
    }
    localizer
        .bundles
        .first()
        .and_then(|(_, english)| format_in(english, "error-internal", &fluent_args))
        .unwrap_or_else(|| "Something went wrong.".to_owned())
}

fn format_in(bundle: &FluentBundle<FluentResource>, id: &str, args: &FluentArgs<'_>) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    (errors.is_empty() && !text.trim().is_empty()).then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|line| !line.starts_with([' ', '#']) && line.contains(" ="))
            .filter_map(|line| line.split(" =").next().map(str::to_owned))
            .collect()
    }

    #[test]
    fn every_resource_parses_without_errors() {
        for (tag, source) in RESOURCES {
            assert!(FluentResource::try_new((*source).to_owned()).is_ok(), "{tag}.ftl has a syntax error");
        }
    }

    #[test]
    fn every_english_message_formats_in_every_language_without_blank_or_raw_id() {
        let english = ids(RESOURCES[0].1);
        assert!(english.len() > 20);
        for (tag, _) in RESOURCES {
            let chain = Languages::negotiate(&[*tag]);
            for id in &english {
                let text = message(
                    &chain,
                    id,
                    &[("attempts", Arg::Number(3)), ("min", Arg::Number(6)), ("reason", Arg::Text("x"))],
                );
                assert!(!text.trim().is_empty() && !text.contains(id.as_str()), "{tag}/{id}: {text}");
            }
        }
    }

    #[test]
    fn chains_fall_back_to_english() {
        assert_eq!(Languages::negotiate(&["vi-VN", "fr"]).0.last().map(ToString::to_string), Some("en".into()));
        assert_eq!(Languages::negotiate(&["vi-VN"]).primary(), "vi");
        assert_eq!(Languages::negotiate(&["zh-Hans-CN"]).primary(), "zh-CN");
        assert_eq!(Languages::negotiate(&["sw", "not a tag!"]).primary(), "en");
    }

    #[test]
    fn a_message_missing_everywhere_is_never_shown_raw() {
        let text = message(&Languages::negotiate(&["vi"]), "no-such-message", &[]);
        assert!(!text.contains("no-such-message") && !text.is_empty());
    }

    #[test]
    fn plural_rules_follow_the_language() {
        let en = Languages::negotiate(&["en"]);
        assert!(message(&en, "error-wrong-pin", &[("attempts", Arg::Number(1))]).contains("try left"));
        assert!(message(&en, "error-wrong-pin", &[("attempts", Arg::Number(4))]).contains("tries left"));
        let vi = Languages::negotiate(&["vi"]);
        assert!(message(&vi, "error-wrong-pin", &[("attempts", Arg::Number(4))]).contains("lần thử"));
    }
}
