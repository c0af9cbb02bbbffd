/*
 * 7_output.c — results -> JSON, JSON Lines, text, brat standoff, TSV.
 *
 * The last stage of the pipeline and the only one that produces bytes for
 * the outside world.  It reads a finished document through the public
 * accessors only, so it sees exactly what a library user sees, and appends
 * to a caller's ws_buffer.
 *
 * Speed matters here: the renderer runs once per article on the benchmark's
 * hot path, and an article's quoted content is often half its text.  So
 * JSON is written by hand, with no DOM in between: every append first
 * reserves room in the buffer and then writes bytes directly, and text
 * slices are copied in runs of plain ASCII rather than byte by byte through
 * a function.
 *
 * Memory: a ws_buffer has no allocator field, and ws_render_failure() has
 * no document to borrow one from, so buffers grow with plain realloc() and
 * ws_buffer_free() releases them with free().  A failed render leaves the
 * buffer's length as it was, so a caller never sees half a record.
 *
 * Safety of what is written: every text slice is checked as UTF-8 on the
 * way out and each byte that does not belong to a valid sequence becomes
 * U+FFFD, as does the substitute byte 0x1A that the text stage leaves for
 * invalid input and NULs.  JSON is therefore always valid UTF-8 whatever
 * the stages produce; the plain formats (text, brat, TSV) also turn control
 * characters into spaces, so one record stays one line and nothing from an
 * article can send escape sequences to a terminal.
 *
 * A document whose results break the API's own promises (a span outside the
 * text, a speaker index past the entities, a confidence outside [0,1]) is a
 * bug in an earlier stage; it is reported as WS_ERR_ARGUMENT instead of
 * being silently clamped into plausible-looking output.
 */
#include "base/base.h"
#include "stages/7_output.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the buffer */

/* An append cursor with a sticky failure flag: after the first failed
 * allocation every further append is a no-op, and the caller checks once
 * at the end (the one cleanup path). */
typedef struct ws_out {
	ws_buffer *buf;
	bool failed;
} ws_out;

void ws_buffer_free(ws_buffer *buf)
{
	if (!buf)
		return;
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}

/* Make room for n more bytes; false (and the flag set) on overflow or out
 * of memory. */
static bool out_reserve(ws_out *o, size_t n)
{
	if (o->failed)
		return false;
	ws_buffer *b = o->buf;
	if (b->cap - b->len >= n)
		return true;
	if (n > SIZE_MAX - b->len) {
		o->failed = true;
		return false;
	}
	size_t need = b->len + n;
	size_t ncap = b->cap > 256 ? b->cap : 256;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			ncap = need;
			break;
		}
		ncap *= 2;
	}
	char *p = realloc(b->data, ncap);
	if (!p) {
		o->failed = true;
		return false;
	}
	b->data = p;
	b->cap = ncap;
	return true;
}

static void out_bytes(ws_out *o, const char *s, size_t n)
{
	if (!out_reserve(o, n))
		return;
	memcpy(o->buf->data + o->buf->len, s, n);
	o->buf->len += n;
}

static void out_char(ws_out *o, char c)
{
	if (!out_reserve(o, 1))
		return;
	o->buf->data[o->buf->len++] = c;
}

static void out_cstr(ws_out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

/* A string literal, without a strlen() at run time. */
#define OUT_LIT(o, lit) out_bytes((o), "" lit, sizeof(lit) - 1)

static void out_spaces(ws_out *o, size_t n)
{
	if (!out_reserve(o, n))
		return;
	memset(o->buf->data + o->buf->len, ' ', n);
	o->buf->len += n;
}

static void out_uint(ws_out *o, size_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_bytes(o, tmp + i, sizeof tmp - i);
}

/* Three decimals, written by hand because printf's "%.3f" follows the
 * locale's decimal point and a library must not depend on the locale. */
static void out_confidence(ws_out *o, double c)
{
	unsigned v = (unsigned)(c * 1000.0 + 0.5); /* c is known to be in [0,1] */
	char tmp[5] = {(char)('0' + v / 1000), '.', (char)('0' + v / 100 % 10),
		       (char)('0' + v / 10 % 10), (char)('0' + v % 10)};
	out_bytes(o, tmp, sizeof tmp);
}

/* -------------------------------------------------------- text escaping */

enum text_mode {
	TEXT_JSON,   /* inside a JSON string: escape quotes, backslashes, controls */
	TEXT_PLAIN   /* text, brat, TSV: controls (tab and newline too) become spaces */
};

/* Length of the valid UTF-8 sequence at p (2 to 4), or 0 when the byte
 * at p does not start one.  Overlong forms, surrogates and code points past
 * U+10FFFF are invalid (RFC 3629, section 4). */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t left = (size_t)(end - p);
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0)
		return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (left < 3 || (p[2] & 0xC0) != 0x80)
			return 0;
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		return p[1] >= lo && p[1] <= hi ? 3 : 0;
	}
	if (left < 4 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
		return 0;
	unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	return p[1] >= lo && p[1] <= hi ? 4 : 0;
}

