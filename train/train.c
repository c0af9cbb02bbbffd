/*
 * train.c — `whosaid train`: every learned model from PolNeAR, into one
 * model file.
 *
 *     whosaid train [--data DIR] [--output FILE] [--seed N] [--epochs N] [--quiet]
 *
 * The steps, each on the train split with the dev split choosing the
 * epoch: the part-of-speech tagger, the name tagger (which reads the part
 * of speech), then the attribution labeller (which reads both, and the
 * rules' findings).  The test split is never read.  The same data, seed
 * and epochs give the same file, byte for byte: the random stream is
 * seeded, directories are read in sorted order, and nothing depends on
 * time or threads.
 */
#include "train/train.h"
#include "train/train_commands.h"
#include "front/front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char train_help[] =
	"Usage: whosaid train [OPTIONS]\n"
	"Train the part-of-speech tagger, the name tagger and the attribution\n"
	"labeller from PolNeAR (train split to learn, dev split to choose the\n"
	"epoch) and write them into one model file.\n"
	"\n"
	"Options:\n"
	"      --data DIR     the PolNeAR folder (default: ../shared/data/polnear)\n"
	"  -o, --output FILE  where to write the model (default: models/news.wsm)\n"
	"      --seed N       seed of the random order of training (default: 1)\n"
	"      --epochs N     the most epochs per model (default: 12)\n"
	"      --commit ID    the source revision, recorded in the model\n"
	"      --name NAME    the model's name in its description (default: news)\n"
	"      --taggers-from MODEL  take the part-of-speech, name and parser\n"
	"                     models from MODEL and train only the labeller\n"
	"      --dump-roles DIR  write the neural labeller's inputs and gold labels\n"
	"                     of train and dev into DIR/train.tsv and DIR/dev.tsv\n"
	"                     (for tools/train_neural.py) instead of training it\n"
	"      --attach-neural FILE  write the model of --taggers-from with the\n"
	"                     neural labeller section FILE (tools/train_neural.py)\n"
	"  -q, --quiet        no progress on stderr\n"
	"  -h, --help         show this help and exit\n";

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static bool write_file(const char *path, const ws_writer *w)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		cli_message("cannot write %s", tmp);
		return false;
	}
	bool ok = fwrite(w->data, 1, w->len, f) == w->len;
	ok = fclose(f) == 0 && ok;
	/* Renamed into place only when whole, so a failed run never leaves a
	 * half-written model where the old one was. */
	if (!ok || rename(tmp, path) != 0) {
		cli_message("cannot write %s", path);
		remove(tmp);
		return false;
	}
	return true;
}

/* A figure of the "dev" object of a model's description, or 0. */
static double described_score(const ws_section *meta, const char *name)
{
	char text[4096];
	size_t n = meta->len < sizeof text - 1 ? meta->len : sizeof text - 1;
	memcpy(text, meta->data, n);
	text[n] = '\0';
	char key[64];
	snprintf(key, sizeof key, "\"%s\": ", name);
	const char *at = strstr(text, key);
	return at ? strtod(at + strlen(key), NULL) : 0;
}

/* The three taggers' sections of an earlier model, so that only the
 * labeller is trained again. */
static bool reuse_taggers(const char *name, ws_writer *pos, ws_writer *ner, ws_writer *dep, double *pos_dev,
			  double *ner_dev, double *dep_dev)
{
	char path[4096];
	ws_model_path(name, path, sizeof path);
	train_article file;
	if (!train_read_article(path, name, &file))
		return false;
	ws_container c;
	ws_error err;
	bool ok = ws_container_parse((const unsigned char *)file.text, file.len, WS_FEATURE_SET_VERSION, &c, &err) ==
		  WS_OK;
	if (!ok)
		cli_message("train: %s: %s", path, err.message);
	const ws_section *meta = ok ? ws_container_find(&c, "META") : NULL;
	ws_writer *into[] = {pos, ner, dep};
	static const char *const tags[] = {"POS", "NER", "DEP"};
	for (size_t i = 0; ok && i < 3; i++) {
		const ws_section *s = ws_container_find(&c, tags[i]);
		if (!s || !meta) {
			cli_message("train: %s has no '%s' section", path, s ? "META" : tags[i]);
			ok = false;
			break;
		}
		ws_write_bytes(into[i], s->data, s->len);
	}
	if (ok) {
		*pos_dev = described_score(meta, "pos_accuracy");
		*ner_dev = described_score(meta, "ner_f1");
		*dep_dev = described_score(meta, "dependency_las");
	}
	train_article_free(&file);
	return ok;
}

