/*
 * 3_parsing.c — a greedy transition-based dependency parser (arc-standard,
 * Nivre 2004) with a linear model over the usual stack and buffer
 * features (after Zhang and Nivre 2011).
 *
 * The attribution labeller needs to know what a word hangs from: the
 * subject of "said" is its source, the clause under it its content.  A
 * parse gives that in one pass over a sentence, left to right, in time
 * linear in its length.
 *
 * The transitions are SHIFT, L-rel (the second word on the stack takes
 * the top as head) and R-rel (the top takes the second as head).
 */
#include "stages/stages.h"

#include <math.h>
#include <string.h>

enum {
	P_S0W = 400, P_S0P, P_S0WP, P_S1W, P_S1P, P_S1WP, P_B0W, P_B0P, P_B0WP, P_B1W, P_B1P, P_B2P, P_S2P,
	P_S0W_S1W, P_S0P_S1P, P_S0P_B0P, P_S0W_S1P, P_S0P_S1W, P_S1P_S0P_B0P, P_S2P_S1P_S0P, P_S0P_B0P_B1P,
	P_S0L_P, P_S0L_REL, P_S0R_P, P_S0R_REL, P_S1L_P, P_S1L_REL, P_S1R_P, P_S1R_REL, P_S1P_S0P_S0L,
	P_S1P_S0P_S1R, P_DISTANCE, P_S0W_DISTANCE, P_S0_VALENCY, P_S1_VALENCY, P_B0W_S0P, P_S0W_B0P
};

static uint64_t tag_of(const ws_parse_state *st, const ws_word *words, long w)
{
	(void)st;
	return w < 0 ? 0x4E4F4E45ull : ws_feature(7, (const char *)&words[w].pos, 1);
}

static uint64_t rel_of(const ws_parse_state *st, long w)
{
	return w < 0 ? 0x4E4F4E45ull : ws_feature(8, (const char *)&st->rel[w], 1);
}

static uint64_t word_of(const ws_atoms *atoms, long w) { return w < 0 ? 0x4E4F4E45ull : atoms[w].lower; }

#define F(tmpl, h) (out[k++] = ws_feature_join((tmpl), (h)))

size_t ws_parse_features(const ws_parse_state *st, const ws_word *words, const ws_atoms *atoms, size_t n,
			 uint64_t *out)
{
	long s0 = st->depth > 0 ? st->stack[st->depth - 1] : -1;
	long s1 = st->depth > 1 ? st->stack[st->depth - 2] : -1;
	long s2 = st->depth > 2 ? st->stack[st->depth - 3] : -1;
	long b0 = st->next < n ? (long)st->next : -1;
	long b1 = st->next + 1 < n ? (long)st->next + 1 : -1;
	long b2 = st->next + 2 < n ? (long)st->next + 2 : -1;
	uint64_t s0w = word_of(atoms, s0), s1w = word_of(atoms, s1), b0w = word_of(atoms, b0);
	uint64_t s0p = tag_of(st, words, s0), s1p = tag_of(st, words, s1), s2p = tag_of(st, words, s2);
	uint64_t b0p = tag_of(st, words, b0), b1p = tag_of(st, words, b1), b2p = tag_of(st, words, b2);
	long s0l = s0 >= 0 ? st->leftmost[s0] : -1, s0r = s0 >= 0 ? st->rightmost[s0] : -1;
	long s1l = s1 >= 0 ? st->leftmost[s1] : -1, s1r = s1 >= 0 ? st->rightmost[s1] : -1;
	uint32_t distance = s0 >= 0 && s1 >= 0 ? (uint32_t)(s0 - s1) : 0;
	if (distance > 5)
		distance = distance < 10 ? 6 : 7;
	uint64_t dist = ws_feature(9, (const char *)&distance, sizeof distance);
	size_t k = 0;
	F(P_S0W, s0w);
	F(P_S0P, s0p);
	F(P_S0WP, ws_feature_join(s0w, s0p));
	F(P_S1W, s1w);
	F(P_S1P, s1p);
	F(P_S1WP, ws_feature_join(s1w, s1p));
	F(P_B0W, b0w);
	F(P_B0P, b0p);
	F(P_B0WP, ws_feature_join(b0w, b0p));
	F(P_B1W, word_of(atoms, b1));
	F(P_B1P, b1p);
	F(P_B2P, b2p);
	F(P_S2P, s2p);
	F(P_S0W_S1W, ws_feature_join(s0w, s1w));
	F(P_S0P_S1P, ws_feature_join(s0p, s1p));
	F(P_S0P_B0P, ws_feature_join(s0p, b0p));
	F(P_S0W_S1P, ws_feature_join(s0w, s1p));
	F(P_S0P_S1W, ws_feature_join(s0p, s1w));
	F(P_S1P_S0P_B0P, ws_feature_join(ws_feature_join(s1p, s0p), b0p));
	F(P_S2P_S1P_S0P, ws_feature_join(ws_feature_join(s2p, s1p), s0p));
	F(P_S0P_B0P_B1P, ws_feature_join(ws_feature_join(s0p, b0p), b1p));
	F(P_S0L_P, tag_of(st, words, s0l));
	F(P_S0L_REL, rel_of(st, s0l));
	F(P_S0R_P, tag_of(st, words, s0r));
	F(P_S0R_REL, rel_of(st, s0r));
	F(P_S1L_P, tag_of(st, words, s1l));
	F(P_S1L_REL, rel_of(st, s1l));
	F(P_S1R_P, tag_of(st, words, s1r));
	F(P_S1R_REL, rel_of(st, s1r));
	F(P_S1P_S0P_S0L, ws_feature_join(ws_feature_join(s1p, s0p), rel_of(st, s0l)));
	F(P_S1P_S0P_S1R, ws_feature_join(ws_feature_join(s1p, s0p), rel_of(st, s1r)));
	F(P_DISTANCE, ws_feature_join(dist, ws_feature_join(s0p, s1p)));
	F(P_S0W_DISTANCE, ws_feature_join(dist, s0w));
	int32_t v0 = s0 >= 0 ? st->children[s0] : 0, v1 = s1 >= 0 ? st->children[s1] : 0;
	F(P_S0_VALENCY, ws_feature_join(ws_feature(10, (const char *)&v0, sizeof v0), s0p));
	F(P_S1_VALENCY, ws_feature_join(ws_feature(10, (const char *)&v1, sizeof v1), s1p));
	F(P_B0W_S0P, ws_feature_join(b0w, s0p));
	F(P_S0W_B0P, ws_feature_join(s0w, b0p));
	return k;
}

