# shellcheck shell=bash disable=SC2034  # arrays and pids are for the scenarios
# Integration-test library for clustercheckd: a private 3-node MariaDB Galera
# cluster on 127.0.0.1, clustercheckd agents in front of it, HAProxy, and
# helpers to wait for conditions without fixed sleeps.
#
# Sourced by tests/integration/run.sh (and scripts/cluster.sh). Everything
# lives in $CCK_TMP (mktemp -d); every process is recorded in a pid file there
# and stopped by that pid (TERM, deadline, KILL), never by name.
#
# Written to work both under `set -e` (scenarios run with set -Eeuo pipefail)
# and without it: helpers report problems on stderr and return non-zero.

CCK_REPO=${CCK_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CCK_BIN=${CCK_BIN:-$CCK_REPO/clustercheckd}
GALERA_PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
MARIADBD=${MARIADBD:-$(command -v mariadbd || echo /usr/sbin/mariadbd)}
# SQL statements issued by the harness never wait forever (a node may be
# SIGSTOPped); raise it for bulk loads.
NODE_SQL_TIMEOUT=${NODE_SQL_TIMEOUT:-30}

# For scenarios (index 1..3 for nodes, 1..9 for agents):
# shellcheck disable=SC2034
declare -ga NODE_SOCK NODE_PORT NODE_PID NODE_GPORT AGENT_PID AGENT_PORT
CCK_WAIT_GIVE_UP=99 # a wait_until condition returns this to stop waiting at once

# ---------------------------------------------------------------- basics

cck_log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }

