#!/usr/bin/env bash
# run_cli_tests.sh [NAME...] — golden command-line tests.
#
# A test is a set of files in tests/cli/ sharing a name:
#
#   NAME.cmd     one shell command line, run by bash from the repository root,
#                with $WHOSAID naming the binary under test (an environment
#                variable, default build/whosaid; it may start with a wrapper
#                such as valgrind, so the .cmd files leave it unquoted)
#   NAME.stdin   optional: fed to the command's standard input (else /dev/null)
#   NAME.out     the expected standard output (missing means: must be empty)
#   NAME.status  optional: the expected exit status (default 0)
#   NAME.err     optional: the expected standard error; without it stderr is
#                not compared (but it is shown when the test fails).  To start
#                comparing stderr, create an empty NAME.err and run UPDATE=1.
#
# Output never depends on the locale: the commands run under LC_ALL=C.
# UPDATE=1 rewrites NAME.out and NAME.status (and NAME.err where one exists)
# from what the command does now, for the developer to review with git diff.
# With names on the command line only those tests run.
#
# Prints one line per test and closes on "N passed, N failed"; exits 1 if
# any test failed.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
WHOSAID=${WHOSAID:-build/whosaid}
export WHOSAID
export LC_ALL=C
UPDATE=${UPDATE:-0}
dir=tests/cli

# WHOSAID may carry a wrapper ("valgrind -q build/whosaid"): its last word
# is the binary.
read -r -a whosaid_words <<<"$WHOSAID"
if [ "${#whosaid_words[@]}" -eq 0 ] || [ ! -x "${whosaid_words[-1]}" ]; then
	echo "run_cli_tests: $WHOSAID is not an executable; run make first" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

if [ "$#" -gt 0 ]; then
	names=("$@")
else
	names=()
	for cmd in "$dir"/*.cmd; do
		[ -e "$cmd" ] || continue
		names+=("$(basename "$cmd" .cmd)")
	done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
for name in "${names[@]}"; do
	cmd="$dir/$name.cmd"
	if [ ! -f "$cmd" ]; then
		echo "FAIL $name: no $cmd"
		failed=$((failed + 1))
		continue
	fi
	stdin=/dev/null
	[ -f "$dir/$name.stdin" ] && stdin="$dir/$name.stdin"
	bash "$cmd" <"$stdin" >"$tmp/out" 2>"$tmp/err"
	status=$?

	if [ "$UPDATE" = 1 ]; then
		cp "$tmp/out" "$dir/$name.out"
		if [ "$status" -ne 0 ]; then
			echo "$status" >"$dir/$name.status"
		else
			rm -f "$dir/$name.status"
		fi
		[ -f "$dir/$name.err" ] && cp "$tmp/err" "$dir/$name.err"
		echo "UPDATED $name (status $status)"
		passed=$((passed + 1))
		continue
	fi

	want_status=0
	[ -f "$dir/$name.status" ] && want_status=$(tr -d '[:space:]' <"$dir/$name.status")
	want_out="$dir/$name.out"
	[ -f "$want_out" ] || want_out=/dev/null
	problems=()
	[ "$status" = "$want_status" ] || problems+=("exit status $status, expected $want_status")
	cmp -s "$tmp/out" "$want_out" || problems+=("stdout differs")
	if [ -f "$dir/$name.err" ] && ! cmp -s "$tmp/err" "$dir/$name.err"; then
		problems+=("stderr differs")
	fi

	if [ "${#problems[@]}" -eq 0 ]; then
		echo "PASS $name"
		passed=$((passed + 1))
		continue
	fi
	failed=$((failed + 1))
	echo "FAIL $name: $(IFS=';'; echo "${problems[*]}" | sed 's/;/; /g')"
	echo "  command: $(cat "$cmd")"
	if ! cmp -s "$tmp/out" "$want_out"; then
		diff -u --label "expected stdout" --label "actual stdout" "$want_out" "$tmp/out" |
			head -n 40 | sed 's/^/  /'
	fi
	if [ -f "$dir/$name.err" ]; then
		if ! cmp -s "$tmp/err" "$dir/$name.err"; then
			diff -u --label "expected stderr" --label "actual stderr" "$dir/$name.err" "$tmp/err" |
				head -n 40 | sed 's/^/  /'
		fi
	elif [ -s "$tmp/err" ]; then
		echo "  stderr:"
		head -n 20 "$tmp/err" | sed 's/^/    /'
	fi
done

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
