/*
 * train_neural.c — putting the neural labeller into a model file.
 *
 *     whosaid train --taggers-from MODEL --attach-neural NEUR.bin -o OUT.wsm
 *
 * The network is trained in PyTorch (tools/train_neural.py), on the
 * inputs `whosaid train --dump-roles` wrote, and exported as the bytes of
 * one "NEUR" section.  This step copies every section of MODEL (the
 * taggers, the parser, the perceptron labeller, which stays for its
 * figures and as the fallback of a build without the encoder), adds that
 * section, and records its provenance (the vectors' package, version,
 * checksum and licence, the network, the epoch dev chose, the training's
 * time and memory) in the description, so that `whosaid model info` and
 * models/manifest.json show it.  The file is assembled by the same writer
 * as every model, and loaded back through the same checks as a shipped
 * one before it is written: a section the loader would refuse never
 * becomes a model.
 */
#include "train/train.h"
#include "front/front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The provenance JSON inside a NEUR section (encoder.c has the layout), or
 * NULL when the section is too short to hold it. */
static char *section_provenance(const train_article *section)
{
	const unsigned char *b = (const unsigned char *)section->text;
	size_t at = 16 + 4 * WS_INPUTS; /* version, hidden, labels, inputs, cardinalities */
	if (section->len < at + 8)
		return NULL;
	size_t n = (size_t)b[at + 4] | (size_t)b[at + 5] << 8 | (size_t)b[at + 6] << 16 | (size_t)b[at + 7] << 24;
	if (n > section->len - at - 8)
		return NULL;
	char *out = malloc(n + 1);
	if (out) {
		memcpy(out, b + at + 8, n);
		out[n] = '\0';
	}
	return out;
}

int train_attach_neural(const char *model_name, const char *section_path, const char *output)
{
	char path[4096];
	ws_model_path(model_name, path, sizeof path);
	train_article file = {0}, neural = {0};
	ws_writer meta = {0}, copies[WS_MODEL_MAX_SECTIONS] = {{0}}, out = {0};
	ws_section_source parts[WS_MODEL_MAX_SECTIONS];
	ws_model *check = NULL;
	char *provenance = NULL;
	int status = 1;
	if (!train_read_article(path, model_name, &file) || !train_read_article(section_path, section_path, &neural))
		goto done;
	ws_container c;
	ws_error err;
	if (ws_container_parse((const unsigned char *)file.text, file.len, WS_FEATURE_SET_VERSION, &c, &err) != WS_OK) {
		cli_message("train: %s: %s", path, err.message);
		goto done;
	}
	provenance = section_provenance(&neural);
	if (!provenance) {
		cli_message("train: %s is not a neural section", section_path);
		goto done;
	}
	size_t n = 0;
	for (size_t i = 0; i < c.nsections && n + 1 < WS_MODEL_MAX_SECTIONS; i++) {
		const ws_section *s = &c.sections[i];
		if (strcmp(s->tag, "NEUR") == 0)
			continue; /* replaced */
		if (strcmp(s->tag, "META") == 0) {
			/* the description, with the labeller's provenance added
			 * before its closing brace */
			size_t end = s->len;
			while (end > 0 && s->data[end - 1] != '}')
				end--;
			if (end == 0) {
				cli_message("train: %s: its description is not a JSON object", path);
				goto done;
			}
			ws_write_bytes(&meta, s->data, end - 1);
			const char *mid = ", \"labeller\": \"neural\", \"neural\": ";
			ws_write_bytes(&meta, mid, strlen(mid));
			ws_write_bytes(&meta, provenance, strlen(provenance));
			ws_write_bytes(&meta, "}", 1);
			parts[n++] = (ws_section_source){"META", &meta};
			continue;
		}
		ws_write_bytes(&copies[i], s->data, s->len);
		parts[n++] = (ws_section_source){s->tag, &copies[i]};
	}
	ws_writer section = {(unsigned char *)neural.text, neural.len, neural.len, false};
	parts[n++] = (ws_section_source){"NEUR", &section};
	if (!ws_container_write(&out, WS_FEATURE_SET_VERSION, parts, n)) {
		cli_message("train: cannot assemble %s", output);
		goto done;
	}
	if (ws_model_open_memory(out.data, out.len, NULL, &check, &err) != WS_OK) {
		cli_message("train: the assembled model does not load: %s", err.message);
		goto done;
	}
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", output);
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fwrite(out.data, 1, out.len, f) == out.len;
	ok = f && fclose(f) == 0 && ok;
	if (!ok || rename(tmp, output) != 0) {
		cli_message("train: cannot write %s", output);
		remove(tmp);
		goto done;
	}
	fprintf(stderr, CLI_NAME " train: wrote %s (%zu bytes): %s with the neural labeller of %s\n", output, out.len,
		path, section_path);
	status = 0;
done:
	ws_model_free(check);
	free(provenance);
	for (size_t i = 0; i < WS_MODEL_MAX_SECTIONS; i++)
		ws_writer_free(&copies[i]);
	ws_writer_free(&meta);
	ws_writer_free(&out);
	train_article_free(&file);
	train_article_free(&neural);
	return status;
}
