/*
 * index_command.c — `whosaid index --db FILE [OPTIONS] [FILE|DIR|-]...`:
 * analyse articles into the quote store.
 *
 * The documents come from the same reader, and run through the same
 * threads, as the analysis command's (inputs.c, parallel.c); only where
 * they go differs.  Before a document is analysed, the store is asked
 * whether it already holds that article unchanged (same id, same
 * fingerprint of text, metadata and model); if so it is skipped, which is
 * what makes a second run of an interrupted command finish the job
 * without redoing it.  Every document that is not skipped becomes one
 * article row: analysed, or an error row that says why it failed.
 *
 * Records are rendered as JSON Lines with code point offsets, whatever
 * the options, so that the store holds exactly what `whosaid --format
 * jsonl` prints.  The text of each analysed article is kept with it,
 * unless --no-text; an article skipped as unchanged that has none (it was
 * stored before the store kept texts) gets it then, without analysing it
 * again.
 */
#include "front/front.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help_text[] =
	"Usage: whosaid index --db FILE [OPTIONS] [FILE|DIR|-]...\n"
	"Analyse articles into a quote store (SQLite), for `whosaid search` and\n"
	"`whosaid speakers`.  The inputs are read as by `whosaid` itself.\n"
	"\n"
	"An article's id is its file's path as given, or with --jsonl its id\n"
	"field.  Indexing an id again replaces the article; an article stored\n"
	"unchanged (same text, metadata and model) is skipped.  Work is committed\n"
	"in batches: a run that is interrupted, even killed, leaves a consistent\n"
	"store, and running the same command again completes it.\n"
	"\n"
	"Options:\n"
	"      --db FILE          the store; created when missing (required)\n"
	"      --model NAME       the analysis model (default: " WS_DEFAULT_MODEL ")\n"
	"      --jsonl            inputs are JSON Lines, one article per record;\n"
	"                         the members outlet, date, url and title are\n"
	"                         stored with the article\n"
	"      --text-field NAME  member holding the article (default: text)\n"
	"      --id-field NAME    member holding the article id (default: id)\n"
	"      --force            analyse unchanged articles again\n"
	"      --batch N          articles per transaction (default: 256; a batch\n"
	"                         is also committed every 2 seconds)\n"
	"      --no-text          keep no article texts: the store is smaller (by\n"
	"                         about the size of the inputs' texts), but the\n"
	"                         server's page cannot open a stored article\n"
	"      --strict           a failure already stored by an earlier run (the\n"
	"                         same article, the same error) makes the exit\n"
	"                         status 1 too\n"
	"  -q, --quiet            no per-document messages, no progress line (shown\n"
	"                         when stderr is a terminal) and no summary\n"
	"  -j, --jobs N           analyse on N threads (default: the number of cores)\n"
	"      --stage-times      at the end, the time spent reading, in each stage\n"
	"                         of the analysis and writing, on stderr (over all\n"
	"                         threads; docs/performance.md)\n"
	"  -h, --help             show this help and exit\n"
	"\n"
	"The store's layout is described in docs/store.md.\n"
	"\n"
	"Exit status: 0 when every article was stored analysed or failed as it had\n"
	"failed before, 1 when some failed anew (they are stored as error rows),\n"
	"or the store could not be written, 2 for a usage error.  So a rerun over\n"
	"a corpus with a known bad record exits 0, and a cron job sees only new\n"
	"failures; --strict counts the known ones too.\n";

typedef struct indexer {
	const cli_options *opt;
	store *store;
	const char *model;
	size_t analysed, failed, known, skipped;
	bool stopped;             /* the store failed: the batch in progress is lost */
} indexer;

/* The id of a document: its own, or for text read from standard input,
 * which has none, "stdin". */
static const char *article_id(const cli_doc *doc)
{
	return doc->id ? doc->id : "stdin";
}

static int admit(void *ctx, const cli_doc *doc)
{
	indexer *ix = ctx;
	if (ix->opt->force || doc->error)
		return CLI_ADMIT;
	char fingerprint[17];
	store_fingerprint(doc->text, doc->len, doc->extra, ix->model, fingerprint);
	int has = store_has_article(ix->store, article_id(doc), fingerprint);
	if (has < 0) {
		cli_message("%s: %s", ix->opt->db, store_error(ix->store));
		ix->stopped = true;
		return CLI_WRITE_ERROR;
	}
	if (has) {
		ix->skipped++;
		/* an article stored before texts were kept gets its text now */
		char why[512];
		if (!ix->opt->no_text &&
		    store_add_text(ix->store, article_id(doc), doc->text, doc->len, why, sizeof why) < 0) {
			cli_message("%s: %s: %s", ix->opt->db, article_id(doc), why);
			ix->stopped = true;
			return CLI_WRITE_ERROR;
		}
	}
	return has ? CLI_SKIP : CLI_ADMIT;
}

