/*
 * test_model_file.c — learned models: the perceptron that trains them, and
 * the loader, which must refuse any damaged, truncated or mismatched model
 * file with WS_ERR_MODEL and a message, never crash, and leak nothing.
 *
 * The model these tests damage is built here, from a few made-up
 * sentences per stage (tiny_stages), so that it is small (a few KB: every
 * byte of it is flipped) and the same on every machine: perceptron updates
 * are whole numbers, so every sum is exact and only correctly rounded
 * divisions remain.  The same bytes are committed as
 * tests/fixtures/tiny.wsm, with a copy that has one byte of its ATTR
 * section changed as tiny-damaged.wsm, for the command-line tests of
 * `whosaid model`.  test_committed_fixtures_are_current checks that they
 * still match what this file builds; after a change of
 * WS_FEATURE_SET_VERSION, of a section's layout or of the stages a model
 * needs (a row in tiny_stages), `UPDATE=1 make test` rewrites them and the
 * expected outputs of tests/cli/model_*.  The handmade sections below
 * mirror the layout documented in linear.c.  The tests run from the
 * repository root, as make runs them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <math.h>
#include <cmocka.h>

#include "counting_allocator.h"
#include "model/model.h"
#include "model/model_file.h"
#include "model/linear.h"
#include "model/features.h"
#include "stages/stages.h"

#define TINY_MODEL_PATH "tests/fixtures/tiny.wsm"
#define TINY_DAMAGED_PATH "tests/fixtures/tiny-damaged.wsm"

/* ---------------------------------------------------------- allocators */

/* ------------------------------------------------- synthetic sequences */

#define MAX_WORDS 16
#define FEATURES_PER_WORD 2

/* A sequence ready for the learner: two features per word (the word, and
 * the word before it) and the gold label of each word. */
typedef struct encoded {
	size_t n;
	uint64_t features[MAX_WORDS * FEATURES_PER_WORD];
	uint32_t offsets[MAX_WORDS + 1];
	uint8_t gold[MAX_WORDS];
} encoded;

static void encode_words(const char *const *words, const size_t *lengths, const uint8_t *gold, size_t n,
			 encoded *out)
{
	assert_true(n <= MAX_WORDS);
	memset(out, 0, sizeof *out);
	for (size_t t = 0; t < n; t++) {
		out->offsets[t] = (uint32_t)(t * FEATURES_PER_WORD);
		out->features[t * FEATURES_PER_WORD] = ws_feature(1, words[t], lengths[t]);
		out->features[t * FEATURES_PER_WORD + 1] =
			t ? ws_feature(2, words[t - 1], lengths[t - 1]) : ws_feature(2, "<s>", 3);
		out->gold[t] = gold[t];
	}
	out->offsets[n] = (uint32_t)(n * FEATURES_PER_WORD);
	out->n = n;
}

/* A made-up training sentence: words and their label names, each list
 * separated by single spaces. */
typedef struct example {
	const char *words;
	const char *labels;
} example;

/* The next space-separated item of *s; advances *s past it. */
static size_t next_item(const char **s, const char **item)
{
	while (**s == ' ')
		(*s)++;
	*item = *s;
	size_t n = strcspn(*s, " ");
	*s += n;
	return n;
}

static void encode_example(const ws_labels *labels, const example *ex, encoded *out)
{
	const char *words[MAX_WORDS];
	size_t lengths[MAX_WORDS];
	uint8_t gold[MAX_WORDS];
	const char *w = ex->words, *l = ex->labels;
	size_t n = 0;
	for (;;) {
		const char *label;
		size_t wn = next_item(&w, &words[n]);
		size_t ln = next_item(&l, &label);
		if (!wn || !ln) {
			if (wn || ln)
				fail_msg("\"%s\": as many labels as words expected", ex->words);
			break;
		}
		char name[WS_LABEL_NAME] = {0};
		assert_true(ln < sizeof name);
		memcpy(name, label, ln);
		int index = ws_label_index(labels, name);
		if (index < 0)
			fail_msg("\"%s\": no label %s", ex->words, name);
		lengths[n] = wn;
		gold[n] = (uint8_t)index;
		assert_true(++n < MAX_WORDS);
	}
	encode_words(words, lengths, gold, n, out);
}

/* One perceptron epoch over sequences: decode each with the current
 * weights, then update.  Returns the words decoded wrong. */
static size_t train_epoch(ws_learner *learner, const encoded *seqs, size_t nseqs)
{
	float emissions[MAX_WORDS * WS_MAX_LABELS];
	uint8_t back[MAX_WORDS * WS_MAX_LABELS], predicted[MAX_WORDS];
	size_t mistakes = 0;
	for (size_t i = 0; i < nseqs; i++) {
		const encoded *s = &seqs[i];
		ws_learner_decode(learner, s->features, s->offsets, s->n, emissions, back, predicted);
		for (size_t t = 0; t < s->n; t++)
			mistakes += predicted[t] != s->gold[t];
		assert_true(ws_learner_update(learner, s->features, s->offsets, s->n, s->gold, predicted));
	}
	return mistakes;
}

static void labels_of(ws_labels *labels, const char *const *names, uint32_t count)
{
	assert_true(ws_labels_set(labels, names, count));
}

/* Train a section on the examples for a few epochs and write it to out. */
static void train_section(const char *const *names, uint32_t count, const example *examples, size_t nexamples,
			  ws_writer *out)
{
	ws_labels labels;
	labels_of(&labels, names, count);
	encoded seqs[8];
	assert_true(nexamples <= sizeof seqs / sizeof seqs[0]);
	for (size_t i = 0; i < nexamples; i++)
		encode_example(&labels, &examples[i], &seqs[i]);
	ws_learner *learner = ws_learner_new(&labels);
	assert_non_null(learner);
	for (int epoch = 0; epoch < 3; epoch++)
		train_epoch(learner, seqs, nexamples);
	assert_true(ws_learner_save(learner, 0, out));
	ws_learner_free(learner);
}

/* ------------------------------------------------------ the tiny model */

/* Part-of-speech labels are whatever the model was trained with. */
static const char *const tiny_pos_labels[] = {"DT", "NN", "NNP", "VB", "JJ", "."};

static const example tiny_pos_examples[] = {
	{"the council said the bridge was safe .", "DT NN VB DT NN VB JJ ."},
	{"Jane Doe told reporters the plan was rushed .", "NNP NNP VB NN DT NN VB JJ ."},
	{"Brackton Harbor will reopen the pier .", "NNP NNP VB VB DT NN ."},
};

static const example tiny_ner_examples[] = {
	{"Jane Doe said the council met .", "B-PER I-PER O O O O O"},
	{"the Brackton Harbor Council voted in Ferrytown .", "O B-ORG I-ORG I-ORG O O B-LOC O"},
	{"Tom Reller of Harbor News said .", "B-PER I-PER O B-MISC I-MISC O O"},
};

/* The parser's labels are its actions: SHIFT, and L- and R- of each
 * relation.  Its section is trained here as a sequence of actions, which
 * is all a fixture needs. */
static const char *const tiny_dep_labels[] = {"SHIFT", "L-nsubj", "R-nsubj", "L-det", "R-det", "R-dobj", "R-punct"};

static const example tiny_dep_examples[] = {
	{"Jane said the bridge was safe .", "SHIFT SHIFT L-nsubj SHIFT SHIFT L-det R-dobj"},
	{"the council met .", "SHIFT SHIFT L-det SHIFT"},
	{"critics said so .", "SHIFT SHIFT L-nsubj R-punct"},
};

static const example tiny_attr_examples[] = {
	{"Jane Doe said the bridge was safe .", "B-SOURCE I-SOURCE B-CUE B-CONTENT I-CONTENT I-CONTENT I-CONTENT O"},
	{"the plan was rushed , critics said .", "B-CONTENT I-CONTENT I-CONTENT I-CONTENT O B-SOURCE B-CUE O"},
	{"according to Tom Reller the pier will reopen .",
	 "B-CUE I-CUE B-SOURCE I-SOURCE B-CONTENT I-CONTENT I-CONTENT I-CONTENT O"},
};

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

/* The learned stages, in the order of their sections after META. */
typedef struct stage {
	const char *tag;
	const char *const *labels;
	uint32_t nlabels;
	const example *examples;
	size_t nexamples;
} stage;

static const stage tiny_stages[] = {
	{"POS", tiny_pos_labels, N_OF(tiny_pos_labels), tiny_pos_examples, N_OF(tiny_pos_examples)},
	{"NER", ws_ner_label_names, WS_NER_LABELS, tiny_ner_examples, N_OF(tiny_ner_examples)},
	{"DEP", tiny_dep_labels, N_OF(tiny_dep_labels), tiny_dep_examples, N_OF(tiny_dep_examples)},
	{"ATTR", ws_role_label_names, WS_ROLE_LABELS, tiny_attr_examples, N_OF(tiny_attr_examples)},
};

