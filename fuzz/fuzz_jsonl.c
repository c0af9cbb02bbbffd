/*
 * fuzz_jsonl.c — the command's JSON Lines record reader,
 * cli_jsonl_record() in front/jsonl.c, on arbitrary bytes as one line.
 *
 * It is the only code of the command that parses untrusted structure
 * (through jansson), and the server hands it request bodies too.  Every
 * line must come back as CLI_NEXT with either a text or an error, never
 * both and never neither, with an id and a file name stem that cannot
 * leave the output folder; passed-through members must be the inside of a
 * JSON object.
 *
 * The first byte, when it is a digit, picks other field names (as --text-field
 * and --id-field do) and is then not part of the line, so that both the
 * defaults and odd names get exercised.
 */
#include "fuzz.h"
#include "front/front.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *text, *id;
	} fields[] = {{"text", "id"}, {"body", "url"}, {"", "text"}, {"id", "id"}};
	cli_options opt = {.format = WS_FORMAT_JSONL, .text_field = "text", .id_field = "id"};
	if (size > 0 && data[0] >= '0' && data[0] <= '9') {
		size_t k = (size_t)(data[0] - '0') % (sizeof fields / sizeof fields[0]);
		opt.text_field = fields[k].text;
		opt.id_field = fields[k].id;
		data++;
		size--;
	}
	cli_doc doc = {0};
	int r = cli_jsonl_record(&opt, "fuzz.jsonl", "fuzz", 7, (const char *)data, size, &doc);
	FUZZ_CHECK(r == CLI_NEXT); /* malloc does not fail here */
	FUZZ_CHECK((doc.error != NULL) != (doc.text != NULL));
	FUZZ_CHECK(doc.id && doc.name && doc.origin);
	FUZZ_CHECK(!strchr(doc.name, '/') && doc.name[0] != '.' && doc.name[0] != '\0');
	if (doc.extra)
		FUZZ_CHECK(doc.extra[0] == '"');
	cli_doc_clear(&doc);
	return 0;
}
