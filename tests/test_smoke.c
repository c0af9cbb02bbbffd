/*
 * test_smoke.c — the public API's contract at its simplest: open a model,
 * make a document, analyse, free.
 *
 * Every allocation goes through cmocka's test_malloc() family via the
 * allocator hooks, so cmocka reports any block a test leaves behind, and a
 * counting wrapper lets the tests see that the library really uses the
 * hooks it is given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "counting_allocator.h"
#include "whosaid.h"

static void test_model_open_rules(void **state)
{
	counting c = {0, 0, 0};
	ws_allocator a = {count_alloc, count_resize, count_release, &c};
	ws_model *model = NULL;
	ws_error err;
	memset(&err, 0, sizeof err);

	assert_int_equal(ws_model_open("rules", &a, &model, &err), WS_OK);
	assert_non_null(model);
	assert_string_equal(ws_model_name(model), "rules");
	assert_true(c.calls > 0);
	ws_model_free(model);
	assert_int_equal(c.live, 0);
}

/* The default is the shipped learned model, and it finds the speaker of a
 * plain "X said Y" sentence. */
static void test_model_open_default_is_the_learned_model(void **state)
{
	ws_model *model = NULL;
	ws_doc *doc = NULL;
	assert_int_equal(ws_model_open(NULL, NULL, &model, NULL), WS_OK);
	assert_non_null(model);
	assert_string_equal(ws_model_name(model), WS_DEFAULT_MODEL);
	assert_int_equal(ws_doc_new(NULL, &doc), WS_OK);
	static const char text[] = "The mayor said the bridge would open in May.";
	assert_int_equal(ws_doc_analyze(doc, model, text, sizeof text - 1, NULL), WS_OK);
	assert_int_equal(ws_doc_attribution_count(doc), 1);
	const ws_attribution *a = ws_doc_attribution(doc, 0);
	assert_int_equal(a->source.start, 0);
	assert_int_equal(a->source.end, strlen("The mayor"));
	assert_int_equal(a->cue.start, strlen("The mayor "));
	assert_int_equal(a->cue.end, strlen("The mayor said"));
	ws_doc_free(doc);
	ws_model_free(model);
}

static void test_model_open_unknown(void **state)
{
	ws_model *model = (ws_model *)(uintptr_t)1; /* must be reset to NULL */
	ws_error err;
	memset(&err, 0, sizeof err);

	assert_int_equal(ws_model_open("no-such-model", NULL, &model, &err), WS_ERR_MODEL);
	assert_null(model);
	assert_int_equal(err.code, WS_ERR_MODEL);
	assert_non_null(strstr(err.message, "no-such-model"));
	/* Without an error struct the status alone still says why. */
	assert_int_equal(ws_model_open("no-such-model", NULL, &model, NULL), WS_ERR_MODEL);
	assert_null(model);
}

static void test_model_open_requires_out(void **state)
{
	assert_int_equal(ws_model_open("rules", NULL, NULL, NULL), WS_ERR_ARGUMENT);
}

static void test_free_null_is_noop(void **state)
{
	ws_doc_free(NULL);
	ws_model_free(NULL);
	/* The accessors take NULL as well. */
	assert_string_equal(ws_model_name(NULL), "");
	assert_int_equal(ws_doc_attribution_count(NULL), 0);
	assert_null(ws_doc_entity(NULL, 0));
}

static void test_doc_new_free(void **state)
{
	counting c = {0, 0, 0};
	ws_allocator a = {count_alloc, count_resize, count_release, &c};
	ws_doc *doc = NULL;

	assert_int_equal(ws_doc_new(&a, &doc), WS_OK);
	assert_non_null(doc);
	assert_true(c.calls > 0);
	assert_int_equal(ws_doc_attribution_count(doc), 0);
	assert_int_equal(ws_doc_entity_count(doc), 0);
	assert_null(ws_doc_attribution(doc, 0));
	ws_doc_free(doc);
	assert_int_equal(c.live, 0);

	assert_int_equal(ws_doc_new(NULL, NULL), WS_ERR_ARGUMENT);
}

