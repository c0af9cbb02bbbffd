/*
 * train_parser.c — the dependency parser, learned from the silver trees.
 *
 * Training follows the static oracle of the arc-standard system: at each
 * state the model predicts an action among the valid ones, the perceptron
 * learns from any difference with the oracle's action, and the oracle's
 * action is taken.  Sentences whose tree crosses itself (non-projective)
 * cannot be reached by these actions and are left out.  The epoch kept is
 * the one with the best labelled attachment on dev.
 */
#include "train/train.h"
#include "front/front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parser's labels: SHIFT, then L- and R- of every relation but root. */
static bool action_labels(const ws_labels *rels, ws_labels *out)
{
	static char names[WS_MAX_LABELS][WS_LABEL_NAME];
	const char *pointers[WS_MAX_LABELS];
	uint32_t n = 0;
	pointers[n++] = "SHIFT";
	for (uint32_t r = 0; r < rels->count; r++) {
		if (strcmp(rels->names[r], "root") == 0)
			continue;
		if (n + 2 > WS_MAX_LABELS || strlen(rels->names[r]) + 2 >= WS_LABEL_NAME)
			return false;
		for (int side = 0; side < 2; side++) {
			snprintf(names[n], WS_LABEL_NAME, "%c-%s", side ? 'R' : 'L', rels->names[r]);
			pointers[n] = names[n];
			n++;
		}
	}
	return ws_labels_set(out, pointers, n);
}

/* The oracle's action for a state, or UINT32_MAX when none leads to the
 * gold tree.  heads and rels are the sentence's gold tree (rels as
 * relation numbers of actions); attached counts each word's children so far. */
static uint32_t oracle(const ws_parse_state *st, size_t n, const int32_t *heads, const int *rels,
		       const int32_t *gold_children, const ws_parse_actions *actions,
		       const uint32_t *left_of_rel, const uint32_t *right_of_rel)
{
	if (st->depth >= 2) {
		int32_t s0 = st->stack[st->depth - 1], s1 = st->stack[st->depth - 2];
		if (heads[s1] == s0)
			return left_of_rel[rels[s1]];
		if (heads[s0] == s1 && st->children[s0] == gold_children[s0])
			return right_of_rel[rels[s0]];
	}
	return st->next < n ? actions->shift : UINT32_MAX;
}

typedef struct parser_data {
	ws_parse_actions actions;
	uint32_t left_of_rel[WS_MAX_LABELS], right_of_rel[WS_MAX_LABELS];
	int rel_of_silver[WS_MAX_LABELS];   /* silver relation -> action relation, -1 root */
} parser_data;

static bool sentence_gold(const parser_data *p, const silver_split *split, size_t s, int *rels, int32_t *children)
{
	size_t first = split->sentence_first[s], n = split->sentence_first[s + 1] - first;
	memset(children, 0, n * sizeof *children);
	for (size_t w = 0; w < n; w++) {
		int32_t h = split->gold_head[first + w];
		rels[w] = p->rel_of_silver[split->gold_rel[first + w]];
		if (h >= (int32_t)n)
			return false;
		if (h >= 0) {
			if (rels[w] < 0)
				return false; /* a "root" below the root */
			children[h]++;
		}
	}
	return true;
}

/* Parse a split with a loaded model; returns labelled attachment. */
static double attachment(const ws_linear *m, const parser_data *p, silver_split *split, ws_parse_state *st,
			 ws_atoms *atoms, uint64_t *features)
{
	size_t right = 0, total = 0;
	float scores[WS_MAX_LABELS];
	ws_parse_actions actions;
	ws_parse_actions_from(&m->labels, &actions);
	for (size_t s = 0; s < split->nsentences; s++) {
		size_t first = split->sentence_first[s], n = split->sentence_first[s + 1] - first;
		ws_words_atoms(split->words + first, n, atoms);
		ws_parse_sentence(m, &actions, split->words + first, n, atoms, features, scores, st);
		for (size_t w = 0; w < n; w++) {
			int32_t h = split->gold_head[first + w];
			int rel = p->rel_of_silver[split->gold_rel[first + w]];
			right += st->head[w] == h && (h < 0 || st->rel[w] == rel);
			total++;
		}
	}
	return total ? (double)right / (double)total : 0;
}

typedef struct parser_dev {
	const parser_data *p;
	silver_split *dev;
	ws_parse_state *st;
	ws_atoms *atoms;
	uint64_t *features;
} parser_dev;

static double rate_parser(const ws_linear *model, void *context, bool *ok)
{
	parser_dev *d = context;
	*ok = true;
	return attachment(model, d->p, d->dev, d->st, d->atoms, d->features);
}

