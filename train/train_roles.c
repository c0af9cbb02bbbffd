/*
 * train_roles.c — the attribution labeller, learned from the brat
 * attributions of PolNeAR.
 *
 * Every article is run through the same stages as at analysis time (text,
 * quotes, sentences, the taggers, the rules), and the features of each
 * paragraph are computed once.  Gold labels come from the annotated spans:
 * the first token of a span is B-, the rest I-.  An article annotated by
 * several people is used once per annotator.  The epoch kept is the one
 * whose labels agree best with the dev annotations (exact spans, the mean
 * F1 of the three roles); the attribution scores proper come from the
 * scorer.
 */
#include "train/train.h"
#include "front/front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The labelled windows of a split, features computed. */
typedef struct role_data {
	uint64_t *features;
	size_t nfeatures, features_cap;
	uint32_t *offsets;        /* per window, one per token and one more */
	size_t noffsets, offsets_cap;
	uint8_t *gold;
	size_t ntokens, gold_cap;
	size_t *window_token;     /* first token of each window, nwindows + 1 */
	size_t *window_base;      /* first feature of each window */
	size_t *window_offsets;   /* first offset of each window */
	size_t nwindows, window_token_cap, window_base_cap, window_offsets_cap;
} role_data;

/* The library's growth of an array, with malloc's allocator: what it
 * grows, role_data_free() releases with free(). */
static bool reserve(void **p, size_t *cap, size_t need, size_t elem)
{
	return ws_grow(ws_allocator_or_default(NULL), p, cap, need, elem);
}

static void role_data_free(role_data *d)
{
	free(d->features);
	free(d->offsets);
	free(d->gold);
	free(d->window_token);
	free(d->window_base);
	free(d->window_offsets);
	memset(d, 0, sizeof *d);
}

/* Gold labels of an article's tokens from its spans. */
static void gold_labels(const ws_doc *doc, const annotated_article *item, uint8_t *labels)
{
	memset(labels, WS_ROLE_O, doc->ntokens);
	for (size_t k = 0; k < item->nspans; k++) {
		const gold_span *g = &item->spans[k];
		uint8_t begin = g->role == 0 ? WS_ROLE_B_SOURCE : g->role == 1 ? WS_ROLE_B_CUE : WS_ROLE_B_CONTENT;
		bool first = true;
		for (size_t i = ws_token_at(doc, g->start); i < doc->ntokens && doc->tokens[i].start < g->end; i++) {
			labels[i] = first ? begin : (uint8_t)(begin + 1);
			first = false;
		}
	}
}

static bool add_article(role_data *d, ws_doc *doc, const ws_model *model, const annotated_article *item,
			ws_scratch *s, uint8_t **labels, size_t *labels_cap)
{
	const train_article *a = &item->article;
	if (ws_doc_prepare(doc, model, a->text, a->len) != WS_OK || ws_roles_prepare(doc, model) != WS_OK ||
	    !ws_roles_reserve(doc, s) || !reserve((void **)labels, labels_cap, doc->ntokens + 1, 1))
		return false;
	gold_labels(doc, item, *labels);
	for (size_t first = 0, last; first < doc->ntokens; first = last) {
		last = ws_roles_window_end(doc, first);
		size_t n = last - first;
		if (!reserve((void **)&d->features, &d->features_cap, d->nfeatures + n * WS_MAX_FEATURES,
			     sizeof *d->features) ||
		    !reserve((void **)&d->offsets, &d->offsets_cap, d->noffsets + n + 1, sizeof *d->offsets) ||
		    !reserve((void **)&d->window_offsets, &d->window_offsets_cap, d->nwindows + 1,
			     sizeof *d->window_offsets) ||
		    !reserve((void **)&d->gold, &d->gold_cap, d->ntokens + n, 1) ||
		    !reserve((void **)&d->window_token, &d->window_token_cap, d->nwindows + 2,
			     sizeof *d->window_token) ||
		    !reserve((void **)&d->window_base, &d->window_base_cap, d->nwindows + 2, sizeof *d->window_base))
			return false;
		size_t k = ws_roles_features(doc, first, last, s, d->features + d->nfeatures, d->offsets + d->noffsets);
		d->window_offsets[d->nwindows] = d->noffsets;
		d->noffsets += n + 1;
		memcpy(d->gold + d->ntokens, *labels + first, n);
		d->window_token[d->nwindows] = d->ntokens;
		d->window_base[d->nwindows] = d->nfeatures;
		d->nwindows++;
		d->ntokens += n;
		d->nfeatures += k;
		d->window_token[d->nwindows] = d->ntokens;
	}
	return true;
}

