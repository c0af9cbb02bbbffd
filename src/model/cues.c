/*
 * cues.c — the cue lexicon: how likely a word is to report speech.
 *
 * The table in cue_lexicon.inc was counted on PolNeAR's train split by
 * tools/build_cue_lexicon.py: for each word form, how often annotators
 * marked it as (part of) a cue, and how often it occurs at all.  Their
 * ratio is the word's cue probability: "said" 0.92, "according" 0.93,
 * "called" 0.57, "the" 0.01.  The attributor decides by threshold.
 *
 * The model builds an open-addressing hash table over the lexicon once,
 * when it is opened; lookups then cost one hash probe and one string
 * comparison, and the table is never written again, so threads share it.
 */
#include "model/model.h"

#include <string.h>

typedef struct lexicon_entry {
	const char *word;
	unsigned in_cue;
	unsigned total;
} lexicon_entry;

static const lexicon_entry lexicon[] = {
#include "cue_lexicon.inc"
};

#define LEXICON_SIZE (sizeof lexicon / sizeof lexicon[0])

ws_status ws_cues_build(ws_model *model)
{
	size_t slots = 1;
	while (slots < LEXICON_SIZE * 2)
		slots *= 2;
	model->cue_slots = ws_mem_alloc(&model->allocator, slots * sizeof *model->cue_slots);
	if (!model->cue_slots)
		return WS_ERR_NOMEM;
	for (size_t i = 0; i < slots; i++)
		model->cue_slots[i] = -1;
	model->cue_mask = slots - 1;
	for (size_t i = 0; i < LEXICON_SIZE; i++) {
		uint32_t h = ws_word_hash(lexicon[i].word, strlen(lexicon[i].word));
		size_t s = h & model->cue_mask;
		while (model->cue_slots[s] >= 0)
			s = (s + 1) & model->cue_mask;
		model->cue_slots[s] = (int32_t)i;
	}
	return WS_OK;
}

/* Compare a lexicon word with text, ignoring ASCII case and reading the
 * typographic apostrophe ’ as '. */
static bool same_word(const char *lex, const char *s, size_t n)
{
	size_t i = 0, j = 0;
	while (lex[i] && j < n) {
		unsigned char c = (unsigned char)s[j];
		if (c == 0xE2 && j + 2 < n && (unsigned char)s[j + 1] == 0x80 && (unsigned char)s[j + 2] == 0x99) {
			if (lex[i] != '\'')
				return false;
			i++, j += 3;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if ((unsigned char)lex[i] != c)
			return false;
		i++, j++;
	}
	return !lex[i] && j == n;
}

double ws_cue_probability(const ws_model *model, const char *word, size_t n, uint32_t hash)
{
	for (size_t s = hash & model->cue_mask;; s = (s + 1) & model->cue_mask) {
		int32_t i = model->cue_slots[s];
		if (i < 0)
			return 0.0;
		if (same_word(lexicon[i].word, word, n))
			return (double)lexicon[i].in_cue / ((double)lexicon[i].total + 2.0);
	}
}
