# wsrep_notify_cmd push: node3 runs with
#   wsrep_notify_cmd = "clustercheckd notify --ctl <agent3's socket>"
# so mysqld tells the agent about state changes as they happen.
#   - shutdown (SIGTERM to mysqld): a client opening a new connection to
#     node3 every 5 ms marks when the shutdown becomes visible (its first
#     failure); the agent must answer 503 within 100 ms of that moment
#     (in practice before it). Also measured and reported: SIGTERM -> first
#     503 over HTTP. mysqld sometimes keeps serving for ~1 s after the
#     signal before it starts shutting down; that delay is mysqld's, so it
#     is reported, and bounded only loosely (< 3 s).
#   - desync: MariaDB 10.11 sends no notification for it, so it is seen at
#     the next poll (<= poll.interval_ms = 500 ms); measured and reported.
# After the restart the "synced" notification makes the agent poll at once.
source "$CCK_REPO/tests/integration/drain_lib.sh"

load_setup
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

# ms since the epoch of "YYYY-MM-DDTHH:MM:SS.mmm" or "[HH:MM:SS.mmm]"
to_ms() { date -d "${1/T/ }" +%s%3N; }

log_lines=$(wc -l <"$CCK_LOGDIR/agent3.log")
conns_before=$(node_status 3 Connections)
CCK_LOAD_PASSWORD=$LOAD_PASS "$CCK_REPO/bench/cck_load" --host 127.0.0.1 --port "${NODE_PORT[3]}" \
	--user load --threads 1 --pause-ms 5 --stop-file "$CCK_TMP/probe3.stop" \
	</dev/null >"$CCK_TMP/probe3.out" 2>"$CCK_TMP/probe3.err" &
echo $! >"$CCK_TMP/probe3.pid"
on_exit 'load_stop probe3 >/dev/null'
# The client must be seen working before the shutdown, so that its first
# failure is the shutdown: wait for node3 to have accepted a burst of new
# connections beyond the one each reading of the counter costs us.
echo 1 >"$CCK_TMP/probe3.reads"
_client_connecting() {
	local reads
	reads=$(($(<"$CCK_TMP/probe3.reads") + 1))
	echo "$reads" >"$CCK_TMP/probe3.reads"
	(($(node_status 3 Connections) - conns_before - reads >= 20))
}
wait_until 10 "the direct client to connect to node3 repeatedly" _client_connecting >/dev/null
[[ ! -s $CCK_TMP/probe3.err ]] || fail "direct client to node3 fails before the shutdown: $(head -n 1 "$CCK_TMP/probe3.err")"
now_ms; t0=$REPLY
echo "SIGTERM to node3 mysqld at $(date -d @$((t0 / 1000)) +%T).$(printf %03d $((t0 % 1000)))" >&2
node_kill 3 TERM
stop_ms=$(first503 "$t0") || fail "agent3 not 503 within 5 s of SIGTERM to mysqld"
wait_until 60 "node3 mysqld to exit" _pid_gone "$(node_pid 3)" >/dev/null || true
load_stop probe3 >/dev/null
node_stop 3
new_log=$(tail -n +"$((log_lines + 1))" "$CCK_LOGDIR/agent3.log")
notified=$(grep -m1 'mysqld notified: disconnecting' <<<"$new_log" || true)
first=$(grep -m1 'not ready (503)' <<<"$new_log" || true)
refused=$(head -n 1 "$CCK_TMP/probe3.err")
head -n 8 <<<"$new_log" >&2
echo "first client failure: ${refused:-<none>}" >&2
[[ -n $first ]] || fail "agent3 logged no 503 after the shutdown"
[[ -n $refused ]] || fail "the direct client never failed: cannot tell when the shutdown began"
agent_ms=$(to_ms "${first%% *}")
refused_at=${refused#[}
refused_ms=$(to_ms "${refused_at%%]*}")
lead=$((agent_ms - refused_ms))
echo "measured: desync seen after ${desync_ms} ms (no notification: next poll);" \
	"SIGTERM -> 503 over HTTP ${stop_ms} ms; agent 503 $((-lead)) ms before the first refused client" >&2
echo "          first 503 logged: ${first#*clustercheckd: }" >&2
echo "          notification: ${notified:-<none>}" >&2
echo "NOTIFY_LATENCY desync_ms=$desync_ms sigterm_to_503_ms=$stop_ms agent_503_minus_first_client_failure_ms=$lead"
[[ -n $notified ]] || fail "no 'disconnecting' notification reached agent3"
assert_le "$lead" 100 "ms from the first refused client to the agent's 503 (negative: the agent was first)"
assert_le "$stop_ms" 3000 "ms from SIGTERM to mysqld to 503 on the agent"
assert_le "$desync_ms" 1000 "ms from wsrep_desync=ON to 503 (poll-bound)"

node_start 3
