# node2's mysqld is stopped cleanly. Its agent (live.grace_ms = 3000):
#   - /live stays 200 until the grace has elapsed, then answers 503 naming
#     the grace (sampled every ~50 ms from the moment of the stop);
#   - /ready is 503 "mysqld unreachable" at once;
#   - /status and /metrics still show grastate.dat: the seqno mysqld wrote
#     at shutdown (= its last wsrep_last_committed) and safe_to_bootstrap 0
#     (the other nodes are still up), so an operator can pick the most
#     advanced node for a bootstrap while mysqld is down.
# node2 is started again at the end.

GRACE_MS=3000
AGENT_EXTRA_CONF='poll = { interval_ms = 100; }; live = { grace_ms = '$GRACE_MS'; };' agent_start 2
port=${AGENT_PORT[2]}
on_exit 'node_alive 2 || node_start 2'

wait_http "$port" 200 '^Galera node is alive: mysqld answered' 5 /live >/dev/null ||
	fail "agent2 /live not 200 'mysqld answered' while node2 is Synced: $(http_get "$port" /live)"

# Quiet the cluster so that node2's last committed seqno is final.
last=$(node_status 2 wsrep_last_committed)
uuid=$(node_status 2 wsrep_cluster_state_uuid)

now_ms; t_stop=$REPLY
node_stop 2
now_ms; stopped_after=$((REPLY - t_stop))
echo "node2 stopped in ${stopped_after} ms (last committed $last)" >&2

# /live until it turns 503 (or the deadline: grace + shutdown + slack).
timeline=$CCK_LOGDIR/live_timeline.txt
deadline=$((t_stop + stopped_after + GRACE_MS + 5000))
first_503=-1
while :; do
	now_ms; t=$((REPLY - t_stop))
	r=$(http_get "$port" /live)
	echo "$t $r" >>"$timeline"
	if [[ $r == 503\ * ]]; then
		first_503=$t
		break
	fi
	[[ $r == 200\ * ]] || fail "agent2 /live answered '$r' at ${t} ms after the stop"
	((REPLY < deadline)) || fail "agent2 /live still 200 $((REPLY - t_stop)) ms after the stop (grace $GRACE_MS ms): $r"
	sleep 0.05
done
cat "$timeline" >&2
# The agent counts from mysqld's last answer, at most one poll (100 ms)
# before the stop began: 503 before grace - 150 ms would be too early.
((first_503 >= GRACE_MS - 150)) || fail "agent2 /live turned 503 ${first_503} ms after the stop, before the ${GRACE_MS} ms grace"
echo "ok: /live 200 for ${first_503} ms after the stop, then 503 (grace ${GRACE_MS} ms)" >&2
[[ $r =~ ^503\ Galera\ node\ is\ not\ alive:\ no\ answer\ for\ [0-9]+\ ms,\ beyond\ the\ 3000\ ms\ grace ]] ||
	fail "agent2 /live 503 body does not name the grace: '$r'"
r=$(http_get "$port" /ready)
[[ $r =~ ^503\ Galera\ node\ is\ not\ ready:\ mysqld\ unreachable ]] || fail "agent2 /ready: '$r'"

# grastate.dat as mysqld left it, through /status and /metrics.
status=$(http_body "$port" /status)
printf '%s\n' "$status" >"$CCK_LOGDIR/status.json"
jq -e --argjson seqno "$last" --arg uuid "$uuid" '
	.grastate.read == true and .grastate.seqno == $seqno and .grastate.uuid == $uuid
	and .grastate.safe_to_bootstrap == false
	and .live.code == 503 and .live.ok == false and .ready.code == 503
	and .mysqld.outcome == "unreachable" and .datadir.sst_in_progress == false' \
	<<<"$status" >/dev/null ||
	fail "agent2 /status with mysqld down lacks grastate seqno $last / uuid $uuid / safe_to_bootstrap false: $(jq -c '{grastate, live: .live.code, ready: .ready.code, mysqld}' <<<"$status")"
echo "ok: /status with mysqld down: $(jq -c .grastate <<<"$status")" >&2
metrics=$(http_body "$port" /metrics)
grep -qx "galera_grastate_seqno $last" <<<"$metrics" || fail "agent2 /metrics lacks 'galera_grastate_seqno $last'"
grep -qx 'clustercheckd_verdict_code{endpoint="live"} 503' <<<"$metrics" || fail "agent2 /metrics: live verdict not 503"
grep -qx 'clustercheckd_mysqld_up 0' <<<"$metrics" || fail "agent2 /metrics: clustercheckd_mysqld_up not 0"

# Back: the same agent answers 200 on both.
node_start 2
wait_http "$port" 200 '^Galera node is synced' 10 /ready >/dev/null || fail "agent2 /ready not 200 after restart: $(http_get "$port" /ready)"
wait_http "$port" 200 '^Galera node is alive' 10 /live >/dev/null || fail "agent2 /live not 200 after restart: $(http_get "$port" /live)"
