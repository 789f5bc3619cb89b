# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by scripts/test-setup.sh and scripts/demo.sh (sourced, not run):
# build a minimal busybox root filesystem.

# The static busybox from Debian's busybox-static.
HUSK_BUSYBOX=${HUSK_BUSYBOX:-/bin/busybox}

# husk_rootfs_build DEST
#
# Create DEST (which must not exist yet) as a tiny root filesystem: the
# static busybox at /bin/busybox with a symlink per applet, the usual empty
# mount points (all readable, so that an unprivileged user can copy the
# tree), and /etc/passwd and /etc/group with root and nobody.  Built
# beside DEST and renamed into place, so an interrupted build never leaves a
# half rootfs behind under DEST's name.
husk_rootfs_build() {
	local dest=$1
	local tmp="$dest.tmp.$$"

	if ! "$HUSK_BUSYBOX" --list-full >/dev/null 2>&1; then
		echo "husk: $HUSK_BUSYBOX is not a working busybox (install busybox-static)" >&2
		return 1
	fi
	if [ -e "$dest" ]; then
		echo "husk: $dest already exists" >&2
		return 1
	fi

	rm -rf "$tmp"
	mkdir -p "$tmp"
	(
		cd "$tmp" || exit 1
		mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root run var/tmp
		chmod 1777 tmp var/tmp
		install -m 0755 "$HUSK_BUSYBOX" bin/busybox
		local applet
		# Paths relative to "/", e.g. "usr/bin/env"; "bin/busybox" itself
		# is not listed.
		for applet in $("$HUSK_BUSYBOX" --list-full); do
			[ -e "$applet" ] || ln -s /bin/busybox "$applet"
		done
		cat >etc/passwd <<-'PASSWD'
			root:x:0:0:root:/root:/bin/sh
			nobody:x:65534:65534:nobody:/nonexistent:/bin/false
		PASSWD
		cat >etc/group <<-'GROUP'
			root:x:0:
			nogroup:x:65534:
		GROUP
		echo husk >etc/hostname
		chmod 0644 etc/passwd etc/group etc/hostname
	)
	chmod 0755 "$tmp"
	mv -T "$tmp" "$dest"
}
