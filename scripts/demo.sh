#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/demo.sh — `make demo`
#
# Builds a busybox bundle with `husk spec --rootless` and runs it with
# `husk run` as an unprivileged user (husk-demo, created when run as root;
# yourself otherwise).  A script inside the container shows, and checks,
# what isolation it gets.  Exits non-zero, loudly, if any check fails.
#
# HUSK=path/to/husk selects the binary (default: ./husk, then build/husk).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
# shellcheck source=scripts/lib-rootfs.sh
. "$here/lib-rootfs.sh"

DEMO_USER=husk-demo
PATH_VALUE=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() {
	echo "husk demo: $*" >&2
	exit 1
}

find_husk() {
	local h
	for h in "${HUSK:-}" "$repo/husk" "$repo/build/husk"; do
		if [ -n "$h" ] && [ -x "$h" ]; then
			realpath "$h"
			return 0
		fi
	done
	die "no husk binary found; run \`make\` first (or set HUSK=...)"
}

# As root the demo runs as a dedicated unprivileged user, made on first use.
ensure_demo_user() {
	if ! getent passwd "$DEMO_USER" >/dev/null; then
		useradd --user-group --no-create-home --shell /usr/sbin/nologin \
			--comment "husk demo" "$DEMO_USER"
		echo "(created the unprivileged user $DEMO_USER for this demo)"
	fi
}

# Run "$@" as the demo user with a clean environment, the way a login would
# (no root capabilities, no supplementary groups, nothing of ours).
as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid="$DEMO_USER" --regid="$DEMO_USER" --clear-groups \
			env -i PATH="$PATH_VALUE" HOME="$tmp" "$@"
	else
		env -i PATH="$PATH_VALUE" HOME="$tmp" "$@"
	fi
}

# The script the container runs.  @HOST_UID@ and @HOST_USER@ are filled in.
write_inside_script() {
	cat >"$1" <<'INSIDE'
#!/bin/sh
# Runs inside the husk container: show each isolation property and check it.
host_uid=@HOST_UID@
host_user=@HOST_USER@
bad=0
ok() { echo "   ok: $*"; }
fail() { echo "   FAIL: $*"; bad=1; }
show() { echo; echo "== $*"; }

show "Who am I inside?"
echo '$ id'
id
if [ "$(id -u)" = 0 ]; then ok "root inside the container"; else fail "not root inside"; fi

show "...and outside? (user namespace)"
echo '$ cat /proc/self/uid_map'
cat /proc/self/uid_map
set -- $(cat /proc/self/uid_map)
if [ "$#" = 3 ] && [ "$1 $2 $3" = "0 $host_uid 1" ]; then
	ok "root here is $host_user (uid $host_uid) outside; no other uid exists in here"
else
	fail "the uid map is not \"0 $host_uid 1\""
fi

show "PID namespace"
echo '$ echo $$'
echo $$
if [ $$ -le 2 ]; then
	ok "this shell is PID $$: the host's processes are out of sight"
else
	fail "PID $$: not in a new PID namespace"
fi
echo '$ ps -o pid,ppid,comm'
ps -o pid,ppid,comm
if [ "$(ps -o pid,comm | awk '$1 == 1 {print $2}')" = "memfd:husk-init" ]; then
	ok "PID 1 is husk-init, run from a sealed memfd: it reaps and forwards signals"
else
	fail "PID 1 is not husk-init"
fi

show "UTS namespace"
echo '$ hostname'
hostname
if [ "$(hostname)" = husk ]; then ok "own hostname"; else fail "hostname is not husk"; fi

show "Read-only root filesystem"
echo '$ touch /etc/x'
if out=$(touch /etc/x 2>&1); then
	fail "/etc/x could be written"
else
	echo "$out"
	case "$out" in
	*"Read-only file system"*) ok "the image cannot be modified" ;;
	*) fail "touch failed, but not because the root is read-only" ;;
	esac
fi

show "/tmp: writable, but nothing there can be executed"
echo "$ grep ' /tmp ' /proc/mounts"
tmpline=$(grep ' /tmp ' /proc/mounts || true)
echo "$tmpline"
case "$tmpline" in
tmpfs*noexec*) ok "a private tmpfs mounted noexec" ;;
*) fail "/tmp is not a noexec tmpfs" ;;
esac
echo '$ cp /bin/busybox /tmp/busybox && /tmp/busybox true'
if ! cp /bin/busybox /tmp/busybox; then
	fail "could not write to /tmp"
elif out=$(/tmp/busybox true 2>&1); then
	fail "a program copied into /tmp ran"
else
	echo "$out"
	case "$out" in
	*"Permission denied"*) ok "dropped binaries do not run" ;;
	*) fail "unexpected error: $out" ;;
	esac
fi

show "File descriptors"
echo '$ ls /proc/self/fd'
fds=$(ls /proc/self/fd | tr '\n' ' ')
echo "$fds"
if [ "$fds" = "0 1 2 3 " ]; then
	ok "only stdin, stdout and stderr (3 is ls reading the directory)"
else
	fail "unexpected file descriptors: $fds"
fi

echo
exit $bad
INSIDE
	sed -i "s/@HOST_UID@/$2/; s/@HOST_USER@/$3/" "$1"
	chmod 0755 "$1"
}

cleanup() {
	if [ -n "${tmp:-}" ] && [ -d "$tmp" ]; then
		as_user "$tmp/husk" --root "$tmp/state" delete --force "$id" >/dev/null 2>&1 || true
		rm -rf --one-file-system "$tmp"
	fi
}

main() {
	local husk_src
	husk_src=$(find_husk)

	local user
	if [ "$(id -u)" -eq 0 ]; then
		ensure_demo_user
		user=$DEMO_USER
	else
		user=$(id -un)
	fi
	local uid
	uid=$(id -u "$user")

	tmp=$(mktemp -d /tmp/husk-demo.XXXXXX)
	id=demo-$$
	trap cleanup EXIT
	chmod 0755 "$tmp"
	# A copy of husk the demo user can surely reach (the repo may live in
	# a directory only root can enter).
	install -m 0755 "$husk_src" "$tmp/husk"
	husk_rootfs_build "$tmp/bundle/rootfs"
	write_inside_script "$tmp/bundle/rootfs/demo.sh" "$uid" "$user"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R "$user:" "$tmp"
	fi

	echo "husk demo: a busybox container, run by the unprivileged user $user (uid $uid)"
	echo "   bundle: $tmp/bundle  (config.json from \`husk spec --rootless\`)"
	(cd "$tmp/bundle" && as_user "$tmp/husk" spec --rootless) ||
		die "husk spec --rootless failed"
	# Only the command changes: the rest is husk's hardened default.
	perl -0pi -e 's/"args"\s*:\s*\[.*?\]/"args": ["\/bin\/sh", "\/demo.sh"]/s;
		      s/"terminal"\s*:\s*true/"terminal": false/' "$tmp/bundle/config.json"
	grep -q '"/demo.sh"' "$tmp/bundle/config.json" || die "could not set the command in config.json"
	echo "   running: husk run $id"

	local rc=0
	(cd "$tmp/bundle" && as_user "$tmp/husk" --root "$tmp/state" run "$id") || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "husk demo: FAILED (exit status $rc): see the FAIL lines above" >&2
		exit 1
	fi
	echo "husk demo: every isolation check passed."
}

main "$@"
