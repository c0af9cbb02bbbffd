# --stage-times: one row per stage, in pipeline order, with times that
# add up to the total; the rules model spends nothing in the taggers, the
# parser or the labeller, the learned model something in each of them.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for m in rules news; do
	$WHOSAID --model $m --stage-times -j 1 --format jsonl --jsonl examples/corpus.jsonl > /dev/null 2> "$work/$m.err"; echo "$m: exit $?"
	python3 -c '
import sys
lines = open(sys.argv[1]).read().splitlines()
print(lines[0].split(": ", 1)[1].split(",")[0], "|", " ".join(lines[1].split()))
rows = [l.split() for l in lines[2:]]
names = [r[0] for r in rows]
print(" ".join(names))
ms = {r[0]: float(r[1]) for r in rows}
parts = sum(v for k, v in ms.items() if k != "total")
print("parts add up to the total:", abs(parts - ms["total"]) <= 0.002 * len(rows))
learned = ("pos", "names", "parse", "labeller", "linking")
print("learned stages timed:", [k for k in learned if ms[k] > 0])
print("always timed:", all(ms[k] > 0 for k in ("tokenize", "quotes", "segment", "speakers", "render")))
' "$work/$m.err"
done
