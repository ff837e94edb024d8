"""Checks the Fluent message ids the hand-written Swift uses against the core's strings.

The iOS app takes every user-facing string from the core's Fluent files
(`core/src/app_strings/en.ftl` is the complete set; ADR 0011). A wrong id
does not fail at run time: the core shows a neutral mark instead of words.
With no Swift compiler here, this check is what catches it:

  1. every string literal in the Swift files that looks like a message id
     (`<prefix>-...`, optionally `.attribute`, where <prefix> is the first
     word of an id in en.ftl) must be a message (or attribute) in en.ftl;
  2. no message id is built at run time (a literal such as
     "case-state-\\(name)" is refused): ids stay literals so (1) sees all;
  3. each lookup passes exactly the variables its message uses:
     `s["id"]` only for messages without variables, and
     `s("id", ("name", value), ...)` with the same names as the message's
     `{ $name }` placeables (a missing one shows as a Fluent error to the
     worker, an extra one is a typo).

Lookups are `s[...]`/`strings[...]` and `s(...)`/`strings(...)` (the
`Strings` type in ios/Sources/WorkerVoiceUI/Strings.swift).

Usage: python check_swift_strings.py EN_FTL FILE.swift...   (exit 1 on a problem)
"""

import re
import sys

MESSAGE = re.compile(r"^([a-zA-Z][a-zA-Z0-9_-]*)\s*=")
ATTRIBUTE = re.compile(r"^\s+\.([a-zA-Z][a-zA-Z0-9_-]*)\s*=")
VARIABLE = re.compile(r"\{\s*\$([a-zA-Z][a-zA-Z0-9_-]*)")
# A Swift string literal on one line (no multi-line literals hold ids).
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
ID_SHAPE = re.compile(r"^([a-z]+)-[a-z0-9_-]+(\.[a-z][a-z0-9_-]*)?$")
LOOKUP_CALL = re.compile(r'\b(?:s|strings)\(\s*"([^"\\]+)"')
LOOKUP_SUBSCRIPT = re.compile(r'\b(?:s|strings)\[\s*"([^"\\]+)"\s*\]')
ARGUMENT = re.compile(r'\(\s*"([a-zA-Z_][a-zA-Z0-9_]*)"\s*,')


def read_ftl(path):
    """Message id -> set of variables; plus the set of `id.attribute` names."""
    messages, attributes = {}, set()
    current = None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                if not line.strip():
                    continue
                current = None
                continue
            match = MESSAGE.match(line)
            if match:
                current = match.group(1)
                messages[current] = set(VARIABLE.findall(line))
                continue
            if current is None or not line[0].isspace():
                current = None
                continue
            attribute = ATTRIBUTE.match(line)
            if attribute:
                attributes.add(f"{current}.{attribute.group(1)}")
            messages[current].update(VARIABLE.findall(line))
    return messages, attributes


def call_arguments(text, start):
    """The argument names of the lookup call whose '(' is at `start`."""
    depth, position = 0, start
    while position < len(text):
        char = text[position]
        if char == '"':
            # Skip a string literal (with escapes) so its parentheses do not count.
            position += 1
            while position < len(text) and text[position] != '"':
                position += 2 if text[position] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                break
        position += 1
    inner = text[start:position]
    # Names are the first element of the argument tuples at depth 2
    # (call parenthesis = 1, tuple = 2).
    names, depth, index = [], 0, 0
    while index < len(inner):
        char = inner[index]
        if char == '"':
            index += 1
            while index < len(inner) and inner[index] != '"':
                index += 2 if inner[index] == "\\" else 1
        elif char == "(":
            depth += 1
            if depth == 2:
                match = ARGUMENT.match(inner, index)
                if match:
                    names.append(match.group(1))
        elif char == ")":
            depth -= 1
        index += 1
    return names


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def main(ftl, paths):
    messages, attributes = read_ftl(ftl)
    prefixes = {name.split("-")[0] for name in messages if "-" in name}
    known = set(messages) | attributes
    problems, used = [], set()
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            # Comment lines blanked (numbering kept): they may name ids without using them.
            text = "\n".join("" if line.lstrip().startswith("//") else line for line in handle.read().splitlines())
        for number, line in enumerate(text.splitlines(), 1):
            for match in LITERAL.finditer(line):
                literal = match.group(1)
                if "\\(" in literal:
                    head = literal.split("\\(")[0]
                    if re.match(rf"^({'|'.join(map(re.escape, sorted(prefixes)))})-", head):
                        problems.append(f"{path}:{number}: message id built at run time: \"{literal}\" (use a literal per id)")
                    continue
                shape = ID_SHAPE.match(literal)
                if not shape or shape.group(1) not in prefixes:
                    continue
                used.add(literal)
                if literal not in known:
                    problems.append(f"{path}:{number}: \"{literal}\" is not a message in {ftl}")
        # A lookup whose id the literal scan missed (a literal inside an
        # interpolation, "\(s("id"))", is not split out by LITERAL).
        for pattern in (LOOKUP_SUBSCRIPT, LOOKUP_CALL):
            for match in pattern.finditer(text):
                literal = match.group(1)
                if literal not in used:
                    used.add(literal)
                    if literal not in known:
                        problems.append(f"{path}:{line_of(text, match.start())}: \"{literal}\" is not a message in {ftl}")
        for match in LOOKUP_SUBSCRIPT.finditer(text):
            message = match.group(1).split(".")[0]
            if "." not in match.group(1) and messages.get(message):
                wanted = ", ".join(sorted(messages[message]))
                problems.append(f"{path}:{line_of(text, match.start())}: \"{match.group(1)}\" needs arguments ({wanted}): use s(\"{match.group(1)}\", ...)")
        for match in LOOKUP_CALL.finditer(text):
            message = match.group(1)
            if message not in messages:
                continue  # reported above
            given = call_arguments(text, match.start() + match.group(0).index("("))
            wanted = messages[message]
            if set(given) != wanted or len(given) != len(set(given)):
                problems.append(
                    f"{path}:{line_of(text, match.start())}: \"{message}\" takes ({', '.join(sorted(wanted)) or 'nothing'})"
                    f" but is given ({', '.join(given) or 'nothing'})"
                )
    for problem in problems:
        print(problem)
    print(f"  {'FAIL' if problems else 'ok'}  {len(used)} message ids in {len(paths)} Swift files, "
          f"checked against {ftl} ({len(messages)} messages)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