# Milliseconds since the epoch, in $REPLY (no subshell).
now_ms() {
	local t=${EPOCHREALTIME//[.,]/}
	REPLY=$((10#$t / 1000))
}

# "1.5" -> 1500, in $REPLY.
secs_to_ms() {
	local s=$1 int frac
	int=${s%%.*}
	frac=0
	[[ $s == *.* ]] && frac=${s#*.}
	frac=${frac}000
	REPLY=$((10#${int:-0} * 1000 + 10#${frac:0:3}))
}

# wait_until TIMEOUT_S DESCRIPTION COMMAND...
# Runs COMMAND every 0.1 s until it succeeds or TIMEOUT_S passes. COMMAND's
# output is what "it last saw" in the failure message. A COMMAND that returns
# $CCK_WAIT_GIVE_UP (99) ends the wait at once (e.g. the process died).
wait_until() {
	local timeout=$1 desc=$2 out rc deadline
	shift 2
	secs_to_ms "$timeout"
	deadline=$REPLY
	now_ms
	deadline=$((deadline + REPLY))
	while :; do
		if out=$("$@" 2>&1); then
			return 0
		else
			rc=$?
		fi
		if ((rc == CCK_WAIT_GIVE_UP)); then
			echo "gave up waiting for $desc: ${out:-<no output>}" >&2
			return 1
		fi
		now_ms
		if ((REPLY >= deadline)); then
			echo "timed out after ${timeout}s waiting for $desc; last saw: ${out:-<no output>} (exit $rc)" >&2
			return 1
		fi
		sleep 0.1
	done
}

# True if PID is a live process (a zombie counts as gone).
pid_alive() {
	local pid=$1 st
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$pid/stat ]] || return 1
	st=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || return 1
	[[ -n $st && $st != Z && $st != X ]]
}

# True if PID is stopped (SIGSTOP).
pid_stopped() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $st == T ]]
}

_pid_gone() {
	if pid_alive "$1"; then
		echo "pid $1 still running ($(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | cut -c1-80))"
		return 1
	fi
}

# _spawn LOG COMMAND...: start COMMAND in the background (same pid, $!),
# stdin /dev/null, output appended to LOG, and none of the shell's other
# descriptors (a daemon holding run.sh's stdout open would keep a pipe
# reading it, e.g. `run.sh | tee`, waiting after run.sh ends).
_spawn() {
	local log=$1
	shift
	(
		exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
		exec "$@"
	) </dev/null >>"$log" 2>&1 &
}

# stop_pid PID [TIMEOUT_S=20] [NAME]: TERM, wait until gone, then KILL.
stop_pid() {
	local pid=$1 timeout=${2:-20} name=${3:-pid $1}
	pid_alive "$pid" || return 0
	pid_stopped "$pid" && kill -CONT "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_until "$timeout" "$name to exit after SIGTERM" _pid_gone "$pid" 2>/dev/null; then
		cck_log "$name (pid $pid) ignored SIGTERM for ${timeout}s, sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_until 10 "$name to exit after SIGKILL" _pid_gone "$pid" || return 1
	fi
	return 0
}

# Stop the process whose pid is in FILE, if any; remove FILE.
stop_pidfile() {
	local f=$1 timeout=${2:-20} pid
	[[ -f $f ]] || return 0
	pid=$(<"$f")
	stop_pid "$pid" "$timeout" "$(basename "$f" .pid)"
	local rc=$?
	rm -f "$f"
	return $rc
}

# ---------------------------------------------------------------- ports

# Port layout, from a random base B below the ephemeral range:
#   B+0..2   mysqld client ports of node1..3          NODE_PORT[i]
#   B+10..18 Galera: node i uses G=B+10+3(i-1) (gcomm), G+1 (IST), G+2 (SST)
#   B+21..29 agents 1..9                               AGENT_PORT[a]
#   B+30     HAProxy frontend                          HAPROXY_PORT
#   B+31..39 spare, for scenarios (cck_spare_port N)
CCK_PORT_SPAN=40

_ports_in_use() {
	# every local TCP/UDP port in any state, one per line
	ss -Htanu 2>/dev/null | awk '{ n = split($5, a, ":"); print a[n] }' | sort -un
}

cck_pick_ports() {
	local lo hi base used p ok others
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
	# stay below the ephemeral range so that no outgoing connection can grab
	# one of our ports between the check and the bind
	hi=$((lo - CCK_PORT_SPAN - 1))
	((hi > 12000)) || hi=30000
	# blocks of other suites running on this machine that may not have
	# bound all their ports yet
	others=$(cat "${CCK_TMPDIR:-/tmp}"/cck.*/port_base 2>/dev/null)
	for _ in $(seq 1 50); do
		base=$((10000 + (RANDOM * 32768 + RANDOM) % (hi - 10000)))
		base=$((base - base % 10))
		used=$(_ports_in_use)
		ok=1
		for p in $others; do
			if ((base > p - CCK_PORT_SPAN && base < p + CCK_PORT_SPAN)); then
				ok=0
			fi
		done
		for ((p = base; p < base + CCK_PORT_SPAN; p++)); do
			if grep -qx "$p" <<<"$used"; then
				ok=0
				break
			fi
		done
		if ((ok)); then
			CCK_PORT_BASE=$base
			export CCK_PORT_BASE
			return 0
		fi
	done
	echo "cck_pick_ports: no free block of $CCK_PORT_SPAN ports found" >&2
	return 1
}

_cck_set_ports() {
	local i a b=$CCK_PORT_BASE
	for i in 1 2 3; do
		NODE_PORT[i]=$((b + i - 1))
		NODE_GPORT[i]=$((b + 10 + 3 * (i - 1)))
		NODE_SOCK[i]=$CCK_TMP/node$i/mysqld.sock
	done
	for a in 1 2 3 4 5 6 7 8 9; do AGENT_PORT[a]=$((b + 20 + a)); done
	HAPROXY_PORT=$((b + 30))
	export HAPROXY_PORT
}

cck_spare_port() { echo $((CCK_PORT_BASE + 30 + $1)); }

# ---------------------------------------------------------------- tmp dir

# Creates $CCK_TMP (or adopts an existing one) and the port layout.
cck_init() {
	if [[ -z ${CCK_TMP:-} ]]; then
		# short path: unix socket paths must stay under 108 bytes
		CCK_TMP=$(mktemp -d "${CCK_TMPDIR:-/tmp}/cck.XXXXXX") || return 1
	fi
	if [[ -f $CCK_TMP/port_base ]]; then
		CCK_PORT_BASE=$(<"$CCK_TMP/port_base") || return 1
	else
		mkdir -p "$CCK_TMP" || return 1
		CCK_TMP=$(cd "$CCK_TMP" && pwd)
		if ((${#CCK_TMP} > 80)); then
			echo "cck_init: $CCK_TMP is too long for unix socket paths (max 80 characters)" >&2
			return 1
		fi
		# mysqld runs as the mysql user and must reach its node directory
		chmod 711 "$CCK_TMP"
		cck_pick_ports || return 1
		echo "$CCK_PORT_BASE" >"$CCK_TMP/port_base"
	fi
	export CCK_TMP CCK_PORT_BASE
	_cck_set_ports
	if [[ -f $CCK_TMP/db_pass ]]; then
		CCK_DB_USER=clustercheck
		CCK_DB_PASS=$(<"$CCK_TMP/db_pass")
		export CCK_DB_USER  # the password stays unexported: agents must not inherit it
	fi
	local i
	for i in 1 2 3; do NODE_PID[i]=$(node_pid "$i" 2>/dev/null || true); done
}

# Stops everything recorded in $CCK_TMP (agents, haproxy, nodes), then
# removes $CCK_TMP unless CCK_KEEP=1.
cck_cleanup() {
	[[ -n ${CCK_TMP:-} && -d $CCK_TMP ]] || return 0
	if [[ ${CCK_KEEP:-0} == 1 ]]; then
		cck_print_where
		return 0
	fi
	agent_stop_all
	haproxy_stop
	xinetd_stop_all
	cluster_stop
	rm -rf "$CCK_TMP"
}

cck_print_where() {
	{
		echo "CCK_KEEP=1: cluster left running in $CCK_TMP"
		local i
		for i in 1 2 3; do
			echo "  node$i: pid $(node_pid "$i" 2>/dev/null || echo '?') port ${NODE_PORT[i]} socket ${NODE_SOCK[i]} log $CCK_TMP/node$i/error.log"
			echo "         mariadb --no-defaults -uroot -S ${NODE_SOCK[i]}"
		done
		for f in "$CCK_TMP"/agent*.pid; do
			[[ -e $f ]] || continue
			a=${f##*/agent}; a=${a%.pid}
			echo "  agent$a: pid $(<"$f") port ${AGENT_PORT[a]} config $CCK_TMP/agent$a.conf"
		done
		[[ -f $CCK_TMP/haproxy.pid ]] && echo "  haproxy: pid $(<"$CCK_TMP/haproxy.pid") port $HAPROXY_PORT socket $CCK_TMP/haproxy.sock"
		echo "  stop it with: $CCK_REPO/scripts/cluster.sh stop $CCK_TMP"
	} >&2
}

# ---------------------------------------------------------------- nodes

# The OS user mysqld runs as, and the MariaDB account the harness uses.
_cck_is_root() { ((EUID == 0)); }
_db_admin() { if _cck_is_root; then echo root; else id -un; fi; }

_node_dir() { echo "$CCK_TMP/node$1"; }

# Write $CCK_TMP/nodeI/my.cnf
_node_write_cnf() {
	local i=$1 d g addrs="" j
	d=$(_node_dir "$i")
	g=${NODE_GPORT[i]}
	for j in 1 2 3; do addrs+="${addrs:+,}127.0.0.1:${NODE_GPORT[j]}"; done
	{
		echo "[mysqld]"
		_cck_is_root && echo "user = mysql"
		cat <<EOF
datadir = $d/data
socket = $d/mysqld.sock
pid-file = $d/mysqld.pid
log-error = $d/error.log
tmpdir = $d/tmp
port = ${NODE_PORT[i]}
bind-address = 127.0.0.1
skip-name-resolve
innodb_buffer_pool_size = 64M
innodb_log_file_size = 64M
innodb_flush_log_at_trx_commit = 2
max_connections = 100
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
wsrep_on = ON
wsrep_provider = $GALERA_PROVIDER
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$g;base_port=$g;ist.recv_addr=127.0.0.1:$((g + 1));gcache.size=32M"
wsrep_cluster_name = cck_test
wsrep_cluster_address = gcomm://$addrs
wsrep_node_address = 127.0.0.1:$g
wsrep_node_name = node$i
wsrep_sst_receive_address = 127.0.0.1:$((g + 2))
wsrep_sst_method = rsync
wsrep_slave_threads = 2
EOF
	} >"$d/my.cnf"
}

_node_prepare() {
	local i=$1 d
	d=$(_node_dir "$i")
	mkdir -p "$d/data" "$d/tmp"
	_node_write_cnf "$i"
	if _cck_is_root; then
		chown -R mysql:mysql "$d"
	fi
	chmod 755 "$d"
}

# Initialise the datadir of node I (system tables, root@localhost via unix
# socket for the OS user running the harness).
_node_install_db() {
	local i=$1 d
	d=$(_node_dir "$i")
	if ! mariadb-install-db --defaults-file="$d/my.cnf" --skip-test-db \
		--auth-root-authentication-method=socket >"$d/install-db.log" 2>&1; then
		echo "mariadb-install-db failed for node$i:" >&2
		tail -n 20 "$d/install-db.log" >&2
		return 1
	fi
}

# node_pid I: the pid of node I's mariadbd (from the pid we launched, else
# the pid file). Prints nothing and fails when none is recorded.
node_pid() {
	local d f
	d=$(_node_dir "$1")
	for f in "$d/launch.pid" "$d/mysqld.pid"; do
		if [[ -s $f ]]; then
			cat "$f"
			return 0
		fi
	done
	return 1
}

node_alive() {
	local pid
	pid=$(node_pid "$1" 2>/dev/null) && pid_alive "$pid"
}

# node_sql I "SQL": run SQL as the admin account over node I's socket,
# tab-separated, no column names.
node_sql() {
	local i=$1
	shift
	timeout "$NODE_SQL_TIMEOUT" mariadb --no-defaults -u "$(_db_admin)" -S "${NODE_SOCK[i]}" \
		--connect-timeout=5 -N -B -e "$*"
}

# node_status I VAR / node_var I VAR: a global status or system variable.
node_status() {
	local out
	out=$(node_sql "$1" "SHOW GLOBAL STATUS LIKE '$2'") || return 1
	printf '%s\n' "${out#*$'\t'}"
}
node_var() {
	local out
	out=$(node_sql "$1" "SHOW GLOBAL VARIABLES LIKE '$2'") || return 1
	printf '%s\n' "${out#*$'\t'}"
}

# One line describing node I, for messages.
node_describe() {
	local i=$1 out
	if ! node_alive "$i"; then
		echo "node$i: mysqld not running"
		return 0
	fi
	if pid_stopped "$(node_pid "$i")"; then
		echo "node$i: mysqld is SIGSTOPped"
		return 0
	fi
	out=$(node_sql "$i" "SELECT CONCAT_WS(' ',
		'state', (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE'),
		(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT'),
		'cluster', (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_CLUSTER_STATUS'),
		'size', (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_CLUSTER_SIZE'),
		'ready', (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_READY'),
		'desync', @@wsrep_desync, 'read_only', @@read_only,
		'reject', @@wsrep_reject_queries)" 2>&1) || { echo "node$i: query failed: $out"; return 0; }
	echo "node$i: $out"
}

# Condition for wait_until: node I has wsrep_local_state STATE (and, for 4,
# is Primary with the full cluster size if SIZE given).
node_state_is() {
	local i=$1 want=$2 size=${3:-} st cs sz
	if ! node_alive "$i"; then
		echo "node$i: mysqld is not running; error log tail:"
		tail -n 5 "$(_node_dir "$i")/error.log" 2>/dev/null
		return $CCK_WAIT_GIVE_UP
	fi
	st=$(node_status "$i" wsrep_local_state 2>&1) || { echo "node$i: $st"; return 1; }
	if [[ $st != "$want" ]]; then
		node_describe "$i"
		return 1
	fi
	if [[ -n $size ]]; then
		cs=$(node_status "$i" wsrep_cluster_status) || return 1
		sz=$(node_status "$i" wsrep_cluster_size) || return 1
		if [[ $cs != Primary || $sz != "$size" ]]; then
			node_describe "$i"
			return 1
		fi
	fi
	return 0
}

# node_wait_state I STATE TIMEOUT_S
node_wait_state() {
	wait_until "${3:-60}" "node$1 wsrep_local_state=$2" node_state_is "$1" "$2"
}

# node_launch I [mysqld args]: start mariadbd for node I, do not wait.
node_launch() {
	local i=$1 d pid
	shift
	d=$(_node_dir "$i")
	if node_alive "$i"; then
		echo "node_launch: node$i already running (pid $(node_pid "$i"))" >&2
		return 1
	fi
	rm -f "$d/launch.pid" "$d/mysqld.pid"
	# After a crash (kill -9) gvwstate.dat still holds the node's old gcomm
	# identity; reusing it makes the peers wait ~20 s for the "old" member to
	# time out. The harness always bootstraps explicitly, so a fresh identity
	# is right (the node rejoins in ~2 s).
	rm -f "$d/data/gvwstate.dat"
	# After a crash grastate.dat has no seqno: without a start position the
	# node would need a full SST. As the packaged unit does before every
	# start (galera_recovery), ask mariadbd what InnoDB recovered and start
	# from there: the node rejoins by IST.
	if grep -q '^seqno: *-1' "$d/data/grastate.dat" 2>/dev/null; then
		local pos
		if pos=$(_node_recovered_position "$i"); then
			set -- "$@" "--wsrep_start_position=$pos"
		else
			echo "node_launch: no position recovered for node$i (see $d/recover.log): it will need a full SST" >&2
		fi
	fi
	echo "=== $(date '+%F %T') node_launch $*" >>"$d/error.log"
	_cck_is_root && chown mysql:mysql "$d/error.log"
	_spawn "$d/stdout.log" "$MARIADBD" --defaults-file="$d/my.cnf" "$@"
	pid=$!
	disown "$pid" 2>/dev/null # no "Killed" job notices from bash
	echo "$pid" >"$d/launch.pid"
	NODE_PID[i]=$pid
}

# _node_recovered_position I -> UUID:SEQNO that mariadbd --wsrep-recover
# finds in node I's InnoDB (node I stopped).
_node_recovered_position() {
	local d pos
	d=$(_node_dir "$1")
	timeout 120 "$MARIADBD" --defaults-file="$d/my.cnf" --wsrep-recover --disable-log-error \
		</dev/null >"$d/recover.log" 2>&1 || return 1
	pos=$(grep -a 'WSREP: Recovered position:' "$d/recover.log" | tail -n 1)
	pos=${pos##*Recovered position: }
	[[ $pos =~ ^[0-9a-f-]{36}:[0-9]+$ ]] || return 1
	echo "$pos"
}

# node_start I [mysqld args]: start node I (joining the cluster) and wait
# until it is Synced. TIMEOUT via NODE_START_TIMEOUT (default 120 s).
node_start() {
	node_launch "$@" || return 1
	_node_wait_synced "$1"
}

# nodes_start I...: start nodes I... at once (joining the cluster) and wait
# until every one is Synced: the joiners receive their state side by side
# instead of one after the other.
nodes_start() {
	local i
	for i in "$@"; do node_launch "$i" || return 1; done
	for i in "$@"; do _node_wait_synced "$i" || return 1; done
}

_node_wait_synced() {
	local i=$1
	if ! wait_until "${NODE_START_TIMEOUT:-120}" "node$i to reach Synced (4)" node_state_is "$i" 4; then
		echo "--- node$i error log tail:" >&2
		tail -n 30 "$(_node_dir "$i")/error.log" >&2
		return 1
	fi
	NODE_PID[i]=$(node_pid "$i")
}

# node_stop I: SIGTERM by pid, wait until gone (KILL after 60 s).
node_stop() {
	local i=$1 pid d
	d=$(_node_dir "$i")
	pid=$(node_pid "$i") || return 0
	stop_pid "$pid" "${NODE_STOP_TIMEOUT:-60}" "node$i mysqld" || return 1
	rm -f "$d/launch.pid" "$d/mysqld.pid"
}

# node_kill I SIG: kill -SIG node I's mysqld (9, KILL, STOP, CONT, ...).
node_kill() {
	local pid
	pid=$(node_pid "$1") || { echo "node_kill: no pid for node$1" >&2; return 1; }
	kill -s "$2" "$pid"
}

# node_pad I DB MB: MB of data in database DB on node I alone (wsrep_on=OFF,
# MyISAM: nothing replicated), so that a full SST from node I lasts a
# while; the database is dropped at the end of the scenario.
node_pad() {
	local i=$1 db=$2
	on_exit "NODE_SQL_TIMEOUT=120 node_sql $i 'DROP DATABASE IF EXISTS $db'"
	NODE_SQL_TIMEOUT=300 node_sql "$i" "SET SESSION wsrep_on=OFF;
		DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.pad (b LONGBLOB) ENGINE=MyISAM;
		INSERT INTO $db.pad SELECT REPEAT('x', 1048576) FROM $db.seq_1_to_$3"
}

# node_forget_state I: stop node I and remove its saved state, so that it
# needs a full SST when it starts again.
node_forget_state() {
	node_stop "$1" || return 1
	rm -f "$CCK_TMP/node$1/data/grastate.dat" "$CCK_TMP/node$1/data/galera.cache"
}

node_isolate() { node_sql "$1" "SET GLOBAL wsrep_provider_options='gmcast.isolate=1'"; }
node_unisolate() { node_sql "$1" "SET GLOBAL wsrep_provider_options='gmcast.isolate=0'"; }
node_is_isolated() {
	local o
	o=$(node_var "$1" wsrep_provider_options) || return 1
	[[ $o =~ gmcast\.isolate\ =\ [1-9] ]]
}

# ---------------------------------------------------------------- cluster

# cluster_start: 3 nodes in $CCK_TMP/node{1,2,3}; node1 bootstraps, node2
# and node3 join one after the other (full SST by rsync). Creates the
# monitoring account and exports CCK_DB_USER / CCK_DB_PASS.
cluster_start() {
	local i t0
	now_ms; t0=$REPLY
	cck_init || return 1
	for i in 1 2 3; do _node_prepare "$i" || return 1; done
	# node2 and node3 need no system tables of their own: they receive
	# node1's datadir by SST when they join (started together, one waits
	# for the donor while the other's transfer runs).
	_node_install_db 1 || return 1
	node_start 1 --wsrep-new-cluster || return 1
	_cluster_create_monitor_user || return 1
	nodes_start 2 3 || return 1
	cluster_wait_synced 60 || return 1
	now_ms
	cck_log "cluster of 3 Synced nodes up in $(((REPLY - t0) / 1000)).$((((REPLY - t0) % 1000) / 100)) s (ports from $CCK_PORT_BASE, $CCK_TMP)"
}

# cluster_start_one: node1 alone, bootstrapped, with the monitoring account
# (the benchmarks: an agent reads only its own node, and one node leaves
# the shared cores to the measurement).
cluster_start_one() {
	cck_init || return 1
	_node_prepare 1 || return 1
	_node_install_db 1 || return 1
	node_start 1 --wsrep-new-cluster || return 1
	_cluster_create_monitor_user
}

_cluster_create_monitor_user() {
	local pass
	pass=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
	# USAGE only: what the agent needs (SHOW STATUS / SHOW VARIABLES)
	node_sql 1 "CREATE USER 'clustercheck'@'localhost' IDENTIFIED BY '$pass';
		CREATE USER 'clustercheck'@'127.0.0.1' IDENTIFIED BY '$pass';" || return 1
	(umask 077; echo "$pass" >"$CCK_TMP/db_pass")
	CCK_DB_USER=clustercheck
	CCK_DB_PASS=$pass
	export CCK_DB_USER  # the password stays unexported: agents must not inherit it
}

# _node_health I: "STATE CLUSTER_STATUS SIZE DESYNC,READ_ONLY,REJECT ISOLATED"
# of node I in one query (each client run costs about 0.1 s on a loaded
# machine, and the harness asks before every scenario), e.g.
# "4 Primary 3 OFF,OFF,NONE 0" for a healthy node with default settings.
_node_health() {
	node_sql "$1" "SELECT CONCAT_WS(' ',
		(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE'),
		(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_CLUSTER_STATUS'),
		(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_CLUSTER_SIZE'),
		CONCAT_WS(',', @@wsrep_desync, @@read_only, @@wsrep_reject_queries),
		@@wsrep_provider_options REGEXP 'gmcast\\\\.isolate = [1-9]')"
}

# _node_runs I: node I's mysqld is running and not SIGSTOPped.
_node_runs() {
	local pid
	pid=$(node_pid "$1" 2>/dev/null) && pid_alive "$pid" && ! pid_stopped "$pid"
}

# Condition: all three nodes Synced, Primary, size 3.
cluster_is_synced() {
	local i ok=0 h
	for i in 1 2 3; do
		if ! _node_runs "$i" || ! h=$(_node_health "$i" 2>/dev/null) || [[ $h != "4 Primary 3 "* ]]; then
			ok=1
		fi
	done
	if ((ok)); then
		for i in 1 2 3; do node_describe "$i"; done
	fi
	return $ok
}

cluster_wait_synced() { wait_until "${1:-60}" "all 3 nodes Synced in a Primary cluster of 3" cluster_is_synced; }

# cluster_heal: bring all 3 nodes back to Synced with default settings,
# whatever a previous (failed) scenario left behind.
cluster_heal() {
	local i pid alive=0 settings
	# what a scenario that passed leaves: one query per node tells
	if _cluster_is_healthy; then
		for i in 1 2 3; do NODE_PID[i]=$(node_pid "$i"); done
		return 0
	fi
	for i in 1 2 3; do
		if node_alive "$i"; then
			pid=$(node_pid "$i")
			pid_stopped "$pid" && { cck_log "heal: node$i was stopped, SIGCONT"; kill -CONT "$pid"; }
			alive=$((alive + 1))
		fi
	done
	if ((alive == 0)); then
		cck_log "heal: no node running, bootstrapping node1 again"
		sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' "$(_node_dir 1)/data/grastate.dat" 2>/dev/null
		node_start 1 --wsrep-new-cluster || return 1
	fi
	for i in 1 2 3; do
		node_alive "$i" || continue
		# a node may be mid-shutdown or just resumed: let it answer first
		wait_until 30 "node$i to answer SQL" node_sql "$i" "SELECT 1" || return 1
		if node_is_isolated "$i"; then
			cck_log "heal: node$i isolated, gmcast.isolate=0"
			node_unisolate "$i" || return 1
		fi
		settings=$(node_sql "$i" "SELECT CONCAT_WS(',', @@wsrep_desync, @@read_only, @@wsrep_reject_queries)") || return 1
		if [[ $settings != OFF,OFF,NONE ]]; then
			cck_log "heal: node$i had wsrep_desync,read_only,wsrep_reject_queries=$settings; resetting"
			node_sql "$i" "SET GLOBAL wsrep_desync=OFF; SET GLOBAL read_only=OFF; SET GLOBAL wsrep_reject_queries=NONE" || return 1
		fi
	done
	local down=()
	for i in 1 2 3; do node_alive "$i" || down+=("$i"); done
	if ((${#down[@]})); then
		cck_log "heal: node(s) ${down[*]} not running, starting them"
		nodes_start "${down[@]}" || return 1
	fi
	if ! cluster_wait_synced 60; then
		# all alive but no Primary component (e.g. both peers lost at once)
		for i in 1 2 3; do
			if [[ $(node_status "$i" wsrep_cluster_status 2>/dev/null) == Primary ]]; then
				return 1
			fi
		done
		cck_log "heal: no Primary component, pc.bootstrap on node1"
		node_sql 1 "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'" || return 1
		cluster_wait_synced 60 || return 1
	fi
	for i in 1 2 3; do NODE_PID[i]=$(node_pid "$i"); done
}

# Condition: every node running, Synced in a Primary cluster of 3, with
# default settings, not isolated.
_cluster_is_healthy() {
	local i
	for i in 1 2 3; do
		_node_runs "$i" && [[ $(_node_health "$i" 2>/dev/null) == "4 Primary 3 OFF,OFF,NONE 0" ]] || return 1
	done
}

# All descendants of PID (children first found, then theirs), one per line.
_descendants() {
	ps -e -o pid=,ppid= 2>/dev/null | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			want[root] = 1
			do {
				added = 0
				for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; added = 1 }
			} while (added)
			for (p in want) if (p != root) print p
		}'
}

# True if mysqld PID is running an SST script (donor or joiner).
_in_sst() {
	local c
	for c in $(_descendants "$1"); do
		grep -q wsrep_sst "/proc/$c/cmdline" 2>/dev/null && return 0
	done
	return 1
}

# cluster_stop: SIGTERM all nodes at once, wait, KILL what is left after
# NODE_STOP_TIMEOUT (30 s). A node taking part in an SST (donor or joiner)
# ignores SIGTERM until the transfer ends: it gets 5 s. SST helpers
# (wsrep_sst_rsync, its rsync daemon) left behind are stopped by pid too.
cluster_stop() {
	local i pid pids=() kids=() d f t0 left
	local -A limit=()
	now_ms; t0=$REPLY
	for i in 1 2 3; do
		pid=$(node_pid "$i" 2>/dev/null) || continue
		if pid_alive "$pid"; then
			pid_stopped "$pid" && kill -CONT "$pid" 2>/dev/null
			limit[$pid]=$((t0 + ${NODE_STOP_TIMEOUT:-30} * 1000))
			_in_sst "$pid" && limit[$pid]=$((t0 + 5000))
			mapfile -t -O "${#kids[@]}" kids < <(_descendants "$pid")
			kill -TERM "$pid" 2>/dev/null
			pids+=("$pid")
		fi
	done
	while :; do
		left=0
		now_ms
		for pid in "${pids[@]}"; do
			pid_alive "$pid" || continue
			left=1
			if ((REPLY >= limit[$pid])); then
				cck_log "mysqld (pid $pid) ignored SIGTERM for $(((REPLY - t0) / 1000)) s, sending SIGKILL"
				kill -KILL "$pid" 2>/dev/null
				limit[$pid]=$((REPLY + 600000))
			fi
		done
		((left)) || break
		sleep 0.1
	done
	for pid in "${kids[@]}"; do
		stop_pid "$pid" 5 "SST helper"
	done
	for i in 1 2 3; do
		d=$(_node_dir "$i")
		rm -f "$d/launch.pid" "$d/mysqld.pid"
		# an rsync daemon of an interrupted SST outlives its mysqld
		f=$d/data/rsync_sst.pid
		[[ -s $f ]] && stop_pid "$(<"$f")" 5 "rsync daemon"
	done
	return 0
}

# ---------------------------------------------------------------- agents

# agent_start A [clustercheckd args...]: agent A (1..9) for node
# ${AGENT_NODE:-A}, listening on AGENT_PORT[A]. Extra config lines from
# $AGENT_EXTRA_CONF are appended verbatim; AGENT_DATADIR replaces
# mysql.datadir (default: the node's). Waits until it answers HTTP.
# Each agent has its own ctl socket ($CCK_TMP/agentA.ctl, group mysql so that
# mysqld's wsrep_notify_cmd reaches it) and maintenance file
# ($CCK_TMP/agentA.disabled); SIGTERM exits at once unless
# AGENT_DRAIN_SECONDS is set ("default": the agent's own default).
agent_start() {
	local a=$1 node=${AGENT_NODE:-$1} conf log pid
	shift
	conf=$CCK_TMP/agent$a.conf
	log=${CCK_LOGDIR:-$CCK_TMP}/agent$a.log
	if [[ ! -x $CCK_BIN ]]; then
		echo "agent_start: $CCK_BIN is not built (run make)" >&2
		return 1
	fi
	agent_stop "$a"
	# shellcheck disable=SC2034
	AGENT_PID[a]=
	(
		umask 077
		cat >"$conf" <<EOF
listen = "127.0.0.1:${AGENT_PORT[a]}";
mysql = { socket = "${NODE_SOCK[node]}"; user = "$CCK_DB_USER"; password = "$CCK_DB_PASS"; datadir = "${AGENT_DATADIR-$(_node_dir "$node")/data}"; };
drain = { $([[ ${AGENT_DRAIN_SECONDS:-0} == default ]] || echo "seconds = ${AGENT_DRAIN_SECONDS:-0}; ")maint_file = "$CCK_TMP/agent$a.disabled"; };
ctl = { socket = "$CCK_TMP/agent$a.ctl"; mode = "0660"; group = "$(_cck_is_root && echo mysql)"; };
EOF
		if [[ -n ${AGENT_EXTRA_CONF:-} ]]; then
			printf '%s\n' "$AGENT_EXTRA_CONF" >>"$conf"
		fi
	)
	chmod 600 "$conf"
	echo "=== $(date '+%F %T') $CCK_BIN --config $conf $*" >>"$log"
	_spawn "$log" "$CCK_BIN" --config "$conf" "$@"
	pid=$!
	disown "$pid" 2>/dev/null
	echo "$pid" >"$CCK_TMP/agent$a.pid"
	AGENT_PID[a]=$pid
	if ! wait_until 10 "agent$a to answer HTTP on port ${AGENT_PORT[a]}" _agent_answers "$a" "$pid"; then
		echo "--- agent$a log tail:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
}

_agent_answers() {
	local a=$1 pid=$2 code
	if ! pid_alive "$pid"; then
		echo "agent$a (pid $pid) exited"
		return $CCK_WAIT_GIVE_UP
	fi
	code=$(http_code "${AGENT_PORT[a]}")
	echo "HTTP code $code"
	[[ $code != 000 ]]
}

agent_pid() { cat "$CCK_TMP/agent$1.pid" 2>/dev/null; }

# agent_ctl A drain|maint|ready|status: `clustercheckd ctl` on agent A.
agent_ctl() { "$CCK_BIN" ctl --ctl "$CCK_TMP/agent$1.ctl" "$2"; }

agent_stop() {
	stop_pidfile "$CCK_TMP/agent$1.pid" 10
	AGENT_PID[$1]=
}

agent_stop_all() {
	local f a
	for f in "$CCK_TMP"/agent*.pid; do
		[[ -e $f ]] || continue
		a=${f##*/agent}
		agent_stop "${a%.pid}"
	done
}

# ---------------------------------------------------------------- HTTP

_curl() { curl -s --max-time 2 "$@"; }

# http_code PORT [PATH] [METHOD] -> status code (000 when no answer)
http_code() {
	local port=$1 path=${2:-/} method=${3:-GET} args=()
	case $method in
	GET) ;;
	HEAD) args=(-I) ;;
	*) args=(-X "$method") ;;
	esac
	_curl -o /dev/null -w '%{http_code}' "${args[@]}" "http://127.0.0.1:$port$path" || true
}

# http_body PORT [PATH] -> body of a GET
http_body() { _curl "http://127.0.0.1:$1${2:-/}" || true; }

# code_and_body OUT [SEP] -> "CODE BODY" from curl's output with -w '\n%{http_code}'
# (the body's newlines become SEP, default a space; 000 = no answer)
code_and_body() {
	local out=$1 sep=${2:- } code
	code=${out##*$'\n'}
	out=${out%$'\n'*}
	[[ $out == "$code" ]] && out=
	out=${out//$'\r'/}
	out=${out//$'\n'/$sep}
	out=${out%"${out##*[![:space:]]}"}
	printf '%s %s\n' "${code:-000}" "$out"
}

# http_get PORT [PATH] -> "CODE BODY" from one request
http_get() {
	code_and_body "$(_curl -w '\n%{http_code}' "http://127.0.0.1:$1${2:-/}" || true)"
}

# http_raw PORT REQUEST_BYTES -> the raw response (printf-escapes allowed)
http_raw() {
	# shellcheck disable=SC2059
	printf "$2" | timeout 3 socat -t 2 - "TCP:127.0.0.1:$1" || true
}

# wait_http PORT CODE BODY_REGEX TIMEOUT_S [PATH]
# Polls (every 50 ms) until one GET answers CODE with a body matching the
# extended regex BODY_REGEX. Prints the elapsed milliseconds on stdout.
wait_http() {
	local port=$1 want=$2 re=$3 timeout=$4 path=${5:-/} t0 deadline last code body
	now_ms; t0=$REPLY
	secs_to_ms "$timeout"; deadline=$((t0 + REPLY))
	while :; do
		last=$(http_get "$port" "$path")
		code=${last%% *}
		body=${last#* }
		if [[ $code == "$want" && $body =~ $re ]]; then
			now_ms
			echo $((REPLY - t0))
			return 0
		fi
		now_ms
		if ((REPLY >= deadline)); then
			echo "timed out after ${timeout}s waiting for port $port to answer $want /$re/; last saw: $code '$body'" >&2
			return 1
		fi
		sleep 0.05
	done
}

# ---------------------------------------------------------------- HAProxy

# agent_check_port I: where agent I answers HAProxy's agent-check (spare
# ports 1..3 of the layout), for `agent = { listen = ...; }` and %a below.
agent_check_port() { cck_spare_port "$1"; }

# haproxy_start [NAME [PORT]]: the one HAProxy launcher of the scenarios,
# the drain helpers and the demo. A `listen galera` on 127.0.0.1:PORT
# (default $HAPROXY_PORT) in front of node1..3, each server health-checked on
# its agent. NAME (default haproxy) names its files ($CCK_TMP/NAME.cfg,
# .pid, .sock, .log), so a second instance can run beside the first.
# Parameters, from the environment:
#   HAPROXY_CHECK         the proxy's check lines (default "option httpchk";
#                         several as $'option httpchk\nhttp-check disable-on-404')
#   HAPROXY_SERVER_OPTS   each server's check timings (default: every 500 ms,
#                         200 ms while changing state, rise 1 fall 1)
#   HAPROXY_SERVER_EXTRA  more options on each server line, after them: an
#                         agent serving HTTPS is checked with
#                         "check-ssl verify required ca-file $CCK_TMP/ca.pem";
#                         "agent-check agent-port %a agent-inter 1s" adds the
#                         agent-check. %i stands for the server's number
#                         (1..3), %a for agent_check_port %i.
#   HAPROXY_CHECK_PORTS   "P1 P2 P3": where server I's checks go (default
#                         AGENT_PORT[1..3]; e.g. the agents' HTTPS ports)
#   HAPROXY_TIMEOUT_CHECK `timeout check` (default 2s)
#   HAPROXY_DEFAULTS      more lines for the defaults section
#   HAPROXY_MORE          more sections, appended as they are (haproxy_listen
#                         prints one more listen with the parameters above)
haproxy_start() {
	local name=${1:-haproxy} port=${2:-$HAPROXY_PORT} cfg
	cfg=$CCK_TMP/$name.cfg
	{
		cat <<EOF
global
    stats socket $CCK_TMP/$name.sock mode 600 level admin
    maxconn 500

defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout check ${HAPROXY_TIMEOUT_CHECK:-2s}
EOF
		[[ -z ${HAPROXY_DEFAULTS:-} ]] || _indent <<<"$HAPROXY_DEFAULTS"
		echo
		# Test timings: check every 500 ms (200 ms while changing state) and
		# change state after a single result, so that scenarios see HAProxy
		# follow the agent within about a second. Production uses slower
		# checks and rise/fall of 2-3 (see haproxy/ in the repository).
		haproxy_listen galera "$port"
		[[ -z ${HAPROXY_MORE:-} ]] || printf '\n%s\n' "$HAPROXY_MORE"
	} >"$cfg"
	haproxy_launch "$name" "$cfg"
}

# haproxy_listen PROXY PORT: one `listen` section in front of node1..3,
# with haproxy_start's parameters.
haproxy_listen() {
	local px=$1 port=$2 i line ports
	read -r -a ports <<<"${HAPROXY_CHECK_PORTS:-${AGENT_PORT[1]} ${AGENT_PORT[2]} ${AGENT_PORT[3]}}"
	printf '%s\n' "listen $px" "    bind 127.0.0.1:$port" "    mode tcp" "    balance leastconn"
	_indent <<<"${HAPROXY_CHECK:-option httpchk}"
	for i in 1 2 3; do
		line="    server node$i 127.0.0.1:${NODE_PORT[i]} check port ${ports[i - 1]}"
		line+=" ${HAPROXY_SERVER_OPTS:-inter 500 fastinter 200 rise 1 fall 1}"
		if [[ -n ${HAPROXY_SERVER_EXTRA:-} ]]; then
			line+=" ${HAPROXY_SERVER_EXTRA//%i/$i}"
			line=${line//%a/$(agent_check_port "$i")}
		fi
		echo "$line"
	done
}

_indent() { local l; while IFS= read -r l; do printf '    %s\n' "$l"; done; }

# haproxy_launch NAME CFG: check CFG, run HAProxy on it in the foreground
# (-db) in the background, pid in $CCK_TMP/NAME.pid; wait until its stats
# socket ($CCK_TMP/NAME.sock, which CFG must declare) answers.
haproxy_launch() {
	local name=$1 cfg=$2 pid
	haproxy_stop "$name"
	if ! haproxy -c -q -f "$cfg" >"$CCK_TMP/$name-check.log" 2>&1; then
		echo "haproxy_launch: invalid config $cfg:" >&2
		cat "$CCK_TMP/$name-check.log" >&2
		return 1
	fi
	_spawn "$CCK_TMP/$name.log" haproxy -db -f "$cfg"
	pid=$!
	disown "$pid" 2>/dev/null
	echo "$pid" >"$CCK_TMP/$name.pid"
	# shellcheck disable=SC2034
	[[ $name != haproxy ]] || HAPROXY_PID=$pid
	wait_until 10 "$name stats socket" _haproxy_up "$pid" "$name" || { tail -n 20 "$CCK_TMP/$name.log" >&2; return 1; }
}

_haproxy_up() {
	pid_alive "$1" || { echo "haproxy exited"; return $CCK_WAIT_GIVE_UP; }
	haproxy_cmd "show info" "${2:-haproxy}" | grep -q '^Pid:'
}

haproxy_stop() { stop_pidfile "$CCK_TMP/${1:-haproxy}.pid" 10; }

# haproxy_cmd COMMAND [NAME]: on the stats socket of instance NAME.
haproxy_cmd() { echo "$1" | timeout 5 socat -t 2 - "UNIX-CONNECT:$CCK_TMP/${2:-haproxy}.sock"; }

# haproxy_server_status NAME -> field 18 (status) of `show stat`, e.g. UP, DOWN
haproxy_server_status() {
	haproxy_cmd "show stat" | awk -F, -v n="$1" '$1 == "galera" && $2 == n { print $18 }'
}

_haproxy_status_is() {
	local line
	line=$(haproxy_cmd "show stat" | awk -F, -v n="$1" '$1 == "galera" && $2 == n { print $18 " (check " $37 ", code " $38 ", " $57 ")" }')
	echo "${line:-<no such server>}"
	[[ ${line%% (*} == "$2" ]]
}

# haproxy_stat_field NAME FIELD -> one `show stat` column of server NAME, by
# its header name (status, chkfail, chkdown, check_status, ...)
haproxy_stat_field() {
	haproxy_cmd "show stat" | awk -F, -v n="$1" -v f="$2" '
		NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == "galera" && $2 == n { print $(col[f]) }'
}

# wait_haproxy_status NAME STATUS TIMEOUT_S
wait_haproxy_status() {
	wait_until "$3" "haproxy server $1 to be $2" _haproxy_status_is "$1" "$2"
}

# ---------------------------------------------------------------- xinetd

# xinetd_start NAME PORT SERVER [ARGS...]: the one xinetd launcher of the
# scenarios, the drain baseline and the benchmarks. A private xinetd
# (foreground, -dontfork) with one service NAME bound to 127.0.0.1:PORT,
# running SERVER ARGS per connection; its own limits (cps, instances,
# per_source) lifted so that a benchmark measures the server, not xinetd.
# XINETD_ENV adds an `env =` line (VAR=value ...). xinetd's log
# ($CCK_TMP/xinetd-NAME.log) records each server's pid and exit status.
# Waits until PORT accepts connections.
xinetd_start() {
	local name=$1 port=$2 server=$3 conf pid
	shift 3
	conf=$CCK_TMP/xinetd-$name.conf
	xinetd_stop "$name"
	cat >"$conf" <<EOF
defaults
{
}
service $name
{
	type            = UNLISTED
	socket_type     = stream
	protocol        = tcp
	port            = $port
	bind            = 127.0.0.1
	wait            = no
	user            = $(id -un)
	server          = $server
	server_args     = $*
	flags           = REUSE
	cps             = 100000 1
	instances       = UNLIMITED
	per_source      = UNLIMITED
	log_on_success  = PID EXIT
	log_on_failure  = HOST
	log_type        = FILE $CCK_TMP/xinetd-$name.log
${XINETD_ENV:+	env             = $XINETD_ENV}
}
EOF
	_spawn "$CCK_TMP/xinetd-$name.out" xinetd -dontfork -pidfile "$CCK_TMP/xinetd-$name.xpid" -f "$conf" \
		-filelog "$CCK_TMP/xinetd-$name.own.log"
	pid=$!
	disown "$pid" 2>/dev/null
	echo "$pid" >"$CCK_TMP/xinetd-$name.pid"
	if ! wait_until 10 "xinetd $name listening on $port" port_listening "$port" "$pid"; then
		cat "$CCK_TMP/xinetd-$name.out" "$CCK_TMP/xinetd-$name.own.log" >&2 2>/dev/null
		return 1
	fi
}
xinetd_pid() { cat "$CCK_TMP/xinetd-$1.pid"; }
xinetd_stop() { stop_pidfile "$CCK_TMP/xinetd-$1.pid" 10; }
xinetd_stop_all() {
	local f n
	for f in "$CCK_TMP"/xinetd-*.pid; do
		[[ -e $f ]] || continue
		n=${f##*/xinetd-}
		xinetd_stop "${n%.pid}"
	done
}

# port_listening PORT [PID]: something listens on TCP PORT (and PID lives).
port_listening() {
	if [[ -n ${2:-} ]] && ! pid_alive "$2"; then
		echo "pid $2 exited"
		return "$CCK_WAIT_GIVE_UP"
	fi
	ss -Hltn "sport = :$1" | grep -q .
}

# ---------------------------------------------------------------- scenarios

# Used inside a scenario (run by run.sh in a subshell).
# fail "reason": end the scenario as failed.
fail() {
	if [[ -n ${CCK_REASON_FILE:-} && ! -s $CCK_REASON_FILE ]]; then
		printf '%s\n' "$*" >"$CCK_REASON_FILE"
	fi
	echo "FAIL: $*" >&2
	exit 1
}

# ERR trap of a scenario: the first failing command becomes the reason.
_scenario_err() {
	local rc=$1 where=$2 cmd=$3
	if [[ -n ${CCK_REASON_FILE:-} && ! -s $CCK_REASON_FILE ]]; then
		printf '%s: command failed (exit %s): %s\n' "$where" "$rc" "$cmd" >"$CCK_REASON_FILE"
	fi
	echo "ERROR at $where (exit $rc): $cmd" >&2
}

# on_exit "command": run at the end of the scenario, pass or fail (LIFO).
on_exit() { CCK_ON_EXIT=("$1" "${CCK_ON_EXIT[@]}"); }
CCK_ON_EXIT=()
_run_on_exit() {
	local c
	for c in "${CCK_ON_EXIT[@]}"; do
		eval "$c" || echo "cleanup step failed: $c" >&2
	done
	CCK_ON_EXIT=()
}

# assert_le VALUE MAX "what"
assert_le() {
	if (($1 > $2)); then
		fail "$3: $1 > $2"
	fi
	echo "ok: $3: $1 <= $2" >&2
}

# hold_http PORT CODE BODY_REGEX DURATION_S "what": every answer during
# DURATION_S (polled every 50 ms) must be CODE with a matching body.
hold_http() {
	local port=$1 want=$2 re=$3 what=$5 deadline last code body n=0
	secs_to_ms "$4"; deadline=$REPLY
	now_ms; deadline=$((deadline + REPLY))
	while :; do
		last=$(http_get "$port")
		code=${last%% *}
		body=${last#* }
		n=$((n + 1))
		if [[ $code != "$want" || ! $body =~ $re ]]; then
			fail "$what: expected $want /$re/ for ${4}s, answer $n was: $code '$body'"
		fi
		now_ms
		((REPLY < deadline)) || break
		sleep 0.05
	done
	echo "ok: $what: $n answers in ${4}s, all $want" >&2
}

# expect_http PORT CODE BODY_REGEX TIMEOUT_S "what" -> elapsed ms on stdout
expect_http() {
	local ms
	if ms=$(wait_http "$1" "$2" "$3" "$4" 2>&1); then
		echo "ok: $5 after ${ms} ms" >&2
		echo "$ms"
	else
		fail "$5: $ms"
	fi
}
