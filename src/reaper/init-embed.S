/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * init-embed.S — the husk-init program, embedded in husk at build time.
 *
 * The launcher writes these bytes into a sealed memfd and execveat()s it as
 * the container's PID 1 (DESIGN.md, "PID 1: husk-init, run from a sealed
 * memfd"), so husk needs no second file at run time and the host's husk
 * binary is never what runs inside a container.  reaper.mk assembles this
 * file with HUSK_INIT_BLOB set to the quoted path of the built husk-init and
 * makes the object depend on it.  See include/husk/reaper.h for the API.
 *
 * The bytes are data: they live in a .rodata section (read-only, not
 * executable, never written), and the empty .note.GNU-stack section
 * tells the linker that this object needs no executable stack, which would
 * otherwise be assumed for an assembler file.
 */
#ifndef HUSK_INIT_BLOB
#error "HUSK_INIT_BLOB must be the quoted path of the built husk-init (see src/reaper/reaper.mk)"
#endif

/* With -fcf-protection, mark this object IBT/SHSTK-compatible (it has no
 * code at all), so linking it does not drop the CET marking of husk. */
#if defined(__CET__)
#include <cet.h>
#endif

	.section .rodata.husk_init,"a",@progbits
	.balign 16
	.globl	husk_init_start
	.type	husk_init_start, @object
husk_init_start:
	.incbin	HUSK_INIT_BLOB
	.globl	husk_init_end
	.type	husk_init_end, @object
husk_init_end:
	.size	husk_init_start, husk_init_end - husk_init_start
	.size	husk_init_end, 0

	.balign 8
	.globl	husk_init_size
	.type	husk_init_size, @object
husk_init_size:
#ifdef __LP64__
	.quad	husk_init_end - husk_init_start
#else
	.long	husk_init_end - husk_init_start
#endif
	.size	husk_init_size, . - husk_init_size

	.section .note.GNU-stack,"",@progbits
