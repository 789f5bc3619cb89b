# shellcheck shell=bash
# shellcheck disable=SC2086,SC2154  # ${RT[x]} is a command prefix, split on purpose
# (run.sh refuses paths with spaces); repo, DIR, ... are set by run.sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/lib-measure.sh — sourced by bench/run.sh: the measurements, run
# inside the private mount namespace.  Each timing is a plan for
# bench-driver (see bench/driver.c); its summary lines, and the lines the
# functions here add for memory and sizes, collect in $DIR/results.tsv:
#
#	METRIC<TAB>RUNTIME<TAB>UNIT<TAB>N<TAB>MEDIAN<TAB>MIN<TAB>MAX<TAB>STATUS

RUNTIMES=(husk crun runc)
declare -A RT

# The command prefix of each runtime: its own state root under $DIR/state,
# and no cgroup manager: rootless, none of them can write a cgroup here
# (crun --cgroup-manager=disabled, runc --rootless true, no cgroupsPath in
# the config).  As root the same for crun and husk (husk has no cgroup
# manager yet; crun's cgroupfs manager would also need CAP_SYS_RESOURCE
# for its device filter's RLIMIT_MEMLOCK, which root lacks on some
# machines), but runc as root always creates a cgroup.
define_runtimes() {
	local st=$DIR/state
	RT[husk]="$HUSK_RUN --root $st/husk"
	if [ "$ROOT_MODE" = 1 ]; then
		RT[crun]="crun --root $st/crun --cgroup-manager=disabled"
		RT[runc]="runc --root $st/runc"
		FLOOR="unshare -pfmin -C /bin/true"
		note "root mode: the plain config has no user namespace; husk and crun" \
		     "create no cgroup, runc (which cannot skip it as root) one per container"
	else
		RT[crun]="crun --root $st/crun --cgroup-manager=disabled"
		RT[runc]="runc --root $st/runc --rootless true"
		FLOOR="unshare -Urpfmin -C /bin/true"
	fi
	PIDS=$st/pids
	as_user mkdir -p "$PIDS"
	RESULTS_TSV=$DIR/results.tsv
	: >"$RESULTS_TSV"
	if [ -n "${BENCH_NOTES:-}" ]; then
		# shellcheck disable=SC2034  # NOTES belongs to run.sh
		mapfile -t NOTES <<<"$BENCH_NOTES"
	fi
}

# result METRIC RUNTIME UNIT VALUE [STATUS]: one hand-made line, N = 1.
result() {
	local status=${5:-ok}
	if [ "$status" = ok ]; then
		printf '%s\t%s\t%s\t1\t%s\t%s\t%s\tok\n' "$1" "$2" "$3" "$4" "$4" "$4"
	else
		printf '%s\t%s\t%s\t0\t\t\t\t%s\n' "$1" "$2" "$3" "$status"
	fi >>"$RESULTS_TSV"
}

# driver MODE METRIC PLAN [OPTIONS]: run bench-driver as the user, or as
# the command prefix array named by DRIVER_AS (AS_ROOT).
driver() {
	local mode=$1 metric=$2 plan=$3
	local -n who=${DRIVER_AS:-AS_USER}
	shift 3
	chmod 0644 "$plan"
	echo "bench: $metric ..." >&2
	"${who[@]}" "$DIR/bin/bench-driver" "$mode" "$@" "$metric" "$plan" >>"$RESULTS_TSV"
}

# What each runtime's container sees of its confinement (the probe in
# lib-setup.sh), for the plain and the hardened config.  crun and runc are
# the reference when they agree: a runtime that shows something else gets a
# "probe.KIND" line saying so, and its timings a mark in the table, because
# it did not do the same work.
probe_all() {
	local kind rt out
	declare -A seen
	for kind in plain hardened; do
		local bundle=probe
		[ "$kind" = hardened ] && bundle=probe-hardened
		for rt in "${RUNTIMES[@]}"; do
			if out=$(as_user ${RT[$rt]} run -b "$DIR/bundles/$bundle" "p-$rt" \
				 </dev/null 2>&1); then
				seen[$rt]=$out
			else
				seen[$rt]="FAILED: $(head -n1 <<<"$out")"
			fi
		done
		if [ "${seen[crun]}" != "${seen[runc]}" ]; then
			note "$kind config: crun and runc disagree: crun: ${seen[crun]};" \
			     "runc: ${seen[runc]}"
			continue
		fi
		note "$kind config, what crun and runc containers see: ${seen[crun]}"
		for rt in "${RUNTIMES[@]}"; do
			if [ "${seen[$rt]}" = "${seen[crun]}" ]; then
				result "probe.$kind" "$rt" - 0 same
			else
				result "probe.$kind" "$rt" - 0 \
					"$(probe_diff "${seen[$rt]}" "${seen[crun]}")"
			fi
		done
	done
}

