/*
 * query_commands.c — questions to the quote store:
 *
 *     whosaid search --db FILE [WORDS...] [--speaker NAME] [--kind TYPE]
 *                    [--since DATE] [--until DATE] [--outlet X] [--limit N]
 *     whosaid speakers --db FILE [--by outlet|month] [--outlet X]
 *                    [--since DATE] [--until DATE] [--limit N]
 *
 * Both print rows in text (on a terminal), JSON Lines (elsewhere), JSON,
 * TSV or CSV.  A search hit carries the attribution exactly as the JSON
 * output of the analysis has it, plus the article it comes from, so that
 * a program reading either gets the same objects.
 */
#include "front/front.h"
#include "store/store.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char search_help[] =
	"Usage: whosaid search --db FILE [WORDS...] [OPTIONS]\n"
	"Find attributions in a quote store (made by `whosaid index`), the most\n"
	"relevant first (BM25 over what was said).  Without words, every\n"
	"attribution that passes the filters, newest article first.\n"
	"\n"
	"Words are searched as written, all of them (cease-fire, U.S. work);\n"
	"\"a phrase\" in double quotes, word* for a prefix, and OR and NOT between\n"
	"words work as in SQLite FTS5.\n"
	"\n"
	"Options:\n"
	"      --db FILE          the store (required)\n"
	"      --speaker NAME     said by NAME (normalised as in docs/store.md; one\n"
	"                         word matches every full name ending in it)\n"
	"      --kind TYPE        direct, mixed or indirect\n"
	"      --since DATE       in articles dated on or after DATE (YYYY, YYYY-MM\n"
	"                         or YYYY-MM-DD)\n"
	"      --until DATE       in articles dated on or before DATE\n"
	"      --outlet NAME      in articles of this outlet (any case)\n"
	"      --limit N          at most N hits (default: 20; 0 for all)\n"
	"      --offset N         skip the N best hits first, for the next page\n"
	"                         (default: 0); ranks go on counting from N + 1\n"
	"  -f, --format FORMAT    text, json, jsonl, tsv or csv\n"
	"                         (default: text on a terminal, else jsonl)\n"
	"  -h, --help             show this help and exit\n"
	"\n"
	"Exit status: 0 when the search ran (even with no hits), 1 when the store\n"
	"could not be read, 2 for a usage error or a query FTS5 cannot parse.\n";

static const char speakers_help[] =
	"Usage: whosaid speakers --db FILE [OPTIONS]\n"
	"List the speakers of a quote store, the most quoted first: attributions,\n"
	"the share of them that are direct quotes, articles, first and last seen.\n"
	"A speaker's counts are merged across articles under a normalised name\n"
	"(case, titles and initials; docs/store.md).\n"
	"\n"
	"Options:\n"
	"      --db FILE          the store (required)\n"
	"      --by WHAT          outlet or month: one list per outlet or month;\n"
	"                         gender: persons' attributions and distinct\n"
	"                         speakers per gender (female, male, unknown)\n"
	"      --outlet NAME      only articles of this outlet (any case)\n"
	"      --since DATE       only articles dated on or after DATE\n"
	"      --until DATE       only articles dated on or before DATE\n"
	"      --limit N          the N most quoted (per group; default: 0, all)\n"
	"  -f, --format FORMAT    text, json, jsonl, tsv or csv\n"
	"                         (default: text on a terminal, else jsonl)\n"
	"  -h, --help             show this help and exit\n"
	"\n"
	"Exit status: 0 on success, 1 when the store could not be read, 2 for a\n"
	"usage error.\n";

enum query_format { Q_TEXT, Q_JSON, Q_JSONL, Q_TSV, Q_CSV };

enum query_option {
	Q_OPT_DB, Q_OPT_SPEAKER, Q_OPT_KIND, Q_OPT_SINCE, Q_OPT_UNTIL, Q_OPT_OUTLET, Q_OPT_LIMIT,
	Q_OPT_OFFSET, Q_OPT_BY, Q_OPT_FORMAT, Q_OPT_HELP
};

