/*
 * model.h — the model handle the stages read: the cue lexicon every model
 * has, and the learned stages' weights when it was loaded from a file.
 *
 * A model is never written after it is opened, which is why any number of
 * threads may analyse with one model at once.
 */
#ifndef WS_MODEL_H
#define WS_MODEL_H

#include "base/base.h"
#include "model/features.h"

struct ws_model {
	ws_allocator allocator;
	char name[32];
	int32_t *cue_slots;     /* hash table over the cue lexicon, -1 = empty */
	size_t cue_mask;
	/* a learned model (model.c): taggers and the attribution labeller */
	bool learned;
	ws_linear pos, ner, dep, attr;
	/* the neural labeller ("NEUR", encoder.c); when present it labels
	 * in place of attr */
	ws_encoder encoder;
	ws_parse_actions dep_actions;
	char *meta;             /* the model's description, JSON */
};

/* Where a model named name is looked for: the path as given when it holds
 * a slash, else name.wsm in $WHOSAID_MODEL_DIR or the folder compiled in. */
void ws_model_path(const char *name, char *out, size_t cap);

/* Fill a new model from the bytes of a model file (model.c). */
ws_status ws_model_load_memory(ws_model *m, const unsigned char *bytes, size_t len, ws_error *err);

/* The cue lexicon (cues.c). */
ws_status ws_cues_build(ws_model *model);
/* Probability that the word text[0..n), whose ws_word_hash is hash, is a cue. */
double ws_cue_probability(const ws_model *model, const char *word, size_t n, uint32_t hash);

#endif /* WS_MODEL_H */
