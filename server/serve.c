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
#include "server/export.h"
#include "server/http_guard.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <malloc.h>
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
#include <sys/socket.h>
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
	"                           /v1/search, /v1/speakers, /v1/quotes and\n"
	"                           /v1/articles from\n"
	"      --model NAME         the analysis model (default: " WS_DEFAULT_MODEL ")\n"
	"  -j, --jobs N             threads answering requests (default: the\n"
	"                           number of cores)\n"
	"      --max-body BYTES     largest request body (default: 8388608, 8 MiB);\n"
	"                           larger ones get 413\n"
	"      --max-header BYTES   memory for a request's headers (default: 32768);\n"
	"                           larger headers get 431\n"
	"      --timeout SECONDS    a connection silent for this long is closed\n"
	"                           (default: 30)\n"
	"      --header-timeout SECONDS  a request head must arrive whole in this\n"
	"                           time, else 408 (default: 10)\n"
	"      --request-timeout SECONDS  a whole request, head and body, must\n"
	"                           arrive in this time, else 408 (default: 120)\n"
	"      --max-connections N  connections served at once; more wait in the\n"
	"                           system's queue until one closes (default: 256)\n"
	"      --max-client-connections N  connections one client address may\n"
	"                           have open, waiting or served (default: 128)\n"
	"      --max-requests N     requests in progress at once; more get 503\n"
	"                           (default: 128)\n"
	"      --allow-host NAME    also answer requests whose Host is NAME (may be\n"
	"                           given again); loopback names and the --bind\n"
	"                           address are always allowed, any other is 403\n"
	"      --drain-timeout SECONDS  on SIGINT or SIGTERM, wait this long at\n"
	"                           most for requests in progress (default: 30)\n"
	"  -q, --quiet              no start and stop messages (with --port 0 the\n"
	"                           address is still printed on stdout)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 after a signal stopped it, 1 when it cannot start (the\n"
	"port is taken, the model or store cannot be opened), 2 for a usage error.\n";

/* ------------------------------------------------------------- options */

enum serve_option {
	S_PORT, S_BIND, S_DB, S_MODEL, S_JOBS, S_MAX_BODY, S_MAX_HEADER, S_TIMEOUT, S_MAX_CONNECTIONS,
	S_MAX_REQUESTS, S_HEADER_TIMEOUT, S_REQUEST_TIMEOUT, S_DRAIN_TIMEOUT, S_MAX_CLIENT_CONNECTIONS, S_ALLOW_HOST,
	S_QUIET, S_HELP
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
	{"header-timeout", 0, true, S_HEADER_TIMEOUT},
	{"request-timeout", 0, true, S_REQUEST_TIMEOUT},
	{"drain-timeout", 0, true, S_DRAIN_TIMEOUT},
	{"max-client-connections", 0, true, S_MAX_CLIENT_CONNECTIONS},
	{"allow-host", 0, true, S_ALLOW_HOST},
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
		{S_HEADER_TIMEOUT, 1, 3600, "--header-timeout needs a number of seconds from 1 to 3600, not '%s'"},
		{S_REQUEST_TIMEOUT, 1, 86400, "--request-timeout needs a number of seconds from 1 to 86400, not '%s'"},
		{S_DRAIN_TIMEOUT, 0, 86400, "--drain-timeout needs a number of seconds from 0 to 86400, not '%s'"},
		{S_MAX_CLIENT_CONNECTIONS, 1, 65536, "--max-client-connections needs a number from 1 to 65536, not '%s'"},
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
	case S_HEADER_TIMEOUT: o->header_timeout = (unsigned)n; break;
	case S_REQUEST_TIMEOUT: o->request_timeout = (unsigned)n; break;
	case S_DRAIN_TIMEOUT: o->drain_timeout = (unsigned)n; break;
	case S_MAX_CLIENT_CONNECTIONS: o->max_client_connections = (unsigned)n; break;
	case S_ALLOW_HOST:
		if (!value[0] || strpbrk(value, " \t/:@"))
			return cli_usage_error("serve", "--allow-host needs a host name without port, not '%s'", value);
		o->allow_hosts[o->nallow_hosts++] = value;
		break;
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

/* A pooled document keeps the memory of the largest article it has
 * analysed; one that ever grew past this is freed instead of pooled, so
 * that one huge article does not stay resident for good. */
#define DOC_KEEP_BYTES ((size_t)32 << 20)

/* A document with an allocator that counts what it holds. */
typedef struct counted_doc {
	ws_doc *doc;
	ws_allocator allocator;   /* ctx: this struct */
	atomic_size_t bytes;
} counted_doc;

/* Each block carries its size in front, so that release and resize know it. */
#define BLOCK_HEADER 16

static void *counted_alloc(void *ctx, size_t size)
{
	counted_doc *cd = ctx;
	if (size > SIZE_MAX - BLOCK_HEADER)
		return NULL;
	unsigned char *p = malloc(size + BLOCK_HEADER);
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof size);
	atomic_fetch_add(&cd->bytes, size);
	return p + BLOCK_HEADER;
}

