/*
 * serve.c — `whosaid serve`: the analysis, and a quote store's questions,
 * over HTTP, with a page for people (docs/server.md is the reference).
 *
 * The HTTP side is GNU libmicrohttpd with a pool of --jobs threads.  The
 * model is loaded once and shared by every thread, as the library allows;
 * a request borrows a document object (and, for the store's questions, a
 * SQLite connection) from a pool for as long as it runs, so that memory
 * does not grow with the number of requests.
 *
 * A request is taken in three steps, as libmicrohttpd calls the handler:
 * first its headers alone, when everything that can be refused early is
 * refused (unknown path, wrong method, wrong content type, a declared
 * body over the limit, too many requests at once); then its body, in
 * pieces, collected up to --max-body; then the answer.  Every error is a
 * JSON object {"error": {"status": N, "message": "..."}}.
 *
 * The server binds to loopback unless told otherwise, and runs until
 * SIGINT or SIGTERM, when it finishes the requests in progress, releases
 * everything and exits 0.
 */
#include "server/server.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char help_text[] =
	"Usage: whosaid serve [OPTIONS]\n"
	"Serve the analysis over HTTP, with a page to paste an article into and\n"
	"see who said what; with --db, also search and speakers of a quote store.\n"
	"The API is described in docs/server.md.  Stop it with Ctrl-C (SIGINT) or\n"
	"SIGTERM: requests in progress are finished first.\n"
	"\n"
	"Options:\n"
	"      --port N             TCP port (default: 8080; 0 picks a free one)\n"
	"      --bind ADDRESS       IPv4 or IPv6 address to listen on (default:\n"
	"                           127.0.0.1, this machine only)\n"
	"      --db FILE            a quote store (whosaid index) to answer\n"
	"                           /v1/search and /v1/speakers from\n"
	"      --model NAME         the analysis model (default: " WS_DEFAULT_MODEL ")\n"
	"  -j, --jobs N             threads answering requests (default: the\n"
	"                           number of cores)\n"
	"      --max-body BYTES     largest request body (default: 8388608, 8 MiB);\n"
	"                           larger ones get 413\n"
	"      --max-header BYTES   memory for a request's headers (default: 32768);\n"
	"                           larger headers get 431\n"
	"      --timeout SECONDS    a connection silent for this long is closed\n"
	"                           (default: 30)\n"
	"      --max-connections N  connections open at once; more wait in the\n"
	"                           system's queue until one closes (default: 256)\n"
	"      --max-requests N     requests in progress at once; more get 503\n"
	"                           (default: 128)\n"
	"  -q, --quiet              no start and stop messages\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 after a signal stopped it, 1 when it cannot start (the\n"
	"port is taken, the model or store cannot be opened), 2 for a usage error.\n";

/* ------------------------------------------------------------- options */

enum serve_option {
	S_PORT, S_BIND, S_DB, S_MODEL, S_JOBS, S_MAX_BODY, S_MAX_HEADER, S_TIMEOUT, S_MAX_CONNECTIONS,
	S_MAX_REQUESTS, S_QUIET, S_HELP
};

static const cli_option serve_option_specs[] = {
	{"port", 0, true, S_PORT},
	{"bind", 0, true, S_BIND},
	{"db", 0, true, S_DB},
	{"model", 0, true, S_MODEL},
	{"jobs", 'j', true, S_JOBS},
	{"max-body", 0, true, S_MAX_BODY},
	{"max-header", 0, true, S_MAX_HEADER},
	{"timeout", 0, true, S_TIMEOUT},
	{"max-connections", 0, true, S_MAX_CONNECTIONS},
	{"max-requests", 0, true, S_MAX_REQUESTS},
	{"quiet", 'q', false, S_QUIET},
	{"help", 'h', false, S_HELP},
};

