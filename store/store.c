/*
 * store.c — analysed articles in SQLite, and the questions asked of them.
 *
 * Layout (docs/store.md is the reference): articles, entities (one row
 * per speaker of an article), mentions, attributions, and attribution_text,
 * an FTS5 index over the attributions' contents that triggers keep in step
 * with the attributions table.  Deleting an article deletes its rows in
 * the other tables through foreign keys (ON DELETE CASCADE), and the
 * trigger takes the contents out of the full-text index, so replacing an
 * article is one DELETE and the inserts.
 *
 * Safety against a kill at any moment comes from SQLite's transactions:
 * articles are written in batches, each one transaction, in WAL mode.  A
 * killed run loses at most the batch in progress, and since an article is
 * only skipped when stored with the same fingerprint, running the same
 * command again redoes exactly what was lost.
 *
 * Each analysed article's text is kept in article_texts (schema 6), apart
 * from the articles table so that the questions, which scan articles,
 * never read the texts' pages; the page opens a stored article from it
 * with its attributions marked.
 *
 * Schema versions live in PRAGMA user_version; PRAGMA application_id
 * marks the file as a whosaid store, so that some other SQLite file given
 * to --db by mistake is refused rather than written into.
 */
#include "store/store.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utf8proc.h>

/* "wsai": PRAGMA application_id of every whosaid store. */
#define STORE_APPLICATION_ID 0x77736169
/* A batch is committed after this many seconds even when not full, so
 * that a slow model does not leave minutes of work uncommitted. */
#define BATCH_SECONDS 2.0

/* The date of an article as YYYY-MM-DD, when its "date" member starts
 * with one (an ISO 8601 date or date and time); NULL otherwise.  Kept as
 * SQL so that the migration computes it exactly as new rows do. */
#define DAY_OF(value) \
	"CASE WHEN " value " GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]*' THEN substr(" value ", 1, 10) END"

static const char schema_sql[] =
	"CREATE TABLE articles ("
	" id INTEGER PRIMARY KEY,"
	" doc_id TEXT NOT NULL UNIQUE,"
	" origin TEXT NOT NULL,"
	" fingerprint TEXT NOT NULL,"
	" model TEXT NOT NULL,"
	" outlet TEXT, published TEXT, day TEXT, url TEXT, title TEXT,"
	" bytes INTEGER NOT NULL,"
	" attribution_count INTEGER NOT NULL,"
	" error TEXT,"
	" indexed_at TEXT NOT NULL);"
	"CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE);"
	"CREATE INDEX articles_day ON articles(day);"
	"CREATE TABLE entities ("
	" id INTEGER PRIMARY KEY,"
	" article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" name TEXT NOT NULL, role TEXT, kind TEXT NOT NULL,"
	" speaker_key TEXT NOT NULL,"
	" attribution_count INTEGER NOT NULL,"
	" gender TEXT);"
	"CREATE INDEX entities_article ON entities(article_id);"
	"CREATE INDEX entities_key ON entities(speaker_key);"
	"CREATE TABLE mentions ("
	" id INTEGER PRIMARY KEY,"
	" entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,"
	" start INTEGER NOT NULL, \"end\" INTEGER NOT NULL, text TEXT NOT NULL);"
	"CREATE INDEX mentions_entity ON mentions(entity_id);"
	"CREATE TABLE attributions ("
	" id INTEGER PRIMARY KEY,"
	" article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" type TEXT NOT NULL,"
	" source TEXT, cue TEXT, content TEXT NOT NULL,"
	" speaker_entity_id INTEGER REFERENCES entities(id) ON DELETE CASCADE,"
	" speaker_name TEXT, speaker_key TEXT,"
	" confidence REAL NOT NULL,"
	" record TEXT NOT NULL);"
	"CREATE INDEX attributions_article ON attributions(article_id);"
	"CREATE INDEX attributions_speaker ON attributions(speaker_key);"
	"CREATE VIRTUAL TABLE attribution_text USING fts5(content, content='attributions',"
	" content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
	"CREATE TRIGGER attributions_indexed AFTER INSERT ON attributions BEGIN"
	" INSERT INTO attribution_text(rowid, content) VALUES (new.id, new.content); END;"
	"CREATE TRIGGER attributions_unindexed AFTER DELETE ON attributions BEGIN"
	" INSERT INTO attribution_text(attribution_text, rowid, content) VALUES ('delete', old.id, old.content); END;";

/* The analysed text of each article (schema 6), as the attributions'
 * offsets count it: invalid bytes and NULs as U+FFFD (shown_text()).  An
 * article indexed before schema 6, or with --no-text, has no row. */
static const char article_texts_sql[] =
	"CREATE TABLE article_texts ("
	" article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
	" text TEXT NOT NULL);";

/* Schema 1 kept an article's date only as given; schema 2 adds the day
 * that --since, --until and --by month compare. */
static const char migrate_1_to_2_sql[] =
	"ALTER TABLE articles ADD COLUMN day TEXT;"
	"UPDATE articles SET day = " DAY_OF("published") ";"
	"CREATE INDEX articles_day ON articles(day);";

/* Schema 3 gave each entity the gender the article shows (female, male,
 * unknown; NULL for what is not a person).  Articles stored before have
 * none: their persons count as unknown until indexed again with --force. */
static const char migrate_2_to_3_sql[] = "ALTER TABLE entities ADD COLUMN gender TEXT;";

enum statement {
	ST_HAS, ST_HAS_ERROR, ST_DELETE, ST_ARTICLE, ST_ENTITY, ST_MENTION, ST_ATTRIBUTION, ST_TEXT, ST_TEXTLESS,
	ST_BEGIN, ST_COMMIT, ST_COUNT
};

static const char *const statement_sql[ST_COUNT] = {
	[ST_HAS] = "SELECT 1 FROM articles WHERE doc_id = ?1 AND fingerprint = ?2 AND error IS NULL",
	[ST_HAS_ERROR] = "SELECT 1 FROM articles WHERE doc_id = ?1 AND error = ?2",
	[ST_DELETE] = "DELETE FROM articles WHERE doc_id = ?1",
	[ST_ARTICLE] = "INSERT INTO articles (doc_id, origin, fingerprint, model, outlet, published, day,"
		       " url, title, bytes, attribution_count, error, indexed_at) VALUES"
		       " (?1, ?2, ?3, ?4, ?5, ?6, " DAY_OF("?6") ", ?7, ?8, ?9, ?10, ?11,"
		       " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
	[ST_ENTITY] = "INSERT INTO entities (article_id, position, name, role, kind, speaker_key,"
		      " attribution_count, gender) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_MENTION] = "INSERT INTO mentions (entity_id, start, \"end\", text) VALUES (?1, ?2, ?3, ?4)",
	[ST_ATTRIBUTION] = "INSERT INTO attributions (article_id, position, type, source, cue, content,"
			   " speaker_entity_id, speaker_name, speaker_key, confidence, record) VALUES"
			   " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_TEXT] = "INSERT OR IGNORE INTO article_texts (article_id, text) VALUES (?1, ?2)",
	[ST_TEXTLESS] = "SELECT id FROM articles WHERE doc_id = ?1 AND error IS NULL"
			" AND NOT EXISTS (SELECT 1 FROM article_texts WHERE article_id = articles.id)",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];
	unsigned batch_size;
	unsigned pending;          /* articles written in the open transaction */
	struct timespec batch_start;
	bool in_batch;
	quote_index *quotes;       /* the clustering of attributions (writable stores) */
};

