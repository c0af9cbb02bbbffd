/*
 * options.c — GNU-style command lines for every `whosaid` command.
 *
 * Options and other arguments may mix; "--" ends the options; a value
 * follows as the next argument, or as "--name=value" or "-fVALUE".  Each
 * command gives its table of options and a function that applies one.
 */
#include "front/front.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *command, const char *fmt, const char *arg)
{
	fputs(CLI_NAME ": ", stderr);
	if (command)
		fprintf(stderr, "%s: ", command);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" CLI_NAME "%s%s --help' for more information.\n", command ? " " : "",
		command ? command : "");
	return CLI_EXIT_USAGE;
}

int cli_parse_args(const char *command, int argc, char **argv, const cli_option *options, size_t noptions,
		   int (*apply)(void *ctx, int id, const char *value), void *ctx, char **args, size_t *nargs)
{
	bool options_done = false;
	*nargs = 0;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];
		if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
			args[(*nargs)++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = true;
			continue;
		}
		const cli_option *spec = NULL;
		const char *value = NULL;
		bool is_long = arg[1] == '-';
		for (size_t k = 0; !spec && k < noptions; k++) {
			const cli_option *s = &options[k];
			if (is_long) {
				size_t n = strlen(s->name);
				if (strncmp(arg + 2, s->name, n) == 0 &&
				    (arg[2 + n] == '\0' || (arg[2 + n] == '=' && s->takes_value))) {
					spec = s;
					value = arg[2 + n] == '=' ? arg + 3 + n : NULL;
				}
			} else if (s->short_name && arg[1] == s->short_name && (arg[2] == '\0' || s->takes_value)) {
				spec = s;
				value = arg[2] ? arg + 2 : NULL;
			}
		}
		if (!spec && is_long && strchr(arg, '='))
			return cli_usage_error(command, "option '%s' takes no value", arg);
		if (!spec)
			return cli_usage_error(command, "unknown option '%s'", arg);
		if (spec->takes_value && !value) {
			if (i + 1 >= argc)
				return cli_usage_error(command, "option '%s' needs a value", arg);
			value = argv[++i];
		}
		int r = apply(ctx, spec->id, value);
		if (r != CLI_PARSE_RUN)
			return r;
	}
	return CLI_PARSE_RUN;
}

bool cli_number(const char *value, unsigned long long min, unsigned long long max, unsigned long long *out)
{
	/* digits and nothing else: strtoull alone would take "+5", " 5" and
	 * "-1" (as a huge number) */
	if (!value[0])
		return false;
	for (const char *p = value; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	errno = 0;
	unsigned long long n = strtoull(value, NULL, 10);
	if (errno || n < min || n > max)
		return false;
	*out = n;
	return true;
}
