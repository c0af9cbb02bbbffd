/*
 * features.c — the features of the part-of-speech and name taggers.
 *
 * Both taggers look at a window of two words either side: the words
 * themselves, their affixes and their shapes, which is what separates
 * "reports" the verb from "reports" the noun and "Post" the newspaper
 * from "post" the verb.  Each feature is a template number joined with the
 * hash of what it sees (linear.h), so adding a template never disturbs
 * another's weights.
 */
#include "model/features.h"

#include <string.h>

const char *const ws_ner_label_names[WS_NER_LABELS] = {
	"O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"};

const char *const ws_role_label_names[WS_ROLE_LABELS] = {
	"O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT"};

/* Atom kinds: the template numbers of the hashes in ws_atoms. */
enum { A_LOWER = 1, A_FORM, A_SHAPE, A_PREFIX, A_SUFFIX = A_PREFIX + 2, A_POS = A_SUFFIX + 4 };

/* Feature templates.  The numbers are part of the feature set: change
 * them and WS_FEATURE_SET_VERSION must change too. */
enum {
	T_BIAS = 100,
	T_WORD, T_FORM, T_SHAPE, T_PREFIX1, T_PREFIX2, T_SUFFIX1, T_SUFFIX2, T_SUFFIX3, T_SUFFIX4,
	T_PREV_WORD, T_PREV2_WORD, T_NEXT_WORD, T_NEXT2_WORD,
	T_PREV_SUFFIX3, T_NEXT_SUFFIX3, T_PREV_SHAPE, T_NEXT_SHAPE,
	T_PREV_AND_WORD, T_WORD_AND_NEXT, T_SENTENCE_START_SHAPE, T_FLAGS,
	T_PREV_PREV_AND_PREV, T_NEXT_AND_NEXT_NEXT,
	/* names only */
	T_POS = 200, T_PREV_POS, T_NEXT_POS, T_POS_AND_SHAPE, T_PREV_POS_AND_POS, T_POS_AND_NEXT_POS,
	T_PREV_SHAPE_AND_SHAPE, T_SHAPE_AND_NEXT_SHAPE, T_PREV_WORD_AND_SHAPE, T_SHAPE_AND_NEXT_WORD,
	T_PREV2_SHAPE, T_NEXT2_SHAPE, T_WORD_AND_POS
};

size_t ws_clitic_split(const char *w, size_t n)
{
	static const char *const clitics[] = {"n't", "'s", "'re", "'ve", "'ll", "'d", "'m", NULL};
	for (size_t k = 0; clitics[k]; k++) {
		const char *c = clitics[k];
		size_t cn = strlen(c);
		/* The apostrophe may be ’ (three bytes) instead of '. */
		for (int curly = 0; curly < 2; curly++) {
			size_t len = cn + (curly ? 2 : 0);
			if (n <= len)
				continue;
			const char *tail = w + n - len;
			size_t j = 0, i = 0;
			bool match = true;
			for (; j < cn && match; j++) {
				if (c[j] == '\'') {
					if (curly)
						match = memcmp(tail + i, "\xE2\x80\x99", 3) == 0, i += 3;
					else
						match = tail[i] == '\'', i++;
				} else {
					char x = tail[i++];
					if (x >= 'A' && x <= 'Z')
						x = (char)(x + 32);
					match = x == c[j];
				}
			}
			if (match)
				return n - len;
		}
	}
	return 0;
}

/* Lower-cased (ASCII), digits as 0, ’ as '. */
static size_t normalise(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
			c = '\'';
			i += 2;
		} else if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (c >= '0' && c <= '9')
			c = '0';
		out[k++] = (char)c;
	}
	return k;
}

/* Character classes with runs collapsed: "McCain" -> XxXx, "1,000" -> d,d. */
static size_t shape_of(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		char cls;
		if (c >= 'A' && c <= 'Z')
			cls = 'X';
		else if (c >= 'a' && c <= 'z')
			cls = 'x';
		else if (c >= '0' && c <= '9')
			cls = 'd';
		else if (c >= 0x80)
			cls = 'u';
		else
			cls = (char)c;
		if (k == 0 || out[k - 1] != cls)
			out[k++] = cls;
	}
	return k;
}

