#!/usr/bin/env bash
# run.sh — `make bench`: load cost, throughput and peak memory of
# build/whosaid with one model (MODEL, default news).
#
# The corpora are the PolNeAR dev articles repeated into JSON Lines files of
# about 3.1, 12.5 and 50 MB of text, written under BENCH_DIR (build/bench)
# and reused by later runs; nothing from them goes into the repository.
# bench.py's docstring and docs/performance.md describe the method.
#
# Environment: MODEL (news), WHOSAID (build/whosaid), SHARED (../shared),
# BENCH_DIR (build/bench), PYTHON (python3), BENCH_MB (50), BENCH_RUNS (3),
# BENCH_LOAD_RUNS (5), BENCH_TARGET (1, MB/s per core),
# BENCH_EXTRA (more whosaid options, e.g. "--offsets bytes").
set -euo pipefail

cd "$(dirname "$0")/.."
WHOSAID=${WHOSAID:-build/whosaid}
SHARED=${SHARED:-../shared}
BENCH_DIR=${BENCH_DIR:-build/bench}
PYTHON=${PYTHON:-python3}
MODEL=${MODEL:-news}

texts="$SHARED/data/polnear/dev/text"
if [ ! -d "$texts" ]; then
	echo "bench: $texts not found (set SHARED=DIR to the shared folder)" >&2
	exit 2
fi

# A figure is only worth keeping with the code and machine it came from.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	commit="$commit (modified)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "bench: model $MODEL, commit $commit, $(uname -m), $(nproc) cores (${cpu:-unknown CPU}), $("${CC:-cc}" --version | head -n 1), load average $(cut -d ' ' -f 1-3 /proc/loadavg)" >&2
exec "$PYTHON" bench/bench.py --whosaid "$WHOSAID" --model "$MODEL" --texts "$texts" --dir "$BENCH_DIR" \
	--mb "${BENCH_MB:-50}" --runs "${BENCH_RUNS:-3}" --load-runs "${BENCH_LOAD_RUNS:-5}" \
	--target "${BENCH_TARGET:-1}" --extra="${BENCH_EXTRA:-}"
