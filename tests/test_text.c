/*
 * test_text.c — 1_tokenize.c: cleaning, tokens with exact offsets, sentences
 * (never inside a quotation, news abbreviations kept), paragraphs.
 */
#include "fixture.h"

static void assert_token(size_t i, size_t start, size_t end, int kind)
{
	assert_true(i < doc->ntokens);
	assert_int_equal(doc->tokens[i].start, start);
	assert_int_equal(doc->tokens[i].end, end);
	assert_int_equal(doc->tokens[i].kind, kind);
}

/* The text of sentence i, from its first token to its last. */
static void assert_sentence(size_t i, const char *want)
{
	assert_true(i < doc->nsentences);
	const ws_sentence *s = &doc->sentences[i];
	size_t a = doc->tokens[s->first].start, b = doc->tokens[s->last - 1].end;
	assert_int_equal(b - a, strlen(want));
	assert_memory_equal(doc->text + a, want, b - a);
}

/* ------------------------------------------------------------ tokens */

static void test_tokens_exact_offsets(void **state)
{
	analyze("Mr. Doe's car cost $1,200.");
	assert_int_equal(doc->ntokens, 7);
	assert_token(0, 0, 3, WS_TOK_WORD);    /* Mr. */
	assert_token(1, 4, 9, WS_TOK_WORD);    /* Doe's */
	assert_token(2, 10, 13, WS_TOK_WORD);  /* car */
	assert_token(3, 14, 18, WS_TOK_WORD);  /* cost */
	assert_token(4, 19, 20, WS_TOK_PUNCT); /* $ */
	assert_token(5, 20, 25, WS_TOK_NUMBER);/* 1,200 */
	assert_token(6, 25, 26, WS_TOK_PUNCT); /* . */
	assert_true(doc->tokens[0].flags & WS_TF_ABBREV);
	assert_true(doc->tokens[0].flags & WS_TF_CAPITALIZED);
	assert_true(doc->tokens[0].flags & WS_TF_SENT_START);
	assert_true(doc->tokens[0].flags & WS_TF_PARA_START);
	assert_false(doc->tokens[1].flags & WS_TF_SENT_START);
}

static void test_tokens_multibyte_offsets_are_bytes(void **state)
{
	/* "Zoë" is 4 bytes, the em dash 3 */
	analyze("Zo\xc3\xab \xe2\x80\x94 yes");
	assert_int_equal(doc->ntokens, 3);
	assert_token(0, 0, 4, WS_TOK_WORD);
	assert_token(1, 5, 8, WS_TOK_PUNCT);
	assert_token(2, 9, 12, WS_TOK_WORD);
	assert_int_equal(ws_doc_codepoint_offset(doc, 9), 6);
}

static void test_apostrophe_inside_word(void **state)
{
	analyze("He's sure it's Tova\xe2\x80\x99s car.");
	assert_token(0, 0, 4, WS_TOK_WORD);
	assert_token(token("it's"), 10, 14, WS_TOK_WORD);
	assert_token(token("Tova\xe2\x80\x99s"), 15, 23, WS_TOK_WORD);
	assert_int_equal(doc->nquotes, 0);
}

static void test_apostrophe_after_plural(void **state)
{
	analyze("Axios' reporter asked.");
	assert_token(0, 0, 6, WS_TOK_WORD);
	assert_int_equal(doc->nquotes, 0);
}

static void test_apostrophe_before_decade(void **state)
{
	analyze("It was big in the '90s here.");
	size_t i = token("'90s");
	assert_int_equal(doc->tokens[i].start, 18);
	assert_int_equal(doc->tokens[i].end, 22);
	assert_int_not_equal(doc->tokens[i].kind, WS_TOK_QUOTE);
	assert_int_equal(doc->nquotes, 0);
}

static void test_apostrophes_rock_n_roll(void **state)
{
	analyze("She loved rock 'n' roll then.");
	size_t i = token("'n'");
	assert_int_equal(doc->tokens[i].kind, WS_TOK_WORD);
	assert_int_equal(doc->nquotes, 0);
}

/* ---------------------------------------------------------- sentences */

static void test_sentences_plain(void **state)
{
	analyze("The ferry left. It came back at noon! Why?");
	assert_int_equal(doc->nsentences, 3);
	assert_sentence(0, "The ferry left.");
	assert_sentence(1, "It came back at noon!");
	assert_sentence(2, "Why?");
}

static void test_sentences_keep_news_abbreviations(void **state)
{
	analyze("The U.S. Senate met on Sept. 9 at 3 p.m. on the hill. Mr. Ovan spoke. J. R. Dole left.");
	assert_int_equal(doc->nsentences, 3);
	assert_sentence(0, "The U.S. Senate met on Sept. 9 at 3 p.m. on the hill.");
	assert_sentence(1, "Mr. Ovan spoke.");
	assert_sentence(2, "J. R. Dole left.");
	assert_true(doc->tokens[token("U.S.")].flags & WS_TF_ABBREV);
	assert_true(doc->tokens[token("J.")].flags & WS_TF_ABBREV);
}