#define NSECTIONS (1 + N_OF(tiny_stages))

/* The tiny model's sections (META first, then the stages), their tags,
 * and the whole file; built once, before the tests. */
static ws_writer tiny_sections[NSECTIONS];
static const char *standard_tags[NSECTIONS];
static ws_writer tiny_file;

static void tiny_sections_build(ws_writer sections[NSECTIONS])
{
	memset(sections, 0, NSECTIONS * sizeof *sections);
	char meta[160];
	int n = snprintf(meta, sizeof meta,
			 "{\"name\": \"tiny\", \"feature_set\": %u, \"trained_on\": \"three made-up sentences per "
			 "stage (a test fixture)\"}",
			 WS_FEATURE_SET_VERSION);
	assert_true(n > 0 && (size_t)n < sizeof meta);
	ws_write_bytes(&sections[0], meta, (size_t)n);
	for (size_t i = 0; i < N_OF(tiny_stages); i++) {
		const stage *st = &tiny_stages[i];
		train_section(st->labels, st->nlabels, st->examples, st->nexamples, &sections[1 + i]);
	}
}

static void sections_free(ws_writer sections[NSECTIONS])
{
	for (size_t i = 0; i < NSECTIONS; i++)
		ws_writer_free(&sections[i]);
}

/* Index of the tiny model's section of this tag. */
static size_t section_index(const char *tag)
{
	for (size_t i = 0; i < NSECTIONS; i++)
		if (strcmp(standard_tags[i], tag) == 0)
			return i;
	fail_msg("the tiny model has no section %s", tag);
	return 0;
}

/* A whole model file of the sections under these tags (the standard ones
 * when NULL), the one tagged replaced (when not NULL) holding replacement
 * instead.  Every checksum is right. */
static void assemble(ws_writer *out, uint32_t feature_set, const ws_writer sections[NSECTIONS],
		     const char *const *tags, const char *replaced, const ws_writer *replacement)
{
	ws_section_source parts[NSECTIONS];
	for (size_t i = 0; i < NSECTIONS; i++) {
		parts[i].tag = tags ? tags[i] : standard_tags[i];
		parts[i].content = replaced && strcmp(standard_tags[i], replaced) == 0 ? replacement : &sections[i];
	}
	assert_true(ws_container_write(out, feature_set, parts, NSECTIONS));
}

static void tiny_model_build(ws_writer *out)
{
	ws_writer sections[NSECTIONS];
	tiny_sections_build(sections);
	assemble(out, WS_FEATURE_SET_VERSION, sections, NULL, NULL, NULL);
	sections_free(sections);
}

/* The tiny model with one section's content replaced. */
static void tiny_replacing(ws_writer *out, const char *tag, const ws_writer *replacement)
{
	section_index(tag);
	assemble(out, WS_FEATURE_SET_VERSION, tiny_sections, NULL, tag, replacement);
}

static int setup(void **state)
{
	(void)state;
	standard_tags[0] = "META";
	for (size_t i = 0; i < N_OF(tiny_stages); i++)
		standard_tags[1 + i] = tiny_stages[i].tag;
	tiny_sections_build(tiny_sections);
	assemble(&tiny_file, WS_FEATURE_SET_VERSION, tiny_sections, NULL, NULL, NULL);
	return tiny_file.failed ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	sections_free(tiny_sections);
	ws_writer_free(&tiny_file);
	return 0;
}

/* ------------------------------------------------- raw container edits */

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

static unsigned char *table_entry(unsigned char *bytes, size_t i)
{
	return bytes + WS_MODEL_HEADER_SIZE + i * WS_MODEL_ENTRY_SIZE;
}

/* Recompute the section table's and the header's checksums after an
 * edit, so that only the edit itself is wrong. */
static void reseal(unsigned char *bytes, size_t len)
{
	size_t table_end = WS_MODEL_HEADER_SIZE + (size_t)get32(bytes + 16) * WS_MODEL_ENTRY_SIZE;
	if (table_end > len)
		table_end = len;
	put32(bytes + 20, ws_crc32(bytes + WS_MODEL_HEADER_SIZE, table_end - WS_MODEL_HEADER_SIZE));
	put32(bytes + 28, ws_crc32(bytes, 28));
}

/* A copy of the tiny model's bytes, to edit. */
static unsigned char *tiny_copy(void)
{
	unsigned char *copy = malloc(tiny_file.len);
	assert_non_null(copy);
	memcpy(copy, tiny_file.data, tiny_file.len);
	return copy;
}

/* ------------------------------------------------------- expectations */

/* Open bytes[0..len) as a model through a counting allocator; NULL when
 * it is refused as it should be (WS_ERR_MODEL, a message holding want
 * when want is not NULL, no model, nothing left allocated), else what
 * went wrong.  The bytes are copied into a block of exactly len bytes,
 * so that the sanitizers see any read past the end. */
static const char *refusal_problem(const unsigned char *bytes, size_t len, const char *want, ws_error *err)
{
	static char problem[400];
	unsigned char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	if (len)
		memcpy(copy, bytes, len);
	counting c = {0, 0, 0};
	ws_allocator a = counting_allocator(&c);
	ws_model *m = (ws_model *)&m;
	memset(err, 0, sizeof *err);
	ws_status st = ws_model_open_memory(copy, len, &a, &m, err);
	free(copy);
	if (st == WS_OK)
		ws_model_free(m);
	if (st != WS_ERR_MODEL)
		snprintf(problem, sizeof problem, "status %d (%s), expected WS_ERR_MODEL", (int)st, err->message);
	else if (m != NULL)
		snprintf(problem, sizeof problem, "the model is not NULL");
	else if (err->code != WS_ERR_MODEL || err->message[0] == '\0')
		snprintf(problem, sizeof problem, "err says code %d, message \"%s\"", (int)err->code, err->message);
	else if (want && !strstr(err->message, want))
		snprintf(problem, sizeof problem, "message \"%s\" does not say \"%s\"", err->message, want);
	else if (c.live != 0)
		snprintf(problem, sizeof problem, "%ld blocks left allocated", c.live);
	else
		return NULL;
	return problem;
}

static void expect_refused(const unsigned char *bytes, size_t len, const char *want)
{
	ws_error err;
	const char *problem = refusal_problem(bytes, len, want, &err);
	if (problem)
		fail_msg("%s", problem);
}

static void expect_writer_refused(const ws_writer *w, const char *want) { expect_refused(w->data, w->len, want); }

/* ----------------------------------------------------- the intact model */

static void test_tiny_model_is_small(void **state)
{
	(void)state;
	assert_true(tiny_file.len > 500);
	assert_true(tiny_file.len < 8192);
	ws_container c;
	ws_error err;
	assert_int_equal(ws_container_parse(tiny_file.data, tiny_file.len, WS_FEATURE_SET_VERSION, &c, &err), WS_OK);
	assert_int_equal(c.nsections, NSECTIONS);
	assert_int_equal(c.feature_set_version, WS_FEATURE_SET_VERSION);
	/* Each learned stage kept some features. */
	for (size_t i = 1; i < NSECTIONS; i++) {
		ws_linear m;
		assert_int_equal(ws_linear_load(&m, ws_allocator_or_default(NULL), &c.sections[i], &err), WS_OK);
		assert_true(m.nfeatures > 5);
		assert_true(m.nentries >= m.nfeatures);
		ws_linear_free(&m, ws_allocator_or_default(NULL));
	}
}

static void test_intact_model_loads_and_analyzes(void **state)
{
	(void)state;
	counting c = {0, 0, 0};
	ws_allocator a = counting_allocator(&c);
	ws_model *model = NULL;
	ws_error err;
	memset(&err, 0, sizeof err);
	assert_int_equal(ws_model_open_memory(tiny_file.data, tiny_file.len, &a, &model, &err), WS_OK);
	assert_non_null(model);
	assert_true(model->learned);
	assert_string_equal(ws_model_name(model), "memory");
	assert_int_equal(model->pos.labels.count, N_OF(tiny_pos_labels));
	assert_non_null(strstr(model->meta, "\"tiny\""));

	ws_doc *doc = NULL;
	assert_int_equal(ws_doc_new(&a, &doc), WS_OK);
	static const char text[] =
		"Jane Doe said the bridge was safe. \"The ferry keeps running,\" Tom Reller told reporters.";
	assert_int_equal(ws_doc_analyze(doc, model, text, sizeof text - 1, &err), WS_OK);
	size_t found = ws_doc_attribution_count(doc);
	/* The document and the model are reusable, and the analysis repeatable. */
	assert_int_equal(ws_doc_analyze(doc, model, text, sizeof text - 1, &err), WS_OK);
	assert_int_equal(ws_doc_attribution_count(doc), found);
	ws_doc_free(doc);
	ws_model_free(model);
	assert_int_equal(c.live, 0);
}

