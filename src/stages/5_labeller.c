/*
 * 5_labeller.c — the learned attribution labeller.
 *
 * Each paragraph is one sequence: every token gets one of seven labels,
 * B- or I- of SOURCE, CUE, CONTENT, or O, decoded exactly (Viterbi) under
 * the averaged perceptron's weights.  The features are the words around
 * the token, their part of speech and names, the quotation structure, the
 * cue lexicon, where the nearest cue-like word is and what lies between,
 * the dependency tree (the relation by which a token hangs from a cue:
 * the subject of "said" is a source, the clause under it content), and
 * what the rules (4_rules.c) made of the token: the labeller learns
 * where the rules are right and where they are not.
 *
 * Linking then turns the labelled runs into attributions: every content
 * run goes to the nearest cue of its sentence (or paragraph), so a quote
 * interrupted by its cue ("A," she said, "B.") becomes one attribution
 * with two fragments; each cue takes the nearest source of its sentence,
 * or shares the source of the cue before it in the sentence; a content no
 * cue claims goes to a cue still waiting for one ("she said:") or goes on
 * the attribution before it.  Each attribution's confidence is the
 * posterior probability of its cue.
 */
#include "stages/stages.h"

#include <math.h>
#include <string.h>

/* A paragraph longer than this many tokens is labelled in windows. */
#define WS_ROLE_WINDOW 400

/* The most content fragments one attribution takes. */
#define MAX_FRAGMENTS 16

/* Cue levels: the cue lexicon's probability, in steps. */
static uint8_t cue_level_of(double p)
{
	static const double steps[] = {0.02, 0.1, 0.25, 0.42, 0.6, 0.8};
	uint8_t level = 0;
	while (level < sizeof steps / sizeof steps[0] && p >= steps[level])
		level++;
	return level;
}

enum { CUE_LIKE = 4 }; /* the level from which a word counts as a cue */

ws_status ws_roles_prepare(ws_doc *doc, const ws_model *model)
{
	if (!ws_grow(&doc->allocator, (void **)&doc->rule_role, &doc->rule_role_cap, doc->ntokens, 1) ||
	    !ws_grow(&doc->allocator, (void **)&doc->cue_level, &doc->cue_level_cap, doc->ntokens, 1) ||
	    !ws_grow(&doc->allocator, (void **)&doc->scratch, &doc->scratch_cap, doc->ntokens, sizeof *doc->scratch))
		return WS_ERR_NOMEM;
	if (doc->ntokens == 0)
		return WS_OK; /* nothing to read, and no arrays to write */
	memset(doc->rule_role, WS_ROLE_O, doc->ntokens);
	for (size_t i = 0; i < doc->ntokens; i++)
		doc->scratch[i] = -1;
	for (size_t i = 0; i < doc->ntokens; i++) {
		const ws_token *t = &doc->tokens[i];
		double p = t->kind == WS_TOK_WORD
				   ? ws_cue_probability(model, doc->text + t->start, t->end - t->start, t->word)
				   : 0.0;
		doc->cue_level[i] = cue_level_of(p);
	}
	/* The rules' roles, as B-/I- labels. */
	for (size_t a = 0; a < doc->nattrs; a++) {
		const ws_attr_work *w = &doc->attrs[a];
		ws_span spans[2] = {w->pub.source, w->pub.cue};
		for (size_t k = 0; k < 2 + w->pub.content_count; k++) {
			ws_span span = k < 2 ? spans[k] : doc->fragments[w->content_first + k - 2];
			uint8_t begin = k == 0 ? WS_ROLE_B_SOURCE : k == 1 ? WS_ROLE_B_CUE : WS_ROLE_B_CONTENT;
			if (span.start >= span.end)
				continue;
			for (size_t i = ws_token_at(doc, span.start); i < doc->ntokens && doc->tokens[i].start < span.end;
			     i++) {
				doc->rule_role[i] = (uint8_t)(doc->tokens[i].start == span.start ? begin : begin + 1);
				if (k == 1)
					doc->scratch[i] = (int32_t)a; /* whose cue it is, for its addressee */
			}
		}
	}
	return WS_OK;
}

size_t ws_roles_window_end(const ws_doc *doc, size_t first)
{
	int32_t para = doc->sentences[doc->tokens[first].sentence].paragraph;
	size_t last = first + 1;
	while (last < doc->ntokens && last - first < WS_ROLE_WINDOW &&
	       doc->sentences[doc->tokens[last].sentence].paragraph == para)
		last++;
	return last;
}

/* ------------------------------------------------------------ features */

