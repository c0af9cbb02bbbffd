/*
 * train_epochs.c — what the training of every learned stage shares: the
 * end of an epoch (save the averaged weights, load them back exactly as a
 * shipped model is loaded, rate them on dev, keep the best) and the
 * progress line on stderr.
 *
 * Loading the saved section back, rather than rating the weights in
 * memory, is what makes the dev figure the figure of the file that ships:
 * pruning and quantisation happen on the way out.
 */
#include "train/train.h"
#include "front/front.h"

#include <stdarg.h>
#include <stdio.h>

void train_progress(const train_settings *settings, const char *fmt, ...)
{
	if (settings->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs(CLI_NAME " train: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

bool train_keep_best(ws_learner *learner, train_dev_score score, void *context, ws_writer *best,
		     double *best_score, double *epoch_score, size_t *features)
{
	ws_writer section = {0};
	ws_linear model;
	bool ok = ws_learner_save(learner, TRAIN_PRUNE, &section);
	ws_section view = {"EPOCH", section.data, section.len, 0};
	if (ok && ws_linear_load(&model, ws_allocator_or_default(NULL), &view, NULL) != WS_OK)
		ok = false;
	if (ok) {
		*epoch_score = score(&model, context, &ok);
		*features = model.nfeatures;
		ws_linear_free(&model, ws_allocator_or_default(NULL));
	}
	if (ok && *epoch_score > *best_score) {
		*best_score = *epoch_score;
		best->len = 0;
		ws_write_bytes(best, section.data, section.len);
		ok = !best->failed;
	}
	ws_writer_free(&section);
	return ok;
}
