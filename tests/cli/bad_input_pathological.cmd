# The pathological inputs of bench/pathological.py, small: 40,000 " in a
# row, quotes nested 40,000 deep with and without words, 40,000
# apostrophes.  Each is analysed (in linear time: make bench-pathological
# measures it) and its spans match the input.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c '
import sys
d = sys.argv[1]
n = 40000
open(d + "/quotes.txt", "w").write("\"" * n)
o, c = ["\u201c", "\u2018", "\"", chr(39)], ["\u201d", "\u2019", "\"", chr(39)]
open(d + "/nested.txt", "w").write("".join(o[i % 4] + "w " for i in range(n)) + "w" + "".join(c[i % 4] for i in reversed(range(n))))
open(d + "/curly.txt", "w").write("\u201c\u2018" * (n // 2) + "\u2019\u201d" * (n // 2))
open(d + "/apostrophes.txt", "w").write(chr(39) * n)
' "$work"
for f in quotes nested curly apostrophes; do
	$WHOSAID --format jsonl "$work/$f.txt" > "$work/out.jsonl"; echo "$f: exit $?"
	python3 tests/cli/check_spans.py "$work/$f.txt" "$work/out.jsonl"
done
