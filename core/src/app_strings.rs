//! The worker app's own strings (screen titles, buttons, hints), through
//! Fluent, so Android and iOS show the same words from one source.
//!
//! English (`app_strings/en.ftl`) is compiled into the library and is the
//! last language of every chain. Other languages ship beside the library as
//! resources (the app's assets or bundle) and are handed to [`AppStrings::new`]
//! as Fluent source: the library stays within its size budget however many
//! languages the app carries, and a translation can be fixed without a new
//! native build. The files live in `core/src/app_strings/`; the Android and
//! iOS builds copy them from there.
//!
//! This module is separate from [`crate::i18n`] (the core's own messages, all
//! compiled in) on purpose: the app's strings change with its screens, the
//! core's with its rules.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

/// The English strings, built in.
pub const ENGLISH: &str = include_str!("app_strings/en.ftl");

/// Shown for an id that no language has: a programming error the app's tests
/// catch, but a worker must never see a raw id or a blank.
const MISSING: &str = "…";

/// Scripts written right to left (ISO 15924), for [`AppStrings::is_right_to_left`].
const RTL_SCRIPTS: &[&str] = &["Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"];
/// Languages written right to left when no script is given.
const RTL_LANGUAGES: &[&str] = &["ar", "he", "fa", "ur", "ps", "dv", "yi", "ckb", "sd", "ug"];

/// An argument value for a message.
#[derive(Debug, Clone, PartialEq)]
pub enum AppArg {
    /// Text, inserted as is (isolated for right-to-left layouts by Fluent).
    Text(String),
    /// A number (selects plural forms).
    Number(i64),
}

/// The app's strings for one chain of languages, most preferred first,
/// always ending in English.
pub struct AppStrings {
    bundles: Vec<(LanguageIdentifier, FluentBundle<FluentResource>)>,
    /// Entries of the shipped resources that failed to parse, as `tag: error`.
    problems: Vec<String>,
}

impl AppStrings {
    /// Negotiates `requested` (BCP 47 tags, most preferred first) against
    /// English and the `(tag, Fluent source)` resources the app ships, and
    /// keeps the bundles of the chosen chain. Invalid tags are ignored; a
    /// resource with syntax errors keeps its valid entries and the errors are
    /// listed by [`AppStrings::problems`].
    pub fn new<S: AsRef<str>>(requested: &[S], resources: &[(String, String)]) -> Self {
        let english: LanguageIdentifier = "en".parse().unwrap_or_default();
        let mut problems = Vec::new();
        let mut sources: Vec<(LanguageIdentifier, &str)> = vec![(english.clone(), ENGLISH)];
        for (tag, source) in resources {
            match tag.parse::<LanguageIdentifier>() {
                Ok(lang) if lang != english => sources.push((lang, source.as_str())),
                Ok(_) => problems.push("en: English is built in; the shipped copy is ignored".to_owned()),
                Err(_) => problems.push(format!("{tag}: not a language tag")),
            }
        }
        let requested: Vec<LanguageIdentifier> = requested.iter().filter_map(|tag| tag.as_ref().parse().ok()).collect();
        let available: Vec<LanguageIdentifier> = sources.iter().map(|(lang, _)| lang.clone()).collect();
        let mut chain: Vec<LanguageIdentifier> =
            negotiate_languages(&requested, &available, Some(&english), NegotiationStrategy::Filtering)
                .into_iter()
                .cloned()
                .collect();
        chain.retain(|lang| lang != &english);
        chain.push(english);

        let bundles = chain
            .into_iter()
            .filter_map(|lang| {
                let source = sources.iter().find(|(l, _)| l == &lang)?.1;
                let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
                    problems.extend(errors.iter().map(|error| format!("{lang}: {error:?}")));
                    partial
                });
                let mut bundle = FluentBundle::new_concurrent(vec![lang.clone()]);
                if let Err(errors) = bundle.add_resource(resource) {
                    problems.extend(errors.iter().map(|error| format!("{lang}: {error:?}")));
                }
                Some((lang, bundle))
            })
            .collect();
        Self { bundles, problems }
    }

    /// The language the strings are mostly in (the first of the chain), as a tag.
    pub fn language(&self) -> String {
        self.bundles.first().map(|(lang, _)| lang.to_string()).unwrap_or_else(|| "en".to_owned())
    }

    /// Whether that language is written right to left (layouts mirror).
    pub fn is_right_to_left(&self) -> bool {
        let Some((lang, _)) = self.bundles.first() else { return false };
        match lang.script {
            Some(script) => RTL_SCRIPTS.contains(&script.as_str()),
            None => RTL_LANGUAGES.contains(&lang.language.as_str()),
        }
    }

    /// Problems found in the shipped resources (empty when all parsed).
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Formats message `id` (or `id.attribute`) in the first language of the
    /// chain that has it, else English; never blank, never the raw id.
    pub fn message(&self, id: &str, args: &[(String, AppArg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                AppArg::Number(number) => fluent_args.set(name.clone(), FluentValue::from(*number)),
                AppArg::Text(text) => fluent_args.set(name.clone(), FluentValue::from(text.clone())),
            }
        }
        let (message_id, attribute) = match id.split_once('.') {
            Some((message, attribute)) => (message, Some(attribute)),
            None => (id, None),
        };
        self.bundles
            .iter()
            .find_map(|(_, bundle)| format_in(bundle, message_id, attribute, &fluent_args))
            .unwrap_or_else(|| MISSING.to_owned())
    }

    /// Whether message `id` exists in English (the app's tests check every id they use).
    pub fn has(&self, id: &str) -> bool {
        let message_id = id.split_once('.').map_or(id, |(message, _)| message);
        self.bundles.last().is_some_and(|(_, english)| english.has_message(message_id))
    }
}

