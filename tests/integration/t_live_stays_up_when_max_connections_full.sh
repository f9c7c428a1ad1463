# shellcheck shell=bash
# Other clients take every connection slot of node2 and the agent's own
# session is killed: mysqld answers each of the agent's logins with "Too
# many connections" (1040). mysqld is up and serving those clients, so
# /live stays 200 for 3x live.grace_ms, naming the refusal, while /ready is
# 503 "Too many connections". Once a slot frees, /ready is 200 again.

source "$CCK_REPO/tests/integration/hardening.sh"
GRACE_MS=2000
HOLD_MS=$((3 * GRACE_MS))
node=2
AGENT_EXTRA_CONF="poll = { interval_ms = 100; }; live = { grace_ms = $GRACE_MS; };" agent_start 2
port=${AGENT_PORT[2]}
apid=$(agent_pid 2)
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent2 before" >/dev/null

# Every slot to other clients, then the agent's own session killed.
fill_max_connections "$node"
kill_agent_session "$node"

expect_http "$port" 503 '^Galera node is not ready: .*Too many connections \(1040\)' 5 \
	"agent2 /ready once every slot is taken" >/dev/null
now_ms; t0=$REPLY; deadline=$((REPLY + HOLD_MS)); n=0
while :; do
	l=$(http_get "$port" /live)
	r=$(http_get "$port" /ready)
	n=$((n + 1))
	now_ms
	[[ $l =~ ^200\ Galera\ node\ is\ alive:\ .*Too\ many\ connections\ \(1040\) ]] ||
		fail "/live sample $n, $((REPLY - t0)) ms into the refusals (grace $GRACE_MS ms): '$l'"
	[[ $r =~ ^503\ .*Too\ many\ connections ]] || fail "/ready sample $n: '$r'"
	((REPLY < deadline)) || break
	sleep 0.05
done
[[ $l =~ ^200\ Galera\ node\ is\ alive:\ mysqld\ answered\ [0-9]+\ ms\ ago,\ refusing\ the\ agent:\ Too\ many ]] ||
	fail "/live does not say mysqld answered with a refusal: '$l'"
[[ $r =~ ^503\ Galera\ node\ is\ not\ ready:\ mysqld\ refused\ the\ agent:\ Too\ many ]] ||
	fail "/ready does not say mysqld refused the agent: '$r'"
echo "ok: /live 200 and /ready 503 'Too many connections' on all $n samples for $HOLD_MS ms (3x the grace)" >&2
metrics=$(http_body "$port" /metrics)
grep -qx 'clustercheckd_verdict_code{endpoint="live"} 200' <<<"$metrics" || fail "/metrics: live verdict not 200"
grep -qx 'clustercheckd_mysqld_up 0' <<<"$metrics" || fail "/metrics: clustercheckd_mysqld_up not 0"
grep -qx 'clustercheckd_mysqld_refused 1' <<<"$metrics" || fail "/metrics: clustercheckd_mysqld_refused not 1"

free_connection_slots "$node" 2
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent2 /ready once a slot is free" >/dev/null
[[ $(agent_pid 2) == "$apid" ]] || fail "agent2 was restarted"
