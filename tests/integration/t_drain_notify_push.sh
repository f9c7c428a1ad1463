# wsrep_notify_cmd push: node3 runs with
#   wsrep_notify_cmd = "clustercheckd notify --ctl <agent3's socket>"
# so mysqld tells the agent about state changes as they happen. Measured
# from just before the action to the first 503 read over HTTP:
#   - shutdown (SIGTERM to mysqld): must be < 100 ms;
#   - desync: MariaDB 10.11 sends no notification for it, so it is seen at
#     the next poll (<= poll.interval_ms = 500 ms); measured and reported.
# After the restart the "synced" notification makes the agent poll at once.
source "$CCK_REPO/tests/integration/drain_lib.sh"

notify_cmd="$CCK_BIN notify --ctl $CCK_TMP/agent3.ctl"
agent_start 3
port=${AGENT_PORT[3]}
node_stop 3
node_start 3 "--wsrep_notify_cmd=$notify_cmd"
expect_http "$port" 200 '^Galera node is synced' 10 "agent3 200 with node3 notifying" >/dev/null
grep -q 'mysqld notified: synced' "$CCK_LOGDIR/agent3.log" || fail "agent3 never got a notification from mysqld (wsrep_notify_cmd)"

# first503 T0: poll as fast as curl allows until a 503; ms since T0.
first503() {
	local t0=$1 code
	while :; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/")
		now_ms
		[[ $code == 503 ]] && { echo $((REPLY - t0)); return 0; }
		((REPLY - t0 < 5000)) || return 1
	done
}

now_ms; t0=$REPLY
node_sql 3 "SET GLOBAL wsrep_desync=ON"
desync_ms=$(first503 "$t0") || fail "agent3 not 503 within 5 s of wsrep_desync=ON"
node_sql 3 "SET GLOBAL wsrep_desync=OFF"
expect_http "$port" 200 'synced' 5 "agent3 200 after desync OFF" >/dev/null

log_lines=$(wc -l <"$CCK_LOGDIR/agent3.log")
now_ms; t0=$REPLY
echo "SIGTERM to node3 mysqld at $(date -d @$((t0 / 1000)) +%T).$(printf %03d $((t0 % 1000)))" >&2
node_kill 3 TERM
stop_ms=$(first503 "$t0") || fail "agent3 not 503 within 5 s of SIGTERM to mysqld"
body=$(http_body "$port")
wait_until 60 "node3 mysqld to exit" _pid_gone "$(node_pid 3)" >/dev/null || true
node_stop 3
notified=$(tail -n +"$((log_lines + 1))" "$CCK_LOGDIR/agent3.log" | grep -m1 'mysqld notified: disconnecting' || true)
first=$(tail -n +"$((log_lines + 1))" "$CCK_LOGDIR/agent3.log" | grep -m1 'not ready (503)' || true)
tail -n +"$((log_lines + 1))" "$CCK_LOGDIR/agent3.log" | head -n 8 >&2
echo "measured: desync seen after ${desync_ms} ms (no notification: next poll); shutdown seen after ${stop_ms} ms" >&2
echo "          first 503 logged: ${first#*clustercheckd: }" >&2
echo "          notification: ${notified:-<none>}" >&2
echo "NOTIFY_LATENCY desync_ms=$desync_ms shutdown_ms=$stop_ms"
[[ -n $notified ]] || fail "no 'disconnecting' notification reached agent3"
assert_le "$stop_ms" 100 "ms from SIGTERM to mysqld to 503 on the agent"
assert_le "$desync_ms" 1000 "ms from wsrep_desync=ON to 503 (poll-bound)"

node_start 3