static int put(void *ctx, const cli_doc *doc, const ws_buffer *record, int result, const char *reason)
{
	indexer *ix = ctx;
	char fingerprint[17], why[512];
	store_fingerprint(doc->text, doc->len, doc->extra, ix->model, fingerprint);
	store_article a = {
		.doc_id = article_id(doc),
		.origin = doc->origin ? doc->origin : "stdin",
		.fingerprint = fingerprint,
		.model = ix->model,
		.bytes = doc->len,
		.record = result == CLI_DOC_ANALYSED ? record->data : NULL,
		.record_len = record->len,
		.error = result == CLI_DOC_ANALYSED ? NULL : reason,
		.text = ix->opt->no_text ? NULL : doc->text,
		.text_len = doc->len,
	};
	if (!store_put_article(ix->store, &a, why, sizeof why)) {
		cli_message("%s: %s: %s", ix->opt->db, a.doc_id, why);
		ix->stopped = true;
		return CLI_WRITE_ERROR;
	}
	if (result == CLI_DOC_ANALYSED)
		ix->analysed++;
	else
		ix->failed++;
	return CLI_WRITTEN;
}

static bool known_failure(void *ctx, const cli_doc *doc, const char *reason)
{
	indexer *ix = ctx;
	int has = reason ? store_has_error(ix->store, article_id(doc), reason) : 0;
	if (has > 0)
		ix->known++;
	return has > 0 && !ix->opt->strict;
}

int index_main(int argc, char **argv)
{
	cli_options opt;
	ws_model *model = NULL;
	cli_source *src = NULL;
	store *st = NULL;
	ws_error err;
	char why[512];
	int status = cli_parse_command_line("index", argc, argv, &opt);
	if (status == CLI_PARSE_HELP) {
		fputs(help_text, stdout);
		status = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
	}
	if (status != CLI_PARSE_RUN)
		goto done;
	/* the store gets JSON Lines records with code point offsets, always */
	opt.format = WS_FORMAT_JSONL;
	opt.offsets = WS_OFFSETS_CODEPOINTS;

	ws_status ms = ws_model_open(opt.model, NULL, &model, &err);
	if (ms == WS_ERR_MODEL) { /* an unknown --model is a problem with the command line */
		status = cli_usage_error("index", "%s", err.message);
		goto done;
	}
	if (ms != WS_OK) {
		cli_message("index: model '%s': %s", opt.model ? opt.model : WS_DEFAULT_MODEL, err.message);
		status = CLI_EXIT_FAILED;
		goto done;
	}
	if (!(st = store_open(opt.db, true, why, sizeof why))) {
		cli_message("index: %s", why);
		status = CLI_EXIT_FAILED;
		goto done;
	}
	if (opt.batch)
		store_set_batch(st, opt.batch);
	if (!(src = cli_source_new(&opt))) {
		cli_message("out of memory");
		status = CLI_EXIT_FAILED;
		goto done;
	}
	indexer ix = {.opt = &opt, .store = st, .model = ws_model_name(model)};
	cli_target target = {.admit = admit, .write = put, .known_failure = known_failure, .ctx = &ix};
	status = cli_run_parallel(&opt, model, src, &target);
	bool closed = store_close(st, why, sizeof why);
	st = NULL;
	if (!closed) {
		cli_message("index: %s: %s", opt.db, why);
		status = CLI_EXIT_FAILED;
		ix.stopped = true;
	}
	if (!opt.quiet)
		cli_message("index: %s: %zu analysed, %zu failed%s, %zu skipped as unchanged%s", opt.db, ix.analysed,
			    ix.failed, ix.known == 0 ? "" : ix.known == ix.failed ? ", all as in an earlier run" :
			    ", some as in an earlier run", ix.skipped,
			    ix.stopped ? "; stopped early, and the articles of the last batch were not stored:"
				      " run the same command again to finish" : "");

done:
	if (st && !store_close(st, why, sizeof why))
		cli_message("index: %s: %s", opt.db, why);
	cli_source_free(src);
	ws_model_free(model);
	free(opt.inputs);
	return status;
}
