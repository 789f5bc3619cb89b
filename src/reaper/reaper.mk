# src/reaper/reaper.mk — husk-init, the static PID 1 program, and its embedding.
#
# Included by the top Makefile after its rules and variables (it adds
# prerequisites to $(BUILD)/libhusk.a and $(UNIT_BIN) and appends to
# LIB_OBJS and UNIT_OBJS), e.g. just above the final `-include` line:
#
#	include src/reaper/reaper.mk
#
# It adds:
#   $(BUILD)/husk-init                 the program: musl-gcc -static -Os, stripped
#   $(BUILD)/src/reaper/init-embed.o   its bytes (husk_init_start, husk_init_size),
#                                      archived into libhusk.a
#   unit tests                         src/reaper/reaper.c (the pure core) linked in,
#                                      and the built husk-init's absolute path compiled
#                                      into tests/unit/test_reaper_*.o as HUSK_INIT_PATH;
#                                      the HUSK_INIT environment variable overrides it
#   `make husk-init`                   builds just the program

MUSL_CC          ?= musl-gcc
HUSK_INIT        := $(BUILD)/husk-init
REAPER_SRCS      := src/reaper/husk-init.c src/reaper/reaper.c
REAPER_EMBED_OBJ := $(BUILD)/src/reaper/init-embed.o
REAPER_CORE_OBJ  := $(BUILD)/src/reaper/reaper.o

# husk-init has its own flags: musl-gcc must not get husk's pkg-config flags
# or _FORTIFY_SOURCE (musl has no fortify), and it needs no sanitizer (the
# unit tests run the same core under ASan/UBSan).  -Os, section GC, no unwind
# tables and -s keep it small; stack protector, stack-clash and CET as husk.
REAPER_CFLAGS    ?= -std=gnu11 -Os $(WARN) -fstack-protector-strong -fstack-clash-protection \
		    -fcf-protection -fno-asynchronous-unwind-tables -ffunction-sections \
		    -fdata-sections
REAPER_LDFLAGS   ?= -static -s -Wl,--gc-sections -Wl,-z,noexecstack,-z,relro,-z,now

.PHONY: husk-init
husk-init: $(HUSK_INIT)

$(HUSK_INIT): $(REAPER_SRCS) src/reaper/reaper.h src/reaper/reaper.mk
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(REAPER_CFLAGS) $(REAPER_LDFLAGS) -o $@ $(REAPER_SRCS)

# .incbin is invisible to -MMD, hence the explicit dependency on the program.
$(REAPER_EMBED_OBJ): src/reaper/init-embed.S $(HUSK_INIT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DHUSK_INIT_BLOB='"$(HUSK_INIT)"' -c -o $@ $<

# libhusk.a's recipe archives $^, so a prerequisite is all it takes.
LIB_OBJS += $(REAPER_EMBED_OBJ)
$(BUILD)/libhusk.a: $(REAPER_EMBED_OBJ)

# The unit-test recipe links $(UNIT_OBJS) (expanded when it runs), and the
# tests run the built program.
UNIT_OBJS += $(REAPER_CORE_OBJ)
$(UNIT_BIN): $(REAPER_CORE_OBJ) $(HUSK_INIT)
$(BUILD)/tests/unit/test_reaper_%.o: ALL_CFLAGS += -DHUSK_INIT_PATH='"$(abspath $(HUSK_INIT))"'
