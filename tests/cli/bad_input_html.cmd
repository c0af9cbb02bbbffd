# An HTML fragment is read as text: tags and entities stay in the text
# (whosaid does not strip markup), the speech inside is still found, and
# the spans match the input.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '<div class="story"><p>Ines Marrow said the pier was shut.</p>\n<p>&ldquo;It reopens soon,&rdquo; she said &amp; left.<br/></p><script>var s = "x";</script></div>\n' > "$work/a.txt"
$WHOSAID --format jsonl "$work/a.txt" > "$work/out.jsonl"; echo "exit $?"
sed "s|$work|WORK|g" "$work/out.jsonl"
python3 tests/cli/check_spans.py "$work/a.txt" "$work/out.jsonl"