void ws_word_atoms(const ws_word *word, ws_atoms *out)
{
	char low[64], shape[16];
	size_t n = normalise(word->text, word->len, low, sizeof low);
	size_t sn = shape_of(word->text, word->len, shape, sizeof shape);
	out->lower = ws_feature(A_LOWER, low, n);
	out->form = ws_feature(A_FORM, word->text, word->len < 64 ? word->len : 64);
	out->shape = ws_feature(A_SHAPE, shape, sn);
	for (size_t k = 0; k < 2; k++)
		out->prefix[k] = ws_feature(A_PREFIX + (uint32_t)k, low, n < k + 1 ? n : k + 1);
	for (size_t k = 0; k < 4; k++) {
		size_t len = n < k + 1 ? n : k + 1;
		out->suffix[k] = ws_feature(A_SUFFIX + (uint32_t)k, low + n - len, len);
	}
	uint8_t f = 0;
	unsigned char c0 = word->len ? (unsigned char)word->text[0] : 0;
	if (c0 >= 'A' && c0 <= 'Z')
		f |= WS_ATOM_CAPITAL;
	for (size_t i = 0; i < word->len; i++) {
		unsigned char c = (unsigned char)word->text[i];
		if (c >= '0' && c <= '9')
			f |= WS_ATOM_DIGIT;
		else if (c == '-')
			f |= WS_ATOM_HYPHEN;
		else if ((c | 32) >= 'a' && (c | 32) <= 'z')
			f |= WS_ATOM_LETTER;
	}
	out->flags = f;
}

void ws_words_atoms(const ws_word *words, size_t n, ws_atoms *atoms)
{
	for (size_t t = 0; t < n; t++)
		ws_word_atoms(&words[t], &atoms[t]);
}

/* Atoms outside the sentence: fixed stand-ins for "before the start" and
 * "after the end" (any constants unlike a hash would do). */
#define EDGE(v) {v, v, v, {v, v}, {v, v, v, v}, 0}
static const ws_atoms sentence_edges[2] = {EDGE(0x5354415254ull), EDGE(0x454E44ull)};

static const ws_atoms *at(const ws_atoms *atoms, size_t n, long i)
{
	if (i < 0)
		return &sentence_edges[0];
	if ((size_t)i >= n)
		return &sentence_edges[1];
	return &atoms[i];
}

#define F(tmpl, h) (out[k++] = ws_feature_join((tmpl), (h)))

size_t ws_pos_features(const ws_atoms *atoms, size_t n, size_t t, uint64_t *out)
{
	size_t k = 0;
	long i = (long)t;
	const ws_atoms *w = &atoms[t], *p = at(atoms, n, i - 1), *pp = at(atoms, n, i - 2);
	const ws_atoms *x = at(atoms, n, i + 1), *xx = at(atoms, n, i + 2);
	F(T_BIAS, 0);
	F(T_WORD, w->lower);
	F(T_FORM, w->form);
	F(T_SHAPE, w->shape);
	F(T_PREFIX1, w->prefix[0]);
	F(T_PREFIX2, w->prefix[1]);
	F(T_SUFFIX1, w->suffix[0]);
	F(T_SUFFIX2, w->suffix[1]);
	F(T_SUFFIX3, w->suffix[2]);
	F(T_SUFFIX4, w->suffix[3]);
	F(T_FLAGS, w->flags);
	/* the features above read the word alone: WS_WORD_FEATURES of them */
	F(T_PREV_WORD, p->lower);
	F(T_PREV2_WORD, pp->lower);
	F(T_NEXT_WORD, x->lower);
	F(T_NEXT2_WORD, xx->lower);
	F(T_PREV_SUFFIX3, p->suffix[2]);
	F(T_NEXT_SUFFIX3, x->suffix[2]);
	F(T_PREV_SHAPE, p->shape);
	F(T_NEXT_SHAPE, x->shape);
	F(T_PREV_AND_WORD, ws_feature_join(p->lower, w->lower));
	F(T_WORD_AND_NEXT, ws_feature_join(w->lower, x->lower));
	F(T_PREV_PREV_AND_PREV, ws_feature_join(pp->lower, p->lower));
	F(T_NEXT_AND_NEXT_NEXT, ws_feature_join(x->lower, xx->lower));
	if (t == 0)
		F(T_SENTENCE_START_SHAPE, w->shape);
	return k;
}

