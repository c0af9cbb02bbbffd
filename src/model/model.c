/*
 * model.c — model handles.
 *
 * The built-in "rules" model needs no file: its cue lexicon is compiled
 * into the library (cues.c).  Learned models load from files (model_file.h)
 * behind the same handle, so callers never change when a better model
 * ships.  Every model keeps the cue lexicon: the learned labeller reads the
 * rules' findings as evidence.
 */
/* dladdr(), which says which file the library's code was loaded from */
#define _GNU_SOURCE
#include "model/model.h"

#include "model/model_file.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static ws_status model_error(ws_error *err, ws_status code, const char *fmt, const char *arg)
{
	if (err) {
		err->code = code;
		err->position = 0;
		snprintf(err->message, sizeof err->message, fmt, arg);
	}
	return code;
}

/* Do a section's labels match the names this build decodes with? */
static bool labels_are(const ws_labels *labels, const char *const *names, uint32_t count)
{
	if (labels->count != count)
		return false;
	for (uint32_t i = 0; i < count; i++)
		if (strcmp(labels->names[i], names[i]) != 0)
			return false;
	return true;
}

ws_status ws_model_load_memory(ws_model *m, const unsigned char *bytes, size_t len, ws_error *err)
{
	ws_container c;
	ws_status st = ws_container_parse(bytes, len, WS_FEATURE_SET_VERSION, &c, err);
	if (st != WS_OK)
		return st;
	static const char *const required[] = {"META", "POS", "NER", "DEP", "ATTR"};
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (!ws_container_find(&c, required[i]))
			return model_error(err, WS_ERR_MODEL, "model file has no '%s' section", required[i]);
	const ws_section *meta = ws_container_find(&c, "META");
	m->meta = ws_mem_alloc(&m->allocator, meta->len + 1);
	if (!m->meta)
		return model_error(err, WS_ERR_NOMEM, "%s", "out of memory loading the model");
	memcpy(m->meta, meta->data, meta->len);
	m->meta[meta->len] = '\0';
	st = ws_linear_load(&m->pos, &m->allocator, ws_container_find(&c, "POS"), err);
	if (st == WS_OK)
		st = ws_linear_load(&m->ner, &m->allocator, ws_container_find(&c, "NER"), err);
	if (st == WS_OK)
		st = ws_linear_load(&m->dep, &m->allocator, ws_container_find(&c, "DEP"), err);
	if (st == WS_OK)
		st = ws_linear_load(&m->attr, &m->allocator, ws_container_find(&c, "ATTR"), err);
	/* Optional: a model without it labels with the perceptron. */
	const ws_section *neural = ws_container_find(&c, "NEUR");
	if (st == WS_OK && neural)
		st = ws_encoder_load(&m->encoder, &m->allocator, neural, err);
	if (st != WS_OK)
		return st;
	if (!labels_are(&m->ner.labels, ws_ner_label_names, WS_NER_LABELS))
		return model_error(err, WS_ERR_MODEL, "%s", "model's name labels are not the ones this build reads");
	if (!ws_parse_actions_from(&m->dep.labels, &m->dep_actions))
		return model_error(err, WS_ERR_MODEL, "%s", "model's parser actions are malformed");
	if (!labels_are(&m->attr.labels, ws_role_label_names, WS_ROLE_LABELS))
		return model_error(err, WS_ERR_MODEL, "%s", "model's attribution labels are not the ones this build reads");
	m->learned = true;
	return WS_OK;
}

/* The whole file, read into memory from the allocator. */
static ws_status read_model_file(const ws_allocator *a, const char *path, unsigned char **out, size_t *len,
				 ws_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		ws_status st = model_error(err, WS_ERR_MODEL, "cannot open model file %.200s", path);
		if (err)
			snprintf(err->message + strlen(err->message), sizeof err->message - strlen(err->message),
				 ": %s", strerror(errno));
		return st;
	}
	unsigned char *bytes = NULL;
	size_t n = 0, cap = 0;
	ws_status st = WS_OK;
	for (;;) {
		if (n == cap) {
			if (cap >= WS_MODEL_MAX_FILE) {
				st = model_error(err, WS_ERR_MODEL, "model file '%.200s' is larger than any model", path);
				break;
			}
			if (!ws_grow(a, (void **)&bytes, &cap, cap ? cap * 2 : 1 << 20, 1)) {
				st = model_error(err, WS_ERR_NOMEM, "%s", "out of memory reading the model");
				break;
			}
		}
		size_t got = fread(bytes + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				st = model_error(err, WS_ERR_MODEL, "cannot read model file '%.200s'", path);
			break;
		}
	}
	fclose(f);
	if (st != WS_OK) {
		ws_mem_release(a, bytes);
		return st;
	}
	*out = bytes;
	*len = n;
	return WS_OK;
}

/* The folder of the named models: $WHOSAID_MODEL_DIR, else one found
 * from where the library's code lives, so that a tree can be moved or
 * installed anywhere and still find its models, with no path compiled in:
 *
 *   PREFIX/bin/whosaid, PREFIX/lib/libwhosaid.so -> PREFIX/share/whosaid/models
 *   build/whosaid, build/libwhosaid.so          -> models/ of the checkout
 *
 * The first that exists is taken; with none, the installed one is named
 * (in the message of an unknown model). */
static void model_dir(char *out, size_t cap)
{
	const char *env = getenv("WHOSAID_MODEL_DIR");
	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return;
	}
	Dl_info info;
	char here[4096] = ".";
	if (dladdr((void *)model_dir, &info) && info.dli_fname && strchr(info.dli_fname, '/')) {
		snprintf(here, sizeof here, "%s", info.dli_fname);
		*strrchr(here, '/') = '\0';
	}
	static const char *const relative[] = {"../share/whosaid/models", "../models"};
	char candidate[sizeof here + 32];
	for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
		snprintf(candidate, sizeof candidate, "%s/%s", here, relative[i]);
		char *resolved = realpath(candidate, NULL);
		struct stat sb;
		if (resolved && stat(resolved, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			snprintf(out, cap, "%s", resolved);
			free(resolved);
			return;
		}
		free(resolved);
	}
	snprintf(candidate, sizeof candidate, "%s/%s", here, relative[0]);
	snprintf(out, cap, "%.4000s", candidate);
}

void ws_model_path(const char *name, char *out, size_t cap)
{
	if (strchr(name, '/')) {
		snprintf(out, cap, "%s", name);
		return;
	}
	char dir[4096];
	model_dir(dir, sizeof dir);
	/* a path too long for out is no path: cut, it would name another file */
	if (snprintf(out, cap, "%s/%s.wsm", dir, name) >= (int)cap && cap)
		out[0] = '\0';
}

static ws_status model_new(const ws_allocator *allocator, const char *name, ws_model **out)
{
	const ws_allocator *chosen = ws_allocator_or_default(allocator);
	if (!chosen)
		return WS_ERR_ARGUMENT;
	ws_model *m = ws_mem_alloc(chosen, sizeof *m);
	if (!m)
		return WS_ERR_NOMEM;
	memset(m, 0, sizeof *m);
	m->allocator = *chosen;
	const char *base = strrchr(name, '/');
	snprintf(m->name, sizeof m->name, "%s", base ? base + 1 : name);
	ws_status st = ws_cues_build(m);
	if (st != WS_OK) {
		ws_model_free(m);
		return st;
	}
	*out = m;
	return WS_OK;
}

ws_status ws_model_open(const char *name, const ws_allocator *allocator, ws_model **out, ws_error *err)
{
	if (!out)
		return WS_ERR_ARGUMENT;
	*out = NULL;
	if (!name)
		name = WS_DEFAULT_MODEL;
	if (!*name)
		return model_error(err, WS_ERR_ARGUMENT, "%s", "empty model name");
	ws_model *m;
	ws_status st = model_new(allocator, name, &m);
	if (st != WS_OK)
		return model_error(err, st, "%s", ws_status_message(st));
	if (strcmp(name, "rules") == 0) {
		*out = m;
		return WS_OK;
	}
	char path[4096];
	ws_model_path(name, path, sizeof path);
	unsigned char *bytes = NULL;
	size_t len = 0;
	st = read_model_file(&m->allocator, path, &bytes, &len, err);
	if (st == WS_ERR_MODEL && !strchr(name, '/') && errno == ENOENT && err) {
		char dir[4096];
		model_dir(dir, sizeof dir);
		snprintf(err->message, sizeof err->message,
			 "unknown model '%.60s' (available: rules, and the *.wsm files of %.120s)", name, dir);
	}
	if (st == WS_OK) {
		st = ws_model_load_memory(m, bytes, len, err);
		ws_mem_release(&m->allocator, bytes);
		if (st != WS_OK && err && err->code == WS_ERR_MODEL) {
			char detail[sizeof err->message];
			memcpy(detail, err->message, sizeof detail);
			snprintf(err->message, sizeof err->message, "%.90s: %.150s", path, detail);
		}
	}
	if (st != WS_OK) {
		ws_model_free(m);
		return st;
	}
	*out = m;
	return WS_OK;
}

ws_status ws_model_open_memory(const void *bytes, size_t len, const ws_allocator *allocator, ws_model **out,
			       ws_error *err)
{
	if (!out || (!bytes && len))
		return WS_ERR_ARGUMENT;
	*out = NULL;
	ws_model *m;
	ws_status st = model_new(allocator, "memory", &m);
	if (st != WS_OK)
		return model_error(err, st, "%s", ws_status_message(st));
	st = ws_model_load_memory(m, bytes, len, err);
	if (st != WS_OK) {
		ws_model_free(m);
		return st;
	}
	*out = m;
	return WS_OK;
}

void ws_model_free(ws_model *model)
{
	if (!model)
		return;
	ws_allocator a = model->allocator;
	ws_linear_free(&model->pos, &a);
	ws_linear_free(&model->ner, &a);
	ws_linear_free(&model->dep, &a);
	ws_linear_free(&model->attr, &a);
	ws_encoder_free(&model->encoder, &a);
	ws_mem_release(&a, model->meta);
	ws_mem_release(&a, model->cue_slots);
	ws_mem_release(&a, model);
}

const char *ws_model_name(const ws_model *model)
{
	return model ? model->name : "";
}
