# Indexing again skips what is stored unchanged, replaces an article whose
# text changed (no duplicates, the old attributions gone from search), and
# --force analyses everything again.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
printf 'Dana Holt said the ferry would run on time.\n' > "$work/in/a.txt"
printf '"The tunnel is safe," Omar Reyes told reporters.\n' > "$work/in/b.txt"
printf 'Lena Park warned that fares could rise.\n' > "$work/in/c.txt"
count() { python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); print(sys.argv[2], "articles", db.execute("SELECT count(*) FROM articles").fetchone()[0], "attributions", db.execute("SELECT count(*) FROM attributions").fetchone()[0])' "$work/q.db" "$1"; }
$WHOSAID index --db "$work/q.db" "$work/in" 2>&1 | sed "s|$work|WORK|g"
count "first run:"
$WHOSAID index --db "$work/q.db" "$work/in" 2>&1 | sed "s|$work|WORK|g"
count "second run:"
printf 'Dana Holt said the ferry would be late. She blamed the storm.\n' > "$work/in/a.txt"
$WHOSAID index --db "$work/q.db" "$work/in" 2>&1 | sed "s|$work|WORK|g"
count "a.txt changed:"
$WHOSAID search --db "$work/q.db" ferry -f tsv | cut -f 3,13 | sed "s|$work|WORK|g"
$WHOSAID index --db "$work/q.db" --force "$work/in" 2>&1 | sed "s|$work|WORK|g"
count "forced:"