size_t ws_ner_features(const ws_atoms *atoms, const ws_word *words, size_t n, size_t t, uint64_t *out)
{
	size_t k = ws_pos_features(atoms, n, t, out);
	long i = (long)t;
	const ws_atoms *w = &atoms[t], *p = at(atoms, n, i - 1), *x = at(atoms, n, i + 1);
	uint64_t pos = ws_feature(A_POS, (const char *)&words[t].pos, 1);
	uint64_t prev_pos = t > 0 ? ws_feature(A_POS, (const char *)&words[t - 1].pos, 1) : p->lower;
	uint64_t next_pos = t + 1 < n ? ws_feature(A_POS, (const char *)&words[t + 1].pos, 1) : x->lower;
	F(T_POS, pos);
	F(T_PREV_POS, prev_pos);
	F(T_NEXT_POS, next_pos);
	F(T_POS_AND_SHAPE, ws_feature_join(pos, w->shape));
	F(T_PREV_POS_AND_POS, ws_feature_join(prev_pos, pos));
	F(T_POS_AND_NEXT_POS, ws_feature_join(pos, next_pos));
	F(T_PREV_SHAPE_AND_SHAPE, ws_feature_join(p->shape, w->shape));
	F(T_SHAPE_AND_NEXT_SHAPE, ws_feature_join(w->shape, x->shape));
	F(T_PREV_WORD_AND_SHAPE, ws_feature_join(p->lower, w->shape));
	F(T_SHAPE_AND_NEXT_WORD, ws_feature_join(w->shape, x->lower));
	F(T_PREV2_SHAPE, at(atoms, n, i - 2)->shape);
	F(T_NEXT2_SHAPE, at(atoms, n, i + 2)->shape);
	F(T_WORD_AND_POS, ws_feature_join(w->form, pos));
	return k;
}

/* ---------------------------------------------------- working memory */

bool ws_scratch_reserve(ws_scratch *s, const ws_allocator *a, size_t words, uint32_t labels, size_t record_size)
{
	size_t cells = words * labels;
	if (words > SIZE_MAX / WS_MAX_FEATURES || (labels && cells / labels != words))
		return false;
	return ws_grow(a, (void **)&s->words, &s->words_cap, words, sizeof *s->words) &&
	       ws_grow(a, (void **)&s->atoms, &s->atoms_cap, words, sizeof *s->atoms) &&
	       ws_grow(a, (void **)&s->offsets, &s->offsets_cap, words + 1, sizeof *s->offsets) &&
	       ws_grow(a, (void **)&s->features, &s->features_cap, words * WS_MAX_FEATURES,
		       sizeof *s->features) &&
	       ws_grow(a, (void **)&s->emissions, &s->emissions_cap, cells, sizeof *s->emissions) &&
	       ws_grow(a, (void **)&s->back, &s->back_cap, cells, sizeof *s->back) &&
	       ws_grow(a, (void **)&s->labels, &s->labels_cap, words, sizeof *s->labels) &&
	       ws_grow(a, &s->records, &s->records_cap, words * record_size, 1);
}

void ws_scratch_free(ws_scratch *s, const ws_allocator *a)
{
	ws_mem_release(a, s->words);
	ws_mem_release(a, s->atoms);
	ws_mem_release(a, s->offsets);
	ws_mem_release(a, s->features);
	ws_mem_release(a, s->emissions);
	ws_mem_release(a, s->back);
	ws_mem_release(a, s->labels);
	ws_mem_release(a, s->records);
	ws_mem_release(a, s->alpha);
	ws_mem_release(a, s->beta);
	ws_mem_release(a, s->posterior);
	ws_mem_release(a, s->parse);
	ws_mem_release(a, s->parse_rel);
	ws_mem_release(a, s->inputs);
	ws_mem_release(a, s->word_ids);
	ws_mem_release(a, s->work);
	for (size_t k = 0; k < 2; k++)
		ws_word_cache_free(&s->word_cache[k], a);
	memset(s, 0, sizeof *s);
}

/* A key for everything the word features read of a word (each atom a
 * 64-bit hash already): two words with the same key get the same cached
 * steps, and 0 marks an empty slot. */
static uint64_t word_key(const ws_atoms *w)
{
	const uint64_t parts[] = {w->lower,     w->shape,     w->prefix[0], w->prefix[1], w->suffix[0],
				  w->suffix[1], w->suffix[2], w->suffix[3], w->flags};
	uint64_t h = w->form;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		h = (h ^ parts[i]) * 0x9E3779B97F4A7C15ull;
		h ^= h >> 32;
	}
	return h ? h : 1;
}

