/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compiled-filter cache and its SHA-256 key.  Each Criterion test runs
 * in its own process, so the process-wide cache directory does not leak
 * from one test into another.
 */
#include "test_security_util.h"

#include <sys/stat.h>

#include "husk/sha256.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/husk-cache-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf %s", dir);

	security_set_cache_dir(NULL);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(security_cache, .init = setup, .fini = teardown);

static void hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < SHA256_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* FIPS 180-4 example vectors, one of them spanning two blocks. */
Test(security_cache, sha256_vectors)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	uint8_t d[SHA256_BYTES];
	char got[2 * SHA256_BYTES + 1];
	struct sha256 h;

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		sha256_init(&h);
		/* Fed byte by byte to exercise the buffering. */
		for (const char *p = v[i].in; *p; p++)
			sha256_update(&h, p, 1);
		sha256_final(&h, d);
		hex(d, got);
		cr_assert_str_eq(got, v[i].out);
	}
}

#define PROFILE(errno_ret)                                                                 \
	"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"write\"," \
	"\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"getppid\"],"           \
	"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":" #errno_ret "}]}"

static struct security_plan *compile(const char *profile)
{
	_cleanup_free_ char *lx = xasprintf("\"seccomp\":%s", profile);

	return plan_with("\"noNewPrivileges\":true", lx, NULL);
}

static size_t count_files(void)
{
	_cleanup_free_ char *cmd = xasprintf("ls %s | wc -l", dir);
	FILE *f = popen(cmd, "r");
	size_t n = 0;

	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%zu", &n), 1);
	pclose(f);
	return n;
}

static char *only_file(void)
{
	_cleanup_free_ char *cmd = xasprintf("ls %s", dir);
	FILE *f = popen(cmd, "r");
	char name[128] = "";

	cr_assert_not_null(f);
	cr_assert_not_null(fgets(name, sizeof(name), f));
	pclose(f);
	name[strcspn(name, "\n")] = '\0';
	return xasprintf("%s/%s", dir, name);
}

Test(security_cache, miss_then_identical_hit)
{
	_cleanup_free_ char *sub = xasprintf("%s/seccomp-cache", dir);
	struct security_plan *a, *b;

	security_set_cache_dir(sub);
	a = compile(PROFILE(42));
	b = compile(PROFILE(42));
	cr_assert_eq(a->bpf_len, b->bpf_len);
	cr_assert_eq(memcmp(a->bpf, b->bpf, a->bpf_len * sizeof(*a->bpf)), 0);
	security_plan_free(a);
	security_plan_free(b);

	struct stat st;
	cr_assert_eq(stat(sub, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
}

Test(security_cache, the_key_covers_the_rules)
{
	char k1[SECCOMP_CACHE_KEY_LEN + 1], k2[SECCOMP_CACHE_KEY_LEN + 1];
	_cleanup_spec_ struct husk_spec *s1 = spec_with("", "\"seccomp\":" PROFILE(42));
	_cleanup_spec_ struct husk_spec *s2 = spec_with("", "\"seccomp\":" PROFILE(43));

	seccomp_cache_key(s1->linux_->seccomp, k1);
	seccomp_cache_key(s2->linux_->seccomp, k2);
	cr_assert_str_neq(k1, k2);
	cr_assert_eq(strlen(k1), SECCOMP_CACHE_KEY_LEN);
	seccomp_cache_key(s1->linux_->seccomp, k2);
	cr_assert_str_eq(k1, k2);

	security_set_cache_dir(dir);
	security_plan_free(compile(PROFILE(42)));
	security_plan_free(compile(PROFILE(43)));
	cr_assert_eq(count_files(), 2);
}

/* A cached program is what gets loaded: prove it by planting a different one. */
Test(security_cache, a_hit_skips_compiling)
{
	struct security_plan *a, *b, *c;
	_cleanup_free_ char *file = NULL;
	_cleanup_free_ char *other = NULL;

	security_set_cache_dir(NULL);
	a = compile(PROFILE(43));                   /* compiled, not cached */
	security_set_cache_dir(dir);
	b = compile(PROFILE(42));                   /* compiled and cached */
	file = only_file();
	/* Replace the cached program of PROFILE(42) with PROFILE(43)'s. */
	other = xmalloc(16 + a->bpf_len * sizeof(*a->bpf));
	memcpy(other, "HUSKBPF1", 8);
	uint32_t n = a->bpf_len, zero = 0;
	memcpy(other + 8, &n, 4);
	memcpy(other + 12, &zero, 4);
	memcpy(other + 16, a->bpf, a->bpf_len * sizeof(*a->bpf));
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fwrite(other, 1, 16 + a->bpf_len * sizeof(*a->bpf), f);
	fclose(f);
	c = compile(PROFILE(42));
	cr_assert_eq(memcmp(c->bpf, a->bpf, a->bpf_len * sizeof(*a->bpf)), 0);
	cr_assert_neq(memcmp(c->bpf, b->bpf, b->bpf_len * sizeof(*b->bpf)), 0);

	/* Writable by others: not trusted, compiled again (and rewritten). */
	security_plan_free(c);
	cr_assert_eq(chmod(file, 0666), 0);
	c = compile(PROFILE(42));
	cr_assert_eq(memcmp(c->bpf, b->bpf, b->bpf_len * sizeof(*b->bpf)), 0);
	security_plan_free(a);
	security_plan_free(b);
	security_plan_free(c);
}

Test(security_cache, garbage_is_ignored)
{
	struct security_plan *a, *b;
	_cleanup_free_ char *file = NULL;

	security_set_cache_dir(dir);
	a = compile(PROFILE(42));
	file = only_file();
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fputs("HUSKBPF1 but not a program", f);
	fclose(f);
	b = compile(PROFILE(42));
	cr_assert_eq(a->bpf_len, b->bpf_len);
	cr_assert_eq(memcmp(a->bpf, b->bpf, a->bpf_len * sizeof(*a->bpf)), 0);
	security_plan_free(a);
	security_plan_free(b);
}

/* An unusable cache directory only means compiling every time. */
Test(security_cache, unusable_directory)
{
	struct security_plan *a;

	security_set_cache_dir("/proc/self/husk-no-such-dir/cache");
	a = compile(PROFILE(42));
	cr_assert_not_null(a->bpf);
	security_plan_free(a);
}
