/*
 * fuzz_model.c — the model loader, ws_model_open_memory(), on arbitrary
 * bytes.
 *
 * A model file is the one input of the library that is a binary format:
 * section tables, lengths, counts and CRCs that a damaged or hostile file
 * can set to anything.  The loader must refuse every bad file with
 * WS_ERR_MODEL, never read out of bounds, never allocate what a length
 * field claims before checking it against the bytes there are, and leave
 * nothing behind.  A file it accepts must then be usable: it analyses a
 * short text.
 *
 * The seeds are the test fixtures tests/fixtures/tiny.wsm (valid) and
 * tiny-damaged.wsm; CRCs make most mutations fail early, which is the
 * check the loader should do first anyway, and the dictionary carries the
 * magic and section names.
 */
#include "fuzz.h"
#include "whosaid.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ws_model *model = NULL;
	ws_error err;
	ws_status st = ws_model_open_memory(data, size, NULL, &model, &err);
	FUZZ_CHECK(st == WS_OK || st == WS_ERR_MODEL);
	FUZZ_CHECK((st == WS_OK) == (model != NULL));
	if (st != WS_OK) {
		FUZZ_CHECK(err.code == st && memchr(err.message, '\0', sizeof err.message) != NULL);
		return 0;
	}
	static const char text[] = "\"The plan is sound,\" Ms. Ilsa Varro, a council member, told reporters.";
	ws_doc *doc;
	if (ws_doc_new(NULL, &doc) == WS_OK) {
		FUZZ_CHECK(ws_doc_analyze(doc, model, text, sizeof text - 1, &err) == WS_OK);
		ws_doc_free(doc);
	}
	ws_model_free(model);
	return 0;
}