static void say(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
}

const char *store_error(const store *st)
{
	return sqlite3_errmsg(st->db);
}

struct sqlite3 *store_db(store *st)
{
	return st->db;
}

/* Run sql (several statements); false with why on failure. */
static bool exec(store *st, const char *sql, char *why, size_t why_size)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return true;
	say(why, why_size, "%s", msg ? msg : sqlite3_errmsg(st->db));
	sqlite3_free(msg);
	return false;
}

/* Undo the open transaction, if any; its failure changes nothing more. */
static void rollback(store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The integer a one-value pragma query returns, or -1. */
static long pragma_value(store *st, const char *sql)
{
	sqlite3_stmt *q;
	long v = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* The steps from each schema to the next, in a transaction the caller
 * opens and commits.  Schema 2 added the day that --since, --until and
 * --by month compare; schema 3 gave each entity the gender the article
 * shows (migrate_2_to_3_sql). */
static bool migrate_1_to_2(store *st, char *why, size_t why_size)
{
	return exec(st, migrate_1_to_2_sql, why, why_size);
}

static bool migrate_2_to_3(store *st, char *why, size_t why_size)
{
	return exec(st, migrate_2_to_3_sql, why, why_size);
}

/* Schema 4: speaker keys in the fold of speaker_key.c (utf8proc: NFKC,
 * case folded, marks removed).  Schema 3 folded a few scripts by hand, so
 * the keys of names beyond ASCII are made anew; ASCII names keep theirs,
 * which both folds make alike. */
static bool migrate_3_to_4(store *st, char *why, size_t why_size)
{
	static const char *const tables[][2] = {{"entities", "name"}, {"attributions", "speaker_name"}};
	bool ok = true;
	for (size_t t = 0; ok && t < sizeof tables / sizeof tables[0]; t++) {
		char select[256], update[256];
		snprintf(select, sizeof select, "SELECT id, %s FROM %s WHERE %s GLOB '*[^ -~]*'", tables[t][1],
			 tables[t][0], tables[t][1]);
		snprintf(update, sizeof update, "UPDATE %s SET speaker_key = ?1 WHERE id = ?2", tables[t][0]);
		sqlite3_stmt *q = NULL, *u = NULL;
		ok = sqlite3_prepare_v2(st->db, select, -1, &q, NULL) == SQLITE_OK &&
		     sqlite3_prepare_v2(st->db, update, -1, &u, NULL) == SQLITE_OK;
		while (ok && sqlite3_step(q) == SQLITE_ROW) {
			char *key = speaker_key((const char *)sqlite3_column_text(q, 1));
			ok = key != NULL;
			if (ok) {
				sqlite3_bind_text(u, 1, key, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(u, 2, sqlite3_column_int64(q, 0));
				ok = sqlite3_step(u) == SQLITE_DONE;
				sqlite3_reset(u);
			}
			free(key);
		}
		if (!ok)
			say(why, why_size, "%s", sqlite3_errmsg(st->db));
		sqlite3_finalize(q);
		sqlite3_finalize(u);
	}
	return ok;
}

/* Schema 5: the quote clusters (quote_clusters.c), and every attribution
 * already stored put into its cluster, in the order the attributions were
 * written. */
static bool migrate_4_to_5(store *st, char *why, size_t why_size)
{
	return exec(st, quote_clusters_sql, why, why_size) && quote_index_backfill(st->db, why, why_size);
}

/* Schema 6: the articles' texts.  Those stored before have none (the page
 * says so); indexing the same inputs again adds them without analysing
 * again (store_add_text()). */
static bool migrate_5_to_6(store *st, char *why, size_t why_size)
{
	return exec(st, article_texts_sql, why, why_size);
}

typedef bool migration_step(store *st, char *why, size_t why_size);
/* migrations[v] takes schema v to v + 1 */
static migration_step *const migrations[] = {NULL, migrate_1_to_2, migrate_2_to_3, migrate_3_to_4, migrate_4_to_5,
					      migrate_5_to_6};
_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
	       "a migration step for every schema before this one");

/* Create the schema in an empty database, or check and migrate the one
 * there.  false with why when the file is not a store this build can use. */
static bool check_schema(store *st, const char *path, bool writable, char *why, size_t why_size)
{
	long app = pragma_value(st, "PRAGMA application_id");
	long version = pragma_value(st, "PRAGMA user_version");
	long tables = pragma_value(st, "SELECT count(*) FROM sqlite_schema");
	if (app < 0 || version < 0 || tables < 0) {
		say(why, why_size, "%s: cannot read it as a SQLite database: %s", path, sqlite3_errmsg(st->db));
		return false;
	}
	if (tables == 0 && app == 0 && version == 0) {
		if (!writable) {
			say(why, why_size, "%s: an empty database, not a quote store (run whosaid index first)", path);
			return false;
		}
		size_t size = sizeof schema_sql + strlen(quote_clusters_sql) + sizeof article_texts_sql + 128;
		char *sql = malloc(size);
		if (!sql) {
			say(why, why_size, "out of memory");
			return false;
		}
		snprintf(sql, size, "BEGIN; %s %s %s PRAGMA application_id = %d; PRAGMA user_version = %d; COMMIT;",
			 schema_sql, quote_clusters_sql, article_texts_sql, STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
		bool created = exec(st, sql, why, why_size);
		free(sql);
		if (!created)
			rollback(st);
		return created;
	}
	if (app != STORE_APPLICATION_ID) {
		say(why, why_size, "%s: a SQLite database, but not a whosaid quote store", path);
		return false;
	}
	if (version > STORE_SCHEMA_VERSION) {
		say(why, why_size,
		    "%s: written by a newer whosaid (store schema %ld; this one knows up to %d): upgrade whosaid",
		    path, version, STORE_SCHEMA_VERSION);
		return false;
	}
	/* each step in a transaction of its own: a kill during one leaves the
	 * schema before it, and the next opening tries again */
	for (; version >= 1 && version < STORE_SCHEMA_VERSION; version++) {
		char reason[256] = "", pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %ld; COMMIT;", version + 1);
		if (!exec(st, "BEGIN IMMEDIATE;", reason, sizeof reason) ||
		    !migrations[version](st, reason, sizeof reason) || !exec(st, pragma, reason, sizeof reason)) {
			rollback(st);
			say(why, why_size, "%s: cannot migrate store schema %ld to %ld: %s", path, version, version + 1,
			    reason[0] ? reason : sqlite3_errmsg(st->db));
			return false;
		}
	}
	if (version != STORE_SCHEMA_VERSION) {
		say(why, why_size, "%s: unknown store schema %ld", path, version);
		return false;
	}
	return true;
}

/* A store on a read-only file system, or in a folder we may not write:
 * SQLite cannot make the shared-memory file that a WAL database is read
 * through, so the first read fails.  Such a store was closed cleanly
 * when nothing is left in its -wal file, and can then be read as an
 * immutable file: no locks, no -shm.  true when *db is that. */
static bool open_immutable(const char *path, sqlite3 **db)
{
	char wal[4096];
	struct stat sb;
	if (snprintf(wal, sizeof wal, "%s-wal", path) >= (int)sizeof wal ||
	    (stat(wal, &sb) == 0 && sb.st_size > 0))
		return false; /* commits still in the -wal file would be missed */
	/* the path as a URI: file:, with %, ? and # escaped */
	size_t n = strlen(path);
	char *uri = malloc(3 * n + 32), *u = uri;
	if (!uri)
		return false;
	u += sprintf(u, "file:");
	for (const char *p = path; *p; p++)
		u += strchr("%?#", *p) ? sprintf(u, "%%%02X", (unsigned char)*p) : (*u = *p, 1);
	strcpy(u, "?immutable=1");
	sqlite3_close(*db);
	*db = NULL;
	int rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	return rc == SQLITE_OK;
}

store *store_open(const char *path, bool writable, char *why, size_t why_size)
{
	struct stat sb;
	if (!writable && stat(path, &sb) != 0) {
		say(why, why_size, "%s: %s", path, strerror(errno));
		return NULL;
	}
	store *st = calloc(1, sizeof *st);
	if (!st) {
		say(why, why_size, "out of memory");
		return NULL;
	}
	st->batch_size = 256;
	/* Questions open the store read-write too, so that an older schema can
	 * be migrated; a store that is read-only for us is then read as it is. */
	int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | (writable ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK && !writable) {
		sqlite3_close(st->db);
		rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY, NULL);
	}
	if (rc != SQLITE_OK) {
		say(why, why_size, "%s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	if (!writable && pragma_value(st, "PRAGMA user_version") < 0 &&
	    (sqlite3_errcode(st->db) == SQLITE_CANTOPEN || sqlite3_errcode(st->db) == SQLITE_READONLY) &&
	    !open_immutable(path, &st->db)) {
		say(why, why_size, "%s: on a read-only file system with commits still in its -wal file: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/* WAL: readers (search, a server) are not blocked by an index run, and
	 * a kill loses only the transaction in progress.  NORMAL is as safe as
	 * FULL against a killed process; only a power cut can lose the last
	 * commits, never consistency. */
	if (!exec(st, "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;", why, why_size))
		goto fail;
	if (!check_schema(st, path, writable, why, why_size))
		goto fail;
	if (writable) {
		if (!exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", why, why_size))
			goto fail;
		for (int i = 0; i < ST_COUNT; i++) {
			if (sqlite3_prepare_v2(st->db, statement_sql[i], -1, &st->stmt[i], NULL) != SQLITE_OK) {
				say(why, why_size, "%s: %s", path, sqlite3_errmsg(st->db));
				goto fail;
			}
		}
		if (!(st->quotes = quote_index_open(st->db, why, why_size)))
			goto fail;
	}
	return st;
fail:
	quote_index_free(st->quotes);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
	return NULL;
}

/* Run a prepared statement to its end and reset it; false on error. */
static bool step_done(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static bool commit_batch(store *st, char *why, size_t why_size)
{
	if (!st->in_batch)
		return true;
	st->in_batch = false;
	st->pending = 0;
	if (step_done(st->stmt[ST_COMMIT]))
		return true;
	say(why, why_size, "cannot commit: %s", sqlite3_errmsg(st->db));
	rollback(st);
	return false;
}

bool store_close(store *st, char *why, size_t why_size)
{
	if (!st)
		return true;
	bool ok = commit_batch(st, why, why_size);
	quote_index_free(st->quotes);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (sqlite3_close(st->db) != SQLITE_OK && ok) {
		say(why, why_size, "cannot close: %s", sqlite3_errmsg(st->db));
		ok = false;
	}
	free(st);
	return ok;
}

void store_set_batch(store *st, unsigned batch_size)
{
	st->batch_size = batch_size ? batch_size : 1;
}

/* ------------------------------------------------------------- writing */

void store_fingerprint(const char *text, size_t len, const char *extra, const char *model, char out[17])
{
	/* FNV-1a over the three parts, each closed by its length, so that
	 * moving bytes from one part to the next changes the fingerprint.  It
	 * is compared only with the fingerprint stored under the same id, so
	 * 64 bits leave a collision out of reach. */
	uint64_t h = 14695981039346656037u;
	const char *parts[3] = {text, extra ? extra : "", model};
	size_t lens[3] = {len, extra ? strlen(extra) : 0, strlen(model)};
	for (int p = 0; p < 3; p++) {
		for (size_t i = 0; i < lens[p]; i++)
			h = (h ^ (unsigned char)parts[p][i]) * 1099511628211u;
		for (int b = 0; b < 8; b++)
			h = (h ^ ((lens[p] >> (8 * b)) & 0xFF)) * 1099511628211u;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int store_has_article(store *st, const char *doc_id, const char *fingerprint)
{
	sqlite3_stmt *q = st->stmt[ST_HAS];
	sqlite3_bind_text(q, 1, doc_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, fingerprint, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int store_has_error(store *st, const char *doc_id, const char *why)
{
	sqlite3_stmt *q = st->stmt[ST_HAS_ERROR];
	sqlite3_bind_text(q, 1, doc_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, why, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A string member's value, NULL when absent or null; other JSON values
 * (a date given as a number) as their JSON text, kept in *owned. */
static const char *member_text(json_t *object, const char *key, char **owned)
{
	json_t *v = json_object_get(object, key);
	*owned = NULL;
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	*owned = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	return *owned;
}

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

/* The "text" of a span member, or NULL. */
static const char *span_text(json_t *span)
{
	return json_string_value(json_object_get(span, "text"));
}

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The keys of an article's entities: each entity's speaker_key(), except
 * that a one-word key ("vance") becomes the key of the one person in the
 * article whose key ends in that word ("jd vance"), when there is exactly
 * one.  keys[i] are malloc'ed; false when out of memory. */
static bool entity_keys(json_t *entities, char **keys)
{
	size_t n = json_array_size(entities);
	for (size_t i = 0; i < n; i++) {
		const char *name = json_string_value(json_object_get(json_array_get(entities, i), "name"));
		if (!(keys[i] = speaker_key(name ? name : "")))
			return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (strchr(keys[i], ' ') || !keys[i][0])
			continue;
		size_t len = strlen(keys[i]), found = n;
		bool ambiguous = false;
		for (size_t j = 0; j < n; j++) {
			size_t lj = strlen(keys[j]);
			const char *kind = json_string_value(json_object_get(json_array_get(entities, j), "kind"));
			if (j == i || lj <= len + 1 || !kind || strcmp(kind, "person") != 0 ||
			    keys[j][lj - len - 1] != ' ' || strcmp(keys[j] + lj - len, keys[i]) != 0)
				continue;
			if (found < n && strcmp(keys[found], keys[j]) != 0)
				ambiguous = true;
			found = j;
		}
		if (found < n && !ambiguous) {
			char *full = malloc(strlen(keys[found]) + 1);
			if (!full)
				return false;
			strcpy(full, keys[found]);
			free(keys[i]);
			keys[i] = full;
		}
	}
	return true;
}

/* The position of the entity a speaker object refers to (same name and
 * kind), or -1. */
static long speaker_entity(json_t *entities, json_t *speaker)
{
	const char *name = json_string_value(json_object_get(speaker, "name"));
	const char *kind = json_string_value(json_object_get(speaker, "kind"));
	if (!name)
		return -1;
	for (size_t i = 0; i < json_array_size(entities); i++) {
		json_t *e = json_array_get(entities, i);
		const char *en = json_string_value(json_object_get(e, "name"));
		const char *ek = json_string_value(json_object_get(e, "kind"));
		if (en && strcmp(en, name) == 0 && (!kind || (ek && strcmp(ek, kind) == 0)))
			return (long)i;
	}
	return -1;
}

/* The content fragments' texts, joined by " … ".  malloc'ed. */
static char *joined_content(json_t *content)
{
	size_t total = 1;
	for (size_t i = 0; i < json_array_size(content); i++) {
		const char *t = span_text(json_array_get(content, i));
		total += (t ? strlen(t) : 0) + 5;
	}
	char *s = malloc(total), *p = s;
	if (!s)
		return NULL;
	for (size_t i = 0; i < json_array_size(content); i++) {
		const char *t = span_text(json_array_get(content, i));
		if (i)
			p += sprintf(p, " \xE2\x80\xA6 ");
		if (t)
			p += sprintf(p, "%s", t);
	}
	*p = '\0';
	return s;
}

/* Insert the entities (with their mentions) and attributions of an
 * analysed record.  false on a database error or out of memory. */
static bool put_results(store *st, sqlite3_int64 article, json_t *record, char *why, size_t why_size)
{
	json_t *entities = json_object_get(record, "entities");
	json_t *attributions = json_object_get(record, "attributions");
	size_t nent = json_array_size(entities);
	char **keys = calloc(nent ? nent : 1, sizeof *keys);
	sqlite3_int64 *ids = calloc(nent ? nent : 1, sizeof *ids);
	bool ok = false;
	if (!keys || !ids || !entity_keys(entities, keys)) {
		say(why, why_size, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < nent; i++) {
		json_t *e = json_array_get(entities, i);
		sqlite3_stmt *q = st->stmt[ST_ENTITY];
		sqlite3_bind_int64(q, 1, article);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
		bind_text_or_null(q, 3, json_string_value(json_object_get(e, "name")));
		bind_text_or_null(q, 4, json_string_value(json_object_get(e, "role")));
		bind_text_or_null(q, 5, json_string_value(json_object_get(e, "kind")));
		sqlite3_bind_text(q, 6, keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 7, json_integer_value(json_object_get(e, "attributions")));
		bind_text_or_null(q, 8, json_string_value(json_object_get(e, "gender")));
		if (!step_done(q))
			goto db_error;
		ids[i] = sqlite3_last_insert_rowid(st->db);
		json_t *mentions = json_object_get(e, "mentions");
		for (size_t m = 0; m < json_array_size(mentions); m++) {
			json_t *span = json_array_get(mentions, m);
			q = st->stmt[ST_MENTION];
			sqlite3_bind_int64(q, 1, ids[i]);
			sqlite3_bind_int64(q, 2, json_integer_value(json_object_get(span, "start")));
			sqlite3_bind_int64(q, 3, json_integer_value(json_object_get(span, "end")));
			bind_text_or_null(q, 4, span_text(span));
			if (!step_done(q))
				goto db_error;
		}
	}
	for (size_t i = 0; i < json_array_size(attributions); i++) {
		json_t *a = json_array_get(attributions, i);
		long who = speaker_entity(entities, json_object_get(a, "speaker"));
		char *content = joined_content(json_object_get(a, "content"));
		/* 15 significant digits give back every number the renderer
		 * wrote (confidences have three decimals) */
		char *json = json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(15));
		if (!content || !json) {
			free(content);
			free(json);
			say(why, why_size, "out of memory");
			goto done;
		}
		sqlite3_stmt *q = st->stmt[ST_ATTRIBUTION];
		sqlite3_bind_int64(q, 1, article);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
		bind_text_or_null(q, 3, json_string_value(json_object_get(a, "type")));
		bind_text_or_null(q, 4, span_text(json_object_get(a, "source")));
		bind_text_or_null(q, 5, span_text(json_object_get(a, "cue")));
		sqlite3_bind_text(q, 6, content, -1, SQLITE_STATIC);
		if (who >= 0) {
			sqlite3_bind_int64(q, 7, ids[who]);
			bind_text_or_null(q, 8, json_string_value(json_object_get(json_array_get(entities, (size_t)who), "name")));
			sqlite3_bind_text(q, 9, keys[who], -1, SQLITE_STATIC);
		}
		sqlite3_bind_double(q, 10, json_number_value(json_object_get(a, "confidence")));
		sqlite3_bind_text(q, 11, json, -1, free);
		if (!step_done(q)) {
			free(content);
			goto db_error;
		}
		/* the cluster of what was said, in the same transaction */
		int clustered = quote_index_add(st->quotes, sqlite3_last_insert_rowid(st->db), article, content,
						who >= 0 ? keys[who] : NULL, why, why_size);
		free(content);
		if (clustered < 0)
			goto done;
	}
	ok = true;
	goto done;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(st->db));
done:
	for (size_t i = 0; keys && i < nent; i++)
		free(keys[i]);
	free(keys);
	free(ids);
	return ok;
}

/* The text as the analysis shows it, in which the attributions' code
 * point offsets count: every byte that is not part of a well-formed UTF-8
 * sequence, every NUL and every U+001A (the library's substitute for
 * both) becomes U+FFFD, one for one, as docs/schema.md says.  So the
 * stored text is valid UTF-8 and its k-th code point is the input's.
 * malloc'ed, *out_len bytes and a NUL; NULL when out of memory. */
static char *shown_text(const char *text, size_t len, size_t *out_len)
{
	/* two passes, the first for the size, so that a large article does
	 * not take three times its size for the few bad bytes it may hold */
	char *out = NULL, *o = NULL;
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text, *end = p + len;
		while (p < end) {
			utf8proc_int32_t cp;
			/* never reads past the length it is given */
			utf8proc_ssize_t k = utf8proc_iterate(p, end - p < 4 ? end - p : 4, &cp);
			bool bad = k < 1 || cp == 0 || cp == 0x1A;
			size_t take = bad ? 3 : (size_t)k;
			if (pass == 0) {
				if (n > SIZE_MAX - 1 - take)
					return NULL;
				n += take;
			} else {
				memcpy(o, bad ? "\xEF\xBF\xBD" : (const char *)p, take);
				o += take;
			}
			p += bad ? 1 : k;
		}
		if (pass == 0 && !(out = o = malloc(n + 1)))
			return NULL;
	}
	*o = '\0';
	*out_len = n;
	return out;
}

/* Open the batch's transaction when none is open. */
static bool batch_begin(store *st, char *why, size_t why_size)
{
	if (st->in_batch)
		return true;
	if (!step_done(st->stmt[ST_BEGIN])) {
		say(why, why_size, "cannot begin a transaction: %s", sqlite3_errmsg(st->db));
		return false;
	}
	st->in_batch = true;
	clock_gettime(CLOCK_MONOTONIC, &st->batch_start);
	return true;
}

/* One more article written in the batch: commit when it is full or old. */
static bool batch_step(store *st, char *why, size_t why_size)
{
	if (++st->pending >= st->batch_size || elapsed_since(&st->batch_start) >= BATCH_SECONDS)
		return commit_batch(st, why, why_size);
	return true;
}

/* Undo the batch after a failure: half an article must never be
 * committed, so the whole batch goes, and the next run redoes it. */
static void batch_abandon(store *st)
{
	if (st->in_batch) {
		rollback(st);
		st->in_batch = false;
		st->pending = 0;
	}
}

/* Keep article's text, shown as the analysis shows it. */
static bool put_text(store *st, sqlite3_int64 article, const char *text, size_t len, char *why, size_t why_size)
{
	size_t n;
	char *shown = shown_text(text, len, &n);
	if (!shown) {
		say(why, why_size, "out of memory");
		return false;
	}
	sqlite3_stmt *q = st->stmt[ST_TEXT];
	sqlite3_bind_int64(q, 1, article);
	sqlite3_bind_text64(q, 2, shown, n, free, SQLITE_UTF8);
	if (!step_done(q)) {
		say(why, why_size, "%s", sqlite3_errmsg(st->db));
		return false;
	}
	return true;
}

int store_add_text(store *st, const char *doc_id, const char *text, size_t len, char *why, size_t why_size)
{
	sqlite3_stmt *q = st->stmt[ST_TEXTLESS];
	sqlite3_bind_text(q, 1, doc_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_int64 article = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		say(why, why_size, "%s", sqlite3_errmsg(st->db));
		return -1;
	}
	if (!batch_begin(st, why, why_size))
		return -1;
	if (!put_text(st, article, text, len, why, why_size) || !batch_step(st, why, why_size)) {
		batch_abandon(st);
		return -1;
	}
	return 1;
}

bool store_put_article(store *st, const store_article *a, char *why, size_t why_size)
{
	json_error_t jerr;
	json_t *record = NULL;
	char *owned[4] = {0};
	bool ok = false;
	if (a->record) {
		record = json_loadb(a->record, a->record_len, 0, &jerr);
		if (!record || !json_is_array(json_object_get(record, "attributions")) ||
		    !json_is_array(json_object_get(record, "entities"))) {
			say(why, why_size, "not a whosaid record: %s", record ? "no attributions or entities" : jerr.text);
			json_decref(record);
			return false;
		}
	}
	if (!batch_begin(st, why, why_size))
		goto done;
	sqlite3_stmt *q = st->stmt[ST_DELETE];
	sqlite3_bind_text(q, 1, a->doc_id, -1, SQLITE_STATIC);
	if (!step_done(q))
		goto db_error;
	q = st->stmt[ST_ARTICLE];
	sqlite3_bind_text(q, 1, a->doc_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, a->fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, a->model, -1, SQLITE_STATIC);
	static const char *const meta[4] = {"outlet", "date", "url", "title"};
	for (int i = 0; i < 4; i++)
		bind_text_or_null(q, 5 + i, record ? member_text(record, meta[i], &owned[i]) : NULL);
	sqlite3_bind_int64(q, 9, (sqlite3_int64)a->bytes);
	sqlite3_bind_int64(q, 10, record ? (sqlite3_int64)json_array_size(json_object_get(record, "attributions")) : 0);
	bind_text_or_null(q, 11, a->error);
	if (!step_done(q))
		goto db_error;
	sqlite3_int64 article = sqlite3_last_insert_rowid(st->db);
	if (record && !put_results(st, article, record, why, why_size))
		goto done;
	if (record && a->text && !put_text(st, article, a->text, a->text_len, why, why_size))
		goto done;
	ok = batch_step(st, why, why_size);
	goto done;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(st->db));
done:
	if (!ok)
		batch_abandon(st);
	for (int i = 0; i < 4; i++)
		free(owned[i]);
	json_decref(record);
	return ok;
}

/* ----------------------------------------------------------- questions */

bool store_is_date(const char *s)
{
	size_t n = strlen(s);
	if (n != 4 && n != 7 && n != 10)
		return false;
	for (size_t i = 0; i < n; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return false;
	int year = atoi(s), month = n >= 7 ? atoi(s + 5) : 1, day = n == 10 ? atoi(s + 8) : 1;
	static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (year < 1 || month < 1 || month > 12)
		return false;
	return day >= 1 && day <= days_in[month - 1] + (month == 2 && leap);
}

/* Words as typed -> an FTS5 query.  Bare words become quoted strings, so
 * that "cease-fire" or "U.S." are searched as written instead of being a
 * syntax error; "double-quoted phrases", a trailing * (prefix) and the
 * operators AND, OR and NOT keep their FTS5 meaning.  malloc'ed. */
static char *fts_query(const char *words)
{
	size_t n = strlen(words);
	char *q = malloc(2 * n + 3 * (n / 2 + 1) + 1), *p = q; /* every byte doubled, plus quotes */
	if (!q)
		return NULL;
	for (const char *s = words; *s;) {
		if (*s == ' ' || *s == '\t' || *s == '\n') {
			s++;
			continue;
		}
		if (p != q)
			*p++ = ' ';
		if (*s == '"') {
			/* a phrase, closed for the user if they did not */
			const char *end = strchr(s + 1, '"');
			size_t len = end ? (size_t)(end - s) + 1 : strlen(s);
			memcpy(p, s, len);
			p += len;
			if (!end)
				*p++ = '"';
			s += len;
			continue;
		}
		size_t len = strcspn(s, " \t\n");
		if ((len == 2 && memcmp(s, "OR", 2) == 0) || (len == 3 && (memcmp(s, "AND", 3) == 0 || memcmp(s, "NOT", 3) == 0))) {
			memcpy(p, s, len);
			p += len;
		} else {
			bool prefix = len > 1 && s[len - 1] == '*';
			*p++ = '"';
			for (size_t i = 0; i < len - prefix; i++) {
				if (s[i] == '"')
					*p++ = '"';
				*p++ = s[i];
			}
			*p++ = '"';
			if (prefix)
				*p++ = '*';
		}
		s += len;
	}
	*p = '\0';
	return q;
}

/* Bind text to a named parameter when the statement has it. */
static void bind_named(sqlite3_stmt *q, const char *name, const char *value)
{
	int i = sqlite3_bind_parameter_index(q, name);
	if (i > 0 && value)
		sqlite3_bind_text(q, i, value, -1, SQLITE_TRANSIENT);
}

static const char *column_text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

/* The WHERE conditions shared by both questions, for the filters given. */
static void append_filters(char *sql, size_t size, const char *speaker, const char *kind, const char *since,
			   const char *until, const char *outlet)
{
	size_t n = strlen(sql);
	if (speaker)
		n += (size_t)snprintf(sql + n, size - n,
				      " AND (a.speaker_key = :key OR (instr(:key, ' ') = 0 AND"
				      " substr(a.speaker_key, -length(:key) - 1) = ' ' || :key))");
	if (kind)
		n += (size_t)snprintf(sql + n, size - n, " AND a.type = :kind");
	if (since)
		n += (size_t)snprintf(sql + n, size - n, " AND ar.day >= :since");
	if (until)
		n += (size_t)snprintf(sql + n, size - n, " AND substr(ar.day, 1, length(:until)) <= :until");
	if (outlet)
		snprintf(sql + n, size - n, " AND ar.outlet = :outlet COLLATE NOCASE");
}

int store_search(store *st, const search_query *sq, bool (*each)(void *ctx, const search_hit *hit), void *ctx,
		 char *why, size_t why_size)
{
	char sql[2048];
	char *match = NULL, *key = NULL;
	sqlite3_stmt *q = NULL;
	int result = -1;
	if (sq->match && !(match = fts_query(sq->match)))
		goto nomem;
	if (sq->speaker && !(key = speaker_key(sq->speaker)))
		goto nomem;
	if (match && !match[0]) {
		free(match);
		match = NULL;
	}
	snprintf(sql, sizeof sql,
		 "SELECT a.record, a.type, a.source, a.cue, a.content, a.confidence, a.speaker_name, e.kind,"
		 " ar.doc_id, ar.outlet, ar.published, ar.url, ar.title, %s,"
		 /* the quote's cluster, how widely carried and since when */
		 " qm.cluster_id, (SELECT count(DISTINCT m2.article_id) FROM quote_members m2"
		 " WHERE m2.cluster_id = qm.cluster_id), (SELECT min(ar2.day) FROM quote_members m2"
		 " JOIN articles ar2 ON ar2.id = m2.article_id WHERE m2.cluster_id = qm.cluster_id)"
		 " FROM %s JOIN articles ar ON ar.id = a.article_id"
		 " LEFT JOIN entities e ON e.id = a.speaker_entity_id"
		 " LEFT JOIN quote_members qm ON qm.attribution_id = a.id WHERE %s",
		 match ? "-bm25(attribution_text)" : "0.0",
		 match ? "attribution_text JOIN attributions a ON a.id = attribution_text.rowid" : "attributions a",
		 match ? "attribution_text MATCH :match" : "1");
	append_filters(sql, sizeof sql, key, sq->kind, sq->since, sq->until, sq->outlet);
	size_t n = strlen(sql);
	snprintf(sql + n, sizeof sql - n, " ORDER BY %s ar.doc_id, a.position LIMIT :limit OFFSET :offset",
		 match ? "bm25(attribution_text)," : "ar.day DESC NULLS LAST,");
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		goto db_error;
	bind_named(q, ":match", match);
	bind_named(q, ":key", key);
	bind_named(q, ":kind", sq->kind);
	bind_named(q, ":since", sq->since);
	bind_named(q, ":until", sq->until);
	bind_named(q, ":outlet", sq->outlet);
	sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":limit"), sq->limit > 0 ? sq->limit : -1);
	sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":offset"), sq->offset > 0 ? sq->offset : 0);
	long rank = sq->offset > 0 ? sq->offset : 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		search_hit hit = {
			.rank = ++rank,
			.attribution = column_text(q, 0),
			.type = column_text(q, 1),
			.source = column_text(q, 2),
			.cue = column_text(q, 3),
			.content = column_text(q, 4),
			.confidence = sqlite3_column_double(q, 5),
			.speaker = column_text(q, 6),
			.speaker_kind = column_text(q, 7),
			.doc_id = column_text(q, 8),
			.outlet = column_text(q, 9),
			.date = column_text(q, 10),
			.url = column_text(q, 11),
			.title = column_text(q, 12),
			.score = sqlite3_column_double(q, 13),
			.quote_cluster = (long)sqlite3_column_int64(q, 14),
			.quote_articles = (long)sqlite3_column_int64(q, 15),
			.quote_first_seen = column_text(q, 16),
		};
		if (!each(ctx, &hit))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		/* FTS5 reports a query it cannot parse as a plain error */
		if (match && strstr(sqlite3_errmsg(st->db), "fts5")) {
			say(why, why_size, "cannot search for '%s': %s", sq->match, sqlite3_errmsg(st->db));
			result = -2;
			goto done;
		}
		goto db_error;
	}
	result = 0;
	goto done;
nomem:
	say(why, why_size, "out of memory");
	goto done;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(st->db));
done:
	sqlite3_finalize(q);
	free(match);
	free(key);
	return result;
}

int store_speakers(store *st, enum speaker_grouping by, const char *outlet, const char *since, const char *until,
		   long limit, bool (*each)(void *ctx, const speaker_row *row), void *ctx, char *why, size_t why_size)
{
	static const char *const group_of[] = {
		[BY_NONE] = "NULL", [BY_OUTLET] = "ar.outlet", [BY_MONTH] = "substr(ar.day, 1, 7)"};
	char sql[4096];
	sqlite3_stmt *q = NULL;
	/* The name shown for a key is the one its entities use most; the
	 * counts come from the attributions, within the filters. */
	snprintf(sql, sizeof sql,
		 "WITH spoken AS (SELECT a.speaker_key AS key, a.type, a.article_id, ar.day, %s AS grp"
		 " FROM attributions a JOIN articles ar ON ar.id = a.article_id"
		 " WHERE a.speaker_key IS NOT NULL AND a.speaker_key <> ''",
		 group_of[by]);
	append_filters(sql, sizeof sql, NULL, NULL, since, until, outlet);
	size_t n = strlen(sql);
	snprintf(sql + n, sizeof sql - n,
		 "), counts AS (SELECT grp, key, count(*) AS total, sum(type = 'direct') AS direct,"
		 " count(DISTINCT article_id) AS articles, min(day) AS first, max(day) AS last"
		 " FROM spoken GROUP BY grp, key),"
		 " names AS (SELECT speaker_key AS key, name, kind, count(*) AS uses FROM entities"
		 " WHERE attribution_count > 0 GROUP BY speaker_key, name, kind),"
		 " best AS (SELECT key, name, kind FROM (SELECT key, name, kind, row_number() OVER"
		 " (PARTITION BY key ORDER BY uses DESC, length(name) DESC, name) AS r FROM names) WHERE r = 1),"
		 " ranked AS (SELECT c.*, b.name, b.kind, row_number() OVER (PARTITION BY grp"
		 " ORDER BY total DESC, b.name, c.key) AS pos FROM counts c JOIN best b USING (key))"
		 " SELECT grp, name, key, kind, total, direct, articles, first, last FROM ranked"
		 " WHERE :limit < 0 OR pos <= :limit ORDER BY grp, pos");
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		goto db_error;
	bind_named(q, ":since", since);
	bind_named(q, ":until", until);
	bind_named(q, ":outlet", outlet);
	sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":limit"), limit > 0 ? limit : -1);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		speaker_row row = {
			.group = column_text(q, 0),
			.name = column_text(q, 1),
			.key = column_text(q, 2),
			.kind = column_text(q, 3),
			.attributions = (long)sqlite3_column_int64(q, 4),
			.direct = (long)sqlite3_column_int64(q, 5),
			.articles = (long)sqlite3_column_int64(q, 6),
			.first_seen = column_text(q, 7),
			.last_seen = column_text(q, 8),
		};
		if (!each(ctx, &row))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto db_error;
	sqlite3_finalize(q);
	return 0;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(st->db));
	sqlite3_finalize(q);
	return -1;
}

int store_genders(store *st, const char *outlet, const char *since, const char *until,
		  bool (*each)(void *ctx, const gender_row *row), void *ctx, char *why, size_t why_size)
{
	char sql[4096];
	sqlite3_stmt *q = NULL;
	snprintf(sql, sizeof sql,
		 "WITH spoken AS (SELECT a.speaker_key AS key, a.type, a.article_id"
		 " FROM attributions a JOIN articles ar ON ar.id = a.article_id"
		 " WHERE a.speaker_key IS NOT NULL AND a.speaker_key <> ''");
	append_filters(sql, sizeof sql, NULL, NULL, since, until, outlet);
	size_t n = strlen(sql);
	/* a key is a person when most of its entities are; its gender is
	 * the one most of them show, unknown on a tie */
	snprintf(sql + n, sizeof sql - n,
		 "), keyed AS (SELECT speaker_key AS key,"
		 " CASE WHEN sum(gender = 'female') > sum(gender = 'male') THEN 'female'"
		 " WHEN sum(gender = 'male') > sum(gender = 'female') THEN 'male' ELSE 'unknown' END AS gender"
		 " FROM entities WHERE attribution_count > 0 GROUP BY speaker_key"
		 " HAVING 2 * sum(kind = 'person') > count(*))"
		 " SELECT k.gender, count(DISTINCT s.key), count(*), sum(s.type = 'direct'), count(DISTINCT s.article_id)"
		 " FROM spoken s JOIN keyed k USING (key) GROUP BY k.gender ORDER BY count(*) DESC, k.gender");
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		goto db_error;
	bind_named(q, ":since", since);
	bind_named(q, ":until", until);
	bind_named(q, ":outlet", outlet);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		gender_row row = {
			.gender = column_text(q, 0),
			.speakers = (long)sqlite3_column_int64(q, 1),
			.attributions = (long)sqlite3_column_int64(q, 2),
			.direct = (long)sqlite3_column_int64(q, 3),
			.articles = (long)sqlite3_column_int64(q, 4),
		};
		if (!each(ctx, &row))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto db_error;
	sqlite3_finalize(q);
	return 0;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(st->db));
	sqlite3_finalize(q);
	return -1;
}

/* ----------------------------------------------------- answers as JSON */

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* x rounded to the given decimals, so that output does not show the
 * noise of floating point. */
static double rounded(double x, int decimals)
{
	double scale = pow(10, decimals);
	return round(x * scale) / scale;
}

json_t *search_hit_json(const search_hit *h)
{
	json_t *attribution = json_loads(h->attribution, 0, NULL);
	json_t *quote = h->quote_cluster ? json_pack("{s:I, s:I, s:o}", "cluster", (json_int_t)h->quote_cluster,
						     "articles", (json_int_t)h->quote_articles, "first_seen",
						     string_or_null(h->quote_first_seen))
					 : json_null();
	return json_pack("{s:I, s:f, s:{s:s, s:o, s:o, s:o, s:o}, s:o, s:o}", "rank", (json_int_t)h->rank, "score",
			 rounded(h->score, 4), "article", "id", h->doc_id, "outlet", string_or_null(h->outlet), "date",
			 string_or_null(h->date), "url", string_or_null(h->url), "title", string_or_null(h->title),
			 "attribution", attribution ? attribution : json_null(), "quote", quote ? quote : json_null());
}

json_t *speaker_row_json(const speaker_row *r, enum speaker_grouping by)
{
	double share = r->attributions ? (double)r->direct / (double)r->attributions : 0;
	json_t *row = json_object();
	if (row && by != BY_NONE)
		json_object_set_new(row, by == BY_OUTLET ? "outlet" : "month", string_or_null(r->group));
	json_t *rest = json_pack("{s:s, s:s, s:s, s:I, s:I, s:f, s:I, s:o, s:o}", "speaker", r->name, "key", r->key,
				 "kind", r->kind, "attributions", (json_int_t)r->attributions, "direct",
				 (json_int_t)r->direct, "direct_share", rounded(share, 3), "articles",
				 (json_int_t)r->articles, "first_seen", string_or_null(r->first_seen), "last_seen",
				 string_or_null(r->last_seen));
	if (!row || !rest || json_object_update(row, rest) != 0) {
		json_decref(row);
		row = NULL;
	}
	json_decref(rest);
	return row;
}

json_t *gender_row_json(const gender_row *r)
{
	double share = r->attributions ? (double)r->direct / (double)r->attributions : 0;
	return json_pack("{s:s, s:I, s:I, s:I, s:f, s:I}", "gender", r->gender ? r->gender : "unknown", "speakers",
			 (json_int_t)r->speakers, "attributions", (json_int_t)r->attributions, "direct",
			 (json_int_t)r->direct, "direct_share", rounded(share, 3), "articles", (json_int_t)r->articles);
}

/* A JSON array of one item per row of sql, ?1 bound to `arg` when the
 * query has it, each item made from its row by item_of (NULL: out of
 * memory); NULL on error. */
static json_t *rows_as_list(store *st, const char *sql, sqlite3_int64 arg,
			    json_t *(*item_of)(sqlite3_stmt *q, const void *ctx), const void *ctx)
{
	sqlite3_stmt *q = NULL;
	json_t *list = json_array();
	int rc = SQLITE_ERROR;
	if (list && sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_bind_parameter_count(q) > 0)
			sqlite3_bind_int64(q, 1, arg);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			json_t *item = item_of(q, ctx);
			if (!item || json_array_append_new(list, item) != 0) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return NULL;
	}
	return list;
}

