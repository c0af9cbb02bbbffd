/*
 * linear.c — loading, scoring and decoding the linear sequence model
 * (linear.h).
 *
 * The section a model is stored in, little-endian:
 *
 *   u32 label count, then per label: u8 length, the name
 *   f32 transitions[(count + 1) * count]
 *   u32 feature count F, u32 keys[F] (strictly ascending; ws_feature_key)
 *   u8  entries per feature[F] (1 to the label count)
 *   f32 scale
 *   u8  entry_label[E], i16 entry_weight[E] (in steps of scale), where E
 *       is the sum of the entry counts, each feature's labels ascending
 */
#include "base/base.h"
#include "model/linear.h"

#include <math.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>

bool ws_labels_set(ws_labels *labels, const char *const *names, uint32_t count)
{
	memset(labels, 0, sizeof *labels);
	if (count == 0 || count > WS_MAX_LABELS)
		return false;
	labels->count = count;
	for (uint32_t i = 0; i < count; i++) {
		size_t n = strlen(names[i]);
		if (n == 0 || n >= WS_LABEL_NAME)
			return false;
		memcpy(labels->names[i], names[i], n + 1);
	}
	for (uint32_t prev = 0; prev <= count; prev++)
		for (uint32_t next = 0; next < count; next++) {
			const char *b = labels->names[next];
			bool inside = b[0] == 'I' && b[1] == '-';
			bool ok = !inside;
			if (inside && prev < count) {
				const char *a = labels->names[prev];
				ok = (a[0] == 'B' || a[0] == 'I') && a[1] == '-' && strcmp(a + 2, b + 2) == 0;
			}
			labels->allowed[prev][next] = ok;
			if (ok && prev < count)
				labels->preceding[next][labels->npreceding[next]++] = (uint8_t)prev;
		}
	return true;
}

int ws_label_index(const ws_labels *labels, const char *name)
{
	for (uint32_t i = 0; i < labels->count; i++)
		if (strcmp(labels->names[i], name) == 0)
			return (int)i;
	return -1;
}

/* FNV-1a over the template number and the bytes, then a final mix so that
 * similar strings spread over the hash index. */
/* ---------------------------------------------------------------- load */

static ws_status bad(ws_error *err, const ws_section *s, const char *what)
{
	if (err) {
		err->code = WS_ERR_MODEL;
		err->position = 0;
		snprintf(err->message, sizeof err->message, "model section '%s' is invalid: %s", s->tag, what);
	}
	return WS_ERR_MODEL;
}

static ws_status nomem(ws_error *err)
{
	if (err) {
		err->code = WS_ERR_NOMEM;
		err->position = 0;
		snprintf(err->message, sizeof err->message, "out of memory loading the model");
	}
	return WS_ERR_NOMEM;
}

/* See ws_linear_load(): measured on the dev articles, see docs/performance.md. */
#define WS_DENSE_FROM 12

/* The largest weight a model may hold: a sum of a few hundred of them
 * stays far from overflow, so scores are always numbers. */
#define WS_MAX_WEIGHT 1e12f

/* A key's home slot: its top bits.  Keys are hashes, so the top bits
 * spread them evenly, and a model's keys, stored in ascending order, fill
 * the table front to back when it loads. */
static size_t slot_of(uint32_t key, unsigned shift) { return shift >= 32 ? 0 : (size_t)(key >> shift); }

