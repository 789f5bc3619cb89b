/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The husk binary under test ($HUSK_BIN) keeps the hardening of its link,
 * whichever libc it was built with: a position-independent executable
 * (randomised), full RELRO (read-only relocations, bound at start), and a
 * stack that is not executable.  The musl build is also fully static: no
 * interpreter and no shared library, so nothing on the host is loaded
 * into a process that runs as root.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

struct elf_facts {
	bool pie, relro, stack_seen, stack_exec, bind_now, interp;
	size_t needed;
};

static struct elf_facts elf_facts_of(const char *path)
{
	struct elf_facts f = { 0 };
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	cr_assert(fd >= 0 && fstat(fd, &st) == 0, "cannot open %s", path);
	const unsigned char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	cr_assert(m != MAP_FAILED);
	close(fd);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;
	cr_assert(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64,
		  "%s is not a 64-bit ELF file", path);
	f.pie = eh->e_type == ET_DYN;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(m + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_GNU_RELRO)
			f.relro = true;
		if (ph[i].p_type == PT_INTERP)
			f.interp = true;
		if (ph[i].p_type == PT_GNU_STACK) {
			f.stack_seen = true;
			f.stack_exec = ph[i].p_flags & PF_X;
		}
		if (ph[i].p_type != PT_DYNAMIC)
			continue;
		const Elf64_Dyn *d = (const Elf64_Dyn *)(m + ph[i].p_offset);
		for (; d->d_tag != DT_NULL; d++) {
			if (d->d_tag == DT_NEEDED)
				f.needed++;
			if ((d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_BIND_NOW)) ||
			    (d->d_tag == DT_FLAGS_1 && (d->d_un.d_val & DF_1_NOW)))
				f.bind_now = true;
		}
	}
	munmap((void *)m, (size_t)st.st_size);
	return f;
}

/* The "libc:" line of `husk --version`. */
static bool built_with_musl(const char *husk)
{
	char cmd[4096], line[256];
	bool musl = false;

	snprintf(cmd, sizeof(cmd), "'%s' --version", husk);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p))
		if (strncmp(line, "libc: musl", 10) == 0)
			musl = true;
	cr_assert_eq(pclose(p), 0, "%s --version failed", husk);
	return musl;
}

Test(binary, hardened_link)
{
	const char *husk = getenv("HUSK_BIN");

	cr_assert_not_null(husk, "HUSK_BIN is not set");
	struct elf_facts f = elf_facts_of(husk);

	cr_assert(f.pie, "%s is not position-independent (ET_DYN)", husk);
	cr_assert(f.relro, "%s has no PT_GNU_RELRO", husk);
	cr_assert(f.bind_now, "%s is not linked -z now (partial RELRO only)", husk);
	cr_assert(f.stack_seen && !f.stack_exec, "%s asks for an executable stack", husk);
	if (built_with_musl(husk)) {
		cr_assert(!f.interp, "the musl build of %s names a program interpreter", husk);
		cr_assert_eq(f.needed, 0, "the musl build of %s needs %zu shared libraries", husk,
			     f.needed);
	}
}
