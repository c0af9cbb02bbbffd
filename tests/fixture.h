/*
 * fixture.h — what the analysis tests share: one model and one document
 * opened for a whole group of tests, and assertions on the text of what
 * the analysis found.  Functions are static inline so that each test file
 * takes only what it uses.
 */
#ifndef WS_TEST_FIXTURE_H
#define WS_TEST_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stages/stages.h"

static ws_model *model;
static ws_doc *doc;

static inline int setup(void **state)
{
	(void)state;
	if (ws_model_open("rules", NULL, &model, NULL) != WS_OK)
		return -1;
	return ws_doc_new(NULL, &doc) == WS_OK ? 0 : -1;
}

static inline int teardown(void **state)
{
	(void)state;
	ws_doc_free(doc);
	ws_model_free(model);
	return 0;
}

static inline void analyze_n(const char *text, size_t len)
{
	ws_error err;
	assert_int_equal(ws_doc_analyze(doc, model, text, len, &err), WS_OK);
}

static inline void analyze(const char *text) { analyze_n(text, strlen(text)); }

/* The span's text is want ("" for an absent span). */
static inline void assert_span(ws_span s, const char *want)
{
	size_t len = 0;
	const char *text = ws_doc_text(doc, &len);
	assert_true(s.start <= s.end && s.end <= len);
	if (s.end - s.start != strlen(want) || memcmp(text + s.start, want, s.end - s.start) != 0)
		fail_msg("span is \"%.*s\", expected \"%s\"", (int)(s.end - s.start), text + s.start, want);
}

static inline const ws_attribution *attribution(size_t i)
{
	const ws_attribution *a = ws_doc_attribution(doc, i);
	assert_non_null(a);
	return a;
}

/* Index of the first token whose text is exactly w; fails if none. */
static inline size_t token(const char *w)
{
	for (size_t i = 0; i < doc->ntokens; i++) {
		const ws_token *t = &doc->tokens[i];
		if (t->end - t->start == strlen(w) && memcmp(doc->text + t->start, w, strlen(w)) == 0)
			return i;
	}
	fail_msg("no token \"%s\"", w);
	return 0;
}

#endif /* WS_TEST_FIXTURE_H */
