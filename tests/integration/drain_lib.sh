# shellcheck shell=bash
# Helpers for the drain scenarios (drain, maintenance, agent-check,
# rolling restart, demo): HAProxy with `http-check disable-on-404` and the
# agent-check, its stats socket read field by field, the clustercheck
# baseline under xinetd, and the load client. Sourced after lib.sh; uses
# the same pid-file conventions, so run.sh's cleanup stops what it starts.

# Baseline (clustercheck under xinetd) port for node I (spare ports 4..6;
# agent_check_port, in lib.sh, has 1..3).
baseline_port() { cck_spare_port $(($1 + 3)); }
# A second HAProxy frontend with the HTTP check only (spare port 7).
HAPROXY_HTTP_PORT_SPARE=7

# Timings shared by clustercheckd and the baseline runs, so that the
# comparison is fair: a check every 1 s (0.5 s while changing state), 2 in a
# row to change. Faster than production (haproxy/*.cfg use inter 2 s,
# fall 3) only to keep the suite short; the arithmetic is the same.
DRAIN_HAPROXY_TIMINGS=${DRAIN_HAPROXY_TIMINGS:-"inter 1000 fastinter 500 downinter 1000 rise 2 fall 2"}

# drain_agent_conf A: the agent-check line for AGENT_EXTRA_CONF.
drain_agent_conf() { echo "agent = { listen = \"127.0.0.1:$(agent_check_port "$1")\"; };"; }

# drain_agents_start: agents 1..3 with their agent-check ports.
drain_agents_start() {
	local a
	for a in 1 2 3; do
		AGENT_EXTRA_CONF="$(drain_agent_conf "$a")${AGENT_EXTRA_CONF_ALL:+
$AGENT_EXTRA_CONF_ALL}" agent_start "$a" || return 1
	done
}

# drain_haproxy_start MODE: MODE "agent" checks clustercheckd on
# AGENT_PORT[i] with disable-on-404 and the agent-check on
# agent_check_port i, plus a `galera_http` frontend with the HTTP check
# only; MODE "baseline" checks clustercheck under xinetd (baseline_port i).
# DRAIN_HAPROXY_STATS_PORT adds the stats page (the demo's).
drain_haproxy_start() {
	local mode=$1 more=""
	# shellcheck disable=SC2034 # haproxy_start's parameters
	local HAPROXY_CHECK=$'option httpchk\nhttp-check disable-on-404' HAPROXY_DEFAULTS=$'retries 3\noption redispatch'
	local HAPROXY_SERVER_OPTS="$DRAIN_HAPROXY_TIMINGS" HAPROXY_SERVER_EXTRA="" HAPROXY_CHECK_PORTS=""
	if [[ $mode == agent ]]; then
		more=$(haproxy_listen galera_http "$(cck_spare_port $HAPROXY_HTTP_PORT_SPARE)")
		# shellcheck disable=SC2034
		HAPROXY_SERVER_EXTRA="agent-check agent-port %a agent-inter 1s"
	else
		# shellcheck disable=SC2034
		HAPROXY_CHECK_PORTS="$(baseline_port 1) $(baseline_port 2) $(baseline_port 3)"
	fi
	HAPROXY_SERVER_OPTS+=" on-marked-down shutdown-sessions"
	if [[ -n ${DRAIN_HAPROXY_STATS_PORT:-} ]]; then
		more+=$'\n\n'$(printf '%s\n' "listen stats" "    mode http" "    bind 127.0.0.1:$DRAIN_HAPROXY_STATS_PORT" \
			"    stats enable" "    stats uri /stats" "    stats refresh 1s")
	fi
	HAPROXY_MORE=$more haproxy_start
}

