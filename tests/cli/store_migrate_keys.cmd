# A store of schema 3 keyed its speakers with a fold written by hand, which
# kept accents: opened by this build it is migrated to schema 4, where the
# keys of names beyond ASCII are made anew by utf8proc's fold, so that
# --speaker angstrom finds Ångström there too, and ASCII keys stay.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$WHOSAID index -q --db "$work/q.db" --jsonl tests/fixtures/unicode_names.jsonl
python3 - "$work/q.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# the keys as schema 3 made them: lower case, accents kept
for table, column in (("entities", "name"), ("attributions", "speaker_name")):
    db.execute(f"UPDATE {table} SET speaker_key = lower({column}) WHERE {column} GLOB '*[^ -~]*'")
db.execute("UPDATE entities SET speaker_key = 'anders \u00e5ngstr\u00f6m' WHERE name = 'Anders \u00c5ngstr\u00f6m'")
db.execute("UPDATE attributions SET speaker_key = 'anders \u00e5ngstr\u00f6m' WHERE speaker_name = 'Anders \u00c5ngstr\u00f6m'")
db.commit()
# and without the quote clusters of schema 5 and the texts of schema 6
db.executescript("DROP TABLE quote_members; DROP TABLE quote_shingles; DROP TABLE quote_clusters;"
                 " DROP TABLE article_texts; PRAGMA user_version = 3;")
PY
$WHOSAID search --db "$work/q.db" --speaker angstrom -f tsv | cut -f 3,9
python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); print("user_version", db.execute("PRAGMA user_version").fetchone()[0]); print("\n".join(sorted(k for (k,) in db.execute("SELECT DISTINCT speaker_key FROM attributions"))))' "$work/q.db"
