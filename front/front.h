/*
 * front.h — the command front: what every `whosaid` command that reads
 * documents, analyses them or speaks on stderr stands on.
 *
 * Reading and analysing is a pipeline of three parts, kept apart so that
 * the middle one runs on several threads (parallel.c) while the outer two
 * stay in input order:
 *
 *   inputs.c   arguments -> documents (files, directories, stdin, and the
 *              records of JSON Lines files, parsed by jsonl.c)
 *   records.c  each document -> analysis -> one rendered record
 *   a target   records -> where the command wants them: standard output
 *              or files (cli/outputs.c), or SQLite (store/index_command.c)
 *
 * Beside it: the option parser of every command (options.c), the options
 * of the analysis and of index (command_line.c), messages on stderr
 * (messages.c) and the progress line (progress.c).  The front includes
 * only the public header; the command (cli/), the store, the server and
 * the trainer stand on it, never the other way round.
 *
 * Every input document becomes exactly one record: a document that cannot
 * be read still travels down the pipeline, carrying its error, and comes
 * out as an error record.  Like the library, the command never depends on
 * the locale: it never calls setlocale(), so the C locale stays in force.
 */
#ifndef WHOSAID_FRONT_H
#define WHOSAID_FRONT_H

#include "whosaid.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CLI_NAME "whosaid"

typedef struct cli_options {
	ws_format format;
	ws_offset_unit offsets;
	const char *model;        /* NULL: the library's default */
	bool jsonl;               /* inputs are JSON Lines records */
	const char *text_field;
	const char *id_field;
	const char *output_dir;   /* NULL: everything to standard output */
	bool quiet;               /* no per-document messages on stderr */
	unsigned jobs;            /* analysis threads (parallel.c) */
	bool stage_times;         /* the time of each stage on stderr at the end */
	const char *db;           /* index: the store to write into */
	bool force;               /* index: analyse unchanged articles again */
	unsigned batch;           /* index: articles per transaction; 0 for the default */
	bool strict;              /* index: a failure known from an earlier run fails the run too */
	/* --columns: the passed-through members that have CSV or TSV columns of
	 * their own, comma-separated ("" for none); NULL: the first record's */
	const char *columns;
	/* The key of a speaker's name for CSV and TSV (the quote store's
	 * speaker_key(), malloc'ed), which the front cannot call itself: set
	 * by the command that links the store; NULL: no keys. */
	char *(*speaker_key)(const char *name);
	bool no_text;             /* index: keep no article texts in the store */
	char **inputs;            /* FILE, DIR or "-"; never empty after parsing */
	size_t ninputs;
} cli_options;

/* One input document, as read and before analysis.  All strings are owned
 * by the document and released by cli_doc_clear(). */
typedef struct cli_doc {
	char *id;                 /* the record's "id"; NULL for text read from stdin */
	char *name;               /* file name stem for --output-dir */
	char *origin;             /* "FILE" or "FILE:LINE", for messages */
	char *text;               /* the bytes to analyse (not NUL-terminated) */
	size_t len;
	char *extra;              /* JSON members to pass through, or NULL */
	char *error;              /* why the document could not be read, or NULL */
	char *notice;             /* a remark for stderr, or NULL */
	/* Input consumed, for the progress line: the file's size, or the
	 * record's line with its newline (and any blank lines before it). */
	uint64_t bytes;
	bool has_inode;           /* the input is a file, identified by dev/ino: */
	dev_t dev;                /*   an output file must never overwrite it */
	ino_t ino;
} cli_doc;

void cli_doc_clear(cli_doc *doc);

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILED = 1, CLI_EXIT_USAGE = 2 };

/* ---------------------------------------------------------- options.c */

typedef struct cli_option {
	const char *name;         /* long name, without "--" */
	char short_name;          /* 0 for none */
	bool takes_value;
	int id;                   /* passed to the apply function */
} cli_option;

/* Not exit statuses: parsing goes on (the command runs), or --help or
 * --version was asked for. */
