/*
 * fuzz.h — the entry points every harness in fuzz/ defines, as libFuzzer,
 * AFL++ and the replay driver (replay.c) call them.
 *
 * The harnesses are plain LLVMFuzzerTestOneInput() functions, so the same
 * source builds for libFuzzer (clang -fsanitize=fuzzer), for AFL++
 * (afl-clang-fast with its libAFLDriver) and, with replay.c's main(), as an
 * ordinary program that `make test` runs over the committed corpora and
 * past crashes.  fuzz/README.md has the commands.
 *
 * A harness rejects nothing by returning non-zero: every input is one the
 * code under test must survive, and an invariant that fails aborts (a
 * crash for the fuzzer), because a wrong offset is a bug even when
 * nothing reads out of bounds yet.
 */
#ifndef WS_FUZZ_H
#define WS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: once, before the first input (the model, the server). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant of the code under test: abort with where and what. */
#define FUZZ_CHECK(cond)                                                                      \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                              \
		}                                                                             \
	} while (0)

#endif /* WS_FUZZ_H */
