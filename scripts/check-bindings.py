#!/usr/bin/env python3
"""Checks the Swift and Kotlin bindings and the C tests against include/percept.h.

- Swift (no compiler on CI): every `percept_*(` call in bindings/swift names a
  function of the header and passes as many arguments as its prototype has;
  every other percept_* / PERCEPT_* name used exists in the header; the
  module map of the CPercept target (which `import CPercept` loads) names
  the header and links libpercept, and Package.swift declares that target;
  the Verdict raw values are the header's PERCEPT_VERDICT_* values; the
  wrapper's sources (not its tests) contain nothing that traps: no
  precondition/assert/fatalError, no force unwrap, try! or as!.
- Kotlin: every header function is declared in the JNA interface with the
  same arity, and nothing else is; every header struct but percept_hash
  (passed as 32 bytes) has a JNA Structure whose FieldOrder and fields are
  the header's fields in the header's order (JNA lays memory out from them); the Verdict and Dihedral enums list the
  header's PERCEPT_VERDICT_* / PERCEPT_DIHEDRAL_* names in value order (the
  bindings map C values to them by ordinal).
- ABI: the PERCEPT_ABI_VERSION each wrapper expects (Swift's
  `Percept.bindingsABIVersion`, Kotlin's `Percept.ABI_VERSION`, which they
  compare with percept_abi_version() at first use) equals the header's.
- Status codes: Kotlin's `Status` object holds exactly the header's
  PERCEPT_STATUS_* names and numbers, and both wrappers map every non-OK code
  to its own error; with --c-test-output, the C test produced every code.

Usage: check-bindings.py [--c-test-output FILE]   (run from anywhere)
Prints one line per problem and exits 1 if there is any.
"""

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = ROOT / "include" / "percept.h"
SWIFT = ROOT / "bindings" / "swift"
KOTLIN = ROOT / "bindings" / "kotlin" / "src" / "main" / "kotlin" / "percept"


def strip_c_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def strip_line_comments(text):
    """Removes // and /* */ comments outside string literals (Swift, Kotlin)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(text, start):
    """Top-level arguments of the call whose '(' is at text[start - 1]."""
    depth, i, args, current = 0, start, [], []
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            current.append(text[i : j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append("".join(current).strip())
                break
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(current).strip())
            current = []
            i += 1
            continue
        current.append(c)
        i += 1
    return [a for a in args if a]


def parse_header():
    text = strip_c_comments(HEADER.read_text())
    functions = {}
    for m in re.finditer(r"\b(percept_\w+)\s*\(([^;{}]*?)\)\s*;", text):
        name, params = m.group(1), m.group(2).strip()
        functions[name] = 0 if params in ("", "void") else len(split_args(params + ")", 0))
    defines = {k: int(v) for k, v in re.findall(r"#define\s+(PERCEPT_\w+)\s+(-?\d+)\b", text)}
    types = set(re.findall(r"typedef\s+[\w\s\*]+?\b(percept_\w+)\s*;", text))
    types |= set(re.findall(r"\bstruct\s+(percept_\w+)", text))
    statuses = {k: v for k, v in defines.items() if k.startswith("PERCEPT_STATUS_")}
    return functions, defines, types, statuses


def parse_structs():
    """The header's structs as {name: [field names in order]}."""
    text = strip_c_comments(HEADER.read_text())
    structs = {}
    for m in re.finditer(r"typedef\s+struct\s+(percept_\w+)\s*\{(.*?)\}\s*\1\s*;", text, re.S):
        structs[m.group(1)] = re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;", m.group(2))
    return structs


def group(defines, prefix):
    """The header's constants PREFIX* as {short name: value}."""
    return {k[len(prefix) :]: v for k, v in defines.items() if k.startswith(prefix)}


def blank_strings(text):
    """Replaces the contents of string literals by nothing ("..." -> "")."""
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


# Calls and constructs that stop the process instead of throwing.
SWIFT_TRAPS = re.compile(
    r"\b(precondition|preconditionFailure|fatalError|assert|assertionFailure)\s*\("
    r"|\b(try|as)!"
    r"|(?<=[\w\)\]])!(?!=)"
)


def check_swift_module(problems):
    """The CPercept system-library target: `import CPercept` loads this module map."""
    modulemap = SWIFT / "Sources" / "CPercept" / "module.modulemap"
    rel = modulemap.relative_to(ROOT)
    if not modulemap.is_file():
        problems.append(f"{rel}: missing (`import CPercept` needs it)")
        return
    text = strip_c_comments(modulemap.read_text())
    if not re.search(r"\bmodule\s+CPercept\b", text):
        problems.append(f"{rel}: does not declare `module CPercept`")
    headers = re.findall(r'\bheader\s+"([^"]+)"', text)
    resolved = [(modulemap.parent / h).resolve() for h in headers]
    if HEADER.resolve() not in resolved:
        problems.append(
            f"{rel}: its header paths {headers} (relative to the module map) do not name "
            f"{HEADER.relative_to(ROOT)}"
        )
    if not re.search(r'\blink\s+"percept"', text):
        problems.append(f'{rel}: no `link "percept"`')
    package = strip_line_comments((SWIFT / "Package.swift").read_text())
    if not re.search(
        r'\.systemLibrary\(\s*name:\s*"CPercept"\s*,\s*path:\s*"Sources/CPercept"\s*\)', package
    ):
        problems.append(
            'bindings/swift/Package.swift: no .systemLibrary(name: "CPercept", path: "Sources/CPercept")'
        )