static bool build_role_data(const annotated_split *split, const ws_model *model, role_data *d)
{
	ws_doc *doc;
	if (ws_doc_new(NULL, &doc) != WS_OK)
		return false;
	ws_scratch s = {0};
	uint8_t *labels = NULL;
	size_t labels_cap = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < split->count; i++)
		ok = add_article(d, doc, model, &split->items[i], &s, &labels, &labels_cap);
	ws_scratch_free(&s, ws_allocator_or_default(NULL));
	free(labels);
	ws_doc_free(doc);
	return ok;
}

/* The mean over the three roles of the F1 of exact spans (runs of B-
 * then I- of one role), the scorer's frag.* lines in miniature. */
static double role_span_f1(const role_data *d, const uint8_t *predicted)
{
	double sum = 0;
	for (uint8_t begin = WS_ROLE_B_SOURCE; begin <= WS_ROLE_B_CONTENT; begin += 2) {
		size_t gold = 0, pred = 0, right = 0;
		for (size_t w = 0; w < d->nwindows; w++) {
			size_t end = d->window_token[w + 1];
			for (size_t i = d->window_token[w]; i < end; i++) {
				bool g = d->gold[i] == begin, p = predicted[i] == begin;
				gold += g;
				pred += p;
				if (!g || !p)
					continue;
				size_t j = i + 1;
				while (j < end && d->gold[j] == begin + 1 && predicted[j] == begin + 1)
					j++;
				right += (j == end || d->gold[j] != begin + 1) && (j == end || predicted[j] != begin + 1);
			}
		}
		double precision = pred ? (double)right / (double)pred : 0;
		double recall = gold ? (double)right / (double)gold : 0;
		sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
	}
	return sum / 3;
}

static bool label_dev(const ws_linear *m, const role_data *dev, uint8_t *out)
{
	ws_scratch s = {0};
	bool ok = true;
	for (size_t w = 0; ok && w < dev->nwindows; w++) {
		size_t first = dev->window_token[w], n = dev->window_token[w + 1] - first;
		ok = ws_scratch_reserve(&s, ws_allocator_or_default(NULL), n, WS_ROLE_LABELS, 0);
		if (ok)
			ws_linear_decode(m, dev->features + dev->window_base[w], dev->offsets + dev->window_offsets[w], n,
					 &s, out + first);
	}
	ws_scratch_free(&s, ws_allocator_or_default(NULL));
	return ok;
}

typedef struct roles_dev {
	const role_data *dev;
	uint8_t *predicted;
} roles_dev;

static double rate_roles(const ws_linear *model, void *context, bool *ok)
{
	roles_dev *r = context;
	*ok = label_dev(model, r->dev, r->predicted);
	return role_span_f1(r->dev, r->predicted);
}

/* Coordinate ascent over a bias per role (added to its B- and I- labels)
 * on dev span F1: the perceptron's scores favour O, and a role that is
 * found too rarely gains from a nudge.  Returns the tuned score. */
