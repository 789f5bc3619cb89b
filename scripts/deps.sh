#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/deps.sh check|fuzz|list
#
# Makes sure the Debian packages husk needs are installed.  `check` covers
# building husk and running `make check` / `make demo`; `fuzz` adds clang for
# `make fuzz`; `list` prints the package names.
#
# Fast and quiet when everything is present (one dpkg-query, no apt).  When
# something is missing: as root, `apt-get update` once and install only the
# missing packages; as anyone else, say what to install and exit 1.
set -euo pipefail

# Building: the compiler, pkg-config and the libraries' headers, and
# musl-gcc for the static PID 1 program.
BUILD_PKGS=(gcc libc6-dev make pkg-config libseccomp-dev libcap-dev libyajl-dev
	    libmount-dev musl-tools)
# Testing: Criterion, the busybox rootfs, newuidmap/newgidmap for the
# rootless multi-range tests, setpriv, useradd/usermod for the test user,
# ps/pgrep; for the corpus of tool-written configs (scripts/corpus.sh):
# runc, crun, podman, containerd, and Go with the OCI runtime-tools
# library (Debian ships its generator as a Go library only).
TEST_PKGS=(libcriterion-dev busybox-static uidmap util-linux passwd procps
	   runc crun podman containerd golang-go
	   golang-github-opencontainers-runtime-tools-dev)
FUZZ_PKGS=(clang)

usage() {
	echo "usage: scripts/deps.sh check|fuzz|list" >&2
	exit 2
}

# Print, one per line, the packages in "$@" that are not installed.
missing_packages() {
	local installed
	# Unknown packages make dpkg-query complain and exit 1: expected here.
	installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null || true)
	local p
	for p in "$@"; do
		if ! grep -qx "$p installed" <<<"$installed"; then
			echo "$p"
		fi
	done
}

main() {
	local pkgs
	case "${1:-}" in
	check) pkgs=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}") ;;
	fuzz) pkgs=("${BUILD_PKGS[@]}" "${FUZZ_PKGS[@]}") ;;
	list) printf '%s\n' "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${FUZZ_PKGS[@]}"; return 0 ;;
	*) usage ;;
	esac

	if ! command -v dpkg-query >/dev/null; then
		echo "husk: scripts/deps.sh: not a Debian system (no dpkg-query);" \
		     "make sure the equivalents of these are installed: ${pkgs[*]}" >&2
		return 0
	fi

	local missing
	mapfile -t missing < <(missing_packages "${pkgs[@]}")
	if [ "${#missing[@]}" -eq 0 ]; then
		return 0
	fi

	if [ "$(id -u)" -ne 0 ]; then
		echo "husk: missing Debian packages: ${missing[*]}." \
		     "Install them with: sudo apt-get install ${missing[*]}" >&2
		return 1
	fi

	echo "husk: installing missing Debian packages: ${missing[*]}" >&2
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	mapfile -t missing < <(missing_packages "${pkgs[@]}")
	if [ "${#missing[@]}" -ne 0 ]; then
		echo "husk: still missing after apt-get install: ${missing[*]}" >&2
		return 1
	fi
}

main "$@"