bool train_parser(const train_settings *settings, silver_split *train, silver_split *dev, ws_writer *out,
		  double *dev_score)
{
	ws_labels labels;
	parser_data p;
	if (!action_labels(&train->rel_labels, &labels) || !ws_parse_actions_from(&labels, &p.actions)) {
		cli_message("the silver dependency relations do not fit the parser");
		return false;
	}
	for (uint32_t a = 0; a < p.actions.count; a++) {
		if (a == p.actions.shift)
			continue;
		(p.actions.is_left[a] ? p.left_of_rel : p.right_of_rel)[p.actions.rel[a]] = a;
	}
	for (uint32_t r = 0; r < train->rel_labels.count; r++)
		p.rel_of_silver[r] = ws_parse_rel_index(&p.actions, train->rel_labels.names[r]);

	size_t longest = 1;
	for (size_t s = 0; s < train->nsentences; s++)
		if (train->sentence_first[s + 1] - train->sentence_first[s] > longest)
			longest = train->sentence_first[s + 1] - train->sentence_first[s];
	for (size_t s = 0; s < dev->nsentences; s++)
		if (dev->sentence_first[s + 1] - dev->sentence_first[s] > longest)
			longest = dev->sentence_first[s + 1] - dev->sentence_first[s];

	ws_learner *learner = ws_learner_new(&labels);
	ws_scratch scratch = {0};
	ws_parse_state st;
	ws_atoms *atoms = malloc(longest * sizeof *atoms);
	uint64_t *features = malloc(WS_MAX_FEATURES * sizeof *features);
	int *rels = malloc(longest * sizeof *rels);
	int32_t *children = malloc(longest * sizeof *children);
	size_t *order = malloc((train->nsentences + 1) * sizeof *order);
	bool ok = learner && atoms && features && rels && children && order &&
		  ws_parse_reserve(&scratch, ws_allocator_or_default(NULL), longest, &st);
	if (!ok)
		cli_message("out of memory training the parser");
	train_rng rng = {settings->seed ^ 0xD1B54A32D192ED03ull};
	*dev_score = -1;
	uint32_t L = labels.count;
	for (unsigned epoch = 1; ok && epoch <= settings->epochs; epoch++) {
		train_shuffle(&rng, order, train->nsentences);
		size_t wrong = 0, steps = 0, skipped = 0;
		for (size_t k = 0; ok && k < train->nsentences; k++) {
			size_t s = order[k], first = train->sentence_first[s], n = train->sentence_first[s + 1] - first;
			const ws_word *words = train->words + first;
			const int32_t *heads = train->gold_head + first;
			if (!sentence_gold(&p, train, s, rels, children)) {
				skipped++;
				continue;
			}
			ws_words_atoms(words, n, atoms);
			ws_parse_start(&st, n);
			while (ok && (st.next < n || st.depth > 1)) {
				uint32_t gold = oracle(&st, n, heads, rels, children, &p.actions, p.left_of_rel,
						       p.right_of_rel);
				if (gold == UINT32_MAX) {
					skipped++; /* not projective: the oracle is lost */
					break;
				}
				size_t nf = ws_parse_features(&st, words, atoms, n, features);
				float scores[WS_MAX_LABELS];
				const float *bias = ws_learner_transitions(learner) + (size_t)L * L;
				for (uint32_t a = 0; a < L; a++)
					scores[a] = bias[a];
				ws_learner_score(learner, features, nf, scores);
				uint32_t best = UINT32_MAX;
				for (uint32_t a = 0; a < L; a++)
					if (ws_parse_valid(&st, n, &p.actions, a) &&
					    (best == UINT32_MAX || scores[a] > scores[best]))
						best = a;
				uint32_t offsets[2] = {0, (uint32_t)nf};
				uint8_t g = (uint8_t)gold, b = (uint8_t)best;
				wrong += g != b;
				steps++;
				ok = ws_learner_update(learner, features, offsets, 1, &g, &b);
				ws_parse_apply(&st, &p.actions, gold);
			}
		}
		parser_dev dev_context = {&p, dev, &st, atoms, features};
		double score = 0;
		size_t nfeatures = 0;
		ok = ok && train_keep_best(learner, rate_parser, &dev_context, out, dev_score, &score, &nfeatures);
		if (ok)
			train_progress(settings,
				       "parser epoch %u: %zu of %zu actions wrong, %zu sentences left out, dev LAS %.4f, %zu features",
				       epoch, wrong, steps, skipped, score, nfeatures);
		else
			cli_message("out of memory training the parser");
	}
	ws_learner_free(learner);
	ws_scratch_free(&scratch, ws_allocator_or_default(NULL));
	free(atoms);
	free(features);
	free(rels);
	free(children);
	free(order);
	return ok;
}
