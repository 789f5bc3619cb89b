# husk — a rootless, hardened OCI container runtime.
#
#   make                 build ./husk
#   make check           install test deps (as root), unit + fuzz-replay + integration tests
#   make husk-fault      the test build with fault points (src/util/fault.mk)
#   make soak            SOAK_N create/start/delete cycles must leave the host as before
#   make SANITIZE=1 check  the same under AddressSanitizer + UBSan (halts on first report)
#   make demo            build and run a hardened rootless busybox container
#   make bench           husk vs crun vs runc, rootless (BENCH_ARGS="--root-mode", "--quick", ...)
#   make fuzz            libFuzzer harness for the config parser (clang)
#   make analyze         GCC -fanalyzer over the sources
#   make install PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
CC       ?= cc
PKG_CONFIG ?= pkg-config
PKGS     := libseccomp libcap yajl mount

# The husk binary is static musl (src/libc/musl.mk says why) unless
# HUSK_LIBC=glibc; sanitizer builds are glibc, the sanitizers need it.
ifeq ($(SANITIZE),1)
HUSK_LIBC ?= glibc
else
HUSK_LIBC ?= musl
endif

ifeq ($(SANITIZE),1)
BUILD    ?= build-san
OPT      := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDSAN    := -fsanitize=address,undefined
else
BUILD    ?= build
OPT      := -O2 -D_FORTIFY_SOURCE=2
LDSAN    :=
endif

# The dependency check runs before pkg-config is consulted, so a missing
# package is reported by scripts/deps.sh rather than as a compiler error.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wmissing-prototypes \
            -Wstrict-prototypes -Wno-unused-parameter
HARDEN   := -fstack-protector-strong -fPIE -fstack-clash-protection -fcf-protection
CFLAGS   ?= -g
ALL_CFLAGS = -std=gnu11 $(OPT) $(CFLAGS) $(WARN) $(HARDEN) -Iinclude -Isrc \
             $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(LDSAN) $(LDFLAGS)