fn format_in(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    attribute: Option<&str>,
    args: &FluentArgs<'_>,
) -> Option<String> {
    let message = bundle.get_message(id)?;
    let pattern = match attribute {
        Some(name) => message.get_attribute(name)?.value(),
        None => message.value()?,
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    (errors.is_empty() && !text.trim().is_empty()).then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &[(&str, &str)] =
        &[("vi", include_str!("app_strings/vi.ftl")), ("zh-CN", include_str!("app_strings/zh-CN.ftl"))];

    fn shipped() -> Vec<(String, String)> {
        SHIPPED.iter().map(|(tag, source)| ((*tag).to_owned(), (*source).to_owned())).collect()
    }

    fn ids(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|line| !line.starts_with([' ', '#']) && line.contains(" ="))
            .filter_map(|line| line.split(" =").next().map(str::to_owned))
            .collect()
    }

    fn sample_args() -> Vec<(String, AppArg)> {
        vec![
            ("count".to_owned(), AppArg::Number(3)),
            ("name".to_owned(), AppArg::Text("Lan".to_owned())),
            ("case".to_owned(), AppArg::Text("ABCDE-FGHJK".to_owned())),
            ("secret".to_owned(), AppArg::Text("1 2 3 4".to_owned())),
            ("seconds".to_owned(), AppArg::Number(30)),
            ("step".to_owned(), AppArg::Number(2)),
            ("what".to_owned(), AppArg::Text("x".to_owned())),
            ("date".to_owned(), AppArg::Text("1 Dec".to_owned())),
            ("status".to_owned(), AppArg::Text("Received".to_owned())),
            ("organisation".to_owned(), AppArg::Text("Independent hotline".to_owned())),
            ("title".to_owned(), AppArg::Text("After the audit".to_owned())),
            ("points".to_owned(), AppArg::Number(120)),
            ("level".to_owned(), AppArg::Number(2)),
            ("total".to_owned(), AppArg::Number(5)),
            ("rank".to_owned(), AppArg::Number(4)),
            ("min".to_owned(), AppArg::Number(1)),
            ("max".to_owned(), AppArg::Number(5)),
            ("done".to_owned(), AppArg::Number(120)),
            ("phone".to_owned(), AppArg::Text("+84 912 345 678".to_owned())),
            ("time".to_owned(), AppArg::Text("after 6 pm".to_owned())),
            ("language".to_owned(), AppArg::Text("Tiếng Việt".to_owned())),
            ("elapsed".to_owned(), AppArg::Text("0:12".to_owned())),
        ]
    }

    #[test]
    fn every_shipped_language_parses_without_problems() {
        for (tag, _) in SHIPPED {
            let strings = AppStrings::new(&[*tag], &shipped());
            assert!(strings.problems().is_empty(), "{tag}: {:?}", strings.problems());
            assert_eq!(strings.language(), *tag);
        }
    }

    #[test]
    fn every_english_message_has_a_translation_in_every_shipped_language() {
        let english = ids(ENGLISH);
        assert!(english.len() > 30, "only {} app strings", english.len());
        for (tag, source) in SHIPPED {
            let translated = ids(source);
            let missing: Vec<&String> = english.iter().filter(|id| !translated.contains(id)).collect();
            assert!(missing.is_empty(), "{tag}.ftl lacks {missing:?}");
            let strings = AppStrings::new(&[*tag], &shipped());
            for id in &english {
                let text = strings.message(id, &sample_args());
                assert!(
                    !text.trim().is_empty() && text != MISSING && !text.contains(id.as_str()),
                    "{tag}/{id}: {text}"
                );
            }
        }
    }

    #[test]
    fn a_language_not_shipped_falls_back_to_english() {
        let strings = AppStrings::new(&["sw", "not a tag!"], &shipped());
        assert_eq!(strings.language(), "en");
        assert_eq!(strings.message("signin-title", &[]), AppStrings::new(&["en"], &[]).message("signin-title", &[]));
    }

    #[test]
    fn regional_tags_negotiate_to_the_shipped_language() {
        assert_eq!(AppStrings::new(&["vi-VN"], &shipped()).language(), "vi");
        assert_eq!(AppStrings::new(&["zh-Hans-CN", "en"], &shipped()).language(), "zh-CN");
    }

    #[test]
    fn an_unknown_id_is_never_shown_raw() {
        let strings = AppStrings::new(&["vi"], &shipped());
        let text = strings.message("no-such-string", &[]);
        assert!(!text.contains("no-such-string") && !text.is_empty());
        assert!(!strings.has("no-such-string"));
        assert!(strings.has("signin-title"));
    }

    #[test]
    fn a_broken_translation_keeps_its_good_entries_and_reports_the_rest() {
        let broken = vec![("vi".to_owned(), "signin-title = Đăng nhập\nthis is { not fluent\n".to_owned())];
        let strings = AppStrings::new(&["vi"], &broken);
        assert_eq!(strings.message("signin-title", &[]), "Đăng nhập");
        assert!(!strings.problems().is_empty());
    }

    #[test]
    fn right_to_left_follows_the_language() {
        let arabic = vec![("ar".to_owned(), "signin-title = تسجيل الدخول\n".to_owned())];
        assert!(AppStrings::new(&["ar"], &arabic).is_right_to_left());
        assert!(!AppStrings::new(&["vi"], &shipped()).is_right_to_left());
    }

    #[test]
    fn plurals_follow_the_language() {
        let en = AppStrings::new(&["en"], &[]);
        let one = en.message("signin-attempts-left", &[("count".to_owned(), AppArg::Number(1))]);
        let many = en.message("signin-attempts-left", &[("count".to_owned(), AppArg::Number(4))]);
        assert_ne!(one, many);
    }
}