# shipped_haproxy_start FILE: HAProxy from one of the shipped files
# (haproxy/*.cfg) with ONLY addresses, ports and paths substituted, so the
# test cannot drift from what users copy: the stats socket path, the
# frontend and stats binds, and each `server dbI 10.0.0.I:3306` line, which
# gets node I's client port plus `port`/`agent-port` for its agent (every
# agent is on 127.0.0.1 here, so the ports differ per server; the
# default-server line, with every timing, is kept as shipped). Servers keep
# their shipped names (db1..db3).
shipped_haproxy_start() {
	local src=$1 cfg=$CCK_TMP/haproxy.cfg sock=$CCK_TMP/haproxy.sock i left
	local stats_port
	stats_port=$(cck_spare_port 8)
	[[ -f $src ]] || { echo "shipped_haproxy_start: no $src" >&2; return 1; }
	local sedargs=(-e "s#/run/haproxy/admin.sock#$sock#"
		-e "s#bind \*:3306#bind 127.0.0.1:$HAPROXY_PORT#"
		-e "s#bind 127.0.0.1:8404#bind 127.0.0.1:$stats_port#")
	for i in 1 2 3; do
		sedargs+=(-e "s#^\(    server db$i\) 10\.0\.0\.$i:3306#\1 127.0.0.1:${NODE_PORT[i]} port ${AGENT_PORT[i]} agent-port $(agent_check_port "$i")#")
	done
	sed "${sedargs[@]}" "$src" >"$cfg"
	# Anything left of the placeholders means the shipped file changed
	# shape: fail rather than test something else.
	left=$(grep -v '^ *#' "$cfg" | grep -nE '10\.0\.0\.|/run/haproxy|\*:3306|:8404' || true)
	[[ -z $left ]] || { echo "shipped_haproxy_start: unsubstituted in $src: $left" >&2; return 1; }
	diff -u "$src" "$cfg" >"$CCK_TMP/haproxy-shipped.diff" || true
	haproxy_launch haproxy "$cfg"
}

# hx_field PROXY SERVER FIELD -> one `show stat` field (1-based, as cut -f):
# 5 scur, 18 status, 37 check_status, 58 last_agt, 63 agent_status.
hx_field() {
	haproxy_cmd "show stat" | awk -F, -v p="$1" -v s="$2" -v f="$3" '$1 == p && $2 == s { print $f }'
}

# hx_admin_state PROXY SERVER -> srv_admin_state of `show servers state`
# (bit 0x01 MAINT forced, 0x08 DRAIN forced: what the agent-check sets).
hx_admin_state() {
	haproxy_cmd "show servers state $1" | awk -v s="$2" '$4 == s { print $7 }'
}

_hx_admin_has() {
	local st
	st=$(hx_admin_state "$1" "$2")
	echo "srv_admin_state=$st"
	[[ $st =~ ^[0-9]+$ ]] && (((st & $3) != 0))
}

# hx_wait_admin PROXY SERVER BIT TIMEOUT_S
hx_wait_admin() {
	wait_until "$4" "haproxy $1/$2 admin state bit $3" _hx_admin_has "$1" "$2" "$3"
}

_hx_status_is() {
	local px=$1 sv=$2 want=$3 line
	line=$(haproxy_cmd "show stat" | awk -F, -v p="$px" -v s="$sv" '$1 == p && $2 == s { print $18 "|check " $37 " " $38 "|agent " $63 " \"" $58 "\"|scur " $5 }')
	echo "${line:-<no such server>}"
	[[ ${line%%|*} =~ ^($want)$ ]]
}

# hx_wait PROXY SERVER STATUS_REGEX TIMEOUT_S: wait on the stats socket.
hx_wait() {
	wait_until "$4" "haproxy $1/$2 status /$3/" _hx_status_is "$1" "$2" "$3"
}

_hx_no_sessions() {
	local n
	n=$(hx_field "$1" "$2" 5)
	echo "scur=$n"
	[[ $n == 0 ]]
}

# hx_wait_idle PROXY SERVER TIMEOUT_S: until the server has no session.
hx_wait_idle() {
	wait_until "$3" "haproxy $1/$2 to have no open session" _hx_no_sessions "$1" "$2"
}

# ---------------------------------------------------------------- baseline

# baseline_start: clustercheck (bench/baseline/clustercheck.sh) under
# xinetd, one service per node on baseline_port I, as Percona documents it.
baseline_start() {
	local i cnf
	for i in 1 2 3; do
		cnf=$CCK_TMP/baseline$i.cnf
		(umask 077; printf '[client]\nuser=%s\npassword=%s\nsocket=%s\n' \
			"$CCK_DB_USER" "$CCK_DB_PASS" "${NODE_SOCK[i]}" >"$cnf")
		xinetd_start "cck_clustercheck$i" "$(baseline_port "$i")" \
			"$CCK_REPO/bench/baseline/clustercheck.sh" "$cnf" || return 1
		wait_until 10 "clustercheck on port $(baseline_port "$i")" _baseline_answers "$i" || return 1
	done
}