/* ------------------------------------------------------ damaged models */

static void test_every_flipped_byte_is_refused(void **state)
{
	(void)state;
	static const unsigned char masks[] = {0xFF, 0x01, 0x80};
	unsigned char *copy = tiny_copy();
	ws_error err;
	for (size_t i = 0; i < tiny_file.len; i++)
		for (size_t k = 0; k < sizeof masks; k++) {
			copy[i] ^= masks[k];
			const char *problem = refusal_problem(copy, tiny_file.len, NULL, &err);
			copy[i] ^= masks[k];
			if (problem)
				fail_msg("byte %zu of %zu xor 0x%02x: %s", i, tiny_file.len, masks[k], problem);
		}
	free(copy);
}

static void test_every_truncation_is_refused(void **state)
{
	(void)state;
	ws_error err;
	for (size_t len = 0; len < tiny_file.len; len++) {
		const char *problem = refusal_problem(tiny_file.data, len, NULL, &err);
		if (problem)
			fail_msg("first %zu of %zu bytes: %s", len, tiny_file.len, problem);
	}
	/* No bytes at all, not even a pointer. */
	ws_model *m = (ws_model *)&m;
	assert_int_equal(ws_model_open_memory(NULL, 0, NULL, &m, &err), WS_ERR_MODEL);
	assert_null(m);
}

static void test_bytes_after_the_end_are_refused(void **state)
{
	(void)state;
	unsigned char *longer = calloc(tiny_file.len + 16, 1);
	assert_non_null(longer);
	memcpy(longer, tiny_file.data, tiny_file.len);
	for (size_t extra = 1; extra <= 16; extra++)
		expect_refused(longer, tiny_file.len + extra, "after its last section");
	free(longer);
}

/* Helpful messages, not just refusals: the versions, the bytes that are
 * wrong. */
static void test_messages_name_what_is_wrong(void **state)
{
	(void)state;
	unsigned char *copy = tiny_copy();
	copy[0] = 'w';
	expect_refused(copy, tiny_file.len, "not a whosaid model file");
	expect_refused(copy, 10, "not a whosaid model file");
	free(copy);

	copy = tiny_copy();
	copy[24] = 1; /* the reserved field, under the header's checksum */
	expect_refused(copy, tiny_file.len, "header is damaged");
	free(copy);

	copy = tiny_copy();
	table_entry(copy, 0)[9] ^= 1; /* an offset, under the table's checksum */
	expect_refused(copy, tiny_file.len, "section table is damaged");
	free(copy);

	copy = tiny_copy();
	copy[tiny_file.len - 1] ^= 1; /* the last byte of ATTR */
	expect_refused(copy, tiny_file.len, "'ATTR' is damaged");
	free(copy);

	expect_refused(tiny_file.data, WS_MODEL_HEADER_SIZE + 24, "truncated");
}

/* ------------------------------------------------- mismatched versions */

static void test_other_feature_set_is_refused(void **state)
{
	(void)state;
	static const uint32_t others[] = {0, WS_FEATURE_SET_VERSION + 1, 0xFFFFFFFFu};
	for (size_t i = 0; i < N_OF(others); i++) {
		ws_writer file = {0};
		assemble(&file, others[i], tiny_sections, NULL, NULL, NULL);
		expect_writer_refused(&file, "feature set");
		/* The container itself is sound: only the version differs. */
		ws_container c;
		assert_int_equal(ws_container_parse(file.data, file.len, 0, &c, NULL), WS_OK);
		assert_int_equal(c.feature_set_version, others[i]);
		ws_writer_free(&file);
	}
}

static void test_other_format_version_is_refused(void **state)
{
	(void)state;
	static const uint32_t others[] = {0, WS_MODEL_FORMAT_VERSION + 1, 0xFFFFFFFFu};
	for (size_t i = 0; i < N_OF(others); i++) {
		unsigned char *copy = tiny_copy();
		put32(copy + 8, others[i]);
		reseal(copy, tiny_file.len);
		expect_refused(copy, tiny_file.len, "format version");
		free(copy);
	}
}

/* ----------------------------------------------- malformed section table */

static void test_section_count_out_of_range_is_refused(void **state)
{
	(void)state;
	static const uint32_t counts[] = {0, WS_MODEL_MAX_SECTIONS + 1, 0xFFFFFFFFu};
	for (size_t i = 0; i < N_OF(counts); i++) {
		unsigned char *copy = tiny_copy();
		put32(copy + 16, counts[i]);
		reseal(copy, tiny_file.len);
		expect_refused(copy, tiny_file.len, "sections (1 to");
		free(copy);
	}
	/* A table that lists fewer sections than the file holds leaves bytes
	 * that no section covers. */
	for (uint32_t n = 1; n < NSECTIONS; n++) {
		unsigned char *copy = tiny_copy();
		put32(copy + 16, n);
		reseal(copy, tiny_file.len);
		expect_refused(copy, tiny_file.len, NULL);
		free(copy);
	}
}

static void test_sections_must_tile_the_file(void **state)
{
	(void)state;
	/* Move each section's offset by one byte either way and by eight. */
	static const long shifts[] = {-8, -1, 1, 8};
	for (size_t i = 0; i < NSECTIONS; i++)
		for (size_t k = 0; k < N_OF(shifts); k++) {
			unsigned char *copy = tiny_copy();
			unsigned char *e = table_entry(copy, i);
			put32(e + 8, get32(e + 8) + (uint32_t)shifts[k]);
			reseal(copy, tiny_file.len);
			expect_refused(copy, tiny_file.len, NULL);
			free(copy);
		}
	/* A section that claims one byte less leaves it uncovered, even with
	 * its own checksum right. */
	for (size_t i = 0; i < NSECTIONS; i++) {
		unsigned char *copy = tiny_copy();
		unsigned char *e = table_entry(copy, i);
		uint32_t len = get32(e + 16) - 1;
		put32(e + 16, len);
		put32(e + 20, ws_crc32(copy + get32(e + 8), len));
		reseal(copy, tiny_file.len);
		expect_refused(copy, tiny_file.len, NULL);
		free(copy);
	}
	/* Padding between sections must be zero. */
	size_t padded = 0;
	for (size_t i = 1; i < NSECTIONS; i++) {
		const unsigned char *prev = table_entry(tiny_file.data, i - 1);
		size_t end = get32(prev + 8) + get32(prev + 16);
		size_t next = get32(table_entry(tiny_file.data, i) + 8);
		for (size_t p = end; p < next; p++) {
			unsigned char *copy = tiny_copy();
			copy[p] = 0x20;
			expect_refused(copy, tiny_file.len, "stray bytes");
			free(copy);
			padded++;
		}
	}
	assert_true(padded > 0); /* else the fixture tests no padding */
}

/* The tiny model with the section tagged from renamed to: every checksum
 * is right, so the loader's own checks are what refuse it. */
static void expect_renamed_refused(const char *from, const char *to, const char *want)
{
	const char *tags[NSECTIONS];
	memcpy(tags, standard_tags, sizeof tags);
	tags[section_index(from)] = to;
	ws_writer file = {0};
	assemble(&file, WS_FEATURE_SET_VERSION, tiny_sections, tags, NULL, NULL);
	expect_writer_refused(&file, want);
	ws_writer_free(&file);
}

static void test_bad_section_names_are_refused(void **state)
{
	(void)state;
	/* An unknown name in place of a required one. */
	expect_renamed_refused("NER", "NAMES", "no 'NER' section");
	expect_renamed_refused("ATTR", "attr", "no 'ATTR' section");
	expect_renamed_refused("META", "INFO", "no 'META' section");
	/* Two sections of one name. */
	expect_renamed_refused("ATTR", "NER", "two sections named 'NER'");
	expect_renamed_refused("NER", "POS", "two sections named 'POS'");
	expect_renamed_refused("POS", "META", "two sections named 'META'");
	/* Names that are not printable ASCII. */
	expect_renamed_refused("POS", "P S", "malformed name");
	expect_renamed_refused("NER", "N\x01R", "malformed name");
	expect_renamed_refused("ATTR", "ATTR\xc3\xa9", "malformed name");
	expect_renamed_refused("META", "", "malformed name");

	/* A name followed by bytes other than NUL padding, checksums right. */
	unsigned char *copy = tiny_copy();
	unsigned char *e = table_entry(copy, section_index("POS"));
	e[5] = 'X';
	reseal(copy, tiny_file.len);
	expect_refused(copy, tiny_file.len, "malformed name");
	free(copy);
}

