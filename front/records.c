/*
 * records.c — one read document -> its analysis -> one rendered record.
 *
 * The middle of the command's pipeline (cli.h): cli_analyze_document() runs
 * on the threads of parallel.c and in the server's request handlers
 * (serve.c), so it prints nothing; the reading thread reports afterwards
 * with cli_report_document().  Apart from main.c so that the server can be
 * linked without the command's main() (fuzz/fuzz_http.c does).
 *
 * CSV and TSV are tables, and a table has one header: the columns of the
 * passed-through members are fixed before the first record, from
 * --columns or from that record's members (a stream cannot know the
 * members of the records to come), and every later member without a
 * column goes to the row's "extra" cell, so nothing is lost.
 */
#include "front/front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_columns_clear(cli_columns *columns)
{
	for (size_t i = 0; i < columns->count; i++)
		free(columns->names[i]);
	free(columns->names);
	*columns = (cli_columns){0};
}

/* "a,b,c" -> a, b, c; "" -> none. */
static bool split_columns(const char *list, cli_columns *columns)
{
	size_t n = list[0] ? 1 : 0;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	if (n && !(columns->names = calloc(n, sizeof *columns->names)))
		return false;
	for (const char *p = list; n && columns->count < n; p++) {
		size_t len = strcspn(p, ",");
		char *name = malloc(len + 1);
		if (!name)
			return false;
		memcpy(name, p, len);
		name[len] = '\0';
		columns->names[columns->count++] = name;
		p += len;
	}
	return true;
}

bool cli_columns_choose(const cli_options *opt, const cli_doc *first, cli_columns *columns)
{
	*columns = (cli_columns){0};
	bool ok = opt->columns ? split_columns(opt->columns, columns)
		  : first->extra ? cli_jsonl_member_names(first->extra, columns) : true;
	if (!ok)
		cli_columns_clear(columns);
	return ok;
}

/* The speaker key of each entity, for the tables' speaker_key column;
 * NULL (and *nomem false) when there are none to give. */
static char **speaker_keys(const cli_options *opt, const ws_doc *doc, bool *nomem)
{
	size_t n = ws_doc_entity_count(doc);
	char **keys = NULL;
	*nomem = false;
	if (!opt->speaker_key || (opt->format != WS_FORMAT_CSV && opt->format != WS_FORMAT_TSV) || n == 0)
		return NULL;
	if (!(keys = calloc(n, sizeof *keys))) {
		*nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < n && !*nomem; i++)
		*nomem = !(keys[i] = opt->speaker_key(ws_doc_entity(doc, i)->name));
	return keys;
}

static void free_keys(char **keys, size_t n)
{
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
}

int cli_analyze_document(const cli_options *opt, const ws_model *model, ws_doc *doc, const cli_doc *d,
			 const cli_columns *columns, bool header, ws_buffer *record, char *reason,
			 size_t reason_size)
{
	ws_render_options ro = {
		.format = opt->format,
		.offsets = opt->offsets,
		.id = d->id,
		.extra_json = d->extra,
		.tsv_header = header,
		.columns = columns ? (const char *const *)columns->names : NULL,
		.column_count = columns ? columns->count : 0,
	};
	ws_error err = {0};
	record->len = 0;
	reason[0] = '\0';
	if (d->error) {
		snprintf(reason, reason_size, "%s", d->error);
	} else {
		ws_status st = ws_doc_analyze(doc, model, d->text, d->len, &err);
		if (st == WS_OK) {
			bool nomem;
			char **keys = speaker_keys(opt, doc, &nomem);
			ro.speaker_keys = (const char *const *)keys;
			st = nomem ? WS_ERR_NOMEM : ws_doc_render(doc, &ro, record, &err);
			if (nomem)
				snprintf(err.message, sizeof err.message, "out of memory for the speaker keys");
			free_keys(keys, ws_doc_entity_count(doc));
			ro.speaker_keys = NULL;
		}
		if (st != WS_OK)
			snprintf(reason, reason_size, "%s: %s", d->origin, err.message);
	}
	if (!reason[0])
		return CLI_DOC_ANALYSED;
	if (ws_render_failure(&ro, reason, record, &err) != WS_OK) {
		snprintf(reason, reason_size, "%s: cannot write an error record: %s", d->origin, err.message);
		return CLI_DOC_FATAL;
	}
	return CLI_DOC_FAILED;
}

int cli_report_document(const cli_options *opt, int result, const char *reason)
{
	if (result == CLI_DOC_FATAL)
		cli_message("%s", reason);
	else if (result == CLI_DOC_FAILED && !opt->quiet)
		cli_message("%s", reason);
	return result == CLI_DOC_ANALYSED ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

void cli_show_notice(const cli_options *opt, const cli_doc *d, bool *shown)
{
	if (d->notice && !*shown && !opt->quiet) {
		cli_message("%s: %s (shown once)", d->origin, d->notice);
		*shown = true;
	}
}
