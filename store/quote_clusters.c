/*
 * quote_clusters.c — the same quote across articles: every attribution's
 * content is matched, as it is indexed, against what the store already
 * holds, and joins the cluster of the quote it repeats (or starts one).
 * `whosaid quotes` and /v1/quotes ask the clusters where a quote was
 * carried, when, by whom it was credited, and whether the credits agree.
 *
 * Matching has three steps (docs/store.md states them for users):
 *   1. Normalisation.  The content is put in Unicode's compatibility form
 *      (NFKC), case folded and stripped of combining marks by utf8proc,
 *      as the speaker keys are; then only letters and digits count, cut
 *      into words at everything else (quotation marks, punctuation, dashes,
 *      white space), and apostrophes inside a word are dropped ("don't",
 *      "don’t" and "dont" are one word).
 *   2. Candidates.  Each cluster's members leave their word trigrams
 *      (64-bit hashes) in quote_shingles, keyed by (hash, cluster).  A new
 *      content looks up each of its trigrams, at most MAX_SHINGLES of them,
 *      and reads at most POSTINGS_PER_SHINGLE clusters for each, the newest
 *      first; the clusters met most often are the candidates, at most
 *      MAX_CANDIDATES.  So the work per attribution is bounded by constants
 *      and B-tree look-ups, whatever the size of the store: a trigram in
 *      more clusters than the bound ("said that the") finds only the newest
 *      ones, and the quote's rarer trigrams find the rest.
 *   3. Verification.  A candidate is compared, word by word, with the
 *      cluster's longest text: the shorter of the two is aligned with the
 *      best-matching stretch of the longer (edit distance in words, free at
 *      both ends of the longer), and the share of the shorter's words that
 *      the alignment keeps is the similarity.  A sentence quoted out of a
 *      paragraph scores 1; one word changed in ten scores 0.9; two quotes
 *      that share a long phrase but go on differently score the phrase's
 *      share, and stay apart below QUOTE_SAME_THRESHOLD.  A short content
 *      (fewer than PARTIAL_MIN_WORDS words) joins only a text that is the
 *      same words, because a few words inside a long quote say little.
 *
 * The trigrams find candidates, never decide: whether two contents are one
 * quote is decided by the exact alignment alone, so a hash collision costs
 * a comparison and no wrong cluster.  tests/test_quote_clusters.c measures
 * the rule on invented pairs.
 *
 * A cluster's text is its longest member's content as written (the first
 * such when two are as long): the fullest version of the quote.  Members
 * are rows of quote_members that go with their attribution (a foreign key,
 * ON DELETE CASCADE), so re-indexing an article takes its members out and
 * puts the new ones in; counts, dates, outlets and speakers are computed
 * from the members when asked, and are never stale.  Every write happens
 * on the store's connection inside the batch transaction of the article,
 * so a kill loses the clusters' writes of the batch with the batch.
 */
#include "store/store.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Words below this are not clustered at all ("we will", "no"). */
#define CLUSTER_MIN_WORDS 4
/* Below this, a content joins only a cluster of exactly its words. */
#define PARTIAL_MIN_WORDS 6
/* Words of a content compared; the rest of a very long one is ignored. */
#define MAX_WORDS 400
/* Trigrams of a content looked up and stored. */
#define MAX_SHINGLES 256
/* Clusters read per trigram: the posting list's bound. */
#define POSTINGS_PER_SHINGLE 32
/* Candidates verified by alignment. */
#define MAX_CANDIDATES 8

const char quote_clusters_sql[] =
	"CREATE TABLE quote_clusters ("
	" id INTEGER PRIMARY KEY,"
	" text TEXT NOT NULL,"
	" norm TEXT NOT NULL,"
	" words INTEGER NOT NULL);"
	"CREATE TABLE quote_members ("
	" attribution_id INTEGER PRIMARY KEY REFERENCES attributions(id) ON DELETE CASCADE,"
	" cluster_id INTEGER NOT NULL REFERENCES quote_clusters(id),"
	" article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
	" speaker_group TEXT,"
	" similarity REAL NOT NULL);"
	"CREATE INDEX quote_members_cluster ON quote_members(cluster_id);"
	"CREATE INDEX quote_members_article ON quote_members(article_id);"
	"CREATE TABLE quote_shingles ("
	" hash INTEGER NOT NULL,"
	" cluster_id INTEGER NOT NULL REFERENCES quote_clusters(id),"
	" PRIMARY KEY (hash, cluster_id)) WITHOUT ROWID;";