static int apply_serve_option(void *ctx, int id, const char *value)
{
	serve_options *o = ctx;
	unsigned long long n = 0;
	static const struct {
		int id;
		unsigned long long min, max;
		const char *what;
	} ranges[] = {
		{S_PORT, 0, 65535, "--port needs a port number from 0 to 65535, not '%s'"},
		{S_JOBS, 1, CLI_MAX_JOBS, "--jobs needs a number of threads from 1 to 256, not '%s'"},
		{S_MAX_BODY, 1, WS_MAX_DOCUMENT_BYTES * 4, "--max-body needs a number of bytes from 1 to 256 MiB, not '%s'"},
		{S_MAX_HEADER, 4096, 1 << 24, "--max-header needs a number of bytes from 4096 to 16 MiB, not '%s'"},
		{S_TIMEOUT, 1, 86400, "--timeout needs a number of seconds from 1 to 86400, not '%s'"},
		{S_MAX_CONNECTIONS, 1, 65536, "--max-connections needs a number from 1 to 65536, not '%s'"},
		{S_MAX_REQUESTS, 1, 65536, "--max-requests needs a number from 1 to 65536, not '%s'"},
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (ranges[i].id == id && !cli_number(value, ranges[i].min, ranges[i].max, &n))
			return cli_usage_error("serve", ranges[i].what, value);
	switch ((enum serve_option)id) {
	case S_PORT: o->port = (unsigned)n; break;
	case S_BIND: o->bind = value; break;
	case S_DB: o->db = value; break;
	case S_MODEL: o->model = value; break;
	case S_JOBS: o->jobs = (unsigned)n; break;
	case S_MAX_BODY: o->max_body = (size_t)n; break;
	case S_MAX_HEADER: o->max_header = (size_t)n; break;
	case S_TIMEOUT: o->timeout = (unsigned)n; break;
	case S_MAX_CONNECTIONS: o->max_connections = (unsigned)n; break;
	case S_MAX_REQUESTS: o->max_requests = (unsigned)n; break;
	case S_QUIET: o->quiet = true; break;
	case S_HELP: return CLI_PARSE_HELP;
	}
	return CLI_PARSE_RUN;
}

/* --------------------------------------------------------------- pools */

/* Objects that requests borrow and give back: document objects, store
 * connections.  Made when none is free, kept for the next request, so the
 * pool grows to the number of requests that ever ran at once (at most the
 * number of threads) and no further. */
typedef struct pool {
	void **free_items;
	size_t nfree, cap;
	pthread_mutex_t lock;
} pool;

static void *pool_take(pool *p)
{
	void *item = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->nfree)
		item = p->free_items[--p->nfree];
	pthread_mutex_unlock(&p->lock);
	return item;
}

/* Give item back; false (the caller releases it) when there is no room. */
static bool pool_give(pool *p, void *item)
{
	bool kept = false;
	pthread_mutex_lock(&p->lock);
	if (p->nfree == p->cap) {
		size_t ncap = p->cap ? 2 * p->cap : 8;
		void **items = realloc(p->free_items, ncap * sizeof *items);
		if (items) {
			p->free_items = items;
			p->cap = ncap;
		}
	}
	if (p->nfree < p->cap) {
		p->free_items[p->nfree++] = item;
		kept = true;
	}
	pthread_mutex_unlock(&p->lock);
	return kept;
}

/* -------------------------------------------------------------- server */

struct serve_server {
	serve_options opt;
	ws_model *model;
	cli_options analysis;     /* for cli_jsonl_record() and cli_analyze_document() */
	pool docs, stores;
	atomic_uint requests;     /* in progress */
	struct MHD_Daemon *daemon;
};
typedef struct serve_server server;

/* The state of one request, from its headers to its answer. */
typedef struct request {
	char *body;
	size_t len, cap;
	bool too_large;           /* the body went past --max-body */
	bool counted;             /* counted in server.requests */
} request;

/* Content types /v1/extract takes. */
enum body_kind { BODY_TEXT, BODY_JSON, BODY_JSON_LINES, BODY_OTHER };

static enum body_kind body_kind(const char *content_type)
{
	if (!content_type)
		return BODY_OTHER;
	size_t n = strcspn(content_type, "; \t");
	static const struct {
		const char *type;
		enum body_kind kind;
	} types[] = {
		{"text/plain", BODY_TEXT},           {"application/json", BODY_JSON},
		{"application/x-ndjson", BODY_JSON_LINES}, {"application/jsonl", BODY_JSON_LINES},
		{"application/json-lines", BODY_JSON_LINES}, {"application/jsonlines", BODY_JSON_LINES},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i].type) == n && strncasecmp(content_type, types[i].type, n) == 0)
			return types[i].kind;
	return BODY_OTHER;
}