static void counted_release(void *ctx, void *ptr)
{
	counted_doc *cd = ctx;
	unsigned char *p = (unsigned char *)ptr - BLOCK_HEADER;
	size_t size;
	memcpy(&size, p, sizeof size);
	atomic_fetch_sub(&cd->bytes, size);
	free(p);
}

static void *counted_resize(void *ctx, void *ptr, size_t size)
{
	if (!ptr)
		return counted_alloc(ctx, size);
	counted_doc *cd = ctx;
	unsigned char *p = (unsigned char *)ptr - BLOCK_HEADER;
	size_t old;
	memcpy(&old, p, sizeof old);
	if (size > SIZE_MAX - BLOCK_HEADER)
		return NULL;
	unsigned char *q = realloc(p, size + BLOCK_HEADER);
	if (!q)
		return NULL;
	memcpy(q, &size, sizeof size);
	atomic_fetch_add(&cd->bytes, size);
	atomic_fetch_sub(&cd->bytes, old);
	return q + BLOCK_HEADER;
}

static void counted_doc_free(counted_doc *cd)
{
	if (cd) {
		ws_doc_free(cd->doc);
		free(cd);
	}
}

/* -------------------------------------------------------------- server */

struct serve_server {
	serve_options opt;
	ws_model *model;
	cli_options analysis;     /* for cli_jsonl_record() and cli_analyze_document() */
	pool docs, stores;
	atomic_uint requests;     /* in progress */
	atomic_uint connections;  /* handed to libmicrohttpd and not yet closed */
	/* Bytes of request bodies held or promised (a declared Content-Length
	 * counts from the start), at most body_budget: 2 x threads x --max-body,
	 * so that held uploads cannot take more memory than the threads could
	 * ever analyse at once.  A request that would go past it gets 503. */
	atomic_size_t body_bytes;
	size_t body_budget;
	const char **hosts;       /* what Host may name: loopback, --bind, --allow-host */
	size_t nhosts;
	char bracketed_bind[64];  /* "[ADDRESS]" for an IPv6 --bind */
	int listen_fd;
	http_guard *guard;
	struct MHD_Daemon *daemon;
};
typedef struct serve_server server;