/* ------------------------------------------------------- normalisation */

typedef struct quote_words {
	char *norm;               /* the words joined by single spaces, malloc'ed */
	uint64_t *hash;           /* one per word */
	size_t n;
} quote_words;

static void words_free(quote_words *w)
{
	free(w->norm);
	free(w->hash);
	w->norm = NULL;
	w->hash = NULL;
	w->n = 0;
}

static uint64_t fnv(const char *s, size_t len, uint64_t h)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

static bool is_word_char(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

/* Step 1 of the header: text -> words.  false when out of memory.  Text
 * that is not valid UTF-8 is read as its ASCII letters and digits. */
static bool normalise(const char *text, quote_words *w)
{
	utf8proc_uint8_t *folded = NULL;
	memset(w, 0, sizeof *w);
	utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)text, 0, &folded,
					    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
						    UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	const utf8proc_uint8_t *s = len >= 0 ? folded : (const utf8proc_uint8_t *)text;
	size_t n = len >= 0 ? (size_t)len : strlen(text);
	w->norm = malloc(n + 1);
	w->hash = malloc((n / 2 + 1) * sizeof *w->hash);
	if (!w->norm || !w->hash) {
		free(folded);
		words_free(w);
		return false;
	}
	size_t k = 0, word_start = 0;
	bool in_word = false;
	for (size_t i = 0; i <= n && w->n < MAX_WORDS;) {
		utf8proc_int32_t c = 0;
		utf8proc_ssize_t seq = 1;
		if (i < n) {
			if (len >= 0) {
				seq = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &c);
				if (seq <= 0) { /* cannot happen after utf8proc_map; be safe */
					c = 0;
					seq = 1;
				}
			} else {
				c = s[i] < 0x80 ? s[i] : 0;
				if (c >= 'A' && c <= 'Z')
					c += 32;
			}
		}
		bool apostrophe = c == '\'' || c == 0x2019;
		if (i < n && is_word_char(c)) {
			if (!in_word) {
				if (k)
					w->norm[k++] = ' ';
				word_start = k;
				in_word = true;
			}
			if (len >= 0) {
				memcpy(w->norm + k, s + i, (size_t)seq);
				k += (size_t)seq;
			} else {
				w->norm[k++] = (char)c;
			}
		} else if (!(apostrophe && in_word)) {
			/* an apostrophe inside a word is dropped, not a break */
			if (in_word)
				w->hash[w->n++] = fnv(w->norm + word_start, k - word_start, 14695981039346656037u);
			in_word = false;
		}
		i += (size_t)seq;
	}
	w->norm[k] = '\0';
	free(folded);
	return true;
}

/* ------------------------------------------------------------ similarity */

/* Step 3 of the header: the share of the shorter sequence's words kept by
 * its best alignment with a stretch of the longer (1 - edit distance /
 * length), or 0 when the rule says they are not one quote. */
