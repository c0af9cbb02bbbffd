# --columns fixes the passed-through members that get columns: a string
# member as its text, a number or an array as its JSON, null as an empty
# cell; a name of the row's own columns (type) or a repeat gets none, and
# its member stays in extra, with every member not named.  --columns ''
# gives no member a column.  With --output-dir each .csv file has the
# header and the same columns.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$WHOSAID --model rules --jsonl -f csv -q --columns rank,tags,section,type,rank,outlet tests/fixtures/spreadsheet.jsonl |
	sed 's/\r$/\\r/'
$WHOSAID --model rules --jsonl -f csv -q --columns '' tests/fixtures/spreadsheet.jsonl | sed -n '1,2s/\r$/\\r/p'
$WHOSAID --model rules --jsonl -f csv -q -o "$work/out" tests/fixtures/spreadsheet.jsonl; echo "exit $?"
ls "$work/out"
sed 's/\r$/\\r/' "$work/out/ledger-6.csv"
