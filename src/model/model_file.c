/*
 * model_file.c — reading and writing the model container (model_file.h).
 *
 * Parsing trusts nothing: every offset and length is checked against the
 * file's size before it is used, and every CRC before its bytes are read,
 * so a truncated or damaged file ends in an error message, never in a read
 * out of bounds.
 */
#include "base/base.h"
#include "model/model_file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- CRC-32 */

/* The IEEE polynomial (as in zlib and PNG), eight bytes at a time
 * ("slicing by 8"): a model of megabytes is checked on every load.  The
 * tables are built on each call, a few microseconds, so that nothing is
 * shared between threads that load models at the same time. */
uint32_t ws_crc32(const void *data, size_t len)
{
	uint32_t tables[8][256];
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		tables[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			tables[t][i] = tables[0][tables[t - 1][i] & 0xFF] ^ (tables[t - 1][i] >> 8);
	const unsigned char *p = data;
	uint32_t c = 0xFFFFFFFFu;
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		c = tables[7][lo & 0xFF] ^ tables[6][(lo >> 8) & 0xFF] ^ tables[5][(lo >> 16) & 0xFF] ^
		    tables[4][lo >> 24] ^ tables[3][p[4]] ^ tables[2][p[5]] ^ tables[1][p[6]] ^ tables[0][p[7]];
	}
	for (; len > 0; len--, p++)
		c = tables[0][(c ^ *p) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

/* ------------------------------------------------------------- reading */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

const unsigned char *ws_read_bytes(ws_reader *r, size_t n)
{
	if (r->failed || n > r->len - r->pos) {
		r->failed = true;
		return NULL;
	}
	const unsigned char *p = r->data + r->pos;
	r->pos += n;
	return p;
}

uint8_t ws_read_u8(ws_reader *r)
{
	const unsigned char *p = ws_read_bytes(r, 1);
	return p ? p[0] : 0;
}

uint16_t ws_read_u16(ws_reader *r)
{
	const unsigned char *p = ws_read_bytes(r, 2);
	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t ws_read_u32(ws_reader *r)
{
	const unsigned char *p = ws_read_bytes(r, 4);
	return p ? le32(p) : 0;
}

float ws_read_f32(ws_reader *r)
{
	uint32_t bits = ws_read_u32(r);
	float f;
	memcpy(&f, &bits, sizeof f);
	return f;
}

static ws_status fail(ws_error *err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = WS_ERR_MODEL;
		err->position = 0;
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
	return WS_ERR_MODEL;
}

/* A section name: 1 to 8 printable ASCII characters, NUL-padded. */
static bool tag_ok(const unsigned char *tag)
{
	size_t n = 0;
	while (n < 8 && tag[n] > ' ' && tag[n] < 0x7F)
		n++;
	for (size_t k = n; k < 8; k++)
		if (tag[k] != 0)
			return false;
	return n > 0;
}

ws_status ws_container_parse(const unsigned char *bytes, size_t len, uint32_t expected_feature_set,
			     ws_container *out, ws_error *err)
{
	memset(out, 0, sizeof *out);
	if (len < WS_MODEL_HEADER_SIZE || memcmp(bytes, WS_MODEL_MAGIC, 8) != 0)
		return fail(err, "not a whosaid model file (no model header)");
	if (le32(bytes + 28) != ws_crc32(bytes, 28))
		return fail(err, "model header is damaged (checksum mismatch)");
	out->format_version = le32(bytes + 8);
	out->feature_set_version = le32(bytes + 12);
	uint32_t n = le32(bytes + 16);
	if (le32(bytes + 24) != 0)
		return fail(err, "model header has a non-zero reserved field (a newer format?)");
	if (out->format_version != WS_MODEL_FORMAT_VERSION)
		return fail(err, "model file format version %llu is not supported (this build reads %llu)",
			    (unsigned long long)out->format_version, (unsigned long long)WS_MODEL_FORMAT_VERSION);
	if (expected_feature_set && out->feature_set_version != expected_feature_set)
		return fail(err, "model was trained for feature set %llu, this build computes feature set %llu",
			    (unsigned long long)out->feature_set_version, (unsigned long long)expected_feature_set);
	if (n == 0 || n > WS_MODEL_MAX_SECTIONS)
		return fail(err, "model declares %llu sections (1 to %d allowed)", (unsigned long long)n,
			    WS_MODEL_MAX_SECTIONS);
	size_t table_end = WS_MODEL_HEADER_SIZE + (size_t)n * WS_MODEL_ENTRY_SIZE;
	if (len < table_end)
		return fail(err, "model file is truncated: %llu bytes, the section table alone needs %llu",
			    (unsigned long long)len, (unsigned long long)table_end);
	if (le32(bytes + 20) != ws_crc32(bytes + WS_MODEL_HEADER_SIZE, table_end - WS_MODEL_HEADER_SIZE))
		return fail(err, "model section table is damaged (checksum mismatch)");
	out->nsections = n;
	/* Sections follow one another in table order, each on the next 8-byte
	 * boundary, the gaps zero and the last ending the file: so every byte
	 * of a file is covered by a check, and any change to one is caught. */
	size_t expected = table_end;
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *e = bytes + WS_MODEL_HEADER_SIZE + (size_t)i * WS_MODEL_ENTRY_SIZE;
		ws_section *s = &out->sections[i];
		memcpy(s->tag, e, 8);
		s->tag[8] = '\0';
		uint64_t off = le64(e + 8);
		uint32_t slen = le32(e + 16);
		s->crc = le32(e + 20);
		if (!tag_ok(e))
			return fail(err, "model section %u has a malformed name", i + 1);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(out->sections[j].tag, s->tag) == 0)
				return fail(err, "model file has two sections named '%s'", s->tag);
		size_t aligned = (expected + 7) / 8 * 8;
		if (aligned > len || off != aligned || slen > len - off)
			return fail(err, "model file is truncated or malformed at section %u", i + 1);
		for (size_t k = expected; k < aligned; k++)
			if (bytes[k] != 0)
				return fail(err, "model file has stray bytes before section %u", i + 1);
		s->data = bytes + off;
		s->len = slen;
		if (ws_crc32(s->data, s->len) != s->crc)
			return fail(err, "model section '%s' is damaged (checksum mismatch)", s->tag);
		expected = off + slen;
	}
	if (expected != len)
		return fail(err, "model file has %zu bytes after its last section", len - expected);
	return WS_OK;
}

const ws_section *ws_container_find(const ws_container *c, const char *tag)
{
	for (size_t i = 0; i < c->nsections; i++)
		if (strcmp(c->sections[i].tag, tag) == 0)
			return &c->sections[i];
	return NULL;
}

/* ------------------------------------------------------------- writing */

void ws_write_bytes(ws_writer *w, const void *p, size_t n)
{
	if (w->failed)
		return;
	if (n > w->cap - w->len) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap - w->len < n) {
			if (cap > SIZE_MAX / 2) {
				w->failed = true;
				return;
			}
			cap *= 2;
		}
		unsigned char *d = realloc(w->data, cap);
		if (!d) {
			w->failed = true;
			return;
		}
		w->data = d;
		w->cap = cap;
	}
	if (n)
		memcpy(w->data + w->len, p, n);
	w->len += n;
}

