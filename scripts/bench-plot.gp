# SPDX-License-Identifier: GPL-2.0
# bench-plot.gp: docs/benchmarks.png from the data files bench-report.py
# writes.  Variables: dir (data files), out (PNG), nruns, titles
# (";"-separated run names without spaces, e.g. "-smp 1;-smp 2/split"), have (per run a word of
# four 0/1 flags: round trip, throughput, fan-out, cleanup have data).
set terminal pngcairo size 1800,420*nruns font ",10" noenhanced
set output out
set multiplot layout nruns,4
set grid
set key top left font ",8"
set logscale x 2
set style data linespoints
peers = "xmsg xmsg-call pipe unix mq shmring shmpool"
run(i) = word(system("echo '".titles."' | tr ';' ' ' | sed 's/-smp /smp/g'"), i+1)
ok(i, k) = substr(word(have, i + 1), k, k) eq "1"
# An empty panel instead of an error when a measure has no data.
empty(t) = sprintf("set title '%s (no data)'; set xrange [1:10]; set yrange [1:10]; plot NaN notitle; set autoscale xy", t)
do for [i=0:nruns-1] {
	set logscale y 10
	set xtics ("64 B" 64, "4 KiB" 4096, "64 KiB" 65536, "1 MiB" 1048576)
	set xlabel "message size (bytes)"
	set ylabel "round trip, median (us)"
	set title sprintf("%s: round trip latency (lower is better)", run(i))
	if (ok(i, 1)) {
	plot for [p=1:7] sprintf("%s/rtt_median.%d.dat", dir, i) \
		using 1:(column(p+1)/1000) title word(peers, p) lw 2
	} else { eval empty(run(i) . ": round trip") }
	set ylabel "MB/s"
	set title sprintf("%s: one-way throughput (higher is better)", run(i))
	if (ok(i, 2)) {
	plot for [p=1:7] sprintf("%s/tput_bytes.%d.dat", dir, i) \
		using 1:(column(p+1)/1e6) title word(peers, p) lw 2
	} else { eval empty(run(i) . ": throughput") }
	set xtics autofreq
	set xlabel "receivers"
	set ylabel "time to the last receiver, median (us)"
	set title sprintf("%s: fan-out of one 1 MiB message", run(i))
	if (ok(i, 3)) {
	plot sprintf("%s/fanout.%d.dat", dir, i) using 1:($2/1000) \
		title "xmsg broadcast" lw 2, \
	     "" using 1:($3/1000) title "xmsg proxies" lw 2 pt 7 ps 2, \
	     "" using 1:($4/1000) title "pipes" lw 2, \
	     "" using 1:($5/1000) title "shmpool" lw 2
	} else { eval empty(run(i) . ": fan-out") }
	set logscale x 10
	set xlabel "messages held"
	set ylabel "ms"
	set title sprintf("%s: cleanup of held messages", run(i))
	if (ok(i, 4)) {
	plot sprintf("%s/exit.%d.dat", dir, i) using 1:($2/1e6) \
		title "close(fd)" lw 2, \
	     "" using 1:($3/1e6) title "release one by one" lw 2
	} else { eval empty(run(i) . ": cleanup") }
	set logscale x 2
}
unset multiplot
