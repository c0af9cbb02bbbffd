/*
 * test_encoder.c — the neural labeller's section and forward pass.
 *
 * A tiny network (8 units each way, a vocabulary of three made-up words,
 * weights from a seeded generator) is written here in the NEUR layout of
 * src/encoder.c and added to the committed tiny model
 * (tests/fixtures/tiny.wsm, built by test_model_file.c), so these tests
 * need no trained model and no data.  They check that the forward pass
 * computes what a plain double-precision LSTM computes from the same
 * (dequantised) weights, in both of its builds (AVX2 and portable), that
 * a model with the section analyses text with the neural labeller and
 * leaks nothing, and that a damaged section is refused like any other:
 * every byte flipped (of the header, the vocabulary and the first
 * weights, and a stride through the tables), every truncation, and,
 * with the checksums recomputed so that only the damage itself is wrong,
 * bad counts, a weight that is not a number, twin words, bytes left
 * over.  Every allocation of a load is failed in turn too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "counting_allocator.h"
#include "stages/stages.h"
#include "model/model_file.h"
#include "model/encoder.h"

#define TINY_MODEL_PATH "tests/fixtures/tiny.wsm"
/* 96 gates: the vector builds' recurrent product runs 64 gates at a time,
 * so both its paths are taken */
#define HIDDEN 24
#define GATES (4 * HIDDEN)
#define L WS_ROLE_LABELS

static const char *const tiny_words[] = {"said", "told", "bridge"};
#define NWORDS 4 /* the three, after the unknown word */

/* ------------------------------------------------------------- fixture */

static uint64_t rng_state;

static float next_weight(float scale)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return scale * ((float)(rng_state % 2001) / 1000.0f - 1.0f);
}

static void pad4(ws_writer *w)
{
	while (w->len % 4)
		ws_write_u8(w, 0);
}

/* Where, in the section, the header's word count lies (after version,
 * hidden, labels, inputs and the cardinalities), for the tests that
 * damage it. */
#define NWORDS_AT (16 + 4 * WS_INPUTS)

/* The recurrent weights the section holds, per direction hidden x gates
 * (column k what h[k] adds to each gate). */
static float section_recurrent[2][GATES * HIDDEN];

/* The section, in encoder.c's layout. */
static void tiny_section(ws_writer *w)
{
	rng_state = 0x9E3779B97F4A7C15ull;
	w->len = 0;
	ws_write_u32(w, WS_ENCODER_VERSION);
	ws_write_u32(w, HIDDEN);
	ws_write_u32(w, L);
	ws_write_u32(w, WS_INPUTS);
	for (size_t i = 0; i < WS_INPUTS; i++)
		ws_write_u32(w, ws_encoder_cardinality[i]);
	ws_write_u32(w, NWORDS);
	static const char provenance[] = "{\"vectors\": \"none, a test\"}";
	ws_write_u32(w, sizeof provenance - 1);
	ws_write_bytes(w, provenance, sizeof provenance - 1);
	pad4(w);
	size_t floats = (L + 1) * L + 2 * GATES + 2 * GATES * HIDDEN + 2 * HIDDEN * L + L;
	size_t recurrent_at = (L + 1) * L + 2 * GATES;
	for (size_t i = 0; i < floats; i++) {
		float x = next_weight(0.8f);
		if (i >= recurrent_at && i < recurrent_at + 2 * GATES * HIDDEN)
			section_recurrent[(i - recurrent_at) / (GATES * HIDDEN)][(i - recurrent_at) % (GATES * HIDDEN)] = x;
		ws_write_f32(w, x);
	}
	ws_writer forms = {0};
	ws_write_u8(&forms, 1);
	ws_write_u8(&forms, 1); /* the unknown word's mark */
	for (size_t i = 0; i < NWORDS - 1; i++) {
		ws_write_u8(&forms, (uint8_t)strlen(tiny_words[i]));
		ws_write_bytes(&forms, tiny_words[i], strlen(tiny_words[i]));
	}
	ws_write_u32(w, (uint32_t)forms.len);
	ws_write_bytes(w, forms.data, forms.len);
	ws_writer_free(&forms);
	pad4(w);
	for (size_t t = 0; t <= WS_INPUTS; t++) {
		size_t rows = t == 0 ? NWORDS : ws_encoder_cardinality[t - 1];
		for (size_t r = 0; r < rows; r++)
			ws_write_f32(w, 0.004f + 0.001f * (float)(r % 5));
		for (size_t r = 0; r < rows * 2 * GATES; r++)
			ws_write_u8(w, (uint8_t)(int8_t)(next_weight(127.0f)));
		pad4(w);
	}
	assert_false(w->failed);
}