enum {
	R_BIAS = 300, R_WORD, R_PREV_WORD, R_NEXT_WORD, R_PREV2_WORD, R_NEXT2_WORD, R_PREV_AND_WORD,
	R_WORD_AND_NEXT, R_POS, R_PREV_POS, R_NEXT_POS, R_PREV_POS_AND_POS, R_POS_AND_NEXT_POS, R_POS_TRIGRAM,
	R_NAME, R_NAME_AND_POS, R_SHAPE, R_SUFFIX3, R_CUE_LEVEL, R_CUE_LEVEL_AND_POS, R_RULE, R_PREV_RULE,
	R_NEXT_RULE, R_RULE_AND_POS, R_RULE_AND_QUOTE, R_RULE_AND_WORD, R_QUOTE, R_QUOTE_AND_POS,
	R_SENTENCE_EDGE, R_SENTENCE_POSITION, R_TO_SENTENCE_END, R_LEFT_CUE, R_RIGHT_CUE, R_BOTH_CUES,
	R_LEFT_CUE_AND_POS, R_RIGHT_CUE_AND_POS, R_LEFT_CUE_AND_QUOTE, R_RIGHT_CUE_AND_QUOTE,
	R_LEFT_CUE_WORD, R_RIGHT_CUE_WORD, R_LEFT_CUE_COMMA, R_RIGHT_CUE_COMMA, R_SENTENCE_HAS_CUE,
	R_PARAGRAPH_QUOTED, R_NAME_AND_RIGHT_CUE, R_LEFT_CUE_AND_RULE, R_RIGHT_CUE_AND_RULE,
	R_WORD_AND_QUOTE, R_REL, R_REL_AND_POS, R_HEAD_POS, R_HEAD_WORD, R_HEAD_SIDE, R_ANCHOR,
	R_ANCHOR_AND_SIDE, R_ANCHOR_AND_QUOTE, R_ANCHOR_AND_POS, R_ANCHOR_WORD, R_ANCHOR_AND_RULE,
	R_ANCHOR_AND_REL
};

/* The cue a token hangs from: the nearest cue-like token up its chain of
 * heads, and the relation by which the chain arrives there ("nsubj" for
 * the subject of "said", "ccomp" for the clause it reports). */
typedef struct cue_anchor {
	long cue;                 /* the token, or -1 */
	uint32_t rel;             /* relation of the chain's last link; 254 for the cue itself */
	uint32_t depth;           /* links followed */
} cue_anchor;

static bool is_cue_like(const ws_doc *doc, size_t i);

static cue_anchor anchor_of(const ws_doc *doc, size_t i)
{
	if (is_cue_like(doc, i))
		return (cue_anchor){(long)i, 254, 0};
	size_t at = i;
	for (uint32_t depth = 1; depth <= 8; depth++) {
		int32_t h = doc->head[at];
		if (h < 0)
			break;
		if (is_cue_like(doc, (size_t)h))
			return (cue_anchor){h, doc->rel[at], depth};
		at = (size_t)h;
	}
	return (cue_anchor){-1, 255, 0};
}

static uint64_t small(uint32_t tmpl, uint32_t v) { return ws_feature(tmpl, (const char *)&v, sizeof v); }

/* Distances in a few steps: 0 means none. */
static uint32_t distance_step(size_t d)
{
	return d == 0 ? 0 : d == 1 ? 1 : d == 2 ? 2 : d <= 4 ? 3 : d <= 8 ? 4 : d <= 16 ? 5 : d <= 32 ? 6 : 7;
}

static bool is_cue_like(const ws_doc *doc, size_t i)
{
	uint8_t r = doc->rule_role[i];
	return r == WS_ROLE_B_CUE || r == WS_ROLE_I_CUE || doc->cue_level[i] >= CUE_LIKE;
}

static bool is_comma(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	return t->kind == WS_TOK_PUNCT && doc->text[t->start] == ',';
}

/* Where token i stands in its quotation: 0 outside, 1 inside, 2 an
 * opening mark, 3 a closing mark; plus 4 when the quote holds speech. */
static uint32_t quote_state(const ws_doc *doc, size_t i)
{
	const ws_token *t = &doc->tokens[i];
	uint32_t s = t->flags & WS_TF_QUOTE_OPEN ? 2 : t->flags & WS_TF_QUOTE_CLOSE ? 3 : t->quote >= 0 ? 1 : 0;
	if (t->quote >= 0 && doc->quotes[t->quote].words)
		s |= 4;
	return s;
}

/* The nearest cue-like tokens left and right of each token of a window,
 * within its sentence, and whether a comma lies between. */
typedef struct cue_context {
	size_t left, right;       /* distance, 0 = none */
	size_t left_at, right_at; /* the token */
	bool left_comma, right_comma;
} cue_context;

static void cue_contexts(const ws_doc *doc, size_t first, size_t last, cue_context *out)
{
	size_t seen = SIZE_MAX;
	bool comma = false;
	for (size_t i = first; i < last; i++) {
		cue_context *c = &out[i - first];
		if (doc->tokens[i].flags & WS_TF_SENT_START || i == first)
			seen = SIZE_MAX, comma = false;
		c->left = seen == SIZE_MAX ? 0 : i - seen;
		c->left_at = seen;
		c->left_comma = comma;
		if (is_cue_like(doc, i))
			seen = i, comma = false;
		else if (is_comma(doc, i))
			comma = true;
	}
	seen = SIZE_MAX;
	comma = false;
	for (size_t i = last; i-- > first;) {
		cue_context *c = &out[i - first];
		c->right = seen == SIZE_MAX ? 0 : seen - i;
		c->right_at = seen;
		c->right_comma = comma;
		if (is_cue_like(doc, i))
			seen = i, comma = false;
		else if (is_comma(doc, i))
			comma = true;
		if (doc->tokens[i].flags & WS_TF_SENT_START)
			seen = SIZE_MAX, comma = false;
	}
}