static double tune_role_bias(const train_settings *settings, ws_writer *section, const role_data *dev,
			     uint8_t *predicted, double score)
{
	static const float steps[] = {-0.4f, -0.3f, -0.2f, -0.1f, -0.05f, 0.05f, 0.1f, 0.2f, 0.3f, 0.4f};
	float applied[WS_ROLE_LABELS] = {0};
	/* Weights are averages over every update, so their scale is the
	 * transitions' own: steps are relative to the largest of them. */
	ws_linear m;
	ws_section view = {"ATTR", section->data, section->len, 0};
	if (ws_linear_load(&m, ws_allocator_or_default(NULL), &view, NULL) != WS_OK)
		return score;
	float unit = 0;
	for (size_t i = 0; i < (size_t)(WS_ROLE_LABELS + 1) * WS_ROLE_LABELS; i++)
		if (m.transitions[i] > unit)
			unit = m.transitions[i];
	ws_linear_free(&m, ws_allocator_or_default(NULL));
	for (int round = 0; round < 3; round++)
		for (uint8_t begin = WS_ROLE_B_SOURCE; begin <= WS_ROLE_B_CONTENT; begin += 2) {
			float best_step = 0;
			for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
				float bias[WS_ROLE_LABELS] = {0};
				bias[begin] = bias[begin + 1] = steps[k] * unit;
				ws_section_add_label_bias(section->data, section->len, bias);
				view.data = section->data;
				if (ws_linear_load(&m, ws_allocator_or_default(NULL), &view, NULL) == WS_OK &&
				    label_dev(&m, dev, predicted)) {
					double s = role_span_f1(dev, predicted);
					if (s > score) {
						score = s;
						best_step = steps[k];
					}
				}
				ws_linear_free(&m, ws_allocator_or_default(NULL));
				bias[begin] = bias[begin + 1] = -steps[k] * unit;
				ws_section_add_label_bias(section->data, section->len, bias);
			}
			float bias[WS_ROLE_LABELS] = {0};
			bias[begin] = bias[begin + 1] = best_step * unit;
			ws_section_add_label_bias(section->data, section->len, bias);
			applied[begin] += best_step;
		}
	train_progress(settings, "attributions: role biases source %+.2f, cue %+.2f, content %+.2f (x %.3f): dev span F1 %.4f",
		       applied[WS_ROLE_B_SOURCE], applied[WS_ROLE_B_CUE], applied[WS_ROLE_B_CONTENT], unit, score);
	return score;
}

bool train_roles(const train_settings *settings, ws_model *model, annotated_split *train, annotated_split *dev,
		 ws_writer *out, double *dev_score)
{
	role_data tr = {0}, dv = {0};
	ws_labels labels;
	ws_labels_set(&labels, ws_role_label_names, WS_ROLE_LABELS);
	ws_learner *learner = ws_learner_new(&labels);
	size_t *order = NULL;
	uint8_t *predicted = NULL, *back = NULL, *best = NULL;
	float *emissions = NULL;
	bool ok = learner && build_role_data(train, model, &tr) && build_role_data(dev, model, &dv);
	if (ok) {
		order = malloc((tr.nwindows + 1) * sizeof *order);
		predicted = malloc(dv.ntokens + 1);
		size_t longest = 1;
		for (size_t w = 0; w < tr.nwindows; w++)
			if (tr.window_token[w + 1] - tr.window_token[w] > longest)
				longest = tr.window_token[w + 1] - tr.window_token[w];
		emissions = malloc(longest * WS_ROLE_LABELS * sizeof *emissions);
		back = malloc(longest * WS_ROLE_LABELS);
		best = malloc(longest);
		ok = order && predicted && emissions && back && best;
	}
	if (!ok) {
		cli_message("out of memory preparing the attribution data");
		goto done;
	}
	train_progress(settings, "attributions: %zu training and %zu dev tokens in %zu and %zu paragraphs",
		       tr.ntokens, dv.ntokens, tr.nwindows, dv.nwindows);
	train_rng rng = {settings->seed ^ 0x5851F42D4C957F2Dull};
	*dev_score = -1;
	for (unsigned epoch = 1; ok && epoch <= settings->epochs; epoch++) {
		train_shuffle(&rng, order, tr.nwindows);
		size_t wrong = 0;
		for (size_t k = 0; ok && k < tr.nwindows; k++) {
			size_t w = order[k], first = tr.window_token[w], n = tr.window_token[w + 1] - first;
			const uint64_t *features = tr.features + tr.window_base[w];
			const uint32_t *offsets = tr.offsets + tr.window_offsets[w];
			ws_learner_decode(learner, features, offsets, n, emissions, back, best);
			/* Every paragraph moves the averaging clock, right or wrong. */
			wrong += memcmp(best, tr.gold + first, n) != 0;
			ok = ws_learner_update(learner, features, offsets, n, tr.gold + first, best);
		}
		roles_dev dev_context = {&dv, predicted};
		double score = 0;
		size_t features = 0;
		ok = ok && train_keep_best(learner, rate_roles, &dev_context, out, dev_score, &score, &features);
		if (ok)
			train_progress(settings,
				       "attributions epoch %u: %zu of %zu paragraphs wrong, dev span F1 %.4f, %zu features",
				       epoch, wrong, tr.nwindows, score, features);
		else
			cli_message("out of memory training the attribution labeller");
	}
	if (ok)
		*dev_score = tune_role_bias(settings, out, &dv, predicted, *dev_score);
done:
	ws_learner_free(learner);
	role_data_free(&tr);
	role_data_free(&dv);
	free(order);
	free(predicted);
	free(emissions);
	free(back);
	free(best);
	return ok;
}

