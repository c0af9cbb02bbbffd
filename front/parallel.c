/*
 * parallel.c — documents analysed on N threads (`-j N`, N >= 1) that share
 * one model, records written in input order, memory bounded.
 *
 * The main thread reads documents into a ring of slots and writes the
 * finished ones in order; worker threads, each with a document object of
 * its own, analyse whichever slot is waiting.  The ring holds a few slots
 * per thread, so a stream of any length needs the memory of a few
 * documents at a time, and a slow document holds back only the writing,
 * not the other threads, until the ring is full.  The model is only read
 * while documents are analysed, so the threads share it as it is.
 *
 * The main thread also keeps the progress line (progress.c) up to date:
 * a document is done when it is written, or when the target skips it.
 *
 * With --stage-times, the main thread times its reading and writing, and
 * at the end adds up the stage counters of every thread's document object
 * (ws_doc_stage_nanoseconds) into one table on stderr.
 */
#include "front/front.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum slot_state { SLOT_FREE, SLOT_QUEUED, SLOT_WORKING, SLOT_DONE };

typedef struct slot {
	enum slot_state state;
	cli_doc doc;
	bool header;              /* CSV and TSV: the header row before the record */
	ws_buffer record;
	int result;               /* CLI_DOC_* */
	char reason[CLI_REASON_SIZE];
} slot;

typedef struct pool {
	const cli_options *opt;
	const ws_model *model;
	slot *slots;
	size_t nslots;
	size_t queued_from;       /* the oldest slot that may be queued */
	cli_columns columns;      /* CSV and TSV: fixed before the first document is queued */
	pthread_mutex_t lock;
	pthread_cond_t work;      /* a slot was queued, or stop */
	pthread_cond_t done;      /* a slot was analysed */
	bool stop;
} pool;

/* The queued slot read earliest, or NULL. */
static slot *next_queued(pool *p)
{
	for (size_t k = 0; k < p->nslots; k++) {
		slot *s = &p->slots[(p->queued_from + k) % p->nslots];
		if (s->state == SLOT_QUEUED)
			return s;
	}
	return NULL;
}

typedef struct worker {
	pool *pool;
	ws_doc *doc;
	pthread_t thread;
} worker;

static void *work(void *arg)
{
	worker *w = arg;
	pool *p = w->pool;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		slot *s = next_queued(p);
		if (!s) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->work, &p->lock);
			continue;
		}
		s->state = SLOT_WORKING;
		pthread_mutex_unlock(&p->lock);
		s->result = cli_analyze_document(p->opt, p->model, w->doc, &s->doc, &p->columns, s->header,
						 &s->record, s->reason, sizeof s->reason);
		pthread_mutex_lock(&p->lock);
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* What --stage-times adds up: the main thread's reading and writing, and
 * every stage of the analysis over all threads. */
typedef struct stage_times {
	uint64_t read_ns, write_ns;
	uint64_t stage_ns[WS_STAGE_COUNT];
	uint64_t documents, text_bytes;
} stage_times;

static uint64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void stage_times_row(const char *name, uint64_t ns, uint64_t total_ns, double mb)
{
	double seconds = (double)ns / 1e9;
	fprintf(stderr, "  %-10s %11.3f %6.1f%%", name, (double)ns / 1e6, total_ns ? 100.0 * (double)ns / (double)total_ns : 0.0);
	if (ns)
		fprintf(stderr, " %11.1f\n", mb / seconds);
	else
		fputs("           -\n", stderr);
}

/* The table: each stage's milliseconds, its share of the total, and the MB/s
 * of text the program would reach if that stage were all it did. */
static void stage_times_print(const stage_times *t, size_t threads)
{
	uint64_t total = t->read_ns + t->write_ns;
	for (int i = 0; i < WS_STAGE_COUNT; i++)
		total += t->stage_ns[i];
	double mb = (double)t->text_bytes / 1e6;
	cli_progress_hide();
	fprintf(stderr, "%s: stage times: %llu documents, %.2f MB of text, %zu analysis thread%s\n", CLI_NAME,
		(unsigned long long)t->documents, mb, threads, threads == 1 ? "" : "s");
	fprintf(stderr, "  %-10s %11s %7s %11s\n", "stage", "ms", "share", "MB/s alone");
	stage_times_row("read", t->read_ns, total, mb);
	for (int i = 0; i < WS_STAGE_COUNT; i++)
		stage_times_row(ws_stage_name((ws_stage)i), t->stage_ns[i], total, mb);
	stage_times_row("write", t->write_ns, total, mb);
	stage_times_row("total", total, total, mb);
}

