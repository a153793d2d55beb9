# linli build. `make` builds the server and the console; `make run` serves the
# demo; `make test` runs every suite; `make bench` measures. Plain make, one
# pkg-config call per library, a clear message naming the Debian package.
SHELL := /bin/bash
CC ?= cc
BUILD := build
BIN := $(BUILD)/linli

# pkg-config name → Debian package that provides it
DEPS := libmicrohttpd:libmicrohttpd-dev jansson:libjansson-dev sqlite3:libsqlite3-dev libpq:libpq-dev libsodium:libsodium-dev \
        geos:libgeos-dev xlsxwriter:libxlsxwriter-dev libcurl:libcurl4-openssl-dev
TEST_DEPS := cmocka:libcmocka-dev
PKGS := $(foreach d,$(DEPS),$(firstword $(subst :, ,$(d))))

define check_pkg
$(if $(shell pkg-config --exists $(firstword $(subst :, ,$(1))) && echo ok),,$(error missing library $(firstword $(subst :, ,$(1))): install the Debian package $(lastword $(subst :, ,$(1))) (or run `make run`, which installs it)))
endef

ifeq ($(filter deps clean distclean help,$(MAKECMDGOALS)),)
ifneq ($(MAKECMDGOALS),)
ifneq ($(filter run test bench,$(MAKECMDGOALS)),)
# run/test/bench install first (see the deps target); check after that, in the sub-make
else
$(foreach d,$(DEPS),$(call check_pkg,$(d)))
endif
else
$(foreach d,$(DEPS),$(call check_pkg,$(d)))
endif
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter -Wno-missing-field-initializers -Wvla -Wpointer-arith -Wundef
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -pthread -Isrc -I$(BUILD)/gen $(WARN) -MMD -MP
CFLAGS ?= -O2 -g
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRCS := $(shell find src -name '*.c' | sort)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
EMBED_INPUTS := $(sort $(wildcard src/store/migrations/*/*.sql)) $(sort $(wildcard data/calendar/*.csv)) \
                $(sort $(wildcard data/categories/*.csv))
GEN := $(BUILD)/gen/embedded.c

OBJS := $(SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
ASAN_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/gen/embedded.o

UNIT_SRCS := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/asan/tests/%)

WEB_SRCS := $(shell find web/src web/public -type f 2>/dev/null) $(wildcard web/index.html web/vite.config.* web/package.json)

.PHONY: all deps run test unit bench clean distclean help web
all: $(BIN) $(BUILD)/linli-asan web

help:
	@echo "make run    install what is missing, build, create the demo database, serve on :8080"
	@echo "make test   install, build, run every test (unit, API, browser)"
	@echo "make bench  load-test on loopback and compare with baselines"

deps:
	@tools/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run-demo.sh

test: deps
	@$(MAKE) --no-print-directory all unit node_modules/.stamp
	@tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh
	@bench/backends.sh
	@bench/registers.sh
	@bench/requests.sh

$(BIN): $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(HARDEN) -pie -pthread -o $@ $^ $(PKG_LIBS) -lm

# The same server under ASan and UBSan, for the API tests' sanitizer pass.
$(BUILD)/linli-asan: $(ASAN_LIB_OBJS) $(BUILD)/asan/src/main.o
	@echo "  LD      $@"
	@$(CC) $(ASAN_FLAGS) -pthread -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BASE_CFLAGS) $(CFLAGS) $(HARDEN) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/embedded.o: $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(HARDEN) -c -o $@ $<

$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-ASAN $<"
	@$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/asan/gen/embedded.o: $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(GEN): tools/embed.sh $(EMBED_INPUTS)
	@mkdir -p $(dir $@)
	@echo "  EMBED   $(EMBED_INPUTS)"
	@tools/embed.sh $@ $(EMBED_INPUTS)

$(BUILD)/asan/libtest.a: $(ASAN_LIB_OBJS)
	@rm -f $@ && ar rcs $@ $^

# Unit tests link the archive, so a test may #include the .c it tests
# (to reach static functions) and the archive's copy is simply not pulled.
$(BUILD)/asan/tests/%: tests/unit/%.c $(BUILD)/asan/libtest.a tests/unit/testutil.h
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	@$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -Itests/unit $(PKG_CFLAGS) $$(pkg-config --cflags cmocka) \
	  -o $@ $< $(BUILD)/asan/libtest.a $(PKG_LIBS) $$(pkg-config --libs cmocka) -lm

unit: $(UNIT_BINS)

web: web/dist/index.html

web/node_modules/.stamp: web/package.json $(wildcard web/package-lock.json)
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.stamp $(WEB_SRCS)
	cd web && npx vite build --logLevel warn
	@touch $@

node_modules/.stamp: package.json $(wildcard package-lock.json)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf $(BUILD) web/dist

distclean: clean
	rm -rf web/node_modules node_modules var

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
