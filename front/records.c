/*
 * records.c — one read document -> its analysis -> one rendered record.
 *
 * The middle of the command's pipeline (cli.h): cli_analyze_document() runs
 * on the threads of parallel.c and in the server's request handlers
 * (serve.c), so it prints nothing; the reading thread reports afterwards
 * with cli_report_document().  Apart from main.c so that the server can be
 * linked without the command's main() (fuzz/fuzz_http.c does).
 */
#include "front/front.h"

#include <stdio.h>

int cli_analyze_document(const cli_options *opt, const ws_model *model, ws_doc *doc, const cli_doc *d,
			 bool tsv_header, ws_buffer *record, char *reason, size_t reason_size)
{
	ws_render_options ro = {
		.format = opt->format,
		.offsets = opt->offsets,
		.id = d->id,
		.extra_json = d->extra,
		.tsv_header = tsv_header,
	};
	ws_error err = {0};
	record->len = 0;
	reason[0] = '\0';
	if (d->error) {
		snprintf(reason, reason_size, "%s", d->error);
	} else {
		ws_status st = ws_doc_analyze(doc, model, d->text, d->len, &err);
		if (st == WS_OK)
			st = ws_doc_render(doc, &ro, record, &err);
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
