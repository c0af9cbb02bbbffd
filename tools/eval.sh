#!/usr/bin/env bash
# eval.sh — score whosaid on the PolNeAR dev split.
#
# Runs whosaid --format brat over every dev article, writing OUT/dev/<stem>.ann,
# then the shared scorer, which prints every figure and writes them to
# OUT/dev-scores.json.  docs/accuracy.md explains the figures.
#
# Environment (the Makefile sets them): WHOSAID (default build/whosaid),
# MODEL (default: whosaid's default model), SHARED (default ../shared),
# OUT (default build/eval), PYTHON (default python3), SPLIT (default dev).
set -euo pipefail

cd "$(dirname "$0")/.."
WHOSAID=${WHOSAID:-build/whosaid}
SHARED=${SHARED:-../shared}
OUT=${OUT:-build/eval}
PYTHON=${PYTHON:-python3}
SPLIT=${SPLIT:-dev}
MODEL=${MODEL:-}
model_option=()
if [ -n "$MODEL" ]; then
	model_option=(--model "$MODEL")
fi

gold="$SHARED/data/polnear/$SPLIT"
scorer="$SHARED/eval/attrib_eval.py"

if [ ! -d "$gold/text" ] || [ ! -f "$scorer" ]; then
	echo "eval: $gold/text or $scorer not found (set SHARED=DIR to the shared folder)" >&2
	exit 2
fi
if [ ! -x "$WHOSAID" ]; then
	echo "eval: $WHOSAID is not an executable; run make first" >&2
	exit 2
fi

pred="$OUT/$SPLIT"
rm -rf "$pred"
mkdir -p "$pred"

shopt -s nullglob
texts=("$gold"/text/*.txt)
if [ "${#texts[@]}" -eq 0 ]; then
	echo "eval: no articles in $gold/text" >&2
	exit 2
fi

echo "eval: $WHOSAID ${model_option[*]} on ${#texts[@]} articles of $gold/text"
start=$(date +%s.%N)
"$WHOSAID" "${model_option[@]}" --format brat --output-dir "$pred" "${texts[@]}"
end=$(date +%s.%N)

written=$(find "$pred" -maxdepth 1 -name '*.ann' | wc -l)
awk -v s="$start" -v e="$end" -v n="$written" \
	'BEGIN { printf "eval: %d .ann files written in %.2f s\n", n, e - s }'
if [ "$written" -ne "${#texts[@]}" ]; then
	echo "eval: expected ${#texts[@]} .ann files in $pred, found $written" >&2
	exit 1
fi

"$PYTHON" "$scorer" --gold "$gold" --pred "$pred" --json "$OUT/$SPLIT-scores.json"
echo "eval: scores written to $OUT/$SPLIT-scores.json"

# attr.full per attribution type (direct, mixed, indirect), with the
# scorer's own matching.
"$PYTHON" "$(dirname "$0")/type_eval.py" --scorer "$scorer" --gold "$gold" --pred "$pred" --json "$OUT/$SPLIT-types.json"
