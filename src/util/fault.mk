# src/util/fault.mk — husk-fault, the test build with fault points.
#
# $(BUILD)/husk-fault is husk built from the same sources with
# -DHUSK_FAULT_INJECTION (include/husk/fault.h says what that turns on);
# the integration tests run it where they inject faults, and `make check`
# passes its path as HUSK_FAULT_BIN.  The shipped $(BUILD)/husk has no
# fault code: tests/integration/test_fault.c checks its bytes.
#
# Only the sources that can see fault.h differ between the two builds (in
# every other file the define changes nothing), so only those are compiled
# a second time, into $(BUILD)/fault/ (musl: $(BUILD)/fault/musl/); the
# link takes the rest from husk's own objects.  "Can see" is: a .c file
# that includes husk/fault.h, or includes a header that does.  A header
# that includes such a header (fault.h two levels down) is refused below
# rather than missed.
#
# Included by the top Makefile after reaper.mk and musl.mk (it reuses
# their objects and link flags); the Makefile names $(HUSK_FAULT).  It adds:
#   $(BUILD)/husk-fault         `make husk-fault`; built by `make check`
#   unit tests                  tests/unit/test_util_fault.c is compiled with
#                               the define and linked with the fault object
#                               of src/util/fault.c (glibc, as the tests are)

FAULT_BUILD  := $(BUILD)/fault
FAULT_FLAGS  := -DHUSK_FAULT_INJECTION

empty :=
space := $(empty) $(empty)
# Headers that include fault.h, and the include lines that reach it.
FAULT_HDRS   := $(filter-out include/husk/fault.h,\
		  $(shell grep -l 'include "husk/fault\.h"' include/husk/*.h src/*/*.h))
FAULT_INC_RE := include "([^"]*/)?($(subst $(space),|,$(subst .,\.,fault.h $(notdir $(FAULT_HDRS)))))"
FAULT_DEEP   := $(filter-out include/husk/fault.h $(FAULT_HDRS),\
		  $(shell grep -lE '$(FAULT_INC_RE)' include/husk/*.h src/*/*.h))
ifneq ($(FAULT_DEEP),)
$(error $(FAULT_DEEP): includes a header that includes husk/fault.h; include fault.h from .c files or their direct headers only (src/util/fault.mk))
endif
FAULT_SRCS   := $(shell grep -lE '$(FAULT_INC_RE)' $(LIB_SRCS) $(CLI_SRCS))

.PHONY: husk-fault
husk-fault: $(HUSK_FAULT)

$(FAULT_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(FAULT_FLAGS) -c -o $@ $<

ifeq ($(HUSK_LIBC),glibc)
FAULT_OBJS := $(FAULT_SRCS:%.c=$(FAULT_BUILD)/%.o)
FAULT_LINK := $(filter-out $(FAULT_SRCS:%.c=$(BUILD)/%.o),$(CLI_OBJS) $(LIB_OBJS)) $(FAULT_OBJS)
$(HUSK_FAULT): $(FAULT_LINK)
	$(CC) $(ALL_LDFLAGS) -o $@ $(FAULT_LINK) $(PKG_LIBS)
else
FAULT_OBJS := $(FAULT_SRCS:%.c=$(FAULT_BUILD)/musl/%.o)
FAULT_LINK := $(filter-out $(FAULT_SRCS:%.c=$(MUSL_BUILD)/%.o),$(MUSL_OBJS)) $(FAULT_OBJS)

$(FAULT_BUILD)/musl/%.o: %.c $(MUSL_INC)/.stamp
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_CFLAGS) $(FAULT_FLAGS) -c -o $@ $<

# The link of $(HUSK) in musl.mk, with the fault objects.
$(HUSK_FAULT): $(FAULT_LINK) $(REAPER_EMBED_OBJ)
	$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $(MUSL_START) $(FAULT_LINK) $(REAPER_EMBED_OBJ) \
		$(MUSL_LIBS) $(MUSL_END)
endif

# The unit tests of fault.c itself.
FAULT_UNIT_OBJ := $(FAULT_BUILD)/src/util/fault.o
UNIT_OBJS += $(FAULT_UNIT_OBJ)
$(UNIT_BIN): $(FAULT_UNIT_OBJ)
$(BUILD)/tests/unit/test_util_fault.o: ALL_CFLAGS += $(FAULT_FLAGS)

-include $(FAULT_OBJS:.o=.d) $(FAULT_UNIT_OBJ:.o=.d)
