/*
 * encoder.c — the neural labeller's network: loading it, and its forward
 * pass over one paragraph.
 *
 * The network is a bidirectional LSTM over the token inputs of encoder.h,
 * then a linear layer to the seven role labels; the CRF's transitions
 * travel with it and 5_labeller.c decodes with them.  Training happens in
 * PyTorch (tools/train_neural.py), which folds each input's embedding
 * table into both directions' input weights before export: a token's
 * input projection, which would be a matrix product per token, becomes a
 * sum of one precomputed row per input.  What is left per token is the
 * recurrent product (4 x hidden by hidden per direction, in int8: see
 * quantise_recurrent) and the output layer, so the hidden size is what
 * the speed budget buys.
 *
 * The "NEUR" section, every integer and float little-endian:
 *
 *   u32 encoder version (WS_ENCODER_VERSION)   u32 hidden   u32 labels (7)
 *   u32 inputs (WS_INPUTS), then each input's cardinality (must match)
 *   u32 words in the vocabulary (row 0 is the unknown word)
 *   u32 provenance length, the provenance (JSON), zero padding to 4
 *   f32 transitions, (labels + 1) x labels, the last row from the start
 *   f32 bias, 2 x 4 hidden (forward, then backward; gates i, f, g, o)
 *   f32 recurrent weights, per direction hidden x 4 hidden (column k is
 *       what h[k] adds to each gate), quantised when loaded
 *   f32 output weights, 2 hidden x labels, then labels biases
 *   u32 bytes of word forms, the forms (a length byte, then the bytes),
 *       zero padding to 4
 *   per table (the words, then each input): f32 scale per row, then
 *       rows x 8 hidden int8 steps, zero padding to 4
 *
 * Every count is checked against the bytes that remain, every float for
 * finiteness and size, the vocabulary for forms in bounds and no
 * duplicates; anything else is WS_ERR_MODEL, like any damaged section.
 */
#include "base/base.h"

#include "model/encoder.h"
#include "model/features.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const uint16_t ws_encoder_cardinality[WS_INPUTS] = {
	[WS_IN_SHAPE] = 16,      [WS_IN_SUFFIX] = WS_SUFFIX_BUCKETS, [WS_IN_QUOTE] = 8, [WS_IN_CUE_LEVEL] = 8,
	[WS_IN_POS] = 64,        [WS_IN_NER] = 16,   [WS_IN_REL] = 64,       [WS_IN_ANCHOR_REL] = 66,
	[WS_IN_ANCHOR_SIDE] = 16, [WS_IN_RULE] = 8,  [WS_IN_LEFT_CUE] = 16,  [WS_IN_RIGHT_CUE] = 16,
	[WS_IN_EDGE] = 16,       [WS_IN_HEAD_POS] = 65,
};

size_t ws_encoder_word_form(const char *text, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		/* ’ (E2 80 99) is read as ', as the word hash does */
		if (c == 0xE2 && i + 2 < n && (unsigned char)text[i + 1] == 0x80 && (unsigned char)text[i + 2] == 0x99) {
			c = '\'';
			i += 2;
		}
		if (k == WS_WORD_FORM_MAX)
			return 0;
		out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	return k;
}

uint16_t ws_encoder_suffix(const char *form, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a: tools/train_neural.py computes the same */
	for (size_t i = n > 3 ? n - 3 : 0; i < n; i++)
		h = (h ^ (unsigned char)form[i]) * 16777619u;
	return (uint16_t)(h % WS_SUFFIX_BUCKETS);
}

static uint32_t form_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

uint32_t ws_encoder_word(const ws_encoder *e, const char *form, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t at = form_hash(form, n) & e->slot_mask;; at = (at + 1) & e->slot_mask) {
		uint32_t id = e->slots[at];
		if (id == 0)
			return 0;
		const unsigned char *f = e->forms + e->form_at[id - 1];
		if (f[0] == n && memcmp(f + 1, form, n) == 0)
			return id - 1;
	}
}

/* ------------------------------------------------------------- loading */

static ws_status bad(ws_error *err, const char *what)
{
	if (err) {
		err->code = WS_ERR_MODEL;
		err->position = 0;
		snprintf(err->message, sizeof err->message, "model's neural section: %s", what);
	}
	return WS_ERR_MODEL;
}

static ws_status out_of_memory(ws_error *err)
{
	if (err) {
		err->code = WS_ERR_NOMEM;
		err->position = 0;
		snprintf(err->message, sizeof err->message, "out of memory loading the neural section");
	}
	return WS_ERR_NOMEM;
}

