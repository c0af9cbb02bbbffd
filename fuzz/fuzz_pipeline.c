/*
 * fuzz_pipeline.c — the whole public pipeline on arbitrary bytes:
 * ws_doc_analyze() and ws_doc_render() in every format and both offset
 * units, as a caller of the library would use them.
 *
 * The first byte picks the model (even: the shipped learned model "news",
 * odd: "rules") and is not part of the text, so that the fuzzer can steer
 * each input to either.  Both models are opened once, in
 * LLVMFuzzerInitialize(): "news" from $WHOSAID_MODEL_DIR, which the
 * Makefile's fuzz targets set to the checkout's models/.  The document is analysed twice, the second time
 * on the first half of the text with the same ws_doc, because a document
 * object is reused for a stream of articles and stale state from a larger
 * one must not leak into a smaller one.
 *
 * Every span the library returns must lie within the text and start and
 * end on a character boundary (whosaid.h promises it), and every entity
 * index must exist; both are checked.  A TSV table has as many cells on
 * every line as in its header, whatever the text holds.
 */
#include "fuzz.h"
#include "whosaid.h"

#include <string.h>

static ws_model *news, *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ws_error err;
	if (ws_model_open("news", NULL, &news, &err) != WS_OK ||
	    ws_model_open("rules", NULL, &rules, &err) != WS_OK) {
		fprintf(stderr, "fuzz_pipeline: cannot open a model: %s\n", err.message);
		exit(1);
	}
	return 0;
}

static bool boundary(const char *text, size_t len, size_t off)
{
	return off == len || (off < len && ((unsigned char)text[off] & 0xC0) != 0x80);
}

static void check_span(const char *text, size_t len, ws_span s)
{
	FUZZ_CHECK(s.start <= s.end && s.end <= len);
	FUZZ_CHECK(boundary(text, len, s.start) && boundary(text, len, s.end));
}

static void check_results(const ws_doc *doc)
{
	size_t len;
	const char *text = ws_doc_text(doc, &len);
	size_t nentities = ws_doc_entity_count(doc);
	for (size_t i = 0; i < ws_doc_attribution_count(doc); i++) {
		const ws_attribution *a = ws_doc_attribution(doc, i);
		FUZZ_CHECK(a != NULL);
		check_span(text, len, a->source);
		check_span(text, len, a->cue);
		check_span(text, len, a->addressee);
		FUZZ_CHECK(a->content_count > 0);
		for (size_t k = 0; k < a->content_count; k++)
			check_span(text, len, a->content[k]);
		FUZZ_CHECK(a->speaker >= -1 && (a->speaker < 0 || (size_t)a->speaker < nentities));
		FUZZ_CHECK(a->confidence >= 0.0 && a->confidence <= 1.0);
	}
	for (size_t i = 0; i < nentities; i++) {
		const ws_entity *e = ws_doc_entity(doc, i);
		FUZZ_CHECK(e != NULL && e->name != NULL && e->role != NULL);
		for (size_t k = 0; k < e->mention_count; k++)
			check_span(text, len, e->mentions[k]);
	}
	for (size_t i = 0; i < ws_doc_warning_count(doc); i++)
		FUZZ_CHECK(ws_doc_warning(doc, i)->position <= len);
}

/* Every line of a TSV table has the header's number of tabs. */
static void check_tsv(const ws_buffer *out)
{
	size_t header = 0, tabs = 0;
	bool first = true;
	for (size_t i = 0; i < out->len; i++) {
		if (out->data[i] == '\t') {
			tabs++;
		} else if (out->data[i] == '\n') {
			if (first)
				header = tabs;
			FUZZ_CHECK(tabs == header);
			first = false;
			tabs = 0;
		}
	}
	FUZZ_CHECK(out->len > 0 && out->data[out->len - 1] == '\n');
}

static void analyze_and_render(ws_doc *doc, const ws_model *model, const char *text, size_t len)
{
	static const ws_format formats[] = {WS_FORMAT_JSON, WS_FORMAT_JSONL, WS_FORMAT_TEXT, WS_FORMAT_BRAT,
					    WS_FORMAT_TSV, WS_FORMAT_CSV};
	static const char *const columns[] = {"outlet", "type", "gone"};
	ws_error err;
	FUZZ_CHECK(ws_doc_analyze(doc, model, text, len, &err) == WS_OK);
	check_results(doc);
	for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
		ws_render_options ro = {.format = formats[f],
					.offsets = f % 2 ? WS_OFFSETS_BYTES : WS_OFFSETS_CODEPOINTS,
					.id = "fuzz\"id\\",
					.extra_json = "\"outlet\":\"=x\\t\\u00e9\",\"type\":[1, {\"a\": \"\\\"\"}]",
					.tsv_header = 1,
					.columns = columns,
					.column_count = sizeof columns / sizeof columns[0]};
		ws_buffer out = {0};
		FUZZ_CHECK(ws_doc_render(doc, &ro, &out, &err) == WS_OK);
		/* JSON Lines is one line: a newline inside would split the record */
		if (formats[f] == WS_FORMAT_JSONL)
			FUZZ_CHECK(out.len > 0 && memchr(out.data, '\n', out.len) == out.data + out.len - 1);
		if (formats[f] == WS_FORMAT_TSV)
			check_tsv(&out);
		ws_buffer_free(&out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const ws_model *model = data[0] % 2 ? rules : news;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	ws_doc *doc;
	if (ws_doc_new(NULL, &doc) != WS_OK)
		return 0;
	analyze_and_render(doc, model, text, len);
	analyze_and_render(doc, model, text, len / 2);
	ws_doc_free(doc);
	return 0;
}
