/*
 * fuzz_quotes.c — the quotation structure (2_quotes.c) on arbitrary bytes,
 * after the tokenizer it depends on (1_tokenize.c).
 *
 * Quotation marks are where offsets go wrong: pairing with a stack,
 * quotes that continue over paragraphs, stray marks, 10,000 nested marks.
 * The structure the later stages walk is checked on every input: each
 * quote's marks are quotation-mark tokens in order, its parent is an
 * earlier quote that encloses it, the quote it continues is an earlier,
 * unclosed one, and each token's innermost quote does hold it.
 */
#include "fuzz.h"
#include "stages/stages.h"

static void check_quotes(const ws_doc *doc)
{
	for (size_t q = 0; q < doc->nquotes; q++) {
		const ws_quote *x = &doc->quotes[q];
		FUZZ_CHECK(x->open <= x->close && x->close < doc->ntokens);
		FUZZ_CHECK(doc->tokens[x->open].kind == WS_TOK_QUOTE);
		FUZZ_CHECK(!x->closed || doc->tokens[x->close].kind == WS_TOK_QUOTE);
		if (x->parent >= 0) {
			FUZZ_CHECK((size_t)x->parent < doc->nquotes);
			const ws_quote *p = &doc->quotes[x->parent];
			FUZZ_CHECK(p->open <= x->open && x->close <= p->close);
		} else {
			FUZZ_CHECK(x->parent == -1);
		}
		if (x->continues >= 0) {
			FUZZ_CHECK((size_t)x->continues < q);
			FUZZ_CHECK(doc->quotes[x->continues].close < x->open);
		} else {
			FUZZ_CHECK(x->continues == -1);
		}
	}
	for (size_t i = 0; i < doc->ntokens; i++) {
		int32_t q = doc->tokens[i].quote;
		FUZZ_CHECK(q >= -1 && (q < 0 || (size_t)q < doc->nquotes));
		if (q >= 0)
			FUZZ_CHECK(doc->quotes[q].open <= i && i <= doc->quotes[q].close);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ws_doc *doc;
	if (ws_doc_new(NULL, &doc) != WS_OK)
		return 0;
	ws_status st = ws_text_prepare(doc, (const char *)data, size);
	if (st == WS_OK)
		st = ws_text_tokenize(doc);
	if (st == WS_OK)
		st = ws_quotes_find(doc);
	if (st == WS_OK)
		check_quotes(doc);
	FUZZ_CHECK(st == WS_OK); /* malloc does not fail here: any other status is a bug */
	ws_doc_free(doc);
	return 0;
}
