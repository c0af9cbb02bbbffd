#!/usr/bin/env bash
# kill_resume.sh WHOSAID — `whosaid index` killed with SIGKILL at random
# moments, then run again, must end with the store an uninterrupted run
# makes: nothing lost, nothing doubled.  After every kill the store must be
# consistent (check_store.py consistent).  The generated corpus repeats its
# quotes across articles, so the kills also land while attributions are
# being put into quote clusters, and the resumed store must hold the same
# clusters (by text and members) as the uninterrupted one.
#
# The kills land at random moments, so they hit schema creation, reading,
# analysis and commits alike;
# at least half of them must land while the run is still going, or the test
# proves nothing and fails.
set -euo pipefail
whosaid=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KILLS=${KILLS:-8}

python3 "$here/make_corpus.py" --articles 3000 --bad 10 --seed 7 >"$tmp/corpus.jsonl"
index() { "$whosaid" index --db "$1" --jsonl "$tmp/corpus.jsonl" -q -j 2 --batch 25; }

start=$(date +%s%N)
index "$tmp/reference.db" || test $? = 1 # the broken records fail, as they should
run_ms=$(( ($(date +%s%N) - start) / 1000000 ))

landed=0
for ((i = 0; i < KILLS; i++)); do
	"$whosaid" index --db "$tmp/killed.db" --jsonl "$tmp/corpus.jsonl" -q -j 2 --batch 25 &
	pid=$!
	# a random moment within the first fifth of a whole run's time: each
	# run resumes the last, so the kills spread over the whole job
	sleep "$(awk -v ms=$((RANDOM % (run_ms / 5 + 1))) 'BEGIN { printf "%.3f", ms / 1000 }')"
	kill -9 "$pid" 2>/dev/null || true
	status=0
	wait "$pid" 2>/dev/null || status=$?
	# 128 + SIGKILL: the kill landed while the run was going
	[ "$status" = 137 ] && landed=$((landed + 1))
	[ -f "$tmp/killed.db" ] || continue # killed before the file was made
	python3 "$here/check_store.py" consistent "$tmp/killed.db"
done
echo "kill_resume: $landed of $KILLS kills landed during a run of about $run_ms ms" >&2
if [ $((landed * 2)) -lt "$KILLS" ]; then
	echo "kill_resume: only $landed of $KILLS kills landed during a run (a run takes $run_ms ms)" >&2
	exit 1
fi
index "$tmp/killed.db" || test $? = 1
python3 "$here/check_store.py" consistent "$tmp/killed.db"
python3 "$here/check_store.py" same "$tmp/reference.db" "$tmp/killed.db"
echo "consistent after each of $KILLS kills; resumed store equals the uninterrupted one" | sed "s/$KILLS kills/N kills/"
