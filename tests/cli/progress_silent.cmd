# The progress line is for a person at a terminal, and the only thing on
# stderr of these runs would be the line: nothing at all when stderr is not
# a terminal, nothing with --quiet, and nothing when the records themselves
# go to the terminal (they show the progress, and the line would get mixed
# into them).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "stderr not a terminal:"
$WHOSAID --model rules tests/fixtures 2>&1 >/dev/null | cat -v
echo "--quiet on a terminal:"
script -qec "$WHOSAID --quiet --model rules tests/fixtures 2>&1 >/dev/null" /dev/null | cat -v
echo "-q on a terminal:"
script -qec "$WHOSAID -q --model rules tests/fixtures 2>&1 >/dev/null" /dev/null | cat -v
echo "records on the terminal:"
script -qec "$WHOSAID --model rules --format jsonl tests/fixtures" /dev/null | cat -v > "$work/tty"
echo "$(grep -c '^{"id"' "$work/tty") record(s), $(grep -c 'whosaid: ' "$work/tty") progress line(s)"