static void test_missing_sections_are_refused(void **state)
{
	(void)state;
	for (size_t missing = 0; missing < NSECTIONS; missing++) {
		ws_section_source parts[NSECTIONS];
		size_t n = 0;
		for (size_t i = 0; i < NSECTIONS; i++)
			if (i != missing)
				parts[n++] = (ws_section_source){standard_tags[i], &tiny_sections[i]};
		ws_writer file = {0};
		assert_true(ws_container_write(&file, WS_FEATURE_SET_VERSION, parts, n));
		char want[40];
		snprintf(want, sizeof want, "no '%s' section", standard_tags[missing]);
		expect_writer_refused(&file, want);
		/* Only one section left. */
		assert_true(ws_container_write(&file, WS_FEATURE_SET_VERSION, &parts[0], 1));
		expect_writer_refused(&file, "section");
		ws_writer_free(&file);
	}
}

static void test_stage_labels_must_match_this_build(void **state)
{
	(void)state;
	ws_writer file = {0};
	/* The part-of-speech section where the names belong, and the names
	 * where the attribution roles belong. */
	tiny_replacing(&file, "NER", &tiny_sections[section_index("POS")]);
	expect_writer_refused(&file, "name labels");
	tiny_replacing(&file, "ATTR", &tiny_sections[section_index("NER")]);
	expect_writer_refused(&file, "attribution labels");
	/* As many name labels, one class named otherwise. */
	static const char *const renamed[WS_NER_LABELS] = {"O",     "B-PER", "I-PER", "B-ORG", "I-ORG",
							   "B-GPE", "I-GPE", "B-MISC", "I-MISC"};
	ws_writer ner = {0};
	train_section(renamed, WS_NER_LABELS, (const example[]){{"Ann Lee met .", "B-PER I-PER O O"}}, 1, &ner);
	tiny_replacing(&file, "NER", &ner);
	expect_writer_refused(&file, "name labels");
	/* The same labels in another order. */
	static const char *const reordered[WS_ROLE_LABELS] = {"O",     "B-CUE",     "I-CUE",    "B-SOURCE",
							      "I-SOURCE", "B-CONTENT", "I-CONTENT"};
	ws_writer attr = {0};
	train_section(reordered, WS_ROLE_LABELS, (const example[]){{"Ann said so .", "B-SOURCE B-CUE B-CONTENT O"}},
		      1, &attr);
	tiny_replacing(&file, "ATTR", &attr);
	expect_writer_refused(&file, "attribution labels");
	ws_writer_free(&ner);
	ws_writer_free(&attr);
	ws_writer_free(&file);
}

/* A parser section of these actions, trained on one made-up sentence. */
static void dep_section(const char *const *actions, uint32_t count, const char *labels, ws_writer *out)
{
	const example one = {"Ann said so .", labels};
	out->len = 0;
	train_section(actions, count, &one, 1, out);
}

/* The parser's labels must be its actions: SHIFT, and at least one arc
 * (L- or R- and a relation), for a sentence of two words needs one. */
static void test_parser_actions_must_be_complete(void **state)
{
	(void)state;
	ws_writer dep = {0}, file = {0};
	static const char *const shift_only[] = {"SHIFT"};
	dep_section(shift_only, 1, "SHIFT SHIFT SHIFT SHIFT", &dep);
	tiny_replacing(&file, "DEP", &dep);
	expect_writer_refused(&file, "parser actions");

	static const char *const no_shift[] = {"L-nsubj", "R-nsubj"};
	dep_section(no_shift, 2, "L-nsubj R-nsubj L-nsubj R-nsubj", &dep);
	tiny_replacing(&file, "DEP", &dep);
	expect_writer_refused(&file, "parser actions");

	static const char *const not_an_arc[] = {"SHIFT", "L-nsubj", "X-nsubj"};
	dep_section(not_an_arc, 3, "SHIFT SHIFT L-nsubj X-nsubj", &dep);
	tiny_replacing(&file, "DEP", &dep);
	expect_writer_refused(&file, "parser actions");

	/* The name labels where the actions belong. */
	tiny_replacing(&file, "DEP", &tiny_sections[section_index("NER")]);
	expect_writer_refused(&file, "parser actions");

	/* SHIFT and a single arc are enough: every sentence parses. */
	static const char *const one_arc[] = {"SHIFT", "R-dep"};
	dep_section(one_arc, 2, "SHIFT SHIFT R-dep SHIFT", &dep);
	tiny_replacing(&file, "DEP", &dep);
	ws_model *model = NULL;
	ws_doc *doc = NULL;
	ws_error err;
	assert_int_equal(ws_model_open_memory(file.data, file.len, NULL, &model, &err), WS_OK);
	assert_int_equal(ws_doc_new(NULL, &doc), WS_OK);
	static const char text[] = "Jane Doe said the bridge was safe. \"It is,\" Tom Reller said.";
	assert_int_equal(ws_doc_analyze(doc, model, text, sizeof text - 1, &err), WS_OK);
	ws_doc_free(doc);
	ws_model_free(model);
	ws_writer_free(&dep);
	ws_writer_free(&file);
}

/* ---------------------------------------------- malformed linear sections */

/* A linear section written field by field (layout in linear.c), so that
 * one field at a time can be wrong. */
typedef struct handmade {
	uint32_t count;              /* the label count written */
	const char *const *names;    /* names written: min(count, nnames) */
	uint32_t nnames;
	float transition;            /* every transition weight */
	size_t nan_transition;       /* index + 1 of one NaN transition, or 0 */
	uint32_t nfeatures;          /* the feature count written */
	uint32_t keys[3];
	uint8_t entries[3];          /* per feature */
	float scale;
	uint8_t entry_label[6];
	int16_t entry_weight[6];
	size_t trailing;             /* zero bytes written after the section */
} handmade;

static const char *const xyz_labels[] = {"O", "B-X", "I-X"};

/* Three labels, three features with two entries each. */
static handmade handmade_valid(void)
{
	handmade h = {
		.count = 3,
		.names = xyz_labels,
		.nnames = 3,
		.transition = 0.25f,
		.nfeatures = 3,
		.keys = {10, 20, 0xFFFFFFFFu},
		.entries = {2, 2, 2},
		.scale = 0.5f,
		.entry_label = {0, 1, 1, 2, 0, 2},
		.entry_weight = {2, -4, 6, 8, -10, 32767},
	};
	return h;
}

static void handmade_write(const handmade *h, ws_writer *out)
{
	out->len = 0;
	ws_write_u32(out, h->count);
	for (uint32_t i = 0; i < h->count && i < h->nnames; i++) {
		size_t n = strlen(h->names[i]);
		ws_write_u8(out, (uint8_t)n);
		ws_write_bytes(out, h->names[i], n);
	}
	size_t ntrans = (size_t)(h->count + 1) * h->count;
	for (size_t i = 0; i < ntrans && i < (WS_MAX_LABELS + 1) * WS_MAX_LABELS; i++)
		ws_write_f32(out, h->nan_transition == i + 1 ? NAN : h->transition);
	ws_write_u32(out, h->nfeatures);
	uint32_t written = h->nfeatures < 3 ? h->nfeatures : 3;
	for (uint32_t f = 0; f < written; f++)
		ws_write_u32(out, h->keys[f]);
	size_t entries = 0;
	for (uint32_t f = 0; f < written; f++) {
		ws_write_u8(out, h->entries[f]);
		entries += h->entries[f];
	}
	ws_write_f32(out, h->scale);
	if (entries > 6)
		entries = 6;
	ws_write_bytes(out, h->entry_label, entries);
	for (size_t e = 0; e < entries; e++)
		ws_write_u16(out, (uint16_t)h->entry_weight[e]);
	for (size_t i = 0; i < h->trailing; i++)
		ws_write_u8(out, 0);
	assert_false(out->failed);
}

static ws_status handmade_load(const ws_writer *w, ws_linear *m, ws_error *err)
{
	/* An exact-size copy, so that any read past the end is seen. */
	unsigned char *copy = malloc(w->len ? w->len : 1);
	assert_non_null(copy);
	memcpy(copy, w->data, w->len);
	ws_section section = {"POS", copy, w->len, 0};
	ws_status st = ws_linear_load(m, ws_allocator_or_default(NULL), &section, err);
	free(copy);
	return st;
}

/* The section is refused by ws_linear_load with a message holding want,
 * and a model with it in place of the part-of-speech section (every
 * checksum right) by ws_model_open_memory. */
