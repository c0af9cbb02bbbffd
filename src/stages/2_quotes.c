/*
 * 2_quotes.c — the quotation structure of the text.
 *
 * The tokenizer has said of each quotation mark whether it opens, closes,
 * or could do either (a straight " between two words).  Here the marks of
 * each paragraph are paired with a stack, double and single marks apart,
 * so nested quotes ("He said 'no' twice") come out as a quote inside a
 * quote.  A mark that cannot be paired is dropped, and only its own
 * paragraph is affected: a stray mark never swallows the rest of the
 * article.
 *
 * News style runs a long quote over several paragraphs by leaving each
 * paragraph unclosed and opening the next one again:
 *
 *     "The first part of the quote.
 *
 *     "The second part," she said.
 *
 * An unclosed quote whose next paragraph opens with a quotation mark of the
 * same kind is taken to run to its paragraph's end, and the next paragraph's
 * quote records that it continues it.  An unclosed quote that opened its
 * paragraph also runs to the paragraph end (the closing mark was
 * forgotten); any other unclosed mark is stray.
 *
 * Finally every token learns the innermost quote that holds it, in one
 * linear sweep, so 10,000 nested marks cost no more than 10,000 words.
 */
#include "stages/stages.h"

#include <string.h>

static bool is_single_mark(const ws_doc *doc, const ws_token *tok)
{
	const unsigned char *s = (const unsigned char *)doc->text + tok->start;
	if (s[0] == '\'')
		return true;
	/* ‘ ’ ‚ ‛ are E2 80 98..9B, ‹ › are E2 80 B9..BA */
	return s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x98 && s[2] <= 0x9B) || s[2] == 0xB9 || s[2] == 0xBA);
}

/* Is the token the mark U+20xx whose last UTF-8 byte is last_byte? */
static bool is_mark(const ws_doc *doc, const ws_token *tok, unsigned char last_byte)
{
	const unsigned char *s = (const unsigned char *)doc->text + tok->start;
	return tok->end - tok->start == 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == last_byte;
}

typedef struct open_mark {
	int32_t quote;   /* index in doc->quotes */
	bool single;
} open_mark;

/* A quote is dropped by setting open past close; compacted at the end. */
#define DROPPED SIZE_MAX

static ws_status open_quote(ws_doc *doc, size_t tok, open_mark **stack, size_t *depth, size_t *cap, bool single)
{
	if (!WS_PUSH(doc, doc->quotes, doc->nquotes, doc->quotes_cap))
		return WS_ERR_NOMEM;
	if (*depth >= *cap && !ws_grow(&doc->allocator, (void **)stack, cap, *depth + 1, sizeof **stack))
		return WS_ERR_NOMEM;
	doc->quotes[doc->nquotes] = (ws_quote){tok, DROPPED, -1, -1, false, false};
	(*stack)[(*depth)++] = (open_mark){(int32_t)doc->nquotes, single};
	doc->nquotes++;
	return WS_OK;
}

static bool token_opens(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	return t->kind == WS_TOK_QUOTE && !(t->flags & WS_TF_QUOTE_CLOSE);
}

/* Pair the marks of the paragraph of tokens [first, last). */
static ws_status pair_paragraph(ws_doc *doc, size_t first, size_t last, open_mark **stack, size_t *cap,
				int32_t *carried)
{
	size_t depth = 0;
	int32_t continued = *carried;
	*carried = -1;
	for (size_t i = first; i < last; i++) {
		ws_token *tok = &doc->tokens[i];
		if (tok->kind != WS_TOK_QUOTE)
			continue;
		bool single = is_single_mark(doc, tok);
		/* “ closes a quote that „ opened (German and Polish style) */
		bool low_high = depth && !single && is_mark(doc, tok, 0x9C) &&
				is_mark(doc, &doc->tokens[doc->quotes[(*stack)[depth - 1].quote].open], 0x9E);
		bool can_close = !(tok->flags & WS_TF_QUOTE_OPEN) || low_high;
		bool can_open = !(tok->flags & WS_TF_QUOTE_CLOSE) && !low_high;
		size_t match = depth;
		/* Look only a few levels down for a partner: deeper mismatches
		 * are stray marks, and the bound keeps the pass linear. */
		if (can_close)
			for (size_t d = depth; d-- > 0 && depth - d <= 8;)
				if ((*stack)[d].single == single) {
					match = d;
					break;
				}
		/* A mark that could open or close closes the nearest open quote
		 * of its kind only when it is not followed by words that would be
		 * the start of a new quote: "a" "b" reads as two quotes. */
		if (match < depth && !(can_open && can_close && (*stack)[match].single == single &&
				       i == doc->quotes[(*stack)[match].quote].open + 1)) {
			for (size_t d = depth; d-- > match + 1;)
				doc->quotes[(*stack)[d].quote].open = DROPPED; /* unclosed inside */
			ws_quote *q = &doc->quotes[(*stack)[match].quote];
			q->close = i;
			q->closed = true;
			tok->flags = (uint16_t)((tok->flags & ~WS_TF_QUOTE_OPEN) | WS_TF_QUOTE_CLOSE);
			depth = match;
			continue;
		}
		if (can_open || (!single && i + 1 < last && !(tok->flags & WS_TF_SPACE_AFTER) &&
				 (i == first || (doc->tokens[i - 1].flags & WS_TF_SPACE_AFTER)))) {
			/* also a ” misused as an opening mark: space before, word after */
			ws_status st = open_quote(doc, i, stack, &depth, cap, single);
			if (st != WS_OK)
				return st;
			tok->flags = (uint16_t)((tok->flags & ~WS_TF_QUOTE_CLOSE) | WS_TF_QUOTE_OPEN);
			if (i == first && continued >= 0)
				doc->quotes[doc->nquotes - 1].continues = continued;
			continue;
		}
		/* a closing mark with nothing open: stray, left as punctuation */
	}
	/* Unclosed quotes at the paragraph's end. */
	for (size_t d = 0; d < depth; d++) {
		ws_quote *q = &doc->quotes[(*stack)[d].quote];
		bool at_start = q->open == first;
		bool next_opens = last < doc->ntokens && token_opens(doc, last) &&
				  is_single_mark(doc, &doc->tokens[last]) == (*stack)[d].single;
		if (d == 0 && (next_opens || at_start)) {
			q->close = last - 1;
			q->closed = false;
			if (next_opens)
				*carried = (*stack)[d].quote;
		} else
			q->open = DROPPED;
	}
	return WS_OK;
}

