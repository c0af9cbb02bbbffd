/*
 * inputs.c — command-line arguments -> documents, in a deterministic order.
 *
 * An argument is a file, a directory or "-" (standard input).  A directory
 * is walked recursively for *.txt files (*.jsonl with --jsonl), sorted by
 * path with strcmp() so that the order, and thus the output, is the same on
 * every machine and in every locale.  Symbolic links to files are read,
 * symbolic links to directories are not followed: that is the simplest rule
 * that rules out cycles.  Entries whose names start with a dot are skipped,
 * as ls and shells do, so editor backups and version-control folders stay
 * out.  An entry that cannot be examined becomes a document that carries
 * its error, in its sorted place.
 *
 * A text file is one document, read whole, but never more than the
 * library's limit (WS_MAX_DOCUMENT_BYTES) plus one byte: a huge file is an
 * error record, not an exhausted machine.  A JSON Lines file is read line
 * by line with a bounded line buffer instead, since a corpus in one file
 * can be far larger than any article; empty lines are not records.
 *
 * Every document also says how many input bytes it consumed, for the
 * progress line (progress.c): a file's size, or a record's line with its
 * newline and the blank lines before it.  cli_inputs_size() adds up the
 * same bytes before the run, with the same walk.
 */
#include "front/front.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The longest JSON Lines record accepted.  JSON escapes make a record
 * longer than its text ("\u00e9" is 6 bytes for 2), so the bound is a
 * multiple of the document limit; the library then checks the text. */
#define LINE_LIMIT (4 * WS_MAX_DOCUMENT_BYTES)

/* The most a record's strings may hold once their escapes are decoded:
 * the document limit, and a sixteenth more for the other members.  A
 * record is refused as soon as what has been read of it is sure to pass
 * this, so that a huge record of plain text costs the memory of this
 * much and not of the whole record (and of its parse). */
#define DECODED_LIMIT (WS_MAX_DOCUMENT_BYTES + WS_MAX_DOCUMENT_BYTES / 16)

/* Every escape is a backslash and decodes to at least one byte of at
 * most six ("\u0041" is "A"): n bytes with b backslashes decode to no
 * less than n - 5b. */
static bool surely_over_decoded_limit(size_t n, size_t backslashes)
{
	return backslashes < n / 5 && n - 5 * backslashes > DECODED_LIMIT;
}

static size_t count_backslashes(const char *p, size_t n)
{
	size_t k = 0;
	if (!n)
		return 0; /* p may be NULL before the first read */
	for (const char *end = p + n; (p = memchr(p, '\\', (size_t)(end - p))); p++)
		k++;
	return k;
}
#define READ_CHUNK ((size_t)64 << 10)

/* One entry of a walked directory: a file to read, or an error. */
typedef struct dir_entry {
	char *path;
	char *error;   /* strerror() text when the entry could not be examined */
	uint64_t size; /* of the file, for cli_inputs_size() */
} dir_entry;

/* A JSON Lines input being read. */
typedef struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	size_t scanned;        /* bytes after start known to hold no newline */
	size_t backslashes;    /* in those bytes */
	bool eof;
	uint64_t taken;        /* bytes read from fd so far */
	uint64_t counted;      /* bytes consumed by lines already handed out */
} line_reader;

struct cli_source {
	const cli_options *opt;
	size_t next_arg;
	dir_entry *entries;    /* the walk of the current directory argument */
	size_t nentries, entries_cap, next_entry;

	bool in_lines;         /* a JSON Lines file is open */
	line_reader lines;
	char *lines_file;      /* its name as shown */
	char *lines_stem;      /* its basename without extension */
	size_t lineno;
	uint64_t pending;      /* bytes consumed outside any document yet */
};

/* ------------------------------------------------------------- helpers */

