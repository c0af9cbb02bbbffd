/*
 * pipeline.c — the order of the stages: text in, attributions and their
 * speakers out.
 *
 *     1 tokenize   bytes -> clean text, tokens (stages/1_tokenize.c)
 *     2 quotes     quotation marks -> quoted spans (stages/2_quotes.c)
 *     1 segment    tokens and quotes -> sentences and paragraphs
 *     3 tagging    part of speech, names, a dependency tree (learned models)
 *     4 rules      cues, sources, contents by the rule-based attributor
 *     5 labeller   source, cue, content labels by the learned labeller,
 *                  linked into attributions (learned models)
 *     6 speakers   sources -> the people and organizations who speak
 *
 * Sentences are cut after the quotes are found, because a sentence never
 * ends inside a quotation that goes on.  The seventh stage, output
 * (stages/7_output.c), runs when the caller asks for a rendering.
 *
 * Every stage's time is counted in the document (ws_doc_stage_nanoseconds);
 * the taggers, the parser, the labeller and linking count theirs inside
 * their stage, the others are counted here.
 *
 * This file only orders the stages; each stage reads and writes the
 * document (document/document.h) and never calls back here.
 */
#include "pipeline.h"
#include "stages/7_output.h"
#include "stages/stages.h"

#include <string.h>

static ws_status fail(ws_error *err, ws_status code, size_t position, const char *message)
{
	if (err) {
		err->code = code;
		err->position = position;
		strncpy(err->message, message, sizeof err->message - 1);
		err->message[sizeof err->message - 1] = '\0';
	}
	return code;
}

ws_status ws_doc_prepare(ws_doc *doc, const ws_model *model, const char *text, size_t len)
{
	ws_doc_reset(doc);
	uint64_t t = ws_clock_ns();
	ws_status st = ws_text_prepare(doc, text ? text : "", len);
	if (st == WS_OK)
		st = ws_text_tokenize(doc);
	t = ws_doc_count(doc, WS_STAGE_TOKENIZE, t);
	if (st == WS_OK)
		st = ws_quotes_find(doc);
	t = ws_doc_count(doc, WS_STAGE_QUOTES, t);
	if (st == WS_OK)
		st = ws_text_segment(doc);
	t = ws_doc_count(doc, WS_STAGE_SEGMENT, t);
	if (st == WS_OK)
		st = ws_tag_document(doc, model); /* counts its three stages itself */
	t = ws_clock_ns();
	if (st == WS_OK)
		st = ws_attributions_find(doc, model);
	ws_doc_count(doc, WS_STAGE_RULES, t);
	return st;
}

ws_status ws_doc_analyze(ws_doc *doc, const ws_model *model, const char *text, size_t len,
			 ws_error *err)
{
	if (!doc || !model || (!text && len))
		return fail(err, WS_ERR_ARGUMENT, 0, "document, model and text are required");
	ws_doc_reset(doc);
	if (len > WS_MAX_DOCUMENT_BYTES)
		return fail(err, WS_ERR_TOO_LARGE, WS_MAX_DOCUMENT_BYTES,
			    "document larger than the limit of 64 MiB");
	ws_status st = ws_doc_prepare(doc, model, text, len);
	if (st == WS_OK && model->learned)
		st = ws_roles_label(doc, model); /* counts labelling and linking itself */
	uint64_t t = ws_clock_ns();
	if (st == WS_OK)
		st = ws_speakers_resolve(doc);
	ws_doc_count(doc, WS_STAGE_SPEAKERS, t);
	if (st != WS_OK) {
		ws_doc_reset(doc);
		return fail(err, st, 0, ws_status_message(st));
	}
	ws_doc_publish(doc);
	return WS_OK;
}

ws_status ws_doc_render(const ws_doc *doc, const ws_render_options *options, ws_buffer *out,
			ws_error *err)
{
	uint64_t t = ws_clock_ns();
	ws_status st = ws_output_render(doc, options, out, err);
	if (doc)
		ws_doc_count(doc, WS_STAGE_RENDER, t);
	return st;
}