/* Input bytes escaped per reservation: bounds the reservation (6 bytes out
 * per byte in, at worst) so that a 64 MiB quotation does not ask for
 * 384 MiB at once. */
#define TEXT_CHUNK 4096

/* Append s[0..n) escaped for mode.  Worst cases per input byte: a control
 * character as \u00XX is 6 bytes; an invalid byte as U+FFFD is 3; a valid
 * sequence is copied as is.  A sequence that starts before the end of a
 * chunk may run 3 bytes past it, which the slack of each reservation
 * covers. */
static void out_text(ws_out *o, const char *s, size_t n, enum text_mode mode)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		size_t chunk = (size_t)(end - p) < TEXT_CHUNK ? (size_t)(end - p) : TEXT_CHUNK;
		if (!out_reserve(o, chunk * 6 + 8))
			return;
		const unsigned char *stop = p + chunk;
		char *d = o->buf->data + o->buf->len;
		while (p < stop) {
			unsigned char c = *p;
			if (c >= 0x20 && c < 0x7F) {
				if (mode == TEXT_JSON && (c == '"' || c == '\\'))
					*d++ = '\\';
				*d++ = (char)c;
				p++;
			} else if (c < 0x80) {
				p++;
				if (c == WS_SUBSTITUTE) {
					memcpy(d, "\xEF\xBF\xBD", 3);
					d += 3;
				} else if (mode == TEXT_PLAIN) {
					*d++ = ' ';
				} else if (c == 0x7F) {
					*d++ = (char)c;
				} else if (c == '\n' || c == '\r' || c == '\t') {
					*d++ = '\\';
					*d++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
				} else {
					memcpy(d, "\\u00", 4);
					d[4] = hex[c >> 4];
					d[5] = hex[c & 15];
					d += 6;
				}
			} else {
				size_t k = utf8_sequence(p, end);
				if (k == 0) {
					memcpy(d, "\xEF\xBF\xBD", 3);
					d += 3;
					p++;
				} else if (mode == TEXT_PLAIN && c == 0xC2 && p[1] < 0xA0) {
					/* U+0080..U+009F, the C1 controls */
					*d++ = ' ';
					p += 2;
				} else {
					memcpy(d, p, k);
					d += k;
					p += k;
				}
			}
		}
		o->buf->len = (size_t)(d - o->buf->data);
	}
}

static void out_text_cstr(ws_out *o, const char *s, enum text_mode mode)
{
	out_text(o, s, strlen(s), mode);
}

/* ------------------------------------------------------ document access */

/* What every renderer needs about the document and the options. */
typedef struct ws_view {
	const ws_doc *doc;
	const char *text;
	size_t len;
	bool bytes;
} ws_view;

static size_t view_offset(const ws_view *v, size_t byte_offset)
{
	return v->bytes ? byte_offset : ws_doc_codepoint_offset(v->doc, byte_offset);
}

static bool span_present(ws_span s)
{
	return s.start != s.end;
}

static const char *type_name(ws_attribution_type t)
{
	switch (t) {
	case WS_ATTRIBUTION_DIRECT: return "direct";
	case WS_ATTRIBUTION_MIXED: return "mixed";
	case WS_ATTRIBUTION_INDIRECT: return "indirect";
	}
	return "indirect"; /* unreachable: validate() rejects other values */
}

static const char *kind_name(ws_entity_kind k)
{
	switch (k) {
	case WS_ENTITY_PERSON: return "person";
	case WS_ENTITY_ORGANIZATION: return "organization";
	case WS_ENTITY_GROUP: return "group";
	case WS_ENTITY_UNKNOWN: break;
	}
	return "unknown";
}

static const char *entity_name(const ws_entity *e)
{
	return e->name ? e->name : "";
}

