/*
 * test_quotes.c — 2_quotes.c: which marks pair up into quotations, nesting,
 * quotes that run over sentences and paragraphs, and stray marks that
 * stay local to their paragraph.
 */
#include <stdlib.h>

#include "fixture.h"

/* Quotation q covers exactly want, marks included. */
static void assert_quote(size_t q, const char *want)
{
	assert_true(q < doc->nquotes);
	const ws_quote *x = &doc->quotes[q];
	size_t a = doc->tokens[x->open].start, b = doc->tokens[x->close].end;
	if (b - a != strlen(want) || memcmp(doc->text + a, want, b - a) != 0)
		fail_msg("quote %zu is \"%.*s\", expected \"%s\"", q, (int)(b - a), doc->text + a, want);
}

static void test_straight_double_quotes(void **state)
{
	analyze("Ovan said \"the mill will close\" on Friday.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "\"the mill will close\"");
	assert_true(doc->quotes[0].closed);
	assert_int_equal(doc->quotes[0].parent, -1);
	assert_int_equal(doc->tokens[token("mill")].quote, 0);
	assert_int_equal(doc->tokens[token("Friday")].quote, -1);
	assert_true(doc->tokens[doc->quotes[0].open].flags & WS_TF_QUOTE_OPEN);
	assert_true(doc->tokens[doc->quotes[0].close].flags & WS_TF_QUOTE_CLOSE);
}

