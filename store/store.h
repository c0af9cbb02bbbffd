/*
 * store.h — the quote store: analysed articles in SQLite, and the
 * questions asked of them (`whosaid index`, `search`, `speakers`,
 * `quotes`).
 *
 * A store is one SQLite file (schema in docs/store.md).  Writing goes one
 * article at a time, in batches of many articles per transaction, so that
 * a run killed at any moment leaves the last committed batch and nothing
 * half-written; the next run of the same command skips what is already
 * stored unchanged and does the rest.  A store handle belongs to one
 * thread.
 */
#ifndef WHOSAID_STORE_H
#define WHOSAID_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The schema this build writes.  A store of an older schema is migrated
 * when opened; a newer one is refused. */
#define STORE_SCHEMA_VERSION 6

typedef struct store store;

/* Open the store at path, creating it (and its schema) when writable is
 * true and it does not exist.  NULL on failure, with the reason in why
 * (why_size bytes). */
store *store_open(const char *path, bool writable, char *why, size_t why_size);
/* Commit what is pending and close.  false (with why) when the commit
 * fails; the store is closed either way.  NULL is a no-op. */
bool store_close(store *st, char *why, size_t why_size);

/* The last SQLite error of the store, for messages. */
const char *store_error(const store *st);

/* ------------------------------------------------------------- writing */

/* The fingerprint of an article's input: its text, passed-through
 * metadata and the model that analyses it, as 16 hex digits.  An article
 * stored with the same id and fingerprint is unchanged. */
void store_fingerprint(const char *text, size_t len, const char *extra, const char *model,
		       char out[17]);

/* 1 when an analysed article with this id and fingerprint is stored,
 * 0 when not, -1 on a database error. */
int store_has_article(store *st, const char *doc_id, const char *fingerprint);
/* 1 when the store holds doc_id as an error row whose error is why (a
 * failure known from an earlier run), 0 when not, -1 on a database error. */
int store_has_error(store *st, const char *doc_id, const char *why);

typedef struct store_article {
	const char *doc_id;
	const char *origin;       /* FILE or FILE:LINE, for error rows */
	const char *fingerprint;
	const char *model;
	size_t bytes;             /* input size */
	const char *record;       /* the JSON record (codepoint offsets), or NULL */
	size_t record_len;
	const char *error;        /* why the article failed, or NULL */
	const char *text;         /* the article as analysed, to keep (text_len
				   * bytes, any bytes), or NULL to keep none */
	size_t text_len;
} store_article;

/* Replace the article of the same id (its attributions, entities and
 * mentions go with it) by this one, within the current batch; a batch is
 * committed every batch_size articles or every couple of seconds.
 * false on a database error or a record that is not a whosaid record,
 * with why. */
bool store_put_article(store *st, const store_article *a, char *why, size_t why_size);

/* Keep the text of an analysed article stored unchanged without one (it
 * was indexed before the store kept texts, or with --no-text), within
 * the current batch: 1 when kept, 0 when the store holds no such
 * analysed article or already has its text, -1 on a database error (why). */
int store_add_text(store *st, const char *doc_id, const char *text, size_t len, char *why, size_t why_size);

/* Articles per transaction (default 256; at least 1). */
void store_set_batch(store *st, unsigned batch_size);

/* ---------------------------------------------------------- questions */

/* Whether s is a date as the questions take them: YYYY, YYYY-MM or
 * YYYY-MM-DD (compared with an article's day as a prefix). */
bool store_is_date(const char *s);

typedef struct search_query {
	const char *match;        /* words to find in contents, or NULL for all */
	const char *speaker;      /* a speaker's name, or NULL */
	const char *kind;         /* "direct", "mixed", "indirect" or NULL */
	const char *since;        /* YYYY[-MM[-DD]]: on or after, or NULL */
	const char *until;        /* YYYY[-MM[-DD]]: on or before, or NULL */
	const char *outlet;       /* the outlet, any case, or NULL */
	long limit;               /* at most this many hits; 0: no limit */
	long offset;              /* skip this many hits first (paging) */
} search_query;

typedef struct search_hit {
	long rank;                /* 1 for the best (offset + 1 for the first of a page) */
	double score;             /* bm25 relevance, higher is better; 0 without words */
	const char *doc_id;
	const char *outlet, *date, *url, *title;  /* NULL when unknown */
	const char *type;
	const char *speaker;      /* the speaker's name as stored, or NULL */
	const char *speaker_kind; /* or NULL */
	const char *source, *cue, *content;        /* texts; content fragments joined */
	double confidence;
	const char *attribution;  /* the attribution as in the JSON output */
	long quote_cluster;       /* the quote cluster of the attribution, or 0 (too short) */
	long quote_articles;      /* articles carrying that quote */
	const char *quote_first_seen; /* the earliest day of those, or NULL */
} search_hit;

