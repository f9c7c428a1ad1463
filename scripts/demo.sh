#!/usr/bin/env bash
# make demo: a sandbox 3-node MariaDB Galera cluster on 127.0.0.1, one
# clustercheckd per node (HTTP check + HAProxy agent-check + ctl socket) and
# HAProxy in front with `http-check disable-on-404`. Shows one node drain
# and come back, prints where to look and what to try, and stops everything
# (by pid) on Ctrl-C.
#
#   DEMO_SMOKE=1 scripts/demo.sh   non-interactive: the scripted drain and
#                                  restore, then clean up and exit 0/1
#                                  (tests/integration/t_demo_smoke.sh)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
SMOKE=${DEMO_SMOKE:-0}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
[[ -t 1 ]] || say() { printf '==> %s\n' "$*"; }

scripts/deps.sh
[[ -x ./clustercheckd ]] || make -s clustercheckd
# our own sandbox, even when called from inside the test suite
unset CCK_TMP CCK_PORT_BASE CCK_KEEP
export CCK_BIN=$REPO/clustercheckd
# shellcheck source=tests/integration/lib.sh
source "$REPO/tests/integration/lib.sh"
# shellcheck source=tests/integration/drain_lib.sh
source "$REPO/tests/integration/drain_lib.sh"

cleanup() {
	trap - EXIT INT TERM
	echo
	say "stopping the agents, HAProxy and the 3 nodes (by pid)"
	# SIGINT: the agents exit at once instead of draining for 10 s.
	local f
	for f in "$CCK_TMP"/agent*.pid; do
		[[ -e $f ]] && kill -INT "$(<"$f")" 2>/dev/null
	done
	cck_cleanup
	say "done"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say "starting a 3-node Galera cluster on 127.0.0.1 (about 15 s)"
cluster_start
STATS_PORT=$(cck_spare_port 8)

say "starting clustercheckd on each node, and HAProxy"
# SIGTERM drains for 10 s before the agent exits; a donor drains too.
AGENT_DRAIN_SECONDS=10 AGENT_EXTRA_CONF_ALL='policy = { donor = "drain"; };' drain_agents_start
DRAIN_HAPROXY_STATS_PORT=$STATS_PORT drain_haproxy_start agent
for n in 1 2 3; do hx_wait galera "node$n" UP 15; done
load_setup # a 'load' account for trying a client through HAProxy

show_pool() {
	local n line=""
	for n in 1 2 3; do line+="node$n $(hx_field galera "node$n" 18)   "; done
	printf '    HAProxy: %s\n' "$line"
}

# The tour: node1 drains and comes back, as a rolling restart would do it.
say "draining node1: clustercheckd ctl drain"
"$CCK_BIN" ctl --ctl "$CCK_TMP/agent1.ctl" drain | sed 's/^/    /'
printf '    GET / on node1: %s\n' "$(http_get "${AGENT_PORT[1]}")"
hx_wait galera node1 'NOLB|DRAIN' 10
show_pool
say "node1 takes no new connections; back to ready: clustercheckd ctl ready"
"$CCK_BIN" ctl --ctl "$CCK_TMP/agent1.ctl" ready | head -n 1 | sed 's/^/    /'
hx_wait galera node1 UP 10
show_pool

if [[ $SMOKE == 1 ]]; then
	say "demo smoke test: drain and restore seen by HAProxy: ok"
	exit 0
fi

ctl() { echo "$CCK_BIN ctl --ctl $CCK_TMP/agent$1.ctl"; }
cat <<EOF

Everything runs from $CCK_TMP on 127.0.0.1. Ctrl-C stops it all.

Look:
  curl -i http://127.0.0.1:${AGENT_PORT[1]}/              node1's check (also :${AGENT_PORT[2]} node2, :${AGENT_PORT[3]} node3)
  curl http://127.0.0.1:${AGENT_PORT[1]}/?verbose         every check, one line each
  socat - TCP:127.0.0.1:$(agent_check_port 1)          the agent-check line HAProxy reads
  http://127.0.0.1:$STATS_PORT/stats                HAProxy's stats page (refreshes every second)
  mariadb -h 127.0.0.1 -P $HAPROXY_PORT -u load -p$LOAD_PASS cck   a client through HAProxy

Try (and watch the stats page):
  $(ctl 1) drain        node1 -> NOLB/DRAIN, existing sessions finish
  $(ctl 1) maint        node1 -> MAINT
  $(ctl 1) ready        back in the pool
  $(ctl 1) status       what node1's agent answers, and why
  touch $CCK_TMP/agent2.disabled   clustercheck's maintenance file -> MAINT (rm it to undo)
  mariadb --no-defaults -S ${NODE_SOCK[3]} -uroot -e 'SET GLOBAL wsrep_desync=ON'   node3 -> DOWN (=OFF to undo)
  kill -TERM $(agent_pid 2)        node2's agent drains for 10 s, then exits (HAProxy: NOLB, then DOWN)
  kill -TERM $(node_pid 3)        stop node3's mysqld -> DOWN; start it again with:
      $MARIADBD --defaults-file=$CCK_TMP/node3/my.cnf &

EOF
while :; do
	show_pool
	sleep 2
done
