/*
 * speaker_features.c — the pronoun ranker's training rows, for
 * tools/train_speaker_ranker.py: a program of its own beside the trainer,
 * on the library's internals as the trainer is (train/train.h).
 *
 *     speaker_features MODEL FILE...
 *
 * Analyses each article with MODEL and prints, for every he, she, him,
 * her and his in it, one line per candidate person named before it:
 *
 *     FILE <tab> pronoun start <tab> end <tab> candidate <tab> f1 ... fN <tab> s:e s:e ...
 *
 * with the features exactly as 6_speakers.c computes them at run time and
 * the code point spans of the candidate's mentions before the pronoun,
 * which the trainer matches against CoreNLP's coreference chains.  Built
 * against the library's internals (make speaker-ranker), never shipped.
 */
#include "pipeline.h"
#include "stages/stages.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct dump {
	const char *file;
} dump;

static void print_row(void *ctx, size_t start, size_t end, long cand, const double *f, const size_t *spans,
		      size_t nspans)
{
	const dump *d = ctx;
	printf("%s\t%zu\t%zu\t%ld\t", d->file, start, end, cand);
	for (size_t i = 0; i < WS_RANK_FEATURES; i++)
		printf(i ? " %.6g" : "%.6g", f[i]);
	putchar('\t');
	for (size_t i = 0; i < nspans; i++)
		printf(i ? " %zu:%zu" : "%zu:%zu", spans[2 * i], spans[2 * i + 1]);
	putchar('\n');
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: speaker_features MODEL FILE...\n");
		return 2;
	}
	ws_model *model = NULL;
	ws_doc *doc = NULL;
	ws_error err;
	if (ws_model_open(argv[1], NULL, &model, &err) != WS_OK || ws_doc_new(NULL, &doc) != WS_OK) {
		fprintf(stderr, "speaker_features: cannot open model %s\n", argv[1]);
		return 1;
	}
	int status = 0;
	for (int i = 2; i < argc; i++) {
		size_t len = 0;
		char *text = read_all(argv[i], &len);
		dump d = {argv[i]};
		if (!text || ws_doc_analyze(doc, model, text, len, &err) != WS_OK ||
		    ws_speakers_rank_rows(doc, print_row, &d) != WS_OK) {
			fprintf(stderr, "speaker_features: %s: cannot analyse it\n", argv[i]);
			status = 1;
		}
		free(text);
	}
	ws_doc_free(doc);
	ws_model_free(model);
	return status;
}
