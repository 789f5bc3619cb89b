# shellcheck shell=bash
# shellcheck disable=SC2086,SC2154  # ${LRT[x]} is a command prefix, split on purpose
# (run.sh refuses paths with spaces); repo, DIR, ... are set by run.sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/lib-limits.sh — sourced by bench/run.sh: the rows "with limits",
# a memory limit of 256 MiB and a pids limit of 1000 (.linux.resources),
# measured as root for all three runtimes on a pure cgroup v1 view of the
# host, whatever --root-mode says for the other rows.
#
# The view: the host's /sys/fs/cgroup (v1 controllers on a tmpfs, plus
# cgroup2 at /sys/fs/cgroup/unified on a hybrid host) with the cgroup2
# mount covered by an empty tmpfs.  crun 1.8.1 refuses a hybrid host, and
# this way all three see the same pure v1 host.  The tmpfs is writable:
# crun, on v1, still makes a directory there for the "0::" line of
# /proc/self/cgroup and fails if it cannot (it is no cgroup, and goes away
# with the namespace).
#
# Every runtime gets its own bundle whose .linux.cgroupsPath is the
# absolute "/husk-bench/RUNTIME": the containers of a runtime run one after
# another, so they share one path, and every directory any runtime makes
# is known (an empty or relative cgroupsPath puts it under the runtime's
# own cgroup, named after each runtime's own rules).  Before timing, one
# container of each runtime is created and its cgroup read: a runtime that
# does not apply both limits there is not timed and fails the benchmark.
# After the rows, whatever is left under /husk-bench in any hierarchy is
# reported as leaked, by runtime, and removed with /husk-bench itself.

LIMIT_MEM=268435456
LIMIT_PIDS=1000
LIMITS_CG=husk-bench
LIMITS_FAILED=()
declare -A LRT

# as_root CMD...: as root, with a clean environment (AS_ROOT, set by
# as_user_init), the way as_user runs the bench user's commands.
as_root() {
	"${AS_ROOT[@]}" "$@"
}

# In the host's mount namespace (prepare): the limits bundles, from
# `husk spec` as root (no user namespace), one per runtime.
make_limits_bundles() {
	local tmp rt dir base
	tmp=$(mktemp -d "$DIR/spec.XXXXXX")
	as_root "$HUSK_RUN" spec --bundle "$tmp" >/dev/null 2>"$DIR/spec.err" ||
		die "\`husk spec\` as root failed: $(head -n1 "$DIR/spec.err")"
	base=$(common_edits '["/bin/true"]' <"$tmp/config.json")
	rm -rf "$tmp"
	for rt in "${RUNTIMES[@]}"; do
		dir=$DIR/bundles/limits-$rt
		mkdir -p "$dir"
		jq --arg path "/$LIMITS_CG/$rt" --argjson mem "$LIMIT_MEM" \
			--argjson pids "$LIMIT_PIDS" '
			.linux.cgroupsPath = $path
			| .linux.resources = {"memory": {"limit": $mem}, "pids": {"limit": $pids}}
			' <<<"$base" >"$dir/config.json"
		chmod 0755 "$dir"
		chmod 0644 "$dir/config.json"
	done
}

# Inside the private mount namespace, before /sys/fs/cgroup becomes the
# pure cgroup2 mount of the other rows: keep the host's tree mounted aside
# (CGV1), for limits_view_enter.  A host without v1 memory and pids
# hierarchies gets no limits rows (LIMITS_NA says why).
limits_view_save() {
	LIMITS_NA=
	CGV1=
	if [ "$(stat -f -c %T /sys/fs/cgroup/memory 2>/dev/null)" != cgroupfs ] ||
	   [ "$(stat -f -c %T /sys/fs/cgroup/pids 2>/dev/null)" != cgroupfs ]; then
		LIMITS_NA="n/a: the host has no cgroup v1 memory and pids hierarchies"
		return 0
	fi
	mkdir -p "$DIR/cgroup-v1"
	mount --rbind /sys/fs/cgroup "$DIR/cgroup-v1"
	CGV1=$DIR/cgroup-v1
	# Anything an interrupted earlier run left behind.
	limits_cgroups_remove >/dev/null
}

# /sys/fs/cgroup becomes the host's tree again, its cgroup2 mount covered.
limits_view_enter() {
	umount /sys/fs/cgroup
	mount --move "$CGV1" /sys/fs/cgroup
	CGV1=/sys/fs/cgroup
	if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		mount -t tmpfs -o size=1m,mode=0755 tmpfs /sys/fs/cgroup/unified
	fi
}

# The v1 hierarchies of the tree at CGV1, one directory each.
limits_hierarchies() {
	local d
	for d in "$CGV1"/*/; do
		[ "$(stat -f -c %T "$d")" = cgroupfs ] && echo "${d%/}"
	done
	return 0
}

# Remove /husk-bench from every hierarchy, deepest first; print each
# directory that was left below it ("memory/husk-bench/runc"), i.e. leaked.
limits_cgroups_remove() {
	local h d
	[ -n "${CGV1:-}" ] || return 0
	for h in $(limits_hierarchies); do
		[ -d "$h/$LIMITS_CG" ] || continue
		find "$h/$LIMITS_CG" -mindepth 1 -type d -printf "${h##*/}/%P\n" |
			sed "s|/|/$LIMITS_CG/|"
		find "$h/$LIMITS_CG" -depth -type d -print | while IFS= read -r d; do
			rmdir "$d" 2>/dev/null ||
				echo "bench: cannot remove cgroup $d (processes left in it?)" >&2
		done
	done
}