/* The state of one request, from its headers to its answer. */
typedef struct request {
	char *body;
	size_t len, cap;
	size_t reserved;          /* bytes of server.body_bytes this request holds */
	struct timespec deadline; /* of the whole request (--request-timeout) */
	bool counted;             /* counted in server.requests */
	bool answered;            /* an answer was queued before the body ended */
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

/* Every answer closes its connection: the next request of a client then
 * comes on a new connection, whose head the guard checks (http_guard.c),
 * instead of on this one, past the guard. */
static void common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* An answer with one more header, allow, when not NULL: the methods a 405
 * names. */
static enum MHD_Result respond_allowing(struct MHD_Connection *c, unsigned status, const char *type,
					const char *data, size_t len, const char *allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	common_headers(r);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type, const char *data,
			       size_t len)
{
	return respond_allowing(c, status, type, data, len, NULL);
}

static const char out_of_memory[] = "{\"error\":{\"status\":500,\"message\":\"out of memory\"}}\n";

/* A JSON value as the answer; takes the reference. */
static enum MHD_Result respond_json_allowing(struct MHD_Connection *c, unsigned status, json_t *value,
					     const char *allow)
{
	char *text = value ? json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(value);
	if (!text)
		return respond(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "application/json", out_of_memory,
			       sizeof out_of_memory - 1);
	size_t n = strlen(text);
	text[n] = '\n'; /* every answer ends with a newline, like the command's records */
	enum MHD_Result ok = respond_allowing(c, status, "application/json", text, n + 1, allow);
	free(text);
	return ok;
}

static enum MHD_Result respond_json(struct MHD_Connection *c, unsigned status, json_t *value)
{
	return respond_json_allowing(c, status, value, NULL);
}

/* A CSV answer, data[0..len) (malloc'ed; taken), offered as a download
 * named filename.  The name is the server's own, never one a client
 * sent, so that nothing of a request reaches the header. */
static enum MHD_Result respond_csv(struct MHD_Connection *c, char *data, size_t len, const char *filename)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	char disposition[128];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
	common_headers(r);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/csv; charset=utf-8; header=present");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

/* Copy s into out (cap bytes) as valid UTF-8 of at most cap - 1 bytes:
 * each byte that is not part of a well-formed sequence becomes U+FFFD,
 * and a character that does not fit whole is left out with the rest.
 * Error messages echo what a client sent (a path, a parameter, a header),
 * and JSON can only carry valid UTF-8. */
static void utf8_copy(char *out, size_t cap, const char *s)
{
	static const char replacement[] = "\xEF\xBF\xBD";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
		bool valid = n > 0 && !(n == 2 && *p < 0xC2) && !(n == 4 && *p > 0xF4);
		for (size_t k = 1; valid && k < n; k++)
			valid = (p[k] & 0xC0) == 0x80;
		if (valid && n == 3) {
			unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
			valid = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
		} else if (valid && n == 4) {
			unsigned cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12);
			valid = cp >= 0x10000 && cp <= 0x10FFFF;
		}
		const char *from = valid ? (const char *)p : replacement;
		size_t len = valid ? n : 3;
		if (o + len >= cap)
			break;
		memcpy(out + o, from, len);
		o += len;
		p += valid ? n : 1;
	}
	out[o] = '\0';
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static enum MHD_Result respond_error_allowing(struct MHD_Connection *c, unsigned status, const char *allow,
					      const char *fmt, ...)
{
	/* formatted whole first, then cut to 512 bytes at a character boundary */
	char *formatted = NULL, message[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && (formatted = malloc((size_t)n + 1))) {
		va_start(ap, fmt);
		vsnprintf(formatted, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (!formatted)
		return respond(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "application/json", out_of_memory,
			       sizeof out_of_memory - 1);
	utf8_copy(message, sizeof message, formatted);
	free(formatted);
	return respond_json_allowing(c, status, json_pack("{s:{s:i, s:s}}", "error", "status", (int)status, "message",
							  message), allow);
}

#define respond_error(c, status, ...) respond_error_allowing(c, status, NULL, __VA_ARGS__)

/* ------------------------------------------------------------- extract */

static counted_doc *borrow_doc(server *s)
{
	counted_doc *cd = pool_take(&s->docs);
	if (cd)
		return cd;
	if (!(cd = calloc(1, sizeof *cd)))
		return NULL;
	cd->allocator = (ws_allocator){counted_alloc, counted_resize, counted_release, cd};
	if (ws_doc_new(&cd->allocator, &cd->doc) != WS_OK) {
		free(cd);
		return NULL;
	}
	return cd;
}

static void return_doc(server *s, counted_doc *cd)
{
	if (!cd)
		return;
	if (atomic_load(&cd->bytes) > DOC_KEEP_BYTES) {
		counted_doc_free(cd);
		/* glibc keeps freed memory of this size in its arenas unless told */
		malloc_trim(0);
	} else if (!pool_give(&s->docs, cd)) {
		counted_doc_free(cd);
	}
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

/* What an answer is asked to be, ?format=json (the default) or csv. */
enum answer_format { AS_JSON, AS_CSV, AS_UNKNOWN };

static enum answer_format format_of(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
	if (!v || !*v || strcmp(v, "json") == 0)
		return AS_JSON;
	return strcmp(v, "csv") == 0 ? AS_CSV : AS_UNKNOWN;
}

#define FORMAT_ERROR "format must be json or csv"

/* The attributions of a record as a CSV answer, offered as filename. */
static enum MHD_Result answer_record_csv(struct MHD_Connection *c, const char *id, json_t *attributions,
					 const char *filename)
{
	char *data = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&data, &len);
	bool ok = out && export_record_csv(out, id, attributions);
	if (out && fclose(out) != 0)
		ok = false;
	if (!ok) {
		free(data);
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	return respond_csv(c, data, len, filename);
}

/* One document: text/plain (id from ?id=) or a JSON object {"text", "id",
 * ...}.  The record of the command's JSON Lines output, or with
 * ?format=csv its attributions as CSV. */
static enum MHD_Result extract_one(server *s, struct MHD_Connection *c, request *rq, enum body_kind kind,
				   ws_offset_unit offsets, enum answer_format format)
{
	cli_doc d = {0};
	if (kind == BODY_JSON) {
		size_t k = 0;
		while (k < rq->len && strchr(" \t\r\n", rq->body[k]))
			k++;
		if (k == rq->len)
			return respond_error(c, MHD_HTTP_BAD_REQUEST,
					     "the body is empty: send a JSON object with a \"text\" member");
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
	counted_doc *cd = borrow_doc(s);
	ws_buffer record = {0};
	ws_error err = {0};
	ws_render_options ro = {.format = WS_FORMAT_JSONL, .offsets = offsets, .id = d.id, .extra_json = d.extra};
	ws_status st = cd ? ws_doc_analyze(cd->doc, s->model, d.text, d.len, &err) : WS_ERR_NOMEM;
	if (st == WS_OK)
		st = ws_doc_render(cd->doc, &ro, &record, &err);
	return_doc(s, cd);
	cli_doc_clear(&d);
	enum MHD_Result r;
	if (st == WS_OK && format == AS_CSV) {
		json_t *parsed = json_loadb(record.data, record.len, 0, NULL);
		r = parsed ? answer_record_csv(c, json_string_value(json_object_get(parsed, "id")),
					       json_object_get(parsed, "attributions"), "whosaid-article.csv")
			   : respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		json_decref(parsed);
	} else if (st == WS_OK)
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
	counted_doc *cd = borrow_doc(s);
	ws_buffer out = {0}, record = {0};
	char reason[CLI_REASON_SIZE];
	bool ok = cd != NULL;
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
		     cli_analyze_document(&opt, s->model, cd->doc, &d, NULL, false, &record, reason, sizeof reason) !=
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
	return_doc(s, cd);
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
	FILE *csv;                /* hits as CSV rows, instead of JSON */
	long wanted;              /* hits to collect; one more says there is a next page */
	long got;
	bool more;
} collected;

static bool collect_hit(void *ctx, const search_hit *hit)
{
	collected *all = ctx;
	if (all->got == all->wanted) {
		all->more = true;
		return false;
	}
	all->got++;
	if (all->csv) {
		if (!search_hit_write_row(all->csv, true, hit))
			all->failed = true;
	} else if (json_array_append_new(all->list, search_hit_json(hit)) != 0)
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

/* ?offset=N from 0 to MAX_OFFSET (0 when absent); -1 when not that.  A
 * deep page costs what the first page costs (the hits are ranked whole
 * either way, in SQLite's bounded sorter), so the bound is only there to
 * keep offset + limit far from overflowing. */
#define MAX_OFFSET 1000000000L
static long offset_of(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "offset");
	unsigned long long n;
	if (!v || !*v)
		return 0;
	return cli_number(v, 0, MAX_OFFSET, &n) ? (long)n : -1;
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
		.offset = what == Q_SEARCH ? offset_of(c) : 0,
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
	if (q.offset < 0)
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "offset must be a number from 0 to %ld", MAX_OFFSET);
	enum answer_format format = what == Q_SEARCH ? format_of(c) : AS_JSON;
	if (format == AS_UNKNOWN)
		return respond_error(c, MHD_HTTP_BAD_REQUEST, FORMAT_ERROR);
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
	collected all = {.list = json_array(), .by = grouping, .wanted = q.limit};
	char *csv = NULL;
	size_t csv_len = 0;
	if (format == AS_CSV && (all.csv = open_memstream(&csv, &csv_len)) && !search_hits_write_header(all.csv, true))
		all.failed = true;
	/* a search asks for one hit more than it answers: whether that one
	 * comes says whether there is a next page */
	if (what == Q_SEARCH && format == AS_JSON)
		q.limit++;
	int rc = -1;
	json_t *answer = NULL;
	if (what == Q_OVERVIEW) {
		answer = store_overview(st, why, sizeof why);
		rc = answer ? 0 : -1;
	} else if (all.list && (format == AS_JSON || all.csv)) {
		rc = what == Q_SEARCH ? store_search(st, &q, collect_hit, &all, why, sizeof why)
				      : store_speakers(st, grouping, q.outlet, q.since, q.until, q.limit, collect_speaker,
						       &all, why, sizeof why);
		if (rc == 0 && !all.failed && what == Q_SEARCH && format == AS_JSON)
			answer = json_pack("{s:O, s:o}", "hits", all.list, "next_offset",
					   all.more ? json_integer((json_int_t)(q.offset + all.got)) : json_null());
		else if (rc == 0 && !all.failed && format == AS_JSON)
			answer = json_pack("{s:O}", "speakers", all.list);
	} else {
		snprintf(why, sizeof why, "out of memory");
	}
	return_store(s, st);
	json_decref(all.list);
	if (all.csv && fclose(all.csv) != 0)
		all.failed = true;
	if (rc == -2) {
		free(csv);
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "%s", why);
	}
	if (rc < 0) {
		free(csv);
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", why);
	}
	if (format == AS_CSV && !all.failed)
		return respond_csv(c, csv, csv_len, "whosaid-search.csv");
	free(csv);
	if (!answer)
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return respond_json(c, MHD_HTTP_OK, answer);
}

static bool collect_cluster(void *ctx, json_t *cluster)
{
	collected *all = ctx;
	if (json_array_append(all->list, cluster) != 0)
		all->failed = true;
	return !all->failed;
}

/* GET /v1/quotes (the clusters, as `whosaid quotes` lists them) and
 * /v1/quotes/ID (one with its members, as `whosaid quotes --id`). */
static enum MHD_Result answer_quotes(server *s, struct MHD_Connection *c, const char *url)
{
	if (!s->opt.db)
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no quote store: start the server with --db FILE");
	const char *id_text = strncmp(url, "/v1/quotes/", 11) == 0 ? url + 11 : NULL;
	unsigned long long id = 0;
	if (id_text && !cli_number(id_text, 1, LONG_MAX, &id))
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no quote cluster '%s'", id_text);
	const char *min = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "min_articles");
	const char *conflicting = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "conflicting");
	quotes_query q = {
		.speaker = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "speaker"),
		.since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since"),
		.until = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "until"),
		.outlet = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "outlet"),
		.min_articles = 2,
		.limit = limit_of(c, 100),
	};
	const char **params[] = {&q.speaker, &q.since, &q.until, &q.outlet, &min, &conflicting};
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
		if (*params[i] && !**params[i])
			*params[i] = NULL;
	unsigned long long n;
	if (min && !cli_number(min, 1, LONG_MAX, &n))
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "min_articles must be a number from 1, not '%s'", min);
	if (min)
		q.min_articles = (long)n;
	if (conflicting && strcmp(conflicting, "true") && strcmp(conflicting, "1") && strcmp(conflicting, "false") &&
	    strcmp(conflicting, "0"))
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "conflicting must be true or false, not '%s'", conflicting);
	q.conflicting = conflicting && (strcmp(conflicting, "true") == 0 || strcmp(conflicting, "1") == 0);
	if ((q.since && !store_is_date(q.since)) || (q.until && !store_is_date(q.until)))
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "since and until must be YYYY, YYYY-MM or YYYY-MM-DD");
	if (q.limit < 0)
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "limit must be a number from 1 to %d", MAX_LIMIT);

	char why[512] = "";
	store *st = borrow_store(s, why, sizeof why);
	if (!st)
		return respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", why);
	json_t *answer = NULL;
	bool failed = false;
	if (id_text) {
		bool found;
		answer = store_quote_cluster(st, (long)id, &found, why, sizeof why);
		failed = !answer && why[0];
	} else {
		collected all = {.list = json_array(), .by = BY_NONE};
		failed = !all.list || store_quotes(st, &q, collect_cluster, &all, why, sizeof why) < 0 || all.failed;
		if (!failed)
			answer = json_pack("{s:O}", "quotes", all.list);
		json_decref(all.list);
	}
	return_store(s, st);
	if (failed)
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", why[0] ? why : "out of memory");
	if (!answer && id_text)
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no quote cluster %s", id_text);
	if (!answer)
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return respond_json(c, MHD_HTTP_OK, answer);
}