static char *copy_string(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* The names a directory input stands for end in this. */
static const char *input_suffix(const cli_options *opt)
{
	return opt->jsonl ? ".jsonl" : ".txt";
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && memcmp(s + n - k, suffix, k) == 0;
}

/* The basename of path without the given extension, "stdin" for "-". */
static char *stem_of(const char *path, const char *ext)
{
	if (strcmp(path, "-") == 0)
		return copy_string("stdin");
	const char *b = base_name(path);
	size_t n = strlen(b);
	while (n > 1 && b[n - 1] == '/')
		n--;
	if (ext && n > strlen(ext) && memcmp(b + n - strlen(ext), ext, strlen(ext)) == 0)
		n -= strlen(ext);
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, b, n);
		p[n] = '\0';
	}
	return p;
}

/* dir + "/" + name, without doubling a slash the user typed. */
static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	return cli_format("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

/* --------------------------------------------------------- whole files */

/* Read all of fd, at most limit + 1 bytes (one more than allowed, so that
 * a file that is too large is told apart from one that is exactly the
 * limit).  0 on success, else an errno value; *data is malloc'ed. */
static int read_all(int fd, size_t limit, char **data, size_t *len)
{
	struct stat st;
	size_t cap = READ_CHUNK, n = 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (uintmax_t)st.st_size < limit ? (size_t)st.st_size + 1 : limit + 1;
	char *buf = malloc(cap);
	if (!buf)
		return ENOMEM;
	int rc = 0;
	for (;;) {
		if (n == cap) {
			if (cap > limit) /* already holds limit + 1 bytes */
				break;
			size_t ncap = cap > (limit + 1) / 2 ? limit + 1 : cap * 2;
			char *p = realloc(buf, ncap);
			if (!p) {
				rc = ENOMEM;
				break;
			}
			buf = p;
			cap = ncap;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = errno;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (rc) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* A document for one text file (path "-": standard input). */
static int read_text_document(const char *path, cli_doc *doc)
{
	bool is_stdin = strcmp(path, "-") == 0;
	doc->id = is_stdin ? NULL : copy_string(path);
	doc->origin = copy_string(is_stdin ? "stdin" : path);
	doc->name = stem_of(path, ".txt");
	if ((!is_stdin && !doc->id) || !doc->origin || !doc->name)
		return CLI_NOMEM;

	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
	int rc = fd < 0 ? errno : 0;
	struct stat st;
	/* a file that cannot be opened still has a size, for the progress line */
	bool have_stat = !is_stdin && (fd >= 0 ? fstat(fd, &st) : stat(path, &st)) == 0;
	if (rc == 0 && have_stat) {
		doc->has_inode = true;
		doc->dev = st.st_dev;
		doc->ino = st.st_ino;
		if (S_ISDIR(st.st_mode))
			rc = EISDIR;
	}
	if (rc == 0)
		rc = read_all(fd, WS_MAX_DOCUMENT_BYTES, &doc->text, &doc->len);
	if (fd >= 0 && !is_stdin)
		close(fd);
	/* A file counts its whole size even when it is not read (whole), so
	 * that the run's bytes reach the total of cli_inputs_size(); a stream
	 * counts what was read of it. */
	doc->bytes = have_stat && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : doc->len;

	if (rc == ENOMEM)
		return CLI_NOMEM;
	if (rc) {
		doc->error = cli_format("%s: %s", doc->origin, strerror(rc));
	} else if (doc->len > WS_MAX_DOCUMENT_BYTES) {
		free(doc->text);
		doc->text = NULL;
		doc->len = 0;
		doc->error = cli_format("%s: file larger than the limit of %zu MiB", doc->origin,
					WS_MAX_DOCUMENT_BYTES >> 20);
		rc = EFBIG;
	}
	return rc && !doc->error ? CLI_NOMEM : CLI_NEXT;
}

/* ---------------------------------------------------------- directories */

static int add_entry(cli_source *src, char *path, char *error, uint64_t size)
{
	if (!path || (src->nentries == src->entries_cap && src->entries_cap > SIZE_MAX / 2 / sizeof *src->entries))
		goto fail;
	if (src->nentries == src->entries_cap) {
		size_t ncap = src->entries_cap ? src->entries_cap * 2 : 64;
		dir_entry *p = realloc(src->entries, ncap * sizeof *p);
		if (!p)
			goto fail;
		src->entries = p;
		src->entries_cap = ncap;
	}
	src->entries[src->nentries++] = (dir_entry){path, error, size};
	return 0;
fail:
	free(path);
	free(error);
	return -1;
}

static int add_error_entry(cli_source *src, const char *path, int errnum)
{
	char *p = copy_string(path), *e = copy_string(strerror(errnum));
	if (p && !e) {
		free(p);
		return -1;
	}
	return add_entry(src, p, e, 0);
}

/* Collect the files under dir (recursively) whose names end in suffix. */
static int walk(cli_source *src, const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	if (!d)
		return add_error_entry(src, dir, errno);
	int rc = 0;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno)
				rc = add_error_entry(src, dir, errno);
			break;
		}
		if (de->d_name[0] == '.')
			continue; /* ".", ".." and hidden entries */
		char *path = join_path(dir, de->d_name);
		if (!path) {
			rc = -1;
			break;
		}
		struct stat st;
		if (lstat(path, &st) != 0) {
			rc = add_error_entry(src, path, errno);
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(src, path, suffix);
		} else if (has_suffix(de->d_name, suffix)) {
			/* a link is read when it leads to a file; a dangling one is an error */
			if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
				rc = add_error_entry(src, path, errno);
			else if (S_ISREG(st.st_mode)) {
				rc = add_entry(src, path, NULL, (uint64_t)st.st_size);
				path = NULL; /* owned by the entry now */
			}
		}
		free(path);
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const dir_entry *)a)->path, ((const dir_entry *)b)->path);
}