/* A person's gender, or NULL for what is not a person (JSON null, an
 * empty TSV cell): gender is a property of people only. */
static const char *gender_name(const ws_entity *e)
{
	if (e->kind != WS_ENTITY_PERSON)
		return NULL;
	switch (e->gender) {
	case WS_GENDER_FEMALE: return "female";
	case WS_GENDER_MALE: return "male";
	case WS_GENDER_UNKNOWN: break;
	}
	return "unknown";
}

static bool has_role(const ws_entity *e)
{
	return e->role && e->role[0];
}

static ws_status fail(ws_error *err, ws_status code, const char *message)
{
	if (err) {
		err->code = code;
		err->position = 0;
		snprintf(err->message, sizeof err->message, "%s", message);
	}
	return code;
}

static bool span_ok(ws_span s, size_t len)
{
	return s.start <= s.end && s.end <= len;
}

/* Check the promises of whosaid.h that the renderers rely on, so that a
 * bug in a stage shows up as an error naming the culprit, never as an
 * out-of-bounds read or invalid JSON. */
static ws_status validate(const ws_view *v, ws_error *err)
{
	char msg[160];
	size_t nent = ws_doc_entity_count(v->doc);
	for (size_t i = 0; i < ws_doc_attribution_count(v->doc); i++) {
		const ws_attribution *a = ws_doc_attribution(v->doc, i);
		const char *what = NULL;
		if (a->type != WS_ATTRIBUTION_DIRECT && a->type != WS_ATTRIBUTION_MIXED &&
		    a->type != WS_ATTRIBUTION_INDIRECT)
			what = "unknown type";
		else if (!span_ok(a->source, v->len) || !span_ok(a->cue, v->len) ||
			 !span_ok(a->addressee, v->len))
			what = "span outside the text";
		else if (a->content_count && !a->content)
			what = "content fragments missing";
		else if (a->speaker < -1 || (a->speaker >= 0 && (size_t)a->speaker >= nent))
			what = "speaker is not an entity";
		else if (!isfinite(a->confidence) || a->confidence < 0.0 || a->confidence > 1.0)
			what = "confidence outside [0,1]";
		for (size_t k = 0; !what && k < a->content_count; k++)
			if (!span_ok(a->content[k], v->len))
				what = "content span outside the text";
		if (what) {
			snprintf(msg, sizeof msg, "attribution %zu: %s", i, what);
			return fail(err, WS_ERR_ARGUMENT, msg);
		}
	}
	for (size_t i = 0; i < nent; i++) {
		const ws_entity *e = ws_doc_entity(v->doc, i);
		bool ok = !e->mention_count || e->mentions;
		for (size_t k = 0; ok && k < e->mention_count; k++)
			ok = span_ok(e->mentions[k], v->len);
		if (!ok) {
			snprintf(msg, sizeof msg, "entity %zu: mention outside the text", i);
			return fail(err, WS_ERR_ARGUMENT, msg);
		}
	}
	return WS_OK;
}

/* ------------------------------------------------------------------ JSON */

/* The two JSON layouts differ only in whitespace. */
typedef struct json_style {
	bool pretty;
	const char *colon;       /* ": " or ":" */
	const char *sep;         /* ", " or "," between members of a one-line object */
} json_style;

static void json_newline(ws_out *o, const json_style *st, int depth)
{
	if (!st->pretty)
		return;
	out_char(o, '\n');
	out_spaces(o, (size_t)depth * 2);
}

/* A member key of a multi-line object (one member per line when pretty). */
static void json_key(ws_out *o, const json_style *st, int depth, bool first, const char *key)
{
	if (!first)
		out_char(o, ',');
	json_newline(o, st, depth);
	out_char(o, '"');
	out_cstr(o, key);
	out_char(o, '"');
	out_cstr(o, st->colon);
}

/* A member key of a one-line object. */
static void json_inline_key(ws_out *o, const json_style *st, bool first, const char *key)
{
	if (!first)
		out_cstr(o, st->sep);
	out_char(o, '"');
	out_cstr(o, key);
	out_char(o, '"');
	out_cstr(o, st->colon);
}

static void json_string(ws_out *o, const char *s, size_t n)
{
	out_char(o, '"');
	out_text(o, s, n, TEXT_JSON);
	out_char(o, '"');
}

static void json_cstring(ws_out *o, const char *s)
{
	json_string(o, s, strlen(s));
}