#define F(tmpl, h) (features[k++] = ws_feature_join((tmpl), (h)))

size_t ws_roles_features(ws_doc *doc, size_t first, size_t last, ws_scratch *s, uint64_t *features,
			 uint32_t *offsets)
{
	size_t n = last - first;
	ws_atoms *atoms = s->atoms;
	cue_context *cues = s->records;
	for (size_t i = first; i < last; i++) {
		const ws_token *t = &doc->tokens[i];
		ws_word w = {doc->text + t->start, (uint32_t)(t->end - t->start), (uint32_t)i, 0};
		ws_word_atoms(&w, &atoms[i - first]);
	}
	cue_contexts(doc, first, last, cues);
	static const ws_atoms none = {0};
	bool paragraph_quoted = doc->tokens[first].flags & WS_TF_QUOTE_OPEN;
	size_t k = 0;
	for (size_t i = first; i < last; i++) {
		size_t t = i - first;
		offsets[t] = (uint32_t)k;
		const ws_token *tok = &doc->tokens[i];
		const ws_sentence *sent = &doc->sentences[tok->sentence];
		const ws_atoms *a = &atoms[t];
		const ws_atoms *p = t > 0 ? &atoms[t - 1] : &none, *pp = t > 1 ? &atoms[t - 2] : &none;
		const ws_atoms *x = t + 1 < n ? &atoms[t + 1] : &none, *xx = t + 2 < n ? &atoms[t + 2] : &none;
		uint64_t pos = small(1, doc->pos[i]);
		uint64_t prev_pos = small(1, i > first ? doc->pos[i - 1] : 255);
		uint64_t next_pos = small(1, i + 1 < last ? doc->pos[i + 1] : 255);
		uint64_t rule = small(2, doc->rule_role[i]);
		uint64_t quote = small(3, quote_state(doc, i));
		const cue_context *c = &cues[t];
		uint64_t left = small(4, distance_step(c->left)), right = small(5, distance_step(c->right));

		F(R_BIAS, 0);
		F(R_WORD, a->lower);
		F(R_PREV_WORD, p->lower);
		F(R_NEXT_WORD, x->lower);
		F(R_PREV2_WORD, pp->lower);
		F(R_NEXT2_WORD, xx->lower);
		F(R_PREV_AND_WORD, ws_feature_join(p->lower, a->lower));
		F(R_WORD_AND_NEXT, ws_feature_join(a->lower, x->lower));
		F(R_POS, pos);
		F(R_PREV_POS, prev_pos);
		F(R_NEXT_POS, next_pos);
		F(R_PREV_POS_AND_POS, ws_feature_join(prev_pos, pos));
		F(R_POS_AND_NEXT_POS, ws_feature_join(pos, next_pos));
		F(R_POS_TRIGRAM, ws_feature_join(ws_feature_join(prev_pos, pos), next_pos));
		F(R_NAME, small(6, doc->ner[i]));
		F(R_NAME_AND_POS, ws_feature_join(small(6, doc->ner[i]), pos));
		F(R_SHAPE, a->shape);
		F(R_SUFFIX3, a->suffix[2]);
		F(R_CUE_LEVEL, small(7, doc->cue_level[i]));
		F(R_CUE_LEVEL_AND_POS, ws_feature_join(small(7, doc->cue_level[i]), pos));
		F(R_RULE, rule);
		F(R_PREV_RULE, small(2, i > first ? doc->rule_role[i - 1] : 255));
		F(R_NEXT_RULE, small(2, i + 1 < last ? doc->rule_role[i + 1] : 255));
		F(R_RULE_AND_POS, ws_feature_join(rule, pos));
		F(R_RULE_AND_QUOTE, ws_feature_join(rule, quote));
		F(R_RULE_AND_WORD, ws_feature_join(rule, a->lower));
		F(R_QUOTE, quote);
		F(R_QUOTE_AND_POS, ws_feature_join(quote, pos));
		F(R_WORD_AND_QUOTE, ws_feature_join(a->lower, quote));
		F(R_SENTENCE_EDGE, small(8, (i == sent->first) | (i + 1 == sent->last) << 1 |
						    (uint32_t)!!(tok->flags & WS_TF_PARA_START) << 2));
		F(R_SENTENCE_POSITION, small(9, distance_step(i - sent->first + 1)));
		F(R_TO_SENTENCE_END, small(10, distance_step(sent->last - i)));
		F(R_LEFT_CUE, left);
		F(R_RIGHT_CUE, right);
		F(R_BOTH_CUES, ws_feature_join(left, right));
		F(R_LEFT_CUE_AND_POS, ws_feature_join(left, pos));
		F(R_RIGHT_CUE_AND_POS, ws_feature_join(right, pos));
		F(R_LEFT_CUE_AND_QUOTE, ws_feature_join(left, quote));
		F(R_RIGHT_CUE_AND_QUOTE, ws_feature_join(right, quote));
		F(R_LEFT_CUE_AND_RULE, ws_feature_join(left, rule));
		F(R_RIGHT_CUE_AND_RULE, ws_feature_join(right, rule));
		if (c->left)
			F(R_LEFT_CUE_WORD, ws_feature_join(atoms[c->left_at - first].lower, small(11, c->left <= 3)));
		if (c->right)
			F(R_RIGHT_CUE_WORD, ws_feature_join(atoms[c->right_at - first].lower, small(11, c->right <= 3)));
		F(R_LEFT_CUE_COMMA, ws_feature_join(left, small(12, c->left_comma)));
		F(R_RIGHT_CUE_COMMA, ws_feature_join(right, small(12, c->right_comma)));
		F(R_SENTENCE_HAS_CUE, ws_feature_join(small(13, c->left || c->right || is_cue_like(doc, i)), quote));
		F(R_PARAGRAPH_QUOTED, ws_feature_join(small(14, paragraph_quoted), quote));
		F(R_NAME_AND_RIGHT_CUE, ws_feature_join(small(6, doc->ner[i]), right));

		uint64_t rel = small(15, doc->rel[i]);
		int32_t h = doc->head[i];
		F(R_REL, rel);
		F(R_REL_AND_POS, ws_feature_join(rel, pos));
		F(R_HEAD_POS, small(1, h >= 0 ? doc->pos[h] : 255));
		F(R_HEAD_WORD, h >= 0 ? ws_feature(16, doc->text + doc->tokens[h].start,
						    doc->tokens[h].end - doc->tokens[h].start) : 0);
		F(R_HEAD_SIDE, small(17, h < 0 ? 0 : (size_t)h < i ? 1 : 2));
		cue_anchor an = anchor_of(doc, i);
		uint64_t anchor = ws_feature_join(small(18, an.rel), small(19, an.depth > 3 ? 3 : an.depth));
		uint32_t side = an.cue < 0 ? 0 : (size_t)an.cue < i ? 1 : (size_t)an.cue > i ? 2 : 3;
		F(R_ANCHOR, anchor);
		F(R_ANCHOR_AND_SIDE, ws_feature_join(small(18, an.rel), small(20, side)));
		F(R_ANCHOR_AND_QUOTE, ws_feature_join(small(18, an.rel), quote));
		F(R_ANCHOR_AND_POS, ws_feature_join(small(18, an.rel), pos));
		F(R_ANCHOR_AND_RULE, ws_feature_join(small(18, an.rel), rule));
		F(R_ANCHOR_AND_REL, ws_feature_join(small(18, an.rel), rel));
		if (an.cue >= 0) {
			const ws_token *ct = &doc->tokens[an.cue];
			F(R_ANCHOR_WORD, ws_feature_join(small(18, an.rel),
							 ws_feature(16, doc->text + ct->start, ct->end - ct->start)));
		}
	}
	offsets[n] = (uint32_t)k;
	return k;
}

