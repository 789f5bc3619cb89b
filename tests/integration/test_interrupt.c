// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * husk must never hang for good, and a SIGTERM must end it promptly, also
 * where it waits (husk/interrupt.h), with nothing left behind when it held
 * a half-made container:
 *   - a config.json that is a FIFO is refused at once (opening one for
 *     reading used to wait for a writer forever).
 * Every wait has a timeout shorter than the harness's, so that a hang
 * fails the test instead of stalling the suite.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "integration/attacks.h"

/* Seconds husk gets to end after the signal (generous for a loaded machine). */
#define PROMPT_S 10

/* config.json is a FIFO nobody writes to: an error naming it, not a hang. */
HTEST(interrupt, config_fifo_is_refused_at_once)
{
	static const char *const verbs[] = { "run", "create" };
	char *path = hpath(c, "bundle/config.json");
	struct hres r = { 0 };

	bundle_make_rootfs(c);
	cr_assert(mkfifo(path, 0644) == 0, "mkfifo %s: %s", path, strerror(errno));
	chown_to_user(c, path);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		struct hproc p;

		husk_spawn(c, &p, NULL, ARGS(verbs[i], "--bundle", c->bundle, c->id));
		hproc_wait(&p, &r, PROMPT_S);
		assert_husk_fails(&r);
		assert_contains(r.err, "config.json");
		assert_contains(r.err, "FIFO");
		assert_nothing_left(c);
	}
	free(path);
	hres_free(&r);
}
