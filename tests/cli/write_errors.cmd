# A full disk (/dev/full) and a closed pipe (| head) end each command with
# "whosaid: write error: ..." and exit 1, never a silent success or a death
# by SIGPIPE.  The pipe gets far more than its 64 KiB buffer, so the writes
# after head has gone must fail.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$WHOSAID --model rules examples/article.txt > /dev/full
echo "analysis to /dev/full: exit $?"
for i in $(seq 300); do cat tests/fixtures/articles.jsonl; done > "$work/many.jsonl"
$WHOSAID --model rules --jsonl --format jsonl "$work/many.jsonl" | head -c 1 > /dev/null
echo "analysis into a closed pipe: exit ${PIPESTATUS[0]}"
python3 tests/corpus/make_corpus.py --articles 30 > "$work/corpus.jsonl"
$WHOSAID index --db "$work/q.db" --jsonl "$work/corpus.jsonl" --model rules -q
$WHOSAID search --db "$work/q.db" --limit 0 -f jsonl > /dev/full
echo "search to /dev/full: exit $?"
$WHOSAID speakers --db "$work/q.db" -f csv > /dev/full
echo "speakers to /dev/full: exit $?"
$WHOSAID --help > /dev/full
echo "help to /dev/full: exit $?"