static void test_curly_double_quotes(void **state)
{
	analyze("Ovan said \xe2\x80\x9cthe mill will close\xe2\x80\x9d on Friday.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "\xe2\x80\x9cthe mill will close\xe2\x80\x9d");
}

static void test_guillemets(void **state)
{
	analyze("Ana wrote \xc2\xabla paz es posible\xc2\xbb in a letter.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "\xc2\xabla paz es posible\xc2\xbb");
}

static void test_single_quotes_as_quotation(void **state)
{
	analyze("Doe called it 'a fine plan' on Monday.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "'a fine plan'");
}

static void test_apostrophes_are_not_quotes(void **state)
{
	analyze("He's sure Axios' reporter liked '90s rock 'n' roll.");
	assert_int_equal(doc->nquotes, 0);
	for (size_t i = 0; i < doc->ntokens; i++)
		assert_int_not_equal(doc->tokens[i].kind, WS_TOK_QUOTE);
}

static void test_apostrophe_inside_single_quote(void **state)
{
	analyze("She called it 'the mayor's folly' twice.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "'the mayor's folly'");
}

static void test_nested_single_in_double(void **state)
{
	analyze("\"He told me 'never again' twice,\" Doe said.");
	assert_int_equal(doc->nquotes, 2);
	assert_quote(0, "\"He told me 'never again' twice,\"");
	assert_quote(1, "'never again'");
	assert_int_equal(doc->quotes[1].parent, 0);
	assert_int_equal(doc->tokens[token("never")].quote, 1);
	assert_int_equal(doc->tokens[token("twice")].quote, 0);
}

static void test_nested_curly(void **state)
{
	analyze("\xe2\x80\x9cHe told me \xe2\x80\x98never again\xe2\x80\x99 twice,\xe2\x80\x9d Doe said.");
	assert_int_equal(doc->nquotes, 2);
	assert_quote(1, "\xe2\x80\x98never again\xe2\x80\x99");
	assert_int_equal(doc->quotes[1].parent, 0);
}

static void test_quote_spans_sentences(void **state)
{
	analyze("\"We lost. We will try again. Soon,\" Doe said.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "\"We lost. We will try again. Soon,\"");
	assert_int_equal(doc->nsentences, 1);
	assert_true(doc->quotes[0].words);
}

static void test_multi_paragraph_quote(void **state)
{
	analyze("\"The first part of the quote.\n\n\"The second part,\" she said.");
	assert_int_equal(doc->nquotes, 2);
	assert_quote(0, "\"The first part of the quote.");
	assert_false(doc->quotes[0].closed);
	assert_int_equal(doc->quotes[0].continues, -1);
	assert_quote(1, "\"The second part,\"");
	assert_true(doc->quotes[1].closed);
	assert_int_equal(doc->quotes[1].continues, 0);
}

static void test_three_paragraph_quote(void **state)
{
	analyze("\"One.\n\n\"Two.\n\n\"Three,\" she said.");
	assert_int_equal(doc->nquotes, 3);
	assert_int_equal(doc->quotes[1].continues, 0);
	assert_int_equal(doc->quotes[2].continues, 1);
	assert_true(doc->quotes[2].closed);
}

static void test_unclosed_quote_opening_paragraph_runs_to_its_end(void **state)
{
	analyze("\"It opened without a close.\n\nThe next paragraph is plain.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "\"It opened without a close.");
	assert_false(doc->quotes[0].closed);
	assert_int_equal(doc->tokens[token("next")].quote, -1);
}

static void test_stray_mark_stays_in_its_paragraph(void **state)
{
	analyze("She said \"the rest is stray.\n\nA new paragraph \"with a quote\" here.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "\"with a quote\"");
	assert_int_equal(doc->tokens[token("rest")].quote, -1);
	assert_int_equal(doc->tokens[token("paragraph")].quote, -1);
	assert_int_equal(doc->tokens[token("here")].quote, -1);
}

static void test_stray_closing_mark(void **state)
{
	analyze("The plan\" failed.\n\nOvan said \"it will work\" soon.");
	assert_int_equal(doc->nquotes, 1);
	assert_quote(0, "\"it will work\"");
	assert_int_equal(doc->tokens[token("failed")].quote, -1);
}

static void test_deep_nesting_of_curly_marks(void **state)
{
	/* 1,000 levels of alternating curly double and single quotes */
	static char text[20100];
	size_t n = 0;
	for (int i = 0; i < 500; i++) {
		memcpy(text + n, "\xe2\x80\x9c" "a \xe2\x80\x98" "b ", 10);
		n += 10;
	}
	text[n++] = 'x';
	for (int i = 0; i < 500; i++) {
		memcpy(text + n, " c\xe2\x80\x99 d\xe2\x80\x9d", 10);
		n += 10;
	}
	text[n] = 0;
	analyze(text);
	assert_int_equal(doc->nquotes, 1000);
	assert_int_equal(doc->tokens[token("x")].quote, 999);
	assert_int_equal(doc->quotes[999].parent, 998);
}

/* Which quotes hold speech: five words, or two and a sentence end, but not
 * a title or a short scare-quoted term. */
static void test_quotes_that_hold_speech(void **state)
{
	analyze("Ovan said \"the mill will close soon\" and Doe called it 'a plan' at the "
		"\"State of the Union.\" Lee said \"Vote now. Today\" and \"a b c d. e f g h i\" too.");
	assert_int_equal(doc->nquotes, 5);
	assert_true(doc->quotes[0].words);   /* five words */
	assert_false(doc->quotes[1].words);  /* a scare-quoted term */
	assert_false(doc->quotes[2].words);  /* every word capitalized: a title */
	assert_true(doc->quotes[3].words);   /* three words and a sentence end */
	assert_true(doc->quotes[4].words);
}

/* Regression: quotes nested 100,000 deep with no word inside took
 * quadratic time (each quote was walked to its end looking for words). */
static void test_deep_nesting_without_words(void **state)
{
	enum { LEVELS = 100000 };
	char *text = malloc(6 * LEVELS);
	assert_non_null(text);
	size_t n = 0;
	for (int i = 0; i < LEVELS; i++, n += 3)
		memcpy(text + n, "\xe2\x80\x9c", 3);
	for (int i = 0; i < LEVELS; i++, n += 3)
		memcpy(text + n, "\xe2\x80\x9d", 3);
	analyze_n(text, n);
	free(text);
	assert_int_equal(doc->nquotes, LEVELS);
	assert_int_equal(doc->quotes[LEVELS - 1].parent, LEVELS - 2);
	for (size_t q = 0; q < doc->nquotes; q++)
		assert_false(doc->quotes[q].words);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_straight_double_quotes),
		cmocka_unit_test(test_curly_double_quotes),
		cmocka_unit_test(test_guillemets),
		cmocka_unit_test(test_single_quotes_as_quotation),
		cmocka_unit_test(test_apostrophes_are_not_quotes),
		cmocka_unit_test(test_apostrophe_inside_single_quote),
		cmocka_unit_test(test_nested_single_in_double),
		cmocka_unit_test(test_nested_curly),
		cmocka_unit_test(test_quote_spans_sentences),
		cmocka_unit_test(test_multi_paragraph_quote),
		cmocka_unit_test(test_three_paragraph_quote),
		cmocka_unit_test(test_unclosed_quote_opening_paragraph_runs_to_its_end),
		cmocka_unit_test(test_stray_mark_stays_in_its_paragraph),
		cmocka_unit_test(test_stray_closing_mark),
		cmocka_unit_test(test_deep_nesting_of_curly_marks),
		cmocka_unit_test(test_quotes_that_hold_speech),
		cmocka_unit_test(test_deep_nesting_without_words),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
