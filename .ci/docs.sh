#!/usr/bin/env bash
# Builds the DocC catalog (Docs/Futures.docc) with the toolchain's docc, warnings as errors.
# Exits non-zero on any warning: a broken ``Symbol`` link in an article or in a doc comment, a missing
# article, a malformed directive. Run from anywhere: `.ci/docs.sh` (output in .build-docs-site/).
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-docc
graphs="$scratch/symbol-graphs"
output="${DOCS_OUTPUT:-.build-docs-site/Futures.doccarchive}"
docc=$(command -v docc || true)
if [ -z "$docc" ]; then
    docc="$(dirname "$(command -v swift)")/docc"
fi
[ -x "$docc" ] || { echo "docs.sh: cannot find docc next to swift ($(command -v swift))"; exit 1; }

rm -rf "$graphs"
mkdir -p "$graphs" "$(dirname "$output")"
echo "symbol graphs: swift build --target Futures"
swift build --scratch-path "$scratch" --target Futures \
    -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$graphs"

echo "docc convert Docs/Futures.docc (warnings as errors)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
"$docc" convert Docs/Futures.docc \
    --fallback-display-name Futures --fallback-bundle-identifier org.futures.Futures \
    --additional-symbol-graph-dir "$graphs" \
    --warnings-as-errors \
    --output-path "$output" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ] || grep -qE '(warning|error):' "$log"; then
    echo "docs.sh: docc reported problems (see above)"
    exit 1
fi
echo "docs.sh: documentation built warning-free into $output"
