# The 64 MiB document limit (WS_MAX_DOCUMENT_BYTES): a file, standard input
# (a file and a pipe) and a JSON Lines record one byte over it are each an
# error record with a message, and the run goes on with the next document;
# a file of exactly 64 MiB is analysed.  Exit 1 for a run with a failure.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$@" > "$work/out" 2> "$work/err"; echo "exit $?"; sed "s|$work|WORK|g" "$work/out"; sed "s|$work|WORK|g;s|^|stderr: |" "$work/err"; }
limit=$((64 * 1024 * 1024))
printf 'Ines Marrow said the pier was shut.\n' > "$work/ok.txt"
head -c "$limit" /dev/zero | tr '\0' ' ' > "$work/exact.txt"
cp "$work/exact.txt" "$work/over.txt" && printf ' ' >> "$work/over.txt"
run $WHOSAID --model rules --format jsonl "$work/exact.txt" "$work/over.txt" "$work/ok.txt"
echo "-- standard input, a file and a pipe"
run $WHOSAID --model rules --format jsonl - < "$work/over.txt"
cat "$work/over.txt" | $WHOSAID --model rules --format jsonl 2> /dev/null; echo "exit $?"
echo "-- a JSON Lines record whose text is over the limit"
{ printf '{"id":"big","text":"'; head -c $((limit + 1)) /dev/zero | tr '\0' ' '; printf '"}\n{"id":"next","text":"Ines Marrow said the pier was shut."}\n'; } > "$work/feed.jsonl"
run $WHOSAID --model rules --format jsonl --jsonl "$work/feed.jsonl"
