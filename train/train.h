/*
 * train.h — what the parts of `whosaid train` share.
 *
 *   train.c          the command: options, the order of the steps, the model file
 *   train_corpus.c   reading PolNeAR: article texts, silver CoNLL-U, brat attributions
 *   train_epochs.c   the end of every stage's epoch, and the progress line
 *   train_taggers.c  the part-of-speech and name taggers
 *   train_parser.c   the dependency parser
 *   train_roles.c    the attribution labeller
 *   model_command.c  `whosaid model info|verify`: what a model file holds
 *
 * This folder is the one part of whosaid outside src/ that includes the
 * library's internal headers (pipeline.h, stages/, model/): training runs
 * inside the library's own feature and decoding code, so a trained model
 * sees exactly the features it will see when it runs.  It is linked into
 * the `whosaid` command, which sees only train_commands.h.
 */
#ifndef WHOSAID_TRAIN_H
#define WHOSAID_TRAIN_H

#include "pipeline.h"
#include "stages/stages.h"
#include "model/model_file.h"

/* An article: its stem and text (NUL-terminated), and where each code
 * point starts in bytes (cp_bytes[ncp] = len). */
typedef struct train_article {
	char *stem;
	char *text;
	size_t len;
	size_t *cp_bytes;
	size_t ncp;
} train_article;

/* A split of the silver annotations: every word of every sentence, with
 * the silver tags, sentences as ranges of words. */
typedef struct silver_split {
	train_article *articles;
	size_t narticles;
	ws_word *words;
	uint8_t *gold_pos, *gold_ner, *gold_rel;
	int32_t *gold_head;       /* in the sentence, -1 for the root */
	size_t nwords;
	size_t *sentence_first;   /* nsentences + 1 */
	size_t nsentences;
	ws_labels pos_labels, rel_labels;
} silver_split;

/* Columns of the silver CoNLL-U files, counted from 0. */
enum { SILVER_POS = 3, SILVER_DEPREL = 6 };

/* One attribution role span from brat (byte offsets, end exclusive). */
typedef struct gold_span {
	size_t start, end;
	uint8_t role;             /* 0 source, 1 cue, 2 content */
	uint32_t attribution;     /* which attribution (per file), for linking */
} gold_span;

/* An article with one annotator's attributions. */
typedef struct annotated_article {
	train_article article;
	gold_span *spans;
	size_t nspans;
} annotated_article;

typedef struct annotated_split {
	annotated_article *items;
	size_t count;
} annotated_split;

/* A reproducible random stream (xorshift64*). */
typedef struct train_rng {
	uint64_t state;
} train_rng;

uint64_t train_random(train_rng *r);
/* order[0..n) := a random permutation of 0..n-1. */
void train_shuffle(train_rng *r, size_t *order, size_t n);

/* Reading (train_corpus.c).  Each returns false after a message. */
bool train_read_article(const char *path, const char *stem, train_article *out);
void train_article_free(train_article *a);
bool silver_read(const char *data_dir, const char *split, const ws_labels *pos_labels,
		 const ws_labels *rel_labels, silver_split *out);
void silver_free(silver_split *s);
bool annotated_read(const char *data_dir, const char *split, annotated_split *out);
void annotated_free(annotated_split *s);

/* Weights smaller than this share of a model's largest are dropped when
 * it is saved.  Measured on dev: the shipped model loses about 0.005 of
 * attr.full and becomes several times smaller and faster, because most
 * features only ever earn tiny weights. */
#define TRAIN_PRUNE 0.03f

typedef struct train_settings {
	uint64_t seed;
	unsigned epochs;          /* the most; the best on dev is kept */
	bool quiet;
} train_settings;

/* Train a tagger; the chosen model's section goes to out, its dev figure
 * (accuracy for POS, name F1 for NER) to *dev_score. */
bool train_pos(const train_settings *settings, silver_split *train, silver_split *dev, ws_writer *out,
	       double *dev_score);
bool train_ner(const train_settings *settings, silver_split *train, silver_split *dev, const ws_linear *pos,
	       ws_writer *out, double *dev_score);
/* The tags of one column of the silver training split, sorted. */
bool silver_labels(const char *data_dir, int column, ws_labels *out);
/* The dependency parser, on the tags train_ner() left in the words. */
bool train_parser(const train_settings *settings, silver_split *train, silver_split *dev, ws_writer *out,
		  double *dev_score);

/* Train the attribution labeller on top of a model that has the taggers. */
bool train_roles(const train_settings *settings, ws_model *model, annotated_split *train,
		 annotated_split *dev, ws_writer *out, double *dev_score);

/* The neural labeller's inputs and gold labels of a split, one token a
 * line (its word form, then each input of encoder.h, then the gold
 * label), a blank line after each paragraph window: what
 * tools/train_neural.py learns from, computed by the code that computes
 * them at analysis time. */
bool train_roles_dump(ws_model *model, annotated_split *split, const char *path);

/* MODEL's sections plus the NEUR section in section_path, into output
 * (train_neural.c); the exit status. */
int train_attach_neural(const char *model_name, const char *section_path, const char *output);

/* Rates a loaded model on dev; sets *ok false when it runs out of memory. */
typedef double (*train_dev_score)(const ws_linear *model, void *context, bool *ok);

/* The end of an epoch, the same for every stage: save the averaged
 * weights, load them back as a shipped model is loaded, rate them on dev,
 * and keep the section in best when it beats *best_score.  The epoch's
 * score and feature count are returned for the progress line.  False
 * when memory runs out. */
bool train_keep_best(ws_learner *learner, train_dev_score score, void *context, ws_writer *best,
		     double *best_score, double *epoch_score, size_t *features);

void train_progress(const train_settings *settings, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* WHOSAID_TRAIN_H */
