#!/usr/bin/env bash
# Formatting: `swift format lint --strict` with the checked-in .swift-format (4-space indent, lines of 120)
# over the library, the tests, the examples and the benchmarks. Fix what it reports with
# `swift format format -i` on the same files (`.ci/lint.sh --fix` does it).
#
# Tests/FuturesTests/DocSnippets/ is left out: each snippet there is the text of a code block in README.md
# or an article, kept line for line as the page shows it (`.ci/snippets.sh` checks that), and the
# formatter's line breaks would part them.
set -euo pipefail
cd "$(dirname "$0")/.."
files=()
while IFS= read -r file; do files+=("$file"); done < <(
    find Sources Tests Examples Benchmarks/Sources -name '*.swift' -not -path 'Tests/FuturesTests/DocSnippets/*' | sort)
if [ "${1:-}" = "--fix" ]; then
    swift format format --in-place "${files[@]}"
fi
swift format lint --strict "${files[@]}"
echo "lint: swift format finds nothing to change"
