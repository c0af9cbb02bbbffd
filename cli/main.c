/*
 * main.c — the `whosaid` command: options, then documents -> records.
 *
 *     whosaid [OPTIONS] [FILE|DIR|-]...
 *
 * The command is a thin front end on the public API: it opens one model,
 * and for every input document (inputs.c) runs ws_doc_analyze() and a
 * renderer (cli_analyze_document() in records.c, on the threads of
 * parallel.c), and outputs.c writes the records in input order.
 *
 * Conventions (docs/schema.md has the full contract): --help goes to
 * stdout with exit 0; usage errors go to stderr with exit 2; a document
 * that fails yields an error record in the output plus "whosaid: FILE:
 * reason" on stderr, and makes the exit status 1; a write error on stdout
 * stops the command with exit 1.  Nothing here depends on the locale.
 */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	"  -f, --format FORMAT    text, json, jsonl, brat or tsv\n"
	"                         (default: text on a terminal, else jsonl)\n"
	"      --offsets UNIT     codepoints or bytes (default: codepoints)\n"
	"      --model NAME       the analysis model: rules, a learned model's\n"
	"                         name, or a model file's path (default: " WS_DEFAULT_MODEL ")\n"
	"      --jsonl            inputs are JSON Lines, one article per record;\n"
	"                         other members pass through to the output\n"
	"                         (a DIR then stands for its *.jsonl files)\n"
	"      --text-field NAME  member holding the article (default: text)\n"
	"      --id-field NAME    member holding the document id (default: id)\n"
	"  -o, --output-dir DIR   one file per document in DIR, named after the\n"
	"                         input: .ann (brat), .json, .txt (text), .tsv\n"
	"                         (default: none, all records to standard output)\n"
	"  -q, --quiet            no per-document error messages and no progress\n"
	"                         line on stderr (the error records and exit\n"
	"                         status remain)\n"
	"  -j, --jobs N           analyse on N threads sharing one model; records\n"
	"                         still come out in input order (default: the\n"
	"                         number of cores)\n"
	"  -h, --help             show this help and exit\n"
	"      --version          show the version and exit\n"
	"\n"
	"Other commands:\n"
	"  whosaid train [OPTIONS]           train the learned models (train --help)\n"
	"  whosaid model info|verify [MODEL] describe or check a model file\n"
	"  whosaid index --db FILE [INPUTS]  analyse into a quote store (SQLite)\n"
	"  whosaid search --db FILE [WORDS]  find attributions in a store\n"
	"  whosaid speakers --db FILE        who is quoted, how often, how directly\n"
	"  whosaid serve [OPTIONS]           the analysis over HTTP, with a page\n"
	"\n"
	"Offsets count Unicode code points (or bytes), end exclusive.  The output\n"
	"formats are described in docs/schema.md.\n"
	"\n"
	"Exit status: 0 when every document was analysed, 1 when some failed or\n"
	"output could not be written, 2 for a usage error.\n";

enum option_id {
	OPT_FORMAT, OPT_OFFSETS, OPT_MODEL, OPT_JSONL, OPT_TEXT_FIELD, OPT_ID_FIELD,
	OPT_OUTPUT_DIR, OPT_QUIET, OPT_JOBS, OPT_HELP, OPT_VERSION, OPT_DB, OPT_FORCE, OPT_BATCH
};

/* The options of the analysis and of `whosaid index`, which share all
 * but the output's (index writes to a store, not to files). */
enum { FOR_ANALYSIS = 1, FOR_INDEX = 2, FOR_BOTH = 3 };

static const cli_option option_specs[] = {
	{"format", 'f', true, OPT_FORMAT},
	{"offsets", 0, true, OPT_OFFSETS},
	{"model", 0, true, OPT_MODEL},
	{"jsonl", 0, false, OPT_JSONL},
	{"text-field", 0, true, OPT_TEXT_FIELD},
	{"id-field", 0, true, OPT_ID_FIELD},
	{"output-dir", 'o', true, OPT_OUTPUT_DIR},
	{"quiet", 'q', false, OPT_QUIET},
	{"jobs", 'j', true, OPT_JOBS},
	{"help", 'h', false, OPT_HELP},
	{"version", 0, false, OPT_VERSION},
	{"db", 0, true, OPT_DB},
	{"force", 0, false, OPT_FORCE},
	{"batch", 0, true, OPT_BATCH},
};

static const unsigned char option_commands[] = {
	[OPT_FORMAT] = FOR_ANALYSIS, [OPT_OFFSETS] = FOR_ANALYSIS, [OPT_MODEL] = FOR_BOTH,
	[OPT_JSONL] = FOR_BOTH, [OPT_TEXT_FIELD] = FOR_BOTH, [OPT_ID_FIELD] = FOR_BOTH,
	[OPT_OUTPUT_DIR] = FOR_ANALYSIS, [OPT_QUIET] = FOR_BOTH, [OPT_JOBS] = FOR_BOTH,
	[OPT_HELP] = FOR_BOTH, [OPT_VERSION] = FOR_ANALYSIS, [OPT_DB] = FOR_INDEX,
	[OPT_FORCE] = FOR_INDEX, [OPT_BATCH] = FOR_INDEX,
};

