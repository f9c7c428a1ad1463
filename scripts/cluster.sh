#!/usr/bin/env bash
# A sandbox MariaDB Galera cluster of 3 nodes on 127.0.0.1 (the one the
# integration tests use), started and stopped on its own, e.g. for a demo.
#
#   scripts/cluster.sh start [DIR]   start 3 nodes in DIR (default: a new
#                                    /tmp/cck.XXXXXX); print how to reach them
#   scripts/cluster.sh agents DIR    start clustercheckd (CCK_BIN, default
#                                    ./clustercheckd) for each node
#   scripts/cluster.sh haproxy DIR   start HAProxy in front of the 3 nodes,
#                                    health-checked through the agents
#   scripts/cluster.sh status DIR    state of each node, agent and HAProxy
#   scripts/cluster.sh env DIR       shell variables describing the sandbox
#   scripts/cluster.sh stop DIR      stop everything in DIR (by pid) and
#                                    remove DIR
#
# Ports are chosen at random among free ones (see tests/integration/lib.sh
# for the layout); nothing binds outside 127.0.0.1. Run as root (mysqld then
# runs as the mysql user) or as an ordinary user.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/integration/lib.sh
source "$here/../tests/integration/lib.sh"

usage() {
	sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
	exit 2
}

need_dir() {
	[[ -n ${1:-} && -f $1/port_base ]] || { echo "cluster.sh: '${1:-}' is not a sandbox directory" >&2; exit 2; }
	CCK_TMP=$(cd "$1" && pwd)
	cck_init || exit 1
}

print_env() {
	local i a
	echo "CCK_TMP=$CCK_TMP"
	for i in 1 2 3; do
		echo "NODE${i}_SOCK=${NODE_SOCK[i]}"
		echo "NODE${i}_PORT=${NODE_PORT[i]}"
		echo "NODE${i}_PID=$(node_pid "$i" 2>/dev/null)"
		echo "AGENT${i}_PORT=${AGENT_PORT[i]}"
	done
	echo "HAPROXY_PORT=$HAPROXY_PORT"
	echo "HAPROXY_SOCK=$CCK_TMP/haproxy.sock"
	echo "CCK_DB_USER=${CCK_DB_USER:-}"
	echo "CCK_DB_PASS=${CCK_DB_PASS:-}"
}

cmd=${1:-}
shift || true
case $cmd in
start)
	if [[ -n ${1:-} ]]; then
		[[ ! -e $1 || -z $(ls -A "$1" 2>/dev/null) ]] || { echo "cluster.sh: $1 exists and is not empty" >&2; exit 2; }
		CCK_TMP=$1
	fi
	trap 'echo "cluster.sh: start failed, cleaning up" >&2; CCK_KEEP=0 cck_cleanup' EXIT
	cluster_start || exit 1
	trap - EXIT
	(umask 077; print_env >"$CCK_TMP/cluster.env")
	for i in 1 2 3; do
		echo "node$i: mariadb --no-defaults -u$(_db_admin) -S ${NODE_SOCK[i]}   (port ${NODE_PORT[i]}, log $CCK_TMP/node$i/error.log)"
	done
	echo "monitoring account: $CCK_DB_USER / password in $CCK_TMP/db_pass"
	echo "variables: $CCK_TMP/cluster.env"
	echo "stop with: $0 stop $CCK_TMP"
	;;
agents)
	need_dir "${1:-}"
	for i in 1 2 3; do
		CCK_LOGDIR=$CCK_TMP agent_start "$i" || exit 1
		echo "agent$i: http://127.0.0.1:${AGENT_PORT[i]}/  (node$i, log $CCK_TMP/agent$i.log)"
	done
	;;
haproxy)
	need_dir "${1:-}"
	haproxy_start || exit 1
	echo "haproxy: 127.0.0.1:$HAPROXY_PORT  (stats: echo 'show stat' | socat - UNIX-CONNECT:$CCK_TMP/haproxy.sock)"
	;;
status)
	need_dir "${1:-}"
	for i in 1 2 3; do node_describe "$i"; done
	for i in 1 2 3 4 5 6 7 8 9; do
		[[ -f $CCK_TMP/agent$i.pid ]] || continue
		echo "agent$i: $(http_get "${AGENT_PORT[i]}")"
	done
	if [[ -f $CCK_TMP/haproxy.pid ]]; then
		for i in 1 2 3; do echo "haproxy node$i: $(haproxy_server_status "node$i")"; done
	fi
	;;
env)
	need_dir "${1:-}"
	print_env
	;;
stop)
	need_dir "${1:-}"
	CCK_KEEP=0 cck_cleanup
	echo "stopped and removed $CCK_TMP"
	;;
*) usage ;;
esac
