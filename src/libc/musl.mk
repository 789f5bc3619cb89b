# src/libc/musl.mk — the husk binary, linked statically against musl.
#
# Why: on a VM, glibc's start-up probes the CPU and its caches with about
# seventy CPUID instructions, and each one traps to the hypervisor (about
# 6.5 us each here): half a millisecond before main(), in every husk
# command.  A static musl program starts in about 0.02 ms.  That is a
# quarter of a rootless `husk run` and a third of `husk exec` (see
# bench/results/profile.md, "fork + exec + exit of an empty program").
#
# Included by the top Makefile when HUSK_LIBC=musl (the default, except for
# SANITIZE=1 builds: the sanitizers need glibc).  It defines the $(HUSK)
# rule: the library and CLI sources, plus src/libc/glibc-abi.c and
# src/libc/malloc.c (an allocator that keeps freed blocks for reuse
# instead of unmapping them; it says why), compiled with musl-gcc into
# $(BUILD)/musl/ and linked -static-pie with Debian's own static archives
# of libseccomp, libcap and yajl (their -dev packages ship them).  The unit
# tests, the fuzz replayer and the integration-test harness stay glibc
# programs linking $(BUILD)/libhusk.a; the integration tests run this
# binary, and under SANITIZE=1 the glibc one, so both builds of the
# sources are exercised by `.ci/run`.
#
# musl-gcc's include path holds only musl's headers; $(MUSL_INC) adds, as
# symlinks, the kernel's uapi headers and the three libraries' headers, and
# nothing of glibc's.

MUSL_BUILD := $(BUILD)/musl
MUSL_INC   := $(MUSL_BUILD)/include
# HUSK_MALLOC=musl links musl's own mallocng instead of src/libc/malloc.c.
HUSK_MALLOC ?= husk
MUSL_SRCS  := $(LIB_SRCS) $(CLI_SRCS) src/libc/glibc-abi.c \
	      $(if $(filter husk,$(HUSK_MALLOC)),src/libc/malloc.c)
MUSL_OBJS  := $(MUSL_SRCS:%.c=$(MUSL_BUILD)/%.o)
MULTIARCH  := $(shell $(CC) -print-multiarch 2>/dev/null)

pc_var = $(shell $(PKG_CONFIG) --variable=$(2) $(1) 2>/dev/null)
MUSL_LIBS = $(call pc_var,libseccomp,libdir)/libseccomp.a \
	    $(call pc_var,libcap,libdir)/libcap.a \
	    $(call pc_var,yajl,libdir)/libyajl_s.a

# As husk's own flags, less _FORTIFY_SOURCE (musl has no fortified headers).
MUSL_CFLAGS = -std=gnu11 -O2 $(CFLAGS) $(WARN) $(HARDEN) -Iinclude -Isrc \
	      -isystem $(MUSL_INC) -MMD -MP

# A static PIE, so the binary is randomised like the rest of the process.
# Debian's musl-gcc specs know -static but not -static-pie: the start files
# are named here (musl's rcrt1.o, from the directory of the specs file the
# musl-gcc script passes), and the linker is told -pie --no-dynamic-linker.
# -z text proves every archive linked in is position-independent.
MUSL_LIBDIR := $(shell sed -n 's|.*-specs "\(.*\)/musl-gcc.specs".*|\1|p' \
		 "$$(command -v $(MUSL_CC))" 2>/dev/null)
MUSL_START  = $(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o $(shell $(CC) -print-file-name=crtbeginS.o)
MUSL_END    = $(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o
MUSL_LDFLAGS = -nostartfiles -static \
	       -Wl,-pie,--no-dynamic-linker,-z,text,-z,relro,-z,now,-z,noexecstack $(LDFLAGS)

$(MUSL_INC)/.stamp: src/libc/musl.mk
	@rm -rf $(MUSL_INC)
	@mkdir -p $(MUSL_INC)/sys
	@for h in linux asm-generic $(MULTIARCH)/asm; do \
		[ -d /usr/include/$$h ] || { echo "musl.mk: /usr/include/$$h is missing (package linux-libc-dev)" >&2; exit 1; }; \
		ln -s /usr/include/$$h $(MUSL_INC)/$${h##*/}; \
	done
	@ln -s $(call pc_var,libseccomp,includedir)/seccomp.h \
		$(call pc_var,libseccomp,includedir)/seccomp-syscalls.h $(MUSL_INC)/
	@ln -s $(call pc_var,libcap,includedir)/sys/capability.h $(MUSL_INC)/sys/
	@ln -s $(call pc_var,yajl,includedir) $(MUSL_INC)/yajl
	@touch $@

$(MUSL_BUILD)/%.o: %.c $(MUSL_INC)/.stamp
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_CFLAGS) -c -o $@ $<

# husk-init's bytes come in as the same .incbin object the glibc build uses.
$(HUSK): $(MUSL_OBJS) $(REAPER_EMBED_OBJ)
	@[ -f "$(MUSL_LIBDIR)/rcrt1.o" ] || { echo "musl.mk: no rcrt1.o next to $(MUSL_CC)'s specs (\"$(MUSL_LIBDIR)\"): is musl-dev installed?" >&2; exit 1; }
	@for a in $(MUSL_LIBS); do \
		[ -f $$a ] || { echo "musl.mk: $$a is missing: the static archive comes with the library's -dev package" >&2; exit 1; }; \
	done
	$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $(MUSL_START) $(MUSL_OBJS) $(REAPER_EMBED_OBJ) \
		$(MUSL_LIBS) $(MUSL_END)

-include $(MUSL_OBJS:.o=.d)

# The tests of the shims and of the allocator, musl programs (Criterion is
# glibc); `make check` runs them first when the binary is the musl one.
MUSL_TEST_CFLAGS := -std=gnu11 -O2 $(WARN) -static
GLIBC_ABI_TEST := $(MUSL_BUILD)/tests/glibc-abi-test
MALLOC_TEST    := $(MUSL_BUILD)/tests/malloc-test
$(GLIBC_ABI_TEST): tests/libc/glibc-abi-test.c src/libc/glibc-abi.c tests/libc/check.h
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_TEST_CFLAGS) -o $@ $(filter %.c,$^)
$(MALLOC_TEST): tests/libc/malloc-test.c src/libc/malloc.c tests/libc/check.h
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_TEST_CFLAGS) -o $@ $(filter %.c,$^)
MUSL_CHECK := $(GLIBC_ABI_TEST) $(MALLOC_TEST)
