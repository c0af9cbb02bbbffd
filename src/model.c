/*
 * model.c — model handles.
 *
 * The built-in "rules" model needs no file: its cue lexicon is compiled
 * into the library (cues.c).  Learned models load from files behind the
 * same handle, so callers never change when a better model ships.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

ws_status ws_model_open(const char *name, const ws_allocator *allocator, ws_model **out,
			ws_error *err)
{
	if (!out)
		return WS_ERR_ARGUMENT;
	*out = NULL;
	if (!name)
		name = "rules";
	if (strcmp(name, "rules") != 0) {
		if (err) {
			err->code = WS_ERR_MODEL;
			err->position = 0;
			snprintf(err->message, sizeof err->message,
				 "unknown model '%.200s' (available: rules)", name);
		}
		return WS_ERR_MODEL;
	}
	const ws_allocator *chosen = ws_allocator_or_default(allocator);
	if (!chosen)
		return WS_ERR_ARGUMENT;
	const ws_allocator a = *chosen;
	ws_model *m = ws_mem_alloc(&a, sizeof *m);
	if (!m)
		return WS_ERR_NOMEM;
	memset(m, 0, sizeof *m);
	m->allocator = a;
	strcpy(m->name, "rules");
	ws_status st = ws_cues_build(m);
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
	ws_mem_release(&a, model->cue_slots);
	ws_mem_release(&a, model);
}

const char *ws_model_name(const ws_model *model)
{
	return model ? model->name : "";
}