/* Before the element of an array that has one element per line. */
static void json_element(ws_out *o, const json_style *st, int depth, size_t index)
{
	if (index)
		out_char(o, ',');
	json_newline(o, st, depth);
}

static void json_array_end(ws_out *o, const json_style *st, int depth, size_t count)
{
	if (count)
		json_newline(o, st, depth);
	out_char(o, ']');
}

/* {"start":S,"end":E,"text":"..."} on one line, or null when absent. */
static void json_span(ws_out *o, const json_style *st, const ws_view *v, ws_span s)
{
	if (!span_present(s)) {
		OUT_LIT(o, "null");
		return;
	}
	out_char(o, '{');
	json_inline_key(o, st, true, "start");
	out_uint(o, view_offset(v, s.start));
	json_inline_key(o, st, false, "end");
	out_uint(o, view_offset(v, s.end));
	json_inline_key(o, st, false, "text");
	json_string(o, v->text + s.start, s.end - s.start);
	out_char(o, '}');
}

/* An array of spans, one per line when pretty; absent spans are left out
 * because an array has no slot that needs a null. */
static void json_span_array(ws_out *o, const json_style *st, const ws_view *v, int depth,
			    const ws_span *spans, size_t n)
{
	size_t written = 0;
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		if (!span_present(spans[i]))
			continue;
		json_element(o, st, depth + 1, written++);
		json_span(o, st, v, spans[i]);
	}
	json_array_end(o, st, depth, written);
}

static void json_speaker(ws_out *o, const json_style *st, const ws_view *v, long speaker)
{
	const ws_entity *e = speaker >= 0 ? ws_doc_entity(v->doc, (size_t)speaker) : NULL;
	if (!e) {
		OUT_LIT(o, "null");
		return;
	}
	out_char(o, '{');
	json_inline_key(o, st, true, "name");
	json_cstring(o, entity_name(e));
	json_inline_key(o, st, false, "role");
	if (has_role(e))
		json_cstring(o, e->role);
	else
		OUT_LIT(o, "null");
	json_inline_key(o, st, false, "kind");
	json_cstring(o, kind_name(e->kind));
	json_inline_key(o, st, false, "gender");
	if (gender_name(e))
		json_cstring(o, gender_name(e));
	else
		OUT_LIT(o, "null");
	out_char(o, '}');
}

static void json_attribution(ws_out *o, const json_style *st, const ws_view *v,
			     const ws_attribution *a)
{
	const int d = 3; /* depth of the members: document > array > object */
	out_char(o, '{');
	json_key(o, st, d, true, "type");
	json_cstring(o, type_name(a->type));
	json_key(o, st, d, false, "source");
	json_span(o, st, v, a->source);
	json_key(o, st, d, false, "cue");
	json_span(o, st, v, a->cue);
	json_key(o, st, d, false, "content");
	json_span_array(o, st, v, d, a->content, a->content_count);
	json_key(o, st, d, false, "speaker");
	json_speaker(o, st, v, a->speaker);
	json_key(o, st, d, false, "addressee");
	json_span(o, st, v, a->addressee);
	json_key(o, st, d, false, "confidence");
	out_confidence(o, a->confidence);
	json_newline(o, st, d - 1);
	out_char(o, '}');
}

static void json_entity(ws_out *o, const json_style *st, const ws_view *v, const ws_entity *e)
{
	const int d = 3;
	out_char(o, '{');
	json_key(o, st, d, true, "name");
	json_cstring(o, entity_name(e));
	json_key(o, st, d, false, "role");
	if (has_role(e))
		json_cstring(o, e->role);
	else
		OUT_LIT(o, "null");
	json_key(o, st, d, false, "kind");
	json_cstring(o, kind_name(e->kind));
	json_key(o, st, d, false, "gender");
	if (gender_name(e))
		json_cstring(o, gender_name(e));
	else
		OUT_LIT(o, "null");
	json_key(o, st, d, false, "mentions");
	json_span_array(o, st, v, d, e->mentions, e->mention_count);
	json_key(o, st, d, false, "attributions");
	out_uint(o, e->attribution_count);
	json_newline(o, st, d - 1);
	out_char(o, '}');
}

/* Splice the caller's pre-serialised members after "id".  Whitespace
 * outside strings is dropped, so members serialised over several lines
 * cannot break a JSON Lines record; when pretty, each top-level member gets
 * a line of its own.  Unbalanced brackets or an unterminated string are
 * rejected: they would make the whole record unreadable. */