/* ----------------------------------------------------------- responses */

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type, const char *data,
			       size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, POST");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

/* A JSON value as the answer; takes the reference. */
static enum MHD_Result respond_json(struct MHD_Connection *c, unsigned status, json_t *value)
{
	char *text = value ? json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(value);
	if (!text)
		return respond(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "application/json",
			       "{\"error\":{\"status\":500,\"message\":\"out of memory\"}}", 51);
	size_t n = strlen(text);
	text[n] = '\n'; /* every answer ends with a newline, like the command's records */
	enum MHD_Result ok = respond(c, status, "application/json", text, n + 1);
	free(text);
	return ok;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static enum MHD_Result respond_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	return respond_json(c, status, json_pack("{s:{s:i, s:s}}", "error", "status", (int)status, "message", message));
}

/* ------------------------------------------------------------- extract */

static ws_doc *borrow_doc(server *s)
{
	ws_doc *doc = pool_take(&s->docs);
	if (!doc && ws_doc_new(NULL, &doc) != WS_OK)
		return NULL;
	return doc;
}

static void return_doc(server *s, ws_doc *doc)
{
	if (doc && !pool_give(&s->docs, doc))
		ws_doc_free(doc);
}

/* The offsets a request asks for, ?offsets=bytes; codepoints otherwise. */
static bool offsets_of(struct MHD_Connection *c, ws_offset_unit *unit)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "offsets");
	*unit = WS_OFFSETS_CODEPOINTS;
	if (!v || strcmp(v, "codepoints") == 0)
		return true;
	if (strcmp(v, "bytes") == 0) {
		*unit = WS_OFFSETS_BYTES;
		return true;
	}
	return false;
}

/* One document: text/plain (id from ?id=) or a JSON object {"text", "id",
 * ...}.  The record of the command's JSON Lines output. */
static enum MHD_Result extract_one(server *s, struct MHD_Connection *c, request *rq, enum body_kind kind,
				   ws_offset_unit offsets)
{
	cli_doc d = {0};
	if (kind == BODY_JSON) {
		if (cli_jsonl_record(&s->analysis, "body", "body", 1, rq->body, rq->len, &d) != CLI_NEXT) {
			cli_doc_clear(&d);
			return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		}
		if (d.error) {
			/* "body:1: invalid JSON: ..." -> "invalid JSON: ..." */
			const char *why = strncmp(d.error, "body:1: ", 8) == 0 ? d.error + 8 : d.error;
			enum MHD_Result r = respond_error(c, MHD_HTTP_BAD_REQUEST, "%s", why);
			cli_doc_clear(&d);
			return r;
		}
	} else {
		const char *id = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "id");
		d.id = id ? cli_format("%s", id) : NULL;
		d.text = rq->body;
		d.len = rq->len;
		rq->body = NULL; /* the document owns it now */
	}
	ws_doc *doc = borrow_doc(s);
	ws_buffer record = {0};
	ws_error err = {0};
	ws_render_options ro = {.format = WS_FORMAT_JSONL, .offsets = offsets, .id = d.id, .extra_json = d.extra};
	ws_status st = doc ? ws_doc_analyze(doc, s->model, d.text, d.len, &err) : WS_ERR_NOMEM;
	if (st == WS_OK)
		st = ws_doc_render(doc, &ro, &record, &err);
	return_doc(s, doc);
	cli_doc_clear(&d);
	enum MHD_Result r;
	if (st == WS_OK)
		r = respond(c, MHD_HTTP_OK, "application/json", record.data, record.len);
	else if (st == WS_ERR_TOO_LARGE)
		r = respond_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "%s", err.message);
	else if (st == WS_ERR_NOMEM)
		r = respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	else
		r = respond_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "%s", err.message);
	ws_buffer_free(&record);
	return r;
}

/* A batch: one JSON object per line, one record per line back, in order,
 * an error record for a line that cannot be used (as the command does). */
