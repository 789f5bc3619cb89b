/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_STATE_H
#define HUSK_STATE_H

/*
 * The state root and the per-container directory.
 *
 *   <root>/                  0700 when husk creates it; must be owned by the
 *                            caller and not group/other-writable
 *   <root>/<id>/             0700, flock()ed (on "lock") while a verb works on it
 *                            (nothing in it is opened by the container: the
 *                            fifo's read end is inherited as an fd)
 *   <root>/<id>/lock         empty file, the flock target
 *   <root>/<id>/state.json   written atomically (tmp + rename)
 *   <root>/<id>/exec.fifo    exists from create until start
 *
 * The container's status is derived from the live process, not only from
 * the file: its pid must exist, not be a zombie, and have the start time
 * recorded at create (so a recycled pid is not mistaken for it).
 *   alive and exec.fifo present  -> created
 *   alive and no exec.fifo       -> running
 *   otherwise                    -> stopped
 * "creating" is what a reader sees while create still holds the lock.
 *
 * Exec fifo protocol (create/start split): create makes the fifo and opens
 * its read end (O_RDONLY|O_NONBLOCK, which never blocks); the container
 * process inherits that fd and poll()s it before its final exec.  start
 * opens the write end with O_NONBLOCK (ENXIO: nobody is waiting, the
 * container died) and writes one byte, then removes the fifo.  The container
 * never opens anything by path, so this works whatever uid it maps to.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/spec.h"

/* The id names a directory, so it is capped at NAME_MAX. */
#define CONTAINER_ID_MAX 255

#define STATE_FILE_NAME "state.json"
#define EXEC_FIFO_NAME "exec.fifo"
#define CONTAINER_LOCK_NAME "lock"

struct state_root {
	int fd;                     /* O_PATH|O_DIRECTORY */
	char *path;
};

struct container_dir {
	int fd;                     /* O_PATH|O_DIRECTORY of <root>/<id> */
	int lock_fd;                /* holds the flock, -1 when not locked */
	char *id;
	char *path;                 /* <root>/<id> */
};

enum container_status {
	STATUS_CREATING,
	STATUS_CREATED,
	STATUS_RUNNING,
	STATUS_PAUSED,
	STATUS_STOPPED,
};

/* Default root: /run/husk as root; $XDG_RUNTIME_DIR/husk rootless, or a
 * private /tmp/husk-<uid> (checked: a real dir, owned by us, 0700). */
char *state_root_default(struct husk_error *err);

/* Open (create: mkdir -p with safe modes and ownership checks) the root. */
int state_root_open(const char *path, bool create, struct state_root *out,
		    struct husk_error *err);
void state_root_close(struct state_root *root);

/* 0 when id is acceptable; -EINVAL with a message naming the rule broken. */
int container_id_validate(const char *id, struct husk_error *err);

/* mkdir <root>/<id> exclusively and lock it: -EEXIST "container \"x\" already exists". */
int container_dir_create(struct state_root *root, const char *id, struct container_dir *out,
			 struct husk_error *err);
/* Open an existing container dir: -ENOENT "container \"x\" does not exist".
 * lock: take the flock (blocking); -EAGAIN while create has not made the
 * lock file yet, -ENOENT when the holder we waited for removed the dir. */
int container_dir_open(struct state_root *root, const char *id, bool lock,
		       struct container_dir *out, struct husk_error *err);
/* Remove the directory and everything in it (files, fifos and symlinks,
 * never followed; a subdirectory is refused), then close. */
int container_dir_remove(struct container_dir *dir, struct husk_error *err);
void container_dir_close(struct container_dir *dir);

int state_write(struct container_dir *dir, const struct husk_state_file *st,
		struct husk_error *err);
int state_read(struct container_dir *dir, struct husk_state_file **out,
	       struct husk_error *err);

/* Status derived from the live process and the exec fifo (see above). */
enum container_status state_status(struct container_dir *dir, const struct husk_state_file *st);
const char *container_status_name(enum container_status s);

/*
 * True while another process holds the container's lock, or create has not
 * yet made it: with no state.json that means "creating".  A dir with no
 * state.json and a free lock was left by a create that died ("stopped").
 */
bool container_dir_busy(struct container_dir *dir);

/* Start time of a pid (/proc/<pid>/stat field 22), 0 if it is gone. */
uint64_t pid_start_time(pid_t pid);
/* pid exists, is not a zombie, and started at start_time (0: not checked). */
bool state_pid_alive(pid_t pid, uint64_t start_time);

/* ---- signals (src/state/signal.c) ---------------------------------------- */

/*
 * A pidfd for the container process, checked against the recorded start
 * time after it was opened (so it cannot name a recycled pid).  -ESRCH
 * "container \"x\" is not running" when it is gone.
 */
int container_pidfd(const struct husk_state_file *st, struct husk_error *err);
/*
 * Signal the container's init through a pidfd.  all: also every other
 * process in its pid namespace (found through /proc/<pid>/ns/pid); when the
 * container shares husk's pid namespace only the init is signalled.
 */
int container_signal(const struct husk_state_file *st, int sig, bool all,
		     struct husk_error *err);
/* Wait for the process behind a pidfd to exit: 0, or -ETIMEDOUT after timeout_ms. */
int pidfd_wait_exit(int pidfd, int timeout_ms, struct husk_error *err);

/* Exec fifo: create and return the read end (O_CLOEXEC; the launcher
 * clears CLOEXEC in the child as needed). */
int exec_fifo_create(struct container_dir *dir, int *read_fd, struct husk_error *err);
/* Release a waiting container: -ESRCH when nobody waits (it died). */
int exec_fifo_release(struct container_dir *dir, struct husk_error *err);

/* The ids in the root, sorted. */
int state_list_ids(struct state_root *root, char ***ids, struct husk_error *err);

/* RFC 3339 UTC timestamp with nanoseconds, as runc writes "created". */
char *state_timestamp_now(void);

/* The OCI state members (runc's order) into an open JSON object. */
struct json_writer;
void state_json_oci_members(struct json_writer *w, const struct husk_state_file *st,
			    const char *status, int64_t pid);

#endif
