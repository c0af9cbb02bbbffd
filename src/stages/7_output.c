/*
 * 7_output.c — results -> JSON, JSON Lines, text, brat standoff, TSV, CSV.
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
 * article can send escape sequences to a terminal.  CSV keeps tabs and
 * line breaks, which its quoting carries, and turns the other controls
 * into spaces.
 *
 * Safety of what a spreadsheet does with it: a CSV or TSV cell that starts
 * like a formula is written with a ' in front (table_cell()), the one
 * guard for every table the command writes, the quote store's included
 * (through ws_render_cell()).
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
	TEXT_PLAIN,  /* text, brat, TSV: controls (tab and newline too) become spaces */
	TEXT_CSV     /* a CSV cell: quotes doubled; tab, CR and LF kept, other controls spaces */
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
				else if (mode == TEXT_CSV && c == '"')
					*d++ = '"';
				*d++ = (char)c;
				p++;
			} else if (c < 0x80) {
				p++;
				if (c == WS_SUBSTITUTE) {
					memcpy(d, "\xEF\xBF\xBD", 3);
					d += 3;
				} else if (mode == TEXT_CSV && (c == '\t' || c == '\n' || c == '\r')) {
					*d++ = (char)c;
				} else if (mode != TEXT_JSON) {
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
				} else if (mode != TEXT_JSON && c == 0xC2 && p[1] < 0xA0) {
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

/* The members of extra_json, read one at a time, for the JSON formats and
 * the tables alike.  This checks the structure (a string key, a colon, a
 * value whose brackets and strings are balanced) rather than every token:
 * the command's members come from jansson, and a library caller's go back
 * out as written. */
typedef struct json_member {
	const char *key;          /* between the key's quotes, escapes as written */
	size_t key_len;
	const char *value;        /* as written, without the white space around it */
	size_t value_len;
} json_member;

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_space(const char *p)
{
	while (json_space(*p))
		p++;
	return p;
}

/* Past the closing quote of the string whose opening quote is at p; NULL
 * when it is not closed. */
static const char *string_end(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				return NULL;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

/* The member at *p, and *p moved past it: 1, or 0 at the end, or -1 when
 * what is there is not a member. */
static int member_next(const char **p, json_member *m)
{
	const char *s = skip_space(*p);
	if (!*s)
		return 0;
	const char *key_end = *s == '"' ? string_end(s) : NULL;
	if (!key_end)
		return -1;
	m->key = s + 1;
	m->key_len = (size_t)(key_end - s) - 2;
	s = skip_space(key_end);
	if (*s != ':')
		return -1;
	s = skip_space(s + 1);
	m->value = s;
	long depth = 0;
	while (*s && (depth > 0 || *s != ',')) {
		if (*s == '"') {
			if (!(s = string_end(s)))
				return -1;
			continue;
		}
		if (*s == '{' || *s == '[')
			depth++;
		else if ((*s == '}' || *s == ']') && --depth < 0)
			return -1;
		s++;
	}
	const char *end = s;
	while (end > m->value && json_space(end[-1]))
		end--;
	if (depth != 0 || end == m->value)
		return -1;
	m->value_len = (size_t)(end - m->value);
	if (*s == ',' && !*skip_space(++s))
		return -1; /* a comma with no member after it */
	*p = s;
	return 1;
}

/* A JSON value without the white space outside its strings. */
static void json_compact_copy(ws_out *o, const char *s, size_t n)
{
	bool in_string = false, escaped = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
		} else if (json_space(c)) {
			continue;
		} else if (c == '"') {
			in_string = true;
		}
		out_char(o, c);
	}
}

/* Splice the caller's pre-serialised members after "id".  Whitespace
 * outside strings is dropped, so members serialised over several lines
 * cannot break a JSON Lines record; when pretty, each top-level member gets
 * a line of its own.  Members that are not members (an empty one, a key
 * that is no string, unbalanced brackets, an unterminated string) are
 * rejected: they would make the whole record unreadable. */
static ws_status json_extra(ws_out *o, const json_style *st, const char *extra, ws_error *err)
{
	json_member m;
	int r;
	for (const char *p = extra; (r = member_next(&p, &m)) > 0;) {
		out_char(o, ',');
		json_newline(o, st, 1);
		out_char(o, '"');
		out_bytes(o, m.key, m.key_len);
		out_char(o, '"');
		out_cstr(o, st->colon);
		json_compact_copy(o, m.value, m.value_len);
	}
	if (r < 0)
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

/* ----------------------------------------------------------- CSV and TSV */

/* The row's own columns, after the id and the passed-through members'
 * (whosaid.h, docs/schema.md). */
static const char *const table_columns[] = {
	"type", "speaker", "role", "kind", "gender", "speaker_key", "source", "cue", "addressee",
	"content", "source_start", "source_end", "cue_start", "cue_end", "content_start",
	"content_end", "confidence", "error", "extra",
};
/* type .. confidence, all but error and extra: the cells an error row
 * leaves empty */
#define TABLE_RESULT_CELLS (sizeof table_columns / sizeof table_columns[0] - 2)

/* The delimiter after a cell, or the line end after a row's last: CR LF
 * in CSV, as RFC 4180 has it, a plain LF in TSV. */
static void table_end_cell(ws_out *o, bool csv, bool last)
{
	if (!last)
		out_char(o, csv ? ',' : '\t');
	else if (csv)
		OUT_LIT(o, "\r\n");
	else
		out_char(o, '\n');
}

/* What a spreadsheet takes for the start of a formula: =, + and -, @ (a
 * function in Excel), and a tab or a CR, which some skip before one
 * (OWASP, "CSV Injection"). */
static bool starts_like_formula(const char *s, size_t n)
{
	return n && s[0] && strchr("=+-@\t\r", s[0]);
}

/* One cell and what follows it.  The guard's ' goes inside CSV's quotes:
 * in front of them it would make the cell an unquoted one that holds a
 * quote, which RFC 4180 readers split at its commas. */
static void table_cell(ws_out *o, bool csv, const char *s, size_t n, bool last)
{
	bool quoted = false;
	for (size_t i = 0; csv && i < n && !quoted; i++)
		quoted = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (quoted)
		out_char(o, '"');
	if (starts_like_formula(s, n))
		out_char(o, '\'');
	out_text(o, s, n, csv ? TEXT_CSV : TEXT_PLAIN);
	if (quoted)
		out_char(o, '"');
	table_end_cell(o, csv, last);
}

static void table_cstr(ws_out *o, bool csv, const char *s)
{
	table_cell(o, csv, s ? s : "", s ? strlen(s) : 0, false);
}

static void table_span(ws_out *o, bool csv, const ws_view *v, ws_span s)
{
	table_cell(o, csv, v->text + s.start, s.end - s.start, false);
}

/* start and end as two cells, both empty when the span is absent.
 * Numbers never start like a formula, so they need no guard. */
static void table_offsets(ws_out *o, bool csv, const ws_view *v, ws_span s)
{
	if (span_present(s))
		out_uint(o, view_offset(v, s.start));
	table_end_cell(o, csv, false);
	if (span_present(s))
		out_uint(o, view_offset(v, s.end));
	table_end_cell(o, csv, false);
}

/* The value of \uXXXX at p (its four digits), or -1. */
static long hex4(const char *p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void out_utf8(ws_out *o, unsigned long cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	out_bytes(o, b, n);
}

/* The text of a JSON string's inside, s[0..n): escapes decoded, a
 * surrogate pair joined, a lone surrogate as U+FFFD (it has no UTF-8).  A
 * malformed escape is kept as written: the cell shows what was given. */
static void json_unescape(ws_out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 == n) {
			out_char(o, s[i]);
			continue;
		}
		char c = s[++i];
		const char *plain = strchr("\"\\/bfnrt", c);
		if (c && plain) {
			out_char(o, "\"\\/\b\f\n\r\t"[plain - "\"\\/bfnrt"]);
			continue;
		}
		long cp = c == 'u' && n - i > 4 ? hex4(s + i + 1) : -1;
		if (cp < 0) {
			out_char(o, '\\');
			out_char(o, c);
			continue;
		}
		i += 4;
		if (cp >= 0xD800 && cp < 0xDC00 && n - i > 6 && s[i + 1] == '\\' && s[i + 2] == 'u') {
			long low = hex4(s + i + 3);
			if (low >= 0xDC00 && low < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
				i += 6;
			}
		}
		out_utf8(o, cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : (unsigned long)cp);
	}
}

/* Whether columns[i] has a column of its own: not a name of the row's own
 * columns, which would make two columns of one name, and not a repeat. */
static bool column_used(const ws_render_options *opt, size_t i)
{
	const char *name = opt->columns[i];
	if (!name || strcmp(name, "id") == 0)
		return false;
	for (size_t k = 0; k < sizeof table_columns / sizeof table_columns[0]; k++)
		if (strcmp(name, table_columns[k]) == 0)
			return false;
	for (size_t k = 0; k < i; k++)
		if (opt->columns[k] && strcmp(opt->columns[k], name) == 0)
			return false;
	return true;
}

/* Whether the member's key is name; scratch holds a key with escapes
 * decoded. */
static bool member_named(const json_member *m, const char *name, ws_out *scratch)
{
	const char *key = m->key;
	size_t len = m->key_len;
	if (memchr(key, '\\', len)) {
		scratch->buf->len = 0;
		json_unescape(scratch, key, len);
		if (scratch->failed)
			return false;
		key = scratch->buf->data;
		len = scratch->buf->len;
	}
	return strlen(name) == len && memcmp(key, name, len) == 0;
}

/* A member's value as the text of its cell: a string's text, nothing for
 * null, and any other value's JSON. */
static void member_text(ws_out *o, const json_member *m)
{
	if (m->value[0] == '"' && m->value_len >= 2)
		json_unescape(o, m->value + 1, m->value_len - 2);
	else if (!(m->value_len == 4 && memcmp(m->value, "null", 4) == 0))
		json_compact_copy(o, m->value, m->value_len);
}

/* The scratch buffers of a table: each a cursor of its own, so that a
 * failed allocation in any of them is seen at the end. */
typedef struct table_scratch {
	ws_buffer lead_buf, extra_buf, text_buf, key_buf;
	ws_out lead;              /* the id's and the members' cells, on every row */
	ws_out extra;             /* the extra cell and the line end, last on every row */
	ws_out text;              /* a cell's text before it is written */
	ws_out key;               /* a member's key, decoded */
} table_scratch;

/* The cells that every row of one document shares: the id, one per
 * passed-through column, and extra with the members no column took. */
static ws_status table_members(table_scratch *t, bool csv, const ws_render_options *opt, ws_error *err)
{
	const char *extra = opt->extra_json ? opt->extra_json : "";
	const char *p = extra;
	json_member m;
	int r;
	table_cstr(&t->lead, csv, opt->id);
	for (size_t i = 0; i < opt->column_count; i++) {
		if (!column_used(opt, i))
			continue;
		t->text.buf->len = 0;
		for (p = extra; (r = member_next(&p, &m)) == 1;) {
			if (member_named(&m, opt->columns[i], &t->key)) {
				member_text(&t->text, &m);
				break;
			}
		}
		if (r < 0)
			break;
		table_cell(&t->lead, csv, t->text.buf->data, t->text.buf->len, false);
	}

	size_t left = 0;
	t->text.buf->len = 0;
	for (p = extra; (r = member_next(&p, &m)) == 1;) {
		bool taken = false;
		for (size_t i = 0; !taken && i < opt->column_count; i++)
			taken = column_used(opt, i) && member_named(&m, opt->columns[i], &t->key);
		if (taken)
			continue;
		out_char(&t->text, left++ ? ',' : '{');
		out_char(&t->text, '"');
		out_bytes(&t->text, m.key, m.key_len);
		OUT_LIT(&t->text, "\":");
		json_compact_copy(&t->text, m.value, m.value_len);
	}
	if (r < 0)
		return fail(err, WS_ERR_ARGUMENT, "extra_json is not a list of JSON object members");
	if (left)
		out_char(&t->text, '}');
	table_cell(&t->extra, csv, t->text.buf->data, t->text.buf->len, true);
	return WS_OK;
}

static void table_header(ws_out *o, bool csv, const ws_render_options *opt)
{
	table_cstr(o, csv, "id");
	for (size_t i = 0; i < opt->column_count; i++)
		if (column_used(opt, i))
			table_cstr(o, csv, opt->columns[i]);
	const size_t n = sizeof table_columns / sizeof table_columns[0];
	for (size_t k = 0; k < n; k++)
		table_cell(o, csv, table_columns[k], strlen(table_columns[k]), k + 1 == n);
}

static void table_attribution(ws_out *o, bool csv, const ws_view *v, const ws_render_options *opt,
			      const ws_attribution *a, table_scratch *t)
{
	const ws_entity *e = a->speaker >= 0 ? ws_doc_entity(v->doc, (size_t)a->speaker) : NULL;
	const char *key = e && opt->speaker_keys ? opt->speaker_keys[a->speaker] : NULL;
	out_bytes(o, t->lead.buf->data, t->lead.buf->len);
	table_cstr(o, csv, type_name(a->type));
	table_cstr(o, csv, e ? entity_name(e) : NULL);
	table_cstr(o, csv, e && has_role(e) ? e->role : NULL);
	table_cstr(o, csv, e ? kind_name(e->kind) : NULL);
	table_cstr(o, csv, e ? gender_name(e) : NULL);
	table_cstr(o, csv, key);
	table_span(o, csv, v, a->source);
	table_span(o, csv, v, a->cue);
	table_span(o, csv, v, a->addressee);

	/* the fragments' texts joined, and the whole from the first's start
	 * to the last's end */
	ws_span whole = {0, 0};
	t->text.buf->len = 0;
	for (size_t k = 0; k < a->content_count; k++) {
		ws_span s = a->content[k];
		if (!span_present(s))
			continue;
		if (span_present(whole))
			OUT_LIT(&t->text, " \xE2\x80\xA6 "); /* " … " */
		else
			whole.start = s.start;
		whole.end = s.end;
		out_bytes(&t->text, v->text + s.start, s.end - s.start);
	}
	table_cell(o, csv, t->text.buf->data, t->text.buf->len, false);

	table_offsets(o, csv, v, a->source);
	table_offsets(o, csv, v, a->cue);
	table_offsets(o, csv, v, whole);
	out_confidence(o, a->confidence);
	table_end_cell(o, csv, false);
	table_end_cell(o, csv, false); /* no error */
	out_bytes(o, t->extra.buf->data, t->extra.buf->len);
}

/* The rows of an analysed document (v), or the one row of a failure (v
 * NULL, error its message), the header first when asked for. */
static ws_status table_document(ws_out *o, const ws_render_options *opt, const ws_view *v, const char *error,
				ws_error *err)
{
	bool csv = opt->format == WS_FORMAT_CSV;
	table_scratch t = {0};
	t.lead = (ws_out){&t.lead_buf, false};
	t.extra = (ws_out){&t.extra_buf, false};
	t.text = (ws_out){&t.text_buf, false};
	t.key = (ws_out){&t.key_buf, false};
	ws_status st = table_members(&t, csv, opt, err);
	if (st == WS_OK) {
		if (opt->tsv_header)
			table_header(o, csv, opt);
		if (v) {
			for (size_t i = 0; i < ws_doc_attribution_count(v->doc); i++)
				table_attribution(o, csv, v, opt, ws_doc_attribution(v->doc, i), &t);
		} else {
			out_bytes(o, t.lead.buf->data, t.lead.buf->len);
			for (size_t k = 0; k < TABLE_RESULT_CELLS; k++)
				table_end_cell(o, csv, false);
			table_cstr(o, csv, error);
			out_bytes(o, t.extra.buf->data, t.extra.buf->len);
		}
	}
	/* finish() reports the scratch's failures as the output's */
	if (t.lead.failed || t.extra.failed || t.text.failed || t.key.failed)
		o->failed = true;
	ws_buffer_free(&t.lead_buf);
	ws_buffer_free(&t.extra_buf);
	ws_buffer_free(&t.text_buf);
	ws_buffer_free(&t.key_buf);
	return st;
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
	       f == WS_FORMAT_BRAT || f == WS_FORMAT_TSV || f == WS_FORMAT_CSV;
}

/* The one exit of the renderers: on failure the buffer goes back to the
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
	case WS_FORMAT_CSV:
		st = table_document(&o, options, &v, NULL, err);
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
	case WS_FORMAT_CSV:
		/* a row, not a comment line: a spreadsheet shows the failure
		 * beside the documents that worked, under the same columns */
		st = table_document(&o, options, NULL, message, err);
		break;
	case WS_FORMAT_TEXT:
		OUT_LIT(&o, "# error: ");
		/* A message that already starts with the id (a file name, as the
		 * command's do) is not given it twice. */
		if (options->id && !(strncmp(message, options->id, strlen(options->id)) == 0 &&
				     message[strlen(options->id)] == ':')) {
			out_text_cstr(&o, options->id, TEXT_PLAIN);
			OUT_LIT(&o, ": ");
		}
		out_text_cstr(&o, message, TEXT_PLAIN);
		OUT_LIT(&o, "\n\n");
		break;
	}
	return finish(&o, old_len, st, err);
}

ws_status ws_render_cell(ws_format format, const char *text, size_t len, int last, ws_buffer *out,
			 ws_error *err)
{
	if (!out || (format != WS_FORMAT_CSV && format != WS_FORMAT_TSV) || (!text && len))
		return fail(err, WS_ERR_ARGUMENT, "a CSV or TSV format, a text and a buffer are required");
	ws_out o = {out, false};
	const size_t old_len = out->len;
	table_cell(&o, format == WS_FORMAT_CSV, text ? text : "", len, last != 0);
	return finish(&o, old_len, WS_OK, err);
}
