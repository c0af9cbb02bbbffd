# A message never gets mixed into the progress line: a line on screen is
# cleared ("\r" ESC[K) and the message takes its place.  The pipe's writer
# holds back for 0.6 s once the command opens it, so that a line has been
# drawn (after a quarter of a second) when the missing file's message comes.
# A pipe has no size before it is read: no total, no percentage.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
yes 'Ines Marrow said the pier was shut.' | head -c 40000 > "$work/a.txt"
mkfifo "$work/slow.txt"
(exec 3>"$work/slow.txt"; sleep 0.6; echo '"It reopens soon," she said.' >&3) &
script -qec "$WHOSAID -j 1 --model rules $work/a.txt $work/slow.txt $work/missing.txt 2>&1 >/dev/null" \
	/dev/null > "$work/tty"
echo "exit $?"
kill %1 2>/dev/null # the writer still waits for a reader if the command failed early
wait
cat -v "$work/tty" | sed "s|$work|WORK|g" > "$work/shown"
grep -q '\^\[\[K\^M\^\[\[Kwhosaid: WORK/missing.txt: ' "$work/shown" && echo "the line was cleared for the message"
sed -E -f tests/cli/progress_normalise.sed "$work/shown"
