/*
 * whosaid.h — the one public header of libwhosaid.
 *
 * whosaid reads a news article and reports every attribution in it: who
 * (source) said (cue) what (content), to whom (addressee), with the speaker
 * resolved to a named person or organization of the article.
 *
 * The life of a caller:
 *
 *     ws_model *model;  ws_doc *doc;  ws_error err;
 *     ws_model_open("rules", NULL, &model, &err);   once, shared by threads
 *     ws_doc_new(NULL, &doc);                        one per thread
 *     ws_doc_analyze(doc, model, text, len, &err);   any number of times
 *     ... ws_doc_attribution(doc, i), ws_doc_entity(doc, i) ...
 *     ws_doc_free(doc);  ws_model_free(model);
 *
 * Threads: a ws_model is immutable after ws_model_open() and may be used by
 * any number of threads at once.  A ws_doc belongs to one thread at a time.
 * The library keeps no global mutable state, never prints, never exits and
 * never aborts: every failure is a ws_status, with a message in ws_error
 * when the caller passes one.
 *
 * Offsets: every ws_span holds byte offsets into the text given to
 * ws_doc_analyze(), end exclusive.  ws_doc_codepoint_offset() converts them
 * to Unicode code points, the unit of brat, Python and JavaScript.  Invalid
 * UTF-8 bytes count one code point each (each is shown as U+FFFD).
 */
#ifndef WHOSAID_H
#define WHOSAID_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(WS_BUILDING_LIBRARY) && defined(__GNUC__)
#define WS_API __attribute__((visibility("default")))
#else
#define WS_API
#endif

#define WS_VERSION "0.1.0"
/* Version of the JSON output schema documented in docs/schema.md. */
#define WS_SCHEMA_VERSION 1
/* Largest document ws_doc_analyze() accepts, in bytes. */
#define WS_MAX_DOCUMENT_BYTES ((size_t)64 << 20)

typedef enum ws_status {
	WS_OK = 0,
	WS_ERR_NOMEM,        /* an allocation failed; nothing was leaked */
	WS_ERR_ARGUMENT,     /* a NULL pointer or out-of-range argument */
	WS_ERR_TOO_LARGE,    /* the input exceeds a documented limit */
	WS_ERR_MODEL,        /* the model is unknown, corrupt or mismatched */
	WS_ERR_IO            /* reading or writing a file failed */
} ws_status;

/* Details of a failure.  position is a byte offset into the input the
 * failing call was reading, or 0 when no position applies. */
typedef struct ws_error {
	ws_status code;
	size_t position;
	char message[256];
} ws_error;

/* A short constant name for a status ("out of memory", ...).  Never NULL. */
WS_API const char *ws_status_message(ws_status status);

/* Allocation hooks.  Every allocation of a model or document goes through
 * them, so that tests can make any one of them fail.  NULL means malloc,
 * realloc and free.  The functions must be thread-safe when the model
 * or documents using them are used from several threads. */
typedef struct ws_allocator {
	void *(*alloc)(void *ctx, size_t size);
	void *(*resize)(void *ctx, void *ptr, size_t size);
	void (*release)(void *ctx, void *ptr);
	void *ctx;
} ws_allocator;

/* ---------------------------------------------------------------- models */

typedef struct ws_model ws_model;

/* The model used when none is named: the learned news model. */
#define WS_DEFAULT_MODEL "news"

/* Open a model.  name is "rules" (the built-in rule-based attributor, no
 * file needed), the name of a shipped learned model such as "news" (read
 * from NAME.wsm in $WHOSAID_MODEL_DIR, else in the folder the library was
 * built with), a path to a model file (any name holding a '/'), or NULL
 * for WS_DEFAULT_MODEL.  A model file is checked completely before use: a
 * damaged, truncated or incompatible file is refused with WS_ERR_MODEL.
 * On success *out owns the model, to be released with ws_model_free(); on
 * failure *out is NULL and err (if not NULL) says why. */
WS_API ws_status ws_model_open(const char *name, const ws_allocator *allocator,
			       ws_model **out, ws_error *err);

/* Open a learned model from the bytes of a model file, checked the same
 * way.  The model keeps no reference to bytes. */
WS_API ws_status ws_model_open_memory(const void *bytes, size_t len, const ws_allocator *allocator,
				      ws_model **out, ws_error *err);

/* Release a model.  NULL is a no-op.  No document may still be using it. */
WS_API void ws_model_free(ws_model *model);

/* The model's name, e.g. "rules".  Owned by the model. */
WS_API const char *ws_model_name(const ws_model *model);

/* ------------------------------------------------------------- documents */

typedef struct ws_doc ws_doc;

/* Create an empty document.  It owns an arena that is reused by every
 * analysis, so a steady stream of documents stops allocating after the
 * first few.  Returns WS_ERR_NOMEM or WS_ERR_ARGUMENT on failure. */
WS_API ws_status ws_doc_new(const ws_allocator *allocator, ws_doc **out);

/* Release a document and everything it returned.  NULL is a no-op. */
WS_API void ws_doc_free(ws_doc *doc);

