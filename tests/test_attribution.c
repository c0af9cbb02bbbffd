/*
 * test_attribution.c — 4_rules.c through the public API: the three
 * kinds of attribution and each construction that reports them, checked
 * by the text of the source, cue, addressee and content spans.
 */
#include "fixture.h"

/* The one attribution of the text, with its parts. */
static const ws_attribution *only(const char *text, ws_attribution_type type, const char *source,
				  const char *cue, const char *content)
{
	analyze(text);
	assert_int_equal(ws_doc_attribution_count(doc), 1);
	const ws_attribution *a = attribution(0);
	assert_int_equal(a->type, type);
	assert_span(a->source, source);
	assert_span(a->cue, cue);
	assert_int_equal(a->content_count, 1);
	assert_span(a->content[0], content);
	assert_true(a->confidence > 0.0 && a->confidence <= 1.0);
	return a;
}

/* ------------------------------------------------------------- direct */

static void test_direct_quote_then_source_told(void **state)
{
	const ws_attribution *a = only("\"The bridge will open in May,\" Mayor Tom Reller told reporters.",
				       WS_ATTRIBUTION_DIRECT, "Mayor Tom Reller", "told",
				       "\"The bridge will open in May,\"");
	assert_span(a->addressee, "reporters");
}

static void test_direct_source_said_colon_quote(void **state)
{
	const ws_attribution *a = only("Mayor Tom Reller said: \"The bridge will open in May.\"",
				       WS_ATTRIBUTION_DIRECT, "Mayor Tom Reller", "said",
				       "\"The bridge will open in May.\"");
	assert_span(a->addressee, "");
}

static void test_direct_quote_said_source(void **state)
{
	only("\"The bridge will open in May,\" said Mayor Tom Reller.", WS_ATTRIBUTION_DIRECT,
	     "Mayor Tom Reller", "said", "\"The bridge will open in May,\"");
}

static void test_direct_curly_quote(void **state)
{
	only("\xe2\x80\x9cThe ferry is late again,\xe2\x80\x9d Ines Marrow said.", WS_ATTRIBUTION_DIRECT,
	     "Ines Marrow", "said", "\xe2\x80\x9cThe ferry is late again,\xe2\x80\x9d");
}

static void test_direct_quote_split_by_cue(void **state)
{
	analyze("Ines Marrow runs the ferry line. \"The bridge is safe,\" she said, \"and it will open in May.\"");
	assert_int_equal(ws_doc_attribution_count(doc), 1);
	const ws_attribution *a = attribution(0);
	assert_int_equal(a->type, WS_ATTRIBUTION_DIRECT);
	assert_span(a->source, "she");
	assert_span(a->cue, "said");
	assert_int_equal(a->content_count, 2);
	assert_span(a->content[0], "\"The bridge is safe,\"");
	assert_span(a->content[1], "\"and it will open in May.\"");
}

static void test_floating_quote_continues_previous_speaker(void **state)
{
	analyze("\"The bridge is safe,\" Mayor Tom Reller said.\n\n\"We will open it in May.\"");
	assert_int_equal(ws_doc_attribution_count(doc), 1);
	const ws_attribution *a = attribution(0);
	assert_span(a->source, "Mayor Tom Reller");
	assert_int_equal(a->content_count, 2);
	assert_span(a->content[0], "\"The bridge is safe,\"");
	assert_span(a->content[1], "\"We will open it in May.\"");
}

static void test_multi_paragraph_quote_is_one_attribution(void **state)
{
	analyze("Ines Marrow said: \"The first span is finished.\n\n\"The second span opens next year.\"");
	assert_int_equal(ws_doc_attribution_count(doc), 1);
	const ws_attribution *a = attribution(0);
	assert_int_equal(a->type, WS_ATTRIBUTION_DIRECT);
	assert_span(a->source, "Ines Marrow");
	assert_int_equal(a->content_count, 2);
	assert_span(a->content[0], "\"The first span is finished.");
	assert_span(a->content[1], "\"The second span opens next year.\"");
}

/* -------------------------------------------------------------- mixed */

static void test_mixed_paraphrase_with_quoted_words(void **state)
{
	only("Union leader Anna Smith said the union \"highly values\" the offer from Brackton Mills.",
	     WS_ATTRIBUTION_MIXED, "Union leader Anna Smith", "said",
	     "the union \"highly values\" the offer from Brackton Mills");
}

/* ----------------------------------------------------------- indirect */

static void test_indirect_said_that(void **state)
{
	only("Tom Reller said that the bridge would open in May.", WS_ATTRIBUTION_INDIRECT, "Tom Reller",
	     "said", "that the bridge would open in May");
}