limits_define() {
	local st=$DIR/state/limits
	mkdir -p "$st"
	LRT[husk]="$HUSK_RUN --root $st/husk"
	LRT[crun]="crun --root $st/crun --cgroup-manager=cgroupfs"
	LRT[runc]="runc --root $st/runc"
}

# limits_check RT: create one container of RT (not started: its process
# waits in the runtime's init, inside its cgroup) and read the limits of the
# cgroups its process is in.  Prints what is wrong, or nothing.
limits_check() {
	local rt=$1 id=lchk-$1 pidf=$PIDS/lchk-$1.pid pid mem pidcg lim pmax
	rm -f "$pidf"
	# Output to a file: the container process keeps its stdio open.
	if ! as_root ${LRT[$rt]} create -b "$DIR/bundles/limits-$rt" --pid-file "$pidf" \
		"$id" </dev/null >"$DIR/lchk.out" 2>&1; then
		echo "create failed: $(tail -n1 "$DIR/lchk.out" | tr '\t' ' ')"
		return 0
	fi
	pid=$(cat "$pidf" 2>/dev/null || true)
	mem=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null || true)
	pidcg=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null || true)
	lim=$(cat "$CGV1/memory$mem/memory.limit_in_bytes" 2>/dev/null || echo "?")
	pmax=$(cat "$CGV1/pids$pidcg/pids.max" 2>/dev/null || echo "?")
	as_root ${LRT[$rt]} delete --force "$id" >/dev/null 2>&1 || true
	if [ "$mem" != "/$LIMITS_CG/$rt" ] || [ "$pidcg" != "/$LIMITS_CG/$rt" ] ||
	   [ "$lim" != "$LIMIT_MEM" ] || [ "$pmax" != "$LIMIT_PIDS" ]; then
		echo "limits not applied: the container's memory cgroup ${mem:-?}," \
		     "memory.limit_in_bytes $lim; pids cgroup ${pidcg:-?}, pids.max $pmax" \
		     "(want /$LIMITS_CG/$rt, $LIMIT_MEM, $LIMIT_PIDS)"
	fi
}

# The rows: `run` and create + start + wait + delete with limits, as root,
# for the runtimes whose check passed.  Last of the timings, so that the
# other rows run on the same machine state as before.
measure_limits() {
	local rt why metric ok=()
	if [ -n "$LIMITS_NA" ]; then
		for rt in "${RUNTIMES[@]}"; do
			for metric in lrun lcsd; do result "$metric" "$rt" ms 0 "$LIMITS_NA"; done
		done
		return 0
	fi
	echo "bench: limits: pure cgroup v1 view, as root ..." >&2
	limits_view_enter
	limits_define
	for rt in "${RUNTIMES[@]}"; do
		why=$(limits_check "$rt")
		if [ -z "$why" ]; then
			ok+=("$rt")
			continue
		fi
		echo "bench: *** $rt does not apply the limits: $why" >&2
		LIMITS_FAILED+=("$rt: $why")
		for metric in lrun lcsd; do result "$metric" "$rt" ms 0 "fail: $why"; done
	done
	if [ "${#ok[@]}" -gt 0 ]; then
		# Only these runtimes, for the plans below (bash scoping).
		local -a RUNTIMES=("${ok[@]}")
		PLAN_RT=LRT plan_run "$DIR/plan-lrun" "limits-@rt@" l
		DRIVER_AS=AS_ROOT driver seq lrun "$DIR/plan-lrun" -n "$N" -w "$WARM"
		PLAN_RT=LRT plan_csd "$DIR/plan-lcsd" "limits-@rt@"
		DRIVER_AS=AS_ROOT driver seq lcsd "$DIR/plan-lcsd" -n "$N" -w "$WARM"
	fi
	limits_cleanup
	note "with limits: memory $((LIMIT_MEM >> 20)) MiB and pids $LIMIT_PIDS" \
	     "(.linux.resources), as root, for every runtime on a pure cgroup v1 view" \
	     "(the host's /sys/fs/cgroup, its cgroup2 mount covered by a tmpfs); crun" \
	     "--cgroup-manager=cgroupfs, cgroupsPath /$LIMITS_CG/RUNTIME; checked" \
	     "before timing: each container's memory.limit_in_bytes and pids.max"
}

# Leaked directories (any below /husk-bench once every container is gone),
# by runtime, into the notes and on stderr; then /husk-bench is removed.
limits_cleanup() {
	local leaked
	leaked=$(limits_cgroups_remove | sort | tr '\n' ' ')
	if [ -n "$leaked" ]; then
		echo "bench: *** cgroup directories left behind (removed now): $leaked" >&2
		note "with limits: cgroup directories left behind by the runtimes" \
		     "(removed): $leaked"
		LIMITS_FAILED+=("cgroup directories left behind: $leaked")
	else
		note "with limits: no cgroup directory was left behind by any runtime"
	fi
}

# On the way out (the EXIT trap): no container and no /husk-bench cgroup of
# ours stays behind, whatever failed.
limits_teardown() {
	local rt id
	for rt in "${RUNTIMES[@]}"; do
		[ -n "${LRT[$rt]:-}" ] || continue
		for id in $(as_root ${LRT[$rt]} list -q 2>/dev/null); do
			as_root ${LRT[$rt]} delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	limits_cgroups_remove >/dev/null || true
}
