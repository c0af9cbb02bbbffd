/*
 * server.h — `whosaid serve`: the analysis and the quote store's
 * questions over HTTP, with a page for people (docs/server.md).
 *
 * The server stands on the command front (front/front.h) for reading a
 * record and analysing it exactly as the command line does, and on the
 * store (store/store.h) for its questions; nothing below includes it.
 */
#ifndef WHOSAID_SERVER_H
#define WHOSAID_SERVER_H

#include "front/front.h"

/* The options of `whosaid serve` (its --help says what each means). */
typedef struct serve_options {
	unsigned port;            /* 0 picks a free one */
	const char *bind;
	const char *db;           /* NULL: no quote store */
	const char *model;        /* NULL: the library's default */
	unsigned jobs;            /* 0: the number of cores */
	size_t max_body, max_header;
	unsigned timeout, max_connections, max_requests;
	unsigned header_timeout;  /* seconds for a request head */
	unsigned request_timeout; /* seconds for a whole request, head and body */
	unsigned drain_timeout;   /* seconds a stop waits for requests in progress */
	unsigned max_client_connections; /* per client address */
	const char **allow_hosts; /* more host names for Host, beside loopback's */
	size_t nallow_hosts;
	bool quiet;
} serve_options;

/* The defaults that `whosaid serve --help` shows. */
serve_options serve_default_options(void);

typedef struct serve_server serve_server;

/* Open the model (and the store) of opt and start answering on its
 * threads; serve_main() runs it until a signal, the fuzz harness
 * fuzz/fuzz_http.c inside its own process.  CLI_EXIT_OK with *out the
 * running server, or the exit status after a message on stderr. */
int serve_start(const serve_options *opt, serve_server **out);
/* The port listened on: the one picked when opt->port was 0. */
unsigned serve_port(const serve_server *s);
/* Finish the requests in progress and release everything; NULL: nothing. */
void serve_stop(serve_server *s);

/* The command, argv[0] being "serve": runs a server until SIGINT or
 * SIGTERM. */
int serve_main(int argc, char **argv);

/* A file of the server's page (serve_page.c): "/index.html", "/app.js" or
 * "/app.css", with its content type and length; NULL for another path. */
const char *serve_asset(const char *path, const char **type, size_t *len);

#endif /* WHOSAID_SERVER_H */