/* GET /v1/articles/ID: a stored article, its text and what the analysis
 * found in it (store_article_json()); ?format=csv: its attributions as
 * CSV.  ID is the article's id, percent-encoded in the path (the HTTP
 * library decodes it), so that ids with slashes work too. */
static enum MHD_Result answer_article(server *s, struct MHD_Connection *c, const char *url)
{
	if (!s->opt.db)
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no quote store: start the server with --db FILE");
	const char *id = url + strlen("/v1/articles/");
	enum answer_format format = format_of(c);
	if (format == AS_UNKNOWN)
		return respond_error(c, MHD_HTTP_BAD_REQUEST, FORMAT_ERROR);
	char why[512] = "";
	store *st = borrow_store(s, why, sizeof why);
	if (!st)
		return respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", why);
	bool found = false;
	json_t *answer = *id ? store_article_json(st, id, &found, why, sizeof why) : NULL;
	return_store(s, st);
	if (!answer && !found)
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no article '%s' in the store", id);
	if (!answer)
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", why[0] ? why : "out of memory");
	if (format == AS_CSV) {
		enum MHD_Result r = answer_record_csv(c, id, json_object_get(answer, "attributions"), "whosaid-article.csv");
		json_decref(answer);
		return r;
	}
	return respond_json(c, MHD_HTTP_OK, answer);
}

