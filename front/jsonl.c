/*
 * jsonl.c — one JSON Lines record -> one document (the only user of jansson).
 *
 * A record is a JSON object.  Its --text-field (default "text") is the
 * article and must be a string; its --id-field (default "id") names the
 * document and may be a string or a number (absent or null: the id becomes
 * FILE:LINE).  Every other member is passed through into the output record
 * unchanged and in order, so that a corpus's metadata (outlet, date, URL)
 * stays with the results.  Members named like the output's own
 * ("attributions", "entities", ...) cannot be passed through without
 * making duplicate keys, so they are left out, and the command says so once
 * on stderr.
 *
 * Any record that cannot be used still becomes a document, carrying an
 * error that names the file and line, so that no record is ever lost.
 */
#include "front/front.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Members of every output record (docs/schema.md). */
static const char *const reserved[] = {"id", "attributions", "entities", "warnings", "errors"};

static bool is_reserved(const char *key)
{
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcmp(key, reserved[i]) == 0)
			return true;
	return false;
}

/* An id for the output file name: no path separators or control
 * characters, no leading dot (no hidden files, no "." or ".."), and short
 * enough to leave room for an extension within NAME_MAX. */
static char *file_stem(const char *id)
{
	size_t n = strlen(id);
	if (n > 200) {
		n = 200;
		while (n > 0 && ((unsigned char)id[n] & 0xC0) == 0x80)
			n--; /* do not cut a UTF-8 sequence */
	}
	char *s = malloc(n + 2);
	if (!s)
		return NULL;
	size_t k = 0;
	if (n == 0 || id[0] == '.')
		s[k++] = '_';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		s[k++] = c == '/' || c == '\\' || c < 0x20 || c == 0x7F ? '_' : (char)c;
	}
	s[k] = '\0';
	return s;
}

/* The record's id as text, NULL when it has none; *bad when it has one of
 * an unusable type. */
static char *record_id(json_t *value, bool *bad, bool *nomem)
{
	char *id = NULL;
	*bad = *nomem = false;
	if (!value || json_is_null(value))
		return NULL;
	if (json_is_string(value))
		id = cli_format("%s", json_string_value(value));
	else if (json_is_integer(value))
		id = cli_format("%" JSON_INTEGER_FORMAT, json_integer_value(value));
	else if (json_is_real(value))
		id = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	else
		*bad = true;
	if (!*bad && !id)
		*nomem = true;
	return id;
}

/* The members to pass through, serialised without the enclosing braces;
 * NULL (and *nomem false) when there are none. */
static char *passthrough(const cli_options *opt, json_t *record, char **notice, bool *nomem)
{
	json_t *rest = json_object();
	char *out = NULL;
	const char *key;
	json_t *value;
	*nomem = !rest;
	if (!rest)
		return NULL;
	json_object_foreach(record, key, value)
	{
		if (strcmp(key, opt->text_field) == 0 || strcmp(key, opt->id_field) == 0)
			continue;
		if (is_reserved(key)) {
			if (!*notice)
				*notice = cli_format("field \"%s\" is not passed through: the output "
						     "has a member of that name", key);
			if (!*notice) {
				*nomem = true;
				goto done;
			}
			continue;
		}
		if (json_object_set(rest, key, value) != 0) {
			*nomem = true;
			goto done;
		}
	}
	if (json_object_size(rest) == 0)
		goto done;
	char *all = json_dumps(rest, JSON_COMPACT);
	if (!all) {
		*nomem = true;
		goto done;
	}
	/* "{...}" -> "..." */
	size_t n = strlen(all);
	memmove(all, all + 1, n - 2);
	all[n - 2] = '\0';
	out = all;
done:
	json_decref(rest);
	return out;
}

int cli_jsonl_record(const cli_options *opt, const char *file, const char *stem, size_t lineno,
		     const char *line, size_t len, cli_doc *doc)
{
	json_error_t jerr;
	bool bad_id = false, nomem = false;
	int result = CLI_NOMEM;
	/* NULs are allowed in strings because the library accepts them in
	 * text; duplicate keys are refused because which one counts would be
	 * a guess. */
	json_t *record = json_loadb(line, len, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
	json_t *text = NULL;

	doc->origin = cli_format("%s:%zu", file, lineno);
	if (!doc->origin)
		goto done;
	if (record && json_is_object(record)) {
		doc->id = record_id(json_object_get(record, opt->id_field), &bad_id, &nomem);
		if (!nomem)
			doc->extra = passthrough(opt, record, &doc->notice, &nomem);
		if (nomem)
			goto done;
		text = json_object_get(record, opt->text_field);
	}
	if (doc->id) {
		doc->name = file_stem(doc->id);
	} else {
		doc->id = cli_format("%s:%zu", file, lineno);
		doc->name = cli_format("%s-%zu", stem, lineno);
	}
	if (!doc->id || !doc->name)
		goto done;

	if (!record) {
		doc->error = cli_format("%s: invalid JSON: %s (column %d)", doc->origin, jerr.text,
					jerr.column);
	} else if (!json_is_object(record)) {
		doc->error = cli_format("%s: the record is not a JSON object", doc->origin);
	} else if (bad_id) {
		doc->error = cli_format("%s: field \"%s\" is not a string or a number", doc->origin,
					opt->id_field);
	} else if (!text) {
		doc->error = cli_format("%s: no field \"%s\"", doc->origin, opt->text_field);
	} else if (!json_is_string(text)) {
		doc->error = cli_format("%s: field \"%s\" is not a string", doc->origin,
					opt->text_field);
	} else {
		/* json_string_length, not strlen: the text may hold NULs */
		doc->len = json_string_length(text);
		doc->text = malloc(doc->len ? doc->len : 1);
		if (!doc->text)
			goto done;
		memcpy(doc->text, json_string_value(text), doc->len);
		result = CLI_NEXT;
		goto done;
	}
	if (doc->error)
		result = CLI_NEXT;
done:
	json_decref(record);
	return result;
}

bool cli_jsonl_member_names(const char *extra, cli_columns *columns)
{
	*columns = (cli_columns){0};
	char *object = cli_format("{%s}", extra);
	json_t *members = object ? json_loads(object, JSON_ALLOW_NUL, NULL) : NULL;
	const char *key;
	json_t *value;
	bool ok = members != NULL;
	free(object);
	/* extra is what passthrough() wrote, so only memory can fail here */
	if (ok && json_object_size(members) &&
	    !(columns->names = calloc(json_object_size(members), sizeof *columns->names)))
		ok = false;
	if (ok) {
		json_object_foreach(members, key, value)
		{
			if (!(columns->names[columns->count] = cli_format("%s", key))) {
				ok = false;
				break;
			}
			columns->count++;
		}
	}
	json_decref(members);
	if (!ok)
		cli_columns_clear(columns);
	return ok;
}
