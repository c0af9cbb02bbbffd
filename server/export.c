/*
 * export.c — an article's attributions as CSV, for `whosaid serve`.
 *
 * The columns are those of the analysis's CSV for a document without
 * passed-through members (src/stages/7_output.c, docs/schema.md), so that
 * a spreadsheet made from the page's download and one made from
 * `whosaid -f csv` line up; the cells go through the
 * store's field writer (store_write_field()), the one that quotes CSV as
 * RFC 4180 says and guards against formula injection, rather than a
 * second writer of that kind.  What a cell holds is read from the
 * record's JSON, which is what the server has of an analysed article
 * (POST /v1/extract) or a stored one (GET /v1/articles/ID).
 */
#include "server/export.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

static const char *const record_columns[] = {
	"id", "type", "speaker", "role", "kind", "gender", "speaker_key", "source", "cue", "addressee", "content",
	"source_start", "source_end", "cue_start", "cue_end", "content_start", "content_end", "confidence", "error",
	"extra",
};

/* The text of a span member, or NULL when absent. */
static const char *span_text(json_t *span)
{
	return json_string_value(json_object_get(span, "text"));
}

/* An offset of a span as a cell (empty when the span is absent). */
static void span_offset(json_t *span, const char *which, char *out, size_t size)
{
	json_t *v = json_object_get(span, which);
	if (json_is_integer(v))
		snprintf(out, size, "%lld", (long long)json_integer_value(v));
	else
		out[0] = '\0';
}

/* The content fragments' texts joined by " … ", as the TSV has them; the
 * first fragment's start and the last one's end.  malloc'ed; NULL when
 * out of memory. */
static char *joined(json_t *content, char start[32], char end[32])
{
	size_t total = 1, n = json_array_size(content);
	for (size_t i = 0; i < n; i++) {
		const char *t = span_text(json_array_get(content, i));
		total += (t ? strlen(t) : 0) + 5;
	}
	char *s = malloc(total), *p = s;
	if (!s)
		return NULL;
	start[0] = end[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		json_t *span = json_array_get(content, i);
		const char *t = span_text(span);
		if (i)
			p += sprintf(p, " \xE2\x80\xA6 ");
		if (t)
			p += sprintf(p, "%s", t);
		if (i == 0)
			span_offset(span, "start", start, 32);
		span_offset(span, "end", end, 32);
	}
	*p = '\0';
	return s;
}

bool export_record_csv(FILE *out, const char *id, json_t *attributions)
{
	size_t ncolumns = sizeof record_columns / sizeof record_columns[0];
	bool ok = true;
	for (size_t i = 0; i < ncolumns; i++)
		ok &= store_write_field(out, true, record_columns[i], i + 1 == ncolumns);
	for (size_t i = 0; ok && i < json_array_size(attributions); i++) {
		json_t *a = json_array_get(attributions, i);
		json_t *speaker = json_object_get(a, "speaker");
		json_t *source = json_object_get(a, "source"), *cue = json_object_get(a, "cue");
		char offsets[6][32], confidence[32];
		char *content = joined(json_object_get(a, "content"), offsets[4], offsets[5]);
		const char *name = json_string_value(json_object_get(speaker, "name"));
		char *key = name ? speaker_key(name) : NULL;
		if (!content || (name && !key)) {
			free(content);
			free(key);
			return false;
		}
		span_offset(source, "start", offsets[0], 32);
		span_offset(source, "end", offsets[1], 32);
		span_offset(cue, "start", offsets[2], 32);
		span_offset(cue, "end", offsets[3], 32);
		snprintf(confidence, sizeof confidence, "%.3f", json_number_value(json_object_get(a, "confidence")));
		const char *cells[] = {
			id,
			json_string_value(json_object_get(a, "type")),
			name,
			json_string_value(json_object_get(speaker, "role")),
			json_string_value(json_object_get(speaker, "kind")),
			json_string_value(json_object_get(speaker, "gender")),
			key,
			span_text(source),
			span_text(cue),
			span_text(json_object_get(a, "addressee")),
			content,
			offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], offsets[5],
			confidence,
			"", /* error: a stored or answered record with attributions has none */
			"", /* extra: the article's own fields are in its JSON */
		};
		for (size_t k = 0; k < ncolumns; k++)
			ok &= store_write_field(out, true, cells[k], k + 1 == ncolumns);
		free(content);
		free(key);
	}
	return ok && !ferror(out);
}