/* GET /v1/speakers/KEY/months: a speaker's attributions per month
 * (store_speaker_months()).  KEY is a speaker's key or a name, normalised
 * as keys are, and matched exactly. */
static enum MHD_Result answer_speaker_months(server *s, struct MHD_Connection *c, const char *url)
{
	if (!s->opt.db)
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no quote store: start the server with --db FILE");
	const char *from = url + strlen("/v1/speakers/");
	size_t n = strlen(from);
	static const char suffix[] = "/months";
	if (n <= sizeof suffix - 1 || strcmp(from + n - (sizeof suffix - 1), suffix) != 0)
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no such page or endpoint: %s", url);
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	const char *until = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "until");
	const char *outlet = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "outlet");
	const char **params[] = {&since, &until, &outlet};
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
		if (*params[i] && !**params[i])
			*params[i] = NULL;
	if ((since && !store_is_date(since)) || (until && !store_is_date(until)))
		return respond_error(c, MHD_HTTP_BAD_REQUEST, "since and until must be YYYY, YYYY-MM or YYYY-MM-DD");
	char *name = malloc(n - (sizeof suffix - 1) + 1);
	if (!name)
		return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	memcpy(name, from, n - (sizeof suffix - 1));
	name[n - (sizeof suffix - 1)] = '\0';
	char *key = speaker_key(name);
	char why[512] = "";
	store *st = key ? borrow_store(s, why, sizeof why) : NULL;
	bool found = false;
	json_t *answer = NULL;
	enum MHD_Result r;
	if (!key) {
		r = respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		goto done;
	}
	if (!st) {
		r = respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", why);
		goto done;
	}
	answer = store_speaker_months(st, key, outlet, since, until, &found, why, sizeof why);
	return_store(s, st);
	if (answer)
		r = respond_json(c, MHD_HTTP_OK, answer);
	else if (!found)
		r = respond_error(c, MHD_HTTP_NOT_FOUND, "no speaker '%s' in the store", name);
	else
		r = respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", why[0] ? why : "out of memory");
done:
	free(name);
	free(key);
	return r;
}

/* ------------------------------------------------------------- routing */

enum route {
	R_PAGE, R_ASSET, R_HEALTH, R_VERSION, R_EXTRACT, R_SEARCH, R_SPEAKERS, R_OVERVIEW, R_QUOTES, R_ARTICLE,
	R_SPEAKER_MONTHS, R_NONE
};