# probe_diff LINE REF: the KEY=VALUE words of LINE that differ from REF's.
probe_diff() {
	local word key want out=()
	for word in $1; do
		key=${word%%=*}
		want=$(tr ' ' '\n' <<<"$2" | grep "^$key=" || true)
		[ "$word" = "$want" ] || out+=("$word (crun and runc: ${want#*=})")
	done
	[ "${#out[@]}" -gt 0 ] || out=("$1")
	local IFS=,
	local joined="${out[*]}"
	echo "${joined//,/, }"
}

# plan_run FILE BUNDLE PREFIX [floor]: `run` of BUNDLE for each runtime.
# In BUNDLE, @rt@ becomes the runtime's name; PLAN_RT names the map of
# command prefixes (default RT).
plan_run() {
	local plan=$1 bundle=$2 prefix=$3 floor=${4:-} rt
	local -n rtcmd=${PLAN_RT:-RT}
	: >"$plan"
	for rt in "${RUNTIMES[@]}"; do
		printf 'runtime %s\nrun %s run -b %s %s{i}\n' "$rt" "${rtcmd[$rt]}" \
			"$DIR/bundles/${bundle//@rt@/$rt}" "$prefix" >>"$plan"
	done
	[ -n "$floor" ] && printf 'runtime floor\nrun %s\n' "$FLOOR" >>"$plan"
	return 0
}

# plan_csd FILE BUNDLE: create, start, wait for the container process to
# exit (through its pid file), delete.  BUNDLE and PLAN_RT as for plan_run.
plan_csd() {
	local plan=$1 bundle=$2 rt
	local -n rtcmd=${PLAN_RT:-RT}
	: >"$plan"
	for rt in "${RUNTIMES[@]}"; do
		printf 'runtime %s\n' "$rt"
		printf 'run %s create -b %s --pid-file %s c{i}\n' "${rtcmd[$rt]}" \
			"$DIR/bundles/${bundle//@rt@/$rt}" "$PIDS/$rt.pid"
		printf 'run %s start c{i}\n' "${rtcmd[$rt]}"
		printf 'waitpid %s\n' "$PIDS/$rt.pid"
		printf 'run %s delete c{i}\n' "${rtcmd[$rt]}"
	done >"$plan"
}

measure_run() {
	plan_run "$DIR/plan-run" plain r floor
	driver seq run "$DIR/plan-run" -n "$N" -w "$WARM"
}

measure_csd() {
	plan_csd "$DIR/plan-csd" plain
	driver seq csd "$DIR/plan-csd" -n "$N" -w "$WARM"
}

measure_hardened() {
	plan_run "$DIR/plan-hrun" hardened h
	driver seq hrun "$DIR/plan-hrun" -n "$N" -w "$WARM"
	plan_csd "$DIR/plan-hcsd" hardened
	driver seq hcsd "$DIR/plan-hcsd" -n "$N" -w "$WARM"
}

# The hardened `run` with husk's seccomp cache emptied before each launch
# (untimed), so that husk compiles the profile every time as crun and runc
# always do; fewer samples, the compile is slow.  Measured for all three so
# that the ratios compare like with like.
measure_hardened_cold() {
	local plan=$DIR/plan-hrun-cold cache=$CACHE_HOME/husk/seccomp rt
	local n=$((N / 4 > 10 ? N / 4 : 10))
	: >"$plan"
	for rt in "${RUNTIMES[@]}"; do
		printf 'runtime %s\n' "$rt"
		[ "$rt" = husk ] && printf 'prep rm -rf %s\n' "$cache"
		printf 'run %s run -b %s k{i}\n' "${RT[$rt]}" "$DIR/bundles/hardened"
	done >"$plan"
	driver seq hrun.cold "$plan" -n "$n" -w 2
	# If husk keeps its cache elsewhere, the figures above are warm ones.
	if [ ! -d "$cache" ]; then
		sed -i "/^hrun\.cold[^\t]*\thusk\t/d" "$RESULTS_TSV"
		result hrun.cold husk ms 0 "n/a: husk's seccomp cache is not at $cache"
	fi
}

# Start a sleeping container detached; stdio on /dev/null so that nothing
# of ours stays open in it.
start_sleeper() {
	local rt=$1 id=$2
	shift 2
	as_user ${RT[$rt]} run -d "$@" -b "$DIR/bundles/sleep" "$id" </dev/null >/dev/null 2>&1
}

