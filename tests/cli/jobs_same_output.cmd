# Records come out in input order whatever the number of threads: the same
# bytes from one thread and from four, over many small documents with
# error records among them.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do cat tests/cli/jsonl_bad_records.stdin; done > "$work/many.jsonl"
$WHOSAID -j 1 --jsonl --format jsonl "$work/many.jsonl" > "$work/one.out" 2> "$work/one.err"
echo "one thread: exit $?"
$WHOSAID -j 4 --jsonl --format jsonl "$work/many.jsonl" > "$work/four.out" 2> "$work/four.err"
echo "four threads: exit $?"
cmp "$work/one.out" "$work/four.out" && echo "same records"
cmp "$work/one.err" "$work/four.err" && echo "same messages"
wc -l < "$work/four.out"
