# whosaid — build, test, evaluate, benchmark.  `make help` lists the targets.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Iinclude
LIBFLAGS = -DWS_BUILDING_LIBRARY -fvisibility=hidden -fPIC
BUILD   ?= build

LIB_SRC  = $(wildcard src/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC  = $(wildcard cli/*.c)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)

all: $(BUILD)/whosaid $(BUILD)/libwhosaid.a

$(BUILD)/src/%.o: src/%.c include/whosaid.h src/internal.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LIBFLAGS) -c $< -o $@

$(BUILD)/cli/%.o: cli/%.c include/whosaid.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c $< -o $@

$(BUILD)/libwhosaid.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/whosaid: $(CLI_OBJ) $(BUILD)/libwhosaid.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -ljansson

clean:
	rm -rf $(BUILD)

.PHONY: all clean
