# Empty files and files of only whitespace (spaces, tabs, CR, LF, form
# feed, no-break and ideographic spaces) are analysed documents with
# nothing in them: an empty record each, no warning, exit 0.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/empty.txt"
printf ' \t\r\n\f\n\n\xc2\xa0\xe3\x80\x80\n' > "$work/spaces.txt"
head -c 100000 /dev/zero | tr '\0' '\n' > "$work/newlines.txt"
$WHOSAID --format jsonl "$work/empty.txt" "$work/spaces.txt" "$work/newlines.txt" | sed "s|$work|WORK|g"
echo "exit ${PIPESTATUS[0]}"
