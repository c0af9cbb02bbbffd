/*
 * 3_tagging.c — part of speech, names and a dependency tree for every token
 * of a document.
 *
 * The taggers and the parser were trained on Penn Treebank tokens, where
 * "Trump's" is two words; whosaid's tokenizer keeps it whole.  So each
 * sentence is first re-cut into tagger words (a clitic becomes its own
 * word), tagged and parsed (3_parsing.c), and every token then takes the
 * tags and the head of its first word.
 */
#include "stages/stages.h"

#include <string.h>

/* A sentence longer than this many tokens is tagged in windows of this
 * size, so that memory stays bounded on text without punctuation; real
 * sentences are far shorter. */
#define WS_TAG_WINDOW 256

/* A word at least this likely to be a cue makes its sentence worth a
 * parse (about six sentences in ten of news). */
#define WS_PARSE_CUE_PROBABILITY 0.25

size_t ws_sentence_features(ws_tagger_kind kind, const ws_word *words, size_t n, const ws_atoms *atoms,
			    uint64_t *features, uint32_t *offsets)
{
	size_t k = 0;
	for (size_t t = 0; t < n; t++) {
		offsets[t] = (uint32_t)k;
		k += kind == WS_TAGGER_POS ? ws_pos_features(atoms, n, t, features + k)
					   : ws_ner_features(atoms, words, n, t, features + k);
	}
	offsets[n] = (uint32_t)k;
	return k;
}

void ws_tag_words(const ws_linear *m, ws_tagger_kind kind, ws_word *words, size_t n, ws_scratch *s,
		  ws_word_cache *cache, uint8_t *out)
{
	ws_sentence_features(kind, words, n, s->atoms, s->features, s->offsets);
	ws_tag_decode(m, s->atoms, n, cache, s, out);
}

/* The tagger words of a sentence's tokens: at most two per token. */
static size_t cut_words(const ws_doc *doc, const ws_sentence *sent, ws_word *words)
{
	size_t n = 0;
	for (size_t i = sent->first; i < sent->last; i++) {
		const ws_token *tok = &doc->tokens[i];
		const char *text = doc->text + tok->start;
		size_t len = tok->end - tok->start;
		size_t split = tok->kind == WS_TOK_WORD ? ws_clitic_split(text, len) : 0;
		if (split) {
			words[n++] = (ws_word){text, (uint32_t)split, (uint32_t)i, 0};
			words[n++] = (ws_word){text + split, (uint32_t)(len - split), (uint32_t)i, 0};
		} else
			words[n++] = (ws_word){text, (uint32_t)(len < UINT32_MAX ? len : UINT32_MAX), (uint32_t)i, 0};
	}
	return n;
}

/* The tree matters to the labeller around cues (what hangs from a
 * speech verb), and parsing is the costliest stage: a sentence without a
 * word that may be a cue, and without a quotation mark, is left unparsed.
 * Training reads documents through this same code, so the labeller learns
 * what an unparsed sentence looks like. */
static bool worth_parsing(const ws_doc *doc, const ws_model *model, const ws_sentence *window)
{
	for (size_t i = window->first; i < window->last; i++) {
		const ws_token *t = &doc->tokens[i];
		if (t->kind == WS_TOK_QUOTE ||
		    (t->kind == WS_TOK_WORD &&
		     ws_cue_probability(model, doc->text + t->start, t->end - t->start, t->word) >= WS_PARSE_CUE_PROBABILITY))
			return true;
	}
	return false;
}

/* Tag the tokens of one window (a sentence, or part of a long one). */
static void tag_window(ws_doc *doc, const ws_model *model, const ws_sentence *window)
{
	ws_scratch *s = &doc->seq;
	ws_word *words = s->words;
	uint64_t clock = ws_clock_ns();
	size_t n = cut_words(doc, window, words);
	ws_words_atoms(words, n, s->atoms);
	ws_tag_words(&model->pos, WS_TAGGER_POS, words, n, s, &s->word_cache[WS_TAGGER_POS], s->labels);
	for (size_t t = 0; t < n; t++)
		words[t].pos = s->labels[t];
	clock = ws_doc_count(doc, WS_STAGE_POS, clock);
	ws_tag_words(&model->ner, WS_TAGGER_NER, words, n, s, &s->word_cache[WS_TAGGER_NER], s->labels);
	clock = ws_doc_count(doc, WS_STAGE_NAMES, clock);
	ws_parse_state parse;
	float scores[WS_MAX_LABELS];
	ws_parse_reserve(s, &doc->allocator, 2 * WS_TAG_WINDOW, &parse); /* reserved by the caller */
	if (worth_parsing(doc, model, window))
		ws_parse_sentence(&model->dep, &model->dep_actions, words, n, s->atoms, s->features, scores, &parse);
	else
		ws_parse_start(&parse, n);
	/* Walk backwards so that each token keeps its first word's tags; a
	 * token's head is the token of its first word's head, unless that is
	 * the token itself (a clitic's host). */
	for (size_t t = n; t-- > 0;) {
		uint32_t tok = words[t].token;
		int32_t h = parse.head[t];
		doc->pos[tok] = words[t].pos;
		doc->ner[tok] = s->labels[t];
		doc->head[tok] = h >= 0 && words[h].token != tok ? (int32_t)words[h].token : -1;
		doc->rel[tok] = parse.rel[t];
	}
	ws_doc_count(doc, WS_STAGE_PARSE, clock);
}

ws_status ws_tag_document(ws_doc *doc, const ws_model *model)
{
	if (!model->learned)
		return WS_OK; /* the rules need neither */
	uint32_t labels = model->pos.labels.count > WS_NER_LABELS ? model->pos.labels.count : WS_NER_LABELS;
	ws_parse_state parse;
	if (!ws_grow(&doc->allocator, (void **)&doc->pos, &doc->pos_cap, doc->ntokens, 1) ||
	    !ws_grow(&doc->allocator, (void **)&doc->ner, &doc->ner_cap, doc->ntokens, 1) ||
	    !ws_grow(&doc->allocator, (void **)&doc->head, &doc->head_cap, doc->ntokens, sizeof *doc->head) ||
	    !ws_grow(&doc->allocator, (void **)&doc->rel, &doc->rel_cap, doc->ntokens, 1) ||
	    !ws_scratch_reserve(&doc->seq, &doc->allocator, 2 * WS_TAG_WINDOW, labels, 0) ||
	    !ws_parse_reserve(&doc->seq, &doc->allocator, 2 * WS_TAG_WINDOW, &parse) ||
	    !ws_word_cache_ready(&doc->seq.word_cache[WS_TAGGER_POS], &doc->allocator, &model->pos) ||
	    !ws_word_cache_ready(&doc->seq.word_cache[WS_TAGGER_NER], &doc->allocator, &model->ner))
		return WS_ERR_NOMEM;
	doc->tagged = true;
	for (size_t si = 0; si < doc->nsentences; si++) {
		const ws_sentence *sent = &doc->sentences[si];
		for (size_t from = sent->first; from < sent->last; from += WS_TAG_WINDOW) {
			size_t to = sent->last - from > WS_TAG_WINDOW ? from + WS_TAG_WINDOW : sent->last;
			ws_sentence window = {from, to, sent->paragraph};
			tag_window(doc, model, &window);
		}
	}
	return WS_OK;
}