static double aligned_share(const quote_words *a, const quote_words *b)
{
	const quote_words *s = a->n <= b->n ? a : b, *l = a->n <= b->n ? b : a;
	if (s->n < CLUSTER_MIN_WORDS)
		return 0;
	if (s->n < PARTIAL_MIN_WORDS) {
		if (s->n != l->n)
			return 0;
		return memcmp(s->hash, l->hash, s->n * sizeof *s->hash) == 0 ? 1 : 0;
	}
	/* Sellers' semi-global edit distance: row j of the longer costs 0 to
	 * start anywhere; the end is the best of the last row. */
	size_t m = l->n;
	size_t *prev = malloc((m + 1) * sizeof *prev), *cur = malloc((m + 1) * sizeof *cur);
	if (!prev || !cur) {
		free(prev);
		free(cur);
		return 0;
	}
	for (size_t j = 0; j <= m; j++)
		prev[j] = 0;
	for (size_t i = 1; i <= s->n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t sub = prev[j - 1] + (s->hash[i - 1] != l->hash[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	size_t best = s->n;
	for (size_t j = 0; j <= m; j++)
		if (prev[j] < best)
			best = prev[j];
	free(prev);
	free(cur);
	return 1.0 - (double)best / (double)s->n;
}

double quote_similarity(const char *a, const char *b)
{
	quote_words wa, wb;
	if (!normalise(a, &wa))
		return 0;
	if (!normalise(b, &wb)) {
		words_free(&wa);
		return 0;
	}
	double share = aligned_share(&wa, &wb);
	words_free(&wa);
	words_free(&wb);
	return share;
}

bool quote_same(const char *a, const char *b)
{
	return quote_similarity(a, b) >= QUOTE_SAME_THRESHOLD;
}

char *quote_normalised(const char *text)
{
	quote_words w;
	if (!normalise(text, &w))
		return NULL;
	char *norm = w.norm;
	w.norm = NULL;
	words_free(&w);
	return norm;
}

/* --------------------------------------------------------------- writing */

enum quote_statement {
	QS_POSTINGS, QS_CLUSTER, QS_NEW_CLUSTER, QS_GROW, QS_SHINGLE, QS_MEMBER, QS_COUNT
};

static const char *const quote_statement_sql[QS_COUNT] = {
	[QS_POSTINGS] = "SELECT cluster_id FROM quote_shingles WHERE hash = ?1 ORDER BY cluster_id DESC LIMIT ?2",
	[QS_CLUSTER] = "SELECT norm, words FROM quote_clusters WHERE id = ?1",
	[QS_NEW_CLUSTER] = "INSERT INTO quote_clusters (text, norm, words) VALUES (?1, ?2, ?3)",
	[QS_GROW] = "UPDATE quote_clusters SET text = ?2, norm = ?3, words = ?4 WHERE id = ?1",
	[QS_SHINGLE] = "INSERT OR IGNORE INTO quote_shingles (hash, cluster_id) VALUES (?1, ?2)",
	/* (parentheses: one string in two pieces, not two elements) */
	[QS_MEMBER] = ("INSERT INTO quote_members (attribution_id, cluster_id, article_id, speaker_group,"
		       " similarity) VALUES (?1, ?2, ?3, ?4, ?5)"),
};

struct quote_index {
	sqlite3 *db;
	sqlite3_stmt *stmt[QS_COUNT];
};

static void say(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
}

quote_index *quote_index_open(struct sqlite3 *db, char *why, size_t why_size)
{
	quote_index *qi = calloc(1, sizeof *qi);
	if (!qi) {
		say(why, why_size, "out of memory");
		return NULL;
	}
	qi->db = db;
	for (int i = 0; i < QS_COUNT; i++) {
		if (sqlite3_prepare_v2(db, quote_statement_sql[i], -1, &qi->stmt[i], NULL) != SQLITE_OK) {
			say(why, why_size, "%s", sqlite3_errmsg(db));
			quote_index_free(qi);
			return NULL;
		}
	}
	return qi;
}

void quote_index_free(quote_index *qi)
{
	if (!qi)
		return;
	for (int i = 0; i < QS_COUNT; i++)
		sqlite3_finalize(qi->stmt[i]);
	free(qi);
}

static bool step_done(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

/* The trigram hashes of w, without repeats, at most MAX_SHINGLES; the
 * number of them.  A trigram's hash mixes its three words' hashes in
 * order, kept to 63 bits so that SQLite stores it as it is. */
static size_t shingles(const quote_words *w, int64_t *out)
{
	size_t n = 0;
	for (size_t i = 0; i + 2 < w->n && n < MAX_SHINGLES; i++) {
		uint64_t h = 14695981039346656037u;
		for (int k = 0; k < 3; k++)
			h = (h ^ w->hash[i + (size_t)k]) * 1099511628211u, h ^= h >> 29;
		int64_t v = (int64_t)(h >> 1);
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = out[j] == v;
		if (!seen)
			out[n++] = v;
	}
	return n;
}

typedef struct candidate {
	int64_t cluster;
	unsigned hits;
} candidate;

static int by_id(const void *x, const void *y)
{
	const candidate *a = x, *b = y;
	return a->cluster < b->cluster ? -1 : a->cluster > b->cluster;
}

static int by_hits(const void *x, const void *y)
{
	const candidate *a = x, *b = y;
	if (a->hits != b->hits)
		return a->hits > b->hits ? -1 : 1;
	return a->cluster > b->cluster ? -1 : a->cluster < b->cluster;
}

/* The last word of a speaker key: the name under which a cluster's
 * speakers are compared ("tomas reyes" and "reyes" are one).  malloc'ed,
 * or NULL for no speaker (or out of memory, which only loses the flag). */
static char *speaker_group(const char *key)
{
	if (!key || !key[0])
		return NULL;
	const char *space = strrchr(key, ' ');
	const char *last = space ? space + 1 : key;
	char *g = malloc(strlen(last) + 1);
	if (g)
		strcpy(g, last);
	return g;
}

char *quote_speaker_group(const char *key)
{
	return speaker_group(key);
}

int quote_index_add(quote_index *qi, int64_t attribution, int64_t article, const char *content,
		    const char *speaker_key_text, char *why, size_t why_size)
{
	quote_words w;
	int64_t shingle[MAX_SHINGLES];
	candidate *cand = NULL;
	char *group = NULL;
	int result = -1;
	if (!normalise(content ? content : "", &w)) {
		say(why, why_size, "out of memory");
		return -1;
	}
	if (w.n < CLUSTER_MIN_WORDS) {
		words_free(&w);
		return 0;
	}
	size_t nsh = shingles(&w, shingle), ncand = 0;
	cand = malloc((nsh * POSTINGS_PER_SHINGLE + 1) * sizeof *cand);
	if (!cand)
		goto nomem;
	/* step 2: the posting list of every trigram, bounded */
	sqlite3_stmt *q = qi->stmt[QS_POSTINGS];
	for (size_t i = 0; i < nsh; i++) {
		sqlite3_bind_int64(q, 1, shingle[i]);
		sqlite3_bind_int(q, 2, POSTINGS_PER_SHINGLE);
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			cand[ncand++] = (candidate){sqlite3_column_int64(q, 0), 1};
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			goto db_error;
	}
	/* count each cluster's hits: sort by id, fold runs */
	size_t nuniq = 0;
	if (ncand) {
		qsort(cand, ncand, sizeof *cand, by_id);
		for (size_t i = 0; i < ncand; i++) {
			if (nuniq && cand[nuniq - 1].cluster == cand[i].cluster)
				cand[nuniq - 1].hits++;
			else
				cand[nuniq++] = cand[i];
		}
		qsort(cand, nuniq, sizeof *cand, by_hits);
	}
	/* step 3: verify the best candidates; the most similar wins, the
	 * newer on a tie */
	int64_t best = 0;
	double best_share = 0;
	size_t best_words = 0;
	for (size_t i = 0; i < nuniq && i < MAX_CANDIDATES; i++) {
		q = qi->stmt[QS_CLUSTER];
		sqlite3_bind_int64(q, 1, cand[i].cluster);
		if (sqlite3_step(q) != SQLITE_ROW) {
			sqlite3_reset(q);
			goto db_error;
		}
		quote_words cw;
		bool ok = normalise((const char *)sqlite3_column_text(q, 0), &cw);
		size_t cwords = (size_t)sqlite3_column_int64(q, 1);
		sqlite3_reset(q);
		if (!ok)
			goto nomem;
		double share = aligned_share(&w, &cw);
		words_free(&cw);
		if (share >= QUOTE_SAME_THRESHOLD && share > best_share) {
			best = cand[i].cluster;
			best_share = share;
			best_words = cwords;
		}
	}
	if (!best) {
		q = qi->stmt[QS_NEW_CLUSTER];
		sqlite3_bind_text(q, 1, content, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, w.norm, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, (sqlite3_int64)w.n);
		if (!step_done(q))
			goto db_error;
		best = sqlite3_last_insert_rowid(qi->db);
		best_share = 1;
	} else if (w.n > best_words) {
		/* the fuller version becomes the cluster's text, so that later
		 * parts of it are compared with the whole */
		q = qi->stmt[QS_GROW];
		sqlite3_bind_int64(q, 1, best);
		sqlite3_bind_text(q, 2, content, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, w.norm, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 4, (sqlite3_int64)w.n);
		if (!step_done(q))
			goto db_error;
	}
	q = qi->stmt[QS_SHINGLE];
	for (size_t i = 0; i < nsh; i++) {
		sqlite3_bind_int64(q, 1, shingle[i]);
		sqlite3_bind_int64(q, 2, best);
		if (!step_done(q))
			goto db_error;
	}
	group = speaker_group(speaker_key_text);
	q = qi->stmt[QS_MEMBER];
	sqlite3_bind_int64(q, 1, attribution);
	sqlite3_bind_int64(q, 2, best);
	sqlite3_bind_int64(q, 3, article);
	if (group)
		sqlite3_bind_text(q, 4, group, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 4);
	/* three decimals: the figure shown, and one that a rerun reproduces */
	sqlite3_bind_double(q, 5, (double)(long)(best_share * 1000 + 0.5) / 1000);
	if (!step_done(q))
		goto db_error;
	result = 1;
	goto done;
nomem:
	say(why, why_size, "out of memory");
	goto done;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(qi->db));
done:
	free(group);
	free(cand);
	words_free(&w);
	return result;
}

bool quote_index_backfill(struct sqlite3 *db, char *why, size_t why_size)
{
	quote_index *qi = quote_index_open(db, why, why_size);
	sqlite3_stmt *q = NULL;
	bool ok = false;
	if (!qi)
		return false;
	if (sqlite3_prepare_v2(db,
			       "SELECT id, article_id, content, speaker_key FROM attributions"
			       " ORDER BY article_id, position",
			       -1, &q, NULL) != SQLITE_OK) {
		say(why, why_size, "%s", sqlite3_errmsg(db));
		goto done;
	}
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (quote_index_add(qi, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
				    (const char *)sqlite3_column_text(q, 2), (const char *)sqlite3_column_text(q, 3),
				    why, why_size) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE) {
		say(why, why_size, "%s", sqlite3_errmsg(db));
		goto done;
	}
	ok = true;
done:
	sqlite3_finalize(q);
	quote_index_free(qi);
	return ok;
}

/* ------------------------------------------------------------- questions */

/* The members passing the filters, as the CTE m(cid, art, grp, day,
 * outlet[, name, key]) that every question of a cluster starts from.  The
 * names come from the attributions, whose rows are large (each keeps its
 * JSON): the list of all clusters reads them only for the clusters shown. */
static void members_cte(char *sql, size_t size, const quotes_query *q, bool names)
{
	size_t n = (size_t)snprintf(sql, size,
				    "WITH m AS (SELECT qm.cluster_id AS cid, qm.article_id AS art, qm.speaker_group AS grp,"
				    " ar.day AS day, ar.outlet AS outlet%s"
				    " FROM quote_members qm%s"
				    " JOIN articles ar ON ar.id = qm.article_id WHERE 1",
				    names ? ", a.speaker_name AS name, a.speaker_key AS key" : "",
				    names ? " JOIN attributions a ON a.id = qm.attribution_id" : "");
	if (q && q->since)
		n += (size_t)snprintf(sql + n, size - n, " AND ar.day >= :since");
	if (q && q->until)
		n += (size_t)snprintf(sql + n, size - n, " AND substr(ar.day, 1, length(:until)) <= :until");
	if (q && q->outlet)
		n += (size_t)snprintf(sql + n, size - n, " AND ar.outlet = :outlet COLLATE NOCASE");
	snprintf(sql + n, size - n, ") ");
}

static void bind_named(sqlite3_stmt *st, const char *name, const char *value)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0 && value)
		sqlite3_bind_text(st, i, value, -1, SQLITE_TRANSIENT);
}

static void bind_filters(sqlite3_stmt *st, const quotes_query *q)
{
	if (!q)
		return;
	bind_named(st, ":since", q->since);
	bind_named(st, ":until", q->until);
	bind_named(st, ":outlet", q->outlet);
}

static json_t *text_or_null(const unsigned char *s)
{
	return s ? json_string((const char *)s) : json_null();
}

typedef struct speaker_count {
	char *group, *name, *key;
	long count, name_count;
} speaker_count;

static int by_count(const void *x, const void *y)
{
	const speaker_count *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The statements that fill in a cluster's outlets and speakers. */
typedef struct cluster_detail {
	sqlite3_stmt *outlets, *speakers;
} cluster_detail;

static bool detail_prepare(sqlite3 *db, const quotes_query *q, cluster_detail *d)
{
	char cte[1024], sql[2048];
	members_cte(cte, sizeof cte, q, true);
	snprintf(sql, sizeof sql,
		 "%s SELECT outlet, count(DISTINCT art) FROM m WHERE cid = :id AND outlet IS NOT NULL"
		 " GROUP BY outlet ORDER BY 2 DESC, outlet", cte);
	if (sqlite3_prepare_v2(db, sql, -1, &d->outlets, NULL) != SQLITE_OK)
		return false;
	/* the name shown for a speaker is the one its members use most (ties:
	 * the longest); the counts are merged under the key's last word */
	snprintf(sql, sizeof sql,
		 "%s SELECT grp, coalesce(name, grp), key, count(*) FROM m WHERE cid = :id AND grp IS NOT NULL"
		 " GROUP BY grp, name, key ORDER BY grp, count(*) DESC, length(name) DESC, name", cte);
	if (sqlite3_prepare_v2(db, sql, -1, &d->speakers, NULL) != SQLITE_OK)
		return false;
	bind_filters(d->outlets, q);
	bind_filters(d->speakers, q);
	return true;
}

static void detail_free(cluster_detail *d)
{
	sqlite3_finalize(d->outlets);
	sqlite3_finalize(d->speakers);
}

/* {"outlets": [...], "speakers": [...], "conflicting"} of cluster id into
 * object; false on error. */
static bool add_detail(cluster_detail *d, int64_t id, json_t *object)
{
	json_t *outlets = json_array(), *speakers = json_array();
	speaker_count *sc = NULL;
	size_t n = 0, cap = 0;
	bool ok = false;
	int rc;
	sqlite3_bind_int64(d->outlets, sqlite3_bind_parameter_index(d->outlets, ":id"), id);
	while ((rc = sqlite3_step(d->outlets)) == SQLITE_ROW)
		json_array_append_new(outlets, json_pack("{s:s, s:I}", "outlet", sqlite3_column_text(d->outlets, 0),
							 "articles", (json_int_t)sqlite3_column_int64(d->outlets, 1)));
	sqlite3_reset(d->outlets);
	if (rc != SQLITE_DONE)
		goto done;
	sqlite3_bind_int64(d->speakers, sqlite3_bind_parameter_index(d->speakers, ":id"), id);
	while ((rc = sqlite3_step(d->speakers)) == SQLITE_ROW) {
		const char *grp = (const char *)sqlite3_column_text(d->speakers, 0);
		long count = (long)sqlite3_column_int64(d->speakers, 3);
		if (n && strcmp(sc[n - 1].group, grp) == 0) {
			sc[n - 1].count += count; /* rows come best name first */
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			speaker_count *grown = realloc(sc, cap * sizeof *sc);
			if (!grown)
				goto done;
			sc = grown;
		}
		const char *name = (const char *)sqlite3_column_text(d->speakers, 1);
		const char *key = (const char *)sqlite3_column_text(d->speakers, 2);
		sc[n] = (speaker_count){strdup(grp), strdup(name), strdup(key ? key : grp), count, count};
		n++;
	}
	sqlite3_reset(d->speakers);
	if (rc != SQLITE_DONE)
		goto done;
	qsort(sc, n, sizeof *sc, by_count);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(speakers, json_pack("{s:s, s:s, s:I}", "speaker", sc[i].name, "key", sc[i].key,
							  "attributions", (json_int_t)sc[i].count));
	json_object_set_new(object, "outlets", outlets);
	json_object_set_new(object, "speakers", speakers);
	json_object_set_new(object, "conflicting", json_boolean(n > 1));
	outlets = speakers = NULL;
	ok = true;
done:
	for (size_t i = 0; i < n; i++) {
		free(sc[i].group);
		free(sc[i].name);
		free(sc[i].key);
	}
	free(sc);
	json_decref(outlets);
	json_decref(speakers);
	return ok;
}

/* The summary of the clusters the statement q lists: columns cid, text,
 * articles, attributions, first, last. */
static json_t *summary_json(sqlite3_stmt *q)
{
	return json_pack("{s:I, s:o, s:I, s:I, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(q, 0), "text",
			 text_or_null(sqlite3_column_text(q, 1)), "articles", (json_int_t)sqlite3_column_int64(q, 2),
			 "attributions", (json_int_t)sqlite3_column_int64(q, 3), "first_seen",
			 text_or_null(sqlite3_column_text(q, 4)), "last_seen", text_or_null(sqlite3_column_text(q, 5)));
}

int store_quotes(store *st, const quotes_query *qq, bool (*each)(void *ctx, json_t *cluster), void *ctx, char *why,
		 size_t why_size)
{
	sqlite3 *db = store_db(st);
	char cte[1024], sql[3072];
	sqlite3_stmt *q = NULL;
	cluster_detail d = {0};
	char *key = NULL, *group = NULL;
	int result = -1;
	if (qq->speaker) {
		if (!(key = speaker_key(qq->speaker))) {
			say(why, why_size, "out of memory");
			return -1;
		}
		group = speaker_group(key);
	}
	members_cte(cte, sizeof cte, qq, false);
	snprintf(sql, sizeof sql,
		 "%s SELECT cid, c.text, count(DISTINCT art) AS articles, count(*) AS n, min(day), max(day)"
		 " FROM m JOIN quote_clusters c ON c.id = m.cid GROUP BY cid"
		 " HAVING articles >= :min%s%s"
		 " ORDER BY articles DESC, n DESC, min(day) DESC, cid LIMIT :limit",
		 cte, qq->conflicting ? " AND count(DISTINCT grp) > 1" : "",
		 qq->speaker ? " AND sum(grp = :group) > 0" : "");
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK || !detail_prepare(db, qq, &d))
		goto db_error;
	bind_filters(q, qq);
	bind_named(q, ":group", group ? group : "");
	sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":min"), qq->min_articles);
	sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":limit"), qq->limit > 0 ? qq->limit : -1);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		json_t *cluster = summary_json(q);
		if (!cluster || !add_detail(&d, sqlite3_column_int64(q, 0), cluster)) {
			json_decref(cluster);
			goto db_error;
		}
		bool go_on = each(ctx, cluster);
		json_decref(cluster);
		if (!go_on)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto db_error;
	result = 0;
	goto done;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(db));
