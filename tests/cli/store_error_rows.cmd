# Whatever cannot be analysed still gets its row in the store, with the
# reason, and a line on stderr; the run goes on with the next document.
# A later run tries the failed ones again.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
printf 'Dana Holt said the ferry would run on time.\n' > "$work/in/a.txt"
ln -s "$work/nowhere.txt" "$work/in/b.txt"
printf 'Omar Reyes said the tunnel was safe.\n' > "$work/in/c.txt"
printf '%s\n' '{"id": "r1", "text": "Lena Park said fares would rise.", "outlet": "Valley Ledger"}' \
	'{"id": "r2", "text": ' '{"id": "r3", "text": ["not", "text"]}' > "$work/records.jsonl"
$WHOSAID index --db "$work/q.db" "$work/in" 2>&1 | sed "s|$work|WORK|g"
echo "exit ${PIPESTATUS[0]}"
$WHOSAID index --db "$work/q.db" --jsonl "$work/records.jsonl" 2>&1 | sed "s|$work|WORK|g"
echo "exit ${PIPESTATUS[0]}"
# Again: the same failures, already stored as error rows, exit 0 (a cron
# job sees only new failures), unless --strict; a new broken record is new.
$WHOSAID index --db "$work/q.db" --jsonl "$work/records.jsonl" -q; echo "exit $? (the same failures again)"
$WHOSAID index --db "$work/q.db" --jsonl "$work/records.jsonl" 2>&1 | grep 'analysed' | sed "s|$work|WORK|g"
$WHOSAID index --db "$work/q.db" --jsonl "$work/records.jsonl" --strict -q; echo "exit $? (--strict)"
printf '%s\n' '{"id": "r4", "text": 4}' >> "$work/records.jsonl"
$WHOSAID index --db "$work/q.db" --jsonl "$work/records.jsonl" -q; echo "exit $? (a new failure among known ones)"
python3 - "$work/q.db" <<'PY' | sed "s|$work|WORK|g"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute("SELECT doc_id, origin, outlet, attribution_count, error FROM articles ORDER BY doc_id"):
    print(" | ".join("-" if v is None else str(v) for v in row))
PY
