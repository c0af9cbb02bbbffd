/*
 * document.h — the document: what every stage reads and writes, never
 * installed.
 *
 * A ws_doc holds the sanitised text and everything found in it, in the
 * order the stages add it: tokens, quotations, sentences and paragraphs,
 * tags and the dependency tree, attributions with their content
 * fragments, entities with their mentions, and warnings.  Its arrays grow
 * through the caller's allocator and keep their capacity from one
 * document to the next, so a stream of documents stops allocating once
 * the largest has been seen.
 *
 * It sits below the stages (stages/stages.h) and above the model
 * machinery, whose working memory it holds, and the base.
 */
#ifndef WS_DOCUMENT_H
#define WS_DOCUMENT_H

#include "base/base.h"
#include "model/features.h"

#define WS_PUSH(doc, arr, count, cap) \
	((count) < (cap) || ws_grow(&(doc)->allocator, (void **)&(arr), &(cap), (count) + 1, sizeof *(arr)))

/* ------------------------------------------------------------- tokens */

enum ws_token_kind {
	WS_TOK_WORD,        /* letters, digits, inner apostrophes and hyphens */
	WS_TOK_NUMBER,      /* starts with a digit */
	WS_TOK_PUNCT,       /* any other single character */
	WS_TOK_QUOTE        /* a quotation mark, or a ' that is not an apostrophe */
};

enum ws_token_flag {
	WS_TF_CAPITALIZED = 1 << 0,  /* first letter is upper case */
	WS_TF_ALLCAPS     = 1 << 1,
	WS_TF_PARA_START  = 1 << 2,  /* first token of a paragraph */
	WS_TF_SENT_START  = 1 << 3,  /* first token of a sentence */
	WS_TF_QUOTE_OPEN  = 1 << 4,  /* a quotation mark that opens */
	WS_TF_QUOTE_CLOSE = 1 << 5,  /* a quotation mark that closes */
	WS_TF_ABBREV      = 1 << 6,  /* a word that ends in a period of its own */
	WS_TF_SPACE_AFTER = 1 << 7,  /* whitespace follows */
	WS_TF_NEWLINE_BEFORE = 1 << 8
};

typedef struct ws_token {
	size_t start, end;      /* bytes, end exclusive */
	uint16_t kind;
	uint16_t flags;
	int32_t quote;          /* innermost quoted span holding it, or -1 */
	int32_t sentence;
	uint32_t word;          /* hash of the lower-cased word, 0 for punctuation */
} ws_token;

typedef struct ws_sentence {
	size_t first, last;     /* token indices, last exclusive */
	int32_t paragraph;
} ws_sentence;

/* A quotation: the tokens from its opening mark to its closing mark
 * (inclusive).  A news-style quote that runs over paragraphs is one
 * quotation per paragraph, linked by continues. */
typedef struct ws_quote {
	size_t open, close;     /* token indices of the marks; close is the last token when unclosed */
	int32_t parent;         /* enclosing quotation, or -1 */
	int32_t continues;      /* the quotation of the previous paragraph it continues, or -1 */
	bool closed;
	bool words;             /* holds a finite verb-like or several words: speech, not a scare-quoted term */
} ws_quote;

/* ---------------------------------------------------------- document */

typedef struct ws_attr_work {
	ws_attribution pub;
	size_t content_first;   /* index into doc->fragments */
	size_t sort_key;        /* start of the first content fragment */
	int32_t sentence;
} ws_attr_work;

typedef struct ws_entity_work {
	ws_entity pub;
	size_t name_off, role_off;   /* into doc->strings */
	size_t mention_first;        /* index into doc->mentions */
	uint32_t last_word;          /* hash of the name's last word */
	int32_t cand;                /* 6_speakers.c: the article's name it is, -2 a campaign
	                                * named after one, or -1 */
} ws_entity_work;

struct ws_doc {
	ws_allocator allocator;

	char *text;             /* the sanitised copy of the input */
	size_t len, text_cap;
	uint32_t *cp_blocks;    /* code points before each 64-byte block */
	size_t cp_blocks_cap;

	ws_token *tokens;
	size_t ntokens, tokens_cap;
	ws_sentence *sentences;
	size_t nsentences, sentences_cap;
	size_t nparagraphs;
	ws_quote *quotes;
	size_t nquotes, quotes_cap;

	ws_attr_work *attrs;
	size_t nattrs, attrs_cap;
	ws_span *fragments;
	size_t nfragments, fragments_cap;

	ws_entity_work *entities;
	size_t nentities, entities_cap;
	ws_span *mentions;
	size_t nmentions, mentions_cap;
	char *strings;          /* entity names and roles, NUL-separated */
	size_t strings_len, strings_cap;

	ws_diagnostic *warnings;
	size_t nwarnings, warnings_cap;
	char *warning_text;
	size_t warning_text_len, warning_text_cap;

	/* part of speech and name labels per token (3_tagging.c) */
	bool tagged;            /* pos, ner, head and rel hold this document's */
	uint8_t *pos, *ner;
	size_t pos_cap, ner_cap;
	/* the dependency tree over tokens (3_tagging.c): each token's head
	 * token (-1 for a root) and relation */
	int32_t *head;
	uint8_t *rel;
	size_t head_cap, rel_cap;
	/* what the labeller reads per token (5_labeller.c): the rules' role and
	 * how likely the word is a cue */
	uint8_t *rule_role, *cue_level;
	size_t rule_role_cap, cue_level_cap;

	/* scratch arrays for the stages */
	int32_t *scratch;
	size_t scratch_cap;
	ws_scratch seq;         /* for the learned stages */

	/* Nanoseconds spent per stage, over the object's life: never reset.
	 * Rendering reads a const document yet counts its time, so the
	 * counters are reached through a pointer (to stage_ns_store). */
	uint64_t *stage_ns;
	uint64_t stage_ns_store[WS_STAGE_COUNT];
};

/* The monotonic clock, in nanoseconds. */
uint64_t ws_clock_ns(void);

/* Add the time since `since` to a stage's counter; returns the clock's
 * reading, so that consecutive stages chain: t = ws_doc_count(doc, A, t). */
static inline uint64_t ws_doc_count(const ws_doc *doc, ws_stage stage, uint64_t since)
{
	uint64_t now = ws_clock_ns();
	doc->stage_ns[stage] += now - since;
	return now;
}

/* Empty the document for the next analysis, keeping its memory. */
void ws_doc_reset(ws_doc *doc);
/* Point the public structures into the arrays, once no array moves again. */
void ws_doc_publish(ws_doc *doc);

ws_status ws_doc_warn(ws_doc *doc, size_t position, const char *message);

/* Add an attribution (content fragments in text order; empty ones are
 * skipped, and one without content is not added), then, once all are in,
 * set their types and put them in text order.  Both the rules and the
 * labeller add theirs this way. */
ws_status ws_attribution_push(ws_doc *doc, ws_span source, ws_span cue, ws_span addressee, const ws_span *content,
			      size_t ncontent, int32_t sentence, double confidence);
void ws_attributions_order(ws_doc *doc);
/* Direct when every word of its content is quoted, mixed when some are,
 * else indirect. */
ws_attribution_type ws_attribution_type_of(const ws_doc *doc, const ws_attr_work *w);

/* Index of the first token that starts at or after byte offset pos. */
size_t ws_token_at(const ws_doc *doc, size_t pos);

#endif /* WS_DOCUMENT_H */
