# The server and the store under attack (tests/server/attack_test.py;
# docs/robustness.md has the table): bad bytes in errors, uploads past the
# limits, slow and greedy clients, smuggling-shaped requests, foreign Host
# names, a stop during analysis, a store on a read-only file system, a
# 200 MB record.  The bare binary, without a wrapper such as valgrind:
# slow clients and deadlines are measured in seconds.  Under ASan (make
# sanitize) the checks of resident memory are left out, so the checks
# differ in number: every line goes to stderr (shown when the test fails)
# and the expected output is the count of failures.
out=$(mktemp); skip=; [ -n "${ASAN_OPTIONS:-}" ] && skip=--skip-memory-checks
python3 tests/server/attack_test.py "${WHOSAID##* }" $skip >"$out" 2>&1; status=$?
cat "$out" >&2; tail -n 1 "$out" | sed 's/^[0-9]* passed, //'; rm -f "$out"; exit $status
