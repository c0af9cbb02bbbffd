#!/usr/bin/env bash
# replay.sh DIR — every fuzz harness, built as DIR/replay_NAME (plain
# compiler, fuzz/replay.c's main()), over its seed corpus fuzz/corpus/NAME/
# and its past crashes fuzz/crashes/NAME/, once each.  Part of `make test`
# (and so of `make sanitize`, where the sanitizers watch the replay).
#
# Prints one line per harness and closes on "N passed, N failed", like the
# other test runners; exits 1 if any harness failed.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
dir=${1:?usage: fuzz/replay.sh BUILD/fuzz}
passed=0
failed=0
for bin in "$dir"/replay_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/replay_}
	inputs=()
	for d in "fuzz/corpus/$name" "fuzz/crashes/$name"; do
		[ -d "$d" ] && inputs+=("$d")
	done
	if out=$("$bin" "${inputs[@]}" 2>&1); then
		echo "PASS fuzz replay $name (${out##*: })"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz replay $name"
		echo "$out" | tail -n 40
		failed=$((failed + 1))
	fi
done
if [ $((passed + failed)) -eq 0 ]; then
	echo "replay: no $dir/replay_* binaries; run make build-tests first" >&2
	failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