/* ------------------------------------------------------ neural inputs */

/* The neural labeller's view of the same evidence as the features above:
 * one small number per input and token (encoder.h lists them).  Values
 * out of a table's range (a model with more part-of-speech tags than the
 * table holds) take its last row rather than read past it. */
static uint16_t capped(uint32_t v, int input)
{
	uint16_t top = (uint16_t)(ws_encoder_cardinality[input] - 1);
	return v > top ? top : (uint16_t)v;
}

void ws_roles_inputs(ws_doc *doc, size_t first, size_t last, ws_scratch *s, ws_enc_input *out)
{
	cue_context *cues = s->records;
	cue_contexts(doc, first, last, cues);
	bool paragraph_quoted = doc->tokens[first].flags & WS_TF_QUOTE_OPEN;
	for (size_t i = first; i < last; i++) {
		const ws_token *tok = &doc->tokens[i];
		const ws_sentence *sent = &doc->sentences[tok->sentence];
		const cue_context *c = &cues[i - first];
		uint16_t *in = out[i - first].in;
		char form[WS_WORD_FORM_MAX];
		size_t n = ws_encoder_word_form(doc->text + tok->start, tok->end - tok->start, form);
		uint32_t shape = tok->kind == WS_TOK_PUNCT ? 0 : tok->kind == WS_TOK_QUOTE ? 1 : tok->kind == WS_TOK_NUMBER ? 2
				 : tok->flags & WS_TF_ALLCAPS && tok->end - tok->start > 1 ? 3
				 : tok->flags & WS_TF_CAPITALIZED ? 4 : 5;
		in[WS_IN_SHAPE] = (uint16_t)(shape + (tok->flags & WS_TF_SENT_START ? 8 : 0));
		in[WS_IN_SUFFIX] = ws_encoder_suffix(form, n);
		in[WS_IN_QUOTE] = (uint16_t)quote_state(doc, i);
		in[WS_IN_CUE_LEVEL] = capped(doc->cue_level[i], WS_IN_CUE_LEVEL);
		in[WS_IN_POS] = capped(doc->pos[i], WS_IN_POS);
		in[WS_IN_NER] = capped(doc->ner[i], WS_IN_NER);
		in[WS_IN_REL] = capped(doc->rel[i], WS_IN_REL);
		cue_anchor an = anchor_of(doc, i);
		in[WS_IN_ANCHOR_REL] = an.rel == 254 ? 64 : an.rel == 255 ? 65 : capped(an.rel, WS_IN_REL);
		uint32_t side = an.cue < 0 ? 0 : (size_t)an.cue < i ? 1 : (size_t)an.cue > i ? 2 : 3;
		in[WS_IN_ANCHOR_SIDE] = (uint16_t)(side * 4 + (an.depth > 3 ? 3 : an.depth));
		in[WS_IN_RULE] = doc->rule_role[i];
		in[WS_IN_LEFT_CUE] = (uint16_t)(distance_step(c->left) * 2 + c->left_comma);
		in[WS_IN_RIGHT_CUE] = (uint16_t)(distance_step(c->right) * 2 + c->right_comma);
		in[WS_IN_EDGE] = (uint16_t)((i == sent->first) | (i + 1 == sent->last) << 1 |
					    (tok->flags & WS_TF_PARA_START ? 4 : 0) | (paragraph_quoted ? 8 : 0));
		int32_t h = doc->head[i];
		in[WS_IN_HEAD_POS] = h < 0 ? (uint16_t)(ws_encoder_cardinality[WS_IN_HEAD_POS] - 1)
					   : capped(doc->pos[h], WS_IN_POS);
	}
}