bool ws_parse_reserve(ws_scratch *s, const ws_allocator *a, size_t n, ws_parse_state *st)
{
	if (n > SIZE_MAX / 5 || !ws_grow(a, (void **)&s->parse, &s->parse_cap, 5 * n, sizeof *s->parse) ||
	    !ws_grow(a, (void **)&s->parse_rel, &s->parse_rel_cap, n, 1))
		return false;
	st->stack = s->parse;
	st->head = s->parse + n;
	st->leftmost = s->parse + 2 * n;
	st->rightmost = s->parse + 3 * n;
	st->children = s->parse + 4 * n;
	st->rel = s->parse_rel;
	return true;
}

void ws_parse_start(ws_parse_state *st, size_t n)
{
	st->depth = 0;
	st->next = 0;
	for (size_t w = 0; w < n; w++) {
		st->head[w] = -1;
		st->rel[w] = UINT8_MAX; /* not attached (yet) */
		st->leftmost[w] = st->rightmost[w] = -1;
		st->children[w] = 0;
	}
}

bool ws_parse_valid(const ws_parse_state *st, size_t n, const ws_parse_actions *actions, uint32_t action)
{
	if (action == actions->shift)
		return st->next < n;
	return st->depth >= 2 && action < actions->count;
}

void ws_parse_apply(ws_parse_state *st, const ws_parse_actions *actions, uint32_t action)
{
	if (action == actions->shift) {
		st->stack[st->depth++] = (int32_t)st->next++;
		return;
	}
	int32_t s0 = st->stack[st->depth - 1], s1 = st->stack[st->depth - 2];
	bool left = actions->is_left[action];
	int32_t head = left ? s0 : s1, dependent = left ? s1 : s0;
	st->head[dependent] = head;
	st->rel[dependent] = actions->rel[action];
	st->children[head]++;
	if (dependent < head && (st->leftmost[head] < 0 || dependent < st->leftmost[head]))
		st->leftmost[head] = dependent;
	if (dependent > head && (st->rightmost[head] < 0 || dependent > st->rightmost[head]))
		st->rightmost[head] = dependent;
	st->depth--;
	st->stack[st->depth - 1] = head;
}

void ws_parse_sentence(const ws_linear *m, const ws_parse_actions *actions, const ws_word *words, size_t n,
		       const ws_atoms *atoms, uint64_t *features, float *scores, ws_parse_state *st)
{
	ws_parse_start(st, n);
	uint32_t L = m->labels.count;
	while (st->next < n || st->depth > 1) {
		/* With fewer than two words on the stack only SHIFT is valid: no
		 * need to score what cannot be chosen. */
		if (st->depth < 2) {
			ws_parse_apply(st, actions, actions->shift);
			continue;
		}
		size_t k = ws_parse_features(st, words, atoms, n, features);
		for (uint32_t a = 0; a < L; a++)
			scores[a] = m->transitions[(size_t)L * L + a]; /* the start row: a bias per action */
		ws_linear_score(m, features, k, scores);
		uint32_t best = UINT32_MAX;
		for (uint32_t a = 0; a < L; a++)
			if (ws_parse_valid(st, n, actions, a) && (best == UINT32_MAX || scores[a] > scores[best]))
				best = a;
		ws_parse_apply(st, actions, best);
	}
}
