# shellcheck shell=bash
# What the bench/bench_*.sh scripts share (not itself one: make bench runs
# bench/bench_*.sh): the test harness
# (tests/integration/lib.sh: temp dir, ports, launchers, cleanup by pid),
# the machine and its load for the table, and one Galera node with
# clustercheckd's agent 1 in front of it. Sourced with set -euo pipefail.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CCK_REPO=${CCK_REPO:-$(cd "$BENCH_DIR/.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "${CCK_LIB:-$CCK_REPO/tests/integration/lib.sh}"
LOADGEN=${LOADGEN:-$CCK_REPO/build/loadgen}

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
bench_load() { cut -d' ' -f1-3 /proc/loadavg; }
bench_machine() {
	echo "$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
}

# bench_node_and_agent: node1 alone, and agent 1 answering for it; prints
# the conditions first. Stopped by pid on exit (cck_cleanup).
bench_node_and_agent() {
	say "conditions: $(bench_machine), load $(bench_load)"
	say "starting a single Galera node"
	cluster_start_one
	export CCK_LOGDIR=$CCK_TMP/logs
	mkdir -p "$CCK_LOGDIR"
	agent_start 1
}
