/*
 * main.c — the `whosaid` command: options, then documents -> records.
 *
 *     whosaid [OPTIONS] [FILE|DIR|-]...
 *
 * The command is a thin front end on the public API: it opens one model,
 * and for every input document (inputs.c) runs ws_doc_analyze() and a
 * renderer (cli_analyze_document(), on the threads of parallel.c), and
 * outputs.c writes the records in input order.
 *
 * Conventions (docs/schema.md has the full contract): --help goes to
 * stdout with exit 0; usage errors go to stderr with exit 2; a document
 * that fails yields an error record in the output plus "whosaid: FILE:
 * reason" on stderr, and makes the exit status 1; a write error on stdout
 * stops the command with exit 1.  Nothing here depends on the locale.
 */
#include "cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* ------------------------------------------------------------- messages */

void cli_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(CLI_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

char *cli_format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

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
	"  -q, --quiet            no per-document error messages on stderr\n"
	"                         (the error records and exit status remain)\n"
	"  -j, --jobs N           analyse on N threads sharing one model; records\n"
	"                         still come out in input order (default: the\n"
	"                         number of cores)\n"
	"  -h, --help             show this help and exit\n"
	"      --version          show the version and exit\n"
	"\n"
	"Other commands:\n"
	"  whosaid train [OPTIONS]           train the learned models (train --help)\n"
	"  whosaid model info|verify [MODEL] describe or check a model file\n"
	"\n"
	"Offsets count Unicode code points (or bytes), end exclusive.  The output\n"
	"formats are described in docs/schema.md.\n"
	"\n"
	"Exit status: 0 when every document was analysed, 1 when some failed or\n"
	"output could not be written, 2 for a usage error.\n";

enum option_id {
	OPT_FORMAT, OPT_OFFSETS, OPT_MODEL, OPT_JSONL, OPT_TEXT_FIELD, OPT_ID_FIELD,
	OPT_OUTPUT_DIR, OPT_QUIET, OPT_JOBS, OPT_HELP, OPT_VERSION
};

static const struct option_spec {
	const char *name;
	char short_name;   /* 0 for none */
	bool takes_value;
	enum option_id id;
} option_specs[] = {
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
};

static const struct {
	const char *name;
	ws_format format;
} format_names[] = {
	{"text", WS_FORMAT_TEXT}, {"json", WS_FORMAT_JSON}, {"jsonl", WS_FORMAT_JSONL},
	{"brat", WS_FORMAT_BRAT}, {"tsv", WS_FORMAT_TSV},
};

/* Results of parse_options() other than an exit status. */
enum { PARSE_RUN = -1, PARSE_HELP = -2, PARSE_VERSION = -3 };

static int usage_error(const char *fmt, const char *arg)
{
	fputs(CLI_NAME ": ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry '" CLI_NAME " --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static int apply_option(cli_options *opt, enum option_id id, const char *value,
			bool *format_given)
{
	switch (id) {
	case OPT_FORMAT:
		for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
			if (strcmp(value, format_names[i].name) == 0) {
				opt->format = format_names[i].format;
				*format_given = true;
				return PARSE_RUN;
			}
		}
		return usage_error("unknown format '%s' (choose text, json, jsonl, brat or tsv)", value);
	case OPT_OFFSETS:
		if (strcmp(value, "codepoints") == 0)
			opt->offsets = WS_OFFSETS_CODEPOINTS;
		else if (strcmp(value, "bytes") == 0)
			opt->offsets = WS_OFFSETS_BYTES;
		else
			return usage_error("unknown offset unit '%s' (choose codepoints or bytes)", value);
		return PARSE_RUN;
	case OPT_MODEL: opt->model = value; return PARSE_RUN;
	case OPT_JSONL: opt->jsonl = true; return PARSE_RUN;
	case OPT_TEXT_FIELD: opt->text_field = value; return PARSE_RUN;
	case OPT_ID_FIELD: opt->id_field = value; return PARSE_RUN;
	case OPT_OUTPUT_DIR:
		if (!value[0])
			return usage_error("%s", "--output-dir needs a folder name");
		opt->output_dir = value;
		return PARSE_RUN;
	case OPT_QUIET: opt->quiet = true; return PARSE_RUN;
	case OPT_JOBS: {
		char *end;
		unsigned long n = strtoul(value, &end, 10);
		if (*end || end == value || n < 1 || n > CLI_MAX_JOBS)
			return usage_error("--jobs needs a number of threads from 1 to 256, not '%s'", value);
		opt->jobs = (unsigned)n;
		return PARSE_RUN;
	}
	case OPT_HELP: return PARSE_HELP;
	case OPT_VERSION: return PARSE_VERSION;
	}
	return PARSE_RUN;
}

/* Fill opt from argv.  GNU style: options and inputs may mix, "--" ends
 * the options, "--name=value" and "-fVALUE" work too.  Returns PARSE_RUN,
 * PARSE_HELP, PARSE_VERSION or an exit status. */
static int parse_options(int argc, char **argv, cli_options *opt)
{
	static char *stdin_only[] = {"-"};
	bool format_given = false, options_done = false;
	*opt = (cli_options){.format = WS_FORMAT_JSONL, .offsets = WS_OFFSETS_CODEPOINTS,
			     .text_field = "text", .id_field = "id"};
	/* inputs reuse argv's strings; argc pointers are always enough */
	opt->inputs = calloc((size_t)argc + 1, sizeof *opt->inputs);
	if (!opt->inputs) {
		cli_message("out of memory");
		return EXIT_FAILED;
	}
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];
		if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
			opt->inputs[opt->ninputs++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = true;
			continue;
		}
		const struct option_spec *spec = NULL;
		const char *value = NULL;
		bool is_long = arg[1] == '-';
		for (size_t k = 0; !spec && k < sizeof option_specs / sizeof option_specs[0]; k++) {
			const struct option_spec *s = &option_specs[k];
			if (is_long) {
				size_t n = strlen(s->name);
				if (strncmp(arg + 2, s->name, n) == 0 &&
				    (arg[2 + n] == '\0' || (arg[2 + n] == '=' && s->takes_value))) {
					spec = s;
					value = arg[2 + n] == '=' ? arg + 3 + n : NULL;
				}
			} else if (s->short_name && arg[1] == s->short_name &&
				   (arg[2] == '\0' || s->takes_value)) {
				spec = s;
				value = arg[2] ? arg + 2 : NULL;
			}
		}
		if (!spec && is_long && strchr(arg, '='))
			return usage_error("option '%s' takes no value", arg);
		if (!spec)
			return usage_error("unknown option '%s'", arg);
		if (spec->takes_value && !value) {
			if (i + 1 >= argc)
				return usage_error("option '%s' needs a value", arg);
			value = argv[++i];
		}
		int r = apply_option(opt, spec->id, value, &format_given);
		if (r != PARSE_RUN)
			return r;
	}
	if (opt->ninputs == 0) {
		opt->inputs[0] = stdin_only[0];
		opt->ninputs = 1;
	}
	if (opt->jobs == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		opt->jobs = cores < 1 ? 1 : cores > CLI_MAX_JOBS ? CLI_MAX_JOBS : (unsigned)cores;
	}
	/* A person at a terminal reads text; a pipe or a file gets JSON Lines. */
	if (!format_given && !opt->output_dir && isatty(STDOUT_FILENO))
		opt->format = WS_FORMAT_TEXT;
	return PARSE_RUN;
}