stop_container() {
	local rt=$1 id=$2
	as_user ${RT[$rt]} kill "$id" KILL >/dev/null 2>&1 || true
	as_user ${RT[$rt]} delete --force "$id" >/dev/null 2>&1 || true
}

# `exec` of /bin/true into a sleeping container.  A runtime whose exec does
# not work yet (husk before its exec verb lands) is reported n/a, with its
# own words, and picked up automatically once it works.
measure_exec() {
	local rt plan=$DIR/plan-exec out
	: >"$plan"
	for rt in "${RUNTIMES[@]}"; do
		if ! start_sleeper "$rt" "x-$rt"; then
			result exec "$rt" ms 0 "fail: could not start a sleeping container"
			continue
		fi
		if ! out=$(as_user ${RT[$rt]} exec "x-$rt" /bin/true </dev/null 2>&1); then
			result exec "$rt" ms 0 "n/a: $(head -n1 <<<"$out" | tr '\t' ' ')"
			continue
		fi
		printf 'runtime %s\nrun %s exec x-%s /bin/true\n' "$rt" "${RT[$rt]}" "$rt" >>"$plan"
	done
	[ -s "$plan" ] && driver seq exec "$plan" -n "$N" -w "$WARM"
	for rt in "${RUNTIMES[@]}"; do
		stop_container "$rt" "x-$rt"
	done
}

measure_parallel() {
	PAR=$((2 * $(nproc)))
	plan_run "$DIR/plan-par" plain p floor
	driver par par "$DIR/plan-par" -n "$BATCHES" -w 2 -p "$PAR"
}

# Every process's /proc/PID/status, concatenated.  Processes come and go
# while cat reads, which it reports as an error; that is fine here.
proc_status() {
	cat /proc/[0-9]*/status 2>/dev/null || true
}

# tree_rss ROOT EXCLUDE: the VmRSS (KiB) of ROOT and its descendants, except
# processes named EXCLUDE (the workload), then "name=KiB" for each counted.
tree_rss() {
	proc_status | awk -v root="$1" -v excl="$2" '
		/^Name:/ { name = $2 }
		/^Pid:/ { pid = $2 }
		/^PPid:/ { ppid[pid] = $2; nm[pid] = name }
		/^VmRSS:/ { vm[pid] = $2 }
		END {
			total = 0; parts = ""
			for (p in ppid) {
				q = p
				while (q != root && q > 1) q = ppid[q]
				if (q != root || nm[p] == excl) continue
				total += vm[p]; parts = parts " " nm[p] "=" (vm[p] + 0)
			}
			print total parts
		}'
}

# wait_for_workload ROOT: until a "sleep" runs under ROOT (5 s at most).
wait_for_workload() {
	for _ in $(seq 500); do
		proc_status | awk -v root="$1" '
			/^Name:/ { name = $2 } /^Pid:/ { pid = $2 }
			/^PPid:/ { ppid[pid] = $2; nm[pid] = name }
			END { for (p in ppid) if (nm[p] == "sleep") {
				q = p; while (q != root && q > 1) q = ppid[q]
				if (q == root) exit 0 }
			      exit 1 }' && return 0
		sleep 0.01
	done
	return 1
}

# Memory that stays resident while a container runs, 3 samples each:
#  res.fg  a foreground `run`: the runtime process and whatever else of the
#          runtime is in the tree (husk: husk + husk-init; runc, crun: the
#          runtime process, which waits for the container);
#  res.bg  after `run -d`: the runtime-owned processes left in the container
#          (husk-init for husk; none for crun and runc, whose container
#          process is the workload itself).
measure_memory() {
	echo "bench: memory ..." >&2
	local rt pid m
	declare -A FG BG DETAIL
	for _ in 1 2 3; do
		for rt in "${RUNTIMES[@]}"; do
			"${AS_USER[@]}" ${RT[$rt]} run -b "$DIR/bundles/sleep" "m-$rt" \
				</dev/null >/dev/null 2>&1 &
			pid=$!
			if wait_for_workload "$pid"; then
				m=$(tree_rss "$pid" sleep)
				FG[$rt]+="${m%% *} "
				DETAIL[fg-$rt]=" ${m#* }"
			fi
			stop_container "$rt" "m-$rt"
			wait "$pid" 2>/dev/null || true

			rm -f "$PIDS/m-$rt.pid"
			if start_sleeper "$rt" "d-$rt" --pid-file "$PIDS/m-$rt.pid" &&
			   pid=$(cat "$PIDS/m-$rt.pid" 2>/dev/null) &&
			   { [ "$(awk '/^Name:/ { print $2 }' "/proc/$pid/status")" = sleep ] ||
			     wait_for_workload "$pid"; }; then
				m=$(tree_rss "$pid" sleep)
				BG[$rt]+="${m%% *} "
				DETAIL[bg-$rt]=" none"
				[ "$m" = "${m#* }" ] || DETAIL[bg-$rt]=" ${m#* }"
			fi
			stop_container "$rt" "d-$rt"
		done
	done
	for rt in "${RUNTIMES[@]}"; do
		mem_result res.fg "$rt" "${FG[$rt]:-}"
		mem_result res.bg "$rt" "${BG[$rt]:-}"
	done
	note "resident while a foreground run is up (last sample):" \
	     "$(for rt in "${RUNTIMES[@]}"; do printf '%s:%s; ' "$rt" "${DETAIL[fg-$rt]:-?}"; done)"
	note "runtime-owned processes left in a detached container (last sample):" \
	     "$(for rt in "${RUNTIMES[@]}"; do printf '%s:%s; ' "$rt" "${DETAIL[bg-$rt]:-?}"; done)"
}

