/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/reaper/init-embed.S: the husk-init bytes linked into husk (and into
 * this test binary through libhusk.a) are exactly the built program, and
 * they are read-only data.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/reaper.h"
#include "test_reaper_run.h"

Test(reaper_embed, image_is_the_built_program)
{
	size_t len = 0;
	const unsigned char *img = husk_init_image(&len);
	FILE *f = fopen(husk_init_path(), "rbe");
	unsigned char *file;
	long size;

	cr_assert_not_null(f, "%s: %s", husk_init_path(), strerror(errno));
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	cr_assert_gt(size, 0);
	file = malloc((size_t)size);
	cr_assert_not_null(file);
	cr_assert_eq(fread(file, 1, (size_t)size, f), (size_t)size);
	fclose(f);

	cr_assert_eq(img, husk_init_start);
	cr_assert_eq(len, (size_t)size);
	cr_assert_eq(len, (size_t)(husk_init_end - husk_init_start));
	cr_assert_eq(memcmp(img, "\177ELF", 4), 0);
	cr_assert_eq(memcmp(img, file, len), 0, "the embedded husk-init is stale");
	free(file);
}

/* Where a byte of the image is mapped, according to /proc/self/maps. */
static void mapping_perms(const void *addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];

	cr_assert_not_null(f);
	perms[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char p[5];

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 && (uintptr_t)addr >= lo &&
		    (uintptr_t)addr < hi) {
			memcpy(perms, p, 5);
			break;
		}
	}
	fclose(f);
}

Test(reaper_embed, image_is_read_only_and_not_executable)
{
	size_t len;
	const unsigned char *img = husk_init_image(&len);
	char perms[5];

	mapping_perms(img, perms);
	cr_assert_str_eq(perms, "r--p", "start of the image mapped %s", perms);
	mapping_perms(img + len - 1, perms);
	cr_assert_str_eq(perms, "r--p", "end of the image mapped %s", perms);
}
