#!/usr/bin/awk -f
# Of a command's runs in the bench, the one to keep (bench.sh): lines
# "WALL_S READ_FLOOR_S WRITE_FLOOR_S" in the order of the runs; prints the
# number (from 0) of the run whose wall time over its own limit (read
# floor + write floor, measured beside it) is the median, the lower of
# the two middle ones for an even number of runs (runs of equal ratios
# in their order). A limit of 0 (a run too short to time) counts as the
# wall time.
{
	lim = $2 + $3
	r[NR - 1] = lim > 0 ? $1 / lim : $1
}
END {
	if (NR == 0)
		exit 1
	# the runs' numbers sorted by ratio (insertion: three or five runs)
	for (i = 0; i < NR; i++) {
		for (j = i; j > 0 && r[o[j - 1]] > r[i]; j--)
			o[j] = o[j - 1]
		o[j] = i
	}
	print o[int((NR - 1) / 2)]
}
