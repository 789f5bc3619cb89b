# shellcheck shell=bash
# shellcheck disable=SC2086,SC2154  # ${RT[x]} is a command prefix, split on purpose;
# repo, DIR, ... are set by run.sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/lib-profile.sh — sourced by bench/run.sh: `bench/run.sh --profile`,
# where the time of one rootless `run` of /bin/true goes, for husk and, for
# comparison, crun and the namespace floor.  Runs in the same private mount
# namespace and with the same bundles as the benchmark.  Raw output goes to
# $DIR/profile/, the summary to bench/results/profile.md:
#   - strace -f -c per runtime: system calls, errors, mount-family calls;
#   - strace -f -ttt of husk: the launch as a timeline of phases;
#   - perf stat -r: task clock, page faults, context switches;
#   - perf record -g over many launches, classified by system call,
#     namespace and library (bench/perf-classify.awk);
#   - callgrind instruction counts of the husk parent process;
#   - LD_DEBUG=statistics, and what a bare glibc vs musl exec costs here.

PROF_RUNS=${BENCH_PROF_RUNS:-300}
MOUNT_CALLS='mount|umount2|fsopen|fsconfig|fsmount|move_mount|open_tree|mount_setattr|pivot_root'

# strace -f -c of one `run` for runtime RT into $P/strace-c.NAME (NAME is
# RT, or RT-hardened with the hardened bundle).  A hardened run is counted
# second, with husk's seccomp cache filled by the first (as in the table).
prof_strace_counts() {
	local rt=$1 bundle=${2:-plain} name=$1
	[ "$bundle" = plain ] || name=$rt-$bundle
	[ "$bundle" = plain ] || as_user ${RT[$rt]} run -b "$DIR/bundles/$bundle" "w-$name" \
		</dev/null >/dev/null 2>&1 || true
	as_user strace -f -c -o "$P/strace-c.$name" ${RT[$rt]} run -b "$DIR/bundles/$bundle" \
		"s-$name" </dev/null >/dev/null 2>&1 || echo "bench: strace of $name failed" >&2
}

# One line per runtime: total calls, errors, mount-family calls.
prof_strace_summary() {
	local rt
	echo "| runtime | system calls | failed | mount-family calls | distinct calls |"
	echo "|---|---|---|---|---|"
	for rt in "${RUNTIMES[@]}" husk-hardened crun-hardened; do
		[ -s "$P/strace-c.$rt" ] || continue
		awk -v rt="$rt" -v re="^($MOUNT_CALLS)$" '
			$NF == "total" { calls = $(NF - 2); errs = $(NF - 1) + 0 }
			$1 ~ /^[0-9.]+$/ && $NF != "total" {
				distinct++
				if ($NF ~ re) { m += $4; mm = mm sprintf(" %s %d,", $NF, $4) }
			}
			END { sub(/,$/, "", mm)
			      printf "| %s | %s | %s | %d (%s) | %d |\n", rt, calls, errs, m, mm,
				     distinct }
		' "$P/strace-c.$rt"
	done
}

