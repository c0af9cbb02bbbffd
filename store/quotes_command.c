/*
 * quotes_command.c — `whosaid quotes`: the same quote across articles.
 *
 *     whosaid quotes --db FILE [--speaker NAME] [--since DATE] [--until DATE]
 *                    [--outlet NAME] [--min-articles N] [--conflicting]
 *                    [--limit N] [-f text|json|jsonl|csv|tsv]
 *     whosaid quotes --db FILE --id N [-f ...]
 *
 * The first form lists the store's quote clusters (quote_clusters.c), the
 * most widely carried first; the second shows one cluster with every
 * member.  The answers are the JSON objects the server's /v1/quotes sends,
 * so the text and CSV forms below are renderings of those objects, and a
 * program reading either gets the same thing.
 */
#include "front/front.h"
#include "store/store.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help_text[] =
	"Usage: whosaid quotes --db FILE [OPTIONS]\n"
	"       whosaid quotes --db FILE --id N [-f FORMAT]\n"
	"List the quotes of a store that were carried by several articles, the most\n"
	"widely carried first: the fullest text, how many articles and attributions,\n"
	"first and last day seen, the outlets and the speakers credited.  A quote\n"
	"credited to different speakers (the last words of their names differ) is\n"
	"marked conflicting.  --id shows one cluster with all its members.\n"
	"\n"
	"Options:\n"
	"      --db FILE          the store (required)\n"
	"      --id N             the cluster N with its members\n"
	"      --speaker NAME     clusters with a member credited to NAME (its last\n"
	"                         name: --speaker reyes and \"Tomas Reyes\" are one)\n"
	"      --since DATE       count only members in articles dated on or after\n"
	"                         DATE (YYYY, YYYY-MM or YYYY-MM-DD)\n"
	"      --until DATE       ... dated on or before DATE\n"
	"      --outlet NAME      ... of this outlet (any case)\n"
	"      --min-articles N   carried by at least N articles (default: 2)\n"
	"      --conflicting      only quotes credited to different speakers\n"
	"      --limit N          at most N clusters (default: 0, all)\n"
	"  -f, --format FORMAT    text, json, jsonl, tsv or csv\n"
	"                         (default: text on a terminal, else jsonl)\n"
	"  -h, --help             show this help and exit\n"
	"\n"
	"Exit status: 0 on success, 1 when the store could not be read or there is\n"
	"no cluster N, 2 for a usage error.\n";

enum quotes_format { F_TEXT, F_JSON, F_JSONL, F_TSV, F_CSV };

enum quotes_option {
	O_DB, O_ID, O_SPEAKER, O_SINCE, O_UNTIL, O_OUTLET, O_MIN, O_CONFLICTING, O_LIMIT, O_FORMAT, O_HELP
};

static const cli_option options[] = {
	{"db", 0, true, O_DB},         {"id", 0, true, O_ID},         {"speaker", 0, true, O_SPEAKER},
	{"since", 0, true, O_SINCE},   {"until", 0, true, O_UNTIL},   {"outlet", 0, true, O_OUTLET},
	{"min-articles", 0, true, O_MIN}, {"conflicting", 0, false, O_CONFLICTING},
	{"limit", 0, true, O_LIMIT},   {"format", 'f', true, O_FORMAT}, {"help", 'h', false, O_HELP},
};

typedef struct quotes_options {
	const char *db;
	long id;                  /* 0: list */
	quotes_query q;
	enum quotes_format format;
	bool format_given;
	bool any;                 /* a cluster was printed (text: blank lines between) */
} quotes_options;

/* fmt names the option and takes the value given. */
static int number_option(const char *fmt, const char *value, unsigned long long min, long *out)
{
	unsigned long long n;
	if (!cli_number(value, min, LONG_MAX, &n))
		return cli_usage_error("quotes", fmt, value);
	*out = (long)n;
	return CLI_PARSE_RUN;
}

