/*
 * progress.c — a progress line on stderr for a person waiting at a
 * terminal while cli_run_parallel() works through the documents:
 *
 *     whosaid: 1204 documents, 12.3 of 48.0 MB (25%), 1.02 MB/s, ETA 0:00:35
 *
 * The line is redrawn in place: a carriage return, the line, then ESC [K to
 * erase what a longer line before it left behind.  It is redrawn as
 * documents are written, but at most four times a second: often enough to
 * look alive, rarely enough that the terminal costs nothing next to the
 * analysis.  At the end the final state is drawn once more, with the time
 * the run took instead of the time left, and the line is ended, so that
 * the shell's prompt starts on a clean line.
 *
 * There is a line only when stderr is a terminal and --quiet is not given,
 * and none when the records themselves go to that terminal: they show the
 * progress already, and a line redrawn among them would get mixed into
 * them.  Sizes are in decimal units (1 MB = 10^6 bytes, as the benchmarks
 * count MB/s), in kB while the total is under a megabyte.  The percentage
 * and the time left need the total size of the inputs, known when they
 * are all files or directories; the caller walks the directories for it up
 * front (cli_inputs_size()), and only when cli_progress_wanted() says a
 * line will be shown.
 *
 * Messages share the terminal with the line: cli_message() clears it first
 * (cli_progress_hide()), the message takes its place, and the next drawing
 * puts the line back below.  Lines and messages are all printed by the
 * thread that runs cli_run_parallel(), so the state here needs no lock.
 */
#include "front/front.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_SECONDS 0.25
#define MEGABYTE 1000000.0
#define KILOBYTE 1000.0
#define LINE_SIZE 256             /* room for any line (at most about 140 bytes) */

struct cli_progress {
	bool total_known;
	uint64_t total;           /* input bytes of the run, when known */
	size_t documents;         /* done: written or skipped */
	uint64_t bytes;           /* the input bytes of those */
	double started, drawn;    /* monotonic seconds */
};

/* A line is on the terminal, not ended: a message must clear it first. */
static bool line_on_screen;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "h:mm:ss"; a time beyond any patience is shown as a billion seconds. */
static void format_duration(char *out, size_t size, double seconds)
{
	unsigned long s = seconds < 0 ? 0 : seconds > 1e9 ? 1000000000ul : (unsigned long)(seconds + 0.5);
	snprintf(out, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
}

/* Columns of the terminal, 0 when it does not say. */
static size_t terminal_width(void)
{
	struct winsize ws;
	return ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

/* Rounded down, so that 100% means done (and a total of 0 is done too). */
static unsigned percent_done(const cli_progress *p)
{
	if (p->bytes >= p->total)
		return 100;
	double percent = (double)p->bytes * 100 / (double)p->total;
	return percent >= 99 ? 99 : (unsigned)percent;
}

/* printf at line[*len], never past the end of the line. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void append(char line[static LINE_SIZE], size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line + *len, LINE_SIZE - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < LINE_SIZE ? *len + (size_t)n : LINE_SIZE - 1;
}

static void draw(const cli_progress *p, double t, bool final)
{
	char line[LINE_SIZE], duration[32];
	size_t len = 0;
	double elapsed = t - p->started;
	double rate = elapsed > 0 ? (double)p->bytes / elapsed : 0;
	/* kB for a small run, else MB; without a total, by the bytes so far */
	bool small = (double)(p->total_known ? p->total : p->bytes) < MEGABYTE;
	double unit = small ? KILOBYTE : MEGABYTE;
	const char *unit_name = small ? "kB" : "MB";

	append(line, &len, CLI_NAME ": %zu document%s, ", p->documents, p->documents == 1 ? "" : "s");
	if (p->total_known)
		append(line, &len, "%.1f of %.1f %s (%u%%), ", (double)p->bytes / unit, (double)p->total / unit,
		       unit_name, percent_done(p));
	else
		append(line, &len, "%.1f %s, ", (double)p->bytes / unit, unit_name);
	append(line, &len, "%.2f MB/s", rate / MEGABYTE);
	if (final) {
		format_duration(duration, sizeof duration, elapsed);
		append(line, &len, ", took %s", duration);
	} else if (p->total_known && rate > 0) {
		uint64_t left = p->bytes < p->total ? p->total - p->bytes : 0;
		format_duration(duration, sizeof duration, (double)left / rate);
		append(line, &len, ", ETA %s", duration);
	}
	/* A line that wraps cannot be redrawn by a carriage return, which only
	 * goes back to the start of its last row; the last column is left
	 * free too, as some terminals wrap as soon as it is written. */
	size_t width = terminal_width();
	if (width > 1 && len > width - 1)
		len = width - 1;
	fprintf(stderr, "\r%.*s\033[K%s", (int)len, line, final ? "\n" : "");
	line_on_screen = !final;
}

bool cli_progress_wanted(const cli_options *opt, bool records_to_stdout)
{
	return !opt->quiet && isatty(STDERR_FILENO) && !(records_to_stdout && isatty(STDOUT_FILENO));
}

cli_progress *cli_progress_new(bool total_known, uint64_t total)
{
	cli_progress *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->total_known = total_known;
	p->total = total;
	/* the first drawing comes a quarter of a second in: a short run shows
	 * only its final state */
	p->started = p->drawn = now();
	return p;
}

void cli_progress_add(cli_progress *p, size_t documents, uint64_t bytes)
{
	if (!p)
		return;
	p->documents += documents;
	p->bytes += bytes;
	double t = now();
	if (t - p->drawn >= REDRAW_SECONDS) {
		draw(p, t, false);
		p->drawn = t;
	}
}

void cli_progress_end(cli_progress *p)
{
	if (!p)
		return;
	draw(p, now(), true);
	free(p);
}

void cli_progress_hide(void)
{
	if (line_on_screen) {
		fputs("\r\033[K", stderr);
		line_on_screen = false;
	}
}
