/*
 * internal.h — what the stages of the pipeline share, never installed.
 *
 * The pipeline, one file per stage:
 *
 *   text.c         bytes -> clean text, tokens, sentences, paragraphs
 *   quotes.c       quotation marks -> quoted spans (nested, multi-paragraph)
 *   cues.c         the cue lexicon: which words and phrases report speech
 *   taggers.c      tokens -> part of speech, names and a dependency tree
 *                  (learned models; parser.c parses)
 *   attribution.c  cues + quotes + clause structure -> attributions (rules)
 *   roles.c        tokens -> source, cue, content labels -> attributions
 *                  (learned; reads everything above, the rules' findings too)
 *   speakers.c     sources -> entities (names, roles, kinds, coreference)
 *   output.c       results -> JSON, JSON Lines, text, brat, TSV
 *   doc.c          the document object that owns all of the above
 *   model.c        model handles
 *
 * Every stage writes into the ws_doc.  Its arrays grow with the allocator
 * hooks and keep their capacity from one document to the next, so a stream
 * of documents stops allocating once the largest has been seen.
 */
#ifndef WS_INTERNAL_H
#define WS_INTERNAL_H

#include "whosaid.h"

#include <stdint.h>
#include <stdbool.h>

#define WS_SUBSTITUTE 0x1A /* stands in for an invalid byte or NUL */

/* ------------------------------------------------------------- memory */

/* The caller's allocator, the one built on malloc for NULL, or NULL when
 * the caller's lacks one of its three functions. */
const ws_allocator *ws_allocator_or_default(const ws_allocator *a);
void *ws_mem_alloc(const ws_allocator *a, size_t size);
void *ws_mem_resize(const ws_allocator *a, void *ptr, size_t size);
void ws_mem_release(const ws_allocator *a, void *ptr);

/* Grow *items (of elem bytes each) to hold at least need; false on
 * overflow or out of memory, leaving *items untouched. */
bool ws_grow(const ws_allocator *a, void **items, size_t *cap, size_t need, size_t elem);

#define WS_PUSH(doc, arr, count, cap) \
	((count) < (cap) || ws_grow(&(doc)->allocator, (void **)&(arr), &(cap), (count) + 1, sizeof *(arr)))

/* The learned stages' model and feature types, which the document and the
 * model below hold. */
#include "features.h"

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

	/* part of speech and name labels per token (taggers.c) */
	bool tagged;            /* pos, ner, head and rel hold this document's */
	uint8_t *pos, *ner;
	size_t pos_cap, ner_cap;
	/* the dependency tree over tokens (taggers.c): each token's head
	 * token (-1 for a root) and relation */
	int32_t *head;
	uint8_t *rel;
	size_t head_cap, rel_cap;
	/* what the labeller reads per token (roles.c): the rules' role and
	 * how likely the word is a cue */
	uint8_t *rule_role, *cue_level;
	size_t rule_role_cap, cue_level_cap;

	/* scratch arrays for the stages */
	int32_t *scratch;
	size_t scratch_cap;
	ws_scratch seq;         /* for the learned stages */
};

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

/* --------------------------------------------------------------- stages */

ws_status ws_text_prepare(ws_doc *doc, const char *input, size_t len);
ws_status ws_text_tokenize(ws_doc *doc);
ws_status ws_text_segment(ws_doc *doc);
ws_status ws_quotes_find(ws_doc *doc);
ws_status ws_tag_document(ws_doc *doc, const ws_model *model);
ws_status ws_attributions_find(ws_doc *doc, const ws_model *model);
ws_status ws_roles_label(ws_doc *doc, const ws_model *model);
ws_status ws_speakers_resolve(ws_doc *doc);

/* The stages up to and including the rules' attributions: what the
 * learned labeller reads (doc.c). */
ws_status ws_doc_prepare(ws_doc *doc, const ws_model *model, const char *text, size_t len);

/* Add an attribution (content fragments in text order; empty ones are
 * skipped, and one without content is not added), then, once all are in,
 * set their types and put them in text order (attribution.c). */
ws_status ws_attribution_push(ws_doc *doc, ws_span source, ws_span cue, ws_span addressee, const ws_span *content,
			      size_t ncontent, int32_t sentence, double confidence);
void ws_attributions_order(ws_doc *doc);

/* Where a model named name is looked for: the path as given when it holds
 * a slash, else name.wsm in $WHOSAID_MODEL_DIR or the folder compiled in. */
void ws_model_path(const char *name, char *out, size_t cap);

/* Fill a new model from the bytes of a model file (model.c). */
ws_status ws_model_load_memory(ws_model *m, const unsigned char *bytes, size_t len, ws_error *err);

/* The cue lexicon (cues.c). */
ws_status ws_cues_build(ws_model *model);
/* Probability that the word text[0..n), whose ws_word_hash is hash, is a cue. */
double ws_cue_probability(const ws_model *model, const char *word, size_t n, uint32_t hash);

ws_status ws_doc_warn(ws_doc *doc, size_t position, const char *message);

/* Is w[0..n) one of the lower-case words of the NULL-ended list, ignoring
 * ASCII case? */
bool ws_word_listed(const char *w, size_t n, const char *const *list);

/* Index of the first token that starts at or after byte offset pos. */
size_t ws_token_at(const ws_doc *doc, size_t pos);

/* FNV-1a of a word with ASCII letters lower-cased and ’ read as '. */
uint32_t ws_word_hash(const char *s, size_t n);

#endif /* WS_INTERNAL_H */
