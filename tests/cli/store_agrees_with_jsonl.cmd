# What `search` and `speakers` report from a store agrees with the JSON
# Lines output of the analysis of the same corpus: every attribution found,
# unchanged, with its article's metadata; each speaker counted once under
# all of their spellings, with the right counts and dates.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/corpus/make_corpus.py --articles 120 --bad 4 > "$work/corpus.jsonl"
$WHOSAID index --db "$work/q.db" --jsonl "$work/corpus.jsonl" -q
echo "index: exit $?"
$WHOSAID --jsonl -q "$work/corpus.jsonl" > "$work/analysis.jsonl"
echo "analysis: exit $?"
$WHOSAID search --db "$work/q.db" --limit 0 -f jsonl > "$work/search.jsonl"
$WHOSAID speakers --db "$work/q.db" -f jsonl > "$work/speakers.jsonl"
python3 tests/corpus/check_store.py consistent "$work/q.db" && echo "store consistent"
python3 tests/corpus/check_store.py agree "$work/corpus.jsonl" "$work/analysis.jsonl" "$work/search.jsonl" "$work/speakers.jsonl"
