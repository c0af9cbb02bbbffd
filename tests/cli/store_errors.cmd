# What the store commands do with wrong command lines, wrong files and
# wrong queries: a clear message, exit 2 for usage, 1 for a store that
# cannot be used, and never a changed file.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$@" > "$work/out" 2>&1; echo "exit $?: $(sed "s|$work|WORK|g" "$work/out")"; }
printf 'Dana Holt said the plan was ready.\n' > "$work/a.txt"
run $WHOSAID index "$work/a.txt"
run $WHOSAID index --db "$work/q.db" --format tsv "$work/a.txt"
run $WHOSAID index --db "$work/q.db" --batch 0 "$work/a.txt"
run $WHOSAID --db "$work/q.db" "$work/a.txt"
run $WHOSAID search ceasefire
run $WHOSAID search --db "$work/missing.db" ceasefire
run $WHOSAID search --db "$work/a.txt" ceasefire
run $WHOSAID index --db "$work/a.txt" "$work/a.txt"
cmp -s "$work/a.txt" <(printf 'Dana Holt said the plan was ready.\n') && echo "a.txt unchanged"
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE notes (x)")' "$work/other.db"
run $WHOSAID index --db "$work/other.db" "$work/a.txt"
run $WHOSAID index --db "$work/q.db" -q "$work/a.txt"
run $WHOSAID search --db "$work/q.db" --kind quoted plan
run $WHOSAID search --db "$work/q.db" --since 'last week' plan
run $WHOSAID search --db "$work/q.db" --limit -1 plan
run $WHOSAID search --db "$work/q.db" OR
run $WHOSAID speakers --db "$work/q.db" --by year
run $WHOSAID speakers --db "$work/q.db" Holt
run $WHOSAID search --db "$work/q.db" '"the plan' -f tsv
# a store from a newer whosaid is refused, and left as it was
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version = 99")' "$work/q.db"
run $WHOSAID search --db "$work/q.db" plan
run $WHOSAID index --db "$work/q.db" "$work/a.txt"
python3 -c 'import sqlite3, sys; print("user_version", sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$work/q.db"
