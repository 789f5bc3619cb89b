// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dies of a real SIGSEGV.  A fault is the one way a container's PID 1 can
 * die of a signal it raised itself: the kernel drops kill()s of a pid
 * namespace's init by its own namespace when it has no handler, but not a
 * forced fault signal.  Used to test the 128+n exit-status mapping.
 */
#include <stdlib.h>

int main(void)
{
	/* An address the compiler cannot see is NULL, so the store stays a
	 * store (and not a trap instruction). */
	volatile int *p = (volatile int *)getenv("HUSK_PROBE_NO_SUCH_VARIABLE");

	*p = 1;
	return 0;
}
