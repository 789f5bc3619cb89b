/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp-profiles/default.json, embedded in husk at build time, so that
 * husk works without the profile files installed.
 *
 * The bytes come in with the assembler's .incbin, from a path relative to
 * the directory make runs in (the top of the tree, like every other
 * path in the Makefile); security.mk adds the dependency that -MMD cannot
 * see, so that editing the profile rebuilds this object.  A NUL follows
 * the text, so it can be handed to a parser expecting a C string as well.
 * The data lives in .rodata: read-only, never executed.
 */
#include <stddef.h>

#include "husk/security.h"

#if __SIZEOF_SIZE_T__ == 8
#define ASM_SIZE ".quad"
#else
#define ASM_SIZE ".long"
#endif

#ifndef HUSK_DEFAULT_PROFILE
#define HUSK_DEFAULT_PROFILE "seccomp-profiles/default.json"
#endif

__asm__(".pushsection .rodata.husk_default_profile,\"a\",@progbits\n"
	".balign 8\n"
	"husk_default_profile_start:\n"
	".incbin \"" HUSK_DEFAULT_PROFILE "\"\n"
	"husk_default_profile_end:\n"
	".byte 0\n"
	".balign 8\n"
	"husk_default_profile_len:\n"
	ASM_SIZE " husk_default_profile_end - husk_default_profile_start\n"
	".popsection\n");

extern const char husk_default_profile_start[] __asm__("husk_default_profile_start");
extern const size_t husk_default_profile_len __asm__("husk_default_profile_len");

const char *security_default_profile(size_t *len)
{
	if (len)
		*len = husk_default_profile_len;
	return husk_default_profile_start;
}