static ws_status json_extra(ws_out *o, const json_style *st, const char *extra, ws_error *err)
{
	bool in_string = false, escaped = false, empty = true, bad = false;
	char last = ','; /* the last character outside strings at depth 0 */
	long depth = 0;
	for (const char *p = extra; *p; p++) {
		char c = *p;
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
			out_char(o, c);
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (empty || (depth == 0 && c == ',')) {
			if (last == ',' && c == ',') {
				bad = true; /* an empty member */
				break;
			}
			out_char(o, ',');
			json_newline(o, st, 1);
			empty = false;
			if (c == ',') {
				last = c;
				continue;
			}
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth < 0) {
				bad = true;
				break;
			}
		} else if (depth == 0 && c == ':') {
			out_cstr(o, st->colon);
			last = c;
			continue;
		}
		if (depth == 0)
			last = c;
		out_char(o, c);
	}
	if (bad || in_string || depth != 0 || (!empty && last == ','))
		return fail(err, WS_ERR_ARGUMENT, "extra_json is not a list of JSON object members");
	return WS_OK;
}

/* The whole record; doc is NULL for a failure record, which then carries
 * error instead of results. */
static ws_status json_document(ws_out *o, const json_style *st, const ws_render_options *opt,
			       const ws_view *v, const char *error, ws_error *err)
{
	out_char(o, '{');
	json_key(o, st, 1, true, "id");
	if (opt->id)
		json_cstring(o, opt->id);
	else
		OUT_LIT(o, "null");
	if (opt->extra_json) {
		ws_status s = json_extra(o, st, opt->extra_json, err);
		if (s != WS_OK)
			return s;
	}

	size_t n = v ? ws_doc_attribution_count(v->doc) : 0;
	json_key(o, st, 1, false, "attributions");
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		json_element(o, st, 2, i);
		json_attribution(o, st, v, ws_doc_attribution(v->doc, i));
	}
	json_array_end(o, st, 1, n);

	n = v ? ws_doc_entity_count(v->doc) : 0;
	json_key(o, st, 1, false, "entities");
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		json_element(o, st, 2, i);
		json_entity(o, st, v, ws_doc_entity(v->doc, i));
	}
	json_array_end(o, st, 1, n);

	n = v ? ws_doc_warning_count(v->doc) : 0;
	json_key(o, st, 1, false, "warnings");
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		const ws_diagnostic *w = ws_doc_warning(v->doc, i);
		json_element(o, st, 2, i);
		out_char(o, '{');
		json_inline_key(o, st, true, "position");
		out_uint(o, view_offset(v, w->position));
		json_inline_key(o, st, false, "message");
		json_cstring(o, w->message ? w->message : "");
		out_char(o, '}');
	}
	json_array_end(o, st, 1, n);

	json_key(o, st, 1, false, "errors");
	out_char(o, '[');
	if (error) {
		json_element(o, st, 2, 0);
		out_char(o, '{');
		json_inline_key(o, st, true, "message");
		json_cstring(o, error);
		out_char(o, '}');
	}
	json_array_end(o, st, 1, error ? 1 : 0);
	json_newline(o, st, 0);
	OUT_LIT(o, "}\n");
	return WS_OK;
}

static const json_style json_pretty = {true, ": ", ", "};
static const json_style json_compact = {false, ":", ","};

/* ------------------------------------------------------------------ brat */

/* T<id>\t<type> <ranges>\t<text>: one line, fragments "S E;S E", their
 * texts joined by a space as brat itself does. */
static void brat_textbound(ws_out *o, const ws_view *v, size_t id, const char *type,
			   const ws_span *spans, size_t n)
{
	OUT_LIT(o, "T");
	out_uint(o, id);
	out_char(o, '\t');
	out_cstr(o, type);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (!span_present(spans[i]))
			continue;
		out_char(o, first ? ' ' : ';');
		out_uint(o, view_offset(v, spans[i].start));
		out_char(o, ' ');
		out_uint(o, view_offset(v, spans[i].end));
		first = false;
	}
	out_char(o, '\t');
	first = true;
	for (size_t i = 0; i < n; i++) {
		if (!span_present(spans[i]))
			continue;
		if (!first)
			out_char(o, ' ');
		out_text(o, v->text + spans[i].start, spans[i].end - spans[i].start, TEXT_PLAIN);
		first = false;
	}
	out_char(o, '\n');
}

