/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for husk's JSON readers: the same entry points production
 * uses (spec_parse, spec_parse_process, state_file_parse) on arbitrary
 * bytes.  Besides "no crash, no leak, no undefined behaviour" (the
 * sanitizers' job) it checks the promises of include/husk/spec.h on every
 * accepted document and the error convention on every refused one, and
 * aborts when one is broken, so libFuzzer reports it like a crash.
 *
 *   make fuzz FUZZ_SECONDS=120        libFuzzer (clang), corpus tests/fuzz/corpus
 *   make fuzz-replay                  every corpus file once, as a plain test
 *
 * With -DFUZZ_REPLAY_MAIN this file has its own main() that replays a
 * directory and ends with "fuzz-replay: N passed, M failed".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "husk/spec.h"
#include "husk/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn)) broken(const char *what)
{
	fprintf(stderr, "fuzz_spec: invariant broken: %s\n", what);
	abort();
}

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond))                                                           \
			broken(#cond);                                                 \
	} while (0)

/* A refusal: negative errno, a message, nothing handed out. */
static void check_refusal(int r, const struct husk_error *err, const void *out)
{
	CHECK(r < 0);
	CHECK(out == NULL);
	CHECK(err->msg[0] != '\0');
	CHECK(strlen(err->msg) < sizeof(err->msg));
	CHECK(strchr(err->msg, '\n') == NULL);
}

static void check_process(const struct husk_process *p)
{
	CHECK(p->args && p->args[0]);
	CHECK(p->cwd && p->cwd[0] == '/');
	CHECK(!p->oom_score_adj.set ||
	      (p->oom_score_adj.value >= -1000 && p->oom_score_adj.value <= 1000));
	CHECK(!p->user.umask.set || p->user.umask.value <= 0777);
	for (size_t i = 0; i < p->n_rlimits; i++)
		CHECK(p->rlimits[i].soft <= p->rlimits[i].hard);
	if (p->io_priority)
		CHECK(p->io_priority->priority >= 0 && p->io_priority->priority <= 7);
}

static void check_spec(const struct husk_spec *s)
{
	CHECK(s->oci_version && s->root_path && s->root_path[0]);
	for (size_t i = 0; i < s->n_mounts; i++)
		CHECK(s->mounts[i].destination[0] == '/');
	if (s->process)
		check_process(s->process);
	if (!s->linux_)
		return;
	for (size_t i = 0; i < s->linux_->n_namespaces; i++) {
		CHECK((unsigned)s->linux_->namespaces[i].type < NS_TYPE_COUNT);
		CHECK(spec_namespace(s, s->linux_->namespaces[i].type) ==
		      &s->linux_->namespaces[i]);
	}
	for (size_t i = 0; i < s->linux_->n_uid_mappings; i++)
		CHECK(s->linux_->uid_mappings[i].size > 0);
	if (s->linux_->seccomp)
		for (size_t i = 0; i < s->linux_->seccomp->n_syscalls; i++)
			for (size_t j = 0; j < s->linux_->seccomp->syscalls[i].n_args; j++)
				CHECK(s->linux_->seccomp->syscalls[i].args[j].index <= 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *json = (const char *)data;
	struct husk_error err = { 0 };
	struct husk_spec *spec = NULL;
	struct husk_process *proc = NULL;
	struct husk_state_file *st = NULL;
	int r;

	r = spec_parse(json, size, "config.json", &spec, &err);
	if (r == 0) {
		check_spec(spec);
		spec_free(spec);
	} else {
		check_refusal(r, &err, spec);
	}

	husk_error_clear(&err);
	r = spec_parse_process(json, size, "process.json", &proc, &err);
	if (r == 0) {
		check_process(proc);
		spec_process_free(proc);
	} else {
		check_refusal(r, &err, proc);
	}

	husk_error_clear(&err);
	r = state_file_parse(json, size, &st, &err);
	if (r == 0) {
		CHECK(st->id && st->status);
		state_file_free(st);
	} else {
		check_refusal(r, &err, st);
	}
	return 0;
}

#ifdef FUZZ_REPLAY_MAIN
/* Replay every regular file of a corpus directory once. */
int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/fuzz/corpus";
	_cleanup_close_ int dfd = -1;
	struct dirent **names = NULL;
	unsigned passed = 0, failed = 0;
	int n;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		fprintf(stderr, "fuzz-replay: open %s: %s\n", dir, strerror(errno));
		return 1;
	}
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "fuzz-replay: scan %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *buf = NULL;
		struct husk_error err = { 0 };
		size_t len = 0;

		if (names[i]->d_name[0] != '.') {
			if (read_file_at(dfd, names[i]->d_name, 16u << 20, &buf, &len, &err) < 0) {
				fprintf(stderr, "fuzz-replay: %s\n", err.msg);
				failed++;
			} else {
				LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
				passed++;
			}
		}
		free(names[i]);
	}
	free(names);
	printf("fuzz-replay: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
#endif
