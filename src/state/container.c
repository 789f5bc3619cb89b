/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container ids and the per-container directory <root>/<id>: creating it
 * exclusively, opening and locking it, removing it, listing the root.
 *
 * Locking: the flock is taken on <root>/<id>/lock.  create makes that file
 * under a temporary name, locks it and only then renames it into place, so
 * a reader never finds a "lock" that is not yet held by its creator (which
 * would make a half-created container look abandoned).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/state.h"
#include "husk/util.h"

#define LOCK_FILE CONTAINER_LOCK_NAME
#define LOCK_TMP ".lock.new"
#define ID_CHARSET_HINT "use letters, digits, '_', '+', '-' and '.'"

/*
 * runc's rule: 1 or more of [A-Za-z0-9_+-.], and not "." or "..".  A
 * leading dot is allowed, as runc allows it.  The id names a directory,
 * hence the length cap.
 */
int container_id_validate(const char *id, struct husk_error *err)
{
	size_t len;

	if (!id || !*id)
		return husk_error_setq(err, EINVAL, "container id must not be empty");
	len = strlen(id);
	if (len > CONTAINER_ID_MAX)
		return husk_error_setq(err, EINVAL, "container id is %zu characters long; "
				       "at most %d are allowed", len, CONTAINER_ID_MAX);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return husk_error_setq(err, EINVAL, "container id \"%s\" is not allowed", id);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '+' || c == '-' || c == '.')
			continue;
		if (c >= 0x20 && c < 0x7f)
			return husk_error_setq(err, EINVAL, "container id \"%s\": character '%c' "
					       "is not allowed (%s)", id, c, ID_CHARSET_HINT);
		return husk_error_setq(err, EINVAL, "container id: byte 0x%02x at offset %zu "
				       "is not allowed (%s)", c, i, ID_CHARSET_HINT);
	}
	return 0;
}

static void container_dir_init(struct container_dir *d)
{
	d->fd = -1;
	d->lock_fd = -1;
	d->id = NULL;
	d->path = NULL;
}

/*
 * Unlock explicitly before closing: a flock belongs to the open file
 * description, which a forked child (the container process, before its
 * final exec) shares.  Closing only our fd would leave the lock held by
 * that copy, and `husk start` would wait for it forever.
 */
void container_dir_close(struct container_dir *dir)
{
	if (!dir)
		return;
	if (dir->lock_fd >= 0)
		flock(dir->lock_fd, LOCK_UN);
	closep(&dir->lock_fd);
	closep(&dir->fd);
	free(dir->id);
	free(dir->path);
	container_dir_init(dir);
}

/*
 * Make the lock file of a fresh container dir, already locked: create it
 * under a temporary name, flock it, then rename it to "lock".
 */
static int lock_file_create(int dirfd, const char *path, struct husk_error *err)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, LOCK_TMP, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return husk_error_set(err, errno, "create %s/%s", path, LOCK_TMP);
	if (flock(fd, LOCK_EX) < 0)
		return husk_error_set(err, errno, "lock %s/%s", path, LOCK_TMP);
	if (renameat(dirfd, LOCK_TMP, dirfd, LOCK_FILE) < 0)
		return husk_error_set(err, errno, "rename %s/%s", path, LOCK_TMP);
	return TAKE_FD(fd);
}

/*
 * mkdir <root>/<id> (exclusive: an existing one is never touched) with
 * mode 0700, and lock it.  Anything that fails after the mkdir removes
 * the directory again.
 */
int container_dir_create(struct state_root *root, const char *id, struct container_dir *out,
			 struct husk_error *err)
{
	struct container_dir d;
	int r;

	container_dir_init(out);
	r = container_id_validate(id, err);
	if (r < 0)
		return r;
	container_dir_init(&d);
	d.id = xstrdup(id);
	d.path = xasprintf("%s/%s", root->path, id);
	if (mkdirat(root->fd, id, 0700) < 0) {
		r = errno;
		container_dir_close(&d);
		if (r == EEXIST)
			return husk_error_setq(err, EEXIST, "container \"%s\" already exists", id);
		return husk_error_set(err, r, "create container directory %s/%s", root->path, id);
	}
	d.fd = openat(root->fd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d.fd < 0) {
		r = husk_error_set(err, errno, "open %s", d.path);
		unlinkat(root->fd, id, AT_REMOVEDIR);
		container_dir_close(&d);
		return r;
	}
	r = lock_file_create(d.fd, d.path, err);
	if (r < 0) {
		container_dir_remove(&d, NULL);
		return r;
	}
	d.lock_fd = r;
	*out = d;
	return 0;
}

/*
 * Take the flock of an existing container dir (blocking).  After waiting,
 * check that the directory was not removed meanwhile by the holder we
 * waited for (a deleted directory has no links left).
 */