static const struct {
	const char *path;
	enum route route;
	bool post;                /* POST, else GET (and HEAD) */
} routes[] = {
	{"/", R_PAGE, false},          {"/healthz", R_HEALTH, false},    {"/v1/version", R_VERSION, false},
	{"/v1/extract", R_EXTRACT, true}, {"/v1/search", R_SEARCH, false}, {"/v1/speakers", R_SPEAKERS, false},
	{"/v1/store", R_OVERVIEW, false}, {"/v1/quotes", R_QUOTES, false},
};

static enum route route_of(const char *url)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(url, routes[i].path) == 0)
			return routes[i].route;
	if (strncmp(url, "/v1/quotes/", 11) == 0) /* /v1/quotes/ID */
		return R_QUOTES;
	if (strncmp(url, "/v1/articles/", 13) == 0) /* /v1/articles/ID */
		return R_ARTICLE;
	if (strncmp(url, "/v1/speakers/", 13) == 0) /* /v1/speakers/KEY/months */
		return R_SPEAKER_MONTHS;
	return serve_asset(url, NULL, NULL) ? R_ASSET : R_NONE;
}

static bool route_takes_post(enum route route)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (routes[i].route == route)
			return routes[i].post;
	return false;
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
	common_headers(r);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
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

/* Hold n more bytes of body for rq within the server's budget. */
static bool reserve_body(server *s, request *rq, size_t n)
{
	size_t held = atomic_fetch_add(&s->body_bytes, n);
	if (held + n > s->body_budget) {
		atomic_fetch_sub(&s->body_bytes, n);
		return false;
	}
	rq->reserved += n;
	return true;
}

static bool past(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec || (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

/* Whether a query parameter's name or value holds a NUL (%00): the HTTP
 * library decodes it, and every reader of the value would see it cut
 * there, answering a question that was not asked. */
static enum MHD_Result find_nul(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				const char *value, size_t value_size)
{
	bool *found = cls;
	if ((key && strlen(key) != key_size) || (value && strlen(value) != value_size)) {
		*found = true;
		return MHD_NO;
	}
	return MHD_YES;
}

/* The headers alone: refuse early what can be refused.  MHD_YES to go on
 * reading the body (or to answer at once, when nothing was queued and
 * there is no body). */
static enum MHD_Result begin_request(server *s, struct MHD_Connection *c, const char *url, const char *method,
				     request *rq, enum route route)
{
	bool is_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	bool is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	bool wants_post = route_takes_post(route);
	rq->counted = true;
	clock_gettime(CLOCK_MONOTONIC, &rq->deadline);
	rq->deadline.tv_sec += s->opt.request_timeout;
	if (atomic_fetch_add(&s->requests, 1) >= s->opt.max_requests)
		return rq->answered = true, respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
						  "too many requests at once (more than %u); try again",
						  s->opt.max_requests);
	if (route == R_NONE)
		return rq->answered = true, respond_error(c, MHD_HTTP_NOT_FOUND, "no such page or endpoint: %s", url);
	if (wants_post ? !is_post : !is_get)
		return rq->answered = true,
		       respond_error_allowing(c, MHD_HTTP_METHOD_NOT_ALLOWED, wants_post ? "POST" : "GET, HEAD",
					      "%s takes %s, not %s", url, wants_post ? "POST" : "GET", method);
	bool nul = false;
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, find_nul, &nul);
	if (nul)
		return rq->answered = true,
		       respond_error(c, MHD_HTTP_BAD_REQUEST, "a query parameter holds a NUL byte (%%00)");
	if (route != R_EXTRACT)
		return MHD_YES;
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (body_kind(type) == BODY_OTHER)
		return rq->answered = true,
		       respond_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				     "Content-Type must be text/plain, application/json or application/x-ndjson, not '%s'",
				     type ? type : "(none)");
	const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n;
	if (length && cli_number(length, 0, ~0ull, &n)) {
		if (n > s->opt.max_body)
			return rq->answered = true, respond_error(c, MHD_HTTP_CONTENT_TOO_LARGE,
							  "the body is larger than the limit of %zu bytes",
							  s->opt.max_body);
		if (!reserve_body(s, rq, (size_t)n))
			return rq->answered = true,
			       respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
					     "too many request bodies in memory at once; try again");
	}
	return MHD_YES;
}

/* Refuse a request in the middle of its body.  libmicrohttpd 0.9.75
 * cannot send an answer queued before the body has ended (it closes the
 * connection without a word), so the answer goes out on the socket
 * directly, the guard keeps the socket open until the client has read it,
 * and the library is told to let the connection go. */
static enum MHD_Result refuse_mid_body(server *s, struct MHD_Connection *c, unsigned status, const char *message)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (info)
		http_guard_refuse_later(s->guard, info->connect_fd, status, message);
	return MHD_NO;
}

/* A piece of the body: kept, or the request refused as soon as it goes
 * past a limit, while the client is still sending. */