ws_status ws_linear_load(ws_linear *m, const ws_allocator *a, const ws_section *section, ws_error *err)
{
	/* Every load its own number, even when a freed model's memory is
	 * reused for the next (threads may load at once). */
	static atomic_uint_fast64_t loads;
	memset(m, 0, sizeof *m);
	m->load = atomic_fetch_add(&loads, 1) + 1;
	ws_reader r = {section->data, section->len, 0, false};
	uint32_t count = ws_read_u32(&r);
	if (r.failed || count == 0 || count > WS_MAX_LABELS)
		return bad(err, section, "label count out of range");
	char names[WS_MAX_LABELS][WS_LABEL_NAME];
	const char *pointers[WS_MAX_LABELS];
	for (uint32_t i = 0; i < count; i++) {
		uint8_t n = ws_read_u8(&r);
		const unsigned char *p = ws_read_bytes(&r, n);
		if (!p || n == 0 || n >= WS_LABEL_NAME || memchr(p, 0, n))
			return bad(err, section, "label name");
		memcpy(names[i], p, n);
		names[i][n] = '\0';
		pointers[i] = names[i];
	}
	if (!ws_labels_set(&m->labels, pointers, count))
		return bad(err, section, "label names");

	size_t ntrans = (size_t)(count + 1) * count;
	const unsigned char *trans = ws_read_bytes(&r, ntrans * 4);
	uint32_t nfeatures = ws_read_u32(&r);
	/* Bound the counts by the bytes that remain before allocating. */
	if (r.failed || nfeatures > (r.len - r.pos) / 5)
		return bad(err, section, "feature count exceeds the section");
	const unsigned char *keys = ws_read_bytes(&r, (size_t)nfeatures * 4);
	const unsigned char *counts = ws_read_bytes(&r, nfeatures);
	float scale = ws_read_f32(&r);
	if (r.failed)
		return bad(err, section, "truncated feature table");
	if (!(scale > 0 && scale <= WS_MAX_WEIGHT / 32767))
		return bad(err, section, "weight scale is not a positive number of sensible size");
	size_t nentries = 0;
	for (uint32_t f = 0; f < nfeatures; f++) {
		if (counts[f] == 0 || counts[f] > count)
			return bad(err, section, "a feature's entry count is out of range");
		nentries += counts[f];
	}
	if (nentries >= WS_MAX_ENTRIES)
		return bad(err, section, "more weights than a model may hold");
	const unsigned char *labels = ws_read_bytes(&r, nentries);
	const unsigned char *weights = ws_read_bytes(&r, nentries * 2);
	if (r.failed || r.pos != r.len)
		return bad(err, section, "size does not match its contents");

	/* A feature with more weights than this keeps them as a dense row:
	 * adding a row of whole vectors costs less than walking that many
	 * (label, steps) pairs one by one, and these are the features a
	 * document meets most often.  The sums are the same integers either
	 * way, so the scores are too. */
	size_t ndense = 0;
	for (uint32_t f = 0; f < nfeatures; f++)
		ndense += counts[f] > WS_DENSE_FROM;
	m->dense_stride = (count + WS_DENSE_BLOCK - 1) / WS_DENSE_BLOCK * WS_DENSE_BLOCK;
	m->ndense = ndense;
	m->nfeatures = nfeatures;
	m->scale = scale;
	/* At most two thirds full, so that a probe is short. */
	size_t nslots = 16;
	m->slot_shift = 28;
	while (nslots < (size_t)nfeatures + nfeatures / 2) {
		nslots *= 2;
		m->slot_shift--;
	}
	m->slot_mask = nslots - 1;
	m->transitions = ws_mem_alloc(a, ntrans * sizeof *m->transitions);
	m->slots = ws_mem_alloc(a, nslots * sizeof *m->slots);
	m->entries = ws_mem_alloc(a, (nentries ? nentries : 1) * sizeof *m->entries);
	m->dense = ws_mem_alloc(a, (ndense ? ndense : 1) * m->dense_stride * sizeof *m->dense);
	if (!m->transitions || !m->slots || !m->entries || !m->dense) {
		ws_linear_free(m, a);
		return nomem(err);
	}
	ws_status st = WS_OK;
	ws_reader tr = {trans, ntrans * 4, 0, false};
	for (size_t i = 0; i < ntrans; i++) {
		m->transitions[i] = ws_read_f32(&tr);
		if (!(fabsf(m->transitions[i]) <= WS_MAX_WEIGHT))
			st = bad(err, section, "transition weight is not a number of sensible size");
	}
	ws_reader kr = {keys, (size_t)nfeatures * 4, 0, false};
	ws_reader wr = {weights, nentries * 2, 0, false};
	memset(m->slots, 0, nslots * sizeof *m->slots);
	memset(m->dense, 0, ndense * m->dense_stride * sizeof *m->dense);
	uint32_t first = 0, previous = 0, sparse = 0, row = 0;
	for (uint32_t f = 0; f < nfeatures && st == WS_OK; f++) {
		uint32_t key = ws_read_u32(&kr);
		if (f > 0 && key <= previous)
			st = bad(err, section, "feature keys are not in order");
		previous = key;
		size_t s = slot_of(key, m->slot_shift);
		while (WS_SLOT_COUNT(&m->slots[s]))
			s = (s + 1) & m->slot_mask;
		bool dense = counts[f] > WS_DENSE_FROM;
		m->slots[s] = dense ? (ws_slot){key, row << 8 | WS_SLOT_DENSE} : (ws_slot){key, sparse << 8 | counts[f]};
		for (uint32_t e = first; e < first + counts[f]; e++) {
			int16_t steps = (int16_t)ws_read_u16(&wr);
			if (labels[e] >= count || (e > first && labels[e] <= labels[e - 1])) {
				st = bad(err, section, "a feature's labels are out of range or order");
				break;
			}
			if (dense)
				m->dense[(size_t)row * m->dense_stride + labels[e]] = steps;
			else
				m->entries[sparse++] = (ws_entry){steps, labels[e]};
		}
		row += dense;
		first += counts[f];
	}
	m->nentries = sparse;
	if (st != WS_OK)
		ws_linear_free(m, a);
	return st;
}