def check_swift(functions, defines, types, statuses, problems):
    called = set()
    sources = sorted(SWIFT.rglob("*.swift"))
    if not sources:
        problems.append("swift: no sources found")
    library = SWIFT / "Sources" / "Percept"
    for path in sources:
        text = strip_line_comments(path.read_text())
        rel = path.relative_to(ROOT)
        if re.search(r"\b(percept_|PERCEPT_)\w+", text) and not re.search(
            r"^\s*import\s+CPercept\b", text, re.M
        ):
            problems.append(f"{rel}: uses the C API without `import CPercept`")
        if library in path.parents:
            bare = blank_strings(text)
            for m in SWIFT_TRAPS.finditer(bare):
                problems.append(
                    f"{rel}:{line_of(bare, m.start())}: `{m.group(0)}` can crash the app; "
                    "throw a PerceptError instead"
                )
        for m in re.finditer(r"\b(percept_\w+)\s*\(", text):
            name = m.group(1)
            if name in types:
                continue  # a C type's initialiser or conversion
            if name not in functions:
                problems.append(f"{rel}: calls {name}, which the header does not declare")
                continue
            arity = len(split_args(text, m.end()))
            called.add(name)
            if arity != functions[name]:
                problems.append(
                    f"{rel}: {name} called with {arity} arguments, the header has {functions[name]}"
                )
        for name in set(re.findall(r"\b(percept_\w+|PERCEPT_\w+)\b", text)):
            if name not in functions and name not in defines and name not in types:
                problems.append(f"{rel}: uses {name}, which the header does not define")
    errors = strip_line_comments((SWIFT / "Sources" / "Percept" / "Errors.swift").read_text())
    for status in statuses:
        if status != "PERCEPT_STATUS_OK" and not re.search(rf"case\s+{status}\s*:", errors):
            problems.append(f"swift: PerceptError does not handle {status}")

    api = strip_line_comments((library / "Percept.swift").read_text())
    verdict = re.search(r"enum\s+Verdict\s*:\s*UInt32\b[^{]*\{(.*?)\}", api, re.S)
    swift_verdicts = sorted(int(v) for v in re.findall(r"=\s*(\d+)", verdict.group(1) if verdict else ""))
    header_verdicts = sorted(group(defines, "PERCEPT_VERDICT_").values())
    if swift_verdicts != header_verdicts:
        problems.append(
            f"swift: Verdict raw values {swift_verdicts} differ from the header's "
            f"PERCEPT_VERDICT_* {header_verdicts}"
        )
    return called


def check_abi(defines, problems):
    """The ABI version each wrapper checks the library against is the header's."""
    header = defines.get("PERCEPT_ABI_VERSION")
    if header is None:
        problems.append("include/percept.h: no PERCEPT_ABI_VERSION")
        return None
    expected = {
        "swift": (
            SWIFT / "Sources" / "Percept" / "Percept.swift",
            r"\bstatic\s+let\s+bindingsABIVersion\s*:\s*UInt32\s*=\s*(\d+)",
        ),
        "kotlin": (KOTLIN / "Percept.kt", r"\bconst\s+val\s+ABI_VERSION\s*=\s*(\d+)"),
    }
    for side, (path, pattern) in expected.items():
        m = re.search(pattern, strip_line_comments(path.read_text()))
        rel = path.relative_to(ROOT)
        if not m:
            problems.append(f"{side}: {rel} does not state the ABI version it expects")
        elif int(m.group(1)) != header:
            problems.append(
                f"{side}: {rel} expects PERCEPT_ABI_VERSION {m.group(1)}, the header has {header}: "
                "update the bindings for the new ABI, then the constant"
            )
    return header


def check_kotlin_enum(api, name, constants, prefix, problems):
    """A Kotlin enum whose ordinals are the header's values of PREFIX*."""
    m = re.search(rf"enum\s+class\s+{name}\s*\{{([^}}]*)\}}", api)
    entries = [e.strip() for e in (m.group(1) if m else "").split(";")[0].split(",") if e.strip()]
    wanted = [k for k, _ in sorted(constants.items(), key=lambda kv: kv[1])]
    if sorted(constants.values()) != list(range(len(constants))):
        problems.append(f"kotlin: {prefix}* values {sorted(constants.values())} are not 0..n-1")
    if entries != wanted:
        problems.append(f"kotlin: enum {name} is {entries}, the header's {prefix}* are {wanted}")


