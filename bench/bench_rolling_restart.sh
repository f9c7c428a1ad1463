#!/usr/bin/env bash
# bench_rolling_restart.sh: failed client connections and transactions
# during a rolling restart under load through HAProxy, clustercheckd
# (drained first) against the clustercheck baseline under xinetd (no drain
# possible), same HAProxy timings, same load, same run, on the suite's
# 3-node cluster: t_drain_rolling_restart with DRAIN_BASELINE=1. Prints a
# table; only clustercheckd's zero is asserted (by the scenario), never a
# ratio.
#
#   make bench      or      bash bench/bench_rolling_restart.sh
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CCK_REPO=${CCK_REPO:-$(cd "$BENCH_DIR/.." && pwd)}
[[ -x $CCK_REPO/bench/cck_load ]] || { echo "bench_rolling_restart: bench/cck_load not built (make bench builds it)" >&2; exit 2; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
out=$(DRAIN_BASELINE=1 CCK_VERBOSE=1 "$CCK_REPO/tests/integration/run.sh" t_drain_rolling_restart 2>&1) ||
	{ printf '%s\n' "$out" | tail -n 40 >&2; exit 1; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
row() {
	local line v k
	line=$(grep -m1 "ROLLING_RESTART $1 " <<<"$out" | sed 's/.*ROLLING_RESTART [a-z]* //')
	printf '| %s |' "$2"
	for k in connections connect_failures transactions transaction_failures; do
		v=$(sed -n "s/.*\\b$k=\\([0-9]*\\).*/\\1/p" <<<"$line")
		printf ' %s |' "${v:-?}"
	done
	echo
}
cat <<TABLE

## Rolling restart under load through HAProxy (3 nodes, same run)

Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r); load average $load_before before, $load_after after.
HAProxy inter 1000 fastinter 500 rise 2 fall 2, httpchk + disable-on-404 (+ agent-check for clustercheckd); 4 clients, a new connection per short transaction. $(date -u '+%F %H:%M UTC').

| health check | connections | failed connections | transactions | failed transactions |
|---|---:|---:|---:|---:|
$(row clustercheckd "clustercheckd, ctl drain before each restart")
$(row baseline "clustercheck under xinetd")
TABLE