bool ws_section_add_label_bias(unsigned char *data, size_t len, const float *bias)
{
	ws_reader r = {data, len, 0, false};
	uint32_t count = ws_read_u32(&r);
	if (r.failed || count == 0 || count > WS_MAX_LABELS)
		return false;
	for (uint32_t i = 0; i < count; i++)
		ws_read_bytes(&r, ws_read_u8(&r));
	size_t at = r.pos;
	if (r.failed || !ws_read_bytes(&r, (size_t)(count + 1) * count * 4))
		return false;
	for (size_t i = 0; i < (size_t)(count + 1) * count; i++) {
		ws_reader one = {data + at + 4 * i, 4, 0, false};
		float v = ws_read_f32(&one) + bias[i % count];
		uint32_t bits;
		memcpy(&bits, &v, sizeof bits);
		for (int k = 0; k < 4; k++)
			data[at + 4 * i + (size_t)k] = (unsigned char)(bits >> 8 * k);
	}
	return true;
}

void ws_linear_free(ws_linear *m, const ws_allocator *a)
{
	ws_mem_release(a, m->transitions);
	ws_mem_release(a, m->slots);
	ws_mem_release(a, m->entries);
	ws_mem_release(a, m->dense);
	memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------- inference */

/* Sixteen labels' steps, as stored in a dense row and as summed.  GCC and
 * Clang vector extensions: SSE2 registers in the portable build, AVX2 in
 * the clone below; memcpy does the loads, so nothing need be aligned. */
typedef int16_t steps16 __attribute__((vector_size(32)));
typedef int32_t sums16 __attribute__((vector_size(64)));

#if defined(__clang__)
#if __has_warning("-Wpsabi")
#pragma clang diagnostic ignored "-Wpsabi"
#endif
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi" /* the vectors never cross a call */
#endif

#define WS_INLINE static inline __attribute__((always_inline))

/* steps[0..stride) += row[0..stride), stride a multiple of WS_DENSE_BLOCK. */
WS_INLINE void add_row(int32_t *steps, const int16_t *row, size_t stride)
{
	for (size_t b = 0; b < stride; b += WS_DENSE_BLOCK) {
		steps16 r;
		sums16 acc;
		memcpy(&r, row + b, sizeof r);
		memcpy(&acc, steps + b, sizeof acc);
		acc += __builtin_convertvector(r, sums16);
		memcpy(steps + b, &acc, sizeof acc);
	}
}

/* The scores sum a few dozen features' weights out of tables of many
 * megabytes, so nearly every lookup misses the cache.  The lookups are
 * therefore done in three passes, each fetching ahead what the next will
 * read, so that the misses overlap instead of following one another.
 * steps[0..dense_stride) += the weights of features[0..k), k <= BATCH. */
enum { BATCH = 64 };

WS_INLINE void add_steps(const ws_linear *m, const uint64_t *features, size_t k, int32_t *steps)
{
	uint32_t keys[BATCH];
	size_t at[BATCH];
	const ws_slot *found[BATCH];
	for (size_t i = 0; i < k; i++) {
		keys[i] = ws_feature_key(features[i]);
		at[i] = slot_of(keys[i], m->slot_shift);
		__builtin_prefetch(&m->slots[at[i]]);
	}
	for (size_t i = 0; i < k; i++) {
		size_t s = at[i];
		while (WS_SLOT_COUNT(&m->slots[s]) && m->slots[s].key != keys[i])
			s = (s + 1) & m->slot_mask;
		found[i] = WS_SLOT_COUNT(&m->slots[s]) ? &m->slots[s] : NULL;
		if (found[i])
			__builtin_prefetch(WS_SLOT_COUNT(found[i]) == WS_SLOT_DENSE
						   ? (const void *)(m->dense + (size_t)WS_SLOT_FIRST(found[i]) * m->dense_stride)
						   : (const void *)&m->entries[WS_SLOT_FIRST(found[i])]);
	}
	for (size_t i = 0; i < k; i++) {
		if (!found[i])
			continue;
		uint32_t count = WS_SLOT_COUNT(found[i]);
		if (count == WS_SLOT_DENSE) {
			add_row(steps, m->dense + (size_t)WS_SLOT_FIRST(found[i]) * m->dense_stride, m->dense_stride);
			continue;
		}
		const ws_entry *e = &m->entries[WS_SLOT_FIRST(found[i])];
		for (uint32_t j = 0; j < count; j++)
			steps[e[j].label] += e[j].steps;
	}
}

/* scores += the features' weights, a batch at a time, the first batch
 * starting from base (steps already summed) when there is one. */
WS_INLINE void score(const ws_linear *m, const int32_t *base, const uint64_t *features, size_t n, float *scores)
{
	for (size_t done = 0; done < n || (done == 0 && base); done += BATCH) {
		size_t k = n - done < BATCH ? n - done : BATCH;
		int32_t steps[WS_MAX_LABELS];
		memset(steps, 0, m->dense_stride * sizeof *steps);
		if (done == 0 && base)
			memcpy(steps, base, m->labels.count * sizeof *steps);
		add_steps(m, features + done, k, steps);
		for (uint32_t b = 0; b < m->labels.count; b++)
			scores[b] += (float)steps[b] * m->scale;
	}
}

/* steps[0..count) += every feature's weights, in batches. */
WS_INLINE void steps_of(const ws_linear *m, const uint64_t *features, size_t n, int32_t *steps)
{
	for (size_t done = 0; done < n; done += BATCH) {
		size_t k = n - done < BATCH ? n - done : BATCH;
		int32_t sums[WS_MAX_LABELS];
		memset(sums, 0, m->dense_stride * sizeof *sums);
		add_steps(m, features + done, k, sums);
		for (uint32_t b = 0; b < m->labels.count; b++)
			steps[b] += sums[b];
	}
}

/* Each entry point in a portable build and an AVX2 one, chosen at run
 * time (the start-up code has already asked the CPU). */
#if defined(__x86_64__) || defined(__i386__)
#define WS_LINEAR_DISPATCH(name, params, args)                                       \
	static void name##_portable params { name args; }                             \
	__attribute__((target("avx2"))) static void name##_avx2 params { name args; } \
	static inline void name##_best params                                         \
	{                                                                             \
		if (__builtin_cpu_supports("avx2"))                                   \
			name##_avx2 args;                                             \
		else                                                                  \
			name##_portable args;                                         \
	}
#else
#define WS_LINEAR_DISPATCH(name, params, args) \
	static inline void name##_best params { name args; }
#endif

WS_LINEAR_DISPATCH(score, (const ws_linear *m, const int32_t *base, const uint64_t *features, size_t n, float *scores),
		   (m, base, features, n, scores))
WS_LINEAR_DISPATCH(steps_of, (const ws_linear *m, const uint64_t *features, size_t n, int32_t *steps),
		   (m, features, n, steps))

void ws_linear_score(const ws_linear *m, const uint64_t *features, size_t n, float *scores)
{
	score_best(m, NULL, features, n, scores);
}

void ws_linear_score_from(const ws_linear *m, const int32_t *base, const uint64_t *features, size_t n,
			  float *scores)
{
	score_best(m, base, features, n, scores);
}

void ws_linear_add_steps(const ws_linear *m, const uint64_t *features, size_t n, int32_t *steps)
{
	steps_of_best(m, features, n, steps);
}

/* Beyond this many labels (the part-of-speech tagger's 45), each label
 * looks only at the best two labels of the previous token: the others
 * rarely win, and the full square would be most of the tagger's time.
 * Measured on dev against looking at the best 8: the same tagger
 * accuracy (97.95%), attr.full 0.591 either way, 9% less time. */
#define WS_VITERBI_EXACT_UP_TO 16
#define WS_VITERBI_BEAM 2

/* Indices of the beam largest of v[0..n), in out; returns how many. */
static uint32_t best_few(const float *v, uint32_t n, uint8_t *out)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i] == -INFINITY)
			continue;
		uint32_t at = k < WS_VITERBI_BEAM ? k++ : WS_VITERBI_BEAM;
		while (at > 0 && v[out[at - 1]] < v[i]) {
			if (at < WS_VITERBI_BEAM)
				out[at] = out[at - 1];
			at--;
		}
		if (at < WS_VITERBI_BEAM)
			out[at] = (uint8_t)i;
	}
	return k;
}