/* n floats into to, each finite and of sane size. */
static bool read_floats(ws_reader *r, float *to, size_t n)
{
	if (n > (r->len - r->pos) / 4) {
		r->failed = true;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		to[i] = ws_read_f32(r);
		if (!isfinite(to[i]) || fabsf(to[i]) > 1e6f)
			return false;
	}
	return !r->failed;
}

static void skip_padding(ws_reader *r)
{
	/* a failed reader no longer moves: stop at the first failure */
	while (r->pos % 4 && r->pos < r->len && !r->failed)
		if (ws_read_u8(r) != 0)
			r->failed = true;
}

/* Direction d's recurrent weights (the file's layout: hidden x gates,
 * column k what h[k] adds to each gate) into int8 blocks (encoder.h),
 * each gate's weights steps of its largest magnitude / 127. */
static void quantise_recurrent(ws_encoder *e, int d, size_t hidden, const float *weights)
{
	size_t G = 4 * hidden;
	for (size_t g = 0; g < G; g++) {
		float largest = 0;
		for (size_t k = 0; k < hidden; k++)
			largest = fmaxf(largest, fabsf(weights[k * G + g]));
		float step = largest > 0 ? largest / 127 : 1;
		int32_t sum = 0;
		for (size_t k = 0; k < hidden; k++) {
			int8_t q = (int8_t)lrintf(weights[k * G + g] / step);
			e->recurrent[d][ws_recurrent_at(G, k, g)] = q;
			sum += q;
		}
		e->recurrent_scale[d][g] = step / 127;
		e->recurrent_excess[d][g] = 128 * sum;
	}
}

void ws_encoder_free(ws_encoder *e, const ws_allocator *a)
{
	ws_mem_release(a, e->owned);
	ws_mem_release(a, e->forms);
	memset(e, 0, sizeof *e);
}