bool ws_word_cache_ready(ws_word_cache *c, const ws_allocator *a, const ws_linear *m)
{
	if (!ws_grow(a, (void **)&c->keys, &c->keys_cap, WS_WORD_CACHE_SLOTS, sizeof *c->keys) ||
	    !ws_grow(a, (void **)&c->steps, &c->steps_cap, (size_t)WS_WORD_CACHE_SLOTS * m->labels.count,
		     sizeof *c->steps))
		return false;
	if (c->model != m->load) {
		memset(c->keys, 0, WS_WORD_CACHE_SLOTS * sizeof *c->keys);
		c->model = m->load;
	}
	return true;
}

void ws_word_cache_free(ws_word_cache *c, const ws_allocator *a)
{
	ws_mem_release(a, c->keys);
	ws_mem_release(a, c->steps);
	memset(c, 0, sizeof *c);
}

void ws_tag_decode(const ws_linear *m, const ws_atoms *atoms, size_t n, ws_word_cache *cache, ws_scratch *s,
		   uint8_t *out)
{
	if (!cache) {
		ws_linear_decode(m, s->features, s->offsets, n, s, out);
		return;
	}
	size_t L = m->labels.count;
	memset(s->emissions, 0, n * L * sizeof *s->emissions);
	for (size_t t = 0; t < n; t++) {
		const uint64_t *f = s->features + s->offsets[t];
		size_t k = s->offsets[t + 1] - s->offsets[t];
		float *emissions = s->emissions + t * L;
		if (k < WS_WORD_FEATURES) {
			ws_linear_score(m, f, k, emissions);
			continue;
		}
		uint64_t key = word_key(&atoms[t]);
		size_t slot = key >> (64 - WS_WORD_CACHE_BITS);
		int32_t *steps = cache->steps + slot * L;
		if (cache->keys[slot] != key) {
			memset(steps, 0, L * sizeof *steps);
			ws_linear_add_steps(m, f, WS_WORD_FEATURES, steps);
			cache->keys[slot] = key;
		}
		/* A tagger's word has fewer features than ws_linear_score sums
		 * at once, so these are the integers it would have summed. */
		ws_linear_score_from(m, steps, f + WS_WORD_FEATURES, k - WS_WORD_FEATURES, emissions);
	}
	ws_viterbi(&m->labels, m->transitions, s->emissions, n, s->back, out);
}

void ws_linear_decode(const ws_linear *m, const uint64_t *features, const uint32_t *offsets, size_t n,
		      ws_scratch *s, uint8_t *out)
{
	size_t L = m->labels.count;
	memset(s->emissions, 0, n * L * sizeof *s->emissions);
	for (size_t t = 0; t < n; t++)
		ws_linear_score(m, features + offsets[t], offsets[t + 1] - offsets[t], s->emissions + t * L);
	ws_viterbi(&m->labels, m->transitions, s->emissions, n, s->back, out);
}

/* ------------------------------------------------------ parse actions */

bool ws_parse_actions_from(const ws_labels *labels, ws_parse_actions *out)
{
	memset(out, 0, sizeof *out);
	out->count = labels->count;
	out->shift = UINT32_MAX;
	for (uint32_t a = 0; a < labels->count; a++) {
		const char *name = labels->names[a];
		if (strcmp(name, "SHIFT") == 0) {
			out->shift = a;
			continue;
		}
		if ((name[0] != 'L' && name[0] != 'R') || name[1] != '-')
			return false;
		out->is_left[a] = name[0] == 'L';
		/* The relation's number: the same name has the same number for
		 * left and right, the order of first appearance. */
		uint8_t rel = 0;
		bool found = false;
		for (uint32_t b = 0; b < a && !found; b++) {
			if (b == out->shift)
				continue;
			if (strcmp(labels->names[b] + 2, name + 2) == 0) {
				rel = out->rel[b];
				found = true;
			}
		}
		if (!found)
			rel = (uint8_t)out->nrels++;
		out->rel[a] = rel;
		if (!found)
			memcpy(out->rel_names[rel], name + 2, strlen(name + 2) + 1);
	}
	/* Without an arc action a parse of two words could never finish: once
	 * the buffer is empty no action would be valid. */
	return out->shift != UINT32_MAX && out->nrels > 0;
}

int ws_parse_rel_index(const ws_parse_actions *actions, const char *name)
{
	for (uint32_t r = 0; r < actions->nrels; r++)
		if (strcmp(actions->rel_names[r], name) == 0)
			return (int)r;
	return -1;
}
