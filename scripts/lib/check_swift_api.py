"""Checks the hand-written Swift's calls into the uniffi bindings against the generated Swift.

There is no Swift compiler here, so a renamed core method or a wrong
argument label in the SwiftUI app would first show in Xcode. This check
reads the declarations in the generated files (and the hand-written
extensions of the WorkerVoice module) and compares, by name and argument
labels:

  - calls on the core, `core.name(label: ...)`, with the methods of
    `WorkerVoiceApp` (its protocol and the hand-written extensions);
  - calls on the strings object, `native.name(...)`, with `AppStrings`;
  - calls of the module's free functions (`checkNewPin(pin:)`, ...);
  - memberwise initializers of the generated records, `GrievanceDraft(...)`;
  - enum cases built with labels, `.choice(optionId: ...)`, with the cases
    of the generated enums (any enum: the check does not infer types).

An unknown method or label fails. It does not check types or results:
Xcode does that.

Usage: python check_swift_api.py --declared FILE.swift... --calls FILE.swift...
"""

import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
LINE_COMMENT = re.compile(r"//[^\n]*")
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
PROTOCOL = re.compile(rf"\bpublic protocol ({IDENT})\b[^{{]*\{{")
EXTENSION = re.compile(rf"\bextension ({IDENT})\b[^{{]*\{{")
FUNC = re.compile(rf"\b(?:public\s+)?(?:static\s+)?func\s+({IDENT})\s*(?:<[^>]*>)?\s*\(")
STRUCT = re.compile(rf"^public struct ({IDENT})\s*[:{{]", re.M)
INIT = re.compile(r"\bpublic init\s*\(")
ENUM = re.compile(rf"^public enum ({IDENT})\b[^{{]*\{{", re.M)
CASE = re.compile(rf"^\s*case\s+({IDENT})\s*\(", re.M)
TOP_FUNC = re.compile(rf"^public func ({IDENT})\s*\(", re.M)


def strip(text):
    """Source without comments; string literals kept as empty strings."""
    text = BLOCK_COMMENT.sub(" ", text)
    text = STRING.sub('""', text)
    return LINE_COMMENT.sub("", text)


