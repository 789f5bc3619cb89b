# shellcheck shell=bash
# shellcheck disable=SC2154,SC2016  # repo, DIR, ... are set by run.sh; the probe is
# shell for the container, single-quoted on purpose
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/lib-setup.sh — sourced by bench/run.sh: everything the benchmark
# prepares before it measures (packages, the user, the rootfs, the driver,
# the bundles and their configs).  Uses run.sh's globals: repo, DIR,
# BENCH_USER, ROOT_MODE, HUSK, NOTES.

# Debian packages the benchmark needs beyond `make check`'s: the two other
# runtimes and jq, which edits the generated config.json files.
BENCH_PKGS=(crun runc jq)

die() {
	echo "husk: bench: $*" >&2
	exit 1
}

note() {
	NOTES+=("$*")
}

# Install what is missing, as root; anyone else gets the apt line.
ensure_packages() {
	local missing=() p
	# --profile also wants the tools it profiles with.
	[ "${PROFILE:-0}" = 1 ] && BENCH_PKGS+=(strace valgrind linux-perf)
	for p in "${BENCH_PKGS[@]}"; do
		dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
			missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages; as root run: apt-get install -y ${missing[*]}"
	fi
	echo "bench: installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The unprivileged user the rootless half runs as (no login shell).  It
# needs no subordinate ids: every config maps only the user itself to 0.
ensure_user() {
	[ "$ROOT_MODE" = 1 ] && return 0
	getent passwd "$BENCH_USER" >/dev/null && return 0
	useradd --create-home --user-group --shell /usr/sbin/nologin \
		--comment "husk benchmark" "$BENCH_USER"
	echo "bench: created user $BENCH_USER"
}

# Run "$@" as the measuring user, with a clean environment, or as root in
# --root-mode.  Used inside and outside the private mount namespace.
# AS_USER is the same as a command prefix, for `"${AS_USER[@]}" cmd &`,
# where $! must be the command itself (setpriv and env exec it).
# XDG_CACHE_HOME puts husk's seccomp cache on the state tmpfs, fresh for
# every benchmark run and where the cold-cache measurement can empty it.
# AS_ROOT is the same for root, whatever the mode (the rows with limits).
as_user_init() {
	CACHE_HOME=$DIR/state/cache
	# shellcheck disable=SC2034  # used by lib-limits.sh
	AS_ROOT=(env -i PATH="$SAFE_PATH" HOME=/root)
	if [ "$ROOT_MODE" = 1 ]; then
		AS_USER=(env -i PATH="$SAFE_PATH" HOME=/root XDG_CACHE_HOME="$CACHE_HOME")
	else
		AS_USER=(setpriv --reuid="$BENCH_USER" --regid="$BENCH_USER" --clear-groups
			 env -i PATH="$SAFE_PATH" XDG_CACHE_HOME="$CACHE_HOME"
			 HOME="$(getent passwd "$BENCH_USER" | cut -d: -f6)")
	fi
}

as_user() {
	"${AS_USER[@]}" "$@"
}

# $DIR/rootfs: rebuilt when the installed busybox changes.
ensure_rootfs() {
	local want
	want="bench-v1 $(cksum <"$HUSK_BUSYBOX")"
	if [ -d "$DIR/rootfs" ] && [ "$(cat "$DIR/rootfs.stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	rm -rf "$DIR/rootfs" "$DIR/rootfs.stamp"
	husk_rootfs_build "$DIR/rootfs"
	echo "$want" >"$DIR/rootfs.stamp"
}

ensure_probe() {
	printf '%s\n' "$PROBE_SCRIPT" >"$DIR/rootfs/bench-probe"
	chmod 0644 "$DIR/rootfs/bench-probe"
}

# Measure a copy of husk (and its husk-init, for the size), taken now: a
# rebuild of build/ while the benchmark runs must not swap the binary
# under it (an exec of a half-linked file fails with EACCES).
snapshot_husk() {
	mkdir -p "$DIR/bin"
	install -m 0755 "$HUSK" "$DIR/bin/husk.tmp"
	mv "$DIR/bin/husk.tmp" "$HUSK_RUN"
	if [ -e "$HUSK_INIT" ]; then
		install -m 0755 "$HUSK_INIT" "$DIR/bin/husk-init"
	else
		rm -f "$DIR/bin/husk-init"
	fi
}

# The timing driver, compiled here (not by the top Makefile's wildcards).
ensure_driver() {
	local bin=$DIR/bin/bench-driver
	[ "$bin" -nt "$repo/bench/driver.c" ] && return 0
	mkdir -p "$DIR/bin"
	${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -Wformat=2 -Wshadow \
		-Wmissing-prototypes -Wstrict-prototypes -o "$bin.tmp" "$repo/bench/driver.c"
	mv "$bin.tmp" "$bin"
}

# The base config.json, as husk writes it for this user (`husk spec
# --rootless` as the bench user maps exactly that user to 0), on stdout.
# `hardened` asks husk for its hardened template when husk has one.
husk_template() {
	local kind=$1 tmp args=()
	tmp=$(mktemp -d "$DIR/spec.XXXXXX")
	chmod 0777 "$tmp"
	[ "$ROOT_MODE" = 1 ] || args+=(--rootless)
	[ "$kind" = hardened ] && args+=(--hardened)
	if ! as_user "$HUSK_RUN" spec "${args[@]}" --bundle "$tmp" >/dev/null \
		2>"$DIR/spec.err"; then
		rm -rf "$tmp"
		return 1
	fi
	cat "$tmp/config.json"
	rm -rf "$tmp"
}

# The edits every config gets, so that all three runtimes accept it and run
# the same thing:
#  - ociVersion 1.0.2: crun 1.8.1 refuses "1.2.0" ("unknown version
#    specified"); nothing in these configs is newer than 1.0.2.
#  - root.path absolute: runc refuses a rootfs reached through a symlink,
#    and one rootfs serves every bundle.
#  - a network namespace: `husk spec --rootless` (like `runc spec
#    --rootless`) leaves it out; the benchmark wants user, pid, mount, ipc,
#    uts, net and cgroup for every runtime.
#  - no cgroupsPath: rootless, none of the runtimes may touch cgroups.
#  - process.args from the caller (a JSON array).
common_edits() {
	local argv=$1
	jq --arg root "$DIR/rootfs" --argjson args "$argv" '
		.ociVersion = "1.0.2"
		| .root.path = $root
		| .process.args = $args
		| .process.terminal = false
		| del(.linux.cgroupsPath)
		| if ([.linux.namespaces[].type] | index("network")) then .
		  else .linux.namespaces += [{"type": "network"}] end'
}

# What the benchmark calls hardened, when `husk spec --hardened` does not
# exist yet: husk's default seccomp profile, no capabilities at all, a
# read-only root, no_new_privs, and a tmpfs /tmp (the base config has it).
harden_edits() {
	local profile=$repo/seccomp-profiles/default.json
	[ -r "$profile" ] || die "no seccomp profile at $profile"
	jq --slurpfile sc "$profile" '
		.process.capabilities = {"bounding": [], "effective": [], "permitted": [],
					 "inheritable": [], "ambient": []}
		| .process.noNewPrivileges = true
		| .root.readonly = true
		| .linux.seccomp = $sc[0]
		| if ([.mounts[].destination] | index("/tmp")) then .
		  else .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
				    "options": ["nosuid", "nodev", "noexec", "mode=1777"]}] end'
}

# Make a hardened config from `husk spec --hardened` one that all three
# runtimes accept, saying what changed (config on stdin, result on stdout;
# notes go through $DIR/notes.tmp because this runs in a pipeline):
#  - runc refuses a user namespace in which the container's root is not
#    mapped ("User namespaces enabled, but no user mapping found": it sets
#    the container up as uid 0 inside), and as root husk itself fails on it
#    (mkdir /dev/pts: EOVERFLOW).  husk's template maps the user to 65534
#    only; here the user becomes 0 inside and the process runs as 0, still
#    with no capabilities, no_new_privs and seccomp, so the launch does the
#    same work.
#  - rootless, no runtime has a cgroup here, and as root the cgroup2
#    hierarchy of this hybrid host has no pids controller: runc fails on
#    .linux.resources (the template's pids limit) either way.
compat_edits() {
	local cfg
	cfg=$(cat)
	if jq -e '(.linux.uidMappings | length) > 0' <<<"$cfg" >/dev/null; then
		if ! jq -e '[.linux.uidMappings[]?, .linux.gidMappings[]?
			     | select(.containerID == 0)] | length >= 2' <<<"$cfg" >/dev/null; then
			cfg=$(jq '.linux.uidMappings |= map(.containerID = 0)
				  | .linux.gidMappings |= map(.containerID = 0)
				  | .process.user.uid = 0 | .process.user.gid = 0' <<<"$cfg")
			echo "hardened config: the user is mapped to 0 inside (husk's" \
			     "template: 65534) and the process runs as 0 with no capabilities," \
			     "because runc refuses a user namespace without root mapped" \
			     >>"$DIR/notes.tmp"
		fi
	fi
	if jq -e '.linux.resources' <<<"$cfg" >/dev/null; then
		cfg=$(jq 'del(.linux.resources)' <<<"$cfg")
		echo "hardened config: .linux.resources removed (rootless, no runtime has a" \
		     "cgroup; as root, the cgroup2 hierarchy of this hybrid host has no pids" \
		     "controller; runc fails on the pids limit either way)" >>"$DIR/notes.tmp"
	fi
	printf '%s\n' "$cfg"
}

# bundle NAME KIND ARGS_JSON: $DIR/bundles/NAME/config.json from the
# template of KIND (plain or hardened).
make_bundle() {
	local name=$1 kind=$2 argv=$3 base
	local dir=$DIR/bundles/$name
	mkdir -p "$dir"
	if [ "$kind" = hardened ] && base=$(husk_template hardened); then
		[ -n "$HARDENED_SOURCE" ] || note "hardened config: \`husk spec --hardened\`"
		HARDENED_SOURCE=husk
		common_edits "$argv" <<<"$base" | compat_edits >"$dir/config.json"
	else
		base=$(husk_template plain) ||
			die "\`husk spec\` failed as $BENCH_USER: $(head -n1 "$DIR/spec.err")"
		if [ "$kind" = hardened ]; then
			[ -n "$HARDENED_SOURCE" ] ||
				note "hardened config: \`husk spec\` +" \
				     "seccomp-profiles/default.json, all capabilities dropped," \
				     "read-only root, no_new_privs, tmpfs /tmp" \
				     "(\`husk spec --hardened\` not available yet)"
			HARDENED_SOURCE=bench
			common_edits "$argv" <<<"$base" | harden_edits >"$dir/config.json"
		else
			common_edits "$argv" <<<"$base" >"$dir/config.json"
		fi
	fi
	chmod 0755 "$dir"
	chmod 0644 "$dir/config.json"
}

# The probe, put into the rootfs: what a container sees of its own
# confinement, on one line, so that the benchmark can show that the three
# runtimes set up the same thing.  Single quotes: it is shell for the
# container, expanded there.
PROBE_SCRIPT='s=/proc/self/status
f() { awk -v k="$1:" '"'"'$1 == k { print $2 }'"'"' $s; }
if touch /.probe 2>/dev/null; then root=rw; rm -f /.probe; else root=ro; fi
if touch /tmp/.probe 2>/dev/null; then tmp=rw; else tmp=ro; fi
echo "seccomp=$(f Seccomp) capeff=$(f CapEff) nnp=$(f NoNewPrivs) root=$root tmp=$tmp" \
	"uidmap=$(awk '"'"'{ printf "%s:%s:%s", $1, $2, $3 }'"'"' /proc/self/uid_map)" \
	"netdevs=$(($(wc -l </proc/net/dev) - 2)) hostname=$(hostname)"'
PROBE_ARGS='["/bin/sh", "/bench-probe"]'

make_bundles() {
	HARDENED_SOURCE=
	rm -rf "$DIR/bundles" "$DIR/notes.tmp"
	make_bundle plain plain '["/bin/true"]'
	make_bundle hardened hardened '["/bin/true"]'
	make_bundle sleep plain '["/bin/sleep", "100000"]'
	make_bundle probe plain "$PROBE_ARGS"
	make_bundle probe-hardened hardened "$PROBE_ARGS"
	# What compat_edits changed, once each.
	if [ -s "$DIR/notes.tmp" ]; then
		local line
		while IFS= read -r line; do
			note "$line"
		done < <(sort -u "$DIR/notes.tmp")
	fi
	rm -f "$DIR/notes.tmp"
}