/* One event per attribution, as PolNeAR's files have it: the role spans,
 * then a trigger of type Attribution over the cue (over the content when
 * there is no cue, the source when there is neither), then the E line.  A
 * trigger of its own keeps the file valid for brat, which wants an event's
 * trigger to carry the event's type. */
static void brat_document(ws_out *o, const ws_view *v)
{
	size_t t = 0, e = 0;
	for (size_t i = 0; i < ws_doc_attribution_count(v->doc); i++) {
		const ws_attribution *a = ws_doc_attribution(v->doc, i);
		size_t src = 0, cue = 0, content = 0;
		const ws_span *trigger = NULL;
		size_t fragments = 0;
		for (size_t k = 0; k < a->content_count; k++)
			fragments += span_present(a->content[k]);
		if (span_present(a->source))
			brat_textbound(o, v, src = ++t, "Source", &a->source, 1);
		if (span_present(a->cue))
			brat_textbound(o, v, cue = ++t, "Cue", &a->cue, 1);
		if (fragments)
			brat_textbound(o, v, content = ++t, "Content", a->content, a->content_count);
		if (cue) {
			trigger = &a->cue;
		} else if (fragments) {
			for (size_t k = 0; !trigger; k++)
				if (span_present(a->content[k]))
					trigger = &a->content[k];
		} else if (src) {
			trigger = &a->source;
		} else {
			continue; /* nothing to annotate */
		}
		size_t trig = ++t;
		brat_textbound(o, v, trig, "Attribution", trigger, 1);
		OUT_LIT(o, "E");
		out_uint(o, ++e);
		OUT_LIT(o, "\tAttribution:T");
		out_uint(o, trig);
		if (src) {
			OUT_LIT(o, " Source:T");
			out_uint(o, src);
		}
		if (cue) {
			OUT_LIT(o, " Cue:T");
			out_uint(o, cue);
		}
		if (content) {
			OUT_LIT(o, " Content:T");
			out_uint(o, content);
		}
		out_char(o, '\n');
	}
}

/* ------------------------------------------------------------------- TSV */

static const char tsv_header[] =
	"id\ttype\tspeaker\trole\tgender\tsource\tcue\taddressee\tcontent\tsource_start\tsource_end\t"
	"cue_start\tcue_end\tcontent_start\tcontent_end\tconfidence\n";

static void tsv_span_text(ws_out *o, const ws_view *v, ws_span s)
{
	out_char(o, '\t');
	if (span_present(s))
		out_text(o, v->text + s.start, s.end - s.start, TEXT_PLAIN);
}

/* start and end as two columns, both empty when the span is absent. */
static void tsv_offsets(ws_out *o, const ws_view *v, ws_span s)
{
	out_char(o, '\t');
	if (span_present(s))
		out_uint(o, view_offset(v, s.start));
	out_char(o, '\t');
	if (span_present(s))
		out_uint(o, view_offset(v, s.end));
}

static void tsv_document(ws_out *o, const ws_render_options *opt, const ws_view *v)
{
	for (size_t i = 0; i < ws_doc_attribution_count(v->doc); i++) {
		const ws_attribution *a = ws_doc_attribution(v->doc, i);
		const ws_entity *e = a->speaker >= 0 ? ws_doc_entity(v->doc, (size_t)a->speaker) : NULL;
		ws_span whole = {0, 0}; /* first fragment's start to last fragment's end */
		if (opt->id)
			out_text_cstr(o, opt->id, TEXT_PLAIN);
		out_char(o, '\t');
		out_cstr(o, type_name(a->type));
		out_char(o, '\t');
		if (e)
			out_text_cstr(o, entity_name(e), TEXT_PLAIN);
		out_char(o, '\t');
		if (e && has_role(e))
			out_text_cstr(o, e->role, TEXT_PLAIN);
		out_char(o, '\t');
		if (e && gender_name(e))
			out_cstr(o, gender_name(e));
		tsv_span_text(o, v, a->source);
		tsv_span_text(o, v, a->cue);
		tsv_span_text(o, v, a->addressee);
		out_char(o, '\t');
		for (size_t k = 0; k < a->content_count; k++) {
			ws_span s = a->content[k];
			if (!span_present(s))
				continue;
			if (span_present(whole))
				OUT_LIT(o, " \xE2\x80\xA6 "); /* " … " */
			else
				whole.start = s.start;
			whole.end = s.end;
			out_text(o, v->text + s.start, s.end - s.start, TEXT_PLAIN);
		}
		tsv_offsets(o, v, a->source);
		tsv_offsets(o, v, a->cue);
		tsv_offsets(o, v, whole);
		out_char(o, '\t');
		out_confidence(o, a->confidence);
		out_char(o, '\n');
	}
}

