/*
 * model_command.c — `whosaid model info|verify [MODEL]...`: what a model
 * file holds, and whether it is sound.
 *
 * MODEL is a name ("news") or a path, as for --model.  info prints the
 * header, the sections with their sizes and checksums, each learned
 * stage's labels and features, and the description the trainer wrote.
 * verify checks each file completely (every checksum, every field, then a
 * full load) and prints "OK" or why not; its exit status is 1 when any
 * file fails.
 */
#include "train/train.h"
#include "train/train_commands.h"
#include "front/front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char model_help[] =
	"Usage: whosaid model info [MODEL]\n"
	"       whosaid model verify [MODEL]...\n"
	"MODEL is a model name (default: " WS_DEFAULT_MODEL ") or a path to a model file.\n"
	"info describes the file; verify checks every part of it and loads it.\n";

static char *read_model(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *data = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			char *bigger = cap <= WS_MODEL_MAX_FILE ? realloc(data, cap) : NULL;
			if (!bigger) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = bigger;
		}
		size_t got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(data);
		return NULL;
	}
	*len = n;
	return data;
}

static void describe_stage(const char *tag, const ws_section *section)
{
	ws_linear m;
	if (ws_linear_load(&m, ws_allocator_or_default(NULL), section, NULL) != WS_OK)
		return;
	printf("  %-5s %u labels, %zu features, %zu weights:", tag, m.labels.count, m.nfeatures, m.nentries);
	for (uint32_t i = 0; i < m.labels.count; i++)
		printf(" %s", m.labels.names[i]);
	putchar('\n');
	ws_linear_free(&m, ws_allocator_or_default(NULL));
}

static int info(const char *name)
{
	char path[4096];
	ws_model_path(name, path, sizeof path);
	size_t len;
	char *bytes = read_model(path, &len);
	if (!bytes) {
		cli_message("cannot read model file %s", path);
		return 1;
	}
	ws_container c;
	ws_error err;
	if (ws_container_parse((const unsigned char *)bytes, len, 0, &c, &err) != WS_OK) {
		cli_message("%s: %s", path, err.message);
		free(bytes);
		return 1;
	}
	printf("file: %s (%zu bytes)\n", path, len);
	printf("format version: %u\nfeature set: %u (this build computes %u)\n", c.format_version,
	       c.feature_set_version, WS_FEATURE_SET_VERSION);
	printf("sections:\n");
	for (size_t i = 0; i < c.nsections; i++)
		printf("  %-5s %10zu bytes  crc32 %08x\n", c.sections[i].tag, c.sections[i].len, c.sections[i].crc);
	printf("stages:\n");
	static const char *const stages[] = {"POS", "NER", "DEP", "ATTR"};
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		const ws_section *s = ws_container_find(&c, stages[i]);
		if (s)
			describe_stage(stages[i], s);
	}
	const ws_section *neural = ws_container_find(&c, "NEUR");
	ws_encoder enc;
	if (neural && ws_encoder_load(&enc, ws_allocator_or_default(NULL), neural, &err) == WS_OK) {
		printf("  NEUR  BiLSTM %u+%u units, %u words, %d inputs; labels in place of ATTR\n", enc.hidden,
		       enc.hidden, enc.nwords, WS_INPUTS);
		printf("neural provenance: %s\n", enc.provenance);
		ws_encoder_free(&enc, ws_allocator_or_default(NULL));
	} else if (neural)
		printf("  NEUR  unreadable: %s\n", err.message);
	const ws_section *meta = ws_container_find(&c, "META");
	if (meta)
		printf("description: %.*s\n", (int)meta->len, (const char *)meta->data);
	free(bytes);
	return 0;
}

static int verify(const char *name)
{
	char path[4096];
	ws_model_path(name, path, sizeof path);
	ws_model *model;
	ws_error err;
	if (ws_model_open(path, NULL, &model, &err) != WS_OK) {
		/* The library's message may name the file already. */
		const char *reason = err.message;
		size_t n = strlen(path);
		if (strncmp(reason, path, n) == 0 && strncmp(reason + n, ": ", 2) == 0)
			reason += n + 2;
		printf("%s: FAILED: %s\n", path, reason);
		return 1;
	}
	ws_model_free(model);
	printf("%s: OK\n", path);
	return 0;
}

int model_main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(model_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "info") == 0) {
		if (argc > 3) {
			fputs(model_help, stderr);
			return 2;
		}
		return info(argc == 3 ? argv[2] : WS_DEFAULT_MODEL);
	}
	if (strcmp(argv[1], "verify") == 0) {
		int status = 0;
		if (argc == 2)
			return verify(WS_DEFAULT_MODEL);
		for (int i = 2; i < argc; i++)
			status |= verify(argv[i]);
		return status;
	}
	cli_message("model: unknown action '%s' (info or verify)", argv[1]);
	return 2;
}
