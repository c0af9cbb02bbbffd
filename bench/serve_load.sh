#!/usr/bin/env bash
# serve_load.sh — `make bench-serve`: whosaid serve under load from wrk on
# loopback: requests/s, latency percentiles, failed requests, and the
# server's resident memory before and after.
#
# The server runs with its defaults (threads: every core) on a free port,
# with a quote store of 200 generated articles; wrk sends the mix of
# bench/serve_mix.lua (extraction of examples/article.txt and searches of
# the store, LOAD_MIX=extract for extraction alone) from LOAD_CONNECTIONS
# connections (64) for LOAD_SECONDS (20) on LOAD_THREADS threads (2), after
# a warm-up run of LOAD_WARMUP seconds (30): the time the allocator's
# per-thread arenas take to reach their size under this load (measured:
# resident memory rises for about 45 s of load from the start, then stays
# flat to the KiB).  RSS is read from /proc at start, after the warm-up,
# and after the measured run.  Prints Markdown; exits 1 when any
# request failed or the memory grew by more than LOAD_GROWTH_KIB (1024)
# during the measured run.
set -euo pipefail
cd "$(dirname "$0")/.."
WHOSAID=${WHOSAID:-build/whosaid}
SECONDS_RUN=${LOAD_SECONDS:-20}
CONNECTIONS=${LOAD_CONNECTIONS:-64}
THREADS=${LOAD_THREADS:-2}
WARMUP=${LOAD_WARMUP:-30}
GROWTH_KIB=${LOAD_GROWTH_KIB:-1024}
command -v wrk >/dev/null || { echo "bench-serve: wrk not found (scripts/install.sh --dev installs it)" >&2; exit 2; }

tmp=$(mktemp -d)
python3 tests/corpus/make_corpus.py --articles 200 >"$tmp/corpus.jsonl"
"$WHOSAID" index --db "$tmp/q.db" --jsonl "$tmp/corpus.jsonl" -q
"$WHOSAID" serve --port 0 --db "$tmp/q.db" 2>"$tmp/server.err" >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
	grep -q 'serving on' "$tmp/server.err" 2>/dev/null && break
	sleep 0.1
done
url=$(sed -n 's/.*serving on \(http:[^ ]*\).*/\1/p' "$tmp/server.err")
[ -n "$url" ] || { cat "$tmp/server.err" >&2; exit 1; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$server/status"; }

rss_start=$(rss)
wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WARMUP}s" -s bench/serve_mix.lua "${url}" >/dev/null
rss_warm=$(rss)
wrk -t "$THREADS" -c "$CONNECTIONS" -d "${SECONDS_RUN}s" --latency -s bench/serve_mix.lua "${url}" >"$tmp/wrk.txt"
rss_end=$(rss)
cat "$tmp/wrk.txt" >&2

requests=$(awk '/requests in/ { print $1 }' "$tmp/wrk.txt")
rate=$(awk '/^Requests\/sec/ { print $2 }' "$tmp/wrk.txt")
bad=$(awk '/Non-2xx or 3xx responses/ { print $NF }' "$tmp/wrk.txt")
socket_errors=$(sed -n 's/.*Socket errors: //p' "$tmp/wrk.txt")
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
pct() { awk -v p="$1" '$1 == p { print $2 }' "$tmp/wrk.txt"; }

what="half POST /v1/extract with examples/article.txt ($(wc -c <examples/article.txt) bytes), half searches of a 200-article store"
[ "${LOAD_MIX:-}" = extract ] && what="POST /v1/extract with examples/article.txt ($(wc -c <examples/article.txt) bytes)"
echo "wrk -t $THREADS -c $CONNECTIONS -d ${SECONDS_RUN}s, $what, $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown):"
echo
echo "| requests | requests/s | p50 | p75 | p90 | p99 | failed | RSS at start | after warm-up | after the run |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "| $requests | $rate | $(pct 50%) | $(pct 75%) | $(pct 90%) | $(pct 99%) | ${bad:-0}${socket_errors:+ (socket errors: $socket_errors)} | $(mib "$rss_start") | $(mib "$rss_warm") | $(mib "$rss_end") |"
status=0
if [ -n "${bad}${socket_errors}" ]; then
	echo "bench-serve: some requests failed" >&2
	status=1
fi
if [ $((rss_end - rss_warm)) -gt "$GROWTH_KIB" ]; then
	echo "bench-serve: memory grew by $((rss_end - rss_warm)) KiB during the run" >&2
	status=1
fi
exit $status
