#!/usr/bin/env bash
# Builds the benchmark package and runs its quick mode (CI checks that it runs, not the figures: those come
# from full runs on a quiet machine, see Benchmarks/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --package-path Benchmarks
timeout 300 swift run -c release --skip-build --package-path Benchmarks FuturesBenchmarks --quick \
    --json /tmp/futures-benchmarks-quick.json