static enum MHD_Result extract_lines(server *s, struct MHD_Connection *c, request *rq, ws_offset_unit offsets)
{
	cli_options opt = s->analysis;
	opt.offsets = offsets;
	ws_doc *doc = borrow_doc(s);
	ws_buffer out = {0}, record = {0};
	char reason[CLI_REASON_SIZE];
	bool ok = doc != NULL;
	size_t lineno = 0;
	for (size_t start = 0; ok && start < rq->len;) {
		const char *nl = memchr(rq->body + start, '\n', rq->len - start);
		size_t end = nl ? (size_t)(nl - rq->body) : rq->len;
		const char *line = rq->body + start;
		size_t len = end - start;
		start = end + 1;
		lineno++;
		if (len && line[len - 1] == '\r')
			len--;
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len)
			continue; /* blank lines are not records */
		cli_doc d = {0};
		ok = cli_jsonl_record(&opt, "body", "body", lineno, line, len, &d) == CLI_NEXT &&
		     cli_analyze_document(&opt, s->model, doc, &d, false, &record, reason, sizeof reason) !=
			     CLI_DOC_FATAL;
		cli_doc_clear(&d);
		if (ok && record.len) {
			if (out.len + record.len > out.cap) {
				size_t ncap = (out.len + record.len) * 2;
				char *p = realloc(out.data, ncap);
				ok = p != NULL;
				if (ok) {
					out.data = p;
					out.cap = ncap;
				}
			}
			if (ok) {
				memcpy(out.data + out.len, record.data, record.len);
				out.len += record.len;
			}
		}
	}
	return_doc(s, doc);
	enum MHD_Result r = ok ? respond(c, MHD_HTTP_OK, "application/x-ndjson", out.data ? out.data : "", out.len)
			       : respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	ws_buffer_free(&out);
	ws_buffer_free(&record);
	return r;
}

/* -------------------------------------------------------------- store */

static store *borrow_store(server *s, char *why, size_t why_size)
{
	store *st = pool_take(&s->stores);
	return st ? st : store_open(s->opt.db, false, why, why_size);
}

static void return_store(server *s, store *st)
{
	char why[256];
	if (st && !pool_give(&s->stores, st))
		store_close(st, why, sizeof why);
}

typedef struct collected {
	json_t *list;
	enum speaker_grouping by;
	bool failed;
} collected;

static bool collect_hit(void *ctx, const search_hit *hit)
{
	collected *all = ctx;
	if (json_array_append_new(all->list, search_hit_json(hit)) != 0)
		all->failed = true;
	return !all->failed;
}

static bool collect_speaker(void *ctx, const speaker_row *row)
{
	collected *all = ctx;
	if (json_array_append_new(all->list, speaker_row_json(row, all->by)) != 0)
		all->failed = true;
	return !all->failed;
}

/* ?limit=N from 1 to MAX_LIMIT, or the default; -1 when not that.  There
 * is no "no limit" here, unlike on the command line: one request must not
 * be able to ask for the whole store. */
#define MAX_LIMIT 10000
static long limit_of(struct MHD_Connection *c, long fallback)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	unsigned long long n;
	if (!v || !*v)
		return fallback;
	return cli_number(v, 1, MAX_LIMIT, &n) ? (long)n : -1;
}

enum question { Q_SEARCH, Q_SPEAKERS, Q_OVERVIEW };

