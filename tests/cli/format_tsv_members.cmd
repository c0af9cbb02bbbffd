# TSV of the JSON Lines records of format_csv: the same columns, with TSV's
# own escaping (tabs and line breaks inside a cell as spaces, no quoting),
# the same guard against formulas, and every line as wide as the header.
$WHOSAID --model rules --jsonl -f tsv -q tests/fixtures/spreadsheet.jsonl
echo "exit $?"
$WHOSAID --model rules --jsonl -f tsv -q tests/fixtures/spreadsheet.jsonl | awk -F '\t' '{ print NF }' | sort -u
