/*
 * fuzz_text.c — the first stages of the pipeline on arbitrary bytes:
 * cleaning (1_tokenize.c), tokens, quotation marks (2_quotes.c, which the
 * segmenter needs) and sentences and paragraphs, called one by one as
 * ws_doc_prepare() calls them.
 *
 * Beyond surviving the input, the stages owe the rest of the pipeline a
 * few promises, checked here on every input: the clean copy has the input's
 * length, holds no NUL and is valid UTF-8 (every bad byte became 0x1A);
 * tokens are non-empty, in order, do not overlap and start and end on
 * character boundaries; sentences are non-empty, in order, cover every
 * token exactly once, and their paragraphs never go back.
 */
#include "fuzz.h"
#include "stages/stages.h"

#include <string.h>

static bool utf8_boundary(const ws_doc *doc, size_t off)
{
	return off == doc->len || ((unsigned char)doc->text[off] & 0xC0) != 0x80;
}

/* The clean copy is well-formed UTF-8 without NUL: each byte either
 * starts a sequence whose continuation bytes all follow, or is ASCII. */
static void check_clean_text(const ws_doc *doc)
{
	const unsigned char *s = (const unsigned char *)doc->text;
	for (size_t i = 0; i < doc->len;) {
		FUZZ_CHECK(s[i] != 0);
		size_t n = s[i] < 0x80 ? 1 : s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
		FUZZ_CHECK(s[i] < 0x80 || s[i] >= 0xC2);
		FUZZ_CHECK(i + n <= doc->len);
		for (size_t k = 1; k < n; k++)
			FUZZ_CHECK((s[i + k] & 0xC0) == 0x80);
		i += n;
	}
}

static void check_tokens(const ws_doc *doc)
{
	for (size_t i = 0; i < doc->ntokens; i++) {
		const ws_token *t = &doc->tokens[i];
		FUZZ_CHECK(t->start < t->end && t->end <= doc->len);
		FUZZ_CHECK(i == 0 || doc->tokens[i - 1].end <= t->start);
		FUZZ_CHECK(utf8_boundary(doc, t->start) && utf8_boundary(doc, t->end));
		FUZZ_CHECK(t->kind <= WS_TOK_QUOTE);
	}
}

static void check_sentences(const ws_doc *doc)
{
	size_t next = 0;
	int32_t paragraph = 0;
	for (size_t i = 0; i < doc->nsentences; i++) {
		const ws_sentence *s = &doc->sentences[i];
		FUZZ_CHECK(s->first == next && s->first < s->last && s->last <= doc->ntokens);
		FUZZ_CHECK(s->paragraph >= paragraph && s->paragraph >= 0);
		FUZZ_CHECK((size_t)s->paragraph < doc->nparagraphs || (doc->nparagraphs == 0 && s->paragraph == 0));
		for (size_t k = s->first; k < s->last; k++)
			FUZZ_CHECK(doc->tokens[k].sentence == (int32_t)i);
		paragraph = s->paragraph;
		next = s->last;
	}
	FUZZ_CHECK(next == doc->ntokens);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ws_doc *doc;
	if (ws_doc_new(NULL, &doc) != WS_OK)
		return 0;
	ws_status st = ws_text_prepare(doc, (const char *)data, size);
	if (st == WS_OK) {
		FUZZ_CHECK(doc->len == size);
		check_clean_text(doc);
		st = ws_text_tokenize(doc);
	}
	if (st == WS_OK) {
		check_tokens(doc);
		st = ws_quotes_find(doc);
	}
	if (st == WS_OK)
		st = ws_text_segment(doc);
	if (st == WS_OK)
		check_sentences(doc);
	FUZZ_CHECK(st == WS_OK); /* malloc does not fail here: any other status is a bug */
	ws_doc_free(doc);
	return 0;
}
