# A store of schema 1 (before articles had the normalised day that --since
# and --by month use, entities the gender of schema 3, the quote clusters
# of schema 5 and the article texts of schema 6) is migrated when opened:
# the day is filled in from the dates already stored, the gender column
# added empty (those persons count as unknown), the clusters made, the
# texts' table made empty, and nothing else changes.  A store of schema 4
# (before quote clusters) gets its clusters on opening, exactly those an
# index run into a new store makes.  A store of schema 5 gets an empty
# table of texts; indexing the same inputs again fills it in without
# analysing anything again, as it does for a store made with --no-text.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/corpus/make_corpus.py --articles 12 --seed 5 > "$work/corpus.jsonl"
$WHOSAID index --db "$work/q.db" --jsonl "$work/corpus.jsonl" -q
cp "$work/q.db" "$work/reference.db"
# what a migrated store holds: the reference without its texts
cp "$work/q.db" "$work/textless.db"
python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute("DELETE FROM article_texts"); db.commit()' "$work/textless.db"
python3 - "$work/q.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TABLE quote_members; DROP TABLE quote_shingles; DROP TABLE quote_clusters;"
                 "DROP TABLE article_texts;"
                 "DROP INDEX articles_day; ALTER TABLE articles DROP COLUMN day;"
                 " ALTER TABLE entities DROP COLUMN gender; PRAGMA user_version = 1;")
db.close()
PY
$WHOSAID speakers --db "$work/q.db" --by month -f csv
$WHOSAID speakers --db "$work/q.db" --by gender -f csv
python3 -c 'import sqlite3, sys; print("user_version", sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$work/q.db"
python3 tests/corpus/check_store.py consistent "$work/q.db" && echo "consistent"
python3 tests/corpus/check_store.py same "$work/textless.db" "$work/q.db"
echo "== schema 4 to 5"
cp "$work/reference.db" "$work/q2.db"
python3 - "$work/q2.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TABLE quote_members; DROP TABLE quote_shingles; DROP TABLE quote_clusters;"
                 "DROP TABLE article_texts; PRAGMA user_version = 4;")
db.close()
PY
$WHOSAID quotes --db "$work/q2.db" --min-articles 1 -f csv | head -3
python3 -c 'import sqlite3, sys; print("user_version", sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$work/q2.db"
python3 tests/corpus/check_store.py consistent "$work/q2.db" && echo "consistent"
python3 tests/corpus/check_store.py same "$work/textless.db" "$work/q2.db"
echo "== schema 5 to 6"
cp "$work/reference.db" "$work/q3.db"
python3 - "$work/q3.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TABLE article_texts; PRAGMA user_version = 5;")
db.close()
PY
$WHOSAID search --db "$work/q3.db" --limit 1 -f csv | cut -d, -f 1,3
python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); print("user_version", db.execute("PRAGMA user_version").fetchone()[0], "texts", db.execute("SELECT count(*) FROM article_texts").fetchone()[0])' "$work/q3.db"
python3 tests/corpus/check_store.py same "$work/textless.db" "$work/q3.db"
# the same inputs again: every article is unchanged, so none is analysed,
# and each gets its text
$WHOSAID index --db "$work/q3.db" --jsonl "$work/corpus.jsonl" 2>&1 | sed "s|$work|WORK|"
python3 tests/corpus/check_store.py consistent "$work/q3.db" && echo "consistent"
python3 tests/corpus/check_store.py same "$work/reference.db" "$work/q3.db"
echo "== --no-text"
$WHOSAID index --db "$work/q4.db" --jsonl "$work/corpus.jsonl" --no-text -q
python3 tests/corpus/check_store.py same "$work/textless.db" "$work/q4.db"
$WHOSAID index --db "$work/q4.db" --jsonl "$work/corpus.jsonl" --no-text 2>&1 | sed "s|$work|WORK|"
python3 tests/corpus/check_store.py same "$work/textless.db" "$work/q4.db"
$WHOSAID index --db "$work/q4.db" --jsonl "$work/corpus.jsonl" 2>&1 | sed "s|$work|WORK|"
python3 tests/corpus/check_store.py same "$work/reference.db" "$work/q4.db"