ws_status ws_encoder_load(ws_encoder *e, const ws_allocator *a, const ws_section *section, ws_error *err)
{
	memset(e, 0, sizeof *e);
	ws_reader r = {section->data, section->len, 0, false};
	uint32_t version = ws_read_u32(&r), hidden = ws_read_u32(&r), labels = ws_read_u32(&r);
	uint32_t inputs = ws_read_u32(&r);
	if (r.failed)
		return bad(err, "truncated header");
	if (version != WS_ENCODER_VERSION)
		return bad(err, "made for another version of the encoder");
	if (labels != WS_ROLE_LABELS || inputs != WS_INPUTS)
		return bad(err, "its labels or inputs are not the ones this build reads");
	/* a multiple of 8, so that every vector loop runs whole */
	if (hidden == 0 || hidden > 512 || hidden % 8)
		return bad(err, "hidden size out of range");
	for (uint32_t i = 0; i < WS_INPUTS; i++)
		if (ws_read_u32(&r) != ws_encoder_cardinality[i])
			return bad(err, "an input's cardinality is not this build's");
	uint32_t nwords = ws_read_u32(&r), plen = ws_read_u32(&r);
	if (r.failed || nwords == 0 || nwords > (1u << 22) || plen > r.len - r.pos)
		return bad(err, "truncated vocabulary or provenance");
	const unsigned char *provenance = ws_read_bytes(&r, plen);
	skip_padding(&r);
	/* text, so no NUL: a length that swallowed the padding is wrong */
	if (!r.failed && memchr(provenance, 0, plen))
		return bad(err, "its provenance is not text");
	size_t gates = 4 * (size_t)hidden, L = WS_ROLE_LABELS;
	size_t nrows[WS_INPUTS + 1];
	nrows[0] = nwords;
	size_t total_rows = nwords;
	for (size_t i = 0; i < WS_INPUTS; i++)
		total_rows += nrows[i + 1] = ws_encoder_cardinality[i];
	/* Can the rest hold what the header promises?  (Checked before any
	 * allocation, so a damaged count cannot ask for gigabytes.) */
	size_t floats = (L + 1) * L + 2 * gates + 2 * gates * hidden + 2 * hidden * L + L;
	size_t need = floats * 4 + 4 + total_rows * (4 + 2 * gates);
	if (r.failed || need > r.len - r.pos)
		return bad(err, "shorter than its sizes say");
	size_t slots = 16;
	while (slots < 2 * (size_t)nwords)
		slots *= 2;
	/* One block: the float arrays (bias, output layer padded to 8 labels,
	 * the recurrent scales and excesses, the dequantising scales, the
	 * small tables' rows dequantised), then the int8 recurrent weights and
	 * rows, the vocabulary's offsets and slots, the provenance. */
	size_t small_rows = 0;
	for (size_t t = 1; t <= WS_INPUTS; t++)
		small_rows += nrows[t] <= WS_FLOAT_TABLE_ROWS ? nrows[t] : 0;
	size_t block_floats =
		2 * gates + 2 * hidden * 8 + 8 + 2 * gates + 2 * gates + total_rows + small_rows * 2 * gates;
	size_t bytes = block_floats * 4 + 2 * gates * hidden + total_rows * 2 * gates + ((size_t)nwords + slots) * 4 +
		       plen + 1;
	unsigned char *block = ws_mem_alloc(a, bytes);
	float *weights = ws_mem_alloc(a, gates * hidden * sizeof *weights); /* one direction's, until quantised */
	if (!block || !weights) {
		ws_mem_release(a, block);
		ws_mem_release(a, weights);
		return out_of_memory(err);
	}
	memset(block, 0, bytes);
	e->owned = block;
	float *f = (float *)block;
	bool ok = read_floats(&r, e->transitions, (L + 1) * L);
	e->bias = f, f += 2 * gates;
	e->out = f, f += 2 * hidden * 8; /* each row padded to 8 labels, for one vector per row */
	e->out_bias = f, f += 8;
	e->recurrent_scale[0] = f, f += gates;
	e->recurrent_scale[1] = f, f += gates;
	e->recurrent_excess[0] = (int32_t *)f, f += gates;
	e->recurrent_excess[1] = (int32_t *)f, f += gates;
	float *scales = f;
	f += total_rows;
	float *float_rows = f;
	f += small_rows * 2 * gates;
	int8_t *recurrent = (int8_t *)f;
	e->recurrent[0] = recurrent;
	e->recurrent[1] = recurrent + gates * hidden;
	ok = ok && read_floats(&r, e->bias, 2 * gates);
	for (int d = 0; ok && d < 2; d++) {
		ok = read_floats(&r, weights, gates * hidden);
		if (ok)
			quantise_recurrent(e, d, hidden, weights);
	}
	ws_mem_release(a, weights);
	for (size_t k = 0; ok && k < 2 * (size_t)hidden; k++)
		ok = read_floats(&r, e->out + k * 8, L);
	ok = ok && read_floats(&r, e->out_bias, L);
	if (!ok) {
		ws_encoder_free(e, a);
		return bad(err, "a weight is not a finite number of sane size");
	}
	int8_t *rows = recurrent + 2 * gates * hidden;
	uint32_t *form_at = (uint32_t *)(rows + total_rows * 2 * gates);
	uint32_t *slot = form_at + nwords;
	char *prov = (char *)(slot + slots);
	/* the vocabulary */
	uint32_t form_bytes = ws_read_u32(&r);
	const unsigned char *forms = ws_read_bytes(&r, form_bytes);
	skip_padding(&r);
	if (r.failed) {
		ws_encoder_free(e, a);
		return bad(err, "truncated vocabulary");
	}
	size_t at = 0;
	for (uint32_t w = 0; w < nwords; w++) {
		if (at >= form_bytes || forms[at] > WS_WORD_FORM_MAX || forms[at] > form_bytes - at - 1) {
			ws_encoder_free(e, a);
			return bad(err, "a word form runs past the vocabulary");
		}
		form_at[w] = (uint32_t)at;
		at += 1 + forms[at];
	}
	if (at != form_bytes) {
		ws_encoder_free(e, a);
		return bad(err, "the vocabulary's size does not add up");
	}
	/* the forms stay in the section's bytes only until loading ends, so
	 * they are copied behind the provenance */
	unsigned char *forms_copy = ws_mem_alloc(a, form_bytes + 1u);
	if (!forms_copy) {
		ws_encoder_free(e, a);
		return out_of_memory(err);
	}
	memcpy(forms_copy, forms, form_bytes);
	for (size_t t = 0, first = 0; t <= WS_INPUTS; first += nrows[t], t++) {
		ok = read_floats(&r, scales + first, nrows[t]);
		const unsigned char *q = ws_read_bytes(&r, nrows[t] * 2 * gates);
		skip_padding(&r);
		if (!ok || !q || r.failed) {
			ws_mem_release(a, forms_copy);
			ws_encoder_free(e, a);
			return bad(err, "a table is truncated or holds a bad scale");
		}
		memcpy(rows + first * 2 * gates, q, nrows[t] * 2 * gates);
		e->rows[t] = rows + first * 2 * gates;
		e->scales[t] = scales + first;
		e->nrows[t] = (uint32_t)nrows[t];
		if (t > 0 && nrows[t] <= WS_FLOAT_TABLE_ROWS) {
			for (size_t v = 0; v < nrows[t]; v++)
				for (size_t c = 0; c < 2 * gates; c++)
					float_rows[v * 2 * gates + c] = scales[first + v] * (float)e->rows[t][v * 2 * gates + c];
			e->float_rows[t] = float_rows;
			float_rows += nrows[t] * 2 * gates;
		}
	}
	if (r.pos != r.len) {
		ws_mem_release(a, forms_copy);
		ws_encoder_free(e, a);
		return bad(err, "bytes left over after the last table");
	}
	e->hidden = hidden;
	e->gates = (uint32_t)gates;
	e->nwords = nwords;
	e->forms = forms_copy;
	e->form_at = form_at;
	e->slots = slot;
	e->slot_mask = slots - 1;
	/* Word 0 is the unknown word and is never looked up. */
	for (uint32_t w = 1; w < nwords; w++) {
		const unsigned char *fw = forms_copy + form_at[w];
		if (fw[0] == 0 || ws_encoder_word(e, (const char *)fw + 1, fw[0]) != 0) {
			ws_encoder_free(e, a); /* forms_copy with it: it is e->forms now */
			return bad(err, "the vocabulary holds an empty or repeated word");
		}
		size_t s = form_hash((const char *)fw + 1, fw[0]) & e->slot_mask;
		while (slot[s])
			s = (s + 1) & e->slot_mask;
		slot[s] = w + 1;
	}
	memcpy(prov, provenance, plen);
	prov[plen] = '\0';
	e->provenance = prov;
	e->present = true;
	return WS_OK;
}