static json_t *name_and_count(sqlite3_stmt *q, const void *name_key)
{
	return json_pack("{s:s?, s:I}", (const char *)name_key, column_text(q, 0), "articles",
			 (json_int_t)sqlite3_column_int64(q, 1));
}

/* The rows of a two-column query (a name, a count) as an array of
 * {name_key: name, "articles": count}; NULL on error. */
static json_t *counted(store *st, const char *sql, const char *name_key)
{
	return rows_as_list(st, sql, 0, name_and_count, name_key);
}

/* The one number a query returns, or -1 on error. */
static long count_of(store *st, const char *sql)
{
	sqlite3_stmt *q = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

json_t *store_overview(store *st, char *why, size_t why_size)
{
	long articles = count_of(st, "SELECT count(*) FROM articles WHERE error IS NULL");
	long failed = count_of(st, "SELECT count(*) FROM articles WHERE error IS NOT NULL");
	long attributions = count_of(st, "SELECT count(*) FROM attributions");
	json_t *outlets = counted(st,
				  "SELECT outlet, count(*) FROM articles WHERE outlet IS NOT NULL AND error IS NULL"
				  " GROUP BY outlet ORDER BY count(*) DESC, outlet",
				  "outlet");
	json_t *months = counted(st,
				 "SELECT substr(day, 1, 7) AS month, count(*) FROM articles WHERE day IS NOT NULL"
				 " AND error IS NULL GROUP BY month ORDER BY month",
				 "month");
	json_t *overview = NULL;
	if (outlets && months && articles >= 0 && failed >= 0 && attributions >= 0) {
		overview = json_pack("{s:I, s:I, s:I, s:O, s:O}", "articles", (json_int_t)articles, "failed",
				     (json_int_t)failed, "attributions", (json_int_t)attributions, "outlets", outlets,
				     "months", months);
		if (!overview)
			say(why, why_size, "out of memory");
	} else {
		say(why, why_size, "%s", sqlite3_errmsg(st->db));
	}
	json_decref(outlets);
	json_decref(months);
	return overview;
}

/* ------------------------------------------------------ one article */

static json_t *mention_span(sqlite3_stmt *q, const void *unused)
{
	(void)unused;
	return json_pack("{s:I, s:I, s:s?}", "start", (json_int_t)sqlite3_column_int64(q, 0), "end",
			 (json_int_t)sqlite3_column_int64(q, 1), "text", column_text(q, 2));
}

static json_t *stored_entity(sqlite3_stmt *q, const void *st)
{
	json_t *mentions = rows_as_list((store *)st,
					"SELECT start, \"end\", text FROM mentions WHERE entity_id = ?1 ORDER BY id",
					sqlite3_column_int64(q, 0), mention_span, NULL);
	if (!mentions)
		return NULL;
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:o, s:I}", "name", column_text(q, 1), "role", column_text(q, 2),
			 "kind", column_text(q, 3), "gender", column_text(q, 4), "mentions", mentions, "attributions",
			 (json_int_t)sqlite3_column_int64(q, 5));
}

