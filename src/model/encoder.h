/*
 * encoder.h — the neural attribution labeller's inputs and its network.
 *
 * The perceptron labeller (5_labeller.c) scores each token with a sum of
 * hashed feature weights.  The neural labeller reads the same evidence
 * as a handful of small categorical inputs per token (its word, its last
 * three letters, its capitalisation, where it stands in the quotation
 * structure, the cue lexicon's opinion, its part of speech, name, parse
 * relation, the cue it hangs from in the parse, the rules' role, and the
 * nearest cue-like words either side) and runs them through a
 * bidirectional LSTM into emission scores for the seven role labels, which
 * a linear-chain CRF's transitions decode exactly (Viterbi).
 *
 * The inputs are computed by 5_labeller.c (ws_roles_inputs), the same code at
 * training time (the trainer's --dump-roles writes them for the PyTorch
 * trainer, tools/train_neural.py) and at analysis time, so the two cannot
 * disagree.  Changing what an input means, or a cardinality below, must
 * raise WS_ENCODER_VERSION: the model's section records it and an
 * encoder built for other inputs is refused.
 */
#ifndef WS_ENCODER_H
#define WS_ENCODER_H

#include "model/model_file.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_ENCODER_VERSION 1u

/* The categorical inputs of a token, in this order; each value is below
 * its cardinality (ws_encoder_cardinality). */
enum {
	WS_IN_SHAPE,        /* punctuation, quote, number, ALLCAPS, Capital, lower; + 8 at a sentence start */
	WS_IN_SUFFIX,       /* hash bucket of the last three bytes of the word form */
	WS_IN_QUOTE,        /* outside, inside, opening, closing; + 4 in a quote of speech */
	WS_IN_CUE_LEVEL,    /* the cue lexicon's probability, in steps */
	WS_IN_POS,          /* part of speech */
	WS_IN_NER,          /* name label */
	WS_IN_REL,          /* dependency relation to its head */
	WS_IN_ANCHOR_REL,   /* relation by which its chain of heads reaches a cue */
	WS_IN_ANCHOR_SIDE,  /* where that cue is (none, left, right, itself) x 4 + links (up to 3) */
	WS_IN_RULE,         /* the rules' role label */
	WS_IN_LEFT_CUE,     /* distance step to the nearest cue-like word on the left x 2 + comma between */
	WS_IN_RIGHT_CUE,    /* the same on the right */
	WS_IN_EDGE,         /* sentence first / last / paragraph start bits, + 8 when the paragraph opens a quote */
	WS_IN_HEAD_POS,     /* part of speech of its head, the last value for a root */
	WS_INPUTS
};

#define WS_SUFFIX_BUCKETS 1024
#define WS_FLOAT_TABLE_ROWS 256
#define WS_WORD_FORM_MAX 32 /* longer word forms have no vector of their own */

/* Values each input takes. */
extern const uint16_t ws_encoder_cardinality[WS_INPUTS];

typedef struct ws_enc_input {
	uint16_t in[WS_INPUTS];
} ws_enc_input;

/* The form under which a word is looked up: ASCII lower case, the
 * typographic apostrophe as ', at most WS_WORD_FORM_MAX bytes.  Returns
 * the length, 0 when the token is too long to have a vector. */
size_t ws_encoder_word_form(const char *text, size_t n, char *out);

/* The suffix bucket of a word form. */
uint16_t ws_encoder_suffix(const char *form, size_t n);

/* A loaded network ("NEUR" section; encoder.c has the layout). */
typedef struct ws_encoder {
	bool present;
	uint32_t hidden;              /* units per direction */
	uint32_t gates;               /* 4 x hidden */
	uint32_t nwords;              /* vocabulary size, row 0 the unknown word */
	/* Per input table (the words first, then each WS_IN_*), rows of
	 * 2 x gates: the input's embedding already multiplied by both
	 * directions' input weights, so that a token's input projection is a
	 * sum of rows.  int8 steps of a per-row scale. */
	const int8_t *rows[WS_INPUTS + 1];
	const float *scales[WS_INPUTS + 1];
	uint32_t nrows[WS_INPUTS + 1];
	/* The same rows times their scales, for the tables of at most
	 * WS_FLOAT_TABLE_ROWS rows (all but the words' and the suffixes'),
	 * else NULL: a few hundred kilobytes that spare every token most of
	 * its widening. */
	const float *float_rows[WS_INPUTS + 1];
	float *bias;                  /* 2 x gates, both directions' biases */
	/* The recurrent weights, per direction, quantised at load time: int8
	 * steps of a scale per gate, in blocks of 32 bytes (eight gates by
	 * four units, gate-major), block (q, b) for units 4q.. and gates 8b..
	 * at (q x gates / 8 + b) x 32.  That is one multiply-add of bytes
	 * (VNNI) or one chain of three (AVX2) per block. */
	int8_t *recurrent[2];         /* index: ws_recurrent_at */
	float *recurrent_scale[2];    /* gates: a weight step times an h step (1 / 127) */
	int32_t *recurrent_excess[2]; /* gates: 128 x the sum of its steps (what h + 128 adds) */
	float *out;                   /* (2 x hidden) x 8: per input, its weight to each label, 0-padded */
	float *out_bias;              /* 8, the labels' and a zero */
	float transitions[8 * 7];     /* (labels + 1) x labels, the last row from the start */
	/* the vocabulary: open addressing over word forms */
	unsigned char *forms;         /* nwords entries: length byte, then bytes */
	uint32_t *form_at;            /* offset of each word's entry in forms */
	uint32_t *slots;              /* word ids + 1, 0 empty */
	size_t slot_mask;
	char *provenance;             /* JSON, from the section */
	void *owned;                  /* one block holding every float array and slots */
} ws_encoder;

/* Where, in a direction's recurrent blocks, the weight from unit k to gate
 * g lies (gates in all). */
static inline size_t ws_recurrent_at(size_t gates, size_t k, size_t g)
{
	return ((k / 4) * (gates / 8) + g / 8) * 32 + (g % 8) * 4 + k % 4;
}

struct ws_allocator;
ws_status ws_encoder_load(ws_encoder *e, const struct ws_allocator *a, const ws_section *section, ws_error *err);
void ws_encoder_free(ws_encoder *e, const struct ws_allocator *a);

/* The word id of a word form (0 = unknown). */
uint32_t ws_encoder_word(const ws_encoder *e, const char *form, size_t n);

/* Emission scores (n x labels) for n tokens with these inputs and word
 * ids.  work holds ws_encoder_work_floats(e, n) floats. */
size_t ws_encoder_work_floats(const ws_encoder *e, size_t n);
void ws_encoder_emissions(const ws_encoder *e, const ws_enc_input *in, const uint32_t *words, size_t n,
			  float *work, float *emissions);

/* The builds of the forward pass, each faster than the last where the
 * processor has it; ws_encoder_emissions runs the best one. */
typedef enum ws_encoder_build {
	WS_ENCODER_PORTABLE,
	WS_ENCODER_AVX2, /* AVX2 and FMA */
	WS_ENCODER_VNNI, /* and AVX-VNNI, for the recurrent product */
} ws_encoder_build;

ws_encoder_build ws_encoder_best_build(void);

/* The same by a given build, one no better than the best (for the tests:
 * on a machine with VNNI the call above never takes the others). */
void ws_encoder_emissions_by(ws_encoder_build build, const ws_encoder *e, const ws_enc_input *in,
			     const uint32_t *words, size_t n, float *work, float *emissions);

#endif /* WS_ENCODER_H */
