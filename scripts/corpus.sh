#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/corpus.sh DIR
#
# Writes DIR/corpus/NAME.json: config.json files (and one exec process
# JSON) written by real tools rather than by hand, for
# tests/integration/test_corpus.c to run under husk:
#
#   runc-root.json         runc spec
#   runc-rootless.json     runc spec --rootless   (run as husk-test)
#   crun-root.json         crun spec
#   crun-rootless.json     crun spec --rootless   (run as husk-test)
#   runtime-tools.json     the OCI runtime-tools generator's default
#                          (generate.New("linux"), what `oci-runtime-tool
#                          generate` writes; Debian ships the Go library,
#                          not the command, so a 20-line program calls it)
#   podman-root.json       podman run (as root)
#   podman-root-user.json  podman run --user 65534 --cap-add NET_BIND_SERVICE
#   podman-root-exec.json  podman exec --user 0 into that container: the
#                          process JSON given to `runtime exec --process`
#   podman-rootless.json   podman run as husk-test
#   podman-rootless-user.json, podman-rootless-exec.json
#                          the same --user/--cap-add run and exec, rootless
#   containerd.json        ctr run --rootfs, containerd 1.6 + runc v2 shim
#
# podman and containerd are pointed at a wrapper "runtime" that copies the
# bundle's config.json (on `create --bundle B`) or the process file (on
# `exec --process F`) and then either fails ("capture": nothing is run) or
# execs the real runc ("pass": for the container podman exec needs).  Both
# engines get private, throwaway state under DIR/corpus-work and a short
# /tmp/husk-corpus.XXXXXX: the host's podman storage and containerd are
# never used.  (Root podman still updates its blob-info cache in
# /var/lib/containers/cache on import, and the runc v2 shim puts its
# socket under /run/containerd/s while it runs: both are fixed paths.)
#
# Idempotent: nothing is done when DIR/corpus.stamp matches the installed
# tools' versions and this script.  Every engine call is bounded by a
# timeout; on failure the setup stops with what went wrong.
set -euo pipefail

TEST_USER=husk-test
# Seconds one engine command may take.
STEP_TIMEOUT=60

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() {
	echo "husk: corpus: $*" >&2
	exit 1
}

# What the corpus was made from: the tools' package versions, the test
# user's ids (in the rootless configs), and this script and the generator.
corpus_stamp() {
	dpkg-query -W -f='${Package} ${Version}\n' runc crun podman containerd \
		golang-github-opencontainers-runtime-tools-dev 2>/dev/null || true
	id -u "$TEST_USER"
	cksum <"$here/corpus.sh"
	cksum <"$here/corpus-generate.go"
}

# Prefix that runs a command as the test user with a clean environment
# (HOME and XDG_RUNTIME_DIR under the work dir, as a login would give it).
as_user() {
	as_user=(setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups
		 env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
		 HOME="$work/home" XDG_RUNTIME_DIR="$work/xdg"
		 XDG_CONFIG_HOME="$work/home/.config")
}

# `runc spec` / `crun spec` into a fresh directory; $1 = output name,
# $2 = "root" or "user", the rest the command.
tool_spec() {
	local name=$1 who=$2
	shift 2
	local d=$work/spec-$name
	mkdir "$d"
	if [ "$who" = user ]; then
		chown "$TEST_USER:" "$d"
		(cd "$d" && "${as_user[@]}" "$@") || die "$*: failed"
	else
		(cd "$d" && "$@") || die "$*: failed"
	fi
	cp "$d/config.json" "$out/$name.json"
}

runtime_tools_spec() {
	local src=$here/corpus-generate.go bin=$work/generate
	# GOPATH mode over Debian's /usr/share/gocode: no module download.
	GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$work/gocache \
		GOFLAGS='' go build -o "$bin" "$src" ||
		die "go build $src failed (is golang-github-opencontainers-runtime-tools-dev installed?)"
	"$bin" >"$out/runtime-tools.json" || die "$bin failed"
}

# The wrapper runtime.  $work/wrapper.mode holds "capture FILE" or
# "pass FILE"; FILE receives the next config.json or process JSON.
write_wrapper() {
	cat >"$work/wrapper" <<EOF
#!/bin/sh
# husk corpus capture runtime, written by scripts/corpus.sh
set -e
echo "wrapper: \$*" >>"$work/log/wrapper.log"
read -r mode file <"$work/wrapper.mode"
prev=
for a in "\$@"; do
	case "\$prev" in
	--bundle|-b) cp "\$a/config.json" "\$file"; captured=1 ;;
	--process|-p) cp "\$a" "\$file"; captured=1 ;;
	esac
	prev=\$a
done
if [ "\$mode" = capture ] && [ -n "\${captured:-}" ]; then
	echo "husk corpus: captured \$file; not running the container" >&2
	exit 1
fi
exec /usr/sbin/runc "\$@"
EOF
	chmod 0755 "$work/wrapper"
	touch "$work/log/wrapper.log"
	chmod 0666 "$work/log/wrapper.log"
}

set_mode() {
	echo "$1 $2" >"$work/wrapper.mode"
	chmod 0644 "$work/wrapper.mode"
}

# Run an engine command with a time limit; its output goes to the log.
# Returns its exit status; dies when it timed out.
bounded() {
	local rc=0
	echo "+ $*" >>"$work/log/engines.log"
	timeout -k 5 "$STEP_TIMEOUT" "$@" >>"$work/log/engines.log" 2>&1 || rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		die "timed out after ${STEP_TIMEOUT}s: $* (log: $work/log/engines.log)"
	fi
	return "$rc"
}

# Dies unless the wrapper captured $1.
expect_capture() {
	[ -s "$1" ] || die "$2 did not hand the runtime a config (no $1); log: $work/log/engines.log"
}

# podman with private storage under $1 and its run directories under $2
# (podman refuses a --runroot longer than 50 characters: $2 is short).
podman_args() {
	echo "--root $1/root --runroot $2/runroot --tmpdir $2/tmp --storage-driver vfs" \
	     "--cgroup-manager cgroupfs --events-backend file --runtime $work/wrapper"
}

podman_root_specs() {
	local d=$work/podman-root r=$short/root
	# shellcheck disable=SC2207
	local p=(podman $(podman_args "$d" "$r"))
	mkdir -p "$d" "$r"
	tar -C "$rootfs" -c . | bounded "${p[@]}" import - localhost/husk-corpus ||
		die "podman import failed; log: $work/log/engines.log"

	# The plain case.  --network none: podman's default network would
	# add firewall rules on the host; the config still has its own
	# network namespace.
	set_mode capture "$work/cap/podman-root.json"
	bounded "${p[@]}" run --rm --network none localhost/husk-corpus true || true
	expect_capture "$work/cap/podman-root.json" "podman run"

	podman_exec_specs podman-root "${p[@]}"
}

# podman run --user 65534 --cap-add NET_BIND_SERVICE (NAME-user.json) and
# podman exec --user 0 into it (NAME-exec.json); "$@" is the podman command.
podman_exec_specs() {
	local name=$1
	shift
	# A running container for podman exec: the wrapper passes create and
	# start to the real runc.  --ulimit: root podman asks for 1048576 open
	# files and processes, more than a root without CAP_SYS_RESOURCE (as
	# in a container-based CI) may grant, and runc would fail.
	set_mode pass "$work/cap/$name-user.json"
	bounded "$@" run -d --name husk-corpus-exec --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --user 65534 \
		--cap-add NET_BIND_SERVICE localhost/husk-corpus sleep 120 ||
		die "$name: podman run -d (for podman exec) failed; log: $work/log/engines.log"
	expect_capture "$work/cap/$name-user.json" "$name: podman run --user 65534"
	set_mode capture "$work/cap/$name-exec.json"
	bounded "$@" exec --user 0 husk-corpus-exec true || true
	expect_capture "$work/cap/$name-exec.json" "$name: podman exec"
	set_mode pass /dev/null
	bounded "$@" rm -f -t 0 husk-corpus-exec ||
		die "$name: podman rm failed; log: $work/log/engines.log"
}

podman_rootless_spec() {
	local d=$work/podman-rootless r=$short/user
	# shellcheck disable=SC2207
	local p=(podman $(podman_args "$d" "$r"))
	mkdir -p "$d" "$r"
	chown "$TEST_USER:" "$d" "$r" "$work/cap"
	tar -C "$rootfs" -c . | bounded "${as_user[@]}" "${p[@]}" import - localhost/husk-corpus ||
		die "rootless podman import failed; log: $work/log/engines.log"
	set_mode capture "$work/cap/podman-rootless.json"
	bounded "${as_user[@]}" "${p[@]}" run --rm --network none localhost/husk-corpus true || true
	expect_capture "$work/cap/podman-rootless.json" "rootless podman run"
	podman_exec_specs podman-rootless "${as_user[@]}" "${p[@]}"
}

containerd_pid=
short=
cleanup() {
	stop_containerd
	if [ -n "$short" ]; then
		rm -rf "$short"
	fi
}

stop_containerd() {
	if [ -n "$containerd_pid" ]; then
		kill "$containerd_pid" 2>/dev/null || true
		wait "$containerd_pid" 2>/dev/null || true
		containerd_pid=
	fi
}

containerd_spec() {
	local d=$work/containerd
	mkdir -p "$d"
	# Only what ctr run needs: no CRI, no snapshotters needing kernel
	# support, no tracing; sockets and state under $d.
	cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
EOF
	containerd --config "$d/config.toml" >"$work/log/containerd.log" 2>&1 &
	containerd_pid=$!
	local _
	for _ in $(seq 100); do
		[ -S "$d/containerd.sock" ] && break
		kill -0 "$containerd_pid" 2>/dev/null ||
			die "containerd exited; log: $work/log/containerd.log"
		sleep 0.1
	done
	[ -S "$d/containerd.sock" ] || die "containerd did not start in 10s; log: $work/log/containerd.log"

	set_mode capture "$work/cap/containerd.json"
	bounded ctr --address "$d/containerd.sock" --namespace husk-corpus run --rm --null-io \
		--runc-binary "$work/wrapper" --runc-root "$d/runc" \
		--rootfs "$rootfs" corpus /bin/true || true
	expect_capture "$work/cap/containerd.json" "ctr run"
	stop_containerd
}

main() {
	[ $# -eq 1 ] || { echo "usage: scripts/corpus.sh DIR" >&2; exit 2; }
	local dir=$1
	[ "$(id -u)" -eq 0 ] || die "must run as root (podman and containerd as root)"
	local want
	want=$(corpus_stamp)
	if [ -d "$dir/corpus" ] && [ "$(cat "$dir/corpus.stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	# The engines run in a pid and mount namespace of their own: when
	# this script ends, however it ends, the kernel ends every process
	# they left (conmon, the shim, rootless podman's pause process) and
	# drops their mounts, and orphans are reaped here rather than left as
	# zombies of the machine's init.
	if [ -z "${HUSK_CORPUS_IN_NS:-}" ]; then
		HUSK_CORPUS_IN_NS=1 exec unshare --pid --fork --kill-child --mount-proc \
			--propagation private "$0" "$@"
	fi

	rootfs=$dir/rootfs
	[ -d "$rootfs" ] || die "$rootfs is missing"
	work=$dir/corpus-work
	out=$dir/corpus.new
	rm -rf "$work" "$out" "$dir/corpus" "$dir/corpus.stamp"
	mkdir -p "$work/log" "$work/cap" "$out"
	chmod 0755 "$work" "$work/cap"
	# The test user's HOME and XDG_RUNTIME_DIR (see as_user).
	mkdir -m 0700 "$work/home" "$work/xdg"
	chown "$TEST_USER:" "$work/home" "$work/xdg"
	short=$(mktemp -d /tmp/husk-corpus.XXXXXX)
	chmod 0755 "$short"
	trap cleanup EXIT
	as_user

	tool_spec runc-root root runc spec --bundle .
	tool_spec runc-rootless user runc spec --rootless --bundle .
	tool_spec crun-root root crun spec
	tool_spec crun-rootless user crun spec --rootless
	runtime_tools_spec
	write_wrapper
	podman_root_specs
	podman_rootless_spec
	containerd_spec

	cp "$work"/cap/*.json "$out/"
	chmod 0644 "$out"/*.json
	rm -rf "$work"
	mv "$out" "$dir/corpus"
	echo "$want" >"$dir/corpus.stamp"
	local n
	n=$(find "$dir/corpus" -name '*.json' | wc -l)
	echo "built $dir/corpus ($n configs)"
}

main "$@"
