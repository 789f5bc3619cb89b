#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/test-setup.sh DIR
#
# Prepares what the integration tests need, idempotently:
#   - the unprivileged user husk-test (uid used for the rootless half of
#     every test) with a subordinate uid/gid range for newuidmap;
#   - DIR/rootfs, a busybox root filesystem the tests copy into their
#     bundles (rebuilt when the installed busybox changes);
#   - DIR/rootfs/probes/NAME, static helpers built from
#     tests/integration/probes/NAME.c when that directory has any;
#   - DIR/corpus/NAME.json, configs written by runc, crun, the OCI
#     runtime-tools generator, podman and containerd (scripts/corpus.sh;
#     as root only, regenerated when those tools change).
# DIR is owned by root, 0755, everything in it readable by husk-test.
# Prints one line saying what it did.
set -euo pipefail

TEST_USER=husk-test
# Used only when useradd did not allocate a range itself.
SUBID_RANGE_START=200000
SUBID_RANGE_COUNT=65536
STAMP_VERSION=2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
# shellcheck source=scripts/lib-rootfs.sh
. "$here/lib-rootfs.sh"

did=()

die() {
	echo "husk: test-setup: $*" >&2
	exit 1
}

# The user and its subordinate id ranges.  A normal (not --system) user so
# that the ranges look like a real desktop user's; no login shell.
ensure_user() {
	if ! getent passwd "$TEST_USER" >/dev/null; then
		[ "$(id -u)" -eq 0 ] || die "user $TEST_USER is missing; run as root once"
		useradd --create-home --user-group --shell /usr/sbin/nologin \
			--comment "husk integration tests" "$TEST_USER"
		did+=("created user $TEST_USER")
	fi
	local f
	for f in /etc/subuid /etc/subgid; do
		if ! grep -q "^$TEST_USER:" "$f" 2>/dev/null &&
		   ! grep -q "^$(id -u "$TEST_USER"):" "$f" 2>/dev/null; then
			[ "$(id -u)" -eq 0 ] || die "$TEST_USER has no range in $f; run as root once"
			local last=$((SUBID_RANGE_START + SUBID_RANGE_COUNT - 1))
			if [ "$f" = /etc/subuid ]; then
				usermod --add-subuids "$SUBID_RANGE_START-$last" "$TEST_USER"
			else
				usermod --add-subgids "$SUBID_RANGE_START-$last" "$TEST_USER"
			fi
			did+=("added $f range for $TEST_USER")
		fi
	done
}

# What the current rootfs was built from; a mismatch means rebuild.
rootfs_stamp() {
	echo "v$STAMP_VERSION $(cksum <"$HUSK_BUSYBOX")"
}

ensure_rootfs() {
	local dir=$1
	local want
	want=$(rootfs_stamp)
	if [ -d "$dir/rootfs" ] && [ "$(cat "$dir/rootfs.stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	rm -rf "$dir/rootfs" "$dir/rootfs.stamp"
	husk_rootfs_build "$dir/rootfs"
	echo "$want" >"$dir/rootfs.stamp"
	did+=("built $dir/rootfs")
}

# Static probes, rebuilt when their source is newer than the binary.
ensure_probes() {
	local dir=$1 src name bin
	for src in "$repo"/tests/integration/probes/*.c; do
		[ -e "$src" ] || continue
		name=$(basename "$src" .c)
		bin="$dir/rootfs/probes/$name"
		if [ "$bin" -nt "$src" ]; then
			continue
		fi
		mkdir -p "$dir/rootfs/probes"
		gcc -static -O2 -Wall -Wextra -Werror -o "$bin.tmp" "$src"
		mv "$bin.tmp" "$bin"
		did+=("built probe $name")
	done
}

# The tools' configs.  Needs root (podman and containerd run as root);
# as anyone else, say so when the corpus is missing or stale.
ensure_corpus() {
	local dir=$1 msg
	if [ "$(id -u)" -ne 0 ]; then
		[ -d "$dir/corpus" ] ||
			echo "husk: test-setup: $dir/corpus is missing; run as root once" >&2
		return 0
	fi
	msg=$("$here/corpus.sh" "$dir")
	if [ -n "$msg" ]; then
		did+=("$msg")
	fi
}

main() {
	[ $# -eq 1 ] || { echo "usage: scripts/test-setup.sh DIR" >&2; exit 2; }
	local dir=$1
	case "$dir" in
	/*) ;;
	*) die "DIR must be an absolute path, got \"$dir\"" ;;
	esac

	ensure_user
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir"
		did+=("created $dir")
	fi
	if [ "$(id -u)" -eq 0 ]; then
		chown root:root "$dir"
		chmod 0755 "$dir"
	fi
	ensure_rootfs "$dir"
	ensure_probes "$dir"
	ensure_corpus "$dir"

	if [ "${#did[@]}" -eq 0 ]; then
		echo "test-setup: $dir and user $TEST_USER are ready (nothing to do)"
	else
		local IFS=';'
		echo "test-setup: ${did[*]}" | sed 's/;/; /g'
	fi
}

main "$@"
