# Old Mac line ends (CR only): a CR is a space, not a line end, and counts
# as one code point; the spans still match the input.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'Ines Marrow said the pier was shut.\r\r"It reopens soon," she said.\r' > "$work/a.txt"
$WHOSAID --format jsonl "$work/a.txt" > "$work/out.jsonl"; echo "exit $?"
sed "s|$work|WORK|g" "$work/out.jsonl"
python3 tests/cli/check_spans.py "$work/a.txt" "$work/out.jsonl"