_baseline_answers() {
	local code
	code=$(http_code "$(baseline_port "$1")")
	echo "HTTP $code"
	[[ $code == 200 ]]
}

baseline_stop() { local i; for i in 1 2 3; do xinetd_stop "cck_clustercheck$i"; done; }

# ---------------------------------------------------------------- load

# load_setup: database, table and account for the load client. The key is
# (run, worker, seq), not AUTO_INCREMENT: Galera changes each node's
# auto_increment_offset/increment when a node leaves or joins, and inserts
# on two nodes around that moment can then collide and fail certification
# (1213) -- a write conflict, not a routing error, and not what this
# measures (single-writer.cfg is the answer to it).
load_setup() {
	local pass
	pass=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
	node_sql 1 "CREATE DATABASE IF NOT EXISTS cck;
		CREATE TABLE IF NOT EXISTS cck.load_rows (run BIGINT NOT NULL, worker INT NOT NULL,
			seq INT NOT NULL, PRIMARY KEY (run, worker, seq)) ENGINE=InnoDB;
		CREATE OR REPLACE USER 'load'@'127.0.0.1' IDENTIFIED BY '$pass';
		GRANT ALL ON cck.* TO 'load'@'127.0.0.1';"
	LOAD_PASS=$pass
}

# load_start NAME: the load client through HAProxy, in the background.
load_start() {
	local name=$1 pid
	rm -f "$CCK_TMP/$name.stop"
	CCK_LOAD_PASSWORD=$LOAD_PASS "$CCK_REPO/bench/cck_load" --host 127.0.0.1 --port "$HAPROXY_PORT" \
		--user load --threads "${LOAD_THREADS:-4}" --pause-ms "${LOAD_PAUSE_MS:-10}" \
		--lifetime-ms "${LOAD_LIFETIME_MS:-0}" \
		--stop-file "$CCK_TMP/$name.stop" </dev/null >"$CCK_TMP/$name.out" 2>"$CCK_TMP/$name.err" &
	pid=$!
	echo "$pid" >"$CCK_TMP/$name.pid"
}

_load_rows() { node_sql 1 "SELECT COUNT(*) FROM cck.load_rows"; }
_load_grows() {
	local n
	n=$(_load_rows) || return 1
	echo "rows=$n (from $1)"
	((n > $1 + 20))
}

# load_wait_flowing: until transactions commit through HAProxy.
load_wait_flowing() {
	local n0
	n0=$(_load_rows)
	wait_until 15 "load transactions committing" _load_grows "$n0"
}

# load_stop NAME -> prints the client's summary line.
load_stop() {
	local name=$1 pid
	[[ -f $CCK_TMP/$name.pid ]] || return 0
	pid=$(<"$CCK_TMP/$name.pid")
	touch "$CCK_TMP/$name.stop"
	wait_until 20 "load client $name to exit" _pid_gone "$pid" >/dev/null || stop_pid "$pid" 5 "load $name"
	rm -f "$CCK_TMP/$name.pid"
	cat "$CCK_TMP/$name.out"
}

# "connections=N connect_failures=X ..." KEY -> value
load_value() { sed -n "s/.*\\b$2=\\([0-9]*\\).*/\\1/p" <<<"$1"; }

# ---------------------------------------------------------------- rolling restart

