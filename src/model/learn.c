/*
 * learn.c — training the linear sequence model: the averaged structured
 * perceptron (Collins 2002).
 *
 * A feature gets a row of weights, one per label, the first time an update
 * touches it, so features that never matter cost nothing.  Averaging is
 * lazy: a row remembers when it last changed and catches its running total
 * up only when touched again or saved.  Training runs only in the
 * `whosaid train` command, so it allocates with malloc.
 */
#include "model/linear.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ws_learner {
	ws_labels labels;
	uint64_t clock;         /* updates so far, plus one */
	uint64_t *keys;         /* hash table: feature -> row; 0 is never a key */
	uint32_t *row_of;
	size_t slots, used;
	float *weights;         /* rows x count */
	double *totals;         /* rows x count: weight summed over time */
	uint64_t *stamps;       /* rows: clock at the last catch-up */
	size_t rows, rows_cap;
	/* transitions: the last row block, (count + 1) x count */
	float *trans;
	double *trans_totals;
	uint64_t trans_stamp;
};

ws_learner *ws_learner_new(const ws_labels *labels)
{
	ws_learner *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->labels = *labels;
	l->clock = 1;
	l->slots = 1 << 16;
	l->keys = calloc(l->slots, sizeof *l->keys);
	l->row_of = calloc(l->slots, sizeof *l->row_of);
	size_t nt = (size_t)(labels->count + 1) * labels->count;
	l->trans = calloc(nt, sizeof *l->trans);
	l->trans_totals = calloc(nt, sizeof *l->trans_totals);
	if (!l->keys || !l->row_of || !l->trans || !l->trans_totals) {
		ws_learner_free(l);
		return NULL;
	}
	return l;
}

void ws_learner_free(ws_learner *l)
{
	if (!l)
		return;
	free(l->keys);
	free(l->row_of);
	free(l->weights);
	free(l->totals);
	free(l->stamps);
	free(l->trans);
	free(l->trans_totals);
	free(l);
}

size_t ws_learner_features(const ws_learner *l) { return l->rows; }

static uint64_t nonzero(uint64_t key) { return key ? key : 1; }

static long find_row(const ws_learner *l, uint64_t key)
{
	key = nonzero(key);
	size_t mask = l->slots - 1;
	for (size_t s = (size_t)(key ^ key >> 32) & mask; l->keys[s]; s = (s + 1) & mask)
		if (l->keys[s] == key)
			return l->row_of[s];
	return -1;
}

static bool rehash(ws_learner *l)
{
	size_t slots = l->slots * 2;
	uint64_t *keys = calloc(slots, sizeof *keys);
	uint32_t *row_of = calloc(slots, sizeof *row_of);
	if (!keys || !row_of) {
		free(keys);
		free(row_of);
		return false;
	}
	for (size_t i = 0; i < l->slots; i++) {
		if (!l->keys[i])
			continue;
		size_t s = (size_t)(l->keys[i] ^ l->keys[i] >> 32) & (slots - 1);
		while (keys[s])
			s = (s + 1) & (slots - 1);
		keys[s] = l->keys[i];
		row_of[s] = l->row_of[i];
	}
	free(l->keys);
	free(l->row_of);
	l->keys = keys;
	l->row_of = row_of;
	l->slots = slots;
	return true;
}

static long add_row(ws_learner *l, uint64_t key)
{
	size_t L = l->labels.count;
	if ((l->used + 1) * 2 > l->slots && !rehash(l))
		return -1;
	if (l->rows == l->rows_cap) {
		size_t cap = l->rows_cap ? l->rows_cap * 2 : 4096;
		float *w = realloc(l->weights, cap * L * sizeof *w);
		if (w)
			l->weights = w;
		double *t = realloc(l->totals, cap * L * sizeof *t);
		if (t)
			l->totals = t;
		uint64_t *st = realloc(l->stamps, cap * sizeof *st);
		if (st)
			l->stamps = st;
		if (!w || !t || !st)
			return -1;
		l->rows_cap = cap;
	}
	key = nonzero(key);
	size_t mask = l->slots - 1;
	size_t s = (size_t)(key ^ key >> 32) & mask;
	while (l->keys[s])
		s = (s + 1) & mask;
	size_t row = l->rows++;
	l->keys[s] = key;
	l->row_of[s] = (uint32_t)row;
	l->used++;
	memset(l->weights + row * L, 0, L * sizeof *l->weights);
	memset(l->totals + row * L, 0, L * sizeof *l->totals);
	l->stamps[row] = l->clock;
	return (long)row;
}

