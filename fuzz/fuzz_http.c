/*
 * fuzz_http.c — the server's request handling (server/serve.c) on arbitrary
 * bytes sent as a raw HTTP request.
 *
 * The real server runs inside this process: LLVMFuzzerInitialize() starts
 * it with serve_start() on a free loopback port, with the "rules" model and
 * a small quote store made for the run (two made-up articles, indexed as
 * `whosaid index` would), so that every route has something to do.  Each
 * input is then written as it is to a new TCP connection, and the answer
 * read until the server closes the connection, one whole answer has come
 * (its Content-Length), or the server has been silent for a moment (an
 * incomplete request waits for more).  What is exercised is ours, behind
 * libmicrohttpd's parser: routing, the early refusals, body collection up
 * to the limit, JSON bodies, JSON Lines batches, query parameters and the
 * store's questions.
 *
 * Limits are set low (a 3000-byte body, 4096 bytes of headers) so that
 * inputs of the size a fuzzer makes reach them.  The connection is closed
 * with a reset (SO_LINGER 0), so that hundreds of thousands of them leave
 * no TIME_WAIT behind to exhaust the local ports.  A sanitizer report in a
 * server thread ends the process like one in this thread; it may be
 * blamed on the input after the guilty one, which replaying the last few
 * inputs sorts out.
 */
#include "fuzz.h"
#include "server/server.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SILENCE_MS 40

static serve_server *server;
static unsigned port;
static char store_dir[] = "/tmp/whosaid-fuzz-http-XXXXXX";
static char store_path[sizeof store_dir + 16];

/* Made-up articles for the store, so that search and speakers find hits. */
static const char *const articles[][4] = {
	{"a1", "\"The bridge will open in May,\" said Orla Penn, the county engineer. "
	       "Penn told reporters the cost had doubled.",
	 "\"outlet\":\"Valley Post\",\"date\":\"2021-03-04\"", "Valley Post"},
	{"a2", "Mayor Tomas Reyl said the budget was balanced. \"We kept every promise,\" Reyl said. "
	       "According to the council, taxes will rise.",
	 "\"outlet\":\"Harbor Times\",\"date\":\"2022-11-30\"", "Harbor Times"},
};

static void remove_store(void)
{
	serve_stop(server);
	server = NULL;
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char path[sizeof store_path + 16];
		snprintf(path, sizeof path, "%s%s", store_path, suffixes[i]);
		unlink(path);
	}
	rmdir(store_dir);
}

static void make_store(void)
{
	char why[512] = "";
	ws_model *model = NULL;
	ws_doc *doc = NULL;
	ws_error err = {0};
	if (!mkdtemp(store_dir)) {
		perror("fuzz_http: mkdtemp");
		exit(1);
	}
	snprintf(store_path, sizeof store_path, "%s/quotes.db", store_dir);
	store *st = store_open(store_path, true, why, sizeof why);
	if (!st || ws_model_open("rules", NULL, &model, &err) != WS_OK || ws_doc_new(NULL, &doc) != WS_OK) {
		fprintf(stderr, "fuzz_http: cannot make the store: %s%s\n", why, err.message);
		exit(1);
	}
	for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++) {
		const char *text = articles[i][1];
		ws_render_options ro = {.format = WS_FORMAT_JSONL, .id = articles[i][0], .extra_json = articles[i][2]};
		ws_buffer record = {0};
		char fingerprint[17];
		store_fingerprint(text, strlen(text), articles[i][2], "rules", fingerprint);
		store_article a = {.doc_id = articles[i][0], .origin = "fuzz", .fingerprint = fingerprint,
				   .model = "rules", .bytes = strlen(text), .text = text, .text_len = strlen(text)};
		if (ws_doc_analyze(doc, model, text, strlen(text), &err) != WS_OK ||
		    ws_doc_render(doc, &ro, &record, &err) != WS_OK) {
			fprintf(stderr, "fuzz_http: %s\n", err.message);
			exit(1);
		}
		a.record = record.data;
		a.record_len = record.len;
		if (!store_put_article(st, &a, why, sizeof why)) {
			fprintf(stderr, "fuzz_http: %s\n", why);
			exit(1);
		}
		ws_buffer_free(&record);
	}
	ws_doc_free(doc);
	ws_model_free(model);
	if (!store_close(st, why, sizeof why)) {
		fprintf(stderr, "fuzz_http: %s\n", why);
		exit(1);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	make_store();
	serve_options opt = serve_default_options();
	opt.port = 0;
	opt.model = "rules";
	opt.db = store_path;
	opt.jobs = 2;
	opt.quiet = true;
	opt.timeout = 1;           /* abandoned connections go quickly */
	opt.max_body = 3000;
	opt.max_header = 4096;
	if (serve_start(&opt, &server) != CLI_EXIT_OK)
		exit(1);
	port = serve_port(server);
	atexit(remove_store);
	return 0;
}

/* The length of the first whole answer in buf[0..len), or 0 when it is
 * not all here yet (or has no Content-Length to tell). */
static size_t answer_length(const char *buf, size_t len)
{
	const char *end = NULL;
	for (size_t i = 0; i + 3 < len; i++) {
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			end = buf + i + 4;
			break;
		}
	}
	if (!end)
		return 0;
	size_t head = (size_t)(end - buf);
	for (const char *p = buf; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		if ((size_t)(nl - p) > 15 && strncasecmp(p, "Content-Length:", 15) == 0) {
			size_t body = strtoul(p + 15, NULL, 10);
			return head + body <= len ? head + body : 0;
		}
		p = nl + 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	struct linger reset = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return 0;
	}
	for (size_t sent = 0; sent < size;) {
		ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
		if (n <= 0)
			break; /* the server closed early, as it may */
		sent += (size_t)n;
	}
	char buf[65536];
	size_t got = 0;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, SILENCE_MS) <= 0)
			break;
		ssize_t n = recv(fd, buf + got, sizeof buf - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		/* every answer of the server is JSON or a page, and says so */
		if (got >= 12)
			FUZZ_CHECK(memcmp(buf, "HTTP/1.", 7) == 0);
		if (got == sizeof buf || answer_length(buf, got))
			break;
	}
	close(fd);
	return 0;
}
