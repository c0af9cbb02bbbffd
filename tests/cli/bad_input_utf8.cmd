# Invalid UTF-8 of every class, one class per paragraph and a truncated
# sequence at the very end: each bad byte is one code point shown as U+FFFD,
# each run of them a warning, and every span's text matches the input as
# docs/schema.md decodes it.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for bad in '\x80' '\xbf\x80' '\xc3' '\xe2\x80' '\xf0\x9f\x98' '\xc0' '\xc1\xbf' '\xf5' '\xf8\x88\x80\x80\x80' '\xfe\xff' '\xc0\xaf' '\xe0\x80\xaf' '\xf0\x80\x80\xaf' '\xc0\x80' '\xe0\x80\x80' '\xed\xa0\x80' '\xed\xbf\xbf' '\xf4\x90\x80\x80' '\xf7\xbf\xbf\xbf'; do
	printf "Ines Marrow said the pier $bad was shut.\n\n"
done > "$work/bad.txt"
printf 'Tom Reller said so. \xe2\x80' >> "$work/bad.txt"
$WHOSAID --format jsonl "$work/bad.txt" > "$work/out.jsonl"; echo "exit $?"
python3 tests/cli/check_spans.py "$work/bad.txt" "$work/out.jsonl"
$WHOSAID --format jsonl --offsets bytes "$work/bad.txt" > "$work/bytes.jsonl"
python3 tests/cli/check_spans.py "$work/bad.txt" "$work/bytes.jsonl" --offsets bytes
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for w in r["warnings"]: print("warning", w["position"], w["message"])
for a in r["attributions"]: print(a["type"], a["source"]["text"] if a["source"] else None, "|", " / ".join(c["text"] for c in a["content"]))
' "$work/out.jsonl"