static const cli_option search_options[] = {
	{"db", 0, true, Q_OPT_DB},         {"speaker", 0, true, Q_OPT_SPEAKER}, {"kind", 0, true, Q_OPT_KIND},
	{"since", 0, true, Q_OPT_SINCE},   {"until", 0, true, Q_OPT_UNTIL},     {"outlet", 0, true, Q_OPT_OUTLET},
	{"limit", 0, true, Q_OPT_LIMIT},   {"offset", 0, true, Q_OPT_OFFSET},   {"format", 'f', true, Q_OPT_FORMAT},
	{"help", 'h', false, Q_OPT_HELP},
};

static const cli_option speakers_options[] = {
	{"db", 0, true, Q_OPT_DB},       {"by", 0, true, Q_OPT_BY},           {"outlet", 0, true, Q_OPT_OUTLET},
	{"since", 0, true, Q_OPT_SINCE}, {"until", 0, true, Q_OPT_UNTIL},     {"limit", 0, true, Q_OPT_LIMIT},
	{"format", 'f', true, Q_OPT_FORMAT}, {"help", 'h', false, Q_OPT_HELP},
};

typedef struct query_options {
	const char *command;
	const char *db;
	search_query search;
	enum speaker_grouping by;
	bool by_gender;           /* speakers --by gender: one row per gender */
	enum query_format format;
	bool format_given;
	long limit;
} query_options;

static int apply_query_option(void *ctx, int id, const char *value)
{
	query_options *q = ctx;
	static const char *const formats[] = {"text", "json", "jsonl", "tsv", "csv"};
	switch ((enum query_option)id) {
	case Q_OPT_DB: q->db = value; break;
	case Q_OPT_SPEAKER: q->search.speaker = value; break;
	case Q_OPT_KIND:
		if (strcmp(value, "direct") && strcmp(value, "mixed") && strcmp(value, "indirect"))
			return cli_usage_error(q->command, "unknown kind '%s' (choose direct, mixed or indirect)", value);
		q->search.kind = value;
		break;
	case Q_OPT_SINCE:
	case Q_OPT_UNTIL:
		if (!store_is_date(value))
			return cli_usage_error(q->command, "'%s' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD",
					       value);
		*(id == Q_OPT_SINCE ? &q->search.since : &q->search.until) = value;
		break;
	case Q_OPT_OUTLET: q->search.outlet = value; break;
	case Q_OPT_LIMIT: {
		unsigned long long n;
		if (!cli_number(value, 0, LONG_MAX, &n))
			return cli_usage_error(q->command, "--limit needs a number (0 for no limit), not '%s'", value);
		q->limit = (long)n;
		break;
	}
	case Q_OPT_OFFSET: {
		unsigned long long n;
		if (!cli_number(value, 0, LONG_MAX, &n))
			return cli_usage_error(q->command, "--offset needs a number of hits to skip, not '%s'", value);
		q->search.offset = (long)n;
		break;
	}
	case Q_OPT_BY:
		if (strcmp(value, "outlet") == 0)
			q->by = BY_OUTLET;
		else if (strcmp(value, "month") == 0)
			q->by = BY_MONTH;
		else if (strcmp(value, "gender") == 0 && strcmp(q->command, "speakers") == 0)
			q->by_gender = true;
		else
			return cli_usage_error(q->command, "unknown grouping '%s' (choose outlet, month or gender)", value);
		break;
	case Q_OPT_FORMAT:
		for (int k = 0; k < 5; k++) {
			if (strcmp(value, formats[k]) == 0) {
				q->format = (enum query_format)k;
				q->format_given = true;
				return CLI_PARSE_RUN;
			}
		}
		return cli_usage_error(q->command, "unknown format '%s' (choose text, json, jsonl, tsv or csv)", value);
	case Q_OPT_HELP: return CLI_PARSE_HELP;
	}
	return CLI_PARSE_RUN;
}

/* ------------------------------------------------------------- writing */

bool store_write_field(FILE *out, bool csv, const char *s, bool last)
{
	/* the library's cell writer, so that the analysis's tables and the
	 * store's quote and guard their cells alike */
	ws_buffer cell = {0};
	bool ok = ws_render_cell(csv ? WS_FORMAT_CSV : WS_FORMAT_TSV, s ? s : "", s ? strlen(s) : 0, last, &cell,
				 NULL) == WS_OK &&
		  fwrite(cell.data, 1, cell.len, out) == cell.len;
	ws_buffer_free(&cell);
	return ok;
}