static enum MHD_Result answer_question(server *s, struct MHD_Connection *c, enum question what)
{
	if (!s->opt.db)
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no quote store: start the server with --db FILE");
	const char *kind = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "kind");
	const char *by = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "by");
	search_query q = {
		.match = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q"),
		.speaker = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "speaker"),
		.kind = kind,
		.since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since"),
		.until = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "until"),
		.outlet = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "outlet"),
		.limit = limit_of(c, what == Q_SEARCH ? 20 : 100),
	};
	/* empty parameters, as an HTML form sends them, mean absent */
	const char **params[] = {&q.match, &q.speaker, &q.kind, &q.since, &q.until, &q.outlet, &by};
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
		if (*params[i] && !**params[i])
			*params[i] = NULL;
	kind = q.kind;
	if (kind && strcmp(kind, "direct") && strcmp(kind, "mixed") && strcmp(kind, "indirect"))
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "kind must be direct, mixed or indirect, not '%s'", kind);
	if ((q.since && !store_is_date(q.since)) || (q.until && !store_is_date(q.until)))
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "since and until must be YYYY, YYYY-MM or YYYY-MM-DD");
	if (q.limit < 0)
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "limit must be a number from 1 to %d", MAX_LIMIT);
	enum speaker_grouping grouping = BY_NONE;
	if (by && strcmp(by, "outlet") == 0)
		grouping = BY_OUTLET;
	else if (by && strcmp(by, "month") == 0)
		grouping = BY_MONTH;
	else if (by)
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "by must be outlet or month, not '%s'", by);

	char why[512];
	store *st = borrow_store(s, why, sizeof why);
	if (!st)
		return respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", why);
	collected all = {json_array(), grouping, false};
	int rc = -1;
	json_t *answer = NULL;
	if (what == Q_OVERVIEW) {
		answer = store_overview(st, why, sizeof why);
		rc = answer ? 0 : -1;
	} else if (all.list) {
		rc = what == Q_SEARCH ? store_search(st, &q, collect_hit, &all, why, sizeof why)
				      : store_speakers(st, grouping, q.outlet, q.since, q.until, q.limit, collect_speaker,
						       &all, why, sizeof why);
		if (rc == 0 && !all.failed)
			answer = json_pack("{s:O}", what == Q_SEARCH ? "hits" : "speakers", all.list);
	}
	return_store(s, st);
	json_decref(all.list);
	if (rc == -2)
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "%s", why);
	if (rc < 0)
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", why);
	if (!answer)
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return respond_json(c, MHD_HTTP_OK, answer);
}

/* ------------------------------------------------------------- routing */

enum route { R_PAGE, R_ASSET, R_HEALTH, R_VERSION, R_EXTRACT, R_SEARCH, R_SPEAKERS, R_OVERVIEW, R_NONE };

static const struct {
	const char *path;
	enum route route;
	bool post;                /* POST, else GET (and HEAD) */
} routes[] = {
	{"/", R_PAGE, false},          {"/healthz", R_HEALTH, false},    {"/v1/version", R_VERSION, false},
	{"/v1/extract", R_EXTRACT, true}, {"/v1/search", R_SEARCH, false}, {"/v1/speakers", R_SPEAKERS, false},
	{"/v1/store", R_OVERVIEW, false},
};

static enum route route_of(const char *url, bool *post)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(url, routes[i].path) == 0) {
			*post = routes[i].post;
			return routes[i].route;
		}
	}
	*post = false;
	return serve_asset(url, NULL, NULL) ? R_ASSET : R_NONE;
}

static enum MHD_Result answer_version(server *s, struct MHD_Connection *c)
{
	return respond_json(c, MHD_HTTP_OK,
			    json_pack("{s:s, s:i, s:s, s:i, s:b}", "whosaid", WS_VERSION, "schema", WS_SCHEMA_VERSION,
				      "model", ws_model_name(s->model), "store_schema", STORE_SCHEMA_VERSION, "store",
				      s->opt.db != NULL));
}

