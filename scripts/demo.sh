#!/usr/bin/env bash
# make demo: a sandbox 3-node MariaDB Galera cluster on 127.0.0.1, one
# clustercheckd per node (HTTP check + HAProxy agent-check + ctl socket,
# cluster-aware: /writer and /cluster) and two HAProxy instances in front:
# one for every node with `http-check disable-on-404`, one single-writer on
# /writer. Shows one node drain and come back, the cluster view, a writer
# failover, prints where to look and what to try, and stops everything (by
# pid) on Ctrl-C.
#
#   DEMO_SMOKE=1 scripts/demo.sh   non-interactive: the scripted drain and
#                                  restore and the failover, then clean up
#                                  and exit 0/1 (tests/integration/t_demo_smoke.sh)
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
# shellcheck source=tests/integration/cluster_lib.sh
source "$REPO/tests/integration/cluster_lib.sh"

cleanup() {
	trap - EXIT INT TERM
	echo
	say "stopping the agents, HAProxy and the 3 nodes (by pid)"
	# SIGINT: the agents exit at once instead of draining for 10 s.
	local f
	for f in "$CCK_TMP"/agent*.pid; do
		[[ -e $f ]] && kill -INT "$(<"$f")" 2>/dev/null
	done
	haproxy_stop haproxy-writer
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
# Cluster-aware too: each agent is peer dbN of the others (cluster_lib.sh's
# fast demo timings: HAProxy inter 500 fall 2, handover 1500 ms).
for a in 1 2 3; do
	AGENT_DRAIN_SECONDS=10 AGENT_EXTRA_CONF="$(drain_agent_conf "$a")
policy = { donor = \"drain\"; };
$(cluster_conf "db$a")" agent_start "$a"
done
DRAIN_HAPROXY_STATS_PORT=$STATS_PORT drain_haproxy_start agent
for n in 1 2 3; do hx_wait galera "node$n" UP 15; done
WRITER_PORT=$(cck_spare_port 9)
HAPROXY_CHECK="option httpchk GET /writer" \
	HAPROXY_SERVER_OPTS="$CLUSTER_HAPROXY_TIMINGS on-marked-down shutdown-sessions" \
	haproxy_start haproxy-writer "$WRITER_PORT"
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

show_writer() {
	local a
	for a in 1 2 3; do printf '    GET /writer on node%s: %s\n' "$a" "$(http_get "${AGENT_PORT[a]}" /writer)"; done
	_haproxy_routes_to haproxy-writer "$1" | sed 's/^/    /'
}

say "the single writer: GET /writer on each agent, and the writer HAProxy"
wait_writer 1 30 >/dev/null
wait_until 10 "writer HAProxy on node1" _haproxy_routes_to haproxy-writer node1 >/dev/null
show_writer node1
say "the whole cluster from node2's agent: GET /cluster"
http_body "${AGENT_PORT[2]}" /cluster | sed 's/^/    /'

say "writer failover: stopping node1's mysqld"
node_stop 1
show_writer - || true
wait_writer 2 30 >/dev/null
wait_until 10 "writer HAProxy on node2" _haproxy_routes_to haproxy-writer node2 >/dev/null
show_writer node2
http_body "${AGENT_PORT[2]}" /cluster | sed 's/^/    /'

if [[ $SMOKE == 1 ]]; then
	say "demo smoke test: drain and restore seen by HAProxy, writer failover to node2: ok"
	exit 0
fi

say "node1 back: once Synced for failback_delay_ms it takes the writes back"
node_start 1
wait_writer 1 60 >/dev/null
show_writer node1

ctl() { echo "$CCK_BIN ctl --ctl $CCK_TMP/agent$1.ctl"; }
cat <<EOF

Everything runs from $CCK_TMP on 127.0.0.1. Ctrl-C stops it all.

Look:
  curl -i http://127.0.0.1:${AGENT_PORT[1]}/              node1's check (also :${AGENT_PORT[2]} node2, :${AGENT_PORT[3]} node3)
  curl http://127.0.0.1:${AGENT_PORT[1]}/?verbose         every check, one line each
  socat - TCP:127.0.0.1:$(agent_check_port 1)          the agent-check line HAProxy reads
  http://127.0.0.1:$STATS_PORT/stats                HAProxy's stats page (refreshes every second)
  mariadb -h 127.0.0.1 -P $HAPROXY_PORT -u load -p$LOAD_PASS cck   a client through HAProxy
  curl http://127.0.0.1:${AGENT_PORT[1]}/writer?verbose   the single writer, the ranking and each peer's report
  curl http://127.0.0.1:${AGENT_PORT[2]}/cluster          every node in one answer (-H 'Accept: application/json')
  mariadb -h 127.0.0.1 -P $WRITER_PORT -u load -p$LOAD_PASS cck   a client through the single-writer HAProxy (/writer)

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
	printf '    writer: %s\n' "$(writer_codes)"
	sleep 2
done
