#!/usr/bin/awk -f
# The table of `make bench` from build/bench/results.txt (see bench.sh):
#   tests/bench/table.awk -v runs=N -v cores=N -v load="..." results.txt
# Lines: "SIZE decisions N" and
# "SIZE FORMAT COMMAND WALL_S PEAK_KIB READ_S WRITE_FLOOR_S READ_FLOOR_S
#  USER_S SYS_S PAGE_FAULTS": the figures of one run of the command, the
# one whose wall time over its own floors was the median, and the largest
# peak memory of its runs. (Results of an earlier bench.sh hold the median
# of each figure instead, and some have one "SIZE FORMAT floor SECONDS"
# line instead of READ_FLOOR_S, or stop at READ_FLOOR_S; they print as
# they did, with the footer of today's.) And per command
# "ratio FORMAT COMMAND TIME_RATIO LIMIT_RATIO ROUNDS": the time at the
# largest size over the time at the smallest, and the same for the limit,
# each the median over rounds of a run at each size (round_ratio.awk);
# where a results file has none, the ratios are those of the runs above.
$1 == "ratio" { tr[$2, $3] = $4; lr[$2, $3] = $5; rounds = 1; next }
$2 == "decisions" { n[$1] = $3; order[++k] = $1; next }
$3 == "floor" { rf0[$1, $2] = $4; next }
{
	has[$2] = 1     # a bench of one input format prints only its rows
	t[$1, $2, $3] = $4; m[$1, $2, $3] = $5; rd[$1, $2, $3] = $6; wf[$1, $2, $3] = $7
	rf[$1, $2, $3] = NF >= 8 ? $8 : rf0[$1, $2]
	if (NF >= 11) {
		us[$1, $2, $3] = $9; sy[$1, $2, $3] = $10; pf[$1, $2, $3] = $11; cpu = 1
	}
}
function mark(ok) { return ok ? "" : " *" }
# x / y with d decimals, "-" where y is 0 (a run too short to time)
function over(x, y, d) { return y > 0 ? sprintf("%." d "f", x / y) : "-" }
# One command's figure at the largest size z against the smallest a:
# "time" evb's wall time, "limit" the libraries' limit, "user" evb's CPU
# in user space, "fault" evb's kernel time over its page faults at each.
function cell(what, fmt, c,    r) {
	if ((what == "time" || what == "limit") && (fmt, c) in tr) {
		r = what == "time" ? tr[fmt, c] : lr[fmt, c]
		if (r == "-")
			return "-"
	} else if (what == "time")
		r = t[z, fmt, c] / t[a, fmt, c]
	else if (what == "limit")
		r = (rf[z, fmt, c] + wf[z, fmt, c]) / (rf[a, fmt, c] + wf[a, fmt, c])
	if (what == "time")
		return sprintf("%.2f%s", r, mark(r <= 5.3))
	if (what == "limit")
		return sprintf("%.2f%s", r, r <= 5.3 ? "" : " !")
	if (what == "user")
		return over(us[z, fmt, c], us[a, fmt, c], 2)
	return over(sy[a, fmt, c] * 1e6, pf[a, fmt, c], 1) " / " \
		over(sy[z, fmt, c] * 1e6, pf[z, fmt, c], 1)
}
# A line of cells per input format.
function ratios(what,    f, fmt, j) {
	for (f = 1; f <= 2; f++) {
		fmt = f == 1 ? "csv" : "xml"
		if (!has[fmt])
			continue
		printf "  %-4s", fmt
		for (j = 1; j <= 5; j++)
			printf "  %s %s", cmds[j], cell(what, fmt, cmds[j])
		printf "\n"
	}
}
END {
	split("check ivo fees meals due", cmds, " ")
	printf "\n%-9s %-4s %-6s %8s %8s %8s %8s %8s %10s %9s %8s %8s\n", "decisions", "in", "command",
		"wall s", "read s", "r.floor", "w.floor", "limit", "wall/lim", "read/rf", "MiB", "B/dec"
	for (i = 1; i <= k; i++) {
		s = order[i]
		for (f = 1; f <= 2; f++) {
			fmt = f == 1 ? "csv" : "xml"
			if (!has[fmt])
				continue
			for (j = 1; j <= 5; j++) {
				c = cmds[j]
				lim = rf[s, fmt, c] + wf[s, fmt, c]
				r1 = t[s, fmt, c] / lim; r2 = rd[s, fmt, c] / rf[s, fmt, c]
				b = m[s, fmt, c] * 1024 / n[s]
				printf "%-9d %-4s %-6s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f%-2s %7.2f%-2s %8.1f %6.0f%-2s\n",
					n[s], fmt, c, t[s, fmt, c], rd[s, fmt, c], rf[s, fmt, c], wf[s, fmt, c], lim,
					r1, mark(r1 <= 1.5), r2, mark(r2 <= 2.0), m[s, fmt, c] / 1024, b, mark(b <= 400)
			}
		}
	}
	if (k > 1) {
		a = order[1]; z = order[k]
		if (rounds)
			printf "\ntime at %d / time at %d decisions, the median over the rounds\nof a run at each size one after the other (target <= 5.3):\n", n[z], n[a]
		else
			printf "\ntime at %d / time at %d decisions (target <= 5.3):\n", n[z], n[a]
		ratios("time")
		# the same ratio for the libraries' limit (read floor + write floor):
		# what evb's own work would have to make up where it is over 5.3
		printf "the libraries' limit, the same ratio:\n"
		ratios("limit")
		if (cpu) {
			# evb's own work against what the kernel does for it: the
			# first write of each page of its memory costs a page fault,
			# which the floors, holding no records, do not pay
			printf "evb's CPU time in user space, the same ratio:\n"
			ratios("user")
			printf "evb's kernel time over its page faults (microseconds), at %d / at %d:\n", n[a], n[z]
			ratios("fault")
		}
	}
	if (k > 1 && large_runs != runs)
		printf "\n(of %d runs at %d decisions, of %d at more, each beside its floors, the\n one whose wall / limit is the median; peak memory the largest of them;\n * = target not met; ! = over 5.3 already in the libraries;", runs, n[order[1]], large_runs
	else if (k > 1)
		printf "\n(of %d runs at each size, the sizes in turn, each beside its floors, the\n one whose wall / limit is the median; peak memory the largest of them;\n * = target not met; ! = over 5.3 already in the libraries;", runs
	else
		printf "\n(of %d runs, each beside its floors, the one whose wall / limit is the\n median; peak memory the largest of them; * = target not met;", runs
	printf "\n"
	printf " %d cores, load average at the end %s)\n", cores, load
}