ws_status ws_quotes_find(ws_doc *doc)
{
	open_mark *stack = NULL;
	size_t cap = 0;
	ws_status st = WS_OK;
	int32_t carried = -1;
	size_t first = 0;
	for (size_t i = 1; i <= doc->ntokens && st == WS_OK; i++) {
		if (i == doc->ntokens || (doc->tokens[i].flags & WS_TF_PARA_START)) {
			st = pair_paragraph(doc, first, i, &stack, &cap, &carried);
			first = i;
		}
	}
	ws_mem_release(&doc->allocator, stack);
	if (st != WS_OK)
		return st;

	/* Compact away the dropped quotes, remembering where each went. */
	if (doc->nquotes && !ws_grow(&doc->allocator, (void **)&doc->scratch, &doc->scratch_cap, doc->nquotes,
				     sizeof *doc->scratch))
		return WS_ERR_NOMEM;
	int32_t *remap = doc->scratch;
	size_t kept = 0;
	for (size_t q = 0; q < doc->nquotes; q++) {
		if (doc->quotes[q].open == DROPPED) {
			remap[q] = -1;
			continue;
		}
		remap[q] = (int32_t)kept;
		doc->quotes[kept++] = doc->quotes[q];
	}
	doc->nquotes = kept;
	for (size_t q = 0; q < kept; q++) {
		ws_quote *quote = &doc->quotes[q];
		if (quote->continues >= 0)
			quote->continues = remap[quote->continues];
	}

	/* Sweep: the innermost open quote holds each token.  Quotes are in
	 * order of their opening mark, and properly nested. */
	size_t depth = 0, next = 0;
	int32_t *active = doc->scratch; /* reused: the remap is no longer needed */
	for (size_t i = 0; i < doc->ntokens; i++) {
		while (next < kept && doc->quotes[next].open == i) {
			doc->quotes[next].parent = depth ? active[depth - 1] : -1;
			active[depth++] = (int32_t)next++;
		}
		doc->tokens[i].quote = depth ? active[depth - 1] : -1;
		while (depth && doc->quotes[active[depth - 1]].close == i)
			depth--;
	}
	/* Mark quotes that hold speech rather than a scare-quoted term or a
	 * title: five words, or a sentence of its own ("The vote is Friday."),
	 * unless every word is capitalized ("State of the Union.").  Only the
	 * first eight words of a quote, and the tokens up to the eighth, are
	 * looked at.  Walking token by token to them would cost quadratic time
	 * on quotes that hold no words ("“““...”””" nested 100,000 deep), so
	 * two tables jump straight to the next word and the next sentence end.
	 * Token indices fit in int32_t: a document has at most 64 MiB. */
	static const char *const title_words[] = {"of", "the", "a", "an", "and", "in", "on", "for", "to", NULL};
	size_t n = doc->ntokens;
	if (!kept)
		return WS_OK; /* and doc->scratch may still be NULL: no pointer into it */
	if (n >= SIZE_MAX / 2 / sizeof *doc->scratch ||
	    !ws_grow(&doc->allocator, (void **)&doc->scratch, &doc->scratch_cap, 2 * (n + 1), sizeof *doc->scratch))
		return WS_ERR_NOMEM;
	int32_t *next_word = doc->scratch, *next_end = doc->scratch + n + 1;
	next_word[n] = next_end[n] = (int32_t)n;
	for (size_t i = n; i-- > 0;) {
		const ws_token *t = &doc->tokens[i];
		char c = doc->text[t->start];
		next_word[i] = t->kind == WS_TOK_WORD ? (int32_t)i : next_word[i + 1];
		next_end[i] = t->kind == WS_TOK_PUNCT && (c == '.' || c == '?' || c == '!') ? (int32_t)i : next_end[i + 1];
	}
	for (size_t q = 0; q < kept; q++) {
		ws_quote *quote = &doc->quotes[q];
		size_t words = 0, seen = quote->close; /* tokens open + 1 .. seen - 1 are looked at */
		bool title = true;
		for (size_t i = (size_t)next_word[quote->open + 1]; i < quote->close && words < 8;
		     i = (size_t)next_word[i + 1]) {
			const ws_token *t = &doc->tokens[i];
			if (++words == 8)
				seen = i + 1;
			if (!(t->flags & WS_TF_CAPITALIZED) && !ws_word_listed(doc->text + t->start, t->end - t->start, title_words))
				title = false;
		}
		bool sentence = (size_t)next_end[quote->open + 1] < seen;
		quote->words = quote->continues >= 0 || (!title && (words >= 5 || (words >= 2 && sentence)));
	}
	return WS_OK;
}
