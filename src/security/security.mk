# src/security/security.mk — the embedded default seccomp profile.
#
# src/security/profile-embed.c pulls seccomp-profiles/default.json in with
# the assembler's .incbin.  Without this fragment that works as long as make
# runs at the top of the tree (it always does); the fragment makes it
# robust and correct to rebuild:
#   - the absolute path of the profile is passed in, so the object builds
#     from any working directory;
#   - the object depends on the profile, which -MMD cannot see, so editing
#     default.json rebuilds it.
# Include it from the top Makefile after its rules, next to reaper.mk:
#
#	include src/security/security.mk

PROFILE_EMBED_OBJ := $(BUILD)/src/security/profile-embed.o

$(PROFILE_EMBED_OBJ): seccomp-profiles/default.json src/security/security.mk
$(PROFILE_EMBED_OBJ): ALL_CFLAGS += -DHUSK_DEFAULT_PROFILE='"$(abspath seccomp-profiles/default.json)"'
