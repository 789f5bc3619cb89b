// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Prints the serial number of the calling process's session keyring:
 * keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, create = 0).
 * Two containers that each got a fresh session keyring print different
 * numbers; two that inherited the caller's keyring (--no-new-keyring)
 * print the caller's.  When the call fails it prints "errno N" instead, so
 * the test can tell a refusal from a keyring.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_SESSION_KEYRING (-3)

int main(void)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);

	if (id < 0) {
		printf("errno %d\n", errno);
		return 1;
	}
	printf("%ld\n", id);
	return 0;
}
