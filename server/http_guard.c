/*
 * http_guard.c — the server's front door: every connection is accepted
 * here, and its request head is read and checked strictly before
 * libmicrohttpd sees a byte of it.
 *
 * libmicrohttpd 0.9.75, as Debian 12 ships it, is lenient where a server
 * behind a proxy must not be (two different Content-Lengths, "Host : x",
 * HTTP/1.1 without a Host, folded header lines all pass), goes silent on
 * some bad requests (a garbage request line, an unknown Transfer-Encoding)
 * and answers others with HTML pages of its own.  So the head is checked
 * here first, by one strict reading of RFC 9112, and every refusal is a
 * JSON error of the server's own form.  A head that passes is handed to
 * libmicrohttpd with MHD_add_connection(), which then reads the same
 * bytes: the guard only ever peeks at them (recv with MSG_PEEK), and an
 * edge-triggered epoll wakes it each time more arrive, although what came
 * before is still unread.
 *
 * The guard also holds what libmicrohttpd cannot: a deadline for the head
 * (--header-timeout; a client that sends a byte a second is answered 408
 * and dropped, instead of holding a connection slot of the server), a cap
 * on the connections of one client address, waiting or being served
 * (--max-client-connections), and the names the Host header may give
 * (loopback names, the bound address and --allow-host), which is what
 * keeps a web page from reading a local store through DNS rebinding.
 *
 * Every answer the server gives closes its connection (server/serve.c),
 * so every request of a connection is its first and passes through here.
 *
 * One thread runs the guard; what it shares with libmicrohttpd's threads
 * is the count of connections per client, under a mutex.
 */
/* accept4() and pipe2(), which set the flags of the new descriptors at once */
#define _GNU_SOURCE
#include "server/http_guard.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* How long a refused client may take to read the refusal before its
 * connection is closed: closing with its request still unread would
 * reset the connection and could destroy the answer on the way. */
#define LINGER_SECONDS 2

/* Query parameters one request may carry: libmicrohttpd parses them into
 * the connection's header memory, and a few hundred exhaust it without an
 * answer. */
#define MAX_PARAMETERS 128

/* A connection waits for its head, then (when the library serves as many
 * as it may) for a free place, or, refused, for its client to read why. */
enum waiting_state { HEAD, READY, CLOSING };

typedef struct waiting {
	int fd;
	enum waiting_state state;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct timespec deadline;
	struct waiting *prev, *next;
} waiting;

/* Connections per client address: an open-addressing table, keyed by the
 * address bytes (IPv4 mapped into IPv6 form). */
typedef struct client_count {
	unsigned char ip[16];
	unsigned count;
	bool used;                /* the slot holds an address, maybe at count 0 */
} client_count;

struct http_guard {
	http_guard_options opt;
	int epoll_fd, wake[2];
	pthread_t thread;
	bool running;
	_Atomic bool stopping;
	char *peeked;             /* max_header bytes: a head as far as it came */
	waiting *first, *last;    /* in the order they came */
	size_t nwaiting, nready;
	pthread_mutex_t clients_lock;  /* also guards the inbox */
	int *inbox;               /* refused sockets handed in by other threads to linger */
	size_t ninbox, inbox_cap;
	client_count *clients;
	size_t clients_cap;       /* a power of two */
	size_t clients_used;      /* slots holding an address */
};

static void look(http_guard *g, waiting *w);

/* -------------------------------------------------------- client counts */

