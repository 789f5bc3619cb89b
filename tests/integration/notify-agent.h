/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_TEST_NOTIFY_AGENT_H
#define HUSK_TEST_NOTIFY_AGENT_H

/*
 * The tests' seccomp agent (the OCI seccomp agent protocol,
 * .linux.seccomp.listenerPath with SCMP_ACT_NOTIFY rules).  A thread of
 * the test listens on a UNIX socket, reads from each connection the
 * container process state husk writes and the listener fd it passes with
 * SCM_RIGHTS, polls the listeners, and answers each notification as the
 * test's callback decides: let the syscall continue, fail it with an
 * errno, or hold it until the test releases it.  Defined in
 * notify-agent.c.
 *
 * The thread allocates nothing (the test forks husk while it runs) and
 * never asserts; the callback must do neither.  The test body reads
 * the results after notify_agent_stop(); only the atomics may be read
 * while the agent runs.
 */

#include <linux/seccomp.h>
#include <pthread.h>
#include <stdatomic.h>

#include "integration/harness.h"

#define NOTIFY_AGENT_MAX 8          /* connections (and listener fds) one test sees */
#define NOTIFY_AGENT_TEXT 16384     /* room for one container process state */

/* What the callback answers; any value > 0 fails the syscall with that errno. */
#define NOTIFY_CONTINUE 0           /* SECCOMP_USER_NOTIF_FLAG_CONTINUE */
/* Held (one at a time) until notify_agent_release() answers it CONTINUE. */
#define NOTIFY_HOLD (-1)

/*
 * Called on the agent's thread for every notification, with the `data`
 * given to notify_agent_start().  The test keeps its counters in `data`.
 */
typedef int notify_decide_fn(void *data, const struct seccomp_notif *req);

struct notify_agent {
	int lfd;                    /* listening socket */
	notify_decide_fn *decide;
	void *data;
	pthread_t thread;
	atomic_bool stop;
	atomic_bool release;        /* the test asks: answer the held call */
	atomic_int held_pid;        /* caller of the held call (host pid), or 0 */
	atomic_int failures;        /* ioctl errors other than "the caller is gone" */
	/* Results, per connection in the order accepted. */
	int n_states;               /* connections read to their end */
	char states[NOTIFY_AGENT_MAX][NOTIFY_AGENT_TEXT];
	int fds_received[NOTIFY_AGENT_MAX]; /* SCM_RIGHTS fds per connection */
};

/*
 * Listen on `path` (any length; made reachable for the context's user)
 * and serve on a thread.  Asserts on setup errors.  Free with free()
 * after notify_agent_stop().
 */
struct notify_agent *notify_agent_start(const struct hctx *c, const char *path,
					notify_decide_fn *decide, void *data);
/* Answer a held call (CONTINUE), stop the thread, close the socket. */
void notify_agent_stop(struct notify_agent *a);
/* Wait until a call is held; false after timeout_ms. */
bool notify_agent_wait_held(struct notify_agent *a, int timeout_ms);
/* Answer the held call CONTINUE and wait (2 s at most) until it is answered. */
void notify_agent_release(struct notify_agent *a);

#endif