static void expect_section_refused(const handmade *h, const char *want)
{
	ws_writer w = {0};
	handmade_write(h, &w);
	ws_linear m;
	ws_error err;
	memset(&err, 0, sizeof err);
	assert_int_equal(handmade_load(&w, &m, &err), WS_ERR_MODEL);
	assert_int_equal(err.code, WS_ERR_MODEL);
	if (!strstr(err.message, want))
		fail_msg("message \"%s\" does not say \"%s\"", err.message, want);
	assert_null(m.slots);
	assert_null(m.transitions);

	ws_writer file = {0};
	tiny_replacing(&file, "POS", &w);
	expect_writer_refused(&file, want);
	expect_writer_refused(&file, "section 'POS' is invalid");
	ws_writer_free(&file);
	ws_writer_free(&w);
}

static void test_handmade_section_loads(void **state)
{
	(void)state;
	handmade h = handmade_valid();
	ws_writer w = {0};
	handmade_write(&h, &w);
	ws_linear m;
	ws_error err;
	assert_int_equal(handmade_load(&w, &m, &err), WS_OK);
	assert_int_equal(m.labels.count, 3);
	assert_string_equal(m.labels.names[2], "I-X");
	assert_int_equal(m.nfeatures, 3);
	assert_int_equal(m.nentries, 6);
	float scores[3] = {0};
	/* Features whose upper 32 bits are zero are stored as themselves. */
	assert_int_equal(ws_feature_key(0xFFFFFFFFu), 0xFFFFFFFFu);
	const uint64_t features[] = {20, 99, 0xFFFFFFFFu};
	ws_linear_score(&m, features, 3, scores);
	/* Feature 20: label 1 += 6 * 0.5, label 2 += 8 * 0.5; the last:
	 * label 0 += -10 * 0.5, label 2 += 32767 * 0.5; 99 is unknown. */
	assert_true(scores[0] == -5.0f);
	assert_true(scores[1] == 3.0f);
	assert_true(scores[2] == 4.0f + 32767 * 0.5f);
	ws_linear_free(&m, ws_allocator_or_default(NULL));

	/* It loads as the part-of-speech section of a whole model too. */
	ws_writer file = {0};
	tiny_replacing(&file, "POS", &w);
	ws_model *model = NULL;
	assert_int_equal(ws_model_open_memory(file.data, file.len, NULL, &model, &err), WS_OK);
	ws_model_free(model);
	ws_writer_free(&file);

	/* No features at all is a valid section (an untrained stage). */
	h.nfeatures = 0;
	handmade_write(&h, &w);
	assert_int_equal(handmade_load(&w, &m, &err), WS_OK);
	assert_int_equal(m.nfeatures, 0);
	ws_linear_free(&m, ws_allocator_or_default(NULL));
	ws_writer_free(&w);
}

/* The taggers' word cache (features.h) gives the scores the features
 * give without it, float for float, whether a word is met the first time
 * or again, and is read (not bypassed) and emptied for another model. */
static void test_word_cache_gives_the_taggers_own_scores(void **state)
{
	(void)state;
	ws_model *model = NULL;
	ws_error err;
	assert_int_equal(ws_model_open_memory(tiny_file.data, tiny_file.len, NULL, &model, &err), WS_OK);
	static const char *const text[] = {"Jane", "Doe", "said", "the", "bridge", "was", "safe", ",",
					   "and", "Jane", "said", "the", "ferry", "was", "safe", "."};
	enum { N = sizeof text / sizeof *text };
	ws_word words[N];
	for (size_t t = 0; t < N; t++)
		words[t] = (ws_word){text[t], (uint32_t)strlen(text[t]), (uint32_t)t, (uint8_t)(t % 5)};
	const ws_allocator *a = ws_allocator_or_default(NULL);
	ws_scratch s = {0};
	ws_word_cache cache = {0};
	for (int kind = WS_TAGGER_POS; kind <= WS_TAGGER_NER; kind++) {
		const ws_linear *m = kind == WS_TAGGER_POS ? &model->pos : &model->ner;
		size_t L = m->labels.count;
		assert_true(ws_scratch_reserve(&s, a, N, (uint32_t)L, 0));
		assert_true(ws_word_cache_ready(&cache, a, m));
		ws_words_atoms(words, N, s.atoms);
		ws_sentence_features((ws_tagger_kind)kind, words, N, s.atoms, s.features, s.offsets);
		float *want = calloc(N * L, sizeof *want);
		uint8_t plain[N], cached[N];
		assert_non_null(want);
		for (size_t t = 0; t < N; t++)
			ws_linear_score(m, s.features + s.offsets[t], s.offsets[t + 1] - s.offsets[t], want + t * L);
		ws_tag_decode(m, s.atoms, N, NULL, &s, plain);
		assert_memory_equal(s.emissions, want, N * L * sizeof *want);
		for (int pass = 0; pass < 2; pass++) { /* the first fills the cache, the second reads it */
			ws_tag_decode(m, s.atoms, N, &cache, &s, cached);
			assert_memory_equal(s.emissions, want, N * L * sizeof *want);
			assert_memory_equal(cached, plain, N);
		}
		/* "Jane" twice, each the same cached row: spoil it, and both
		 * of its tokens' scores move, the others' not */
		size_t filled = 0, jane = SIZE_MAX;
		for (size_t k = 0; k < WS_WORD_CACHE_SLOTS; k++)
			filled += cache.keys[k] != 0;
		assert_true(filled >= 10 && filled <= 13); /* the sentence's distinct words */
		ws_tag_decode(m, s.atoms, N, &cache, &s, cached);
		for (size_t k = 0; k < WS_WORD_CACHE_SLOTS && jane == SIZE_MAX; k++) {
			if (!cache.keys[k])
				continue;
			cache.steps[k * L] += 1000;
			ws_tag_decode(m, s.atoms, N, &cache, &s, cached);
			size_t moved = 0;
			for (size_t t = 0; t < N; t++)
				moved += s.emissions[t * L] != want[t * L];
			if (moved == 2 && s.emissions[0] != want[0])
				jane = k;
			cache.steps[k * L] -= 1000;
		}
		assert_true(jane != SIZE_MAX);
		free(want);
	}
	/* Handed back to the first model, the cache starts empty. */
	assert_true(ws_word_cache_ready(&cache, a, &model->pos));
	for (size_t k = 0; k < WS_WORD_CACHE_SLOTS; k++)
		assert_true(cache.keys[k] == 0);
	/* So it does for a model loaded where another was freed: the same
	 * address is another model. */
	ws_container c;
	assert_int_equal(ws_container_parse(tiny_file.data, tiny_file.len, WS_FEATURE_SET_VERSION, &c, &err), WS_OK);
	ws_linear reused;
	assert_int_equal(ws_linear_load(&reused, a, ws_container_find(&c, "POS"), &err), WS_OK);
	assert_true(ws_word_cache_ready(&cache, a, &reused));
	assert_true(ws_scratch_reserve(&s, a, N, reused.labels.count, 0));
	ws_words_atoms(words, N, s.atoms);
	ws_sentence_features(WS_TAGGER_POS, words, N, s.atoms, s.features, s.offsets);
	uint8_t labels[N];
	ws_tag_decode(&reused, s.atoms, N, &cache, &s, labels);
	size_t filled = 0;
	for (size_t k = 0; k < WS_WORD_CACHE_SLOTS; k++)
		filled += cache.keys[k] != 0;
	assert_true(filled > 0);
	ws_linear_free(&reused, a);
	assert_int_equal(ws_linear_load(&reused, a, ws_container_find(&c, "POS"), &err), WS_OK);
	assert_true(ws_word_cache_ready(&cache, a, &reused));
	for (size_t k = 0; k < WS_WORD_CACHE_SLOTS; k++)
		assert_true(cache.keys[k] == 0);
	ws_linear_free(&reused, a);
	ws_word_cache_free(&cache, a);
	ws_scratch_free(&s, a);
	ws_model_free(model);
}

static void test_section_keys_must_ascend(void **state)
{
	(void)state;
	handmade h = handmade_valid();
	h.keys[1] = 5; /* below keys[0] */
	expect_section_refused(&h, "feature keys are not in order");
	h = handmade_valid();
	h.keys[2] = h.keys[1]; /* a key twice */
	expect_section_refused(&h, "feature keys are not in order");
}

static void test_section_entry_counts_must_fit_the_labels(void **state)
{
	(void)state;
	static const uint8_t wrong[] = {0, 4, 255};
	for (size_t i = 0; i < N_OF(wrong); i++)
		for (size_t f = 0; f < 3; f++) {
			handmade h = handmade_valid();
			h.entries[f] = wrong[i];
			expect_section_refused(&h, "entry count is out of range");
		}
}