static enum MHD_Result take_body(server *s, struct MHD_Connection *c, request *rq, const char *data, size_t n)
{
	if (rq->answered)
		return MHD_YES; /* an answer is on its way: the rest is read and dropped */
	if (past(&rq->deadline))
		return refuse_mid_body(s, c, MHD_HTTP_REQUEST_TIMEOUT,
				       "the request did not arrive in time (--request-timeout)");
	if (rq->len + n > s->opt.max_body)
		return refuse_mid_body(s, c, MHD_HTTP_CONTENT_TOO_LARGE, "the body is larger than --max-body");
	if (rq->len + n > rq->reserved && !reserve_body(s, rq, rq->len + n - rq->reserved))
		return refuse_mid_body(s, c, MHD_HTTP_SERVICE_UNAVAILABLE,
				       "too many request bodies in memory at once; try again");
	if (rq->len + n > rq->cap) {
		size_t ncap = rq->cap ? rq->cap : 65536;
		while (ncap < rq->len + n)
			ncap *= 2;
		if (ncap > rq->reserved && rq->reserved >= rq->len + n)
			ncap = rq->reserved; /* a declared length is allocated exactly */
		char *p = realloc(rq->body, ncap);
		if (!p)
			return MHD_NO;
		rq->body = p;
		rq->cap = ncap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
	server *s = cls;
	request *rq = *state;
	enum route route = route_of(url);

	if (!rq) {
		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		*state = rq;
		return begin_request(s, c, url, method, rq, route);
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		return take_body(s, c, rq, upload_data, n);
	}
	if (rq->answered)
		return MHD_YES;

	/* the whole request is here */
	switch (route) {
	case R_PAGE:
	case R_ASSET: return answer_asset(c, url);
	case R_HEALTH: return respond(c, MHD_HTTP_OK, "application/json", "{\"status\":\"ok\"}\n", 16);
	case R_VERSION: return answer_version(s, c);
	case R_SEARCH: return answer_question(s, c, Q_SEARCH);
	case R_SPEAKERS: return answer_question(s, c, Q_SPEAKERS);
	case R_OVERVIEW: return answer_question(s, c, Q_OVERVIEW);
	case R_QUOTES: return answer_quotes(s, c, url);
	case R_ARTICLE: return answer_article(s, c, url);
	case R_SPEAKER_MONTHS: return answer_speaker_months(s, c, url);
	case R_NONE: break;
	case R_EXTRACT: {
		ws_offset_unit offsets;
		if (!offsets_of(c, &offsets))
			return respond_error(c, MHD_HTTP_BAD_REQUEST, "offsets must be codepoints or bytes");
		enum answer_format format = format_of(c);
		if (format == AS_UNKNOWN)
			return respond_error(c, MHD_HTTP_BAD_REQUEST, FORMAT_ERROR);
		enum body_kind kind = body_kind(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
									    MHD_HTTP_HEADER_CONTENT_TYPE));
		if (kind == BODY_JSON_LINES && format == AS_CSV)
			return respond_error(c, MHD_HTTP_BAD_REQUEST,
					     "format=csv takes one article (text/plain or application/json), not a batch");
		return kind == BODY_JSON_LINES ? extract_lines(s, c, rq, offsets)
					       : extract_one(s, c, rq, kind, offsets, format);
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
	atomic_fetch_sub(&s->body_bytes, rq->reserved);
	free(rq->body);
	free(rq);
	*state = NULL;
}

/* A connection handed over by the guard opens or closes; its client's
 * count and the drain at a stop follow it. */
static void connection_event(void *cls, struct MHD_Connection *c, void **socket_state,
			     enum MHD_ConnectionNotificationCode code)
{
	server *s = cls;
	if (code != MHD_CONNECTION_NOTIFY_CLOSED)
		return; /* counted when handed over, so that the guard never hands over too many */
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	http_guard_connection_closed(s->guard, info ? info->client_addr : NULL);
	atomic_fetch_sub(&s->connections, 1);
}

static bool has_room(void *ctx)
{
	server *s = ctx;
	return atomic_load(&s->connections) < s->opt.max_connections;
}

static bool hand_over(void *ctx, int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	server *s = ctx;
	atomic_fetch_add(&s->connections, 1);
	if (MHD_add_connection(s->daemon, fd, addr, addrlen) == MHD_YES)
		return true;
	atomic_fetch_sub(&s->connections, 1);
	return false;
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
			       .timeout = 30, .max_connections = 256, .max_requests = 128, .header_timeout = 10,
			       .request_timeout = 120, .drain_timeout = 30, .max_client_connections = 128};
}

/* The listening socket, non-blocking, for the guard to accept on. */
static int open_listener(const struct sockaddr_storage *address, bool ipv6, char *why, size_t why_size)
{
	int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int on = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
	    (ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) ||
	    bind(fd, (const struct sockaddr *)address,
		 ipv6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) != 0 ||
	    listen(fd, 511) != 0) {
		snprintf(why, why_size, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The port the socket got (the one picked for --port 0). */
static unsigned bound_port(int fd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		return 0;
	return ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
					      : ((struct sockaddr_in *)&sa)->sin_port);
}

void serve_stop(serve_server *s)
{
	char why[256];
	if (!s)
		return;
	/* Stop accepting, then let what is in progress finish: a request
	 * under analysis is answered in full before the threads go. */
	http_guard_stop(s->guard);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	for (unsigned waited = 0; s->daemon && atomic_load(&s->connections) && waited < 100 * s->opt.drain_timeout;
	     waited++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	http_guard_free(s->guard);
	for (void *item; (item = pool_take(&s->docs));)
		counted_doc_free(item);
	for (void *item; (item = pool_take(&s->stores));)
		store_close(item, why, sizeof why);
	free(s->docs.free_items);
	free(s->stores.free_items);
	free(s->hosts);
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
	s->listen_fd = -1;
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
	s->body_budget = 2 * (size_t)s->opt.jobs * s->opt.max_body;
	/* the names Host may give: loopback's, the bound address, --allow-host */
	static const char *const loopback[] = {"localhost", "127.0.0.1", "[::1]"};
	size_t nloopback = sizeof loopback / sizeof loopback[0];
	s->hosts = calloc(nloopback + 1 + s->opt.nallow_hosts, sizeof *s->hosts);
	if (!s->hosts) {
		cli_message("out of memory");
		goto failed;
	}
	for (size_t i = 0; i < nloopback; i++)
		s->hosts[s->nhosts++] = loopback[i];
	if (!ipv6)
		s->hosts[s->nhosts++] = s->opt.bind;
	for (size_t i = 0; i < s->opt.nallow_hosts; i++)
		s->hosts[s->nhosts++] = s->opt.allow_hosts[i];
	/* An IPv6 address is named in brackets: "[::1]"; its text is kept
	 * in the server for that. */
	if (ipv6) {
		snprintf(s->bracketed_bind, sizeof s->bracketed_bind, "[%s]", s->opt.bind);
		s->hosts[s->nhosts++] = s->bracketed_bind;
	}

	s->listen_fd = open_listener(&address, ipv6, why, sizeof why);
	if (s->listen_fd < 0) {
		cli_message("serve: cannot listen on %s port %u: %s", s->opt.bind, s->opt.port, why);
		goto failed;
	}
	s->opt.port = bound_port(s->listen_fd);
	s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_INTERNAL_THREAD |
					     MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC | (ipv6 ? MHD_USE_IPv6 : 0),
				     0, NULL, NULL, handle, s, MHD_OPTION_THREAD_POOL_SIZE, s->opt.jobs,
				     MHD_OPTION_CONNECTION_LIMIT, s->opt.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
				     s->opt.timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->opt.max_header,
				     MHD_OPTION_NOTIFY_COMPLETED, request_done, s, MHD_OPTION_NOTIFY_CONNECTION,
				     connection_event, s, MHD_OPTION_END);
	if (!s->daemon) {
		cli_message("serve: cannot start the HTTP library's threads: %s", errno ? strerror(errno) : "refused");
		goto failed;
	}
	http_guard_options guard = {
		.listen_fd = s->listen_fd,
		.max_header = s->opt.max_header,
		.max_target = 8192,
		.header_timeout = s->opt.header_timeout,
		.ready_timeout = s->opt.request_timeout,
		.max_waiting = 4 * s->opt.max_connections,
		.max_connections = s->opt.max_connections,
		.max_client_connections = s->opt.max_client_connections,
		.hosts = s->hosts,
		.nhosts = s->nhosts,
		.has_room = has_room,
		.hand_over = hand_over,
		.ctx = s,
	};
	if (!(s->guard = http_guard_start(&guard))) {
		cli_message("serve: cannot start the connection guard: out of memory");
		goto failed;
	}
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
	opt.allow_hosts = calloc((size_t)argc + 1, sizeof *opt.allow_hosts);
	if (!args || !opt.allow_hosts) {
		free(args);
		free(opt.allow_hosts);
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
	if (r != CLI_PARSE_RUN) {
		free(opt.allow_hosts);
		return r;
	}

	/* The threads of the daemon must not take SIGINT and SIGTERM: this
	 * thread waits for them, to stop the daemon in order. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	int status = serve_start(&opt, &s);
	if (status != CLI_EXIT_OK) {
		free(opt.allow_hosts);
		return status;
	}
	bool ipv6 = strchr(s->opt.bind, ':') != NULL;
	if (opt.port == 0) {
		/* a port picked for the caller: say which on stdout, even with
		 * --quiet, so that a script can read it */
		printf("http://%s%s%s:%u/\n", ipv6 ? "[" : "", s->opt.bind, ipv6 ? "]" : "", s->opt.port);
		fflush(stdout);
	}
	if (!s->opt.quiet) {
		cli_message("serving on http://%s%s%s:%u/ (model %s%s%s, %u threads); Ctrl-C stops", ipv6 ? "[" : "",
			    s->opt.bind, ipv6 ? "]" : "", s->opt.port, ws_model_name(s->model),
			    s->opt.db ? ", store " : "", s->opt.db ? s->opt.db : "", s->opt.jobs);
	}
	int sig;
	sigwait(&stop_signals, &sig);
	bool quiet = s->opt.quiet;
	serve_stop(s);
	free(opt.allow_hosts);
	if (!quiet)
		cli_message("serve: stopped by %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	return CLI_EXIT_OK;
}
