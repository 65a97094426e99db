#!/usr/bin/env bash
# The SQLite service (Integration/SQLiteService, issue 20): installs what it needs from Debian if missing,
# builds it in release with zero warnings, starts it as its README says on a free loopback port, checks an
# answer, checks that SIGTERM drains queries in flight and exits 0, then runs the load harness's smoke mode
# (a few seconds per way of making the blocking call, every response checked). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
package=Integration/SQLiteService
step() { printf -- '--- %s (%ds)\n' "$*" "$((SECONDS - started))"; }

if ! command -v wrk > /dev/null || [ ! -f /usr/include/sqlite3.h ] || ! command -v curl > /dev/null; then
    step "installing wrk, libsqlite3-dev and curl"
    apt-get update > /dev/null && apt-get install -y wrk libsqlite3-dev curl > /dev/null
fi

step "build (release)"
swift build -c release --package-path "$package" 2>&1 | tee /tmp/sqlite-service-build.log | tail -n 3
# Our own code (the service, and the library it builds by path) must build with no warning. SwiftPM's notes
# about the dependencies' files (swift-distributed-tracing's CMakeLists.txt) are not ours.
if grep -E "^/[^ ]*(/$package/Sources|/Sources/Futures)/[^ ]*: warning:" /tmp/sqlite-service-build.log; then
    echo "compiler warnings in $package or the library"
    exit 1
fi
binary="$(swift build -c release --package-path "$package" --show-bin-path)/SQLiteService"

work=$(mktemp -d /tmp/sqlite-service-ci.XXXXXX)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill -KILL "$server_pid" 2> /dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# start ARGS...: the service in the background on a free loopback port; waits (at most 30 s) for /health.
start() {
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$binary" --port "$port" "$@" > "$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 300); do  # a process start has no event to wait on: poll, bounded
        if curl -fsS --max-time 1 "http://127.0.0.1:$port/health" > /dev/null 2>&1; then return 0; fi
        kill -0 "$server_pid" 2> /dev/null || break
        sleep 0.1
    done
    cat "$work/server.log"
    echo "the service did not answer /health"
    exit 1
}

# stop: SIGTERM; the service must exit 0 within 20 s.
stop() {
    kill -TERM "$server_pid"
    for _ in $(seq 200); do
        kill -0 "$server_pid" 2> /dev/null || break
        sleep 0.1
    done
    if kill -0 "$server_pid" 2> /dev/null; then
        cat "$work/server.log"
        echo "the service did not exit within 20 s of SIGTERM"
        exit 1
    fi
    local status=0
    wait "$server_pid" || status=$?
    server_pid=""
    if [ "$status" != 0 ]; then
        cat "$work/server.log"
        echo "the service exited with status $status after SIGTERM"
        exit 1
    fi
}

# expected ID ROWS WINDOW: the body /query?id=ID must return (a reading is (id * 7919) % 1009).
expected() {
    python3 -c 'import sys
i, rows, window = map(int, sys.argv[1:])
v = [(k * 7919) % 1009 for k in range(i, min(rows, i + window))]
print("{\"id\":%d,\"count\":%d,\"sum\":%d,\"min\":%d,\"max\":%d}" % (i, len(v), sum(v), min(v), max(v)))' "$@"
}

step "the service with its defaults: /health, one query, a bad id, SIGTERM"
start
[ "$(curl -fsS --max-time 5 "http://127.0.0.1:$port/health")" = ok ] || { echo "/health is not ok"; exit 1; }
body=$(curl -fsS --max-time 5 "http://127.0.0.1:$port/query?id=123")
[ "$body" = "$(expected 123 20000 2000)" ] || { echo "wrong answer for id=123: $body"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/query?id=oops")
[ "$code" = 400 ] || { echo "a bad id got HTTP $code, not 400"; exit 1; }
stop

step "SIGTERM while queries are in flight: each is answered, then the service exits 0"
# One worker and long queries (300,000 rows each, tens of milliseconds), so most of the 16 are still queued
# or running when SIGTERM comes. A request may be refused (curl's exit 7) only if it had not connected yet.
start --workers 1 --rows 300000 --window 300000
launched=$(date +%s.%N)
pids=()
for i in $(seq 16); do
    curl -sS --max-time 60 -o "$work/drain-$i.body" -w '%{http_code} %{time_total}' \
        "http://127.0.0.1:$port/query?id=$i" > "$work/drain-$i.code" 2> "$work/drain-$i.err" &
    pids+=($!)
done
sleep 0.3  # let the requests connect: nothing tells us they have
signalled=$(date +%s.%N)
stop
answered=0 after=0 refused=0
for i in $(seq 16); do
    status=0
    wait "${pids[$((i - 1))]}" || status=$?
    if [ "$status" = 7 ]; then refused=$((refused + 1)); continue; fi
    read -r code seconds < "$work/drain-$i.code" || true
    if [ "$status" != 0 ] || [ "$code" != 200 ] || [ "$(cat "$work/drain-$i.body")" != "$(expected "$i" 300000 300000)" ]; then
        echo "request $i lost or wrong at shutdown: curl exit $status, HTTP ${code:-none}: $(cat "$work/drain-$i.err" "$work/drain-$i.body")"
        exit 1
    fi
    answered=$((answered + 1))
    if awk -v l="$launched" -v t="$seconds" -v s="$signalled" 'BEGIN { exit !(l + t > s) }'; then after=$((after + 1)); fi
done
echo "$answered answered (right), $after of them after SIGTERM; $refused refused before connecting"
[ "$after" -gt 0 ] || { echo "no query was in flight at SIGTERM: the drain was not tested"; exit 1; }

step "smoke load, every mode"
"$package/load.sh" --smoke --skip-build

step "done"
