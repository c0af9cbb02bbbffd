# A store that cannot grow (a file size limit stands in for a full disk)
# stops the run with a message and exit 1, leaves the store consistent
# with the batches committed before, and the same command run again with
# room completes the job: the store then equals an uninterrupted run's.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/corpus/make_corpus.py --articles 600 --seed 9 > "$work/corpus.jsonl"
$WHOSAID index --db "$work/reference.db" --jsonl "$work/corpus.jsonl" -q
(ulimit -f 600; $WHOSAID index --db "$work/q.db" --jsonl "$work/corpus.jsonl" --batch 50) 2>&1 |
	sed -e "s|$work|WORK|g" -e 's/story-[0-9]*/story-N/' -e 's/[0-9]* analysed/N analysed/'
echo "exit ${PIPESTATUS[0]}"
python3 tests/corpus/check_store.py consistent "$work/q.db" && echo "consistent"
python3 -c 'import sqlite3, sys; n = sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM articles").fetchone()[0]; print("some batches stored" if 0 < n < 600 else f"{n} articles stored")' "$work/q.db"
$WHOSAID index --db "$work/q.db" --jsonl "$work/corpus.jsonl" -q
echo "exit $?"
python3 tests/corpus/check_store.py same "$work/reference.db" "$work/q.db"
