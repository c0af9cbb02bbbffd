/*
 * replay.c — run a harness over files, without a fuzzer: the main() that
 * `make test` links each harness with, to replay the committed seed corpus
 * (fuzz/corpus/HARNESS/) and every input that once crashed it
 * (fuzz/crashes/HARNESS/), so that a fixed bug stays fixed.
 *
 *     build/fuzz/replay_text FILE|DIR...
 *
 * Each FILE, and each regular file directly inside each DIR (in name
 * order, so that runs are alike), is handed to LLVMFuzzerTestOneInput()
 * once, after LLVMFuzzerInitialize() when the harness has one.  A crash is
 * a crash of this program (under the sanitizers of `make sanitize`, a
 * report and exit 99), so the caller needs only the exit status.  Prints
 * "replay_NAME: N inputs" at the end.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* Weak, so that harnesses without an initializer link too. */
#if defined(__GNUC__)
#pragma weak LLVMFuzzerInitialize
#endif

static size_t replayed;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *data = malloc(cap);
	for (size_t n; data && (n = fread(data + len, 1, cap - len, f)) > 0;) {
		len += n;
		if (len == cap) {
			uint8_t *bigger = realloc(data, cap * 2);
			if (!bigger) {
				free(data);
				data = NULL;
				break;
			}
			data = bigger;
			cap *= 2;
		}
	}
	int failed = ferror(f) || !data;
	fclose(f);
	if (failed) {
		fprintf(stderr, "replay: %s: cannot read it\n", path);
		free(data);
		return 1;
	}
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	replayed++;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_directory(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);
	int failed = 0;
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		if (names[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name) < (int)sizeof path &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode))
			failed |= replay_file(path);
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char **argv)
{
	int failed = 0;
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			failed |= replay_directory(argv[i]);
		else
			failed |= replay_file(argv[i]);
	}
	const char *name = strrchr(argv[0], '/');
	printf("%s: %zu inputs\n", name ? name + 1 : argv[0], replayed);
	return failed;
}
