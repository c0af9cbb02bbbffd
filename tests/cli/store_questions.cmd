# The questions and their output formats on a small made-up corpus: a
# ranked search with filters, in text, TSV and CSV, and the speakers, as
# one list and by outlet and by month.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/corpus/make_corpus.py --articles 24 --seed 3 > "$work/corpus.jsonl"
$WHOSAID index --db "$work/q.db" --jsonl "$work/corpus.jsonl" -q
db="--db $work/q.db"
echo '== search ceasefire talks --limit 3 -f text'
$WHOSAID search $db ceasefire talks --limit 3 -f text
echo '== search "bridge budget" --kind indirect --since 2031-04 -f tsv'
$WHOSAID search $db '"bridge budget"' --kind indirect --since 2031-04 -f tsv
echo '== search --speaker "Sen. TJ Okafor" --outlet "harbour herald" --until 2031-04 -f csv'
$WHOSAID search $db --speaker "Sen. TJ Okafor" --outlet "harbour herald" --until 2031-04 -f csv
echo '== search cease-fire OR strike* --limit 2 -f json'
$WHOSAID search $db cease-fire OR 'strike*' --limit 2 -f json
echo '== speakers -f text'
$WHOSAID speakers $db -f text
echo '== speakers --by outlet --limit 2 -f csv'
$WHOSAID speakers $db --by outlet --limit 2 -f csv
echo '== speakers --by month --since 2031-04 -f tsv'
$WHOSAID speakers $db --by month --since 2031-04 -f tsv
echo '== speakers --outlet "Valley Ledger" -f jsonl'
$WHOSAID speakers $db --outlet "Valley Ledger" -f jsonl