bool store_put_field(bool csv, const char *s, bool last)
{
	return store_write_field(stdout, csv, s, last);
}

static void put_field(enum query_format f, const char *s, bool last)
{
	store_put_field(f == Q_CSV, s, last);
}

static void put_header(enum query_format f, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_field(f, names[i], i + 1 == n);
}

/* Print a JSON object in the chosen JSON format and release it. */
static bool put_json(enum query_format f, json_t *object)
{
	if (!object)
		return false;
	size_t flags = JSON_REAL_PRECISION(15) | (f == Q_JSON ? JSON_INDENT(2) : JSON_COMPACT);
	int rc = json_dumpf(object, stdout, flags);
	json_decref(object);
	putchar('\n');
	return rc == 0;
}

/* -------------------------------------------------------------- search */

static const char *const hit_columns[] = {
	"rank", "score", "article", "outlet", "date", "url", "title", "type", "speaker", "speaker_kind",
	"source", "cue", "content", "confidence",
};

bool search_hits_write_header(FILE *out, bool csv)
{
	size_t n = sizeof hit_columns / sizeof hit_columns[0];
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok &= store_write_field(out, csv, hit_columns[i], i + 1 == n);
	return ok;
}

bool search_hit_write_row(FILE *out, bool csv, const search_hit *h)
{
	char rank[32], score[32], confidence[32];
	snprintf(rank, sizeof rank, "%ld", h->rank);
	snprintf(score, sizeof score, "%.4f", h->score);
	snprintf(confidence, sizeof confidence, "%.3f", h->confidence);
	const char *fields[] = {rank, score, h->doc_id, h->outlet, h->date, h->url, h->title, h->type,
				h->speaker, h->speaker_kind, h->source, h->cue, h->content, confidence};
	size_t n = sizeof fields / sizeof fields[0];
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok &= store_write_field(out, csv, fields[i], i + 1 == n);
	return ok;
}

static bool print_hit(void *ctx, const search_hit *h)
{
	query_options *q = ctx;
	char confidence[32];
	snprintf(confidence, sizeof confidence, "%.3f", h->confidence);
	switch (q->format) {
	case Q_TEXT:
		printf("%ld. %s%s%s%s, %s, confidence %s", h->rank, h->speaker ? h->speaker : "(no speaker)",
		       h->speaker_kind ? " (" : "", h->speaker_kind ? h->speaker_kind : "", h->speaker_kind ? ")" : "",
		       h->type, confidence);
		if (q->search.match)
			printf(", score %.2f", h->score);
		putchar('\n');
		printf("   %s\n", h->content);
		printf("   source: %s; cue: %s\n", h->source ? h->source : "-", h->cue ? h->cue : "-");
		printf("   in %s", h->doc_id);
		const char *about[] = {h->outlet, h->date, h->title, h->url};
		for (size_t i = 0; i < sizeof about / sizeof about[0]; i++)
			if (about[i])
				printf(" | %s", about[i]);
		printf("\n\n");
		break;
	case Q_JSON:
	case Q_JSONL:
		if (!put_json(q->format, search_hit_json(h)))
			return false;
		break;
	case Q_TSV:
	case Q_CSV:
		if (!search_hit_write_row(stdout, q->format == Q_CSV, h))
			return false;
		break;
	}
	return !ferror(stdout);
}

/* ------------------------------------------------------------ speakers */

static const char *const speaker_columns[] = {
	"(group)", "speaker", "key", "kind", "attributions", "direct", "direct_share", "articles", "first_seen",
	"last_seen",
};

typedef struct speaker_printer {
	query_options *q;
	bool any;
	char *group;              /* the group of the last row, text format */
} speaker_printer;

/* Print s in a column width code points wide (UTF-8 aware). */
static void put_padded(const char *s, int width)
{
	int n = 0;
	for (const char *p = s; *p; p++)
		n += ((unsigned char)*p & 0xC0) != 0x80;
	fputs(s, stdout);
	for (; n < width; n++)
		putchar(' ');
}

