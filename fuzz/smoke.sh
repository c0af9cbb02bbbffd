#!/usr/bin/env bash
# smoke.sh BIN_DIR SCRATCH SECONDS NAME... — each libFuzzer harness
# BIN_DIR/fuzz_NAME for SECONDS, from fuzz/corpus/NAME/ and
# fuzz/crashes/NAME/ with fuzz/dict/NAME.dict (`make fuzz-smoke`).
#
# New inputs go to SCRATCH/corpus/NAME/ and a crashing input to
# SCRATCH/artifacts/NAME/, never into fuzz/: the committed corpus stays
# small and hand-written.  The log of each run is SCRATCH/NAME.log.  One
# line per harness gives its executions and coverage; exits 1 when any
# harness crashed, leaked, hung or got a sanitizer report.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
bin_dir=$1 scratch=$2 seconds=$3
shift 3
failed=0
for name in "$@"; do
	mkdir -p "$scratch/corpus/$name" "$scratch/artifacts/$name"
	dirs=("$scratch/corpus/$name" "fuzz/corpus/$name")
	[ -d "fuzz/crashes/$name" ] && dirs+=("fuzz/crashes/$name")
	log="$scratch/$name.log"
	"$bin_dir/fuzz_$name" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-dict="fuzz/dict/$name.dict" -artifact_prefix="$scratch/artifacts/$name/" \
		"${dirs[@]}" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')
	if [ "$status" -eq 0 ]; then
		echo "PASS fuzz_$name: ${seconds} s, ${execs:-?} executions, ${cov:-no coverage line}"
	else
		echo "FAIL fuzz_$name (exit $status): see $log; the input is in $scratch/artifacts/$name/"
		grep -m 5 -E 'ERROR|SUMMARY|invariant failed|runtime error' "$log"
		failed=1
	fi
done
exit "$failed"