bool train_roles_dump(ws_model *model, annotated_split *split, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		cli_message("train: cannot write %s", path);
		return false;
	}
	ws_doc *doc;
	if (ws_doc_new(NULL, &doc) != WS_OK) {
		fclose(f);
		return false;
	}
	ws_scratch s = {0};
	uint8_t *labels = NULL;
	size_t labels_cap = 0;
	ws_enc_input *in = NULL;
	size_t in_cap = 0;
	bool ok = true;
	for (size_t a = 0; ok && a < split->count; a++) {
		const train_article *art = &split->items[a].article;
		ok = ws_doc_prepare(doc, model, art->text, art->len) == WS_OK && ws_roles_prepare(doc, model) == WS_OK &&
		     ws_roles_reserve(doc, &s) && reserve((void **)&labels, &labels_cap, doc->ntokens + 1, 1) &&
		     reserve((void **)&in, &in_cap, doc->ntokens + 1, sizeof *in);
		if (!ok)
			break;
		gold_labels(doc, &split->items[a], labels);
		for (size_t first = 0, last; first < doc->ntokens; first = last) {
			last = ws_roles_window_end(doc, first);
			ws_roles_inputs(doc, first, last, &s, in);
			for (size_t i = first; i < last; i++) {
				const ws_token *t = &doc->tokens[i];
				char form[WS_WORD_FORM_MAX + 1];
				size_t n = ws_encoder_word_form(doc->text + t->start, t->end - t->start, form);
				/* a form with a control byte or none at all is written as
				 * the unknown word's mark */
				bool plain = n > 0;
				for (size_t k = 0; k < n; k++)
					plain = plain && (unsigned char)form[k] > ' ';
				fprintf(f, "%.*s", plain ? (int)n : 1, plain ? form : "\x01");
				for (size_t k = 0; k < WS_INPUTS; k++)
					fprintf(f, "\t%u", in[i - first].in[k]);
				fprintf(f, "\t%u\n", labels[i]);
			}
			fputc('\n', f);
		}
	}
	ws_scratch_free(&s, ws_allocator_or_default(NULL));
	free(labels);
	free(in);
	ws_doc_free(doc);
	ok = fclose(f) == 0 && ok;
	if (!ok)
		cli_message("train: cannot dump the labeller's inputs into %s", path);
	return ok;
}