# rolling_restart_shipped FILE PROXY: the rolling restart as the systemd
# units order it, under load, through HAProxy started from the shipped FILE
# (shipped_haproxy_start) whose proxy is PROXY, with agents on their
# defaults (only listen addresses, sockets and paths set; drain.seconds and
# policy.donor as shipped). For each node in turn: SIGTERM its agent, wait
# until HAProxy has it out (NOLB/DRAIN) and the agent has exited, stop
# mysqld cleanly, start it and wait for Synced, start the agent, wait for
# HAProxy UP. Load: 4 clients opening a new connection per transaction and
# 4 keeping theirs for LONG_LIFETIME_MS (a pool's maximum lifetime, below
# drain.seconds). Fails unless both see 0 failed connections and 0 failed
# transactions; prints how long each node took to leave and rejoin.
rolling_restart_shipped() {
	local file=$1 px=$2 n t0 t_out t_exit t_rejoin_start scur report="" short long
	local long_ms=${LONG_LIFETIME_MS:-3000}
	[[ -x $CCK_REPO/bench/cck_load ]] || fail "bench/cck_load not built (make bench/cck_load)"
	load_setup
	on_exit 'load_stop short >/dev/null 2>&1; load_stop long >/dev/null 2>&1'
	# agents on their defaults drain 10 s on SIGTERM; SIGINT stops them now
# shellcheck disable=SC2016 # expanded when the step runs
	on_exit 'for a in 1 2 3; do p=$(agent_pid "$a") && kill -INT "$p" 2>/dev/null; done; true'
	for n in 1 2 3; do
		AGENT_DRAIN_SECONDS=default AGENT_EXTRA_CONF="$(drain_agent_conf "$n")" agent_start "$n" ||
			fail "agent$n did not start"
	done
	shipped_haproxy_start "$file" || fail "HAProxy does not start from $file"
	echo "HAProxy config = $file with these substitutions:" >&2
	grep '^[-+] ' "$CCK_TMP/haproxy-shipped.diff" >&2 || true
	for n in 1 2 3; do hx_wait "$px" "db$n" UP 20 || fail "db$n not UP at the start"; done
	LOAD_LIFETIME_MS=0 load_start short
	LOAD_LIFETIME_MS=$long_ms load_start long
	load_wait_flowing
	for n in 1 2 3; do
		now_ms; t0=$REPLY
		cck_log "db$n: SIGTERM to agent$n (pid $(agent_pid "$n"))"
		kill -TERM "$(agent_pid "$n")"
		hx_wait "$px" "db$n" 'NOLB|DRAIN|MAINT|DOWN' 15 || fail "db$n did not leave the pool after SIGTERM to its agent"
		now_ms; t_out=$((REPLY - t0))
		wait_until 30 "agent$n to finish draining and exit" _pid_gone "$(agent_pid "$n")" ||
			fail "agent$n did not exit"
		rm -f "$CCK_TMP/agent$n.pid"
		now_ms; t_exit=$((REPLY - t0))
		scur=$(hx_field "$px" "db$n" 5)
		cck_log "db$n: out of the pool after ${t_out} ms, agent exited after ${t_exit} ms with $scur sessions open: stopping mysqld"
		node_stop "$n" || fail "node$n did not stop"
		node_start "$n" || fail "node$n did not come back"
		now_ms; t_rejoin_start=$REPLY
		AGENT_DRAIN_SECONDS=default AGENT_EXTRA_CONF="$(drain_agent_conf "$n")" agent_start "$n" ||
			fail "agent$n did not restart"
		hx_wait "$px" "db$n" UP 30 || fail "db$n not UP after its restart"
		now_ms
		report+="db$n: left the pool $t_out ms after SIGTERM (agent exited at $t_exit ms, $scur sessions left), back UP $((REPLY - t_rejoin_start)) ms after its agent started, $(((REPLY - t0) / 1000)) s out in all"$'\n'
		echo "ok: db$n restarted" >&2
	done
	short=$(load_stop short)
	long=$(load_stop long)
	printf '%s' "$report" >&2
	echo "new connection per transaction: $short" >&2
	echo "connections kept ${long_ms} ms:  $long" >&2
	grep -h 'serving an IST\|Donor' "$CCK_LOGDIR"/agent*.log 2>/dev/null | head -n 6 >&2 || true
	local f
	for f in short long; do
		[[ -s $CCK_TMP/$f.err ]] && { echo "$f clients, first errors:" >&2; head -n 5 "$CCK_TMP/$f.err" >&2; }
	done
	echo "ROLLING_RESTART_SHIPPED $(basename "$file") short: $short"
	echo "ROLLING_RESTART_SHIPPED $(basename "$file") long: $long"
	local out k v
	for out in "$short" "$long"; do
		for k in connections transactions; do
			v=$(load_value "$out" "$k")
			((v > 20)) || fail "only $v $k in '$out': the load did not run"
		done
	done
	for out in "$short" "$long"; do
		v=$(($(load_value "$out" connect_failures) + $(load_value "$out" transaction_failures)))
		((v == 0)) || fail "rolling restart with $(basename "$file") and the defaults: short-lived '$short', long-lived '$long' (want 0 failures)"
	done
	echo "ok: rolling restart with $(basename "$file") and the agents' defaults: 0 failed connections, 0 failed transactions" >&2
}
