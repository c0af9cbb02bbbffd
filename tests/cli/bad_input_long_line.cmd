# A 50 MB single line (one paragraph, no newline at all, a sentence end
# every 40 words): analysed in one piece, in linear time; the offsets of
# its last attribution are right.  The binary runs without a wrapper such
# as valgrind, which would take minutes over 50 MB; the sanitized build
# runs it whole.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c '
import sys
words = "the council of the harbour town met on a wet morning and the ferry ran late again as it had for weeks ".split()
block = " ".join(words[i % len(words)] for i in range(39)) + ". Ines Marrow said the pier was shut. "
n = 50000000 // len(block) + 1
sys.stdout.write((block * n)[:50000000])' > "$work/line.txt"
${WHOSAID##* } --model rules --format jsonl "$work/line.txt" > "$work/out.jsonl"; echo "exit $?"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
a = r["attributions"]
print(len(a), "attributions;", len(r["entities"]), "entities;", r["warnings"], r["errors"])
print(json.dumps(a[-1]["source"]), json.dumps(a[-1]["content"]))
' "$work/out.jsonl"
