/*
 * http_guard.h — the strict front door of `whosaid serve` (http_guard.c):
 * it accepts the connections, checks each request head, and hands the
 * good ones to the HTTP library.
 */
#ifndef WHOSAID_HTTP_GUARD_H
#define WHOSAID_HTTP_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

typedef struct http_guard_options {
	int listen_fd;            /* listening, non-blocking; the caller's to close */
	size_t max_header;        /* a longer head gets 431 */
	size_t max_target;        /* a longer request target gets 414 */
	unsigned header_timeout;  /* seconds for a whole head, else 408 */
	unsigned ready_timeout;   /* seconds a checked head may wait for a place, else 503 */
	unsigned max_waiting;     /* heads in progress at once; more get 503 */
	unsigned max_connections; /* connections the library serves at once */
	unsigned max_client_connections; /* per client address, waiting and served */
	const char *const *hosts; /* the host names Host may give, lower case */
	size_t nhosts;
	/* Whether the library can take one more connection now. */
	bool (*has_room)(void *ctx);
	/* Take a connection whose head passed (the library reads it from the
	 * start); false when it could not, the socket then closed. */
	bool (*hand_over)(void *ctx, int fd, const struct sockaddr *addr, socklen_t addrlen);
	void *ctx;
} http_guard_options;

typedef struct http_guard http_guard;

/* Start the guard's thread; NULL when out of memory or threads. */
http_guard *http_guard_start(const http_guard_options *opt);
/* Stop accepting and close every connection still waiting; the guard
 * still counts the closing of those handed over, until it is freed. */
void http_guard_stop(http_guard *g);
/* Stop it if running, and release it; after the library has stopped. */
void http_guard_free(http_guard *g);
/* Answer a connection the library serves, in the middle of its body,
 * with the server's JSON error of status, and keep a copy of its socket
 * until its client has had time to read the answer (the library closes
 * its own at once): closing a socket with unread bytes resets the
 * connection and could destroy the answer.  Any thread; false when it
 * could not (out of memory or descriptors). */
bool http_guard_refuse_later(http_guard *g, int fd, unsigned status, const char *message);
/* A connection that was handed over has closed: its client may open
 * another.  Any thread. */
void http_guard_connection_closed(http_guard *g, const struct sockaddr *addr);

#endif /* WHOSAID_HTTP_GUARD_H */
