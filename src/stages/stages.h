/*
 * stages.h — the entry point of each stage of the pipeline, in the order
 * pipeline.c runs them, and what the trainer reuses of the learned
 * stages so that it computes exactly the features they compute.
 *
 * Every stage reads and writes the document (document/document.h) and
 * reads the model (model/model.h).  A stage never calls another stage:
 * what one leaves for the next is in the document.  The two files of
 * stage 3 are one stage (the tagger parses each sentence it tags).
 */
#ifndef WS_STAGES_H
#define WS_STAGES_H

#include "document/document.h"
#include "model/model.h"

/* 1 (1_tokenize.c): the sanitised copy of the input, its tokens, and,
 * once the quotes are known, its sentences and paragraphs. */
ws_status ws_text_prepare(ws_doc *doc, const char *input, size_t len);
ws_status ws_text_tokenize(ws_doc *doc);
ws_status ws_text_segment(ws_doc *doc);

/* 2 (2_quotes.c): the quotations, nested and across paragraphs. */
ws_status ws_quotes_find(ws_doc *doc);

/* 3 (3_tagging.c, 3_parsing.c): part of speech, names and the dependency
 * tree of every token, with a learned model; nothing with rules. */
ws_status ws_tag_document(ws_doc *doc, const ws_model *model);

/* The features of every word of a sentence, from its atoms
 * (ws_words_atoms); word t's are features[offsets[t]..offsets[t+1]).
 * Returns the total. */
size_t ws_sentence_features(ws_tagger_kind kind, const ws_word *words, size_t n, const ws_atoms *atoms,
			    uint64_t *features, uint32_t *offsets);
/* Features, then the best labels, for one sentence of words whose atoms
 * are in s->atoms; cache (ws_word_cache_ready for m) or NULL. */
void ws_tag_words(const ws_linear *m, ws_tagger_kind kind, ws_word *words, size_t n, ws_scratch *s,
		  ws_word_cache *cache, uint8_t *out);

/* A parse in progress over n words; the arrays hold n each. */
typedef struct ws_parse_state {
	int32_t *stack;
	size_t depth, next;       /* stack size; first word of the buffer */
	int32_t *head;            /* -1: none (yet), or the root */
	uint8_t *rel;
	int32_t *leftmost, *rightmost; /* outermost dependents so far, or -1 */
	int32_t *children;
} ws_parse_state;

void ws_parse_start(ws_parse_state *st, size_t n);
bool ws_parse_valid(const ws_parse_state *st, size_t n, const ws_parse_actions *actions, uint32_t action);
void ws_parse_apply(ws_parse_state *st, const ws_parse_actions *actions, uint32_t action);
/* Features of a state (at most WS_MAX_FEATURES); atoms are the words'. */
size_t ws_parse_features(const ws_parse_state *st, const ws_word *words, const ws_atoms *atoms, size_t n,
			 uint64_t *out);
/* Parse a tagged sentence, its words' atoms given: st->head and st->rel
 * get the tree. */
void ws_parse_sentence(const ws_linear *m, const ws_parse_actions *actions, const ws_word *words, size_t n,
		       const ws_atoms *atoms, uint64_t *features, float *scores, ws_parse_state *st);
/* Point st at s's parse arrays, with room for n words. */
bool ws_parse_reserve(ws_scratch *s, const ws_allocator *a, size_t n, ws_parse_state *st);

/* 4 (4_rules.c): attributions by the rules, from the cue lexicon, the
 * quotations and the clause structure. */
ws_status ws_attributions_find(ws_doc *doc, const ws_model *model);

/* 5 (5_labeller.c): the learned labeller's attributions in place of the
 * rules', with a learned model. */
ws_status ws_roles_label(ws_doc *doc, const ws_model *model);

/* Per-token evidence for the labeller, once the rules have run. */
ws_status ws_roles_prepare(ws_doc *doc, const ws_model *model);
/* The end of the sequence that starts at token first: its paragraph, or
 * a window of it when very long. */
size_t ws_roles_window_end(const ws_doc *doc, size_t first);
/* Room in s for labelling any window. */
bool ws_roles_reserve(ws_doc *doc, ws_scratch *s);
/* The features of tokens first..last, as ws_sentence_features() does. */
size_t ws_roles_features(ws_doc *doc, size_t first, size_t last, ws_scratch *s, uint64_t *features,
			 uint32_t *offsets);
/* The neural labeller's inputs of tokens first..last (model/encoder.h),
 * from the same evidence as ws_roles_features(). */
void ws_roles_inputs(ws_doc *doc, size_t first, size_t last, ws_scratch *s, ws_enc_input *out);

/* 6 (6_speakers.c): each attribution's speaker, and the entities. */
ws_status ws_speakers_resolve(ws_doc *doc);

/* The pronoun ranker's training rows (train/dump/speaker_features.c): for
 * each he/she/him/her/his of an analysed document, each candidate person
 * with its features, and the code point spans of its mentions before the
 * pronoun, for aligning with coreference chains.  Its weights are in
 * 6_speakers_ranker.h. */
#define WS_RANK_FEATURES 17
typedef void ws_rank_row_fn(void *ctx, size_t pronoun_start, size_t pronoun_end, long cand,
			    const double *features, const size_t *spans, size_t nspans);
ws_status ws_speakers_rank_rows(ws_doc *doc, ws_rank_row_fn *row, void *ctx);

/* 7 (7_output.c) renders a finished document through the public API
 * only (whosaid.h), so it declares nothing here. */

#endif /* WS_STAGES_H */