static enum MHD_Result answer_asset(struct MHD_Connection *c, const char *url)
{
	const char *type = NULL;
	size_t len = 0;
	const char *data = serve_asset(strcmp(url, "/") == 0 ? "/index.html" : url, &type, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* The page runs only its own script and style, and talks only to this
	 * server: article text that slipped into the page as markup could not
	 * run, nor load anything. */
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
				" img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
	server *s = cls;
	request *rq = *state;
	bool is_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	bool is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	bool wants_post;
	enum route route = route_of(url, &wants_post);

	if (!rq) {
		/* headers only: refuse early what can be refused */
		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		*state = rq;
		rq->counted = true;
		if (atomic_fetch_add(&s->requests, 1) >= s->opt.max_requests)
			return respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
					     "too many requests at once (more than %u); try again", s->opt.max_requests);
		if (route == R_NONE)
			return respond_error(c, MHD_HTTP_NOT_FOUND, "no such page or endpoint: %s", url);
		if (wants_post ? !is_post : !is_get)
			return respond_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "%s takes %s, not %s", url,
					     wants_post ? "POST" : "GET", method);
		if (route == R_EXTRACT) {
			const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
			if (body_kind(type) == BODY_OTHER)
				return respond_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
						     "Content-Type must be text/plain, application/json or "
						     "application/x-ndjson, not '%s'", type ? type : "(none)");
			const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
									 MHD_HTTP_HEADER_CONTENT_LENGTH);
			unsigned long long n;
			if (length && cli_number(length, 0, ~0ull, &n) && n > s->opt.max_body)
				return respond_error(c, MHD_HTTP_CONTENT_TOO_LARGE,
						     "the body is larger than the limit of %zu bytes", s->opt.max_body);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* a piece of the body */
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (rq->too_large || rq->len + n > s->opt.max_body) {
			rq->too_large = true;
			return MHD_YES;
		}
		if (rq->len + n > rq->cap) {
			size_t ncap = rq->cap ? rq->cap : 65536;
			while (ncap < rq->len + n)
				ncap *= 2;
			char *p = realloc(rq->body, ncap);
			if (!p)
				return MHD_NO;
			rq->body = p;
			rq->cap = ncap;
		}
		memcpy(rq->body + rq->len, upload_data, n);
		rq->len += n;
		return MHD_YES;
	}

	/* the whole request is here */
	switch (route) {
	case R_PAGE:
	case R_ASSET: return answer_asset(c, url);
	case R_HEALTH: return respond(c, MHD_HTTP_OK, "application/json", "{\"status\":\"ok\"}\n", 16);
	case R_VERSION: return answer_version(s, c);
	case R_SEARCH: return answer_question(s, c, Q_SEARCH);
	case R_SPEAKERS: return answer_question(s, c, Q_SPEAKERS);
	case R_OVERVIEW: return answer_question(s, c, Q_OVERVIEW);
	case R_NONE: break;
	case R_EXTRACT: {
		if (rq->too_large)
			return respond_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "the body is larger than the limit of %zu bytes",
					     s->opt.max_body);
		ws_offset_unit offsets;
		if (!offsets_of(c, &offsets))
			return respond_error(c, MHD_HTTP_BAD_REQUEST, "offsets must be codepoints or bytes");
		enum body_kind kind = body_kind(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
									    MHD_HTTP_HEADER_CONTENT_TYPE));
		return kind == BODY_JSON_LINES ? extract_lines(s, c, rq, offsets) : extract_one(s, c, rq, kind, offsets);
	}
	}
	return respond_error(c, MHD_HTTP_NOT_FOUND, "no such page or endpoint: %s", url);
}

static void request_done(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
	server *s = cls;
	request *rq = *state;
	if (!rq)
		return;
	if (rq->counted)
		atomic_fetch_sub(&s->requests, 1);
	free(rq->body);
	free(rq);
	*state = NULL;
}

/* ------------------------------------------------------ start and stop */

/* The listening address, IPv4 or IPv6; false when address is neither. */
static bool listen_address(const char *address, unsigned port, struct sockaddr_storage *sa, bool *ipv6)
{
	memset(sa, 0, sizeof *sa);
	struct sockaddr_in *in4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
	*ipv6 = strchr(address, ':') != NULL;
	if (*ipv6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, address, &in6->sin6_addr) == 1;
	}
	in4->sin_family = AF_INET;
	in4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, address, &in4->sin_addr) == 1;
}

serve_options serve_default_options(void)
{
	return (serve_options){.port = 8080, .bind = "127.0.0.1", .max_body = (size_t)8 << 20, .max_header = 32768,
			       .timeout = 30, .max_connections = 256, .max_requests = 128};
}

void serve_stop(serve_server *s)
{
	char why[256];
	if (!s)
		return;
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	for (void *item; (item = pool_take(&s->docs));)
		ws_doc_free(item);
	for (void *item; (item = pool_take(&s->stores));)
		store_close(item, why, sizeof why);
	free(s->docs.free_items);
	free(s->stores.free_items);
	pthread_mutex_destroy(&s->docs.lock);
	pthread_mutex_destroy(&s->stores.lock);
	ws_model_free(s->model);
	free(s);
}