int train_main(int argc, char **argv)
{
	const char *data = "../shared/data/polnear", *output = "models/news.wsm", *commit = "unknown";
	const char *taggers_from = NULL, *dump_roles = NULL, *attach_neural = NULL, *name = "news";
	train_settings settings = {1, 12, false};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(train_help, stdout);
			return 0;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			settings.quiet = true;
			continue;
		}
		char *end = NULL;
		if (!value) {
			cli_message("train: unknown option or missing value: %s", a);
			return 2;
		} else if (strcmp(a, "--data") == 0)
			data = value;
		else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
			output = value;
		else if (strcmp(a, "--commit") == 0)
			commit = value;
		else if (strcmp(a, "--taggers-from") == 0)
			taggers_from = value;
		else if (strcmp(a, "--dump-roles") == 0)
			dump_roles = value;
		else if (strcmp(a, "--attach-neural") == 0)
			attach_neural = value;
		else if (strcmp(a, "--name") == 0)
			name = value;
		else if (strcmp(a, "--seed") == 0)
			settings.seed = strtoull(value, &end, 10);
		else if (strcmp(a, "--epochs") == 0)
			settings.epochs = (unsigned)strtoul(value, &end, 10);
		else {
			cli_message("train: unknown option: %s", a);
			return 2;
		}
		if (end && (*end || end == value || (strcmp(a, "--epochs") == 0 && settings.epochs == 0))) {
			cli_message("train: %s needs a positive number, not '%s'", a, value);
			return 2;
		}
		i++;
	}

	if (attach_neural) {
		if (!taggers_from) {
			cli_message("train: --attach-neural needs --taggers-from MODEL");
			return 2;
		}
		return train_attach_neural(taggers_from, attach_neural, output);
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ws_labels pos_labels, rel_labels;
	silver_split silver_train = {0}, silver_dev = {0};
	annotated_split roles_train = {0}, roles_dev = {0};
	ws_writer pos = {0}, ner = {0}, dep = {0}, roles = {0}, meta = {0}, file = {0};
	ws_model *model = NULL;
	double pos_dev = 0, ner_dev = 0, dep_dev = 0, roles_dev_f1 = 0;
	int status = 1;

	if (taggers_from) {
		if (!reuse_taggers(taggers_from, &pos, &ner, &dep, &pos_dev, &ner_dev, &dep_dev))
			goto done;
	} else {
		if (!silver_labels(data, SILVER_POS, &pos_labels) || !silver_labels(data, SILVER_DEPREL, &rel_labels) ||
		    !silver_read(data, "train", &pos_labels, &rel_labels, &silver_train) ||
		    !silver_read(data, "dev", &pos_labels, &rel_labels, &silver_dev))
			goto done;
		train_progress(&settings, "silver: %zu training and %zu dev words, %u part-of-speech tags",
			       silver_train.nwords, silver_dev.nwords, pos_labels.count);
		if (!train_pos(&settings, &silver_train, &silver_dev, &pos, &pos_dev))
			goto done;
		ws_linear pos_model;
		ws_section pos_view = {"POS", pos.data, pos.len, 0};
		if (ws_linear_load(&pos_model, ws_allocator_or_default(NULL), &pos_view, NULL) != WS_OK)
			goto done;
		bool ner_ok = train_ner(&settings, &silver_train, &silver_dev, &pos_model, &ner, &ner_dev);
		ws_linear_free(&pos_model, ws_allocator_or_default(NULL));
		if (!ner_ok || !train_parser(&settings, &silver_train, &silver_dev, &dep, &dep_dev))
			goto done;
		silver_free(&silver_train);
		silver_free(&silver_dev);
	}

	if (!annotated_read(data, "train", &roles_train) || !annotated_read(data, "dev", &roles_dev))
		goto done;
	/* The labeller trains on top of a model that already holds the two
	 * taggers; its own section starts empty. */
	ws_labels role_labels;
	ws_labels_set(&role_labels, ws_role_label_names, WS_ROLE_LABELS);
	ws_learner *empty = ws_learner_new(&role_labels);
	bool saved = empty && ws_learner_save(empty, 1.0f, &roles);
	ws_learner_free(empty);
	if (!saved)
		goto done;
	char partial_meta[] = "{}";
	ws_write_bytes(&meta, partial_meta, strlen(partial_meta));
	ws_section_source parts[] = {{"META", &meta}, {"POS", &pos}, {"NER", &ner}, {"DEP", &dep}, {"ATTR", &roles}};
	ws_error err;
	if (!ws_container_write(&file, WS_FEATURE_SET_VERSION, parts, 5) ||
	    ws_model_open_memory(file.data, file.len, NULL, &model, &err) != WS_OK) {
		cli_message("train: cannot assemble the taggers: %s", err.message);
		goto done;
	}
	if (dump_roles) {
		/* The neural trainer's data: written, and nothing trained. */
		char *tr = cli_format("%s/train.tsv", dump_roles), *dv = cli_format("%s/dev.tsv", dump_roles);
		bool dumped = tr && dv && train_roles_dump(model, &roles_train, tr) && train_roles_dump(model, &roles_dev, dv);
		if (dumped)
			train_progress(&settings, "labeller inputs written to %s and %s", tr, dv);
		free(tr);
		free(dv);
		status = dumped ? 0 : 1;
		goto done;
	}
	roles.len = 0;
	if (!train_roles(&settings, model, &roles_train, &roles_dev, &roles, &roles_dev_f1))
		goto done;

	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	double elapsed = seconds_since(&t0);
	meta.len = 0;
	char *text = cli_format(
		"{\"name\": \"%s\", \"feature_set\": %u, \"trained_on\": \"PolNeAR v1.0.0 train split "
		"(silver CoreNLP tags for the taggers, brat attributions for the labeller)\", "
		"\"selected_on\": \"PolNeAR dev split\", \"seed\": %llu, \"max_epochs\": %u, "
		"\"commit\": \"%s\", \"dev\": {\"pos_accuracy\": %.4f, \"ner_f1\": %.4f, "
		"\"dependency_las\": %.4f, \"role_span_f1\": %.4f}, \"training_seconds\": %.1f, \"training_peak_rss_mib\": %.0f}",
		name, WS_FEATURE_SET_VERSION, (unsigned long long)settings.seed, settings.epochs, commit, pos_dev,
		ner_dev, dep_dev, roles_dev_f1, elapsed, usage.ru_maxrss / 1024.0);
	if (!text)
		goto done;
	ws_write_bytes(&meta, text, strlen(text));
	free(text);
	if (!ws_container_write(&file, WS_FEATURE_SET_VERSION, parts, 5) || !write_file(output, &file))
		goto done;
	train_progress(&settings, "wrote %s (%zu bytes) in %.1f s, peak memory %.0f MiB", output, file.len,
		       elapsed, usage.ru_maxrss / 1024.0);
	status = 0;
done:
	if (status)
		cli_message("train: failed");
	ws_model_free(model);
	silver_free(&silver_train);
	silver_free(&silver_dev);
	annotated_free(&roles_train);
	annotated_free(&roles_dev);
	ws_writer_free(&pos);
	ws_writer_free(&ner);
	ws_writer_free(&dep);
	ws_writer_free(&roles);
	ws_writer_free(&meta);
	ws_writer_free(&file);
	return status;
}