/* ------------------------------------------------------------- linking */

typedef struct run {
	size_t first, last;       /* tokens, last exclusive */
	uint8_t role;             /* WS_ROLE_B_SOURCE, _B_CUE or _B_CONTENT */
	long owner;               /* the cue run it belongs to, or -1 */
} run;

static size_t runs_of(const uint8_t *labels, size_t first, size_t last, run *out)
{
	size_t n = 0;
	for (size_t i = first; i < last;) {
		uint8_t l = labels[i - first];
		if (l == WS_ROLE_O) {
			i++;
			continue;
		}
		uint8_t begin = l % 2 ? l : (uint8_t)(l - 1);
		size_t j = i + 1;
		while (j < last && labels[j - first] == begin + 1)
			j++;
		out[n++] = (run){i, j, begin, -1};
		i = j;
	}
	return n;
}

static size_t gap(const run *a, const run *b)
{
	return a->last <= b->first ? b->first - a->last : a->first >= b->last ? a->first - b->last : 0;
}

/* The cue run that r belongs to: the nearest cue run in r's sentence, or
 * within the window when close; -1 for none.  (Following the parse from
 * r to the cue it hangs from was measured too: it gives the same
 * attr.full and fewer contents, because a cue then takes several runs.) */
static long cue_of_run(const ws_doc *doc, const run *runs, size_t nruns, const run *r, bool same_sentence_only)
{
	long best = -1;
	size_t best_gap = SIZE_MAX;
	int32_t sentence = doc->tokens[r->first].sentence;
	for (size_t k = 0; k < nruns; k++) {
		if (runs[k].role != WS_ROLE_B_CUE)
			continue;
		bool same = doc->tokens[runs[k].first].sentence == sentence ||
			    doc->tokens[runs[k].last - 1].sentence == sentence ||
			    doc->tokens[r->last - 1].sentence == doc->tokens[runs[k].first].sentence;
		/* A cue after the run is a little further than one before it:
		 * "X said this week that A, and suggested B". */
		size_t g = gap(r, &runs[k]) + (runs[k].first >= r->last ? 2 : 0) + (same ? 0 : 1000);
		if (same_sentence_only && !same)
			continue;
		if (g < best_gap) {
			best_gap = g;
			best = (long)k;
		}
	}
	return best_gap < 1000 + 40 ? best : -1;
}

static ws_span token_span(const ws_doc *doc, const run *r)
{
	return (ws_span){doc->tokens[r->first].start, doc->tokens[r->last - 1].end};
}

/* The addressee the rules found for a cue at the same place, if any:
 * doc->scratch holds, per token, the rules' attribution whose cue covers
 * it (ws_roles_prepare). */
static ws_span rule_addressee(const ws_doc *doc, const run *cue)
{
	for (size_t i = cue->first; i < cue->last; i++)
		if (doc->scratch[i] >= 0)
			return doc->attrs[doc->scratch[i]].pub.addressee;
	return (ws_span){0, 0};
}

/* The rules' addressee, cut where one of the labeller's spans (a content
 * fragment, the source) begins inside it: the two can disagree on where
 * "told reporters" ends ("told reporters the work was on time"), and no
 * text may be the addressee and the content at once.  Punctuation left at
 * the cut goes too; an addressee that starts inside such a span is none. */
static ws_span clip_addressee(const ws_doc *doc, ws_span a, const ws_span *spans, size_t n)
{
	for (size_t k = 0; k < n && a.start < a.end; k++) {
		if (spans[k].start >= spans[k].end || spans[k].end <= a.start || spans[k].start >= a.end)
			continue;
		if (spans[k].start <= a.start)
			return (ws_span){0, 0};
		a.end = spans[k].start;
	}
	if (a.start >= a.end)
		return (ws_span){0, 0};
	/* the tokens before the cut: the first one starting at or after it */
	size_t lo = 0, hi = doc->ntokens;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc->tokens[mid].start < a.end)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0 && doc->tokens[lo - 1].start >= a.start && doc->tokens[lo - 1].kind != WS_TOK_WORD)
		lo--;
	if (lo == 0 || doc->tokens[lo - 1].start < a.start)
		return (ws_span){0, 0};
	a.end = doc->tokens[lo - 1].end;
	return a;
}

/* How sure the labeller was of each token's label: its posterior
 * probability, by the forward-backward algorithm over the window, the
 * model's scores read as a linear-chain CRF's in units of `unit` (a
 * temperature: a perceptron's scores have no scale of their own).  The
 * sums run in probability space, scaled at every token, so each token
 * costs one exp() per label.  Into posterior[t]; alpha and beta hold n x
 * labels each. */
static void label_posteriors(const ws_labels *ls, const float *transitions, const float *emissions,
			     const uint8_t *labels, size_t n, float unit, double *alpha, double *beta, float *posterior)
{
	enum { L = WS_ROLE_LABELS };
	double move[L + 1][L]; /* exp of the transition scores; 0 where not allowed */
	for (size_t p = 0; p <= L; p++)
		for (size_t b = 0; b < L; b++)
			move[p][b] = ls->allowed[p][b] ? exp(transitions[p * L + b] / unit) : 0;
	/* alpha holds exp of the emissions first, then the forward sums. */
	for (size_t t = 0; t < n; t++) {
		const float *e = emissions + t * L;
		float top = e[0];
		for (size_t b = 1; b < L; b++)
			top = e[b] > top ? e[b] : top;
		for (size_t b = 0; b < L; b++)
			beta[t * L + b] = expf((e[b] - top) / unit); /* kept here until the backward pass */
	}
	bool sound = true;
	for (size_t t = 0; t < n && sound; t++) {
		double total = 0;
		for (size_t b = 0; b < L; b++) {
			double sum = 0;
			if (t == 0)
				sum = move[L][b];
			else
				for (size_t p = 0; p < L; p++)
					sum += alpha[(t - 1) * L + p] * move[p][b];
			alpha[t * L + b] = sum * beta[t * L + b];
			total += alpha[t * L + b];
		}
		sound = total > 0 && isfinite(total);
		for (size_t b = 0; b < L && sound; b++)
			alpha[t * L + b] /= total;
	}
	/* beta[t] still holds exp of the emissions at t; the backward sums at
	 * t + 1 are needed with them, so go from the end, keeping one row. */
	double next[L], here[L];
	for (size_t b = 0; b < L; b++)
		next[b] = 1;
	for (size_t t = n; t-- > 0 && sound;) {
		double mass = 0;
		for (size_t b = 0; b < L; b++)
			mass += alpha[t * L + b] * next[b];
		sound = mass > 0 && isfinite(mass);
		if (sound)
			posterior[t] = (float)(alpha[t * L + labels[t]] * next[labels[t]] / mass);
		if (t == 0)
			break;
		double total = 0;
		for (size_t p = 0; p < L; p++) {
			double sum = 0;
			for (size_t b = 0; b < L; b++)
				sum += move[p][b] * beta[t * L + b] * next[b];
			here[p] = sum;
			total += sum;
		}
		sound = sound && total > 0 && isfinite(total);
		for (size_t p = 0; p < L && sound; p++)
			next[p] = here[p] / total;
	}
	if (!sound) /* scores too far apart for doubles: the decision was clear */
		for (size_t t = 0; t < n; t++)
			posterior[t] = 1;
}

/* An attribution's confidence: the mean posterior of its cue's labels
 * (of its content's, when it has no cue). */
static double run_confidence(const float *posterior, size_t first, const run *r)
{
	double sum = 0;
	for (size_t i = r->first; i < r->last; i++)
		sum += posterior[i - first];
	return sum / (double)(r->last - r->first);
}

/* What linking carries from one paragraph to the next. */
typedef struct link_state {
	long last_cued;           /* the last attribution with a cue, or -1 */
	/* a cue found without content ("she said:"), waiting for the
	 * content that no cue claims in its paragraph or the next */
	bool waiting;
	ws_span source, cue, addressee;
	int32_t paragraph, sentence;
	double confidence;
} link_state;

static int32_t paragraph_of(const ws_doc *doc, size_t token)
{
	return doc->sentences[doc->tokens[token].sentence].paragraph;
}

/* A content that no cue claims, in the paragraph of the attribution made
 * last or the one after, most often goes on what that speaker said (the
 * next paragraph of a long quote, the rest of a paraphrase): it becomes
 * one more fragment of that attribution.  Its fragments are the last in
 * doc->fragments, so this is an append.  Measured on dev: attr.full
 * 0.550 to 0.558. */
static bool continue_last(ws_doc *doc, size_t nrules, const run *r)
{
	if (doc->nattrs <= nrules || !WS_PUSH(doc, doc->fragments, doc->nfragments, doc->fragments_cap))
		return false;
	ws_attr_work *w = &doc->attrs[doc->nattrs - 1];
	const ws_span *tail = &doc->fragments[w->content_first + w->pub.content_count - 1];
	int32_t before = doc->sentences[doc->tokens[ws_token_at(doc, tail->start)].sentence].paragraph;
	int32_t here = doc->sentences[doc->tokens[r->first].sentence].paragraph;
	if (here > before + 1)
		return false;
	doc->fragments[doc->nfragments++] = token_span(doc, r);
	w->pub.content_count++;
	return true;
}

/* A cue without a source of its own in the sentence of the cue before
 * it shares that one's source: "the mayor said A and added B".  Measured
 * on dev: attr.full 0.558 to 0.590. */
static ws_span shared_source(const ws_doc *doc, long previous, const run *cue)
{
	if (previous < 0)
		return (ws_span){0, 0};
	const ws_attribution *p = &doc->attrs[previous].pub;
	if (p->source.start == p->source.end ||
	    doc->tokens[ws_token_at(doc, p->cue.start)].sentence != doc->tokens[cue->first].sentence)
		return (ws_span){0, 0};
	return p->source;
}

static ws_status link_runs(ws_doc *doc, size_t first, size_t last, const uint8_t *labels, run *runs,
			   size_t nrules, const float *posterior, link_state *ls)
{
	size_t nruns = runs_of(labels, first, last, runs);
	for (size_t k = 0; k < nruns; k++)
		if (runs[k].role == WS_ROLE_B_CONTENT)
			runs[k].owner = cue_of_run(doc, runs, nruns, &runs[k], false);
	for (size_t k = 0; k < nruns; k++)
		if (runs[k].role == WS_ROLE_B_SOURCE)
			runs[k].owner = cue_of_run(doc, runs, nruns, &runs[k], true);
	/* A cue holds at most MAX_FRAGMENTS contents; any more stand alone
	 * rather than be lost. */
	for (size_t c = 0; c < nruns; c++) {
		size_t held = 0;
		for (size_t k = 0; k < nruns && runs[c].role == WS_ROLE_B_CUE; k++)
			if (runs[k].role == WS_ROLE_B_CONTENT && runs[k].owner == (long)c && ++held > MAX_FRAGMENTS)
				runs[k].owner = -1;
	}
	for (size_t c = 0; c < nruns; c++) {
		bool is_cue = runs[c].role == WS_ROLE_B_CUE;
		if (runs[c].role == WS_ROLE_B_SOURCE || (runs[c].role == WS_ROLE_B_CONTENT && runs[c].owner >= 0))
			continue;
		ws_span content[MAX_FRAGMENTS + 1]; /* + 1: the source after them, for clip_addressee() */
		size_t ncontent = 0;
		ws_span source = {0, 0}, cue = {0, 0}, addressee = {0, 0};
		if (is_cue) {
			cue = token_span(doc, &runs[c]);
			for (size_t k = 0; k < nruns; k++) {
				if (runs[k].owner != (long)c)
					continue;
				if (runs[k].role == WS_ROLE_B_CONTENT)
					content[ncontent++] = token_span(doc, &runs[k]);
				else if (runs[k].role == WS_ROLE_B_SOURCE && source.start == source.end)
					source = token_span(doc, &runs[k]);
			}
			if (source.start == source.end)
				source = shared_source(doc, ls->last_cued, &runs[c]);
			content[ncontent] = source;
			addressee = clip_addressee(doc, rule_addressee(doc, &runs[c]), content, ncontent + 1);
		} else if (ls->waiting && paragraph_of(doc, runs[c].first) <= ls->paragraph + 1 &&
			   doc->tokens[runs[c].first].start >= ls->cue.end) {
			/* the content the last cue waited for */
			ws_span fragment = token_span(doc, &runs[c]);
			ls->waiting = false;
			ws_status st = ws_attribution_push(doc, ls->source, ls->cue, ls->addressee, &fragment, 1,
							   ls->sentence, ls->confidence);
			if (st != WS_OK)
				return st;
			ls->last_cued = (long)doc->nattrs - 1;
			continue;
		} else if (continue_last(doc, nrules, &runs[c])) {
			continue;
		} else
			content[ncontent++] = token_span(doc, &runs[c]); /* content no cue claimed */
		/* The cue's confidence, or a content's that no cue claimed. */
		double confidence = run_confidence(posterior, first, &runs[c]);
		ws_status st = ws_attribution_push(doc, source, cue, addressee, content, ncontent,
						   doc->tokens[runs[c].first].sentence, confidence);
		if (st != WS_OK)
			return st;
		if (is_cue && ncontent) {
			ls->last_cued = (long)doc->nattrs - 1;
			ls->waiting = false;
		} else if (is_cue) {
			*ls = (link_state){ls->last_cued, true, source, cue, addressee, paragraph_of(doc, runs[c].first),
					   doc->tokens[runs[c].first].sentence, confidence};
		}
	}
	return WS_OK;
}