static void test_sentence_ends_after_abbreviation_before_new_sentence(void **state)
{
	analyze("The plant moved to the U.S. It now employs 40 people.");
	assert_int_equal(doc->nsentences, 2);
	assert_sentence(0, "The plant moved to the U.S.");
	assert_sentence(1, "It now employs 40 people.");
}

static void test_sentence_never_breaks_inside_quote(void **state)
{
	analyze("\"We lost. We will try again,\" Doe said. Then she left.");
	assert_int_equal(doc->nsentences, 2);
	assert_sentence(0, "\"We lost. We will try again,\" Doe said.");
	assert_sentence(1, "Then she left.");
}

/* --------------------------------------------------------- paragraphs */

static void test_paragraphs_by_blank_line(void **state)
{
	analyze("First one.\n\nSecond one. Still second.\n\n\nThird.");
	assert_int_equal(doc->nparagraphs, 3);
	assert_int_equal(doc->nsentences, 4);
	assert_int_equal(doc->sentences[0].paragraph, 0);
	assert_int_equal(doc->sentences[1].paragraph, 1);
	assert_int_equal(doc->sentences[2].paragraph, 1);
	assert_int_equal(doc->sentences[3].paragraph, 2);
	assert_true(doc->tokens[token("Second")].flags & WS_TF_PARA_START);
	assert_false(doc->tokens[token("Still")].flags & WS_TF_PARA_START);
}

/* ------------------------------------------------------- odd bytes */

static void test_bom_and_crlf(void **state)
{
	analyze("\xef\xbb\xbfHi.\r\nThere.");
	assert_int_equal(doc->ntokens, 4);
	assert_token(0, 3, 5, WS_TOK_WORD); /* the BOM is no token */
	assert_int_equal(doc->nsentences, 2);
	assert_int_equal(ws_doc_warning_count(doc), 0);
}

static void test_nul_and_invalid_bytes_substituted(void **state)
{
	static const char in[] = "ab\0cd \xff\xfe ok \xc3";
	size_t len = sizeof in - 1;
	analyze_n(in, len);
	size_t n = 0;
	const char *text = ws_doc_text(doc, &n);
	assert_int_equal(n, len);
	assert_int_equal((unsigned char)text[2], WS_SUBSTITUTE);
	assert_int_equal((unsigned char)text[6], WS_SUBSTITUTE);
	assert_int_equal((unsigned char)text[7], WS_SUBSTITUTE);
	assert_int_equal((unsigned char)text[12], WS_SUBSTITUTE);
	assert_memory_equal(text + 9, "ok", 2);
	/* one warning per run of replaced bytes, at its first byte */
	assert_int_equal(ws_doc_warning_count(doc), 3);
	assert_int_equal(ws_doc_warning(doc, 0)->position, 2);
	assert_int_equal(ws_doc_warning(doc, 1)->position, 6);
	assert_int_equal(ws_doc_warning(doc, 2)->position, 12);
	assert_null(ws_doc_warning(doc, 3));
	/* each bad byte is one code point */
	assert_int_equal(ws_doc_codepoint_offset(doc, 9), 9);
}

static void test_overlong_and_surrogate_are_invalid(void **state)
{
	/* C0 AF: overlong "/"; ED A0 80: a surrogate */
	static const char in[] = "a \xc0\xaf b \xed\xa0\x80 c";
	analyze_n(in, sizeof in - 1);
	size_t n = 0;
	const char *text = ws_doc_text(doc, &n);
	assert_int_equal((unsigned char)text[2], WS_SUBSTITUTE);
	assert_int_equal((unsigned char)text[3], WS_SUBSTITUTE);
	for (size_t i = 7; i < 10; i++)
		assert_int_equal((unsigned char)text[i], WS_SUBSTITUTE);
	assert_int_equal(ws_doc_warning_count(doc), 2);
}

static void test_empty_text(void **state)
{
	analyze_n("", 0);
	assert_int_equal(doc->ntokens, 0);
	assert_int_equal(doc->nsentences, 0);
	assert_int_equal(ws_doc_attribution_count(doc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens_exact_offsets),
		cmocka_unit_test(test_tokens_multibyte_offsets_are_bytes),
		cmocka_unit_test(test_apostrophe_inside_word),
		cmocka_unit_test(test_apostrophe_after_plural),
		cmocka_unit_test(test_apostrophe_before_decade),
		cmocka_unit_test(test_apostrophes_rock_n_roll),
		cmocka_unit_test(test_sentences_plain),
		cmocka_unit_test(test_sentences_keep_news_abbreviations),
		cmocka_unit_test(test_sentence_ends_after_abbreviation_before_new_sentence),
		cmocka_unit_test(test_sentence_never_breaks_inside_quote),
		cmocka_unit_test(test_paragraphs_by_blank_line),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_nul_and_invalid_bytes_substituted),
		cmocka_unit_test(test_overlong_and_surrogate_are_invalid),
		cmocka_unit_test(test_empty_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