# Every .c under src/ except the CLI entry point, the reaper (a separate
# static program) and the musl build's glibc shims goes into the library
# the binary and the tests link.
LIB_SRCS  := $(sort $(filter-out src/cli/% src/reaper/% src/libc/%,$(wildcard src/*/*.c)))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
INTEG_SRCS:= $(sort $(wildcard tests/integration/*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/*.c))
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)
INTEG_OBJS:= $(INTEG_SRCS:%.c=$(BUILD)/%.o)

HUSK      := $(BUILD)/husk
HUSK_FAULT:= $(BUILD)/husk-fault
UNIT_BIN  := $(BUILD)/tests/unit-tests
INTEG_BIN := $(BUILD)/tests/integration-tests
FUZZ_BIN  := $(BUILD)/tests/fuzz-spec

# Under the sanitizers, leaks inside Criterion's own runner are not ours
# (tests/lsan.supp says which); everything else still fails the run.
SAN_ENV   := $(if $(filter 1,$(SANITIZE)),LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp),)

# Where the test setup puts its bundles and its unprivileged user's files.
TEST_DIR  ?= /tmp/husk-test
JOBS      ?= 2

.PHONY: all husk deps check unit integration fuzz-replay fuzz demo bench install clean analyze \
	test-setup soak

all: husk

husk: $(HUSK)
	@if [ "$(BUILD)" = build ]; then ln -sf $(HUSK) husk; fi

ifeq ($(HUSK_LIBC),glibc)
$(HUSK): $(CLI_OBJS) $(BUILD)/libhusk.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libhusk.a $(PKG_LIBS)
else ifneq ($(HUSK_LIBC),musl)
$(error HUSK_LIBC must be musl or glibc, not "$(HUSK_LIBC)")
endif

$(BUILD)/libhusk.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# ---- tests ------------------------------------------------------------------

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJS) $(BUILD)/libhusk.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) $(BUILD)/libhusk.a $(PKG_LIBS) -lcriterion

$(INTEG_BIN): $(INTEG_OBJS) $(BUILD)/libhusk.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(INTEG_OBJS) $(BUILD)/libhusk.a $(PKG_LIBS) -lcriterion

# The fuzz harness built as a plain program that replays the corpus.
$(FUZZ_BIN): $(FUZZ_SRCS) $(BUILD)/libhusk.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -DFUZZ_REPLAY_MAIN $(ALL_LDFLAGS) -o $@ $(FUZZ_SRCS) \
		$(BUILD)/libhusk.a $(PKG_LIBS)

deps:
	@scripts/deps.sh check

test-setup: $(HUSK)
	@scripts/test-setup.sh $(TEST_DIR)

check: deps
	@$(MAKE) --no-print-directory husk $(HUSK_FAULT) $(UNIT_BIN) $(INTEG_BIN) $(FUZZ_BIN) \
		$(MUSL_CHECK)
	@$(MAKE) --no-print-directory test-setup
	$(if $(MUSL_CHECK),@echo "== musl build: the glibc ABI shims and the allocator")
	$(foreach t,$(MUSL_CHECK),$t &&) true
	@echo "== unit tests"
	$(SAN_ENV) $(UNIT_BIN) --jobs $(JOBS)
	@echo "== fuzz corpus replay"
	$(SAN_ENV) $(FUZZ_BIN) tests/fuzz/corpus
	@echo "== integration tests"
	$(SAN_ENV) HUSK_BIN=$(abspath $(HUSK)) HUSK_FAULT_BIN=$(abspath $(HUSK_FAULT)) \
		HUSK_TEST_DIR=$(TEST_DIR) $(INTEG_BIN) --jobs $(JOBS)

unit: $(UNIT_BIN)
	$(UNIT_BIN)

integration: $(INTEG_BIN) $(HUSK_FAULT) test-setup
	HUSK_BIN=$(abspath $(HUSK)) HUSK_FAULT_BIN=$(abspath $(HUSK_FAULT)) \
		HUSK_TEST_DIR=$(TEST_DIR) $(INTEG_BIN)

fuzz-replay: $(FUZZ_BIN)
	$(FUZZ_BIN) tests/fuzz/corpus

# libFuzzer needs clang; the library is rebuilt with it in build-fuzz/.
# clang's -Wformat=2 also flags vprintf-style helpers without a format
# attribute (GCC exempts va_list callers), hence -Wno-format-nonliteral;
# UBSan findings must abort, or libFuzzer never sees them.
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
		WARN="$(WARN) -Wno-format-nonliteral" \
		OPT="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		LDSAN="$(FUZZ_SAN)" build-fuzz/libhusk.a
	clang -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) -Iinclude -Isrc -Itests \
		-o build-fuzz/fuzz-spec $(FUZZ_SRCS) build-fuzz/libhusk.a $(PKG_LIBS)
	@mkdir -p build-fuzz/corpus
	build-fuzz/fuzz-spec -max_total_time=$${FUZZ_SECONDS:-60} -max_len=65536 \
		build-fuzz/corpus tests/fuzz/corpus

demo: deps
	@$(MAKE) --no-print-directory husk
	@HUSK=$(abspath $(HUSK)) scripts/demo.sh

# Timings live here, never in `make check`; bench/run.sh builds its own
# driver (bench/driver.c) and writes bench/results/latest.{md,json}.
bench: deps husk
	@bench/run.sh --husk $(abspath $(HUSK)) $(BENCH_ARGS)

# Not part of `make check`: SOAK_N create/start/delete cycles, root and
# rootless, must leave the host as it was (scripts/soak.sh says what counts).
SOAK_N      ?= 10000
SOAK_DRIVER := $(BUILD)/soak-driver
soak: deps husk $(SOAK_DRIVER) test-setup
	@SOAK_N=$(SOAK_N) scripts/soak.sh $(abspath $(HUSK)) $(abspath $(SOAK_DRIVER)) $(TEST_DIR)

# Static musl, so that a fork of it is small next to the husk it measures.
$(SOAK_DRIVER): scripts/soak-driver.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -std=gnu11 -O2 $(WARN) -static -o $@ $<

analyze:
	@$(MAKE) --no-print-directory BUILD=build-analyze OPT="-O1 -fanalyzer" build-analyze/libhusk.a

install: husk
	install -D -m 0755 $(HUSK) $(DESTDIR)$(BINDIR)/husk
	@for m in man/*.[0-9]; do \
		[ -e "$$m" ] || continue; \
		s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done

clean:
	rm -rf build build-san build-fuzz build-analyze husk

include src/reaper/reaper.mk
include src/security/security.mk
ifeq ($(HUSK_LIBC),musl)
include src/libc/musl.mk
endif
include src/util/fault.mk

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(INTEG_OBJS:.o=.d)
