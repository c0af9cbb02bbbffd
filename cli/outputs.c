/*
 * outputs.c — rendered records -> standard output or one file per document.
 *
 * Standard output gets every record in input order.  A failed write there
 * (a full disk, a closed pipe: SIGPIPE is ignored so that `| head` shows up
 * as EPIPE) ends the command with "whosaid: write error: ...", because every
 * later record would be lost too; that is also why the final fflush() and
 * fclose() are checked.
 *
 * With --output-dir each document gets its own file, NAME.EXT, where NAME
 * is the document's stem (the input's basename without .txt, or the JSON
 * Lines record's id) and EXT follows the format.  Two documents with the
 * same name would silently overwrite each other, so the second one is
 * refused, and an output file that is the input itself (text format into
 * the input folder) is refused as well.  A file that cannot be written
 * fails that document only.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The names already written, an open-addressing hash set: a JSON Lines
 * corpus can have millions of records. */
typedef struct name_set {
	char **slots;
	size_t cap, count;
} name_set;

struct cli_sink {
	const cli_options *opt;
	name_set names;
	bool failed;    /* standard output has failed and was reported */
};

const char *cli_format_extension(ws_format format)
{
	switch (format) {
	case WS_FORMAT_BRAT: return ".ann";
	case WS_FORMAT_JSON:
	case WS_FORMAT_JSONL: return ".json";
	case WS_FORMAT_TSV: return ".tsv";
	case WS_FORMAT_CSV: return ".csv";
	case WS_FORMAT_TEXT: break;
	}
	return ".txt";
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Add name; 1 if it was new, 0 if already there, -1 out of memory. */
static int name_add(name_set *set, const char *name)
{
	if (set->count + 1 > set->cap / 2) {
		size_t ncap = set->cap ? set->cap * 2 : 1024;
		if (ncap > SIZE_MAX / sizeof *set->slots)
			return -1;
		char **slots = calloc(ncap, sizeof *slots);
		if (!slots)
			return -1;
		for (size_t i = 0; i < set->cap; i++) {
			if (!set->slots[i])
				continue;
			size_t j = hash_name(set->slots[i]) & (ncap - 1);
			while (slots[j])
				j = (j + 1) & (ncap - 1);
			slots[j] = set->slots[i];
		}
		free(set->slots);
		set->slots = slots;
		set->cap = ncap;
	}
	size_t j = hash_name(name) & (set->cap - 1);
	for (; set->slots[j]; j = (j + 1) & (set->cap - 1))
		if (strcmp(set->slots[j], name) == 0)
			return 0;
	size_t n = strlen(name) + 1;
	if (!(set->slots[j] = malloc(n)))
		return -1;
	memcpy(set->slots[j], name, n);
	set->count++;
	return 1;
}

static void names_free(name_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
}

/* mkdir -p: the folders of a path, then the path itself. */
static int make_dirs(const char *path)
{
	char *p = cli_format("%s", path);
	int rc = p ? 0 : ENOMEM;
	for (char *s = p ? p + 1 : NULL; s && rc == 0; s++) {
		bool end = *s == '\0';
		if (*s != '/' && !end)
			continue;
		*s = '\0';
		struct stat st;
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = errno;
		else if (stat(p, &st) != 0)
			rc = errno;
		else if (!S_ISDIR(st.st_mode))
			rc = ENOTDIR;
		if (end)
			break;
		*s = '/';
	}
	free(p);
	return rc;
}

cli_sink *cli_sink_new(const cli_options *opt)
{
	if (opt->output_dir) {
		int rc = make_dirs(opt->output_dir);
		if (rc) {
			cli_message("%s: cannot create the output folder: %s", opt->output_dir,
				    strerror(rc));
			return NULL;
		}
	}
	cli_sink *sink = calloc(1, sizeof *sink);
	if (!sink) {
		cli_message("out of memory");
		return NULL;
	}
	sink->opt = opt;
	return sink;
}

static int write_stdout(cli_sink *sink, const ws_buffer *record)
{
	if (record->len && fwrite(record->data, 1, record->len, stdout) != record->len) {
		cli_message("write error: %s", strerror(errno));
		sink->failed = true;
		return CLI_WRITE_ERROR;
	}
	return CLI_WRITTEN;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write one document's file; a failure is that document's alone. */
static int write_file(cli_sink *sink, const cli_doc *doc, const ws_buffer *record)
{
	const char *name = doc->name ? doc->name : "stdin";
	char *path = cli_format("%s/%s%s", sink->opt->output_dir, name,
				cli_format_extension(sink->opt->format));
	int result = CLI_NOT_WRITTEN;
	struct stat st;
	int fd = -1, rc = 0;
	if (!path) {
		cli_message("out of memory");
		return CLI_WRITE_ERROR;
	}
	int added = name_add(&sink->names, name);
	if (added < 0) {
		cli_message("out of memory");
		result = CLI_WRITE_ERROR;
		goto done;
	}
	if (added == 0) {
		cli_message("%s: not written to %s: an earlier document had the same name", doc->origin, path);
		goto done;
	}
	if (doc->has_inode && stat(path, &st) == 0 && st.st_dev == doc->dev && st.st_ino == doc->ino) {
		cli_message("%s: not written to %s: that is the input itself", doc->origin, path);
		goto done;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	rc = fd < 0 ? errno : write_all(fd, record->data, record->len);
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = errno;
	if (rc && fd >= 0)
		unlink(path); /* a truncated file would pass for a complete one */
	if (rc)
		cli_message("%s: %s", path, strerror(rc));
	else
		result = CLI_WRITTEN;
done:
	free(path);
	return result;
}

static int sink_write(cli_sink *sink, const cli_doc *doc, const ws_buffer *record)
{
	return sink->opt->output_dir ? write_file(sink, doc, record) : write_stdout(sink, record);
}

static int write_record(void *ctx, const cli_doc *doc, const ws_buffer *record, int result, const char *reason)
{
	return sink_write(ctx, doc, record);
}

cli_target cli_sink_target(cli_sink *sink)
{
	return (cli_target){.write = write_record, .ctx = sink};
}

int cli_sink_free(cli_sink *sink)
{
	bool reported = sink && sink->failed;
	int result = reported ? CLI_WRITE_ERROR : CLI_WRITTEN;
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		result = CLI_WRITE_ERROR;
	/* fclose reports what fflush could not: an error of the final close(2) */
	if (fclose(stdout) != 0)
		result = CLI_WRITE_ERROR;
	if (result == CLI_WRITE_ERROR && !reported)
		cli_message("write error: %s", strerror(errno ? errno : EIO));
	if (sink) {
		names_free(&sink->names);
		free(sink);
	}
	return result;
}