static bool print_speaker(void *ctx, const speaker_row *r)
{
	speaker_printer *sp = ctx;
	query_options *q = sp->q;
	const char *group_name = q->by == BY_OUTLET ? "outlet" : "month";
	double share = r->attributions ? (double)r->direct / (double)r->attributions : 0;
	char counts[3][32], share_text[32];
	snprintf(counts[0], sizeof counts[0], "%ld", r->attributions);
	snprintf(counts[1], sizeof counts[1], "%ld", r->direct);
	snprintf(counts[2], sizeof counts[2], "%ld", r->articles);
	snprintf(share_text, sizeof share_text, "%.3f", share);
	switch (q->format) {
	case Q_TEXT: {
		bool new_group = !sp->any || (sp->group == NULL) != (r->group == NULL) ||
				 (r->group && strcmp(sp->group, r->group) != 0);
		if (q->by != BY_NONE && new_group) {
			printf("%s%s: %s\n", sp->any ? "\n" : "", group_name, r->group ? r->group : "(unknown)");
			free(sp->group);
			sp->group = r->group ? cli_format("%s", r->group) : NULL;
		}
		if (!sp->any || (q->by != BY_NONE && new_group)) {
			put_padded("speaker", 32);
			printf(" %-12s %7s %7s %8s  %-10s  %s\n", "kind", "quotes", "direct", "articles", "first seen",
			       "last seen");
		}
		put_padded(r->name, 32);
		printf(" %-12s %7ld %6.0f%% %8ld  %-10s  %s\n", r->kind, r->attributions, 100 * share, r->articles,
		       r->first_seen ? r->first_seen : "-", r->last_seen ? r->last_seen : "-");
		break;
	}
	case Q_JSON:
	case Q_JSONL:
		if (!put_json(q->format, speaker_row_json(r, q->by)))
			return false;
		break;
	case Q_TSV:
	case Q_CSV: {
		const char *fields[] = {r->group, r->name, r->key, r->kind, counts[0], counts[1], share_text,
					counts[2], r->first_seen, r->last_seen};
		size_t first = q->by == BY_NONE;
		for (size_t i = first; i < sizeof fields / sizeof fields[0]; i++)
			put_field(q->format, fields[i], i + 1 == sizeof fields / sizeof fields[0]);
		break;
	}
	}
	sp->any = true;
	return !ferror(stdout);
}

/* ---------------------------------------------------------------- main */

/* Parse a query command's line; CLI_PARSE_RUN or an exit status.  The
 * words (search) are joined into *words, malloc'ed. */
static int parse_query(const char *command, const char *help, int argc, char **argv, const cli_option *options,
		       size_t noptions, query_options *q, char **words)
{
	char **args = calloc((size_t)argc + 1, sizeof *args);
	size_t nargs = 0;
	*words = NULL;
	if (!args) {
		cli_message("out of memory");
		return CLI_EXIT_FAILED;
	}
	int r = cli_parse_args(command, argc, argv, options, noptions, apply_query_option, q, args, &nargs);
	if (r == CLI_PARSE_HELP) {
		fputs(help, stdout);
		r = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
	} else if (r == CLI_PARSE_RUN && !q->db) {
		r = cli_usage_error(command, "%s", "--db FILE is required: the store made by whosaid index");
	} else if (r == CLI_PARSE_RUN && nargs && strcmp(command, "speakers") == 0) {
		r = cli_usage_error(command, "unexpected argument '%s'", args[0]);
	} else if (r == CLI_PARSE_RUN) {
		size_t total = 1;
		for (size_t i = 0; i < nargs; i++)
			total += strlen(args[i]) + 1;
		if (!(*words = calloc(total, 1))) {
			cli_message("out of memory");
			r = CLI_EXIT_FAILED;
		}
		for (size_t i = 0; *words && i < nargs; i++) {
			if (i)
				strcat(*words, " ");
			strcat(*words, args[i]);
		}
	}
	free(args);
	if (r == CLI_PARSE_RUN && !q->format_given)
		q->format = isatty(STDOUT_FILENO) ? Q_TEXT : Q_JSONL;
	return r;
}

/* Flush standard output; a failure (full disk, closed pipe) is reported. */
static int finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_message("write error: %m");
		return CLI_EXIT_FAILED;
	}
	return status;
}