/* The entities of an article as the record has them; NULL on error. */
static json_t *article_entities(store *st, sqlite3_int64 article)
{
	return rows_as_list(st,
			    "SELECT id, name, role, kind, gender, attribution_count FROM entities"
			    " WHERE article_id = ?1 ORDER BY position",
			    article, stored_entity, st);
}

static json_t *stored_record(sqlite3_stmt *q, const void *unused)
{
	(void)unused;
	return json_loads(column_text(q, 0), 0, NULL);
}

/* The attributions of an article, each as the analysis wrote it; NULL on
 * error. */
static json_t *article_attributions(store *st, sqlite3_int64 article)
{
	return rows_as_list(st, "SELECT record FROM attributions WHERE article_id = ?1 ORDER BY position", article,
			    stored_record, NULL);
}

json_t *store_article_json(store *st, const char *doc_id, bool *found, char *why, size_t why_size)
{
	sqlite3_stmt *q = NULL;
	json_t *answer = NULL;
	*found = false;
	why[0] = '\0';
	if (sqlite3_prepare_v2(st->db,
			       "SELECT ar.id, ar.doc_id, ar.outlet, ar.published, ar.url, ar.title, ar.error, t.text"
			       " FROM articles ar LEFT JOIN article_texts t ON t.article_id = ar.id WHERE ar.doc_id = ?1",
			       -1, &q, NULL) != SQLITE_OK)
		goto db_error;
	sqlite3_bind_text(q, 1, doc_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		goto done;
	if (rc != SQLITE_ROW)
		goto db_error;
	*found = true;
	sqlite3_int64 article = sqlite3_column_int64(q, 0);
	json_t *text = json_null();
	if (sqlite3_column_type(q, 7) != SQLITE_NULL &&
	    !(text = json_stringn(column_text(q, 7), (size_t)sqlite3_column_bytes(q, 7)))) {
		say(why, why_size, "the stored text of %s is not UTF-8, or memory ran out", doc_id);
		goto done;
	}
	json_t *attributions = article_attributions(st, article);
	json_t *entities = attributions ? article_entities(st, article) : NULL;
	if (!attributions || !entities) {
		json_decref(text);
		json_decref(attributions);
		say(why, why_size, "%s", sqlite3_errcode(st->db) == SQLITE_OK ? "out of memory" : sqlite3_errmsg(st->db));
		goto done;
	}
	answer = json_pack("{s:{s:s, s:s?, s:s?, s:s?, s:s?}, s:o, s:s?, s:o, s:o}", "article", "id", column_text(q, 1),
			   "outlet", column_text(q, 2), "date", column_text(q, 3), "url", column_text(q, 4), "title",
			   column_text(q, 5), "text", text, "error", column_text(q, 6), "attributions", attributions,
			   "entities", entities);
	if (!answer)
		say(why, why_size, "out of memory");
	goto done;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(st->db));
done:
	sqlite3_finalize(q);
	return answer;
}