/* ------------------------------------------------------- forward pass */

/* Eight floats in a vector register where the target has them (GCC and
 * Clang vector extensions: SSE pairs by default, AVX2 in the clone
 * below); loads and stores go through memcpy, so nothing need be
 * aligned. */
typedef float v8 __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef int8_t v8b __attribute__((vector_size(8)));

/* Every helper is inlined into both builds of the forward pass (portable
 * and AVX2): a helper left out of line would run the portable code in
 * both. */
#define WS_INLINE static inline __attribute__((always_inline))

/* GCC warns that a function returning such a vector has another calling
 * convention with AVX than without; these are all static and inlined, so
 * no call crosses the two. */
#if defined(__clang__)
#if __has_warning("-Wpsabi")
#pragma clang diagnostic ignored "-Wpsabi"
#endif
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

/* Each piece of the forward pass is written once, as a macro, and
 * instantiated for each build: the pieces of build `suffix` call that
 * build's helpers by name (load8_portable, madd_avx2, ...), since Clang
 * refuses to pass these vectors between functions built for different
 * targets even when every call is inlined. */
#define WS_MEMORY(suffix, attributes)                                                                          \
	attributes WS_INLINE v8 load8_##suffix(const float *p)                                                 \
	{                                                                                                      \
		v8 v;                                                                                          \
		memcpy(&v, p, sizeof v);                                                                       \
		return v;                                                                                      \
	}                                                                                                      \
	attributes WS_INLINE void store8_##suffix(float *p, v8 v) { memcpy(p, &v, sizeof v); }

WS_INLINE v8 splat_portable(float x) { return (v8){x, x, x, x, x, x, x, x}; }

/* The loops over a fixed handful of registers, unrolled so that their
 * sums stay in registers. */
#define WS_UNROLL _Pragma("GCC unroll 8")

/* a * b + c.  ISO C mode does not let the compiler fuse the two, so the
 * AVX2 build says so itself (one rounding, and one instruction where
 * there were two on the loops' critical paths); the portable build
 * rounds twice. */
WS_INLINE v8 madd_portable(v8 a, v8 b, v8 c) { return a * b + c; }

/* Eight int8 steps as floats.  GCC widens a generic vector of bytes one
 * byte at a time, so the AVX2 build uses the instruction that does all
 * eight (vpmovsxbd) instead. */
WS_INLINE v8 widen_portable(const int8_t *p)
{
	v8b q;
	memcpy(&q, p, sizeof q);
	return __builtin_convertvector(__builtin_convertvector(q, v8i), v8);
}

/* tanh as a rational function, clamped where it is 1 to float precision
 * (the approximation Eigen uses; at most 3e-7 from tanh).  One division
 * and no exp, and it runs eight lanes at once. */
