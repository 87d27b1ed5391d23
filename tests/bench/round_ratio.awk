#!/usr/bin/awk -f
# Time at the largest size over time at the smallest, round by round
# (bench.sh): one line a round, "WALL_A READ_FLOOR_A WRITE_FLOOR_A WALL_Z
# READ_FLOOR_Z WRITE_FLOOR_Z", the run at the smallest size (A) and the
# run at the largest (Z) of one round, timed one after the other. Prints
# "TIME_RATIO LIMIT_RATIO ROUNDS": the median over the rounds of WALL_Z /
# WALL_A, and of the libraries' limit (read floor + write floor) at Z over
# that at A, each the mean of the two middle ones for an even number of
# rounds. A round with a time or a limit of 0 at A (too short to time)
# counts for neither, and so does a line without both runs (more runs at
# one size than at the other); with no round left it prints "- - 0".
BEGIN { n = 0 }
NF >= 6 {
	if ($1 > 0 && $2 + $3 > 0) {
		t[n] = $4 / $1
		l[n] = ($5 + $6) / ($2 + $3)
		n++
	}
}
function median(v, n,    i, j, x) {
	for (i = 1; i < n; i++) {       # insertion sort: a few rounds
		x = v[i]
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1]
		v[j] = x
	}
	return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
}
END {
	if (n == 0)
		print "- - 0"
	else
		printf "%.4f %.4f %d\n", median(t, n), median(l, n), n
}
