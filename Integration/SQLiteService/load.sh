#!/usr/bin/env bash
# Load harness for the SQLite service. It starts one service per way of making the blocking call (--mode),
# each on a free loopback port, and measures them in interleaved rounds (each round takes the modes in a
# rotated order), so load from other programs on the machine falls on every mode alike. In each round, for
# each mode: /health alone (the idle baseline: one connection, a request every 5 ms), then /query driven by
# wrk while a second, light wrk probes /health at the same time. At the end every service gets SIGTERM and
# must exit 0 within 20 s. Every response is checked (status and body, by load/query.lua and
# load/health.lua); any bad answer, socket error or unclean exit fails the run. Prints a markdown table:
# queries/s is the mean of the rounds, each latency the median of the rounds' values.
#
#   Integration/SQLiteService/load.sh                 # the full run: 5 rounds of 4 s per mode, about 3 minutes
#   Integration/SQLiteService/load.sh --smoke         # CI: 1 round of 3 s per mode
#   options: --duration S (per mode, over all rounds)  --rounds N  --connections N  --workers N
#            --modes "pool nio"  --skip-build  --output FILE
#
# Loopback only (127.0.0.1); every wrk run is bounded by -d. Needs wrk, curl and python3 (for a free port).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

duration=20
rounds=5
connections=16
modes="pool preference nio direct"
workers=""
rows=20000
window=2000
build=1
output=""
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) duration=3; rounds=1; connections=8 ;;
        --duration) duration=$2; shift ;;
        --rounds) rounds=$2; shift ;;
        --connections) connections=$2; shift ;;
        --workers) workers=$2; shift ;;
        --modes) modes=$2; shift ;;
        --skip-build) build=0 ;;
        --output) output=$2; shift ;;
        *) echo "load.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
slice=$((duration / rounds))
[ "$slice" -ge 1 ] || { echo "load.sh: --duration must be at least --rounds seconds" >&2; exit 2; }
for tool in wrk curl python3; do
    command -v "$tool" > /dev/null || { echo "load.sh: $tool is missing (apt-get install -y wrk curl python3)" >&2; exit 2; }
done

if [ "$build" = 1 ]; then swift build -c release --package-path "$here" > /dev/null; fi
binary="$(swift build -c release --package-path "$here" --show-bin-path)/SQLiteService"
work=$(mktemp -d /tmp/sqlite-service-load.XXXXXX)
declare -A server_pid port
cleanup() {
    for pid in "${server_pid[@]}"; do kill -KILL "$pid" 2> /dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server MODE: starts the service in the background and waits (at most 30 s) for /health.
start_server() {
    port[$1]=$(free_port)
    local extra=()
    if [ -n "$workers" ]; then extra=(--workers "$workers"); fi
    "$binary" --host 127.0.0.1 --port "${port[$1]}" --mode "$1" --rows "$rows" --window "$window" "${extra[@]}" \
        > "$work/server-$1.log" 2>&1 &
    server_pid[$1]=$!
    for _ in $(seq 300); do  # a process start has no event to wait on: poll, bounded
        if curl -fsS --max-time 1 "http://127.0.0.1:${port[$1]}/health" > /dev/null 2>&1; then return 0; fi
        kill -0 "${server_pid[$1]}" 2> /dev/null || break
        sleep 0.1
    done
    cat "$work/server-$1.log" >&2
    echo "load.sh: the service ($1) did not answer /health" >&2
    exit 1
}

# stop_server MODE: SIGTERM, then the process must exit 0 within 20 s.
stop_server() {
    local pid=${server_pid[$1]}
    kill -TERM "$pid"
    for _ in $(seq 200); do
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2> /dev/null; then
        fail "$1: the service did not exit within 20 s of SIGTERM"
        kill -KILL "$pid"
    fi
    local status=0
    wait "$pid" || status=$?
    unset "server_pid[$1]"
    [ "$status" = 0 ] || { fail "$1: the service exited with status $status after SIGTERM"; cat "$work/server-$1.log" >&2; }
}

# In milliseconds: the latency at percentile $2 (50 or 99) in wrk's output $1.
percentile_ms() {
    awk -v p="$2%" '$1 == p {
        v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
        if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000
        printf "%.2f", v }' "$1"
}
requests_per_second() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
# Socket errors and non-2xx/3xx responses wrk counted, plus answers the script found wrong.
error_count() {
    awk '/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
         /Non-2xx or 3xx responses:/ { n += $5 }
         /^checked [0-9]+ responses/ { n += $4 }
         END { print n + 0 }' "$1"
}
checked_count() { awk '/^checked [0-9]+ responses/ { print $2 }' "$1"; }

# The median of the numbers on standard input.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mean() { awk '{ s += $1 } END { if (NR) printf "%.0f", s / NR; else print "-" }'; }