/* Bring a block of weights' running totals up to the present. */
static void catch_up(const float *w, double *total, uint64_t *stamp, size_t n, uint64_t clock)
{
	double elapsed = (double)(clock - *stamp);
	if (elapsed > 0)
		for (size_t i = 0; i < n; i++)
			total[i] += elapsed * w[i];
	*stamp = clock;
}

void ws_learner_score(const ws_learner *l, const uint64_t *features, size_t n, float *scores)
{
	size_t L = l->labels.count;
	for (size_t i = 0; i < n; i++) {
		long row = find_row(l, features[i]);
		if (row < 0)
			continue;
		const float *w = l->weights + (size_t)row * L;
		for (size_t b = 0; b < L; b++)
			scores[b] += w[b];
	}
}

const float *ws_learner_transitions(const ws_learner *l) { return l->trans; }

void ws_learner_decode(const ws_learner *l, const uint64_t *features, const uint32_t *offsets, size_t n,
		       float *emissions, uint8_t *back, uint8_t *out)
{
	size_t L = l->labels.count;
	memset(emissions, 0, n * L * sizeof *emissions);
	for (size_t t = 0; t < n; t++)
		ws_learner_score(l, features + offsets[t], offsets[t + 1] - offsets[t], emissions + t * L);
	ws_viterbi(&l->labels, l->trans, emissions, n, back, out);
}

static bool adjust(ws_learner *l, uint64_t key, uint8_t label, float delta)
{
	size_t L = l->labels.count;
	long row = find_row(l, key);
	if (row < 0 && (row = add_row(l, key)) < 0)
		return false;
	catch_up(l->weights + (size_t)row * L, l->totals + (size_t)row * L, &l->stamps[row], L, l->clock);
	l->weights[(size_t)row * L + label] += delta;
	return true;
}

bool ws_learner_update(ws_learner *l, const uint64_t *features, const uint32_t *offsets, size_t n,
		       const uint8_t *gold, const uint8_t *predicted)
{
	size_t L = l->labels.count;
	bool changed = false;
	for (size_t t = 0; t < n; t++) {
		size_t gp = t ? gold[t - 1] : L, pp = t ? predicted[t - 1] : L;
		if (gold[t] != predicted[t] || gp != pp) {
			if (!changed)
				catch_up(l->trans, l->trans_totals, &l->trans_stamp, (L + 1) * L, l->clock);
			changed = true;
			l->trans[gp * L + gold[t]] += 1;
			l->trans[pp * L + predicted[t]] -= 1;
		}
		if (gold[t] == predicted[t])
			continue;
		for (uint32_t k = offsets[t]; k < offsets[t + 1]; k++)
			if (!adjust(l, features[k], gold[t], 1) || !adjust(l, features[k], predicted[t], -1))
				return false;
	}
	l->clock++;
	return true;
}

/* ---------------------------------------------------------------- save */

typedef struct saved_row {
	uint64_t key;
	uint32_t row;
} saved_row;

static int by_key(const void *a, const void *b)
{
	uint64_t x = ((const saved_row *)a)->key, y = ((const saved_row *)b)->key;
	return x < y ? -1 : x > y;
}