static int apply(void *ctx, int id, const char *value)
{
	quotes_options *o = ctx;
	static const char *const formats[] = {"text", "json", "jsonl", "tsv", "csv"};
	switch ((enum quotes_option)id) {
	case O_DB: o->db = value; break;
	case O_ID: return number_option("--id needs a cluster number from 1, not '%s'", value, 1, &o->id);
	case O_SPEAKER: o->q.speaker = value; break;
	case O_SINCE:
	case O_UNTIL:
		if (!store_is_date(value))
			return cli_usage_error("quotes", "'%s' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD",
					       value);
		*(id == O_SINCE ? &o->q.since : &o->q.until) = value;
		break;
	case O_OUTLET: o->q.outlet = value; break;
	case O_MIN: return number_option("--min-articles needs a number from 1, not '%s'", value, 1, &o->q.min_articles);
	case O_CONFLICTING: o->q.conflicting = true; break;
	case O_LIMIT: return number_option("--limit needs a number (0 for no limit), not '%s'", value, 0, &o->q.limit);
	case O_FORMAT:
		for (int k = 0; k < 5; k++) {
			if (strcmp(value, formats[k]) == 0) {
				o->format = (enum quotes_format)k;
				o->format_given = true;
				return CLI_PARSE_RUN;
			}
		}
		return cli_usage_error("quotes", "unknown format '%s' (choose text, json, jsonl, tsv or csv)", value);
	case O_HELP: return CLI_PARSE_HELP;
	}
	return CLI_PARSE_RUN;
}

