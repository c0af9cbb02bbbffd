/*
 * train_taggers.c — the part-of-speech and name taggers, learned from the
 * silver CoreNLP annotations.
 *
 * Each epoch visits the training sentences in a seeded random order; after
 * each, the averaged weights are saved, loaded back through the same code
 * that loads a shipped model, and scored on the dev split.  The best epoch
 * is kept, so the dev split chooses the number of epochs and nothing else.
 */
#include "train/train.h"
#include "front/front.h"

#include <stdlib.h>
#include <string.h>

/* Features of every training word, computed once: they do not change
 * between epochs. */
typedef struct feature_table {
	uint64_t *features;
	uint32_t *offsets;        /* per word, plus one */
} feature_table;

static void free_features(feature_table *t)
{
	free(t->features);
	free(t->offsets);
	t->features = NULL;
	t->offsets = NULL;
}

static bool build_features(ws_tagger_kind kind, const silver_split *split, feature_table *out)
{
	out->features = malloc(split->nwords * WS_MAX_FEATURES * sizeof *out->features + 1);
	out->offsets = malloc((split->nwords + 1) * sizeof *out->offsets);
	ws_atoms *atoms = malloc((split->nwords + 1) * sizeof *atoms);
	if (!out->features || !out->offsets || !atoms) {
		free(atoms);
		free_features(out);
		return false;
	}
	size_t total = 0;
	for (size_t s = 0; s < split->nsentences; s++) {
		size_t first = split->sentence_first[s], n = split->sentence_first[s + 1] - first;
		ws_words_atoms(split->words + first, n, atoms);
		size_t k = ws_sentence_features(kind, split->words + first, n, atoms, out->features + total,
						out->offsets + first);
		for (size_t t = 0; t <= n; t++)
			out->offsets[first + t] += (uint32_t)total;
		total += k;
	}
	out->offsets[split->nwords] = (uint32_t)total;
	free(atoms);
	/* Give back what the worst case reserved. */
	uint64_t *fit = realloc(out->features, total * sizeof *fit + 1);
	if (fit)
		out->features = fit;
	return true;
}

/* Tag every sentence of a split with a loaded model into out. */
static bool tag_split(const ws_linear *m, ws_tagger_kind kind, silver_split *split, uint8_t *out)
{
	ws_scratch s = {0};
	bool ok = true;
	for (size_t i = 0; ok && i < split->nsentences; i++) {
		size_t first = split->sentence_first[i], n = split->sentence_first[i + 1] - first;
		ok = ws_scratch_reserve(&s, ws_allocator_or_default(NULL), n, m->labels.count, 0) &&
		     ws_word_cache_ready(&s.word_cache[kind], ws_allocator_or_default(NULL), m);
		if (ok) {
			ws_words_atoms(split->words + first, n, s.atoms);
			ws_tag_words(m, kind, split->words + first, n, &s, &s.word_cache[kind], out + first);
		}
	}
	ws_scratch_free(&s, ws_allocator_or_default(NULL));
	return ok;
}

static double accuracy(const uint8_t *gold, const uint8_t *predicted, size_t n)
{
	size_t right = 0;
	for (size_t i = 0; i < n; i++)
		right += gold[i] == predicted[i];
	return n ? (double)right / (double)n : 0;
}

/* The names of a tag sequence, as (start, end, class) in order: a name
 * starts at B-X, or at an I-X that does not continue an X. */
typedef struct name_span {
	size_t start, end;
	int cls;
} name_span;

static size_t collect_names(const uint8_t *tags, size_t n, name_span *out)
{
	size_t count = 0;
	for (size_t i = 0; i < n;) {
		if (tags[i] == 0) {
			i++;
			continue;
		}
		int cls = (tags[i] + 1) / 2;
		size_t j = i + 1;
		while (j < n && tags[j] == 2 * cls)
			j++;
		out[count++] = (name_span){i, j, cls};
		i = j;
	}
	return count;
}

static double name_f1(const silver_split *split, const uint8_t *predicted)
{
	name_span *gold = malloc((split->nwords + 1) * sizeof *gold);
	name_span *pred = malloc((split->nwords + 1) * sizeof *pred);
	size_t ngold = 0, npred = 0, right = 0;
	for (size_t s = 0; gold && pred && s < split->nsentences; s++) {
		size_t first = split->sentence_first[s], n = split->sentence_first[s + 1] - first;
		size_t g = collect_names(split->gold_ner + first, n, gold);
		size_t p = collect_names(predicted + first, n, pred);
		ngold += g;
		npred += p;
		for (size_t a = 0, b = 0; a < g && b < p;) {
			if (gold[a].start == pred[b].start && gold[a].end == pred[b].end && gold[a].cls == pred[b].cls)
				right++;
			if (gold[a].start <= pred[b].start)
				a++;
			else
				b++;
		}
	}
	free(gold);
	free(pred);
	double precision = npred ? (double)right / (double)npred : 0;
	double recall = ngold ? (double)right / (double)ngold : 0;
	return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
}