lua="$here/load"
for mode in $modes; do start_server "$mode"; done
for mode in $modes; do
    # Warm up (threads, connections, page cache); not measured, but checked.
    wrk -t1 -c "$connections" -d 1s -s "$lua/query.lua" "http://127.0.0.1:${port[$mode]}" -- "$rows" "$window" \
        > "$work/$mode-warm.txt"
done
read -r -a order <<< "$modes"
loads=()
for round in $(seq "$rounds"); do
    loads+=("$(cut -d' ' -f1 /proc/loadavg)")  # the machine's own load, for context
    shift_by=$(((round - 1) % ${#order[@]}))
    for mode in "${order[@]:shift_by}" "${order[@]:0:shift_by}"; do
        echo "--- round $round/$rounds, $mode: $slice s idle, $slice s of load ($connections connections)" >&2
        url="http://127.0.0.1:${port[$mode]}"
        wrk -t1 -c1 -d "${slice}s" --latency -s "$lua/health.lua" "$url/health" > "$work/$mode-$round-idle.txt"
        wrk -t1 -c "$connections" -d "${slice}s" --latency -s "$lua/query.lua" "$url" -- "$rows" "$window" \
            > "$work/$mode-$round-query.txt" &
        query_pid=$!
        wrk -t1 -c1 -d "${slice}s" --latency -s "$lua/health.lua" "$url/health" > "$work/$mode-$round-health.txt"
        wait "$query_pid"
    done
done
for mode in $modes; do stop_server "$mode"; done

declare -A qps q50 q99 idle99 load99 errors
for mode in $modes; do
    qps[$mode]=$(for r in $(seq "$rounds"); do requests_per_second "$work/$mode-$r-query.txt"; echo; done | mean)
    q50[$mode]=$(for r in $(seq "$rounds"); do percentile_ms "$work/$mode-$r-query.txt" 50; echo; done | median)
    q99[$mode]=$(for r in $(seq "$rounds"); do percentile_ms "$work/$mode-$r-query.txt" 99; echo; done | median)
    idle99[$mode]=$(for r in $(seq "$rounds"); do percentile_ms "$work/$mode-$r-idle.txt" 99; echo; done | median)
    load99[$mode]=$(for r in $(seq "$rounds"); do percentile_ms "$work/$mode-$r-health.txt" 99; echo; done | median)
    errors[$mode]=0
    for file in "$work/$mode-warm.txt" "$work/$mode"-*-{idle,query,health}.txt; do
        n=$(error_count "$file")
        errors[$mode]=$((errors[$mode] + n))
        if [ "$(checked_count "$file")" = "" ]; then fail "$mode: wrk printed no check in $(basename "$file")"; fi
        if [ "$n" != 0 ]; then cat "$file" >&2; fi
    done
    if [ "${errors[$mode]}" != 0 ]; then fail "$mode: ${errors[$mode]} errors or bad answers"; fi
    for r in $(seq "$rounds"); do
        if [ "$(checked_count "$work/$mode-$r-query.txt")" = 0 ]; then fail "$mode: no query was answered in round $r"; fi
    done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
{
    echo "| mode | queries/s | query p50 (ms) | query p99 (ms) | /health p99 idle (ms) | /health p99 under load (ms) | under load / idle | errors |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for mode in $modes; do
        echo "| $mode | ${qps[$mode]} | ${q50[$mode]} | ${q99[$mode]} | ${idle99[$mode]} | ${load99[$mode]} | $(ratio "${load99[$mode]}" "${idle99[$mode]}")× | ${errors[$mode]} |"
    done
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $rounds round(s) of $slice s per mode; $connections connections on /query, /health probed every 5 ms on one more; workers: ${workers:-$(nproc) (the default)}; the machine's 1-minute load average at the start of each round: ${loads[*]}."
    if [ -n "${qps[pool]:-}" ] && [ -n "${qps[nio]:-}" ]; then
        verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "missed"; fi; }
        echo
        echo "- throughput, pool ≥ nio: $(verdict "$(awk -v a="${qps[pool]}" -v b="${qps[nio]}" 'BEGIN { print (a >= b) }')") (${qps[pool]} vs ${qps[nio]} queries/s)"
        echo "- query p99, pool ≤ nio: $(verdict "$(awk -v a="${q99[pool]}" -v b="${q99[nio]}" 'BEGIN { print (a <= b) }')") (${q99[pool]} vs ${q99[nio]} ms)"
        echo "- /health p99 under load ≤ 2 × idle, pool: $(verdict "$(awk -v a="${load99[pool]}" -v b="${idle99[pool]}" 'BEGIN { print (a <= 2 * b) }')") (${load99[pool]} vs ${idle99[pool]} ms)"
    fi
} | tee "${output:-/dev/null}"

echo >&2
if [ "$failures" != 0 ]; then echo "load.sh: $failures failures" >&2; exit 1; fi
echo "load.sh: every response checked, every shutdown clean" >&2
