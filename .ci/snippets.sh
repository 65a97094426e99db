#!/usr/bin/env bash
# Every ```swift block of README.md and of the DocC articles (Docs/**/*.md) must be compiled and run by a
# test in Tests/FuturesTests/DocSnippets/, and those tests must build without a warning.
#
# 1. Each block must appear, line for line, in one file of Tests/FuturesTests/DocSnippets/: blank lines
#    are skipped and runs of spaces count as one, so the test may indent the block (it sits in a test
#    function) and put its own lines before and after it, but not between its lines. A block added to the
#    docs without a test, or changed in the docs and not in its test, fails here with its file and line.
#    The block's leading `import` lines may be anywhere in that file (a test file has its imports on top).
#    Only a manifest fragment (a block whose first line is `// Package.swift`) is exempt: it is not program
#    code, so no test can compile it.
# 2. The test target is built with -warnings-as-errors (in the .build-werror scratch folder that `.ci/run`
#    uses for the library), so no snippet test may warn.
# Run from anywhere: `.ci/snippets.sh`; `.ci/snippets.sh --no-build` skips step 2.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 - <<'PY'
import glob, re, sys

def normalize(line):
    return re.sub(r"\s+", " ", line.strip())

def blocks(path):
    """Yields (first line number, [lines]) for every ```swift block of a Markdown file."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        fence = re.match(r"^(\s*)(```+)\s*swift\s*$", lines[i])
        if fence:
            start, body, i = i + 1, [], i + 1
            while i < len(lines) and lines[i].strip() != fence.group(2):
                body.append(lines[i])
                i += 1
            yield start + 1, body
        i += 1

sources = {}
for path in sorted(glob.glob("Tests/FuturesTests/DocSnippets/*.swift")):
    sources[path] = [n for n in (normalize(l) for l in open(path, encoding="utf-8")) if n]

def contains(haystack, needle):
    n = len(needle)
    first = needle[0]
    for i in range(len(haystack) - n + 1):
        if haystack[i] == first and haystack[i:i + n] == needle:
            return True
    return False

docs = ["README.md"] + sorted(glob.glob("Docs/**/*.md", recursive=True))
checked, exempt, missing = 0, 0, []
for doc in docs:
    for line, body in blocks(doc):
        needle = [n for n in (normalize(l) for l in body) if n]
        if not needle:
            continue
        if needle[0] == "// Package.swift":
            exempt += 1
            continue
        checked += 1
        imports = []
        while needle and needle[0].startswith("import "):
            imports.append(needle.pop(0))
        if not any(all(i in lines for i in imports) and (not needle or contains(lines, needle))
                   for lines in sources.values()):
            missing.append((doc, line, needle[0]))

for doc, line, first in missing:
    print(f"{doc}:{line}: this swift block is in no test of Tests/FuturesTests/DocSnippets/ (first line: {first})")
if missing:
    print(f"snippets.sh: {len(missing)} of {checked} swift blocks have no snippet test")
    sys.exit(1)
print(f"snippets.sh: all {checked} swift blocks of README.md and Docs/ are in snippet tests ({exempt} manifest fragments exempt)")
PY

if [ "${1:-}" != "--no-build" ]; then
    echo "snippets.sh: building the tests with -warnings-as-errors"
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    swift build --scratch-path .build-werror --build-tests -Xswiftc -warnings-as-errors 2>&1 | tee "$log"
    if grep -q 'warning:' "$log"; then echo "snippets.sh: compiler warnings in the tests"; exit 1; fi
fi
