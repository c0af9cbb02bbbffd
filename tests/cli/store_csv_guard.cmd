# A cell of a store command's CSV or TSV that a spreadsheet would take for
# a formula (it starts with =, +, - or @) gets a ' in front; a cell with a
# comma, a quote or a line break is quoted in CSV (RFC 4180), the ' inside
# the quotes, and CSV rows end in CR LF (shown as \r).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%s\n' '{"id": "g1", "outlet": "Valley Ledger", "date": "2031-05-01", "text": "Ana Ruiz said =HYPERLINK(1,2) was in the file."}' \
	'{"id": "g2", "outlet": "Valley Ledger", "date": "2031-05-02", "text": "Omar Reyes said -40 degrees, \"or worse\", was likely."}' \
	'{"id": "g3", "outlet": "@Harbour", "date": "2031-05-03", "text": "Lena Park said +3 percent was the rise."}' > "$work/in.jsonl"
$WHOSAID index -q --db "$work/q.db" --jsonl "$work/in.jsonl" --model rules
$WHOSAID search --db "$work/q.db" -f csv | cut -d, -f 3,4
$WHOSAID search --db "$work/q.db" -f tsv | cut -f 4,13
$WHOSAID speakers --db "$work/q.db" --by outlet -f csv | cut -d, -f 1,2
$WHOSAID search --db "$work/q.db" -f csv | python3 -c 'import csv, sys; [print(r["content"]) for r in csv.DictReader(sys.stdin)]'
$WHOSAID search --db "$work/q.db" -f csv | sed -n '1s/\r$/\\r/p'
$WHOSAID search --db "$work/q.db" -f csv | grep -o "\"'=HYPERLINK[^\"]*\""
# A guarded cell that must be quoted too (a formula with commas and
# quotes) has the ' inside the quotes, so that it is still one RFC 4180
# cell: a CSV reader gets the text with the ' in front.
printf '%s\n' '{"id": "g4", "outlet": "Valley Ledger", "date": "2031-05-04", "title": "=HYPERLINK(\"https://example.invalid/x\",\"the file\")", "text": "Ana Ruiz said the file was lost."}' > "$work/more.jsonl"
$WHOSAID index -q --db "$work/q.db" --jsonl "$work/more.jsonl" --model rules
$WHOSAID search --db "$work/q.db" --since 2031-05-04 -f csv | tail -n 1 | cut -d, -f 7-8
$WHOSAID search --db "$work/q.db" --since 2031-05-04 -f csv | python3 -c 'import csv, sys; [print(r["title"]) for r in csv.DictReader(sys.stdin)]'