static void test_section_entry_labels_must_exist_and_ascend(void **state)
{
	(void)state;
	static const uint8_t wrong[] = {3, 64, 255};
	for (size_t i = 0; i < N_OF(wrong); i++)
		for (size_t e = 0; e < 6; e += 5) {
			handmade h = handmade_valid();
			h.entry_label[e] = wrong[i];
			expect_section_refused(&h, "labels are out of range or order");
		}
	/* A feature's labels in descending order, or one label twice. */
	handmade h = handmade_valid();
	h.entry_label[2] = 2;
	h.entry_label[3] = 1;
	expect_section_refused(&h, "labels are out of range or order");
	h = handmade_valid();
	h.entry_label[5] = 0;
	expect_section_refused(&h, "labels are out of range or order");
}

static void test_section_scale_must_be_positive_and_finite(void **state)
{
	(void)state;
	const float scales[] = {0.0f, -0.0f, -1.0f, NAN, -NAN, INFINITY, -INFINITY};
	for (size_t i = 0; i < N_OF(scales); i++) {
		handmade h = handmade_valid();
		h.scale = scales[i];
		expect_section_refused(&h, "weight scale");
	}
}

static void test_section_transitions_must_be_finite(void **state)
{
	(void)state;
	handmade h = handmade_valid();
	h.nan_transition = 1;
	expect_section_refused(&h, "transition weight");
	h.nan_transition = 12; /* the last: (3 + 1) * 3 */
	expect_section_refused(&h, "transition weight");
	h = handmade_valid();
	h.transition = INFINITY;
	expect_section_refused(&h, "transition weight");
}

static void test_section_labels_must_be_sound(void **state)
{
	(void)state;
	handmade h = handmade_valid();
	h.count = 0;
	expect_section_refused(&h, "label count");
	h.count = WS_MAX_LABELS + 1;
	expect_section_refused(&h, "label count");
	h.count = 0xFFFFFFFFu;
	expect_section_refused(&h, "label count");
	/* More labels than names written: the rest of the section is read as
	 * names and does not fit. */
	h = handmade_valid();
	h.count = WS_MAX_LABELS;
	expect_section_refused(&h, "label name");
	static const char *const empty_name[] = {"O", "", "I-X"};
	h = handmade_valid();
	h.names = empty_name;
	expect_section_refused(&h, "label name");
	static const char *const long_name[] = {"O", "B-XXXXXXXXXXXXXX", "I-X"};
	h = handmade_valid();
	h.names = long_name;
	expect_section_refused(&h, "label name");
}

static void test_section_counts_must_fit(void **state)
{
	(void)state;
	handmade h = handmade_valid();
	h.nfeatures = 0xFFFFFFFFu;
	expect_section_refused(&h, "feature count exceeds the section");
	h.nfeatures = 1000;
	expect_section_refused(&h, "feature count exceeds the section");
	/* More entries declared than written. */
	h = handmade_valid();
	h.entries[2] = 3;
	expect_section_refused(&h, "size does not match");
	h = handmade_valid();
	h.trailing = 1;
	expect_section_refused(&h, "size does not match");
	h.trailing = 8;
	expect_section_refused(&h, "size does not match");
}

static void test_every_section_truncation_is_refused(void **state)
{
	(void)state;
	handmade h = handmade_valid();
	ws_writer w = {0};
	handmade_write(&h, &w);
	size_t full = w.len;
	for (size_t len = 0; len < full; len++) {
		w.len = len;
		ws_linear m;
		ws_error err;
		err.message[0] = '\0';
		if (handmade_load(&w, &m, &err) != WS_ERR_MODEL || err.message[0] == '\0')
			fail_msg("first %zu of %zu bytes of a section were not refused", len, full);
	}
	ws_writer_free(&w);
	/* The trained sections too, inside a whole model. */
	for (size_t s = 1; s < NSECTIONS; s++) {
		const ws_writer *trained = &tiny_sections[s];
		ws_writer cut = {0};
		ws_write_bytes(&cut, trained->data, trained->len);
		for (size_t len = 0; len < trained->len; len++) {
			cut.len = len;
			ws_writer file = {0};
			tiny_replacing(&file, standard_tags[s], &cut);
			ws_error err;
			const char *problem = refusal_problem(file.data, file.len, "is invalid", &err);
			if (problem)
				fail_msg("section '%s' cut to %zu bytes: %s", standard_tags[s], len, problem);
			ws_writer_free(&file);
		}
		ws_writer_free(&cut);
	}
}

/* Where a trained section's transitions start, and how many there are:
 * they follow the label names (layout in linear.c). */
static size_t transitions_at(const ws_writer *w, size_t *ntransitions)
{
	ws_reader r = {w->data, w->len, 0, false};
	uint32_t count = ws_read_u32(&r);
	for (uint32_t i = 0; i < count; i++)
		ws_read_bytes(&r, ws_read_u8(&r));
	*ntransitions = (size_t)(count + 1) * count;
	assert_false(r.failed);
	assert_true(r.pos + *ntransitions * 4 <= w->len);
	return r.pos;
}

static void put_f32(unsigned char *p, float v)
{
	uint32_t bits;
	memcpy(&bits, &v, sizeof bits);
	put32(p, bits);
}

/* Transition weights that are finite but overflow when added up (each
 * +-FLT_MAX) make infinite and NaN path scores in every stage; the model
 * may refuse them, and if it loads, analysis must still work. */
static void test_extreme_weights_never_break_analysis(void **state)
{
	(void)state;
	ws_writer extreme[NSECTIONS];
	memset(extreme, 0, sizeof extreme);
	for (size_t i = 0; i < NSECTIONS; i++) {
		ws_write_bytes(&extreme[i], tiny_sections[i].data, tiny_sections[i].len);
		if (i == 0)
			continue;
		size_t ntransitions, at = transitions_at(&extreme[i], &ntransitions);
		for (size_t k = 0; k < ntransitions; k++)
			put_f32(extreme[i].data + at + 4 * k, k % 3 ? FLT_MAX : -FLT_MAX);
	}
	ws_writer file = {0};
	assemble(&file, WS_FEATURE_SET_VERSION, extreme, NULL, NULL, NULL);
	ws_model *model = NULL;
	ws_error err;
	ws_status st = ws_model_open_memory(file.data, file.len, NULL, &model, &err);
	if (st == WS_OK) {
		ws_doc *doc = NULL;
		assert_int_equal(ws_doc_new(NULL, &doc), WS_OK);
		static const char text[] = "Jane Doe said the bridge was safe. \"It is,\" Tom Reller said.";
		assert_int_equal(ws_doc_analyze(doc, model, text, sizeof text - 1, &err), WS_OK);
		for (size_t i = 0; i < ws_doc_attribution_count(doc); i++) {
			const ws_attribution *a = ws_doc_attribution(doc, i);
			assert_true(a->cue.start <= a->cue.end && a->cue.end <= sizeof text - 1);
		}
		ws_doc_free(doc);
		ws_model_free(model);
	} else {
		assert_int_equal(st, WS_ERR_MODEL);
		assert_null(model);
	}
	ws_writer_free(&file);
	sections_free(extreme);
}

/* ------------------------------------------------------ out of memory */

static void test_open_fails_cleanly_at_every_allocation(void **state)
{
	(void)state;
	size_t failures = 0;
	for (size_t n = 1;; n++) {
		counting c = {0, n, 0};
		ws_allocator a = counting_allocator(&c);
		ws_model *model = (ws_model *)&model;
		ws_error err;
		memset(&err, 0, sizeof err);
		ws_status st = ws_model_open_memory(tiny_file.data, tiny_file.len, &a, &model, &err);
		if (st == WS_OK) {
			assert_true(c.calls < n); /* the Nth allocation was never reached */
			ws_model_free(model);
			assert_int_equal(c.live, 0);
			break;
		}
		assert_int_equal(st, WS_ERR_NOMEM);
		assert_int_equal(err.code, WS_ERR_NOMEM);
		assert_true(err.message[0] != '\0');
		assert_null(model);
		assert_int_equal(c.live, 0);
		failures++;
		assert_true(n < 1000);
	}
	/* The model, the cue table, the description and three arrays per
	 * stage (transitions, the feature table, the weights). */
	assert_true(failures >= 3 + 3 * N_OF(tiny_stages));
}

/* ---------------------------------------------------------- perceptron */

/* The task: a word "x" is B-X, the word after an "x" (unless an "x"
 * itself) I-X, any other O.  Sequences are drawn from a fixed generator. */
enum { X_O, X_B, X_I };

static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

static void x_sequence(uint32_t *rng, encoded *out)
{
	static const char *const vocabulary[] = {"x", "a", "b", "c", "d"};
	const char *words[MAX_WORDS];
	size_t lengths[MAX_WORDS];
	uint8_t gold[MAX_WORDS];
	size_t n = 2 + next_random(rng) % 9;
	for (size_t t = 0; t < n; t++) {
		words[t] = vocabulary[next_random(rng) % 5];
		lengths[t] = 1;
		gold[t] = words[t][0] == 'x' ? X_B : t > 0 && words[t - 1][0] == 'x' ? X_I : X_O;
	}
	encode_words(words, lengths, gold, n, out);
}