# mem_result METRIC RUNTIME "V1 V2 V3": median, min, max of the samples.
mem_result() {
	local metric=$1 rt=$2 vals=$3
	if [ -z "$vals" ]; then
		result "$metric" "$rt" KiB 0 "fail: the container did not come up"
		return
	fi
	tr ' ' '\n' <<<"$vals" | grep . | sort -n | awk -v m="$metric" -v r="$rt" '
		{ v[NR] = $1 }
		END {
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s\t%s\tKiB\t%d\t%s\t%s\t%s\tok\n", m, r, NR, med, v[1], v[NR]
		}' >>"$RESULTS_TSV"
}

# Binary sizes as shipped: Debian's crun and runc are stripped, so husk is
# measured stripped too (the build keeps its debug info).
measure_sizes() {
	local kib stripped=
	if strip -o "$DIR/husk.stripped" "$HUSK_RUN" 2>/dev/null; then
		stripped=$(stat -c %s "$DIR/husk.stripped")
		result size husk KiB "$((stripped / 1024))"
		note "husk's size is stripped, like Debian's crun and runc (the build, with" \
		     "debug info: $(($(stat -Lc %s "$HUSK_RUN") / 1024)) KiB)"
		rm -f "$DIR/husk.stripped"
	else
		result size husk KiB "$(($(stat -Lc %s "$HUSK_RUN") / 1024))"
	fi
	result size crun KiB "$(($(stat -Lc %s "$(command -v crun)") / 1024))"
	result size runc KiB "$(($(stat -Lc %s "$(command -v runc)") / 1024))"
	if [ -e "$DIR/bin/husk-init" ]; then
		kib=$(($(stat -Lc %s "$DIR/bin/husk-init") / 1024))
		result size.init husk KiB "$kib"
		note "husk-init, the container's PID 1 (static, musl), is embedded in husk:" \
		     "$kib KiB"
	fi
	# A static binary carries its libraries; a dynamic one maps them too.
	result size.all husk KiB "$(($(code_bytes "$HUSK_RUN" "$stripped") / 1024))"
	result size.all crun KiB "$(($(code_bytes "$(command -v crun)") / 1024))"
	result size.all runc KiB "$(($(code_bytes "$(command -v runc)") / 1024))"
	note "shared libraries: husk: $(libs_of "$HUSK_RUN")|" \
	     "crun: $(libs_of "$(command -v crun)")|" \
	     "runc: $(libs_of "$(command -v runc)")"
}

# Bytes of a binary (or $2, its stripped size) plus the shared libraries it loads.
code_bytes() {
	local total=${2:-$(stat -Lc %s "$1")} lib
	if ldd "$1" >/dev/null 2>&1; then
		for lib in $(ldd "$1" | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
			total=$((total + $(stat -Lc %s "$lib")))
		done
	fi
	echo "$total"
}

# The shared libraries a binary loads, or "static".
libs_of() {
	local libs
	libs=$(ldd "$1" 2>/dev/null | awk '/=>/ { printf "%s ", $1 }')
	echo "${libs:-static}"
}

# On the way out of the namespace: no container of ours stays behind.
cleanup_containers() {
	local rt id
	for rt in "${RUNTIMES[@]}"; do
		[ -n "${RT[$rt]:-}" ] || continue
		for id in $(as_user ${RT[$rt]} list -q 2>/dev/null); do
			as_user ${RT[$rt]} delete --force "$id" >/dev/null 2>&1 || true
		done
	done
}
