#!/usr/bin/env python3
"""Writes the iOS permission prompts (Info.plist usage descriptions) of each
language the app ships from the core's Fluent files, the one source of the
app's words: ios/App/Resources/<lproj>/InfoPlist.strings.

The system, not the app, shows these prompts, so they cannot go through
`AppStrings` at run time; they are copied here at build time instead.
English is also the development-language value in ios/App/project.yml,
which must say the same.

    ios/scripts/gen-infoplist-strings.py           write the files
    ios/scripts/gen-infoplist-strings.py --check   fail if a file or project.yml differs
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FTL = ROOT / "core/src/app_strings"
OUT = ROOT / "ios/App/Resources"
PROJECT = ROOT / "ios/App/project.yml"

# Info.plist key → Fluent message id.
KEYS = {
    "NSCameraUsageDescription": "ios-permission-camera",
    "NSMicrophoneUsageDescription": "ios-permission-microphone",
}
# Fluent file → Apple's localization folder (zh-CN is Simplified Chinese: zh-Hans).
LANGUAGES = {"en": "en.lproj", "vi": "vi.lproj", "zh-CN": "zh-Hans.lproj"}


def messages(language):
    """The plain one-line messages of a Fluent file (the prompts take no variables)."""
    found = {}
    for line in (FTL / f"{language}.ftl").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([a-z][a-z0-9-]*) = (.+)$", line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def strings_file(language):
    found = messages(language)
    lines = [f"/* Generated from core/src/app_strings/{language}.ftl by ios/scripts/gen-infoplist-strings.py: do not edit. */"]
    for key, message in KEYS.items():
        text = found.get(message)
        if text is None:
            sys.exit(f"{language}.ftl has no message {message}")
        if "{" in text:
            sys.exit(f"{language}.ftl: {message} must be plain text (the system shows it as it is)")
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'"{key}" = "{escaped}";')
    return "\n".join(lines) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for language, folder in LANGUAGES.items():
        path = OUT / folder / "InfoPlist.strings"
        wanted = strings_file(language)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != wanted:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(wanted, encoding="utf-8")
    # The English text is also the Info.plist's own value (the fallback).
    english = messages("en")
    project = PROJECT.read_text(encoding="utf-8")
    for key, message in KEYS.items():
        if f"        {key}: {english[message]}\n" not in project:
            stale.append(f"{PROJECT.relative_to(ROOT)} ({key} is not en.ftl's {message})")
    if stale:
        sys.exit("out of date with core/src/app_strings (run ios/scripts/gen-infoplist-strings.py): " + ", ".join(stale))
    print("InfoPlist.strings: " + ", ".join(LANGUAGES.values()) + (" match the Fluent files" if check else " written"))


if __name__ == "__main__":
    main()