# strace -f -ttt -T of husk, then the launch as phases: from the first
# record to each landmark.  strace slows every call down (~50 us here), so
# read the split, not the absolute numbers.
prof_timeline() {
	as_user strace -f -ttt -T -o "$P/strace-t.husk" ${RT[husk]} run \
		-b "$DIR/bundles/plain" t-husk </dev/null >/dev/null 2>&1 || true
	awk -v re="^($MOUNT_CALLS)\\(" '
		function mark(what) {
			if (!(what in seen)) { seen[what] = 1; order[++n] = what; at[what] = $2 }
		}
		NR == 1 { t0 = $2 }
		{ call = $3 }
		call ~ /^execve\(/ && NR == 1 { mark("husk starts (execve)") }
		call ~ /^openat\(.*config\.json/ { mark("config.json read") }
		call ~ /^clone3?\(/ { mark("clone3 into the namespaces") }
		call ~ /^write\(.*"0 [0-9]+ 1\\n"/ { mark("id maps written") }
		call ~ re { mark("first mount call"); lastmount = $2 }
		call ~ /^pivot_root/ { mark("pivot_root") }
		call ~ /^prctl\(PR_SET_NO_NEW_PRIVS/ { mark("credentials, no_new_privs") }
		call ~ /^renameat\(.*state.json/ { mark("state.json written (created)") }
		call ~ /^execveat\(/ { mark("execveat husk-init (started)") }
		call ~ /^execve\("\/bin\/true"/ { mark("husk-init execs the workload") }
		/\+\+\+ exited/ { last = $2 }
		END {
			for (i = 1; i <= n; i++)
				printf "| %s | %.2f ms |\n", order[i], (at[order[i]] - t0) * 1e3
			printf "| last mount call | %.2f ms |\n", (lastmount - t0) * 1e3
			printf "| everything exited | %.2f ms |\n", (last - t0) * 1e3
		}' "$P/strace-t.husk"
}

# perf stat -r over a plain `run`, as the user.
prof_perf_stat() {
	local rt=$1 cmd=$2
	perf stat -r 100 -e task-clock,page-faults,context-switches,cpu-migrations \
		-o "$P/perf-stat.$rt" -- "${AS_USER[@]}" $cmd </dev/null >/dev/null 2>&1 || return 0
	awk -v rt="$rt" '
		/task-clock/ { tc = $1 } /page-faults/ { pf = $1 } /context-switches/ { cs = $1 }
		/seconds time elapsed/ { el = $1 * 1000 }
		END { printf "| %s | %.2f ms | %.2f ms | %s | %s |\n", rt, el, tc, pf, cs }' \
		"$P/perf-stat.$rt"
}

# perf record of PROF_RUNS launches through the driver, then classified.
prof_perf_record() {
	local name=$1 plan=$2
	perf record -F 10000 -g -o "$P/perf.$name.data" -- "${AS_USER[@]}" \
		"$DIR/bin/bench-driver" seq -n "$PROF_RUNS" -w 5 "perf-$name" "$plan" \
		>"$P/perf.$name.driver" 2>"$P/perf.$name.log" || return 0
	perf script -i "$P/perf.$name.data" -F comm,ip,sym,dso 2>/dev/null |
		awk -v period_ms=0.1 -v runs="$((PROF_RUNS + 5))" -v skip=bench-driver \
		    -f "$repo/bench/perf-classify.awk" >"$P/perf.$name.classified"
}

# perf record of `exec` of /bin/true into a sleeping container, for husk
# (when its exec works) and crun.
prof_perf_exec() {
	local rt
	for rt in husk crun; do
		start_sleeper "$rt" "pe-$rt" || continue
		if as_user ${RT[$rt]} exec "pe-$rt" /bin/true </dev/null >/dev/null 2>&1; then
			printf 'runtime %s\nrun %s exec pe-%s /bin/true\n' "$rt" "${RT[$rt]}" \
				"$rt" >"$P/plan-$rt-exec"
			chmod 0644 "$P/plan-$rt-exec"
			prof_perf_record "$rt-exec" "$P/plan-$rt-exec"
		fi
		stop_container "$rt" "pe-$rt"
	done
}

# The husk parent under callgrind, for BUNDLE (plain or hardened; the
# hardened one runs twice, so that the second finds its seccomp cache).
prof_callgrind() {
	local bundle=$1 out=$P/callgrind.$1
	as_user valgrind --tool=callgrind --trace-children=no --callgrind-out-file="$out" \
		${RT[husk]} run -b "$DIR/bundles/$bundle" "cg-$bundle" </dev/null >/dev/null \
		2>"$out.log" || true
	if [ "$bundle" = hardened ]; then
		as_user valgrind --tool=callgrind --trace-children=no \
			--callgrind-out-file="$out" ${RT[husk]} run -b "$DIR/bundles/$bundle" \
			"cg-$bundle" </dev/null >/dev/null 2>"$out.log" || true
	fi
	[ -s "$out" ] || return 0
	callgrind_annotate "$out" 2>/dev/null >"$out.annotate"
	echo "### $bundle config"
	echo
	echo '```'
	# awk, not head: with pipefail, head's early exit would fail the pipe.
	sed -n '/PROGRAM TOTALS/p; /^Ir  *file:function/,/^$/p' "$out.annotate" |
		awk '!/^--/ && ++n <= 22 { print substr($0, 1, 150) }'
	echo '```'
	echo
}

# What exec of an empty program costs here: glibc start-up vs a static
# musl one (husk-init is the latter).
prof_exec_cost() {
	printf 'int main(void) { return 0; }\n' >"$P/empty.c"
	cc -O2 -o "$P/empty-glibc" "$P/empty.c"
	local plan=$P/plan-empty
	printf 'runtime glibc-dynamic\nrun %s\n' "$P/empty-glibc" >"$plan"
	if command -v musl-gcc >/dev/null; then
		musl-gcc -O2 -static -o "$P/empty-musl" "$P/empty.c"
		printf 'runtime musl-static\nrun %s\n' "$P/empty-musl" >>"$plan"
	fi
	chmod -R a+rX "$P"
	as_user "$DIR/bin/bench-driver" seq -n 500 -w 20 exec-empty "$plan" |
		awk -F'\t' '$1 == "exec-empty" { printf "| %s | %.3f ms |\n", $2, $5 }'
}

profile_inner() {
	P=$DIR/profile
	rm -rf "$P"
	mkdir -p "$P"
	chmod 0777 "$P"
	local out=$RESULTS/profile.md rt
	mkdir -p "$RESULTS"
	echo "bench: profile: strace ..." >&2
	for rt in "${RUNTIMES[@]}"; do
		prof_strace_counts "$rt"
	done
	prof_strace_counts husk hardened
	prof_strace_counts crun hardened
	{
		echo "# husk launch profile"
		echo
		echo "Machine: $(machine_line). One rootless \`run\` of /bin/true, plain config."
		echo "Raw data: $P/."
		echo
		echo "## System calls (strace -f -c, all processes of one run)"
		echo
		prof_strace_summary
		echo
		echo "## husk's launch under strace -f -ttt"
		echo
		echo "strace inflates every call (~50 us here): read the split, not the totals."
		echo
		echo "| landmark | since husk's execve |"
		echo "|---|---|"
		prof_timeline
		echo
	} >"$out"
	if perf stat -e task-clock true >/dev/null 2>&1; then
		echo "bench: profile: perf ..." >&2
		{
			echo "## perf stat -r 100 (wall clock, task clock of all processes)"
			echo
			echo "| runtime | elapsed | task clock | page faults | context switches |"
			echo "|---|---|---|---|---|"
			for rt in "${RUNTIMES[@]}"; do
				prof_perf_stat "$rt" "${RT[$rt]} run -b $DIR/bundles/plain ps-$rt"
			done
			prof_perf_stat floor "$FLOOR"
			echo
		} >>"$out"
		plan_run "$P/plan-husk" plain pr
		sed -i '/^runtime crun/,$d' "$P/plan-husk"
		printf 'runtime floor\nrun %s\n' "$FLOOR" >"$P/plan-floor"
		printf 'runtime crun\nrun %s run -b %s pc{i}\n' "${RT[crun]}" \
			"$DIR/bundles/plain" >"$P/plan-crun"
		printf 'runtime husk-hardened\nrun %s run -b %s ph{i}\n' "${RT[husk]}" \
			"$DIR/bundles/hardened" >"$P/plan-husk-hardened"
		chmod 0644 "$P"/plan-*
		prof_perf_record husk "$P/plan-husk"
		prof_perf_record floor "$P/plan-floor"
		prof_perf_record crun "$P/plan-crun"
		prof_perf_record husk-hardened "$P/plan-husk-hardened"
		prof_perf_exec
		{
			echo "## CPU per launch by process and bucket"
			echo
			echo "perf record -g over $PROF_RUNS launches, bench/perf-classify.awk."
			echo
			local name
			for name in husk husk-hardened floor crun husk-exec crun-exec; do
				[ -s "$P/perf.$name.classified" ] || continue
				echo "### $name"
				echo
				echo '```'
				awk '$2 >= 0.01' "$P/perf.$name.classified" 2>/dev/null
				echo '```'
				echo
			done
		} >>"$out"
	fi
	if command -v valgrind >/dev/null; then
		echo "bench: profile: callgrind ..." >&2
		{
			echo "## callgrind, the husk parent process (instructions)"
			echo
			prof_callgrind plain
			prof_callgrind hardened
		} >>"$out"
	fi
	{
		echo "## Dynamic loader (LD_DEBUG=statistics, first process of each)"
		echo
		echo '```'
		for rt in husk crun; do
			echo "$rt:"
			if [ "$(libs_of "$(command -v "${RT[$rt]%% *}")")" = static ]; then
				echo "  static: no dynamic loader"
				continue
			fi
			as_user env LD_DEBUG=statistics ${RT[$rt]} run -b "$DIR/bundles/plain" \
				"ld-$rt" </dev/null 2>&1 >/dev/null |
				{ grep -E 'total startup|number of relocations:' || true; } |
				sed 's/^ *[0-9]*: */  /'
		done
		echo '```'
		echo
		echo "## fork + exec + exit of an empty program here"
		echo
		echo "| program | median |"
		echo "|---|---|"
		prof_exec_cost
	} >>"$out"
	echo
	cat "$out"
	echo
	echo "bench: wrote $out (raw data in $P)"
}