def closing(text, start, open_char="(", close_char=")"):
    """Index of the bracket closing the one at `start` (brackets of every kind nest)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return index
    return len(text) - 1


def split_top(inner):
    """Splits an argument list at its top-level commas."""
    parts, depth, current = [], 0, []
    for char in inner:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if "".join(current).strip():
        parts.append("".join(current))
    return parts


def parameters(inner):
    """Declared parameters -> [(label, has_default)]."""
    result = []
    for part in split_top(inner):
        head = part.split(":")[0].split()
        if not head:
            continue
        label = head[0] if head[0] != "_" else "_"
        result.append((label, "=" in part))
    return result


def arguments(inner):
    """Call arguments -> [label or '_']."""
    labels = []
    for part in split_top(inner):
        match = re.match(rf"\s*({IDENT})\s*:(?!:)", part)
        labels.append(match.group(1) if match else "_")
    return labels


def fits(labels, params):
    """Whether call labels match the parameters, skipping only defaulted ones."""
    position = 0
    for label, has_default in params:
        if position < len(labels) and labels[position] == label:
            position += 1
        elif not has_default:
            return False
    return position == len(labels)


def add(table, name, params):
    table.setdefault(name, []).append(params)


def declarations(paths):
    methods = {}  # type -> name -> [params]
    records, cases, functions = {}, {}, {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = strip(handle.read())
        for pattern in (PROTOCOL, EXTENSION):
            for match in pattern.finditer(text):
                body_end = closing(text, match.end() - 1)
                body = text[match.end():body_end]
                for func in FUNC.finditer(body):
                    open_at = func.end() - 1
                    params = parameters(body[open_at + 1:closing(body, open_at)])
                    add(methods.setdefault(match.group(1), {}), func.group(1), params)
        for match in STRUCT.finditer(text):
            start = text.index("{", match.end() - 1)
            body = text[start:closing(text, start)]
            for init in INIT.finditer(body):
                open_at = init.end() - 1
                add(records, match.group(1), parameters(body[open_at + 1:closing(body, open_at)]))
        for match in ENUM.finditer(text):
            start = match.end() - 1
            body = text[start:closing(text, start)]
            for case in CASE.finditer(body):
                open_at = case.end() - 1
                add(cases, case.group(1), parameters(body[open_at + 1:closing(body, open_at)]))
        for match in TOP_FUNC.finditer(text):
            open_at = match.end() - 1
            add(functions, match.group(1), parameters(text[open_at + 1:closing(text, open_at)]))
    # The protocol declares what the class implements; extensions add to the class.
    for protocol, implementer in (("WorkerVoiceAppProtocol", "WorkerVoiceApp"), ("AppStringsProtocol", "AppStrings")):
        for name, overloads in methods.get(protocol, {}).items():
            methods.setdefault(implementer, {}).setdefault(name, []).extend(overloads)
    return methods, records, cases, functions


def describe(params):
    return "(" + "".join(f"{label}:" for label, _ in params) + ")"


def main(declared_paths, call_paths):
    methods, records, cases, functions = declarations(declared_paths)
    receivers = {"core": methods.get("WorkerVoiceApp", {}), "native": methods.get("AppStrings", {})}
    if not receivers["core"] or not records or not cases:
        print("could not read the generated declarations")
        return 1
    problems, checked = [], 0
    for path in call_paths:
        with open(path, encoding="utf-8") as handle:
            text = strip(handle.read())

        def report(offset, message):
            problems.append(f"{path}:{text.count(chr(10), 0, offset) + 1}: {message}")

        for match in re.finditer(rf"(?<![A-Za-z0-9_.])(core|native)\.({IDENT})\s*\(", text):
            receiver, name = match.group(1), match.group(2)
            open_at = match.end() - 1
            labels = arguments(text[open_at + 1:closing(text, open_at)])
            overloads = receivers[receiver].get(name)
            checked += 1
            if overloads is None:
                report(match.start(), f"{receiver}.{name}(...): no such method in the bindings")
            elif not any(fits(labels, params) for params in overloads):
                report(match.start(), f"{receiver}.{name}({''.join(l + ':' for l in labels)}): the bindings declare "
                       + " or ".join(f"{name}{describe(p)}" for p in overloads))
        for table, kind, pattern in (
            (records, "record", rf"(?<![A-Za-z0-9_.])({IDENT})\s*\("),
            (functions, "function", rf"(?<![A-Za-z0-9_.])({IDENT})\s*\("),
            (cases, "enum case", rf"(?<![A-Za-z0-9_])\.({IDENT})\s*\("),
        ):
            for match in re.finditer(pattern, text):
                name = match.group(1)
                if name not in table:
                    continue
                # A declaration of the same name (func/case) is not a call.
                before = text[max(0, match.start() - 12):match.start()]
                if re.search(r"\b(func|case|let|var)\s*$", before):
                    continue
                open_at = match.end() - 1
                labels = arguments(text[open_at + 1:closing(text, open_at)])
                # Enum patterns bind positionally (`case let .x(a, b)`): only labelled builds are checked.
                if kind == "enum case" and all(label == "_" for label in labels):
                    continue
                checked += 1
                if not any(fits(labels, params) for params in table[name]):
                    report(match.start(), f"{kind} {name}({''.join(l + ':' for l in labels)}): the bindings declare "
                           + " or ".join(f"{name}{describe(p)}" for p in table[name]))
    for problem in problems:
        print(problem)
    print(f"  {'FAIL' if problems else 'ok'}  {checked} calls into the bindings in {len(call_paths)} files "
          f"({sum(len(m) for m in receivers.values())} methods, {len(records)} records, {len(cases)} enum cases, "
          f"{len(functions)} functions declared)")
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--declared" not in args or "--calls" not in args:
        sys.exit(__doc__)
    split = args.index("--calls")
    sys.exit(main(args[args.index("--declared") + 1:split], args[split + 1:]))