/* ------------------------------------------------------------------ text */

static void text_quoted(ws_out *o, const ws_view *v, ws_span s)
{
	out_char(o, '"');
	out_text(o, v->text + s.start, s.end - s.start, TEXT_PLAIN);
	out_char(o, '"');
}

static void text_range(ws_out *o, const ws_view *v, ws_span s)
{
	OUT_LIT(o, "  (");
	out_uint(o, view_offset(v, s.start));
	out_char(o, '-');
	out_uint(o, view_offset(v, s.end));
	OUT_LIT(o, ")\n");
}

/* "    label    "text"  (S-E)" for a role that is present. */
static void text_role(ws_out *o, const ws_view *v, const char *label, ws_span s)
{
	if (!span_present(s))
		return;
	OUT_LIT(o, "    ");
	out_cstr(o, label);
	out_spaces(o, 9 - strlen(label));
	text_quoted(o, v, s);
	text_range(o, v, s);
}

static void text_count(ws_out *o, size_t n, const char *one, const char *many)
{
	out_uint(o, n);
	out_char(o, ' ');
	out_cstr(o, n == 1 ? one : many);
}

static void text_attribution(ws_out *o, const ws_view *v, size_t i, const ws_attribution *a)
{
	const ws_entity *e = a->speaker >= 0 ? ws_doc_entity(v->doc, (size_t)a->speaker) : NULL;
	const char *type = type_name(a->type);
	out_char(o, '[');
	out_uint(o, i + 1);
	OUT_LIT(o, "] ");
	out_cstr(o, type);
	out_spaces(o, 10 - strlen(type));
	if (e) {
		out_text_cstr(o, entity_name(e), TEXT_PLAIN);
		if (has_role(e)) {
			OUT_LIT(o, " (");
			out_text_cstr(o, e->role, TEXT_PLAIN);
			out_char(o, ')');
		}
		OUT_LIT(o, ", ");
		out_cstr(o, kind_name(e->kind));
	} else {
		OUT_LIT(o, "(no speaker)");
	}
	OUT_LIT(o, "  confidence ");
	out_confidence(o, a->confidence);
	out_char(o, '\n');
	text_role(o, v, "source", a->source);
	text_role(o, v, "cue", a->cue);
	text_role(o, v, "to", a->addressee);
	const char *label = "content";
	for (size_t k = 0; k < a->content_count; k++) {
		if (!span_present(a->content[k]))
			continue;
		text_role(o, v, label, a->content[k]);
		label = ""; /* further fragments line up under the first */
	}
}

static void text_document(ws_out *o, const ws_render_options *opt, const ws_view *v)
{
	size_t n = ws_doc_attribution_count(v->doc);
	if (opt->id) {
		out_text_cstr(o, opt->id, TEXT_PLAIN);
		OUT_LIT(o, ": ");
	}
	text_count(o, n, "attribution", "attributions");
	out_char(o, '\n');
	for (size_t i = 0; i < n; i++)
		text_attribution(o, v, i, ws_doc_attribution(v->doc, i));

	size_t ne = ws_doc_entity_count(v->doc);
	if (ne) {
		OUT_LIT(o, "entities\n");
		for (size_t i = 0; i < ne; i++) {
			const ws_entity *e = ws_doc_entity(v->doc, i);
			OUT_LIT(o, "    ");
			out_text_cstr(o, entity_name(e), TEXT_PLAIN);
			if (has_role(e)) {
				OUT_LIT(o, " (");
				out_text_cstr(o, e->role, TEXT_PLAIN);
				out_char(o, ')');
			}
			OUT_LIT(o, ", ");
			out_cstr(o, kind_name(e->kind));
			OUT_LIT(o, ": ");
			text_count(o, e->mention_count, "mention", "mentions");
			OUT_LIT(o, ", ");
			text_count(o, e->attribution_count, "attribution", "attributions");
			out_char(o, '\n');
		}
	}

	size_t nw = ws_doc_warning_count(v->doc);
	if (nw) {
		OUT_LIT(o, "warnings\n");
		for (size_t i = 0; i < nw; i++) {
			const ws_diagnostic *w = ws_doc_warning(v->doc, i);
			OUT_LIT(o, "    at ");
			out_uint(o, view_offset(v, w->position));
			OUT_LIT(o, ": ");
			out_text_cstr(o, w->message ? w->message : "", TEXT_PLAIN);
			out_char(o, '\n');
		}
	}
	out_char(o, '\n'); /* a blank line between documents */
}