/* ------------------------------------------------------------ documents */

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
	return result == CLI_DOC_ANALYSED ? EXIT_OK : EXIT_FAILED;
}

void cli_show_notice(const cli_options *opt, const cli_doc *d, bool *shown)
{
	if (d->notice && !*shown && !opt->quiet) {
		cli_message("%s: %s (shown once)", d->origin, d->notice);
		*shown = true;
	}
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
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	cli_options opt;
	ws_model *model = NULL;
	cli_source *src = NULL;
	cli_sink *sink = NULL;
	ws_error err;
	int status;

	/* A closed pipe must be an EPIPE write error, reported, not a silent death. */
	signal(SIGPIPE, SIG_IGN);

	if (argc > 1 && strcmp(argv[1], "train") == 0)
		return train_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "model") == 0)
		return model_main(argc - 1, argv + 1);

	status = parse_options(argc, argv, &opt);
	if (status == PARSE_HELP) {
		fputs(help_text, stdout);
		status = EXIT_OK;
	} else if (status == PARSE_VERSION) {
		status = print_version();
	}
	if (status != PARSE_RUN) {
		if (cli_sink_free(NULL) != CLI_WRITTEN && status == EXIT_OK)
			status = EXIT_FAILED;
		free(opt.inputs);
		return status;
	}

	ws_status st = ws_model_open(opt.model, NULL, &model, &err);
	if (st != WS_OK) {
		/* an unknown --model is a problem with the command line */
		if (st == WS_ERR_MODEL) {
			status = usage_error("%s", err.message);
		} else {
			cli_message("model '%s': %s", opt.model ? opt.model : "rules", err.message);
			status = EXIT_FAILED;
		}
		goto done;
	}
	if (!(src = cli_source_new(&opt))) {
		cli_message("out of memory");
		status = EXIT_FAILED;
		goto done;
	}
	sink = cli_sink_new(&opt);
	if (!sink) {
		status = EXIT_FAILED;
		goto done;
	}
	cli_target target = cli_sink_target(sink);
	status = cli_run_parallel(&opt, model, src, &target);

done:
	if (cli_sink_free(sink) != CLI_WRITTEN)
		status = EXIT_FAILED;
	cli_source_free(src);
	ws_model_free(model);
	free(opt.inputs);
	return status;
}
