# JSON Lines whose writer was interrupted: the last line is cut in the
# middle of a record and has no newline.  The records before it are
# analysed, the cut one is an error record naming its line, exit 1.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$@" > "$work/out" 2> "$work/err"; echo "exit $?"; sed "s|$work|WORK|g" "$work/out"; sed "s|$work|WORK|g;s|^|stderr: |" "$work/err"; }
printf '{"id":"a","text":"Ines Marrow said the pier was shut."}\n{"id":"b","text":"Tom Reller said the ferry was la' > "$work/feed.jsonl"
run $WHOSAID --jsonl --format jsonl "$work/feed.jsonl"
# cut inside an escape and inside a UTF-8 sequence
printf '{"id":"c","text":"caf\\u00' > "$work/esc.jsonl"
printf '{"id":"d","text":"caf\xc3' > "$work/utf8.jsonl"
run $WHOSAID --jsonl --format jsonl "$work/esc.jsonl" "$work/utf8.jsonl"