static void ip_of(const struct sockaddr *sa, unsigned char ip[16])
{
	memset(ip, 0, 16);
	if (sa->sa_family == AF_INET6) {
		memcpy(ip, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else if (sa->sa_family == AF_INET) {
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	}
}

/* The slot of ip, or the free slot where it would go. */
static size_t ip_slot(const http_guard *g, const unsigned char ip[16])
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ ip[i]) * 16777619u;
	size_t mask = g->clients_cap - 1, i = h & mask;
	/* the table is never more than half full (client_add()), so the probe
	 * ends */
	while (g->clients[i].used && memcmp(g->clients[i].ip, ip, 16) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Slots stay taken at count 0, since freeing one could cut the probe
 * chain of another address; when half the table is taken it is built
 * anew with the addresses that still count.  There are never more of
 * those than connections waiting and served, which the table was sized
 * for, so the new table is at most half full. */
static void forget_idle_clients(http_guard *g)
{
	client_count *old = g->clients;
	client_count *fresh = calloc(g->clients_cap, sizeof *fresh);
	if (!fresh)
		return; /* client_add() refuses new addresses until it can */
	g->clients = fresh;
	g->clients_used = 0;
	for (size_t k = 0; k < g->clients_cap; k++) {
		if (old[k].used && old[k].count) {
			size_t j = ip_slot(g, old[k].ip);
			g->clients[j] = old[k];
			g->clients_used++;
		}
	}
	free(old);
}

/* Add delta to the client's count; with delta 1 only while it is below
 * the cap.  False when the cap is reached. */
static bool client_add(http_guard *g, const struct sockaddr *sa, int delta)
{
	unsigned char ip[16];
	ip_of(sa, ip);
	pthread_mutex_lock(&g->clients_lock);
	size_t i = ip_slot(g, ip);
	bool ok = true;
	if (delta > 0) {
		if (!g->clients[i].used) {
			if (2 * (g->clients_used + 1) > g->clients_cap) {
				forget_idle_clients(g);
				i = ip_slot(g, ip);
			}
			if (2 * (g->clients_used + 1) > g->clients_cap) {
				/* out of memory for a new table: refuse rather than fill it */
				pthread_mutex_unlock(&g->clients_lock);
				return false;
			}
			g->clients[i].used = true;
			memcpy(g->clients[i].ip, ip, 16);
			g->clients_used++;
		}
		ok = g->clients[i].count < g->opt.max_client_connections;
		if (ok)
			g->clients[i].count++;
	} else if (g->clients[i].used && g->clients[i].count) {
		g->clients[i].count--;
	}
	pthread_mutex_unlock(&g->clients_lock);
	return ok;
}

void http_guard_connection_closed(http_guard *g, const struct sockaddr *addr)
{
	if (g && addr)
		client_add(g, addr, -1);
}

/* --------------------------------------------------------------- timing */

static struct timespec after_seconds(unsigned seconds)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += seconds;
	return t;
}

static bool passed(const struct timespec *deadline, const struct timespec *now)
{
	return now->tv_sec > deadline->tv_sec || (now->tv_sec == deadline->tv_sec && now->tv_nsec >= deadline->tv_nsec);
}

/* ------------------------------------------------------------- the head */

static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool equals_nocase(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* Is the Host value (without its port) one the guard lets in? */
static bool host_allowed(const http_guard *g, const char *v, size_t n)
{
	size_t name = n;
	if (n && v[0] == '[') {
		const char *close = memchr(v, ']', n);
		if (!close)
			return false;
		name = (size_t)(close - v) + 1;
	} else {
		const char *colon = memchr(v, ':', n);
		if (colon)
			name = (size_t)(colon - v);
	}
	for (size_t k = name + 1; k < n; k++)
		if (v[k] < '0' || v[k] > '9')
			return false;
	if (name < n && (v[name] != ':' || name + 1 == n))
		return false;
	for (size_t i = 0; i < g->opt.nhosts; i++)
		if (equals_nocase(v, name, g->opt.hosts[i]))
			return true;
	return false;
}

/* The verdict on a complete head h[0..n) (up to and including the blank
 * line): 0 when it may pass, else the status to refuse it with, and why. */
static unsigned check_head(const http_guard *g, const char *h, size_t n, const char **why)
{
	const char *end = h + n, *p = h;
	/* request line: method SP target SP HTTP/1.x CRLF */
	const char *m = p;
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	if (p == m || p >= end || *p != ' ')
		return *why = "the request line is not METHOD TARGET HTTP/1.1", 400;
	const char *target = ++p;
	size_t parameters = 0;
	while (p < end && (unsigned char)*p > ' ' && (unsigned char)*p < 0x7f) {
		parameters += *p == '&' || *p == '?';
		p++;
	}
	size_t target_len = (size_t)(p - target);
	if (p >= end || *p != ' ' || target_len == 0 || target[0] != '/')
		return *why = "the request line is not METHOD TARGET HTTP/1.1", 400;
	if (target_len > g->opt.max_target)
		return *why = "the request target is too long", 414;
	if (parameters > MAX_PARAMETERS)
		return *why = "too many query parameters (more than 128)", 431;
	p++;
	if ((size_t)(end - p) < 10 || memcmp(p, "HTTP/", 5) != 0 || p[5] < '0' || p[5] > '9' || p[6] != '.' ||
	    p[7] < '0' || p[7] > '9' || p[8] != '\r' || p[9] != '\n')
		return *why = "the request line is not METHOD TARGET HTTP/1.1", 400;
	if (p[5] != '1')
		return *why = "only HTTP/1.0 and HTTP/1.1 are spoken here", 505;
	bool http11 = p[7] != '0';
	p += 10;

	/* header fields: name ":" OWS value OWS CRLF, then CRLF */
	int hosts = 0, lengths = 0, encodings = 0;
	while (p < end) {
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			break;
		if (*p == ' ' || *p == '\t')
			return *why = "folded header lines are not accepted", 400;
		const char *name = p;
		while (p < end && is_tchar((unsigned char)*p))
			p++;
		size_t name_len = (size_t)(p - name);
		if (!name_len || p >= end || *p != ':')
			return *why = "a header line is not NAME: VALUE", 400;
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *value = p;
		while (p < end && *p != '\r') {
			unsigned char c = (unsigned char)*p;
			if ((c < ' ' && c != '\t') || c == 0x7f)
				return *why = "a header value holds a control character", 400;
			p++;
		}
		if (end - p < 2 || p[1] != '\n')
			return *why = "header lines must end in CRLF", 400;
		const char *value_end = p;
		while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
			value_end--;
		size_t value_len = (size_t)(value_end - value);
		p += 2;
		if (equals_nocase(name, name_len, "host")) {
			if (++hosts > 1)
				return *why = "more than one Host header", 400;
			if (!host_allowed(g, value, value_len))
				return *why = "this server does not answer for that host name (see --allow-host)", 403;
		} else if (equals_nocase(name, name_len, "content-length")) {
			if (++lengths > 1)
				return *why = "more than one Content-Length header", 400;
			if (!value_len || value_len > 19)
				return *why = "Content-Length must be a number of bytes", 400;
			for (size_t k = 0; k < value_len; k++)
				if (value[k] < '0' || value[k] > '9')
					return *why = "Content-Length must be a number of bytes", 400;
		} else if (equals_nocase(name, name_len, "transfer-encoding")) {
			encodings++;
			if (!equals_nocase(value, value_len, "chunked") || encodings > 1)
				return *why = "the only Transfer-Encoding accepted is chunked", 501;
		}
	}
	if (http11 && hosts == 0)
		return *why = "an HTTP/1.1 request needs a Host header", 400;
	if (lengths && encodings)
		return *why = "Content-Length and Transfer-Encoding together", 400;
	return 0;
}

/* ------------------------------------------------------------- answers */

static const char *reason_phrase(unsigned status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Error";
}

/* The server's JSON error, then the end of sending; the messages here are
 * the guard's own ASCII sentences, never request bytes. */
static void refuse(int fd, unsigned status, const char *message)
{
	char body[512], answer[1024];
	int nb = snprintf(body, sizeof body, "{\"error\":{\"status\":%u,\"message\":\"%s\"}}\n", status, message);
	int na = snprintf(answer, sizeof answer,
			  "HTTP/1.1 %u %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
			  "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n%sConnection: close\r\n\r\n%s",
			  status, reason_phrase(status), nb, status == 503 ? "Retry-After: 1\r\n" : "", body);
	if (na > 0)
		(void)!send(fd, answer, (size_t)na, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(fd, SHUT_WR);
}

/* ------------------------------------------------- waiting connections */

static void unlink_waiting(http_guard *g, waiting *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		g->first = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		g->last = w->prev;
	g->nwaiting--;
	g->nready -= w->state == READY;
}

/* Hand w over to the library, which reads its head from the start. */
static void hand_over(http_guard *g, waiting *w)
{
	epoll_ctl(g->epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
	int fd = w->fd;
	struct sockaddr_storage addr = w->addr;
	socklen_t addrlen = w->addrlen;
	unlink_waiting(g, w);
	free(w);
	/* the library closes the socket when done, and the client's count
	 * goes down in http_guard_connection_closed() */
	if (!g->opt.hand_over(g->opt.ctx, fd, (struct sockaddr *)&addr, addrlen))
		client_add(g, (struct sockaddr *)&addr, -1);
}

static void drop(http_guard *g, waiting *w)
{
	epoll_ctl(g->epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
	close(w->fd);
	if (w->state != CLOSING)
		client_add(g, (struct sockaddr *)&w->addr, -1);
	unlink_waiting(g, w);
	free(w);
}

/* Answer w with a refusal and let it go after LINGER_SECONDS.  A refused
 * connection no longer counts against its client: it only waits for the
 * client to read the answer and go. */
static void refuse_waiting(http_guard *g, waiting *w, unsigned status, const char *message)
{
	refuse(w->fd, status, message);
	g->nready -= w->state == READY;
	w->state = CLOSING;
	w->deadline = after_seconds(LINGER_SECONDS);
	client_add(g, (struct sockaddr *)&w->addr, -1);
}

/* A new connection at the end of the line, watched for what it sends. */
static bool append_waiting(http_guard *g, waiting *w)
{
	w->prev = g->last;
	if (g->last)
		g->last->next = w;
	else
		g->first = w;
	g->last = w;
	g->nwaiting++;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = w};
	return epoll_ctl(g->epoll_fd, EPOLL_CTL_ADD, w->fd, &ev) == 0;
}

/* Add fd, answered and shut for writing, to the connections that wait
 * for their client to go. */
static void add_lingering(http_guard *g, int fd)
{
	waiting *w = calloc(1, sizeof *w);
	if (!w) {
		close(fd);
		return;
	}
	w->fd = fd;
	w->state = CLOSING;
	w->deadline = after_seconds(LINGER_SECONDS);
	if (!append_waiting(g, w))
		drop(g, w);
}

bool http_guard_refuse_later(http_guard *g, int fd, unsigned status, const char *message)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (copy < 0)
		return false;
	refuse(copy, status, message);
	pthread_mutex_lock(&g->clients_lock);
	bool queued = false;
	if (g->ninbox == g->inbox_cap) {
		size_t ncap = g->inbox_cap ? 2 * g->inbox_cap : 16;
		int *p = realloc(g->inbox, ncap * sizeof *p);
		if (p) {
			g->inbox = p;
			g->inbox_cap = ncap;
		}
	}
	if (g->ninbox < g->inbox_cap) {
		g->inbox[g->ninbox++] = copy;
		queued = true;
	}
	pthread_mutex_unlock(&g->clients_lock);
	if (!queued) {
		close(copy);
		return false;
	}
	(void)!write(g->wake[1], "l", 1);
	return true;
}

static void take_inbox(http_guard *g)
{
	char bytes[64];
	while (read(g->wake[0], bytes, sizeof bytes) > 0)
		;
	pthread_mutex_lock(&g->clients_lock);
	for (size_t i = 0; i < g->ninbox; i++)
		add_lingering(g, g->inbox[i]);
	g->ninbox = 0;
	pthread_mutex_unlock(&g->clients_lock);
}

static void accept_all(http_guard *g)
{
	for (;;) {
		struct sockaddr_storage addr;
		socklen_t len = sizeof addr;
		int fd = accept4(g->opt.listen_fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN: none left; anything else: try at the next wake */
		if (!client_add(g, (struct sockaddr *)&addr, 1)) {
			refuse(fd, 503, "too many connections from this client at once");
			close(fd);
			continue;
		}
		waiting *w = calloc(1, sizeof *w);
		if (!w || g->nwaiting >= g->opt.max_waiting) {
			refuse(fd, 503, w ? "too many connections waiting; try again" : "out of memory");
			close(fd);
			free(w);
			client_add(g, (struct sockaddr *)&addr, -1);
			continue;
		}
		w->fd = fd;
		w->addr = addr;
		w->addrlen = len;
		w->state = HEAD;
		w->deadline = after_seconds(g->opt.header_timeout);
		if (!append_waiting(g, w)) {
			drop(g, w);
			continue;
		}
		/* bytes may have come with the connection: look at once */
		look(g, w);
	}
}

/* New bytes on a waiting connection: is its head complete, and good? */
static void look(http_guard *g, waiting *w)
{
	char *buf = g->peeked;
	size_t cap = g->opt.max_header;
	if (w->state == READY)
		return; /* its head was checked; it waits for a place (sweep()) */
	if (w->state == CLOSING) {
		/* read and forget what a refused client still sends, until it goes */
		ssize_t got;
		while ((got = recv(w->fd, buf, cap, MSG_DONTWAIT)) > 0)
			;
		if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			drop(g, w);
		return;
	}
	ssize_t n = recv(w->fd, buf, cap, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		drop(g, w);
		return;
	}
	if (n < 0)
		return;
	const char *blank = NULL;
	for (ssize_t i = 3; i < n && !blank; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r')
			blank = buf + i + 1;
	if (!blank) {
		/* a head must start with a method: garbage is refused at once */
		for (ssize_t i = 0; i < n && buf[i] != ' '; i++) {
			if (!is_tchar((unsigned char)buf[i])) {
				refuse_waiting(g, w, 400, "the request line is not METHOD TARGET HTTP/1.1");
				return;
			}
		}
		if ((size_t)n >= cap)
			refuse_waiting(g, w, 431, "the request head is larger than --max-header");
		return;
	}
	const char *why = NULL;
	unsigned status = check_head(g, buf, (size_t)(blank - buf), &why);
	if (status) {
		refuse_waiting(g, w, status, why);
		return;
	}
	if (g->nready || !g->opt.has_room(g->opt.ctx)) {
		/* the library serves as many as it may: wait in line */
		w->state = READY;
		w->deadline = after_seconds(g->opt.ready_timeout);
		g->nready++;
		return;
	}
	hand_over(g, w);
}

/* Hand over those in line while there is room, oldest first; refuse the
 * heads that missed their deadline and those that waited in line too
 * long; close the refused that had their time to read. */
static void sweep(http_guard *g)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	bool room = true;
	for (waiting *w = g->first, *next; w; w = next) {
		next = w->next;
		if (w->state == READY && room && (room = g->opt.has_room(g->opt.ctx))) {
			hand_over(g, w);
			continue;
		}
		if (!passed(&w->deadline, &now))
			continue;
		if (w->state == HEAD)
			refuse_waiting(g, w, 408, "the request head did not arrive in time (--header-timeout)");
		else if (w->state == READY)
			refuse_waiting(g, w, 503, "the server was busy for too long; try again");
		else
			drop(g, w);
	}
}

static void *run(void *arg)
{
	http_guard *g = arg;
	struct epoll_event events[64];
	for (;;) {
		/* a connection in line is looked at often: a place may free any time */
		int n = epoll_wait(g->epoll_fd, events, 64, g->nready ? 10 : 250);
		for (int i = 0; i < n; i++) {
			void *tag = events[i].data.ptr;
			if (tag == &g->wake[0]) {
				if (g->stopping)
					return NULL;
				take_inbox(g);
				continue;
			}
			if (tag == g)
				accept_all(g);
			else
				look(g, tag);
		}
		sweep(g);
	}
}

/* ------------------------------------------------------ start and stop */

http_guard *http_guard_start(const http_guard_options *opt)
{
	http_guard *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->opt = *opt;
	g->epoll_fd = -1;
	g->wake[0] = g->wake[1] = -1;
	pthread_mutex_init(&g->clients_lock, NULL);
	/* at least twice the connections that can be counted at once, so that
	 * the table is never more than half full */
	size_t need = 2 * ((size_t)opt->max_waiting + opt->max_connections) + 16;
	g->clients_cap = 16;
	while (g->clients_cap < need)
		g->clients_cap *= 2;
	g->clients = calloc(g->clients_cap, sizeof *g->clients);
	g->peeked = malloc(opt->max_header);
	struct epoll_event listen_ev = {.events = EPOLLIN, .data.ptr = g};
	struct epoll_event wake_ev = {.events = EPOLLIN, .data.ptr = &g->wake[0]};
	if (!g->clients || !g->peeked || (g->epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    pipe2(g->wake, O_CLOEXEC | O_NONBLOCK) != 0 ||
	    epoll_ctl(g->epoll_fd, EPOLL_CTL_ADD, opt->listen_fd, &listen_ev) != 0 ||
	    epoll_ctl(g->epoll_fd, EPOLL_CTL_ADD, g->wake[0], &wake_ev) != 0 ||
	    pthread_create(&g->thread, NULL, run, g) != 0) {
		http_guard_free(g);
		return NULL;
	}
	g->running = true;
	return g;
}

void http_guard_stop(http_guard *g)
{
	if (!g)
		return;
	if (g->running) {
		g->stopping = true;
		(void)!write(g->wake[1], "s", 1);
		pthread_join(g->thread, NULL);
		g->running = false;
	}
	while (g->first)
		drop(g, g->first);
	for (size_t i = 0; i < g->ninbox; i++)
		close(g->inbox[i]);
	g->ninbox = 0;
}

void http_guard_free(http_guard *g)
{
	if (!g)
		return;
	http_guard_stop(g);
	if (g->epoll_fd >= 0)
		close(g->epoll_fd);
	if (g->wake[0] >= 0)
		close(g->wake[0]);
	if (g->wake[1] >= 0)
		close(g->wake[1]);
	pthread_mutex_destroy(&g->clients_lock);
	free(g->clients);
	free(g->inbox);
	free(g->peeked);
	free(g);
}