static const struct {
	const char *name;
	ws_format format;
} format_names[] = {
	{"text", WS_FORMAT_TEXT}, {"json", WS_FORMAT_JSON}, {"jsonl", WS_FORMAT_JSONL},
	{"brat", WS_FORMAT_BRAT}, {"tsv", WS_FORMAT_TSV},
};

typedef struct option_state {
	cli_options *opt;
	const char *command;      /* NULL, or "index" */
	bool format_given;
} option_state;

static int apply_option(void *ctx, int id, const char *value)
{
	option_state *state = ctx;
	cli_options *opt = state->opt;
	const char *command = state->command;
	unsigned long long n;
	if (!(option_commands[id] & (command ? FOR_INDEX : FOR_ANALYSIS))) {
		for (size_t i = 0; i < sizeof option_specs / sizeof option_specs[0]; i++)
			if (option_specs[i].id == id)
				return cli_usage_error(command, command ? "option '--%s' does not apply: index writes into its store"
									: "option '--%s' belongs to whosaid index",
						       option_specs[i].name);
	}
	switch ((enum option_id)id) {
	case OPT_FORMAT:
		for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
			if (strcmp(value, format_names[i].name) == 0) {
				opt->format = format_names[i].format;
				state->format_given = true;
				return CLI_PARSE_RUN;
			}
		}
		return cli_usage_error(command, "unknown format '%s' (choose text, json, jsonl, brat or tsv)", value);
	case OPT_OFFSETS:
		if (strcmp(value, "codepoints") == 0)
			opt->offsets = WS_OFFSETS_CODEPOINTS;
		else if (strcmp(value, "bytes") == 0)
			opt->offsets = WS_OFFSETS_BYTES;
		else
			return cli_usage_error(command, "unknown offset unit '%s' (choose codepoints or bytes)", value);
		return CLI_PARSE_RUN;
	case OPT_MODEL: opt->model = value; return CLI_PARSE_RUN;
	case OPT_JSONL: opt->jsonl = true; return CLI_PARSE_RUN;
	case OPT_TEXT_FIELD: opt->text_field = value; return CLI_PARSE_RUN;
	case OPT_ID_FIELD: opt->id_field = value; return CLI_PARSE_RUN;
	case OPT_OUTPUT_DIR:
		if (!value[0])
			return cli_usage_error(command, "%s", "--output-dir needs a folder name");
		opt->output_dir = value;
		return CLI_PARSE_RUN;
	case OPT_QUIET: opt->quiet = true; return CLI_PARSE_RUN;
	case OPT_JOBS:
		if (!cli_number(value, 1, CLI_MAX_JOBS, &n))
			return cli_usage_error(command, "--jobs needs a number of threads from 1 to 256, not '%s'", value);
		opt->jobs = (unsigned)n;
		return CLI_PARSE_RUN;
	case OPT_DB:
		if (!value[0])
			return cli_usage_error(command, "%s", "--db needs a file name");
		opt->db = value;
		return CLI_PARSE_RUN;
	case OPT_FORCE: opt->force = true; return CLI_PARSE_RUN;
	case OPT_BATCH:
		if (!cli_number(value, 1, 1000000, &n))
			return cli_usage_error(command, "--batch needs a number of articles from 1 to 1000000, not '%s'", value);
		opt->batch = (unsigned)n;
		return CLI_PARSE_RUN;
	case OPT_HELP: return CLI_PARSE_HELP;
	case OPT_VERSION: return CLI_PARSE_VERSION;
	}
	return CLI_PARSE_RUN;
}

int cli_parse_command_line(const char *command, int argc, char **argv, cli_options *opt)
{
	static char *stdin_only[] = {"-"};
	*opt = (cli_options){.format = WS_FORMAT_JSONL, .offsets = WS_OFFSETS_CODEPOINTS,
			     .text_field = "text", .id_field = "id"};
	/* inputs reuse argv's strings; argc pointers are always enough */
	opt->inputs = calloc((size_t)argc + 1, sizeof *opt->inputs);
	if (!opt->inputs) {
		cli_message("out of memory");
		return CLI_EXIT_FAILED;
	}
	option_state state = {opt, command, false};
	int r = cli_parse_args(command, argc, argv, option_specs, sizeof option_specs / sizeof option_specs[0],
			       apply_option, &state, opt->inputs, &opt->ninputs);
	if (r != CLI_PARSE_RUN)
		return r;
	if (command && !opt->db)
		return cli_usage_error(command, "%s", "--db FILE is required: the store to write into");
	if (opt->ninputs == 0) {
		opt->inputs[0] = stdin_only[0];
		opt->ninputs = 1;
	}
	if (opt->jobs == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		opt->jobs = cores < 1 ? 1 : cores > CLI_MAX_JOBS ? CLI_MAX_JOBS : (unsigned)cores;
	}
	/* A person at a terminal reads text; a pipe or a file gets JSON Lines. */
	if (!state.format_given && !opt->output_dir && !command && isatty(STDOUT_FILENO))
		opt->format = WS_FORMAT_TEXT;
	return CLI_PARSE_RUN;
}

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
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return serve_main(argc - 1, argv + 1);

	status = cli_parse_command_line(NULL, argc, argv, &opt);
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
