# whosaid — build, test, evaluate, benchmark.  `make help` lists the targets.
#
# Every src/*.c goes into build/libwhosaid.a, every cli/*.c into build/whosaid,
# every tests/test_*.c becomes its own cmocka binary build/tests/test_*.
# Variables worth overriding: CC, CFLAGS, LDFLAGS, BUILD (the output folder),
# SHARED (where the shared data and scorer live, ../shared by default).
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Iinclude
LIBFLAGS = -DWS_MODEL_DIR='"$(CURDIR)/models"' -DWS_BUILDING_LIBRARY -fvisibility=hidden -fPIC
DEPFLAGS = -MMD -MP
BUILD   ?= build
SHARED  ?= ../shared
PYTHON  ?= python3

LIB_SRC  = $(wildcard src/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC  = $(wildcard cli/*.c)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZ_NAMES  = text quotes pipeline jsonl model http
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)
FUZZ_BIN    = $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

# Tests of internal stages include "internal.h", so they see src/; they link
# the library's object files rather than the archive so that every hidden
# symbol is reachable, whatever the archive's member order.
TEST_CPPFLAGS = -iquote src
TEST_LIBS     = -lcmocka -lm

# The sanitizer build: the whole suite, rebuilt into its own folder.
ASAN_BUILD  = build-asan
ASAN_FLAGS  = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

all: $(BUILD)/whosaid $(BUILD)/libwhosaid.a $(BUILD)/libwhosaid.so

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LIBFLAGS) $(DEPFLAGS) -c $< -o $@

# The server's page is assembled into the binary from web/.
$(BUILD)/cli/serve_page.o: $(wildcard web/*)

# The trainer and the model inspector work inside the library's internals.
$(BUILD)/cli/train%: CPPFLAGS += -iquote src
$(BUILD)/cli/model_command.o: CPPFLAGS += -iquote src

$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libwhosaid.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The shared library, for the Python package (python/): only the public
# API is visible in it (-fvisibility=hidden, WS_API).
$(BUILD)/libwhosaid.so: $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libwhosaid.so -o $@ $^ -lm

$(BUILD)/whosaid: $(CLI_OBJ) $(BUILD)/libwhosaid.a
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $^ -lmicrohttpd -lsqlite3 -ljansson -lm

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(TEST_BIN): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# The store's tests take its two files from the command line's folder.
$(BUILD)/tests/test_speaker_key.o: TEST_CPPFLAGS += -iquote cli
$(BUILD)/tests/test_speaker_key: $(BUILD)/cli/store.o $(BUILD)/cli/speaker_key.o
$(BUILD)/tests/test_speaker_key: TEST_LIBS += -lsqlite3 -ljansson

# The fuzz harnesses (fuzz/README.md).  They link the library's objects
# and the command's parts but its main(), from an archive so that each
# takes only what it calls.  Each harness is built twice: as replay_NAME
# with the compiler and flags of this build and fuzz/replay.c's main(),
# which `make test` runs over the committed inputs, and as fuzz_NAME with
# clang's libFuzzer, which `make fuzz-smoke` builds in $(FUZZ_BUILD).
FUZZ_LIBS = -pthread -lmicrohttpd -lsqlite3 -ljansson -lm

$(BUILD)/libwhosaid-cli.a: $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -iquote src -iquote cli $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_REPLAY): $(BUILD)/fuzz/replay_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/replay.o $(LIB_OBJ) $(BUILD)/libwhosaid-cli.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FUZZ_LIBS)

FUZZ_ENGINE = -fsanitize=fuzzer
$(FUZZ_BIN): $(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(LIB_OBJ) $(BUILD)/libwhosaid-cli.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FUZZ_ENGINE) $(FUZZ_LIBS)

# Every harness over its seed corpus and its past crashes, once.
fuzz-replay: $(FUZZ_REPLAY)
	@fuzz/replay.sh $(BUILD)/fuzz

# Each harness under libFuzzer with ASan and UBSan for FUZZ_SECONDS, from
# its corpus and dictionary; fails on the first crash, leak or report.
# What the fuzzer finds goes to $(BUILD)/fuzz-smoke/, never into fuzz/:
# an input worth keeping is copied there by hand.
FUZZ_BUILD   = build-fuzz
FUZZ_CFLAGS  = -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 30
fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="$(FUZZ_CFLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		$(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz/fuzz_%)
fuzz-smoke: fuzz-build
	@fuzz/smoke.sh $(FUZZ_BUILD)/fuzz $(BUILD)/fuzz-smoke $(FUZZ_SECONDS) $(FUZZ_NAMES)

# The same harnesses for AFL++ (Debian's afl++): afl-clang-fast, and its
# driver in place of libFuzzer; run with afl-fuzz (fuzz/README.md).
AFL_BUILD  = build-afl
AFL_DRIVER = /usr/lib/afl/libAFLDriver.a
fuzz-afl:
	AFL_USE_ASAN=1 AFL_USE_UBSAN=1 $(MAKE) BUILD=$(AFL_BUILD) CC=afl-clang-fast CFLAGS="-O1 -g" \
		FUZZ_ENGINE="$(AFL_DRIVER) -lstdc++" $(FUZZ_NAMES:%=$(AFL_BUILD)/fuzz/fuzz_%)
.PHONY: fuzz-replay fuzz-build fuzz-smoke fuzz-afl

# Build everything, tests included, without running anything.
build-tests: all $(TEST_BIN) $(FUZZ_REPLAY)

# Unit tests (one cmocka binary per tests/test_*.c), then the golden
# command-line tests, then the fuzz harnesses over their committed inputs.
# Every runner closes on "N passed, N failed".  All run even when the first
# fails, so that one run shows every failure.
test: build-tests
	@unit=0; cli=0; fuzz=0; \
	scripts/run_unit_tests.sh $(TEST_BIN) || unit=1; \
	WHOSAID=$(BUILD)/whosaid tests/run_cli_tests.sh || cli=1; \
	fuzz/replay.sh $(BUILD)/fuzz || fuzz=1; \
	test $$unit = 0 && test $$cli = 0 && test $$fuzz = 0

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
# A sanitizer report exits 99, so it cannot pass for an expected exit status.
sanitize:
	ASAN_OPTIONS=detect_leaks=1:exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:exitcode=99 \
	$(MAKE) BUILD=$(ASAN_BUILD) CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)" test

# The sanitized whosaid over real text: the example, and the PolNeAR dev and
# train articles when $(SHARED) has them, in every output format.
sanitize-corpus:
	ASAN_OPTIONS=detect_leaks=1:exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:exitcode=99 \
	$(MAKE) BUILD=$(ASAN_BUILD) CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)" SHARED=$(SHARED) run-corpus

# Every output format over the corpus (used by sanitize-corpus and valgrind).
CORPUS = examples $(wildcard $(SHARED)/data/polnear/dev/text $(SHARED)/data/polnear/train/text)
run-corpus: all
	@for f in jsonl text tsv; do \
		echo "$(BUILD)/whosaid --quiet --format $$f $(CORPUS) > /dev/null"; \
		$(BUILD)/whosaid --quiet --format $$f $(CORPUS) > /dev/null || exit 1; \
	done
	@rm -rf $(BUILD)/corpus-brat
	$(BUILD)/whosaid --quiet --format brat --output-dir $(BUILD)/corpus-brat $(CORPUS)

# The unit and command-line tests under valgrind's memcheck, then the
# example article (the PolNeAR dev texts too when present).
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
valgrind: build-tests
	@unit=0; cli=0; \
	RUNNER="$(VALGRIND)" scripts/run_unit_tests.sh $(TEST_BIN) || unit=1; \
	WHOSAID="$(VALGRIND) $(BUILD)/whosaid" tests/run_cli_tests.sh || cli=1; \
	test $$unit = 0 && test $$cli = 0
	$(VALGRIND) $(BUILD)/whosaid --quiet --format jsonl examples $(wildcard $(SHARED)/data/polnear/dev/text) > /dev/null

# The Python package (python/): the shared library and the shipped model
# copied into it, then its tests with Debian's pytest, pandas and Dask
# (python3-pytest, python3-pandas, python3-distributed; /usr/bin/python3,
# whatever python3 comes first on PATH, since that is where Debian's
# packages are).  python-test also installs the package with pip, without
# network, into a fresh virtual environment, and runs the tests there.
DEBIAN_PYTHON ?= /usr/bin/python3
python: $(BUILD)/libwhosaid.so
	@mkdir -p python/whosaid/_lib
	cp $(BUILD)/libwhosaid.so models/news.wsm python/whosaid/_lib/
python-test: python
	rm -rf $(BUILD)/venv
	$(DEBIAN_PYTHON) -m venv --system-site-packages $(BUILD)/venv
	$(BUILD)/venv/bin/pip install --quiet --no-build-isolation --no-index ./python
	cd $(BUILD) && WHOSAID=$(CURDIR)/$(BUILD)/whosaid REPO=$(CURDIR) venv/bin/python -m pytest -q $(CURDIR)/python/tests
.PHONY: python python-test

# The server's page in Debian's Chromium, driven by playwright-core from npm
# (tests/browser; `scripts/install.sh --dev` installs both).  Screenshots
# are kept in $(BUILD)/browser/ as the test's artifacts.
browser-test: all
	@command -v node >/dev/null && test -x /usr/bin/chromium || \
		{ echo "browser-test: needs node and /usr/bin/chromium (scripts/install.sh --dev)" >&2; exit 2; }
	@test -d tests/browser/node_modules/playwright-core || (cd tests/browser && npm ci --no-audit --no-fund)
	@mkdir -p $(BUILD)/browser
	@rm -f $(BUILD)/browser/q.db*
	@$(PYTHON) tests/corpus/make_corpus.py --articles 60 > $(BUILD)/browser/corpus.jsonl
	@$(BUILD)/whosaid index --db $(BUILD)/browser/q.db --jsonl $(BUILD)/browser/corpus.jsonl -q
	cd tests/browser && WHOSAID=$(CURDIR)/$(BUILD)/whosaid STORE=$(CURDIR)/$(BUILD)/browser/q.db \
		OUT=$(CURDIR)/$(BUILD)/browser node page.test.mjs
.PHONY: browser-test

# Build with gcc and with clang, every warning an error.
warnings:
	$(MAKE) BUILD=build-gcc CC=gcc CFLAGS="-O2 -g -Werror" build-tests
	$(MAKE) BUILD=build-clang CC=clang CFLAGS="-O2 -g -Werror" build-tests

# The model that eval, speaker-eval and bench measure: the shipped learned
# model, or rules.
MODEL ?= news

# Score the dev split of PolNeAR (needs $(SHARED)); results in $(BUILD)/eval/MODEL/.
eval: all
	@SHARED=$(SHARED) WHOSAID=$(BUILD)/whosaid MODEL=$(MODEL) OUT=$(BUILD)/eval/$(MODEL) PYTHON=$(PYTHON) tools/eval.sh

# Both models on dev, each checked against its floors in tests/accuracy_gate.json.
GATED_MODELS = rules news perceptron
eval-gate: all
	@for m in $(GATED_MODELS); do \
		$(MAKE) --no-print-directory eval MODEL=$$m || exit 1; \
		$(PYTHON) tools/check_accuracy_gate.py --scores $(BUILD)/eval/$$m/dev-scores.json \
			--gate tests/accuracy_gate.json --model $$m || exit 1; \
	done

# Rebuild the shipped models from the data and describe them in
# models/manifest.json (SEED picks the random order of training).  First
# the perceptron model (the taggers, the parser and the perceptron
# labeller: models/perceptron.wsm); then the neural labeller
# (docs/models.md): the C pipeline writes its inputs, PyTorch learns it
# (TORCH_PYTHON, Debian's python3-torch, one thread) from them and the
# GloVe vectors, which tools/train_neural.py fetches with npm into
# VECTORS_CACHE, outside the repository, and checks; it is attached to
# the perceptron model's taggers as models/news.wsm.  Both are then
# scored on dev.
SEED ?= 1
VECTORS_CACHE ?= $(HOME)/.cache/whosaid
TORCH_PYTHON ?= /usr/bin/python3
NEURAL_HIDDEN ?= 32
NEURAL_EPOCHS ?= 8
NEURAL_BUILD = $(BUILD)/neural
models: all
	$(BUILD)/whosaid train --data $(SHARED)/data/polnear --seed $(SEED) --name perceptron \
		--commit $$(git rev-parse --short HEAD 2>/dev/null || echo unknown) -o models/perceptron.wsm
	@mkdir -p $(NEURAL_BUILD)
	$(BUILD)/whosaid train --data $(SHARED)/data/polnear --taggers-from models/perceptron.wsm --dump-roles $(NEURAL_BUILD)
	$(TORCH_PYTHON) tools/train_neural.py --data $(NEURAL_BUILD) --cache $(VECTORS_CACHE) --seed $(SEED) \
		--hidden $(NEURAL_HIDDEN) --epochs $(NEURAL_EPOCHS) --out $(NEURAL_BUILD)/labeller.neur \
		--report $(NEURAL_BUILD)/report.json
	$(BUILD)/whosaid train --taggers-from models/perceptron.wsm --attach-neural $(NEURAL_BUILD)/labeller.neur -o models/news.wsm
	$(MAKE) --no-print-directory eval MODEL=news
	$(MAKE) --no-print-directory eval MODEL=perceptron
	$(PYTHON) tools/model_manifest.py --scores $(BUILD)/eval/news/dev-scores.json \
		--scores $(BUILD)/eval/perceptron/dev-scores.json models/news.wsm models/perceptron.wsm > models/manifest.json.tmp
	mv models/manifest.json.tmp models/manifest.json

# Speaker resolution on PolNeAR dev: of the hand-checked gold sources that are a
# pronoun or a partial name (tests/speaker_resolution_gold.tsv), the share whose
# speaker is the right full name (see docs/accuracy.md).
speaker-eval: all
	@test -d $(SHARED)/data/polnear/dev/text || { echo "speaker-eval: $(SHARED)/data/polnear/dev/text not found (set SHARED=DIR to the shared folder)" >&2; exit 2; }
	@mkdir -p $(BUILD)/speaker-eval
	$(BUILD)/whosaid --format jsonl --model $(MODEL) $(SHARED)/data/polnear/dev/text/*.txt > $(BUILD)/speaker-eval/dev.jsonl
	$(PYTHON) tools/speaker_eval.py --gold tests/speaker_resolution_gold.tsv --texts $(SHARED)/data/polnear/dev/text \
		--pred $(BUILD)/speaker-eval/dev.jsonl --json $(BUILD)/speaker-eval/dev-speakers.json
.PHONY: speaker-eval models

# Load time, throughput and memory of MODEL on the dev split repeated to 50 MB
# (see docs/performance.md); bench-all does the same for each model in turn.
bench: all
	@SHARED=$(SHARED) WHOSAID=$(BUILD)/whosaid MODEL=$(MODEL) BENCH_DIR=$(BUILD)/bench PYTHON=$(PYTHON) bench/run.sh

# `whosaid index` on 1,000, 4,000 and 16,000 dev articles: articles/s, MB/s,
# peak memory and store size (docs/performance.md).
bench-index: all
	@test -d $(SHARED)/data/polnear/dev/text || { echo "bench-index: $(SHARED)/data/polnear/dev/text not found" >&2; exit 2; }
	$(PYTHON) bench/index_bench.py --whosaid $(BUILD)/whosaid --model $(MODEL) \
		--texts $(SHARED)/data/polnear/dev/text --dir $(BUILD)/bench
.PHONY: bench-index

# whosaid serve under wrk on loopback: requests/s, latency, failures, memory
# before and after (LOAD_SECONDS, LOAD_CONNECTIONS; docs/performance.md).
bench-serve: all
	WHOSAID=$(BUILD)/whosaid bench/serve_load.sh
.PHONY: bench-serve

# Pathological inputs (quotation marks in a row, deep nesting, no
# punctuation, a million short lines, only apostrophes) at 1x, 4x and 16x,
# generated under $(BUILD)/pathological: seconds, ratios and peak memory
# for the learned model and rules (docs/robustness.md).
bench-pathological: all
	$(PYTHON) bench/pathological.py --whosaid $(BUILD)/whosaid --dir $(BUILD)/pathological
.PHONY: bench-pathological

BENCH_MODELS = rules news perceptron
bench-all: all
	@for m in $(BENCH_MODELS); do \
		$(MAKE) --no-print-directory bench MODEL=$$m || exit 1; \
	done
.PHONY: bench-all

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(AFL_BUILD) build-gcc build-clang

help:
	@echo "make                  build $(BUILD)/whosaid and $(BUILD)/libwhosaid.a"
	@echo "make test             unit tests (cmocka) and golden command-line tests"
	@echo "make sanitize         the test suite under ASan+UBSan, built in $(ASAN_BUILD)/"
	@echo "make sanitize-corpus  the sanitized whosaid over the example and PolNeAR texts"
	@echo "make valgrind         the test suite and the example under valgrind memcheck"
	@echo "make warnings         build with gcc and clang, warnings as errors"
	@echo "make fuzz-smoke       each fuzz harness under libFuzzer for FUZZ_SECONDS (default $(FUZZ_SECONDS))"
	@echo "make fuzz-replay      each fuzz harness over its corpus and past crashes (part of make test)"
	@echo "make browser-test     the server's page in headless Chromium (needs scripts/install.sh --dev)"
	@echo "make python-test      the Python package, pip-installed into a venv, under pytest (with Dask)"
	@echo "make eval             score the PolNeAR dev split ($(SHARED)/data/polnear), MODEL=news or rules"
	@echo "make eval-gate        eval of both models, each checked against tests/accuracy_gate.json"
	@echo "make models           train models/perceptron.wsm and the neural models/news.wsm, rewrite models/manifest.json"
	@echo "make speaker-eval     speaker resolution of pronoun and partial-name sources on dev (MODEL=news)"
	@echo "make bench            load time, throughput and peak memory on a 50 MB corpus (MODEL=news)"
	@echo "make bench-all        make bench for each of $(BENCH_MODELS)"
	@echo "make bench-index      whosaid index: articles/s, MB/s, memory, store size per 1,000 articles"
	@echo "make bench-serve      whosaid serve under wrk: requests/s, latency, failures, memory"
	@echo "make bench-pathological  time and memory on pathological inputs at 1x, 4x, 16x (both models)"
	@echo "make build-tests      build everything, tests included, run nothing"
	@echo "make clean            remove every build folder"

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.d) $(wildcard $(BUILD)/fuzz/*.d)

.PHONY: all build-tests test sanitize sanitize-corpus run-corpus valgrind warnings eval eval-gate bench clean help
.SECONDARY:
