/*
 * doc.c — the document object: runs the stages in order and hands out
 * their results.
 *
 * A document is reused across analyses: ws_doc_analyze() resets the counts
 * of its arrays but keeps their memory, which is why a long stream of
 * articles costs no allocation once the largest article has been seen.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void *default_alloc(void *ctx, size_t size) { (void)ctx; return malloc(size); }
static void *default_resize(void *ctx, void *p, size_t size) { (void)ctx; return realloc(p, size); }
static void default_release(void *ctx, void *p) { (void)ctx; free(p); }

static const ws_allocator default_allocator = {default_alloc, default_resize, default_release, NULL};

const ws_allocator *ws_allocator_or_default(const ws_allocator *a)
{
	if (!a)
		return &default_allocator;
	return a->alloc && a->resize && a->release ? a : NULL;
}

void *ws_mem_alloc(const ws_allocator *a, size_t size) { return a->alloc(a->ctx, size ? size : 1); }
void *ws_mem_resize(const ws_allocator *a, void *p, size_t size) { return a->resize(a->ctx, p, size ? size : 1); }
void ws_mem_release(const ws_allocator *a, void *p) { if (p) a->release(a->ctx, p); }

bool ws_grow(const ws_allocator *a, void **items, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return false;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return false;
	void *p = ws_mem_resize(a, *items, ncap * elem);
	if (!p)
		return false;
	*items = p;
	*cap = ncap;
	return true;
}

uint32_t ws_word_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
			c = '\''; /* ’ hashes as ' so that both spellings look alike */
			i += 2;
		} else if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 16777619u;
	}
	return h ? h : 1;
}

bool ws_word_listed(const char *w, size_t n, const char *const *list)
{
	for (size_t k = 0; list[k]; k++) {
		size_t j = 0;
		while (j < n && list[k][j]) {
			char c = w[j];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != list[k][j])
				break;
			j++;
		}
		if (j == n && !list[k][j])
			return true;
	}
	return false;
}

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

const char *ws_status_message(ws_status status)
{
	switch (status) {
	case WS_OK: return "success";
	case WS_ERR_NOMEM: return "out of memory";
	case WS_ERR_ARGUMENT: return "invalid argument";
	case WS_ERR_TOO_LARGE: return "input too large";
	case WS_ERR_MODEL: return "model error";
	case WS_ERR_IO: return "input/output error";
	}
	return "unknown status";
}

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

static void reset(ws_doc *doc)
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
static void publish(ws_doc *doc)
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

ws_status ws_doc_prepare(ws_doc *doc, const ws_model *model, const char *text, size_t len)
{
	reset(doc);
	ws_status st = ws_text_prepare(doc, text ? text : "", len);
	if (st == WS_OK)
		st = ws_text_tokenize(doc);
	if (st == WS_OK)
		st = ws_quotes_find(doc);
	if (st == WS_OK)
		st = ws_text_segment(doc);
	if (st == WS_OK)
		st = ws_tag_document(doc, model);
	if (st == WS_OK)
		st = ws_attributions_find(doc, model);
	return st;
}

ws_status ws_doc_analyze(ws_doc *doc, const ws_model *model, const char *text, size_t len,
			 ws_error *err)
{
	if (!doc || !model || (!text && len))
		return fail(err, WS_ERR_ARGUMENT, 0, "document, model and text are required");
	reset(doc);
	if (len > WS_MAX_DOCUMENT_BYTES)
		return fail(err, WS_ERR_TOO_LARGE, WS_MAX_DOCUMENT_BYTES,
			    "document larger than the limit of 64 MiB");
	ws_status st = ws_doc_prepare(doc, model, text, len);
	if (st == WS_OK && model->learned)
		st = ws_roles_label(doc, model);
	if (st == WS_OK)
		st = ws_speakers_resolve(doc);
	if (st != WS_OK) {
		reset(doc);
		return fail(err, st, 0, ws_status_message(st));
	}
	publish(doc);
	return WS_OK;
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