done:
	detail_free(&d);
	sqlite3_finalize(q);
	free(key);
	free(group);
	return result;
}

json_t *store_quote_cluster(store *st, long id, bool *found, char *why, size_t why_size)
{
	sqlite3 *db = store_db(st);
	char cte[1024], sql[2048];
	sqlite3_stmt *q = NULL, *mq = NULL;
	cluster_detail d = {0};
	json_t *cluster = NULL, *members = NULL;
	*found = false;
	if (why_size)
		why[0] = '\0';
	members_cte(cte, sizeof cte, NULL, false);
	snprintf(sql, sizeof sql,
		 "%s SELECT cid, c.text, count(DISTINCT art), count(*), min(day), max(day)"
		 " FROM m JOIN quote_clusters c ON c.id = m.cid WHERE cid = :id GROUP BY cid", cte);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK || !detail_prepare(db, NULL, &d) ||
	    sqlite3_prepare_v2(db,
			       "SELECT ar.doc_id, ar.outlet, ar.published, ar.url, ar.title, a.position, a.type,"
			       " a.speaker_name, a.speaker_key, a.content, qm.similarity FROM quote_members qm"
			       " JOIN attributions a ON a.id = qm.attribution_id JOIN articles ar ON ar.id = qm.article_id"
			       " WHERE qm.cluster_id = ?1 ORDER BY ar.day NULLS LAST, ar.doc_id, a.position",
			       -1, &mq, NULL) != SQLITE_OK)
		goto db_error;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		goto done; /* no such cluster, or none with members left */
	if (rc != SQLITE_ROW)
		goto db_error;
	if (!(cluster = summary_json(q)) || !add_detail(&d, id, cluster) || !(members = json_array()))
		goto db_error;
	sqlite3_bind_int64(mq, 1, id);
	while ((rc = sqlite3_step(mq)) == SQLITE_ROW) {
		json_t *m = json_pack("{s:{s:s, s:o, s:o, s:o, s:o}, s:I, s:s, s:o, s:o, s:s, s:f}", "article", "id",
				      sqlite3_column_text(mq, 0), "outlet", text_or_null(sqlite3_column_text(mq, 1)),
				      "date", text_or_null(sqlite3_column_text(mq, 2)), "url",
				      text_or_null(sqlite3_column_text(mq, 3)), "title",
				      text_or_null(sqlite3_column_text(mq, 4)), "position",
				      (json_int_t)sqlite3_column_int64(mq, 5), "type", sqlite3_column_text(mq, 6),
				      "speaker", text_or_null(sqlite3_column_text(mq, 7)), "key",
				      text_or_null(sqlite3_column_text(mq, 8)), "content", sqlite3_column_text(mq, 9),
				      "similarity", sqlite3_column_double(mq, 10));
		if (!m || json_array_append_new(members, m) != 0)
			goto db_error;
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	json_object_set_new(cluster, "members", members);
	members = NULL;
	*found = true;
	goto done;
db_error:
	say(why, why_size, "%s", sqlite3_errmsg(db));
	json_decref(cluster);
	cluster = NULL;
done:
	json_decref(members);
	if (!*found && cluster) {
		json_decref(cluster);
		cluster = NULL;
	}
	detail_free(&d);
	sqlite3_finalize(q);
	sqlite3_finalize(mq);
	return cluster;
}