#define WS_ACTIVATIONS(suffix, attributes)                                                                     \
	/* p x + c, a step of Horner's rule */                                                                 \
	attributes WS_INLINE v8 horner_##suffix(v8 p, v8 x, float c)                                           \
	{                                                                                                      \
		return madd_##suffix(p, x, splat_##suffix(c));                                                 \
	}                                                                                                      \
	attributes WS_INLINE v8 tanh8_##suffix(v8 x)                                                           \
	{                                                                                                      \
		const v8 lim = splat_##suffix(7.90531110763549805f);                                           \
		v8i hi = x > lim, lo = x < -lim; /* lanes all ones where true */                               \
		x = (v8)(((v8i)x & ~(hi | lo)) | ((v8i)lim & hi) | ((v8i)-lim & lo));                          \
		v8 x2 = x * x;                                                                                 \
		v8 p = splat_##suffix(-2.76076847742355e-16f);                                                 \
		p = horner_##suffix(p, x2, 2.00018790482477e-13f);                                             \
		p = horner_##suffix(p, x2, -8.60467152213735e-11f);                                            \
		p = horner_##suffix(p, x2, 5.12229709037114e-08f);                                             \
		p = horner_##suffix(p, x2, 1.48572235717979e-05f);                                             \
		p = horner_##suffix(p, x2, 6.37261928875436e-04f);                                             \
		p = horner_##suffix(p, x2, 4.89352455891786e-03f);                                             \
		p = p * x;                                                                                     \
		v8 q = splat_##suffix(1.19825839466702e-06f);                                                  \
		q = horner_##suffix(q, x2, 1.18534705686654e-04f);                                             \
		q = horner_##suffix(q, x2, 2.26843463243900e-03f);                                             \
		q = horner_##suffix(q, x2, 4.89352518554385e-03f);                                             \
		return p / q;                                                                                  \
	}                                                                                                      \
	attributes WS_INLINE v8 sigmoid8_##suffix(v8 x)                                                        \
	{                                                                                                      \
		return horner_##suffix(tanh8_##suffix(x * 0.5f), splat_##suffix(0.5f), 0.5f);                  \
	}

/* The per-token input projections (n x 8 hidden): the bias plus one row
 * per input, dequantised on the fly for the two large tables (words and
 * suffixes) and at load time for the others (float_rows).  Sixty-four
 * columns at a time in eight registers, so that eight independent sums
 * are in flight while each waits on its multiply-add (the width, 8
 * hidden, is a multiple of 64). */
#define WS_PROJECT(suffix, attributes)                                                                         \
	attributes WS_INLINE void project_##suffix(const ws_encoder *e, const ws_enc_input *in,                \
					const uint32_t *words, size_t n, float *proj)                          \
	{                                                                                                      \
		size_t width = 2 * (size_t)e->gates;                                                           \
		const int8_t *rows[WS_INPUTS + 1];                                                             \
		const float *float_rows[WS_INPUTS + 1];                                                        \
		v8 scale[WS_INPUTS + 1];                                                                       \
		for (size_t t = 0; t < n; t++) {                                                               \
			size_t quantised = 0, dequantised = 0;                                                 \
			for (size_t k = 0; k <= WS_INPUTS; k++) {                                              \
				uint32_t v = k == 0 ? words[t] : in[t].in[k - 1];                              \
				if (v >= e->nrows[k])                                                          \
					v = e->nrows[k] - 1;                                                   \
				if (e->float_rows[k]) {                                                        \
					float_rows[dequantised++] = e->float_rows[k] + (size_t)v * width;      \
					continue;                                                              \
				}                                                                              \
				rows[quantised] = e->rows[k] + (size_t)v * width;                              \
				scale[quantised++] = splat_##suffix(e->scales[k][v]);                          \
			}                                                                                      \
			if (t + 1 < n && words[t + 1] < e->nwords)                                             \
				for (size_t b = 0; b < width; b += 64)                                         \
					__builtin_prefetch(e->rows[0] + (size_t)words[t + 1] * width + b);     \
			float *p = proj + t * width;                                                           \
			for (size_t j = 0; j < width; j += 64) {                                               \
				v8 acc[8];                                                                     \
				WS_UNROLL for (size_t u = 0; u < 8; u++)                                       \
					acc[u] = load8_##suffix(e->bias + j + 8 * u);                          \
				for (size_t k = 0; k < quantised; k++)                                         \
					WS_UNROLL for (size_t u = 0; u < 8; u++)                               \
						acc[u] = madd_##suffix(widen_##suffix(rows[k] + j + 8 * u),    \
								       scale[k], acc[u]);                      \
				for (size_t k = 0; k < dequantised; k++)                                       \
					WS_UNROLL for (size_t u = 0; u < 8; u++)                               \
						acc[u] += load8_##suffix(float_rows[k] + j + 8 * u);           \
				WS_UNROLL for (size_t u = 0; u < 8; u++)                                       \
					store8_##suffix(p + j + 8 * u, acc[u]);                                \
			}                                                                                      \
		}                                                                                              \
	}