static ws_writer tiny_file, neural_file, neural_section;
static ws_container tiny_container;
static size_t neural_offset; /* where the NEUR section starts in neural_file */

/* The committed tiny model's sections with `section` added as NEUR. */
static void assemble(const ws_writer *section, ws_writer *out)
{
	ws_writer copies[WS_MODEL_MAX_SECTIONS] = {{0}};
	ws_section_source parts[WS_MODEL_MAX_SECTIONS];
	size_t n = 0;
	for (size_t i = 0; i < tiny_container.nsections; i++) {
		ws_write_bytes(&copies[i], tiny_container.sections[i].data, tiny_container.sections[i].len);
		parts[n] = (ws_section_source){tiny_container.sections[i].tag, &copies[i]};
		n++;
	}
	parts[n++] = (ws_section_source){"NEUR", section};
	assert_true(ws_container_write(out, WS_FEATURE_SET_VERSION, parts, n));
	for (size_t i = 0; i < tiny_container.nsections; i++)
		ws_writer_free(&copies[i]);
}

static int setup(void **state)
{
	(void)state;
	FILE *f = fopen(TINY_MODEL_PATH, "rb");
	if (!f)
		return -1;
	unsigned char buf[65536];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	ws_write_bytes(&tiny_file, buf, n);
	ws_error err;
	if (ws_container_parse(tiny_file.data, tiny_file.len, WS_FEATURE_SET_VERSION, &tiny_container, &err) != WS_OK)
		return -1;
	tiny_section(&neural_section);
	assemble(&neural_section, &neural_file);
	neural_offset = neural_file.len - neural_section.len;
	return memcmp(neural_file.data + neural_offset, neural_section.data, neural_section.len) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ws_writer_free(&tiny_file);
	ws_writer_free(&neural_file);
	ws_writer_free(&neural_section);
	return 0;
}

/* ---------------------------------------------------------- expectations */

/* As test_model_file.c's: refused with WS_ERR_MODEL, a message holding
 * want (when given), no model and nothing left allocated; NULL if so,
 * else what went wrong. */
static const char *refusal_problem(const unsigned char *bytes, size_t len, const char *want)
{
	static char problem[400];
	unsigned char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	if (len)
		memcpy(copy, bytes, len);
	counting c = {0, 0, 0};
	ws_allocator a = counting_allocator(&c);
	ws_model *m = (ws_model *)&m;
	ws_error err;
	memset(&err, 0, sizeof err);
	ws_status st = ws_model_open_memory(copy, len, &a, &m, &err);
	free(copy);
	if (st == WS_OK)
		ws_model_free(m);
	if (st != WS_ERR_MODEL)
		snprintf(problem, sizeof problem, "status %d (%s), expected WS_ERR_MODEL", (int)st, err.message);
	else if (m != NULL)
		snprintf(problem, sizeof problem, "the model is not NULL");
	else if (want && !strstr(err.message, want))
		snprintf(problem, sizeof problem, "message \"%s\" does not say \"%s\"", err.message, want);
	else if (c.live != 0)
		snprintf(problem, sizeof problem, "%ld blocks left allocated", c.live);
	else
		return NULL;
	return problem;
}

/* The section with an edit, assembled with fresh checksums: only the
 * edit is wrong. */
