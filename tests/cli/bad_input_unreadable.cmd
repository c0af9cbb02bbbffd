# Folders with entries that cannot be read: a dangling symbolic link and a
# file without read permission are error records in their sorted place,
# and the other files are analysed; a FIFO (or any file that is not a
# regular file) named *.txt is not a document and is skipped.  Root reads
# a file whatever its mode (as in CI), so that case is checked for what it
# should be under the current user (an error record "Permission denied",
# exit 1; as root the file is read) rather than recorded.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
printf 'Ines Marrow said the pier was shut.\n' > "$work/in/a.txt"
ln -s "$work/in/gone.txt" "$work/in/b.txt"
mkfifo "$work/in/c.txt"
printf 'Tom Reller said so.\n' > "$work/in/d.txt"
$WHOSAID --model rules --format tsv "$work/in" > "$work/out" 2> "$work/err"; echo "exit $?"
sed "s|$work|WORK|g" "$work/out" "$work/err"
printf 'Tom Reller said so.\n' > "$work/locked.txt"
chmod 000 "$work/locked.txt"
$WHOSAID --model rules --format jsonl "$work/locked.txt" > "$work/out" 2> /dev/null
status=$?
if [ "$(id -u)" = 0 ]; then
	grep -q '"errors":\[\]' "$work/out" && [ $status = 0 ] && echo "mode 000: as expected"
else
	grep -q '"message":"[^"]*locked.txt: Permission denied"' "$work/out" && [ $status = 1 ] &&
		echo "mode 000: as expected"
fi