/* One direction of the LSTM over n tokens: reads the projections at
 * column offset dir x 4 hidden (0 forward, 4 hidden backward), writes h per token
 * into hs (n x hidden).  z holds 4 hidden floats, c hidden.  Each h is
 * also kept as int8 steps for the next token's recurrent product, which
 * each build does its own way (recurrent_portable, _avx2, _vnni). */
#define WS_LSTM(suffix, attributes)                                                                            \
	attributes WS_INLINE void lstm_##suffix(const ws_encoder *e, const float *proj, size_t n,              \
						int dir, float *hs, float *z, float *c)                        \
	{                                                                                                      \
		size_t H = e->hidden, G = e->gates, width = 2 * G;                                             \
		int8_t hq[512]; /* h_prev in steps of 1 / 127: hidden is at most 512 */                        \
		memset(c, 0, H * sizeof *c);                                                                   \
		for (size_t s = 0; s < n; s++) {                                                               \
			size_t t = dir == 0 ? s : n - 1 - s;                                                   \
			const float *pz = proj + t * width + (size_t)dir * G;                                  \
			if (s == 0)                                                                            \
				memcpy(z, pz, G * sizeof *z);                                                  \
			else                                                                                   \
				recurrent_##suffix(e, dir, hq, pz, z);                                         \
			float *h = hs + t * H;                                                                 \
			for (size_t j = 0; j < H; j += 8) {                                                    \
				v8 i = sigmoid8_##suffix(load8_##suffix(z + j));                               \
				v8 f = sigmoid8_##suffix(load8_##suffix(z + H + j));                           \
				v8 g = tanh8_##suffix(load8_##suffix(z + 2 * H + j));                          \
				v8 o = sigmoid8_##suffix(load8_##suffix(z + 3 * H + j));                       \
				v8 cj = madd_##suffix(f, load8_##suffix(c + j), i * g);                        \
				store8_##suffix(c + j, cj);                                                    \
				v8 hj = o * tanh8_##suffix(cj);                                                \
				store8_##suffix(h + j, hj);                                                    \
				quantise8_##suffix(hj, hq + j);                                                \
			}                                                                                      \
		}                                                                                              \
	}

/* The emissions: both directions' h through the output layer, four
 * independent sums (over every fourth unit; hidden is a multiple of 8)
 * added at the end. */
#define WS_OUTPUT(suffix, attributes)                                                                          \
	attributes WS_INLINE void output_##suffix(const ws_encoder *e, const float *hf,                        \
					const float *hb, size_t n, float *emissions)                           \
	{                                                                                                      \
		size_t H = e->hidden, L = WS_ROLE_LABELS;                                                      \
		for (size_t t = 0; t < n; t++) {                                                               \
			v8 a[4] = {load8_##suffix(e->out_bias)};                                               \
			for (size_t k = 0; k < 2 * H; k += 4) {                                                \
				const float *h = k < H ? hf + t * H + k : hb + t * H + k - H;                  \
				WS_UNROLL for (size_t u = 0; u < 4; u++)                                       \
					a[u] = madd_##suffix(load8_##suffix(e->out + (k + u) * 8),             \
							     splat_##suffix(h[u]), a[u]);                      \
			}                                                                                      \
			float lanes[8];                                                                        \
			store8_##suffix(lanes, (a[0] + a[1]) + (a[2] + a[3]));                                 \
			memcpy(emissions + t * L, lanes, L * sizeof *lanes);                                   \
		}                                                                                              \
	}

size_t ws_encoder_work_floats(const ws_encoder *e, size_t n)
{
	return n * (2 * (size_t)e->gates + 2 * e->hidden) + e->gates + e->hidden;
}

#define WS_FORWARD(suffix, attributes)                                                                         \
	WS_MEMORY(suffix, attributes)                                                                          \
	WS_ACTIVATIONS(suffix, attributes)                                                                     \
	WS_PROJECT(suffix, attributes)                                                                         \
	WS_LSTM(suffix, attributes)                                                                            \
	WS_OUTPUT(suffix, attributes)                                                                          \
	attributes static void forward_##suffix(const ws_encoder *e, const ws_enc_input *in,                   \
						const uint32_t *words, size_t n, float *work,                  \
						float *emissions)                                              \
	{                                                                                                      \
		float *proj = work, *hf = proj + n * 2 * e->gates, *hb = hf + n * e->hidden;                   \
		float *z = hb + n * e->hidden, *c = z + e->gates;                                              \
		project_##suffix(e, in, words, n, proj);                                                       \
		lstm_##suffix(e, proj, n, 0, hf, z, c);                                                        \
		lstm_##suffix(e, proj, n, 1, hb, z, c);                                                        \
		output_##suffix(e, hf, hb, n, emissions);                                                      \
	}

