/*
 * main.c — the `whosaid` command: options, then documents -> records.
 *
 *     whosaid [OPTIONS] [FILE|DIR|-]...
 *
 * The command is a thin front end on the public API: it opens one model,
 * and for every input document (front/inputs.c) runs ws_doc_analyze() and
 * a renderer (cli_analyze_document() in front/records.c, on the threads of
 * front/parallel.c), and outputs.c writes the records in input order.
 * Every other command belongs to a subsystem and is handed over by its
 * first argument: train and model (train/), index, search and speakers
 * (store/), serve (server/).  docs/architecture.md draws the whole.
 *
 * Conventions (docs/schema.md has the full contract): --help goes to
 * stdout with exit 0; usage errors go to stderr with exit 2; a document
 * that fails yields an error record in the output plus "whosaid: FILE:
 * reason" on stderr, and makes the exit status 1; a write error on stdout
 * stops the command with exit 1.  Nothing here depends on the locale.
 */
#include "cli/cli.h"
#include "server/server.h"
#include "store/store.h"
#include "train/train_commands.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- options */

static const char help_text[] =
	"Usage: whosaid [OPTIONS] [FILE|DIR|-]...\n"
	"Find the attributions in news articles: who (source) said (cue) what\n"
	"(content), to whom (addressee), with each speaker resolved to a person or\n"
	"organization of the article.\n"
	"\n"
	"Each FILE is one article; a DIR stands for every *.txt file under it,\n"
	"sorted by path; \"-\" or no input at all reads standard input.  Every\n"
	"document yields exactly one record, an error record when it fails.\n"
	"A progress line on stderr, when it is a terminal that the records do not\n"
	"go to, shows the documents done, MB read, MB/s and the time left.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT    text, json, jsonl, brat, tsv or csv\n"
	"                         (default: text on a terminal, else jsonl)\n"
	"      --columns LIST     csv and tsv: the passed-through members that\n"
	"                         get columns of their own, comma-separated\n"
	"                         (default: the first record's members)\n"
	"      --offsets UNIT     codepoints or bytes (default: codepoints)\n"
	"      --model NAME       the analysis model: rules, a learned model's\n"
	"                         name, or a model file's path (default: " WS_DEFAULT_MODEL ")\n"
	"      --jsonl            inputs are JSON Lines, one article per record;\n"
	"                         other members pass through to the output\n"
	"                         (a DIR then stands for its *.jsonl files)\n"
	"      --text-field NAME  member holding the article (default: text)\n"
	"      --id-field NAME    member holding the document id (default: id)\n"
	"  -o, --output-dir DIR   one file per document in DIR, named after the\n"
	"                         input: .ann (brat), .json, .txt (text), .tsv, .csv\n"
	"                         (default: none, all records to standard output)\n"
	"  -q, --quiet            no per-document error messages and no progress\n"
	"                         line on stderr (the error records and exit\n"
	"                         status remain)\n"
	"  -j, --jobs N           analyse on N threads sharing one model; records\n"
	"                         still come out in input order (default: the\n"
	"                         number of cores)\n"
	"      --stage-times      at the end, the time spent reading, in each stage\n"
	"                         of the analysis and writing, on stderr (over all\n"
	"                         threads; docs/performance.md)\n"
	"  -h, --help             show this help and exit\n"
	"      --version          show the version and exit\n"
	"\n"
	"Other commands:\n"
	"  whosaid train [OPTIONS]           train the learned models (train --help)\n"
	"  whosaid model info|verify [MODEL] describe or check a model file\n"
	"  whosaid index --db FILE [INPUTS]  analyse into a quote store (SQLite)\n"
	"  whosaid search --db FILE [WORDS]  find attributions in a store\n"
	"  whosaid speakers --db FILE        who is quoted, how often, how directly\n"
	"  whosaid quotes --db FILE          the same quote across articles, and whom it is credited to\n"
	"  whosaid serve [OPTIONS]           the analysis over HTTP, with a page\n"
	"\n"
	"CSV (RFC 4180) and TSV have a header, then one row per attribution: id,\n"
	"the passed-through members' columns, type, speaker, role, kind, gender,\n"
	"speaker_key, source, cue, addressee, content, the offsets, confidence,\n"
	"error and extra.  A member without a column of its own (not in the\n"
	"first record, or not in --columns) goes to extra, in a JSON object.  A\n"
	"document without attributions has no row; one that failed has one, with\n"
	"the reason in error.  A cell starting with =, +, -, @, a tab or a CR gets\n"
	"a ' in front, so that a spreadsheet shows it rather than runs it.\n"
	"\n"
	"Offsets count Unicode code points (or bytes), end exclusive.  The output\n"
	"formats are described in docs/schema.md.\n"
	"\n"
	"Exit status: 0 when every document was analysed, 1 when some failed or\n"
	"output could not be written, 2 for a usage error.\n";

/* ----------------------------------------------------------------- main */

static int print_version(void)
{
	ws_model *model = NULL;
	ws_error err;
	ws_status st = ws_model_open(NULL, NULL, &model, &err);
	printf("%s %s (schema %d, model %s)\n", CLI_NAME, WS_VERSION, WS_SCHEMA_VERSION,
	       st == WS_OK ? ws_model_name(model) : "none");
	ws_model_free(model);
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	cli_options opt;
	ws_model *model = NULL;
	cli_source *src = NULL;
	cli_sink *sink = NULL;
	ws_error err;
	int status;

	/* A closed pipe must be an EPIPE write error, reported, not a silent
	 * death; so must a file size limit (ulimit -f), EFBIG, which is how a
	 * full disk looks to the store's tests. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	if (argc > 1 && strcmp(argv[1], "train") == 0)
		return train_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "model") == 0)
		return model_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "index") == 0)
		return index_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "search") == 0)
		return search_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "speakers") == 0)
		return speakers_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "quotes") == 0)
		return quotes_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return serve_main(argc - 1, argv + 1);

	status = cli_parse_command_line(NULL, argc, argv, &opt);
	opt.speaker_key = speaker_key; /* the store's, for the tables' speaker_key column */
	if (status == CLI_PARSE_HELP) {
		fputs(help_text, stdout);
		status = CLI_EXIT_OK;
	} else if (status == CLI_PARSE_VERSION) {
		status = print_version();
	}
	if (status != CLI_PARSE_RUN) {
		if (cli_sink_free(NULL) != CLI_WRITTEN && status == CLI_EXIT_OK)
			status = CLI_EXIT_FAILED;
		free(opt.inputs);
		return status;
	}

	ws_status st = ws_model_open(opt.model, NULL, &model, &err);
	if (st != WS_OK) {
		/* an unknown --model is a problem with the command line */
		if (st == WS_ERR_MODEL) {
			status = cli_usage_error(NULL, "%s", err.message);
		} else {
			cli_message("model '%s': %s", opt.model ? opt.model : "rules", err.message);
			status = CLI_EXIT_FAILED;
		}
		goto done;
	}
	if (!(src = cli_source_new(&opt))) {
		cli_message("out of memory");
		status = CLI_EXIT_FAILED;
		goto done;
	}
	sink = cli_sink_new(&opt);
	if (!sink) {
		status = CLI_EXIT_FAILED;
		goto done;
	}
	cli_target target = cli_sink_target(sink);
	status = cli_run_parallel(&opt, model, src, &target);

done:
	if (cli_sink_free(sink) != CLI_WRITTEN)
		status = CLI_EXIT_FAILED;
	cli_source_free(src);
	ws_model_free(model);
	free(opt.inputs);
	return status;
}