int search_main(int argc, char **argv)
{
	query_options q = {.command = "search", .limit = 20};
	char *words = NULL, why[512];
	int status = parse_query("search", search_help, argc, argv, search_options,
				 sizeof search_options / sizeof search_options[0], &q, &words);
	if (status != CLI_PARSE_RUN)
		return status;
	store *st = store_open(q.db, false, why, sizeof why);
	if (!st) {
		cli_message("search: %s", why);
		free(words);
		return CLI_EXIT_FAILED;
	}
	q.search.match = words[0] ? words : NULL;
	q.search.limit = q.limit;
	if (q.format == Q_TSV || q.format == Q_CSV)
		search_hits_write_header(stdout, q.format == Q_CSV);
	int r = store_search(st, &q.search, print_hit, &q, why, sizeof why);
	if (r < 0)
		cli_message("search: %s: %s", q.db, why);
	status = r == 0 ? CLI_EXIT_OK : r == -2 ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
	store_close(st, why, sizeof why);
	free(words);
	return finish_output(status);
}

static const char *const gender_columns[] = {
	"gender", "speakers", "attributions", "direct", "direct_share", "articles",
};

static bool print_gender(void *ctx, const gender_row *r)
{
	query_options *q = ctx;
	double share = r->attributions ? (double)r->direct / (double)r->attributions : 0;
	char counts[4][32], share_text[32];
	snprintf(counts[0], sizeof counts[0], "%ld", r->speakers);
	snprintf(counts[1], sizeof counts[1], "%ld", r->attributions);
	snprintf(counts[2], sizeof counts[2], "%ld", r->direct);
	snprintf(counts[3], sizeof counts[3], "%ld", r->articles);
	snprintf(share_text, sizeof share_text, "%.3f", share);
	switch (q->format) {
	case Q_TEXT:
		printf("%-10s %8ld %7ld %6.0f%% %8ld\n", r->gender, r->speakers, r->attributions, 100 * share,
		       r->articles);
		break;
	case Q_JSON:
	case Q_JSONL:
		if (!put_json(q->format, gender_row_json(r)))
			return false;
		break;
	case Q_TSV:
	case Q_CSV: {
		const char *fields[] = {r->gender, counts[0], counts[1], counts[2], share_text, counts[3]};
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			put_field(q->format, fields[i], i + 1 == sizeof fields / sizeof fields[0]);
		break;
	}
	}
	return true;
}

/* speakers --by gender: the persons quoted, per gender. */
static int genders_main(query_options *q, store *st)
{
	char why[512];
	if (q->format == Q_TSV || q->format == Q_CSV)
		put_header(q->format, gender_columns, sizeof gender_columns / sizeof gender_columns[0]);
	else if (q->format == Q_TEXT)
		printf("%-10s %8s %7s %7s %8s\n", "gender", "speakers", "quotes", "direct", "articles");
	int r = store_genders(st, q->search.outlet, q->search.since, q->search.until, print_gender, q, why,
			      sizeof why);
	if (r < 0)
		cli_message("speakers: %s: %s", q->db, why);
	store_close(st, why, sizeof why);
	return finish_output(r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED);
}

int speakers_main(int argc, char **argv)
{
	query_options q = {.command = "speakers"};
	char *words = NULL, why[512];
	int status = parse_query("speakers", speakers_help, argc, argv, speakers_options,
				 sizeof speakers_options / sizeof speakers_options[0], &q, &words);
	free(words);
	if (status != CLI_PARSE_RUN)
		return status;
	store *st = store_open(q.db, false, why, sizeof why);
	if (!st) {
		cli_message("speakers: %s", why);
		return CLI_EXIT_FAILED;
	}
	if (q.by_gender)
		return genders_main(&q, st);
	if (q.format == Q_TSV || q.format == Q_CSV) {
		/* the group column, first, is named after the grouping, and
		 * absent without one */
		if (q.by != BY_NONE)
			put_field(q.format, q.by == BY_OUTLET ? "outlet" : "month", false);
		put_header(q.format, speaker_columns + 1, sizeof speaker_columns / sizeof speaker_columns[0] - 1);
	}
	speaker_printer sp = {&q, false, NULL};
	int r = store_speakers(st, q.by, q.search.outlet, q.search.since, q.search.until, q.limit, print_speaker,
			       &sp, why, sizeof why);
	if (r < 0)
		cli_message("speakers: %s: %s", q.db, why);
	free(sp.group);
	store_close(st, why, sizeof why);
	return finish_output(r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED);
}