static void clear_entries(cli_source *src)
{
	for (size_t i = src->next_entry; i < src->nentries; i++) {
		free(src->entries[i].path);
		free(src->entries[i].error);
	}
	src->nentries = src->next_entry = 0;
}

/* ----------------------------------------------------------- JSON Lines */

enum { LINE_OK, LINE_END, LINE_TOO_LONG, LINE_ERROR, LINE_NOMEM };

/* The next line of r, without its newline.  LINE_ERROR leaves errno set. */
static int next_line(line_reader *r, const char **line, size_t *len)
{
	bool skipping = false; /* inside a line longer than LINE_LIMIT */
	for (;;) {
		size_t unseen = r->end - r->start - r->scanned;
		char *from = r->buf + r->start + r->scanned;
		char *nl = unseen ? memchr(from, '\n', unseen) : NULL;
		r->backslashes += count_backslashes(from, nl ? (size_t)(nl - from) : unseen);
		if (nl) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			r->start += *len + 1;
			r->scanned = 0;
			bool over = skipping || *len > LINE_LIMIT || surely_over_decoded_limit(*len, r->backslashes);
			r->backslashes = 0;
			return over ? LINE_TOO_LONG : LINE_OK;
		}
		r->scanned = r->end - r->start;
		if (r->eof) {
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->start = r->end;
			r->scanned = 0;
			bool over = skipping || *len > LINE_LIMIT || surely_over_decoded_limit(*len, r->backslashes);
			r->backslashes = 0;
			if (over)
				return LINE_TOO_LONG;
			return *len ? LINE_OK : LINE_END;
		}
		if (r->end - r->start > LINE_LIMIT || surely_over_decoded_limit(r->end - r->start, r->backslashes)) {
			skipping = true;
			r->start = r->end = r->scanned = r->backslashes = 0;
		}
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->cap - r->end < READ_CHUNK / 2) {
			size_t ncap = r->cap ? r->cap * 2 : READ_CHUNK;
			char *p = realloc(r->buf, ncap);
			if (!p)
				return LINE_NOMEM;
			r->buf = p;
			r->cap = ncap;
		}
		/* at most 4 MiB a read, so that a line is measured against its
		 * limits as it grows, not after a read of half the buffer */
		size_t want = r->cap - r->end < ((size_t)4 << 20) ? r->cap - r->end : (size_t)4 << 20;
		ssize_t got = read(r->fd, r->buf + r->end, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return LINE_ERROR;
		if (got == 0)
			r->eof = true;
		r->end += (size_t)got;
		r->taken += (uint64_t)got;
	}
}