#define CLI_PARSE_RUN (-1)
#define CLI_PARSE_HELP (-2)
#define CLI_PARSE_VERSION (-3)

/* Parse argv[1..argc): apply(ctx, id, value) for each option, the other
 * arguments into args (room for argc pointers), counted in *nargs.
 * CLI_PARSE_RUN, or what apply returned when not CLI_PARSE_RUN, or
 * CLI_EXIT_USAGE after a usage error on stderr.  command names the
 * subcommand in messages (NULL for the main one). */
int cli_parse_args(const char *command, int argc, char **argv, const cli_option *options, size_t noptions,
		   int (*apply)(void *ctx, int id, const char *value), void *ctx, char **args, size_t *nargs);
/* value as a whole number (decimal digits only) from min to max, in *out;
 * false when it is not one. */
bool cli_number(const char *value, unsigned long long min, unsigned long long max, unsigned long long *out);
/* "whosaid: [command: ]" fmt with arg, and a pointer to --help, on
 * stderr; CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, const char *arg);

/* ----------------------------------------------------- command_line.c */

#define CLI_MAX_JOBS 256

/* Parse the options and inputs of the analysis (command NULL) or of
 * `whosaid index` (command "index") into *opt, whose inputs array is then
 * the caller's to free.  CLI_PARSE_RUN, CLI_PARSE_HELP, CLI_PARSE_VERSION
 * or an exit status. */
int cli_parse_command_line(const char *command, int argc, char **argv, cli_options *opt);

/* --------------------------------------------------------- records.c */

/* The passed-through members that have CSV or TSV columns of their own in
 * a run: fixed before its first record is rendered, the same for all. */
typedef struct cli_columns {
	char **names;
	size_t count;
} cli_columns;

/* The run's columns: those of --columns (opt->columns) when given, else
 * the names of the first document's passed-through members (first->extra;
 * none when it has none).  false when out of memory. */
bool cli_columns_choose(const cli_options *opt, const cli_doc *first, cli_columns *columns);
void cli_columns_clear(cli_columns *columns);

/* Room for a path as long as PATH_MAX and the library's message. */
#define CLI_REASON_SIZE (4096 + 256 + 8)

enum { CLI_DOC_ANALYSED, CLI_DOC_FAILED, CLI_DOC_FATAL };

/* Analyse one read document with doc and render its record into record
 * (emptied first), with the header first when header is true (CSV and
 * TSV) and the run's columns (NULL for none).  CLI_DOC_FAILED when the
 * record is an error record, CLI_DOC_FATAL when not even that could be
 * rendered; reason then says why.  Prints nothing, so that threads can run
 * it. */
int cli_analyze_document(const cli_options *opt, const ws_model *model, ws_doc *doc, const cli_doc *d,
			 const cli_columns *columns, bool header, ws_buffer *record, char *reason,
			 size_t reason_size);
/* Print a document's failure, if any, on stderr (unless --quiet); the
 * exit status it stands for. */
int cli_report_document(const cli_options *opt, int result, const char *reason);
/* A reader's remark on stderr, once per run. */
void cli_show_notice(const cli_options *opt, const cli_doc *d, bool *shown);

/* -------------------------------------------------------- messages.c */

/* Formatted message on stderr, "whosaid: " first and a newline after. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void cli_message(const char *fmt, ...);

/* malloc'ed printf; NULL when out of memory. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
char *cli_format(const char *fmt, ...);

/* ----------------------------------------------------------- inputs.c */

typedef struct cli_source cli_source;

/* Results of cli_source_next() and the record functions. */
enum {
	CLI_DONE = 0,     /* no more documents */
	CLI_NEXT = 1,     /* *doc holds the next document */
	CLI_NOMEM = -1    /* out of memory: the command cannot go on */
};

cli_source *cli_source_new(const cli_options *opt);
/* Fill *doc (cleared first) with the next document in input order.  On
 * CLI_DONE, doc->bytes holds what was read after the last document
 * (trailing blank lines), so that the bytes of a run add up. */
int cli_source_next(cli_source *src, cli_doc *doc);
void cli_source_free(cli_source *src);