bool ws_learner_save(ws_learner *l, float prune, ws_writer *out)
{
	size_t L = l->labels.count;
	double time = (double)l->clock;
	saved_row *kept = malloc((l->rows ? l->rows : 1) * sizeof *kept);
	float *avg = malloc((l->rows ? l->rows : 1) * L * sizeof *avg);
	if (!kept || !avg) {
		free(kept);
		free(avg);
		return false;
	}
	/* Weights are stored as 16-bit steps of one scale per section: the
	 * largest weight is 32767 steps; smaller than half a step is zero. */
	float largest = 0;
	for (size_t s = 0; s < l->slots; s++) {
		if (!l->keys[s])
			continue;
		uint32_t row = l->row_of[s];
		catch_up(l->weights + (size_t)row * L, l->totals + (size_t)row * L, &l->stamps[row], L, l->clock);
		for (size_t b = 0; b < L; b++) {
			float v = (float)(l->totals[(size_t)row * L + b] / time);
			avg[(size_t)row * L + b] = v;
			if (fabsf(v) > largest)
				largest = fabsf(v);
		}
	}
	float scale = largest > 0 ? largest / 32767.0f : 1.0f;
	prune *= largest;
	if (prune < scale / 2)
		prune = scale / 2;
	size_t nkept = 0;
	for (size_t s = 0; s < l->slots; s++) {
		if (!l->keys[s])
			continue;
		uint32_t row = l->row_of[s];
		bool any = false;
		for (size_t b = 0; b < L; b++)
			any |= fabsf(avg[(size_t)row * L + b]) >= prune;
		if (any)
			kept[nkept++] = (saved_row){ws_feature_key(l->keys[s]), row};
	}
	qsort(kept, nkept, sizeof *kept, by_key);
	/* Features whose stored keys coincide become one, their weights
	 * summed: what a lookup would have found anyway. */
	size_t nmerged = 0;
	for (size_t i = 0; i < nkept; i++) {
		if (nmerged && kept[nmerged - 1].key == kept[i].key) {
			float *into = avg + (size_t)kept[nmerged - 1].row * L, *from = avg + (size_t)kept[i].row * L;
			for (size_t b = 0; b < L; b++)
				into[b] += from[b];
			continue;
		}
		kept[nmerged++] = kept[i];
	}
	nkept = nmerged;

	ws_write_u32(out, (uint32_t)L);
	for (size_t b = 0; b < L; b++) {
		size_t n = strlen(l->labels.names[b]);
		ws_write_u8(out, (uint8_t)n);
		ws_write_bytes(out, l->labels.names[b], n);
	}
	catch_up(l->trans, l->trans_totals, &l->trans_stamp, (L + 1) * L, l->clock);
	for (size_t i = 0; i < (L + 1) * L; i++)
		ws_write_f32(out, (float)(l->trans_totals[i] / time));
	/* A merged feature may have lost all its weight; it still goes out
	 * with one entry, so that every feature has at least one. */
	ws_write_u32(out, (uint32_t)nkept);
	for (size_t i = 0; i < nkept; i++)
		ws_write_u32(out, (uint32_t)kept[i].key);
	for (size_t i = 0; i < nkept; i++) {
		uint8_t n = 0;
		for (size_t b = 0; b < L; b++)
			n += fabsf(avg[(size_t)kept[i].row * L + b]) >= prune;
		ws_write_u8(out, n ? n : 1);
	}
	ws_write_f32(out, scale);
	for (size_t i = 0; i < nkept; i++) {
		bool any = false;
		for (size_t b = 0; b < L; b++)
			if (fabsf(avg[(size_t)kept[i].row * L + b]) >= prune)
				ws_write_u8(out, (uint8_t)b), any = true;
		if (!any)
			ws_write_u8(out, 0);
	}
	for (size_t i = 0; i < nkept; i++) {
		bool any = false;
		for (size_t b = 0; b < L; b++) {
			float v = avg[(size_t)kept[i].row * L + b];
			if (fabsf(v) >= prune) {
				long q = lroundf(v / scale);
				ws_write_u16(out, (uint16_t)(int16_t)(q > 32767 ? 32767 : q < -32767 ? -32767 : q));
				any = true;
			}
		}
		if (!any)
			ws_write_u16(out, 0);
	}
	free(kept);
	free(avg);
	return !out->failed;
}
