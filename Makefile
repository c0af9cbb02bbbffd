# whosaid — build, test, evaluate, benchmark.  `make help` lists the targets.
#
# The library: every .c under src/ goes into build/libwhosaid.a (and .so).
# The command: cli/, front/, store/, server/ and train/ into build/whosaid.
# Every tests/test_*.c becomes its own cmocka binary build/tests/test_*.
# docs/architecture.md says what each folder holds and may include.
# Variables worth overriding: CC, CFLAGS, LDFLAGS, BUILD (the output folder),
# SHARED (where the shared data and scorer live, ../shared by default).
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Iinclude
LIBFLAGS = -iquote src -DWS_BUILDING_LIBRARY -fvisibility=hidden -fPIC
DEPFLAGS = -MMD -MP
BUILD   ?= build
SHARED  ?= ../shared
PYTHON  ?= python3
# What a program linked with the library needs: utf8proc (Unicode
# categories, normalisation and case folding) and libm.
LIB_LIBS = -lutf8proc -lm

LIB_SRC  = $(wildcard src/*.c src/*/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
# The command's folders, from the top down: each includes only the public
# header and the folders after it in this list (train/ also the library's
# internals).
CMD_DIRS = cli server store train front
CLI_SRC  = $(foreach d,$(CMD_DIRS),$(wildcard $(d)/*.c))
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZ_NAMES  = text quotes pipeline jsonl model http
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)
FUZZ_BIN    = $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

# Tests of internal stages include the library's own headers, so they see src/; they link
# the library's object files rather than the archive so that every hidden
# symbol is reachable, whatever the archive's member order.
TEST_CPPFLAGS = -iquote src
TEST_LIBS     = -lcmocka $(LIB_LIBS)

# The sanitizer build: the whole suite, rebuilt into its own folder.
ASAN_BUILD  = build-asan
ASAN_FLAGS  = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

all: $(BUILD)/whosaid $(BUILD)/libwhosaid.a $(BUILD)/libwhosaid.so

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LIBFLAGS) $(DEPFLAGS) -c $< -o $@

# The server's page is assembled into the binary from server/page/.
$(BUILD)/server/serve_page.o: $(wildcard server/page/*)

# The trainer and the model inspector work inside the library's internals.
$(BUILD)/train/%.o: CPPFLAGS += -iquote src

# The command's folders (src/ and tests/ have rules of their own above and below).
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -iquote . $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libwhosaid.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The shared library, for the Python package (python/): only the public
# API is visible in it (-fvisibility=hidden, WS_API).
$(BUILD)/libwhosaid.so: $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libwhosaid.so -o $@ $^ $(LIB_LIBS)

$(BUILD)/whosaid: $(CLI_OBJ) $(BUILD)/libwhosaid.a
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $^ -lmicrohttpd -lsqlite3 -ljansson $(LIB_LIBS)

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(TEST_BIN): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# The store's tests take its files from the store's folder.
STORE_TEST_OBJ = $(BUILD)/store/store.o $(BUILD)/store/speaker_key.o $(BUILD)/store/quote_clusters.o
$(BUILD)/tests/test_speaker_key.o $(BUILD)/tests/test_quote_clusters.o: TEST_CPPFLAGS += -iquote .
$(BUILD)/tests/test_speaker_key $(BUILD)/tests/test_quote_clusters: $(STORE_TEST_OBJ)
$(BUILD)/tests/test_speaker_key $(BUILD)/tests/test_quote_clusters: TEST_LIBS += -lsqlite3 -ljansson

# The fuzz harnesses (fuzz/README.md).  They link the library's objects
# and the command's parts but its main(), from an archive so that each
# takes only what it calls.  Each harness is built twice: as replay_NAME
# with the compiler and flags of this build and fuzz/replay.c's main(),
# which `make test` runs over the committed inputs, and as fuzz_NAME with
# clang's libFuzzer, which `make fuzz-smoke` builds in $(FUZZ_BUILD).
FUZZ_LIBS = -pthread -lmicrohttpd -lsqlite3 -ljansson $(LIB_LIBS)

$(BUILD)/libwhosaid-cli.a: $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -iquote src -iquote . $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_REPLAY): $(BUILD)/fuzz/replay_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/replay.o $(LIB_OBJ) $(BUILD)/libwhosaid-cli.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FUZZ_LIBS)

FUZZ_ENGINE = -fsanitize=fuzzer
$(FUZZ_BIN): $(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(LIB_OBJ) $(BUILD)/libwhosaid-cli.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FUZZ_ENGINE) $(FUZZ_LIBS)

# Every harness over its seed corpus and its past crashes, once.
fuzz-replay: $(FUZZ_REPLAY)
	@WHOSAID_MODEL_DIR=$(CURDIR)/models fuzz/replay.sh $(BUILD)/fuzz

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
	@WHOSAID_MODEL_DIR=$(CURDIR)/models fuzz/smoke.sh $(FUZZ_BUILD)/fuzz $(BUILD)/fuzz-smoke $(FUZZ_SECONDS) $(FUZZ_NAMES)

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
# The unit tests and fuzz replays, one folder deeper than the command, are
# told where the models are; the command finds them itself (../models).
test: build-tests
	@unit=0; cli=0; fuzz=0; \
	WHOSAID_MODEL_DIR=$(CURDIR)/models scripts/run_unit_tests.sh $(TEST_BIN) || unit=1; \
	WHOSAID=$(BUILD)/whosaid tests/run_cli_tests.sh || cli=1; \
	WHOSAID_MODEL_DIR=$(CURDIR)/models fuzz/replay.sh $(BUILD)/fuzz || fuzz=1; \
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
	WHOSAID_MODEL_DIR=$(CURDIR)/models RUNNER="$(VALGRIND)" scripts/run_unit_tests.sh $(TEST_BIN) || unit=1; \
	WHOSAID="$(VALGRIND) $(BUILD)/whosaid" tests/run_cli_tests.sh || cli=1; \
	test $$unit = 0 && test $$cli = 0
	$(VALGRIND) $(BUILD)/whosaid --quiet --format jsonl examples $(wildcard $(SHARED)/data/polnear/dev/text) > /dev/null

# The Python package (python/), pip-installed without network into a fresh
# virtual environment of Debian's Python (whose pytest, pandas and Dask it
# sees: python3-pytest, python3-pandas, python3-distributed; not whatever
# python3 comes first on PATH), where pip builds the C library from the
# sources itself (python/setup.py); then its tests there.
DEBIAN_PYTHON ?= /usr/bin/python3
python-test: all
	rm -rf $(BUILD)/venv python/build python/whosaid.egg-info
	$(DEBIAN_PYTHON) -m venv --system-site-packages $(BUILD)/venv
	$(BUILD)/venv/bin/pip install --quiet --no-build-isolation --no-index ./python
	rm -rf python/build python/whosaid.egg-info
	cd $(BUILD) && WHOSAID=$(CURDIR)/$(BUILD)/whosaid REPO=$(CURDIR) venv/bin/python -m pytest -q $(CURDIR)/python/tests
.PHONY: python-test

# extract_many() with 1 and 2 threads: seconds, MB/s and the speed-up
# (bench/python_threads.py), in the environment python-test made.
bench-python: python-test
	$(BUILD)/venv/bin/python bench/python_threads.py
.PHONY: bench-python

# The server's page in Debian's Chromium, driven by playwright-core from npm
# (tests/browser; `scripts/install.sh --dev` installs both).  Screenshots
# are kept in $(BUILD)/browser/ as the test's artifacts.  The store holds the
# generated corpus and two invented archive articles (tests/browser/), one
# indexed with --no-text as an article stored before the store kept texts.
browser-test: all
	@command -v node >/dev/null && test -x /usr/bin/chromium || \
		{ echo "browser-test: needs node and /usr/bin/chromium (scripts/install.sh --dev)" >&2; exit 2; }
	@test -d tests/browser/node_modules/playwright-core || (cd tests/browser && npm ci --no-audit --no-fund)
	@mkdir -p $(BUILD)/browser
	@rm -f $(BUILD)/browser/q.db*
	@$(PYTHON) tests/corpus/make_corpus.py --articles 60 > $(BUILD)/browser/corpus.jsonl
	@$(BUILD)/whosaid index --db $(BUILD)/browser/q.db --jsonl $(BUILD)/browser/corpus.jsonl -q
	@$(BUILD)/whosaid index --db $(BUILD)/browser/q.db --jsonl tests/browser/archive.jsonl -q
	@$(BUILD)/whosaid index --db $(BUILD)/browser/q.db --jsonl --no-text tests/browser/archive-old.jsonl -q
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

# Every shipped model on dev, spans and speakers, each checked against its
# floors in tests/accuracy_gate.json (speakers under "speakers:MODEL").
GATED_MODELS = rules news perceptron
eval-gate: all
	@for m in $(GATED_MODELS); do \
		$(MAKE) --no-print-directory eval MODEL=$$m || exit 1; \
		$(PYTHON) tools/check_accuracy_gate.py --scores $(BUILD)/eval/$$m/dev-scores.json \
			--gate tests/accuracy_gate.json --model $$m || exit 1; \
		$(MAKE) --no-print-directory speaker-eval MODEL=$$m || exit 1; \
		$(PYTHON) tools/check_accuracy_gate.py --scores $(BUILD)/speaker-eval/$$m/dev-speakers.json \
			--gate tests/accuracy_gate.json --model speakers:$$m || exit 1; \
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
	@test -d $(SHARED)/data/polnear/train/text -a -d $(SHARED)/data/polnear/dev/text -a -f $(SHARED)/data/polnear/silver/train.conllu || \
		{ echo "make models: needs PolNeAR's train and dev splits with their CoreNLP silver tags in $(SHARED)/data/polnear" \
			"(train/text, train/attributions, dev/..., silver/train.conllu, silver/dev.conllu); set SHARED=DIR to" \
			"the folder that holds data/polnear, or keep the shipped models/news.wsm" >&2; exit 2; }
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

# Speaker resolution on PolNeAR dev, scored by the shared scorer against the
# hand annotation of who every gold source is (speakers-dev): per way a source
# is written, the share resolved to the right name, who_said_what end to end,
# and gender (see docs/accuracy.md).  Results in $(BUILD)/speaker-eval/MODEL/.
SPEAKER_GOLD = $(SHARED)/data/polnear/speakers-dev
speaker-eval: all
	@test -d $(SHARED)/data/polnear/dev/text -a -d $(SPEAKER_GOLD) || { echo "speaker-eval: $(SHARED)/data/polnear/dev/text or $(SPEAKER_GOLD) not found (set SHARED=DIR to the shared folder)" >&2; exit 2; }
	@mkdir -p $(BUILD)/speaker-eval/$(MODEL)
	$(BUILD)/whosaid --format jsonl --model $(MODEL) $(SHARED)/data/polnear/dev/text/*.txt > $(BUILD)/speaker-eval/$(MODEL)/dev.jsonl
	$(PYTHON) $(SHARED)/eval/speaker_eval.py --gold $(SPEAKER_GOLD) --texts $(SHARED)/data/polnear/dev/text \
		--pred $(BUILD)/speaker-eval/$(MODEL)/dev.jsonl --json $(BUILD)/speaker-eval/$(MODEL)/dev-speakers.json
.PHONY: speaker-eval models

# The pronoun ranker (src/stages/6_speakers_ranker.h): features of every he/she of the
# train split as speakers.c computes them, fitted to the silver CoreNLP
# coreference chains of the pronouns inside gold sources by
# tools/train_speaker_ranker.py (MODEL=news: the name tagger's names).
$(BUILD)/tools/speaker_features: train/dump/speaker_features.c $(BUILD)/libwhosaid.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -iquote src $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/libwhosaid.a $(LIB_LIBS)
speaker-ranker: $(BUILD)/tools/speaker_features
	WHOSAID_MODEL_DIR=$(CURDIR)/models $(BUILD)/tools/speaker_features $(MODEL) $(SHARED)/data/polnear/train/text/*.txt > $(BUILD)/speaker-rows.tsv
	$(PYTHON) tools/train_speaker_ranker.py --rows $(BUILD)/speaker-rows.tsv \
		--conllu $(SHARED)/data/polnear/silver/train.conllu --coref $(SHARED)/data/polnear/silver/train.coref.jsonl \
		--sources $(SHARED)/data/polnear/train/attributions --seed $(SEED) > src/stages/6_speakers_ranker.h.tmp
	mv src/stages/6_speakers_ranker.h.tmp src/stages/6_speakers_ranker.h
.PHONY: speaker-ranker

# Load time, throughput and memory of MODEL on the dev split repeated to 50 MB
# (see docs/performance.md); bench-all does the same for each model in turn.
bench: all
	@SHARED=$(SHARED) WHOSAID=$(BUILD)/whosaid MODEL=$(MODEL) BENCH_DIR=$(BUILD)/bench PYTHON=$(PYTHON) bench/run.sh

# This build against an earlier commit BASE (any git revision), turn about
# on the 1/16 corpus, one thread: the ratio of CPU times and whether the
# output stayed the same; CALLGRIND=1 also counts instructions
# (bench/compare.py, docs/performance.md).
BASE ?= HEAD
bench-compare: all
	@test -d $(SHARED)/data/polnear/dev/text || { echo "bench-compare: $(SHARED)/data/polnear/dev/text not found" >&2; exit 2; }
	$(PYTHON) bench/compare.py --base $(BASE) --whosaid $(BUILD)/whosaid --model $(MODEL) \
		--texts $(SHARED)/data/polnear/dev/text --dir $(BUILD)/bench $(if $(CALLGRIND),--callgrind)
.PHONY: bench-compare

# `whosaid index` on 1,000, 4,000 and 16,000 dev articles: articles/s, MB/s,
# peak memory and store size (docs/performance.md).
bench-index: all
	@test -d $(SHARED)/data/polnear/dev/text || { echo "bench-index: $(SHARED)/data/polnear/dev/text not found" >&2; exit 2; }
	$(PYTHON) bench/index_bench.py --whosaid $(BUILD)/whosaid --model $(MODEL) \
		--texts $(SHARED)/data/polnear/dev/text --dir $(BUILD)/bench
.PHONY: bench-index

# Every attack on the server and the store of docs/robustness.md, against
# the real server on loopback (also part of make test).
attack-test: all
	python3 tests/server/attack_test.py $(BUILD)/whosaid
.PHONY: attack-test

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

# The man page and the bash completion, from the --help texts of the
# built command (tools/docs_from_help.py).
$(BUILD)/whosaid.1 $(BUILD)/whosaid.bash: $(BUILD)/whosaid tools/docs_from_help.py
	$(PYTHON) tools/docs_from_help.py --whosaid $(BUILD)/whosaid --man $(BUILD)/whosaid.1 \
		--completion $(BUILD)/whosaid.bash
man: $(BUILD)/whosaid.1

# The pkg-config file, for programs that link libwhosaid.
WS_VERSION_NUMBER = $(shell sed -n 's/^\#define WS_VERSION "\(.*\)"/\1/p' include/whosaid.h)
$(BUILD)/whosaid.pc: include/whosaid.h
	@mkdir -p $(BUILD)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: whosaid' 'Description: who said what, to whom: quotes and reported speech in news' \
		'Version: $(WS_VERSION_NUMBER)' 'Libs: -L$${libdir} -lwhosaid' 'Libs.private: $(LIB_LIBS)' \
		'Cflags: -I$${includedir}' > $@

# make install PREFIX=DIR (default /usr/local; DESTDIR for staging): the
# command, the libraries, the header, pkg-config, the models (found there
# from the installed command or library, docs/architecture.md), the man
# page and the bash completion.  make uninstall removes exactly those.
PREFIX  ?= /usr/local
INSTALL ?= install
INSTALLED = bin/whosaid lib/libwhosaid.a lib/libwhosaid.so include/whosaid.h lib/pkgconfig/whosaid.pc \
	$(patsubst models/%,share/whosaid/models/%,$(wildcard models/*.wsm models/manifest.json)) \
	share/man/man1/whosaid.1 share/bash-completion/completions/whosaid
install: all $(BUILD)/whosaid.1 $(BUILD)/whosaid.bash
	@rm -f $(BUILD)/whosaid.pc
	$(MAKE) --no-print-directory $(BUILD)/whosaid.pc PREFIX=$(PREFIX)
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include \
		$(DESTDIR)$(PREFIX)/share/whosaid/models $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	$(INSTALL) -m 755 $(BUILD)/whosaid $(DESTDIR)$(PREFIX)/bin/whosaid
	$(INSTALL) -m 644 $(BUILD)/libwhosaid.a $(DESTDIR)$(PREFIX)/lib/libwhosaid.a
	$(INSTALL) -m 755 $(BUILD)/libwhosaid.so $(DESTDIR)$(PREFIX)/lib/libwhosaid.so
	$(INSTALL) -m 644 include/whosaid.h $(DESTDIR)$(PREFIX)/include/whosaid.h
	$(INSTALL) -m 644 $(BUILD)/whosaid.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/whosaid.pc
	$(INSTALL) -m 644 $(wildcard models/*.wsm models/manifest.json) $(DESTDIR)$(PREFIX)/share/whosaid/models/
	$(INSTALL) -m 644 $(BUILD)/whosaid.1 $(DESTDIR)$(PREFIX)/share/man/man1/whosaid.1
	$(INSTALL) -m 644 $(BUILD)/whosaid.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/whosaid
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALLED))
	-rmdir $(DESTDIR)$(PREFIX)/share/whosaid/models $(DESTDIR)$(PREFIX)/share/whosaid 2>/dev/null

# Install into a temporary prefix, move the build tree away, and use what
# was installed: the command with its models, the man page, the
# completion, pkg-config with a program linked against the library; then
# uninstall and check that nothing is left (tests/install_test.sh).
install-test: all
	tests/install_test.sh

# Every command of the README, on a fresh clone of the committed tree
# (tests/readme_test.py): the install, the build, the tests, the examples,
# the store, the server, the Python package.
readme-test:
	$(PYTHON) tests/readme_test.py
.PHONY: man install uninstall install-test readme-test

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
	@echo "make python-test      the Python package, pip-installed (and built) into a venv, under pytest (with Dask)"
	@echo "make eval             score the PolNeAR dev split ($(SHARED)/data/polnear), MODEL=news or rules"
	@echo "make eval-gate        eval and speaker-eval of every shipped model, checked against tests/accuracy_gate.json"
	@echo "make models           train models/perceptron.wsm and the neural models/news.wsm, rewrite models/manifest.json"
	@echo "make speaker-eval     whom each dev source is resolved to, by the shared scorer (MODEL=news)"
	@echo "make bench            load time, throughput and peak memory on a 50 MB corpus (MODEL=news)"
	@echo "make bench-all        make bench for each of $(BENCH_MODELS)"
	@echo "make bench-compare BASE=REV  this build against commit REV: CPU ratio, same output? (CALLGRIND=1)"
	@echo "make bench-python     the Python package's extract_many() on 1 and 2 threads"
	@echo "make bench-index      whosaid index: articles/s, MB/s, memory, store size per 1,000 articles"
	@echo "make attack-test      every attack on the server and the store, on loopback (docs/robustness.md)"
	@echo "make bench-serve      whosaid serve under wrk: requests/s, latency, failures, memory"
	@echo "make bench-pathological  time and memory on pathological inputs at 1x, 4x, 16x (both models)"
	@echo "make build-tests      build everything, tests included, run nothing"
	@echo "make install          install under PREFIX (default /usr/local; DESTDIR too); make uninstall"
	@echo "make install-test     install into a temporary prefix and use it with the build tree moved away"
	@echo "make readme-test      every command of the README on a fresh clone of the committed tree"
	@echo "make man              the man page build/whosaid.1 (and the bash completion) from the --help texts"
	@echo "make clean            remove every build folder"

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.d) $(wildcard $(BUILD)/fuzz/*.d)

.PHONY: all build-tests test sanitize sanitize-corpus run-corpus valgrind warnings eval eval-gate bench clean help
.SECONDARY:
