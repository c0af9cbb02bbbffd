#!/usr/bin/env bash
# run_unit_tests.sh BINARY... — run cmocka test binaries and add up their results.
#
# Each binary's own output is shown as it is.  The closing line,
# "N passed, N failed", counts test cases over all binaries; a binary that
# dies before cmocka can report (a crash, a sanitizer abort) counts as one
# failed test.  Exits non-zero when anything failed.
#
# RUNNER, when set, is a command put before each binary, e.g.
# RUNNER="valgrind -q --error-exitcode=99" (word-split, so no quoting in it).
set -uo pipefail
RUNNER=${RUNNER:-}

passed=0
failed=0
broken=()

for bin in "$@"; do
	echo "== ${bin}"
	log=$(mktemp)
	# shellcheck disable=SC2086 # RUNNER is meant to be split into words
	$RUNNER "$bin" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	# a binary may run several groups (one per model): add them up
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | awk '{ n += $1 } END { print n + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | awk '{ n += $1 } END { print n + 0 }')
	rm -f "$log"
	p=${p:-0}
	f=${f:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		# Exited badly without cmocka saying which test failed.
		echo "${bin}: exited with status ${status}"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || broken+=("$bin")
done

if [ "${#broken[@]}" -gt 0 ]; then
	echo "failing unit-test binaries: ${broken[*]}"
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
