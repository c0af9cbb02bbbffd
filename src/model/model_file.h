/*
 * model_file.h — the binary container that learned models ship in.
 *
 * A model file is a header, a table of sections and the sections' bytes.
 * Every integer is little-endian, whatever the machine, and every part
 * carries a CRC-32, so a file is checked completely before anything in it
 * is believed:
 *
 *   offset  size  field
 *   0       8     magic "WHOSAID" followed by 0x1A
 *   8       4     format version (WS_MODEL_FORMAT_VERSION)
 *   12      4     feature-set version: which features the weights expect
 *   16      4     number of sections (at most WS_MODEL_MAX_SECTIONS)
 *   20      4     CRC-32 of the section table
 *   24      4     reserved, zero
 *   28      4     CRC-32 of bytes 0..28
 *   32      24 n  section table: tag (8 bytes, NUL-padded ASCII),
 *                 offset (8), length (4), CRC-32 of the section (4)
 *   ...           sections, each starting on an 8-byte boundary
 *
 * The file is read whole into memory; sections are views into it.
 */
#ifndef WS_MODEL_FILE_H
#define WS_MODEL_FILE_H

#include "whosaid.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_MODEL_MAGIC "WHOSAID\x1a"
#define WS_MODEL_FORMAT_VERSION 1u
#define WS_MODEL_MAX_SECTIONS 16
#define WS_MODEL_HEADER_SIZE 32
#define WS_MODEL_ENTRY_SIZE 24
#define WS_MODEL_MAX_FILE (256u << 20)

uint32_t ws_crc32(const void *data, size_t len);

typedef struct ws_section {
	char tag[9];
	const unsigned char *data;
	size_t len;
	uint32_t crc;
} ws_section;

typedef struct ws_container {
	uint32_t format_version;
	uint32_t feature_set_version;
	size_t nsections;
	ws_section sections[WS_MODEL_MAX_SECTIONS];
} ws_container;

/* Check bytes[0..len) completely (magic, versions, bounds, every CRC) and
 * describe its sections.  expected_feature_set 0 accepts any; otherwise a
 * different one is an error.  Messages name the part that is wrong. */
ws_status ws_container_parse(const unsigned char *bytes, size_t len, uint32_t expected_feature_set,
			     ws_container *out, ws_error *err);

/* The section with this tag, or NULL. */
const ws_section *ws_container_find(const ws_container *c, const char *tag);

/* Reads little-endian fields from a section; any read past the end sets
 * failed and returns zeros, so a parser checks once at the end. */
typedef struct ws_reader {
	const unsigned char *data;
	size_t len, pos;
	bool failed;
} ws_reader;

uint8_t ws_read_u8(ws_reader *r);
uint16_t ws_read_u16(ws_reader *r);
uint32_t ws_read_u32(ws_reader *r);
float ws_read_f32(ws_reader *r);
/* n bytes in place, or NULL (and failed) when fewer remain. */
const unsigned char *ws_read_bytes(ws_reader *r, size_t n);

/* A growing little-endian byte buffer, for writing models (training only,
 * so it uses malloc and records the first failure in failed). */
typedef struct ws_writer {
	unsigned char *data;
	size_t len, cap;
	bool failed;
} ws_writer;

void ws_write_u8(ws_writer *w, uint8_t v);
void ws_write_u16(ws_writer *w, uint16_t v);
void ws_write_u32(ws_writer *w, uint32_t v);
void ws_write_u64(ws_writer *w, uint64_t v);
void ws_write_f32(ws_writer *w, float v);
void ws_write_bytes(ws_writer *w, const void *p, size_t n);
void ws_writer_free(ws_writer *w);

/* Assemble a whole file from tagged sections into out (which is reset). */
typedef struct ws_section_source {
	const char *tag;
	const ws_writer *content;
} ws_section_source;

bool ws_container_write(ws_writer *out, uint32_t feature_set_version, const ws_section_source *sections,
			size_t nsections);

#endif /* WS_MODEL_FILE_H */
