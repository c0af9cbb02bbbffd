/*
 * messages.c — how every part of the command speaks: messages on stderr
 * and malloc'ed formatting.
 *
 * These live apart from main.c so that programs other than the command
 * (the fuzz harnesses in fuzz/, which have a main() of their own) can link
 * the command's parts with the real helpers rather than copies of them.
 */
#include "front/front.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void cli_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cli_progress_hide(); /* a message never gets mixed into the progress line */
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
