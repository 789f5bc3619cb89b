# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/perf-classify.awk — where the CPU time of a container launch goes,
# from `perf script -F comm,ip,sym,dso` of a cpu-clock profile with call
# chains (perf record -g).  Each sample is charged to its process name and
# to one bucket: the system call it is in (the outermost __do_sys_X /
# __x64_sys_X / ksys_X frame), or a page fault, or user space by library,
# with glibc's start-up CPU feature and cache probing (CPUID, which traps to
# the hypervisor in a VM) as its own bucket.  Inside clone3/clone/unshare
# the namespace being built is named (setup_net, copy_mnt_ns, ...).
#
#   awk -v period_ms=0.1 -v runs=400 -v skip=bench-driver -f perf-classify.awk
#
# period_ms is the sampling period (1 / -F), runs the number of launches
# profiled; the output is milliseconds per launch, biggest first.

BEGIN {
	# glibc's start-up CPU and cache probing (sysdeps/x86 cpu_features,
	# dl-cacheinfo), all CPUID instructions.
	CPUID_PROBES = "^(init_cpu_features|intel_check_word|handle_intel|get_common_indices|" \
		       "update_active|get_common_cache_info|init_cacheinfo|dl_init_cacheinfo|" \
		       "cpu_features)"
	# What clone3/clone/unshare spend their time in.
	NS_BUILDERS = "^(setup_net|copy_mnt_ns|create_user_ns|copy_pid_ns|copy_ipcs|copy_utsname|" \
		      "copy_cgroup_ns|copy_net_ns|copy_process)$"
}

function flush(    bucket) {
	if (comm == "" || comm == skip) {
		comm = ""
		return
	}
	if (sys != "") {
		bucket = "sys " sys (ns != "" ? " > " ns : "")
	} else if (leafdso ~ /kernel/) {
		bucket = pf ? "page faults" : "kernel, other (scheduler, exit, interrupts)"
	} else if (leafsym ~ CPUID_PROBES) {
		bucket = "user: glibc start-up CPUID probing (ld.so / static init)"
	} else if (leafdso ~ /ld-linux/) {
		bucket = "user: dynamic loader (relocation, symbol lookup)"
	} else {
		bucket = "user: " leafdso
	}
	n[comm SUBSEP bucket]++
	total[comm]++
	comm = ""
}

/^[^ \t]/ {
	flush()
	comm = $1
	sys = ""
	ns = ""
	pf = 0
	first = 1
	next
}

/^[ \t]*$/ {
	flush()
	next
}

{
	sym = $2
	dso = $NF
	if (first) {
		leafsym = sym
		leafdso = dso
		first = 0
	}
	if (sym ~ /^(__x64_sys_|__do_sys_|__se_sys_|ksys_)/) {
		sys = sym
		sub(/^(__x64_sys_|__do_sys_|__se_sys_|ksys_)/, "", sys)
	}
	# Inlined entry points, named by the function that does the work.
	if (sym == "do_seccomp")
		sys = "seccomp (load filter)"
	if (sym == "__secure_computing")
		sys = "seccomp filter run on a system call"
	if (ns == "" && sym ~ NS_BUILDERS)
		ns = sym
	if (sym ~ /exc_page_fault/)
		pf = 1
}

END {
	flush()
	for (k in n) {
		split(k, kk, SUBSEP)
		printf "%-18s %7.3f ms  %5.1f%%  %s\n", kk[1], n[k] * period_ms / runs,
		       100 * n[k] / total[kk[1]], kk[2] | "sort -k1,1 -k2,2nr"
	}
	close("sort -k1,1 -k2,2nr")
	for (c in total)
		printf "%-18s %7.3f ms  total CPU per launch\n", c, total[c] * period_ms / runs
}