typedef struct tagger_dev {
	ws_tagger_kind kind;
	silver_split *dev;
	uint8_t *predicted;
} tagger_dev;

/* Part of speech: accuracy; names: exact name F1. */
static double rate_tagger(const ws_linear *model, void *context, bool *ok)
{
	tagger_dev *t = context;
	*ok = tag_split(model, t->kind, t->dev, t->predicted);
	return t->kind == WS_TAGGER_POS ? accuracy(t->dev->gold_pos, t->predicted, t->dev->nwords)
					: name_f1(t->dev, t->predicted);
}

/* Epochs of the perceptron over one split; the best on dev goes to out. */
static bool train_tagger(const train_settings *settings, ws_tagger_kind kind, const ws_labels *labels,
			 silver_split *train, const uint8_t *gold, silver_split *dev, ws_writer *out,
			 double *dev_score)
{
	const char *what = kind == WS_TAGGER_POS ? "part of speech" : "names";
	feature_table table;
	ws_learner *learner = ws_learner_new(labels);
	size_t *order = malloc((train->nsentences + 1) * sizeof *order);
	uint8_t *predicted = malloc(dev->nwords + 1);
	size_t longest = 1;
	for (size_t s = 0; s < train->nsentences; s++)
		if (train->sentence_first[s + 1] - train->sentence_first[s] > longest)
			longest = train->sentence_first[s + 1] - train->sentence_first[s];
	float *emissions = malloc(longest * labels->count * sizeof *emissions);
	uint8_t *back = malloc(longest * labels->count);
	uint8_t *best = malloc(longest);
	bool ok = learner && order && predicted && emissions && back && best &&
		  build_features(kind, train, &table);
	if (!ok) {
		cli_message("out of memory training the %s tagger", what);
		goto done;
	}
	train_rng rng = {settings->seed ^ (uint64_t)(kind + 1) * 0x9E3779B97F4A7C15ull};
	*dev_score = -1;
	for (unsigned epoch = 1; ok && epoch <= settings->epochs; epoch++) {
		train_shuffle(&rng, order, train->nsentences);
		size_t wrong = 0;
		for (size_t k = 0; ok && k < train->nsentences; k++) {
			size_t s = order[k], first = train->sentence_first[s];
			size_t n = train->sentence_first[s + 1] - first;
			const uint32_t *offsets = table.offsets + first;
			ws_learner_decode(learner, table.features, offsets, n, emissions, back, best);
			/* Every sentence moves the averaging clock, right or wrong. */
			wrong += memcmp(best, gold + first, n) != 0;
			ok = ws_learner_update(learner, table.features, offsets, n, gold + first, best);
		}
		tagger_dev dev_context = {kind, dev, predicted};
		double score = 0;
		size_t features = 0;
		ok = ok && train_keep_best(learner, rate_tagger, &dev_context, out, dev_score, &score, &features);
		if (ok)
			train_progress(settings, "%s epoch %u: %zu of %zu training sentences wrong, dev %.4f, %zu features",
				       what, epoch, wrong, train->nsentences, score, features);
		else
			cli_message("out of memory training the %s tagger", what);
	}
	free_features(&table);
done:
	ws_learner_free(learner);
	free(order);
	free(predicted);
	free(emissions);
	free(back);
	free(best);
	return ok;
}

bool train_pos(const train_settings *settings, silver_split *train, silver_split *dev, ws_writer *out,
	       double *dev_score)
{
	return train_tagger(settings, WS_TAGGER_POS, &train->pos_labels, train, train->gold_pos, dev, out,
			    dev_score);
}

/* The name tagger reads the part of speech the tagger predicts, on the
 * training split too, so that it learns how far to trust it. */
bool train_ner(const train_settings *settings, silver_split *train, silver_split *dev, const ws_linear *pos,
	       ws_writer *out, double *dev_score)
{
	silver_split *splits[] = {train, dev};
	for (size_t k = 0; k < 2; k++) {
		silver_split *s = splits[k];
		uint8_t *tags = malloc(s->nwords + 1);
		if (!tags || !tag_split(pos, WS_TAGGER_POS, s, tags)) {
			free(tags);
			cli_message("out of memory tagging the silver data");
			return false;
		}
		for (size_t i = 0; i < s->nwords; i++)
			s->words[i].pos = tags[i];
		free(tags);
	}
	ws_labels labels;
	ws_labels_set(&labels, ws_ner_label_names, WS_NER_LABELS);
	return train_tagger(settings, WS_TAGGER_NER, &labels, train, train->gold_ner, dev, out, dev_score);
}
