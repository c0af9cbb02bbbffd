/*
 * records.c — what the Python package asks of the command front: a record
 * exactly as `whosaid --jsonl --format jsonl` writes it, for one JSON Lines
 * record or for a whole file of them.
 *
 * The package's shared library is the library (src/), the command front
 * (front/), the store's speaker keys (store/speaker_key.c) and this file,
 * built by python/setup.py.  Going through the front's own reader and
 * renderer, rather than parsing JSON in Python, is what makes the records
 * of extract_many() and of whosaid.dask the command line's byte for byte,
 * error records and their wording included.
 *
 * Every function here may run on many threads at once, each with its own
 * document; Python calls them without the GIL.
 */
#include "front/front.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WS_PY_API __attribute__((visibility("default")))

/* The options of the command line's `--jsonl --format jsonl -q`. */
static cli_options record_options(const char *text_field, const char *id_field, int offsets_bytes)
{
	return (cli_options){.format = WS_FORMAT_JSONL,
			     .offsets = offsets_bytes ? WS_OFFSETS_BYTES : WS_OFFSETS_CODEPOINTS,
			     .jsonl = true,
			     .text_field = text_field,
			     .id_field = id_field,
			     .quiet = true,
			     .jobs = 1};
}

/* One JSON Lines record, line[0..len), as line lineno of file: its record
 * into *out (the caller frees it with ws_buffer_free).  1 analysed, 0 an
 * error record, -1 out of memory (nothing in *out). */
WS_PY_API int whosaid_py_record(const ws_model *model, ws_doc *doc, const char *file, size_t lineno,
				const char *line, size_t len, const char *text_field, const char *id_field,
				int offsets_bytes, ws_buffer *out)
{
	cli_options opt = record_options(text_field, id_field, offsets_bytes);
	const char *stem = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	cli_doc d = {0};
	char reason[CLI_REASON_SIZE];
	int r = -1;
	if (cli_jsonl_record(&opt, file, stem, lineno, line, len, &d) == CLI_NEXT) {
		int result = cli_analyze_document(&opt, model, doc, &d, NULL, false, out, reason, sizeof reason);
		r = result == CLI_DOC_ANALYSED ? 1 : result == CLI_DOC_FAILED ? 0 : -1;
	}
	cli_doc_clear(&d);
	return r;
}

/* Every record of the JSON Lines file at path, read as the command reads
 * it, written to the file at out_path: the records the command prints for
 * it.  *records and *failed count them.  0 when done, -1 with why (why_size
 * bytes) when the output cannot be written or memory runs out. */
WS_PY_API int whosaid_py_file(const ws_model *model, const char *path, const char *out_path, const char *text_field,
			      const char *id_field, size_t *records, size_t *failed, char *why, size_t why_size)
{
	char *inputs[] = {(char *)path};
	cli_options opt = record_options(text_field, id_field, 0);
	opt.inputs = inputs;
	opt.ninputs = 1;
	*records = *failed = 0;
	FILE *out = fopen(out_path, "wb");
	if (!out) {
		snprintf(why, why_size, "%s: cannot write", out_path);
		return -1;
	}
	cli_source *src = cli_source_new(&opt);
	ws_doc *doc = NULL;
	ws_buffer record = {0};
	char reason[CLI_REASON_SIZE];
	int status = 0;
	if (!src || ws_doc_new(NULL, &doc) != WS_OK) {
		snprintf(why, why_size, "out of memory");
		status = -1;
	}
	cli_doc d = {0};
	while (status == 0) {
		int next = cli_source_next(src, &d);
		if (next == CLI_DONE)
			break;
		if (next == CLI_NOMEM) {
			snprintf(why, why_size, "out of memory");
			status = -1;
			break;
		}
		int result = cli_analyze_document(&opt, model, doc, &d, NULL, false, &record, reason, sizeof reason);
		if (result == CLI_DOC_FATAL) {
			snprintf(why, why_size, "%s", reason);
			status = -1;
		} else if (fwrite(record.data, 1, record.len, out) != record.len) {
			snprintf(why, why_size, "%s: write error", out_path);
			status = -1;
		} else {
			(*records)++;
			*failed += result == CLI_DOC_FAILED;
		}
		cli_doc_clear(&d);
	}
	cli_doc_clear(&d);
	if (fclose(out) != 0 && status == 0) {
		snprintf(why, why_size, "%s: write error", out_path);
		status = -1;
	}
	ws_buffer_free(&record);
	ws_doc_free(doc);
	cli_source_free(src);
	return status;
}

/* The store's normalised key of a speaker's name (docs/store.md), the key
 * `whosaid speakers` merges under; free it with whosaid_py_free().  NULL
 * when out of memory. */
WS_PY_API char *whosaid_py_speaker_key(const char *name)
{
	return speaker_key(name);
}

WS_PY_API void whosaid_py_free(void *p)
{
	free(p);
}
