#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/soak.sh HUSK DRIVER TEST_DIR — `make soak` (not part of `make check`)
#
# SOAK_N (default 10000) create/start/state/delete cycles of a busybox
# /bin/true container, as root and then as the unprivileged test user
# husk-test (rootless), must leave the host exactly as it was:
#   - processes: the same set (pid and name), none left running or unreaped;
#   - mounts: the same /proc/self/mountinfo lines;
#   - state roots: as empty as before;
#   - cgroups: the same directories under /sys/fs/cgroup, every hierarchy
#     (v1 controllers, the hybrid's unified, or the v2 root);
# and husk's own peak RSS must not grow with the count: the median over the
# last 100 cycles may exceed the median over the first 100 by at most 2 %
# + 16 KiB (scripts/soak-driver.c runs the cycles and measures it).
#
# Processes and mounts are counted in the soak's own pid and mount
# namespaces (unshare --pid --mount --propagation private), which hold
# everything husk starts and mounts and nothing of other work on the
# machine, so that the counts are exact however busy the machine is.  husk
# runs there as on any host: as root in the initial user namespace, or as
# husk-test.  Cgroups are global: a cgroup made or removed meanwhile by
# someone else (another container engine) shows up in the difference, named.
#
# Needs root, and `scripts/test-setup.sh TEST_DIR` done (the user and the
# rootfs; `make soak` runs it).  Environment: SOAK_N, SOAK_DIR (default
# /tmp/husk-soak, removed and remade), SOAK_MODES (default "root rootless").
# Prints a short summary; exits 1 on any difference or failed call.
set -euo pipefail

TEST_USER=husk-test
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
N=${SOAK_N:-10000}
DIR=${SOAK_DIR:-/tmp/husk-soak}
MODES=${SOAK_MODES:-root rootless}

die() {
	echo "soak: $*" >&2
	exit 1
}

as_user() {
	setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --clear-groups \
		env -i PATH="$SAFE_PATH" HOME="$DIR" "$@"
}

# A bundle for MODE under $DIR/MODE: the test rootfs, `husk spec` (as the
# user for rootless, so that the user namespace maps the user), /bin/true.
prepare_mode() {
	local mode=$1 husk=$2 rootfs=$3 d=$DIR/$1
	local run=(env) spec=(spec)

	if [ "$mode" = rootless ]; then
		run=(as_user)
		spec=(spec --rootless)
	fi
	mkdir -m 0755 "$d"
	[ "$mode" = rootless ] && chown "$TEST_USER:$TEST_USER" "$d"
	"${run[@]}" mkdir -m 0755 "$d/bundle" "$d/state"
	"${run[@]}" mkdir -m 0700 "$d/run"
	"${run[@]}" cp -a "$rootfs" "$d/bundle/rootfs"
	(cd "$d/bundle" && "${run[@]}" "$husk" "${spec[@]}") || die "husk spec failed for $mode"
	"${run[@]}" perl -0pi -e 's/"args"\s*:\s*\[.*?\]/"args": ["\/bin\/true"]/s' \
		"$d/bundle/config.json"
}

# snapshot FILE-PREFIX: what must come out the same.  Processes and
# mountinfo are read by bash itself (no fork, so the snapshot does not see
# itself); the cgroup walk forks, after them.
snapshot() {
	local prefix=$1 p comm procs=() mounts=() states=()

	for p in /proc/[0-9]*; do
		comm='?'
		read -r comm 2>/dev/null <"$p/comm" || true
		procs+=("${p#/proc/} $comm")
	done
	printf '%s\n' "${procs[@]}" >"$prefix.procs"
	mapfile -t mounts </proc/self/mountinfo
	printf '%s\n' "${mounts[@]}" >"$prefix.mounts"
	shopt -s nullglob dotglob
	for p in "$DIR"/*/state/*; do
		states+=("$p")
	done
	shopt -u nullglob dotglob
	printf '%s\n' "${states[@]}" | grep -v '^$' >"$prefix.states" || true
	find /sys/fs/cgroup -type d 2>/dev/null | sort >"$prefix.cgroups"
}

lines() {
	grep -c '' "$1" || true
}

# compare NAME: "NAME before -> after", and the difference when there is one.
compare() {
	local name=$1 a=$DIR/before.$1 b=$DIR/after.$1

	printf '%s %s -> %s' "$name" "$(lines "$a")" "$(lines "$b")"
	if ! diff -q <(sort "$a") <(sort "$b") >/dev/null; then
		printf ' DIFFERENT\n'
		diff <(sort "$a") <(sort "$b") | sed -n 's/^[<>]/  &/p' | head -20
		return 1
	fi
	printf '\n'
}

# Runs as PID 1 of the soak's pid namespace, in its own mount namespace.
inner() {
	local husk=$1 driver=$2 test_dir=$3 mode ok=0 uid gid out
	local summary=()

	# PID 1 ignores signals it has no handler for: give ^C one.
	trap 'exit 130' INT TERM
	uid=$(id -u "$TEST_USER")
	gid=$(id -g "$TEST_USER")
	rm -rf "$DIR"
	mkdir -m 0755 "$DIR"
	for mode in $MODES; do
		prepare_mode "$mode" "$husk" "$test_dir/rootfs"
	done

	snapshot "$DIR/before"
	for mode in $MODES; do
		local args=(-n "$N" -h "$husk" -r "$DIR/$mode/state" -b "$DIR/$mode/bundle"
			    -p "soak-$mode" -e "PATH=$SAFE_PATH" -e "HOME=$DIR/$mode")
		if [ "$mode" = rootless ]; then
			args+=(-u "$uid:$gid" -e "XDG_RUNTIME_DIR=$DIR/$mode/run")
		fi
		if out=$("$driver" "${args[@]}"); then
			:
		else
			ok=1
		fi
		# "cycles N seconds S floor F rss_first A rss_last B window W"
		read -r _ n _ s _ _ _ a _ b _ w <<<"$out" || true
		summary+=("soak: $mode: ${n:-0} cycles in ${s:-?} s; husk's peak RSS, median of ${w:-?} cycles: ${a:-?} KiB first, ${b:-?} KiB last")
	done
	snapshot "$DIR/after"

	printf '%s\n' "${summary[@]}"
	printf 'soak: in its pid and mount namespaces: '
	compare procs || ok=1
	printf 'soak: in its mount namespace: '
	compare mounts || ok=1
	printf 'soak: state roots: '
	compare states || ok=1
	printf 'soak: host-wide: '
	compare cgroups || ok=1
	if [ "$ok" -eq 0 ]; then
		echo "soak: ok, the host is as it was"
	else
		echo "soak: FAILED"
	fi
	return "$ok"
}

main() {
	if [ "${1:-}" = --inner ]; then
		shift
		inner "$@"
		return
	fi
	[ $# -eq 3 ] || { echo "usage: scripts/soak.sh HUSK DRIVER TEST_DIR" >&2; exit 2; }
	[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, and the switch to $TEST_USER)"
	[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "SOAK_N must be a positive number, not \"$N\""
	getent passwd "$TEST_USER" >/dev/null || die "no user $TEST_USER: run scripts/test-setup.sh"
	[ -d "$3/rootfs" ] || die "$3/rootfs is missing: run scripts/test-setup.sh $3"
	case "$DIR" in
	/*) ;;
	*) die "SOAK_DIR must be an absolute path, not \"$DIR\"" ;;
	esac
	exec unshare --pid --fork --mount-proc --mount --propagation private \
		"$0" --inner "$@"
}

main "$@"
