#!/usr/bin/env bash
# run.sh — `make bench`: throughput and peak memory of build/whosaid.
#
# The corpora are the PolNeAR dev articles repeated into JSON Lines files of
# about 3.1, 12.5 and 50 MB of text, written under BENCH_DIR (build/bench)
# and reused by later runs; nothing from them goes into the repository.
# bench.py's docstring and docs/performance.md describe the method.
#
# Environment: WHOSAID (build/whosaid), SHARED (../shared), BENCH_DIR
# (build/bench), PYTHON (python3), BENCH_MB (50), BENCH_RUNS (3),
# BENCH_EXTRA (more whosaid options, e.g. "--threads 1").
set -euo pipefail

cd "$(dirname "$0")/.."
WHOSAID=${WHOSAID:-build/whosaid}
SHARED=${SHARED:-../shared}
BENCH_DIR=${BENCH_DIR:-build/bench}
PYTHON=${PYTHON:-python3}

texts="$SHARED/data/polnear/dev/text"
if [ ! -d "$texts" ]; then
	echo "bench: $texts not found (set SHARED=DIR to the shared folder)" >&2
	exit 2
fi

echo "bench: $(uname -m), $(nproc) cores, $("${CC:-cc}" --version | head -n 1)" >&2
exec "$PYTHON" bench/bench.py --whosaid "$WHOSAID" --texts "$texts" --dir "$BENCH_DIR" \
	--mb "${BENCH_MB:-50}" --runs "${BENCH_RUNS:-3}" --extra "${BENCH_EXTRA:-}"