/* ---------------------------------------------- a speaker's months */

/* The months since year 0 of "YYYY-MM", or -1 when it is not a month
 * from 01 to 12 (a stored day is any date that starts like one). */
static long month_number(const char *month)
{
	if (!month || strlen(month) != 7 || !store_is_date(month))
		return -1;
	long m = (month[5] - '0') * 10 + (month[6] - '0');
	if (m < 1 || m > 12)
		return -1;
	return strtol(month, NULL, 10) * 12 + m - 1;
}

static json_t *month_row(const char *month, long attributions, long direct, long articles)
{
	return json_pack("{s:s, s:I, s:I, s:I}", "month", month, "attributions", (json_int_t)attributions, "direct",
			 (json_int_t)direct, "articles", (json_int_t)articles);
}

json_t *store_speaker_months(store *st, const char *key, const char *outlet, const char *since, const char *until,
			     bool *found, char *why, size_t why_size)
{
	sqlite3_stmt *q = NULL;
	json_t *months = NULL, *answer = NULL;
	char sql[1024];
	char *name = NULL, *kind = NULL;
	*found = false;
	why[0] = '\0';
	/* the name shown for the key, as in the lists: the one its entities
	 * use most (ties: the longest) */
	if (sqlite3_prepare_v2(st->db,
			       "SELECT name, kind, count(*) AS uses FROM entities WHERE speaker_key = ?1"
			       " AND attribution_count > 0 GROUP BY name, kind ORDER BY uses DESC, length(name) DESC, name"
			       " LIMIT 1",
			       -1, &q, NULL) != SQLITE_OK)
		goto db_error;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		goto done;
	if (rc != SQLITE_ROW)
		goto db_error;
	*found = true;
	name = strdup(column_text(q, 0) ? column_text(q, 0) : "");
	kind = strdup(column_text(q, 1) ? column_text(q, 1) : "unknown");
	sqlite3_finalize(q);
	q = NULL;
	if (!name || !kind || !(months = json_array()))
		goto nomem;

	snprintf(sql, sizeof sql,
		 "SELECT substr(ar.day, 1, 7) AS month, count(*), sum(a.type = 'direct'), count(DISTINCT a.article_id)"
		 " FROM attributions a JOIN articles ar ON ar.id = a.article_id WHERE a.speaker_key = :exact");
	append_filters(sql, sizeof sql, NULL, NULL, since, until, outlet);
	size_t n = strlen(sql);
	snprintf(sql + n, sizeof sql - n, " GROUP BY month ORDER BY month");
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		goto db_error;
	bind_named(q, ":exact", key);
	bind_named(q, ":since", since);
	bind_named(q, ":until", until);
	bind_named(q, ":outlet", outlet);
	long total = 0, direct = 0, articles = 0, undated = 0;
	long first = -1, last = -1, previous = -1;
	/* the span of the dated months, to know whether to fill the gaps */
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long m = month_number(column_text(q, 0));
		if (m >= 0 && first < 0)
			first = m;
		if (m >= 0)
			last = m;
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	bool fill = first >= 0 && last - first < STORE_MAX_MONTHS;
	sqlite3_reset(q);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *month = column_text(q, 0);
		long count = (long)sqlite3_column_int64(q, 1), d = (long)sqlite3_column_int64(q, 2),
		     in = (long)sqlite3_column_int64(q, 3);
		total += count;
		direct += d;
		articles += in;
		if (!month) {
			undated = count;
			continue;
		}
		long m = month_number(month);
		for (long k = previous + 1; fill && previous >= 0 && m >= 0 && k < m; k++) {
			char gap[32];
			snprintf(gap, sizeof gap, "%04ld-%02ld", k / 12, k % 12 + 1);
			if (json_array_append_new(months, month_row(gap, 0, 0, 0)) != 0)
				goto nomem;
		}
		if (m >= 0)
			previous = m;
		if (json_array_append_new(months, month_row(month, count, d, in)) != 0)
			goto nomem;
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	answer = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:O}", "speaker", name, "key", key, "kind", kind,
			   "attributions", (json_int_t)total, "direct", (json_int_t)direct, "articles",
			   (json_int_t)articles, "undated", (json_int_t)undated, "months", months);
	if (!answer)
		goto nomem;
	goto done;
nomem:
	say(why, why_size, "out of memory");
	goto done;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(st->db));
done:
	sqlite3_finalize(q);
	json_decref(months);
	free(name);
	free(kind);
	return answer;
}