/* The bytes the lines handed out since the last call consumed: newlines,
 * blank lines and the skipped parts of overlong lines included. */
static uint64_t take_consumed(line_reader *r)
{
	uint64_t consumed = r->taken - (r->end - r->start);
	uint64_t n = consumed - r->counted;
	r->counted = consumed;
	return n;
}

static void close_lines(cli_source *src)
{
	if (!src->in_lines)
		return;
	src->pending += take_consumed(&src->lines); /* blank lines after the last record */
	src->lines.taken = src->lines.counted = 0;
	if (src->lines.fd != STDIN_FILENO)
		close(src->lines.fd);
	free(src->lines_file);
	free(src->lines_stem);
	src->lines_file = src->lines_stem = NULL;
	src->lines.start = src->lines.end = src->lines.scanned = 0;
	src->lines.eof = false;
	src->in_lines = false;
}

/* Start reading a JSON Lines file: CLI_DONE when it is open and its
 * records come next, CLI_NEXT when it cannot be opened and *doc holds that
 * error, or CLI_NOMEM. */
static int open_lines(cli_source *src, const char *path, cli_doc *doc)
{
	bool is_stdin = strcmp(path, "-") == 0;
	src->lines_file = copy_string(is_stdin ? "stdin" : path);
	src->lines_stem = stem_of(path, ".jsonl");
	if (!src->lines_file || !src->lines_stem) {
		free(src->lines_file);
		free(src->lines_stem);
		src->lines_file = src->lines_stem = NULL;
		return CLI_NOMEM;
	}
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
	struct stat st;
	int rc = fd < 0 ? errno : 0;
	if (rc == 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		rc = EISDIR;
	if (rc) {
		if (fd >= 0)
			close(fd);
		if (!is_stdin && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			doc->bytes = (uint64_t)st.st_size; /* as read_text_document() counts it */
		doc->id = copy_string(src->lines_file);
		doc->origin = copy_string(src->lines_file);
		doc->name = copy_string(src->lines_stem);
		doc->error = cli_format("%s: %s", src->lines_file, strerror(rc));
		free(src->lines_file);
		free(src->lines_stem);
		src->lines_file = src->lines_stem = NULL;
		return doc->id && doc->origin && doc->name && doc->error ? CLI_NEXT : CLI_NOMEM;
	}
	src->lines.fd = fd;
	src->lineno = 0;
	src->in_lines = true;
	return CLI_DONE;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* The next record of the open JSON Lines file: CLI_NEXT, CLI_DONE at its
 * end (the file is then closed) or CLI_NOMEM. */
static int next_record(cli_source *src, cli_doc *doc)
{
	for (;;) {
		const char *line;
		size_t len;
		int r = next_line(&src->lines, &line, &len);
		int saved = errno;
		if (r == LINE_END) {
			close_lines(src);
			return CLI_DONE;
		}
		if (r == LINE_NOMEM)
			return CLI_NOMEM;
		src->lineno++;
		if (r == LINE_OK && blank(line, len))
			continue;
		if (r == LINE_OK) {
			/* a byte order mark some editors put first is not part of the JSON */
			if (src->lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
				line += 3;
				len -= 3;
			}
			doc->bytes = take_consumed(&src->lines);
			return cli_jsonl_record(src->opt, src->lines_file, src->lines_stem, src->lineno,
						line, len, doc);
		}
		doc->bytes = take_consumed(&src->lines);
		doc->id = cli_format("%s:%zu", src->lines_file, src->lineno);
		doc->origin = cli_format("%s:%zu", src->lines_file, src->lineno);
		doc->name = cli_format("%s-%zu", src->lines_stem, src->lineno);
		if (r == LINE_TOO_LONG)
			doc->error = cli_format("%s:%zu: record larger than the limit (%zu MiB of JSON, or %zu MiB "
						"of strings once decoded)", src->lines_file, src->lineno,
						(size_t)(LINE_LIMIT >> 20), (size_t)(DECODED_LIMIT >> 20));
		else
			doc->error = cli_format("%s:%zu: %s", src->lines_file, src->lineno,
						strerror(saved));
		if (r == LINE_ERROR)
			close_lines(src); /* the rest of the file cannot be trusted */
		return doc->id && doc->origin && doc->name && doc->error ? CLI_NEXT : CLI_NOMEM;
	}
}

/* -------------------------------------------------------------- public */

void cli_doc_clear(cli_doc *doc)
{
	free(doc->id);
	free(doc->name);
	free(doc->origin);
	free(doc->text);
	free(doc->extra);
	free(doc->error);
	free(doc->notice);
	*doc = (cli_doc){0};
}

cli_source *cli_source_new(const cli_options *opt)
{
	cli_source *src = calloc(1, sizeof *src);
	if (src)
		src->opt = opt;
	return src;
}

void cli_source_free(cli_source *src)
{
	if (!src)
		return;
	close_lines(src);
	free(src->lines.buf);
	clear_entries(src);
	free(src->entries);
	free(src);
}

/* One path: a JSON Lines file starts being read, a text file is read. */
static int open_path(cli_source *src, const char *path, cli_doc *doc)
{
	if (src->opt->jsonl)
		return open_lines(src, path, doc);
	return read_text_document(path, doc);
}

static int next_document(cli_source *src, cli_doc *doc)
{
	for (;;) {
		if (src->in_lines) {
			int r = next_record(src, doc);
			if (r != CLI_DONE)
				return r;
			continue;
		}
		if (src->next_entry < src->nentries) {
			dir_entry *e = &src->entries[src->next_entry++];
			char *path = e->path, *error = e->error;
			e->path = e->error = NULL;
			int r;
			if (error) {
				doc->id = copy_string(path);
				doc->origin = copy_string(path);
				doc->name = stem_of(path, input_suffix(src->opt));
				doc->error = cli_format("%s: %s", path, error);
				r = doc->id && doc->origin && doc->name && doc->error ? CLI_NEXT : CLI_NOMEM;
			} else {
				r = open_path(src, path, doc);
			}
			free(path);
			free(error);
			if (r != CLI_DONE)
				return r;
			continue;
		}
		if (src->next_arg >= src->opt->ninputs)
			return CLI_DONE;
		const char *arg = src->opt->inputs[src->next_arg++];
		struct stat st;
		if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
			clear_entries(src);
			if (walk(src, arg, input_suffix(src->opt)) != 0)
				return CLI_NOMEM;
			qsort(src->entries, src->nentries, sizeof *src->entries, compare_entries);
			continue;
		}
		int r = open_path(src, arg, doc);
		if (r != CLI_DONE)
			return r;
	}
}

int cli_source_next(cli_source *src, cli_doc *doc)
{
	cli_doc_clear(doc);
	int r = next_document(src, doc);
	/* bytes consumed outside any record go with the next document, or with
	 * the end of the input */
	if (r != CLI_NOMEM) {
		doc->bytes += src->pending;
		src->pending = 0;
	}
	return r;
}

bool cli_inputs_size(const cli_options *opt, uint64_t *bytes)
{
	/* a source of its own for the walk: it reads no file */
	cli_source *walker = cli_source_new(opt);
	bool known = walker != NULL;
	*bytes = 0;
	for (size_t i = 0; known && i < opt->ninputs; i++) {
		const char *arg = opt->inputs[i];
		struct stat st;
		if (strcmp(arg, "-") == 0) {
			known = false;
		} else if (stat(arg, &st) != 0) {
			/* an error document, which reads nothing */
		} else if (S_ISDIR(st.st_mode)) {
			clear_entries(walker);
			known = walk(walker, arg, input_suffix(opt)) == 0;
			for (size_t k = 0; k < walker->nentries; k++)
				*bytes += walker->entries[k].size;
		} else if (S_ISREG(st.st_mode)) {
			*bytes += (uint64_t)st.st_size;
		} else {
			known = false; /* a pipe or a device tells its size only by being read */
		}
	}
	cli_source_free(walker);
	return known;
}