def check_kotlin(functions, defines, statuses, problems):
    native = strip_line_comments((KOTLIN / "Native.kt").read_text())
    declared = {}
    for m in re.finditer(r"\bfun\s+(percept_\w+)\s*\(", native):
        declared[m.group(1)] = len(split_args(native, m.end()))
    for name, arity in sorted(functions.items()):
        if name not in declared:
            problems.append(f"kotlin: {name} is not declared in Native.kt")
        elif declared[name] != arity:
            problems.append(
                f"kotlin: {name} declared with {declared[name]} parameters, the header has {arity}"
            )
    for name in sorted(set(declared) - set(functions)):
        problems.append(f"kotlin: declares {name}, which the header does not")

    status_kt = strip_line_comments((KOTLIN / "Status.kt").read_text())
    body = re.search(r"object\s+Status\s*\{(.*?)\}", status_kt, re.S)
    kotlin_codes = {
        "PERCEPT_STATUS_" + k: int(v)
        for k, v in re.findall(r"const\s+val\s+(\w+)\s*=\s*(-?\d+)", body.group(1) if body else "")
    }
    if kotlin_codes != statuses:
        missing = sorted(set(statuses.items()) - set(kotlin_codes.items()))
        extra = sorted(set(kotlin_codes.items()) - set(statuses.items()))
        problems.append(f"kotlin: Status differs from the header: missing {missing}, extra {extra}")
    for status in statuses:
        short = status[len("PERCEPT_STATUS_") :]
        if status != "PERCEPT_STATUS_OK" and not re.search(rf"Status\.{short}\s*->", status_kt):
            problems.append(f"kotlin: PerceptException.of does not map {status}")

    api = strip_line_comments((KOTLIN / "Percept.kt").read_text())
    check_kotlin_enum(api, "Verdict", group(defines, "PERCEPT_VERDICT_"), "PERCEPT_VERDICT_", problems)
    check_kotlin_enum(api, "Dihedral", group(defines, "PERCEPT_DIHEDRAL_"), "PERCEPT_DIHEDRAL_", problems)


# The JNA Structure that mirrors each header struct (Native.kt).
KOTLIN_STRUCTS = {
    "percept_pdq_hash": "PdqHashStruct",
    "percept_pdq_dihedral": "PdqDihedralStruct",
    "percept_options": "OptionsStruct",
    "percept_list_info": "ListInfoStruct",
    "percept_match_result": "MatchResultStruct",
}


def check_kotlin_structs(structs, problems):
    native = strip_line_comments((KOTLIN / "Native.kt").read_text())
    classes = {}
    for m in re.finditer(
        r"@Structure\.FieldOrder\((.*?)\)\s*internal\s+class\s+(\w+)\s*:\s*Structure\(\)\s*\{(.*?)\n\}",
        native,
        re.S,
    ):
        order = re.findall(r'"(\w+)"', m.group(1))
        fields = re.findall(r"@JvmField\s+var\s+(\w+)", m.group(3))
        classes[m.group(2)] = (order, fields)
    if len(structs) < 5:
        problems.append(f"header parse found only {len(structs)} structs")
    for struct, fields in sorted(structs.items()):
        if struct == "percept_hash":
            continue
        kt = KOTLIN_STRUCTS.get(struct)
        if kt is None:
            problems.append(f"kotlin: no JNA Structure is named for {struct} (KOTLIN_STRUCTS)")
        elif kt not in classes:
            problems.append(f"kotlin: Native.kt has no Structure {kt} with a FieldOrder ({struct})")
        else:
            order, declared = classes[kt]
            if order != fields:
                problems.append(f"kotlin: {kt} FieldOrder {order}, the header's {struct} has {fields}")
            if declared != fields:
                problems.append(f"kotlin: {kt} declares fields {declared}, the header's {struct} has {fields}")


def check_c_output(path, statuses, problems):
    text = pathlib.Path(path).read_text()
    m = re.search(r"^statuses produced:(.*)$", text, re.M)
    if not m:
        problems.append(f"{path}: no 'statuses produced:' line")
        return
    produced = {int(x) for x in m.group(1).split()}
    for name, code in sorted(statuses.items(), key=lambda kv: kv[1]):
        if code not in produced:
            problems.append(f"C tests: no test produced {name} ({code})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--c-test-output")
    args = parser.parse_args()
    functions, defines, types, statuses = parse_header()
    problems = []
    if len(functions) < 10 or len(statuses) < 5:
        problems.append(f"header parse found only {len(functions)} functions, {len(statuses)} codes")
    check_swift_module(problems)
    swift_called = check_swift(functions, defines, types, statuses, problems)
    check_kotlin(functions, defines, statuses, problems)
    check_kotlin_structs(parse_structs(), problems)
    abi = check_abi(defines, problems)
    if args.c_test_output:
        check_c_output(args.c_test_output, statuses, problems)
    for p in problems:
        print(p)
    unused = sorted(set(functions) - swift_called)
    print(
        f"bindings: {len(functions)} header functions, {len(statuses)} status codes, ABI {abi}; "
        f"Swift calls {len(swift_called)} (not: {', '.join(unused) or 'none'}); "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