void ws_viterbi(const ws_labels *labels, const float *transitions, const float *emissions, size_t n,
		uint8_t *back, uint8_t *out)
{
	uint32_t L = labels->count;
	float best[2][WS_MAX_LABELS];
	uint8_t all[WS_MAX_LABELS], few[WS_VITERBI_BEAM];
	if (n == 0)
		return;
	for (uint32_t b = 0; b < L; b++) {
		best[0][b] = labels->allowed[L][b] ? transitions[(size_t)L * L + b] + emissions[b] : -INFINITY;
		all[b] = (uint8_t)b;
	}
	for (size_t t = 1; t < n; t++) {
		const float *prev = best[(t - 1) & 1];
		float *cur = best[t & 1];
		const uint8_t *from = all;
		uint32_t nfrom = L;
		bool beam = L > WS_VITERBI_EXACT_UP_TO && (nfrom = best_few(prev, L, few)) > 0;
		if (beam)
			from = few;
		else
			nfrom = L;
		for (uint32_t b = 0; b < L; b++) {
			float top = -INFINITY;
			uint8_t arg = from[0];
			if (beam) {
				for (uint32_t k = 0; k < nfrom; k++) {
					uint32_t p = from[k];
					if (!labels->allowed[p][b])
						continue;
					float s = prev[p] + transitions[(size_t)p * L + b];
					if (s > top) {
						top = s;
						arg = (uint8_t)p;
					}
				}
			} else {
				/* exact: only the labels b may follow, in the same
				 * ascending order, so ties go the same way */
				for (uint32_t k = 0; k < labels->npreceding[b]; k++) {
					uint32_t p = labels->preceding[b][k];
					float s = prev[p] + transitions[(size_t)p * L + b];
					if (s > top) {
						top = s;
						arg = (uint8_t)p;
					}
				}
			}
			cur[b] = top + emissions[t * L + b];
			back[t * L + b] = arg;
		}
	}
	const float *last = best[(n - 1) & 1];
	uint8_t arg = 0;
	for (uint32_t b = 1; b < L; b++)
		if (last[b] > last[arg])
			arg = (uint8_t)b;
	out[n - 1] = arg;
	for (size_t t = n - 1; t > 0; t--)
		out[t - 1] = back[t * L + out[t]];
}