/* Analyse text[0..len) (UTF-8, no NUL terminator needed; a byte order mark,
 * CRLF line ends, NUL bytes and invalid sequences are accepted).  Results
 * from an earlier analysis of the same document are discarded first.  The
 * document keeps its own copy of the text.  On failure the document holds
 * no results and err says why; the document stays usable. */
WS_API ws_status ws_doc_analyze(ws_doc *doc, const ws_model *model,
				const char *text, size_t len, ws_error *err);

/* Where analysis spends its time.  Each document object counts, over every
 * analysis and rendering it has done, the nanoseconds of the monotonic
 * clock spent in each stage: the measure `whosaid --stage-times` and
 * `make bench` print.  On a thread that has a core to itself, that is the
 * stage's CPU time.  Counting costs a few clock reads per sentence. */
typedef enum ws_stage {
	WS_STAGE_TOKENIZE,        /* cleaning the text, cutting it into tokens */
	WS_STAGE_QUOTES,          /* quotation marks -> quoted spans */
	WS_STAGE_SEGMENT,         /* sentences and paragraphs */
	WS_STAGE_POS,             /* the part-of-speech tagger */
	WS_STAGE_NAMES,           /* the name tagger */
	WS_STAGE_PARSE,           /* the dependency parser */
	WS_STAGE_RULES,           /* the rule-based attributor */
	WS_STAGE_LABELLER,        /* the learned labeller (encoder, decoding) */
	WS_STAGE_LINKING,         /* labels -> attributions */
	WS_STAGE_SPEAKERS,        /* sources -> people and organizations */
	WS_STAGE_RENDER,          /* ws_doc_render() */
	WS_STAGE_COUNT
} ws_stage;

/* The stage's name ("tokenize", "pos", ...), or NULL past the last. */
WS_API const char *ws_stage_name(ws_stage stage);

/* Nanoseconds the document object has spent in a stage since it was made;
 * 0 for a stage past the last. */
WS_API uint64_t ws_doc_stage_nanoseconds(const ws_doc *doc, ws_stage stage);

/* A half-open byte range of the analysed text; start == end means absent. */
typedef struct ws_span {
	size_t start;
	size_t end;
} ws_span;

typedef enum ws_attribution_type {
	WS_ATTRIBUTION_DIRECT,    /* the content is entirely quoted */
	WS_ATTRIBUTION_MIXED,     /* paraphrase with quoted words in it */
	WS_ATTRIBUTION_INDIRECT   /* reported speech, no quotation marks */
} ws_attribution_type;

typedef enum ws_entity_kind {
	WS_ENTITY_UNKNOWN,
	WS_ENTITY_PERSON,
	WS_ENTITY_ORGANIZATION,
	WS_ENTITY_GROUP           /* an unnamed plural: "officials", "aides" */
} ws_entity_kind;

/* A person's gender as the article shows it: the pronouns that refer to
 * them, an honorific (Mr., Ms.), a gendered noun (congresswoman), a common
 * first name.  Unknown without such evidence, and for anything not a
 * person. */
typedef enum ws_gender {
	WS_GENDER_UNKNOWN,
	WS_GENDER_FEMALE,
	WS_GENDER_MALE
} ws_gender;

typedef struct ws_attribution {
	ws_attribution_type type;
	ws_span source;           /* as written: "she", "the ministry" */
	ws_span cue;              /* "said", "according to", "told" */
	ws_span addressee;        /* "reporters" in "told reporters" */
	const ws_span *content;   /* one fragment, or more for a quote split */
	size_t content_count;     /*   by its cue: "A," she said, "B." */
	long speaker;             /* index into the entities, or -1 */
	double confidence;        /* in [0,1] */
} ws_attribution;

typedef struct ws_entity {
	const char *name;         /* canonical name: "Jane Doe" */
	const char *role;         /* title or role: "Vice President"; "" if none */
	ws_entity_kind kind;
	const ws_span *mentions;  /* every mention, in text order */
	size_t mention_count;
	size_t attribution_count; /* attributions whose speaker this is */
	ws_gender gender;         /* persons only; WS_GENDER_UNKNOWN otherwise */
} ws_entity;

/* Something odd in the input that did not stop the analysis, such as
 * invalid UTF-8 that was replaced. */
typedef struct ws_diagnostic {
	size_t position;          /* byte offset */
	const char *message;
} ws_diagnostic;

/* Results of the last successful analysis, owned by the document and valid
 * until the next ws_doc_analyze() or ws_doc_free().  Attributions are in
 * text order of their first content fragment; an index past the count
 * returns NULL. */
WS_API size_t ws_doc_attribution_count(const ws_doc *doc);
WS_API const ws_attribution *ws_doc_attribution(const ws_doc *doc, size_t i);
WS_API size_t ws_doc_entity_count(const ws_doc *doc);
WS_API const ws_entity *ws_doc_entity(const ws_doc *doc, size_t i);
WS_API size_t ws_doc_warning_count(const ws_doc *doc);
WS_API const ws_diagnostic *ws_doc_warning(const ws_doc *doc, size_t i);

