#!/usr/bin/env bash
# Builds every example and runs each one as the README says (`swift run <Name>`); each finishes in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=$(sed -n 's/.*executableTarget(name: "\([A-Za-z]*\)".*path: "Examples\/.*/\1/p' Package.swift)
swift build
for example in $examples; do
    echo "--- swift run $example"
    timeout 120 swift run --skip-build "$example" > "/tmp/futures-example-$example.log" 2>&1 \
        || { cat "/tmp/futures-example-$example.log"; echo "example $example failed"; exit 1; }
    tail -n 3 "/tmp/futures-example-$example.log"
done