void ws_write_u8(ws_writer *w, uint8_t v) { ws_write_bytes(w, &v, 1); }

void ws_write_u16(ws_writer *w, uint16_t v)
{
	unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	ws_write_bytes(w, b, 2);
}

void ws_write_u32(ws_writer *w, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	ws_write_bytes(w, b, 4);
}

void ws_write_u64(ws_writer *w, uint64_t v)
{
	ws_write_u32(w, (uint32_t)v);
	ws_write_u32(w, (uint32_t)(v >> 32));
}

void ws_write_f32(ws_writer *w, float v)
{
	uint32_t bits;
	memcpy(&bits, &v, sizeof bits);
	ws_write_u32(w, bits);
}

void ws_writer_free(ws_writer *w)
{
	free(w->data);
	memset(w, 0, sizeof *w);
}

static void pad_to_8(ws_writer *w)
{
	static const unsigned char zeros[8];
	ws_write_bytes(w, zeros, (8 - w->len % 8) % 8);
}

bool ws_container_write(ws_writer *out, uint32_t feature_set_version, const ws_section_source *sections,
			size_t nsections)
{
	out->len = 0;
	out->failed = false;
	if (nsections == 0 || nsections > WS_MODEL_MAX_SECTIONS)
		return false;
	ws_writer table = {0};
	size_t offset = WS_MODEL_HEADER_SIZE + nsections * WS_MODEL_ENTRY_SIZE;
	for (size_t i = 0; i < nsections; i++) {
		const ws_writer *c = sections[i].content;
		if (c->failed || c->len > UINT32_MAX || strlen(sections[i].tag) > 8) {
			ws_writer_free(&table);
			return false;
		}
		offset = (offset + 7) / 8 * 8;
		char tag[8] = {0};
		memcpy(tag, sections[i].tag, strlen(sections[i].tag));
		ws_write_bytes(&table, tag, 8);
		ws_write_u64(&table, offset);
		ws_write_u32(&table, (uint32_t)c->len);
		ws_write_u32(&table, ws_crc32(c->data, c->len));
		offset += c->len;
	}
	ws_write_bytes(out, WS_MODEL_MAGIC, 8);
	ws_write_u32(out, WS_MODEL_FORMAT_VERSION);
	ws_write_u32(out, feature_set_version);
	ws_write_u32(out, (uint32_t)nsections);
	ws_write_u32(out, ws_crc32(table.data, table.len));
	ws_write_u32(out, 0);
	ws_write_u32(out, out->failed ? 0 : ws_crc32(out->data, 28));
	ws_write_bytes(out, table.data, table.len);
	ws_writer_free(&table);
	for (size_t i = 0; i < nsections; i++) {
		pad_to_8(out);
		ws_write_bytes(out, sections[i].content->data, sections[i].content->len);
	}
	return !out->failed;
}