/* ------------------------------------------------------------ public API */

static bool format_known(ws_format f)
{
	return f == WS_FORMAT_JSON || f == WS_FORMAT_JSONL || f == WS_FORMAT_TEXT ||
	       f == WS_FORMAT_BRAT || f == WS_FORMAT_TSV;
}

/* The one exit of both renderers: on failure the buffer goes back to the
 * length it had, so nothing partial is left for the caller to write. */
static ws_status finish(ws_out *o, size_t old_len, ws_status st, ws_error *err)
{
	if (st == WS_OK && o->failed)
		st = fail(err, WS_ERR_NOMEM, "out of memory while rendering");
	if (st != WS_OK)
		o->buf->len = old_len;
	return st;
}

ws_status ws_output_render(const ws_doc *doc, const ws_render_options *options, ws_buffer *out,
			   ws_error *err)
{
	if (!doc || !options || !out || !format_known(options->format) ||
	    (options->offsets != WS_OFFSETS_CODEPOINTS && options->offsets != WS_OFFSETS_BYTES))
		return fail(err, WS_ERR_ARGUMENT, "document, known options and buffer are required");
	ws_out o = {out, false};
	const size_t old_len = out->len;
	ws_view v = {doc, NULL, 0, options->offsets == WS_OFFSETS_BYTES};
	v.text = ws_doc_text(doc, &v.len);
	ws_status st = validate(&v, err);
	if (st != WS_OK)
		return finish(&o, old_len, st, err);

	switch (options->format) {
	case WS_FORMAT_JSON:
		st = json_document(&o, &json_pretty, options, &v, NULL, err);
		break;
	case WS_FORMAT_JSONL:
		st = json_document(&o, &json_compact, options, &v, NULL, err);
		break;
	case WS_FORMAT_BRAT:
		brat_document(&o, &v);
		break;
	case WS_FORMAT_TSV:
		if (options->tsv_header)
			out_bytes(&o, tsv_header, sizeof tsv_header - 1);
		tsv_document(&o, options, &v);
		break;
	case WS_FORMAT_TEXT:
		text_document(&o, options, &v);
		break;
	}
	return finish(&o, old_len, st, err);
}

ws_status ws_render_failure(const ws_render_options *options, const char *message,
			    ws_buffer *out, ws_error *err)
{
	if (!options || !message || !out || !format_known(options->format))
		return fail(err, WS_ERR_ARGUMENT, "options, message and buffer are required");
	ws_out o = {out, false};
	const size_t old_len = out->len;
	ws_status st = WS_OK;

	switch (options->format) {
	case WS_FORMAT_JSON:
		st = json_document(&o, &json_pretty, options, NULL, message, err);
		break;
	case WS_FORMAT_JSONL:
		st = json_document(&o, &json_compact, options, NULL, message, err);
		break;
	case WS_FORMAT_BRAT:
		break; /* standoff has no place for errors; an empty file means none found */
	case WS_FORMAT_TSV:
	case WS_FORMAT_TEXT:
		if (options->format == WS_FORMAT_TSV && options->tsv_header)
			out_bytes(&o, tsv_header, sizeof tsv_header - 1);
		OUT_LIT(&o, "# error: ");
		/* A message that already starts with the id (a file name, as the
		 * command's do) is not given it twice. */
		if (options->id && !(strncmp(message, options->id, strlen(options->id)) == 0 &&
				     message[strlen(options->id)] == ':')) {
			out_text_cstr(&o, options->id, TEXT_PLAIN);
			OUT_LIT(&o, ": ");
		}
		out_text_cstr(&o, message, TEXT_PLAIN);
		out_char(&o, '\n');
		if (options->format == WS_FORMAT_TEXT)
			out_char(&o, '\n');
		break;
	}
	return finish(&o, old_len, st, err);
}
