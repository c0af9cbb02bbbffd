/*
 * linear.h — the linear sequence model behind every learned stage.
 *
 * Part of speech, names and attribution roles are all one kind of model:
 * each token has a set of hashed features, each feature a weight per label,
 * and a label's score at a token is the sum of its features' weights plus
 * a weight for the transition from the previous label.  Decoding is exact
 * (Viterbi).  Training (learn.c) is the averaged structured perceptron.
 *
 * Labels named "I-X" may only follow "B-X" or "I-X": decoding never
 * produces a span that starts inside.
 */
#ifndef WS_LINEAR_H
#define WS_LINEAR_H

#include "model/model_file.h"

#define WS_MAX_LABELS 128
#define WS_LABEL_NAME 16

typedef struct ws_labels {
	uint32_t count;
	char names[WS_MAX_LABELS][WS_LABEL_NAME];
	/* allowed[a][b]: may label b follow label a?  Row count is the start. */
	bool allowed[WS_MAX_LABELS + 1][WS_MAX_LABELS];
	/* The labels b may follow, in ascending order: npreceding[b] of
	 * preceding[b] (an I-X only after B-X or I-X, the rest after any). */
	uint8_t preceding[WS_MAX_LABELS][WS_MAX_LABELS];
	uint8_t npreceding[WS_MAX_LABELS];
} ws_labels;

/* Set names and derive the allowed transitions; false on a bad name. */
bool ws_labels_set(ws_labels *labels, const char *const *names, uint32_t count);
/* Index of a label by name, or -1. */
int ws_label_index(const ws_labels *labels, const char *name);

/* A feature of a loaded model: its key, where its weights start (the
 * top 24 bits of place) and how many there are (the low 8 bits; 0 marks
 * an empty slot).  Eight bytes, so that a probe reads one cache line.
 * A feature with weights for many labels keeps them as a dense row
 * instead, marked WS_SLOT_DENSE, its first bits then the row's number. */
typedef struct ws_slot {
	uint32_t key;
	uint32_t place;
} ws_slot;

#define WS_SLOT_FIRST(s) ((s)->place >> 8)
#define WS_SLOT_COUNT(s) ((s)->place & 0xFF)
#define WS_SLOT_DENSE 0xFF
#define WS_MAX_ENTRIES (1u << 24)

/* Labels per step of a dense row: rows are padded to a multiple of this,
 * so that adding one is a loop of whole vectors. */
#define WS_DENSE_BLOCK 16

/* One weight: a number of steps of the model's scale, for one label. */
typedef struct ws_entry {
	int16_t steps;
	uint8_t label;
} ws_entry;

typedef struct ws_linear {
	ws_labels labels;
	float *transitions;     /* (count + 1) x count; the last row is the start */
	float scale;            /* the weight of one step */
	ws_slot *slots;         /* hash table over the features, by key */
	size_t slot_mask;
	unsigned slot_shift;    /* a key's home slot is key >> slot_shift */
	ws_entry *entries;
	size_t nfeatures, nentries;
	/* Features with more than WS_DENSE_FROM weights (the frequent ones,
	 * which a document looks up most): all labels' steps in a row of
	 * dense_stride, zero where the feature has no weight. */
	int16_t *dense;
	size_t ndense, dense_stride;
	uint64_t load;          /* which load this is (from 1): what caches of its weights hold to */
} ws_linear;

/* A feature: a template number and a string, hashed together.  Inline,
 * like the join below: the taggers and the parser compute a few dozen per
 * word, and a call costs as much as the hash. */
static inline uint64_t ws_feature(uint32_t template_id, const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull ^ template_id;
	h *= 1099511628211ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

/* The same feature joined with another feature's hash (conjunctions). */
static inline uint64_t ws_feature_join(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
	h ^= h >> 31;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 29;
	return h;
}
/* The 32 bits of a feature a model file stores: two features that share
 * them share their weights (a few do, among a model's million). */
static inline uint32_t ws_feature_key(uint64_t feature) { return (uint32_t)(feature ^ feature >> 32); }

/* Parse a section written by ws_learner_save(); everything is checked. */
ws_status ws_linear_load(ws_linear *m, const ws_allocator *a, const ws_section *section, ws_error *err);
void ws_linear_free(ws_linear *m, const ws_allocator *a);

/* Add bias[b] to every transition into label b of a saved section: the
 * same as adding it to label b's score at every token, which is how a
 * trained model is tuned towards recall or precision of a label. */
bool ws_section_add_label_bias(unsigned char *data, size_t len, const float *bias);

/* scores[label] += the weights of the features. */
void ws_linear_score(const ws_linear *m, const uint64_t *features, size_t n, float *scores);

/* The same in two parts, with the same result: steps[label] (count of
 * them) += the features' weights in steps of the model's scale, and then
 * scores[label] += (base[label] + the weights of the further features) in
 * the model's scale.  A stage can keep base for features it meets again. */
void ws_linear_add_steps(const ws_linear *m, const uint64_t *features, size_t n, int32_t *steps);
void ws_linear_score_from(const ws_linear *m, const int32_t *base, const uint64_t *features, size_t n,
			  float *scores);

/* The best label sequence for n tokens given emissions (n x count) and
 * transitions ((count + 1) x count).  back holds n x count bytes. */
void ws_viterbi(const ws_labels *labels, const float *transitions, const float *emissions, size_t n,
		uint8_t *back, uint8_t *out);

/* ------------------------------------------------------------- training */

typedef struct ws_learner ws_learner;

ws_learner *ws_learner_new(const ws_labels *labels);
void ws_learner_free(ws_learner *l);
/* Emission scores of the current weights for one token. */
void ws_learner_score(const ws_learner *l, const uint64_t *features, size_t n, float *scores);
const float *ws_learner_transitions(const ws_learner *l);
/* One perceptron step on a sequence: features of token t are
 * features[offsets[t]..offsets[t+1]); gold and predicted labels per token.
 * Returns false when memory runs out. */
bool ws_learner_update(ws_learner *l, const uint64_t *features, const uint32_t *offsets, size_t n,
		       const uint8_t *gold, const uint8_t *predicted);
/* Decode a sequence with the current weights (emission scratch is
 * n x count floats, back n x count bytes). */
void ws_learner_decode(const ws_learner *l, const uint64_t *features, const uint32_t *offsets, size_t n,
		       float *emissions, uint8_t *back, uint8_t *out);
/* The averaged weights, those below prune times the largest in magnitude
 * dropped (and a feature with none left), in the
 * section format ws_linear_load() reads. */
bool ws_learner_save(ws_learner *l, float prune, ws_writer *out);
size_t ws_learner_features(const ws_learner *l);

#endif /* WS_LINEAR_H */
