/* temporary: replaced by the real stages */
#include "internal.h"
#include <string.h>
ws_status ws_text_prepare(ws_doc *doc, const char *input, size_t len)
{
	if (!ws_grow(&doc->allocator, (void **)&doc->text, &doc->text_cap, len + 1, 1))
		return WS_ERR_NOMEM;
	memcpy(doc->text, input, len);
	doc->text[len] = 0;
	doc->len = len;
	if (!ws_grow(&doc->allocator, (void **)&doc->cp_blocks, &doc->cp_blocks_cap, len / 64 + 1, sizeof *doc->cp_blocks))
		return WS_ERR_NOMEM;
	uint32_t cp = 0;
	for (size_t i = 0; i < len; i++) {
		if (i % 64 == 0) doc->cp_blocks[i / 64] = cp;
		if (((unsigned char)input[i] & 0xC0) != 0x80) cp++;
	}
	if (len % 64 == 0) doc->cp_blocks[len / 64] = cp;
	return WS_OK;
}
ws_status ws_text_tokenize(ws_doc *doc) { (void)doc; return WS_OK; }
ws_status ws_text_segment(ws_doc *doc) { (void)doc; return WS_OK; }
ws_status ws_quotes_find(ws_doc *doc) { (void)doc; return WS_OK; }
ws_status ws_speakers_resolve(ws_doc *doc) { (void)doc; return WS_OK; }
ws_status ws_attributions_find(ws_doc *doc, const ws_model *model)
{
	(void)model;
	/* one fake attribution so output code has something to show */
	if (doc->len < 10) return WS_OK;
	if (!WS_PUSH(doc, doc->attrs, doc->nattrs, doc->attrs_cap)) return WS_ERR_NOMEM;
	if (!WS_PUSH(doc, doc->fragments, doc->nfragments, doc->fragments_cap)) return WS_ERR_NOMEM;
	doc->fragments[0] = (ws_span){5, 10};
	ws_attr_work *a = &doc->attrs[doc->nattrs++];
	memset(a, 0, sizeof *a);
	a->pub.type = WS_ATTRIBUTION_INDIRECT;
	a->pub.source = (ws_span){0, 4};
	a->pub.cue = (ws_span){4, 5};
	a->pub.content_count = 1;
	a->content_first = doc->nfragments++;
	a->pub.speaker = -1;
	a->pub.confidence = 0.5;
	return WS_OK;
}