static void test_analyze_empty_text(void **state)
{
	counting c = {0, 0, 0};
	ws_allocator a = {count_alloc, count_resize, count_release, &c};
	ws_model *model = NULL;
	ws_doc *doc = NULL;
	ws_error err;
	memset(&err, 0, sizeof err);

	assert_int_equal(ws_model_open("rules", &a, &model, &err), WS_OK);
	assert_int_equal(ws_doc_new(&a, &doc), WS_OK);

	/* An empty text is valid input, with or without a pointer. */
	assert_int_equal(ws_doc_analyze(doc, model, "", 0, &err), WS_OK);
	assert_int_equal(ws_doc_attribution_count(doc), 0);
	assert_int_equal(ws_doc_entity_count(doc), 0);
	size_t len = 99;
	assert_non_null(ws_doc_text(doc, &len));
	assert_int_equal(len, 0);

	assert_int_equal(ws_doc_analyze(doc, model, NULL, 0, &err), WS_OK);
	assert_int_equal(ws_doc_attribution_count(doc), 0);

	ws_doc_free(doc);
	ws_model_free(model);
	assert_int_equal(c.live, 0);
}

static void test_analyze_too_large(void **state)
{
	ws_model *model = NULL;
	ws_doc *doc = NULL;
	ws_error err;
	memset(&err, 0, sizeof err);

	assert_int_equal(ws_model_open("rules", NULL, &model, &err), WS_OK);
	assert_int_equal(ws_doc_new(NULL, &doc), WS_OK);

	/* ws_doc_analyze() checks the length before it reads a byte (document.c),
	 * so a one-byte buffer stands in for 64 MiB + 1 without allocating it. */
	static const char one[1] = {'x'};
	assert_int_equal(ws_doc_analyze(doc, model, one, WS_MAX_DOCUMENT_BYTES + 1, &err),
			 WS_ERR_TOO_LARGE);
	assert_int_equal(err.code, WS_ERR_TOO_LARGE);
	assert_true(err.message[0] != '\0');
	assert_int_equal(ws_doc_attribution_count(doc), 0);

	/* The document stays usable after the failure. */
	assert_int_equal(ws_doc_analyze(doc, model, "", 0, &err), WS_OK);

	ws_doc_free(doc);
	ws_model_free(model);
}

static void test_analyze_requires_arguments(void **state)
{
	ws_model *model = NULL;
	ws_doc *doc = NULL;
	ws_error err;
	memset(&err, 0, sizeof err);

	assert_int_equal(ws_model_open("rules", NULL, &model, NULL), WS_OK);
	assert_int_equal(ws_doc_new(NULL, &doc), WS_OK);
	assert_int_equal(ws_doc_analyze(NULL, model, "x", 1, &err), WS_ERR_ARGUMENT);
	assert_int_equal(err.code, WS_ERR_ARGUMENT);
	assert_int_equal(ws_doc_analyze(doc, NULL, "x", 1, NULL), WS_ERR_ARGUMENT);
	assert_int_equal(ws_doc_analyze(doc, model, NULL, 1, NULL), WS_ERR_ARGUMENT);
	ws_doc_free(doc);
	ws_model_free(model);
}

static void test_status_messages(void **state)
{
	const ws_status all[] = {WS_OK, WS_ERR_NOMEM, WS_ERR_ARGUMENT, WS_ERR_TOO_LARGE,
				 WS_ERR_MODEL, WS_ERR_IO};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		const char *m = ws_status_message(all[i]);
		assert_non_null(m);
		assert_true(m[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(m, ws_status_message(all[j]));
	}
	assert_non_null(ws_status_message((ws_status)999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_open_rules),
		cmocka_unit_test(test_model_open_default_is_the_learned_model),
		cmocka_unit_test(test_model_open_unknown),
		cmocka_unit_test(test_model_open_requires_out),
		cmocka_unit_test(test_free_null_is_noop),
		cmocka_unit_test(test_doc_new_free),
		cmocka_unit_test(test_analyze_empty_text),
		cmocka_unit_test(test_analyze_too_large),
		cmocka_unit_test(test_analyze_requires_arguments),
		cmocka_unit_test(test_status_messages),
	};
	return cmocka_run_group_tests_name("smoke", tests, NULL, NULL);
}
