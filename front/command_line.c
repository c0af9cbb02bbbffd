/*
 * command_line.c — the options of the analysis, which `whosaid index`
 * shares all but the output's of (index writes to a store, not to files),
 * read into a cli_options.
 *
 * One table serves both commands, so an option means the same in each;
 * an option of the other command is refused by name, with a word on
 * where it belongs.  What is not given gets its default here: standard
 * input when there are no inputs, a thread per core, and text for a
 * person at a terminal but JSON Lines for a pipe or a file.
 */
#include "front/front.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum option_id {
	OPT_FORMAT, OPT_OFFSETS, OPT_MODEL, OPT_JSONL, OPT_TEXT_FIELD, OPT_ID_FIELD,
	OPT_OUTPUT_DIR, OPT_QUIET, OPT_JOBS, OPT_HELP, OPT_VERSION, OPT_DB, OPT_FORCE, OPT_BATCH, OPT_STRICT,
	OPT_STAGE_TIMES, OPT_COLUMNS, OPT_NO_TEXT
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
	{"strict", 0, false, OPT_STRICT},
	{"stage-times", 0, false, OPT_STAGE_TIMES},
	{"columns", 0, true, OPT_COLUMNS},
	{"no-text", 0, false, OPT_NO_TEXT},
};

static const unsigned char option_commands[] = {
	[OPT_FORMAT] = FOR_ANALYSIS, [OPT_OFFSETS] = FOR_ANALYSIS, [OPT_MODEL] = FOR_BOTH,
	[OPT_JSONL] = FOR_BOTH, [OPT_TEXT_FIELD] = FOR_BOTH, [OPT_ID_FIELD] = FOR_BOTH,
	[OPT_OUTPUT_DIR] = FOR_ANALYSIS, [OPT_QUIET] = FOR_BOTH, [OPT_JOBS] = FOR_BOTH,
	[OPT_HELP] = FOR_BOTH, [OPT_VERSION] = FOR_ANALYSIS, [OPT_DB] = FOR_INDEX,
	[OPT_FORCE] = FOR_INDEX, [OPT_BATCH] = FOR_INDEX, [OPT_STRICT] = FOR_INDEX, [OPT_NO_TEXT] = FOR_INDEX,
	[OPT_STAGE_TIMES] = FOR_BOTH,
	[OPT_COLUMNS] = FOR_ANALYSIS,
};

static const struct {
	const char *name;
	ws_format format;
} format_names[] = {
	{"text", WS_FORMAT_TEXT}, {"json", WS_FORMAT_JSON}, {"jsonl", WS_FORMAT_JSONL},
	{"brat", WS_FORMAT_BRAT}, {"tsv", WS_FORMAT_TSV}, {"csv", WS_FORMAT_CSV},
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
		return cli_usage_error(command, "unknown format '%s' (choose text, json, jsonl, brat, tsv or csv)", value);
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
	case OPT_STRICT: opt->strict = true; return CLI_PARSE_RUN;
	case OPT_STAGE_TIMES: opt->stage_times = true; return CLI_PARSE_RUN;
	case OPT_NO_TEXT: opt->no_text = true; return CLI_PARSE_RUN;
	case OPT_BATCH:
		if (!cli_number(value, 1, 1000000, &n))
			return cli_usage_error(command, "--batch needs a number of articles from 1 to 1000000, not '%s'", value);
		opt->batch = (unsigned)n;
		return CLI_PARSE_RUN;
	case OPT_COLUMNS:
		/* "" is no columns at all; an empty name among others is a slip */
		if (value[0] && (value[0] == ',' || value[strlen(value) - 1] == ',' || strstr(value, ",,")))
			return cli_usage_error(command, "--columns needs names separated by commas, not '%s'", value);
		opt->columns = value;
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
	if (opt->columns && opt->format != WS_FORMAT_CSV && opt->format != WS_FORMAT_TSV)
		return cli_usage_error(command, "%s", "--columns is for --format csv and tsv");
	return CLI_PARSE_RUN;
}
