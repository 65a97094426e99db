#!/usr/bin/env bash
# Platform code stays in one folder: outside Sources/Futures/Platform/, the library names no platform API
# and has no platform conditional. (The Platform folder wraps each one in a small Swift shim.)
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='pthread_|Glibc|Darwin|Musl|Bionic|timespec|clock_gettime|sysconf|dlopen|dlsym|#if os\(|canImport\('
found=$(grep -rnE "$pattern" Sources/Futures --include='*.swift' | grep -v '^Sources/Futures/Platform/' || true)
if [ -n "$found" ]; then
    echo "platform API or conditional outside Sources/Futures/Platform/:"
    echo "$found"
    exit 1
fi
echo "platform check: no platform API outside Sources/Futures/Platform/"