/* h's eight values as int8 steps of 1 / 127 (|h| < 1), rounded to
 * nearest, as the AVX2 conversion does. */
WS_INLINE void quantise8_portable(v8 h, int8_t *out)
{
	for (int i = 0; i < 8; i++)
		out[i] = (int8_t)lrintf(h[i] * 127);
}

/* z = pz + W h for every gate of direction dir, h as int8 steps hq: the
 * sums in integers, exactly what the vector builds compute. */
static void recurrent_portable(const ws_encoder *e, int dir, const int8_t *hq, const float *pz, float *z)
{
	size_t H = e->hidden, G = e->gates;
	const int8_t *W = e->recurrent[dir];
	for (size_t g = 0; g < G; g++) {
		int32_t sum = 0;
		for (size_t k = 0; k < H; k++)
			sum += W[ws_recurrent_at(G, k, g)] * hq[k];
		z[g] = pz[g] + (float)sum * e->recurrent_scale[dir][g];
	}
}

WS_FORWARD(portable, )

/* On x86-64 the same code is compiled a second time for AVX2 and FMA and
 * chosen at run time when the processor has them; elsewhere, and on
 * older processors, the portable build runs. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define WS_ENCODER_AVX2 1
#include <cpuid.h>
#include <immintrin.h>

#define WS_AVX2 __attribute__((target("avx2,fma")))

WS_AVX2 WS_INLINE v8 widen_avx2(const int8_t *p)
{
	return (v8)_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)p)));
}

WS_AVX2 WS_INLINE v8 splat_avx2(float x) { return (v8)_mm256_set1_ps(x); }

WS_AVX2 WS_INLINE v8 madd_avx2(v8 a, v8 b, v8 c) { return (v8)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c); }

WS_AVX2 WS_INLINE void quantise8_avx2(v8 h, int8_t *out)
{
	__m256i q = _mm256_cvtps_epi32((__m256)(h * 127));
	/* packing within 128-bit lanes leaves h[0..3] in byte 0 and h[4..7]
	 * in byte 16 */
	__m256i words = _mm256_packs_epi32(q, q), b = _mm256_packs_epi16(words, words);
	uint32_t lo = (uint32_t)_mm256_cvtsi256_si32(b), hi = (uint32_t)_mm256_extract_epi32(b, 4);
	memcpy(out, &lo, 4);
	memcpy(out + 4, &hi, 4);
}

/* The recurrent product, gate blocks [at, at + blocks) (blocks a constant
 * where it is called, so the sums stay in registers), then z = pz + the
 * sums times their gates' scales.  Without VNNI, a block's four products
 * per gate take three instructions: |h| (unsigned) times the weights
 * with h's signs, in pairs to 16 bits (at most 2 x 127 x 127, no
 * saturation), then pairs to 32.  With VNNI one instruction does all of
 * it, but wants an unsigned h: h + 128, whose excess over h the gate's
 * recurrent_excess takes back. */
