# shellcheck shell=bash
# shellcheck disable=SC2154  # repo, DIR, ... are set by run.sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/lib-report.sh — sourced by bench/run.sh: $DIR/results.tsv into the
# markdown table (printed, and written to bench/results/latest.md) and
# bench/results/latest.json; latest-root.{md,json} for --root-mode.

# The rows of the table, in order: METRIC|LABEL|BETTER.  Units come from
# the results.
REPORT_ROWS=(
	"run|\`run\` of /bin/true|lower"
	"run.cpu|\`run\`: CPU time, user + system|lower"
	"csd|create + start + wait + delete|lower"
	"exec|\`exec\` of /bin/true into a running container|lower"
	"hrun|hardened \`run\`|lower"
	"hcsd|hardened create + start + wait + delete|lower"
	"hrun.cold|hardened \`run\`, husk's seccomp cache emptied each time|lower"
	"lrun|\`run\` with limits, as root, cgroup v1|lower"
	"lrun.cpu|\`run\` with limits: CPU time, user + system|lower"
	"lcsd|create + start + wait + delete with limits, as root, cgroup v1|lower"
	"par|PAR containers in parallel (\`run\`)|higher"
	"run.rss|peak RSS of the runtime, \`run\`|lower"
	"res.fg|resident while a foreground \`run\` is up|lower"
	"res.bg|runtime-owned, resident in a detached container|lower"
	"size|binary size|lower"
	"size.all|binary + the shared libraries it loads|lower"
)