/* The analysed text (the document's copy: same length and byte offsets as
 * the input; invalid bytes and NULs replaced by the ASCII substitute
 * character 0x1A, which the output formats print as U+FFFD). */
WS_API const char *ws_doc_text(const ws_doc *doc, size_t *len);

/* The code point offset of a byte offset of the analysed text.  Every span
 * the library returns starts and ends on a character boundary. */
WS_API size_t ws_doc_codepoint_offset(const ws_doc *doc, size_t byte_offset);

/* ---------------------------------------------------------------- output */

typedef enum ws_format {
	WS_FORMAT_JSON,     /* one indented JSON object per document */
	WS_FORMAT_JSONL,    /* one JSON object per line */
	WS_FORMAT_TEXT,     /* for people on a terminal */
	WS_FORMAT_BRAT,     /* brat standoff (.ann), as PolNeAR's tools read */
	WS_FORMAT_TSV,      /* one attribution per line, tab-separated */
	WS_FORMAT_CSV       /* one attribution per row, comma-separated (RFC 4180) */
} ws_format;

typedef enum ws_offset_unit {
	WS_OFFSETS_CODEPOINTS,
	WS_OFFSETS_BYTES
} ws_offset_unit;

/* How to render.  Members are only ever added at the end, so that a
 * caller that zero-initialises the whole struct (designated initialisers
 * do) keeps the behaviour it had; a caller that mirrors the struct in
 * another language (python/whosaid/_native.py) must add them too.
 *
 * CSV and TSV have one row per attribution, in these columns
 * (docs/schema.md): id; one column per name in columns; type, speaker,
 * role, kind, gender, speaker_key, source, cue, addressee, content,
 * source_start, source_end, cue_start, cue_end, content_start,
 * content_end, confidence; error; extra.  A member of extra_json named in
 * columns fills that column (a string as its text, null as an empty cell,
 * anything else as its JSON); the other members go to extra as one JSON
 * object.  A name of columns that is one of the row's own columns, or
 * repeats an earlier name, gets no column, so that the header's names are
 * distinct; its member goes to extra.  A document without attributions
 * writes no row.  Every cell that starts with =, +, -, @, a tab or a
 * carriage return gets a ' in front (ws_render_cell()). */
typedef struct ws_render_options {
	ws_format format;
	ws_offset_unit offsets;
	const char *id;           /* the document id; NULL for none */
	const char *extra_json;   /* JSON object members to pass through, already
				   * serialised ("\"outlet\":\"x\",\"date\":1"),
				   * or NULL; JSON formats, and CSV and TSV as above */
	int tsv_header;           /* CSV and TSV: write the header row first */
	/* CSV and TSV: the passed-through members that have columns of their
	 * own, in order (column_count names), or NULL.  A stream of documents
	 * must give every document the same, or its rows will not line up. */
	const char *const *columns;
	size_t column_count;
	/* CSV and TSV: for each entity of the document (ws_doc_entity_count()
	 * of them), the key its speaker_key cell shows (NULL for an empty
	 * cell), or NULL for none at all.  The library has no key of its own:
	 * the command fills in the quote store's (docs/store.md). */
	const char *const *speaker_keys;
} ws_render_options;

/* A growable byte buffer the renderers append to.  Zero-initialise it;
 * release with ws_buffer_free(). */
typedef struct ws_buffer {
	char *data;
	size_t len;
	size_t cap;
} ws_buffer;

WS_API void ws_buffer_free(ws_buffer *buf);

/* Append the document's results in the chosen format to out. */
WS_API ws_status ws_doc_render(const ws_doc *doc, const ws_render_options *options,
			       ws_buffer *out, ws_error *err);

/* Append an error record for a document that could not be analysed: the
 * same shape as a result (no attributions, no entities) with the message in
 * "errors".  Brat writes nothing; text writes a comment line; CSV and TSV
 * write one row with the id, the passed-through members and the message in
 * the error column. */
WS_API ws_status ws_render_failure(const ws_render_options *options, const char *message,
				   ws_buffer *out, ws_error *err);

/* Append one cell of a CSV or TSV row (format WS_FORMAT_CSV or
 * WS_FORMAT_TSV) to out, written as the renderers write theirs, then the
 * delimiter, or the line end when last is nonzero (CR LF in CSV, LF in
 * TSV).  text[0..len) may be NULL when len is 0.  CSV quotes a cell that
 * holds a comma, a quote, a CR or a LF, doubling its quotes (RFC 4180),
 * and keeps tabs and line breaks; TSV writes tabs and line breaks as
 * spaces.  Both write other control characters as spaces and invalid
 * UTF-8 as U+FFFD.  A cell that starts with =, +, -, @, a tab or a
 * carriage return gets a ' in front (inside the quotes), so that a
 * spreadsheet shows it as text instead of running it as a formula.  On
 * failure out keeps its length. */
WS_API ws_status ws_render_cell(ws_format format, const char *text, size_t len, int last, ws_buffer *out,
				ws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* WHOSAID_H */
