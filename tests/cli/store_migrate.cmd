# A store of schema 1 (before articles had the normalised day that --since
# A store of schema 1 (before articles had the normalised day that --since
# and --by month use, entities the gender of schema 3 and the quote
# clusters of schema 5) is migrated when opened: the day is filled in from
# the dates already stored, the gender column added empty (those persons
# count as unknown), the clusters made, and nothing else changes.  A store
# of schema 4 (before quote clusters) gets its clusters on opening, exactly
# those an index run into a new store makes.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/corpus/make_corpus.py --articles 12 --seed 5 > "$work/corpus.jsonl"
$WHOSAID index --db "$work/q.db" --jsonl "$work/corpus.jsonl" -q
cp "$work/q.db" "$work/reference.db"
python3 - "$work/q.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TABLE quote_members; DROP TABLE quote_shingles; DROP TABLE quote_clusters;"
                 "DROP INDEX articles_day; ALTER TABLE articles DROP COLUMN day;"
                 " ALTER TABLE entities DROP COLUMN gender; PRAGMA user_version = 1;")
db.close()
PY
$WHOSAID speakers --db "$work/q.db" --by month -f csv
$WHOSAID speakers --db "$work/q.db" --by gender -f csv
python3 -c 'import sqlite3, sys; print("user_version", sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$work/q.db"
python3 tests/corpus/check_store.py consistent "$work/q.db" && echo "consistent"
python3 tests/corpus/check_store.py same "$work/reference.db" "$work/q.db"
echo "== schema 4 to 5"
cp "$work/reference.db" "$work/q2.db"
python3 - "$work/q2.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TABLE quote_members; DROP TABLE quote_shingles; DROP TABLE quote_clusters;"
                 "PRAGMA user_version = 4;")
db.close()
PY
$WHOSAID quotes --db "$work/q2.db" --min-articles 1 -f csv | head -3
python3 -c 'import sqlite3, sys; print("user_version", sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$work/q2.db"
python3 tests/corpus/check_store.py consistent "$work/q2.db" && echo "consistent"
python3 tests/corpus/check_store.py same "$work/reference.db" "$work/q2.db"
