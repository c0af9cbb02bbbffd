/*
 * document.c — the document object: made, emptied, written by the stages
 * (warnings, attributions) and read by the caller through the public
 * accessors.
 *
 * A document is reused across analyses: ws_doc_reset() empties its arrays
 * but keeps their memory, which is why a long stream of articles costs no
 * allocation once the largest article has been seen.  While the stages
 * run, the public structures hold offsets into arrays that may still
 * move; ws_doc_publish() turns them into pointers once the last stage is
 * done (pipeline.c).
 *
 * Attributions are added here rather than in a stage because two stages
 * add them, the rules and the learned labeller, and each must order and
 * type them the same way.
 */
#include "document/document.h"

#include <stdlib.h>
#include <time.h>
#include <string.h>

size_t ws_token_at(const ws_doc *doc, size_t pos)
{
	size_t lo = 0, hi = doc->ntokens;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc->tokens[mid].start < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

ws_status ws_doc_new(const ws_allocator *allocator, ws_doc **out)
{
	if (!out)
		return WS_ERR_ARGUMENT;
	*out = NULL;
	allocator = ws_allocator_or_default(allocator);
	if (!allocator)
		return WS_ERR_ARGUMENT;
	ws_doc *doc = ws_mem_alloc(allocator, sizeof *doc);
	if (!doc)
		return WS_ERR_NOMEM;
	memset(doc, 0, sizeof *doc);
	doc->allocator = *allocator;
	doc->stage_ns = doc->stage_ns_store;
	*out = doc;
	return WS_OK;
}

void ws_doc_free(ws_doc *doc)
{
	if (!doc)
		return;
	const ws_allocator a = doc->allocator;
	void *arrays[] = {doc->text, doc->cp_blocks, doc->tokens, doc->sentences, doc->quotes,
			  doc->attrs, doc->fragments, doc->entities, doc->mentions, doc->strings,
			  doc->warnings, doc->warning_text, doc->scratch, doc->pos, doc->ner, doc->head, doc->rel, doc->rule_role,
			  doc->cue_level};
	for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
		ws_mem_release(&a, arrays[i]);
	ws_scratch_free(&doc->seq, &a);
	ws_mem_release(&a, doc);
}

void ws_doc_reset(ws_doc *doc)
{
	doc->len = 0;
	doc->ntokens = doc->nsentences = doc->nparagraphs = doc->nquotes = 0;
	doc->nattrs = doc->nfragments = 0;
	doc->nentities = doc->nmentions = doc->strings_len = 0;
	doc->nwarnings = doc->warning_text_len = 0;
	doc->tagged = false;
}

ws_status ws_doc_warn(ws_doc *doc, size_t position, const char *message)
{
	/* Messages are copied into one text buffer; the diagnostics point into
	 * it only once the analysis ends, because the buffer may still move. */
	size_t n = strlen(message) + 1;
	if (!WS_PUSH(doc, doc->warnings, doc->nwarnings, doc->warnings_cap))
		return WS_ERR_NOMEM;
	if (!ws_grow(&doc->allocator, (void **)&doc->warning_text, &doc->warning_text_cap,
		     doc->warning_text_len + n, 1))
		return WS_ERR_NOMEM;
	memcpy(doc->warning_text + doc->warning_text_len, message, n);
	doc->warnings[doc->nwarnings].position = position;
	doc->warnings[doc->nwarnings].message = (const char *)(uintptr_t)doc->warning_text_len;
	doc->nwarnings++;
	doc->warning_text_len += n;
	return WS_OK;
}

/* Turn the offsets stored during the analysis into pointers, now that no
 * array will move again. */
void ws_doc_publish(ws_doc *doc)
{
	for (size_t i = 0; i < doc->nwarnings; i++)
		doc->warnings[i].message = doc->warning_text + (uintptr_t)doc->warnings[i].message;
	for (size_t i = 0; i < doc->nattrs; i++) {
		ws_attr_work *a = &doc->attrs[i];
		a->pub.content = a->pub.content_count ? doc->fragments + a->content_first : NULL;
	}
	for (size_t i = 0; i < doc->nentities; i++) {
		ws_entity_work *e = &doc->entities[i];
		e->pub.name = doc->strings + e->name_off;
		e->pub.role = doc->strings + e->role_off;
		e->pub.mentions = e->pub.mention_count ? doc->mentions + e->mention_first : NULL;
	}
}

size_t ws_doc_attribution_count(const ws_doc *doc) { return doc ? doc->nattrs : 0; }

const ws_attribution *ws_doc_attribution(const ws_doc *doc, size_t i)
{
	return doc && i < doc->nattrs ? &doc->attrs[i].pub : NULL;
}

size_t ws_doc_entity_count(const ws_doc *doc) { return doc ? doc->nentities : 0; }

const ws_entity *ws_doc_entity(const ws_doc *doc, size_t i)
{
	return doc && i < doc->nentities ? &doc->entities[i].pub : NULL;
}

size_t ws_doc_warning_count(const ws_doc *doc) { return doc ? doc->nwarnings : 0; }

const ws_diagnostic *ws_doc_warning(const ws_doc *doc, size_t i)
{
	return doc && i < doc->nwarnings ? &doc->warnings[i] : NULL;
}

const char *ws_doc_text(const ws_doc *doc, size_t *len)
{
	if (len)
		*len = doc ? doc->len : 0;
	return doc && doc->text ? doc->text : "";
}

size_t ws_doc_codepoint_offset(const ws_doc *doc, size_t byte_offset)
{
	if (!doc || !doc->cp_blocks)
		return 0;
	if (byte_offset > doc->len)
		byte_offset = doc->len;
	size_t block = byte_offset / 64;
	size_t cp = doc->cp_blocks[block];
	/* Every byte that is not a UTF-8 continuation byte starts a code
	 * point; the sanitised text has no stray continuation bytes. */
	for (size_t i = block * 64; i < byte_offset; i++)
		if (((unsigned char)doc->text[i] & 0xC0) != 0x80)
			cp++;
	return cp;
}

/* ------------------------------------------------------ attributions */

ws_status ws_attribution_push(ws_doc *doc, ws_span source, ws_span cue, ws_span addressee, const ws_span *content,
			      size_t ncontent, int32_t sentence, double confidence)
{
	size_t used = 0;
	for (size_t k = 0; k < ncontent; k++)
		used += content[k].start < content[k].end;
	if (!used)
		return WS_OK;
	if (!WS_PUSH(doc, doc->attrs, doc->nattrs, doc->attrs_cap))
		return WS_ERR_NOMEM;
	ws_attr_work *a = &doc->attrs[doc->nattrs];
	memset(a, 0, sizeof *a);
	a->content_first = doc->nfragments;
	for (size_t k = 0; k < ncontent; k++) {
		if (content[k].start >= content[k].end)
			continue;
		if (!WS_PUSH(doc, doc->fragments, doc->nfragments, doc->fragments_cap))
			return WS_ERR_NOMEM;
		doc->fragments[doc->nfragments++] = content[k];
		a->pub.content_count++;
	}
	a->pub.source = source;
	a->pub.cue = cue;
	a->pub.addressee = addressee;
	a->pub.speaker = -1;
	a->pub.confidence = confidence;
	a->sentence = sentence;
	doc->nattrs++;
	return WS_OK;
}

static int compare_spans(const void *a, const void *b)
{
	const ws_span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int compare_attributions(const void *a, const void *b)
{
	const ws_attr_work *x = a, *y = b;
	size_t xs = x->sort_key, ys = y->sort_key;
	return xs < ys ? -1 : xs > ys;
}

ws_attribution_type ws_attribution_type_of(const ws_doc *doc, const ws_attr_work *w)
{
	size_t quoted = 0, plain = 0;
	const ws_span *f = doc->fragments + w->content_first;
	for (size_t k = 0; k < w->pub.content_count; k++) {
		for (size_t i = ws_token_at(doc, f[k].start); i < doc->ntokens && doc->tokens[i].start < f[k].end; i++) {
			if (doc->tokens[i].kind != WS_TOK_WORD && doc->tokens[i].kind != WS_TOK_NUMBER)
				continue;
			if (doc->tokens[i].quote >= 0)
				quoted++;
			else
				plain++;
		}
	}
	if (quoted && !plain)
		return WS_ATTRIBUTION_DIRECT;
	if (quoted)
		return WS_ATTRIBUTION_MIXED;
	return WS_ATTRIBUTION_INDIRECT;
}

void ws_attributions_order(ws_doc *doc)
{
	for (size_t a = 0; a < doc->nattrs; a++) {
		ws_attr_work *w = &doc->attrs[a];
		qsort(doc->fragments + w->content_first, w->pub.content_count, sizeof *doc->fragments, compare_spans);
		w->pub.type = ws_attribution_type_of(doc, w);
		w->sort_key = doc->fragments[w->content_first].start;
	}
	if (doc->nattrs)
		qsort(doc->attrs, doc->nattrs, sizeof *doc->attrs, compare_attributions);
}

uint64_t ws_clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *const stage_names[WS_STAGE_COUNT] = {
	[WS_STAGE_TOKENIZE] = "tokenize", [WS_STAGE_QUOTES] = "quotes",   [WS_STAGE_SEGMENT] = "segment",
	[WS_STAGE_POS] = "pos",           [WS_STAGE_NAMES] = "names",     [WS_STAGE_PARSE] = "parse",
	[WS_STAGE_RULES] = "rules",       [WS_STAGE_LABELLER] = "labeller", [WS_STAGE_LINKING] = "linking",
	[WS_STAGE_SPEAKERS] = "speakers", [WS_STAGE_RENDER] = "render",
};

const char *ws_stage_name(ws_stage stage)
{
	return (unsigned)stage < WS_STAGE_COUNT ? stage_names[stage] : NULL;
}

uint64_t ws_doc_stage_nanoseconds(const ws_doc *doc, ws_stage stage)
{
	return doc && (unsigned)stage < WS_STAGE_COUNT ? doc->stage_ns[stage] : 0;
}