static void put_field(enum quotes_format f, const char *s, bool last)
{
	store_put_field(f == F_CSV, s, last);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long num(json_t *o, const char *key)
{
	return (long)json_integer_value(json_object_get(o, key));
}

/* "A (2); B (1)" of a cluster's outlets or speakers.  malloc'ed. */
static char *counted_list(json_t *list, const char *name_key, const char *count_key)
{
	size_t size = 1;
	json_t *item;
	size_t i;
	json_array_foreach(list, i, item)
		size += strlen(str(item, name_key)) + 32;
	char *s = malloc(size), *p = s;
	if (!s)
		return NULL;
	*p = '\0';
	json_array_foreach(list, i, item)
		p += sprintf(p, "%s%s (%ld)", i ? "; " : "", str(item, name_key), num(item, count_key));
	return s;
}

static void print_summary_text(json_t *c)
{
	const char *first = str(c, "first_seen"), *last = str(c, "last_seen");
	printf("#%ld  %ld article%s, %ld attribution%s, %s to %s%s\n", num(c, "id"), num(c, "articles"),
	       num(c, "articles") == 1 ? "" : "s", num(c, "attributions"), num(c, "attributions") == 1 ? "" : "s",
	       first ? first : "-", last ? last : "-",
	       json_is_true(json_object_get(c, "conflicting")) ? "  CONFLICTING" : "");
	printf("   %s\n", str(c, "text"));
	char *outlets = counted_list(json_object_get(c, "outlets"), "outlet", "articles");
	char *speakers = counted_list(json_object_get(c, "speakers"), "speaker", "attributions");
	printf("   outlets: %s\n   speakers: %s\n", outlets && *outlets ? outlets : "-",
	       speakers && *speakers ? speakers : "-");
	free(outlets);
	free(speakers);
}

static bool put_json(enum quotes_format f, json_t *object)
{
	size_t flags = JSON_REAL_PRECISION(15) | (f == F_JSON ? JSON_INDENT(2) : JSON_COMPACT);
	int rc = json_dumpf(object, stdout, flags);
	putchar('\n');
	return rc == 0;
}

static const char *const cluster_columns[] = {
	"id", "articles", "attributions", "first_seen", "last_seen", "conflicting", "outlets", "speakers", "text",
};

static bool print_cluster(void *ctx, json_t *c)
{
	quotes_options *o = ctx;
	switch (o->format) {
	case F_TEXT:
		if (o->any)
			putchar('\n');
		print_summary_text(c);
		break;
	case F_JSON:
	case F_JSONL:
		if (!put_json(o->format, c))
			return false;
		break;
	case F_TSV:
	case F_CSV: {
		char counts[3][32];
		snprintf(counts[0], sizeof counts[0], "%ld", num(c, "id"));
		snprintf(counts[1], sizeof counts[1], "%ld", num(c, "articles"));
		snprintf(counts[2], sizeof counts[2], "%ld", num(c, "attributions"));
		char *outlets = counted_list(json_object_get(c, "outlets"), "outlet", "articles");
		char *speakers = counted_list(json_object_get(c, "speakers"), "speaker", "attributions");
		const char *fields[] = {counts[0], counts[1], counts[2], str(c, "first_seen"), str(c, "last_seen"),
					json_is_true(json_object_get(c, "conflicting")) ? "true" : "false", outlets,
					speakers, str(c, "text")};
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			put_field(o->format, fields[i], i + 1 == sizeof fields / sizeof fields[0]);
		free(outlets);
		free(speakers);
		break;
	}
	}
	o->any = true;
	return !ferror(stdout);
}

static const char *const member_columns[] = {
	"cluster", "article", "outlet", "date", "position", "type", "speaker", "key", "similarity", "content",
};

/* --id: the cluster, then its members. */
static void print_members(quotes_options *o, json_t *c)
{
	json_t *members = json_object_get(c, "members"), *m;
	size_t i;
	if (o->format == F_JSON || o->format == F_JSONL) {
		put_json(o->format, c);
		return;
	}
	if (o->format == F_TEXT) {
		print_summary_text(c);
		printf("\n");
		json_array_foreach(members, i, m) {
			json_t *a = json_object_get(m, "article");
			const char *date = str(a, "date"), *outlet = str(a, "outlet"), *speaker = str(m, "speaker");
			printf("%s  %s  %s #%ld  %s, %s, similarity %.3f\n", date ? date : "-", outlet ? outlet : "-",
			       str(a, "id"), num(m, "position"), speaker ? speaker : "(no speaker)", str(m, "type"),
			       json_real_value(json_object_get(m, "similarity")));
			printf("   %s\n", str(m, "content"));
		}
		return;
	}
	for (size_t k = 0; k < sizeof member_columns / sizeof member_columns[0]; k++)
		put_field(o->format, member_columns[k], k + 1 == sizeof member_columns / sizeof member_columns[0]);
	json_array_foreach(members, i, m) {
		json_t *a = json_object_get(m, "article");
		char id[32], position[32], similarity[32];
		snprintf(id, sizeof id, "%ld", num(c, "id"));
		snprintf(position, sizeof position, "%ld", num(m, "position"));
		snprintf(similarity, sizeof similarity, "%.3f", json_real_value(json_object_get(m, "similarity")));
		const char *fields[] = {id, str(a, "id"), str(a, "outlet"), str(a, "date"), position, str(m, "type"),
					str(m, "speaker"), str(m, "key"), similarity, str(m, "content")};
		for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
			put_field(o->format, fields[k], k + 1 == sizeof fields / sizeof fields[0]);
	}
}

int quotes_main(int argc, char **argv)
{
	quotes_options o = {.q = {.min_articles = 2}};
	char **args = calloc((size_t)argc + 1, sizeof *args), why[512];
	size_t nargs = 0;
	if (!args) {
		cli_message("out of memory");
		return CLI_EXIT_FAILED;
	}
	int r = cli_parse_args("quotes", argc, argv, options, sizeof options / sizeof options[0], apply, &o, args,
			       &nargs);
	if (r == CLI_PARSE_HELP) {
		fputs(help_text, stdout);
		r = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
	} else if (r == CLI_PARSE_RUN && !o.db) {
		r = cli_usage_error("quotes", "%s", "--db FILE is required: the store made by whosaid index");
	} else if (r == CLI_PARSE_RUN && nargs) {
		r = cli_usage_error("quotes", "unexpected argument '%s'", args[0]);
	}
	free(args);
	if (r != CLI_PARSE_RUN)
		return r;
	if (!o.format_given)
		o.format = isatty(STDOUT_FILENO) ? F_TEXT : F_JSONL;
	store *st = store_open(o.db, false, why, sizeof why);
	if (!st) {
		cli_message("quotes: %s", why);
		return CLI_EXIT_FAILED;
	}
	int status = CLI_EXIT_OK;
	if (o.id) {
		bool found;
		json_t *c = store_quote_cluster(st, o.id, &found, why, sizeof why);
		if (c) {
			print_members(&o, c);
			json_decref(c);
		} else {
			cli_message("quotes: %s: %s", o.db, found || why[0] ? why : "no such quote cluster");
			status = CLI_EXIT_FAILED;
		}
	} else {
		if (o.format == F_TSV || o.format == F_CSV)
			for (size_t k = 0; k < sizeof cluster_columns / sizeof cluster_columns[0]; k++)
				put_field(o.format, cluster_columns[k],
					  k + 1 == sizeof cluster_columns / sizeof cluster_columns[0]);
		if (store_quotes(st, &o.q, print_cluster, &o, why, sizeof why) < 0) {
			cli_message("quotes: %s: %s", o.db, why);
			status = CLI_EXIT_FAILED;
		}
	}
	store_close(st, why, sizeof why);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_message("write error: %m");
		return CLI_EXIT_FAILED;
	}
	return status;
}
