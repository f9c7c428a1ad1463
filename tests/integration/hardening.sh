# shellcheck shell=bash
# Helpers shared by the hardening scenarios (t_hardening_*.sh): the agent's
# resources as the kernel sees them, and the load generator.

LOADGEN=${LOADGEN:-$CCK_REPO/build/loadgen}

need_loadgen() {
	[[ -x $LOADGEN ]] || fail "$LOADGEN not built (make build/loadgen; make test builds it)"
}

fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# Private memory of PID in KiB: what leaks grow. VmRSS also counts the
# shared libraries' pages, which do not grow.
rss_anon_kib() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"; }

# loadgen output field
lg_field() { [[ $2 =~ (^| )$1=([^ ]*) ]] && echo "${BASH_REMATCH[2]}"; }

# A sanitized agent holds freed memory in quarantine and has its own
# allocator caches: memory bounds are checked, but with the room ASan needs.
sanitized() { [[ $(nm -D "$CCK_BIN" 2>/dev/null) == *__asan_init* ]]; }

assert_agent_same() { # A PID
	pid_alive "$2" && [[ $(agent_pid "$1") == "$2" ]] || fail "agent$1 (pid $2) died or was restarted"
}

# fill_max_connections NODE: other clients take every connection slot of
# NODE: max_connections lowered to 12, then sessions of the monitoring
# account (SELECT SLEEP(300)) opened until mysqld refuses one with "Too
# many connections" (it keeps one more slot for SUPER, which the harness's
# root uses). Their pids are in MAXCONN_HOLDERS; on_exit steps stop them and
# put max_connections back.
fill_max_connections() {
	local node=$1 old i out cnf=$CCK_TMP/maxconn-holder.cnf
	old=$(node_var "$node" max_connections)
	on_exit "node_sql $node 'SET GLOBAL max_connections=$old'"
	MAXCONN_HOLDERS=()
	# shellcheck disable=SC2016 # expanded when the step runs
	on_exit 'for p in "${MAXCONN_HOLDERS[@]}"; do stop_pid "$p" 5 holder; done'
	(umask 077; printf '[client]\nuser=%s\npassword=%s\nsocket=%s\n' "$CCK_DB_USER" "$CCK_DB_PASS" \
		"${NODE_SOCK[node]}" >"$cnf")
	node_sql "$node" "SET GLOBAL max_connections=12"
	for i in $(seq 20); do
		if out=$(_maxconn_user_connect "$cnf"); then
			mariadb --defaults-file="$cnf" -N -B -e 'SELECT SLEEP(300)' >/dev/null 2>&1 &
			MAXCONN_HOLDERS+=($!)
			wait_until 5 "holder $i counted" _maxconn_sleeping "$node" >/dev/null
		else
			[[ $out == *"Too many connections"* ]] || fail "unexpected connect error: $out"
			break
		fi
	done
	_maxconn_user_connect "$cnf" >/dev/null 2>&1 && fail "max_connections not exhausted after ${#MAXCONN_HOLDERS[@]} holders"
	echo "ok: max_connections exhausted with ${#MAXCONN_HOLDERS[@]} holders" >&2
}
_maxconn_user_connect() { timeout 5 mariadb --defaults-file="$1" -N -B -e 'SELECT 1' 2>&1; }
_maxconn_sleeping() {
	local n
	n=$(node_sql "$1" "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%'")
	echo "$n sleeping sessions"
	((n >= ${#MAXCONN_HOLDERS[@]}))
}

# kill_agent_session NODE: KILL the agent's own session on a full NODE.
# Its slot would go straight back to the agent: one slot fewer first, in
# the same statement, so that the holders alone fill the server.
kill_agent_session() {
	local node=$1 id max
	id=$(node_sql "$node" "SELECT ID FROM information_schema.PROCESSLIST WHERE USER='$CCK_DB_USER' AND (INFO IS NULL OR INFO NOT LIKE 'SELECT SLEEP%') AND ID != CONNECTION_ID()")
	[[ $id =~ ^[0-9]+$ ]] || fail "cannot find the agent's connection (got '$id')"
	max=$(node_var "$node" max_connections)
	node_sql "$node" "SET GLOBAL max_connections=$((max - 1)); KILL $id"
}

# free_connection_slots NODE N: N holders go. Their sessions are KILLed on
# the server: a holder client that merely exits leaves its SELECT SLEEP
# holding the slot until mysqld next writes to it (seconds, under load).
free_connection_slots() {
	local node=$1 n=$2 ids id i
	ids=$(node_sql "$node" "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%' LIMIT $n")
	for id in $ids; do node_sql "$node" "KILL $id"; done
	for ((i = 0; i < n; i++)); do stop_pid "${MAXCONN_HOLDERS[i]}" 5 holder; done
}