/* Call each(ctx, hit) for every hit in rank order (each returns false to
 * stop).  0 when done, -1 on a database error, -2 when match is not a
 * query the full-text index understands; why says which. */
int store_search(store *st, const search_query *q, bool (*each)(void *ctx, const search_hit *hit),
		 void *ctx, char *why, size_t why_size);

enum speaker_grouping { BY_NONE, BY_OUTLET, BY_MONTH };

typedef struct speaker_row {
	const char *group;        /* the outlet or YYYY-MM; NULL when not grouped or unknown */
	const char *name;         /* the speaker's most used full name */
	const char *key;          /* the normalised name the counts are merged under */
	const char *kind;         /* person, organization, group or unknown */
	long attributions;
	long direct;
	long articles;
	const char *first_seen;   /* YYYY-MM-DD or NULL when no article has a date */
	const char *last_seen;
} speaker_row;

/* Call each(ctx, row) for every speaker (within each group), most quoted
 * first; limit 0 for all (per group).  0 when done, -1 on a database error. */
int store_speakers(store *st, enum speaker_grouping by, const char *outlet, const char *since,
		   const char *until, long limit, bool (*each)(void *ctx, const speaker_row *row),
		   void *ctx, char *why, size_t why_size);

/* The persons of a store by gender: for each of female, male and unknown,
 * how many distinct speakers and their attributions (within the filters).
 * A speaker's gender is the one its articles give it most often (an
 * article's entity has it from that article's evidence; docs/store.md). */
typedef struct gender_row {
	const char *gender;       /* female, male or unknown */
	long speakers;            /* distinct speaker keys */
	long attributions;
	long direct;
	long articles;
} gender_row;

/* Call each(ctx, row) for each gender, most quoted first.  0 when done, -1
 * on a database error. */
int store_genders(store *st, const char *outlet, const char *since, const char *until,
		  bool (*each)(void *ctx, const gender_row *row), void *ctx, char *why, size_t why_size);

/* ------------------------------------------------- answers as JSON */

/* jansson values (json_t, from <jansson.h>) for the JSON forms of the
 * answers, shared by the commands and the server; NULL when out of
 * memory.  A hit is {"rank", "score", "article": {"id", "outlet", "date",
 * "url", "title"}, "attribution", "quote": {"cluster", "articles",
 * "first_seen"} or null}; a speaker row has the group first
 * ("outlet" or "month") when grouped. */
struct json_t;
struct json_t *search_hit_json(const search_hit *hit);
struct json_t *speaker_row_json(const speaker_row *row, enum speaker_grouping by);
/* {"gender", "speakers", "attributions", "direct", "direct_share", "articles"} */
struct json_t *gender_row_json(const gender_row *row);

/* One stored article with what the analysis found in it: {"article":
 * {"id", "outlet", "date", "url", "title"}, "text" (as analysed: invalid
 * bytes and NULs as U+FFFD, so that the code point offsets fit; null when
 * the store holds none), "error" (null, or why the article failed),
 * "attributions" (as in the analysis output, in text order), "entities"
 * ({"name", "role", "kind", "gender", "mentions", "attributions"})}.  NULL
 * with *found false and why empty when there is no article doc_id; NULL
 * with why on a database error or out of memory. */
struct json_t *store_article_json(store *st, const char *doc_id, bool *found, char *why, size_t why_size);

/* A speaker's attributions per month: {"speaker", "key", "kind",
 * "attributions", "direct", "articles", "undated" (attributions in
 * articles without a day), "months": [{"month", "attributions", "direct",
 * "articles"}]}, every month from the first to the last listed, those
 * without attributions as 0 (unless they span more than
 * STORE_MAX_MONTHS, when only months with attributions are).  key is
 * matched exactly (no surname matching); outlet, since and until filter
 * as for the lists (NULL for none).  NULL with *found false and why empty
 * when no attribution of the store has the key; NULL with why on a
 * database error or out of memory. */
#define STORE_MAX_MONTHS 1200
struct json_t *store_speaker_months(store *st, const char *key, const char *outlet, const char *since,
				    const char *until, bool *found, char *why, size_t why_size);

/* What a store holds, for a browsing page: {"articles", "failed",
 * "attributions", "outlets": [{"outlet", "articles"}], "months":
 * [{"month", "articles"}]}, outlets by articles, months in order.  NULL
 * on a database error (with why) or out of memory. */
struct json_t *store_overview(store *st, char *why, size_t why_size);

/* ---------------------------------------------------------- speaker keys */

/* The normalised form of a speaker's name under which counts are merged
 * across articles (docs/store.md): case folded, titles and honorifics
 * dropped, initials joined ("J.D. Vance", "JD Vance" -> "jd vance").
 * malloc'ed; NULL when out of memory. */