#define WS_RECURRENT_BLOCKS(suffix, attributes, vnni)                                                          \
	attributes WS_INLINE void recurrent_blocks_##suffix(const ws_encoder *e, int dir, const int8_t *hq,    \
							    const float *pz, float *z, size_t at,              \
							    const size_t blocks)                               \
	{                                                                                                      \
		size_t H = e->hidden, G = e->gates;                                                            \
		const int8_t *W = e->recurrent[dir] + at * 32;                                                 \
		__m256i acc[8], ones = _mm256_set1_epi16(1);                                                   \
		WS_UNROLL for (size_t u = 0; u < blocks; u++)                                                  \
			acc[u] = _mm256_setzero_si256();                                                       \
		for (size_t q = 0; q < H / 4; q++, W += G / 8 * 32) {                                          \
			int32_t h4;                                                                            \
			memcpy(&h4, hq + 4 * q, 4);                                                            \
			__m256i h = _mm256_set1_epi32(h4);                                                     \
			if (vnni) {                                                                            \
				h = _mm256_xor_si256(h, _mm256_set1_epi8((char)0x80));                         \
				WS_UNROLL for (size_t u = 0; u < blocks; u++)                                  \
					acc[u] = WS_DPBUSD(acc[u], h, load_bytes(W + 32 * u));                 \
			} else {                                                                               \
				__m256i habs = _mm256_abs_epi8(h);                                             \
				WS_UNROLL for (size_t u = 0; u < blocks; u++) {                                \
					__m256i w = _mm256_sign_epi8(load_bytes(W + 32 * u), h);               \
					__m256i pairs = _mm256_maddubs_epi16(habs, w);                         \
					acc[u] = _mm256_add_epi32(acc[u], _mm256_madd_epi16(pairs, ones));     \
				}                                                                              \
			}                                                                                      \
		}                                                                                              \
		const float *scale = e->recurrent_scale[dir];                                                  \
		const int32_t *excess = e->recurrent_excess[dir];                                              \
		WS_UNROLL for (size_t u = 0; u < blocks; u++) {                                                \
			size_t g = (at + u) * 8;                                                               \
			if (vnni)                                                                              \
				acc[u] = _mm256_sub_epi32(acc[u], load_bytes(excess + g));                     \
			__m256 sum = _mm256_cvtepi32_ps(acc[u]);                                               \
			__m256 zg = _mm256_fmadd_ps(sum, _mm256_loadu_ps(scale + g), _mm256_loadu_ps(pz + g)); \
			_mm256_storeu_ps(z + g, zg);                                                           \
		}                                                                                              \
	}                                                                                                      \
	attributes WS_INLINE void recurrent_##suffix(const ws_encoder *e, int dir, const int8_t *hq,           \
						     const float *pz, float *z)                                \
	{                                                                                                      \
		size_t blocks = e->gates / 8, at = 0; /* a multiple of 4 */                                    \
		for (; at + 8 <= blocks; at += 8)                                                              \
			recurrent_blocks_##suffix(e, dir, hq, pz, z, at, 8);                                   \
		if (at < blocks)                                                                               \
			recurrent_blocks_##suffix(e, dir, hq, pz, z, at, 4);                                   \
	}

WS_AVX2 WS_INLINE __m256i load_bytes(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }

#define WS_DPBUSD(acc, u, s) acc /* not reached: the AVX2 build has no VNNI */
WS_RECURRENT_BLOCKS(avx2, WS_AVX2, 0)
#undef WS_DPBUSD

WS_FORWARD(avx2, WS_AVX2)

/* AVX-VNNI (the VEX encoding, of Alder Lake and Sapphire Rapids on): the
 * AVX2 build with its recurrent product. */
#define WS_VNNI __attribute__((target("avx2,fma,avxvnni")))
#define widen_vnni widen_avx2
#define splat_vnni splat_avx2
#define madd_vnni madd_avx2
#define quantise8_vnni quantise8_avx2
#define WS_DPBUSD(acc, u, s) _mm256_dpbusd_avx_epi32(acc, u, s)
WS_RECURRENT_BLOCKS(vnni, WS_VNNI, 1)
WS_FORWARD(vnni, WS_VNNI)
#endif

ws_encoder_build ws_encoder_best_build(void)
{
	/* a benign race: every thread computes the same answer */
	static int best = -1;
	if (best < 0) {
		best = WS_ENCODER_PORTABLE;
#ifdef WS_ENCODER_AVX2
		__builtin_cpu_init();
		if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
			best = WS_ENCODER_AVX2;
			/* AVX-VNNI is CPUID leaf 7, subleaf 1, EAX bit 4 (not every
			 * compiler's __builtin_cpu_supports knows it) */
			unsigned eax, ebx, ecx, edx;
			if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax >> 4 & 1))
				best = WS_ENCODER_VNNI;
		}
#endif
	}
	return (ws_encoder_build)best;
}

void ws_encoder_emissions_by(ws_encoder_build build, const ws_encoder *e, const ws_enc_input *in,
			     const uint32_t *words, size_t n, float *work, float *emissions)
{
	if (n == 0)
		return;
	switch (build) {
#ifdef WS_ENCODER_AVX2
	case WS_ENCODER_VNNI:
		forward_vnni(e, in, words, n, work, emissions);
		return;
	case WS_ENCODER_AVX2:
		forward_avx2(e, in, words, n, work, emissions);
		return;
#endif
	default:
		forward_portable(e, in, words, n, work, emissions);
	}
}

void ws_encoder_emissions(const ws_encoder *e, const ws_enc_input *in, const uint32_t *words, size_t n, float *work,
			  float *emissions)
{
	ws_encoder_emissions_by(ws_encoder_best_build(), e, in, words, n, work, emissions);
}
