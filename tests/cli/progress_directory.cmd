# On a terminal (script(1) makes one), stderr carries a progress line,
# redrawn in place as "\r" LINE ESC[K, whose final state is drawn once and
# ended with a newline (the terminal shows it as ^M).  The bytes of the run
# add up to the total walked beforehand, so the line ends at 100%: hidden
# entries, other names and linked folders are left out of both, a linked
# file counts.  4 documents of 123,449 bytes: a byte short would show 99%,
# two too many 123.5 kB.
set -o pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus/sub" "$work/corpus/.hidden"
yes 'Ines Marrow said the pier was shut.' | head -c 40000 > "$work/corpus/a.txt"
yes '"It reopens soon," she said.' | head -c 50000 > "$work/corpus/sub/b.txt"
yes 'Nobody said anything.' | head -c 30000 > "$work/linked.txt"
ln -s ../linked.txt "$work/corpus/c.txt"
ln -s sub "$work/corpus/link"
yes 'Not read.' | head -c 999 > "$work/corpus/.hidden/d.txt"
yes 'Not read.' | head -c 999 > "$work/corpus/.e.txt"
yes 'Not read.' | head -c 999 > "$work/corpus/notes.md"
yes 'Ines Marrow said so.' | head -c 3449 > "$work/top.txt"
script -qec "$WHOSAID --model rules $work/corpus $work/top.txt 2>&1 >/dev/null" /dev/null |
	cat -v | sed -E -f tests/cli/progress_normalise.sed