char *speaker_key(const char *name);

/* --------------------------------------------------------- quote clusters */

/* The same quote across articles (quote_clusters.c; docs/store.md, "Quote
 * clusters").  Two contents are one quote when quote_similarity() is at
 * least this: the share of the shorter's words that its best alignment
 * with a stretch of the longer keeps. */
#define QUOTE_SAME_THRESHOLD 0.8

/* The tables of the clusters, created with the store and by the migration
 * to the schema that has them. */
extern const char quote_clusters_sql[];

/* 0..1 as above (0 also for contents too short to cluster); and whether
 * it reaches the threshold.  Case, quotation marks, punctuation, white
 * space and Unicode forms do not count. */
double quote_similarity(const char *a, const char *b);
bool quote_same(const char *a, const char *b);
/* The normalised words of a text joined by spaces (malloc'ed; NULL when
 * out of memory), and the last word of a speaker key, under which a
 * cluster's speakers are compared (NULL for none). */
char *quote_normalised(const char *text);
char *quote_speaker_group(const char *key);

/* For the store's own files: the clustering of attributions as they are
 * written, on the store's connection and inside its transaction. */
struct sqlite3;
typedef struct quote_index quote_index;
quote_index *quote_index_open(struct sqlite3 *db, char *why, size_t why_size);
void quote_index_free(quote_index *qi);
/* Put attribution (of article) into the cluster of the quote its content
 * repeats, or a new one: 1 when clustered, 0 when too short to be, -1 on
 * a database error (why). */
int quote_index_add(quote_index *qi, int64_t attribution, int64_t article, const char *content,
		    const char *speaker_key, char *why, size_t why_size);
/* Cluster every stored attribution, in the order they were written (the
 * migration to the schema with clusters). */
bool quote_index_backfill(struct sqlite3 *db, char *why, size_t why_size);
/* The store's connection, for the clusters' questions. */
struct sqlite3 *store_db(store *st);

typedef struct quotes_query {
	const char *speaker;      /* a member credited to NAME (by its key's last word), or NULL */
	const char *since, *until;/* members in articles of these days, or NULL */
	const char *outlet;       /* members in articles of this outlet, or NULL */
	long min_articles;        /* clusters carried by at least this many articles */
	bool conflicting;         /* only clusters whose members credit different speakers */
	long limit;               /* 0: all */
} quotes_query;

/* Call each(ctx, cluster) with every cluster passing q, most widely
 * carried first, as JSON: {"id", "text", "articles", "attributions",
 * "first_seen", "last_seen", "outlets": [{"outlet", "articles"}],
 * "speakers": [{"speaker", "key", "attributions"}], "conflicting"}, counted
 * over the members that pass the date and outlet filters.  each owns
 * nothing (the object is released after).  0 when done, -1 on a database
 * error (why). */
int store_quotes(store *st, const quotes_query *q, bool (*each)(void *ctx, struct json_t *cluster), void *ctx,
		 char *why, size_t why_size);
/* One cluster as above with all its members: "members": [{"article": {"id",
 * "outlet", "date", "url", "title"}, "position", "type", "speaker", "key",
 * "content", "similarity"}], by date.  NULL with *found false and why
 * empty when there is no such cluster (or none of its members is left);
 * NULL with why on a database error. */
struct json_t *store_quote_cluster(store *st, long id, bool *found, char *why, size_t why_size);

/* One field of a TSV or CSV row of the store's commands, and the
 * delimiter or line end after it (CR LF in CSV), on stdout, written by the
 * library's ws_render_cell(): TSV turns tabs and line breaks into spaces;
 * CSV quotes a field that needs it (RFC 4180).  A field that starts with
 * =, +, -, @, a tab or a carriage return gets a ' in front, so that a
 * spreadsheet shows it rather than runs it.  false when stdout fails or
 * memory runs out. */
bool store_put_field(bool csv, const char *s, bool last);
/* The same on out (the server writes its CSV answers into memory). */
bool store_write_field(FILE *out, bool csv, const char *s, bool last);

/* The header line and the row of a search hit in TSV or CSV, as `whosaid
 * search -f tsv|csv` writes them (query_commands.c), on out; false when
 * out fails. */
bool search_hits_write_header(FILE *out, bool csv);
bool search_hit_write_row(FILE *out, bool csv, const search_hit *hit);

/* -------------------------------------------------------------- commands */

/* argv[0] being the command's name: `whosaid index` (index_command.c),
 * `whosaid search` and `whosaid speakers` (query_commands.c). */
int index_main(int argc, char **argv);
int search_main(int argc, char **argv);
int speakers_main(int argc, char **argv);
/* `whosaid quotes` (quotes_command.c) */
int quotes_main(int argc, char **argv);

#endif /* WHOSAID_STORE_H */
