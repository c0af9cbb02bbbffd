# JSON Lines on a terminal: a record counts its line and newline, blank
# lines (before it, or at the end of the input) and a byte order mark
# count too, so the line ends at 100% of the file's 11,949 bytes (a byte
# short would show 99%, two too many 12.0 kB); a bad record is a document
# as well.
set -o pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
	printf '\xef\xbb\xbf'
	for i in $(seq 1 200); do
		printf '{"id":"r%03d","text":"Ines Marrow said the pier was shut."}\n' "$i"
		if [ $((i % 50)) = 0 ]; then printf '\n  \r\n'; fi
	done
	printf 'not json\n\n%115s\n' ''
} > "$work/corpus.jsonl"
wc -c < "$work/corpus.jsonl"
script -qec "$WHOSAID --jsonl --model rules $work/corpus.jsonl 2>&1 >/dev/null" /dev/null |
	cat -v | sed "s|$work|WORK|g" | sed -E -f tests/cli/progress_normalise.sed