int serve_start(const serve_options *opt, serve_server **out)
{
	char why[512];
	struct sockaddr_storage address;
	bool ipv6;
	*out = NULL;
	if (!listen_address(opt->bind, opt->port, &address, &ipv6))
		return cli_usage_error("serve", "--bind needs an IPv4 or IPv6 address, not '%s'", opt->bind);
	server *s = calloc(1, sizeof *s);
	if (!s) {
		cli_message("out of memory");
		return CLI_EXIT_FAILED;
	}
	s->opt = *opt;
	if (!s->opt.jobs) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		s->opt.jobs = cores < 1 ? 1 : cores > CLI_MAX_JOBS ? CLI_MAX_JOBS : (unsigned)cores;
	}
	s->analysis = (cli_options){.format = WS_FORMAT_JSONL, .offsets = WS_OFFSETS_CODEPOINTS, .text_field = "text",
				    .id_field = "id"};
	pthread_mutex_init(&s->docs.lock, NULL);
	pthread_mutex_init(&s->stores.lock, NULL);
	int status = CLI_EXIT_FAILED;
	ws_error err;
	ws_status ms = ws_model_open(s->opt.model, NULL, &s->model, &err);
	if (ms == WS_ERR_MODEL) {
		status = cli_usage_error("serve", "%s", err.message);
		goto failed;
	}
	if (ms != WS_OK) {
		cli_message("serve: model '%s': %s", s->opt.model ? s->opt.model : WS_DEFAULT_MODEL, err.message);
		goto failed;
	}
	if (s->opt.db) {
		/* open it once now: a wrong --db should stop the start, not every
		 * request, and an older store is migrated before anyone reads it */
		store *st = store_open(s->opt.db, false, why, sizeof why);
		if (!st) {
			cli_message("serve: %s", why);
			goto failed;
		}
		return_store(s, st);
	}
	s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_INTERNAL_THREAD |
					     (ipv6 ? MHD_USE_IPv6 : 0),
				     (uint16_t)s->opt.port, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &address,
				     MHD_OPTION_THREAD_POOL_SIZE, s->opt.jobs, MHD_OPTION_CONNECTION_LIMIT,
				     s->opt.max_connections, MHD_OPTION_CONNECTION_TIMEOUT, s->opt.timeout,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->opt.max_header, MHD_OPTION_NOTIFY_COMPLETED,
				     request_done, s, MHD_OPTION_END);
	if (!s->daemon) {
		cli_message("serve: cannot listen on %s port %u: %s", s->opt.bind, s->opt.port,
			    errno ? strerror(errno) : "the HTTP library refused");
		goto failed;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info)
		s->opt.port = info->port; /* the port picked for --port 0 */
	*out = s;
	return CLI_EXIT_OK;

failed:
	serve_stop(s);
	return status;
}

unsigned serve_port(const serve_server *s) { return s->opt.port; }

int serve_main(int argc, char **argv)
{
	serve_options opt = serve_default_options();
	serve_server *s = NULL;
	char **args = calloc((size_t)argc + 1, sizeof *args);
	size_t nargs = 0;
	if (!args) {
		cli_message("out of memory");
		return CLI_EXIT_FAILED;
	}
	int r = cli_parse_args("serve", argc, argv, serve_option_specs,
			       sizeof serve_option_specs / sizeof serve_option_specs[0], apply_serve_option, &opt, args,
			       &nargs);
	if (r == CLI_PARSE_HELP) {
		fputs(help_text, stdout);
		r = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
	} else if (r == CLI_PARSE_RUN && nargs) {
		r = cli_usage_error("serve", "unexpected argument '%s'", args[0]);
	}
	free(args);
	if (r != CLI_PARSE_RUN)
		return r;

	/* The threads of the daemon must not take SIGINT and SIGTERM: this
	 * thread waits for them, to stop the daemon in order. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	int status = serve_start(&opt, &s);
	if (status != CLI_EXIT_OK)
		return status;
	bool ipv6 = strchr(s->opt.bind, ':') != NULL;
	if (!s->opt.quiet) {
		cli_message("serving on http://%s%s%s:%u/ (model %s%s%s, %u threads); Ctrl-C stops", ipv6 ? "[" : "",
			    s->opt.bind, ipv6 ? "]" : "", s->opt.port, ws_model_name(s->model),
			    s->opt.db ? ", store " : "", s->opt.db ? s->opt.db : "", s->opt.jobs);
	}
	int sig;
	sigwait(&stop_signals, &sig);
	bool quiet = s->opt.quiet;
	serve_stop(s);
	if (!quiet)
		cli_message("serve: stopped by %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	return CLI_EXIT_OK;
}