#define X_TRAIN 60
#define X_HELD_OUT 100
#define X_EPOCHS 10

/* The averaged perceptron done the plain way, beside the learner, to
 * check its lazy averaging: after every update the weights are added to
 * a running sum; the averages are the sums over the updates plus one (as
 * learn.c counts time).  Weights of the features it has seen, per label. */
#define REFERENCE_FEATURES 32
typedef struct reference {
	size_t nkeys, updates;
	uint64_t keys[REFERENCE_FEATURES];
	double weights[REFERENCE_FEATURES][3], sums[REFERENCE_FEATURES][3];
	double transitions[4 * 3], transition_sums[4 * 3];
} reference;

static size_t reference_row(reference *r, uint64_t key)
{
	for (size_t k = 0; k < r->nkeys; k++)
		if (r->keys[k] == key)
			return k;
	assert_true(r->nkeys < REFERENCE_FEATURES);
	r->keys[r->nkeys] = key;
	return r->nkeys++;
}

/* The same update as ws_learner_update(). */
static void reference_update(reference *r, const encoded *s, const uint8_t *predicted)
{
	for (size_t t = 0; t < s->n; t++) {
		size_t gp = t ? s->gold[t - 1] : 3, pp = t ? predicted[t - 1] : 3;
		if (s->gold[t] != predicted[t] || gp != pp) {
			r->transitions[gp * 3 + s->gold[t]] += 1;
			r->transitions[pp * 3 + predicted[t]] -= 1;
		}
		if (s->gold[t] == predicted[t])
			continue;
		for (uint32_t k = s->offsets[t]; k < s->offsets[t + 1]; k++) {
			size_t row = reference_row(r, s->features[k]);
			r->weights[row][s->gold[t]] += 1;
			r->weights[row][predicted[t]] -= 1;
		}
	}
	for (size_t k = 0; k < r->nkeys; k++)
		for (size_t b = 0; b < 3; b++)
			r->sums[k][b] += r->weights[k][b];
	for (size_t i = 0; i < 12; i++)
		r->transition_sums[i] += r->transitions[i];
	r->updates++;
}

static float reference_average(const reference *r, double sum) { return (float)(sum / (double)(r->updates + 1)); }

static void reference_decode(const reference *r, const ws_labels *labels, const encoded *s, uint8_t *out)
{
	float emissions[MAX_WORDS * 3] = {0}, transitions[12];
	uint8_t back[MAX_WORDS * 3];
	for (size_t i = 0; i < 12; i++)
		transitions[i] = reference_average(r, r->transition_sums[i]);
	for (size_t t = 0; t < s->n; t++)
		for (uint32_t k = s->offsets[t]; k < s->offsets[t + 1]; k++)
			for (size_t row = 0; row < r->nkeys; row++)
				if (r->keys[row] == s->features[k])
					for (size_t b = 0; b < 3; b++)
						emissions[t * 3 + b] += reference_average(r, r->sums[row][b]);
	ws_viterbi(labels, transitions, emissions, s->n, back, out);
}

/* Train on the task's fixed sequences, the reference (when not NULL)
 * updated alongside.  epochs_needed: the first epoch without a mistake. */
static ws_learner *x_learner(const ws_labels *labels, encoded *train, reference *ref, size_t *epochs_needed)
{
	uint32_t rng = 12345;
	for (size_t i = 0; i < X_TRAIN; i++)
		x_sequence(&rng, &train[i]);
	ws_learner *learner = ws_learner_new(labels);
	assert_non_null(learner);
	*epochs_needed = 0;
	float emissions[MAX_WORDS * 3];
	uint8_t back[MAX_WORDS * 3], predicted[MAX_WORDS];
	for (size_t epoch = 1; epoch <= X_EPOCHS; epoch++) {
		size_t mistakes = 0;
		for (size_t i = 0; i < X_TRAIN; i++) {
			const encoded *s = &train[i];
			ws_learner_decode(learner, s->features, s->offsets, s->n, emissions, back, predicted);
			mistakes += memcmp(predicted, s->gold, s->n) != 0;
			assert_true(ws_learner_update(learner, s->features, s->offsets, s->n, s->gold, predicted));
			if (ref)
				reference_update(ref, s, predicted);
		}
		if (mistakes == 0 && !*epochs_needed)
			*epochs_needed = epoch;
	}
	return learner;
}

static void test_perceptron_learns_a_tiny_task(void **state)
{
	(void)state;
	ws_labels labels;
	labels_of(&labels, xyz_labels, 3);
	encoded train[X_TRAIN];
	size_t epochs_needed;
	ws_learner *learner = x_learner(&labels, train, NULL, &epochs_needed);
	/* An epoch without a mistake comes within a few. */
	assert_true(epochs_needed >= 1 && epochs_needed <= 4);
	assert_true(ws_learner_features(learner) > 0);

	uint32_t rng = 999;
	float emissions[MAX_WORDS * 3];
	uint8_t back[MAX_WORDS * 3], out[MAX_WORDS];
	for (size_t i = 0; i < X_HELD_OUT; i++) {
		encoded s;
		x_sequence(&rng, &s);
		ws_learner_decode(learner, s.features, s.offsets, s.n, emissions, back, out);
		assert_memory_equal(out, s.gold, s.n);
	}
	ws_learner_free(learner);
}

/* Decode with a loaded section as the taggers do. */
static void linear_decode(const ws_linear *m, const encoded *s, uint8_t *out)
{
	float emissions[MAX_WORDS * WS_MAX_LABELS] = {0};
	uint8_t back[MAX_WORDS * WS_MAX_LABELS];
	uint32_t L = m->labels.count;
	for (size_t t = 0; t < s->n; t++)
		ws_linear_score(m, s->features + s->offsets[t], s->offsets[t + 1] - s->offsets[t], emissions + t * L);
	ws_viterbi(&m->labels, m->transitions, emissions, s->n, back, out);
}

/* What the learner saves is its averaged weights (each within half a
 * step of the 16-bit quantization), and the loaded section decodes as
 * those weights do.  The learner's own decoding uses its last weights,
 * not the averages: the two can differ where the last weights tie. */
static void test_saved_model_holds_the_learners_averages(void **state)
{
	(void)state;
	ws_labels labels;
	labels_of(&labels, xyz_labels, 3);
	encoded train[X_TRAIN];
	size_t epochs_needed;
	reference *ref = calloc(1, sizeof *ref);
	assert_non_null(ref);
	ws_learner *learner = x_learner(&labels, train, ref, &epochs_needed);
	assert_int_equal(ref->updates, X_TRAIN * X_EPOCHS);
	assert_int_equal(ref->nkeys, ws_learner_features(learner));
	ws_writer saved = {0};
	assert_true(ws_learner_save(learner, 0, &saved));
	ws_linear m;
	ws_error err;
	ws_section section = {"X", saved.data, saved.len, 0};
	assert_int_equal(ws_linear_load(&m, ws_allocator_or_default(NULL), &section, &err), WS_OK);
	assert_int_equal(m.labels.count, 3);

	for (size_t i = 0; i < 12; i++) {
		float want = reference_average(ref, ref->transition_sums[i]);
		if (fabsf(m.transitions[i] - want) > 1e-6f * (1 + fabsf(want)))
			fail_msg("transition %zu is %g, the average is %g", i, m.transitions[i], want);
	}
	float largest = 0;
	for (size_t k = 0; k < ref->nkeys; k++)
		for (size_t b = 0; b < 3; b++)
			largest = fmaxf(largest, fabsf(reference_average(ref, ref->sums[k][b])));
	float half_step = largest / 32767 / 2 * 1.001f;
	size_t kept = 0;
	for (size_t k = 0; k < ref->nkeys; k++) {
		float got[3] = {0};
		ws_linear_score(&m, &ref->keys[k], 1, got);
		bool any = false;
		for (size_t b = 0; b < 3; b++) {
			float want = reference_average(ref, ref->sums[k][b]);
			any |= fabsf(want) >= half_step;
			if (fabsf(got[b] - want) > half_step)
				fail_msg("feature %zu label %zu weighs %g, the average is %g", k, b, got[b], want);
		}
		kept += any;
	}
	assert_int_equal(m.nfeatures, kept);

	uint32_t rng = 4242;
	uint8_t by_reference[MAX_WORDS], by_model[MAX_WORDS];
	size_t right = 0;
	for (size_t i = 0; i < X_TRAIN + X_HELD_OUT; i++) {
		encoded held_out;
		if (i >= X_TRAIN)
			x_sequence(&rng, &held_out);
		const encoded *s = i < X_TRAIN ? &train[i] : &held_out;
		reference_decode(ref, &labels, s, by_reference);
		linear_decode(&m, s, by_model);
		assert_memory_equal(by_model, by_reference, s->n);
		right += memcmp(by_model, s->gold, s->n) == 0;
	}
	/* And the averages learned the task, nearly everywhere. */
	assert_true(right * 10 >= (X_TRAIN + X_HELD_OUT) * 9);
	ws_linear_free(&m, ws_allocator_or_default(NULL));
	ws_writer_free(&saved);
	ws_learner_free(learner);
	free(ref);
}