static void expect_section_refused(const unsigned char *section, size_t len, const char *want, const char *what)
{
	ws_writer s = {0}, file = {0};
	ws_write_bytes(&s, section, len);
	assemble(&s, &file);
	const char *problem = refusal_problem(file.data, file.len, want);
	ws_writer_free(&s);
	ws_writer_free(&file);
	if (problem)
		fail_msg("%s: %s", what, problem);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

/* -------------------------------------------------------------- loading */

static void test_neural_model_loads_and_analyzes(void **state)
{
	(void)state;
	counting c = {0, 0, 0};
	ws_allocator a = counting_allocator(&c);
	ws_model *model = NULL;
	ws_error err;
	assert_int_equal(ws_model_open_memory(neural_file.data, neural_file.len, &a, &model, &err), WS_OK);
	assert_true(model->encoder.present);
	assert_int_equal(model->encoder.hidden, HIDDEN);
	assert_int_equal(model->encoder.nwords, NWORDS);
	assert_non_null(strstr(model->encoder.provenance, "a test"));
	/* Word forms: lower case, ’ read as '; unknown words are row 0. */
	char form[WS_WORD_FORM_MAX];
	size_t n = ws_encoder_word_form("TOLD", 4, form);
	assert_int_equal(ws_encoder_word(&model->encoder, form, n), 2);
	assert_int_equal(ws_encoder_word(&model->encoder, "bridge", 6), 3);
	assert_int_equal(ws_encoder_word(&model->encoder, "ferry", 5), 0);
	assert_int_equal(ws_encoder_word(&model->encoder, "", 0), 0);
	n = ws_encoder_word_form("Don\xE2\x80\x99t", 7, form);
	assert_int_equal(n, 5);
	assert_memory_equal(form, "don't", 5);
	char longer[WS_WORD_FORM_MAX + 1];
	memset(longer, 'a', sizeof longer);
	assert_int_equal(ws_encoder_word_form(longer, sizeof longer, form), 0);

	ws_doc *doc = NULL;
	assert_int_equal(ws_doc_new(&a, &doc), WS_OK);
	static const char text[] =
		"\"The bridge is safe,\" the mayor said on Tuesday.\n\nShe told reporters the ferry would keep "
		"running. \"We checked every bolt,\" said Ana Lund, an engineer.";
	assert_int_equal(ws_doc_analyze(doc, model, text, sizeof text - 1, &err), WS_OK);
	size_t found = ws_doc_attribution_count(doc);
	/* Random weights label at random, but within the text, repeatably. */
	for (size_t i = 0; i < found; i++) {
		const ws_attribution *at = ws_doc_attribution(doc, i);
		assert_true(at->cue.end <= sizeof text - 1 && at->source.end <= sizeof text - 1);
		assert_true(at->confidence >= 0 && at->confidence <= 1);
	}
	assert_int_equal(ws_doc_analyze(doc, model, text, sizeof text - 1, &err), WS_OK);
	assert_int_equal(ws_doc_attribution_count(doc), found);
	ws_doc_free(doc);
	ws_model_free(model);
	assert_int_equal(c.live, 0);
}

/* Direction d's recurrent weight from unit k to gate g, as loaded: an
 * int8 step of the gate's scale (encoder.h has the layout). */
static double loaded_recurrent(const ws_encoder *e, int d, size_t k, size_t g)
{
	int8_t q = e->recurrent[d][ws_recurrent_at(e->gates, k, g)];
	return (double)q * e->recurrent_scale[d][g] * 127;
}

/* A plain LSTM in double precision over the section's own numbers, with
 * the recurrent product as the encoder runs it (the loaded int8 weights
 * times h rounded to steps of 1 / 127) when `quantised`, else over the
 * section's float weights and h itself. */
static void reference_emissions(const ws_encoder *e, const ws_enc_input *in, const uint32_t *words, size_t n,
				bool quantised, double *out)
{
	size_t H = e->hidden, G = e->gates;
	double *proj = calloc(n * 2 * G, sizeof *proj), *hs[2];
	hs[0] = calloc(n * H, sizeof(double));
	hs[1] = calloc(n * H, sizeof(double));
	assert_true(proj && hs[0] && hs[1]);
	for (size_t t = 0; t < n; t++)
		for (size_t j = 0; j < 2 * G; j++) {
			double s = e->bias[j];
			for (size_t k = 0; k <= WS_INPUTS; k++) {
				uint32_t v = k == 0 ? words[t] : in[t].in[k - 1];
				s += (double)e->scales[k][v] * e->rows[k][(size_t)v * 2 * G + j];
			}
			proj[t * 2 * G + j] = s;
		}
	for (int d = 0; d < 2; d++) {
		double c[64] = {0}, h[64] = {0};
		for (size_t s = 0; s < n; s++) {
			size_t t = d == 0 ? s : n - 1 - s;
			double z[256];
			for (size_t j = 0; j < G; j++) {
				z[j] = proj[t * 2 * G + (size_t)d * G + j];
				for (size_t k = 0; k < H; k++)
					z[j] += quantised ? loaded_recurrent(e, d, k, j) * nearbyint(h[k] * 127) / 127
							  : (double)section_recurrent[d][k * G + j] * h[k];
			}
			for (size_t j = 0; j < H; j++) {
				double i = 1 / (1 + exp(-z[j])), f = 1 / (1 + exp(-z[H + j]));
				double g = tanh(z[2 * H + j]), o = 1 / (1 + exp(-z[3 * H + j]));
				c[j] = f * c[j] + i * g;
				h[j] = o * tanh(c[j]);
				hs[d][t * H + j] = h[j];
			}
		}
	}
	for (size_t t = 0; t < n; t++)
		for (size_t b = 0; b < L; b++) {
			double s = e->out_bias[b];
			for (size_t k = 0; k < 2 * H; k++)
				s += (double)e->out[k * 8 + b] * (k < H ? hs[0][t * H + k] : hs[1][t * H + k - H]);
			out[t * L + b] = s;
		}
	free(proj);
	free(hs[0]);
	free(hs[1]);
}

static void test_forward_pass_matches_a_plain_lstm(void **state)
{
	(void)state;
	ws_encoder e;
	ws_error err;
	ws_section s = {"NEUR", neural_section.data, neural_section.len, 0};
	assert_int_equal(ws_encoder_load(&e, ws_allocator_or_default(NULL), &s, &err), WS_OK);
	/* Each loaded recurrent weight is the nearest step of its gate's
	 * scale to the section's weight, and the largest is 127 steps. */
	for (int d = 0; d < 2; d++)
		for (size_t g = 0; g < GATES; g++) {
			double step = e.recurrent_scale[d][g] * 127, largest = 0;
			for (size_t k = 0; k < HIDDEN; k++) {
				double w = section_recurrent[d][k * GATES + g];
				assert_true(fabs(loaded_recurrent(&e, d, k, g) - w) <= step / 2 * (1 + 1e-5));
				largest = fmax(largest, fabs(w));
			}
			assert_true(fabs(largest / step - 127) < 1e-3);
		}
	enum { N = 37 };
	ws_enc_input in[N];
	uint32_t words[N];
	rng_state = 12345;
	for (size_t t = 0; t < N; t++) {
		words[t] = (uint32_t)(rng_state % NWORDS);
		for (size_t k = 0; k < WS_INPUTS; k++) {
			next_weight(1);
			in[t].in[k] = (uint16_t)(rng_state % ws_encoder_cardinality[k]);
		}
		next_weight(1);
	}
	float *work = malloc(ws_encoder_work_floats(&e, N) * sizeof *work);
	float got[N * L];
	double want[N * L], exact[N * L];
	assert_non_null(work);
	reference_emissions(&e, in, words, N, true, want);
	reference_emissions(&e, in, words, N, false, exact);
	/* Every build this processor can run, whichever one it gets by
	 * default. */
	for (int build = WS_ENCODER_PORTABLE; build <= (int)ws_encoder_best_build(); build++) {
		ws_encoder_emissions_by((ws_encoder_build)build, &e, in, words, N, work, got);
		double worst = 0, largest = 0, drift = 0;
		for (size_t i = 0; i < N * L; i++) {
			worst = fmax(worst, fabs(got[i] - want[i]));
			largest = fmax(largest, fabs(want[i]));
			drift = fmax(drift, fabs(got[i] - exact[i]));
		}
		/* The scores are of order one; float sums and the rational tanh
		 * stay well within a thousandth of them. */
		assert_true(largest > 0.1);
		if (worst > 1e-4)
			fail_msg("build %d: emissions differ from the reference by %g", build, worst);
		/* and the int8 recurrent product stays within a few hundredths
		 * of the float one's (0.019 here; a weight in the wrong place
		 * puts it above 1) */
		if (drift > 0.05)
			fail_msg("build %d: emissions differ from the float LSTM's by %g", build, drift);
	}
	/* A sequence of one token, and of none. */
	ws_encoder_emissions(&e, in, words, 1, work, got);
	reference_emissions(&e, in, words, 1, true, want);
	for (size_t b = 0; b < L; b++)
		assert_true(fabs(got[b] - want[b]) < 1e-4);
	ws_encoder_emissions(&e, in, words, 0, work, got);
	free(work);
	ws_encoder_free(&e, ws_allocator_or_default(NULL));
}

/* ------------------------------------------------------------ damage */

/* Every byte of the section's first 4 KB (its header, the vocabulary and
 * the dense weights) and of its last 256, and every 61st between: the
 * tables are 90 KB of one kind of byte, and a load checks the whole file
 * each time. */
static bool probed(size_t i, size_t len) { return i < 4096 || i + 256 >= len || i % 61 == 0; }

static void test_flipped_bytes_of_the_section_are_refused(void **state)
{
	(void)state;
	unsigned char *copy = malloc(neural_file.len);
	assert_non_null(copy);
	memcpy(copy, neural_file.data, neural_file.len);
	size_t tried = 0;
	for (size_t i = 0; i < neural_section.len; i++) {
		if (!probed(i, neural_section.len))
			continue;
		copy[neural_offset + i] ^= 0xFF;
		const char *problem = refusal_problem(copy, neural_file.len, "checksum");
		copy[neural_offset + i] ^= 0xFF;
		tried++;
		if (problem)
			fail_msg("section byte %zu of %zu: %s", i, neural_section.len, problem);
	}
	assert_true(tried > 5000);
	/* and the table entry that describes it */
	for (size_t i = 0; i < WS_MODEL_ENTRY_SIZE; i++) {
		size_t at = WS_MODEL_HEADER_SIZE + tiny_container.nsections * WS_MODEL_ENTRY_SIZE + i;
		copy[at] ^= 0x01;
		const char *problem = refusal_problem(copy, neural_file.len, NULL);
		copy[at] ^= 0x01;
		if (problem)
			fail_msg("table entry byte %zu: %s", i, problem);
	}
	free(copy);
}

static void test_truncated_sections_are_refused(void **state)
{
	(void)state;
	/* The file cut anywhere in the section: the container refuses it. */
	for (size_t len = neural_offset; len < neural_file.len; len++) {
		if (!probed(len - neural_offset, neural_section.len))
			continue;
		const char *problem = refusal_problem(neural_file.data, len, NULL);
		if (problem)
			fail_msg("file cut at %zu of %zu: %s", len, neural_file.len, problem);
	}
	/* The section itself shorter, its checksum right: the encoder's own
	 * checks refuse it. */
	char what[64];
	for (size_t len = 0; len < neural_section.len; len++) {
		if (!probed(len, neural_section.len))
			continue;
		snprintf(what, sizeof what, "section cut to %zu bytes", len);
		expect_section_refused(neural_section.data, len, "neural section", what);
	}
}

static void test_bad_headers_are_refused(void **state)
{
	(void)state;
	unsigned char *s = malloc(neural_section.len + 8);
	assert_non_null(s);
	/* Each header field off by one, checksums recomputed. */
	char what[64];
	for (size_t field = 0; field < NWORDS_AT / 4 + 2; field++) {
		memcpy(s, neural_section.data, neural_section.len);
		unsigned char *p = s + 4 * field;
		uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		for (int delta = -1; delta <= 1; delta += 2) {
			put32(p, v + (uint32_t)delta);
			snprintf(what, sizeof what, "header field %zu %+d", field, delta);
			expect_section_refused(s, neural_section.len, "neural section", what);
		}
	}
	/* A hidden size that no vector loop runs whole */
	memcpy(s, neural_section.data, neural_section.len);
	put32(s + 4, 12);
	expect_section_refused(s, neural_section.len, "hidden size", "hidden 12");
	/* A weight that is not a number: the first transition. */
	memcpy(s, neural_section.data, neural_section.len);
	size_t prov = (size_t)s[NWORDS_AT + 4] | (size_t)s[NWORDS_AT + 5] << 8;
	size_t weights = (NWORDS_AT + 8 + prov + 3) / 4 * 4;
	put32(s + weights, 0x7FC00000u);
	expect_section_refused(s, neural_section.len, "finite", "a NaN transition");
	put32(s + weights, 0x7F800000u);
	expect_section_refused(s, neural_section.len, "finite", "an infinite transition");
	/* Bytes after the last table. */
	memcpy(s, neural_section.data, neural_section.len);
	memset(s + neural_section.len, 0, 8);
	expect_section_refused(s, neural_section.len + 8, "left over", "8 bytes more");
	free(s);
}

static void test_bad_vocabularies_are_refused(void **state)
{
	(void)state;
	unsigned char *s = malloc(neural_section.len);
	assert_non_null(s);
	size_t prov = (size_t)neural_section.data[NWORDS_AT + 4];
	size_t floats = (L + 1) * L + 2 * GATES + 2 * GATES * HIDDEN + 2 * HIDDEN * L + L;
	size_t forms = (NWORDS_AT + 8 + prov + 3) / 4 * 4 + 4 * floats; /* the vocabulary's byte count */
	/* "said" (after the 4 bytes of the count and the unknown word's 2)
	 * becomes the twin of "told" */
	memcpy(s, neural_section.data, neural_section.len);
	assert_int_equal(s[forms + 4 + 2], 4);
	memcpy(s + forms + 4 + 3, "told", 4);
	expect_section_refused(s, neural_section.len, "neural section", "two words the same");
	memcpy(s + forms + 4 + 3, "said", 4);
	s[forms + 4 + 2] = 0; /* an empty word */
	expect_section_refused(s, neural_section.len, "neural section", "an empty word");
	s[forms + 4 + 2] = 200; /* a word running past the vocabulary */
	expect_section_refused(s, neural_section.len, "neural section", "a word too long");
	free(s);
}

static void test_every_failed_allocation_is_survived(void **state)
{
	(void)state;
	size_t total = 0;
	{
		counting c = {0, 0, 0};
		ws_allocator a = counting_allocator(&c);
		ws_model *m = NULL;
		assert_int_equal(ws_model_open_memory(neural_file.data, neural_file.len, &a, &m, NULL), WS_OK);
		ws_model_free(m);
		total = c.calls;
	}
	for (size_t k = 1; k <= total; k++) {
		counting c = {0, k, 0};
		ws_allocator a = counting_allocator(&c);
		ws_model *m = (ws_model *)&m;
		ws_error err;
		ws_status st = ws_model_open_memory(neural_file.data, neural_file.len, &a, &m, &err);
		if (st != WS_ERR_NOMEM || m != NULL || c.live != 0)
			fail_msg("allocation %zu of %zu failed: status %d, %ld blocks left", k, total, (int)st, c.live);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_neural_model_loads_and_analyzes),
		cmocka_unit_test(test_forward_pass_matches_a_plain_lstm),
		cmocka_unit_test(test_flipped_bytes_of_the_section_are_refused),
		cmocka_unit_test(test_truncated_sections_are_refused),
		cmocka_unit_test(test_bad_headers_are_refused),
		cmocka_unit_test(test_bad_vocabularies_are_refused),
		cmocka_unit_test(test_every_failed_allocation_is_survived),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