machine_line() {
	local cpu husk_rev
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	# The revision when the measured husk is this checkout's build, else
	# its path (--husk).
	case "$HUSK" in
	"$repo"/*)
		husk_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
		[ -z "$(git -C "$repo" status --porcelain -- src include 2>/dev/null)" ] ||
			husk_rev+=" with uncommitted changes"
		;;
	*) husk_rev=$HUSK ;;
	esac
	printf 'Linux %s, %s, %s cores, %s, load %s; %s; husk %s, %s, runc %s' \
		"$(uname -r)" "$cpu" "$(nproc)" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
		"${LOAD_AT_START:-?}" \
		"$([ "$ROOT_MODE" = 1 ] && echo "as root" || echo "rootless as $BENCH_USER")" \
		"$husk_rev" "$(crun --version | awk 'NR == 1')" \
		"$(runc --version | awk 'NR == 1 { print $3 }')"
}

# The markdown table from results.tsv; awk does the lookups and ratios.
report_table() {
	local rows
	rows=$(printf '%s\n' "${REPORT_ROWS[@]}" | sed "s/PAR/$PAR/")
	awk -F'\t' -v rows="$rows" '
		function num(x) { return x + 0 }
		function fmt(v, unit) {
			if (unit == "ms") return sprintf("%.2f", v)
			if (unit == "1/s") return sprintf("%.0f", v)
			return sprintf("%d", v + 0.5)
		}
		# A footnote per distinct text; returns its number.
		function foot(text,    i) {
			for (i = 1; i <= nfoot; i++) if (foots[i] == text) return i
			foots[++nfoot] = text
			return nfoot
		}
		# Rows measured with the hardened config, the others with the plain.
		# (with limits: a root config of its own, not probed)
		function probe_of(m) {
			return m ~ /^h/ ? "probe.hardened" : m ~ /^l/ ? "probe.limits" : "probe.plain"
		}
		function cell(key,    s, kk, p, mark, cfg) {
			if (!(key in st)) return "–"
			s = st[key]
			split(key, kk, SUBSEP)
			if (s ~ /^n\/a/) return "n/a [" foot(kk[2] " " kk[1] ": " s) "]"
			if (s != "ok") return "fail [" foot(kk[1] ", " kk[2] ": " s) "]"
			p = probe_of(kk[1]) SUBSEP kk[2]
			mark = ""
			if ((p in st) && st[p] != "same" && kk[1] != "size") {
				cfg = probe_of(kk[1]) == "probe.hardened" ? "hardened" : "plain"
				mark = " ⚠[" foot(kk[2] ", " cfg " config: not the confinement " \
					"crun and runc set up, so not the same work: " st[p]) "]"
			}
			if (n[key] == 1) return fmt(med[key], unit[key]) mark
			return fmt(med[key], unit[key]) " (" fmt(lo[key], unit[key]) "–" \
			       fmt(hi[key], unit[key]) ")" mark
		}
		function target(what, v, op, limit,    ok) {
			if (v == "–") { printf "| %s | – | not measured |\n", what; return }
			ok = op == "<=" ? num(v) <= limit : num(v) >= limit
			printf "| %s | %s | %s |\n", what, v, ok ? "met" : "**missed**"
		}
		function ratio(a, b) {
			if (st[a] != "ok" || st[b] != "ok" || num(med[b]) == 0) return "–"
			return sprintf("%.2f", med[a] / med[b])
		}
		{
			k = $1 SUBSEP $2
			unit[k] = $3; n[k] = $4; med[k] = $5; lo[k] = $6; hi[k] = $7; st[k] = $8
			u[$1] = $3
		}
		END {
			print "| metric | husk | crun | runc | floor | husk/crun | husk/runc |"
			print "|---|---|---|---|---|---|---|"
			nr = split(rows, r, "\n")
			for (i = 1; i <= nr; i++) {
				split(r[i], f, "|")
				m = f[1]
				if (!((m SUBSEP "husk") in st)) continue
				unitname = u[m] == "1/s" ? "containers/s" : u[m]
				printf "| %s (%s%s) | %s | %s | %s | %s | %s | %s |\n", f[2],
				       unitname,
				       f[3] == "higher" ? ", higher is better" : "",
				       cell(m SUBSEP "husk"), cell(m SUBSEP "crun"),
				       cell(m SUBSEP "runc"), cell(m SUBSEP "floor"),
				       ratio(m SUBSEP "husk", m SUBSEP "crun"),
				       ratio(m SUBSEP "husk", m SUBSEP "runc")
			}
			# The performance issue'"'"'s targets, each met or missed, in this run.
			print ""
			print "| target | this run | |"
			print "|---|---|---|"
			target("`run` ≤ 0.5 × crun", ratio("run" SUBSEP "husk", "run" SUBSEP "crun"), "<=", 0.5)
			target("`run` ≤ 2 × the namespace floor",
			       ratio("run" SUBSEP "husk", "run" SUBSEP "floor"), "<=", 2)
			target("create + start + wait + delete ≤ 0.5 × crun",
			       ratio("csd" SUBSEP "husk", "csd" SUBSEP "crun"), "<=", 0.5)
			target("`exec` ≤ 0.5 × crun", ratio("exec" SUBSEP "husk", "exec" SUBSEP "crun"), "<=", 0.5)
			target("hardened `run` ≤ 0.5 × crun",
			       ratio("hrun" SUBSEP "husk", "hrun" SUBSEP "crun"), "<=", 0.5)
			target("hardened create + start + wait + delete ≤ 0.5 × crun",
			       ratio("hcsd" SUBSEP "husk", "hcsd" SUBSEP "crun"), "<=", 0.5)
			target("`run` with limits ≤ 0.5 × crun",
			       ratio("lrun" SUBSEP "husk", "lrun" SUBSEP "crun"), "<=", 0.5)
			target("create + start + wait + delete with limits ≤ 0.5 × crun",
			       ratio("lcsd" SUBSEP "husk", "lcsd" SUBSEP "crun"), "<=", 0.5)
			target("peak RSS ≤ crun'"'"'s", ratio("run.rss" SUBSEP "husk", "run.rss" SUBSEP "crun"),
			       "<=", 1)
			target("husk-init resident ≤ 256 KiB",
			       st["res.bg" SUBSEP "husk"] == "ok" ? fmt(med["res.bg" SUBSEP "husk"], "KiB") : "–",
			       "<=", 256)
			target("parallel throughput ≥ 2 × crun'"'"'s",
			       ratio("par" SUBSEP "husk", "par" SUBSEP "crun"), ">=", 2)
			if (nfoot) print ""
			for (i = 1; i <= nfoot; i++)
				printf "[%d] %s  \n", i, foots[i]
		}' "$RESULTS_TSV"
}

report_markdown() {
	echo "Machine: $(machine_line)."
	echo
	echo "Medians (min–max) of $N samples per runtime, alternating, after $WARM warm-up"
	echo "rounds; parallel: $BATCHES batches of $PAR. Floor: \`$FLOOR\`."
	echo
	report_table
	if [ "${#NOTES[@]}" -gt 0 ]; then
		echo
		printf -- '- %s\n' "${NOTES[@]}"
	fi
}

report_json() {
	jq -Rn --arg machine "$(machine_line)" --arg floor "$FLOOR" \
		--argjson n "$N" --argjson warm "$WARM" --argjson batches "$BATCHES" \
		--argjson par "$PAR" --argjson root "$ROOT_MODE" \
		--arg notes "$(printf '%s\n' "${NOTES[@]}")" '
		def val: if . == "" then null else tonumber end;
		[inputs | split("\t") | {metric: .[0], runtime: .[1], unit: .[2],
			n: (.[3] | tonumber), median: (.[4] | val), min: (.[5] | val),
			max: (.[6] | val), status: .[7]}] as $r
		| ($r | map({key: "\(.metric)/\(.runtime)", value: .}) | from_entries) as $by
		| def ratio($m; $a; $b):
			($by["\($m)/\($a)"]) as $x | ($by["\($m)/\($b)"]) as $y
			| if $x.status == "ok" and $y.status == "ok" and $y.median != 0
			  then ($x.median / $y.median * 1000 | round / 1000) else null end;
		{
			machine: $machine,
			mode: (if $root == 1 then "root" else "rootless" end),
			samples: $n, warmup: $warm, parallel: {batches: $batches, width: $par},
			floor: $floor,
			results: $r,
			ratios: ([$r[].metric] | unique | map({key: ., value: {
				"husk/crun": ratio(.; "husk"; "crun"),
				"husk/runc": ratio(.; "husk"; "runc"),
				"husk/floor": ratio(.; "husk"; "floor")}}) | from_entries),
			notes: ($notes | split("\n") | map(select(. != "")))
		}' <"$RESULTS_TSV"
}

report_write() {
	mkdir -p "$RESULTS"
	local name=latest
	[ "$ROOT_MODE" = 1 ] && name=latest-root
	report_markdown >"$RESULTS/$name.md"
	report_json >"$RESULTS/$name.json"
	echo
	cat "$RESULTS/$name.md"
	echo
	echo "bench: wrote $RESULTS/$name.md and $RESULTS/$name.json"
}