static int container_dir_lock(struct container_dir *d, struct husk_error *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = openat(d->fd, LOCK_FILE, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)    /* being removed, or not yet created */
			return husk_error_setq(err, EAGAIN, "container \"%s\" is being created "
					       "or removed", d->id);
		return husk_error_set(err, errno, "open %s/%s", d->path, LOCK_FILE);
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return husk_error_set(err, errno, "lock %s/%s", d->path, LOCK_FILE);
	}
	if (fstat(d->fd, &st) < 0)
		return husk_error_set(err, errno, "stat %s", d->path);
	if (st.st_nlink == 0)
		return husk_error_setq(err, ENOENT, "container \"%s\" does not exist", d->id);
	d->lock_fd = TAKE_FD(fd);
	return 0;
}

int container_dir_open(struct state_root *root, const char *id, bool lock,
		       struct container_dir *out, struct husk_error *err)
{
	struct container_dir d;
	struct stat st;
	int r;

	container_dir_init(out);
	r = container_id_validate(id, err);
	if (r < 0)
		return r;
	container_dir_init(&d);
	d.fd = openat(root->fd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d.fd < 0) {
		if (errno == ENOENT)
			return husk_error_setq(err, ENOENT, "container \"%s\" does not exist", id);
		if (errno == ELOOP || errno == ENOTDIR)
			return husk_error_setq(err, ENOTDIR, "%s/%s is not a container directory",
					       root->path, id);
		return husk_error_set(err, errno, "open %s/%s", root->path, id);
	}
	d.id = xstrdup(id);
	d.path = xasprintf("%s/%s", root->path, id);
	if (fstat(d.fd, &st) < 0 || st.st_uid != geteuid()) {
		r = husk_error_setq(err, EPERM, "%s is not owned by you", d.path);
		container_dir_close(&d);
		return r;
	}
	if (lock) {
		r = container_dir_lock(&d, err);
		if (r < 0) {
			container_dir_close(&d);
			return r;
		}
	}
	*out = d;
	return 0;
}

/*
 * Remove every entry of the container dir, then the dir, then close it.
 * Only regular files and fifos are expected; a symlink entry is unlinked
 * (never followed), and a subdirectory is refused: we never make one, so
 * somebody else did and we do not recurse into what we did not create.
 */
int container_dir_remove(struct container_dir *dir, struct husk_error *err)
{
	_cleanup_close_ int rfd = -1;
	DIR *dp;
	struct dirent *de;
	int r = 0;

	if (dir->fd < 0)
		return husk_error_setq(err, EBADF, "container dir is not open");
	rfd = openat(dir->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0) {
		r = husk_error_set(err, errno, "open %s", dir->path);
		goto out;
	}
	dp = fdopendir(rfd);
	if (!dp) {
		r = husk_error_set(err, errno, "read %s", dir->path);
		goto out;
	}
	rfd = -1;       /* owned by dp now */
	while ((de = readdir(dp))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(dp), de->d_name, 0) < 0 && errno != ENOENT && r == 0)
			r = husk_error_set(err, errno, "remove %s/%s", dir->path, de->d_name);
	}
	closedir(dp);
	if (r == 0) {
		/* Remove by name through the parent: "<path>/.." is the root. */
		_cleanup_close_ int parent = -1;

		parent = openat(dir->fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (parent < 0)
			r = husk_error_set(err, errno, "open parent of %s", dir->path);
		else if (unlinkat(parent, dir->id, AT_REMOVEDIR) < 0)
			r = husk_error_set(err, errno, "remove %s", dir->path);
	}
out:
	container_dir_close(dir);
	return r;
}

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in the root that are valid ids and directories, sorted.
 * Anything else found there (a stray file) is skipped, not reported.
 */
int state_list_ids(struct state_root *root, char ***ids, struct husk_error *err)
{
	_cleanup_strv_ char **v = NULL;
	int fd;
	DIR *dp;
	struct dirent *de;

	*ids = NULL;
	fd = openat(root->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return husk_error_set(err, errno, "open %s", root->path);
	dp = fdopendir(fd);
	if (!dp) {
		int r = husk_error_set(err, errno, "read %s", root->path);

		close(fd);
		return r;
	}
	v = xcalloc(1, sizeof(char *));
	while ((de = readdir(dp))) {
		struct stat st;

		if (container_id_validate(de->d_name, NULL) < 0)
			continue;
		if (fstatat(dirfd(dp), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		strv_push(&v, de->d_name);
	}
	closedir(dp);
	qsort(v, strv_length(v), sizeof(char *), strcmp_ptr);
	*ids = TAKE_PTR(v);
	return 0;
}
