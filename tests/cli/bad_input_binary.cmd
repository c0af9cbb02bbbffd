# A binary file renamed .txt (4 KB of seeded random bytes): analysed
# without failing, 20 warnings and then one that says they stopped, and
# whatever spans come out match the input.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c 'import random, sys; sys.stdout.buffer.write(random.Random(1).randbytes(4096))' > "$work/photo.txt"
$WHOSAID --format jsonl "$work/photo.txt" > "$work/out.jsonl"; echo "exit $?"
python3 tests/cli/check_spans.py "$work/photo.txt" "$work/out.jsonl"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(len(r["warnings"]), "warnings; last:", r["warnings"][-1]["position"], r["warnings"][-1]["message"])
print("errors:", r["errors"])
' "$work/out.jsonl"
$WHOSAID --format jsonl --model rules "$work/photo.txt" > "$work/rules.jsonl"; echo "rules: exit $?"
python3 tests/cli/check_spans.py "$work/photo.txt" "$work/rules.jsonl"
