/*
 * features.h — what the learned stages look at, the working memory they
 * decode in, and the label sets they decode into.
 *
 * The same functions compute features when whosaid trains and when it
 * runs, so the two can never disagree.  Any change to what they compute
 * must raise WS_FEATURE_SET_VERSION: a model trained on other features is
 * then refused when it loads instead of silently answering nonsense.
 */
#ifndef WS_FEATURES_H
#define WS_FEATURES_H

#include "base/base.h"
#include "model/encoder.h"
#include "model/linear.h"

#define WS_FEATURE_SET_VERSION 3u
#define WS_MAX_FEATURES 128   /* per token, for any stage */

/* A word as the taggers see it: Penn Treebank tokens, where a clitic such
 * as 's or n't is a word of its own. */
typedef struct ws_word {
	const char *text;
	uint32_t len;
	uint32_t token;         /* the document token it comes from */
	uint8_t pos;            /* filled in by the part-of-speech tagger */
} ws_word;

/* What the taggers read of one word, hashed once per word. */
typedef struct ws_atoms {
	uint64_t lower;         /* lower case, digits as 0 */
	uint64_t form;          /* as written */
	uint64_t shape;         /* Xx, X.X., d,d, x-x ... */
	uint64_t prefix[2];     /* first 1 and 2 characters (lower case) */
	uint64_t suffix[4];     /* last 1 to 4 characters (lower case) */
	uint8_t flags;          /* WS_ATOM_* */
} ws_atoms;

enum {
	WS_ATOM_CAPITAL = 1,    /* starts with an upper-case letter */
	WS_ATOM_DIGIT = 2,      /* has a digit */
	WS_ATOM_HYPHEN = 4,     /* has a hyphen */
	WS_ATOM_LETTER = 8      /* has a letter */
};

void ws_word_atoms(const ws_word *word, ws_atoms *out);
/* The atoms of every word of a sentence: computed once per sentence and
 * read by both taggers and the parser. */
void ws_words_atoms(const ws_word *words, size_t n, ws_atoms *atoms);

/* Features of word t of a sentence of n words, into out; returns how many
 * (at most WS_MAX_FEATURES).  The first WS_WORD_FEATURES of them read the
 * word alone (its forms, shape, affixes and flags), the others its
 * neighbours too. */
#define WS_WORD_FEATURES 11
size_t ws_pos_features(const ws_atoms *atoms, size_t n, size_t t, uint64_t *out);
/* The name tagger also sees each word's part of speech. */
size_t ws_ner_features(const ws_atoms *atoms, const ws_word *words, size_t n, size_t t, uint64_t *out);

/* Where a Penn Treebank tokenizer would split the word w[0..n) in two
 * (Trump's -> Trump 's, don't -> do n't), or 0. */
size_t ws_clitic_split(const char *w, size_t n);

/* ------------------------------------------------------------ tagging */

typedef enum ws_tagger_kind { WS_TAGGER_POS, WS_TAGGER_NER } ws_tagger_kind;

/* What a tagger's weights give the word features of a word, summed once
 * and kept for the word's next appearance: most of a text's words have
 * appeared before, in it or in an earlier document.  Direct-mapped by a
 * hash of the word's atoms; one per tagger and document object (so per
 * thread), for one model at a time. */
#define WS_WORD_CACHE_BITS 12
#define WS_WORD_CACHE_SLOTS (1u << WS_WORD_CACHE_BITS)
typedef struct ws_word_cache {
	uint64_t model;         /* whose steps these are: the model's load */
	uint64_t *keys;         /* per slot, its word's key (0: empty) */
	size_t keys_cap;
	int32_t *steps;         /* per slot, a step count per label */
	size_t steps_cap;
} ws_word_cache;

/* Working memory for tagging or labelling one sequence, kept across
 * sequences and documents. */
typedef struct ws_scratch {
	ws_word *words;
	size_t words_cap;
	ws_atoms *atoms;
	size_t atoms_cap;
	uint32_t *offsets;
	size_t offsets_cap;
	uint64_t *features;
	size_t features_cap;
	float *emissions;
	size_t emissions_cap;
	uint8_t *back;
	size_t back_cap;
	uint8_t *labels;
	size_t labels_cap;
	void *records;          /* a stage's own records per word */
	size_t records_cap;     /* in bytes */
	double *alpha, *beta;   /* the labeller's forward and backward scores */
	size_t alpha_cap, beta_cap;
	float *posterior;       /* the probability of each word's label */
	size_t posterior_cap;
	ws_enc_input *inputs;   /* the neural labeller's inputs, word ids and */
	size_t inputs_cap;      /* working floats (encoder.h) */
	uint32_t *word_ids;
	size_t word_ids_cap;
	float *work;
	size_t work_cap;
	int32_t *parse;         /* the parser's stack and arcs: 5 per word */
	size_t parse_cap;
	uint8_t *parse_rel;
	size_t parse_rel_cap;
	ws_word_cache word_cache[2]; /* the taggers', by ws_tagger_kind */
} ws_scratch;

/* Room for a sequence of this many words and labels, and record_size
 * bytes of records per word. */
bool ws_scratch_reserve(ws_scratch *s, const ws_allocator *a, size_t words, uint32_t labels, size_t record_size);
void ws_scratch_free(ws_scratch *s, const ws_allocator *a);

/* Room for model m's steps; emptied when m is not the model it held. */
bool ws_word_cache_ready(ws_word_cache *c, const ws_allocator *a, const ws_linear *m);
void ws_word_cache_free(ws_word_cache *c, const ws_allocator *a);

/* Best labels for a sentence of n tagger words whose features (from
 * ws_pos_features or ws_ner_features) are in s, with a word cache for m
 * or none. */
void ws_tag_decode(const ws_linear *m, const ws_atoms *atoms, size_t n, ws_word_cache *cache, ws_scratch *s,
		   uint8_t *out);

/* Best labels for a sequence whose features are computed. */
void ws_linear_decode(const ws_linear *m, const uint64_t *features, const uint32_t *offsets, size_t n,
		      ws_scratch *s, uint8_t *out);

/* ---------------------------------------------------- parse actions */

/* The parser's actions, read from its labels: "SHIFT", "L-rel", "R-rel". */
typedef struct ws_parse_actions {
	uint32_t count, shift, nrels;
	bool is_left[WS_MAX_LABELS];
	uint8_t rel[WS_MAX_LABELS];
	char rel_names[WS_MAX_LABELS][WS_LABEL_NAME];
} ws_parse_actions;

bool ws_parse_actions_from(const ws_labels *labels, ws_parse_actions *out);
/* The number of a relation by name ("nsubj"), or -1. */
int ws_parse_rel_index(const ws_parse_actions *actions, const char *name);

/* The labels of the name tagger: BIO over four classes. */
extern const char *const ws_ner_label_names[];
#define WS_NER_LABELS 9

/* The labels of the attribution labeller: BIO over the three roles. */
extern const char *const ws_role_label_names[];
#define WS_ROLE_LABELS 7
enum { WS_ROLE_O, WS_ROLE_B_SOURCE, WS_ROLE_I_SOURCE, WS_ROLE_B_CUE, WS_ROLE_I_CUE, WS_ROLE_B_CONTENT,
       WS_ROLE_I_CONTENT };

#endif /* WS_FEATURES_H */
