# A byte order mark in the middle of a text (two files pasted together) is
# a space of one code point (three bytes): the spans after it still match.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '\xef\xbb\xbfInes Marrow said the pier was shut.\n\xef\xbb\xbf"It reopens soon,\xef\xbb\xbf" Tom Reller said.\n' > "$work/a.txt"
$WHOSAID --format jsonl "$work/a.txt" > "$work/out.jsonl"; echo "exit $?"
sed "s|$work|WORK|g" "$work/out.jsonl"
python3 tests/cli/check_spans.py "$work/a.txt" "$work/out.jsonl"