int cli_run_parallel(const cli_options *opt, const ws_model *model, cli_source *src, const cli_target *target)
{
	size_t nworkers = opt->jobs;
	pool p = {.opt = opt, .model = model, .nslots = 4 * nworkers};
	worker *workers = calloc(nworkers, sizeof *workers);
	p.slots = calloc(p.nslots, sizeof *p.slots);
	int status = EXIT_SUCCESS;
	size_t started = 0;
	if (!workers || !p.slots) {
		cli_message("out of memory");
		free(workers);
		free(p.slots);
		return EXIT_FAILURE;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	for (; started < nworkers; started++) {
		workers[started].pool = &p;
		if (ws_doc_new(NULL, &workers[started].doc) != WS_OK ||
		    pthread_create(&workers[started].thread, NULL, work, &workers[started]) != 0) {
			ws_doc_free(workers[started].doc);
			cli_message("cannot start analysis thread %zu of %zu", started + 1, nworkers);
			status = EXIT_FAILURE;
			break;
		}
	}

	/* records go to standard output unless to files (--output-dir) or to
	 * a store (index --db) */
	cli_progress *progress = NULL;
	if (cli_progress_wanted(opt, !opt->output_dir && !opt->db)) {
		uint64_t total = 0;
		bool total_known = cli_inputs_size(opt, &total);
		progress = cli_progress_new(total_known, total);
	}

	/* failed: the exit status is 1; stopped: read no more, and only let
	 * go of what was read (out of memory, a failed write, or a record
	 * that could not even be rendered as an error) */
	stage_times times = {0};
	bool failed = status != EXIT_SUCCESS, stopped = failed, notice_shown = false, reading = true;
	size_t read = 0, written = 0; /* documents so far; document i is in slot i % nslots */
	for (;;) {
		while (reading && !stopped && read - written < p.nslots) {
			slot *s = &p.slots[read % p.nslots];
			uint64_t clock = opt->stage_times ? clock_ns() : 0;
			int r = cli_source_next(src, &s->doc);
			if (opt->stage_times)
				times.read_ns += clock_ns() - clock;
			if (r == CLI_DONE) {
				cli_progress_add(progress, 0, s->doc.bytes); /* read after the last document */
				reading = false;
				break;
			}
			if (r == CLI_NOMEM) {
				cli_message("out of memory");
				failed = stopped = true;
				break;
			}
			cli_show_notice(opt, &s->doc, &notice_shown);
			int admitted = target->admit ? target->admit(target->ctx, &s->doc) : CLI_ADMIT;
			if (admitted == CLI_SKIP)
				cli_progress_add(progress, 1, s->doc.bytes);
			if (admitted != CLI_ADMIT) {
				cli_doc_clear(&s->doc);
				if (admitted == CLI_WRITE_ERROR)
					failed = stopped = true;
				continue;
			}
			bool table = opt->format == WS_FORMAT_TSV || opt->format == WS_FORMAT_CSV;
			/* the columns are set before any worker can read them, and
			 * the lock below publishes them */
			if (table && read == 0 && !cli_columns_choose(opt, &s->doc, &p.columns)) {
				cli_message("out of memory");
				cli_doc_clear(&s->doc);
				failed = stopped = true;
				break;
			}
			s->header = table && (opt->output_dir || read == 0);
			times.documents++;
			times.text_bytes += s->doc.len;
			pthread_mutex_lock(&p.lock);
			s->state = SLOT_QUEUED;
			pthread_cond_signal(&p.work);
			pthread_mutex_unlock(&p.lock);
			read++;
		}
		if (written == read)
			break;
		/* The oldest document, once analysed, is written. */
		slot *s = &p.slots[written % p.nslots];
		pthread_mutex_lock(&p.lock);
		while (s->state != SLOT_DONE)
			pthread_cond_wait(&p.done, &p.lock);
		p.queued_from = (written + 1) % p.nslots;
		pthread_mutex_unlock(&p.lock);
		if (!stopped) {
			bool known = s->result == CLI_DOC_FAILED && target->known_failure &&
				     target->known_failure(target->ctx, &s->doc, s->reason);
			if (cli_report_document(opt, s->result, s->reason) != EXIT_SUCCESS && !known)
				failed = true;
			if (s->result == CLI_DOC_FATAL) {
				stopped = true;
			} else {
				uint64_t clock = opt->stage_times ? clock_ns() : 0;
				int w = target->write(target->ctx, &s->doc, &s->record, s->result, s->reason);
				if (opt->stage_times)
					times.write_ns += clock_ns() - clock;
				failed |= w != CLI_WRITTEN;
				stopped |= w == CLI_WRITE_ERROR;
				cli_progress_add(progress, 1, s->doc.bytes);
			}
		}
		cli_doc_clear(&s->doc);
		pthread_mutex_lock(&p.lock);
		s->state = SLOT_FREE;
		pthread_mutex_unlock(&p.lock);
		written++;
	}
	cli_progress_end(progress);

	pthread_mutex_lock(&p.lock);
	p.stop = true;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.lock);
	for (size_t i = 0; i < started; i++) {
		pthread_join(workers[i].thread, NULL);
		for (int k = 0; k < WS_STAGE_COUNT; k++)
			times.stage_ns[k] += ws_doc_stage_nanoseconds(workers[i].doc, (ws_stage)k);
		ws_doc_free(workers[i].doc);
	}
	if (opt->stage_times)
		stage_times_print(&times, started);
	for (size_t k = 0; k < p.nslots; k++) {
		cli_doc_clear(&p.slots[k].doc);
		ws_buffer_free(&p.slots[k].record);
	}
	cli_columns_clear(&p.columns);
	pthread_cond_destroy(&p.done);
	pthread_cond_destroy(&p.work);
	pthread_mutex_destroy(&p.lock);
	free(p.slots);
	free(workers);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