bool ws_roles_reserve(ws_doc *doc, ws_scratch *s)
{
	size_t record = sizeof(cue_context) > sizeof(run) ? sizeof(cue_context) : sizeof(run);
	return ws_scratch_reserve(s, &doc->allocator, WS_ROLE_WINDOW, WS_ROLE_LABELS, record) &&
	       ws_grow(&doc->allocator, (void **)&s->inputs, &s->inputs_cap, WS_ROLE_WINDOW, sizeof *s->inputs) &&
	       ws_grow(&doc->allocator, (void **)&s->word_ids, &s->word_ids_cap, WS_ROLE_WINDOW,
		       sizeof *s->word_ids) &&
	       ws_grow(&doc->allocator, (void **)&s->alpha, &s->alpha_cap, WS_ROLE_WINDOW * WS_ROLE_LABELS,
		       sizeof *s->alpha) &&
	       ws_grow(&doc->allocator, (void **)&s->beta, &s->beta_cap, WS_ROLE_WINDOW * WS_ROLE_LABELS,
		       sizeof *s->beta) &&
	       ws_grow(&doc->allocator, (void **)&s->posterior, &s->posterior_cap, WS_ROLE_WINDOW,
		       sizeof *s->posterior);
}

ws_status ws_roles_label(ws_doc *doc, const ws_model *model)
{
	ws_scratch *s = &doc->seq;
	uint64_t clock = ws_clock_ns();
	ws_status st = ws_roles_prepare(doc, model);
	if (st != WS_OK)
		return st;
	if (!ws_roles_reserve(doc, s))
		return WS_ERR_NOMEM;
	size_t nrules = doc->nattrs, rule_fragments = doc->nfragments;
	/* The temperature of the posteriors: half the largest transition
	 * weight.  Chosen on dev so that confidence follows the share of cues
	 * found exactly (0.93 of confidence where 0.87 are exact, 0.51 where
	 * 0.41, 0.34 where 0.21). */
	float unit = 1;
	for (size_t i = 0; i < (size_t)(WS_ROLE_LABELS + 1) * WS_ROLE_LABELS; i++)
		if (model->attr.transitions[i] / 2 > unit)
			unit = model->attr.transitions[i] / 2;
	/* The neural labeller is a CRF trained as one: its scores are log
	 * potentials already, and its posteriors need no temperature. */
	const ws_encoder *enc = &model->encoder;
	const float *transitions = model->attr.transitions;
	if (enc->present) {
		unit = 1;
		transitions = enc->transitions;
		if (!ws_grow(&doc->allocator, (void **)&s->work, &s->work_cap,
			     ws_encoder_work_floats(enc, WS_ROLE_WINDOW), sizeof *s->work))
			return WS_ERR_NOMEM;
	}
	link_state ls = {.last_cued = -1};
	for (size_t first = 0, last; first < doc->ntokens && st == WS_OK; first = last) {
		last = ws_roles_window_end(doc, first);
		size_t n = last - first;
		if (enc->present) {
			ws_roles_inputs(doc, first, last, s, s->inputs);
			for (size_t i = first; i < last; i++) {
				const ws_token *t = &doc->tokens[i];
				char form[WS_WORD_FORM_MAX];
				size_t len = ws_encoder_word_form(doc->text + t->start, t->end - t->start, form);
				s->word_ids[i - first] = ws_encoder_word(enc, form, len);
			}
			ws_encoder_emissions(enc, s->inputs, s->word_ids, n, s->work, s->emissions);
			ws_viterbi(&model->attr.labels, transitions, s->emissions, n, s->back, s->labels);
		} else {
			ws_roles_features(doc, first, last, s, s->features, s->offsets);
			ws_linear_decode(&model->attr, s->features, s->offsets, n, s, s->labels);
		}
		/* A paragraph labelled all O yields no attribution to rate. */
		if (memchr(s->labels, WS_ROLE_B_CUE, n) || memchr(s->labels, WS_ROLE_B_CONTENT, n))
			label_posteriors(&model->attr.labels, transitions, s->emissions, s->labels, n, unit, s->alpha,
					 s->beta, s->posterior);
		clock = ws_doc_count(doc, WS_STAGE_LABELLER, clock);
		st = link_runs(doc, first, last, s->labels, s->records, nrules, s->posterior, &ls);
		clock = ws_doc_count(doc, WS_STAGE_LINKING, clock);
	}
	if (st != WS_OK)
		return st;
	/* Only the labeller's attributions remain. */
	if (nrules == 0) {
		ws_attributions_order(doc);
		return WS_OK;
	}
	doc->nattrs -= nrules;
	memmove(doc->attrs, doc->attrs + nrules, doc->nattrs * sizeof *doc->attrs);
	doc->nfragments -= rule_fragments;
	memmove(doc->fragments, doc->fragments + rule_fragments, doc->nfragments * sizeof *doc->fragments);
	for (size_t a = 0; a < doc->nattrs; a++)
		doc->attrs[a].content_first -= rule_fragments;
	ws_attributions_order(doc);
	return WS_OK;
}
