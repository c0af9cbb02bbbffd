/*
 * cli.h — what the `whosaid` command's own two files share: main.c, which
 * parses the analysis's options and hands every other command to its
 * subsystem, and outputs.c, where the analysis's records go.
 */
#ifndef WHOSAID_CLI_H
#define WHOSAID_CLI_H

#include "front/front.h"

typedef struct cli_sink cli_sink;

/* NULL when out of memory or when --output-dir cannot be created
 * (reported). */
cli_sink *cli_sink_new(const cli_options *opt);
/* Flush and close standard output; CLI_WRITE_ERROR when that fails.
 * Releases the sink either way. */
int cli_sink_free(cli_sink *sink);

/* Extension of the files --output-dir writes in a format: ".ann", ... */
const char *cli_format_extension(ws_format format);

/* The sink as a target of cli_run_parallel(): every document is written. */
cli_target cli_sink_target(cli_sink *sink);

#endif /* WHOSAID_CLI_H */
