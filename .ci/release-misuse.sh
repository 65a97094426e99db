#!/usr/bin/env bash
# CI step: misuse messages survive release builds. `precondition` drops its message under -O, so a release
# binary that misuses the library would die with no word of what was wrong; the library uses `fatalError`
# for every user-facing misuse. This step builds the tiny Tests/MisuseProbe program with `-c release` (its
# own scratch path, so the debug build is untouched) and runs the ReleaseMisuseTests, which start it once
# per misuse and read the message from its standard error. Without FUTURES_RELEASE_MISUSE_PROBE those tests
# are skipped, so a plain `swift test` never pays for a release build.
#
#   .ci/release-misuse.sh       # about a minute for the release build the first time, seconds after
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-release-probe
swift build -c release --product MisuseProbe --scratch-path "$scratch"
probe="$(swift build -c release --product MisuseProbe --scratch-path "$scratch" --show-bin-path)/MisuseProbe"
echo "release-misuse.sh: probe at $probe ($("$probe" configuration) build)"
FUTURES_RELEASE_MISUSE_PROBE="$probe" timeout 300 swift test --filter ReleaseMisuseTests