static void test_indirect_said_without_that(void **state)
{
	only("Tom Reller said the bridge would open in May.", WS_ATTRIBUTION_INDIRECT, "Tom Reller", "said",
	     "the bridge would open in May");
}

static void test_indirect_according_to(void **state)
{
	only("According to Tom Reller, the bridge will open in May.", WS_ATTRIBUTION_INDIRECT, "Tom Reller",
	     "According to", "the bridge will open in May");
}

static void test_indirect_content_then_source_said(void **state)
{
	only("The bridge will open in May, Tom Reller said.", WS_ATTRIBUTION_INDIRECT, "Tom Reller", "said",
	     "The bridge will open in May");
}

static void test_indirect_told_addressee_that(void **state)
{
	const ws_attribution *a = only("Tom Reller told the council that the bridge would open in May.",
				       WS_ATTRIBUTION_INDIRECT, "Tom Reller", "told",
				       "that the bridge would open in May");
	assert_span(a->addressee, "the council");
}

static void test_indirect_added(void **state)
{
	only("Tom Reller added that the tolls would be low.", WS_ATTRIBUTION_INDIRECT, "Tom Reller", "added",
	     "that the tolls would be low");
}

static void test_indirect_warned(void **state)
{
	only("Tom Reller warned that the bridge could close again.", WS_ATTRIBUTION_INDIRECT, "Tom Reller",
	     "warned", "that the bridge could close again");
}

static void test_indirect_insisted(void **state)
{
	only("Tom Reller insisted the repairs were finished.", WS_ATTRIBUTION_INDIRECT, "Tom Reller",
	     "insisted", "the repairs were finished");
}

static void test_indirect_denied(void **state)
{
	only("Tom Reller denied that the repairs had been delayed.", WS_ATTRIBUTION_INDIRECT, "Tom Reller",
	     "denied", "that the repairs had been delayed");
}

static void test_indirect_tweeted(void **state)
{
	only("Tom Reller tweeted that the bridge was open.", WS_ATTRIBUTION_INDIRECT, "Tom Reller", "tweeted",
	     "that the bridge was open");
}

static void test_indirect_argued(void **state)
{
	only("Tom Reller argued that the tolls were fair.", WS_ATTRIBUTION_INDIRECT, "Tom Reller", "argued",
	     "that the tolls were fair");
}

static void test_no_attribution_without_cue(void **state)
{
	analyze("The bridge over the Lenn river opened in May. Traffic was light.");
	assert_int_equal(ws_doc_attribution_count(doc), 0);
	assert_null(ws_doc_attribution(doc, 0));
}

static void test_attributions_in_text_order(void **state)
{
	analyze("Tom Reller said the bridge was safe. \"It is not,\" Ines Marrow said.");
	assert_int_equal(ws_doc_attribution_count(doc), 2);
	assert_span(attribution(0)->source, "Tom Reller");
	assert_int_equal(attribution(0)->type, WS_ATTRIBUTION_INDIRECT);
	assert_span(attribution(1)->source, "Ines Marrow");
	assert_int_equal(attribution(1)->type, WS_ATTRIBUTION_DIRECT);
	assert_true(attribution(0)->content[0].start < attribution(1)->content[0].start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_quote_then_source_told),
		cmocka_unit_test(test_direct_source_said_colon_quote),
		cmocka_unit_test(test_direct_quote_said_source),
		cmocka_unit_test(test_direct_curly_quote),
		cmocka_unit_test(test_direct_quote_split_by_cue),
		cmocka_unit_test(test_floating_quote_continues_previous_speaker),
		cmocka_unit_test(test_multi_paragraph_quote_is_one_attribution),
		cmocka_unit_test(test_mixed_paraphrase_with_quoted_words),
		cmocka_unit_test(test_indirect_said_that),
		cmocka_unit_test(test_indirect_said_without_that),
		cmocka_unit_test(test_indirect_according_to),
		cmocka_unit_test(test_indirect_content_then_source_said),
		cmocka_unit_test(test_indirect_told_addressee_that),
		cmocka_unit_test(test_indirect_added),
		cmocka_unit_test(test_indirect_warned),
		cmocka_unit_test(test_indirect_insisted),
		cmocka_unit_test(test_indirect_denied),
		cmocka_unit_test(test_indirect_tweeted),
		cmocka_unit_test(test_indirect_argued),
		cmocka_unit_test(test_no_attribution_without_cue),
		cmocka_unit_test(test_attributions_in_text_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