static void test_training_is_deterministic(void **state)
{
	(void)state;
	ws_labels labels;
	labels_of(&labels, xyz_labels, 3);
	ws_writer saved[2] = {{0}, {0}};
	for (int run = 0; run < 2; run++) {
		encoded train[X_TRAIN];
		size_t epochs_needed;
		ws_learner *learner = x_learner(&labels, train, NULL, &epochs_needed);
		assert_true(ws_learner_save(learner, 0, &saved[run]));
		ws_learner_free(learner);
	}
	assert_int_equal(saved[0].len, saved[1].len);
	assert_memory_equal(saved[0].data, saved[1].data, saved[0].len);
	ws_writer_free(&saved[0]);
	ws_writer_free(&saved[1]);

	/* The whole tiny model, built again, is the same file. */
	ws_writer again = {0};
	tiny_model_build(&again);
	assert_int_equal(again.len, tiny_file.len);
	assert_memory_equal(again.data, tiny_file.data, tiny_file.len);
	ws_writer_free(&again);
}

static bool continues_span(const ws_labels *labels, uint8_t prev, uint8_t label)
{
	const char *p = labels->names[prev], *l = labels->names[label];
	return (p[0] == 'B' || p[0] == 'I') && p[1] == '-' && strcmp(p + 2, l + 2) == 0;
}

static void test_viterbi_never_starts_a_span_inside(void **state)
{
	(void)state;
	static const char *const names[] = {"O", "B-X", "I-X", "B-Y", "I-Y"};
	ws_labels labels;
	labels_of(&labels, names, 5);
	/* The allowed transitions themselves. */
	assert_false(labels.allowed[5][2]);
	assert_false(labels.allowed[0][2]);
	assert_true(labels.allowed[1][2]);
	assert_true(labels.allowed[2][2]);
	assert_false(labels.allowed[3][2]);
	assert_false(labels.allowed[4][2]);
	assert_true(labels.allowed[5][1]);
	assert_true(labels.allowed[2][3]);

	/* Emissions and transitions that push hard towards the inside labels
	 * and towards O -> I-X: decoding must still refuse them. */
	uint32_t rng = 7;
	float transitions[6 * 5], emissions[MAX_WORDS * 5];
	uint8_t back[MAX_WORDS * 5], out[MAX_WORDS];
	size_t insides = 0;
	for (int trial = 0; trial < 2000; trial++) {
		for (size_t i = 0; i < N_OF(transitions); i++)
			transitions[i] = (float)(next_random(&rng) % 200) / 10.0f - 10.0f;
		if (trial % 2)
			transitions[0 * 5 + 2] = transitions[5 * 5 + 2] = 1000; /* O -> I-X, start -> I-X */
		size_t n = 1 + next_random(&rng) % MAX_WORDS;
		for (size_t i = 0; i < n * 5; i++) {
			float boost = i % 5 == 2 || i % 5 == 4 ? 5.0f : 0.0f;
			emissions[i] = (float)(next_random(&rng) % 200) / 10.0f - 10.0f + boost;
		}
		ws_viterbi(&labels, transitions, emissions, n, back, out);
		for (size_t t = 0; t < n; t++) {
			assert_true(out[t] < 5);
			bool inside = out[t] == 2 || out[t] == 4;
			insides += inside;
			if (inside && (t == 0 || !continues_span(&labels, out[t - 1], out[t])))
				fail_msg("trial %d: %s at word %zu after %s", trial, names[out[t]], t,
					 t ? names[out[t - 1]] : "the start");
		}
	}
	assert_true(insides > 1000); /* the inside labels were chosen, where allowed */
}

/* ----------------------------------------------------- committed files */

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *data = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			unsigned char *bigger = realloc(data, cap);
			assert_non_null(bigger);
			data = bigger;
		}
		size_t got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	*len = n;
	return data;
}

static void write_file(const char *path, const unsigned char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		fail_msg("cannot write %s", path);
}

/* The damaged copy: one byte in the middle of the ATTR section changed,
 * so that the file is sound up to that section's checksum. */
static unsigned char *tiny_damaged(void)
{
	ws_container c;
	assert_int_equal(ws_container_parse(tiny_file.data, tiny_file.len, 0, &c, NULL), WS_OK);
	const ws_section *attr = ws_container_find(&c, "ATTR");
	assert_non_null(attr);
	unsigned char *copy = tiny_copy();
	copy[(size_t)(attr->data - tiny_file.data) + attr->len / 2] ^= 0x10;
	return copy;
}

static void expect_file_is(const char *path, const unsigned char *want, size_t want_len)
{
	size_t len = 0;
	unsigned char *got = read_file(path, &len);
	if (!got)
		fail_msg("cannot read %s (run the tests from the repository root; UPDATE=1 make test writes it)", path);
	if (len != want_len || memcmp(got, want, len) != 0)
		fail_msg("%s differs from the model this test builds; UPDATE=1 make test rewrites it", path);
	free(got);
}

static void test_committed_fixtures_are_current(void **state)
{
	(void)state;
	unsigned char *damaged = tiny_damaged();
	const char *update = getenv("UPDATE");
	if (update && strcmp(update, "1") == 0) {
		write_file(TINY_MODEL_PATH, tiny_file.data, tiny_file.len);
		write_file(TINY_DAMAGED_PATH, damaged, tiny_file.len);
	}
	expect_file_is(TINY_MODEL_PATH, tiny_file.data, tiny_file.len);
	expect_file_is(TINY_DAMAGED_PATH, damaged, tiny_file.len);
	free(damaged);

	/* Opened by path, as the command line does. */
	ws_model *model = NULL;
	ws_error err;
	assert_int_equal(ws_model_open(TINY_MODEL_PATH, NULL, &model, &err), WS_OK);
	assert_string_equal(ws_model_name(model), "tiny.wsm");
	ws_model_free(model);
	model = (ws_model *)&model;
	assert_int_equal(ws_model_open(TINY_DAMAGED_PATH, NULL, &model, &err), WS_ERR_MODEL);
	assert_null(model);
	assert_non_null(strstr(err.message, TINY_DAMAGED_PATH));
	assert_non_null(strstr(err.message, "'ATTR' is damaged"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_model_is_small),
		cmocka_unit_test(test_intact_model_loads_and_analyzes),
		cmocka_unit_test(test_every_flipped_byte_is_refused),
		cmocka_unit_test(test_every_truncation_is_refused),
		cmocka_unit_test(test_bytes_after_the_end_are_refused),
		cmocka_unit_test(test_messages_name_what_is_wrong),
		cmocka_unit_test(test_other_feature_set_is_refused),
		cmocka_unit_test(test_other_format_version_is_refused),
		cmocka_unit_test(test_section_count_out_of_range_is_refused),
		cmocka_unit_test(test_sections_must_tile_the_file),
		cmocka_unit_test(test_bad_section_names_are_refused),
		cmocka_unit_test(test_missing_sections_are_refused),
		cmocka_unit_test(test_stage_labels_must_match_this_build),
		cmocka_unit_test(test_parser_actions_must_be_complete),
		cmocka_unit_test(test_handmade_section_loads),
		cmocka_unit_test(test_word_cache_gives_the_taggers_own_scores),
		cmocka_unit_test(test_section_keys_must_ascend),
		cmocka_unit_test(test_section_entry_counts_must_fit_the_labels),
		cmocka_unit_test(test_section_entry_labels_must_exist_and_ascend),
		cmocka_unit_test(test_section_scale_must_be_positive_and_finite),
		cmocka_unit_test(test_section_transitions_must_be_finite),
		cmocka_unit_test(test_section_labels_must_be_sound),
		cmocka_unit_test(test_section_counts_must_fit),
		cmocka_unit_test(test_every_section_truncation_is_refused),
		cmocka_unit_test(test_extreme_weights_never_break_analysis),
		cmocka_unit_test(test_open_fails_cleanly_at_every_allocation),
		cmocka_unit_test(test_perceptron_learns_a_tiny_task),
		cmocka_unit_test(test_saved_model_holds_the_learners_averages),
		cmocka_unit_test(test_training_is_deterministic),
		cmocka_unit_test(test_viterbi_never_starts_a_span_inside),
		cmocka_unit_test(test_committed_fixtures_are_current),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
