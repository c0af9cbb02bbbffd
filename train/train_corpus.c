/*
 * train_corpus.c — reading the PolNeAR training data (see the README of
 * the data folder): article texts, the silver CoNLL-U annotations and the
 * brat attribution files.  Offsets there count code points; everything
 * here turns them into byte offsets of the article text at once.
 */
#include "train/train.h"
#include "front/front.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t train_random(train_rng *r)
{
	uint64_t x = r->state ? r->state : 0x9E3779B97F4A7C15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

void train_shuffle(train_rng *r, size_t *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(train_random(r) % i);
		size_t t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	bool bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

bool train_read_article(const char *path, const char *stem, train_article *out)
{
	memset(out, 0, sizeof *out);
	out->text = read_whole(path, &out->len);
	if (!out->text) {
		cli_message("train: cannot read %s: %s", path, strerror(errno));
		return false;
	}
	out->stem = strdup(stem);
	out->cp_bytes = malloc((out->len + 1) * sizeof *out->cp_bytes);
	if (!out->stem || !out->cp_bytes) {
		cli_message("out of memory reading %s", path);
		train_article_free(out);
		return false;
	}
	for (size_t i = 0; i < out->len; i++)
		if (((unsigned char)out->text[i] & 0xC0) != 0x80)
			out->cp_bytes[out->ncp++] = i;
	out->cp_bytes[out->ncp] = out->len;
	return true;
}

void train_article_free(train_article *a)
{
	free(a->stem);
	free(a->text);
	free(a->cp_bytes);
	memset(a, 0, sizeof *a);
}

/* Byte offset of code point cp, or SIZE_MAX when it is past the end. */
static size_t byte_of(const train_article *a, unsigned long cp)
{
	return cp <= a->ncp ? a->cp_bytes[cp] : SIZE_MAX;
}

/* --------------------------------------------------------------- silver */

/* The columns of a silver token line: ID FORM LEMMA POS NER HEAD DEPREL START END. */
static int split_columns(char *line, char **cols, int most)
{
	int n = 0;
	cols[n++] = line;
	for (char *p = line; *p && n < most; p++)
		if (*p == '\t') {
			*p = '\0';
			cols[n++] = p + 1;
		}
	return n;
}

static uint8_t ner_class(const char *tag)
{
	static const char *const classes[] = {"PERSON", "ORGANIZATION", "LOCATION", "MISC"};
	for (uint8_t k = 0; k < 4; k++)
		if (strcmp(tag, classes[k]) == 0)
			return (uint8_t)(k + 1);
	return 0;
}

/* Call each(line) for every line of the silver file of a split. */
typedef bool (*line_fn)(char *line, void *ctx);

static bool each_silver_line(const char *data_dir, const char *split, line_fn each, void *ctx)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/silver/%s.conllu", data_dir, split);
	FILE *f = fopen(path, "r");
	if (!f) {
		cli_message("train: cannot read %s: %s", path, strerror(errno));
		return false;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool ok = true;
	while (ok && (n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		ok = each(line, ctx);
	}
	ok = ok && each("", ctx); /* the last sentence ends with the file */
	free(line);
	fclose(f);
	return ok;
}

typedef struct tag_set {
	char names[WS_MAX_LABELS][WS_LABEL_NAME];
	size_t count;
	int column;
	bool full;
} tag_set;

static bool collect_tag(char *line, void *ctx)
{
	tag_set *set = ctx;
	char *cols[9];
	if (line[0] == '#' || !line[0] || split_columns(line, cols, 9) < 9)
		return true;
	const char *tag = cols[set->column];
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->names[i], tag) == 0)
			return true;
	if (set->count == WS_MAX_LABELS || strlen(tag) >= WS_LABEL_NAME) {
		set->full = true;
		return true;
	}
	strcpy(set->names[set->count++], tag);
	return true;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

bool silver_labels(const char *data_dir, int column, ws_labels *out)
{
	tag_set set = {.column = column};
	if (!each_silver_line(data_dir, "train", collect_tag, &set))
		return false;
	if (set.full || set.count == 0) {
		cli_message("the silver tags of column %d do not fit in %d labels", column + 1, WS_MAX_LABELS);
		return false;
	}
	/* Sorted, so that the label numbers do not depend on the data's order. */
	qsort(set.names, set.count, sizeof set.names[0], by_name);
	const char *names[WS_MAX_LABELS];
	for (size_t i = 0; i < set.count; i++)
		names[i] = set.names[i];
	return ws_labels_set(out, names, (uint32_t)set.count);
}

typedef struct silver_reader {
	const char *data_dir, *split;
	silver_split *out;
	size_t words_cap, pos_cap, ner_cap, head_cap, rel_cap, sentences_cap, articles_cap;
	size_t sentence_start;    /* first word of the open sentence */
	uint8_t previous_class;
	bool failed;
} silver_reader;

/* The library's growth of an array, with malloc's allocator (the arrays
 * are released with free()), saying so when memory runs out. */
static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (ws_grow(ws_allocator_or_default(NULL), p, cap, need, elem))
		return true;
	cli_message("out of memory reading the training data");
	return false;
}

static bool close_sentence(silver_reader *r)
{
	silver_split *s = r->out;
	if (s->nwords == r->sentence_start)
		return true;
	if (!grow((void **)&s->sentence_first, &r->sentences_cap, s->nsentences + 2, sizeof *s->sentence_first))
		return false;
	s->sentence_first[s->nsentences++] = r->sentence_start;
	s->sentence_first[s->nsentences] = s->nwords;
	r->sentence_start = s->nwords;
	r->previous_class = 0;
	return true;
}

static bool read_silver_line(char *line, void *ctx)
{
	silver_reader *r = ctx;
	silver_split *s = r->out;
	if (!line[0])
		return close_sentence(r);
	if (strncmp(line, "# doc = ", 8) == 0) {
		if (!close_sentence(r) ||
		    !grow((void **)&s->articles, &r->articles_cap, s->narticles + 1, sizeof *s->articles))
			return false;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s/text/%s.txt", r->data_dir, r->split, line + 8);
		if (!train_read_article(path, line + 8, &s->articles[s->narticles]))
			return false;
		s->narticles++;
		return true;
	}
	char *cols[9];
	if (line[0] == '#' || split_columns(line, cols, 9) < 9 || s->narticles == 0)
		return true;
	const train_article *a = &s->articles[s->narticles - 1];
	size_t start = byte_of(a, strtoul(cols[7], NULL, 10));
	size_t end = byte_of(a, strtoul(cols[8], NULL, 10));
	int pos = ws_label_index(&s->pos_labels, cols[SILVER_POS]);
	int rel = ws_label_index(&s->rel_labels, cols[SILVER_DEPREL]);
	long id = strtol(cols[0], NULL, 10), head = strtol(cols[5], NULL, 10);
	if (start >= end || end > a->len || pos < 0 || rel < 0 || id != (long)(s->nwords - r->sentence_start) + 1 ||
	    head < 0) {
		cli_message("%s/silver/%s.conllu: token outside %s or with an unknown tag", r->data_dir, r->split,
			    a->stem);
		return false;
	}
	if (!grow((void **)&s->words, &r->words_cap, s->nwords + 1, sizeof *s->words) ||
	    !grow((void **)&s->gold_pos, &r->pos_cap, s->nwords + 1, 1) ||
	    !grow((void **)&s->gold_ner, &r->ner_cap, s->nwords + 1, 1) ||
	    !grow((void **)&s->gold_head, &r->head_cap, s->nwords + 1, sizeof *s->gold_head) ||
	    !grow((void **)&s->gold_rel, &r->rel_cap, s->nwords + 1, 1))
		return false;
	size_t i = s->nwords++;
	s->words[i] = (ws_word){a->text + start, (uint32_t)(end - start), 0, 0};
	uint8_t cls = ner_class(cols[4]);
	/* CoreNLP marks a name by its class on each word; a change of class
	 * starts a new name. */
	uint8_t ner = cls == 0 ? 0 : (uint8_t)(2 * cls - (cls == r->previous_class ? 0 : 1));
	r->previous_class = cls;
	s->gold_pos[i] = (uint8_t)pos;
	s->gold_ner[i] = ner;
	s->gold_head[i] = (int32_t)head - 1; /* CoNLL-U counts from 1, 0 is the root */
	s->gold_rel[i] = (uint8_t)rel;
	return true;
}

bool silver_read(const char *data_dir, const char *split, const ws_labels *pos_labels,
		 const ws_labels *rel_labels, silver_split *out)
{
	memset(out, 0, sizeof *out);
	out->pos_labels = *pos_labels;
	out->rel_labels = *rel_labels;
	silver_reader r = {.data_dir = data_dir, .split = split, .out = out};
	if (!each_silver_line(data_dir, split, read_silver_line, &r)) {
		silver_free(out);
		return false;
	}
	return true;
}

void silver_free(silver_split *s)
{
	for (size_t i = 0; i < s->narticles; i++)
		train_article_free(&s->articles[i]);
	free(s->articles);
	free(s->words);
	free(s->gold_pos);
	free(s->gold_ner);
	free(s->gold_head);
	free(s->gold_rel);
	free(s->sentence_first);
	memset(s, 0, sizeof *s);
}

/* ----------------------------------------------------------------- brat */

static int role_of(const char *type)
{
	if (strcmp(type, "Source") == 0)
		return 0;
	if (strcmp(type, "Cue") == 0)
		return 1;
	if (strcmp(type, "Content") == 0)
		return 2;
	return -1;
}

/* T lines: "T3<TAB>Content 10 20;25 30<TAB>text".  E lines link them:
 * "E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1". */
static bool read_brat(const char *path, annotated_article *item)
{
	size_t len;
	char *ann = read_whole(path, &len);
	if (!ann) {
		cli_message("train: cannot read %s: %s", path, strerror(errno));
		return false;
	}
	size_t cap = 0;
	/* T number -> attribution number, filled from the E lines first. */
	uint32_t *owner = NULL;
	size_t owner_cap = 0;
	for (int pass = 0; pass < 2; pass++) {
		char *save = NULL;
		char *copy = strdup(ann);
		if (!copy)
			break;
		for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (pass == 0 && line[0] == 'E') {
				unsigned long e = strtoul(line + 1, NULL, 10);
				for (char *p = strchr(line, 'T'); p; p = strchr(p + 1, ':')) {
					char *t = strstr(p, ":T");
					if (!t)
						break;
					unsigned long tn = strtoul(t + 2, NULL, 10);
					if (!grow((void **)&owner, &owner_cap, tn + 1, sizeof *owner))
						break;
					owner[tn] = (uint32_t)e;
					p = t + 1;
				}
			}
			if (pass == 1 && line[0] == 'T') {
				unsigned long tn = strtoul(line + 1, NULL, 10);
				char *type = strchr(line, '\t');
				if (!type)
					continue;
				type++;
				char *space = strchr(type, ' ');
				if (!space)
					continue;
				*space = '\0';
				int role = role_of(type);
				if (role < 0)
					continue;
				char *ranges = space + 1;
				char *tab = strchr(ranges, '\t');
				if (tab)
					*tab = '\0';
				for (char *r = ranges; r && *r;) {
					char *next;
					unsigned long a = strtoul(r, &next, 10);
					unsigned long b = strtoul(next, &next, 10);
					size_t sa = byte_of(&item->article, a), sb = byte_of(&item->article, b);
					if (sa < sb && sb <= item->article.len &&
					    grow((void **)&item->spans, &cap, item->nspans + 1, sizeof *item->spans))
						item->spans[item->nspans++] = (gold_span){
							sa, sb, (uint8_t)role, tn < owner_cap ? owner[tn] : 0};
					r = strchr(next, ';');
					if (r)
						r++;
				}
			}
		}
		free(copy);
	}
	free(owner);
	free(ann);
	return true;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool annotated_read(const char *data_dir, const char *split, annotated_split *out)
{
	memset(out, 0, sizeof *out);
	char dir_path[4096];
	snprintf(dir_path, sizeof dir_path, "%s/%s/attributions", data_dir, split);
	DIR *dir = opendir(dir_path);
	if (!dir) {
		cli_message("train: cannot read %s: %s", dir_path, strerror(errno));
		return false;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	bool ok = true;
	while (ok && (e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".ann") != 0)
			continue;
		ok = grow((void **)&names, &cap, n + 1, sizeof *names) && (names[n++] = strdup(e->d_name));
	}
	closedir(dir);
	/* Sorted, so that training never depends on the order of a directory. */
	if (ok)
		qsort(names, n, sizeof *names, by_string);
	out->items = ok ? calloc(n ? n : 1, sizeof *out->items) : NULL;
	for (size_t i = 0; ok && i < n; i++) {
		char stem[1024];
		snprintf(stem, sizeof stem, "%s", names[i]);
		char *cut = strrchr(stem, '_'); /* <stem>_<annotator>.ann */
		if (!cut)
			continue;
		*cut = '\0';
		char path[8192];
		snprintf(path, sizeof path, "%s/%s/text/%s.txt", data_dir, split, stem);
		annotated_article *item = &out->items[out->count];
		ok = train_read_article(path, stem, &item->article);
		if (ok) {
			out->count++;
			snprintf(path, sizeof path, "%s/%s", dir_path, names[i]);
			ok = read_brat(path, item);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!ok || !out->items) {
		annotated_free(out);
		return false;
	}
	return true;
}

void annotated_free(annotated_split *s)
{
	for (size_t i = 0; i < s->count; i++) {
		train_article_free(&s->items[i].article);
		free(s->items[i].spans);
	}
	free(s->items);
	memset(s, 0, sizeof *s);
}