/* The sum of the bytes of opt's inputs, as the documents' bytes will add
 * up: the sizes of the files named and of those found under directories,
 * walked as cli_source_next() walks them (an input that cannot be
 * examined counts 0, as its error document reads nothing).  false when
 * the sum cannot be known before reading: standard input, a pipe or a
 * device, or out of memory.  Costs a walk of every directory input. */
bool cli_inputs_size(const cli_options *opt, uint64_t *bytes);

/* ------------------------------------------------------------ jsonl.c */

/* Turn line lineno of a JSON Lines input (shown as file) into *doc: the
 * text, id and passed-through fields, or an error.  stem names the output
 * file of a record without an id.  CLI_NEXT or CLI_NOMEM. */
int cli_jsonl_record(const cli_options *opt, const char *file, const char *stem, size_t lineno,
		     const char *line, size_t len, cli_doc *doc);
/* The names of the members of extra (as a cli_doc's: members without the
 * braces), in order, into *columns.  false when out of memory. */
bool cli_jsonl_member_names(const char *extra, cli_columns *columns);

/* ------------------------------------------------------------ targets */

/* Where the documents of a run go, in input order: the sink of outputs.c,
 * or the store of `whosaid index`. */
typedef struct cli_target {
	/* On the reading thread, before analysis: CLI_ADMIT to analyse the
	 * document, CLI_SKIP to leave it out (neither analysed nor written),
	 * CLI_WRITE_ERROR (reported) to stop.  NULL admits every document. */
	int (*admit)(void *ctx, const cli_doc *doc);
	/* On the reading thread, in input order: the document's record, and
	 * its result (CLI_DOC_ANALYSED or CLI_DOC_FAILED) with the reason of a
	 * failure.  CLI_WRITTEN, CLI_NOT_WRITTEN or CLI_WRITE_ERROR. */
	int (*write)(void *ctx, const cli_doc *doc, const ws_buffer *record, int result, const char *reason);
	/* On the reading thread, before write(): whether a failed document
	 * failed as it is known to, so that it does not make the run's exit
	 * status 1 (it is still reported and written).  NULL: none is. */
	bool (*known_failure)(void *ctx, const cli_doc *doc, const char *reason);
	void *ctx;
} cli_target;

enum { CLI_SKIP = 0, CLI_ADMIT = 1 };
enum {
	CLI_WRITTEN = 0,     /* the record was written */
	CLI_NOT_WRITTEN = 1, /* this record's output failed (reported); go on */
	CLI_WRITE_ERROR = -1 /* the output as a whole failed (reported); stop */
};

/* --------------------------------------------------------- progress.c */

typedef struct cli_progress cli_progress;

/* Whether a run over opt's inputs shows a progress line on stderr: not
 * when stderr is not a terminal, --quiet was given, or the records go to
 * the terminal themselves (records_to_stdout and stdout is one). */
bool cli_progress_wanted(const cli_options *opt, bool records_to_stdout);
/* The line, for inputs of total bytes when total_known; NULL when out of
 * memory (the run goes on without it). */
cli_progress *cli_progress_new(bool total_known, uint64_t total);
/* Documents done (written or skipped) and the input bytes they consumed;
 * redraws the line when a quarter of a second has passed since it was
 * last drawn.  p NULL: nothing. */
void cli_progress_add(cli_progress *p, size_t documents, uint64_t bytes);
/* Draw the final state, end the line with a newline and release p.
 * p NULL: nothing. */
void cli_progress_end(cli_progress *p);
/* Clear the line from the terminal, if one is drawn, so that a message can
 * take its place; the next drawing puts it back.  cli_message() calls it.
 * Like every drawing, only on the thread that runs cli_run_parallel(). */
void cli_progress_hide(void);

/* --------------------------------------------------------- parallel.c */

/* Every document of src, analysed on opt->jobs threads (one is enough),
 * handed to target in input order; an exit status. */
int cli_run_parallel(const cli_options *opt, const ws_model *model, cli_source *src, const cli_target *target);

#endif /* WHOSAID_FRONT_H */
